//! Crawler IP range lists read at start-up, in the format the operators publish them (Google's,
//! shared by Bing, OpenAI and Perplexity): `{"creationTime": "...", "prefixes": [{"ipv4Prefix":
//! "a.b.c.d/n"} | {"ipv6Prefix": "x::/n"}]}`. They add to the ranges bundled in footfall-bots,
//! so an operator's newer list (or one footfall does not bundle) counts without a rebuild.
//!
//! A list that is not that fails start-up with the file and the reason: a half-read list would
//! call real crawlers spoofed.

use footfall_bots::Ranges;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use time::macros::format_description;
use time::PrimitiveDateTime;

/// One `Operator=path` setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeListFile {
    pub operator: String,
    pub path: PathBuf,
}

impl std::str::FromStr for RangeListFile {
    type Err = String;

    fn from_str(setting: &str) -> Result<Self, String> {
        match setting.split_once('=') {
            Some((operator, path)) if !operator.trim().is_empty() && !path.trim().is_empty() => {
                Ok(RangeListFile {
                    operator: operator.trim().to_string(),
                    path: PathBuf::from(path.trim()),
                })
            }
            _ => Err(format!(
                "{setting:?} is not Operator=path (e.g. Bing=/opt/ranges/bingbot.json)"
            )),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct List {
    creation_time: String,
    prefixes: Vec<Prefix>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Prefix {
    ipv4_prefix: Option<String>,
    ipv6_prefix: Option<String>,
}

/// A list read: its prefixes and when the operator made it (Unix seconds, UTC).
struct ReadList {
    prefixes: Vec<String>,
    created_unix_secs: i64,
}

/// The bundled ranges plus `files`; also the lists older than `max_age_days` at `now`
/// (Unix seconds), as `(file, age in days)`, for a warning.
pub fn load(
    files: &[RangeListFile],
    now: i64,
    max_age_days: u64,
) -> Result<(Ranges, Vec<(PathBuf, u64)>), String> {
    let mut spec = String::new();
    let mut stale = Vec::new();
    for file in files {
        let failed =
            |reason: String| format!("crawler range list {}: {reason}", file.path.display());
        let list = read(&file.path).map_err(failed)?;
        let entry = format!("{}={};", file.operator, list.prefixes.join(","));
        // Checked on its own too, so an unknown operator or a bad CIDR names this file.
        Ranges::with_extra(&entry).map_err(|e| failed(e.to_string()))?;
        let age_days = u64::try_from((now - list.created_unix_secs) / 86_400).unwrap_or(0);
        if age_days > max_age_days {
            stale.push((file.path.clone(), age_days));
        }
        spec.push_str(&entry);
    }
    let ranges = Ranges::with_extra(&spec).map_err(|e| format!("crawler range lists: {e}"))?;
    Ok((ranges, stale))
}

fn read(path: &Path) -> Result<ReadList, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let list: List = serde_json::from_str(&text).map_err(|e| format!("not a range list: {e}"))?;
    let mut prefixes = Vec::with_capacity(list.prefixes.len());
    for (index, prefix) in list.prefixes.into_iter().enumerate() {
        match (prefix.ipv4_prefix, prefix.ipv6_prefix) {
            (Some(cidr), None) | (None, Some(cidr)) => prefixes.push(cidr),
            _ => {
                return Err(format!(
                    "prefixes[{index}] has neither or both of ipv4Prefix and ipv6Prefix"
                ))
            }
        }
    }
    if prefixes.is_empty() {
        return Err("no prefixes".into());
    }
    // `2026-08-20T14:46:45.000000`, no zone: read as UTC, fractions ignored.
    let seconds = list.creation_time.get(..19).unwrap_or(&list.creation_time);
    let created = PrimitiveDateTime::parse(
        seconds,
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
    )
    .map_err(|e| format!("creationTime {:?}: {e}", list.creation_time))?;
    Ok(ReadList {
        prefixes,
        created_unix_secs: created.assume_utc().unix_timestamp(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GPTBOT: &str = "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)";
    /// 2026-12-01T00:00:00Z.
    const NOW: i64 = 1_796_083_200;

    fn write(name: &str, text: &str) -> RangeListFile {
        let dir = std::env::temp_dir().join(format!("footfall-range-lists-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        RangeListFile {
            operator: "OpenAI".into(),
            path,
        }
    }

    #[test]
    fn a_published_list_makes_its_operator_checkable() {
        let file = write(
            "gptbot.json",
            r#"{"creationTime": "2026-11-20T10:00:00.000000", "prefixes": [{"ipv4Prefix": "198.51.100.16/28"}, {"ipv6Prefix": "2001:db8::/32"}]}"#,
        );
        let (ranges, stale) = load(&[file], NOW, 180).unwrap();
        assert!(stale.is_empty());
        let check = |ip: &str| ranges.verify(GPTBOT, ip.parse().unwrap()).unwrap().verified;
        assert_eq!(check("198.51.100.17"), Some(true));
        assert_eq!(check("2001:db8::1"), Some(true));
        assert_eq!(check("203.0.113.9"), Some(false));
    }

    #[test]
    fn an_old_list_is_reported_stale() {
        let file = write(
            "old.json",
            r#"{"creationTime": "2025-01-01T00:00:00", "prefixes": [{"ipv4Prefix": "198.51.100.16/28"}]}"#,
        );
        let (_, stale) = load(std::slice::from_ref(&file), NOW, 180).unwrap();
        assert_eq!(stale, [(file.path, 699)]);
    }

    #[test]
    fn a_bad_list_fails_with_its_file_and_the_reason() {
        let cases = [
            (
                "empty.json",
                r#"{"creationTime": "2026-11-20T10:00:00", "prefixes": []}"#,
                "no prefixes",
            ),
            (
                "both.json",
                r#"{"creationTime": "2026-11-20T10:00:00", "prefixes": [{}]}"#,
                "prefixes[0] has neither",
            ),
            (
                "cidr.json",
                r#"{"creationTime": "2026-11-20T10:00:00", "prefixes": [{"ipv4Prefix": "198.51.100.16/33"}]}"#,
                "prefix length 33",
            ),
            (
                "time.json",
                r#"{"creationTime": "yesterday", "prefixes": [{"ipv4Prefix": "198.51.100.16/28"}]}"#,
                "creationTime",
            ),
            ("text.json", "<html>", "not a range list"),
        ];
        for (name, text, reason) in cases {
            let file = write(name, text);
            let error = load(&[file], NOW, 180).err().unwrap();
            assert!(
                error.contains(reason) && error.contains(name),
                "{name}: {error}"
            );
        }
        let missing = RangeListFile {
            operator: "OpenAI".into(),
            path: "/nonexistent/gptbot.json".into(),
        };
        assert!(load(&[missing], NOW, 180)
            .unwrap_err()
            .contains("/nonexistent/gptbot.json"));
    }

    #[test]
    fn settings_are_operator_equals_path() {
        let file: RangeListFile = "Bing = /opt/bingbot.json".parse().unwrap();
        assert_eq!(
            (file.operator.as_str(), file.path.to_str()),
            ("Bing", Some("/opt/bingbot.json"))
        );
        assert!("bingbot.json".parse::<RangeListFile>().is_err());
    }
}
