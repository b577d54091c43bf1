//! A plan of visits, drawn from a seed: who comes, when, from where, which pages they read, and
//! the crawlers in between. The same seed always gives the same plan, so a demo can be replayed
//! and a test knows what the pipeline must report. Planning does no I/O; [`crate::drive`] sends it.

use crate::agents::{address, Crawler, BROWSERS, CRAWLERS, LANGUAGES, PLACES};
use crate::site::{self, CONVERSION, PAGES};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};

const SECOND: u64 = 1_000;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
pub const DAY: u64 = 24 * HOUR;

/// Where a session comes from: what its landing request carries.
#[derive(Debug, PartialEq, Eq)]
pub struct Source {
    /// A short name for progress output and tests.
    pub name: &'static str,
    /// The `Referer` of the landing request.
    pub referrer: Option<&'static str>,
    /// Campaign parameters added to the landing page's URL.
    pub utm: Option<&'static str>,
    /// An ad click id parameter (`gclid`, ...) with a random value, for paid traffic.
    pub click_id: Option<&'static str>,
    /// The pages people from here land on.
    pub landings: &'static [&'static str],
    /// Share of sessions from here that end after the landing page (percent).
    pub bounce_percent: u32,
    weight: u32,
}

pub const SOURCES: &[Source] = &[
    Source {
        name: "direct",
        referrer: None,
        utm: None,
        click_id: None,
        landings: &["/", "/career/"],
        bounce_percent: 35,
        weight: 22,
    },
    Source {
        name: "google search",
        referrer: Some("https://www.google.com/"),
        utm: None,
        click_id: None,
        landings: &[
            "/blog/server-side-tracking",
            "/blog/bounce-rate",
            "/",
            site::JOB_AD,
        ],
        bounce_percent: 50,
        weight: 24,
    },
    Source {
        name: "bing search",
        referrer: Some("https://www.bing.com/"),
        utm: None,
        click_id: None,
        landings: &["/blog/server-side-tracking", "/"],
        bounce_percent: 50,
        weight: 5,
    },
    Source {
        name: "linkedin campaign",
        referrer: Some("https://www.linkedin.com/"),
        utm: Some("utm_source=linkedin&utm_medium=social&utm_campaign=hiring-2026"),
        click_id: None,
        landings: &[site::JOB_AD, "/career/jobs/frontend-developer"],
        bounce_percent: 40,
        weight: 10,
    },
    Source {
        name: "mastodon",
        referrer: Some("https://mastodon.social/"),
        utm: None,
        click_id: None,
        landings: &["/blog/server-side-tracking", "/blog/bounce-rate"],
        bounce_percent: 55,
        weight: 6,
    },
    Source {
        name: "newsletter",
        referrer: None,
        utm: Some("utm_source=newsletter&utm_medium=email&utm_campaign=november-digest"),
        click_id: None,
        landings: &["/blog/server-side-tracking", "/blog/bounce-rate", "/blog/"],
        bounce_percent: 40,
        weight: 12,
    },
    Source {
        name: "google ads",
        referrer: Some("https://www.google.com/"),
        utm: Some("utm_source=google&utm_medium=cpc&utm_campaign=brand"),
        click_id: Some("gclid"),
        landings: &["/", "/career/"],
        bounce_percent: 45,
        weight: 9,
    },
    Source {
        name: "hacker news",
        referrer: Some("https://news.ycombinator.com/"),
        utm: None,
        click_id: None,
        landings: &["/blog/server-side-tracking"],
        bounce_percent: 60,
        weight: 4,
    },
];

/// What the generator is asked for.
#[derive(Debug, Clone)]
pub struct Settings {
    pub seed: u64,
    /// People (not crawlers) who come at least once.
    pub visitors: usize,
    /// The simulated days the visits spread over.
    pub days: u32,
    /// The first simulated moment, Unix milliseconds.
    pub start_ms: u64,
    /// Percent of visitors who come back for more sessions.
    pub returning_percent: u32,
    /// Percent of visitors whose browser sends Global Privacy Control.
    pub gpc_percent: u32,
    /// Percent of page views after which the browser prefetches a link.
    pub prefetch_percent: u32,
    /// Percent of all page requests made by crawlers.
    pub bot_percent: u32,
}

