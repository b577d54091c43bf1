-- The report's audience for the range (start to end, inclusive days, UTC): where the page views
-- came from and on what, by four dimensions, the ten first of each.
-- Columns: dimension ('country': country_name, or the ISO code where only the edge's geo knew the
-- country, 'browser': browser_family, 'os': os_family,
-- 'device': device_family), value (NULL shown as '(unknown)'), visitors (distinct visitor_id),
-- pageviews (page views by people: no bots, no prefetch or prerender; anonymous GPC ones
-- included, so a value can have page views and no visitors), rank (1 to 10 within the
-- dimension: most visitors first, then most page views, then by value).
-- Reads the events table directly, never the views: the timestamp filter keeps BigQuery to the
-- range's day partitions, and the rows are de-duplicated after it, as events_dedup does (the
-- earliest processed_at copy of each event_id wins).
-- parameter start: 2026-11-02
-- parameter end: 2026-11-29
-- parameter host:
-- host: one host (e.g. www.example.com), or empty for every host.
WITH
  events AS (
    SELECT
      event_id, visitor_id, is_bot, purpose, country_name, country_iso_code, browser_family, os_family,
      device_family
    FROM `{{project}}.{{dataset}}.{{table}}`
    WHERE
      timestamp >= TIMESTAMP(@start)
      AND timestamp < TIMESTAMP_ADD(TIMESTAMP(@end), INTERVAL 1 DAY)
      AND (@host = '' OR host = @host)
    QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY processed_at) = 1
  ),
  pageviews AS (
    SELECT visitor_id, country_name, country_iso_code, browser_family, os_family, device_family
    FROM events
    WHERE NOT is_bot AND purpose IS NULL
  ),
  counts AS (
    SELECT
      'country' AS dimension,
      COALESCE(country_name, country_iso_code, '(unknown)') AS value,
      COUNT(DISTINCT visitor_id) AS visitors,
      COUNT(*) AS pageviews
    FROM pageviews
    GROUP BY value
    UNION ALL
    SELECT
      'browser' AS dimension,
      IFNULL(browser_family, '(unknown)') AS value,
      COUNT(DISTINCT visitor_id) AS visitors,
      COUNT(*) AS pageviews
    FROM pageviews
    GROUP BY value
    UNION ALL
    SELECT
      'os' AS dimension,
      IFNULL(os_family, '(unknown)') AS value,
      COUNT(DISTINCT visitor_id) AS visitors,
      COUNT(*) AS pageviews
    FROM pageviews
    GROUP BY value
    UNION ALL
    SELECT
      'device' AS dimension,
      IFNULL(device_family, '(unknown)') AS value,
      COUNT(DISTINCT visitor_id) AS visitors,
      COUNT(*) AS pageviews
    FROM pageviews
    GROUP BY value
  ),
  ranked AS (
    SELECT
      dimension,
      value,
      visitors,
      pageviews,
      ROW_NUMBER() OVER (
        PARTITION BY dimension ORDER BY visitors DESC, pageviews DESC, value
      ) AS rank
    FROM counts
  )
SELECT dimension, value, visitors, pageviews, rank
FROM ranked
WHERE rank <= 10
ORDER BY dimension, rank
