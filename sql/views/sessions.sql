-- One row per session (from the edge's session cookie): when, how long, where it landed and
-- left, how many pages, whether it bounced (a single page view), and where the landing page
-- view came from. Anonymous (GPC) page views have no session and are not here.
CREATE OR REPLACE VIEW `{{project}}.{{dataset}}.sessions` AS
SELECT
  session_id,
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
FROM `{{project}}.{{dataset}}.pageviews`
WHERE session_id IS NOT NULL
GROUP BY session_id
