//! The enricher and the sinks together: what every source runs its records through.

use crate::batch::{self, Batch, Record};
use crate::enrich::Enricher;
use crate::sink::{Delivered, SinkError, Sinks};
use std::sync::Mutex;
use time::OffsetDateTime;

pub struct Pipeline {
    /// Behind a lock because its user agent cache changes on every lookup; it is held only
    /// while a batch is enriched, never across I/O.
    enricher: Mutex<Enricher>,
    pub sinks: Sinks,
}

impl Pipeline {
    pub fn new(enricher: Enricher, sinks: Sinks) -> Self {
        Pipeline {
            enricher: Mutex::new(enricher),
            sinks,
        }
    }

    /// Decodes and enriches a batch without delivering it.
    pub fn process(&self, records: &[Record]) -> Batch {
        let mut enricher = self
            .enricher
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        batch::process(&mut enricher, records, OffsetDateTime::now_utc())
    }

    /// Processes a batch and delivers it to every sink.
    pub async fn run(&self, records: &[Record]) -> Result<Delivered, SinkError> {
        let batch = self.process(records);
        self.sinks.deliver(batch, records, true).await
    }
}
