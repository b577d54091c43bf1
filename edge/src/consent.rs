//! What a visitor's privacy signals and consent allow the edge to record.
//!
//! Crawlers are not people and hold no consent cookie: a request that claims to be a crawler
//! (or that Fastly detects as a bot) is recorded anonymously in every mode, so crawler analytics
//! work on consent-first sites, and a person sending a crawler's user agent gains nothing but an
//! anonymous count.

use crate::config::ConsentMode;
use crate::identity::cookie_value;

/// What may be recorded for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    /// Cookies, ids and as much of the IP as `ip_mode` allows.
    Full,
    /// Counted, but no cookies, no ids and at most the IP's network.
    Anonymous,
    /// Not recorded at all.
    None,
}

/// Decides from the configured mode, the `Sec-GPC` signal and the `Cookie` header; `crawler`:
/// the request claims to be a crawler.
pub fn decide(
    mode: &ConsentMode,
    gpc: bool,
    cookie_header: Option<&str>,
    crawler: bool,
) -> Consent {
    if crawler {
        return Consent::Anonymous;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpc_modes() {
        assert_eq!(
            decide(&ConsentMode::GpcAnonymous, false, None, false),
            Consent::Full
        );
        assert_eq!(
            decide(&ConsentMode::GpcAnonymous, true, None, false),
            Consent::Anonymous
        );
        assert_eq!(
            decide(&ConsentMode::GpcDrop, false, None, false),
            Consent::Full
        );
        assert_eq!(
            decide(&ConsentMode::GpcDrop, true, None, false),
            Consent::None
        );
    }

    #[test]
    fn cookie_mode_tracks_only_with_the_exact_value() {
        let mode = ConsentMode::Cookie {
            name: "consent".into(),
            value: "analytics".into(),
        };
        assert_eq!(
            decide(&mode, false, Some("consent=analytics"), false),
            Consent::Full
        );
        assert_eq!(
            decide(&mode, true, Some("a=b; consent=analytics"), false),
            Consent::Full
        );
        assert_eq!(
            decide(&mode, false, Some("consent=none"), false),
            Consent::None
        );
        assert_eq!(decide(&mode, false, None, false), Consent::None);
        let unconfigured = ConsentMode::Cookie {
            name: String::new(),
            value: String::new(),
        };
        assert_eq!(
            decide(&unconfigured, false, Some("="), false),
            Consent::None
        );
    }
}
