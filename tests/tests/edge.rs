//! The edge end to end: the real wasm in Viceroy, a real origin, real kinesalite.
//! Tests share one kinesalite and one origin and tell their events apart by User-Agent.

use footfall_demo::agents::{address, TEST_BOT_RANGES};
use footfall_event::{BotVerification, FastlyBot, IpPrecision, RawEvent, VerifiedBy};
use footfall_tests::client::{get, get_from, request, Page};
use footfall_tests::edge::{Edge, Runner, STREAM};
use footfall_tests::fault_proxy::{Fault, FaultProxy};
use footfall_tests::kinesalite::Kinesalite;
use footfall_tests::order::tick;
use footfall_tests::origin::{big_body, page_body, Origin};
use footfall_tests::process::free_port;
use std::collections::HashSet;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

struct Shared {
    kinesalite: Kinesalite,
    origin: Origin,
    edge: Edge,
}

/// One kinesalite, one origin and one edge with the default configuration, for all tests.
fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let kinesalite = Kinesalite::start();
        kinesalite.create_stream(STREAM, 2);
        let origin = Origin::start();
        let edge = Edge::start(origin.port, kinesalite.port, &[]);
        Shared {
            kinesalite,
            origin,
            edge,
        }
    })
}

/// Events in Kinesis sent by the client calling itself `agent`.
fn kinesis_events(expected: usize, agent: &str) -> Vec<RawEvent> {
    shared()
        .kinesalite
        .wait_for_events(STREAM, expected, |e| e.ua.as_deref() == Some(agent))
}

/// The partition keys of the Kinesis records sent by the client calling itself `agent`.
fn partition_keys(agent: &str) -> Vec<String> {
    let records = shared().kinesalite.records(STREAM);
    let by_agent = records.into_iter().filter(|(_, data)| {
        serde_json::from_slice::<RawEvent>(data).is_ok_and(|e| e.ua.as_deref() == Some(agent))
    });
    by_agent.map(|(key, _)| key).collect()
}

/// With the default `ip_mode`, no full client address leaves the edge: `record` (a Kinesis
/// record or a fallback log line) holds `client` nowhere but in `host`, `url` and `referrer`,
/// which carry the edge's own loopback address in these tests.
fn assert_no_full_client_ip(record: &[u8], client: &str) {
    let mut json: serde_json::Value = serde_json::from_slice(record).unwrap();
    for field in ["host", "url", "referrer"] {
        json.as_object_mut().unwrap().remove(field);
    }
    let rest = json.to_string();
    assert!(!rest.contains(client), "{client} in {rest}");
}

/// The raw Kinesis records of the client calling itself `agent`.
fn kinesis_records(agent: &str) -> Vec<Vec<u8>> {
    let records = shared().kinesalite.records(STREAM);
    let by_agent = records.into_iter().filter(|(_, data)| {
        serde_json::from_slice::<RawEvent>(data).is_ok_and(|e| e.ua.as_deref() == Some(agent))
    });
    by_agent.map(|(_, data)| data).collect()
}

fn wait_until<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(value) = found() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What the origin itself sends for `path`, to compare with what the edge serves.
fn direct(path: &str) -> Page {
    get(
        &format!("http://127.0.0.1:{}{path}", shared().origin.port),
        &[],
    )
}

fn assert_served_unchanged(page: &Page, path: &str) {
    let origin = direct(path);
    assert_eq!(page.status, origin.status, "{path}");
    assert_eq!(page.stable_headers(), origin.stable_headers(), "{path}");
    assert_eq!(page.body, origin.body, "{path}");
}

