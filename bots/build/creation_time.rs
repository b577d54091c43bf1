//! A range list's `creationTime` (`2026-08-20T14:46:45.000000`) as Unix seconds, so the crate
//! can tell how old its bundled ranges are without a date library.
//!
//! Google writes the time without a zone; it is read as UTC, as are `Z` and `+00:00`. Any other
//! offset is refused rather than guessed.

/// Seconds since 1970-01-01T00:00:00Z, or why the text is not such a time.
pub fn unix_seconds(text: &str) -> Result<i64, String> {
    let bad = |why: &str| {
        format!("creationTime {text:?} is not YYYY-MM-DDTHH:MM:SS[.fraction][Z|+00:00] ({why})")
    };
    let rest = text
        .strip_suffix('Z')
        .or_else(|| text.strip_suffix("+00:00"))
        .unwrap_or(text);
    let (date, time) = rest
        .split_once(['T', ' '])
        .ok_or_else(|| bad("no `T` between date and time"))?;
    let time = match time.split_once('.') {
        Some((whole, fraction))
            if !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit()) =>
        {
            whole
        }
        Some(_) => return Err(bad("the fraction of a second is not digits")),
        None => time,
    };
    let [year, month, day] = three_numbers(date, '-', [4, 2, 2]).ok_or_else(|| bad("bad date"))?;
    let [hour, minute, second] =
        three_numbers(time, ':', [2, 2, 2]).ok_or_else(|| bad("bad time of day"))?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(bad("no such day"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(bad("no such time of day"));
    }
    Ok(days_since_epoch(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// `2026-08-20` as `[2026, 8, 20]`: exactly three fields of exactly these widths, digits only.
fn three_numbers(text: &str, separator: char, widths: [usize; 3]) -> Option<[i64; 3]> {
    let mut numbers = [0; 3];
    let mut pieces = text.split(separator);
    for (number, width) in numbers.iter_mut().zip(widths) {
        let piece = pieces.next()?;
        if piece.len() != width || !piece.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *number = piece.parse().ok()?;
    }
    pieces.next().is_none().then_some(numbers)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the date (proleptic Gregorian; Howard Hinnant's `days_from_civil`).
fn days_since_epoch(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}
