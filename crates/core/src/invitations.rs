//! Connection invitations: CreateConnectionInvitation, GetConnectionInvitation,
//! ListConnectionInvitations, AcceptConnectionInvitation,
//! RejectConnectionInvitation, CancelConnectionInvitation
//! (docs/behaviour.md#invitations).
//!
//! An invitation is shared by its sender and its receiver and invisible to
//! anyone else (CONNECTION_INVITATION_NOT_FOUND). Expiry is derived: a
//! stored `PENDING` invitation is `EXPIRED` from `ExpiresAt` on, with
//! `UpdatedAt = ExpiresAt`; reads never write it back. The one write that
//! materialises it is Create, which must free the pair's PENDING slot (the
//! store allows one stored PENDING invitation per pair and type) before
//! inserting a new one; the stored result renders exactly as the derived one.

use pcentral_model::account::{
    self, AccessDeniedExceptionReason, BusinessValidationCode, ConflictExceptionReason, ConnectionType,
    InvitationStatus, ParticipantType, ResourceNotFoundExceptionReason, ServiceQuotaExceededExceptionReason,
};
use pcentral_model::{AccountId, ApiError, Catalog, InvitationId, Millis, ProfileId, Timestamp};

use crate::arn;
use crate::connections::{self, participant, render_connection_for};
use crate::ctx::{new_id, Ctx};
use crate::events::{settle_expired, Recorder};
use crate::pagination::{self, Binding};
use crate::partners::{published_partner_of, publisher_of};
use crate::preferences;
use crate::quotas;
use crate::records::Invitation;
use crate::settings::{ms, DAY_MS};
use crate::store::{Cursor, InvitationQuery, OpResult};

/// Status and `UpdatedAt` of `invitation` at service time `now`.
pub fn effective_status(invitation: &Invitation, now: Millis) -> (InvitationStatus, Millis) {
    if invitation.status == InvitationStatus::Pending && now >= invitation.expires_at {
        (InvitationStatus::Expired, invitation.expires_at)
    } else {
        (invitation.status, invitation.updated_at)
    }
}

/// What `caller` sees as the other participant: the receiver identifier as
/// the sender typed it, or, for the receiver, the sender's profile id (never
/// the sender's account id).
pub fn other_identifier_for<'a>(caller: &AccountId, invitation: &'a Invitation) -> &'a str {
    if &invitation.sender_account == caller {
        &invitation.receiver_identifier
    } else {
        invitation.sender_profile_id.as_str()
    }
}

/// `SENDER` or `RECEIVER`.
pub fn participant_type_for(caller: &AccountId, invitation: &Invitation) -> ParticipantType {
    if &invitation.sender_account == caller {
        ParticipantType::Sender
    } else {
        ParticipantType::Receiver
    }
}

/// The `ConnectionInvitationSummary` of `invitation` for `caller` at `now`.
pub fn render_invitation_summary_for(
    caller: &AccountId,
    invitation: &Invitation,
    now: Millis,
    region: &str,
) -> account::ConnectionInvitationSummary {
    let (status, updated_at) = effective_status(invitation, now);
    account::ConnectionInvitationSummary {
        catalog: invitation.catalog,
        id: invitation.id.clone(),
        arn: arn::invitation(region, invitation.catalog, &invitation.id),
        connection_id: invitation.connection_id.clone(),
        connection_type: invitation.connection_type,
        created_at: Timestamp(invitation.created_at),
        updated_at: Timestamp(updated_at),
        expires_at: Some(Timestamp(invitation.expires_at)),
        other_participant_identifier: other_identifier_for(caller, invitation).to_string(),
        participant_type: participant_type_for(caller, invitation),
        status,
    }
}

