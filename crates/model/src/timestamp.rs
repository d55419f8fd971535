//! Wire timestamps: RFC 3339, UTC, millisecond precision, `Z`
//! (docs/behaviour.md#outputs). Inside pcentral, time is milliseconds since
//! the Unix epoch (`Millis`); [`Timestamp`] is the wire form of one.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// The latest time the wire format can express: 9999-12-31T23:59:59.999Z.
pub const MAX: Millis = 253_402_300_799_999;

/// Format as `2026-01-15T09:30:00.123Z`. Times outside years 0–9999 cannot be
/// written in this format; the admin API refuses to move the clock there.
pub fn format(ms: Millis) -> String {
    Text::of(ms).as_str().to_string()
}

/// A formatted time on the stack ([`format`] without allocating: answers
/// write several per call).
struct Text([u8; 24]);

impl Text {
    fn of(ms: Millis) -> Text {
        let dt = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms.clamp(0, MAX)) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let mut text = *b"0000-00-00T00:00:00.000Z";
        let fields = [
            (0, 4, u32::try_from(dt.year()).unwrap_or(0)),
            (5, 2, u32::from(u8::from(dt.month()))),
            (8, 2, u32::from(dt.day())),
            (11, 2, u32::from(dt.hour())),
            (14, 2, u32::from(dt.minute())),
            (17, 2, u32::from(dt.second())),
            (20, 3, u32::from(dt.millisecond())),
        ];
        for (at, width, mut value) in fields {
            for slot in text[at..at + width].iter_mut().rev() {
                // value % 10 is a single digit.
                *slot = b'0' + u8::try_from(value % 10).unwrap_or(0);
                value /= 10;
            }
        }
        Text(text)
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits and separators are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// Parse any RFC 3339 timestamp into milliseconds.
pub fn parse(text: &str) -> Option<Millis> {
    let dt = OffsetDateTime::parse(text, &Rfc3339).ok()?.to_offset(UtcOffset::UTC);
    i64::try_from(dt.unix_timestamp_nanos() / 1_000_000).ok()
}

/// A point in time as the wire writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub Millis);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(Text::of(self.0).as_str())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).map(Timestamp).ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_millisecond_precision() {
        assert_eq!(format(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format(1_735_787_045_123), "2025-01-02T03:04:05.123Z");
        assert_eq!(format(MAX), "9999-12-31T23:59:59.999Z");
        assert_eq!(parse("2025-01-02T03:04:05.123Z"), Some(1_735_787_045_123));
        assert_eq!(parse("2025-01-02T05:04:05.123+02:00"), Some(1_735_787_045_123));
        assert_eq!(parse("9999-12-31T23:59:59.999Z"), Some(MAX));
        assert_eq!(parse("yesterday"), None);
    }

    #[test]
    fn every_field_is_written_in_its_place_with_its_zeros() {
        let mut ms: Millis = 7;
        while ms < MAX {
            let dt = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).expect("a time");
            let expected = std::format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                dt.year(),
                u8::from(dt.month()),
                dt.day(),
                dt.hour(),
                dt.minute(),
                dt.second(),
                dt.millisecond()
            );
            assert_eq!(format(ms), expected);
            assert_eq!(serde_json::to_string(&Timestamp(ms)).expect("written"), std::format!("\"{expected}\""));
            ms = ms * 3 + 1_234_567;
        }
    }

    #[test]
    fn times_past_the_last_writable_one_are_written_as_it_never_as_1970() {
        // The admin API keeps the clock within it; the wall clock moving on
        // after a jump to the limit, or an expiry past it, still reads as it.
        assert_eq!(format(MAX + 1), "9999-12-31T23:59:59.999Z");
        assert_eq!(format(Millis::MAX), "9999-12-31T23:59:59.999Z");
        assert_eq!(format(-1), "1970-01-01T00:00:00.000Z");
    }
}
