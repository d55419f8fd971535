//! Acting as AWS (docs/behaviour.md#acting-as-aws): what AWS does on its
//! side of the Selling API, for the admin API, the CLI and the console. AWS
//! reviews submitted opportunities, sends referrals (engagement invitations
//! from AWS carrying an opportunity) and lets invitations expire. Each tool
//! runs in one store transaction, on service time, with the code the API's
//! own operations use: the review is [`lifecycle::review`], the invitation is
//! answered by AcceptEngagementInvitation or the accepting task.

use pcentral_model::selling::{self, ReviewStatus};
use pcentral_model::{AccountId, Catalog, EngagementId, EngagementInvitationId, Millis, OpportunityId};
use serde_json::{json, Value};

use crate::ctx::{new_id, Caller, Ids};
use crate::engagements::tasks::Runner;
use crate::events::{EngagementInvitationEvent, Recorder, REGION};
use crate::opportunities::document::next_modified;
use crate::opportunities::lifecycle;
use crate::records::{
    AwsSender, Engagement, EngagementInvitation, EngagementInvitationStatus as Status, InvitationPayloadType,
    Opportunity,
};
use crate::settings::{ms, DAY_MS};
use crate::store::{EngagementInvitationQuery, OpResult, StoreError, Tx};
use crate::tools::ToolError;

/// The account AWS's referrals come from when the admin names none *(pcentral)*.
pub const DEFAULT_AWS_SENDER_ACCOUNT: &str = "000000000000";
/// The `SenderCompanyName` of AWS's referrals when the admin names none.
pub const DEFAULT_AWS_SENDER_NAME: &str = "AWS";

fn aws_caller(account: &AccountId) -> Caller {
    Caller { account: account.clone(), region: REGION.to_string(), endpoint: String::new() }
}

/// AWS's review of one opportunity: the outcome (Approved, Action Required
/// or Rejected) with AWS's comments and reason; the admin API's body.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub catalog: Catalog,
    pub opportunity_id: String,
    pub status: ReviewStatus,
    pub comments: Option<String>,
    pub reason: Option<String>,
}

/// Apply `review`: stores it, records `Opportunity Updated` for the owner,
/// and answers the opportunity.
pub fn review_opportunity(tx: &mut dyn Tx, ids: &mut dyn Ids, r: &Runner<'_>, review: Review) -> OpResult<Opportunity> {
    let Review { catalog, opportunity_id: id, status, comments, reason } = review;
    let missing = || ToolError::NotFound(format!("no opportunity {id} in catalog {catalog}"));
    let oid = OpportunityId::parse(&id).map_err(|_| missing())?;
    let Some(mut o) = tx.opportunity(catalog, &oid)? else {
        return Err(missing().into());
    };
    if let Err(refusal) = lifecycle::review(&mut o, status, comments, reason) {
        let message = refusal.message(&o);
        return Err(match refusal {
            lifecycle::ReviewRefusal::NotAnOutcome(_) => ToolError::Invalid(message),
            lifecycle::ReviewRefusal::NotUnderReview(_) => ToolError::Conflict(message),
        }
        .into());
    }
    let expected = o.last_modified;
    o.last_modified = next_modified(&o, r.now);
    if !tx.update_opportunity(&o, expected)? {
        return Err(StoreError::Conflict.into());
    }
    let caller = aws_caller(&o.owner);
    let mut ctx = r.ctx(tx, ids, &caller);
    Recorder::of(&mut ctx).opportunity_updated(&o)?;
    Ok(o)
}

/// An AWS referral to send: the receiver and the `OpportunityInvitation`
/// payload (its wire members), with who at AWS sends it.
pub struct Referral {
    pub catalog: Catalog,
    pub receiver: AccountId,
    /// The members of `Payload.OpportunityInvitation`, as on the wire.
    pub opportunity: Value,
    pub message: String,
    pub sender_account: AccountId,
    pub sender_company_name: String,
}

