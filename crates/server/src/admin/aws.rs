//! The admin API's "acting as AWS" tools (docs/behaviour.md#acting-as-aws):
//! AWS's review of an opportunity, an AWS referral, and expiring engagement
//! invitations, over `pcentral_core::acting_as_aws`, each in one write
//! transaction on service time.

use pcentral_core::acting_as_aws::{
    self, Expire, Referral, Review, DEFAULT_AWS_SENDER_ACCOUNT, DEFAULT_AWS_SENDER_NAME,
};
use pcentral_core::clock;
use pcentral_core::engagements::tasks::Runner;
use pcentral_core::store::write;
use pcentral_model::{timestamp, AccountId, Catalog, EngagementInvitationId};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{command, json_answer, AdminError, Answer, Call};
use crate::app::{wall_ms, AppState, RandomIds};

/// `{"catalog", "opportunity_id", "status": Approved | Action Required | Rejected, "comments"?, "reason"?}`
pub fn review(state: &AppState, call: &Call<'_>) -> Answer {
    let r: Review = command(
        &call.input,
        r#"{"catalog", "opportunity_id", "status": "Approved" | "Action Required" | "Rejected", "comments"?, "reason"?}"#,
    )?;
    let o = write(state.store.as_ref(), |tx| {
        let (now, service) = clock::service_now(tx, wall_ms())?;
        let settings = service.settings_or(&state.settings);
        let runner = Runner { now, settings, pagination_key: &service.pagination_key };
        acting_as_aws::review_opportunity(tx, &mut RandomIds, &runner, r.clone())
    })?;
    json_answer(json!({
        "catalog": o.catalog,
        "opportunity_id": o.id,
        "owner": o.owner,
        "review_status": o.review_status,
        "last_modified_date": timestamp::format(o.last_modified),
    }))
}

/// `{"catalog", "receiver", "opportunity": {OpportunityInvitation payload}, "message"?,
/// "sender_account"?, "sender_company_name"?}`
pub fn refer(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Refer {
        catalog: Catalog,
        receiver: AccountId,
        opportunity: Value,
        message: Option<String>,
        sender_account: Option<AccountId>,
        sender_company_name: Option<String>,
    }
    let r: Refer = command(
        &call.input,
        r#"{"catalog", "receiver", "opportunity": {the OpportunityInvitation payload}, "message"?, "sender_account"?, "sender_company_name"?}"#,
    )?;
    if !r.opportunity.is_object() {
        return Err(AdminError::BadRequest(
            "\"opportunity\" must be a JSON object: the OpportunityInvitation payload".into(),
        ));
    }
    let sender_account = match r.sender_account.clone() {
        Some(a) => a,
        None => AccountId::parse(DEFAULT_AWS_SENDER_ACCOUNT)
            .map_err(|e| AdminError::Internal(format!("default AWS sender: {e}")))?,
    };
    let i = write(state.store.as_ref(), |tx| {
        let (now, service) = clock::service_now(tx, wall_ms())?;
        let settings = service.settings_or(&state.settings);
        let runner = Runner { now, settings, pagination_key: &service.pagination_key };
        let referral = Referral {
            catalog: r.catalog,
            receiver: r.receiver.clone(),
            opportunity: r.opportunity.clone(),
            message: r.message.clone().unwrap_or_else(|| "An opportunity AWS shares with you".to_string()),
            sender_account: sender_account.clone(),
            sender_company_name: r.sender_company_name.clone().unwrap_or_else(|| DEFAULT_AWS_SENDER_NAME.into()),
        };
        acting_as_aws::send_referral(tx, &mut RandomIds, &runner, referral)
    })?;
    json_answer(json!({
        "catalog": i.catalog,
        "invitation_id": i.id,
        "engagement_id": i.engagement_id,
        "receiver": i.receiver,
        "sender_account": i.sender,
        "expiration_date": timestamp::format(i.expires_at),
    }))
}

/// `{"catalog", "invitation_id"}` (one pending invitation) or `{"catalog", "account"}`
/// (every invitation the account received that is pending).
pub fn expire(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ExpireCommand {
        catalog: Catalog,
        invitation_id: Option<String>,
        account: Option<AccountId>,
    }
    let e: ExpireCommand = command(&call.input, r#"{"catalog", "invitation_id"} or {"catalog", "account"}"#)?;
    let which = match (&e.invitation_id, &e.account) {
        (Some(id), None) => Expire::One(
            EngagementInvitationId::parse(id)
                .map_err(|err| AdminError::BadRequest(format!("\"invitation_id\": {err}")))?,
        ),
        (None, Some(account)) => Expire::PendingOf(account.clone()),
        _ => return Err(AdminError::BadRequest("give exactly one of \"invitation_id\" and \"account\"".into())),
    };
    let expired = write(state.store.as_ref(), |tx| {
        let (now, _) = clock::service_now(tx, wall_ms())?;
        acting_as_aws::expire_invitations(tx, now, e.catalog, which.clone())
    })?;
    json_answer(json!({"catalog": e.catalog, "expired": expired}))
}
