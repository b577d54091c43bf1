-- The report's page lists for the range (start to end, inclusive days, UTC): the top pages by
-- page views, and the pages sessions entered and left by. A page is the url without its query
-- or fragment, so campaign tags and click ids do not split one page into many.
-- Columns: list ('top', 'entry' or 'exit'), page, count (page views for top, anonymous GPC
-- ones included; sessions for entry and exit), rank (1 to 10 within the list: most first, ties
-- broken by page). The ten first of each list.
-- Page views are by people: no bots, no prefetch or prerender. A session is the range's page
-- views with one session_id (a session crossing the range's edge is cut there): it enters by
-- its first page view and leaves by its last, as the sessions view's landing and exit pages.
-- Reads the events table directly, never the views: the timestamp filter keeps BigQuery to the
-- range's day partitions, and the rows are de-duplicated after it, as events_dedup does (the
-- earliest processed_at copy of each event_id wins).
-- parameter start: 2026-11-02
-- parameter end: 2026-11-29
-- parameter host:
-- host: one host (e.g. www.example.com), or empty for every host.
WITH
  events AS (
    SELECT event_id, session_id, timestamp, url, is_bot, purpose
    FROM `{{project}}.{{dataset}}.{{table}}`
    WHERE
      timestamp >= TIMESTAMP(@start)
      AND timestamp < TIMESTAMP_ADD(TIMESTAMP(@end), INTERVAL 1 DAY)
      AND (@host = '' OR host = @host)
    QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY processed_at) = 1
  ),
  pageviews AS (
    SELECT session_id, timestamp, REGEXP_REPLACE(url, r'[?#].*$', '') AS page
    FROM events
    WHERE NOT is_bot AND purpose IS NULL
  ),
  sessions AS (
    SELECT
      ARRAY_AGG(page ORDER BY timestamp LIMIT 1)[OFFSET(0)] AS entry_page,
      ARRAY_AGG(page ORDER BY timestamp DESC LIMIT 1)[OFFSET(0)] AS exit_page
    FROM pageviews
    WHERE session_id IS NOT NULL
    GROUP BY session_id
  ),
  counts AS (
    SELECT 'top' AS list, page, COUNT(*) AS count
    FROM pageviews
    GROUP BY page
    UNION ALL
    SELECT 'entry' AS list, entry_page AS page, COUNT(*) AS count
    FROM sessions
    GROUP BY entry_page
    UNION ALL
    SELECT 'exit' AS list, exit_page AS page, COUNT(*) AS count
    FROM sessions
    GROUP BY exit_page
  ),
  ranked AS (
    SELECT list, page, count, ROW_NUMBER() OVER (PARTITION BY list ORDER BY count DESC, page) AS rank
    FROM counts
  )
SELECT list, page, count, rank
FROM ranked
WHERE rank <= 10
ORDER BY list, rank
