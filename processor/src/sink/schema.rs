//! The BigQuery schema of `footfall.enriched.v1`, in one place: the table, the `bq mk` JSON
//! schema file and the tests all derive from [`FIELDS`].

use gcp_bigquery_client::model::table_schema::TableSchema;

/// A column: name, BigQuery type, mode.
pub struct Field {
    pub name: &'static str,
    pub kind: &'static str,
    pub mode: &'static str,
}

const fn field(name: &'static str, kind: &'static str, mode: &'static str) -> Field {
    Field { name, kind, mode }
}

/// Every column of the events table, in the order of [`footfall_event::EnrichedEvent`].
/// `query` is the only RECORD: REPEATED (param STRING, value STRING).
pub const FIELDS: &[Field] = &[
    field("event_id", "STRING", "REQUIRED"),
    field("visitor_id", "STRING", "NULLABLE"),
    field("session_id", "STRING", "NULLABLE"),
    field("new_visitor", "BOOL", "NULLABLE"),
    field("new_session", "BOOL", "NULLABLE"),
    field("timestamp", "TIMESTAMP", "REQUIRED"),
    field("url", "STRING", "NULLABLE"),
    field("host", "STRING", "NULLABLE"),
    field("path", "STRING", "REPEATED"),
    field("query", "RECORD", "REPEATED"),
    field("referrer", "STRING", "NULLABLE"),
    field("referrer_host", "STRING", "NULLABLE"),
    field("referrer_medium", "STRING", "NULLABLE"),
    field("utm_source", "STRING", "NULLABLE"),
    field("utm_medium", "STRING", "NULLABLE"),
    field("utm_campaign", "STRING", "NULLABLE"),
    field("utm_term", "STRING", "NULLABLE"),
    field("utm_content", "STRING", "NULLABLE"),
    field("click_id", "STRING", "NULLABLE"),
    field("language", "STRING", "NULLABLE"),
    field("browser_family", "STRING", "NULLABLE"),
    field("browser_version", "STRING", "NULLABLE"),
    field("os_family", "STRING", "NULLABLE"),
    field("os_version", "STRING", "NULLABLE"),
    field("device_family", "STRING", "NULLABLE"),
    field("device_brand", "STRING", "NULLABLE"),
    field("device_model", "STRING", "NULLABLE"),
    field("is_bot", "BOOL", "NULLABLE"),
    field("bot_name", "STRING", "NULLABLE"),
    field("bot_category", "STRING", "NULLABLE"),
    field("country_iso_code", "STRING", "NULLABLE"),
    field("country_name", "STRING", "NULLABLE"),
    field("subdivisions_iso_code", "STRING", "NULLABLE"),
    field("subdivisions_name", "STRING", "NULLABLE"),
    field("city_name", "STRING", "NULLABLE"),
    field("method", "STRING", "NULLABLE"),
    field("status", "INTEGER", "NULLABLE"),
    field("cache", "STRING", "NULLABLE"),
    field("pop", "STRING", "NULLABLE"),
    field("purpose", "STRING", "NULLABLE"),
    field("consent", "STRING", "NULLABLE"),
    field("schema_version", "STRING", "NULLABLE"),
    field("processed_at", "TIMESTAMP", "NULLABLE"),
];

/// The columns of the `query` record.
const QUERY_FIELDS: &[&str] = &["param", "value"];

/// The table is partitioned by the day of this column...
pub const PARTITION_FIELD: &str = "timestamp";
/// ...and clustered by these, the columns most queries filter and group on.
pub const CLUSTER_FIELDS: &[&str] = &["host", "session_id"];

/// `CREATE TABLE` for the events table, with the `{{project}}`, `{{dataset}}` and `{{table}}`
/// placeholders of `sql/` (it is `sql/tables/events.sql`, for creating the table by hand).
pub fn ddl() -> String {
    let columns: Vec<String> = FIELDS
        .iter()
        .map(|f| {
            let kind = match f.kind {
                "RECORD" => {
                    let inner: Vec<String> =
                        QUERY_FIELDS.iter().map(|n| format!("{n} STRING")).collect();
                    format!("STRUCT<{}>", inner.join(", "))
                }
                "INTEGER" => "INT64".to_string(),
                other => other.to_string(),
            };
            match f.mode {
                "REPEATED" => format!("  {} ARRAY<{kind}>", f.name),
                "REQUIRED" => format!("  {} {kind} NOT NULL", f.name),
                _ => format!("  {} {kind}", f.name),
            }
        })
        .collect();
    format!(
        "-- The events table (footfall.enriched.v1) as `footfall-processor setup` creates it.\n\
         -- Generated from processor/src/sink/schema.rs (a test keeps the two equal).\n\
         CREATE TABLE IF NOT EXISTS `{{{{project}}}}.{{{{dataset}}}}.{{{{table}}}}` (\n{}\n)\n\
         PARTITION BY DATE({PARTITION_FIELD})\nCLUSTER BY {}\n",
        columns.join(",\n"),
        CLUSTER_FIELDS.join(", ")
    )
}

/// The schema as the BigQuery API takes it (`bq mk --schema` takes the same JSON).
pub fn json_schema() -> serde_json::Value {
    let columns: Vec<serde_json::Value> = FIELDS
        .iter()
        .map(|f| {
            let mut column = serde_json::json!({"name": f.name, "type": f.kind, "mode": f.mode});
            if f.kind == "RECORD" {
                column["fields"] = QUERY_FIELDS
                    .iter()
                    .map(|n| serde_json::json!({"name": n, "type": "STRING"}))
                    .collect();
            }
            column
        })
        .collect();
    serde_json::Value::Array(columns)
}

/// [`json_schema`] as `sql/tables/events.schema.json` holds it.
pub fn json_schema_text() -> String {
    serde_json::to_string_pretty(&json_schema()).expect("JSON values serialize")
}

/// The schema as the BigQuery client takes it.
pub fn table_schema() -> TableSchema {
    serde_json::from_value(serde_json::json!({ "fields": json_schema() }))
        .expect("the schema is valid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use footfall_event::EnrichedEvent;

    #[test]
    fn the_schema_has_exactly_the_enriched_events_fields_in_order() {
        let event = serde_json::to_value(EnrichedEvent::default()).unwrap();
        let keys: Vec<&str> = event
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let columns: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(columns, keys);
    }

    #[test]
    fn sql_tables_events_sql_is_the_ddl_of_this_schema() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../sql/tables/events.sql");
        let file = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            file,
            ddl(),
            "sql/tables/events.sql is stale: \
             cargo run -p footfall-processor -- ddl > sql/tables/events.sql"
        );
    }

    #[test]
    fn sql_tables_events_schema_json_is_this_schema() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../sql/tables/events.schema.json"
        );
        let file = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            file.trim_end(),
            json_schema_text(),
            "sql/tables/events.schema.json is stale: \
             cargo run -p footfall-processor -- ddl --json > sql/tables/events.schema.json"
        );
    }

    #[test]
    fn the_client_schema_round_trips_the_json_schema() {
        let schema = table_schema();
        let fields = schema.fields.as_ref().unwrap();
        assert_eq!(fields.len(), FIELDS.len());
        let query = fields.iter().find(|f| f.name == "query").unwrap();
        assert_eq!(query.mode.as_deref(), Some("REPEATED"));
        assert_eq!(query.fields.as_ref().unwrap().len(), 2);
    }
}
