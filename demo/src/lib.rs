//! footfall on loopback. [`plan`] draws realistic visits to the demo [`site`] from a seed
//! (people from [`agents`]' browsers, crawlers, campaigns, returning visitors over simulated
//! days); [`drive`] sends them through a local edge; [`watch`] counts what each stage of the
//! local pipeline has seen.

pub mod agents;
pub mod drive;
pub mod loopback_client;
pub mod plan;
pub mod site;
pub mod watch;
