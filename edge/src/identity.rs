//! Visitor and session identity from first-party cookies set by the server.
//!
//! The visitor cookie holds 40 hex digits (SHA-1 of random bytes and the time, as the article's
//! collector did) and lives two years. The session cookie carries the session id, the time the
//! session was last seen and a tag of the campaign it started with, and slides 30 minutes on
//! every page. Keeping the last-seen time inside the cookie lets the edge enforce the timeout
//! itself, whatever the client does with `Max-Age`; the campaign tag starts a new session when a
//! visit arrives from another campaign, as web analytics tools conventionally do.
//!
//! Client cookie values are validated strictly and never echoed back: whatever arrives, the
//! `Set-Cookie` headers only ever carry ids minted here.

use crate::config::CookieSettings;
use sha1::{Digest, Sha1};

/// The visitor cookie's lifetime: two years.
const VISITOR_MAX_AGE_SECS: u64 = 2 * 365 * 24 * 60 * 60;

/// Where identity randomness comes from; a trait so tests can be deterministic.
pub trait Entropy {
    fn fill(&mut self, buf: &mut [u8]);
}

/// The operating system's randomness (WASI `random_get` at the edge).
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn fill(&mut self, buf: &mut [u8]) {
        if getrandom::fill(buf).is_err() {
            // Never fail a page over an id: fall back to the clock, which the visitor id hashes
            // in anyway.
            let nanos = now_nanos().to_le_bytes();
            for (i, b) in buf.iter_mut().enumerate() {
                *b = nanos[i % nanos.len()] ^ (i as u8);
            }
        }
    }
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// The ids of one request and the cookies that carry them back to the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub visitor_id: String,
    pub session_id: String,
    pub new_visitor: bool,
    pub new_session: bool,
    /// `Set-Cookie` header values to add to the response.
    pub set_cookies: Vec<String>,
}

/// The session state kept in the session cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SessionCookie<'a> {
    id: &'a str,
    last_seen: u64,
    campaign: &'a str,
}

impl<'a> SessionCookie<'a> {
    /// Parses `{32 hex}.{unix seconds}.{0 or 8 hex}`; anything else is no session.
    fn parse(value: &'a str) -> Option<Self> {
        let mut parts = value.split('.');
        let (id, last_seen, campaign) = (parts.next()?, parts.next()?, parts.next()?);
        let valid = parts.next().is_none()
            && is_hex(id, 32)
            && (campaign.is_empty() || is_hex(campaign, 8))
            && !last_seen.is_empty()
            && last_seen.len() <= 12
            && last_seen.bytes().all(|b| b.is_ascii_digit());
        valid.then(|| SessionCookie {
            id,
            last_seen: last_seen.parse().unwrap_or(0),
            campaign,
        })
    }
}

/// Identifies the visitor and session of a request.
///
/// `cookie_header` is the raw `Cookie` header, `campaign` the request's `utm_campaign` (if any),
/// `now_secs` the Unix time, and `secure` whether the page was requested over HTTPS.
pub fn identify(
    settings: &CookieSettings,
    cookie_header: Option<&str>,
    campaign: Option<&str>,
    now_secs: u64,
    secure: bool,
    entropy: &mut impl Entropy,
) -> Identity {
    let cookie = |name: &str| cookie_header.and_then(|h| cookie_value(h, name));
    let mut set_cookies = Vec::with_capacity(2);

    let (visitor_id, new_visitor) = match cookie(&settings.visitor_name).filter(|v| is_hex(v, 40)) {
        Some(id) => (id.to_ascii_lowercase(), false),
        None => {
            let id = mint_visitor_id(entropy);
            set_cookies.push(set_cookie(
                settings,
                &settings.visitor_name,
                &id,
                VISITOR_MAX_AGE_SECS,
                secure,
            ));
            (id, true)
        }
    };

    let campaign_tag = campaign.map(tag_of).unwrap_or_default();
    let previous = cookie(&settings.session_name).and_then(SessionCookie::parse);
    let continued = previous.filter(|s| {
        let within_timeout = s.last_seen <= now_secs.saturating_add(60)
            && now_secs.saturating_sub(s.last_seen) <= settings.session_timeout_secs;
        let same_campaign = campaign.is_none() || s.campaign == campaign_tag;
        within_timeout && same_campaign
    });
    let (session_id, campaign_tag, new_session) = match continued {
        Some(s) => (s.id.to_ascii_lowercase(), s.campaign.to_string(), false),
        None => (hex(&random::<16>(entropy)), campaign_tag, true),
    };
    let session_value = format!("{session_id}.{now_secs}.{campaign_tag}");
    set_cookies.push(set_cookie(
        settings,
        &settings.session_name,
        &session_value,
        settings.session_timeout_secs,
        secure,
    ));

    Identity {
        visitor_id,
        session_id,
        new_visitor,
        new_session,
        set_cookies,
    }
}

