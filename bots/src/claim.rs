//! Which operator a user agent claims: the first word of the user agent that is one of the
//! operators' tokens.
//!
//! A word is a maximal run of ASCII letters, digits, `-` and `_`; everything else (`/`, `;`,
//! `(`, space, `+`, `@`, `.`, non-ASCII) separates words. So `Googlebot/2.1`,
//! `compatible; GPTBot/1.2;` and `+claudebot@anthropic.com` claim their operators, while
//! `NotGooglebotX`, `Fake-Googlebot` and `Googlebot-IA` (no such token) claim none. Tokens are
//! compared ignoring ASCII case.
//!
//! One pass over the user agent, no allocation: each word is hashed as it is scanned
//! (`word_hash.rs`), looked up only when its bit is set in the tokens' filter, then lowercased on
//! the stack and binary-searched in the sorted token table the build script generated.

use crate::operator::{Operator, LONGEST_TOKEN, OPERATORS, TOKENS, TOKEN_FILTER};
use crate::word_hash::{extend, filter_bit};

/// The operator whose token is the first such word in `user_agent`, if any.
pub fn claimed_operator(user_agent: &str) -> Option<&'static Operator> {
    let bytes = user_agent.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if !is_word_byte(bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        let mut hash = 0;
        while at < bytes.len() && is_word_byte(bytes[at]) {
            hash = extend(hash, bytes[at]);
            at += 1;
        }
        let length = at - start;
        let (word, bit) = filter_bit(hash, length);
        if length <= LONGEST_TOKEN && TOKEN_FILTER[word] & bit != 0 {
            if let Some(operator) = operator_of_token(&bytes[start..at]) {
                return Some(operator);
            }
        }
    }
    None
}

/// Whether `user_agent` presents itself as a crawler: it claims an operator, or follows the
/// crawlers' conventions of a `+http` info link or a product named `...bot/`, `...bot;`,
/// `...crawler` or `...spider` (AhrefsBot/7.0, Twitterbot/1.0, facebookexternalhit (+http...)).
/// Browsers do neither; a phone model such as `CUBOT_X30` is not followed by `/` or `;`.
pub fn claims_to_be_a_crawler(user_agent: &str) -> bool {
    claimed_operator(user_agent).is_some() || follows_crawler_conventions(user_agent)
}

/// The conventions half of [`claims_to_be_a_crawler`], for a caller that has looked up the
/// operator already: ASCII case ignored, no allocation.
pub fn follows_crawler_conventions(user_agent: &str) -> bool {
    let bytes = user_agent.as_bytes();
    [&b"+http"[..], b"bot/", b"bot;", b"crawler", b"spider"]
        .iter()
        .any(|mark| {
            bytes
                .windows(mark.len())
                .any(|w| w.eq_ignore_ascii_case(mark))
        })
}

/// Letters, digits, `-` and `_`, as a table: the scan's inner loop.
static WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
        byte += 1;
    }
    table
};

fn is_word_byte(byte: u8) -> bool {
    WORD_BYTES[usize::from(byte)]
}

