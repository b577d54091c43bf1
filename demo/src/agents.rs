//! Who visits: real browser user agents with rough market weights, the crawlers a site sees
//! (search engines and AI crawlers, all in the processor's crawler list), and the languages
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

/// A crawler: its user agent, what kind it is, and its weight among crawls.
#[derive(Debug, PartialEq, Eq)]
pub struct Crawler {
    pub user_agent: &'static str,
    /// `search` or `ai_crawler`, as the processor's `bot_category` names them.
    pub category: &'static str,
    pub weight: u32,
}

pub const CRAWLERS: &[Crawler] = &[
    Crawler {
        user_agent: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        category: "search",
        weight: 35,
    },
    Crawler {
        user_agent: "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        category: "search",
        weight: 20,
    },
    Crawler {
        user_agent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
        category: "ai_crawler",
        weight: 20,
    },
    Crawler {
        user_agent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
        category: "ai_crawler",
        weight: 15,
    },
    Crawler {
        user_agent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)",
        category: "ai_crawler",
        weight: 10,
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
