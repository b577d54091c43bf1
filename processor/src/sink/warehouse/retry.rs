//! Retrying BigQuery requests: which failures are transient (throttling, server errors, network
//! trouble) and how long to wait before the next attempt (exponential backoff with full jitter,
//! as a [`RetryPolicy`] sets it).

use crate::sink::SinkError;
use gcp_bigquery_client::error::BQError;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// How often and how patiently a request is retried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub attempts: u32,
    /// The ceiling of the first wait; it doubles with every attempt...
    pub base: Duration,
    /// ...up to this.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 6,
            base: Duration::from_millis(200),
            cap: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (0 for the first): a random part of
    /// [`RetryPolicy::ceiling`].
    pub fn delay(&self, attempt: u32) -> Duration {
        self.jittered(attempt, random_fraction())
    }

    /// "Full jitter": `fraction` (0 to 1) of the ceiling of `attempt`.
    pub fn jittered(&self, attempt: u32, fraction: f64) -> Duration {
        self.ceiling(attempt).mul_f64(fraction.clamp(0.0, 1.0))
    }

    /// The longest wait after attempt `attempt`: `base * 2^attempt`, at most `cap`.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        self.base.saturating_mul(1 << attempt.min(16)).min(self.cap)
    }
}

/// A random number from 0 (inclusive) to 1 (exclusive). Every `RandomState` std makes has its own
/// keys (randomly seeded from the OS once per thread, then stepped), so the SipHash of nothing
/// under fresh keys is a new random number each time.
fn random_fraction() -> f64 {
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    // The top 53 bits, the precision of an f64.
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Whether an error answer is worth retrying, from its HTTP status and the `reason`s of its
/// `errors`: throttling (429; 403 `rateLimitExceeded`) and server trouble (500, 502, 503, 504;
/// 403 `backendError`) are; a bad request (400), a denied one (403 `accessDenied`, ...) or a
/// missing table (404) is not.
pub fn is_transient_answer(status: u16, reasons: &[&str]) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
        || (status == 403
            && reasons
                .iter()
                .any(|reason| matches!(*reason, "rateLimitExceeded" | "backendError")))
}

/// [`is_transient_answer`] for the client library's errors. Without an answer from BigQuery
/// (timed out, refused, reset while connecting) or with one that is not BigQuery's JSON (a proxy's
/// or load balancer's error page), the request is worth retrying too.
pub fn is_transient(error: &BQError) -> bool {
    match error {
        BQError::ResponseError { error } => {
            let reasons: Vec<&str> = error
                .error
                .errors
                .iter()
                .filter_map(|e| e.get("reason").map(String::as_str))
                .collect();
            let status = u16::try_from(error.error.code).unwrap_or(0);
            is_transient_answer(status, &reasons)
        }
        BQError::RequestError(e) => {
            e.is_timeout()
                || e.is_connect()
                || e.is_decode()
                || e.status()
                    .is_some_and(|s| is_transient_answer(s.as_u16(), &[]))
        }
        _ => false,
    }
}

