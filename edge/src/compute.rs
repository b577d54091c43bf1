//! Glue between Fastly Compute and the edge's logic: reads the request and the stores, proxies
//! to the origin, sends the response, then ships the event. Every decision is made in the
//! library's modules; this file only moves data between them and the platform.

use fastly::handle::BodyHandle;
use fastly::{ConfigStore, Request, Response, SecretStore};
use footfall_edge::classify::{is_page_request, is_page_response};
use footfall_edge::clock::{request_time, simulation_allowed};
use footfall_edge::config::{
    Config, Sink, CONFIG_STORE, KINESIS_BACKEND, ORIGIN_BACKEND, SECRET_STORE,
};
use footfall_edge::consent::{decide, Consent};
use footfall_edge::crawler::is_crawler;
use footfall_edge::event::{Capture, ClientRequest};
use footfall_edge::identity::{hex, identify, random, Identity, OsEntropy};
use footfall_edge::kinesis::{self, AwsCredentials};
use footfall_edge::url_parts::first_value;
use footfall_event::{EdgeGeo, FastlyBot, RawEvent, CLOCK_HEADER};
use std::borrow::Cow;
use std::io::Write;
use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub fn handle_client_request() {
    let mut request = Request::from_client();
    let (config, problems) = load_config();
    for problem in &problems {
        eprintln!("footfall: config store {CONFIG_STORE}: {problem}");
    }
    // Only a possible page is read for its event; everything else is proxied untouched.
    let captured = (config.enabled
        && is_page_request(
            &config.track,
            request.get_method_str(),
            &FromClient(&request).host(),
            request.get_path(),
        ))
    .then(|| {
        let simulated = simulation_allowed(
            config.simulated_clock,
            std::env::var("FASTLY_HOSTNAME").ok().as_deref(),
        );
        let at = request_time(
            SystemTime::now(),
            request.get_header_str_lossy(CLOCK_HEADER).as_deref(),
            simulated,
        );
        Capture::new(&FromClient(&request), event_id(&request), at)
    });
    request.remove_header(CLOCK_HEADER); // a local-run aid; the origin need not see it
    let mut response = proxy(request);
    let content_type = response.get_header_str_lossy("content-type");
    let Some(captured) = captured.filter(|_| is_page_response(content_type.as_deref())) else {
        return response.send_to_client();
    };
    let consent = decide(
        &config.consent,
        captured.event.gpc,
        captured.cookie.as_deref(),
        is_crawler(&captured.event, captured.claimed),
    );
    if consent == Consent::None {
        return response.send_to_client();
    }

    let identity: Option<Identity> = (consent == Consent::Full).then(|| {
        let now_secs = captured
            .at
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        identify(
            &config.cookies,
            captured.cookie.as_deref(),
            first_value(&captured.event.request.query, "utm_campaign"),
            now_secs,
            captured.secure,
            &mut OsEntropy,
        )
    });
    for set_cookie in identity.iter().flat_map(|i| &i.set_cookies) {
        response.append_header("set-cookie", set_cookie.as_str());
    }
    let cache = cache_state(&response);
    let status = response.get_status().as_u16();
    response.send_to_client();

    // The client has its response; what follows costs it nothing.
    let client_ip = captured.client_ip;
    let mut event = captured.finish(status, identity.as_ref(), consent, &config);
    event.request.cache = cache.map(String::from);
    event.request.pop = std::env::var("FASTLY_POP")
        .ok()
        .filter(|pop| !pop.is_empty());
    event.edge_geo = client_ip
        .and_then(fastly::geo::geo_lookup)
        .map(|geo| EdgeGeo {
            country: non_empty(geo.country_code()),
            region: geo.region().and_then(non_empty),
            city: non_empty(geo.city()),
            asn: Some(geo.as_number()).filter(|n| *n != 0),
        });
    ship(&config, &event);
}

