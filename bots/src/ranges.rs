//! Whether a crawler's IP proves the operator its user agent claims: the bundled tables, plus
//! the configured `extra_bot_ranges`, checked in memory.
//!
//! An operator is checkable when it has ranges loaded (bundled or extra, of either family):
//! then an address inside them is proof (`Some(true)`) and one outside is a spoof
//! (`Some(false)`). An operator with no ranges loaded gives `None`, never `false`: having
//! nothing to check against is not evidence of spoofing.

use crate::cidr::Cidr;
use crate::claim::claimed_operator;
use crate::interval::{contains, merge};
use crate::operator::{operators, Operator};
use crate::spec::{parse_extra_ranges, RangesError};
use std::net::IpAddr;

/// The ranges to check claims against: the bundled tables and any extra ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ranges {
    /// Extra ranges per operator index; empty (no allocation) when none are configured.
    extra: Vec<ExtraRanges>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct ExtraRanges {
    ipv4: Vec<(u32, u32)>,
    ipv6: Vec<(u128, u128)>,
}

/// What a claim comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    /// The operator the user agent claims, e.g. `Google` (`bot_verified_by`).
    pub operator: &'static str,
    /// `Some(true)`: the IP is in the operator's ranges; `Some(false)`: the operator has ranges
    /// loaded and the IP is not in them (spoofed); `None`: no ranges loaded for it.
    pub verified: Option<bool>,
}

impl Ranges {
    /// The ranges compiled into this build, nothing added.
    pub fn bundled() -> Ranges {
        Ranges::default()
    }

    /// The bundled ranges plus those of an `extra_bot_ranges` value (format: crate docs); an
    /// empty value adds nothing.
    pub fn with_extra(spec: &str) -> Result<Ranges, RangesError> {
        let pairs = parse_extra_ranges(spec)?;
        if pairs.is_empty() {
            return Ok(Ranges::bundled());
        }
        let mut extra = vec![ExtraRanges::default(); operators().len()];
        for (operator, cidr) in pairs {
            let ranges = &mut extra[operator.index];
            match cidr {
                Cidr::V4 { first, last } => ranges.ipv4.push((first, last)),
                Cidr::V6 { first, last } => ranges.ipv6.push((first, last)),
            }
        }
        for ranges in &mut extra {
            ranges.ipv4 = merge(std::mem::take(&mut ranges.ipv4));
            ranges.ipv6 = merge(std::mem::take(&mut ranges.ipv6));
        }
        Ok(Ranges { extra })
    }

    /// The operator `user_agent` claims and whether `ip` proves it; `None` when it claims no
    /// known operator. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is checked as IPv4.
    pub fn verify(&self, user_agent: &str, ip: IpAddr) -> Option<Verification> {
        let operator = claimed_operator(user_agent)?;
        Some(Verification {
            operator: operator.name,
            verified: self.check(operator, ip),
        })
    }

    /// Whether `ip` is one of `operator`'s; `None` when it has no ranges loaded.
    pub fn check(&self, operator: &Operator, ip: IpAddr) -> Option<bool> {
        if !self.is_checkable(operator) {
            return None;
        }
        let extra = self.extra.get(operator.index);
        Some(match ip.to_canonical() {
            IpAddr::V4(v4) => {
                let address = u32::from(v4);
                contains(operator.ipv4, address)
                    || extra.is_some_and(|extra| contains(&extra.ipv4, address))
            }
            IpAddr::V6(v6) => {
                let address = u128::from(v6);
                contains(operator.ipv6, address)
                    || extra.is_some_and(|extra| contains(&extra.ipv6, address))
            }
        })
    }

