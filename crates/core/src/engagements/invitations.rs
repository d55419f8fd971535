//! Engagement invitations (docs/behaviour.md#engagement-invitations):
//! CreateEngagementInvitation, GetEngagementInvitation,
//! ListEngagementInvitations, AcceptEngagementInvitation and
//! RejectEngagementInvitation. A member of an engagement invites one account
//! it has an active `OPPORTUNITY_COLLABORATION` connection with (the Account
//! API's); the receiver accepts (joining the engagement) or rejects, until the
//! invitation expires on the service clock. Only the sender and the receiver
//! see an invitation.

use pcentral_model::account::ConnectionType;
use pcentral_model::selling::{self, SortOrder, ValidationExceptionErrorCode as Code};
use pcentral_model::{
    AccountId, ApiError, Catalog, EngagementId, EngagementInvitationId, ErrorKind, NoOutput, Service,
};
use serde_json::{json, Value};

use super::{engagement_id, join, member_name, visible};
use crate::ctx::{new_id, Ctx};
use crate::events::{EngagementInvitationEvent, Recorder};
use crate::opportunities::document::{field, invalid, not_found, output, refused, to_json};
use crate::pagination::Binding;
use crate::records::{
    Engagement, EngagementInvitation, EngagementInvitationStatus as Status, InvitationPayloadType as PayloadType,
};
use crate::settings::{ms, DAY_MS};
use crate::store::{EngagementCursor, EngagementInvitationQuery, OpResult};

/// Page size when `MaxResults` is absent (AWS's documentation names none; docs/compat.md).
const DEFAULT_PAGE: usize = 20;

fn arn(i: &EngagementInvitation) -> String {
    crate::arn::engagement_invitation(&i.sender, i.catalog, &i.id)
}

/// The invitation id an `EngagementInvitationArnOrIdentifier` names.
pub(super) fn invitation_id(identifier: &str) -> Option<EngagementInvitationId> {
    let id = match identifier.strip_prefix("arn:") {
        Some(rest) => rest.rsplit_once("/engagement-invitation/").map(|(_, id)| id)?,
        None => identifier,
    };
    EngagementInvitationId::parse(id).ok()
}

/// The invitation `identifier` names if the caller sent or received it;
/// anything else is the same ResourceNotFoundException.
pub(super) fn visible_invitation(
    ctx: &mut Ctx<'_>,
    catalog: Catalog,
    identifier: &str,
) -> OpResult<EngagementInvitation> {
    let missing = || not_found(format!("Engagement invitation {identifier} was not found in catalog {catalog}"));
    let Some(id) = invitation_id(identifier) else {
        return Err(missing().into());
    };
    match ctx.tx.engagement_invitation(catalog, &id)? {
        Some(i) if i.sender == ctx.caller.account || i.receiver == ctx.caller.account => Ok(i),
        _ => Err(missing().into()),
    }
}

/// Whether `a` and `b` hold an active `OPPORTUNITY_COLLABORATION` connection in `catalog`.
fn collaborating(ctx: &mut Ctx<'_>, catalog: Catalog, a: &AccountId, b: &AccountId) -> OpResult<bool> {
    let Some(connection) = ctx.tx.live_connection_between(catalog, [a, b])? else {
        return Ok(false);
    };
    Ok(connection
        .types
        .get(&ConnectionType::OpportunityCollaboration)
        .is_some_and(|t| t.status == pcentral_model::account::ConnectionTypeStatus::Active))
}

/// The refusal when sender and receiver have no active collaboration connection.
fn not_connected(receiver: &AccountId, catalog: Catalog) -> ApiError {
    refused(vec![field(
        "Invitation.Receiver.Account.AwsAccountId",
        Code::ActionNotPermitted,
        format!(
            "Invitation.Receiver.Account.AwsAccountId {receiver}: there is no active OPPORTUNITY_COLLABORATION \
             connection with this account in catalog {catalog} (Account API: CreateConnectionInvitation)"
        ),
    )])
}

