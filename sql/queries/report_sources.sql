-- The report's sources: the range's sessions (start to end, inclusive days, UTC) and their
-- conversions by source, medium and campaign, under two models, as the attribution view:
-- last_touch credits each session to where it itself came from, first_touch to where its
-- visitor's first session came from. Both models count the same sessions and conversions; only
-- the credit moves.
-- Columns: model ('last_touch' or 'first_touch'), source, medium, campaign, sessions,
-- conversions (sessions with a page view whose url matches the conversion regex),
-- conversion_rate (conversions / sessions). Most sessions first within a model; every channel.
-- A session's source, medium and campaign are those of its landing (first) page view:
-- COALESCE(utm_source, referrer_host, '(direct)'), COALESCE(utm_medium, referrer_medium),
-- COALESCE(utm_campaign, '(none)'), exactly as the sessions view.
-- The sessions counted are the range's: its page views grouped by session_id (a session
-- crossing the range's edge is cut there). A visitor is visitor_id, or the session itself
-- without one.
-- First touch looks further: a visitor's first session is looked up over ALL the data the table
-- keeps, not only the range, so a visitor who first came from a campaign months ago credits that
-- campaign. That lookup (all_pageviews and first_sessions below) is the one part with no lower
-- bound on the timestamp: in production it reads every day partition up to the range's end
-- (the days after the range cannot hold a visitor's first session, so they are left out), while
-- everything else reads the range's days only. It de-duplicates like events_dedup too.
-- With a host given, everything (the first session included) is that host's page views.
-- parameter start: 2026-11-02
-- parameter end: 2026-11-29
-- parameter host:
-- parameter conversion: (?i)/(thanks|thank-you)([/?#]|$)
-- host: one host (e.g. www.example.com), or empty for every host. conversion: the regex a
-- converting page view's url matches (FOOTFALL_CONVERSION_PATTERN's default).
WITH
  events AS (
    SELECT
      event_id, visitor_id, session_id, timestamp, url, is_bot, purpose, referrer_host,
      referrer_medium, utm_source, utm_medium, utm_campaign
    FROM `{{project}}.{{dataset}}.{{table}}`
    WHERE
      timestamp >= TIMESTAMP(@start)
      AND timestamp < TIMESTAMP_ADD(TIMESTAMP(@end), INTERVAL 1 DAY)
      AND (@host = '' OR host = @host)
    QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY processed_at) = 1
  ),
  sessions AS (
    SELECT
      session_id,
      COALESCE(ANY_VALUE(visitor_id), session_id) AS visitor,
      ARRAY_AGG(COALESCE(utm_source, referrer_host, '(direct)') ORDER BY timestamp LIMIT 1)[OFFSET(0)] AS source,
      ARRAY_AGG(COALESCE(utm_medium, referrer_medium) ORDER BY timestamp LIMIT 1)[OFFSET(0)] AS medium,
      ARRAY_AGG(COALESCE(utm_campaign, '(none)') ORDER BY timestamp LIMIT 1)[OFFSET(0)] AS campaign,
      COUNTIF(REGEXP_CONTAINS(url, @conversion)) > 0 AS is_conversion
    FROM events
    WHERE NOT is_bot AND purpose IS NULL AND session_id IS NOT NULL
    GROUP BY session_id
  ),
  -- Every event the table keeps up to the range's end (no lower bound), de-duplicated before
  -- first_sessions keeps the page views.
  all_pageviews AS (
    SELECT
      session_id,
      COALESCE(visitor_id, session_id) AS visitor,
      timestamp,
      COALESCE(utm_source, referrer_host, '(direct)') AS source,
      COALESCE(utm_medium, referrer_medium) AS medium,
      COALESCE(utm_campaign, '(none)') AS campaign,
      is_bot,
      purpose
    FROM `{{project}}.{{dataset}}.{{table}}`
    WHERE
      timestamp < TIMESTAMP_ADD(TIMESTAMP(@end), INTERVAL 1 DAY)
      AND (@host = '' OR host = @host)
    QUALIFY ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY processed_at) = 1
  ),
  -- A visitor's first session is the one that starts first (then the lowest session_id, as the
  -- attribution view orders them), and its source is that of its landing page view: so it is the
  -- visitor's earliest page view, ordered by timestamp and session_id.
  first_sessions AS (
    SELECT
      visitor,
      ARRAY_AGG(
        STRUCT(source AS source, medium AS medium, campaign AS campaign)
        ORDER BY timestamp, session_id LIMIT 1
      )[OFFSET(0)] AS landing
    FROM all_pageviews
    WHERE NOT is_bot AND purpose IS NULL AND session_id IS NOT NULL
    GROUP BY visitor
  ),
  credited AS (
    SELECT
      sessions.source,
      sessions.medium,
      sessions.campaign,
      first_sessions.landing.source AS first_source,
      first_sessions.landing.medium AS first_medium,
      first_sessions.landing.campaign AS first_campaign,
      sessions.is_conversion
    FROM sessions
    LEFT JOIN first_sessions USING (visitor)
  ),
  channels AS (
    SELECT
      'last_touch' AS model,
      source,
      medium,
      campaign,
      COUNT(*) AS sessions,
      COUNTIF(is_conversion) AS conversions
    FROM credited
    GROUP BY source, medium, campaign
    UNION ALL
    SELECT
      'first_touch' AS model,
      first_source AS source,
      first_medium AS medium,
      first_campaign AS campaign,
      COUNT(*) AS sessions,
      COUNTIF(is_conversion) AS conversions
    FROM credited
    GROUP BY first_source, first_medium, first_campaign
  )
SELECT
  model,
  source,
  medium,
  campaign,
  sessions,
  conversions,
  SAFE_DIVIDE(conversions, sessions) AS conversion_rate
FROM channels
ORDER BY model DESC, sessions DESC, conversions DESC, source, medium, campaign
