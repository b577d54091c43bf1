//! footfall's edge: everything the Compute app decides, as plain functions tested natively.
//!
//! The flow of one request, module by module: [`config`] says what to do, [`clock`] when it happened, [`classify`] whether
//! the request is a page, [`consent`] what may be recorded, [`identity`] who the visitor and
//! session are, [`event`] (with [`url_parts`] and [`headers`]) what the event says, and
//! [`kinesis`] how it is shipped. `main.rs` only connects these to Fastly.

pub mod classify;
pub mod clock;
pub mod config;
pub mod consent;
pub mod event;
pub mod headers;
pub mod identity;
pub mod kinesis;
pub mod url_parts;
