//! Business and registrant verification (account level, no catalog):
//! StartVerification, GetVerification, the registrant completion link, the
//! admin "force" command, and the check CreatePartner makes in catalog AWS
//! (docs/behaviour.md#verification).
//!
//! Status is derived from the stored record and service time, never written
//! on reads:
//! * business: IN_PROGRESS, then SUCCEEDED at its due time;
//! * registrant: PENDING_CUSTOMER_ACTION until the completion URL is opened
//!   (then IN_PROGRESS, SUCCEEDED at its due time), or FAILED once the URL
//!   has expired unopened;
//! * an outcome forced by an admin overrides both.

use pcentral_model::account::{
    self, BusinessValidationCode, ConflictExceptionReason, ResourceNotFoundExceptionReason, VerificationStatus,
    VerificationType,
};
use pcentral_model::{AccountId, ApiError, Millis, Timestamp};

use crate::ctx::{Ctx, Ids};
use crate::partners::legal_name_key;
use crate::records::{BusinessDetails, ForcedVerification, Verification, VerificationOutcome};
use crate::settings::{ms, Settings, HOUR_MS, SECOND_MS};
use crate::store::{OpResult, Tx};
use crate::tools::ToolError;

/// Lifetime of a registrant completion URL (fixed).
pub const COMPLETION_URL_LIFETIME_MS: Millis = 24 * HOUR_MS;
/// Path of the completion link, below the server's base URL.
pub const COMPLETION_PATH: &str = "/_pcentral/verification/complete/";
const EXPIRED_REASON: &str = "The completion URL expired before the registrant completed the check";
/// What a business verification created by force, without details, shows (docs/compat.md).
const FORCED_PLACEHOLDER: &str = "(forced)";

/// Status of a verification at a given service time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationState {
    pub status: VerificationStatus,
    pub reason: Option<String>,
    pub completed_at: Option<Millis>,
}

/// The status of `v` at `now`.
pub fn state(v: &Verification, now: Millis) -> VerificationState {
    let done = |status, reason, at| VerificationState { status, reason, completed_at: Some(at) };
    let open = |status| VerificationState { status, reason: None, completed_at: None };
    if let Some(f) = &v.forced {
        return done(f.status.status(), f.reason.clone(), f.at);
    }
    match v.due_at {
        Some(due) if due <= now => done(VerificationStatus::Succeeded, None, due),
        Some(_) => open(VerificationStatus::InProgress),
        None => match v.completion_url_expires_at {
            Some(expiry) if expiry <= now => done(VerificationStatus::Failed, Some(EXPIRED_REASON.into()), expiry),
            _ => open(VerificationStatus::PendingCustomerAction),
        },
    }
}

/// The completion URL of a registrant verification for a caller that reached
/// pcentral at `endpoint`.
pub fn completion_url(endpoint: &str, token: &str) -> String {
    format!("{}{COMPLETION_PATH}{token}", endpoint.trim_end_matches('/'))
}

fn forced_business() -> BusinessDetails {
    BusinessDetails {
        legal_name: FORCED_PLACEHOLDER.into(),
        registration_id: FORCED_PLACEHOLDER.into(),
        country_code: "ZZ".into(),
        jurisdiction_of_incorporation: None,
    }
}

/// The Start/GetVerification view of `v` at `now`.
pub fn view(v: &Verification, now: Millis, endpoint: &str) -> account::GetVerificationResponse {
    let st = state(v, now);
    let details = match v.verification_type {
        VerificationType::BusinessVerification => {
            let b = v.business.clone().unwrap_or_else(forced_business);
            account::VerificationResponseDetails::BusinessVerificationResponse(account::BusinessVerificationResponse {
                business_verification_details: account::BusinessVerificationDetails {
                    legal_name: b.legal_name,
                    registration_id: b.registration_id,
                    country_code: b.country_code,
                    jurisdiction_of_incorporation: b.jurisdiction_of_incorporation,
                },
                completion_url: None,
                completion_url_expires_at: None,
            })
        }
        VerificationType::RegistrantVerification => {
            account::VerificationResponseDetails::RegistrantVerificationResponse(
                account::RegistrantVerificationResponse {
                    completion_url: completion_url(endpoint, v.completion_token.as_deref().unwrap_or_default()),
                    completion_url_expires_at: Timestamp(v.completion_url_expires_at.unwrap_or(v.started_at)),
                },
            )
        }
    };
    account::GetVerificationResponse {
        verification_type: v.verification_type,
        verification_status: st.status,
        verification_status_reason: st.reason,
        verification_response_details: details,
        started_at: Timestamp(v.started_at),
        completed_at: st.completed_at.map(Timestamp),
    }
}

