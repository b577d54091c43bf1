//! How old the bundled range lists are: operators move crawlers to new addresses, so a list
//! past [`MAX_RANGE_AGE_DAYS`] (by its `creationTime`) should be refreshed, and the processor
//! warns once at start when one is.

use crate::operator::{operators, RangeFile};

/// Age (days since `creationTime`) past which a bundled list is reported as stale.
pub const MAX_RANGE_AGE_DAYS: u64 = 180;

/// A bundled range list older than the limit asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaleRangeFile {
    pub operator: &'static str,
    pub file: &'static RangeFile,
    /// Whole days from its `creationTime` to the time asked about.
    pub age_days: u64,
}

/// Every bundled list more than `max_age_days` old at `now_unix_secs`, in `operators.json` order.
pub fn stale_range_files(now_unix_secs: i64, max_age_days: u64) -> Vec<StaleRangeFile> {
    operators()
        .iter()
        .flat_map(|operator| {
            operator
                .bundled
                .iter()
                .map(move |file| (operator.name, file))
        })
        .filter_map(|(operator, file)| {
            let age_secs = now_unix_secs.saturating_sub(file.created_unix_secs);
            let age_days = u64::try_from(age_secs).unwrap_or(0) / 86_400;
            (age_days > max_age_days).then_some(StaleRangeFile {
                operator,
                file,
                age_days,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-08-20T14:47:01 UTC: the newest of the bundled Google lists.
    const NEWEST: i64 = 1_787_237_221;
    const DAY: i64 = 86_400;

    fn stale_files(now: i64) -> Vec<(&'static str, &'static str, u64)> {
        stale_range_files(now, MAX_RANGE_AGE_DAYS)
            .into_iter()
            .map(|stale| (stale.operator, stale.file.file, stale.age_days))
            .collect()
    }

    #[test]
    fn fresh_lists_are_not_reported() {
        assert!(stale_files(NEWEST).is_empty());
        assert!(stale_files(NEWEST + 180 * DAY).is_empty());
        // A clock before the lists were made is not an age.
        assert!(stale_files(0).is_empty());
    }

    #[test]
    fn lists_past_the_limit_are_reported_with_their_age() {
        assert_eq!(
            stale_files(NEWEST + 181 * DAY),
            [
                ("Google", "ranges/google-googlebot.json", 181),
                ("Google", "ranges/google-googlesc.json", 181),
                ("Google", "ranges/google-googleutf.json", 181),
            ]
        );
        assert_eq!(stale_range_files(NEWEST + 2 * DAY, 1).len(), 3);
    }
}