/// Unique per request: Fastly's request id, plus random bits because Viceroy numbers requests
/// from zero on every start.
fn event_id(request: &Request) -> String {
    format!(
        "{}-{}",
        request.get_client_request_id().unwrap_or("local"),
        hex(&random::<4>(&mut OsEntropy))
    )
}

/// Fastly's client request, as the event is read from it.
struct FromClient<'a>(&'a Request);

impl ClientRequest for FromClient<'_> {
    fn method(&self) -> &str {
        self.0.get_method_str()
    }
    fn url(&self) -> String {
        self.0.get_url_str().to_string()
    }
    fn host(&self) -> String {
        match self.0.get_header_str_lossy("host") {
            Some(host) => host.into_owned(),
            None => self.0.get_url().host_str().unwrap_or("").to_string(),
        }
    }
    fn path(&self) -> &str {
        self.0.get_path()
    }
    fn query(&self) -> &str {
        self.0.get_query_str().unwrap_or("")
    }
    fn header(&self, name: &str) -> Option<String> {
        self.0.get_header_str_lossy(name).map(Cow::into_owned)
    }
    fn client_ip(&self) -> Option<IpAddr> {
        self.0.get_client_ip_addr()
    }
    /// Fastly's own analysis (Viceroy mocks it from `X-Fastly-Bot-*` request headers; on
    /// Fastly those headers are only the client's words, so they are never read here).
    fn fastly_bot(&self) -> Option<FastlyBot> {
        let request = self.0;
        request.get_bot_analyzed().then(|| FastlyBot {
            detected: request.get_bot_detected(),
            name: request.get_bot_name().ok().flatten().map(String::from),
            category: request.get_bot_category().ok().flatten().map(String::from),
            verified: request.get_bot_verified(),
        })
    }
}

/// Sends the request to the origin; an unreachable origin becomes a 503 the client can see.
fn proxy(request: Request) -> Response {
    request.send(ORIGIN_BACKEND).unwrap_or_else(|error| {
        eprintln!("footfall: origin backend {ORIGIN_BACKEND:?} failed: {error}");
        Response::from_status(503)
            .with_body_text_plain("Service unavailable: the origin could not be reached.\n")
    })
}

fn load_config() -> (Config, Vec<footfall_edge::config::Problem>) {
    match ConfigStore::try_open(CONFIG_STORE) {
        Ok(store) => Config::load(|key| store.try_get(key).ok().flatten()),
        Err(error) => {
            eprintln!("footfall: config store {CONFIG_STORE:?} cannot be opened ({error:?}); using defaults");
            Config::load(|_| None)
        }
    }
}

/// `HIT` or `MISS` as Fastly's cache reports it; unknown (e.g. under Viceroy) otherwise.
fn cache_state(response: &Response) -> Option<&'static str> {
    match response
        .get_header_str_lossy("x-cache")
        .as_deref()
        .map(str::trim)
    {
        Some(value) if value.starts_with("HIT") => Some("HIT"),
        Some(value) if value.starts_with("MISS") => Some("MISS"),
        _ => None,
    }
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty() && value != "?").then(|| value.to_string())
}

/// Writes the event to Kinesis, or to the log endpoint when Kinesis is not the sink or fails.
fn ship(config: &Config, event: &RawEvent) {
    let line = match serde_json::to_vec(event) {
        Ok(line) => line,
        Err(error) => {
            return eprintln!(
                "footfall: event {} cannot be serialised: {error}",
                event.request.event_id
            )
        }
    };
    if let Sink::Kinesis(settings) = &config.sink {
        let request = &event.request;
        let partition_key = request.visitor_id.as_deref().unwrap_or(&request.event_id);
        match put_record(settings, &line, partition_key) {
            Ok(()) => return,
            Err(error) => eprintln!(
                "footfall: Kinesis PutRecord to stream {:?} failed: {error}; event {} written to log endpoint {:?}",
                settings.stream, event.request.event_id, config.log_endpoint
            ),
        }
    }
    match fastly::log::Endpoint::try_from_name(&config.log_endpoint) {
        // One write is one log line.
        Ok(mut endpoint) => {
            if let Err(error) = endpoint.write_all(&line) {
                eprintln!(
                    "footfall: log endpoint {:?} failed: {error}; lost event {}",
                    config.log_endpoint,
                    String::from_utf8_lossy(&line)
                );
            }
        }
        Err(error) => eprintln!(
            "footfall: log endpoint {:?} unusable ({error:?}); lost event {}",
            config.log_endpoint,
            String::from_utf8_lossy(&line)
        ),
    }
}

