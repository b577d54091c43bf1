//! The BigQuery schema of `footfall.enriched.v1`, generated from the event types: each
//! column is a field of [`EnrichedEvent`] (through its JSON schema, which `schemars` derives
//! from the same definition serde uses), so the table, the `bq mk` JSON schema file and
//! `sql/tables/events.sql` follow the type without a second list.

use footfall_event::EnrichedEvent;
use gcp_bigquery_client::model::table_schema::TableSchema;
use serde_json::{json, Map, Value};

/// A column: name, BigQuery type, mode, and for a RECORD its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: &'static str,
    pub mode: &'static str,
    pub fields: Vec<Column>,
}

/// Every column of the events table, in the order of [`EnrichedEvent`]'s fields.
///
/// Every column is NULLABLE but the row's id and the partition column: BigQuery can add a
/// column to an existing table only as NULLABLE, so a new field never needs a new table.
pub fn columns() -> Vec<Column> {
    let schema = schemars::schema_for!(EnrichedEvent).to_value();
    let definitions = schema.get("$defs").cloned().unwrap_or_default();
    record_columns(&schema, &definitions)
        .into_iter()
        .map(|mut column| {
            if [ROW_ID_FIELD, PARTITION_FIELD].contains(&column.name.as_str()) {
                column.mode = "REQUIRED";
            }
            column
        })
        .collect()
}