fn payload_type(payload: &Value) -> Option<PayloadType> {
    let key = payload.as_object().and_then(|m| m.keys().next())?;
    key.parse().ok()
}

pub fn create_engagement_invitation(
    ctx: &mut Ctx<'_>,
    req: selling::CreateEngagementInvitationRequest,
) -> OpResult<selling::CreateEngagementInvitationResponse> {
    let selling::Receiver::Account(receiver) = &req.invitation.receiver;
    let Ok(receiver_id) = AccountId::parse(&receiver.aws_account_id) else {
        return Err(invalid(vec![field(
            "Invitation.Receiver.Account.AwsAccountId",
            Code::InvalidStringFormat,
            "Invitation.Receiver.Account.AwsAccountId is not a 12-digit account id",
        )])
        .into());
    };
    let payload = to_json(&req.invitation.payload)?;
    let Some(kind) = payload_type(&payload) else {
        return Err(ApiError::internal("Unreadable invitation payload".to_string()).into());
    };
    let e = visible(ctx, req.catalog, &req.engagement_identifier)?;
    if receiver_id == ctx.caller.account {
        return Err(refused(vec![field(
            "Invitation.Receiver.Account.AwsAccountId",
            Code::InvalidValue,
            "Invitation.Receiver.Account.AwsAccountId is the caller's own account",
        )])
        .into());
    }
    if !collaborating(ctx, e.catalog, &ctx.caller.account.clone(), &receiver_id)? {
        return Err(not_connected(&receiver_id, e.catalog).into());
    }
    if ctx.tx.engagement_member(e.catalog, &e.id, &receiver_id)?.is_some() {
        return Err(conflict(format!("Account {receiver_id} is already a member of engagement {}", e.id)).into());
    }
    if let Some(pending) = ctx.tx.pending_engagement_invitation(e.catalog, &e.id, &receiver_id, ctx.now)? {
        return Err(conflict(format!(
            "Account {receiver_id} already has a pending invitation to engagement {}: {}",
            e.id, pending.id
        ))
        .into());
    }
    let i = send(ctx, &e, receiver_id, receiver.alias.clone(), req.invitation.message.clone(), kind, payload)?;
    Ok(selling::CreateEngagementInvitationResponse { id: i.id.to_string(), arn: arn(&i) })
}

/// Store a pending invitation from the caller to `receiver` to join `e`
/// (its checks made by the caller's operation), with its
/// `Engagement Invitation Created` event.
pub(super) fn send(
    ctx: &mut Ctx<'_>,
    e: &Engagement,
    receiver: AccountId,
    receiver_alias: Option<String>,
    message: String,
    payload_type: PayloadType,
    payload: Value,
) -> OpResult<EngagementInvitation> {
    let i = EngagementInvitation {
        catalog: e.catalog,
        id: new_id(ctx.ids),
        engagement_id: e.id.clone(),
        sender: ctx.caller.account.clone(),
        receiver,
        receiver_alias,
        message,
        payload_type,
        payload,
        status: Status::Pending,
        created_at: ctx.now,
        expires_at: ctx.now.saturating_add(ms(ctx.settings.engagement_invitation_lifetime_days, DAY_MS)),
        updated_at: ctx.now,
        rejection_reason: None,
        from_aws: None,
    };
    ctx.tx.insert_engagement_invitation(&i)?;
    Recorder::of(ctx).engagement_invitation(&i, EngagementInvitationEvent::Created)?;
    Ok(i)
}

fn conflict(message: String) -> ApiError {
    ApiError::of(Service::Selling, ErrorKind::Conflict, message)
}

