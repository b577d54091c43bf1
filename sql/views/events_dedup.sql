-- Every event exactly once: insertId de-duplication in BigQuery is best effort, and a retried
-- batch may insert an event again. The earliest processed copy of each event_id wins.
CREATE OR REPLACE VIEW `{{project}}.{{dataset}}.events_dedup` AS
SELECT * EXCEPT (row_number)
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY processed_at) AS row_number
  FROM `{{project}}.{{dataset}}.{{table}}`
)
WHERE row_number = 1
