//! Who visits: real browser user agents with rough market weights, the places they connect
//! from, the crawlers a site sees (search engines, AI crawlers and assistants; real, spoofed and
//! unverifiable ones, and a scraper only Fastly's bot detection catches), and the languages
//! browsers ask for.

/// A browser's user agent and its weight among visitors.
pub const BROWSERS: &[(&str, u32)] = &[
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", 30),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", 20),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", 15),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", 12),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", 10),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", 8),
    ("Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1", 5),
];

/// Crawler IP ranges marked as operators' for local runs (`extra_bot_ranges` in fastly.toml's
/// `[local_server]` and in the tests): TEST DATA on loopback, never bundled. A crawler
/// connecting from inside them is verified; one from the same /24 outside them is spoofed.
pub const TEST_BOT_RANGES: &str = "Google=127.0.0.8/29;OpenAI=127.0.0.24/29";

/// Loopback client addresses, each placed by Viceroy's geolocation in fastly.toml.
pub mod address {
    use std::net::{IpAddr, Ipv4Addr};

    const fn loopback(c: u8, d: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(127, 0, c, d))
    }

    /// Dresden, DE: the default client.
    pub const DRESDEN: IpAddr = loopback(0, 1);
    /// Inside the Google test range (Mountain View, US).
    pub const GOOGLE_TEST_RANGE: IpAddr = loopback(0, 9);
    /// The same /24 as the test ranges, outside them (Singapore): spoofed crawlers.
    pub const SPOOFERS: IpAddr = loopback(0, 20);
    /// Inside the OpenAI test range (San Francisco, US).
    pub const OPENAI_TEST_RANGE: IpAddr = loopback(0, 25);
    /// Crawlers of operators with no ranges loaded (Ashburn, US).
    pub const OTHER_CRAWLERS: IpAddr = loopback(0, 40);
    pub const LONDON: IpAddr = loopback(1, 1);
    pub const PARIS: IpAddr = loopback(1, 2);
    pub const NEW_YORK: IpAddr = loopback(1, 3);
    pub const AMSTERDAM: IpAddr = loopback(1, 4);
    pub const MADRID: IpAddr = loopback(1, 5);
}

/// Where people visit from, with weights; the country fastly.toml gives each address.
pub const PLACES: &[(std::net::IpAddr, &str, u32)] = &[
    (address::DRESDEN, "DE", 35),
    (address::LONDON, "GB", 20),
    (address::NEW_YORK, "US", 20),
    (address::PARIS, "FR", 10),
    (address::AMSTERDAM, "NL", 10),
    (address::MADRID, "ES", 5),
];

/// What Fastly's bot detection says of a crawler, as Viceroy mocks it from `X-Fastly-Bot-*`
/// request headers (on Fastly the edge never reads them: there they are the client's words).
pub const FASTLY_VERIFIED_BINGBOT: &[(&str, &str)] = &[
    ("x-fastly-bot-analyzed", "true"),
    ("x-fastly-bot-detected", "true"),
    ("x-fastly-bot-name", "Bingbot"),
    ("x-fastly-bot-category", "SEARCH-ENGINE-CRAWLER"),
    ("x-fastly-bot-verified", "true"),
];
/// A scraper behind a browser's user agent that Fastly detects, unverified.
pub const FASTLY_SUSPECTED_SCRAPER: &[(&str, &str)] = &[
    ("x-fastly-bot-analyzed", "true"),
    ("x-fastly-bot-detected", "true"),
    ("x-fastly-bot-name", "HeadlessChrome"),
    ("x-fastly-bot-category", "SUSPECTED-BOT"),
    ("x-fastly-bot-verified", "false"),
];

/// A crawler: its user agent, where it connects from, what the pipeline makes of it, and its
/// weight among crawls.
#[derive(Debug, PartialEq, Eq)]
pub struct Crawler {
    pub user_agent: &'static str,
    pub address: std::net::IpAddr,
    /// Headers that make Viceroy's mocked bot detection report it.
    pub fastly: &'static [(&'static str, &'static str)],
    /// Its `bot_category` (`search`, `ai_crawler`, ...) and `bot_operator`.
    pub category: &'static str,
    pub operator: Option<&'static str>,
    /// `verified`, `spoofed` or `unverified`, as the `crawlers` view says.
    pub verification: &'static str,
    pub weight: u32,
}

