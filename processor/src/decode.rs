//! Raw record bytes → a [`RawEvent`]: the edge's `footfall.raw.v1` events, or the collector
//! format of "Server-side tracking: surprisingly easy" (an origin's event: `query` as an
//! object, no `schema`, no `event_id`, no method or status), mapped onto the same type.
//! Either way the timestamp comes out as RFC 3339 UTC with milliseconds.

use footfall_event::{IpPrecision, PageRequest, QueryParam, RawEvent, RAW_SCHEMA_V1};
use serde::Deserialize;
use sha1::{Digest, Sha1};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// What [`RawEvent::schema`] says of an event that came in the article's collector format.
pub const COLLECTOR_FORMAT: &str = "collector";

/// Why a record is not an event; the record goes to the dead letters with this reason.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("not a JSON object: {0}")]
    NotJson(serde_json::Error),
    #[error("not a footfall.raw.v1 event: {0}")]
    InvalidRaw(serde_json::Error),
    #[error("not a footfall.raw.v1 event: missing field `{0}`")]
    MissingField(&'static str),
    #[error("unknown schema {0:?}")]
    UnknownSchema(String),
    #[error("not a collector event: {0}")]
    InvalidCollector(serde_json::Error),
    #[error("timestamp {0:?} is not RFC 3339")]
    Timestamp(String),
}

/// The article's collector format (its PHP example).
#[derive(Deserialize)]
struct CollectorEvent {
    visitor_id: Option<String>,
    session_id: Option<String>,
    timestamp: String,
    ip: Option<String>,
    url: String,
    host: String,
    #[serde(default)]
    path: Vec<String>,
    /// An object in order (PHP's `$request->query()->toArray()`), or `[]` when empty.
    #[serde(default)]
    query: serde_json::Value,
    referrer: Option<String>,
    language: Option<String>,
    ua: Option<String>,
}

/// Just the `schema` field, to pick the format before decoding the record for real (cheaper
/// than building a `serde_json::Value` of the whole record).
#[derive(Deserialize)]
struct Schema<'a> {
    #[serde(borrow, default)]
    schema: Option<std::borrow::Cow<'a, str>>,
}

/// Decodes one record.
pub fn decode(bytes: &[u8]) -> Result<RawEvent, DecodeError> {
    let probe: Schema<'_> = serde_json::from_slice(bytes).map_err(DecodeError::NotJson)?;
    let mut event = match probe.schema.as_deref() {
        Some(RAW_SCHEMA_V1) => {
            let event: RawEvent = serde_json::from_slice(bytes).map_err(DecodeError::InvalidRaw)?;
            // Optional in the type only because the collector format has neither.
            if event.request.method.is_none() {
                return Err(DecodeError::MissingField("method"));
            }
            if event.request.status.is_none() {
                return Err(DecodeError::MissingField("status"));
            }
            event
        }
        Some(other) => return Err(DecodeError::UnknownSchema(other.to_string())),
        None => from_collector(
            serde_json::from_slice(bytes).map_err(DecodeError::InvalidCollector)?,
            bytes,
        )?,
    };
    let request = &mut event.request;
    request.timestamp = format_timestamp(parse_timestamp(&request.timestamp)?);
    Ok(event)
}

/// The one mapping of the collector format onto the contract; what it lacks stays empty.
fn from_collector(event: CollectorEvent, bytes: &[u8]) -> Result<RawEvent, DecodeError> {
    // An origin collector sees the whole client address.
    let ip = event.ip.filter(|ip| !ip.is_empty());
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let query = match &event.query {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(param, value)| QueryParam {
                param: param.clone(),
                value: text(value),
            })
            .collect(),
        serde_json::Value::Array(items) => {
            serde_json::from_value(serde_json::Value::Array(items.clone()))
                .map_err(DecodeError::InvalidCollector)?
        }
        _ => Vec::new(),
    };
    Ok(RawEvent {
        schema: COLLECTOR_FORMAT.to_string(),
        request: PageRequest {
            // No id in this format: the record's own bytes make one that is stable across retries.
            event_id: hex(&Sha1::digest(bytes)),
            visitor_id: event.visitor_id,
            session_id: event.session_id,
            timestamp: event.timestamp,
            url: event.url,
            host: event.host,
            path: event.path,
            query,
            referrer: event.referrer.filter(|r| !r.is_empty()),
            language: event.language,
            ..PageRequest::default()
        },
        ip_precision: Some(match ip {
            Some(_) => IpPrecision::Full,
            None => IpPrecision::None,
        }),
        ip,
        ua: event.ua,
        ..RawEvent::default()
    })
}