/// One request for a page (assets are the driver's business).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Simulated time, Unix milliseconds.
    pub at_ms: u64,
    /// Path and query, e.g. `/blog/?utm_source=x`.
    pub path: String,
    pub referrer: Referrer,
    /// A speculative fetch (`Sec-Purpose: prefetch`) that nobody looked at.
    pub prefetch: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Referrer {
    None,
    /// Another site, as a full URL.
    External(&'static str),
    /// A page of this site, by path: the driver prefixes the edge's URL.
    Internal(String),
}

/// A person's session, or one crawl.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// Where a person came from; `None` for a crawl.
    pub source: Option<&'static Source>,
    pub hits: Vec<Hit>,
}

/// One browser or crawler and everything it does, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_agent: &'static str,
    pub language: Option<&'static str>,
    /// Sends `Sec-GPC: 1`.
    pub gpc: bool,
    /// Set for crawlers, which keep no cookies.
    pub crawler: Option<&'static Crawler>,
    /// The loopback address it connects from, which places it (`agents::address`).
    pub address: std::net::IpAddr,
    pub visits: Vec<Visit>,
}

impl Actor {
    /// A person's browser, from Dresden: it keeps the cookies the edge sets.
    pub fn person(user_agent: &'static str, language: &'static str, gpc: bool) -> Actor {
        Actor {
            user_agent,
            language: Some(language),
            gpc,
            crawler: None,
            address: address::DRESDEN,
            visits: Vec::new(),
        }
    }

    /// A crawler, connecting from its address, with no visits yet.
    pub fn crawler(crawler: &'static Crawler) -> Actor {
        Actor {
            user_agent: crawler.user_agent,
            language: None,
            gpc: false,
            crawler: Some(crawler),
            address: crawler.address,
            visits: Vec::new(),
        }
    }

    pub fn keeps_cookies(&self) -> bool {
        self.crawler.is_none()
    }
}

/// Everything that will happen, actor by actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub actors: Vec<Actor>,
}

impl Plan {
    /// Page requests in the plan (prefetches included, assets not).
    pub fn hits(&self) -> usize {
        hits_of(&self.actors)
    }

    /// Draws a plan from `settings.seed`.
    pub fn generate(settings: &Settings) -> Plan {
        let mut rng = StdRng::seed_from_u64(settings.seed);
        let end_ms = settings.start_ms + u64::from(settings.days.max(1)) * DAY;
        let mut actors: Vec<Actor> = (0..settings.visitors)
            .map(|_| person(&mut rng, settings, end_ms))
            .collect();
        let person_hits = hits_of(&actors);
        let bot_percent = settings.bot_percent.min(90) as usize;
        let mut bot_hits = person_hits * bot_percent / (100 - bot_percent);
        while bot_hits > 0 {
            let crawl = crawl(&mut rng, settings.start_ms, end_ms, bot_hits);
            bot_hits -= crawl.visits[0].hits.len();
            actors.push(crawl);
        }
        Plan { actors }
    }
}

