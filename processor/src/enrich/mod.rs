//! A decoded [`RawEvent`] → an [`EnrichedEvent`]: its page request passes through, user agent,
//! bots, location and attribution are added, IP address and user agent are left behind.

pub mod bots;
pub mod campaign;
pub mod geo;
pub mod range_lists;
pub mod uap_suites;
pub mod user_agent;
pub mod verify;

use bots::{fastly_category, Crawlers, KnownCrawler};
use footfall_bots::{claimed_operator, Operator, Ranges};
use footfall_event::{
    Bot, BotCategory, Client, Consent, EnrichedEvent, Location, RawEvent, ENRICHED_SCHEMA_V1,
};
use geo::GeoDatabase;
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::Arc;
use user_agent::{is_spider, UserAgentParser};

/// Everything enrichment needs, built once per process (the Lambda's cold start).
pub struct Enricher {
    user_agents: UserAgentParser,
    crawlers: Crawlers,
    geo: Option<GeoDatabase>,
    /// Crawler operators' published IP ranges, for events whose full address the edge left
    /// unchecked.
    ranges: Ranges,
    /// What each recently seen user agent says. Real traffic repeats a few hundred user agents,
    /// and parsing plus crawler matching is most of the work per event.
    agents: Option<LruCache<String, Arc<Agent>>>,
}

/// What one user agent string says.
#[derive(Debug, Default)]
struct Agent {
    client: Client,
    crawler: Option<KnownCrawler>,
    /// The crawler operator the user agent claims to be, if any (checked per event: the
    /// address differs).
    operator: Option<&'static Operator>,
}

impl Enricher {
    /// `cache_size` user agents are cached (0: none). Crawlers are checked against the bundled
    /// ranges.
    pub fn new(
        user_agents: UserAgentParser,
        crawlers: Crawlers,
        geo: Option<GeoDatabase>,
        cache_size: usize,
    ) -> Self {
        let agents = NonZeroUsize::new(cache_size).map(LruCache::new);
        Enricher {
            user_agents,
            crawlers,
            geo,
            ranges: Ranges::bundled(),
            agents,
        }
    }

    /// Checks crawlers against `ranges` (the bundled ones plus lists read at start) instead.
    pub fn with_bot_ranges(mut self, ranges: Ranges) -> Self {
        self.ranges = ranges;
        self
    }

    pub fn user_agents(&self) -> &UserAgentParser {
        &self.user_agents
    }

    pub fn crawlers(&self) -> &Crawlers {
        &self.crawlers
    }

    fn agent(&mut self, ua: &str) -> Arc<Agent> {
        if let Some(hit) = self.agents.as_mut().and_then(|cache| cache.get(ua)) {
            return hit.clone();
        }
        let agent = Arc::new(Agent {
            client: self.user_agents.parse(ua),
            crawler: self.crawlers.recognise(ua),
            operator: claimed_operator(ua),
        });
        if let Some(cache) = self.agents.as_mut() {
            cache.put(ua.to_string(), agent.clone());
        }
        agent
    }

    /// Enriches one event. `processed_at` is the batch's processing time (RFC 3339).
    pub fn enrich(&mut self, event: RawEvent, processed_at: &str) -> EnrichedEvent {
        let agent = event
            .ua
            .as_deref()
            .map(|ua| self.agent(ua))
            .unwrap_or_default();
        // A bot by its user agent, by Fastly's detection (even behind a browser's user agent),
        // or by its own signature.
        let fastly = event.fastly_bot.as_ref().filter(|bot| bot.detected);
        let spider = is_spider(&agent.client);
        let is_bot =
            agent.crawler.is_some() || spider || fastly.is_some() || event.signature.bot_signed;
        let mut client = agent.client.clone();
        if is_bot {
            // uap-core's convention, which the article's query relies on: a bot's brand is Spider.
            client.device_brand = Some("Spider".into());
        }
        let (bot_name, bot_category) = match (&agent.crawler, fastly) {
            (Some(crawler), _) => (Some(crawler.name.clone()), Some(crawler.category)),
            (None, Some(fastly)) => (
                fastly.name.clone(),
                Some(
                    fastly
                        .category
                        .as_deref()
                        .map_or(BotCategory::Other, fastly_category),
                ),
            ),
            (None, None) if is_bot => (
                spider
                    .then(|| agent.client.browser_family.clone())
                    .flatten()
                    .or_else(|| event.signature.bot_signature_agent.clone()),
                Some(BotCategory::Other),
            ),
            (None, None) => (None, None),
        };
        let bot = Bot {
            is_bot,
            bot_name,
            bot_category,
            verification: verify::verify(&self.ranges, agent.operator, &event),
            signature: event.signature.clone(),
        };
        let request = event.request;
        EnrichedEvent {
            attribution: campaign::attribute(
                &request.query,
                request.referrer.as_deref(),
                &request.host,
            ),
            location: self.locate(event.ip.as_deref(), event.edge_geo.as_ref()),
            consent: if event.gpc && request.visitor_id.is_none() {
                Consent::Anonymous
            } else {
                Consent::Full
            },
            request,
            client,
            bot,
            schema_version: ENRICHED_SCHEMA_V1.to_string(),
            processed_at: processed_at.to_string(),
        }
    }

