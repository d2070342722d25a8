//! Strict STIX/TAXII timestamps: RFC 3339, UTC, upper-case `T` and `Z`, at most nanoseconds.

use std::cmp::Ordering;
use std::fmt;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Why a string is not a valid STIX/TAXII timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// The text does not have the shape `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
    #[error("`{0}` is not an RFC 3339 UTC timestamp of the form YYYY-MM-DDTHH:MM:SS[.s]Z")]
    Format(String),
    /// The shape is right but a field is out of range (month 13, 25 o'clock, leap second, ...).
    #[error("`{0}` has a date or time field out of range")]
    Range(String),
}

/// A validated timestamp that keeps its original text (so objects round-trip byte for byte)
/// and its instant (so comparisons ignore precision differences such as `.000Z` versus `Z`).
#[derive(Debug, Clone)]
pub struct StixTimestamp {
    raw: String,
    instant: OffsetDateTime,
    fraction_digits: u8,
}

impl StixTimestamp {
    /// Parses a timestamp, requiring UTC with a `Z` suffix as STIX 2.1 and TAXII 2.1 do.
    ///
    /// # Errors
    /// [`TimestampError`] when the text is malformed or a field is out of range.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let b = text.as_bytes();
        let bad = || TimestampError::Format(truncate(text));
        if b.len() < 20 || b.len() > 30 {
            return Err(bad());
        }
        let digits = |range: std::ops::Range<usize>| -> Result<u32, TimestampError> {
            let mut v = 0u32;
            for &c in &b[range] {
                if !c.is_ascii_digit() {
                    return Err(bad());
                }
                v = v * 10 + u32::from(c - b'0');
            }
            Ok(v)
        };
        if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return Err(bad());
        }
        let year = digits(0..4)?;
        let month = digits(5..7)?;
        let day = digits(8..10)?;
        let hour = digits(11..13)?;
        let minute = digits(14..16)?;
        let second = digits(17..19)?;
        let mut pos = 19;
        let mut nanos = 0u32;
        let mut fraction_digits = 0u8;
        if b[pos] == b'.' {
            pos += 1;
            let start = pos;
            while pos < b.len() && b[pos].is_ascii_digit() {
                pos += 1;
            }
            let n = pos - start;
            if n == 0 || n > 9 {
                return Err(bad());
            }
            let frac = digits(start..pos)?;
            nanos = frac * 10u32.pow(9 - n as u32);
            fraction_digits = n as u8;
        }
        if pos + 1 != b.len() || b[pos] != b'Z' {
            return Err(bad());
        }
        let range = || TimestampError::Range(truncate(text));
        let month = u8::try_from(month).ok().and_then(|m| Month::try_from(m).ok()).ok_or_else(range)?;
        let date = Date::from_calendar_date(year as i32, month, day as u8).map_err(|_| range())?;
        let time = Time::from_hms_nano(hour as u8, minute as u8, second as u8, nanos).map_err(|_| range())?;
        Ok(Self { raw: text.to_owned(), instant: PrimitiveDateTime::new(date, time).assume_utc(), fraction_digits })
    }

    /// Builds a timestamp from an instant, rendered with microseconds as TAXII requires
    /// (`YYYY-MM-DDTHH:MM:SS.ssssssZ`). The instant is converted to UTC first.
    #[must_use]
    pub fn from_instant_micros(instant: OffsetDateTime) -> Self {
        let utc = instant.to_offset(time::UtcOffset::UTC);
        let micros = utc.nanosecond() / 1_000;
        let utc = utc.replace_nanosecond(micros * 1_000).unwrap_or(utc);
        Self { raw: format_taxii(utc), instant: utc, fraction_digits: 6 }
    }

    /// The text exactly as received.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The instant the timestamp denotes.
    #[must_use]
    pub fn instant(&self) -> OffsetDateTime {
        self.instant
    }

    /// Microseconds since the Unix epoch (sub-microsecond digits are truncated).
    #[must_use]
    pub fn unix_micros(&self) -> i64 {
        let nanos = self.instant.unix_timestamp_nanos();
        i64::try_from(nanos.div_euclid(1_000)).unwrap_or(i64::MAX)
    }

    /// Number of fractional-second digits present in the text.
    #[must_use]
    pub fn fraction_digits(&self) -> u8 {
        self.fraction_digits
    }
}

/// Formats an instant as a TAXII timestamp with exactly six fractional digits.
#[must_use]
pub fn format_taxii(instant: OffsetDateTime) -> String {
    let t = instant.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.nanosecond() / 1_000
    )
}

fn truncate(text: &str) -> String {
    text.chars().take(64).collect()
}

impl PartialEq for StixTimestamp {
    fn eq(&self, other: &Self) -> bool {
        self.instant == other.instant
    }
}

impl Eq for StixTimestamp {}

impl PartialOrd for StixTimestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for StixTimestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant.cmp(&other.instant)
    }
}

impl fmt::Display for StixTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn check(input: &str, ok: bool) {
        assert_eq!(StixTimestamp::parse(input).is_ok(), ok, "{input}");
    }

    #[test]
    fn accepts_only_utc_z_timestamps_with_sane_fields() {
        check("2016-05-12T08:17:27.000Z", true);
        check("2016-05-12T08:17:27Z", true);
        check("2016-05-12T08:17:27.123456789Z", true);
        check("2016-05-12T08:17:27.1234567891Z", false);
        check("2016-05-12T08:17:27.000+00:00", false);
        check("2016-05-12t08:17:27.000Z", false);
        check("2016-05-12T08:17:27.000z", false);
        check("2016-05-12 08:17:27.000Z", false);
        check("2016-13-12T08:17:27.000Z", false);
        check("2016-02-30T08:17:27.000Z", false);
        check("2016-05-12T24:00:00Z", false);
        check("2016-05-12T08:17:27.Z", false);
        check("yesterday", false);
        check("", false);
    }

    #[test]
    fn precision_differences_compare_equal() {
        let a = StixTimestamp::parse("2016-05-12T08:17:27Z").unwrap();
        let b = StixTimestamp::parse("2016-05-12T08:17:27.000Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "2016-05-12T08:17:27Z");
        assert_eq!(b.fraction_digits(), 3);
    }

    #[test]
    fn taxii_format_has_microseconds() {
        let t = StixTimestamp::parse("2021-01-02T03:04:05.123456789Z").unwrap();
        assert_eq!(StixTimestamp::from_instant_micros(t.instant()).as_str(), "2021-01-02T03:04:05.123456Z");
        assert_eq!(t.unix_micros(), 1_609_556_645_123_456);
    }
}
