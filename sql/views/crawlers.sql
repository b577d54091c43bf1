-- Per day and host: what crawlers requested, by operator (Google, OpenAI, ...; NULL for a bot
-- that names none), bot name, category and verification: 'verified' (proven by Fastly's bot
-- detection or the operator's published IP ranges), 'spoofed' (claims an operator that can be
-- checked and fails the check) or 'unverified' (nothing to check against). With the requests,
-- the distinct pages (url without its query) and the share of all requests to the host that day.
CREATE OR REPLACE VIEW `{{project}}.{{dataset}}.crawlers` AS
WITH
  requests AS (
    SELECT DATE(timestamp) AS day, host, COUNT(*) AS all_requests
    FROM `{{project}}.{{dataset}}.events_dedup`
    GROUP BY day, host
  ),
  bots AS (
    SELECT
      DATE(timestamp) AS day,
      host,
      bot_operator,
      bot_name,
      bot_category,
      CASE
        WHEN bot_verified THEN 'verified'
        WHEN NOT bot_verified THEN 'spoofed'
        ELSE 'unverified'
      END AS verification,
      REGEXP_REPLACE(url, r'[?#].*$', '') AS page
    FROM `{{project}}.{{dataset}}.events_dedup`
    WHERE is_bot
  )
SELECT
  day,
  host,
  bot_operator,
  bot_name,
  bot_category,
  verification,
  COUNT(*) AS requests,
  COUNT(DISTINCT page) AS pages,
  SAFE_DIVIDE(COUNT(*), ANY_VALUE(requests.all_requests)) AS share
FROM bots
JOIN requests USING (day, host)
GROUP BY day, host, bot_operator, bot_name, bot_category, verification