#[test]
fn every_page_request_becomes_exactly_one_event_with_the_contract_fields() {
    let s = shared();
    let ua = "footfall-e2e/pages";
    let mut cookie = String::new();
    let pages = [
        "/en/career/jobs/data-engineer?gh_jid=4082751002&utm_source=linkedin&utm_medium=social&utm_campaign=buffer",
        "/",
        "/blog/caf%C3%A9%20au%20lait?tag=a&tag=b",
        "/status/404",
        "/download/report.pdf",
    ];
    for path in pages {
        let page = get(
            &s.edge.url(path),
            &[
                ("user-agent", ua),
                ("referer", "https://www.google.com/"),
                ("accept-language", "de-DE,de;q=0.9,en;q=0.8"),
                ("cookie", &cookie),
            ],
        );
        assert_served_unchanged(&page, path.split('?').next().unwrap());
        if let Some(visitor) = page.set_cookie("footfall_visitor") {
            cookie = format!(
                "{visitor}; {}",
                page.set_cookie("footfall_session").unwrap()
            );
        } else {
            cookie = format!(
                "{}; {}",
                cookie.split("; ").next().unwrap(),
                page.set_cookie("footfall_session").unwrap()
            );
        }
    }
    // Not pages: assets by extension and by content type, and methods other than GET/HEAD.
    for path in ["/static/site.css", "/logo.png", "/media/photo"] {
        let page = get(&s.edge.url(path), &[("user-agent", ua)]);
        assert_eq!(
            page.set_cookie("footfall_visitor"),
            None,
            "{path} must not get cookies"
        );
        assert_served_unchanged(&page, path);
    }
    let post = request(
        "POST",
        &s.edge.url("/contact"),
        &[("user-agent", ua.as_bytes())],
        b"name=x",
    );
    assert_eq!(post.body, page_body("/contact").as_bytes());
    let head = request(
        "HEAD",
        &s.edge.url("/head-only"),
        &[("user-agent", ua.as_bytes()), ("cookie", cookie.as_bytes())],
        b"",
    );
    assert_eq!(head.status, 200);

    let events = kinesis_events(pages.len() + 1, ua);
    assert_eq!(
        events.len(),
        pages.len() + 1,
        "exactly one event per page request: {events:#?}"
    );
    let find = |p: &str| {
        events
            .iter()
            .find(|e| e.request.url.ends_with(p))
            .unwrap_or_else(|| panic!("no event for {p}"))
    };
    let ids: HashSet<_> = events.iter().map(|e| e.request.event_id.clone()).collect();
    assert_eq!(ids.len(), events.len(), "event ids are unique");
    let records = kinesis_records(ua);
    assert_eq!(records.len(), events.len());
    for record in &records {
        assert_no_full_client_ip(record, "127.0.0.1");
    }
    let landing = find(pages[0]);
    let visitor = landing.request.visitor_id.clone().expect("a visitor id");
    assert!(visitor.len() == 40 && visitor.bytes().all(|b| b.is_ascii_hexdigit()));
    for event in &events {
        assert_eq!(event.schema, "footfall.raw.v1");
        assert_eq!(
            event.request.visitor_id.as_ref(),
            Some(&visitor),
            "one visitor across the visit"
        );
        assert_eq!(
            event.request.session_id, landing.request.session_id,
            "one session across the visit"
        );
        // By default (ip_mode truncated) only the client's /24 leaves the edge.
        assert_eq!(event.ip.as_deref(), Some("127.0.0.0"));
        assert_eq!(event.ip_precision, Some(IpPrecision::Slash24));
        assert_eq!(event.request.host, format!("127.0.0.1:{}", s.edge.port));
        assert_eq!(event.request.pop.as_deref(), Some("XXX"), "Viceroy's POP");
        let geo = event.edge_geo.as_ref().expect("Fastly geo");
        assert_eq!(
            (geo.country.as_deref(), geo.city.as_deref(), geo.asn),
            (Some("DE"), Some("Dresden"), Some(64496))
        );
        assert!(
            humantime::parse_rfc3339(&event.request.timestamp).is_ok()
                && event.request.timestamp.ends_with('Z')
                && event.request.timestamp.len() == 24,
            "{}",
            event.request.timestamp
        );
        assert!(!event.gpc && !event.dnt && event.request.purpose.is_none());
    }
    let career = find(pages[0]);
    assert_eq!(career.request.method.as_deref(), Some("GET"));
    assert_eq!(career.request.url, s.edge.url(pages[0]));
    assert_eq!(
        career.request.path,
        ["en", "career", "jobs", "data-engineer"]
    );
    assert_eq!(career.request.query.len(), 4);
    assert_eq!(
        (
            career.request.query[3].param.as_str(),
            career.request.query[3].value.as_str()
        ),
        ("utm_campaign", "buffer")
    );
    assert_eq!(
        career.request.referrer.as_deref(),
        Some("https://www.google.com/")
    );
    assert_eq!(career.request.language.as_deref(), Some("de"));
    assert_eq!(career.request.status, Some(200));
    let blog = find(pages[2]);
    assert_eq!(blog.request.path, ["blog", "café au lait"]);
    let tags: Vec<_> = blog
        .request
        .query
        .iter()
        .map(|q| q.value.as_str())
        .collect();
    assert_eq!(tags, ["a", "b"]);
    assert_eq!(
        find(pages[3]).request.status,
        Some(404),
        "every status is tracked"
    );
    assert_eq!(find("/head-only").request.method.as_deref(), Some("HEAD"));
    assert!(landing.request.new_visitor && landing.request.new_session);
    assert_eq!(
        events
            .iter()
            .filter(|e| e.request.new_visitor || e.request.new_session)
            .count(),
        1
    );
    // Partition key = visitor id, so one visitor's events stay in order on one shard.
    let keys: HashSet<String> = partition_keys(ua).into_iter().collect();
    assert_eq!(keys, HashSet::from([visitor]));
}