fn fresh_record(
    account: &AccountId,
    verification_type: VerificationType,
    now: Millis,
    ids: &mut dyn Ids,
) -> Verification {
    let registrant = verification_type == VerificationType::RegistrantVerification;
    Verification {
        account: account.clone(),
        verification_type,
        business: None,
        started_at: now,
        completion_token: registrant.then(|| format!("vt{}{}", ids.suffix().as_str(), ids.suffix().as_str())),
        completion_url_expires_at: registrant.then_some(now + COMPLETION_URL_LIFETIME_MS),
        customer_action_at: None,
        due_at: None,
        forced: None,
    }
}

pub fn start_verification(
    ctx: &mut Ctx<'_>,
    req: account::StartVerificationRequest,
) -> OpResult<account::StartVerificationResponse> {
    let Some(details) = req.verification_details else {
        return Err(ApiError::field(
            "VerificationDetails",
            account::FieldValidationCode::RequiredFieldMissing,
            "VerificationDetails is required",
        )
        .into());
    };
    let (kind, business) = match details {
        account::VerificationDetails::BusinessVerificationDetails(b) => (
            VerificationType::BusinessVerification,
            Some(BusinessDetails {
                legal_name: b.legal_name,
                registration_id: b.registration_id,
                country_code: b.country_code,
                jurisdiction_of_incorporation: b.jurisdiction_of_incorporation,
            }),
        ),
        account::VerificationDetails::RegistrantVerificationDetails(_) => {
            (VerificationType::RegistrantVerification, None)
        }
    };
    if let Some(existing) = ctx.tx.verification(&ctx.caller.account, kind)? {
        let st = state(&existing, ctx.now);
        match st.status {
            VerificationStatus::Succeeded => {
                return Err(ApiError::conflict(
                    ConflictExceptionReason::AccountAlreadyVerified,
                    format!("{kind} of account {} has already succeeded", ctx.caller.account),
                )
                .into())
            }
            VerificationStatus::InProgress | VerificationStatus::PendingCustomerAction => {
                return Err(ApiError::conflict(
                    ConflictExceptionReason::VerificationAlreadyInProgress,
                    format!("{kind} of account {} is {}", ctx.caller.account, st.status),
                )
                .into())
            }
            VerificationStatus::Failed | VerificationStatus::Rejected => {} // a new attempt replaces it
        }
    }
    let mut record = fresh_record(&ctx.caller.account, kind, ctx.now, ctx.ids);
    if kind == VerificationType::BusinessVerification {
        record.business = business;
        record.due_at = Some(ctx.now + ms(ctx.settings.verification_delay_seconds, SECOND_MS));
    }
    ctx.tx.put_verification(&record)?;
    // The Start answer shows the verification as it began.
    let mut v = view(&record, ctx.now, &ctx.caller.endpoint);
    if kind == VerificationType::BusinessVerification {
        v.verification_status = VerificationStatus::InProgress;
        v.completed_at = None;
    }
    Ok(v.into())
}

pub fn get_verification(
    ctx: &mut Ctx<'_>,
    req: account::GetVerificationRequest,
) -> OpResult<account::GetVerificationResponse> {
    match ctx.tx.verification(&ctx.caller.account, req.verification_type)? {
        Some(v) => Ok(view(&v, ctx.now, &ctx.caller.endpoint)),
        None => Err(ApiError::not_found(
            ResourceNotFoundExceptionReason::VerificationNotFound,
            format!("Account {} has no {}", ctx.caller.account, req.verification_type),
        )
        .into()),
    }
}

/// CreatePartner's precondition in catalog AWS (when the setting asks for it).
pub fn check_for_partner(ctx: &mut Ctx<'_>, legal_name: &str) -> OpResult<()> {
    const SETTING: &str = "require_verification_for_aws_catalog";
    let account = ctx.caller.account.clone();
    let succeeded =
        |v: &Option<Verification>, now| v.as_ref().map(|v| state(v, now).status) == Some(VerificationStatus::Succeeded);
    let business = ctx.tx.verification(&account, VerificationType::BusinessVerification)?;
    if !succeeded(&business, ctx.now) {
        let e = ApiError::business(
            BusinessValidationCode::IncompatibleKnowYourBusinessStatus,
            format!("Business verification of account {account} has not succeeded"),
        );
        return Err(e.decided_by(SETTING).into());
    }
    let registrant = ctx.tx.verification(&account, VerificationType::RegistrantVerification)?;
    if !succeeded(&registrant, ctx.now) {
        let e = ApiError::business(
            BusinessValidationCode::IncompatibleIdentityVerificationStatus,
            format!("Registrant verification of account {account} has not succeeded"),
        );
        return Err(e.decided_by(SETTING).into());
    }
    if let Some(verified) = business.and_then(|v| v.business) {
        if legal_name_key(&verified.legal_name) != legal_name_key(legal_name) {
            let e = ApiError::business(
                BusinessValidationCode::IncompatibleLegalName,
                format!("LegalName {legal_name:?} differs from the verified legal name {:?}", verified.legal_name),
            );
            return Err(e.decided_by(SETTING).into());
        }
    }
    Ok(())
}

