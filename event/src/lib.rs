//! The contract between footfall's edge and its processor: every field of an event is defined
//! here, once.
//!
//! The edge writes one [`RawEvent`] per tracked page request, as one JSON object per Kinesis
//! record. Field names and meaning follow the server-side collector of "Server-side tracking:
//! surprisingly easy", the article footfall started from, so events from an origin collector and
//! from the edge land in the same table; what only the edge knows (status, cache, POP, privacy
//! signals, Fastly geo) is added.
//!
//! The processor turns each into an [`EnrichedEvent`]: the [`PageRequest`] passes through
//! unchanged, next to what enrichment adds ([`Attribution`], [`Client`], [`Bot`],
//! [`Location`]). Each group is a struct flattened into the event by serde, so a field that
//! reaches the warehouse is named once, and the warehouse schema is generated from these types
//! (their [`schemars::JsonSchema`]).
//!
//! Types and serde only: no I/O, so both the wasm edge and the native processor depend on it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The value of [`RawEvent::schema`] for this version of the contract.
pub const RAW_SCHEMA_V1: &str = "footfall.raw.v1";

/// The value of [`EnrichedEvent::schema_version`] for this version of the contract.
pub const ENRICHED_SCHEMA_V1: &str = "footfall.enriched.v1";

/// A request header that names the request's time (Unix milliseconds) in local runs: the demo's
/// traffic generator sends it, and the edge honours it only when configured to and never on
/// Fastly (`edge/src/clock.rs`).
pub const CLOCK_HEADER: &str = "footfall-clock";

/// What the edge records of one page request that reaches the warehouse as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PageRequest {
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
    #[schemars(extend("format" = "date-time"))]
    pub timestamp: String,
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
    /// HTTP method. Required in `footfall.raw.v1` (the processor rejects an event without
    /// it); the article's collector format has none.
    pub method: Option<String>,
    /// Status of the response the client was sent. Required in `footfall.raw.v1`, like
    /// `method`; the article's collector format has none.
    pub status: Option<u16>,
    /// `HIT`, `MISS` or `PASS` where the edge knows.
    pub cache: Option<String>,
    /// The Fastly POP that served the request.
    pub pop: Option<String>,
    /// `prefetch` or `prerender`, from `Sec-Purpose` or `Purpose`.
    pub purpose: Option<String>,
}

/// One page request as the edge saw it (`footfall.raw.v1`): the [`PageRequest`], and what the
/// processor needs to enrich it but never stores (IP address, user agent) or only interprets.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RawEvent {
    /// Always [`RAW_SCHEMA_V1`]; tells edge events from the article's collector format.
    pub schema: String,
    #[serde(flatten)]
    pub request: PageRequest,
    /// Client IP as the edge sees the connection (never `X-Forwarded-For`), as much of it as
    /// the edge's `ip_mode` and the visitor's consent allow: by default cut to its /24 (IPv4)
    /// or /48 (IPv6) network, so no full address leaves the edge ([`RawEvent::ip_precision`]).
    pub ip: Option<String>,
    /// The `User-Agent` header.
    pub ua: Option<String>,
    /// The browser sent `Sec-GPC: 1` (Global Privacy Control).
    pub gpc: bool,
    /// The browser sent `DNT: 1`.
    pub dnt: bool,
    /// Fastly's own geo lookup of the client IP, where available.
    pub edge_geo: Option<EdgeGeo>,
    /// How much of the client's address `ip` holds; `None` in events that do not say (written
    /// before it was recorded), which are then never range-checked.
    pub ip_precision: Option<IpPrecision>,
    /// The edge's check of a crawler's claim, on the full client IP; empty when it made none.
    #[serde(flatten)]
    pub verification: BotVerification,
    /// Fastly's own bot detection of the request; `None` when Fastly did not analyse it.
    pub fastly_bot: Option<FastlyBot>,
    /// Whether the request is signed as a bot (Web Bot Auth), and by whom.
    #[serde(flatten)]
    pub signature: BotSignature,
}

/// What Fastly's bot detection said of a request it analysed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FastlyBot {
    /// Fastly detected a bot.
    pub detected: bool,
    /// The bot as Fastly names it (`GoogleBot`, `GPTBot`, ...); Fastly says its names may
    /// change, so they are recorded, not matched on.
    pub name: Option<String>,
    /// Fastly's category, as Fastly writes it (`SEARCH-ENGINE-CRAWLER`, `AI-CRAWLER`, ...).
    pub category: Option<String>,
    /// Fastly verified the bot is who it claims to be; `None` when it did not say.
    pub verified: Option<bool>,
}

/// A bot's own signature of its request (Web Bot Auth: HTTP Message Signatures, RFC 9421,
/// with a `Signature-Agent` header, as in the IETF webbotauth drafts). Recorded as sent: the
/// signature itself is not verified.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BotSignature {
    /// The request carries `Signature` and a `Signature-Input` tagged `web-bot-auth`; absent in
    /// events written before it was recorded, which read as `false`.
    #[serde(default)]
    pub bot_signed: bool,
    /// The agent the signature names, from `Signature-Agent` (a URL such as
    /// `https://chatgpt.com`), as sent.
    pub bot_signature_agent: Option<String>,
}

