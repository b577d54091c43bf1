-- Visitors, sessions, page views, bounce rate and bot share per day and host, newest day first.
SELECT day, host, visitors, sessions, pageviews, bounce_rate, bot_share
FROM `{{project}}.{{dataset}}.daily_kpis`
ORDER BY day DESC, host
