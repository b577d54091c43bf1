//! The end-to-end harness: starts the real parts of footfall on free loopback ports (the edge's
//! wasm in Viceroy, kinesalite, a small origin) and reads back what they did. Nothing is mocked;
//! where a test needs a misbehaving Kinesis, [`slow_proxy`] delays the real one.

pub mod client;
pub mod edge;
pub mod kinesalite;
pub mod order;
pub mod origin;
pub mod process;
pub mod slow_proxy;
pub mod tools;