/// Send `referral`: a new engagement made by AWS and an invitation from AWS
/// to the receiver (`Engagement Invitation Created` for it). The payload
/// meets the model's constraints of CreateEngagementInvitation's payload, or
/// nothing is stored.
pub fn send_referral(
    tx: &mut dyn Tx,
    ids: &mut dyn Ids,
    r: &Runner<'_>,
    referral: Referral,
) -> OpResult<EngagementInvitation> {
    if referral.receiver == referral.sender_account {
        return Err(ToolError::Invalid("\"receiver\" is the sending AWS account itself".into()).into());
    }
    if referral.sender_company_name.trim().is_empty() || referral.sender_company_name.chars().count() > 120 {
        return Err(ToolError::Invalid("\"sender_company_name\" takes 1 to 120 characters".into()).into());
    }
    let payload = json!({"OpportunityInvitation": referral.opportunity});
    // The model's constraints of an invitation's payload, as CreateEngagementInvitation checks them.
    let request = json!({
        "Catalog": referral.catalog,
        "ClientToken": "referral",
        "EngagementIdentifier": "eng-aaaaaaaaaaaaaa",
        "Invitation": {
            "Message": referral.message,
            "Receiver": {"Account": {"AwsAccountId": referral.receiver}},
            "Payload": payload,
        },
    });
    let operation = pcentral_model::Operation::Selling(selling::Operation::CreateEngagementInvitation);
    pcentral_model::check_input(operation, &request).map_err(pcentral_model::ApiError::from)?;
    let title = payload.pointer("/OpportunityInvitation/Project/Title").and_then(Value::as_str).map(str::to_string);
    let description =
        payload.pointer("/OpportunityInvitation/Project/BusinessProblem").and_then(Value::as_str).map(str::to_string);
    let caller = aws_caller(&referral.sender_account);
    let mut ctx = r.ctx(tx, ids, &caller);
    let engagement = Engagement {
        catalog: referral.catalog,
        id: EngagementId::with_suffix(&ctx.ids.suffix()),
        title,
        description,
        created_at: ctx.now,
        created_by: referral.sender_account.clone(),
        modified_at: ctx.now,
        modified_by: referral.sender_account.clone(),
        contexts: Vec::new(),
    };
    ctx.tx.insert_engagement(&engagement)?;
    let i = EngagementInvitation {
        catalog: referral.catalog,
        id: new_id(ctx.ids),
        engagement_id: engagement.id.clone(),
        sender: referral.sender_account,
        receiver: referral.receiver,
        receiver_alias: None,
        message: referral.message,
        payload_type: InvitationPayloadType::Opportunityinvitation,
        payload,
        status: Status::Pending,
        created_at: ctx.now,
        expires_at: ctx.now.saturating_add(ms(ctx.settings.engagement_invitation_lifetime_days, DAY_MS)),
        updated_at: ctx.now,
        rejection_reason: None,
        from_aws: Some(AwsSender { company_name: referral.sender_company_name }),
    };
    ctx.tx.insert_engagement_invitation(&i)?;
    Recorder::of(&mut ctx).engagement_invitation(&i, EngagementInvitationEvent::Created)?;
    Ok(i)
}

/// Which invitations to expire.
#[derive(Debug, Clone)]
pub enum Expire {
    /// One invitation, which must be pending.
    One(EngagementInvitationId),
    /// Every invitation `account` received in the catalog that is pending.
    PendingOf(AccountId),
}

/// Expire invitations now: their `ExpirationDate` becomes service time, so
/// every read from then on shows `EXPIRED`, as when the lifetime runs out.
/// Answers the ids expired.
pub fn expire_invitations(
    tx: &mut dyn Tx,
    now: Millis,
    catalog: Catalog,
    which: Expire,
) -> OpResult<Vec<EngagementInvitationId>> {
    let invitations = match which {
        Expire::One(id) => {
            let Some(i) = tx.engagement_invitation(catalog, &id)? else {
                return Err(ToolError::NotFound(format!("no engagement invitation {id} in catalog {catalog}")).into());
            };
            let status = i.status_at(now);
            if status != Status::Pending {
                return Err(ToolError::Conflict(format!(
                    "engagement invitation {id} is {}; only a PENDING invitation expires",
                    status.as_str()
                ))
                .into());
            }
            vec![i]
        }
        Expire::PendingOf(account) => tx.list_engagement_invitations(&EngagementInvitationQuery {
            catalog,
            account,
            as_sender: false,
            now,
            payload_types: Vec::new(),
            statuses: vec![Status::Pending],
            engagements: Vec::new(),
            senders: Vec::new(),
            descending: false,
            after: None,
            limit: usize::MAX,
        })?,
    };
    let mut expired = Vec::with_capacity(invitations.len());
    for mut i in invitations {
        let expected = i.updated_at;
        i.expires_at = now;
        i.updated_at = now.max(expected.saturating_add(1));
        if !tx.update_engagement_invitation(&i, expected)? {
            return Err(StoreError::Conflict.into());
        }
        expired.push(i.id);
    }
    Ok(expired)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_sender_is_an_account_id() {
        assert!(AccountId::parse(DEFAULT_AWS_SENDER_ACCOUNT).is_ok());
    }
}