/// The view of `i` for the caller: GetEngagementInvitation's members, which
/// the list's summaries read theirs from.
fn view(ctx: &mut Ctx<'_>, i: &EngagementInvitation, full: bool) -> OpResult<Value> {
    let engagement = ctx.tx.engagement(i.catalog, &i.engagement_id)?;
    let sender_name = match &i.from_aws {
        Some(aws) => aws.company_name.clone(),
        None => member_name(ctx, i.catalog, &i.sender)?.0,
    };
    let mut receiver = json!({"AwsAccountId": i.receiver});
    if let Some(alias) = &i.receiver_alias {
        receiver["Alias"] = json!(alias);
    }
    let status = i.status_at(ctx.now);
    let mut v = json!({
        "Arn": arn(i),
        "PayloadType": i.payload_type,
        "Id": i.id,
        "EngagementId": i.engagement_id,
        "Status": status,
        "InvitationDate": pcentral_model::timestamp::format(i.created_at),
        "ExpirationDate": pcentral_model::timestamp::format(i.expires_at),
        "SenderAwsAccountId": i.sender,
        "SenderCompanyName": sender_name,
        "Receiver": {"Account": receiver},
        "Catalog": i.catalog,
        "ParticipantType": if i.sender == ctx.caller.account { "SENDER" } else { "RECEIVER" },
    });
    if let Some(title) = engagement.as_ref().and_then(|e| e.title.clone()) {
        v["EngagementTitle"] = json!(title);
    }
    if full {
        v["Payload"] = i.payload.clone();
        v["InvitationMessage"] = json!(i.message);
        if let Some(reason) = &i.rejection_reason {
            v["RejectionReason"] = json!(reason);
        }
        if let Some(description) = engagement.as_ref().and_then(|e| e.description.clone()) {
            v["EngagementDescription"] = json!(description);
        }
        let mut existing = Vec::new();
        for m in ctx.tx.engagement_members(i.catalog, &i.engagement_id, None, usize::MAX)? {
            let (name, website) = member_name(ctx, i.catalog, &m.account)?;
            let mut member = json!({"CompanyName": name});
            if let Some(w) = website {
                member["WebsiteUrl"] = json!(w);
            }
            existing.push(member);
        }
        v["ExistingMembers"] = Value::Array(existing);
    }
    Ok(v)
}

pub fn get_engagement_invitation(
    ctx: &mut Ctx<'_>,
    req: selling::GetEngagementInvitationRequest,
) -> OpResult<selling::GetEngagementInvitationResponse> {
    let i = visible_invitation(ctx, req.catalog, &req.identifier)?;
    let v = view(ctx, &i, true)?;
    output(v)
}

pub fn list_engagement_invitations(
    ctx: &mut Ctx<'_>,
    req: selling::ListEngagementInvitationsRequest,
) -> OpResult<selling::ListEngagementInvitationsResponse> {
    let size = req.max_results.and_then(|n| usize::try_from(n).ok()).filter(|n| *n > 0).unwrap_or(DEFAULT_PAGE);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after: Option<EngagementCursor> = binding.resume(req.next_token.as_deref())?;
    let empty = || selling::ListEngagementInvitationsResponse {
        engagement_invitation_summaries: Some(vec![]),
        next_token: None,
    };
    let given_engagements = req.engagement_identifier.as_deref().unwrap_or_default();
    let engagements: Vec<EngagementId> = given_engagements.iter().filter_map(|e| engagement_id(e)).collect();
    let given_senders = req.sender_aws_account_id.as_deref().unwrap_or_default();
    let senders: Vec<AccountId> = given_senders.iter().filter_map(|a| AccountId::parse(a).ok()).collect();
    if (!given_engagements.is_empty() && engagements.is_empty()) || (!given_senders.is_empty() && senders.is_empty()) {
        return Ok(empty());
    }
    let query = EngagementInvitationQuery {
        catalog: req.catalog,
        account: ctx.caller.account.clone(),
        as_sender: req.participant_type == selling::ParticipantType::Sender,
        now: ctx.now,
        payload_types: req.payload_type.clone().unwrap_or_default(),
        statuses: req.status.clone().unwrap_or_default(),
        engagements,
        senders,
        descending: req.sort.as_ref().is_none_or(|s| s.sort_order == SortOrder::Descending),
        after,
        limit: size + 1,
    };
    let rows = ctx.tx.list_engagement_invitations(&query)?;
    let (page, next_token) =
        binding.page(rows, size, |last| EngagementCursor { created_at: last.created_at, id: last.id.to_string() })?;
    let mut summaries = Vec::with_capacity(page.len());
    for i in &page {
        let v = view(ctx, i, false)?;
        summaries.push(output::<selling::EngagementInvitationSummary>(v)?);
    }
    Ok(selling::ListEngagementInvitationsResponse { engagement_invitation_summaries: Some(summaries), next_token })
}