/// The first simulated moment: midnight UTC of `start` (`YYYY-MM-DD`), or else `days` before
/// an hour ago, so the last sessions (under 45 minutes) end before `now_ms`.
pub fn first_moment(start: Option<&str>, days: u32, now_ms: u64) -> Result<u64, String> {
    let Some(day) = start else {
        return Ok(now_ms.saturating_sub(u64::from(days) * DAY + HOUR));
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(day, format)
        .map_err(|e| format!("--start {day:?} is not a YYYY-MM-DD date ({e})"))?;
    let seconds = date.midnight().assume_utc().unix_timestamp();
    u64::try_from(seconds * 1000).map_err(|_| format!("--start {day:?} is before 1970"))
}

fn hits_of(actors: &[Actor]) -> usize {
    actors
        .iter()
        .flat_map(|actor| &actor.visits)
        .map(|visit| visit.hits.len())
        .sum()
}

fn weighted<T>(rng: &mut StdRng, items: &'static [T], weight: impl Fn(&T) -> u32) -> &'static T {
    items
        .choose_weighted(rng, |item| weight(item))
        .expect("non-empty lists with positive weights")
}

fn percent(rng: &mut StdRng, percent: u32) -> bool {
    rng.random_range(0..100) < percent
}

/// A person: one session, or several over the following days if they return.
fn person(rng: &mut StdRng, settings: &Settings, end_ms: u64) -> Actor {
    let user_agent = weighted(rng, BROWSERS, |b| b.1).0;
    let language = weighted(rng, LANGUAGES, |l| l.1).0;
    let mut actor = Actor::person(user_agent, language, percent(rng, settings.gpc_percent));
    actor.address = weighted(rng, PLACES, |p| p.2).0;
    let sessions = if percent(rng, settings.returning_percent) {
        rng.random_range(2..=4)
    } else {
        1
    };
    let mut at_ms = rng.random_range(settings.start_ms..end_ms);
    for _ in 0..sessions {
        if at_ms >= end_ms {
            break;
        }
        let visit = session(rng, settings, at_ms);
        let last = visit.hits.last().map_or(at_ms, |hit| hit.at_ms);
        actor.visits.push(visit);
        // Back after at least an hour: well past the 30-minute session timeout.
        at_ms = last + rng.random_range(HOUR..3 * DAY);
    }
    actor
}

/// One session: a landing from a source, then links followed until the person leaves.
fn session(rng: &mut StdRng, settings: &Settings, start_ms: u64) -> Visit {
    let source = weighted(rng, SOURCES, |s| s.weight);
    let mut landing = landing_url(source, rng);
    let mut hits = vec![Hit {
        at_ms: start_ms,
        path: landing.clone(),
        referrer: source.referrer.map_or(Referrer::None, Referrer::External),
        prefetch: false,
    }];
    let mut at_ms = start_ms;
    let mut views = 1;
    loop {
        let leaves = if views == 1 {
            percent(rng, source.bounce_percent)
        } else {
            views >= 8 || percent(rng, 35)
        };
        if leaves {
            break;
        }
        let next = next_page(rng, &landing);
        if percent(rng, settings.prefetch_percent) {
            let guess = *site::links(&landing)
                .choose(rng)
                .expect("every page has links");
            hits.push(Hit {
                at_ms: at_ms + SECOND,
                path: guess.to_string(),
                referrer: Referrer::Internal(landing.clone()),
                prefetch: true,
            });
        }
        // Reading time: seconds to minutes, always within the 30-minute session timeout.
        at_ms += rng.random_range(8 * SECOND..5 * MINUTE);
        hits.push(Hit {
            at_ms,
            path: next.clone(),
            referrer: Referrer::Internal(landing),
            prefetch: false,
        });
        landing = next;
        views += 1;
    }
    Visit {
        source: Some(source),
        hits,
    }
}

fn landing_url(source: &Source, rng: &mut StdRng) -> String {
    let page = *source.landings.choose(rng).expect("sources have landings");
    let mut params: Vec<String> = source.utm.iter().map(|utm| utm.to_string()).collect();
    if let Some(name) = source.click_id {
        params.push(format!("{name}={:016x}", rng.random::<u64>()));
    }
    if params.is_empty() {
        page.to_string()
    } else {
        format!("{page}?{}", params.join("&"))
    }
}

/// The page a person opens next from `current`; on the application form, most send it.
fn next_page(rng: &mut StdRng, current: &str) -> String {
    if let Some(job) = current
        .strip_prefix("/career/apply?")
        .filter(|_| percent(rng, 60))
    {
        return format!("{CONVERSION}?{job}");
    }
    // People mostly follow what the page offers (a post's job ad, an ad's "Apply now") rather
    // than the navigation.
    let own = site::page(current)
        .map(|page| page.links)
        .unwrap_or_default();
    let links = if !own.is_empty() && percent(rng, 60) {
        own.to_vec()
    } else {
        site::links(current)
    };
    links.choose(rng).expect("every page has links").to_string()
}

/// A crawler fetching a few pages a few seconds apart, without cookies or referrers.
fn crawl(rng: &mut StdRng, start_ms: u64, end_ms: u64, at_most: usize) -> Actor {
    let crawler = weighted(rng, CRAWLERS, |c| c.weight);
    let pages = rng.random_range(3..=8).min(at_most);
    let mut at_ms = rng.random_range(start_ms..end_ms);
    let hits = (0..pages)
        .map(|_| {
            at_ms += rng.random_range(SECOND..5 * SECOND);
            Hit {
                at_ms,
                path: PAGES.choose(rng).expect("pages").path.to_string(),
                referrer: Referrer::None,
                prefetch: false,
            }
        })
        .collect();
    Actor {
        visits: vec![Visit { source: None, hits }],
        ..Actor::crawler(crawler)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(seed: u64) -> Settings {
        Settings {
            seed,
            visitors: 300,
            days: 7,
            start_ms: 1_764_547_200_000, // 2025-12-01T00:00:00Z
            returning_percent: 30,
            gpc_percent: 10,
            prefetch_percent: 10,
            bot_percent: 25,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_plan_and_another_seed_another() {
        assert_eq!(Plan::generate(&settings(7)), Plan::generate(&settings(7)));
        assert_ne!(Plan::generate(&settings(7)), Plan::generate(&settings(8)));
    }

    #[test]
    fn crawlers_make_the_share_of_requests_asked_for() {
        let plan = Plan::generate(&settings(1));
        let bots: usize = plan
            .actors
            .iter()
            .filter(|a| a.crawler.is_some())
            .map(|a| a.visits[0].hits.len())
            .sum();
        let share = bots as f64 / plan.hits() as f64;
        assert!((0.23..=0.26).contains(&share), "{share}");
    }

    #[test]
    fn sessions_stay_inside_the_timeout_and_returns_come_after_it() {
        let plan = Plan::generate(&settings(2));
        let persons: Vec<&Actor> = plan.actors.iter().filter(|a| a.keeps_cookies()).collect();
        assert_eq!(persons.len(), 300);
        for actor in persons {
            for visit in &actor.visits {
                for pair in visit.hits.windows(2) {
                    assert!(pair[1].at_ms >= pair[0].at_ms);
                    assert!(pair[1].at_ms - pair[0].at_ms < 30 * MINUTE);
                }
            }
            for pair in actor.visits.windows(2) {
                let gap = pair[1].hits[0].at_ms - pair[0].hits.last().unwrap().at_ms;
                assert!(gap > 30 * MINUTE, "{gap}");
            }
        }
    }

    #[test]
    fn the_mix_has_every_kind_of_visit() {
        let plan = Plan::generate(&settings(3));
        let visits: Vec<&Visit> = plan.actors.iter().flat_map(|a| &a.visits).collect();
        let hits: Vec<&Hit> = visits.iter().flat_map(|v| &v.hits).collect();
        for source in SOURCES {
            assert!(
                visits.iter().any(|v| v.source == Some(source)),
                "{}",
                source.name
            );
        }
        assert!(
            visits
                .iter()
                .any(|v| v.source.is_some() && v.hits.len() == 1),
            "bounces"
        );
        assert!(
            plan.actors.iter().any(|a| a.visits.len() > 1),
            "returning visitors"
        );
        assert!(plan.actors.iter().any(|a| a.gpc), "GPC");
        assert!(hits.iter().any(|h| h.prefetch), "prefetches");
        assert!(
            hits.iter().any(|h| h.path.starts_with(CONVERSION)),
            "conversions"
        );
        assert!(
            hits.iter().any(|h| h.path.contains("gclid=")),
            "paid clicks"
        );
        for category in ["search", "ai_crawler", "ai_search", "other"] {
            assert!(
                plan.actors
                    .iter()
                    .any(|a| a.crawler.is_some_and(|c| c.category == category)),
                "{category}"
            );
        }
    }

    #[test]
    fn the_first_moment_is_a_given_day_or_the_days_before_an_hour_ago() {
        assert_eq!(
            first_moment(Some("2025-12-01"), 7, 0),
            Ok(1_764_547_200_000)
        );
        let now = 1_764_547_200_000 + 10 * DAY;
        assert_eq!(first_moment(None, 7, now), Ok(now - 7 * DAY - HOUR));
        assert!(first_moment(Some("1.12.2025"), 7, now)
            .unwrap_err()
            .contains("YYYY-MM-DD"));
        assert!(first_moment(Some("1969-12-31"), 7, now).is_err());
    }

    #[test]
    fn every_visit_stays_in_its_days() {
        let s = settings(4);
        let plan = Plan::generate(&s);
        for actor in &plan.actors {
            let first = actor.visits[0].hits[0].at_ms;
            assert!(first >= s.start_ms && first < s.start_ms + 7 * DAY);
            for visit in &actor.visits {
                assert!(visit.hits[0].at_ms < s.start_ms + 7 * DAY);
            }
        }
    }
}
