//! The time a request is recorded at. Local runs replay days of visits in minutes: the traffic
//! generator names each request's moment in the `footfall-clock` header (Unix milliseconds),
//! so sessions time out and days roll over as they would in real time. The header is honoured
//! only when the config store allows it *and* the app runs in Viceroy, never on Fastly, where a
//! visitor could otherwise forge when they came.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Whether this run may take the time from [`footfall_event::CLOCK_HEADER`]: `simulated_clock` is set in the
/// config store and the host is Viceroy (which reports `FASTLY_HOSTNAME=localhost`).
pub fn simulation_allowed(simulated_clock: bool, fastly_hostname: Option<&str>) -> bool {
    simulated_clock && fastly_hostname == Some("localhost")
}

/// The last moment an event's RFC 3339 timestamp can name (9999-12-31T23:59:59.999Z).
const LAST_MILLIS: u64 = 253_402_300_799_999;

/// The moment a request is recorded at: the header's, if allowed and well-formed, else `now`.
pub fn request_time(now: SystemTime, header: Option<&str>, allowed: bool) -> SystemTime {
    header
        .filter(|_| allowed)
        .and_then(|value| value.trim().parse::<u64>().ok())
        .filter(|millis| *millis <= LAST_MILLIS)
        .map(|millis| UNIX_EPOCH + Duration::from_millis(millis))
        .unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_764_500_000_000;

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(NOW)
    }

    #[test]
    fn only_viceroy_with_the_setting_on_may_simulate() {
        assert!(simulation_allowed(true, Some("localhost")));
        assert!(!simulation_allowed(false, Some("localhost")));
        assert!(!simulation_allowed(true, Some("cache-fra19123")));
        assert!(!simulation_allowed(true, None));
    }

    #[test]
    fn the_header_sets_the_time_when_allowed() {
        let at = request_time(now(), Some("1700000000123"), true);
        assert_eq!(at, UNIX_EPOCH + Duration::from_millis(1_700_000_000_123));
        let last = request_time(now(), Some("253402300799999"), true);
        assert_eq!(
            humantime::format_rfc3339_millis(last).to_string(),
            "9999-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn the_header_is_ignored_when_not_allowed_or_malformed() {
        assert_eq!(request_time(now(), Some("1700000000123"), false), now());
        for bad in [
            "",
            "yesterday",
            "-5",
            "1.5",
            "99999999999999999999999",
            "253402300800000",
        ] {
            assert_eq!(request_time(now(), Some(bad), true), now(), "{bad:?}");
        }
        assert_eq!(request_time(now(), None, true), now());
    }
}