/// Runs `call` until it succeeds, fails for good, or has had `policy.attempts` attempts, waiting
/// [`RetryPolicy::delay`] between attempts. `what` names the request in logs and errors.
pub(super) async fn with_retries<T, F, Fut>(
    policy: RetryPolicy,
    what: &str,
    mut call: F,
) -> Result<T, SinkError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, BQError>>,
{
    let mut attempt = 0;
    loop {
        match call().await {
            Ok(value) => return Ok(value),
            Err(error) if is_transient(&error) && attempt + 1 < policy.attempts => {
                let delay = policy.delay(attempt);
                tracing::warn!(%error, attempt, ?delay, "BigQuery {what} failed; retrying");
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            Err(error) => return Err(SinkError::Warehouse(format!("BigQuery {what}: {error}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::atomic::{AtomicU32, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const MS: Duration = Duration::from_millis(1);

    fn policy() -> RetryPolicy {
        RetryPolicy {
            attempts: 10,
            base: 100 * MS,
            cap: 1000 * MS,
        }
    }

    #[test]
    fn the_ceiling_doubles_from_base_up_to_the_cap() {
        let ceilings: Vec<Duration> = (0..6).map(|a| policy().ceiling(a)).collect();
        assert_eq!(
            ceilings,
            [100 * MS, 200 * MS, 400 * MS, 800 * MS, 1000 * MS, 1000 * MS]
        );
        assert_eq!(policy().ceiling(u32::MAX), 1000 * MS, "no overflow");
    }

    #[test]
    fn a_delay_is_its_fraction_of_the_ceiling() {
        let p = policy();
        for attempt in 0..6 {
            assert_eq!(p.jittered(attempt, 0.0), Duration::ZERO);
            assert_eq!(p.jittered(attempt, 0.5), p.ceiling(attempt) / 2);
            assert_eq!(p.jittered(attempt, 1.0), p.ceiling(attempt));
        }
        assert_eq!(p.jittered(2, 0.25), 100 * MS);
        // Out of range fractions stay within the bounds.
        assert_eq!(p.jittered(1, -3.0), Duration::ZERO);
        assert_eq!(p.jittered(1, 7.0), 200 * MS);
    }

    #[test]
    fn random_fractions_spread_over_zero_to_one() {
        let samples: Vec<f64> = (0..1000).map(|_| random_fraction()).collect();
        assert!(samples.iter().all(|f| (0.0..1.0).contains(f)));
        // Every tenth of the range is hit (a weak or stuck source fails this).
        for tenth in 0..10 {
            let (low, high) = (f64::from(tenth) / 10.0, f64::from(tenth + 1) / 10.0);
            let hits = samples.iter().filter(|f| (low..high).contains(*f)).count();
            assert!(hits > 50, "{hits} of 1000 in [{low}, {high})");
        }
    }

    #[test]
    fn delays_are_random_within_the_ceiling_and_grow_with_it() {
        let p = policy();
        for attempt in 0..6 {
            let delays: Vec<Duration> = (0..200).map(|_| p.delay(attempt)).collect();
            let ceiling = p.ceiling(attempt);
            assert!(delays.iter().all(|d| *d <= ceiling), "{delays:?}");
            // Full jitter: some waits in the upper half, some in the lower half, none stuck.
            assert!(delays.iter().any(|d| *d > ceiling / 2), "{delays:?}");
            assert!(delays.iter().any(|d| *d < ceiling / 2), "{delays:?}");
            let mean = delays.iter().sum::<Duration>() / 200;
            assert!(
                mean > ceiling * 3 / 10 && mean < ceiling * 7 / 10,
                "mean {mean:?} of ceiling {ceiling:?}"
            );
        }
    }

    #[test]
    fn throttling_and_server_errors_are_retried() {
        for status in [429, 500, 502, 503, 504] {
            assert!(is_transient_answer(status, &[]), "{status}");
            assert!(is_transient_answer(status, &["backendError"]), "{status}");
        }
        assert!(is_transient_answer(403, &["rateLimitExceeded"]));
        assert!(is_transient_answer(403, &["backendError"]));
        assert!(is_transient_answer(
            403,
            &["accessDenied", "rateLimitExceeded"]
        ));
    }

    #[test]
    fn bad_denied_or_missing_requests_are_not_retried() {
        assert!(!is_transient_answer(400, &["invalid"]));
        assert!(!is_transient_answer(400, &[]));
        assert!(!is_transient_answer(403, &["accessDenied"]));
        assert!(!is_transient_answer(403, &["quotaExceeded"]));
        assert!(!is_transient_answer(403, &[]));
        assert!(!is_transient_answer(404, &["notFound"]));
        assert!(!is_transient_answer(409, &["duplicate"]));
        assert!(!is_transient_answer(501, &[]));
        // A reason that would be transient under 403 does not make a 400 transient.
        assert!(!is_transient_answer(400, &["rateLimitExceeded"]));
    }

    /// An error answer as BigQuery sends it (`{"error": {"code", "errors": [{"reason"}], ...}}`).
    fn answer(code: u16, reason: &str) -> BQError {
        let body = json!({"error": {
            "code": code,
            "message": "test",
            "errors": [{"reason": reason, "message": "test", "domain": "global"}]
        }});
        BQError::ResponseError {
            error: serde_json::from_value(body).unwrap(),
        }
    }

    #[test]
    fn the_librarys_error_answers_are_classified_by_status_and_reason() {
        assert!(is_transient(&answer(503, "backendError")));
        assert!(is_transient(&answer(403, "rateLimitExceeded")));
        assert!(!is_transient(&answer(403, "accessDenied")));
        assert!(!is_transient(&answer(404, "notFound")));
        assert!(!is_transient(&BQError::NoToken));
    }

    /// A real `reqwest` error: the request `call` makes to a loopback server that `serve`s.
    async fn request_error<S, SF>(serve: S, client: reqwest::Client) -> BQError
    where
        S: FnOnce(tokio::net::TcpListener) -> SF,
        SF: std::future::Future<Output = ()> + Send + 'static,
    {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let server = tokio::spawn(serve(listener));
        let result = async {
            client
                .get(&url)
                .send()
                .await?
                .json::<serde_json::Value>()
                .await
        }
        .await;
        server.abort();
        BQError::RequestError(result.expect_err("the request fails"))
    }

    #[tokio::test]
    async fn network_trouble_is_retried() {
        // Refused: nothing listens on the port any more.
        let refused =
            request_error(|listener| async { drop(listener) }, reqwest::Client::new()).await;
        assert!(
            matches!(&refused, BQError::RequestError(e) if e.is_connect()),
            "{refused:?}"
        );
        assert!(is_transient(&refused));

        // Timed out: the server takes the connection and never answers.
        let silent = |listener: tokio::net::TcpListener| async move {
            let (_connection, _) = listener.accept().await.unwrap();
            std::future::pending::<()>().await;
        };
        let impatient = reqwest::Client::builder().timeout(50 * MS).build().unwrap();
        let timeout = request_error(silent, impatient).await;
        assert!(
            matches!(&timeout, BQError::RequestError(e) if e.is_timeout()),
            "{timeout:?}"
        );
        assert!(is_transient(&timeout));

        // A proxy's error page instead of BigQuery's JSON.
        let proxy = |listener: tokio::net::TcpListener| async move {
            let (mut connection, _) = listener.accept().await.unwrap();
            let _ = connection.read(&mut [0; 4096]).await;
            let page = "HTTP/1.1 502 Bad Gateway\r\ncontent-length: 11\r\n\r\nBad Gateway";
            connection.write_all(page.as_bytes()).await.unwrap();
        };
        let page = request_error(proxy, reqwest::Client::new()).await;
        assert!(
            matches!(&page, BQError::RequestError(e) if e.is_decode()),
            "{page:?}"
        );
        assert!(is_transient(&page));
    }

    fn quick(attempts: u32) -> RetryPolicy {
        RetryPolicy {
            attempts,
            base: MS,
            cap: MS,
        }
    }

    #[tokio::test]
    async fn transient_failures_are_retried_until_one_succeeds() {
        let calls = AtomicU32::new(0);
        let result = with_retries(quick(5), "test", || async {
            match calls.fetch_add(1, Ordering::SeqCst) {
                0 | 1 => Err(answer(503, "backendError")),
                _ => Ok("done"),
            }
        })
        .await;
        assert_eq!(result.unwrap(), "done");
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_permanent_failure_is_not_retried() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = with_retries(quick(5), "insertAll", || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(answer(404, "notFound"))
        })
        .await;
        let error = result.unwrap_err().to_string();
        assert!(error.starts_with("BigQuery insertAll: "), "{error}");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn retries_stop_after_the_policys_attempts() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = with_retries(quick(4), "query", || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(answer(500, "backendError"))
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }
}
