//! The contract between footfall's edge and its processor.
//!
//! The edge writes one [`RawEvent`] per tracked page request, as one JSON object per Kinesis
//! record. Field names and meaning follow the server-side collector of the article footfall
//! started from, so events from an origin collector and from the edge land in the same table;
//! the fields only the edge knows (status, cache, POP, privacy signals, Fastly geo) are added.
//!
//! Types and serde only: no I/O, so both the wasm edge and the native processor depend on it.

use serde::{Deserialize, Serialize};

/// The value of [`RawEvent::schema`] for this version of the contract.
pub const RAW_SCHEMA_V1: &str = "footfall.raw.v1";

/// One page request as the edge saw it (`footfall.raw.v1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawEvent {
    /// Always [`RAW_SCHEMA_V1`]; tells edge events from the article's collector format.
    pub schema: String,
    /// Unique per request and stable across retries of the same request (derived from the
    /// Fastly request id), so downstream de-duplication is exact.
    pub event_id: String,
    /// 40 hex digits from the first-party visitor cookie; `None` when consent is withheld.
    pub visitor_id: Option<String>,
    /// From the session cookie; `None` when consent is withheld.
    pub session_id: Option<String>,
    /// The edge minted the visitor id on this request.
    pub new_visitor: bool,
    /// The edge started a new session on this request.
    pub new_session: bool,
    /// RFC 3339 UTC with milliseconds, e.g. `2026-11-30T12:00:00.123Z`.
    pub timestamp: String,
    /// Client IP as the edge sees the connection (never `X-Forwarded-For`); truncated
    /// (/24, /48) or `None` under Global Privacy Control.
    pub ip: Option<String>,
    /// HTTP method.
    pub method: String,
    /// The full URL as requested.
    pub url: String,
    /// The `Host` the client asked for.
    pub host: String,
    /// Non-empty path segments, percent-decoded (invalid UTF-8 replaced).
    pub path: Vec<String>,
    /// Query parameters in order, repeats kept, percent-decoded.
    pub query: Vec<QueryParam>,
    /// The `Referer` header.
    pub referrer: Option<String>,
    /// Primary subtag of the most preferred `Accept-Language` entry, e.g. `en`.
    pub language: Option<String>,
    /// The `User-Agent` header.
    pub ua: Option<String>,
    /// Status of the response the client was sent.
    pub status: u16,
    /// `HIT`, `MISS` or `PASS` where the edge knows.
    pub cache: Option<String>,
    /// The Fastly POP that served the request.
    pub pop: Option<String>,
    /// `prefetch` or `prerender`, from `Sec-Purpose` or `Purpose`.
    pub purpose: Option<String>,
    /// The browser sent `Sec-GPC: 1` (Global Privacy Control).
    pub gpc: bool,
    /// The browser sent `DNT: 1`.
    pub dnt: bool,
    /// Fastly's own geo lookup of the client IP, where available.
    pub edge_geo: Option<EdgeGeo>,
}

/// One query parameter; a list of these keeps order and repeats, unlike a map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryParam {
    pub param: String,
    pub value: String,
}

/// What Fastly's geolocation knows of the client IP.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EdgeGeo {
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// ISO 3166-2 subdivision code, without the country prefix.
    pub region: Option<String>,
    pub city: Option<String>,
    /// Autonomous system number of the client's network.
    pub asn: Option<u32>,
}

/// The value of [`EnrichedEvent::schema_version`] for this version of the contract.
pub const ENRICHED_SCHEMA_V1: &str = "footfall.enriched.v1";

