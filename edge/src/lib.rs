//! footfall's edge: everything the Compute app decides, as plain functions tested natively.
//!
//! The flow of one request, module by module: [`config`] says what to do, [`clock`] when it
//! happened, [`classify`] whether the request is a page, [`crawler`] whether a crawler sent it
//! and is who it claims (with [`web_bot_auth`]), [`consent`] what may be recorded,
//! [`client_ip`] how much of the address, [`identity`] who the visitor and session are,
//! [`event`] (with [`url_parts`] and [`headers`]) what the event says, and [`kinesis`] how it
//! is shipped. `main.rs` only connects these to Fastly.

pub mod classify;
pub mod client_ip;
pub mod clock;
pub mod config;
pub mod consent;
pub mod crawler;
pub mod event;
pub mod headers;
pub mod identity;
pub mod kinesis;
pub mod url_parts;
pub mod web_bot_auth;