#[test]
fn visitor_cookie_is_set_once_then_reused_and_the_session_slides() {
    let s = shared();
    let ua = "footfall-e2e/cookies";
    let first = get(
        &s.edge.url("/"),
        &[("user-agent", ua), ("x-forwarded-proto", "https")],
    );
    let visitor = first
        .set_cookie("footfall_visitor")
        .expect("visitor cookie on the first visit");
    let set_cookie = first.header_all("set-cookie").join("\n");
    assert!(
        set_cookie.contains("Max-Age=63072000; Path=/; HttpOnly; SameSite=Lax"),
        "{set_cookie}"
    );
    assert!(
        set_cookie.contains("Max-Age=1800; Path=/; HttpOnly; SameSite=Lax"),
        "{set_cookie}"
    );
    assert!(
        !set_cookie.contains("Secure"),
        "plain http gets no Secure flag: {set_cookie}"
    );
    let session = first.set_cookie("footfall_session").unwrap();

    let second = get(
        &s.edge.url("/about"),
        &[
            ("user-agent", ua),
            ("cookie", &format!("{visitor}; {session}")),
        ],
    );
    assert_eq!(
        second.set_cookie("footfall_visitor"),
        None,
        "the visitor cookie is set once"
    );
    let slid = second
        .set_cookie("footfall_session")
        .expect("the session cookie slides");
    assert_eq!(
        slid.split('.').next(),
        session.split('.').next(),
        "same session id"
    );

    // A visit from another campaign starts a new session for the same visitor.
    let third = get(
        &s.edge.url("/?utm_campaign=winter"),
        &[
            ("user-agent", ua),
            ("cookie", &format!("{visitor}; {slid}")),
        ],
    );
    let events = kinesis_events(3, ua);
    assert_eq!(events.len(), 3, "{events:#?}");
    let by_path = |p: &str| events.iter().find(|e| e.request.url.ends_with(p)).unwrap();
    let (a, b, c) = (
        by_path("/"),
        by_path("/about"),
        by_path("utm_campaign=winter"),
    );
    assert_eq!(a.request.visitor_id, b.request.visitor_id);
    assert_eq!(b.request.visitor_id, c.request.visitor_id);
    assert_eq!(a.request.session_id, b.request.session_id);
    assert_ne!(b.request.session_id, c.request.session_id);
    assert!(
        a.request.new_visitor
            && a.request.new_session
            && !b.request.new_visitor
            && !b.request.new_session
            && !c.request.new_visitor
            && c.request.new_session
    );
    assert_eq!(
        Some(visitor.split('=').nth(1).unwrap().to_string()),
        a.request.visitor_id
    );
    assert!(third.set_cookie("footfall_session").is_some());
}

