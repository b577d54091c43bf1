-- Which pages do AI crawlers and assistants read most? Requests per page (the url without its
-- query) by bots in the ai_crawler, ai_search and ai_assistant categories, with how many
-- different crawlers read it. Spoofed ones (claiming an operator whose check they fail) are
-- left out: they are not the crawler they claim to be.
SELECT
  REGEXP_REPLACE(url, r'[?#].*$', '') AS page,
  COUNT(*) AS requests,
  COUNT(DISTINCT bot_name) AS crawlers
FROM `{{project}}.{{dataset}}.events_dedup`
WHERE is_bot
  AND bot_category IN ('ai_crawler', 'ai_search', 'ai_assistant')
  AND bot_verified IS NOT FALSE
GROUP BY page
ORDER BY requests DESC, page
LIMIT 50
