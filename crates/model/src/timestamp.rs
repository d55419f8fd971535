//! Wire timestamps: RFC 3339, UTC, millisecond precision, `Z` (WIRE.md §3).
//! Inside pcentral, time is milliseconds since the Unix epoch (`Millis`).

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// Format as `2026-01-15T09:30:00.123Z`.
pub fn format(ms: Millis) -> String {
    let dt =
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.millisecond()
    )
}

/// Parse any RFC 3339 timestamp into milliseconds.
pub fn parse(text: &str) -> Option<Millis> {
    let dt = OffsetDateTime::parse(text, &Rfc3339).ok()?.to_offset(UtcOffset::UTC);
    i64::try_from(dt.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_millisecond_precision() {
        assert_eq!(format(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format(1_735_787_045_123), "2025-01-02T03:04:05.123Z");
        assert_eq!(parse("2025-01-02T03:04:05.123Z"), Some(1_735_787_045_123));
        assert_eq!(parse("2025-01-02T05:04:05.123+02:00"), Some(1_735_787_045_123));
        assert_eq!(parse("yesterday"), None);
    }
}