#[test]
fn large_bodies_and_errors_are_passed_through_unchanged() {
    let s = shared();
    let big = get(&s.edge.url("/big"), &[("user-agent", "footfall-e2e/big")]);
    assert_eq!(big.body.len(), 1 << 20);
    assert!(big.body == big_body());
    assert_served_unchanged(&big, "/big");
    let missing = get(
        &s.edge.url("/status/503"),
        &[("user-agent", "footfall-e2e/big")],
    );
    assert_served_unchanged(&missing, "/status/503");
    let events = kinesis_events(2, "footfall-e2e/big");
    let mut statuses: Vec<u16> = events.iter().map(|e| e.request.status.unwrap()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 503]);
}

#[test]
fn gpc_by_default_counts_the_visit_without_cookies_ids_or_full_ip() {
    let s = shared();
    let ua = "footfall-e2e/gpc";
    let page = get(
        &s.edge.url("/private"),
        &[("user-agent", ua), ("sec-gpc", "1"), ("dnt", "1")],
    );
    assert_eq!(page.header_all("set-cookie"), Vec::<String>::new());
    assert_served_unchanged(&page, "/private");
    let events = kinesis_events(1, ua);
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(
        (
            event.request.visitor_id.as_deref(),
            event.request.session_id.as_deref()
        ),
        (None, None)
    );
    assert_eq!(event.ip.as_deref(), Some("127.0.0.0"));
    assert_eq!(event.ip_precision, Some(IpPrecision::Slash24));
    assert!(event.gpc && event.dnt);
    // Without ids the events spread over shards by event id.
    assert_eq!(
        partition_keys(ua),
        std::slice::from_ref(&event.request.event_id)
    );
}

#[test]
fn a_crawler_claiming_google_from_outside_its_ranges_is_marked_spoofed_at_the_edge() {
    let s = shared();
    let ua =
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) footfall-e2e";
    let page = get(&s.edge.url("/crawled"), &[("user-agent", ua)]);
    assert_served_unchanged(&page, "/crawled");
    assert_eq!(
        page.header_all("set-cookie"),
        Vec::<String>::new(),
        "crawlers are counted anonymously"
    );
    let events = kinesis_events(1, ua);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].request.visitor_id, None);
    // The client is 127.0.0.1, in none of Google's published ranges.
    assert_eq!(
        events[0].verification,
        BotVerification {
            bot_operator: Some("Google".into()),
            bot_verified: Some(false),
            bot_verified_by: Some(VerifiedBy::IpRanges),
        }
    );
    assert_eq!(events[0].ip_precision, Some(IpPrecision::Slash24));
}

#[test]
fn extra_bot_ranges_tell_a_real_crawler_from_a_spoofed_one_in_the_same_slash_24() {
    let s = shared();
    // A loopback block marked as Google's and one as OpenAI's (the demo's test ranges).
    let edge = Edge::start(
        s.origin.port,
        s.kinesalite.port,
        &[("extra_bot_ranges", TEST_BOT_RANGES)],
    );
    let googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) footfall-e2e-ranges";
    let gptbot =
        "Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot) footfall-e2e-ranges";
    let visits = [
        (googlebot, "127.0.0.9", "Google", true),
        (googlebot, "127.0.0.20", "Google", false),
        (gptbot, "127.0.0.25", "OpenAI", true),
        (gptbot, "127.0.0.20", "OpenAI", false),
    ];
    for (ua, ip, _, _) in visits {
        let page = get_from(
            ip.parse().unwrap(),
            &edge.url(&format!("/crawled?from={ip}")),
            &[("user-agent", ua)],
        );
        assert_eq!(page.status, 200, "{ip}: {}", edge.output());
    }
    for (ua, ip, operator, verified) in visits {
        let events = shared().kinesalite.wait_for_events(STREAM, 1, |e| {
            e.ua.as_deref() == Some(ua) && e.request.url.ends_with(&format!("from={ip}"))
        });
        assert_eq!(events.len(), 1, "{ip}");
        assert_eq!(
            events[0].ip.as_deref(),
            Some("127.0.0.0"),
            "all share a /24: only the edge's check on the full address tells them apart"
        );
        assert_eq!(
            events[0].verification,
            BotVerification {
                bot_operator: Some(operator.into()),
                bot_verified: Some(verified),
                bot_verified_by: Some(VerifiedBy::IpRanges),
            },
            "{operator} from {ip}"
        );
    }
}