/// The operator whose token `word` is, ignoring ASCII case (`word` is at most
/// [`LONGEST_TOKEN`] bytes).
fn operator_of_token(word: &[u8]) -> Option<&'static Operator> {
    let mut lowercase = [0u8; LONGEST_TOKEN];
    for (to, from) in lowercase.iter_mut().zip(word) {
        *to = from.to_ascii_lowercase();
    }
    let word = &lowercase[..word.len()];
    let found = TOKENS
        .binary_search_by(|(token, _)| token.as_bytes().cmp(word))
        .ok()?;
    Some(&OPERATORS[TOKENS[found].1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operator::operators;

    fn claimed(user_agent: &str) -> Option<&'static str> {
        claimed_operator(user_agent).map(|operator| operator.name)
    }

    #[test]
    fn real_crawler_user_agents_claim_their_operator() {
        let cases = [
            ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Google"),
            ("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Google"),
            ("Googlebot-Image/1.0", "Google"),
            ("Mediapartners-Google", "Google"),
            ("AdsBot-Google (+http://www.google.com/adsbot.html)", "Google"),
            ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "Bing"),
            ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", "OpenAI"),
            ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot", "OpenAI"),
            ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)", "Anthropic"),
            ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)", "Perplexity"),
            ("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", "Yandex"),
            ("CCBot/2.0 (https://commoncrawl.org/faq/)", "Common Crawl"),
            ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "Meta"),
        ];
        for (user_agent, operator) in cases {
            assert_eq!(claimed(user_agent), Some(operator), "{user_agent}");
        }
    }

    #[test]
    fn a_token_must_be_a_whole_word() {
        for user_agent in [
            "NotGooglebotX",
            "Googlebotty/1.0",
            "XGPTBot",
            "Mozilla/5.0 (compatible; s4a-probe-bot/1.0; Fake-Googlebot)",
            "Googlebot-IA/2.1",
            "GPTBot_2",
        ] {
            assert_eq!(claimed(user_agent), None, "{user_agent}");
        }
        for user_agent in [
            "Googlebot",
            "(Googlebot)",
            "x;googlebot;y",
            "Googlebot/2.1",
            "Googlebot\u{e9}",
            "\u{e9}Googlebot",
            "compatible; GPTBot/1.2;",
            "+claudebot@anthropic.com",
        ] {
            assert!(claimed(user_agent).is_some(), "{user_agent}");
        }
    }

    #[test]
    fn case_is_ignored() {
        assert_eq!(claimed("GOOGLEBOT/2.1"), Some("Google"));
        assert_eq!(claimed("gptbot/1.0"), Some("OpenAI"));
        assert_eq!(claimed("Bingbot/2.0"), Some("Bing"));
    }

    #[test]
    fn the_first_token_in_the_user_agent_decides() {
        assert_eq!(claimed("GPTBot/1.0 (like Googlebot)"), Some("OpenAI"));
        assert_eq!(claimed("Googlebot/2.1 (like GPTBot)"), Some("Google"));
    }

    #[test]
    fn browsers_and_empty_user_agents_claim_nothing() {
        for user_agent in [
            "",
            " ",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
            "curl/8.5.0",
        ] {
            assert_eq!(claimed(user_agent), None, "{user_agent}");
        }
    }

    #[test]
    fn every_listed_token_claims_its_operator_in_any_case() {
        for operator in operators() {
            for token in operator.tokens {
                let user_agent = format!("Mozilla/5.0 (compatible; {token}/1.0)");
                assert_eq!(claimed_operator(&user_agent), Some(operator), "{token}");
                let shouted = token.to_ascii_uppercase();
                assert_eq!(claimed_operator(&shouted), Some(operator), "{shouted}");
            }
        }
    }

    #[test]
    fn the_filter_lets_every_token_through_and_stops_most_browser_words() {
        let passes = |word: &str| {
            let (index, bit) = filter_bit(crate::word_hash::word_hash(word.as_bytes()), word.len());
            TOKEN_FILTER[index] & bit != 0
        };
        for (token, _) in &TOKENS {
            assert!(
                passes(token) && passes(&token.to_ascii_uppercase()),
                "{token}"
            );
        }
        let browser = "Mozilla Windows NT Win64 x64 AppleWebKit KHTML like Gecko Chrome Safari Edg Macintosh Intel Mac OS X Version Mobile Linux Android iPhone CPU like Firefox rv Gecko compatible";
        let false_hits: Vec<&str> = browser.split(' ').filter(|word| passes(word)).collect();
        assert!(false_hits.len() <= 3, "{false_hits:?}");
    }

    #[test]
    fn crawlers_without_an_operator_still_present_themselves_as_crawlers() {
        for user_agent in [
            "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
            "Twitterbot/1.0",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
            "Sogou web spider/4.0",
            "GPTBot/1.2",
        ] {
            assert!(claims_to_be_a_crawler(user_agent), "{user_agent}");
        }
        for user_agent in [
            "",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Linux; Android 13; CUBOT_X30 Build/TP1A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
            "curl/8.5.0",
        ] {
            assert!(!claims_to_be_a_crawler(user_agent), "{user_agent}");
        }
    }

    #[test]
    fn words_longer_than_any_token_are_skipped() {
        let long = "a".repeat(LONGEST_TOKEN + 1);
        assert_eq!(claimed(&format!("{long} Googlebot")), Some("Google"));
        assert_eq!(claimed(&long), None);
    }
}
