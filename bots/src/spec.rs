//! Reading `extra_bot_ranges`, the configured ranges added to the bundled ones:
//! `Operator=cidr,cidr;Operator=cidr`, e.g. `Google=192.0.2.0/29;OpenAI=198.51.100.16/28,2001:db8::/32`.
//!
//! Operators are named as in `operators.json`, ignoring ASCII case; spaces around names and
//! CIDRs are ignored, as are empty entries (a trailing `;` or `,`); an operator may appear more
//! than once. CIDRs follow `cidr.rs` (host bits are masked). Anything else is a [`RangesError`]
//! that names the entry, operator or CIDR at fault.

use crate::cidr::{parse_cidr, Cidr, CidrError};
use crate::operator::{operator_named, operators, Operator};
use std::fmt;

/// Why an `extra_bot_ranges` value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangesError {
    /// An entry has no `=` between operator and CIDRs.
    NoEquals { entry: String },
    /// An entry has nothing before its `=`.
    NoOperator { entry: String },
    /// No compiled-in operator has this name.
    UnknownOperator { operator: String },
    /// An operator is given no CIDRs.
    NoCidrs { operator: String },
    /// A CIDR that cannot be read.
    BadCidr {
        operator: String,
        cidr: String,
        reason: CidrError,
    },
}

impl fmt::Display for RangesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RangesError::NoEquals { entry } => {
                write!(f, "{entry:?}: expected Operator=cidr,cidr (no `=`)")
            }
            RangesError::NoOperator { entry } => {
                write!(f, "{entry:?}: no operator name before `=`")
            }
            RangesError::UnknownOperator { operator } => {
                let known: Vec<&str> = operators().iter().map(|operator| operator.name).collect();
                write!(
                    f,
                    "unknown operator {operator:?} (known: {})",
                    known.join(", ")
                )
            }
            RangesError::NoCidrs { operator } => write!(f, "{operator}: no CIDRs after `=`"),
            RangesError::BadCidr {
                operator,
                cidr,
                reason,
            } => write!(f, "{operator}: {cidr:?}: {reason}"),
        }
    }
}

impl std::error::Error for RangesError {}

/// Every `(operator, CIDR)` pair of the spec, in order; empty for an empty spec.
pub fn parse_extra_ranges(spec: &str) -> Result<Vec<(&'static Operator, Cidr)>, RangesError> {
    let mut ranges = Vec::new();
    for entry in spec
        .split(';')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
    {
        let (name, cidrs) = entry.split_once('=').ok_or_else(|| RangesError::NoEquals {
            entry: entry.to_owned(),
        })?;
        let name = name.trim();
        if name.is_empty() {
            return Err(RangesError::NoOperator {
                entry: entry.to_owned(),
            });
        }
        let operator = operator_named(name).ok_or_else(|| RangesError::UnknownOperator {
            operator: name.to_owned(),
        })?;
        let before = ranges.len();
        for cidr in cidrs
            .split(',')
            .map(str::trim)
            .filter(|cidr| !cidr.is_empty())
        {
            let parsed = parse_cidr(cidr).map_err(|reason| RangesError::BadCidr {
                operator: operator.name.to_owned(),
                cidr: cidr.to_owned(),
                reason,
            })?;
            ranges.push((operator, parsed));
        }
        if ranges.len() == before {
            return Err(RangesError::NoCidrs {
                operator: operator.name.to_owned(),
            });
        }
    }
    Ok(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(spec: &str) -> Vec<(&'static str, Cidr)> {
        parse_extra_ranges(spec)
            .unwrap()
            .into_iter()
            .map(|(operator, cidr)| (operator.name, cidr))
            .collect()
    }

    fn error(spec: &str) -> String {
        parse_extra_ranges(spec).unwrap_err().to_string()
    }

    #[test]
    fn reads_operators_and_their_cidrs() {
        assert_eq!(
            pairs("Google=127.0.0.8/29;OpenAI=127.0.0.16/29,::1/128"),
            [
                (
                    "Google",
                    Cidr::V4 {
                        first: 0x7f00_0008,
                        last: 0x7f00_000f
                    }
                ),
                (
                    "OpenAI",
                    Cidr::V4 {
                        first: 0x7f00_0010,
                        last: 0x7f00_0017
                    }
                ),
                ("OpenAI", Cidr::V6 { first: 1, last: 1 }),
            ]
        );
    }

    #[test]
    fn tolerates_spaces_case_repeats_and_trailing_separators() {
        assert_eq!(
            pairs(" openai = 10.0.0.0/8 , ;common crawl=10.1.0.0/16;OpenAI=10.2.0.0/16,; "),
            [
                (
                    "OpenAI",
                    Cidr::V4 {
                        first: 0x0a00_0000,
                        last: 0x0aff_ffff
                    }
                ),
                (
                    "Common Crawl",
                    Cidr::V4 {
                        first: 0x0a01_0000,
                        last: 0x0a01_ffff
                    }
                ),
                (
                    "OpenAI",
                    Cidr::V4 {
                        first: 0x0a02_0000,
                        last: 0x0a02_ffff
                    }
                ),
            ]
        );
    }

    #[test]
    fn an_empty_spec_adds_nothing() {
        assert!(pairs("").is_empty());
        assert!(pairs(" ; ;").is_empty());
    }

    #[test]
    fn every_error_names_what_is_wrong() {
        assert_eq!(
            error("Google 10.0.0.0/8"),
            r#""Google 10.0.0.0/8": expected Operator=cidr,cidr (no `=`)"#
        );
        assert_eq!(
            error(" =10.0.0.0/8"),
            r#""=10.0.0.0/8": no operator name before `=`"#
        );
        assert!(error("Gogle=10.0.0.0/8").starts_with(
            r#"unknown operator "Gogle" (known: Google, Bing, OpenAI, Perplexity, Anthropic, Yandex,"#
        ));
        assert_eq!(error("OpenAI=10.0.0.0/8;Bing="), "Bing: no CIDRs after `=`");
        assert_eq!(error("Bing= , "), "Bing: no CIDRs after `=`");
        assert_eq!(
            error("google=10.0.0.0/8,10.0.0.0"),
            r#"Google: "10.0.0.0": no `/` and prefix length (write e.g. 192.0.2.0/24)"#
        );
        assert_eq!(
            error("Google=10.0.0.256/8"),
            r#"Google: "10.0.0.256/8": not an IPv4 or IPv6 address before the `/`"#
        );
        assert_eq!(
            error("Google=10.0.0.0/eight"),
            r#"Google: "10.0.0.0/eight": the prefix length is not a number"#
        );
        assert_eq!(
            error("Google=10.0.0.0/33"),
            r#"Google: "10.0.0.0/33": prefix length 33 is longer than an IPv4 address (32 bits)"#
        );
        assert_eq!(
            error("Anthropic=2001:db8::/129"),
            r#"Anthropic: "2001:db8::/129": prefix length 129 is longer than an IPv6 address (128 bits)"#
        );
    }
}
