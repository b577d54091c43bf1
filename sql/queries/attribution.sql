-- Sessions and conversions per source, medium and campaign under one attribution model
-- (last_touch or first_touch), most sessions first.
-- parameter model: last_touch
SELECT source, medium, campaign, sessions, conversions, conversion_rate
FROM `{{project}}.{{dataset}}.attribution`
WHERE model = @model
ORDER BY sessions DESC, conversions DESC, source, medium, campaign
