//! Raw record bytes → a [`Hit`]: the edge's `footfall.raw.v1` events, or the article's
//! collector format (a backend's event: `query` as an object, no `schema`, no `event_id`).

use footfall_event::{EdgeGeo, QueryParam, RawEvent, RAW_SCHEMA_V1};
use serde::Deserialize;
use sha1::{Digest, Sha1};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// One page request, whichever format it came in.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub event_id: String,
    pub visitor_id: Option<String>,
    pub session_id: Option<String>,
    pub new_visitor: bool,
    pub new_session: bool,
    pub timestamp: OffsetDateTime,
    pub ip: Option<String>,
    pub method: Option<String>,
    pub url: String,
    pub host: String,
    pub path: Vec<String>,
    pub query: Vec<QueryParam>,
    pub referrer: Option<String>,
    pub language: Option<String>,
    pub ua: Option<String>,
    pub status: Option<u16>,
    pub cache: Option<String>,
    pub pop: Option<String>,
    pub purpose: Option<String>,
    pub gpc: bool,
    pub edge_geo: Option<EdgeGeo>,
}

/// Why a record is not an event; the record goes to the dead letters with this reason.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("not a JSON object: {0}")]
    NotJson(serde_json::Error),
    #[error("not a footfall.raw.v1 event: {0}")]
    InvalidRaw(serde_json::Error),
    #[error("unknown schema {0:?}")]
    UnknownSchema(String),
    #[error("not a collector event: {0}")]
    InvalidCollector(serde_json::Error),
    #[error("timestamp {0:?} is not RFC 3339")]
    Timestamp(String),
}

/// The article's collector format.
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
pub fn decode(bytes: &[u8]) -> Result<Hit, DecodeError> {
    let probe: Schema<'_> = serde_json::from_slice(bytes).map_err(DecodeError::NotJson)?;
    match probe.schema.as_deref() {
        Some(RAW_SCHEMA_V1) => {
            from_raw(serde_json::from_slice(bytes).map_err(DecodeError::InvalidRaw)?)
        }
        Some(other) => Err(DecodeError::UnknownSchema(other.to_string())),
        None => from_collector(
            serde_json::from_slice(bytes).map_err(DecodeError::InvalidCollector)?,
            bytes,
        ),
    }
}

fn from_raw(raw: RawEvent) -> Result<Hit, DecodeError> {
    Ok(Hit {
        timestamp: parse_timestamp(&raw.timestamp)?,
        event_id: raw.event_id,
        visitor_id: raw.visitor_id,
        session_id: raw.session_id,
        new_visitor: raw.new_visitor,
        new_session: raw.new_session,
        ip: raw.ip,
        method: Some(raw.method),
        url: raw.url,
        host: raw.host,
        path: raw.path,
        query: raw.query,
        referrer: raw.referrer,
        language: raw.language,
        ua: raw.ua,
        status: Some(raw.status),
        cache: raw.cache,
        pop: raw.pop,
        purpose: raw.purpose,
        gpc: raw.gpc,
        edge_geo: raw.edge_geo,
    })
}

fn from_collector(event: CollectorEvent, bytes: &[u8]) -> Result<Hit, DecodeError> {
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
    Ok(Hit {
        // No id in this format: the record's own bytes make one that is stable across retries.
        event_id: hex(&Sha1::digest(bytes)),
        timestamp: parse_timestamp(&event.timestamp)?,
        visitor_id: event.visitor_id,
        session_id: event.session_id,
        new_visitor: false,
        new_session: false,
        ip: event.ip.filter(|ip| !ip.is_empty()),
        method: None,
        url: event.url,
        host: event.host,
        path: event.path,
        query,
        referrer: event.referrer.filter(|r| !r.is_empty()),
        language: event.language,
        ua: event.ua,
        status: None,
        cache: None,
        pop: None,
        purpose: None,
        gpc: false,
        edge_geo: None,
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
        let hit = decode(ARTICLE_EVENT.as_bytes()).unwrap();
        assert_eq!(format_timestamp(hit.timestamp), "2018-12-16T16:03:04.000Z");
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
            decode(ARTICLE_EVENT.as_bytes()).unwrap().event_id,
            "stable across retries"
        );
        assert_eq!((hit.method, hit.status), (None, None));
    }

    #[test]
    fn an_empty_php_query_is_an_empty_array() {
        let event = ARTICLE_EVENT.replace(
            r#"{"gh_jid": "4082751002", "gh_src": "9fcd30182", "utm_medium": "social", "utm_source": "linkedin", "utm_campaign": "buffer"}"#,
            "[]",
        );
        assert_eq!(decode(event.as_bytes()).unwrap().query, vec![]);
    }

    #[test]
    fn timestamps_with_offsets_become_utc() {
        let event =
            ARTICLE_EVENT.replace("2018-12-16T16:03:04+00:00", "2018-12-16T17:03:04.5+01:00");
        assert_eq!(
            format_timestamp(decode(event.as_bytes()).unwrap().timestamp),
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
