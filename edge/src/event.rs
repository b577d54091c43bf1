//! A client request → its [`RawEvent`]. What the request says is captured into the event before
//! the request goes to the origin ([`Capture::new`]); what is known only later (the status, who
//! the visitor is, what consent allows) completes it ([`Capture::finish`]). The event itself is
//! the one place its fields are listed.

use crate::client_ip::recorded_ip;
use crate::config::Config;
use crate::consent::Consent;
use crate::crawler::{claimed, verdict};
use crate::headers::{is_on, primary_language, purpose};
use crate::identity::Identity;
use crate::url_parts::{path_segments, query_params};
use crate::web_bot_auth::bot_signature;
use footfall_bots::Operator;
use footfall_event::{FastlyBot, PageRequest, RawEvent, RAW_SCHEMA_V1};
use std::net::IpAddr;
use std::time::SystemTime;

/// What the edge reads of a client request: the Compute glue implements it for Fastly's
/// request, tests and benchmarks use [`http::Request`].
pub trait ClientRequest {
    fn method(&self) -> &str;
    /// The full URL as requested.
    fn url(&self) -> String;
    /// The `Host` the client asked for.
    fn host(&self) -> String;
    /// The URL path, still percent-encoded.
    fn path(&self) -> &str;
    /// The URL query without `?`, still percent-encoded; empty when there is none.
    fn query(&self) -> &str;
    /// A header's value, made UTF-8 lossily.
    fn header(&self, name: &str) -> Option<String>;
    /// The address of the client's connection (never `X-Forwarded-For`).
    fn client_ip(&self) -> Option<IpAddr>;
    /// Fastly's bot detection of the request, when Fastly analysed it (never from headers a
    /// client could send).
    fn fastly_bot(&self) -> Option<FastlyBot>;
}

/// An event under construction, with what building it needs but the event does not keep.
#[derive(Debug, Clone)]
pub struct Capture {
    pub event: RawEvent,
    /// When the request arrived (from the clock, or the simulated clock in local runs).
    pub at: SystemTime,
    /// The full client address; `ip_mode` and consent decide what of it goes into the event.
    pub client_ip: Option<IpAddr>,
    /// The `Cookie` header, which identifies the visitor.
    pub cookie: Option<String>,
    /// The request came over HTTPS (cookies get `Secure`).
    pub secure: bool,
    /// The crawler operator the user agent claims, looked up once for consent and the verdict.
    pub claimed: Option<&'static Operator>,
}

impl Capture {
    /// Reads everything the event needs from the request, before it goes to the origin.
    pub fn new(request: &impl ClientRequest, event_id: String, at: SystemTime) -> Capture {
        let header = |name: &str| request.header(name).filter(|value| !value.is_empty());
        let url = request.url();
        let secure = url.starts_with("https:");
        let event = RawEvent {
            schema: RAW_SCHEMA_V1.to_string(),
            request: PageRequest {
                event_id,
                timestamp: humantime::format_rfc3339_millis(at).to_string(),
                url,
                host: request.host(),
                path: path_segments(request.path()),
                query: query_params(request.query()),
                referrer: header("referer"),
                language: header("accept-language").and_then(|v| primary_language(&v)),
                method: Some(request.method().to_string()),
                purpose: header("sec-purpose")
                    .or_else(|| header("purpose"))
                    .and_then(|v| purpose(&v))
                    .map(String::from),
                ..PageRequest::default()
            },
            ua: header("user-agent"),
            gpc: is_on(header("sec-gpc").as_deref()),
            dnt: is_on(header("dnt").as_deref()),
            fastly_bot: request.fastly_bot(),
            signature: bot_signature(
                header("signature").as_deref(),
                header("signature-input").as_deref(),
                header("signature-agent").as_deref(),
            ),
            ..RawEvent::default()
        };
        Capture {
            claimed: claimed(&event),
            event,
            at,
            client_ip: request.client_ip(),
            cookie: request.header("cookie"),
            secure,
        }
    }

    /// Completes the event once the origin has answered with `status` and consent is decided;
    /// `identity` is `None` when consent withholds ids. A crawler's claim is checked here, on the
    /// full client address, before `config.ip_mode` and consent cut it.
    pub fn finish(
        self,
        status: u16,
        identity: Option<&Identity>,
        consent: Consent,
        config: &Config,
    ) -> RawEvent {
        let mut event = self.event;
        event.verification = verdict(&event, self.claimed, self.client_ip, &config.bot_ranges);
        let (ip, precision) = recorded_ip(self.client_ip, config.ip_mode, consent);
        event.ip = ip.map(|ip| ip.to_string());
        event.ip_precision = Some(precision);
        let request = &mut event.request;
        request.status = Some(status);
        if let Some(identity) = identity {
            request.visitor_id = Some(identity.visitor_id.clone());
            request.session_id = Some(identity.session_id.clone());
            request.new_visitor = identity.new_visitor;
            request.new_session = identity.new_session;
        }
        event
    }
}

