//! Business and registrant verification (account level, no catalog):
//! StartVerification, GetVerification, the registrant completion link, the
//! admin "force" hook, and the check CreatePartner makes in catalog AWS.
//!
//! Status is derived from the stored record and service time, never written
//! on reads (SEMANTICS §6.4):
//! * business: IN_PROGRESS, then SUCCEEDED at its due time;
//! * registrant: PENDING_CUSTOMER_ACTION until the completion URL is opened
//!   (then IN_PROGRESS, SUCCEEDED at its due time), or FAILED once the URL
//!   has expired unopened;
//! * an outcome forced by an admin overrides both.

use pcentral_model::{timestamp, ApiError, FieldCode, Millis};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::operations::{parse, Ctx, Ids};
use crate::partners::legal_name_key;
use crate::settings::{ms, Settings, HOUR_MS, SECOND_MS};
use crate::store::{BusinessDetails, ForcedVerification, OpResult, Tx, Verification};

pub const BUSINESS: &str = "BUSINESS_VERIFICATION";
pub const REGISTRANT: &str = "REGISTRANT_VERIFICATION";
/// Lifetime of a registrant completion URL (fixed).
pub const COMPLETION_URL_LIFETIME_MS: Millis = 24 * HOUR_MS;
/// Path of the completion link, below the server's base URL.
pub const COMPLETION_PATH: &str = "/_pcentral/verification/complete/";
/// Statuses an admin may force.
pub const FORCEABLE: [&str; 3] = ["SUCCEEDED", "FAILED", "REJECTED"];
const EXPIRED_REASON: &str = "The completion URL expired before the registrant completed the check";

/// Status of a verification at a given service time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationState {
    pub status: String,
    pub reason: Option<String>,
    pub completed_at: Option<Millis>,
}

/// The status of `v` at `now`.
pub fn state(v: &Verification, now: Millis) -> VerificationState {
    let done = |status: &str, reason: Option<String>, at: Millis| VerificationState {
        status: status.into(),
        reason,
        completed_at: Some(at),
    };
    let open = |status: &str| VerificationState { status: status.into(), reason: None, completed_at: None };
    if let Some(f) = &v.forced {
        return done(&f.status, f.reason.clone(), f.at);
    }
    match v.due_at {
        Some(due) if due <= now => done("SUCCEEDED", None, due),
        Some(_) => open("IN_PROGRESS"),
        None => match v.completion_url_expires_at {
            Some(expiry) if expiry <= now => done("FAILED", Some(EXPIRED_REASON.into()), expiry),
            _ => open("PENDING_CUSTOMER_ACTION"),
        },
    }
}

/// The completion URL of a registrant verification for a caller that reached
/// pcentral at `endpoint`.
pub fn completion_url(endpoint: &str, token: &str) -> String {
    format!("{}{COMPLETION_PATH}{token}", endpoint.trim_end_matches('/'))
}

/// The Start/GetVerification view of `v` at `now`.
pub fn view(v: &Verification, now: Millis, endpoint: &str) -> Value {
    let st = state(v, now);
    let details = if v.verification_type == BUSINESS {
        // A record created by force without details shows placeholders (docs/compat.md).
        let business = v.business.clone().unwrap_or_else(|| BusinessDetails {
            legal_name: "(forced)".into(),
            registration_id: "(forced)".into(),
            country_code: "ZZ".into(),
            jurisdiction_of_incorporation: None,
        });
        json!({"BusinessVerificationResponse": {"BusinessVerificationDetails": business}})
    } else {
        json!({"RegistrantVerificationResponse": {
            "CompletionUrl": completion_url(endpoint, v.completion_token.as_deref().unwrap_or_default()),
            "CompletionUrlExpiresAt": timestamp::format(v.completion_url_expires_at.unwrap_or(v.started_at)),
        }})
    };
    let mut out = json!({
        "VerificationType": v.verification_type,
        "VerificationStatus": st.status,
        "VerificationResponseDetails": details,
        "StartedAt": timestamp::format(v.started_at),
    });
    if let Some(reason) = st.reason {
        out["VerificationStatusReason"] = json!(reason);
    }
    if let Some(at) = st.completed_at {
        out["CompletedAt"] = json!(timestamp::format(at));
    }
    out
}

