//! A decoded [`Hit`] → an [`EnrichedEvent`]: user agent, bots, location and attribution added,
//! IP address and user agent left behind.

pub mod bots;
pub mod campaign;
pub mod geo;
pub mod user_agent;

use crate::decode::{format_timestamp, Hit};
use bots::{Bot, Crawlers};
use footfall_event::{EnrichedEvent, ENRICHED_SCHEMA_V1};
use geo::{GeoDatabase, Location};
use lru::LruCache;
use std::num::NonZeroUsize;
use std::sync::Arc;
use user_agent::{Parsed, UserAgentParser};

/// Everything enrichment needs, built once per process (the Lambda's cold start).
pub struct Enricher {
    user_agents: UserAgentParser,
    crawlers: Crawlers,
    geo: Option<GeoDatabase>,
    /// What each recently seen user agent says. Real traffic repeats a few hundred user agents,
    /// and parsing plus crawler matching is most of the work per event.
    agents: Option<LruCache<String, Arc<Agent>>>,
}

/// What one user agent string says.
#[derive(Debug, Default)]
struct Agent {
    parsed: Parsed,
    bot: Option<Bot>,
}

impl Enricher {
    /// `cache_size` user agents are cached (0: none).
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
            agents,
        }
    }

    fn agent(&mut self, ua: &str) -> Arc<Agent> {
        if let Some(hit) = self.agents.as_mut().and_then(|cache| cache.get(ua)) {
            return hit.clone();
        }
        let agent = Arc::new(Agent {
            parsed: self.user_agents.parse(ua),
            bot: self.crawlers.recognise(ua),
        });
        if let Some(cache) = self.agents.as_mut() {
            cache.put(ua.to_string(), agent.clone());
        }
        agent
    }

    /// Enriches one hit. `processed_at` is the batch's processing time (RFC 3339).
    pub fn enrich(&mut self, hit: Hit, processed_at: &str) -> EnrichedEvent {
        let agent = hit
            .ua
            .as_deref()
            .map(|ua| self.agent(ua))
            .unwrap_or_default();
        let (parsed, bot) = (&agent.parsed, &agent.bot);
        let is_bot = bot.is_some() || parsed.is_spider();
        let location = self.locate(&hit);
        let attribution = campaign::attribute(&hit.query, hit.referrer.as_deref(), &hit.host);
        EnrichedEvent {
            event_id: hit.event_id,
            consent: if hit.gpc && hit.visitor_id.is_none() {
                "anonymous"
            } else {
                "full"
            }
            .to_string(),
            visitor_id: hit.visitor_id,
            session_id: hit.session_id,
            new_visitor: hit.new_visitor,
            new_session: hit.new_session,
            timestamp: format_timestamp(hit.timestamp),
            url: hit.url,
            host: hit.host,
            path: hit.path,
            query: hit.query,
            referrer: hit.referrer,
            referrer_host: attribution.referrer_host,
            referrer_medium: attribution.referrer_medium.to_string(),
            utm_source: attribution.utm_source,
            utm_medium: attribution.utm_medium,
            utm_campaign: attribution.utm_campaign,
            utm_term: attribution.utm_term,
            utm_content: attribution.utm_content,
            click_id: attribution.click_id,
            language: hit.language,
            browser_family: parsed.browser_family.clone(),
            browser_version: parsed.browser_version.clone(),
            os_family: parsed.os_family.clone(),
            os_version: parsed.os_version.clone(),
            device_family: parsed.device_family.clone(),
            // uap-core's convention, which the article's query relies on: a bot's brand is Spider.
            device_brand: if is_bot {
                Some("Spider".into())
            } else {
                parsed.device_brand.clone()
            },
            device_model: parsed.device_model.clone(),
            is_bot,
            bot_name: bot
                .as_ref()
                .map(|b| b.name.clone())
                .or_else(|| is_bot.then(|| parsed.browser_family.clone()).flatten()),
            bot_category: is_bot.then(|| {
                bot.as_ref()
                    .map_or("other", |b| b.category.as_str())
                    .to_string()
            }),
            country_iso_code: location.country_iso_code,
            country_name: location.country_name,
            subdivisions_iso_code: location.subdivisions_iso_code,
            subdivisions_name: location.subdivisions_name,
            city_name: location.city_name,
            method: hit.method,
            status: hit.status,
            cache: hit.cache,
            pop: hit.pop,
            purpose: hit.purpose,
            schema_version: ENRICHED_SCHEMA_V1.to_string(),
            processed_at: processed_at.to_string(),
        }
    }

    /// From the GeoIP database when there is one, else from the edge's own lookup.
    fn locate(&self, hit: &Hit) -> Location {
        match &self.geo {
            Some(db) => hit
                .ip
                .as_deref()
                .and_then(|ip| ip.parse().ok())
                .and_then(|ip| db.locate(ip).ok())
                .unwrap_or_default(),
            None => hit
                .edge_geo
                .as_ref()
                .map(|g| Location {
                    country_iso_code: g.country.clone(),
                    country_name: None,
                    subdivisions_iso_code: g.region.clone(),
                    subdivisions_name: None,
                    city_name: g.city.clone(),
                })
                .unwrap_or_default(),
        }
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
        let boxford = locate("2.125.160.216");
        assert_eq!(
            (
                boxford.subdivisions_iso_code.as_deref(),
                boxford.subdivisions_name.as_deref(),
                boxford.city_name.as_deref()
            ),
            (Some("WBK"), Some("West Berkshire"), Some("Boxford"))
        );
        let linkoping = locate("89.160.20.128");
        assert_eq!(
            (
                linkoping.country_iso_code.as_deref(),
                linkoping.city_name.as_deref()
            ),
            (Some("SE"), Some("Linköping"))
        );
        let unknown = locate("1.2.3.4");
        assert_eq!((unknown.country_iso_code, unknown.city_name), (None, None));
        let garbage = locate("not-an-ip");
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
        assert!(google.is_bot);
        assert_eq!(google.device_brand.as_deref(), Some("Spider"));
        assert_eq!(google.bot_category.as_deref(), Some("search"));
        let gpt = enrich_ua("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)");
        assert_eq!(
            (
                gpt.is_bot,
                gpt.bot_name.as_deref(),
                gpt.bot_category.as_deref()
            ),
            (true, Some("GPTBot"), Some("ai_crawler"))
        );
        assert_eq!(gpt.device_brand.as_deref(), Some("Spider"));
        let human = enrich_ua(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        );
        assert!(!human.is_bot && human.bot_category.is_none() && human.bot_name.is_none());
    }

    #[test]
    fn without_a_database_the_edges_geo_is_used() {
        let mut hit = decode(ARTICLE_EVENT.as_bytes()).unwrap();
        hit.edge_geo = Some(EdgeGeo {
            country: Some("DE".into()),
            region: Some("SN".into()),
            city: Some("Dresden".into()),
            asn: None,
        });
        let event = enricher(false).enrich(hit, "");
        assert_eq!(
            (
                event.country_iso_code.as_deref(),
                event.subdivisions_iso_code.as_deref(),
                event.city_name.as_deref()
            ),
            (Some("DE"), Some("SN"), Some("Dresden"))
        );
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
            let hit = decode(record.as_bytes()).unwrap();
            assert_eq!(
                cached.enrich(hit.clone(), ""),
                uncached.enrich(hit, ""),
                "{ua}"
            );
        }
    }

    #[test]
    fn gpc_visitors_without_ids_are_marked_anonymous() {
        let mut hit = decode(ARTICLE_EVENT.as_bytes()).unwrap();
        (hit.gpc, hit.visitor_id, hit.session_id) = (true, None, None);
        assert_eq!(enricher(false).enrich(hit, "").consent, "anonymous");
    }
}
