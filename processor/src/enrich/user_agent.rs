//! User agent → browser, OS and device, with uap-core's rules through `ua-parser` (uap-rust).
//! Results are owned so the enricher can cache them (see [`crate::enrich::Enricher`]).

/// uap-core's rules, embedded at build time (see `processor/data/README.md`).
pub const BUNDLED_REGEXES: &str = include_str!("../../data/uap-core/regexes.yaml");

use footfall_event::Client;

/// uap-core marks known crawlers with the device family `Spider`.
pub fn is_spider(client: &Client) -> bool {
    client.device_family.as_deref() == Some("Spider")
}

/// A compiled uap-core rule set.
pub struct UserAgentParser {
    extractor: ua_parser::Extractor<'static>,
    counts: RuleCounts,
}

/// How many rules a rule set has, per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleCounts {
    pub user_agent: usize,
    pub os: usize,
    pub device: usize,
}

/// Rules that cannot be read or compiled.
#[derive(Debug, thiserror::Error)]
#[error("uap-core rules: {0}")]
pub struct RulesError(String);

impl UserAgentParser {
    /// Builds the parser from uap-core `regexes.yaml` text (see [`crate::data::text`]).
    pub fn new(regexes_yaml: &'static str) -> Result<Self, RulesError> {
        let regexes: ua_parser::Regexes<'static> =
            serde_yaml::from_str(regexes_yaml).map_err(|e| RulesError(e.to_string()))?;
        let counts = RuleCounts {
            user_agent: regexes.user_agent_parsers.len(),
            os: regexes.os_parsers.len(),
            device: regexes.device_parsers.len(),
        };
        let extractor =
            ua_parser::Extractor::try_from(regexes).map_err(|e| RulesError(e.to_string()))?;
        Ok(UserAgentParser { extractor, counts })
    }

    pub fn rule_counts(&self) -> RuleCounts {
        self.counts
    }

    /// Parses a user agent; a string no rule matches is `Other` in every family.
    pub fn parse(&self, ua: &str) -> Client {
        let (browser, os, device) = self.extractor.extract(ua);
        let text = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
        let browser_family = browser
            .as_ref()
            .map(|b| b.family.to_string())
            .unwrap_or_else(|| "Other".into());
        let os_family = os
            .as_ref()
            .map(|o| o.os.to_string())
            .unwrap_or_else(|| "Other".into());
        let device_family = device
            .as_ref()
            .map(|d| d.device.to_string())
            .unwrap_or_else(|| "Other".into());
        Client {
            browser_family: Some(browser_family),
            browser_version: browser.as_ref().and_then(|b| b.major).and_then(text),
            os_family: Some(os_family),
            os_version: os.as_ref().and_then(|o| o.major.as_deref()).and_then(text),
            device_family: Some(device_family),
            device_brand: device
                .as_ref()
                .and_then(|d| d.brand.as_deref())
                .and_then(text),
            device_model: device
                .as_ref()
                .and_then(|d| d.model.as_deref())
                .and_then(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser() -> UserAgentParser {
        UserAgentParser::new(BUNDLED_REGEXES).unwrap()
    }

    /// The counts `data/uap-core/README.md` gives for the vendored snapshot.
    #[test]
    fn the_bundled_rules_are_the_vendored_uap_core_snapshot() {
        let counts = parser().rule_counts();
        assert_eq!(
            (counts.user_agent, counts.os, counts.device),
            (433, 204, 633)
        );
    }

    #[test]
    fn the_articles_user_agent_is_chrome_70_on_mac_os_x_10() {
        let parsed = parser().parse(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Safari/537.36",
        );
        assert_eq!(
            (
                parsed.browser_family.as_deref(),
                parsed.browser_version.as_deref()
            ),
            (Some("Chrome"), Some("70"))
        );
        assert_eq!(
            (parsed.os_family.as_deref(), parsed.os_version.as_deref()),
            (Some("Mac OS X"), Some("10"))
        );
        assert_eq!(
            (
                parsed.device_brand.as_deref(),
                parsed.device_model.as_deref()
            ),
            (Some("Apple"), Some("Mac"))
        );
    }

    #[test]
    fn broken_rules_are_an_error() {
        assert!(UserAgentParser::new("user_agent_parsers: [{regex: '('}]").is_err());
        assert!(UserAgentParser::new(": : :").is_err());
    }
}
