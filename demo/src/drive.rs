//! Sends a [`Plan`] through the edge as browsers and crawlers would: each actor in order, with
//! its own cookie jar, its headers, and the simulated moment of each request in the edge's
//! `footfall-clock` header (honoured only by a local edge). Actors run on a few threads.

use crate::plan::{Actor, Hit, Plan, Referrer};
use crate::site::ASSETS;
use footfall_event::CLOCK_HEADER;
use indicatif::ProgressBar;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use ureq::Agent;

/// What happened, in numbers.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Page requests answered, whatever their status.
    pub answered: usize,
    /// Requests (pages or assets) that got no answer at all.
    pub failed: usize,
    /// Asset requests answered.
    pub assets: usize,
    /// The first few transport errors, for the user.
    pub errors: Vec<String>,
}

/// Why a run could not start.
#[derive(Debug)]
pub struct Unreachable(pub String);

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unreachable {}

/// Sends every request of `plan` to the edge at `base_url` (e.g. `http://127.0.0.1:7676`),
/// `workers` actors at a time, ticking `progress` once per page request.
pub fn drive(
    plan: &Plan,
    base_url: &str,
    workers: usize,
    progress: &ProgressBar,
) -> Result<Outcome, Unreachable> {
    let base_url = base_url.trim_end_matches('/');
    let agent: Agent = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        // A fresh connection per request: a request reusing a connection to Viceroy waits
        // ~40 ms (measured: 43 ms against 2 ms on a new loopback connection), which would make
        // the generator, not the edge, the bottleneck.
        .max_idle_connections(0)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    // An asset is never tracked, so asking for one checks the edge without adding an event.
    agent
        .get(format!("{base_url}{}", ASSETS[0]))
        .call()
        .map_err(|e| {
            Unreachable(format!(
                "the edge at {base_url} does not answer ({e}); is it running (scripts/demo)?"
            ))
        })?;
    let next = AtomicUsize::new(0);
    let outcome = Mutex::new(Outcome::default());
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                while let Some(actor) = plan.actors.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let mine = Browser::new(&agent, base_url, actor).run(progress);
                    let mut total = outcome.lock().expect("no thread panics holding it");
                    total.add(mine);
                }
            });
        }
    });
    Ok(outcome.into_inner().expect("no thread panicked holding it"))
}

impl Outcome {
    fn add(&mut self, other: Outcome) {
        self.answered += other.answered;
        self.failed += other.failed;
        self.assets += other.assets;
        let room = 5usize.saturating_sub(self.errors.len());
        self.errors.extend(other.errors.into_iter().take(room));
    }
}

/// One actor's browser: its cookie jar and what it has done.
struct Browser<'a> {
    agent: &'a Agent,
    base_url: &'a str,
    actor: &'a Actor,
    cookies: CookieJar,
    outcome: Outcome,
}

impl<'a> Browser<'a> {
    fn new(agent: &'a Agent, base_url: &'a str, actor: &'a Actor) -> Self {
        Browser {
            agent,
            base_url,
            actor,
            cookies: CookieJar::default(),
            outcome: Outcome::default(),
        }
    }

    fn run(mut self, progress: &ProgressBar) -> Outcome {
        for visit in &self.actor.visits {
            for (i, hit) in visit.hits.iter().enumerate() {
                self.page(hit);
                // A person's browser loads the assets with the first page, then caches them.
                if i == 0 && self.actor.keeps_cookies() {
                    self.assets();
                }
                progress.inc(1);
            }
        }
        self.outcome
    }

    fn page(&mut self, hit: &Hit) {
        let mut request = self
            .agent
            .get(format!("{}{}", self.base_url, hit.path))
            .header("user-agent", self.actor.user_agent)
            .header("accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
            .header(CLOCK_HEADER, hit.at_ms.to_string());
        if let Some(language) = self.actor.language {
            request = request.header("accept-language", language);
        }
        match &hit.referrer {
            Referrer::None => {}
            Referrer::External(url) => request = request.header("referer", *url),
            Referrer::Internal(path) => {
                request = request.header("referer", format!("{}{path}", self.base_url))
            }
        }
        if self.actor.gpc {
            request = request.header("sec-gpc", "1");
        }
        if hit.prefetch {
            request = request.header("sec-purpose", "prefetch");
        }
        if let Some(cookie) = self.cookies.header() {
            request = request.header("cookie", cookie);
        }
        match request.call() {
            Ok(mut response) => {
                if self.actor.keeps_cookies() {
                    for set_cookie in response.headers().get_all("set-cookie") {
                        self.cookies
                            .keep(&String::from_utf8_lossy(set_cookie.as_bytes()));
                    }
                }
                let _ = response.body_mut().read_to_vec();
                self.outcome.answered += 1;
            }
            Err(error) => self.failed(&hit.path, error),
        }
    }

    fn assets(&mut self) {
        for asset in ASSETS {
            let request = self
                .agent
                .get(format!("{}{asset}", self.base_url))
                .header("user-agent", self.actor.user_agent);
            match request.call() {
                Ok(mut response) => {
                    let _ = response.body_mut().read_to_vec();
                    self.outcome.assets += 1;
                }
                Err(error) => self.failed(asset, error),
            }
        }
    }

    fn failed(&mut self, path: &str, error: ureq::Error) {
        self.outcome.failed += 1;
        if self.outcome.errors.len() < 5 {
            self.outcome.errors.push(format!("{path}: {error}"));
        }
    }
}

/// A browser's cookies: what the site set, sent back on every request (one site, one path).
#[derive(Debug, Default)]
struct CookieJar {
    cookies: BTreeMap<String, String>,
}

impl CookieJar {
    /// Keeps a `Set-Cookie`'s `name=value` (removes it when it expires now).
    fn keep(&mut self, set_cookie: &str) {
        let pair = set_cookie.split(';').next().unwrap_or_default();
        let Some((name, value)) = pair.split_once('=') else {
            return;
        };
        let expired = set_cookie
            .split(';')
            .any(|attribute| attribute.trim().eq_ignore_ascii_case("max-age=0"));
        if expired {
            self.cookies.remove(name.trim());
        } else {
            self.cookies
                .insert(name.trim().to_string(), value.trim().to_string());
        }
    }

    /// The `Cookie` header to send, if there is anything to send.
    fn header(&self) -> Option<String> {
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jar_keeps_replaces_and_expires_cookies() {
        let mut jar = CookieJar::default();
        assert_eq!(jar.header(), None);
        jar.keep("footfall_visitor=abc; Max-Age=63072000; Path=/; HttpOnly");
        jar.keep("footfall_session=s1.100.; Path=/; Secure");
        assert_eq!(
            jar.header().as_deref(),
            Some("footfall_session=s1.100.; footfall_visitor=abc")
        );
        jar.keep("footfall_session=s2.200.tag; Path=/");
        jar.keep("footfall_visitor=; Max-Age=0; Path=/");
        jar.keep("no equals sign; Path=/");
        assert_eq!(jar.header().as_deref(), Some("footfall_session=s2.200.tag"));
    }
}