/// The full invitation view (Create/Get/Reject/Cancel) for `caller` at `now`.
pub fn render_invitation_for(
    caller: &AccountId,
    invitation: &Invitation,
    now: Millis,
    region: &str,
) -> account::GetConnectionInvitationResponse {
    let s = render_invitation_summary_for(caller, invitation, now, region);
    account::GetConnectionInvitationResponse {
        catalog: s.catalog,
        id: s.id,
        arn: s.arn,
        connection_id: s.connection_id,
        connection_type: s.connection_type,
        created_at: s.created_at,
        updated_at: s.updated_at,
        expires_at: s.expires_at,
        other_participant_identifier: s.other_participant_identifier,
        participant_type: s.participant_type,
        status: s.status,
        invitation_message: invitation.message.clone(),
        inviter_email: invitation.inviter_email.clone(),
        inviter_name: invitation.inviter_name.clone(),
    }
}

fn not_found(id: &InvitationId) -> ApiError {
    ApiError::not_found(
        ResourceNotFoundExceptionReason::ConnectionInvitationNotFound,
        format!("Connection invitation {id} not found"),
    )
}

fn incompatible_request(message: String) -> ApiError {
    ApiError::business(BusinessValidationCode::IncompatibleConnectionInvitationRequest, message)
}

/// The invitation `id` in `catalog` if the caller sent or received it.
fn visible_invitation(ctx: &mut Ctx<'_>, catalog: Catalog, id: &InvitationId) -> OpResult<Invitation> {
    match ctx.tx.invitation(catalog, id)? {
        Some(inv) if inv.participants().contains(&&ctx.caller.account) => Ok(inv),
        _ => Err(not_found(id).into()),
    }
}

fn render(ctx: &Ctx<'_>, invitation: &Invitation) -> account::GetConnectionInvitationResponse {
    render_invitation_for(&ctx.caller.account, invitation, ctx.now, &ctx.caller.region)
}

/// The receiver account named by `identifier` for `connection_type`.
fn resolve_receiver(
    ctx: &mut Ctx<'_>,
    catalog: Catalog,
    connection_type: ConnectionType,
    identifier: &str,
) -> OpResult<AccountId> {
    let account = AccountId::parse(identifier);
    match (connection_type, account) {
        (ConnectionType::Subsidiary, Ok(account)) => Ok(account),
        (ConnectionType::Subsidiary, Err(_)) => Err(incompatible_request(format!(
            "SUBSIDIARY invitations are addressed to a 12-digit AWS account id, not {identifier}"
        ))
        .into()),
        (ConnectionType::OpportunityCollaboration, Ok(_)) => Err(incompatible_request(format!(
            "{connection_type} invitations are addressed to a partner profile id (pprofile-…), not an account id"
        ))
        .into()),
        (ConnectionType::OpportunityCollaboration, Err(_)) => {
            if let Ok(profile) = ProfileId::parse(identifier) {
                if let Some(partner) = publisher_of(ctx.tx, catalog, &profile, ctx.now)? {
                    return Ok(partner.account);
                }
            }
            Err(ApiError::not_found(
                ResourceNotFoundExceptionReason::ReceiverProfileNotFound,
                format!("Partner profile {identifier} not found"),
            )
            .into())
        }
    }
}