/// Requests as the `http` crate has them, for native tests and benchmarks: built with an
/// absolute URI (as the edge sees every request), the client address in their extensions.
impl<B> ClientRequest for http::Request<B> {
    fn method(&self) -> &str {
        self.method().as_str()
    }
    fn url(&self) -> String {
        self.uri().to_string()
    }
    fn host(&self) -> String {
        self.header("host")
            .or_else(|| self.uri().host().map(String::from))
            .unwrap_or_default()
    }
    fn path(&self) -> &str {
        self.uri().path()
    }
    fn query(&self) -> &str {
        self.uri().query().unwrap_or("")
    }
    fn header(&self, name: &str) -> Option<String> {
        self.headers()
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    }
    fn client_ip(&self) -> Option<IpAddr> {
        self.extensions().get::<IpAddr>().copied()
    }
    fn fastly_bot(&self) -> Option<FastlyBot> {
        self.extensions().get::<FastlyBot>().cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use footfall_event::{BotVerification, IpPrecision, VerifiedBy};
    use std::time::Duration;

    /// The visit of "Server-side tracking: surprisingly easy", as the edge would see it.
    fn article_visit() -> http::request::Builder {
        http::Request::get("https://www.project-a.com/en/career/jobs/data-engineer?gh_jid=4082751002&gh_src=9fcd30182&utm_medium=social&utm_source=linkedin&utm_campaign=buffer")
            .header("host", "www.project-a.com")
            .header("accept-language", "en-US,en;q=0.9,de;q=0.8")
            .header("user-agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Safari/537.36")
            .header("dnt", "1")
            .extension("81.169.145.85".parse::<IpAddr>().unwrap())
    }

    fn capture(request: http::request::Builder) -> Capture {
        let at = SystemTime::UNIX_EPOCH + Duration::from_millis(1_544_976_184_042); // 2018-12-16T16:03:04.042Z
        Capture::new(&request.body(()).unwrap(), "b1f0c2d3-1a2b3c4d".into(), at)
    }

    /// The edge's defaults (`ip_mode` truncated, the bundled crawler ranges).
    fn config() -> Config {
        Config::load(|_| None).0
    }

    fn identity() -> Identity {
        Identity {
            visitor_id: "10d1fa9c9fd39cff44c88bd551b1ab4dfe92b3da".into(),
            session_id: "0123456789abcdef0123456789abcdef".into(),
            new_visitor: false,
            new_session: true,
            set_cookies: vec![],
        }
    }

    #[test]
    fn the_article_visit_becomes_the_article_event_plus_edge_fields() {
        let event =
            capture(article_visit()).finish(200, Some(&identity()), Consent::Full, &config());
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["schema"], "footfall.raw.v1");
        assert_eq!(json["event_id"], "b1f0c2d3-1a2b3c4d");
        assert_eq!(
            json["visitor_id"],
            "10d1fa9c9fd39cff44c88bd551b1ab4dfe92b3da"
        );
        assert_eq!(
            (json["new_visitor"].as_bool(), json["new_session"].as_bool()),
            (Some(false), Some(true))
        );
        assert_eq!(json["timestamp"], "2018-12-16T16:03:04.042Z");
        // By default only the network leaves the edge.
        assert_eq!(
            (&json["ip"], &json["ip_precision"]),
            (
                &serde_json::json!("81.169.145.0"),
                &serde_json::json!("/24")
            )
        );
        assert_eq!(json["method"], "GET");
        assert_eq!(json["url"], "https://www.project-a.com/en/career/jobs/data-engineer?gh_jid=4082751002&gh_src=9fcd30182&utm_medium=social&utm_source=linkedin&utm_campaign=buffer");
        assert_eq!(json["host"], "www.project-a.com");
        assert_eq!(
            json["path"],
            serde_json::json!(["en", "career", "jobs", "data-engineer"])
        );
        assert_eq!(
            json["query"][4],
            serde_json::json!({"param": "utm_campaign", "value": "buffer"})
        );
        assert_eq!(json["referrer"], serde_json::Value::Null);
        assert_eq!(json["language"], "en");
        assert!(json["ua"]
            .as_str()
            .unwrap()
            .contains("Chrome/70.0.3538.110"));
        assert_eq!(json["status"], 200);
        assert_eq!(
            (json["gpc"].as_bool(), json["dnt"].as_bool()),
            (Some(false), Some(true))
        );
        // Known only to the glue, after the response: cache state, POP, Fastly's geo.
        assert_eq!(
            (&json["cache"], &json["pop"], &json["edge_geo"]),
            (
                &serde_json::Value::Null,
                &serde_json::Value::Null,
                &serde_json::Value::Null
            )
        );
    }

    #[test]
    fn ip_mode_full_keeps_the_whole_address_for_visitors_with_consent() {
        let full = Config::load(|key| (key == "ip_mode").then(|| "full".into())).0;
        let event = capture(article_visit()).finish(200, Some(&identity()), Consent::Full, &full);
        assert_eq!(
            (event.ip.as_deref(), event.ip_precision),
            (Some("81.169.145.85"), Some(IpPrecision::Full))
        );
        let gpc = capture(article_visit()).finish(200, None, Consent::Anonymous, &full);
        assert_eq!(gpc.ip.as_deref(), Some("81.169.145.0"));
    }

