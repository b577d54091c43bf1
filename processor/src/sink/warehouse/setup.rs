//! Setting BigQuery up: [`Warehouse::set_up`] creates the dataset and the events table
//! (partitioned by day, clustered) where they do not exist yet, adds the columns a newer event
//! has to an existing table, and (re)creates the views of `sql/views/`, as [`SetupOptions`]
//! configure them.

use super::Warehouse;
use crate::sink::schema::{add_columns_ddl, table_schema, CLUSTER_FIELDS, PARTITION_FIELD};
use crate::sink::views::{Placeholders, VIEWS};
use crate::sink::SinkError;
use gcp_bigquery_client::error::BQError;
use gcp_bigquery_client::model::clustering::Clustering;
use gcp_bigquery_client::model::dataset::Dataset;
use gcp_bigquery_client::model::table::Table;
use gcp_bigquery_client::model::table_field_schema::TableFieldSchema;
use gcp_bigquery_client::model::table_schema::TableSchema;
use gcp_bigquery_client::model::time_partitioning::TimePartitioning;

/// What only `setup` needs: where a new dataset lives, and what the views count as a conversion.
#[derive(Debug, Clone)]
pub struct SetupOptions {
    /// BigQuery location of the dataset, e.g. `US` or `EU` (fixed once it exists).
    pub location: String,
    /// The regex of conversion page URLs, for the `attribution` view.
    pub conversion_pattern: String,
}

impl Warehouse {
    /// Creates the dataset and the partitioned, clustered events table where they do not exist
    /// yet, and (re)creates the views of `sql/views/`.
    pub async fn set_up(&self, options: &SetupOptions) -> Result<(), SinkError> {
        let s = &self.settings;
        let dataset = Dataset::new(&s.project, &s.dataset).location(&options.location);
        unless_it_exists(self.client.dataset().create(dataset).await.map(|_| ()))
            .map_err(|e| SinkError::Warehouse(format!("create dataset {}: {e}", s.dataset)))?;
        let table = events_table(&s.project, &s.dataset, &s.table);
        unless_it_exists(self.client.table().create(table).await.map(|_| ()))
            .map_err(|e| SinkError::Warehouse(format!("create table {}: {e}", s.table)))?;
        self.add_new_columns().await?;
        let placeholders = Placeholders {
            conversion_pattern: Some(&options.conversion_pattern),
            ..self.placeholders()
        };
        for (_, ddl) in VIEWS {
            self.query(&placeholders.render(ddl), &[]).await?;
        }
        Ok(())
    }
}

impl Warehouse {
    /// Adds to an existing events table the columns it lacks (all NULLABLE or REPEATED, which
    /// BigQuery allows on a live table), so a newer processor's rows fit; a table that has them
    /// all is left alone. The table's schema is patched (the API's way), then each column is
    /// added by `ALTER TABLE ... ADD COLUMN IF NOT EXISTS`, which is a no-op in BigQuery after
    /// the patch; the emulator needs both (it keeps its catalog and its storage apart).
    async fn add_new_columns(&self) -> Result<(), SinkError> {
        let s = &self.settings;
        let failed = |e: BQError| SinkError::Warehouse(format!("update table {}: {e}", s.table));
        let existing = self
            .client
            .table()
            .get(&s.project, &s.dataset, &s.table, None)
            .await
            .map_err(failed)?;
        let mut fields = existing.schema.fields.unwrap_or_default();
        let new = new_columns(&fields, table_schema().fields.unwrap_or_default());
        if new.is_empty() {
            return Ok(());
        }
        let names: Vec<String> = new.iter().map(|f| f.name.clone()).collect();
        tracing::info!(table = %s.table, columns = ?names, "adding columns");
        fields.extend(new);
        let table = Table::new(&s.project, &s.dataset, &s.table, TableSchema::new(fields));
        self.client
            .table()
            .patch(&s.project, &s.dataset, &s.table, table)
            .await
            .map_err(failed)?;
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        for ddl in add_columns_ddl(&names) {
            self.query(&self.placeholders().render(&ddl), &[]).await?;
        }
        Ok(())
    }
}

/// The columns of `wanted` that `existing` lacks, in `wanted`'s order.
fn new_columns(
    existing: &[TableFieldSchema],
    wanted: Vec<TableFieldSchema>,
) -> Vec<TableFieldSchema> {
    wanted
        .into_iter()
        .filter(|w| !existing.iter().any(|e| e.name == w.name))
        .collect()
}

/// The events table: its schema, partitioned by the day of its timestamp, clustered.
fn events_table(project: &str, dataset: &str, table: &str) -> Table {
    Table::new(project, dataset, table, table_schema())
        .time_partitioning(TimePartitioning::per_day().field(PARTITION_FIELD))
        .clustering(Clustering {
            fields: Some(CLUSTER_FIELDS.iter().map(|f| f.to_string()).collect()),
        })
}

/// A create that failed because the thing exists already (409 Conflict) is fine.
fn unless_it_exists(result: Result<(), BQError>) -> Result<(), BQError> {
    match result {
        Err(BQError::ResponseError { error }) if error.error.code == 409 => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_missing_columns_are_added_in_the_schemas_order() {
        let wanted = table_schema().fields.unwrap();
        let (old, newer) = wanted.split_at(wanted.len() - 3);
        let added = new_columns(old, wanted.clone());
        let names = |fields: &[TableFieldSchema]| -> Vec<String> {
            fields.iter().map(|f| f.name.clone()).collect()
        };
        assert_eq!(names(&added), names(newer));
        assert!(new_columns(&wanted, wanted.clone()).is_empty());
    }

    #[test]
    fn the_events_table_is_partitioned_by_day_and_clustered() {
        let table = serde_json::to_value(events_table("p", "d", "events")).unwrap();
        assert_eq!(
            table["tableReference"],
            json!({"projectId": "p", "datasetId": "d", "tableId": "events"})
        );
        assert_eq!(
            table["timePartitioning"],
            json!({"type": "DAY", "field": "timestamp"})
        );
        assert_eq!(table["clustering"]["fields"], json!(["host", "session_id"]));
        assert_eq!(table["schema"]["fields"][0]["name"], "event_id");
    }

    fn error(code: u16) -> BQError {
        BQError::ResponseError {
            error: serde_json::from_value(json!({"error": {
                "code": code, "message": "test", "errors": [{"reason": "test"}]
            }}))
            .unwrap(),
        }
    }

    #[test]
    fn only_a_conflict_counts_as_already_there() {
        assert!(unless_it_exists(Ok(())).is_ok());
        assert!(unless_it_exists(Err(error(409))).is_ok());
        for code in [400, 403, 404, 500] {
            assert!(unless_it_exists(Err(error(code))).is_err(), "{code}");
        }
    }

    #[test]
    fn every_view_of_sql_views_is_created() {
        let names: Vec<&str> = VIEWS.iter().map(|(name, _)| *name).collect();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../sql/views");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter_map(|f| f.strip_suffix(".sql").map(String::from))
            .collect();
        files.sort();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(sorted, files);
    }
}
