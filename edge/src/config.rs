//! The edge's settings, read from the `footfall_config` config store.
//!
//! Every key has a sane default except what only the operator can know (the Kinesis stream and
//! region). An incomplete or invalid store never breaks the site: [`Config::load`] returns the
//! usable settings together with a list of problems, and the edge still serves the page, logs the
//! problems once per request and, when Kinesis is not configured, writes events to the log
//! endpoint instead so none is lost.

use crate::client_ip::IpMode;
use footfall_bots::Ranges;
use std::fmt;

/// Name of the config store the edge reads.
pub const CONFIG_STORE: &str = "footfall_config";
/// Name of the secret store holding the AWS credentials.
pub const SECRET_STORE: &str = "footfall_secrets";
/// Backend the site is served from.
pub const ORIGIN_BACKEND: &str = "origin";
/// Backend that reaches the Kinesis API.
pub const KINESIS_BACKEND: &str = "kinesis";

/// Every config store key the edge reads, for documentation and the `[setup]`/`[local_server]`
/// consistency check.
pub const KEYS: &[&str] = &[
    "enabled",
    "visitor_cookie",
    "session_cookie",
    "cookie_domain",
    "session_timeout_secs",
    "track_hosts",
    "track_paths",
    "exclude_paths",
    "asset_extensions",
    "consent_mode",
    "consent_cookie",
    "consent_value",
    "sink",
    "log_endpoint",
    "kinesis_stream",
    "kinesis_region",
    "kinesis_host",
    "kinesis_timeout_ms",
    "simulated_clock",
    "extra_bot_ranges",
    "ip_mode",
];

/// File extensions that are never pages. Kept short and obvious; operators extend it.
const DEFAULT_ASSET_EXTENSIONS: &str =
    "css,js,mjs,map,json,xml,txt,png,jpg,jpeg,gif,webp,avif,svg,ico,bmp,\
woff,woff2,ttf,otf,eot,mp4,webm,mp3,ogg,wav,wasm,webmanifest";

/// How the edge treats visitors who signal they do not want to be tracked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentMode {
    /// `gpc-anonymous` (default): a request with `Sec-GPC: 1` is counted without cookies or ids,
    /// with its IP truncated.
    GpcAnonymous,
    /// `gpc-drop`: a request with `Sec-GPC: 1` produces no event at all.
    GpcDrop,
    /// `cookie`: track only when the named consent cookie holds the given value; explicit
    /// consent outranks the browser-wide GPC signal.
    Cookie { name: String, value: String },
}

/// Where events go first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    /// Signed `PutRecord` to Kinesis, the log endpoint as fallback.
    Kinesis(KinesisSettings),
    /// The log endpoint only, e.g. for Fastly's native Kinesis logging.
    Log,
}

/// The Kinesis stream events are written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KinesisSettings {
    pub stream: String,
    pub region: String,
    /// The `Host` the request is signed for; `kinesis.{region}.amazonaws.com` unless set.
    pub host: String,
    /// How long the edge waits for Kinesis before falling back to the log endpoint.
    pub timeout_ms: u64,
}

/// The cookies that carry the visitor and session ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieSettings {
    pub visitor_name: String,
    pub session_name: String,
    pub domain: Option<String>,
    pub session_timeout_secs: u64,
}

/// Which requests count as page views.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackSettings {
    /// Lower-case host names; empty means every host.
    pub hosts: Vec<String>,
    /// Path prefixes that are tracked.
    pub paths: Vec<String>,
    /// Path prefixes that are never tracked, even inside `paths`.
    pub exclude_paths: Vec<String>,
    /// Lower-case file extensions (without the dot) of static assets.
    pub asset_extensions: Vec<String>,
}

