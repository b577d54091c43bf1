//! Known crawlers, from the MIT-licensed crawler-user-agents list, with a category each.
//!
//! 1,500 patterns are matched with `regex-filtered`: an Aho-Corasick prefilter on literal atoms
//! of every pattern picks the few candidates worth running, so a browser's user agent usually
//! runs no regex at all.

use footfall_event::BotCategory;
use serde::Deserialize;

/// The crawler list, embedded at build time (see `processor/data/README.md`).
pub const BUNDLED_CRAWLERS: &str = include_str!("../../data/crawler-user-agents.json");

/// A crawler's category from the list's tags, most telling first: an AI crawler acting for a
/// user is an assistant, one that indexes for an AI's search answers (tagged a search engine
/// too, or named a SearchBot) is AI search.
fn category(pattern: &str, tags: &[String]) -> BotCategory {
    let has = |tag: &str| tags.iter().any(|t| t == tag);
    if has("ai-crawler") {
        let on_behalf_of_a_user = ["User", "Assist", "fetcher", "NotebookLM", "Deep-Research"];
        if on_behalf_of_a_user
            .iter()
            .any(|marker| pattern.contains(marker))
        {
            BotCategory::AiAssistant
        } else if has("search-engine") || pattern.contains("SearchBot") {
            BotCategory::AiSearch
        } else {
            BotCategory::AiCrawler
        }
    } else if has("social-preview") {
        BotCategory::Preview
    } else if has("search-engine") {
        BotCategory::Search
    } else if has("seo") {
        BotCategory::Seo
    } else if has("monitoring") {
        BotCategory::Monitor
    } else {
        BotCategory::Other
    }
}

/// Fastly's category of a bot it detected (its strings, e.g. `SEARCH-ENGINE-CRAWLER`, which
/// Fastly says may change: anything unknown is `other`).
pub fn fastly_category(category: &str) -> BotCategory {
    match category.to_ascii_lowercase().as_str() {
        "search-engine-crawler" => BotCategory::Search,
        "ai-crawler" => BotCategory::AiCrawler,
        "ai-fetcher" => BotCategory::AiAssistant,
        "page-preview" => BotCategory::Preview,
        "search-engine-optimization" => BotCategory::Seo,
        "monitoring-site-tools" => BotCategory::Monitor,
        _ => BotCategory::Other,
    }
}

/// A crawler recognised in a user agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownCrawler {
    /// The part of the user agent that matched, e.g. `GPTBot`.
    pub name: String,
    pub category: BotCategory,
}

#[derive(Deserialize)]
struct Entry {
    pattern: String,
    #[serde(default)]
    tags: Vec<String>,
}

/// The compiled crawler list.
pub struct Crawlers {
    matcher: regex_filtered::Regexes,
    categories: Vec<BotCategory>,
}

/// A crawler list that cannot be read or compiled.
#[derive(Debug, thiserror::Error)]
#[error("crawler list: {0}")]
pub struct ListError(String);

impl Crawlers {
    /// Compiles a crawler-user-agents JSON list.
    pub fn new(json: &str) -> Result<Self, ListError> {
        let entries: Vec<Entry> =
            serde_json::from_str(json).map_err(|e| ListError(e.to_string()))?;
        let mut builder = regex_filtered::Builder::new();
        let mut categories = Vec::with_capacity(entries.len());
        for entry in &entries {
            builder = builder
                .push(&entry.pattern)
                .map_err(|e| ListError(format!("pattern {:?}: {e}", entry.pattern)))?;
            categories.push(category(&entry.pattern, &entry.tags));
        }
        let matcher = builder.build().map_err(|e| ListError(e.to_string()))?;
        Ok(Crawlers {
            matcher,
            categories,
        })
    }

    /// The first crawler on the list that matches `ua`.
    pub fn recognise(&self, ua: &str) -> Option<KnownCrawler> {
        let (index, regex) = self.matcher.matching(ua).next()?;
        let matched = regex.find(ua).map_or("", |m| m.as_str());
        let name = matched.trim().trim_end_matches(['/', ';', ' ']).to_string();
        Some(KnownCrawler {
            name,
            category: self.categories[index],
        })
    }

    pub fn len(&self) -> usize {
        self.categories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.categories.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crawlers() -> Crawlers {
        Crawlers::new(BUNDLED_CRAWLERS).unwrap()
    }

    #[test]
    fn the_bundled_list_compiles_whole() {
        assert!(crawlers().len() >= 1500);
    }

    #[test]
    fn crawlers_get_names_and_categories() {
        let c = crawlers();
        let cases = [
            ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", BotCategory::Search),
            ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", BotCategory::AiCrawler),
            ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot", BotCategory::AiAssistant),
            ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; OAI-SearchBot/1.0; +https://openai.com/searchbot", BotCategory::AiSearch),
            ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)", BotCategory::AiSearch),
            ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)", BotCategory::AiCrawler),
            ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", BotCategory::Preview),
            ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", BotCategory::Preview),
            ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", BotCategory::Seo),
            ("Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", BotCategory::Monitor),
        ];
        for (ua, category) in cases {
            let bot = c
                .recognise(ua)
                .unwrap_or_else(|| panic!("not recognised: {ua}"));
            assert_eq!(bot.category, category, "{ua}: {bot:?}");
            assert!(!bot.name.is_empty());
        }
        assert_eq!(c.recognise(cases[1].0).unwrap().name, "GPTBot");
    }

    #[test]
    fn fastlys_categories_map_to_ours_and_unknown_ones_to_other() {
        assert_eq!(
            fastly_category("SEARCH-ENGINE-CRAWLER"),
            BotCategory::Search
        );
        assert_eq!(fastly_category("ai-fetcher"), BotCategory::AiAssistant);
        assert_eq!(fastly_category("PAGE-PREVIEW"), BotCategory::Preview);
        assert_eq!(fastly_category("SUSPECTED-BOT"), BotCategory::Other);
        assert_eq!(fastly_category(""), BotCategory::Other);
    }

    #[test]
    fn browsers_are_not_bots() {
        let c = crawlers();
        for ua in [
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        ] {
            assert_eq!(c.recognise(ua), None, "{ua}");
        }
    }

    #[test]
    fn a_broken_list_is_an_error() {
        assert!(Crawlers::new("not json").is_err());
        assert!(Crawlers::new(r#"[{"pattern": "(unclosed", "tags": []}]"#).is_err());
    }
}