    #[test]
    fn fastlys_bot_detection_and_a_bots_signature_are_recorded() {
        let fastly = FastlyBot {
            detected: true,
            name: Some("GPTBot".into()),
            category: Some("AI-CRAWLER".into()),
            verified: Some(true),
        };
        let request = article_visit()
            .header("signature", "sig1=:dGVzdA==:")
            .header(
                "signature-input",
                r#"sig1=("@authority");created=1735689600;keyid="k";tag="web-bot-auth""#,
            )
            .header("signature-agent", r#""https://chatgpt.com""#)
            .extension(fastly.clone());
        let event = capture(request).finish(200, None, Consent::Anonymous, &config());
        assert_eq!(event.fastly_bot, Some(fastly));
        assert!(event.signature.bot_signed);
        assert_eq!(
            event.signature.bot_signature_agent.as_deref(),
            Some("https://chatgpt.com")
        );
        assert_eq!(
            event.verification,
            BotVerification {
                bot_operator: Some("OpenAI".into()),
                bot_verified: Some(true),
                bot_verified_by: Some(VerifiedBy::Fastly),
            }
        );
        let unanalysed = capture(article_visit()).finish(200, None, Consent::Full, &config());
        assert_eq!(unanalysed.fastly_bot, None);
    }

    #[test]
    fn what_building_needs_is_kept_beside_the_event() {
        let captured = capture(article_visit().header("cookie", "footfall_visitor=abc"));
        assert_eq!(captured.cookie.as_deref(), Some("footfall_visitor=abc"));
        assert!(captured.secure);
        assert_eq!(captured.client_ip, Some("81.169.145.85".parse().unwrap()));
        assert_eq!(captured.event.ip, None, "consent decides later");
        let plain = capture(http::Request::get("http://example.com/"));
        assert!(!plain.secure);
        assert_eq!(
            plain.event.request.host, "example.com",
            "without a Host header"
        );
    }

    #[test]
    fn anonymous_events_have_no_ids_and_a_truncated_ip() {
        let event = capture(article_visit().header("sec-gpc", "1")).finish(
            200,
            None,
            Consent::Anonymous,
            &config(),
        );
        let request = &event.request;
        assert_eq!((&request.visitor_id, &request.session_id), (&None, &None));
        assert!(!request.new_visitor && !request.new_session);
        assert_eq!(event.ip.as_deref(), Some("81.169.145.0"));
        assert_eq!(event.ip_precision, Some(IpPrecision::Slash24));
        assert!(event.gpc);
    }

    #[test]
    fn empty_headers_are_null_not_empty_strings() {
        let request = http::Request::get("https://www.project-a.com/")
            .header("referer", "")
            .header("user-agent", "");
        let event = capture(request).finish(200, None, Consent::Full, &config());
        assert_eq!((event.request.referrer, event.ua), (None, None));
    }

    #[test]
    fn a_crawlers_claim_is_checked_on_the_full_address_before_it_is_cut() {
        let googlebot = |ip: &str| {
            http::Request::get("https://www.project-a.com/")
                .header(
                    "user-agent",
                    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                )
                .extension(ip.parse::<IpAddr>().unwrap())
        };
        // 192.178.5.0/27 is Googlebot's; the rest of that /24 is not.
        let real =
            capture(googlebot("192.178.5.1")).finish(200, None, Consent::Anonymous, &config());
        let expected = |verified| BotVerification {
            bot_operator: Some("Google".into()),
            bot_verified: Some(verified),
            bot_verified_by: Some(VerifiedBy::IpRanges),
        };
        assert_eq!(real.verification, expected(true));
        assert_eq!(
            real.ip.as_deref(),
            Some("192.178.5.0"),
            "the event holds only the /24"
        );
        let spoofed =
            capture(googlebot("192.178.5.200")).finish(200, None, Consent::Anonymous, &config());
        assert_eq!(
            spoofed.ip, real.ip,
            "only the full address tells them apart"
        );
        assert_eq!(spoofed.verification, expected(false));
        let person = capture(article_visit()).finish(200, None, Consent::Full, &config());
        assert_eq!(person.verification, BotVerification::default());
        assert_eq!(person.ip_precision, Some(IpPrecision::Slash24));
    }

    #[test]
    fn prefetches_are_marked() {
        for (header, value) in [
            ("sec-purpose", "prefetch"),
            ("purpose", "prefetch"),
            ("sec-purpose", "prefetch;prerender"),
        ] {
            let event = capture(article_visit().header(header, value));
            let expected = if value.contains("prerender") {
                "prerender"
            } else {
                "prefetch"
            };
            assert_eq!(
                event.event.request.purpose.as_deref(),
                Some(expected),
                "{header}: {value}"
            );
        }
    }
}
