//! The end-to-end harness: starts the real parts of footfall on free loopback ports (the edge's
//! wasm in Viceroy, kinesalite, a small origin) and reads back what they did. Nothing is mocked;
//! where a test needs a misbehaving Kinesis, [`fault_proxy`] delays or fails the real one. moto stands
//! in for S3 and bqemulator for BigQuery.

pub mod bigquery;
pub mod browser;
pub mod client;
pub mod edge;
pub mod fault_proxy;
pub mod kinesalite;
pub mod moto;
pub mod order;
pub mod origin;
pub mod process;
pub mod tools;
