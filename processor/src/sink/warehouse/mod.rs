//! The BigQuery warehouse: `tabledata.insertAll` with `insertId = event_id`, batched within the
//! API's limits, retried with backoff and jitter on throttling and server errors, and with rows
//! BigQuery rejects for good handed back so they become dead letters.
//!
//! One job per module, each with its own tests:
//! - [`client`]: where the table is ([`WarehouseSettings`]), the credentials, and connecting;
//! - [`insert`]: insertAll requests of at most 500 rows, and `insertErrors` as [`Rejected`] rows;
//! - [`retry`]: which failures are transient, and the backoff between attempts ([`RetryPolicy`]);
//! - [`setup`]: the dataset, the partitioned and clustered table, and the views ([`SetupOptions`]);
//! - [`query`]: running a statement and reading its answer ([`Answer`]).

pub mod client;
pub mod insert;
pub mod query;
pub mod retry;
pub mod setup;

pub use client::{GoogleCredentials, WarehouseSettings};
pub use insert::Rejected;
pub use query::Answer;
pub use retry::RetryPolicy;
pub use setup::SetupOptions;

use super::views::Placeholders;

/// A connected BigQuery client and the table it writes; see [`Warehouse::connect`],
/// [`Warehouse::insert`], [`Warehouse::set_up`] and [`Warehouse::query`].
pub struct Warehouse {
    client: gcp_bigquery_client::Client,
    settings: WarehouseSettings,
}

impl Warehouse {
    /// The placeholders of this warehouse's saved queries (the views' are `set_up`'s).
    pub fn placeholders(&self) -> Placeholders<'_> {
        let s = &self.settings;
        Placeholders {
            project: &s.project,
            dataset: &s.dataset,
            table: &s.table,
            conversion_pattern: None,
        }
    }
}
