//! The Selling API's system settings of the calling account in one catalog:
//! GetSellingSystemSettings and PutSellingSystemSettings
//! (docs/behaviour.md#selling-system-settings). The only setting is the IAM
//! role resource snapshot jobs run as; Put names it by ARN or by role name
//! (a name is a role of the caller's own account) and replaces what was set.

use pcentral_model::selling;
use pcentral_model::AccountId;

use crate::ctx::Ctx;
use crate::records::SellingSettings;
use crate::store::OpResult;

/// The role's full ARN: an ARN as given, a bare role name as a role of `account`.
pub fn role_arn(account: &AccountId, identifier: &str) -> String {
    if identifier.starts_with("arn:") {
        identifier.to_string()
    } else {
        format!("arn:aws:iam::{account}:role/{identifier}")
    }
}

pub fn get_selling_system_settings(
    ctx: &mut Ctx<'_>,
    req: selling::GetSellingSystemSettingsRequest,
) -> OpResult<selling::GetSellingSystemSettingsResponse> {
    let stored = ctx.tx.selling_settings(req.catalog, &ctx.caller.account)?;
    Ok(selling::GetSellingSystemSettingsResponse {
        catalog: req.catalog,
        resource_snapshot_job_role_arn: stored.and_then(|s| s.resource_snapshot_job_role_arn),
    })
}

pub fn put_selling_system_settings(
    ctx: &mut Ctx<'_>,
    req: selling::PutSellingSystemSettingsRequest,
) -> OpResult<selling::PutSellingSystemSettingsResponse> {
    let settings = SellingSettings {
        catalog: req.catalog,
        account: ctx.caller.account.clone(),
        resource_snapshot_job_role_arn: req
            .resource_snapshot_job_role_identifier
            .as_deref()
            .map(|id| role_arn(&ctx.caller.account, id)),
        updated_at: ctx.now,
    };
    ctx.tx.put_selling_settings(&settings)?;
    Ok(selling::PutSellingSystemSettingsResponse {
        catalog: settings.catalog,
        resource_snapshot_job_role_arn: settings.resource_snapshot_job_role_arn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_name_is_a_role_of_the_callers_account_and_an_arn_stays_as_given() {
        let account: AccountId = "111122223333".parse().expect("account id");
        assert_eq!(role_arn(&account, "SnapshotRole"), "arn:aws:iam::111122223333:role/SnapshotRole");
        let other = "arn:aws:iam::444455556666:role/team/SnapshotRole";
        assert_eq!(role_arn(&account, other), other);
    }
}
