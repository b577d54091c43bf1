-- Sessions and conversions by source, medium and campaign under two models, one row per model
-- and channel: last_touch credits each session to where it itself came from, first_touch to
-- where its visitor's first session came from. A conversion is a session with a page view
-- whose url matches the conversion pattern (a quoted regex literal, e.g. '(?i)/career/thanks',
-- in place of the conversion_pattern placeholder). Both models count the same sessions and
-- conversions; only the credit moves.
CREATE OR REPLACE VIEW `{{project}}.{{dataset}}.attribution` AS
WITH
  conversions AS (
    SELECT session_id, TRUE AS is_conversion
    FROM `{{project}}.{{dataset}}.pageviews`
    WHERE session_id IS NOT NULL AND REGEXP_CONTAINS(url, {{conversion_pattern}})
    GROUP BY session_id
  ),
  credited AS (
    SELECT
      source,
      medium,
      campaign,
      FIRST_VALUE(source) OVER visitor AS first_source,
      FIRST_VALUE(medium) OVER visitor AS first_medium,
      FIRST_VALUE(campaign) OVER visitor AS first_campaign,
      IFNULL(is_conversion, FALSE) AS is_conversion
    FROM `{{project}}.{{dataset}}.sessions`
    LEFT JOIN conversions USING (session_id)
    WINDOW visitor AS (
      PARTITION BY COALESCE(visitor_id, session_id) ORDER BY session_start, session_id
    )
  )
SELECT
  'last_touch' AS model,
  source,
  medium,
  campaign,
  COUNT(*) AS sessions,
  COUNTIF(is_conversion) AS conversions,
  SAFE_DIVIDE(COUNTIF(is_conversion), COUNT(*)) AS conversion_rate
FROM credited
GROUP BY source, medium, campaign
UNION ALL
SELECT
  'first_touch' AS model,
  first_source AS source,
  first_medium AS medium,
  first_campaign AS campaign,
  COUNT(*) AS sessions,
  COUNTIF(is_conversion) AS conversions,
  SAFE_DIVIDE(COUNTIF(is_conversion), COUNT(*)) AS conversion_rate
FROM credited
GROUP BY first_source, first_medium, first_campaign
