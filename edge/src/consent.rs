//! What a visitor's privacy signals and consent allow the edge to record.

use crate::config::ConsentMode;
use crate::identity::cookie_value;
use std::net::IpAddr;

/// What may be recorded for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// Cookies, ids and the full IP.
    Full,
    /// Counted, but no cookies, no ids and a truncated IP.
    Anonymous,
    /// Not recorded at all.
    None,
}

/// Decides from the configured mode, the `Sec-GPC` signal and the `Cookie` header.
pub fn decide(mode: &ConsentMode, gpc: bool, cookie_header: Option<&str>) -> Consent {
    match mode {
        ConsentMode::GpcAnonymous if gpc => Consent::Anonymous,
        ConsentMode::GpcDrop if gpc => Consent::None,
        ConsentMode::GpcAnonymous | ConsentMode::GpcDrop => Consent::Full,
        ConsentMode::Cookie { name, value } => {
            let given = !name.is_empty()
                && cookie_header.and_then(|h| cookie_value(h, name)) == Some(value.as_str());
            if given {
                Consent::Full
            } else {
                Consent::None
            }
        }
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

    #[test]
    fn gpc_modes() {
        assert_eq!(
            decide(&ConsentMode::GpcAnonymous, false, None),
            Consent::Full
        );
        assert_eq!(
            decide(&ConsentMode::GpcAnonymous, true, None),
            Consent::Anonymous
        );
        assert_eq!(decide(&ConsentMode::GpcDrop, false, None), Consent::Full);
        assert_eq!(decide(&ConsentMode::GpcDrop, true, None), Consent::None);
    }

    #[test]
    fn cookie_mode_tracks_only_with_the_exact_value() {
        let mode = ConsentMode::Cookie {
            name: "consent".into(),
            value: "analytics".into(),
        };
        assert_eq!(
            decide(&mode, false, Some("consent=analytics")),
            Consent::Full
        );
        assert_eq!(
            decide(&mode, true, Some("a=b; consent=analytics")),
            Consent::Full
        );
        assert_eq!(decide(&mode, false, Some("consent=none")), Consent::None);
        assert_eq!(decide(&mode, false, None), Consent::None);
        let unconfigured = ConsentMode::Cookie {
            name: String::new(),
            value: String::new(),
        };
        assert_eq!(decide(&unconfigured, false, Some("=")), Consent::None);
    }

    #[test]
    fn ips_are_truncated_to_their_network() {
        assert_eq!(
            truncate_ip("203.0.113.77".parse().unwrap()).to_string(),
            "203.0.113.0"
        );
        assert_eq!(
            truncate_ip("2001:db8:abcd:12:1::9".parse().unwrap()).to_string(),
            "2001:db8:abcd::"
        );
    }
}