/// How much of the client's IP address an event carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum IpPrecision {
    #[serde(rename = "full")]
    Full,
    /// IPv4 cut to its /24 network.
    #[serde(rename = "/24")]
    Slash24,
    /// IPv6 cut to its /48 network.
    #[serde(rename = "/48")]
    Slash48,
    /// No address at all.
    #[serde(rename = "none")]
    None,
}

/// A crawler's claim, checked: the operator its user agent names and whether that is proven.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BotVerification {
    /// The operator whose crawler the user agent claims to be (`Google`, `OpenAI`, ...).
    pub bot_operator: Option<String>,
    /// `true`: proven; `false`: the operator can be checked and the check failed (spoofed);
    /// `null`: nothing to check against (no claim, no ranges for the operator, or no full IP).
    pub bot_verified: Option<bool>,
    /// How the claim was checked, when it was.
    pub bot_verified_by: Option<VerifiedBy>,
}

/// What proved or disproved a crawler's claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerifiedBy {
    /// Fastly's bot detection, at the edge.
    Fastly,
    /// The client address against the operator's published IP ranges.
    IpRanges,
}

/// One query parameter; a list of these keeps order and repeats, unlike a map.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct QueryParam {
    pub param: String,
    pub value: String,
}

/// What Fastly's geolocation knows of the client IP.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EdgeGeo {
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// ISO 3166-2 subdivision code, without the country prefix.
    pub region: Option<String>,
    pub city: Option<String>,
    /// Autonomous system number of the client's network.
    pub asn: Option<u32>,
}

/// One page request after enrichment (`footfall.enriched.v1`): one row in BigQuery, one line in
/// the S3 archive. IP address and user agent are gone; what they told is in the columns.
///
/// The article's columns keep their names and meaning, so its example query runs unchanged: a
/// known bot has `device_brand = "Spider"` (uap-core's convention) and `is_bot = true`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EnrichedEvent {
    #[serde(flatten)]
    pub request: PageRequest,
    #[serde(flatten)]
    pub attribution: Attribution,
    #[serde(flatten)]
    pub client: Client,
    #[serde(flatten)]
    pub bot: Bot,
    #[serde(flatten)]
    pub location: Location,
    pub consent: Consent,
    /// Always [`ENRICHED_SCHEMA_V1`].
    pub schema_version: String,
    /// When the processor wrote the row (RFC 3339 UTC).
    #[schemars(extend("format" = "date-time"))]
    pub processed_at: String,
}

/// Where a visit came from: the referrer, utm parameters and ad click ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Attribution {
    /// Host of the referrer URL, lower-case.
    pub referrer_host: Option<String>,
    pub referrer_medium: Medium,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
    pub utm_term: Option<String>,
    pub utm_content: Option<String>,
    /// The first ad click id in the query (`gclid`, `msclkid`, `fbclid`, ...), as `name:value`.
    pub click_id: Option<String>,
}

/// The kind of source a visit came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    /// No referrer and no campaign.
    #[default]
    Direct,
    /// From the site itself.
    Internal,
    Search,
    Social,
    Email,
    /// An ad click id or a paid utm_medium.
    Paid,
    Other,
}

/// What the user agent says of the client, as uap-core's rules read it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Client {
    pub browser_family: Option<String>,
    /// Major version.
    pub browser_version: Option<String>,
    pub os_family: Option<String>,
    /// Major version.
    pub os_version: Option<String>,
    pub device_family: Option<String>,
    /// `Spider` for every known bot (uap-core's convention, which the article's query uses).
    pub device_brand: Option<String>,
    pub device_model: Option<String>,
}

/// Whether a crawler made the request, and which.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Bot {
    pub is_bot: bool,
    /// The crawler's name as its user agent gives it, e.g. `GPTBot`.
    pub bot_name: Option<String>,
    pub bot_category: Option<BotCategory>,
    #[serde(flatten)]
    pub verification: BotVerification,
    #[serde(flatten)]
    pub signature: BotSignature,
}

/// What a crawler is for, so a site owner can tell which ones bring readers and which take
/// content. Values are only ever added; one that exists keeps its meaning (README: "Bot
/// categories").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BotCategory {
    /// A search engine's crawler (Googlebot, bingbot, YandexBot).
    Search,
    /// Collects content for AI models (GPTBot, ClaudeBot, CCBot, Bytespider).
    AiCrawler,
    /// Fetches a page because a person asked an AI assistant to (ChatGPT-User, Claude-User...).
    AiAssistant,
    /// Indexes pages for an AI's search answers, which can link back (OAI-SearchBot,
    /// PerplexityBot, Claude-SearchBot). Before this value existed these were `ai_crawler`.
    AiSearch,
    /// Fetches a page to show a link's preview in a chat or social app (Slackbot,
    /// facebookexternalhit, Twitterbot). Before this value existed these were `other`.
    Preview,
    /// Search-engine optimisation tools (AhrefsBot, SemrushBot).
    Seo,
    /// Uptime and performance monitors (UptimeRobot, Pingdom).
    Monitor,
    Other,
}