#[test]
fn ip_mode_full_keeps_the_whole_address_as_before() {
    let s = shared();
    let edge = Edge::start(s.origin.port, s.kinesalite.port, &[("ip_mode", "full")]);
    let ua = "footfall-e2e/ip-mode-full";
    get(&edge.url("/full"), &[("user-agent", ua)]);
    let events = kinesis_events(1, ua);
    assert_eq!(
        (events[0].ip.as_deref(), events[0].ip_precision),
        (Some("127.0.0.1"), Some(IpPrecision::Full))
    );
}

#[test]
fn fastlys_bot_detection_and_web_bot_auth_signatures_are_recorded() {
    let s = shared();
    // Viceroy mocks Fastly's bot detection from these headers; the edge reads Fastly's verdict
    // through the SDK, never the headers.
    let ua = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) footfall-e2e";
    let page = get_from(
        address::OTHER_CRAWLERS,
        &s.edge.url("/fastly-bot"),
        &[
            ("user-agent", ua),
            ("x-fastly-bot-analyzed", "true"),
            ("x-fastly-bot-detected", "true"),
            ("x-fastly-bot-name", "Bingbot"),
            ("x-fastly-bot-category", "SEARCH-ENGINE-CRAWLER"),
            ("x-fastly-bot-verified", "true"),
            ("signature-agent", "\"https://bing.example\""),
            (
                "signature-input",
                "sig1=(\"@authority\");created=1735689600;keyid=\"k\";tag=\"web-bot-auth\"",
            ),
            ("signature", "sig1=:dGVzdA==:"),
        ],
    );
    assert_eq!(page.status, 200);
    let events = kinesis_events(1, ua);
    let event = &events[0];
    assert_eq!(
        event.fastly_bot,
        Some(FastlyBot {
            detected: true,
            name: Some("Bingbot".into()),
            category: Some("SEARCH-ENGINE-CRAWLER".into()),
            verified: Some(true),
        })
    );
    assert_eq!(
        event.verification,
        BotVerification {
            bot_operator: Some("Bing".into()),
            bot_verified: Some(true),
            bot_verified_by: Some(VerifiedBy::Fastly),
        }
    );
    assert!(event.signature.bot_signed);
    assert_eq!(
        event.signature.bot_signature_agent.as_deref(),
        Some("https://bing.example")
    );
    // Without the mock headers Fastly did not analyse the request.
    let plain = "footfall-e2e/not-analysed";
    get(&s.edge.url("/plain"), &[("user-agent", plain)]);
    assert_eq!(kinesis_events(1, plain)[0].fastly_bot, None);
}

#[test]
fn crawlers_are_recorded_anonymously_in_every_consent_mode() {
    let s = shared();
    let modes: [&[(&str, &str)]; 2] = [
        &[
            ("consent_mode", "cookie"),
            ("consent_cookie", "ok"),
            ("consent_value", "yes"),
        ],
        &[("consent_mode", "gpc-drop")],
    ];
    for (i, mode) in modes.iter().enumerate() {
        let edge = Edge::start(s.origin.port, s.kinesalite.port, mode);
        let ua = format!("Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot) footfall-e2e-consent-{i}");
        // A crawler with no consent cookie, and one sending GPC: both counted, neither tracked.
        let page = get(
            &edge.url("/for-ai"),
            &[("user-agent", &ua), ("sec-gpc", "1")],
        );
        assert_eq!(
            page.header_all("set-cookie"),
            Vec::<String>::new(),
            "{mode:?}"
        );
        let events = kinesis_events(1, &ua);
        assert_eq!(events.len(), 1, "{mode:?}");
        assert_eq!(
            (
                events[0].request.visitor_id.as_deref(),
                events[0].ip_precision
            ),
            (None, Some(IpPrecision::Slash24)),
            "{mode:?}"
        );
        assert_eq!(
            events[0].verification.bot_operator.as_deref(),
            Some("OpenAI")
        );
    }
}

