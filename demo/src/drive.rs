//! Sends a [`Plan`] through the edge as browsers and crawlers would: each actor in order, from
//! its own loopback address ([`crate::loopback_client`]), with its own cookie jar, its headers,
//! and the simulated moment of each request in the edge's `footfall-clock` header (honoured only
//! by a local edge). Actors run on a few threads.

use crate::agents::address;
use crate::loopback_client::{get_from, Response};
use crate::plan::{Actor, Hit, Plan, Referrer};
use crate::site::ASSETS;
use footfall_event::CLOCK_HEADER;
use indicatif::ProgressBar;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// How long a request may take before it counts as failed.
const TIMEOUT: Duration = Duration::from_secs(30);

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
    // An asset is never tracked, so asking for one checks the edge without adding an event.
    get_from(
        address::DRESDEN,
        &format!("{base_url}{}", ASSETS[0]),
        &[],
        TIMEOUT,
    )
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
                    let mine = Browser::new(base_url, actor).run(progress);
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
    base_url: &'a str,
    actor: &'a Actor,
    cookies: CookieJar,
    outcome: Outcome,
}

impl<'a> Browser<'a> {
    fn new(base_url: &'a str, actor: &'a Actor) -> Self {
        Browser {
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
        let at_ms = hit.at_ms.to_string();
        let mut headers: Vec<(&str, String)> = vec![
            ("user-agent", self.actor.user_agent.to_string()),
            (
                "accept",
                "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8".into(),
            ),
            (CLOCK_HEADER, at_ms),
        ];
        if let Some(language) = self.actor.language {
            headers.push(("accept-language", language.into()));
        }
        match &hit.referrer {
            Referrer::None => {}
            Referrer::External(url) => headers.push(("referer", url.to_string())),
            Referrer::Internal(path) => {
                headers.push(("referer", format!("{}{path}", self.base_url)))
            }
        }
        if self.actor.gpc {
            headers.push(("sec-gpc", "1".into()));
        }
        if hit.prefetch {
            headers.push(("sec-purpose", "prefetch".into()));
        }
        if let Some(cookie) = self.cookies.header() {
            headers.push(("cookie", cookie));
        }
        for (name, value) in self.actor.crawler.map_or(&[][..], |c| c.fastly) {
            headers.push((name, value.to_string()));
        }
        match self.get(&hit.path, &headers) {
            Ok(response) => {
                if self.actor.keeps_cookies() {
                    for set_cookie in response.header_all("set-cookie") {
                        self.cookies.keep(&set_cookie);
                    }
                }
                self.outcome.answered += 1;
            }
            Err(error) => self.failed(&hit.path, error),
        }
    }

    fn assets(&mut self) {
        for asset in ASSETS {
            match self.get(asset, &[("user-agent", self.actor.user_agent.to_string())]) {
                Ok(_) => self.outcome.assets += 1,
                Err(error) => self.failed(asset, error),
            }
        }
    }

    fn get(&self, path: &str, headers: &[(&str, String)]) -> std::io::Result<Response> {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let url = format!("{}{path}", self.base_url);
        get_from(self.actor.address, &url, &headers, TIMEOUT)
    }

    fn failed(&mut self, path: &str, error: std::io::Error) {
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