    /// Whether `operator` has any ranges loaded, bundled or extra, of either family.
    pub fn is_checkable(&self, operator: &Operator) -> bool {
        !operator.ipv4.is_empty()
            || !operator.ipv6.is_empty()
            || self
                .extra
                .get(operator.index)
                .is_some_and(|extra| !extra.ipv4.is_empty() || !extra.ipv6.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operator::operator_named;

    const GOOGLEBOT: &str =
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    const GPTBOT: &str = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)";

    fn verified(ranges: &Ranges, user_agent: &str, ip: &str) -> Option<bool> {
        ranges
            .verify(user_agent, ip.parse().unwrap())
            .unwrap()
            .verified
    }

    #[test]
    fn googlebot_from_google_is_proven_and_from_elsewhere_spoofed() {
        let ranges = Ranges::bundled();
        assert_eq!(
            ranges.verify(GOOGLEBOT, "66.249.66.1".parse().unwrap()),
            Some(Verification {
                operator: "Google",
                verified: Some(true)
            })
        );
        assert_eq!(verified(&ranges, GOOGLEBOT, "203.0.113.9"), Some(false));
        assert_eq!(
            verified(&ranges, GOOGLEBOT, "2001:4860:4801:10::1"),
            Some(true)
        );
        assert_eq!(verified(&ranges, GOOGLEBOT, "2001:db8::1"), Some(false));
    }

    #[test]
    fn ipv4_mapped_addresses_are_checked_as_ipv4() {
        let ranges = Ranges::bundled();
        assert_eq!(
            verified(&ranges, GOOGLEBOT, "::ffff:66.249.66.1"),
            Some(true)
        );
        assert_eq!(
            verified(&ranges, GOOGLEBOT, "::ffff:203.0.113.9"),
            Some(false)
        );
        // Only ::ffff:0:0/96 maps; the deprecated IPv4-compatible form is an IPv6 address.
        assert_eq!(verified(&ranges, GOOGLEBOT, "::66.249.66.1"), Some(false));
    }

    #[test]
    fn an_operator_without_ranges_is_unchecked_never_spoofed() {
        let ranges = Ranges::bundled();
        assert_eq!(
            ranges.verify(GPTBOT, "203.0.113.9".parse().unwrap()),
            Some(Verification {
                operator: "OpenAI",
                verified: None
            })
        );
        assert_eq!(verified(&ranges, "CCBot/2.0", "66.249.66.1"), None);
    }

    #[test]
    fn no_claim_no_verification() {
        let ranges = Ranges::with_extra("OpenAI=0.0.0.0/0").unwrap();
        let browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
        assert_eq!(ranges.verify(browser, "66.249.66.1".parse().unwrap()), None);
        assert_eq!(ranges.verify("", "66.249.66.1".parse().unwrap()), None);
    }

    #[test]
    fn extra_ranges_make_an_operator_checkable() {
        let ranges = Ranges::with_extra("OpenAI=127.0.0.16/29,::1/128").unwrap();
        assert_eq!(verified(&ranges, GPTBOT, "127.0.0.16"), Some(true));
        assert_eq!(verified(&ranges, GPTBOT, "127.0.0.23"), Some(true));
        assert_eq!(verified(&ranges, GPTBOT, "127.0.0.24"), Some(false));
        assert_eq!(verified(&ranges, GPTBOT, "127.0.0.15"), Some(false));
        assert_eq!(verified(&ranges, GPTBOT, "::1"), Some(true));
        assert_eq!(verified(&ranges, GPTBOT, "::2"), Some(false));
        assert_eq!(
            verified(
                &ranges,
                "Mozilla/5.0 (compatible; OAI-SearchBot/1.0)",
                "127.0.0.17"
            ),
            Some(true)
        );
        // Ranges for one operator prove nothing for another.
        assert_eq!(verified(&ranges, "ClaudeBot/1.0", "127.0.0.16"), None);
        assert_eq!(verified(&ranges, GOOGLEBOT, "127.0.0.16"), Some(false));
    }

    #[test]
    fn extra_ranges_add_to_the_bundled_ones() {
        let ranges = Ranges::with_extra("Google=127.0.0.8/29").unwrap();
        assert_eq!(verified(&ranges, GOOGLEBOT, "127.0.0.9"), Some(true));
        assert_eq!(verified(&ranges, GOOGLEBOT, "66.249.66.1"), Some(true));
        assert_eq!(verified(&ranges, GOOGLEBOT, "127.0.0.16"), Some(false));
        assert_eq!(
            verified(&Ranges::bundled(), GOOGLEBOT, "127.0.0.9"),
            Some(false)
        );
    }

    #[test]
    fn an_empty_spec_is_the_bundled_ranges_and_a_bad_one_an_error() {
        let ranges = Ranges::with_extra("  ").unwrap();
        assert_eq!(verified(&ranges, GPTBOT, "127.0.0.16"), None);
        assert_eq!(
            Ranges::with_extra("OpenAI=127.0.0.16/40").unwrap_err(),
            RangesError::BadCidr {
                operator: "OpenAI".into(),
                cidr: "127.0.0.16/40".into(),
                reason: crate::cidr::CidrError::PrefixTooLong {
                    length: "40".into(),
                    max: 32
                },
            }
        );
    }

    #[test]
    fn checkable_means_some_ranges_of_either_family() {
        let bundled = Ranges::bundled();
        let openai = operator_named("OpenAI").unwrap();
        assert!(bundled.is_checkable(operator_named("Google").unwrap()));
        assert!(!bundled.is_checkable(openai));
        let ipv6_only = Ranges::with_extra("OpenAI=2001:db8::/32").unwrap();
        assert!(ipv6_only.is_checkable(openai));
        // Ranges loaded but none of the address's family: the address is not in them.
        assert_eq!(
            ipv6_only.check(openai, "192.0.2.1".parse().unwrap()),
            Some(false)
        );
        assert_eq!(
            ipv6_only.check(openai, "2001:db8::7".parse().unwrap()),
            Some(true)
        );
    }
}