/// The invitation the caller received, still pending at service time.
fn pending_for_receiver(ctx: &mut Ctx<'_>, catalog: Catalog, identifier: &str) -> OpResult<EngagementInvitation> {
    let i = visible_invitation(ctx, catalog, identifier)?;
    if i.receiver != ctx.caller.account {
        return Err(ApiError::of(
            Service::Selling,
            ErrorKind::AccessDenied,
            format!("Engagement invitation {} is answered by its receiver, not by its sender", i.id),
        )
        .into());
    }
    let status = i.status_at(ctx.now);
    if status != Status::Pending {
        return Err(conflict(format!(
            "Engagement invitation {} is {}: only a PENDING invitation is accepted or rejected",
            i.id,
            status.as_str()
        ))
        .into());
    }
    Ok(i)
}

/// Store the answer to `i` (read pending at `expected`); `Conflict` (the
/// call runs again, and then sees the answer that came first) when another
/// write came first.
fn answer(ctx: &mut Ctx<'_>, i: &mut EngagementInvitation, status: Status) -> OpResult<()> {
    let expected = i.updated_at;
    i.status = status;
    i.updated_at = ctx.now.max(expected.saturating_add(1));
    if !ctx.tx.update_engagement_invitation(i, expected)? {
        return Err(crate::store::StoreError::Conflict.into());
    }
    Ok(())
}

/// Accept `identifier` as its receiver: the receiver joins the engagement.
/// Also the first step of StartEngagementByAcceptingInvitationTask.
pub fn accept(ctx: &mut Ctx<'_>, catalog: Catalog, identifier: &str) -> OpResult<EngagementInvitation> {
    let mut i = pending_for_receiver(ctx, catalog, identifier)?;
    // An AWS referral needs no connection: AWS refers whom it chooses; nor
    // does AWS to accept a partner's invitation (StartEngagementFromOpportunityTask's).
    let to_aws = i.receiver.as_str() == crate::acting_as_aws::DEFAULT_AWS_SENDER_ACCOUNT;
    if i.from_aws.is_none() && !to_aws && !collaborating(ctx, i.catalog, &i.sender.clone(), &i.receiver.clone())? {
        return Err(not_connected(&i.sender, i.catalog).into());
    }
    let Some(e) = ctx.tx.engagement(i.catalog, &i.engagement_id)? else {
        return Err(not_found(format!("Engagement {} of invitation {} no longer exists", i.engagement_id, i.id)).into());
    };
    answer(ctx, &mut i, Status::Accepted)?;
    join(ctx, &e, &i.receiver.clone())?;
    Recorder::of(ctx).engagement_invitation(&i, EngagementInvitationEvent::Accepted)?;
    Ok(i)
}

pub fn accept_engagement_invitation(
    ctx: &mut Ctx<'_>,
    req: selling::AcceptEngagementInvitationRequest,
) -> OpResult<NoOutput> {
    accept(ctx, req.catalog, &req.identifier)?;
    Ok(NoOutput {})
}

pub fn reject_engagement_invitation(
    ctx: &mut Ctx<'_>,
    req: selling::RejectEngagementInvitationRequest,
) -> OpResult<NoOutput> {
    let mut i = pending_for_receiver(ctx, req.catalog, &req.identifier)?;
    i.rejection_reason = req.rejection_reason.clone();
    answer(ctx, &mut i, Status::Rejected)?;
    Recorder::of(ctx).engagement_invitation(&i, EngagementInvitationEvent::Rejected)?;
    Ok(NoOutput {})
}