#[test]
fn gpc_drop_mode_records_nothing_for_gpc_visitors() {
    let s = shared();
    let edge = Edge::start(
        s.origin.port,
        s.kinesalite.port,
        &[("consent_mode", "gpc-drop")],
    );
    let ua = "footfall-e2e/gpc-drop";
    let gpc = get(&edge.url("/a"), &[("user-agent", ua), ("sec-gpc", "1")]);
    assert_eq!(gpc.header_all("set-cookie"), Vec::<String>::new());
    assert_eq!(gpc.body, page_body("/a").as_bytes());
    get(&edge.url("/b"), &[("user-agent", ua)]);
    let events = kinesis_events(1, ua);
    assert_eq!(events.len(), 1, "{events:#?}");
    assert!(events[0].request.url.ends_with("/b"));
}

#[test]
fn cookie_consent_mode_tracks_only_with_consent() {
    let s = shared();
    let edge = Edge::start(
        s.origin.port,
        s.kinesalite.port,
        &[
            ("consent_mode", "cookie"),
            ("consent_cookie", "analytics_ok"),
            ("consent_value", "yes"),
        ],
    );
    let ua = "footfall-e2e/consent-cookie";
    let without = get(&edge.url("/no-consent"), &[("user-agent", ua)]);
    assert_eq!(without.header_all("set-cookie"), Vec::<String>::new());
    let refused = get(
        &edge.url("/refused"),
        &[("user-agent", ua), ("cookie", "analytics_ok=no")],
    );
    assert_eq!(refused.header_all("set-cookie"), Vec::<String>::new());
    let with = get(
        &edge.url("/consent"),
        &[("user-agent", ua), ("cookie", "analytics_ok=yes")],
    );
    assert!(with.set_cookie("footfall_visitor").is_some());
    let events = kinesis_events(1, ua);
    assert_eq!(events.len(), 1, "{events:#?}");
    assert!(events[0].request.url.ends_with("/consent") && events[0].request.visitor_id.is_some());
}

#[test]
fn kinesis_down_still_serves_the_page_and_the_event_goes_to_the_fallback_log() {
    let s = shared();
    let closed = free_port();
    let edge = Edge::start(s.origin.port, closed, &[]);
    let ua = "footfall-e2e/kinesis-down";
    let page = get(&edge.url("/down?x=1"), &[("user-agent", ua)]);
    assert_served_unchanged(&page, "/down");
    assert!(page.set_cookie("footfall_visitor").is_some());
    let event = wait_until("the fallback log line", || {
        edge.logged_events()
            .into_iter()
            .find(|e| e.request.url.ends_with("/down?x=1"))
    });
    assert_eq!(event.ua.as_deref(), Some(ua));
    assert_eq!(event.request.query[0].param, "x");
    let line = edge
        .logged_lines()
        .into_iter()
        .find(|line| line.contains(&event.request.event_id))
        .unwrap();
    assert_no_full_client_ip(line.as_bytes(), "127.0.0.1");
    let errors = edge.errors().join("\n");
    assert!(
        errors.contains("Kinesis PutRecord to stream \"footfall-events\" failed")
            && errors.contains(&event.request.event_id),
        "{errors}"
    );
}

#[test]
fn slow_kinesis_never_delays_the_page_and_the_event_is_kept() {
    let s = shared();
    let slow = FaultProxy::start(s.kinesalite.port, Fault::Delay(Duration::from_secs(2)));
    let edge = Edge::start(s.origin.port, slow.port, &[("kinesis_timeout_ms", "1000")]);
    let ua = "footfall-e2e/kinesis-slow";
    let sent = tick();
    let page = get(&edge.url("/slow"), &[("user-agent", ua)]);
    let client_done = tick();
    assert_served_unchanged(&page, "/slow");
    let answered = wait_until("Kinesis to answer through the slow proxy", || {
        slow.answered().into_iter().find(|&t| t > sent)
    });
    assert!(
        client_done < answered,
        "the client had its whole response ({client_done}) before Kinesis answered ({answered})"
    );
    let event = wait_until("the fallback log line", || {
        edge.logged_events()
            .into_iter()
            .find(|e| e.request.url.ends_with("/slow"))
    });
    assert!(
        edge.errors()
            .iter()
            .any(|e| e.contains("no answer within 1000 ms") && e.contains(&event.request.event_id)),
        "{}",
        edge.output()
    );
}