pub fn create_connection_invitation(
    ctx: &mut Ctx<'_>,
    req: account::CreateConnectionInvitationRequest,
) -> OpResult<account::CreateConnectionInvitationResponse> {
    let caller = ctx.caller.account.clone();
    let Some(sender) = published_partner_of(ctx.tx, req.catalog, &caller, ctx.now)? else {
        return Err(ApiError::not_found(
            ResourceNotFoundExceptionReason::SenderProfileNotFound,
            format!(
                "Account {caller} has no published partner profile in catalog {}; create a partner and run \
                 StartProfileUpdateTask first",
                req.catalog
            ),
        )
        .into());
    };
    let receiver = resolve_receiver(ctx, req.catalog, req.connection_type, &req.receiver_identifier)?;
    if receiver == caller {
        return Err(incompatible_request("An account cannot invite itself".into()).into());
    }
    let prefs = preferences::load(ctx.tx, req.catalog, &receiver, ctx.now)?;
    if preferences::refuses(&prefs, &[sender.profile_id.as_str(), caller.as_str()]) {
        return Err(ApiError::conflict(
            ConflictExceptionReason::IncompatibleConnectionInvitationReceiver,
            format!("The receiver {} does not accept connection invitations from you", req.receiver_identifier),
        )
        .into());
    }
    let stored_pending = ctx.tx.stored_pending_invitations(req.catalog, [&caller, &receiver], req.connection_type)?;
    if let Some(open) = stored_pending.iter().find(|inv| effective_status(inv, ctx.now).0 == InvitationStatus::Pending)
    {
        return Err(ApiError::conflict(
            ConflictExceptionReason::DuplicateConnectionInvitation,
            format!("Invitation {} for {} between these accounts is still pending", open.id, req.connection_type),
        )
        .into());
    }
    let live = ctx.tx.live_connection_between(req.catalog, [&caller, &receiver])?;
    if let Some(c) = live.as_ref().filter(|c| c.is_active(req.connection_type)) {
        return Err(ApiError::conflict(
            ConflictExceptionReason::DuplicateConnection,
            format!("Connection {} already has an ACTIVE {} type", c.id, req.connection_type),
        )
        .into());
    }
    quotas::spend(ctx, req.catalog, quotas::INVITATIONS, caller.as_str())?;
    let limit = ctx.settings.open_connection_invitations;
    if ctx.tx.count_open_invitations(req.catalog, &caller, ctx.now)? >= limit {
        let e = ApiError::quota(
            ServiceQuotaExceededExceptionReason::LimitExceededNumberOfOpenConnectionInvitation,
            format!("Too many pending connection invitations sent (limit {limit})"),
        );
        return Err(e.decided_by("open_connection_invitations").into());
    }
    // Free the pair's PENDING slot held by expired invitations.
    for stale in stored_pending {
        settle_expired(&mut Recorder::of(ctx), stale)?;
    }
    let invitation = Invitation {
        catalog: req.catalog,
        id: new_id(ctx.ids),
        sender_account: caller,
        sender_profile_id: sender.profile_id,
        receiver_account: receiver,
        receiver_identifier: req.receiver_identifier,
        connection_type: req.connection_type,
        message: req.message,
        inviter_email: req.email,
        inviter_name: req.name,
        created_at: ctx.now,
        updated_at: ctx.now,
        expires_at: ctx.now.saturating_add(ms(ctx.settings.invitation_lifetime_days, DAY_MS)),
        status: InvitationStatus::Pending,
        connection_id: live.map(|c| c.id),
        reject_reason: None,
    };
    ctx.tx.insert_invitation(&invitation)?;
    let now = ctx.now;
    Recorder::of(ctx).received(&invitation, now)?;
    Ok(render(ctx, &invitation).into())
}

pub fn get_connection_invitation(
    ctx: &mut Ctx<'_>,
    req: account::GetConnectionInvitationRequest,
) -> OpResult<account::GetConnectionInvitationResponse> {
    let invitation = visible_invitation(ctx, req.catalog, &req.identifier)?;
    Ok(render(ctx, &invitation))
}

/// The receiver's checks for Accept and Reject: the caller must be the
/// receiver and the invitation PENDING at now.
fn pending_for_receiver(ctx: &mut Ctx<'_>, catalog: Catalog, id: &InvitationId) -> OpResult<Invitation> {
    let invitation = visible_invitation(ctx, catalog, id)?;
    if invitation.sender_account == ctx.caller.account {
        return Err(ApiError::conflict(
            ConflictExceptionReason::IncompatibleConnectionInvitationReceiver,
            format!("Only the receiver can accept or reject invitation {id}"),
        )
        .into());
    }
    check_pending(ctx, &invitation)?;
    Ok(invitation)
}

fn check_pending(ctx: &Ctx<'_>, invitation: &Invitation) -> OpResult<()> {
    let (status, _) = effective_status(invitation, ctx.now);
    if status != InvitationStatus::Pending {
        return Err(ApiError::conflict(
            ConflictExceptionReason::IncompatibleConnectionInvitationState,
            format!("Invitation {} is {status}, not PENDING", invitation.id),
        )
        .into());
    }
    Ok(())
}