fn put_record(
    settings: &footfall_edge::config::KinesisSettings,
    data: &[u8],
    partition_key: &str,
) -> Result<(), String> {
    let credentials = read_credentials()?;
    let request = kinesis::put_record(
        settings,
        &credentials,
        data,
        kinesis::partition_key(partition_key),
        SystemTime::now(),
    )
    .map_err(|e| format!("cannot sign the request: {e}"))?;
    let mut request: Request = request.map(fastly::Body::from).into();
    request.set_pass(true);
    let mut response = send_bounded(request, Duration::from_millis(settings.timeout_ms))?;
    if response.get_status().is_success() {
        Ok(())
    } else {
        let body = response.take_body_str_lossy();
        Err(format!(
            "HTTP {}: {}",
            response.get_status().as_u16(),
            body.chars().take(300).collect::<String>()
        ))
    }
}

fn read_credentials() -> Result<AwsCredentials, String> {
    let store = SecretStore::open(SECRET_STORE)
        .map_err(|e| format!("secret store {SECRET_STORE:?}: {e:?}"))?;
    let secret = |key: &str| -> Result<Option<String>, String> {
        match store
            .try_get(key)
            .map_err(|e| format!("secret {key:?}: {e:?}"))?
        {
            None => Ok(None),
            Some(secret) => {
                let bytes = secret
                    .try_plaintext()
                    .map_err(|e| format!("secret {key:?}: {e:?}"))?;
                Ok(Some(String::from_utf8_lossy(&bytes).trim().to_string())
                    .filter(|s| !s.is_empty()))
            }
        }
    };
    let required = |key: &str| {
        secret(key)?
            .ok_or_else(|| format!("secret {key:?} is missing from secret store {SECRET_STORE:?}"))
    };
    Ok(AwsCredentials {
        access_key_id: required(kinesis::ACCESS_KEY_ID)?,
        secret_access_key: required(kinesis::SECRET_ACCESS_KEY)?,
        session_token: secret(kinesis::SESSION_TOKEN)?,
    })
}

/// Sends `request` to the Kinesis backend and waits at most `timeout` for its response, with
/// the host's own timed select (the SDK's public API has no bounded wait).
fn send_bounded(request: Request, timeout: Duration) -> Result<Response, String> {
    let (request_handle, body) = request.into_handles();
    let pending = request_handle
        .send_async(body.unwrap_or_else(BodyHandle::new), KINESIS_BACKEND)
        .map_err(|e| format!("backend {KINESIS_BACKEND:?} unreachable: {e:?}"))?;
    let handle = pending.as_u32();
    let mut done = 0u32;
    let millis = u32::try_from(timeout.as_millis())
        .unwrap_or(u32::MAX)
        .max(1);
    // SAFETY: one valid pending-request handle, a length of one and a valid out pointer.
    let status = unsafe { fastly_sys::fastly_async_io::select(&handle, 1, millis, &mut done) };
    if status.is_err() {
        return Err(format!(
            "waiting for backend {KINESIS_BACKEND:?} failed: {status:?}"
        ));
    }
    if done == u32::MAX {
        return Err(format!("no answer within {} ms", timeout.as_millis()));
    }
    let (response, body) = pending
        .wait()
        .map_err(|e| format!("backend {KINESIS_BACKEND:?}: {e:?}"))?;
    Ok(Response::from_handles(response, body))
}