    /// From the GeoIP database on the address the event has (by default its /24 or /48),
    /// else, when there is no database or it does not know the address, from the edge's own
    /// lookup (made on the full address at the POP).
    fn locate(&self, ip: Option<&str>, edge_geo: Option<&footfall_event::EdgeGeo>) -> Location {
        let from_database = self
            .geo
            .as_ref()
            .zip(ip.and_then(|ip| ip.parse().ok()))
            .and_then(|(db, ip)| db.locate(ip).ok())
            .filter(|location| location.country_iso_code.is_some());
        from_database.unwrap_or_else(|| {
            edge_geo
                .map(|g| Location {
                    country_iso_code: g.country.clone(),
                    subdivisions_iso_code: g.region.clone(),
                    city_name: g.city.clone(),
                    ..Location::default()
                })
                .unwrap_or_default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{decode, tests::ARTICLE_EVENT};
    use crate::test_data::geoip_city_test_db;
    use footfall_event::EdgeGeo;

    fn enricher(geo: bool) -> Enricher {
        let db = geo.then(|| GeoDatabase::open(&geoip_city_test_db()).unwrap());
        Enricher::new(
            UserAgentParser::new(user_agent::BUNDLED_REGEXES).unwrap(),
            Crawlers::new(bots::BUNDLED_CRAWLERS).unwrap(),
            db,
            100,
        )
    }

    #[test]
    fn the_articles_event_gets_the_articles_columns() {
        let event = enricher(true).enrich(
            decode(ARTICLE_EVENT.as_bytes()).unwrap(),
            "2026-11-30T12:00:00.000Z",
        );
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["browser_family"], "Chrome");
        assert_eq!(json["browser_version"], "70");
        assert_eq!(json["os_family"], "Mac OS X");
        assert_eq!(json["os_version"], "10");
        assert_eq!(
            json["query"][0],
            serde_json::json!({"param": "gh_jid", "value": "4082751002"})
        );
        assert_eq!(json["utm_source"], "linkedin");
        assert_eq!(json["referrer_medium"], "social");
        assert_eq!(json["is_bot"], false);
        assert_eq!(json["consent"], "full");
        assert_eq!(json["schema_version"], "footfall.enriched.v1");
        // 81.2.69.142 in MaxMind's test database (source-data/GeoIP2-City-Test.json).
        assert_eq!(json["country_iso_code"], "GB");
        assert_eq!(json["country_name"], "United Kingdom");
        assert_eq!(json["subdivisions_iso_code"], "ENG");
        assert_eq!(json["subdivisions_name"], "England");
        assert_eq!(json["city_name"], "London");
        // Personal data is gone.
        let text = serde_json::to_string(&event).unwrap();
        assert!(
            !text.contains("81.2.69.142") && !text.contains("Mozilla"),
            "{text}"
        );
        assert!(json.get("ip").is_none() && json.get("ua").is_none());
    }

    #[test]
    fn geo_fields_match_maxminds_source_data() {
        // The most specific subdivision wins: Boxford is in West Berkshire, England.
        let mut enricher = enricher(true);
        let mut locate = |ip: &str| {
            let record = ARTICLE_EVENT.replace("81.2.69.142", ip);
            enricher.enrich(decode(record.as_bytes()).unwrap(), "")
        };
        let boxford = locate("2.125.160.216").location;
        assert_eq!(
            (
                boxford.subdivisions_iso_code.as_deref(),
                boxford.subdivisions_name.as_deref(),
                boxford.city_name.as_deref()
            ),
            (Some("WBK"), Some("West Berkshire"), Some("Boxford"))
        );
        let linkoping = locate("89.160.20.128").location;
        assert_eq!(
            (
                linkoping.country_iso_code.as_deref(),
                linkoping.city_name.as_deref()
            ),
            (Some("SE"), Some("Linköping"))
        );
        let unknown = locate("1.2.3.4").location;
        assert_eq!((unknown.country_iso_code, unknown.city_name), (None, None));
        let garbage = locate("not-an-ip").location;
        assert_eq!(garbage.country_iso_code, None);
    }

    #[test]
    fn bots_are_flagged_with_the_articles_spider_brand_never_dropped() {
        let mut enricher = enricher(false);
        let mut enrich_ua = |ua: &str| {
            let record = ARTICLE_EVENT.replace(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Safari/537.36",
                ua,
            );
            enricher.enrich(decode(record.as_bytes()).unwrap(), "")
        };
        let google =
            enrich_ua("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
        assert!(google.bot.is_bot);
        assert_eq!(google.client.device_brand.as_deref(), Some("Spider"));
        assert_eq!(google.bot.bot_category, Some(BotCategory::Search));
        let gpt = enrich_ua("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)");
        assert_eq!(
            (
                gpt.bot.is_bot,
                gpt.bot.bot_name.as_deref(),
                gpt.bot.bot_category
            ),
            (true, Some("GPTBot"), Some(BotCategory::AiCrawler))
        );
        assert_eq!(gpt.client.device_brand.as_deref(), Some("Spider"));
        let human = enrich_ua(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        );
        assert_eq!(human.bot, Bot::default());
        assert_eq!(human.client.browser_family.as_deref(), Some("Firefox"));
    }

    #[test]
    fn without_a_database_the_edges_geo_is_used() {
        let mut raw = decode(ARTICLE_EVENT.as_bytes()).unwrap();
        raw.edge_geo = Some(EdgeGeo {
            country: Some("DE".into()),
            region: Some("SN".into()),
            city: Some("Dresden".into()),
            asn: None,
        });
        let location = enricher(false).enrich(raw, "").location;
        assert_eq!(
            (
                location.country_iso_code.as_deref(),
                location.subdivisions_iso_code.as_deref(),
                location.city_name.as_deref()
            ),
            (Some("DE"), Some("SN"), Some("Dresden"))
        );
    }

    #[test]
    fn the_edges_geo_fills_in_where_the_database_knows_nothing() {
        let dresden = EdgeGeo {
            country: Some("DE".into()),
            region: Some("SN".into()),
            city: Some("Dresden".into()),
            asn: None,
        };
        let mut enricher = enricher(true);
        let mut locate = |ip: &str| {
            let mut raw = decode(ARTICLE_EVENT.replace("81.2.69.142", ip).as_bytes()).unwrap();
            raw.edge_geo = Some(dresden.clone());
            enricher.enrich(raw, "").location
        };
        // An address the database knows: its answer wins.
        assert_eq!(locate("81.2.69.142").city_name.as_deref(), Some("London"));
        // Loopback (the tests' and the demo's visitors): only the edge knows.
        let local = locate("127.0.0.9");
        assert_eq!(
            (
                local.country_iso_code.as_deref(),
                local.city_name.as_deref()
            ),
            (Some("DE"), Some("Dresden"))
        );
    }

    #[test]
    fn a_bot_fastly_detects_behind_a_browser_user_agent_gets_fastlys_name_and_category() {
        let mut raw = decode(ARTICLE_EVENT.as_bytes()).unwrap();
        raw.fastly_bot = Some(footfall_event::FastlyBot {
            detected: true,
            name: Some("HeadlessScraper".into()),
            category: Some("AI-CRAWLER".into()),
            verified: Some(false),
        });
        let bot = enricher(false).enrich(raw, "").bot;
        assert_eq!(
            (bot.is_bot, bot.bot_name.as_deref(), bot.bot_category),
            (true, Some("HeadlessScraper"), Some(BotCategory::AiCrawler))
        );
        // It names no operator, so Fastly's "not verified" does not make it a spoof.
        assert_eq!(bot.verification.bot_verified, None);
    }

    #[test]
    fn a_signed_request_is_a_bot_named_by_its_agent() {
        let mut raw = decode(ARTICLE_EVENT.as_bytes()).unwrap();
        raw.signature = footfall_event::BotSignature {
            bot_signed: true,
            bot_signature_agent: Some("https://chatgpt.com".into()),
        };
        let bot = enricher(false).enrich(raw, "").bot;
        assert_eq!(
            (bot.is_bot, bot.bot_name.as_deref(), bot.bot_category),
            (true, Some("https://chatgpt.com"), Some(BotCategory::Other))
        );
        assert!(bot.signature.bot_signed);
    }

    #[test]
    fn cached_and_uncached_enrichment_agree() {
        let db = || Some(GeoDatabase::open(&geoip_city_test_db()).unwrap());
        let build = |cache| {
            Enricher::new(
                UserAgentParser::new(user_agent::BUNDLED_REGEXES).unwrap(),
                Crawlers::new(bots::BUNDLED_CRAWLERS).unwrap(),
                db(),
                cache,
            )
        };
        let (mut cached, mut uncached) = (build(1), build(0));
        for ua in [
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "curl/8.0",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        ] {
            let record = ARTICLE_EVENT.replace("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Safari/537.36", ua);
            let raw = decode(record.as_bytes()).unwrap();
            assert_eq!(
                cached.enrich(raw.clone(), ""),
                uncached.enrich(raw, ""),
                "{ua}"
            );
        }
    }

    #[test]
    fn gpc_visitors_without_ids_are_marked_anonymous() {
        let mut raw = decode(ARTICLE_EVENT.as_bytes()).unwrap();
        (raw.gpc, raw.request.visitor_id, raw.request.session_id) = (true, None, None);
        assert_eq!(enricher(false).enrich(raw, "").consent, Consent::Anonymous);
    }
}
