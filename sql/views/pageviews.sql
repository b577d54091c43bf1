-- Page views by people: no bots, no prefetches or prerenders (the browser fetched the page
-- before anyone looked at it).
CREATE OR REPLACE VIEW `{{project}}.{{dataset}}.pageviews` AS
SELECT *
FROM `{{project}}.{{dataset}}.events_dedup`
WHERE NOT is_bot AND purpose IS NULL
