//! footfall's processor: takes raw events off the stream, enriches them, removes personal data
//! and writes them to the archive (S3) and the warehouse (BigQuery).
//!
//! The modules follow the data: [`decode`] reads a record, [`enrich`] adds what the user agent,
//! the IP address, the query and the referrer tell.

pub mod data;
pub mod decode;
pub mod enrich;

#[cfg(test)]
pub(crate) mod test_data;
