-- The report's day-by-day chart: one row for every day of the range (start to end, inclusive,
-- UTC), oldest first, zero-filled: a day without data is a row of zeros.
-- Columns: day, visitors (distinct visitor_id of that day's page views: a visitor whose session
-- crosses midnight counts on both days), sessions (sessions that started that day: a session is
-- the range's page views with one session_id, and starts at the first of them), pageviews (page
-- views by people that day: no bots, no prefetch or prerender; anonymous GPC ones included).
-- Visitors differ from the daily_kpis view's, which counts a visitor on the day the session
-- started; sessions and page views are the same.
-- Reads the events table directly, never the views: the timestamp filter keeps BigQuery to the
-- range's day partitions, and the rows are de-duplicated after it, as events_dedup does (the
-- earliest processed_at copy of each event_id wins).
-- parameter start: 2026-11-02
-- parameter end: 2026-11-29
-- parameter host:
-- host: one host (e.g. www.example.com), or empty for every host.
WITH
  events AS (
    SELECT event_id, visitor_id, session_id, timestamp, is_bot, purpose
    FROM `{{project}}.{{dataset}}.{{table}}`
    WHERE
      timestamp >= TIMESTAMP(@start)
      AND timestamp < TIMESTAMP_ADD(TIMESTAMP(@end), INTERVAL 1 DAY)
      AND (@host = '' OR host = @host)
    QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY processed_at) = 1
  ),
  pageviews AS (
    SELECT visitor_id, session_id, timestamp
    FROM events
    WHERE NOT is_bot AND purpose IS NULL
  ),
  days AS (
    SELECT day FROM UNNEST(GENERATE_DATE_ARRAY(DATE(@start), DATE(@end))) AS day
  ),
  views AS (
    SELECT DATE(timestamp) AS day, COUNT(DISTINCT visitor_id) AS visitors, COUNT(*) AS pageviews
    FROM pageviews
    GROUP BY day
  ),
  starts AS (
    SELECT DATE(MIN(timestamp)) AS day
    FROM pageviews
    WHERE session_id IS NOT NULL
    GROUP BY session_id
  ),
  visits AS (
    SELECT day, COUNT(*) AS sessions
    FROM starts
    GROUP BY day
  )
SELECT
  day,
  IFNULL(views.visitors, 0) AS visitors,
  IFNULL(visits.sessions, 0) AS sessions,
  IFNULL(views.pageviews, 0) AS pageviews
FROM days
LEFT JOIN views USING (day)
LEFT JOIN visits USING (day)
ORDER BY day
