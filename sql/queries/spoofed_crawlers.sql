-- Who pretends to be whose crawler? Per claimed operator and bot name: the requests claiming
-- it, how many were verified, spoofed (the check failed) and unverified (nothing to check
-- against), and the spoofed share of the claims that could be checked. Most spoofed first.
SELECT
  bot_operator,
  bot_name,
  SUM(requests) AS claims,
  SUM(IF(verification = 'verified', requests, 0)) AS verified,
  SUM(IF(verification = 'spoofed', requests, 0)) AS spoofed,
  SUM(IF(verification = 'unverified', requests, 0)) AS unverified,
  SAFE_DIVIDE(
    SUM(IF(verification = 'spoofed', requests, 0)),
    SUM(IF(verification != 'unverified', requests, 0))
  ) AS spoofed_share
FROM `{{project}}.{{dataset}}.crawlers`
WHERE bot_operator IS NOT NULL
GROUP BY bot_operator, bot_name
ORDER BY spoofed DESC, claims DESC, bot_operator, bot_name
