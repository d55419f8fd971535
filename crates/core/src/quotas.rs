//! Rolling-window quotas (docs/behaviour.md#quotas): usage is recorded per
//! (catalog, kind, scope) with its service time, and counted over the
//! trailing 24 hours. Replays of an idempotent request never reach these
//! functions, so they never count.

use pcentral_model::account::ServiceQuotaExceededExceptionReason as Reason;
use pcentral_model::{ApiError, Catalog};

use crate::ctx::Ctx;
use crate::records::UsageKind;
use crate::settings::{Settings, DAY_MS};
use crate::store::OpResult;

/// The window every quota counts over: usage older than this counts no more.
pub const WINDOW_MS: pcentral_model::Millis = DAY_MS;

/// One rolling 24-hour quota: what it counts, its limit setting, its reason.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub kind: UsageKind,
    /// The setting that holds the limit.
    pub setting: &'static str,
    pub limit: fn(&Settings) -> u64,
    pub reason: Reason,
    /// What the refusal says (the limit is appended).
    pub message: &'static str,
}

pub const EMAIL_CODES: Quota = Quota {
    kind: UsageKind::EmailCode,
    setting: "email_codes_per_day",
    limit: |s| s.email_codes_per_day,
    reason: Reason::LimitExceededNumberOfEmail,
    message: "Too many verification codes sent to this address in the last 24 hours",
};

pub const PROFILE_TASKS: Quota = Quota {
    kind: UsageKind::ProfileTask,
    setting: "profile_tasks_per_day",
    limit: |s| s.profile_tasks_per_day,
    reason: Reason::LimitExceededNumberOfProfileUpdatePerDay,
    message: "Too many profile update tasks started in the last 24 hours",
};

pub const VISIBILITY_UPDATES: Quota = Quota {
    kind: UsageKind::ProfileVisibility,
    setting: "visibility_updates_per_day",
    limit: |s| s.visibility_updates_per_day,
    reason: Reason::LimitExceededNumberOfProfileVisibilityUpdatePerDay,
    message: "Too many profile visibility updates in the last 24 hours",
};

pub const INVITATIONS: Quota = Quota {
    kind: UsageKind::ConnectionInvitation,
    setting: "connection_invitations_per_day",
    limit: |s| s.connection_invitations_per_day,
    reason: Reason::LimitExceededNumberOfConnectionInvitationPerDay,
    message: "Too many connection invitations sent in the last 24 hours",
};

/// Fail with ServiceQuotaExceededException when `scope` already used its
/// `quota` in the trailing 24 hours; otherwise record one more use.
pub fn spend(ctx: &mut Ctx<'_>, catalog: Catalog, quota: Quota, scope: &str) -> OpResult<()> {
    check(ctx, catalog, quota, scope)?;
    ctx.tx.record_usage(catalog, quota.kind, scope, ctx.now)?;
    Ok(())
}

/// Fail when `scope` already used its `quota` in the trailing 24 hours.
pub fn check(ctx: &mut Ctx<'_>, catalog: Catalog, quota: Quota, scope: &str) -> OpResult<()> {
    let limit = (quota.limit)(ctx.settings);
    let used = ctx.tx.count_usage(catalog, quota.kind, scope, ctx.now - WINDOW_MS)?;
    if used >= limit {
        let e = ApiError::quota(quota.reason, format!("{} (limit {limit})", quota.message));
        return Err(e.decided_by(quota.setting).into());
    }
    Ok(())
}