/// The value of the first cookie called `name` in a `Cookie` header.
pub fn cookie_value<'h>(header: &'h str, name: &str) -> Option<&'h str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name).then(|| value.trim().trim_matches('"'))
    })
}

/// A new visitor id: SHA-1 of 16 random bytes and the current time, 40 hex digits.
fn mint_visitor_id(entropy: &mut impl Entropy) -> String {
    let mut hasher = Sha1::new();
    hasher.update(random::<16>(entropy));
    hasher.update(now_nanos().to_le_bytes());
    hex(&hasher.finalize())
}

/// A short, stable tag of a campaign name, so the cookie does not carry the name itself.
fn tag_of(campaign: &str) -> String {
    hex(&Sha1::digest(campaign.as_bytes())[..4])
}

fn set_cookie(
    settings: &CookieSettings,
    name: &str,
    value: &str,
    max_age: u64,
    secure: bool,
) -> String {
    let mut header = format!("{name}={value}; Max-Age={max_age}; Path=/; HttpOnly; SameSite=Lax");
    if secure {
        header.push_str("; Secure");
    }
    if let Some(domain) = &settings.domain {
        header.push_str("; Domain=");
        header.push_str(domain);
    }
    header
}

/// `N` random bytes.
pub fn random<const N: usize>(entropy: &mut impl Entropy) -> [u8; N] {
    let mut buf = [0u8; N];
    entropy.fill(&mut buf);
    buf
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Counts up from a seed: distinct, reproducible "random" bytes.
    pub struct Counter(pub u8);
    impl Entropy for Counter {
        fn fill(&mut self, buf: &mut [u8]) {
            for b in buf {
                self.0 = self.0.wrapping_add(1);
                *b = self.0;
            }
        }
    }

    fn settings() -> CookieSettings {
        CookieSettings {
            visitor_name: "vid".into(),
            session_name: "sid".into(),
            domain: None,
            session_timeout_secs: 1800,
        }
    }

    const VISITOR: &str = "10d1fa9c9fd39cff44c88bd551b1ab4dfe92b3da";
    const SESSION: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn first_visit_mints_both_ids_and_sets_both_cookies() {
        let id = identify(&settings(), None, None, 1_000, true, &mut Counter(0));
        assert!(id.new_visitor && id.new_session);
        assert!(is_hex(&id.visitor_id, 40), "{}", id.visitor_id);
        assert!(is_hex(&id.session_id, 32));
        assert_eq!(id.set_cookies.len(), 2);
        assert_eq!(
            id.set_cookies[0],
            format!(
                "vid={}; Max-Age=63072000; Path=/; HttpOnly; SameSite=Lax; Secure",
                id.visitor_id
            )
        );
        assert_eq!(
            id.set_cookies[1],
            format!(
                "sid={}.1000.; Max-Age=1800; Path=/; HttpOnly; SameSite=Lax; Secure",
                id.session_id
            )
        );
    }

    #[test]
    fn returning_visitor_keeps_the_id_and_gets_no_visitor_cookie() {
        let header = format!("other=1; vid={VISITOR}; sid={SESSION}.900.");
        let id = identify(
            &settings(),
            Some(&header),
            None,
            1_000,
            false,
            &mut Counter(0),
        );
        assert_eq!(id.visitor_id, VISITOR);
        assert_eq!(id.session_id, SESSION);
        assert!(!id.new_visitor && !id.new_session);
        assert_eq!(
            id.set_cookies,
            [format!(
                "sid={SESSION}.1000.; Max-Age=1800; Path=/; HttpOnly; SameSite=Lax"
            )]
        );
    }

    #[test]
    fn session_expires_after_the_timeout_of_inactivity() {
        let header = format!("vid={VISITOR}; sid={SESSION}.1000.");
        let inside = identify(
            &settings(),
            Some(&header),
            None,
            2_800,
            false,
            &mut Counter(0),
        );
        assert_eq!(inside.session_id, SESSION);
        let after = identify(
            &settings(),
            Some(&header),
            None,
            2_801,
            false,
            &mut Counter(0),
        );
        assert!(after.new_session);
        assert_ne!(after.session_id, SESSION);
        assert!(!after.new_visitor);
    }

    #[test]
    fn a_different_campaign_starts_a_new_session_the_same_one_does_not() {
        let tag = tag_of("spring");
        let header = format!("vid={VISITOR}; sid={SESSION}.1000.{tag}");
        let same = identify(
            &settings(),
            Some(&header),
            Some("spring"),
            1_100,
            false,
            &mut Counter(0),
        );
        assert_eq!(same.session_id, SESSION);
        let none = identify(
            &settings(),
            Some(&header),
            None,
            1_100,
            false,
            &mut Counter(0),
        );
        assert_eq!(none.session_id, SESSION);
        assert!(none.set_cookies[0].starts_with(&format!("sid={SESSION}.1100.{tag};")));
        let other = identify(
            &settings(),
            Some(&header),
            Some("autumn"),
            1_100,
            false,
            &mut Counter(0),
        );
        assert!(other.new_session);
        assert!(other.set_cookies[0].contains(&format!(".1100.{};", tag_of("autumn"))));
    }

    #[test]
    fn malformed_or_hostile_cookies_are_replaced_not_echoed() {
        for hostile in [
            "vid=xyz; sid=abc".to_string(),
            format!("vid={VISITOR}0; sid={SESSION}.1.2.3"),
            format!("vid={}; sid={}", "a".repeat(5000), "b".repeat(5000)),
            "vid=\r\nSet-Cookie: admin=1; sid=%0d%0a".to_string(),
            format!(
                "vid={}; sid={SESSION}.99999999999999999999.",
                &VISITOR[..39]
            ),
            "=;;;==; vid".to_string(),
        ] {
            let id = identify(
                &settings(),
                Some(&hostile),
                None,
                1_000,
                false,
                &mut Counter(7),
            );
            assert!(id.new_visitor && id.new_session, "{hostile}");
            for cookie in &id.set_cookies {
                assert!(
                    cookie.bytes().all(|b| b.is_ascii_graphic() || b == b' '),
                    "{cookie:?}"
                );
                assert!(cookie.len() < 120, "{cookie}");
            }
        }
    }

    #[test]
    fn session_from_the_future_beyond_clock_skew_is_not_trusted() {
        let header = format!("vid={VISITOR}; sid={SESSION}.5000.");
        assert!(
            identify(
                &settings(),
                Some(&header),
                None,
                1_000,
                false,
                &mut Counter(0)
            )
            .new_session
        );
    }

    #[test]
    fn domain_is_added_when_configured() {
        let settings = CookieSettings {
            domain: Some(".example.com".into()),
            ..settings()
        };
        let id = identify(&settings, None, None, 1, false, &mut Counter(0));
        assert!(id
            .set_cookies
            .iter()
            .all(|c| c.ends_with("; Domain=.example.com")));
    }

    #[test]
    fn cookie_value_finds_the_first_match_and_tolerates_junk() {
        assert_eq!(cookie_value("a=1; b=2; a=3", "a"), Some("1"));
        assert_eq!(cookie_value("a=\"q\"", "a"), Some("q"));
        assert_eq!(cookie_value("ab=1; b", "b"), None);
        assert_eq!(cookie_value("", "a"), None);
    }

    #[test]
    fn os_entropy_gives_distinct_visitor_ids() {
        assert_ne!(
            mint_visitor_id(&mut OsEntropy),
            mint_visitor_id(&mut OsEntropy)
        );
    }
}
