-- One row per session like `sessions`, but rebuilt from visitor_id and timestamps alone, for
-- page views whose collector set no session cookie. The edge's rules: a page view continues the
-- visitor's session if it comes at most 30 minutes (whole seconds, as the edge counts) after
-- the visitor's previous one and carries no utm_campaign or the campaign the session started
-- with; otherwise it starts a new session. Within a run of page views without a 30-minute gap,
-- the session's campaign is the last campaign seen earlier in the run, so no recursion is
-- needed. session_id is visitor_id-n, n counting the visitor's sessions from 1.
CREATE OR REPLACE VIEW `{{project}}.{{dataset}}.sessions_rebuilt` AS
WITH
  gaps AS (
    SELECT
      event_id, visitor_id, host, timestamp, url, referrer_host, referrer_medium, utm_source,
      utm_medium, utm_campaign,
      COALESCE(
        TIMESTAMP_DIFF(
          TIMESTAMP_TRUNC(timestamp, SECOND),
          TIMESTAMP_TRUNC(
            LAG(timestamp) OVER (PARTITION BY visitor_id ORDER BY timestamp, event_id), SECOND
          ),
          SECOND
        ) > 1800,
        TRUE
      ) AS timed_out
    FROM `{{project}}.{{dataset}}.pageviews`
    WHERE visitor_id IS NOT NULL
  ),
  runs AS (
    SELECT
      *,
      SUM(IF(timed_out, 1, 0)) OVER (
        PARTITION BY visitor_id ORDER BY timestamp, event_id ROWS UNBOUNDED PRECEDING
      ) AS run
    FROM gaps
  ),
  campaigns AS (
    SELECT
      *,
      LAST_VALUE(utm_campaign IGNORE NULLS) OVER (
        PARTITION BY visitor_id, run ORDER BY timestamp, event_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
      ) AS session_campaign
    FROM runs
  ),
  numbered AS (
    SELECT
      *,
      SUM(IF(
        timed_out
          OR (utm_campaign IS NOT NULL AND COALESCE(utm_campaign != session_campaign, TRUE)),
        1, 0
      )) OVER (
        PARTITION BY visitor_id ORDER BY timestamp, event_id ROWS UNBOUNDED PRECEDING
      ) AS session_number
    FROM campaigns
  )
SELECT
  FORMAT('%s-%d', visitor_id, session_number) AS session_id,
  ANY_VALUE(visitor_id) AS visitor_id,
  ANY_VALUE(host) AS host,
  MIN(timestamp) AS session_start,
  MAX(timestamp) AS session_end,
  COUNT(*) AS pageviews,
  COUNT(*) = 1 AS is_bounce,
  ARRAY_AGG(url ORDER BY timestamp LIMIT 1)[OFFSET(0)] AS landing_page,
  ARRAY_AGG(url ORDER BY timestamp DESC LIMIT 1)[OFFSET(0)] AS exit_page,
  ARRAY_AGG(COALESCE(utm_source, referrer_host, '(direct)') ORDER BY timestamp LIMIT 1)[OFFSET(0)] AS source,
  ARRAY_AGG(COALESCE(utm_medium, referrer_medium) ORDER BY timestamp LIMIT 1)[OFFSET(0)] AS medium,
  ARRAY_AGG(COALESCE(utm_campaign, '(none)') ORDER BY timestamp LIMIT 1)[OFFSET(0)] AS campaign
FROM numbered
GROUP BY session_id
