-- The report's headline: visitors, sessions, page views, bounce rate and median session length
-- for the range (start to end, inclusive days, UTC) and for the same number of days right before
-- it, to compare with. One row per period, both always present: zeros and NULL rates when a
-- period has no data.
-- Columns: period ('current' or 'previous'), first_day, last_day (the period's inclusive days),
-- visitors (distinct visitor_id of page views), sessions (distinct session_id of page views),
-- pageviews (page views by people: no bots, no prefetch or prerender; anonymous GPC ones
-- included), bounce_rate (share of sessions with one page view; NULL without sessions),
-- median_session_seconds (median over the sessions of last minus first page view time, bounces
-- counting 0; NULL without sessions).
-- The median is exact: PERCENTILE_CONT(x, 0.5) as an analytic function over each period's
-- sessions, interpolating between the two middle sessions when their number is even.
-- APPROX_QUANTILES would be approximate in BigQuery (and bqemulator 1.4.0 indexes its result
-- array wrongly).
-- A period's sessions are built from its own page views only: a session that crosses the edge of
-- a period (midnight UTC before start, or before the previous period) is cut there, and with a
-- host given, a session is its page views on that host.
-- Reads the events table directly, never the views: the timestamp filter (a constant expression
-- of the parameters, spanning both periods) keeps BigQuery to those days' partitions, and the
-- rows are de-duplicated after it, as events_dedup does (the earliest processed_at copy of each
-- event_id wins; copies of an event carry the same timestamp, so they fall in the same range).
-- parameter start: 2026-11-02
-- parameter end: 2026-11-29
-- parameter host:
-- host: one host (e.g. www.example.com), or empty for every host.
WITH
  events AS (
    SELECT event_id, visitor_id, session_id, timestamp, is_bot, purpose
    FROM `{{project}}.{{dataset}}.{{table}}`
    WHERE
      timestamp >= TIMESTAMP(
        DATE_SUB(DATE(@start), INTERVAL DATE_DIFF(DATE(@end), DATE(@start), DAY) + 1 DAY)
      )
      AND timestamp < TIMESTAMP_ADD(TIMESTAMP(@end), INTERVAL 1 DAY)
      AND (@host = '' OR host = @host)
    QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY processed_at) = 1
  ),
  periods AS (
    SELECT 'current' AS period, DATE(@start) AS first_day, DATE(@end) AS last_day
    UNION ALL
    SELECT
      'previous' AS period,
      DATE_SUB(DATE(@start), INTERVAL DATE_DIFF(DATE(@end), DATE(@start), DAY) + 1 DAY) AS first_day,
      DATE_SUB(DATE(@start), INTERVAL 1 DAY) AS last_day
  ),
  pageviews AS (
    SELECT
      IF(timestamp >= TIMESTAMP(@start), 'current', 'previous') AS period,
      visitor_id,
      session_id,
      timestamp
    FROM events
    WHERE NOT is_bot AND purpose IS NULL
  ),
  views AS (
    SELECT period, COUNT(DISTINCT visitor_id) AS visitors, COUNT(*) AS pageviews
    FROM pageviews
    GROUP BY period
  ),
  sessions AS (
    SELECT
      period,
      session_id,
      COUNT(*) = 1 AS is_bounce,
      TIMESTAMP_DIFF(MAX(timestamp), MIN(timestamp), MILLISECOND) / 1000 AS seconds
    FROM pageviews
    WHERE session_id IS NOT NULL
    GROUP BY period, session_id
  ),
  visits AS (
    SELECT period, COUNT(*) AS sessions, COUNTIF(is_bounce) AS bounces
    FROM sessions
    GROUP BY period
  ),
  medians AS (
    SELECT DISTINCT
      period,
      PERCENTILE_CONT(seconds, 0.5) OVER (PARTITION BY period) AS median_session_seconds
    FROM sessions
  )
SELECT
  period,
  first_day,
  last_day,
  IFNULL(views.visitors, 0) AS visitors,
  IFNULL(visits.sessions, 0) AS sessions,
  IFNULL(views.pageviews, 0) AS pageviews,
  SAFE_DIVIDE(visits.bounces, visits.sessions) AS bounce_rate,
  medians.median_session_seconds
FROM periods
LEFT JOIN views USING (period)
LEFT JOIN visits USING (period)
LEFT JOIN medians USING (period)
ORDER BY period
