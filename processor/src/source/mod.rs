//! Where records come from: AWS Lambda invocations, a polled Kinesis stream (read one shard at a
//! time by [`shard`]), or stdin.

pub mod consume;
pub mod lambda;
pub mod shard;
pub mod stdin;
