//! Running one API operation: service time, idempotency, and the table of
//! handlers. The server validates the input against the model first; this
//! module takes over from there, inside one store transaction.

use pcentral_model::{model, ApiError, Millis};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::settings::{ms, Settings, HOUR_MS};
use crate::store::{IdempotencyRecord, OpResult, Tx};
use crate::{
    alliance, connections, domains, invitations, partners, preferences, profiles, qualifications, tags, verification,
};

/// Source of fresh identifiers and codes (random in the server, fixed in tests).
pub trait Ids {
    /// `prefix` followed by 13 characters. The server draws them from
    /// `[a-z2-7]` (lower-case base32), which fits every id pattern of the
    /// model, including the `pqatask-`/`pqdtask-` ids of SEMANTICS §14.3.1.
    fn id(&mut self, prefix: &str) -> String;
    /// A 6-digit numeric code.
    fn code(&mut self) -> String;
    /// 32 hex digits for event ids (see [`crate::events::uuid_like`]). The
    /// server draws them at random; this default derives them from [`Ids::id`].
    fn event_id(&mut self) -> String {
        use sha2::{Digest, Sha256};
        let seed = self.id("event-");
        hex::encode(&Sha256::digest(seed.as_bytes())[..16])
    }
}

/// Who is calling, and from where.
#[derive(Debug, Clone)]
pub struct Caller {
    /// 12-digit AWS account id.
    pub account: String,
    /// Region of the request's SigV4 credential scope (used in ARNs).
    pub region: String,
    /// Base URL of this server as the client reached it (`http://<Host>`),
    /// for links pcentral hands out (the registrant verification URL).
    pub endpoint: String,
}

/// Everything an operation handler works with.
pub struct Ctx<'a> {
    pub tx: &'a mut dyn Tx,
    pub ids: &'a mut dyn Ids,
    pub caller: &'a Caller,
    /// Service time of this request.
    pub now: Millis,
    pub settings: &'a Settings,
}

/// An operation handler: typed parsing of the validated input is its first step.
pub type Handler = fn(&mut Ctx<'_>, Value) -> OpResult<Value>;

/// The handler of `operation`, or `None` while it is not built yet.
pub fn handler(operation: &str) -> Option<Handler> {
    let h: Handler = match operation {
        "SendEmailVerificationCode" => partners::send_email_verification_code,
        "CreatePartner" => partners::create_partner,
        "GetPartner" => partners::get_partner,
        "ListPartners" => partners::list_partners,
        "StartProfileUpdateTask" => profiles::start_profile_update_task,
        "GetProfileUpdateTask" => profiles::get_profile_update_task,
        "CancelProfileUpdateTask" => profiles::cancel_profile_update_task,
        "GetProfileVisibility" => profiles::get_profile_visibility,
        "PutProfileVisibility" => profiles::put_profile_visibility,
        "GetConnectionPreferences" => preferences::get_connection_preferences,
        "UpdateConnectionPreferences" => preferences::update_connection_preferences,
        "CreateConnectionInvitation" => invitations::create_connection_invitation,
        "GetConnectionInvitation" => invitations::get_connection_invitation,
        "ListConnectionInvitations" => invitations::list_connection_invitations,
        "AcceptConnectionInvitation" => invitations::accept_connection_invitation,
        "RejectConnectionInvitation" => invitations::reject_connection_invitation,
        "CancelConnectionInvitation" => invitations::cancel_connection_invitation,
        "GetConnection" => connections::get_connection,
        "ListConnections" => connections::list_connections,
        "CancelConnection" => connections::cancel_connection,
        "GetAllianceLeadContact" => alliance::get_alliance_lead_contact,
        "PutAllianceLeadContact" => alliance::put_alliance_lead_contact,
        "AssociateAwsTrainingCertificationEmailDomain" => domains::associate_aws_training_certification_email_domain,
        "DisassociateAwsTrainingCertificationEmailDomain" => {
            domains::disassociate_aws_training_certification_email_domain
        }
        "StartVerification" => verification::start_verification,
        "GetVerification" => verification::get_verification,
        "TagResource" => tags::tag_resource,
        "UntagResource" => tags::untag_resource,
        "ListTagsForResource" => tags::list_tags_for_resource,
        "StartQualificationsAssociationTask" => qualifications::start_qualifications_association_task,
        "GetQualificationsAssociationTask" => qualifications::get_qualifications_association_task,
        "StartQualificationsDisassociationTask" => qualifications::start_qualifications_disassociation_task,
        "GetQualificationsDisassociationTask" => qualifications::get_qualifications_disassociation_task,
        "GetQualificationsAssociationDetails" => qualifications::get_qualifications_association_details,
        _ => return None,
    };
    Some(h)
}

/// The answer for an operation of the model that pcentral does not serve yet.
pub fn not_implemented(operation: &str) -> ApiError {
    ApiError::new(
        pcentral_model::ErrorKind::NotImplemented,
        None,
        format!("{operation} is not implemented by pcentral yet"),
    )
}

/// Service time: the wall clock plus the stored offset.
pub fn service_now(tx: &mut dyn Tx, wall_ms: Millis) -> OpResult<(Millis, Option<Settings>)> {
    let state = tx.service_state()?;
    Ok((wall_ms.saturating_add(state.clock_offset_ms), state.settings))
}

/// The answer of [`execute`], and whether it was a replay.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub response: Value,
    /// The answer was replayed from a stored ClientToken record (nothing ran).
    pub replayed: bool,
}

