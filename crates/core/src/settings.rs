//! Service settings: delays, lifetimes and quotas. Every value has a
//! documented default (DECISIONS.md) and can be set at start (flags, env) or
//! changed at runtime through the admin API (then stored for every node).

use std::fmt;
use std::str::FromStr;

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
    /// Training/certification email domains a partner may link.
    pub training_domains_per_partner: u64,
    /// Service time a verification takes to succeed once it is in progress.
    pub verification_delay_seconds: u64,
    /// Whether CreatePartner in catalog AWS requires SUCCEEDED business and
    /// registrant verification (Sandbox never does).
    pub require_verification_for_aws_catalog: bool,
    /// Service time a qualifications (dis)association task takes to succeed.
    pub qualifications_task_delay_seconds: u64,
    /// What cancelling a SUBSIDIARY connection does to a qualifications association.
    pub qualifications_on_subsidiary_cancel: SubsidiaryCancel,
    /// Subsidiaries (associated and in flight) one primary partner may have.
    pub qualifications_max_associated_partners: u64,
    /// URL that every recorded event is POSTed to (empty: no delivery).
    pub events_webhook_url: String,
}

/// What CancelConnection on a SUBSIDIARY type does to a qualifications
/// association (or task in flight) between the two accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubsidiaryCancel {
    /// Settle tasks in flight, then remove the association.
    Dissolve,
    /// Leave the association until the subsidiary disassociates.
    Keep,
    /// Refuse the cancel (ConflictException INCOMPATIBLE_CONNECTION_STATE).
    Block,
}

impl fmt::Display for SubsidiaryCancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SubsidiaryCancel::Dissolve => "dissolve",
            SubsidiaryCancel::Keep => "keep",
            SubsidiaryCancel::Block => "block",
        })
    }
}

impl FromStr for SubsidiaryCancel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "dissolve" => Ok(SubsidiaryCancel::Dissolve),
            "keep" => Ok(SubsidiaryCancel::Keep),
            "block" => Ok(SubsidiaryCancel::Block),
            other => Err(format!("expected dissolve, keep or block, got {other}")),
        }
    }
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
            training_domains_per_partner: 50,
            verification_delay_seconds: 0,
            require_verification_for_aws_catalog: true,
            qualifications_task_delay_seconds: 0,
            qualifications_on_subsidiary_cancel: SubsidiaryCancel::Dissolve,
            qualifications_max_associated_partners: 6,
            events_webhook_url: String::new(),
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