/// What a verification command answers: the record's state after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationResult {
    pub account: AccountId,
    pub verification_type: VerificationType,
    pub state: VerificationState,
}

/// The customer opened the completion link `token`: the registrant check
/// moves on (IN_PROGRESS, SUCCEEDED at its due time). Refused for a link
/// that is unknown, expired or already used.
pub fn complete_by_token(
    tx: &mut dyn Tx,
    token: &str,
    now: Millis,
    settings: &Settings,
) -> OpResult<VerificationResult> {
    let Some(mut v) = tx.verification_by_token(token)? else {
        return Err(ToolError::NotFound("unknown verification link".into()).into());
    };
    let st = state(&v, now);
    if st.status != VerificationStatus::PendingCustomerAction {
        return Err(ToolError::Conflict(format!(
            "this verification link can no longer be used: the check is {}",
            st.status
        ))
        .into());
    }
    v.customer_action_at = Some(now);
    v.due_at = Some(now + ms(settings.verification_delay_seconds, SECOND_MS));
    tx.put_verification(&v)?;
    Ok(VerificationResult { state: state(&v, now), account: v.account, verification_type: v.verification_type })
}

/// Admin: force an account's verification outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForceVerification {
    pub account: AccountId,
    pub verification_type: VerificationType,
    pub outcome: VerificationOutcome,
    /// The VerificationStatusReason to report.
    pub reason: Option<String>,
    /// Business only: the verified legal name (CreatePartner in catalog AWS must use it).
    pub legal_name: Option<String>,
}

/// Apply `command`, creating the record when there is none.
pub fn force(
    tx: &mut dyn Tx,
    ids: &mut dyn Ids,
    command: ForceVerification,
    now: Millis,
) -> OpResult<VerificationResult> {
    let ForceVerification { account, verification_type, outcome, reason, legal_name } = command;
    let mut v = match tx.verification(&account, verification_type)? {
        Some(v) => v,
        None => fresh_record(&account, verification_type, now, ids),
    };
    if let (Some(name), VerificationType::BusinessVerification) = (legal_name, verification_type) {
        v.business.get_or_insert_with(forced_business).legal_name = name;
    }
    let reason = reason.or_else(|| {
        (outcome != VerificationOutcome::Succeeded)
            .then(|| format!("Forced to {} by an administrator", outcome.status()))
    });
    v.forced = Some(ForcedVerification { status: outcome, reason, at: now });
    tx.put_verification(&v)?;
    Ok(VerificationResult { state: state(&v, now), account, verification_type })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn registrant() -> Verification {
        Verification {
            account: AccountId::parse("111111111111").unwrap(),
            verification_type: VerificationType::RegistrantVerification,
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
        assert_eq!(state(&v, 2000).status, VerificationStatus::PendingCustomerAction);
        let expired = state(&v, 1000 + COMPLETION_URL_LIFETIME_MS);
        assert_eq!(expired.status, VerificationStatus::Failed);
        assert_eq!(expired.completed_at, Some(1000 + COMPLETION_URL_LIFETIME_MS));
        assert!(expired.reason.is_some());
        let mut opened = v.clone();
        opened.customer_action_at = Some(3000);
        opened.due_at = Some(5000);
        assert_eq!(state(&opened, 4000).status, VerificationStatus::InProgress);
        assert_eq!(
            state(&opened, 5000),
            VerificationState { status: VerificationStatus::Succeeded, reason: None, completed_at: Some(5000) }
        );
        // Succeeded stays succeeded after the URL's expiry.
        assert_eq!(state(&opened, 1000 + 2 * COMPLETION_URL_LIFETIME_MS).status, VerificationStatus::Succeeded);
    }

    #[test]
    fn view_has_the_url_and_omits_what_is_absent() {
        let out = serde_json::to_value(view(&registrant(), 2000, "http://localhost:4599/")).unwrap();
        assert_eq!(
            out["VerificationResponseDetails"]["RegistrantVerificationResponse"]["CompletionUrl"],
            "http://localhost:4599/_pcentral/verification/complete/tok"
        );
        assert!(out.get("CompletedAt").is_none() && out.get("VerificationStatusReason").is_none());
    }
}
