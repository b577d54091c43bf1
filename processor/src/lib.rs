//! footfall's processor: takes raw events off the stream, enriches them, removes personal data
//! and writes them to the archive (S3) and the warehouse (BigQuery), the Lambda of the pipeline
//! "Server-side tracking: surprisingly easy" (the article) describes.
//!
//! The modules follow the data: a [`source`] delivers records, [`decode`] reads each one,
//! [`enrich`] adds what the user agent, the IP address, the query and the referrer tell,
//! [`batch`] and [`pipeline`] carry them through, and each [`sink`] stores them. [`settings`]
//! wires a pipeline from the flags and environment (with [`aws`]'s clients), [`cli`] is the
//! command line over it, [`query`] runs the saved queries of `sql/`, and [`report`] renders the
//! report page from its own saved queries.

pub mod aws;
pub mod batch;
pub mod cli;
pub mod data;
pub mod decode;
pub mod enrich;
pub mod pipeline;
pub mod query;
pub mod report;
pub mod settings;
pub mod sink;
pub mod source;

#[cfg(test)]
pub(crate) mod test_data;
