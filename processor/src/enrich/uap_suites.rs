//! uap-core's own test suites (`test_ua`, `test_os`, `test_device`): how many of their cases a
//! rule set gets right, the way the columns use them (family and major version; device family,
//! brand and model). The unit tests require 100% from the bundled rules on the vendored suites;
//! `footfall-processor check-rules` prints the scores of any rules, so a refresh
//! (`scripts/update-rules`) can say what it changes.

use super::user_agent::UserAgentParser;
use footfall_event::Client;
use serde::Deserialize;
use std::path::Path;

/// The suites vendored with the bundled rules (`processor/data/uap-core/`, one uap-core snapshot).
pub const VENDORED_SUITES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/uap-core/tests");

/// Whether a parse gets a case right.
type Rightness = fn(&Client, &Case) -> bool;

/// The three suites, by file name, each with what makes one of its cases right.
const SUITES: &[(&str, Rightness)] = &[
    ("test_ua.yaml", |c, case| {
        c.browser_family.as_deref() == Some(case.family.as_str())
            && same(&c.browser_version, &case.major)
    }),
    ("test_os.yaml", |c, case| {
        c.os_family.as_deref() == Some(case.family.as_str()) && same(&c.os_version, &case.major)
    }),
    ("test_device.yaml", |c, case| {
        c.device_family.as_deref() == Some(case.family.as_str())
            && same(&c.device_brand, &case.brand)
            && same(&c.device_model, &case.model)
    }),
];

#[derive(Deserialize)]
struct Suite {
    test_cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    user_agent_string: String,
    family: String,
    major: Option<String>,
    brand: Option<String>,
    model: Option<String>,
}

/// One suite's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    pub suite: &'static str,
    pub right: usize,
    pub cases: usize,
    /// The user agents of the first few cases got wrong, to say what broke.
    pub wrong: Vec<String>,
}

impl Score {
    pub fn percent(&self) -> f64 {
        100.0 * self.right as f64 / self.cases.max(1) as f64
    }
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}/{} = {:.2}%",
            self.suite,
            self.right,
            self.cases,
            self.percent()
        )
    }
}

/// Empty and missing values are the same (uap-core's suites write either).
fn same(ours: &Option<String>, theirs: &Option<String>) -> bool {
    ours.as_deref().filter(|s| !s.is_empty()) == theirs.as_deref().filter(|s| !s.is_empty())
}

/// Scores `parser` on the suites in `dir`; an unreadable suite is an error naming the file.
pub fn score(parser: &UserAgentParser, dir: &Path) -> Result<Vec<Score>, String> {
    SUITES
        .iter()
        .map(|(name, right)| {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("uap-core suite {}: {e}", path.display()))?;
            let suite: Suite = serde_yaml::from_str(&text)
                .map_err(|e| format!("uap-core suite {}: {e}", path.display()))?;
            let mut score = Score {
                suite: name,
                right: 0,
                cases: suite.test_cases.len(),
                wrong: Vec::new(),
            };
            for case in &suite.test_cases {
                if right(&parser.parse(&case.user_agent_string), case) {
                    score.right += 1;
                } else if score.wrong.len() < 5 {
                    score.wrong.push(case.user_agent_string.clone());
                }
            }
            Ok(score)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enrich::user_agent::BUNDLED_REGEXES;

    #[test]
    fn the_bundled_rules_pass_every_case_of_the_vendored_suites() {
        let parser = UserAgentParser::new(BUNDLED_REGEXES).unwrap();
        let scores = score(&parser, Path::new(VENDORED_SUITES)).unwrap();
        assert_eq!(scores.len(), 3);
        for score in scores {
            println!("uap-core {score}");
            assert!(score.cases > 400, "{score}");
            assert_eq!(
                score.right, score.cases,
                "{score}; wrong: {:?}",
                score.wrong
            );
        }
    }

    #[test]
    fn older_rules_score_below_100_percent_and_say_which_cases_fail() {
        // Rules that know no browser at all: every case of test_ua is wrong.
        let parser =
            UserAgentParser::new("user_agent_parsers: []\nos_parsers: []\ndevice_parsers: []\n")
                .unwrap();
        let scores = score(&parser, Path::new(VENDORED_SUITES)).unwrap();
        let ua = &scores[0];
        assert_eq!(ua.suite, "test_ua.yaml");
        assert!(ua.right < ua.cases / 10, "{ua}");
        assert_eq!(ua.wrong.len(), 5);
        assert!(ua.to_string().starts_with("test_ua.yaml: "), "{ua}");
    }

    #[test]
    fn a_missing_suite_is_an_error_naming_it() {
        let parser = UserAgentParser::new(BUNDLED_REGEXES).unwrap();
        let error = score(&parser, Path::new("/nonexistent")).unwrap_err();
        assert!(error.contains("/nonexistent/test_ua.yaml"), "{error}");
    }
}
