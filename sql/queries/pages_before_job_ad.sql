-- Which other pages did people read, in the same session, before they first saw a job ad?
-- Page views per page (the url without its query) before the session's first view of a page
-- matching the job_ad parameter (a regex), leaving out the pages inside the career section, the
-- section parameter (its index page, e.g. /career, is kept). No at-sign names in these comments: bqemulator would count them
-- as parameters.
-- parameter job_ad: (?i)/career/jobs/data-engineer
-- parameter section: career
-- footfall-processor query FILE runs it with these defaults (override: --param section=jobs).
-- With bq: replace {{project}} and {{dataset}}, then:
--   bq query --nouse_legacy_sql --parameter=job_ad::'(?i)/career/jobs/data-engineer' \
--     --parameter=section::career < pages_before_job_ad.sql
WITH
  job_ad_sessions AS (
    SELECT session_id, MIN(timestamp) AS job_ad_seen
    FROM `{{project}}.{{dataset}}.pageviews`
    WHERE session_id IS NOT NULL AND REGEXP_CONTAINS(url, @job_ad)
    GROUP BY session_id
  )
SELECT COUNT(*) AS n, page
FROM (
  -- The page without its query: campaign tags and ad click ids would split one page into many.
  SELECT REGEXP_REPLACE(url, r'[?#].*$', '') AS page, path
  FROM `{{project}}.{{dataset}}.pageviews`
  JOIN job_ad_sessions USING (session_id)
  WHERE timestamp < job_ad_seen
)
WHERE NOT (ARRAY_LENGTH(path) > 1 AND path[SAFE_OFFSET(0)] = @section)
GROUP BY page
ORDER BY n DESC, page