/// All of the edge's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Master switch: `false` makes the edge a plain proxy.
    pub enabled: bool,
    pub cookies: CookieSettings,
    pub track: TrackSettings,
    pub consent: ConsentMode,
    pub sink: Sink,
    /// Fastly log endpoint for events: the fallback of Kinesis, or the primary sink.
    pub log_endpoint: String,
    /// Local runs only: take each request's time from the `footfall-clock` header
    /// (see [`crate::clock`]); ignored outside Viceroy.
    pub simulated_clock: bool,
    /// Crawler operators' IP ranges: the bundled ones plus `extra_bot_ranges`
    /// (`Operator=cidr,cidr;Operator=cidr`, see [`footfall_bots::Ranges::with_extra`]), so a newly
    /// published block counts before the next publish.
    pub bot_ranges: Ranges,
    /// How much of the client address events carry: `truncated` (default, /24 or /48),
    /// `full` or `none` (see [`crate::client_ip`]).
    pub ip_mode: IpMode,
}

/// One thing wrong with the config store, named by its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: &'static str,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

impl Config {
    /// Reads every setting through `get` (a config store lookup), falling back to defaults.
    /// Problems are reported, never fatal: the returned config is always usable.
    pub fn load(get: impl Fn(&str) -> Option<String>) -> (Config, Vec<Problem>) {
        let mut reader = Reader {
            get: &get,
            problems: Vec::new(),
        };
        let config = Config {
            enabled: reader.parsed("enabled", true, parse_bool),
            cookies: CookieSettings {
                visitor_name: reader.cookie_name("visitor_cookie", "footfall_visitor"),
                session_name: reader.cookie_name("session_cookie", "footfall_session"),
                domain: reader.cookie_domain(),
                session_timeout_secs: reader.parsed("session_timeout_secs", 1800, parse_positive),
            },
            track: TrackSettings {
                hosts: reader.list("track_hosts", ""),
                paths: reader.list("track_paths", "/"),
                exclude_paths: reader.list("exclude_paths", ""),
                asset_extensions: reader
                    .list("asset_extensions", DEFAULT_ASSET_EXTENSIONS)
                    .into_iter()
                    .map(|ext| ext.trim_start_matches('.').to_string())
                    .collect(),
            },
            consent: reader.consent(),
            sink: reader.sink(),
            log_endpoint: reader
                .text("log_endpoint")
                .unwrap_or_else(|| "footfall_events".into()),
            simulated_clock: reader.parsed("simulated_clock", false, parse_bool),
            bot_ranges: reader.bot_ranges(),
            ip_mode: reader.parsed("ip_mode", IpMode::Truncated, IpMode::parse),
        };
        (config, reader.problems)
    }
}

struct Reader<'a, F: Fn(&str) -> Option<String>> {
    get: &'a F,
    problems: Vec<Problem>,
}