/// Run `operation` (already validated) for `caller` inside the transaction `tx`.
///
/// Requests carrying a ClientToken are idempotent: the same token with the
/// same input replays the stored answer without running anything; with a
/// different input it is `ConflictException CONFLICT_CLIENT_TOKEN`.
pub fn execute(
    tx: &mut dyn Tx,
    ids: &mut dyn Ids,
    caller: &Caller,
    operation: &str,
    input: Value,
    wall_ms: Millis,
    start_settings: &Settings,
) -> OpResult<Outcome> {
    let Some(run) = handler(operation) else {
        return Err(not_implemented(operation).into());
    };
    let (now, stored_settings) = service_now(tx, wall_ms)?;
    let settings = stored_settings.unwrap_or_else(|| start_settings.clone());
    let token = client_token(operation, &input);
    let fingerprint = token.as_ref().map(|_| fingerprint(&input));
    if let (Some(token), Some(fp)) = (&token, &fingerprint) {
        if let Some(record) = tx.idempotency(&caller.account, operation, token)? {
            let live = record.created_at + ms(settings.idempotency_retention_hours, HOUR_MS) > now;
            if live {
                if &record.fingerprint == fp {
                    return Ok(Outcome { response: record.response, replayed: true });
                }
                return Err(ApiError::conflict(
                    "CONFLICT_CLIENT_TOKEN",
                    format!("ClientToken {token} was already used with different parameters"),
                )
                .into());
            }
        }
    }
    let mut ctx = Ctx { tx, ids, caller, now, settings: &settings };
    let response = run(&mut ctx, input)?;
    if let (Some(token), Some(fp)) = (token, fingerprint) {
        ctx.tx.put_idempotency(&IdempotencyRecord {
            account: caller.account.clone(),
            operation: operation.to_string(),
            token,
            fingerprint: fp,
            response: response.clone(),
            created_at: now,
        })?;
    }
    Ok(Outcome { response, replayed: false })
}

/// The value of the operation's idempotency-token member, if the request has one.
fn client_token(operation: &str, input: &Value) -> Option<String> {
    let m = model();
    let op = m.operation(operation)?;
    let Some(pcentral_model::shapes::Shape::Structure { members, .. }) = m.shape(&op.input) else {
        return None;
    };
    let member = members.iter().find(|mb| mb.idempotency_token)?;
    input.get(&member.name)?.as_str().map(str::to_string)
}

/// Hash of the request without its ClientToken and without nulls (which count
/// as absent). serde_json's map is ordered by key, so this is canonical.
pub fn fingerprint(input: &Value) -> String {
    fn canonical(v: &Value) -> Value {
        match v {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(k, v)| !v.is_null() && k.as_str() != "ClientToken")
                    .map(|(k, v)| (k.clone(), canonical(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
            other => other.clone(),
        }
    }
    hex::encode(Sha256::digest(canonical(input).to_string().as_bytes()))
}

/// The input of the operations that name one resource in a catalog
/// (GetPartner, GetConnection, GetConnectionInvitation, Accept…, and others).
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceRequest {
    pub catalog: String,
    pub identifier: String,
}

/// Parse validated input into the handler's typed request.
pub fn parse<T: DeserializeOwned>(input: Value) -> OpResult<T> {
    serde_json::from_value(input).map_err(|e| ApiError::serialization(format!("Unreadable request: {e}")).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fingerprint_ignores_token_nulls_and_member_order() {
        let a = fingerprint(&json!({"Catalog": "AWS", "ClientToken": "a", "X": null, "N": {"b": 1, "a": 2}}));
        let b = fingerprint(&json!({"N": {"a": 2, "b": 1}, "Catalog": "AWS", "ClientToken": "b"}));
        assert_eq!(a, b);
        assert_ne!(a, fingerprint(&json!({"Catalog": "Sandbox"})));
    }

    #[test]
    fn every_model_operation_has_a_handler() {
        let missing: Vec<&str> =
            model().operations().map(|op| op.name.as_str()).filter(|n| handler(n).is_none()).collect();
        assert!(model().operations().count() >= 34);
        assert!(missing.is_empty(), "operations without a handler: {missing:?}");
    }

    #[test]
    fn client_token_comes_from_the_model_member() {
        assert_eq!(client_token("CreatePartner", &json!({"ClientToken": "t1"})), Some("t1".into()));
        assert_eq!(client_token("GetPartner", &json!({"ClientToken": "t1"})), None);
    }
}