fn parse_timestamp(text: &str) -> Result<OffsetDateTime, DecodeError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| DecodeError::Timestamp(text.to_string()))
}

/// RFC 3339 in UTC with milliseconds: `2018-12-16T16:03:04.000Z`.
pub fn format_timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The article's example raw event, as its PHP collector sends it.
    pub const ARTICLE_EVENT: &str = r#"{
        "visitor_id": "10d1fa9c9fd39cff44c88bd551b1ab4dfe92b3da",
        "session_id": "9tv1phlqkl5kchajmb9k2j2434",
        "timestamp": "2018-12-16T16:03:04+00:00",
        "ip": "81.2.69.142",
        "url": "https://www.project-a.com/en/career/jobs/data-engineer-data-scientist-4082751002?gh_jid=4082751002&gh_src=9fcd30182&utm_medium=social&utm_source=linkedin&utm_campaign=buffer",
        "host": "www.project-a.com",
        "path": ["en", "career", "jobs", "data-engineer-data-scientist-4082751002"],
        "query": {"gh_jid": "4082751002", "gh_src": "9fcd30182", "utm_medium": "social", "utm_source": "linkedin", "utm_campaign": "buffer"},
        "referrer": null,
        "language": "en",
        "ua": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Safari/537.36"
    }"#;

    #[test]
    fn the_articles_collector_event_decodes_with_its_query_in_order() {
        let event = decode(ARTICLE_EVENT.as_bytes()).unwrap();
        let hit = &event.request;
        assert_eq!(hit.timestamp, "2018-12-16T16:03:04.000Z");
        let params: Vec<&str> = hit.query.iter().map(|q| q.param.as_str()).collect();
        assert_eq!(
            params,
            [
                "gh_jid",
                "gh_src",
                "utm_medium",
                "utm_source",
                "utm_campaign"
            ]
        );
        assert_eq!(hit.event_id.len(), 40);
        assert_eq!(
            hit.event_id,
            decode(ARTICLE_EVENT.as_bytes()).unwrap().request.event_id,
            "stable across retries"
        );
        assert_eq!((&hit.method, hit.status), (&None, None));
        assert_eq!(event.schema, COLLECTOR_FORMAT);
        assert_eq!(event.ip.as_deref(), Some("81.2.69.142"));
        assert!(event.ua.unwrap().contains("Chrome/70"));
    }

    /// An event as the edge writes it, with every field set: typed ones here, and every other
    /// one left `null` below is given a string.
    fn edge_event() -> serde_json::Value {
        let text = |name: &str| Some(format!("{name}-value"));
        let event = RawEvent {
            schema: RAW_SCHEMA_V1.into(),
            request: PageRequest {
                event_id: "req-1-1a2b3c4d".into(),
                visitor_id: text("visitor"),
                new_visitor: true,
                timestamp: "2026-11-30T12:00:00.500Z".into(),
                url: "https://example.com/a?x=1".into(),
                host: "example.com".into(),
                path: vec!["a".into()],
                query: vec![QueryParam {
                    param: "x".into(),
                    value: "1".into(),
                }],
                method: Some("GET".into()),
                status: Some(404),
                ..Default::default()
            },
            ip: Some("192.0.2.1".into()),
            ua: Some("curl/8.0".into()),
            dnt: true,
            ip_precision: Some(footfall_event::IpPrecision::Full),
            verification: footfall_event::BotVerification {
                bot_verified: Some(false),
                bot_verified_by: Some(footfall_event::VerifiedBy::IpRanges),
                ..Default::default()
            },
            edge_geo: Some(footfall_event::EdgeGeo {
                country: Some("DE".into()),
                asn: Some(3320),
                ..Default::default()
            }),
            fastly_bot: Some(footfall_event::FastlyBot {
                detected: true,
                name: text("fastly_bot_name"),
                category: text("fastly_bot_category"),
                verified: Some(false),
            }),
            signature: footfall_event::BotSignature {
                bot_signed: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let mut json = serde_json::to_value(event).unwrap();
        for (key, value) in json.as_object_mut().unwrap() {
            if value.is_null() {
                *value = text(key).into();
            }
        }
        json
    }

    #[test]
    fn an_edge_event_decodes_field_for_field() {
        let expected = edge_event();
        let mut sent = expected.clone();
        sent["timestamp"] = "2026-11-30T13:00:00.5+01:00".into();
        let event = decode(sent.to_string().as_bytes()).unwrap();
        assert_eq!(serde_json::to_value(&event).unwrap(), expected);
    }

    #[test]
    fn an_edge_event_from_before_the_crawler_fields_still_decodes() {
        let mut json = edge_event();
        let fields = json.as_object_mut().unwrap();
        for added in [
            "ip_precision",
            "bot_operator",
            "bot_verified",
            "bot_verified_by",
            "fastly_bot",
            "bot_signed",
            "bot_signature_agent",
        ] {
            fields.remove(added);
        }
        let event = decode(json.to_string().as_bytes()).unwrap();
        assert!(!event.signature.bot_signed);
        assert_eq!((event.fastly_bot, event.ip_precision), (None, None));
    }

    #[test]
    fn a_v1_event_without_method_or_status_is_rejected() {
        for field in ["method", "status"] {
            let mut json = edge_event();
            json.as_object_mut().unwrap().remove(field);
            let error = decode(json.to_string().as_bytes()).unwrap_err().to_string();
            assert_eq!(
                error,
                format!("not a footfall.raw.v1 event: missing field `{field}`")
            );
            json[field] = serde_json::Value::Null;
            let error = decode(json.to_string().as_bytes()).unwrap_err().to_string();
            assert!(
                error.starts_with("not a footfall.raw.v1 event"),
                "{field}: null: {error}"
            );
        }
    }

    #[test]
    fn an_empty_php_query_is_an_empty_array() {
        let event = ARTICLE_EVENT.replace(
            r#"{"gh_jid": "4082751002", "gh_src": "9fcd30182", "utm_medium": "social", "utm_source": "linkedin", "utm_campaign": "buffer"}"#,
            "[]",
        );
        assert_eq!(decode(event.as_bytes()).unwrap().request.query, vec![]);
    }

    #[test]
    fn timestamps_with_offsets_become_utc() {
        let event =
            ARTICLE_EVENT.replace("2018-12-16T16:03:04+00:00", "2018-12-16T17:03:04.5+01:00");
        assert_eq!(
            decode(event.as_bytes()).unwrap().request.timestamp,
            "2018-12-16T16:03:04.500Z"
        );
    }

    #[test]
    fn bad_records_say_why() {
        let reason = |bytes: &[u8]| decode(bytes).unwrap_err().to_string();
        assert!(reason(b"\xff\xfe").starts_with("not a JSON object"));
        assert!(reason(b"{\"schema\": \"footfall.raw.v9\"}").starts_with("unknown schema"));
        assert!(
            reason(b"{\"schema\": \"footfall.raw.v1\", \"event_id\": 1}")
                .starts_with("not a footfall.raw.v1 event")
        );
        assert!(reason(b"{\"url\": \"x\"}").starts_with("not a collector event"));
        let bad_time = ARTICLE_EVENT.replace("2018-12-16T16:03:04+00:00", "yesterday");
        assert_eq!(
            reason(bad_time.as_bytes()),
            "timestamp \"yesterday\" is not RFC 3339"
        );
    }
}
