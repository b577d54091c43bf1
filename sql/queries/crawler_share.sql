-- How much of the traffic is crawlers, by category, day by day? Requests per day and bot
-- category, and their share of all requests that day (every host together).
WITH
  days AS (
    SELECT DATE(timestamp) AS day, COUNT(*) AS all_requests
    FROM `{{project}}.{{dataset}}.events_dedup`
    GROUP BY day
  )
SELECT
  day,
  bot_category,
  SUM(requests) AS requests,
  SAFE_DIVIDE(SUM(requests), ANY_VALUE(days.all_requests)) AS share
FROM `{{project}}.{{dataset}}.crawlers`
JOIN days USING (day)
GROUP BY day, bot_category
ORDER BY day, requests DESC, bot_category