pub fn accept_connection_invitation(
    ctx: &mut Ctx<'_>,
    req: account::AcceptConnectionInvitationRequest,
) -> OpResult<account::AcceptConnectionInvitationResponse> {
    let mut invitation = pending_for_receiver(ctx, req.catalog, &req.identifier)?;
    let live = ctx.tx.live_connection_between(req.catalog, invitation.participants())?;
    if let Some(c) = live.as_ref().filter(|c| c.is_active(invitation.connection_type)) {
        return Err(ApiError::conflict(
            ConflictExceptionReason::DuplicateConnection,
            format!("Connection {} already has an ACTIVE {} type", c.id, invitation.connection_type),
        )
        .into());
    }
    if live.is_none() {
        let limit = ctx.settings.active_connections;
        for account in invitation.participants() {
            if ctx.tx.count_live_connections(req.catalog, account)? >= limit {
                // The receiver has not been shown the sender's account id (docs/behaviour.md#isolation).
                let who = if *account == ctx.caller.account { "Your account" } else { "The inviting account" };
                let e = ApiError::quota(
                    ServiceQuotaExceededExceptionReason::LimitExceededNumberOfActiveConnection,
                    format!("{who} already has {limit} active connections (limit {limit})"),
                );
                return Err(e.decided_by("active_connections").into());
            }
        }
    }
    let connection = connections::activate(ctx, &invitation, live)?;
    invitation.status = InvitationStatus::Accepted;
    invitation.updated_at = ctx.now;
    invitation.connection_id = Some(connection.id.clone());
    ctx.tx.update_invitation(&invitation)?;
    let now = ctx.now;
    Recorder::of(ctx).accepted(&invitation, &connection, now)?;
    let other = participant(ctx.tx, req.catalog, &invitation.sender_account, ctx.now)?;
    let view = render_connection_for(&ctx.caller.account, &connection, &ctx.caller.region, &other);
    Ok(account::AcceptConnectionInvitationResponse { connection: view })
}

pub fn reject_connection_invitation(
    ctx: &mut Ctx<'_>,
    req: account::RejectConnectionInvitationRequest,
) -> OpResult<account::RejectConnectionInvitationResponse> {
    let mut invitation = pending_for_receiver(ctx, req.catalog, &req.identifier)?;
    invitation.status = InvitationStatus::Rejected;
    invitation.updated_at = ctx.now;
    invitation.reject_reason = req.reason;
    ctx.tx.update_invitation(&invitation)?;
    let now = ctx.now;
    Recorder::of(ctx).rejected(&invitation, now)?;
    Ok(render(ctx, &invitation).into())
}

pub fn cancel_connection_invitation(
    ctx: &mut Ctx<'_>,
    req: account::CancelConnectionInvitationRequest,
) -> OpResult<account::CancelConnectionInvitationResponse> {
    let mut invitation = visible_invitation(ctx, req.catalog, &req.identifier)?;
    if invitation.sender_account != ctx.caller.account {
        return Err(ApiError::access_denied(
            AccessDeniedExceptionReason::AccessDenied,
            format!("Only the sender can cancel invitation {}", invitation.id),
        )
        .into());
    }
    check_pending(ctx, &invitation)?;
    invitation.status = InvitationStatus::Canceled;
    invitation.updated_at = ctx.now;
    ctx.tx.update_invitation(&invitation)?;
    let now = ctx.now;
    Recorder::of(ctx).invitation_cancelled(&invitation, now)?;
    Ok(render(ctx, &invitation).into())
}

