//! Where records come from: AWS Lambda invocations, a polled Kinesis stream, or stdin.

pub mod consume;
pub mod lambda;
pub mod stdin;
