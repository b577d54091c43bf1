//! Whether a request comes from a crawler, and whether the crawler is who it claims to be.
//!
//! Three sources, in this order of value: Fastly's bot detection (when Fastly analysed the
//! request), the operator's published IP ranges checked on the full client address (it never
//! leaves the edge by default, so this is the only place the check can be made), and what the
//! request declares (its user agent, a Web Bot Auth signature). A claim that cannot be checked
//! stays `null`, never `false`.

use footfall_bots::{claimed_operator, follows_crawler_conventions, Operator, Ranges};
use footfall_event::{BotVerification, RawEvent, VerifiedBy};
use std::net::IpAddr;

/// The operator `event`'s user agent claims, looked up once per request (`Capture::claimed`).
pub fn claimed(event: &RawEvent) -> Option<&'static Operator> {
    event.ua.as_deref().and_then(claimed_operator)
}

/// The request presents itself as a bot (`claimed`: the operator its user agent claims), or
/// Fastly found it to be one: it is then recorded anonymously whatever the consent mode
/// (`consent::decide`).
pub fn is_crawler(event: &RawEvent, claimed: Option<&Operator>) -> bool {
    claimed.is_some()
        || event.fastly_bot.as_ref().is_some_and(|bot| bot.detected)
        || event.signature.bot_signed
        || event.ua.as_deref().is_some_and(follows_crawler_conventions)
}

/// The verdict on the crawler claim of `event` (`claimed`: the operator its user agent claims),
/// made from the full client address `ip`.
pub fn verdict(
    event: &RawEvent,
    claimed: Option<&'static Operator>,
    ip: Option<IpAddr>,
    ranges: &Ranges,
) -> BotVerification {
    let fastly = event.fastly_bot.as_ref().filter(|bot| bot.detected);
    let operator: Option<&'static Operator> =
        claimed.or_else(|| fastly?.name.as_deref().and_then(claimed_operator));
    let fastly_says = fastly.and_then(|bot| bot.verified);
    let (verified, by) = if fastly_says == Some(true) {
        (Some(true), Some(VerifiedBy::Fastly))
    } else if let Some(verified) = operator.zip(ip).and_then(|(op, ip)| ranges.check(op, ip)) {
        (Some(verified), Some(VerifiedBy::IpRanges))
    } else if fastly_says == Some(false) && operator.is_some() {
        // Fastly checks the operators it knows: a named operator it could not verify is spoofed.
        (Some(false), Some(VerifiedBy::Fastly))
    } else {
        (None, None)
    };
    BotVerification {
        bot_operator: operator.map(|op| op.name.to_string()),
        bot_verified: verified,
        bot_verified_by: by,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use footfall_event::FastlyBot;

    const GOOGLEBOT: &str =
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    /// What Fastly says of a bot it detected.
    fn fastly(name: &str, verified: Option<bool>) -> FastlyBot {
        FastlyBot {
            detected: true,
            name: Some(name.into()),
            category: Some("SEARCH-ENGINE-CRAWLER".into()),
            verified,
        }
    }

    const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

    fn event(ua: &str, fastly_bot: Option<FastlyBot>) -> RawEvent {
        RawEvent {
            ua: Some(ua.into()),
            fastly_bot,
            ..RawEvent::default()
        }
    }

    fn judged(event: &RawEvent, ip: &str) -> (Option<String>, Option<bool>, Option<VerifiedBy>) {
        let v = verdict(
            event,
            claimed(event),
            Some(ip.parse().unwrap()),
            &Ranges::bundled(),
        );
        (v.bot_operator, v.bot_verified, v.bot_verified_by)
    }

    fn google(
        verified: Option<bool>,
        by: Option<VerifiedBy>,
    ) -> (Option<String>, Option<bool>, Option<VerifiedBy>) {
        (Some("Google".into()), verified, by)
    }

    #[test]
    fn fastlys_verification_outranks_the_ranges() {
        let verified = event(GOOGLEBOT, Some(fastly("GoogleBot", Some(true))));
        assert_eq!(
            judged(&verified, "203.0.113.9"),
            google(Some(true), Some(VerifiedBy::Fastly))
        );
    }

    #[test]
    fn without_fastlys_yes_the_ranges_decide() {
        for fastly_bot in [None, Some(fastly("GoogleBot", Some(false)))] {
            let claim = event(GOOGLEBOT, fastly_bot);
            assert_eq!(
                judged(&claim, "66.249.66.1"),
                google(Some(true), Some(VerifiedBy::IpRanges))
            );
            assert_eq!(
                judged(&claim, "203.0.113.9"),
                google(Some(false), Some(VerifiedBy::IpRanges))
            );
        }
    }

    #[test]
    fn an_operator_without_ranges_is_spoofed_only_if_fastly_says_so() {
        let gptbot = "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)";
        let openai = |verified, by| (Some("OpenAI".to_string()), verified, by);
        assert_eq!(
            judged(&event(gptbot, None), "203.0.113.9"),
            openai(None, None)
        );
        let refuted = event(gptbot, Some(fastly("GPTBot", Some(false))));
        assert_eq!(
            judged(&refuted, "203.0.113.9"),
            openai(Some(false), Some(VerifiedBy::Fastly))
        );
    }

    #[test]
    fn a_bot_fastly_finds_behind_a_browser_user_agent_gets_its_operator_from_fastlys_name() {
        let disguised = event(CHROME, Some(fastly("Googlebot", Some(true))));
        assert!(is_crawler(&disguised, claimed(&disguised)));
        assert_eq!(
            judged(&disguised, "203.0.113.9"),
            google(Some(true), Some(VerifiedBy::Fastly))
        );
        let unnamed = event(CHROME, Some(fastly("SomeScraper", Some(false))));
        assert_eq!(judged(&unnamed, "203.0.113.9"), (None, None, None));
    }

    #[test]
    fn people_are_not_crawlers() {
        let person = event(CHROME, None);
        assert!(!is_crawler(&person, claimed(&person)));
        assert_eq!(
            verdict(&person, claimed(&person), None, &Ranges::bundled()),
            BotVerification::default()
        );
        let analysed = event(
            CHROME,
            Some(FastlyBot {
                detected: false,
                ..FastlyBot::default()
            }),
        );
        assert!(!is_crawler(&analysed, claimed(&analysed)));
        let mut signed = person.clone();
        signed.signature.bot_signed = true;
        assert!(is_crawler(&signed, claimed(&signed)));
    }
}