const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const GPTBOT: &str = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)";

pub const CRAWLERS: &[Crawler] = &[
    Crawler {
        user_agent: GOOGLEBOT,
        address: address::GOOGLE_TEST_RANGE,
        fastly: &[],
        category: "search",
        operator: Some("Google"),
        verification: "verified",
        weight: 30,
    },
    Crawler {
        user_agent: GOOGLEBOT,
        address: address::SPOOFERS,
        fastly: &[],
        category: "search",
        operator: Some("Google"),
        verification: "spoofed",
        weight: 5,
    },
    Crawler {
        user_agent: "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        address: address::OTHER_CRAWLERS,
        fastly: FASTLY_VERIFIED_BINGBOT,
        category: "search",
        operator: Some("Bing"),
        verification: "verified",
        weight: 15,
    },
    Crawler {
        user_agent: GPTBOT,
        address: address::OPENAI_TEST_RANGE,
        fastly: &[],
        category: "ai_crawler",
        operator: Some("OpenAI"),
        verification: "verified",
        weight: 15,
    },
    Crawler {
        user_agent: GPTBOT,
        address: address::SPOOFERS,
        fastly: &[],
        category: "ai_crawler",
        operator: Some("OpenAI"),
        verification: "spoofed",
        weight: 3,
    },
    Crawler {
        user_agent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
        address: address::OTHER_CRAWLERS,
        fastly: &[],
        category: "ai_crawler",
        operator: Some("Anthropic"),
        verification: "unverified",
        weight: 12,
    },
    Crawler {
        user_agent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)",
        address: address::OTHER_CRAWLERS,
        fastly: &[],
        category: "ai_search",
        operator: Some("Perplexity"),
        verification: "unverified",
        weight: 8,
    },
    Crawler {
        user_agent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; OAI-SearchBot/1.0; +https://openai.com/searchbot",
        address: address::OPENAI_TEST_RANGE,
        fastly: &[],
        category: "ai_search",
        operator: Some("OpenAI"),
        verification: "verified",
        weight: 5,
    },
    Crawler {
        user_agent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot",
        address: address::OPENAI_TEST_RANGE,
        fastly: &[],
        category: "ai_assistant",
        operator: Some("OpenAI"),
        verification: "verified",
        weight: 4,
    },
    Crawler {
        user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        address: address::SPOOFERS,
        fastly: FASTLY_SUSPECTED_SCRAPER,
        category: "other",
        operator: None,
        verification: "unverified",
        weight: 3,
    },
];

/// `Accept-Language` headers and their weights.
pub const LANGUAGES: &[(&str, u32)] = &[
    ("en-US,en;q=0.9", 40),
    ("de-DE,de;q=0.9,en;q=0.8", 25),
    ("en-GB,en;q=0.9", 12),
    ("fr-FR,fr;q=0.9,en;q=0.7", 10),
    ("es-ES,es;q=0.9", 8),
    ("nl-NL,nl;q=0.9,en;q=0.8", 5),
];

#[cfg(test)]
mod tests {
    use super::*;

    const FASTLY_TOML: &str = include_str!("../../fastly.toml");

    #[test]
    fn local_runs_mark_the_test_ranges_and_place_every_address() {
        assert!(
            FASTLY_TOML.contains(&format!("extra_bot_ranges = \"{TEST_BOT_RANGES}\"")),
            "fastly.toml's [local_server] extra_bot_ranges is not {TEST_BOT_RANGES:?}"
        );
        let addresses = PLACES
            .iter()
            .map(|place| place.0)
            .chain(CRAWLERS.iter().map(|crawler| crawler.address));
        for address in addresses {
            let entry = format!("[local_server.geolocation.addresses.\"{address}\"]");
            assert!(FASTLY_TOML.contains(&entry), "fastly.toml has no {entry}");
        }
        for (address, country, _) in PLACES {
            let entry = format!("[local_server.geolocation.addresses.\"{address}\"]");
            let block = FASTLY_TOML.split(&entry).nth(1).unwrap();
            let block = block.split("\n[").next().unwrap();
            assert!(
                block.contains(&format!("country_code = \"{country}\"")),
                "{address} is not in {country} in fastly.toml"
            );
        }
    }
}
