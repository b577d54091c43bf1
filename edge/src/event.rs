//! Turns what the edge knows about one request into a [`RawEvent`].

use crate::consent::{truncate_ip, Consent};
use crate::headers::{is_on, primary_language, purpose};
use crate::identity::Identity;
use crate::url_parts::{path_segments, query_params};
use footfall_event::{EdgeGeo, QueryParam, RawEvent, RAW_SCHEMA_V1};
use std::net::IpAddr;
use std::time::SystemTime;

/// Everything the event is made of, as read from the request, the response and the platform.
/// Header values are as received (already lossily made UTF-8 by the caller).
#[derive(Debug, Clone, Default)]
pub struct RequestFacts<'a> {
    pub request_id: &'a str,
    pub method: &'a str,
    pub url: &'a str,
    pub host: &'a str,
    /// The URL path, still percent-encoded.
    pub path: &'a str,
    /// The URL query without `?`, still percent-encoded.
    pub query: &'a str,
    pub client_ip: Option<IpAddr>,
    pub referrer: Option<&'a str>,
    pub accept_language: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub sec_purpose: Option<&'a str>,
    pub sec_gpc: Option<&'a str>,
    pub dnt: Option<&'a str>,
    pub status: u16,
    pub cache: Option<&'a str>,
    pub pop: Option<&'a str>,
    pub edge_geo: Option<EdgeGeo>,
}

impl RequestFacts<'_> {
    /// `Sec-GPC: 1`: the visitor asks not to be tracked.
    pub fn gpc(&self) -> bool {
        is_on(self.sec_gpc)
    }
}

/// Builds the event. `query` is the decoded query (the caller needs it earlier, for the
/// campaign); `identity` is `None` when consent withholds ids.
pub fn build_event(
    facts: &RequestFacts<'_>,
    query: Vec<QueryParam>,
    identity: Option<&Identity>,
    consent: Consent,
    now: SystemTime,
) -> RawEvent {
    let ip = facts.client_ip.map(|ip| match consent {
        Consent::Full => ip,
        Consent::Anonymous | Consent::None => truncate_ip(ip),
    });
    let text = |value: Option<&str>| value.filter(|v| !v.is_empty()).map(String::from);
    RawEvent {
        schema: RAW_SCHEMA_V1.to_string(),
        event_id: facts.request_id.to_string(),
        visitor_id: identity.map(|i| i.visitor_id.clone()),
        session_id: identity.map(|i| i.session_id.clone()),
        new_visitor: identity.is_some_and(|i| i.new_visitor),
        new_session: identity.is_some_and(|i| i.new_session),
        timestamp: humantime::format_rfc3339_millis(now).to_string(),
        ip: ip.map(|ip| ip.to_string()),
        method: facts.method.to_string(),
        url: facts.url.to_string(),
        host: facts.host.to_string(),
        path: path_segments(facts.path),
        query,
        referrer: text(facts.referrer),
        language: facts.accept_language.and_then(primary_language),
        ua: text(facts.user_agent),
        status: facts.status,
        cache: text(facts.cache),
        pop: text(facts.pop),
        purpose: facts.sec_purpose.and_then(purpose).map(String::from),
        gpc: facts.gpc(),
        dnt: is_on(facts.dnt),
        edge_geo: facts.edge_geo.clone(),
    }
}

/// Decodes the facts' query; separate so the edge can read the campaign before identifying.
pub fn decoded_query(facts: &RequestFacts<'_>) -> Vec<QueryParam> {
    query_params(facts.query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The article's example visit, as the edge would see it.
    pub fn article_visit() -> RequestFacts<'static> {
        RequestFacts {
            request_id: "b1f0c2d3e4f5a6b7c8d9e0f1a2b3c4d5",
            method: "GET",
            url: "https://www.project-a.com/en/career/jobs/data-engineer?gh_jid=4082751002&gh_src=9fcd30182&utm_medium=social&utm_source=linkedin&utm_campaign=buffer",
            host: "www.project-a.com",
            path: "/en/career/jobs/data-engineer",
            query: "gh_jid=4082751002&gh_src=9fcd30182&utm_medium=social&utm_source=linkedin&utm_campaign=buffer",
            client_ip: Some("81.169.145.85".parse().unwrap()),
            referrer: None,
            accept_language: Some("en-US,en;q=0.9,de;q=0.8"),
            user_agent: Some("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Safari/537.36"),
            sec_purpose: None,
            sec_gpc: None,
            dnt: Some("1"),
            status: 200,
            cache: Some("MISS"),
            pop: Some("FRA"),
            edge_geo: Some(EdgeGeo { country: Some("DE".into()), region: Some("SN".into()), city: Some("Dresden".into()), asn: Some(8560) }),
        }
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

    fn at() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(1_544_976_184_042) // 2018-12-16T16:03:04.042Z
    }

    #[test]
    fn the_article_visit_becomes_the_article_event_plus_edge_fields() {
        let facts = article_visit();
        let event = build_event(
            &facts,
            decoded_query(&facts),
            Some(&identity()),
            Consent::Full,
            at(),
        );
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["schema"], "footfall.raw.v1");
        assert_eq!(json["event_id"], "b1f0c2d3e4f5a6b7c8d9e0f1a2b3c4d5");
        assert_eq!(
            json["visitor_id"],
            "10d1fa9c9fd39cff44c88bd551b1ab4dfe92b3da"
        );
        assert_eq!(json["new_session"], true);
        assert_eq!(json["timestamp"], "2018-12-16T16:03:04.042Z");
        assert_eq!(json["ip"], "81.169.145.85");
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
        assert_eq!(
            (
                json["status"].as_u64(),
                json["cache"].as_str(),
                json["pop"].as_str()
            ),
            (Some(200), Some("MISS"), Some("FRA"))
        );
        assert_eq!(
            (json["gpc"].as_bool(), json["dnt"].as_bool()),
            (Some(false), Some(true))
        );
        assert_eq!(json["edge_geo"]["city"], "Dresden");
    }

    #[test]
    fn anonymous_events_have_no_ids_and_a_truncated_ip() {
        let facts = RequestFacts {
            sec_gpc: Some("1"),
            ..article_visit()
        };
        let event = build_event(&facts, vec![], None, Consent::Anonymous, at());
        assert_eq!((event.visitor_id, event.session_id), (None, None));
        assert!(!event.new_visitor && !event.new_session);
        assert_eq!(event.ip.as_deref(), Some("81.169.145.0"));
        assert!(event.gpc);
    }

    #[test]
    fn empty_headers_are_null_not_empty_strings() {
        let facts = RequestFacts {
            referrer: Some(""),
            user_agent: Some(""),
            ..article_visit()
        };
        let event = build_event(&facts, vec![], None, Consent::Full, at());
        assert_eq!((event.referrer, event.ua), (None, None));
    }

    #[test]
    fn prefetches_are_marked() {
        let facts = RequestFacts {
            sec_purpose: Some("prefetch"),
            ..article_visit()
        };
        assert_eq!(
            build_event(&facts, vec![], None, Consent::Full, at())
                .purpose
                .as_deref(),
            Some("prefetch")
        );
    }
}
