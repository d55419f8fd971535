//! Connection preferences: GetConnectionPreferences, UpdateConnectionPreferences,
//! and the check CreateConnectionInvitation makes against the receiver's
//! preferences.
//!
//! Every (account, catalog) has one logical record. Until the first update
//! nothing is stored and the record is the default: `ALLOW_ALL`, no
//! exclusions, `Revision` 0. A read transaction cannot write, and no write
//! other than UpdateConnectionPreferences needs the record (it replaces
//! `UpdatedAt` anyway), so the default is synthesised, never stored:
//! its `UpdatedAt` is the `CreatedAt` of the account's partner in the catalog
//! (stable across reads), or, for an account without a partner, the service
//! time of the request.

use pcentral_model::{timestamp, ApiError};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::operations::{parse, Ctx};
use crate::store::{ConnectionPreferences, OpResult, Tx};

/// The preferences of `account` in `catalog` at service time `now`, stored or default.
pub fn load(tx: &mut dyn Tx, catalog: &str, account: &str, now: i64) -> OpResult<ConnectionPreferences> {
    if let Some(stored) = tx.connection_preferences(catalog, account)? {
        return Ok(stored);
    }
    let updated_at = tx.partner_by_account(catalog, account)?.map_or(now, |p| p.created_at);
    Ok(ConnectionPreferences {
        catalog: catalog.to_string(),
        account: account.to_string(),
        access_type: "ALLOW_ALL".into(),
        excluded: Vec::new(),
        updated_at,
        revision: 0,
    })
}

/// Whether `prefs` refuse invitations from a sender known by these identifiers
/// (its profile id and its account id). Exclusions count only under
/// `ALLOW_BY_DEFAULT_DENY_SOME`.
pub fn refuses(prefs: &ConnectionPreferences, sender_identifiers: &[&str]) -> bool {
    match prefs.access_type.as_str() {
        "DENY_ALL" => true,
        "ALLOW_BY_DEFAULT_DENY_SOME" => prefs.excluded.iter().any(|e| sender_identifiers.contains(&e.as_str())),
        _ => false,
    }
}

/// `arn:aws:partnercentral:{region}:{account}:catalog/{catalog}/connection-preferences`.
pub fn preferences_arn(region: &str, prefs: &ConnectionPreferences) -> String {
    format!("arn:aws:partnercentral:{region}:{}:catalog/{}/connection-preferences", prefs.account, prefs.catalog)
}

/// The Get/Update output.
pub fn render_preferences(prefs: &ConnectionPreferences, region: &str) -> Value {
    let mut v = json!({
        "Catalog": prefs.catalog,
        "Arn": preferences_arn(region, prefs),
        "AccessType": prefs.access_type,
        "UpdatedAt": timestamp::format(prefs.updated_at),
        "Revision": prefs.revision,
    });
    if !prefs.excluded.is_empty() {
        v["ExcludedParticipantIds"] = json!(prefs.excluded);
    }
    v
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetRequest {
    catalog: String,
}

pub fn get_connection_preferences(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: GetRequest = parse(input)?;
    let prefs = load(ctx.tx, &req.catalog, &ctx.caller.account, ctx.now)?;
    Ok(render_preferences(&prefs, &ctx.caller.region))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateRequest {
    catalog: String,
    revision: i64,
    access_type: String,
    #[serde(default)]
    excluded_participant_identifiers: Option<Vec<String>>,
}

pub fn update_connection_preferences(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: UpdateRequest = parse(input)?;
    let current = load(ctx.tx, &req.catalog, &ctx.caller.account, ctx.now)?;
    // The model has already refused duplicates; keep the order given.
    let excluded = req.excluded_participant_identifiers.unwrap_or_default();
    if req.revision != current.revision {
        // Courtesy for the "idempotent" trait: a retry of the update that
        // produced the current record returns it instead of a conflict.
        let is_retry = req.revision.checked_add(1) == Some(current.revision)
            && req.access_type == current.access_type
            && excluded == current.excluded;
        if is_retry {
            return Ok(render_preferences(&current, &ctx.caller.region));
        }
        return Err(ApiError::conflict(
            "INCOMPATIBLE_CONNECTION_PREFERENCES_REVISION",
            format!("Revision {} does not match the current revision {}", req.revision, current.revision),
        )
        .into());
    }
    let updated = ConnectionPreferences {
        catalog: req.catalog,
        account: ctx.caller.account.clone(),
        access_type: req.access_type,
        excluded,
        updated_at: ctx.now,
        revision: current.revision.saturating_add(1),
    };
    ctx.tx.put_connection_preferences(&updated)?;
    Ok(render_preferences(&updated, &ctx.caller.region))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefs(access_type: &str, excluded: &[&str]) -> ConnectionPreferences {
        ConnectionPreferences {
            catalog: "Sandbox".into(),
            account: "111111111111".into(),
            access_type: access_type.into(),
            excluded: excluded.iter().map(|s| s.to_string()).collect(),
            updated_at: 0,
            revision: 3,
        }
    }

    #[test]
    fn access_types_decide_who_may_invite() {
        let sender = ["pprofile-aaaaaaaaaaaaa", "222222222222"];
        assert!(!refuses(&prefs("ALLOW_ALL", &["222222222222"]), &sender));
        assert!(refuses(&prefs("DENY_ALL", &[]), &sender));
        assert!(refuses(&prefs("ALLOW_BY_DEFAULT_DENY_SOME", &["222222222222"]), &sender));
        assert!(refuses(&prefs("ALLOW_BY_DEFAULT_DENY_SOME", &["pprofile-aaaaaaaaaaaaa"]), &sender));
        assert!(!refuses(&prefs("ALLOW_BY_DEFAULT_DENY_SOME", &["333333333333"]), &sender));
    }

    #[test]
    fn view_has_the_account_arn_and_omits_an_empty_list() {
        let v = render_preferences(&prefs("ALLOW_ALL", &[]), "us-east-1");
        assert_eq!(v["Arn"], "arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/connection-preferences");
        assert_eq!(v["Revision"], 3);
        assert_eq!(v["UpdatedAt"], "1970-01-01T00:00:00.000Z");
        assert!(v.get("ExcludedParticipantIds").is_none());
        let v = render_preferences(&prefs("DENY_ALL", &["222222222222"]), "eu-west-1");
        assert_eq!(v["ExcludedParticipantIds"], json!(["222222222222"]));
    }
}
