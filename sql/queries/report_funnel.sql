-- The report's funnel, the article's question for the range (start to end, inclusive days,
-- UTC): which other pages did people read, in the same session, before they first saw the
-- target page? As pages_before_job_ad.sql: the page views of a session before its first view
-- of a page whose url matches the target regex, pages inside the target's section (path's first
-- segment equal to the section parameter, with more segments after it) left out; the section's
-- index page (e.g. /career/) is kept. A page is the url without its query or fragment.
-- Columns: part ('reached' or 'page'), page, sessions, pageviews, share, rank.
--   part 'reached': one row, always there (0 when nobody reached the target): sessions = the
--     sessions that viewed the target at all; page, pageviews, share and rank NULL.
--   part 'page': one row per page read before the target: sessions (that read it before
--     their first view of the target), pageviews (those views, as pages_before_job_ad.sql's n),
--     share (of the sessions that reached the target), rank (most sessions first, then most
--     page views, then by page). Every page.
-- A session is the range's page views with one session_id (a session crossing the range's edge
-- is cut there). Page views are by people: no bots, no prefetch or prerender.
-- Reads the events table directly, never the views: the timestamp filter keeps BigQuery to the
-- range's day partitions, and the rows are de-duplicated after it, as events_dedup does (the
-- earliest processed_at copy of each event_id wins).
-- parameter start: 2026-11-02
-- parameter end: 2026-11-29
-- parameter host:
-- parameter target: (?i)/career/jobs/data-engineer
-- parameter section: career
-- host: one host (e.g. www.example.com), or empty for every host. target: a regex of the
-- target page's url. section: the first path segment of the target's own section.
WITH
  events AS (
    SELECT event_id, session_id, timestamp, url, path, is_bot, purpose
    FROM `{{project}}.{{dataset}}.{{table}}`
    WHERE
      timestamp >= TIMESTAMP(@start)
      AND timestamp < TIMESTAMP_ADD(TIMESTAMP(@end), INTERVAL 1 DAY)
      AND (@host = '' OR host = @host)
    QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY processed_at) = 1
  ),
  pageviews AS (
    SELECT session_id, timestamp, url, path
    FROM events
    WHERE NOT is_bot AND purpose IS NULL AND session_id IS NOT NULL
  ),
  target_sessions AS (
    SELECT session_id, MIN(timestamp) AS target_seen
    FROM pageviews
    WHERE REGEXP_CONTAINS(url, @target)
    GROUP BY session_id
  ),
  reached AS (
    SELECT COUNT(*) AS sessions FROM target_sessions
  ),
  before AS (
    SELECT session_id, REGEXP_REPLACE(url, r'[?#].*$', '') AS page
    FROM pageviews
    JOIN target_sessions USING (session_id)
    WHERE
      timestamp < target_seen
      AND NOT (ARRAY_LENGTH(path) > 1 AND path[SAFE_OFFSET(0)] = @section)
  ),
  pages AS (
    SELECT page, COUNT(DISTINCT session_id) AS sessions, COUNT(*) AS pageviews
    FROM before
    GROUP BY page
  )
SELECT
  'reached' AS part,
  CAST(NULL AS STRING) AS page,
  sessions,
  CAST(NULL AS INT64) AS pageviews,
  CAST(NULL AS FLOAT64) AS share,
  CAST(NULL AS INT64) AS rank
FROM reached
UNION ALL
SELECT
  'page' AS part,
  page,
  pages.sessions,
  pages.pageviews,
  SAFE_DIVIDE(pages.sessions, reached.sessions) AS share,
  ROW_NUMBER() OVER (ORDER BY pages.sessions DESC, pages.pageviews DESC, page) AS rank
FROM pages
CROSS JOIN reached
ORDER BY part DESC, rank
