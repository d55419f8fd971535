//! Connection preferences: GetConnectionPreferences,
//! UpdateConnectionPreferences, and the check CreateConnectionInvitation
//! makes against the receiver's preferences
//! (docs/behaviour.md#connection-preferences).
//!
//! Every (account, catalog) has one logical record. Until the first update
//! nothing is stored and the record is the default: `ALLOW_ALL`, no
//! exclusions, `Revision` 0. A read transaction cannot write, and no write
//! other than UpdateConnectionPreferences needs the record (it replaces
//! `UpdatedAt` anyway), so the default is synthesised, never stored: its
//! `UpdatedAt` is the `CreatedAt` of the account's partner in the catalog
//! (stable across reads), or, for an account without a partner, the service
//! time of the request.

use pcentral_model::account::{self, AccessType, ConflictExceptionReason};
use pcentral_model::{AccountId, ApiError, Catalog, Millis, Timestamp};

use crate::arn;
use crate::ctx::Ctx;
use crate::records::ConnectionPreferences;
use crate::store::{OpResult, Tx};

/// The preferences of `account` in `catalog` at service time `now`, stored or default.
pub fn load(tx: &mut dyn Tx, catalog: Catalog, account: &AccountId, now: Millis) -> OpResult<ConnectionPreferences> {
    if let Some(stored) = tx.connection_preferences(catalog, account)? {
        return Ok(stored);
    }
    let updated_at = tx.partner_by_account(catalog, account)?.map_or(now, |p| p.created_at);
    Ok(ConnectionPreferences {
        catalog,
        account: account.clone(),
        access_type: AccessType::AllowAll,
        excluded: Vec::new(),
        updated_at,
        revision: 0,
    })
}

/// Whether `prefs` refuse invitations from a sender known by these identifiers
/// (its profile id and its account id). Exclusions count only under
/// `ALLOW_BY_DEFAULT_DENY_SOME`.
pub fn refuses(prefs: &ConnectionPreferences, sender_identifiers: &[&str]) -> bool {
    match prefs.access_type {
        AccessType::AllowAll => false,
        AccessType::DenyAll => true,
        AccessType::AllowByDefaultDenySome => prefs.excluded.iter().any(|e| sender_identifiers.contains(&e.as_str())),
    }
}

/// The Get/Update output.
pub fn render(prefs: &ConnectionPreferences, region: &str) -> account::GetConnectionPreferencesResponse {
    account::GetConnectionPreferencesResponse {
        catalog: prefs.catalog,
        arn: arn::preferences(region, &prefs.account, prefs.catalog),
        access_type: prefs.access_type,
        excluded_participant_ids: (!prefs.excluded.is_empty()).then(|| prefs.excluded.clone()),
        updated_at: Timestamp(prefs.updated_at),
        revision: prefs.revision,
    }
}

pub fn get_connection_preferences(
    ctx: &mut Ctx<'_>,
    req: account::GetConnectionPreferencesRequest,
) -> OpResult<account::GetConnectionPreferencesResponse> {
    let prefs = load(ctx.tx, req.catalog, &ctx.caller.account, ctx.now)?;
    Ok(render(&prefs, &ctx.caller.region))
}

pub fn update_connection_preferences(
    ctx: &mut Ctx<'_>,
    req: account::UpdateConnectionPreferencesRequest,
) -> OpResult<account::UpdateConnectionPreferencesResponse> {
    let current = load(ctx.tx, req.catalog, &ctx.caller.account, ctx.now)?;
    // The model has already refused duplicates; keep the order given.
    let excluded = req.excluded_participant_identifiers.unwrap_or_default();
    if req.revision != current.revision {
        // Courtesy for the "idempotent" trait: a retry of the update that
        // produced the current record returns it instead of a conflict.
        let is_retry = req.revision.checked_add(1) == Some(current.revision)
            && req.access_type == current.access_type
            && excluded == current.excluded;
        if is_retry {
            return Ok(render(&current, &ctx.caller.region).into());
        }
        return Err(ApiError::conflict(
            ConflictExceptionReason::IncompatibleConnectionPreferencesRevision,
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
    Ok(render(&updated, &ctx.caller.region).into())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prefs(access_type: AccessType, excluded: &[&str]) -> ConnectionPreferences {
        ConnectionPreferences {
            catalog: Catalog::Sandbox,
            account: AccountId::parse("111111111111").unwrap(),
            access_type,
            excluded: excluded.iter().map(|s| s.to_string()).collect(),
            updated_at: 0,
            revision: 3,
        }
    }

    #[test]
    fn access_types_decide_who_may_invite() {
        let sender = ["pprofile-aaaaaaaaaaaaa", "222222222222"];
        assert!(!refuses(&prefs(AccessType::AllowAll, &["222222222222"]), &sender));
        assert!(refuses(&prefs(AccessType::DenyAll, &[]), &sender));
        assert!(refuses(&prefs(AccessType::AllowByDefaultDenySome, &["222222222222"]), &sender));
        assert!(refuses(&prefs(AccessType::AllowByDefaultDenySome, &["pprofile-aaaaaaaaaaaaa"]), &sender));
        assert!(!refuses(&prefs(AccessType::AllowByDefaultDenySome, &["333333333333"]), &sender));
    }

    #[test]
    fn view_has_the_account_arn_and_omits_an_empty_list() {
        let v = serde_json::to_value(render(&prefs(AccessType::AllowAll, &[]), "us-east-1")).unwrap();
        assert_eq!(v["Arn"], "arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/connection-preferences");
        assert_eq!(v["Revision"], 3);
        assert_eq!(v["UpdatedAt"], "1970-01-01T00:00:00.000Z");
        assert!(v.get("ExcludedParticipantIds").is_none());
        let v = serde_json::to_value(render(&prefs(AccessType::DenyAll, &["222222222222"]), "eu-west-1")).unwrap();
        assert_eq!(v["ExcludedParticipantIds"], json!(["222222222222"]));
    }
}
