-- The report's crawlers: requests by bots (is_bot) in the range (start to end, inclusive days,
-- UTC), in three parts, told apart by the part column; each part fills its own columns and
-- leaves the others NULL. No rows at all when no bot came in the range.
--   part 'category_daily': day, category (bot_category), requests, share (of all requests that
--     day: people, bots, prefetches, every host unless host is given), as crawler_share.sql.
--     Oldest day first, most requests first within a day.
--   part 'operator': operator (bot_operator; NULL for a bot that names none), bot_name,
--     requests, verified, spoofed, unverified (bot_verified true, false, NULL: proven, failed
--     the check, nothing to check against; they add up to requests), rank (most requests
--     first, then by operator and bot name). Every operator and bot name.
--   part 'ai_pages': page (url without its query), requests, crawlers (distinct bot names),
--     rank: the ten pages the ai_crawler, ai_search and ai_assistant categories read most, as
--     ai_crawler_pages.sql, spoofed requests (bot_verified false) left out; ties by page.
-- Reads the events table directly, never the views: the timestamp filter keeps BigQuery to the
-- range's day partitions, and the rows are de-duplicated after it, as events_dedup does (the
-- earliest processed_at copy of each event_id wins).
-- parameter start: 2026-11-02
-- parameter end: 2026-11-29
-- parameter host:
-- host: one host (e.g. www.example.com), or empty for every host.
WITH
  events AS (
    SELECT event_id, timestamp, url, is_bot, bot_name, bot_category, bot_operator, bot_verified
    FROM `{{project}}.{{dataset}}.{{table}}`
    WHERE
      timestamp >= TIMESTAMP(@start)
      AND timestamp < TIMESTAMP_ADD(TIMESTAMP(@end), INTERVAL 1 DAY)
      AND (@host = '' OR host = @host)
    QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY processed_at) = 1
  ),
  days AS (
    SELECT DATE(timestamp) AS day, COUNT(*) AS all_requests
    FROM events
    GROUP BY day
  ),
  bots AS (
    SELECT
      DATE(timestamp) AS day,
      bot_name,
      bot_category,
      bot_operator,
      bot_verified,
      REGEXP_REPLACE(url, r'[?#].*$', '') AS page
    FROM events
    WHERE is_bot
  ),
  category_daily AS (
    SELECT day, bot_category AS category, COUNT(*) AS requests
    FROM bots
    GROUP BY day, bot_category
  ),
  operators AS (
    SELECT
      bot_operator AS operator,
      bot_name,
      COUNT(*) AS requests,
      COUNTIF(bot_verified) AS verified,
      COUNTIF(NOT bot_verified) AS spoofed,
      COUNTIF(bot_verified IS NULL) AS unverified
    FROM bots
    GROUP BY bot_operator, bot_name
  ),
  ai_pages AS (
    SELECT
      page,
      COUNT(*) AS requests,
      COUNT(DISTINCT bot_name) AS crawlers,
      ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, page) AS rank
    FROM bots
    WHERE bot_category IN ('ai_crawler', 'ai_search', 'ai_assistant') AND bot_verified IS NOT FALSE
    GROUP BY page
  )
SELECT
  'category_daily' AS part,
  day,
  category,
  CAST(NULL AS STRING) AS operator,
  CAST(NULL AS STRING) AS bot_name,
  CAST(NULL AS STRING) AS page,
  requests,
  SAFE_DIVIDE(requests, days.all_requests) AS share,
  CAST(NULL AS INT64) AS verified,
  CAST(NULL AS INT64) AS spoofed,
  CAST(NULL AS INT64) AS unverified,
  CAST(NULL AS INT64) AS crawlers,
  CAST(NULL AS INT64) AS rank
FROM category_daily
JOIN days USING (day)
UNION ALL
SELECT
  'operator' AS part,
  CAST(NULL AS DATE) AS day,
  CAST(NULL AS STRING) AS category,
  operator,
  bot_name,
  CAST(NULL AS STRING) AS page,
  requests,
  CAST(NULL AS FLOAT64) AS share,
  verified,
  spoofed,
  unverified,
  CAST(NULL AS INT64) AS crawlers,
  ROW_NUMBER() OVER (ORDER BY requests DESC, operator, bot_name) AS rank
FROM operators
UNION ALL
SELECT
  'ai_pages' AS part,
  CAST(NULL AS DATE) AS day,
  CAST(NULL AS STRING) AS category,
  CAST(NULL AS STRING) AS operator,
  CAST(NULL AS STRING) AS bot_name,
  page,
  requests,
  CAST(NULL AS FLOAT64) AS share,
  CAST(NULL AS INT64) AS verified,
  CAST(NULL AS INT64) AS spoofed,
  CAST(NULL AS INT64) AS unverified,
  crawlers,
  rank
FROM ai_pages
WHERE rank <= 10
ORDER BY part, day, rank, requests DESC, category