fn fresh_record(account: &str, verification_type: &str, now: Millis, ids: &mut dyn Ids) -> Verification {
    let registrant = verification_type == REGISTRANT;
    Verification {
        account: account.to_string(),
        verification_type: verification_type.to_string(),
        business: None,
        started_at: now,
        completion_token: registrant.then(|| format!("{}{}", ids.id("vt"), ids.id(""))),
        completion_url_expires_at: registrant.then_some(now + COMPLETION_URL_LIFETIME_MS),
        customer_action_at: None,
        due_at: None,
        forced: None,
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VerificationDetailsInput {
    business_verification_details: Option<BusinessDetails>,
    // The registrant member is an empty structure; its presence is what counts.
    registrant_verification_details: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StartVerificationRequest {
    verification_details: Option<VerificationDetailsInput>,
}

pub fn start_verification(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: StartVerificationRequest = parse(input)?;
    let Some(details) = req.verification_details else {
        return Err(ApiError::field(
            "VerificationDetails",
            FieldCode::RequiredFieldMissing,
            "VerificationDetails is required",
        )
        .into());
    };
    // The model's union check already made sure exactly one member is set.
    let (kind, business) = match (details.business_verification_details, details.registrant_verification_details) {
        (Some(b), _) => (BUSINESS, Some(b)),
        _ => (REGISTRANT, None),
    };
    if let Some(existing) = ctx.tx.verification(&ctx.caller.account, kind)? {
        let st = state(&existing, ctx.now);
        match st.status.as_str() {
            "SUCCEEDED" => {
                return Err(ApiError::conflict(
                    "ACCOUNT_ALREADY_VERIFIED",
                    format!("{kind} of account {} has already succeeded", ctx.caller.account),
                )
                .into())
            }
            "IN_PROGRESS" | "PENDING_CUSTOMER_ACTION" => {
                return Err(ApiError::conflict(
                    "VERIFICATION_ALREADY_IN_PROGRESS",
                    format!("{kind} of account {} is {}", ctx.caller.account, st.status),
                )
                .into())
            }
            _ => {} // FAILED or REJECTED: a new attempt replaces it.
        }
    }
    let mut record = fresh_record(&ctx.caller.account, kind, ctx.now, ctx.ids);
    if kind == BUSINESS {
        record.business = business;
        record.due_at = Some(ctx.now + ms(ctx.settings.verification_delay_seconds, SECOND_MS));
    }
    ctx.tx.put_verification(&record)?;
    // The Start answer shows the verification as it began.
    let mut out = view(&record, ctx.now, &ctx.caller.endpoint);
    if kind == BUSINESS {
        out["VerificationStatus"] = json!("IN_PROGRESS");
        if let Some(map) = out.as_object_mut() {
            map.remove("CompletedAt");
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetVerificationRequest {
    verification_type: String,
}

pub fn get_verification(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: GetVerificationRequest = parse(input)?;
    match ctx.tx.verification(&ctx.caller.account, &req.verification_type)? {
        Some(v) => Ok(view(&v, ctx.now, &ctx.caller.endpoint)),
        None => Err(ApiError::not_found(
            "VERIFICATION_NOT_FOUND",
            format!("Account {} has no {}", ctx.caller.account, req.verification_type),
        )
        .into()),
    }
}

/// CreatePartner's precondition in catalog AWS (when the setting asks for it).
pub fn check_for_partner(ctx: &mut Ctx<'_>, legal_name: &str) -> OpResult<()> {
    let account = ctx.caller.account.clone();
    let business = ctx.tx.verification(&account, BUSINESS)?;
    if business.as_ref().map(|v| state(v, ctx.now).status).as_deref() != Some("SUCCEEDED") {
        return Err(ApiError::business(
            "INCOMPATIBLE_KNOW_YOUR_BUSINESS_STATUS",
            format!("Business verification of account {account} has not succeeded"),
        )
        .into());
    }
    let registrant = ctx.tx.verification(&account, REGISTRANT)?;
    if registrant.as_ref().map(|v| state(v, ctx.now).status).as_deref() != Some("SUCCEEDED") {
        return Err(ApiError::business(
            "INCOMPATIBLE_IDENTITY_VERIFICATION_STATUS",
            format!("Registrant verification of account {account} has not succeeded"),
        )
        .into());
    }
    if let Some(verified) = business.and_then(|v| v.business) {
        if legal_name_key(&verified.legal_name) != legal_name_key(legal_name) {
            return Err(ApiError::business(
                "INCOMPATIBLE_LEGAL_NAME",
                format!("LegalName {legal_name:?} differs from the verified legal name {:?}", verified.legal_name),
            )
            .into());
        }
    }
    Ok(())
}

/// The customer opened the completion link `token`: the registrant check
/// moves on (IN_PROGRESS, SUCCEEDED at its due time). `Err` carries a
/// message for a link that is unknown, expired or already used.
pub fn complete_by_token(
    tx: &mut dyn Tx,
    token: &str,
    now: Millis,
    settings: &Settings,
) -> OpResult<Result<Value, String>> {
    let Some(mut v) = tx.verification_by_token(token)? else {
        return Ok(Err("unknown verification link".into()));
    };
    let st = state(&v, now);
    if st.status != "PENDING_CUSTOMER_ACTION" {
        return Ok(Err(format!("this verification link can no longer be used: the check is {}", st.status)));
    }
    v.customer_action_at = Some(now);
    v.due_at = Some(now + ms(settings.verification_delay_seconds, SECOND_MS));
    tx.put_verification(&v)?;
    let st = state(&v, now);
    Ok(Ok(json!({"account": v.account, "verification_type": v.verification_type, "status": st.status})))
}

/// Force the outcome of `account`'s verification of `verification_type`,
/// creating the record when there is none. `legal_name` (business only)
/// records the verified legal name.
#[allow(clippy::too_many_arguments)]
pub fn force(
    tx: &mut dyn Tx,
    ids: &mut dyn Ids,
    account: &str,
    verification_type: &str,
    status: &str,
    reason: Option<String>,
    legal_name: Option<String>,
    now: Millis,
) -> OpResult<Result<Value, String>> {
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Err("\"account\" must be a 12-digit AWS account id".into()));
    }
    if verification_type != BUSINESS && verification_type != REGISTRANT {
        return Ok(Err(format!("\"type\" must be {BUSINESS} or {REGISTRANT}")));
    }
    if !FORCEABLE.contains(&status) {
        return Ok(Err(format!("\"status\" must be one of {}", FORCEABLE.join(", "))));
    }
    let mut v = match tx.verification(account, verification_type)? {
        Some(v) => v,
        None => fresh_record(account, verification_type, now, ids),
    };
    if let (Some(name), true) = (legal_name, verification_type == BUSINESS) {
        match &mut v.business {
            Some(b) => b.legal_name = name,
            None => {
                v.business = Some(BusinessDetails {
                    legal_name: name,
                    registration_id: "(forced)".into(),
                    country_code: "ZZ".into(),
                    jurisdiction_of_incorporation: None,
                })
            }
        }
    }
    let reason = reason.or_else(|| (status != "SUCCEEDED").then(|| format!("Forced to {status} by an administrator")));
    v.forced = Some(ForcedVerification { status: status.to_string(), reason, at: now });
    tx.put_verification(&v)?;
    let st = state(&v, now);
    Ok(Ok(json!({"account": account, "verification_type": verification_type, "status": st.status,
                 "reason": st.reason})))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registrant() -> Verification {
        Verification {
            account: "111111111111".into(),
            verification_type: REGISTRANT.into(),
            business: None,
            started_at: 1000,
            completion_token: Some("tok".into()),
            completion_url_expires_at: Some(1000 + COMPLETION_URL_LIFETIME_MS),
            customer_action_at: None,
            due_at: None,
            forced: None,
        }
    }

    #[test]
    fn registrant_waits_for_the_customer_then_expires() {
        let v = registrant();
        assert_eq!(state(&v, 2000).status, "PENDING_CUSTOMER_ACTION");
        let expired = state(&v, 1000 + COMPLETION_URL_LIFETIME_MS);
        assert_eq!(expired.status, "FAILED");
        assert_eq!(expired.completed_at, Some(1000 + COMPLETION_URL_LIFETIME_MS));
        assert!(expired.reason.is_some());
        let mut opened = v.clone();
        opened.customer_action_at = Some(3000);
        opened.due_at = Some(5000);
        assert_eq!(state(&opened, 4000).status, "IN_PROGRESS");
        assert_eq!(
            state(&opened, 5000),
            VerificationState { status: "SUCCEEDED".into(), reason: None, completed_at: Some(5000) }
        );
        // Succeeded stays succeeded after the URL's expiry.
        assert_eq!(state(&opened, 1000 + 2 * COMPLETION_URL_LIFETIME_MS).status, "SUCCEEDED");
    }

    #[test]
    fn view_has_the_url_and_omits_what_is_absent() {
        let v = registrant();
        let out = view(&v, 2000, "http://localhost:4599/");
        assert_eq!(
            out["VerificationResponseDetails"]["RegistrantVerificationResponse"]["CompletionUrl"],
            "http://localhost:4599/_pcentral/verification/complete/tok"
        );
        assert!(out.get("CompletedAt").is_none() && out.get("VerificationStatusReason").is_none());
    }
}
