//! Which operator a crawler's user agent claims to be, and whether its IP address proves it.
//!
//! Operators (Google, Bing, OpenAI, Anthropic, ...) publish the IP ranges their crawlers use. A
//! request whose user agent claims one of them is checked against those ranges: proven
//! (`Some(true)`), spoofed (`Some(false)`: the operator has ranges loaded and the address is not
//! in them) or unchecked (`None`: no ranges loaded for that operator). These become an event's
//! `bot_verified` and `bot_verified_by`.
//!
//! The data lives next to the code, not in it: `data/operators.json` maps user-agent tokens to
//! operators and names each operator's range lists; the lists bundled in `data/ranges/` are
//! compiled by `build/main.rs` into sorted, merged tables ([`operator`]). A malformed data file
//! fails the build with the file and the reason. At run time nothing is parsed or read: the
//! edge's wasm starts every request with the tables in memory, and [`Ranges::verify`] costs one
//! scan of the user agent and, for a claimed operator, a binary search. No I/O, no allocation per
//! lookup, no dependencies beyond std, so the Fastly edge and the native processor share it.
//!
//! # `extra_bot_ranges`
//!
//! [`Ranges::with_extra`] adds ranges without a rebuild, from a value of this form:
//!
//! ```text
//! Operator=cidr,cidr;Operator=cidr
//! Google=192.0.2.0/29;OpenAI=198.51.100.16/28,2001:db8::/32
//! ```
//!
//! Operators are named as in `operators.json` (ASCII case ignored), CIDRs are IPv4 or IPv6
//! (host bits are masked), spaces and empty entries are ignored, and an empty value adds
//! nothing. Extra ranges add to the bundled ones; for an operator without bundled ranges they
//! make its claims checkable. An unknown operator, a missing `=`, an operator without CIDRs or
//! an unreadable CIDR is a [`RangesError`] naming the entry, operator or CIDR and what is wrong.
//!
//! ```
//! use footfall_bots::Ranges;
//!
//! let googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
//! let gptbot = "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)";
//! let bundled = Ranges::bundled();
//! let check = |ranges: &Ranges, ua, ip: &str| ranges.verify(ua, ip.parse().unwrap()).unwrap().verified;
//! assert_eq!(check(&bundled, googlebot, "66.249.66.1"), Some(true));
//! assert_eq!(check(&bundled, googlebot, "203.0.113.9"), Some(false));
//! assert_eq!(check(&bundled, gptbot, "198.51.100.17"), None); // no OpenAI ranges bundled
//!
//! let configured = Ranges::with_extra("OpenAI=198.51.100.16/28").unwrap();
//! assert_eq!(check(&configured, gptbot, "198.51.100.17"), Some(true));
//! assert_eq!(check(&configured, gptbot, "203.0.113.9"), Some(false));
//!
//! let error = Ranges::with_extra("OpenAI=198.51.100.16/33").unwrap_err();
//! assert_eq!(
//!     error.to_string(),
//!     r#"OpenAI: "198.51.100.16/33": prefix length 33 is longer than an IPv4 address (32 bits)"#
//! );
//! ```
//!
//! # Modules
//!
//! - [`operator`]: the compiled-in operators, their tokens and bundled lists
//! - [`claim`]: which operator a user agent claims (whole-word token match)
//! - [`ranges`]: [`Ranges`], the check of an address against an operator's ranges
//! - [`spec`]: reading `extra_bot_ranges`
//! - [`freshness`]: which bundled lists are older than [`MAX_RANGE_AGE_DAYS`]
//! - `cidr`, `interval`, `word_hash`: one CIDR as a range; sorted tables and the lookup in
//!   one; the token prefilter's hash (all three shared with the build script)

mod cidr;
pub mod claim;
pub mod freshness;
mod interval;
pub mod operator;
pub mod ranges;
pub mod spec;
mod word_hash;

pub use cidr::CidrError;
pub use claim::{claimed_operator, claims_to_be_a_crawler, follows_crawler_conventions};
pub use freshness::{stale_range_files, StaleRangeFile, MAX_RANGE_AGE_DAYS};
pub use operator::{operator_named, operators, Operator, RangeFile};
pub use ranges::{Ranges, Verification};
pub use spec::RangesError;