#[test]
fn log_sink_and_an_incomplete_config_write_events_to_the_log_endpoint() {
    let s = shared();
    let ua = "footfall-e2e/log-sink";
    let log_sink = Edge::start(s.origin.port, s.kinesalite.port, &[("sink", "log")]);
    let unconfigured = Edge::start(s.origin.port, s.kinesalite.port, &[("kinesis_stream", "")]);
    for edge in [&log_sink, &unconfigured] {
        let page = get(&edge.url("/logged"), &[("user-agent", ua)]);
        assert_served_unchanged(&page, "/logged");
        wait_until("the log line", || {
            edge.logged_events()
                .into_iter()
                .find(|e| e.request.url.ends_with("/logged"))
        });
    }
    assert!(log_sink.errors().is_empty(), "{}", log_sink.output());
    assert!(
        unconfigured
            .errors()
            .iter()
            .any(|e| e.contains("kinesis_stream: not set")),
        "{}",
        unconfigured.output()
    );
    assert_eq!(kinesis_events(0, ua).len(), 0, "nothing reached Kinesis");
}

/// Header names with raw value bytes, which need not be UTF-8.
type RawHeaders = Vec<(&'static str, Vec<u8>)>;

#[test]
fn hostile_requests_are_served_unchanged_and_recorded_safely() {
    let s = shared();
    let ua = "footfall-e2e/hostile";
    let long_query = format!("q={}", "x".repeat(8 * 1024));
    let repeated: String = (0..500).map(|i| format!("p={i}&")).collect();
    let cases: Vec<(String, RawHeaders)> = vec![
        (format!("/long?{long_query}"), vec![]),
        ("/bad%zz%/enc%FF%FE?a=%ZZ&b=%FF%C0&%=%".into(), vec![]),
        (
            "/crlf?x=%0d%0aSet-Cookie:%20admin=1&y=%00".into(),
            vec![("cookie", b"footfall_visitor=%0d%0aSet-Cookie: x".to_vec())],
        ),
        (
            "/cookie-bomb".into(),
            vec![(
                "cookie",
                format!(
                    "footfall_visitor={}; footfall_session={}",
                    "a".repeat(4000),
                    ".".repeat(3000)
                )
                .into_bytes(),
            )],
        ),
        (
            "/xff".into(),
            vec![
                ("x-forwarded-for", b"6.6.6.6, 7.7.7.7".to_vec()),
                ("forwarded", b"for=6.6.6.6".to_vec()),
            ],
        ),
        (
            "/non-utf8".into(),
            vec![
                ("referer", b"https://ex\xffample.com/\xfe".to_vec()),
                ("accept-language", b"\xff\xfe;q=1".to_vec()),
            ],
        ),
        (format!("/repeated?{repeated}"), vec![]),
        (
            "/weird-lang".into(),
            vec![("accept-language", b"*;q=abc, ,;;, zz-ZZ;q=0.5".to_vec())],
        ),
    ];
    for (path, headers) in &cases {
        let mut all: Vec<(&str, &[u8])> = vec![("user-agent", ua.as_bytes())];
        all.extend(headers.iter().map(|(n, v)| (*n, v.as_slice())));
        let page = request("GET", &s.edge.url(path), &all, b"");
        assert_eq!(page.status, 200, "{path}: {}", s.edge.output());
        assert_eq!(
            page.body,
            page_body(path.split('?').next().unwrap()).as_bytes(),
            "{path}"
        );
        for cookie in page.header_all("set-cookie") {
            assert!(
                cookie.bytes().all(|b| b.is_ascii_graphic() || b == b' ') && cookie.len() < 120,
                "{cookie:?}"
            );
            assert!(
                !cookie.contains("admin") && !cookie.contains("aaaa"),
                "{cookie}"
            );
        }
    }
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let page = request(
            method,
            &s.edge.url("/form"),
            &[("user-agent", ua.as_bytes())],
            b"a=1",
        );
        assert_eq!(
            (page.status, page.body.as_slice()),
            (200, page_body("/form").as_bytes()),
            "{method}"
        );
        assert_eq!(
            page.header_all("set-cookie"),
            Vec::<String>::new(),
            "{method} is not tracked"
        );
    }

    let events = kinesis_events(cases.len(), ua);
    assert_eq!(events.len(), cases.len(), "{events:#?}");
    let find = |p: &str| {
        events
            .iter()
            .find(|e| e.request.url.contains(p))
            .unwrap_or_else(|| panic!("no event for {p}"))
    };
    assert_eq!(find("/long?").request.query[0].value.len(), 8 * 1024);
    assert_eq!(
        find("/bad").request.path,
        ["bad%zz%", "enc\u{FFFD}\u{FFFD}"]
    );
    let crlf = find("/crlf");
    assert_eq!(crlf.request.query[0].value, "\r\nSet-Cookie: admin=1");
    assert_eq!(crlf.request.query[1].value, "\0");
    assert!(
        crlf.request.new_visitor,
        "a malformed visitor cookie is replaced"
    );
    assert!(find("/cookie-bomb").request.new_visitor && find("/cookie-bomb").request.new_session);
    assert_eq!(
        find("/xff").ip.as_deref(),
        Some("127.0.0.0"),
        "X-Forwarded-For is never trusted"
    );
    let non_utf8 = find("/non-utf8");
    assert!(non_utf8
        .request
        .referrer
        .as_deref()
        .unwrap()
        .contains('\u{FFFD}'));
    assert_eq!(non_utf8.request.language, None);
    let repeated = &find("/repeated").request.query;
    assert_eq!(repeated.len(), 500);
    assert!(repeated
        .iter()
        .enumerate()
        .all(|(i, q)| q.param == "p" && q.value == i.to_string()));
    assert_eq!(find("/weird-lang").request.language.as_deref(), Some("zz"));
    // Every record is one line of valid JSON (checked by parsing); nothing panicked.
    let output = s.edge.output();
    assert!(
        !output.contains("panicked") && !output.contains("error handling the request"),
        "{output}"
    );
}

