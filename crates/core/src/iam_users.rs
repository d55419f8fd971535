//! IAM users (docs/security.md#iam-users-and-policies): the rules for a
//! user's name and policies, shared by the admin API and fixtures.

use pcentral_iam::{PolicyError, PolicySet};

use crate::records::IamUser;

/// IAM's rule for user names: 1 to 64 of letters, digits and `+=,.@_-`.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!("the user name `{name}` must be 1 to 64 letters, digits or +=,.@_-"))
    }
}

/// The user's policies, parsed (what a node keeps per user version).
pub fn policies(user: &IamUser) -> Result<PolicySet, PolicyError> {
    let inline: Vec<(&str, &serde_json::Value)> =
        user.policies.iter().map(|p| (p.name.as_str(), &p.document)).collect();
    let managed: Vec<&str> = user.managed_policies.iter().map(String::as_str).collect();
    PolicySet::build(&inline, &managed)
}

/// Whether `user` may be stored: its name and every policy (a refusal names the problem and its place).
pub fn check(user: &IamUser) -> Result<(), String> {
    check_name(&user.name)?;
    policies(user).map(|_| ()).map_err(|e| e.to_string())
}

/// Create user `name` of `account` with these policies, or replace the
/// policies of an existing one (its version goes up by one, so every node
/// drops its parsed copy). Nothing is stored when a policy is refused.
pub fn put(
    tx: &mut dyn crate::Tx,
    account: &pcentral_model::AccountId,
    name: &str,
    policies: Vec<crate::records::InlinePolicy>,
    managed_policies: Vec<String>,
    now: pcentral_model::Millis,
) -> crate::OpResult<IamUser> {
    let previous = tx.iam_user(account, name)?;
    let user = IamUser {
        account: account.clone(),
        name: name.to_string(),
        policies,
        managed_policies,
        version: previous.map_or(1, |p| p.version + 1),
        updated_at: now,
    };
    check(&user).map_err(crate::tools::ToolError::Invalid)?;
    tx.put_iam_user(&user)?;
    Ok(user)
}