pub fn list_connection_invitations(
    ctx: &mut Ctx<'_>,
    req: account::ListConnectionInvitationsRequest,
) -> OpResult<account::ListConnectionInvitationsResponse> {
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after = binding.resume(req.next_token.as_deref())?;
    let size = pagination::page_size(req.max_results)?;
    let query = InvitationQuery {
        catalog: req.catalog,
        account: ctx.caller.account.clone(),
        participant_type: req.participant_type,
        connection_type: req.connection_type,
        status: req.status,
        other_identifiers: req.other_participant_identifiers.clone().unwrap_or_default(),
        now: ctx.now,
        after,
        limit: size + 1,
    };
    let rows = ctx.tx.list_invitations(&query)?;
    let key = |inv: &Invitation| Cursor { created_at: inv.created_at, id: inv.id.to_string() };
    let (rows, next_token) = binding.page(rows, size, key)?;
    let summaries = rows
        .iter()
        .map(|inv| render_invitation_summary_for(&ctx.caller.account, inv, ctx.now, &ctx.caller.region))
        .collect();
    Ok(account::ListConnectionInvitationsResponse { connection_invitation_summaries: summaries, next_token })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn account(s: &str) -> AccountId {
        AccountId::parse(s).unwrap()
    }

    fn invitation() -> Invitation {
        Invitation {
            catalog: Catalog::Sandbox,
            id: "pacinv-aaaaaaaaaaaaa".parse().unwrap(),
            sender_account: account("111111111111"),
            sender_profile_id: "pprofile-aaaaaaaaaaaaa".parse().unwrap(),
            receiver_account: account("222222222222"),
            receiver_identifier: "pprofile-bbbbbbbbbbbbb".into(),
            connection_type: ConnectionType::OpportunityCollaboration,
            message: "Hello\nthere".into(),
            inviter_email: "ana@example.com".into(),
            inviter_name: "Ana".into(),
            created_at: 1_000,
            updated_at: 1_000,
            expires_at: 10_000,
            status: InvitationStatus::Pending,
            connection_id: None,
            reject_reason: Some("hidden".into()),
        }
    }

    fn view(caller: &str, inv: &Invitation, now: Millis) -> serde_json::Value {
        serde_json::to_value(render_invitation_for(&account(caller), inv, now, "us-east-1")).unwrap()
    }

    #[test]
    fn sender_and_receiver_see_different_other_sides() {
        let inv = invitation();
        let s = view("111111111111", &inv, 2_000);
        assert_eq!(s["ParticipantType"], "SENDER");
        assert_eq!(s["OtherParticipantIdentifier"], "pprofile-bbbbbbbbbbbbb");
        assert_eq!(
            s["Arn"],
            "arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-aaaaaaaaaaaaa"
        );
        assert_eq!(s["InvitationMessage"], "Hello\nthere");
        assert_eq!(s["Status"], "PENDING");
        assert!(s.get("ConnectionId").is_none());
        let r = view("222222222222", &inv, 2_000);
        assert_eq!(r["ParticipantType"], "RECEIVER");
        assert_eq!(r["OtherParticipantIdentifier"], "pprofile-aaaaaaaaaaaaa");
        assert!(!r.to_string().contains("111111111111"), "the receiver never sees the sender's account: {r}");
        assert!(!r.to_string().contains("hidden"));
        let summary =
            serde_json::to_value(render_invitation_summary_for(&account("222222222222"), &inv, 2_000, "us-east-1"))
                .unwrap();
        assert!(summary.get("InvitationMessage").is_none() && summary.get("InviterEmail").is_none());
    }

    #[test]
    fn expiry_is_derived_from_expires_at() {
        let mut inv = invitation();
        let before = view("111111111111", &inv, 9_999);
        assert_eq!(
            (before["Status"].as_str(), before["UpdatedAt"].as_str()),
            (Some("PENDING"), Some("1970-01-01T00:00:01.000Z"))
        );
        let after = view("111111111111", &inv, 10_000);
        assert_eq!(after["Status"], "EXPIRED");
        assert_eq!(after["UpdatedAt"], "1970-01-01T00:00:10.000Z");
        assert_eq!(after["ExpiresAt"], after["UpdatedAt"]);
        // Terminal states are not affected by expiry.
        inv.status = InvitationStatus::Canceled;
        inv.updated_at = 5_000;
        inv.connection_id = Some("pac-aaaaaaaaaaaaa".parse().unwrap());
        let canceled = view("111111111111", &inv, 20_000);
        assert_eq!(canceled["Status"], "CANCELED");
        assert_eq!(canceled["UpdatedAt"], "1970-01-01T00:00:05.000Z");
        assert_eq!(canceled["ConnectionId"], "pac-aaaaaaaaaaaaa");
    }
}