/// The columns of an object schema's properties.
fn record_columns(object: &Value, definitions: &Value) -> Vec<Column> {
    let properties = object["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    properties
        .iter()
        .map(|(name, property)| column(name, property, definitions))
        .collect()
}

/// The column of one property. Panics on a type the table cannot hold: that is a change to
/// the event types a test catches (`every_field_becomes_a_column`).
fn column(name: &str, property: &Value, definitions: &Value) -> Column {
    let property = resolve(property, definitions);
    let mut types: Vec<&str> = match &property["type"] {
        Value::String(kind) => vec![kind.as_str()],
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    types.retain(|kind| *kind != "null");
    let (kind, fields) = match types.as_slice() {
        ["array"] => {
            let item = column(name, &property["items"], definitions);
            return Column {
                mode: "REPEATED",
                ..item
            };
        }
        ["string"] if property["format"] == "date-time" => ("TIMESTAMP", Vec::new()),
        ["string"] => ("STRING", Vec::new()),
        ["boolean"] => ("BOOL", Vec::new()),
        ["integer"] => ("INTEGER", Vec::new()),
        ["object"] => ("RECORD", record_columns(&property, definitions)),
        other => panic!("field {name}: no BigQuery type for JSON schema types {other:?}"),
    };
    Column {
        name: name.to_string(),
        kind,
        mode: "NULLABLE",
        fields,
    }
}

/// A property's schema with `$ref`s followed, an `Option`'s `anyOf [T, null]` unwrapped and an
/// enum of strings made a string.
fn resolve(property: &Value, definitions: &Value) -> Value {
    if let Some(reference) = property["$ref"].as_str() {
        let name = reference.trim_start_matches("#/$defs/");
        return resolve(&definitions[name], definitions);
    }
    if let Some(choices) = property["anyOf"].as_array() {
        let not_null: Vec<&Value> = choices.iter().filter(|c| c["type"] != "null").collect();
        if let [only] = not_null.as_slice() {
            return resolve(only, definitions);
        }
    }
    // An enum some of whose variants have docs: a choice of strings.
    if let Some(variants) = property["oneOf"].as_array() {
        if variants.iter().all(|v| v["type"] == "string") {
            return json!({"type": "string"});
        }
    }
    property.clone()
}

/// The row id of insertAll (`insertId`).
pub const ROW_ID_FIELD: &str = "event_id";
/// The table is partitioned by the day of this column...
pub const PARTITION_FIELD: &str = "timestamp";
/// ...and clustered by these, the columns most queries filter and group on.
pub const CLUSTER_FIELDS: &[&str] = &["host", "session_id"];

/// `CREATE TABLE` for the events table, with the `{{project}}`, `{{dataset}}` and `{{table}}`
/// placeholders of `sql/` (it is `sql/tables/events.sql`, for creating the table by hand).
pub fn ddl() -> String {
    let columns: Vec<String> = columns()
        .iter()
        .map(|c| format!("  {} {}", c.name, sql_type(c)))
        .collect();
    format!(
        "-- The events table (footfall.enriched.v1) as `footfall-processor setup` creates it.\n\
         -- Generated from the event types (footfall-processor ddl; a test keeps the two equal).\n\
         CREATE TABLE IF NOT EXISTS `{{{{project}}}}.{{{{dataset}}}}.{{{{table}}}}` (\n{}\n)\n\
         PARTITION BY DATE({PARTITION_FIELD})\nCLUSTER BY {}\n",
        columns.join(",\n"),
        CLUSTER_FIELDS.join(", ")
    )
}

/// One `ALTER TABLE ... ADD COLUMN` per named column of the events table (placeholders as in
/// [`ddl`]), for a table an older footfall made. One column per statement: BigQuery takes
/// several, the emulator only one. New columns are NULLABLE or REPEATED, as BigQuery requires
/// of columns added to a live table.
pub fn add_columns_ddl(names: &[&str]) -> Vec<String> {
    columns()
        .iter()
        .filter(|c| names.contains(&c.name.as_str()))
        .map(|c| {
            format!(
                "ALTER TABLE `{{{{project}}}}.{{{{dataset}}}}.{{{{table}}}}` \
                 ADD COLUMN IF NOT EXISTS {} {}",
                c.name,
                sql_type(c)
            )
        })
        .collect()
}

/// A column's type in GoogleSQL DDL, with its mode.
fn sql_type(column: &Column) -> String {
    let kind = match column.kind {
        "RECORD" => {
            let inner: Vec<String> = column
                .fields
                .iter()
                .map(|f| format!("{} {}", f.name, sql_type(f)))
                .collect();
            format!("STRUCT<{}>", inner.join(", "))
        }
        "INTEGER" => "INT64".to_string(),
        other => other.to_string(),
    };
    match column.mode {
        "REPEATED" => format!("ARRAY<{kind}>"),
        "REQUIRED" => format!("{kind} NOT NULL"),
        _ => kind,
    }
}

/// The schema as the BigQuery API takes it (`bq mk --schema` takes the same JSON).
pub fn json_schema() -> Value {
    Value::Array(columns().iter().map(json_column).collect())
}

fn json_column(column: &Column) -> Value {
    let mut json = Map::new();
    json.insert("name".into(), json!(column.name));
    json.insert("type".into(), json!(column.kind));
    json.insert("mode".into(), json!(column.mode));
    if !column.fields.is_empty() {
        json.insert(
            "fields".into(),
            column.fields.iter().map(json_column).collect(),
        );
    }
    Value::Object(json)
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

    #[test]
    fn every_field_becomes_a_column_in_order() {
        let event = serde_json::to_value(EnrichedEvent::default()).unwrap();
        let keys: Vec<&str> = event
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let columns = columns();
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        for (key, name) in keys.iter().zip(&names) {
            assert_eq!(key, name, "the field and the column at one place disagree");
        }
        assert_eq!(
            keys.len(),
            names.len(),
            "fields {keys:?}, columns {names:?}"
        );
    }

    #[test]
    fn columns_have_the_types_of_their_fields() {
        let columns = columns();
        let column = |name: &str| {
            let c = columns.iter().find(|c| c.name == name).unwrap();
            (c.kind, c.mode)
        };
        assert_eq!(column("event_id"), ("STRING", "REQUIRED"));
        assert_eq!(column("timestamp"), ("TIMESTAMP", "REQUIRED"));
        assert_eq!(column("processed_at"), ("TIMESTAMP", "NULLABLE"));
        assert_eq!(column("visitor_id"), ("STRING", "NULLABLE"));
        assert_eq!(column("url"), ("STRING", "NULLABLE"));
        assert_eq!(column("path"), ("STRING", "REPEATED"));
        assert_eq!(column("new_visitor"), ("BOOL", "NULLABLE"));
        assert_eq!(column("status"), ("INTEGER", "NULLABLE"));
        assert_eq!(column("referrer_medium"), ("STRING", "NULLABLE"), "an enum");
        assert_eq!(
            column("bot_category"),
            ("STRING", "NULLABLE"),
            "an Option of an enum"
        );
        let query = columns.iter().find(|c| c.name == "query").unwrap();
        assert_eq!((query.kind, query.mode), ("RECORD", "REPEATED"));
        let inner: Vec<(&str, &str, &str)> = query
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.kind, f.mode))
            .collect();
        assert_eq!(
            inner,
            [
                ("param", "STRING", "NULLABLE"),
                ("value", "STRING", "NULLABLE")
            ]
        );
        for column in [ROW_ID_FIELD, PARTITION_FIELD].iter().chain(CLUSTER_FIELDS) {
            assert!(columns.iter().any(|c| c.name == *column), "{column}");
        }
    }

    /// Fails naming the first line where the checked-in file and the generated text differ.
    fn assert_file_is(path: &str, generated: &str, command: &str) {
        let file = std::fs::read_to_string(path).unwrap_or_default();
        let (file, generated) = (file.trim_end(), generated.trim_end());
        if let Some((number, (theirs, ours))) = file
            .lines()
            .chain(std::iter::repeat(""))
            .zip(generated.lines().chain(std::iter::repeat("")))
            .take(file.lines().count().max(generated.lines().count()))
            .enumerate()
            .find(|(_, (theirs, ours))| theirs != ours)
        {
            panic!(
                "{path} is stale at line {}: it has {theirs:?}, the types give {ours:?}; \
                 regenerate it: {command}",
                number + 1
            );
        }
    }

    #[test]
    fn sql_tables_events_sql_is_the_ddl_of_this_schema() {
        assert_file_is(
            concat!(env!("CARGO_MANIFEST_DIR"), "/../sql/tables/events.sql"),
            &ddl(),
            "cargo run -p footfall-processor -- ddl > sql/tables/events.sql",
        );
    }

    #[test]
    fn sql_tables_events_schema_json_is_this_schema() {
        assert_file_is(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../sql/tables/events.schema.json"
            ),
            &json_schema_text(),
            "cargo run -p footfall-processor -- ddl --json > sql/tables/events.schema.json",
        );
    }

    #[test]
    fn columns_are_added_with_their_ddl_types() {
        assert!(add_columns_ddl(&[]).is_empty());
        let table = "ALTER TABLE `{{project}}.{{dataset}}.{{table}}`";
        assert_eq!(
            add_columns_ddl(&["query", "bot_verified", "no_such_column"]),
            [
                format!("{table} ADD COLUMN IF NOT EXISTS query ARRAY<STRUCT<param STRING, value STRING>>"),
                format!("{table} ADD COLUMN IF NOT EXISTS bot_verified BOOL"),
            ]
        );
    }

    #[test]
    fn the_client_schema_round_trips_the_json_schema() {
        let schema = table_schema();
        let fields = schema.fields.as_ref().unwrap();
        assert_eq!(fields.len(), columns().len());
        let query = fields.iter().find(|f| f.name == "query").unwrap();
        assert_eq!(query.mode.as_deref(), Some("REPEATED"));
        assert_eq!(query.fields.as_ref().unwrap().len(), 2);
    }
}