#[test]
fn fastly_compute_serve_runs_the_package_offline() {
    let s = shared();
    let edge = Edge::start_with(
        Runner::FastlyComputeServe,
        s.origin.port,
        s.kinesalite.port,
        &[],
    );
    let ua = "footfall-e2e/fastly-cli";
    let page = get(&edge.url("/via-cli"), &[("user-agent", ua)]);
    assert_served_unchanged(&page, "/via-cli");
    let events = kinesis_events(1, ua);
    assert_eq!(events.len(), 1, "{}", edge.output());
    assert!(events[0].request.url.ends_with("/via-cli"));
}

#[test]
fn the_simulated_clock_is_honoured_only_where_the_local_setting_allows_it() {
    let s = shared();
    let clock = ("footfall-clock", "1700000000123");
    // The shared edge has no simulated_clock setting: the header is only data.
    get(
        &s.edge.url("/clock"),
        &[("user-agent", "clock-not-allowed"), clock],
    );
    let ignored = kinesis_events(1, "clock-not-allowed");
    let this_year = humantime::format_rfc3339(std::time::SystemTime::now()).to_string();
    assert_eq!(ignored.len(), 1);
    assert_eq!(
        ignored[0].request.timestamp[..4],
        this_year[..4],
        "{ignored:?}"
    );

    // With it (and under Viceroy, which reports FASTLY_HOSTNAME=localhost) the request names
    // its own time.
    let simulated = Edge::start(
        s.origin.port,
        s.kinesalite.port,
        &[("simulated_clock", "true")],
    );
    get(
        &simulated.url("/clock"),
        &[("user-agent", "clock-allowed"), clock],
    );
    let honoured = kinesis_events(1, "clock-allowed");
    assert_eq!(honoured.len(), 1);
    assert_eq!(honoured[0].request.timestamp, "2023-11-14T22:13:20.123Z");
}
