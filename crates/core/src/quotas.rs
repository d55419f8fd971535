//! Rolling-window quotas: usage is recorded per (catalog, kind, scope) with
//! its service time, and counted over the trailing 24 hours. Replays of an
//! idempotent request never reach these functions, so they never count.

use pcentral_model::ApiError;

use crate::operations::Ctx;
use crate::settings::DAY_MS;
use crate::store::OpResult;

/// Fail with ServiceQuotaExceededException `reason` when `scope` already used
/// `limit` units of `kind` in the trailing 24 hours.
pub fn check_rolling_quota(
    ctx: &mut Ctx<'_>,
    catalog: &str,
    kind: &str,
    scope: &str,
    limit: u64,
    reason: &'static str,
    message: &str,
) -> OpResult<()> {
    let used = ctx.tx.count_usage(catalog, kind, scope, ctx.now - DAY_MS)?;
    if used >= limit {
        return Err(ApiError::quota(reason, format!("{message} (limit {limit})")).into());
    }
    Ok(())
}

/// Record one unit of `kind` used by `scope` now.
pub fn record(ctx: &mut Ctx<'_>, catalog: &str, kind: &str, scope: &str) -> OpResult<()> {
    ctx.tx.record_usage(catalog, kind, scope, ctx.now)?;
    Ok(())
}