/// Where the client is, from a GeoIP database or the edge's own lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Location {
    pub country_iso_code: Option<String>,
    pub country_name: Option<String>,
    /// The most specific subdivision (e.g. a county rather than its state).
    pub subdivisions_iso_code: Option<String>,
    pub subdivisions_name: Option<String>,
    pub city_name: Option<String>,
}

/// What the visitor allowed to be recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    /// Visitor and session ids and the full IP (before it is dropped).
    #[default]
    Full,
    /// The visitor sent Global Privacy Control: no ids, a truncated IP.
    Anonymous,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The names "Server-side tracking: surprisingly easy" gives its collector's fields: they
    /// are the contract's too.
    const ARTICLE_FIELDS: &[&str] = &[
        "visitor_id",
        "session_id",
        "timestamp",
        "ip",
        "url",
        "host",
        "path",
        "query",
        "referrer",
        "language",
        "ua",
    ];

    fn sample() -> RawEvent {
        RawEvent {
            schema: RAW_SCHEMA_V1.into(),
            request: PageRequest {
                event_id: "req-1".into(),
                visitor_id: Some("10d1fa9c9fd39cff44c88bd551b1ab4dfe92b3da".into()),
                timestamp: "2018-12-16T16:03:04.000Z".into(),
                method: Some("GET".into()),
                url: "https://www.project-a.com/en/career?gh_jid=1&gh_jid=2".into(),
                path: vec!["en".into(), "career".into()],
                query: ["1", "2"]
                    .map(|value| QueryParam {
                        param: "gh_jid".into(),
                        value: value.into(),
                    })
                    .to_vec(),
                status: Some(200),
                ..Default::default()
            },
            ip: Some("192.0.2.1".into()),
            edge_geo: Some(EdgeGeo {
                country: Some("DE".into()),
                asn: Some(3320),
                ..Default::default()
            }),
            fastly_bot: Some(FastlyBot {
                detected: true,
                name: Some("GoogleBot".into()),
                category: Some("SEARCH-ENGINE-CRAWLER".into()),
                verified: Some(true),
            }),
            ..Default::default()
        }
    }

    fn keys(value: &serde_json::Value) -> Vec<String> {
        value.as_object().unwrap().keys().cloned().collect()
    }

    /// The property names of `T`'s JSON schema, in order.
    fn schema_properties<T: JsonSchema>() -> Vec<String> {
        keys(&schemars::schema_for!(T).as_value()["properties"])
    }

    #[test]
    fn a_raw_event_has_the_articles_fields_and_flattens_its_request() {
        let json = serde_json::to_value(sample()).unwrap();
        let keys = keys(&json);
        for field in ARTICLE_FIELDS
            .iter()
            .chain(&["schema", "event_id", "status"])
        {
            assert!(
                keys.iter().any(|k| k == field),
                "missing {field} in {keys:?}"
            );
        }
        assert!(json.get("request").is_none(), "{json}");
        assert_eq!(json["query"][1], json!({"param": "gh_jid", "value": "2"}));
        assert_eq!(json["session_id"], serde_json::Value::Null);
        assert_eq!(json["edge_geo"]["asn"], 3320);
    }

    #[test]
    fn every_serialised_field_is_in_the_schema_in_the_same_order() {
        let raw = keys(&serde_json::to_value(sample()).unwrap());
        assert_eq!(raw, schema_properties::<RawEvent>());
        let enriched = keys(&serde_json::to_value(EnrichedEvent::default()).unwrap());
        assert_eq!(enriched, schema_properties::<EnrichedEvent>());
    }

    #[test]
    fn round_trips_through_json() {
        let event = sample();
        let back: RawEvent = serde_json::from_str(&serde_json::to_string(&event).unwrap()).unwrap();
        assert_eq!(back, event);
        let enriched = EnrichedEvent {
            request: event.request,
            bot: Bot {
                is_bot: true,
                bot_name: Some("GPTBot".into()),
                bot_category: Some(BotCategory::AiCrawler),
                verification: BotVerification {
                    bot_operator: Some("OpenAI".into()),
                    bot_verified: Some(false),
                    bot_verified_by: Some(VerifiedBy::IpRanges),
                },
                signature: BotSignature {
                    bot_signed: true,
                    bot_signature_agent: Some("https://chatgpt.com".into()),
                },
            },
            consent: Consent::Anonymous,
            ..Default::default()
        };
        let json = serde_json::to_value(&enriched).unwrap();
        assert_eq!(
            (
                &json["bot_category"],
                &json["consent"],
                &json["referrer_medium"]
            ),
            (&json!("ai_crawler"), &json!("anonymous"), &json!("direct"))
        );
        assert_eq!(
            serde_json::from_value::<EnrichedEvent>(json).unwrap(),
            enriched
        );
    }
}