impl<F: Fn(&str) -> Option<String>> Reader<'_, F> {
    /// The trimmed value of `key`; an empty value counts as unset.
    fn text(&self, key: &str) -> Option<String> {
        (self.get)(key)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    fn problem(&mut self, key: &'static str, message: impl Into<String>) {
        self.problems.push(Problem {
            key,
            message: message.into(),
        });
    }

    fn parsed<T>(&mut self, key: &'static str, default: T, parse: fn(&str) -> Option<T>) -> T {
        match self.text(key) {
            None => default,
            Some(raw) => parse(&raw).unwrap_or_else(|| {
                self.problem(key, format!("cannot use {raw:?}; using the default"));
                default
            }),
        }
    }

    /// A comma-separated list, lower-cased, empty items dropped; an empty value is the default.
    fn list(&self, key: &str, default: &str) -> Vec<String> {
        let raw = self.text(key).unwrap_or_else(|| default.to_string());
        raw.split(',')
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// The bundled ranges plus `extra_bot_ranges`; a value that cannot be read is reported and
    /// the bundled ranges alone are used.
    fn bot_ranges(&mut self) -> Ranges {
        let Some(spec) = self.text("extra_bot_ranges") else {
            return Ranges::bundled();
        };
        Ranges::with_extra(&spec).unwrap_or_else(|error| {
            self.problem(
                "extra_bot_ranges",
                format!("{error}; using the bundled ranges only"),
            );
            Ranges::bundled()
        })
    }

    fn cookie_name(&mut self, key: &'static str, default: &str) -> String {
        match self.text(key) {
            Some(name) if is_token(&name) => name,
            Some(name) => {
                self.problem(
                    key,
                    format!("{name:?} is not a valid cookie name; using {default:?}"),
                );
                default.to_string()
            }
            None => default.to_string(),
        }
    }

    fn cookie_domain(&mut self) -> Option<String> {
        let domain = self.text("cookie_domain")?;
        let valid = domain
            .trim_start_matches('.')
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if valid {
            Some(domain)
        } else {
            self.problem(
                "cookie_domain",
                format!("{domain:?} is not a domain; cookies are host-only"),
            );
            None
        }
    }

    fn consent(&mut self) -> ConsentMode {
        match self.text("consent_mode").as_deref() {
            None | Some("gpc-anonymous") => ConsentMode::GpcAnonymous,
            Some("gpc-drop") => ConsentMode::GpcDrop,
            Some("cookie") => match (self.text("consent_cookie"), self.text("consent_value")) {
                (Some(name), Some(value)) => ConsentMode::Cookie { name, value },
                _ => {
                    // Without the cookie's name we cannot see consent: track nobody.
                    self.problem(
                        "consent_cookie",
                        "consent_mode is cookie but consent_cookie or consent_value is missing; nothing is tracked",
                    );
                    ConsentMode::Cookie {
                        name: String::new(),
                        value: String::new(),
                    }
                }
            },
            Some(other) => {
                self.problem(
                    "consent_mode",
                    format!("unknown mode {other:?} (gpc-anonymous, gpc-drop, cookie); using gpc-anonymous"),
                );
                ConsentMode::GpcAnonymous
            }
        }
    }

    fn sink(&mut self) -> Sink {
        match self.text("sink").as_deref() {
            Some("log") => return Sink::Log,
            None | Some("kinesis") => {}
            Some(other) => self.problem(
                "sink",
                format!("unknown sink {other:?} (kinesis, log); using kinesis"),
            ),
        }
        let timeout_ms = self.parsed("kinesis_timeout_ms", 1000, parse_positive);
        match (self.text("kinesis_stream"), self.text("kinesis_region")) {
            (Some(stream), Some(region)) => Sink::Kinesis(KinesisSettings {
                host: self
                    .text("kinesis_host")
                    .unwrap_or_else(|| format!("kinesis.{region}.amazonaws.com")),
                stream,
                region,
                timeout_ms,
            }),
            (stream, _) => {
                let key = if stream.is_none() {
                    "kinesis_stream"
                } else {
                    "kinesis_region"
                };
                self.problem(key, "not set; events go to the log endpoint until it is");
                Sink::Log
            }
        }
    }
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

fn parse_positive(raw: &str) -> Option<u64> {
    raw.parse().ok().filter(|n| *n > 0)
}

/// An RFC 6265 cookie name (an HTTP token).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(pairs: &[(&str, &str)]) -> (Config, Vec<Problem>) {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load(|k| map.get(k).cloned())
    }

    #[test]
    fn extra_bot_ranges_make_an_operator_checkable_and_a_bad_value_is_reported() {
        let gptbot = "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)";
        let ip = "127.0.0.9".parse().unwrap();
        let (bundled, _) = load(&[]);
        assert_eq!(
            bundled.bot_ranges.verify(gptbot, ip).unwrap().verified,
            None
        );
        let (config, problems) = load(&[("extra_bot_ranges", "OpenAI=127.0.0.8/29")]);
        assert!(
            problems.iter().all(|p| p.key != "extra_bot_ranges"),
            "{problems:?}"
        );
        assert_eq!(
            config.bot_ranges.verify(gptbot, ip).unwrap().verified,
            Some(true)
        );
        let (config, problems) = load(&[("extra_bot_ranges", "Nobody=127.0.0.8/29")]);
        assert_eq!(config.bot_ranges, Ranges::bundled());
        let problem = problems
            .iter()
            .find(|p| p.key == "extra_bot_ranges")
            .unwrap();
        assert!(problem.message.contains("Nobody"), "{problem}");
    }

    #[test]
    fn complete_store_loads_without_problems() {
        let (config, problems) = load(&[
            ("kinesis_stream", "events"),
            ("kinesis_region", "eu-central-1"),
            ("cookie_domain", ".example.com"),
            ("track_hosts", "Example.com, www.example.com"),
        ]);
        assert_eq!(problems, vec![]);
        assert!(config.enabled);
        assert_eq!(config.cookies.visitor_name, "footfall_visitor");
        assert_eq!(config.cookies.domain.as_deref(), Some(".example.com"));
        assert_eq!(config.cookies.session_timeout_secs, 1800);
        assert_eq!(config.track.hosts, ["example.com", "www.example.com"]);
        assert_eq!(config.track.paths, ["/"]);
        assert!(config.track.asset_extensions.contains(&"woff2".to_string()));
        assert_eq!(config.consent, ConsentMode::GpcAnonymous);
        assert_eq!(
            config.sink,
            Sink::Kinesis(KinesisSettings {
                stream: "events".into(),
                region: "eu-central-1".into(),
                host: "kinesis.eu-central-1.amazonaws.com".into(),
                timeout_ms: 1000,
            })
        );
        assert_eq!(config.log_endpoint, "footfall_events");
        assert!(!config.simulated_clock);
    }

    #[test]
    fn missing_stream_falls_back_to_the_log_sink_and_says_so() {
        let (config, problems) = load(&[("kinesis_region", "eu-central-1")]);
        assert_eq!(config.sink, Sink::Log);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].key, "kinesis_stream");
    }

    #[test]
    fn invalid_values_keep_defaults_and_are_reported() {
        let (config, problems) = load(&[
            ("sink", "log"),
            ("enabled", "perhaps"),
            ("session_timeout_secs", "-5"),
            ("visitor_cookie", "bad name;"),
            ("cookie_domain", "evil.com; Secure"),
            ("consent_mode", "whatever"),
        ]);
        assert!(config.enabled);
        assert_eq!(config.cookies.session_timeout_secs, 1800);
        assert_eq!(config.cookies.visitor_name, "footfall_visitor");
        assert_eq!(config.cookies.domain, None);
        assert_eq!(config.consent, ConsentMode::GpcAnonymous);
        let keys: Vec<&str> = problems.iter().map(|p| p.key).collect();
        assert_eq!(
            keys,
            [
                "enabled",
                "visitor_cookie",
                "cookie_domain",
                "session_timeout_secs",
                "consent_mode"
            ]
        );
    }

    #[test]
    fn cookie_consent_needs_name_and_value() {
        let (config, problems) = load(&[
            ("sink", "log"),
            ("consent_mode", "cookie"),
            ("consent_cookie", "ok"),
        ]);
        assert_eq!(
            config.consent,
            ConsentMode::Cookie {
                name: String::new(),
                value: String::new()
            }
        );
        assert_eq!(problems[0].key, "consent_cookie");
        let (config, _) = load(&[
            ("consent_mode", "cookie"),
            ("consent_cookie", "cc"),
            ("consent_value", "yes"),
        ]);
        assert_eq!(
            config.consent,
            ConsentMode::Cookie {
                name: "cc".into(),
                value: "yes".into()
            }
        );
    }

    #[test]
    fn every_key_read_is_listed_in_keys() {
        let read = std::cell::RefCell::new(Vec::new());
        let _ = Config::load(|k| {
            read.borrow_mut().push(k.to_string());
            match k {
                "consent_mode" => Some("cookie".into()),
                "kinesis_stream" | "kinesis_region" => Some("x".into()),
                _ => None,
            }
        });
        let mut read = read.into_inner();
        read.sort();
        read.dedup();
        let mut keys: Vec<String> = KEYS.iter().map(|k| k.to_string()).collect();
        keys.sort();
        assert_eq!(read, keys);
    }
}
