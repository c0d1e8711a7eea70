//! Log timestamps: ISO-8601 with an offset (`-0500`, `-05:00` or `Z`), whole seconds or a
//! fraction, normalised to microseconds since 1970 in UTC so that text logs (local time) and JSON
//! logs (UTC) merge in time order.

use std::fmt;

/// A moment, in UTC, and the offset it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Microseconds since 1970-01-01T00:00:00Z.
    pub utc_micros: i64,
    /// The writer's offset from UTC, in minutes (-300 for `-0500`).
    pub offset_minutes: i16,
}

/// Days from 1970-01-01 to `year-month-day` in the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `(year, month, day)` of a day count from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

/// `count` ASCII digits at `at` as a number.
fn digits(bytes: &[u8], at: usize, count: usize) -> Option<i64> {
    let part = bytes.get(at..at + count)?;
    part.iter().try_fold(0i64, |n, &b| b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0')))
}

/// Parses a timestamp at the start of `bytes`; the timestamp and how many bytes it took.
#[must_use]
pub fn parse(bytes: &[u8]) -> Option<(Timestamp, usize)> {
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators.iter().any(|&(at, sep)| bytes.get(at) != Some(&sep)) {
        return None;
    }
    let (year, month, day) = (digits(bytes, 0, 4)?, digits(bytes, 5, 2)?, digits(bytes, 8, 2)?);
    let (hour, minute, second) = (digits(bytes, 11, 2)?, digits(bytes, 14, 2)?, digits(bytes, 17, 2)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut at = 19;
    let mut micros = 0;
    if bytes.get(at) == Some(&b'.') {
        let count = bytes[at + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if count == 0 {
            return None;
        }
        // Microseconds: the first six digits, padded.
        let kept = count.min(6);
        micros = digits(bytes, at + 1, kept)? * 10i64.pow(u32::try_from(6 - kept).ok()?);
        at += 1 + count;
    }
    let offset_minutes = match bytes.get(at) {
        Some(b'Z') => {
            at += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            let hours = digits(bytes, at + 1, 2)?;
            let colon = usize::from(bytes.get(at + 3) == Some(&b':'));
            let minutes = digits(bytes, at + 3 + colon, 2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            at += 5 + colon;
            let total = hours * 60 + minutes;
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    let local_seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let utc_micros = (local_seconds - offset_minutes * 60) * 1_000_000 + micros;
    Some((Timestamp { utc_micros, offset_minutes: i16::try_from(offset_minutes).ok()? }, at))
}

impl fmt::Display for Timestamp {
    /// In UTC, e.g. `2023-01-11T13:25:24.393624Z` (no fraction when it is zero).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.utc_micros.div_euclid(1_000_000);
        let micros = self.utc_micros.rem_euclid(1_000_000);
        let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
        let in_day = seconds.rem_euclid(86_400);
        write!(f, "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}", in_day / 3600, in_day % 3600 / 60, in_day % 60)?;
        if micros != 0 {
            write!(f, ".{micros:06}")?;
        }
        f.write_str("Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> String {
        parse(text.as_bytes()).map(|(t, _)| t.to_string()).unwrap_or_else(|| "none".into())
    }

    #[test]
    fn both_text_log_forms_and_the_json_form_give_the_same_utc_moment() {
        assert_eq!(utc("2023-01-11T08:25:24.393624-0500 [-]"), "2023-01-11T13:25:24.393624Z");
        assert_eq!(utc("2023-01-11T13:25:24.393624Z"), "2023-01-11T13:25:24.393624Z");
        assert_eq!(utc("2023-01-11T14:25:24.393624+01:00"), "2023-01-11T13:25:24.393624Z");
        assert_eq!(utc("2020-07-01T12:00:00-0500"), "2020-07-01T17:00:00Z");
        assert_eq!(utc("2020-12-31T23:30:00-0100"), "2021-01-01T00:30:00Z", "across a year");
        assert_eq!(utc("2024-02-29T12:00:00.5+0000"), "2024-02-29T12:00:00.500000Z");
        assert_eq!(utc("1969-12-31T23:59:59Z"), "1969-12-31T23:59:59Z");
        assert_eq!(parse(b"2020-07-01T12:00:00-0500 rest").unwrap().1, 24);
    }

    #[test]
    fn anything_else_is_not_a_timestamp() {
        for bad in [
            "",
            "2020-07-01",
            "2020-13-01T12:00:00Z",
            "2020-07-01T12:00:00",
            "2020-07-01T12:00:00.Z",
            "2020-07-01T24:00:00Z",
            "2020-07-01T12:00:00-05",
            "x020-07-01T12:00:00Z",
            "2020-07-01T12:00:00+9900",
        ] {
            assert_eq!(utc(bad), "none", "{bad}");
        }
    }

    #[test]
    fn days_round_trip_over_four_centuries() {
        for days in (-146_097..2 * 146_097).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
