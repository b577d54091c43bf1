//! The crawler operators compiled in from `data/operators.json` (by `build/main.rs`): who they
//! are, which user-agent tokens claim them, and the range lists bundled for them.

use std::fmt;

/// A crawler operator: a company whose crawlers a user agent can claim to be.
///
/// Only the compiled-in operators exist (see [`operators`]); they live for the whole program.
pub struct Operator {
    /// As in `operators.json` and in `extra_bot_ranges`, e.g. `Google`, `Common Crawl`.
    pub name: &'static str,
    /// The user-agent tokens that claim this operator, as the operator spells them.
    pub tokens: &'static [&'static str],
    /// Where the operator publishes its IP range lists; empty when it publishes none.
    pub published_ranges: &'static [&'static str],
    /// The range lists compiled into this build (a subset of `published_ranges`).
    pub bundled: &'static [RangeFile],
    /// The oldest bundled list's `creationTime` as Unix seconds; `None` without bundled lists.
    pub oldest_created_unix_secs: Option<i64>,
    pub(crate) index: usize,
    pub(crate) ipv4: &'static [(u32, u32)],
    pub(crate) ipv6: &'static [(u128, u128)],
}

/// One bundled range list (a copy of an operator's published file under `bots/data/`).
#[derive(Debug, PartialEq, Eq)]
pub struct RangeFile {
    /// Path under `bots/data/`, e.g. `ranges/google-googlebot.json`.
    pub file: &'static str,
    /// Where the operator publishes it.
    pub url: &'static str,
    /// The list's `creationTime` as written, e.g. `2026-08-20T14:46:45.000000`.
    pub creation_time: &'static str,
    /// `creation_time` as Unix seconds (read as UTC).
    pub created_unix_secs: i64,
    /// How many `ipv4Prefix` entries the file has (before merging).
    pub ipv4_prefixes: usize,
    /// How many `ipv6Prefix` entries the file has (before merging).
    pub ipv6_prefixes: usize,
}

impl Operator {
    /// The bundled IPv4 ranges: inclusive `(first, last)`, sorted, disjoint, merged.
    pub fn bundled_ipv4(&self) -> &'static [(u32, u32)] {
        self.ipv4
    }

    /// The bundled IPv6 ranges: inclusive `(first, last)`, sorted, disjoint, merged.
    pub fn bundled_ipv6(&self) -> &'static [(u128, u128)] {
        self.ipv6
    }
}

impl fmt::Debug for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operator")
            .field("name", &self.name)
            .field("tokens", &self.tokens)
            .field("bundled", &self.bundled)
            .field("ipv4_ranges", &self.ipv4.len())
            .field("ipv6_ranges", &self.ipv6.len())
            .finish_non_exhaustive()
    }
}

impl PartialEq for Operator {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
    }
}

impl Eq for Operator {}

include!(concat!(env!("OUT_DIR"), "/operators.rs"));

/// Every compiled-in operator, in `operators.json` order.
pub fn operators() -> &'static [Operator] {
    &OPERATORS
}

/// The operator of that name, ignoring ASCII case (`google` finds `Google`).
pub fn operator_named(name: &str) -> Option<&'static Operator> {
    OPERATORS
        .iter()
        .find(|operator| operator.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interval::Address;

    fn assert_sorted_and_disjoint<A: Address + fmt::Debug>(name: &str, table: &[(A, A)]) {
        for (first, last) in table {
            assert!(first <= last, "{name}: ({first:?}, {last:?}) is backwards");
        }
        for pair in table.windows(2) {
            let gap_after = pair[0]
                .1
                .successor()
                .expect("only the last range can end at the top");
            assert!(
                gap_after < pair[1].0,
                "{name}: {:?} and {:?} overlap or touch (should have been merged)",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn every_table_is_sorted_disjoint_and_merged() {
        for operator in operators() {
            assert_sorted_and_disjoint(operator.name, operator.bundled_ipv4());
            assert_sorted_and_disjoint(operator.name, operator.bundled_ipv6());
        }
    }

    #[test]
    fn google_has_its_three_lists_bundled_and_the_others_none() {
        let google = operator_named("google").unwrap();
        let files: Vec<&str> = google.bundled.iter().map(|list| list.file).collect();
        assert_eq!(
            files,
            [
                "ranges/google-googlebot.json",
                "ranges/google-googlesc.json",
                "ranges/google-googleutf.json"
            ]
        );
        let prefixes: Vec<(usize, usize)> = google
            .bundled
            .iter()
            .map(|list| (list.ipv4_prefixes, list.ipv6_prefixes))
            .collect();
        assert_eq!(prefixes, [(169, 146), (135, 135), (528, 528)]);
        // 2026-08-20T14:46:21 UTC, the special crawlers' list, is the oldest of the three.
        assert_eq!(google.oldest_created_unix_secs, Some(1_787_237_181));
        assert!(!google.bundled_ipv4().is_empty() && !google.bundled_ipv6().is_empty());
        for operator in operators()
            .iter()
            .filter(|operator| operator.name != "Google")
        {
            assert!(operator.bundled.is_empty(), "{}", operator.name);
            assert!(operator.bundled_ipv4().is_empty() && operator.bundled_ipv6().is_empty());
            assert_eq!(operator.oldest_created_unix_secs, None);
        }
    }

    #[test]
    fn operators_that_publish_ranges_say_where() {
        let publishers: Vec<(&str, usize)> = operators()
            .iter()
            .filter(|operator| !operator.published_ranges.is_empty())
            .map(|operator| (operator.name, operator.published_ranges.len()))
            .collect();
        assert_eq!(
            publishers,
            [
                ("Google", 3),
                ("Bing", 1),
                ("OpenAI", 3),
                ("Perplexity", 2),
                ("Anthropic", 1)
            ]
        );
        let google = operator_named("Google").unwrap();
        assert_eq!(
            google.bundled[0].url,
            "https://developers.google.com/static/crawling/ipranges/common-crawlers.json"
        );
    }

    #[test]
    fn names_are_found_ignoring_case_only() {
        assert_eq!(operator_named("OpenAI").unwrap().name, "OpenAI");
        assert_eq!(operator_named("common crawl").unwrap().name, "Common Crawl");
        assert!(operator_named("Open AI").is_none());
        assert!(operator_named("").is_none());
    }
}
