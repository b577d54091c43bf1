//! What of the client's address an event keeps: the edge's `ip_mode`, narrowed by consent.
//!
//! Everything that needs the full address runs at the edge before this (the crawler check,
//! Fastly's geo lookup), so by default only the network leaves the POP: IPv4 cut to its /24,
//! IPv6 to its /48. That still places a visitor in the right city almost always (README: "Where
//! each field lives"), and cannot single out one household's connection.

use crate::consent::Consent;
use footfall_event::IpPrecision;
use std::net::IpAddr;

/// The `ip_mode` config key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IpMode {
    /// `truncated` (default): the /24 or /48 network, for everyone.
    #[default]
    Truncated,
    /// `full`: the whole address for visitors with full consent (GPC visitors and crawlers
    /// still get the network only); the processor can then range-check crawlers itself.
    Full,
    /// `none`: no address at all; geo then comes from the edge's own lookup.
    None,
}

impl IpMode {
    /// Reads a config value: `truncated`, `full` or `none`.
    pub fn parse(raw: &str) -> Option<IpMode> {
        match raw {
            "truncated" => Some(IpMode::Truncated),
            "full" => Some(IpMode::Full),
            "none" => Some(IpMode::None),
            _ => None,
        }
    }
}

/// The address an event carries and how precise it is: full only when both the mode and
/// consent allow it.
pub fn recorded_ip(
    ip: Option<IpAddr>,
    mode: IpMode,
    consent: Consent,
) -> (Option<IpAddr>, IpPrecision) {
    match (ip, mode, consent) {
        (None, _, _) | (_, IpMode::None, _) => (None, IpPrecision::None),
        (Some(ip), IpMode::Full, Consent::Full) => (Some(ip), IpPrecision::Full),
        (Some(ip @ IpAddr::V4(_)), _, _) => (Some(truncate_ip(ip)), IpPrecision::Slash24),
        (Some(ip @ IpAddr::V6(_)), _, _) => (Some(truncate_ip(ip)), IpPrecision::Slash48),
    }
}

/// The network part of an address: IPv4 to /24, IPv6 to /48.
pub fn truncate_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            IpAddr::from([a, b, c, 0])
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::from([s[0], s[1], s[2], 0, 0, 0, 0, 0])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn ips_are_truncated_to_their_network() {
        assert_eq!(
            truncate_ip(ip("203.0.113.77").unwrap()).to_string(),
            "203.0.113.0"
        );
        assert_eq!(
            truncate_ip(ip("2001:db8:abcd:12:1::9").unwrap()).to_string(),
            "2001:db8:abcd::"
        );
    }

    #[test]
    fn only_full_mode_with_full_consent_keeps_the_whole_address() {
        let v4 = ip("203.0.113.77");
        let cut = (ip("203.0.113.0"), IpPrecision::Slash24);
        assert_eq!(recorded_ip(v4, IpMode::Truncated, Consent::Full), cut);
        assert_eq!(recorded_ip(v4, IpMode::Full, Consent::Anonymous), cut);
        assert_eq!(
            recorded_ip(v4, IpMode::Full, Consent::Full),
            (v4, IpPrecision::Full)
        );
        assert_eq!(
            recorded_ip(ip("2001:db8:abcd:12::9"), IpMode::Truncated, Consent::Full),
            (ip("2001:db8:abcd::"), IpPrecision::Slash48)
        );
        for consent in [Consent::Full, Consent::Anonymous] {
            assert_eq!(
                recorded_ip(v4, IpMode::None, consent),
                (None, IpPrecision::None)
            );
        }
        assert_eq!(
            recorded_ip(None, IpMode::Full, Consent::Full),
            (None, IpPrecision::None)
        );
    }

    #[test]
    fn modes_are_read_by_name() {
        assert_eq!(IpMode::parse("truncated"), Some(IpMode::Truncated));
        assert_eq!(IpMode::parse("full"), Some(IpMode::Full));
        assert_eq!(IpMode::parse("none"), Some(IpMode::None));
        assert_eq!(IpMode::parse("Full"), None);
    }
}
