//! Service settings: delays, lifetimes and quotas. Every value has a
//! documented default (DECISIONS.md) and can be set at start (flags, env) or
//! changed at runtime through the admin API (then stored for every node).

use serde::{Deserialize, Serialize};

/// Settings that shape service behaviour. Field names are the names users set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Service time a profile update task takes to succeed.
    pub profile_task_delay_seconds: u64,
    /// How long an emailed verification code stays valid.
    pub email_code_validity_minutes: u64,
    /// How long a ClientToken's answer is replayed.
    pub idempotency_retention_hours: u64,
    /// Verification codes per address per rolling 24 h (catalog AWS).
    pub email_codes_per_day: u64,
    /// Profile update tasks started per partner per rolling 24 h.
    pub profile_tasks_per_day: u64,
    /// Profile visibility updates per partner per rolling 24 h.
    pub visibility_updates_per_day: u64,
    /// Days a connection invitation stays PENDING before it expires.
    pub invitation_lifetime_days: u64,
    /// Connection invitations created per sending account per rolling 24 h.
    pub connection_invitations_per_day: u64,
    /// Open (PENDING) connection invitations a sending account may have.
    pub open_connection_invitations: u64,
    /// Connections with an ACTIVE type per account (checked at Accept only).
    pub active_connections: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            profile_task_delay_seconds: 0,
            email_code_validity_minutes: 30,
            idempotency_retention_hours: 24,
            email_codes_per_day: 5,
            profile_tasks_per_day: 10,
            visibility_updates_per_day: 5,
            invitation_lifetime_days: 30,
            connection_invitations_per_day: 50,
            open_connection_invitations: 1000,
            active_connections: 1000,
        }
    }
}

pub const SECOND_MS: i64 = 1_000;
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// Convert a setting in some unit to milliseconds, saturating.
pub fn ms(value: u64, unit_ms: i64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX / unit_ms).saturating_mul(unit_ms)
}
