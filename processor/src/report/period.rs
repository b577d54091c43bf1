//! The days a report covers, and the period of the same length right before them (what its
//! headline numbers are compared with).

use time::macros::format_description;
use time::{Date, Duration};

/// Inclusive first and last day, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

/// How many days a report covers unless told.
pub const DEFAULT_DAYS: i64 = 28;

impl Period {
    /// From `start` and `end` (`YYYY-MM-DD`, inclusive), either or both missing: the last
    /// [`DEFAULT_DAYS`] days up to `today`, or that many from or up to the one given.
    pub fn new(start: Option<&str>, end: Option<&str>, today: Date) -> Result<Period, String> {
        let span = Duration::days(DEFAULT_DAYS - 1);
        let (start, end) = match (start.map(day).transpose()?, end.map(day).transpose()?) {
            (Some(start), Some(end)) => (start, end),
            (Some(start), None) => (start, start + span),
            (None, Some(end)) => (end - span, end),
            (None, None) => (today - span, today),
        };
        if start > end {
            return Err(format!("the range starts ({start}) after it ends ({end})"));
        }
        Ok(Period { start, end })
    }

    pub fn days(&self) -> i64 {
        (self.end - self.start).whole_days() + 1
    }

    /// The same number of days, ending the day before this period starts.
    pub fn previous(&self) -> Period {
        let end = self.start - Duration::days(1);
        Period {
            start: end - Duration::days(self.days() - 1),
            end,
        }
    }
}

/// A `YYYY-MM-DD` day.
pub fn day(text: &str) -> Result<Date, String> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("{text:?} is not a day (YYYY-MM-DD)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 07);

    #[test]
    fn the_default_is_the_last_28_days_and_the_previous_period_the_28_before() {
        let period = Period::new(None, None, TODAY).unwrap();
        assert_eq!((period.start, period.end), (date!(2026 - 11 - 10), TODAY));
        assert_eq!(period.days(), 28);
        let previous = period.previous();
        assert_eq!(
            (previous.start, previous.end),
            (date!(2026 - 10 - 13), date!(2026 - 11 - 09))
        );
    }

    #[test]
    fn an_explicit_range_is_kept_and_one_end_gives_28_days() {
        let period = Period::new(Some("2026-11-02"), Some("2026-11-03"), TODAY).unwrap();
        assert_eq!(period.days(), 2);
        assert_eq!(period.previous().start, date!(2026 - 10 - 31));
        let from = Period::new(Some("2026-11-01"), None, TODAY).unwrap();
        assert_eq!(from.end, date!(2026 - 11 - 28));
        let to = Period::new(None, Some("2026-11-28"), TODAY).unwrap();
        assert_eq!(to.start, date!(2026 - 11 - 01));
    }

    #[test]
    fn bad_ranges_say_why() {
        assert_eq!(
            Period::new(Some("2026-11-03"), Some("2026-11-02"), TODAY).unwrap_err(),
            "the range starts (2026-11-03) after it ends (2026-11-02)"
        );
        assert_eq!(
            Period::new(Some("yesterday"), None, TODAY).unwrap_err(),
            "\"yesterday\" is not a day (YYYY-MM-DD)"
        );
    }
}
