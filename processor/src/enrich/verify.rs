//! Whether a crawler is who its user agent says. The edge's verdict wins when it made one (it
//! checks the full client address before anything is cut); otherwise the processor checks the
//! operators' published IP ranges itself, but only on a full address (the article's collector
//! format sends one; so does the edge with `ip_mode=full`): a cut address cannot be checked
//! against ranges as narrow as Google's /27s, so it gives `null`, never `false`.

use footfall_bots::{Operator, Ranges};
use footfall_event::{BotVerification, IpPrecision, RawEvent, VerifiedBy};
use std::net::IpAddr;

/// The verification of `event`'s crawler claim, `claimed` being the operator its user agent
/// names (`footfall_bots::claimed_operator`, cached per user agent by the enricher); empty when
/// it names none.
pub fn verify(ranges: &Ranges, claimed: Option<&Operator>, event: &RawEvent) -> BotVerification {
    let edge = &event.verification;
    if edge.bot_operator.is_some() || edge.bot_verified.is_some() {
        return edge.clone();
    }
    let Some(operator) = claimed else {
        return BotVerification::default();
    };
    let verified = full_address(event).and_then(|ip| ranges.check(operator, ip));
    BotVerification {
        bot_operator: Some(operator.name.to_string()),
        bot_verified: verified,
        bot_verified_by: verified.map(|_| VerifiedBy::IpRanges),
    }
}

/// The client address, if the event holds all of it.
fn full_address(event: &RawEvent) -> Option<IpAddr> {
    (event.ip_precision == Some(IpPrecision::Full))
        .then(|| event.ip.as_deref()?.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use footfall_bots::claimed_operator;

    const GOOGLEBOT: &str =
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    const GPTBOT: &str = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)";

    fn event(ua: &str, ip: &str, precision: Option<IpPrecision>) -> RawEvent {
        RawEvent {
            ua: Some(ua.into()),
            ip: Some(ip.into()),
            ip_precision: precision,
            ..RawEvent::default()
        }
    }

    fn check(ua: &str, ip: &str, precision: Option<IpPrecision>) -> BotVerification {
        verify(
            &Ranges::bundled(),
            claimed_operator(ua),
            &event(ua, ip, precision),
        )
    }

    fn verdict(operator: &str, verified: Option<bool>) -> BotVerification {
        BotVerification {
            bot_operator: Some(operator.into()),
            bot_verified: verified,
            bot_verified_by: verified.map(|_| VerifiedBy::IpRanges),
        }
    }

    #[test]
    fn a_googlebot_from_googles_ranges_is_verified_and_from_elsewhere_spoofed() {
        let full = Some(IpPrecision::Full);
        assert_eq!(
            check(GOOGLEBOT, "66.249.66.1", full),
            verdict("Google", Some(true))
        );
        assert_eq!(
            check(GOOGLEBOT, "203.0.113.9", full),
            verdict("Google", Some(false))
        );
    }

    #[test]
    fn a_cut_or_unknown_address_is_never_called_spoofed() {
        for precision in [Some(IpPrecision::Slash24), None] {
            assert_eq!(
                check(GOOGLEBOT, "203.0.113.0", precision),
                verdict("Google", None)
            );
        }
    }

    #[test]
    fn an_operator_without_ranges_is_unverified_and_a_browser_claims_nothing() {
        let full = Some(IpPrecision::Full);
        assert_eq!(check(GPTBOT, "203.0.113.9", full), verdict("OpenAI", None));
        let firefox =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(
            check(firefox, "66.249.66.1", full),
            BotVerification::default()
        );
    }

    #[test]
    fn the_edges_verdict_wins() {
        let mut from_edge = event(GOOGLEBOT, "66.249.66.0", Some(IpPrecision::Slash24));
        from_edge.verification = verdict("Google", Some(false));
        assert_eq!(
            verify(&Ranges::bundled(), claimed_operator(GOOGLEBOT), &from_edge),
            verdict("Google", Some(false))
        );
    }
}