/// One page request after enrichment (`footfall.enriched.v1`): one row in BigQuery, one line in
/// the S3 archive. IP address and user agent are gone; what they told is in the columns.
///
/// The article's columns keep their names and meaning, so its example query runs unchanged: a
/// known bot has `device_brand = "Spider"` (uap-core's convention) and `is_bot = true`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnrichedEvent {
    pub event_id: String,
    pub visitor_id: Option<String>,
    pub session_id: Option<String>,
    pub new_visitor: bool,
    pub new_session: bool,
    /// RFC 3339 UTC with milliseconds.
    pub timestamp: String,
    pub url: String,
    pub host: String,
    pub path: Vec<String>,
    pub query: Vec<QueryParam>,
    pub referrer: Option<String>,
    /// Host of the referrer URL, lower-case.
    pub referrer_host: Option<String>,
    /// `direct`, `internal`, `search`, `social`, `email`, `paid` or `other`.
    pub referrer_medium: String,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub utm_term: Option<String>,
    pub utm_content: Option<String>,
    /// The first ad click id in the query (`gclid`, `msclkid`, `fbclid`, ...), as `name:value`.
    pub click_id: Option<String>,
    pub language: Option<String>,
    pub browser_family: Option<String>,
    pub browser_version: Option<String>,
    pub os_family: Option<String>,
    pub os_version: Option<String>,
    pub device_family: Option<String>,
    pub device_brand: Option<String>,
    pub device_model: Option<String>,
    pub is_bot: bool,
    pub bot_name: Option<String>,
    /// `search`, `ai_crawler`, `ai_assistant`, `seo`, `monitor` or `other`.
    pub bot_category: Option<String>,
    pub country_iso_code: Option<String>,
    pub country_name: Option<String>,
    /// The most specific subdivision.
    pub subdivisions_iso_code: Option<String>,
    pub subdivisions_name: Option<String>,
    pub city_name: Option<String>,
    pub method: Option<String>,
    pub status: Option<u16>,
    pub cache: Option<String>,
    pub pop: Option<String>,
    pub purpose: Option<String>,
    /// `full`, or `anonymous` for a visitor who sent Global Privacy Control.
    pub consent: String,
    pub schema_version: String,
    /// When the processor wrote the row (RFC 3339 UTC).
    pub processed_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RawEvent {
        RawEvent {
            schema: RAW_SCHEMA_V1.into(),
            event_id: "req-1".into(),
            visitor_id: Some("10d1fa9c9fd39cff44c88bd551b1ab4dfe92b3da".into()),
            session_id: None,
            new_visitor: true,
            new_session: false,
            timestamp: "2018-12-16T16:03:04.000Z".into(),
            ip: Some("192.0.2.1".into()),
            method: "GET".into(),
            url: "https://www.project-a.com/en/career?gh_jid=1&gh_jid=2".into(),
            host: "www.project-a.com".into(),
            path: vec!["en".into(), "career".into()],
            query: vec![
                QueryParam {
                    param: "gh_jid".into(),
                    value: "1".into(),
                },
                QueryParam {
                    param: "gh_jid".into(),
                    value: "2".into(),
                },
            ],
            referrer: None,
            language: Some("en".into()),
            ua: None,
            status: 200,
            cache: Some("MISS".into()),
            pop: None,
            purpose: None,
            gpc: false,
            dnt: false,
            edge_geo: Some(EdgeGeo {
                country: Some("DE".into()),
                asn: Some(3320),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn serializes_every_field_by_its_contract_name() {
        let json = serde_json::to_value(sample()).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for field in [
            "schema",
            "event_id",
            "visitor_id",
            "session_id",
            "new_visitor",
            "new_session",
            "timestamp",
            "ip",
            "method",
            "url",
            "host",
            "path",
            "query",
            "referrer",
            "language",
            "ua",
            "status",
            "cache",
            "pop",
            "purpose",
            "gpc",
            "dnt",
            "edge_geo",
        ] {
            assert!(keys.contains(&field), "missing {field} in {keys:?}");
        }
        assert_eq!(keys.len(), 23);
        assert_eq!(
            json["query"][1],
            serde_json::json!({"param": "gh_jid", "value": "2"})
        );
        assert_eq!(json["session_id"], serde_json::Value::Null);
        assert_eq!(json["edge_geo"]["asn"], 3320);
    }

    #[test]
    fn round_trips_through_json() {
        let event = sample();
        let back: RawEvent = serde_json::from_str(&serde_json::to_string(&event).unwrap()).unwrap();
        assert_eq!(back, event);
    }
}
