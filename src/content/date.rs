//! A calendar date, for the `checked` front matter key: the day a page's
//! sources were last read. Written as a TOML date (`checked = 2026-12-01`),
//! shown as `YYYY-MM-DD`, and counted in days so `remedy check --stale`
//! can compare it with today. Nothing in a build compares it with today:
//! two builds of the same files stay identical on any day.

use std::fmt;

use serde::Serialize;

/// A date of the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2026.
    pub year: i32,
    /// 1-12.
    pub month: u8,
    /// 1-31.
    pub day: u8,
}

impl Date {
    /// The date of a TOML value, which must be a date alone: a time or an
    /// offset would claim a precision nobody checks sources with.
    pub fn from_toml(value: &toml::value::Datetime) -> Result<Date, &'static str> {
        match (&value.date, &value.time, &value.offset) {
            (Some(d), None, None) => Ok(Date {
                year: i32::from(d.year),
                month: d.month,
                day: d.day,
            }),
            (None, _, _) => Err("it is a time without a date"),
            _ => Err("it has a time of day"),
        }
    }

    /// Parses `YYYY-MM-DD` (for `--today`).
    pub fn parse(text: &str) -> Option<Date> {
        let value: toml::value::Datetime = text.trim().parse().ok()?;
        Date::from_toml(&value).ok()
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((secs / 86_400) as i64)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Templates and JSON see `YYYY-MM-DD`.
impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn days_round_trip() {
        for days in [-800_000, -1, 0, 1, 19_000, 20_788, 2_000_000] {
            assert_eq!(Date::from_days(days).days(), days);
        }
        let d = Date::parse("2026-12-01").unwrap();
        assert_eq!(d.to_string(), "2026-12-01");
        assert_eq!(Date::parse("2027-03-01").unwrap().days() - d.days(), 90);
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert!(Date::parse("2026-12-01T10:00:00").is_none());
        assert!(Date::parse("2026-13-01").is_none());
    }
}
