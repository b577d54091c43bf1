-- Per day and host: visitors, sessions, page views (anonymous ones included), bounce rate
-- (share of sessions with one page view) and bot share (share of all requests made by bots).
CREATE OR REPLACE VIEW `{{project}}.{{dataset}}.daily_kpis` AS
WITH
  requests AS (
    SELECT
      DATE(timestamp) AS day,
      host,
      COUNT(*) AS requests,
      COUNTIF(is_bot) AS bot_requests,
      COUNTIF(NOT is_bot AND purpose IS NULL) AS pageviews
    FROM `{{project}}.{{dataset}}.events_dedup`
    GROUP BY day, host
  ),
  visits AS (
    SELECT
      DATE(session_start) AS day,
      host,
      COUNT(DISTINCT visitor_id) AS visitors,
      COUNT(*) AS sessions,
      COUNTIF(is_bounce) AS bounces
    FROM `{{project}}.{{dataset}}.sessions`
    GROUP BY day, host
  )
SELECT
  day,
  host,
  IFNULL(visits.visitors, 0) AS visitors,
  IFNULL(visits.sessions, 0) AS sessions,
  requests.pageviews,
  SAFE_DIVIDE(visits.bounces, visits.sessions) AS bounce_rate,
  SAFE_DIVIDE(requests.bot_requests, requests.requests) AS bot_share
FROM requests
LEFT JOIN visits USING (day, host)
