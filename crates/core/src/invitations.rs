//! Connection invitations: CreateConnectionInvitation, GetConnectionInvitation,
//! ListConnectionInvitations, AcceptConnectionInvitation,
//! RejectConnectionInvitation, CancelConnectionInvitation.
//!
//! An invitation is shared by its sender and its receiver and invisible to
//! anyone else (CONNECTION_INVITATION_NOT_FOUND). Expiry is derived: a
//! stored `PENDING` invitation is `EXPIRED` from `ExpiresAt` on, with
//! `UpdatedAt = ExpiresAt`; reads never write it back. The one write that
//! materialises it is Create, which must free the pair's PENDING slot (the
//! store allows one stored PENDING invitation per pair and type) before
//! inserting a new one; the stored result renders exactly as the derived one.

use pcentral_model::{timestamp, ApiError, Millis};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::connections::{self, render_connection_for};
use crate::events::{Recorder, INVITATION_ACCEPTED, INVITATION_CANCELLED, INVITATION_RECEIVED, INVITATION_REJECTED};
use crate::operations::{parse, Ctx, ResourceRequest};
use crate::pagination::{self, Binding, Cursor};
use crate::preferences;
use crate::profiles::PublishedProfile;
use crate::quotas::{check_rolling_quota, record};
use crate::settings::{ms, DAY_MS};
use crate::store::{Invitation, OpResult};

/// Usage kind counted by the invitations-per-day quota (scope: sending account).
pub const INVITATION_USAGE: &str = "connection_invitation";

/// Status and `UpdatedAt` of `invitation` at service time `now`.
pub fn effective_status(invitation: &Invitation, now: Millis) -> (&str, Millis) {
    if invitation.status == "PENDING" && now >= invitation.expires_at {
        ("EXPIRED", invitation.expires_at)
    } else {
        (invitation.status.as_str(), invitation.updated_at)
    }
}

/// `arn:aws:partnercentral:{region}::catalog/{catalog}/connection-invitation/{id}` (no account: shared).
pub fn invitation_arn(region: &str, catalog: &str, id: &str) -> String {
    format!("arn:aws:partnercentral:{region}::catalog/{catalog}/connection-invitation/{id}")
}

/// What `caller_account` sees as the other participant: the receiver
/// identifier as the sender typed it, or, for the receiver, the sender's
/// profile id (never the sender's account id).
pub fn other_identifier_for<'a>(caller_account: &str, invitation: &'a Invitation) -> &'a str {
    if invitation.sender_account == caller_account {
        &invitation.receiver_identifier
    } else {
        &invitation.sender_profile_id
    }
}

/// `SENDER` or `RECEIVER`.
pub fn participant_type_for(caller_account: &str, invitation: &Invitation) -> &'static str {
    if invitation.sender_account == caller_account {
        "SENDER"
    } else {
        "RECEIVER"
    }
}

/// The `ConnectionInvitationSummary` of `invitation` for `caller_account` at `now`.
pub fn render_invitation_summary_for(
    caller_account: &str,
    invitation: &Invitation,
    now: Millis,
    region: &str,
) -> Value {
    let (status, updated_at) = effective_status(invitation, now);
    let mut v = json!({
        "Catalog": invitation.catalog,
        "Id": invitation.id,
        "Arn": invitation_arn(region, &invitation.catalog, &invitation.id),
        "ConnectionType": invitation.connection_type,
        "CreatedAt": timestamp::format(invitation.created_at),
        "UpdatedAt": timestamp::format(updated_at),
        "ExpiresAt": timestamp::format(invitation.expires_at),
        "OtherParticipantIdentifier": other_identifier_for(caller_account, invitation),
        "ParticipantType": participant_type_for(caller_account, invitation),
        "Status": status,
    });
    if let Some(id) = &invitation.connection_id {
        v["ConnectionId"] = json!(id);
    }
    v
}

/// The full invitation view (Create/Get/Reject/Cancel) for `caller_account` at `now`.
pub fn render_invitation_for(caller_account: &str, invitation: &Invitation, now: Millis, region: &str) -> Value {
    let mut v = render_invitation_summary_for(caller_account, invitation, now, region);
    v["InvitationMessage"] = json!(invitation.message);
    v["InviterEmail"] = json!(invitation.inviter_email);
    v["InviterName"] = json!(invitation.inviter_name);
    v
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found("CONNECTION_INVITATION_NOT_FOUND", format!("Connection invitation {id} not found"))
}

fn incompatible_request(message: String) -> ApiError {
    ApiError::business("INCOMPATIBLE_CONNECTION_INVITATION_REQUEST", message)
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The invitation `id` in `catalog` if the caller sent or received it.
fn visible_invitation(ctx: &mut Ctx<'_>, catalog: &str, id: &str) -> OpResult<Invitation> {
    match ctx.tx.invitation(catalog, id)? {
        Some(inv) if inv.sender_account == ctx.caller.account || inv.receiver_account == ctx.caller.account => Ok(inv),
        _ => Err(not_found(id).into()),
    }
}

fn render(ctx: &Ctx<'_>, invitation: &Invitation) -> Value {
    render_invitation_for(&ctx.caller.account, invitation, ctx.now, &ctx.caller.region)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateRequest {
    catalog: String,
    connection_type: String,
    email: String,
    message: String,
    name: String,
    receiver_identifier: String,
}

/// The receiver account named by `identifier` for `connection_type`.
fn resolve_receiver(ctx: &mut Ctx<'_>, catalog: &str, connection_type: &str, identifier: &str) -> OpResult<String> {
    if connection_type == "SUBSIDIARY" {
        if !is_account_id(identifier) {
            return Err(incompatible_request(format!(
                "SUBSIDIARY invitations are addressed to a 12-digit AWS account id, not {identifier}"
            ))
            .into());
        }
        return Ok(identifier.to_string());
    }
    if is_account_id(identifier) {
        return Err(incompatible_request(format!(
            "{connection_type} invitations are addressed to a partner profile id (pprofile-…), not an account id"
        ))
        .into());
    }
    if identifier.starts_with("pprofile-") {
        if let Some(partner) = ctx.tx.partner_by_profile_id(catalog, identifier)? {
            if PublishedProfile::load(ctx, &partner)?.is_published() {
                return Ok(partner.account);
            }
        }
    }
    Err(ApiError::not_found("RECEIVER_PROFILE_NOT_FOUND", format!("Partner profile {identifier} not found")).into())
}

pub fn create_connection_invitation(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: CreateRequest = parse(input)?;
    let caller = ctx.caller.account.clone();
    let sender = match ctx.tx.partner_by_account(&req.catalog, &caller)? {
        Some(p) if PublishedProfile::load(ctx, &p)?.is_published() => p,
        _ => {
            return Err(ApiError::not_found(
                "SENDER_PROFILE_NOT_FOUND",
                format!(
                    "Account {caller} has no published partner profile in catalog {}; create a partner and run \
                     StartProfileUpdateTask first",
                    req.catalog
                ),
            )
            .into())
        }
    };
    let receiver = resolve_receiver(ctx, &req.catalog, &req.connection_type, &req.receiver_identifier)?;
    if receiver == caller {
        return Err(incompatible_request("An account cannot invite itself".into()).into());
    }
    let prefs = preferences::load(ctx.tx, &req.catalog, &receiver, ctx.now)?;
    if preferences::refuses(&prefs, &[sender.profile_id.as_str(), caller.as_str()]) {
        return Err(ApiError::conflict(
            "INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER",
            format!("The receiver {} does not accept connection invitations from you", req.receiver_identifier),
        )
        .into());
    }
    let stored_pending: Vec<Invitation> = ctx
        .tx
        .invitations_between(&req.catalog, &caller, &receiver, "PENDING")?
        .into_iter()
        .filter(|inv| inv.connection_type == req.connection_type)
        .collect();
    if let Some(open) = stored_pending.iter().find(|inv| effective_status(inv, ctx.now).0 == "PENDING") {
        return Err(ApiError::conflict(
            "DUPLICATE_CONNECTION_INVITATION",
            format!("Invitation {} for {} between these accounts is still pending", open.id, req.connection_type),
        )
        .into());
    }
    let live = ctx.tx.live_connection_between(&req.catalog, &caller, &receiver)?;
    if let Some(c) = &live {
        if c.types.get(&req.connection_type).is_some_and(|t| t.status == "ACTIVE") {
            return Err(ApiError::conflict(
                "DUPLICATE_CONNECTION",
                format!("Connection {} already has an ACTIVE {} type", c.id, req.connection_type),
            )
            .into());
        }
    }
    check_rolling_quota(
        ctx,
        &req.catalog,
        INVITATION_USAGE,
        &caller,
        ctx.settings.connection_invitations_per_day,
        "LIMIT_EXCEEDED_NUMBER_OF_CONNECTION_INVITATION_PER_DAY",
        "Too many connection invitations sent in the last 24 hours",
    )?;
    let limit = ctx.settings.open_connection_invitations;
    if ctx.tx.count_open_invitations(&req.catalog, &caller, ctx.now)? >= limit {
        return Err(ApiError::quota(
            "LIMIT_EXCEEDED_NUMBER_OF_OPEN_CONNECTION_INVITATION",
            format!("Too many pending connection invitations sent (limit {limit})"),
        )
        .into());
    }
    // Free the pair's PENDING slot held by expired invitations.
    for mut stale in stored_pending {
        stale.status = "EXPIRED".into();
        stale.updated_at = stale.expires_at;
        ctx.tx.update_invitation(&stale)?;
        Recorder::of(ctx).expired(&stale)?;
    }
    let invitation = Invitation {
        catalog: req.catalog.clone(),
        id: ctx.ids.id("pacinv-"),
        sender_account: caller.clone(),
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
        status: "PENDING".into(),
        connection_id: live.map(|c| c.id),
        reject_reason: None,
    };
    ctx.tx.insert_invitation(&invitation)?;
    let now = ctx.now;
    Recorder::of(ctx).invitation(INVITATION_RECEIVED, &invitation, now, &[&invitation.receiver_account], None)?;
    record(ctx, &req.catalog, INVITATION_USAGE, &caller)?;
    Ok(render(ctx, &invitation))
}

pub fn get_connection_invitation(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: ResourceRequest = parse(input)?;
    let invitation = visible_invitation(ctx, &req.catalog, &req.identifier)?;
    Ok(render(ctx, &invitation))
}

/// The receiver's checks for Accept and Reject: the caller must be the
/// receiver and the invitation PENDING at now.
fn pending_for_receiver(ctx: &mut Ctx<'_>, catalog: &str, id: &str) -> OpResult<Invitation> {
    let invitation = visible_invitation(ctx, catalog, id)?;
    if invitation.sender_account == ctx.caller.account {
        return Err(ApiError::conflict(
            "INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER",
            format!("Only the receiver can accept or reject invitation {id}"),
        )
        .into());
    }
    check_pending(ctx, &invitation)?;
    Ok(invitation)
}

fn check_pending(ctx: &Ctx<'_>, invitation: &Invitation) -> OpResult<()> {
    let (status, _) = effective_status(invitation, ctx.now);
    if status != "PENDING" {
        return Err(ApiError::conflict(
            "INCOMPATIBLE_CONNECTION_INVITATION_STATE",
            format!("Invitation {} is {status}, not PENDING", invitation.id),
        )
        .into());
    }
    Ok(())
}

pub fn accept_connection_invitation(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: ResourceRequest = parse(input)?;
    let mut invitation = pending_for_receiver(ctx, &req.catalog, &req.identifier)?;
    let live =
        ctx.tx.live_connection_between(&req.catalog, &invitation.sender_account, &invitation.receiver_account)?;
    if let Some(c) = &live {
        if c.types.get(&invitation.connection_type).is_some_and(|t| t.status == "ACTIVE") {
            return Err(ApiError::conflict(
                "DUPLICATE_CONNECTION",
                format!("Connection {} already has an ACTIVE {} type", c.id, invitation.connection_type),
            )
            .into());
        }
    }
    if live.is_none() {
        let limit = ctx.settings.active_connections;
        for account in [&invitation.sender_account, &invitation.receiver_account] {
            if ctx.tx.count_live_connections(&req.catalog, account)? >= limit {
                return Err(ApiError::quota(
                    "LIMIT_EXCEEDED_NUMBER_OF_ACTIVE_CONNECTION",
                    format!("Account {account} already has {limit} active connections"),
                )
                .into());
            }
        }
    }
    let connection = connections::activate(ctx, &invitation, live)?;
    invitation.status = "ACCEPTED".into();
    invitation.updated_at = ctx.now;
    invitation.connection_id = Some(connection.id.clone());
    ctx.tx.update_invitation(&invitation)?;
    let (now, both) = (ctx.now, [invitation.sender_account.as_str(), invitation.receiver_account.as_str()]);
    Recorder::of(ctx).invitation(INVITATION_ACCEPTED, &invitation, now, &both, Some(&connection))?;
    let other = connections::participant(ctx, &req.catalog, &invitation.sender_account)?;
    let view = render_connection_for(&ctx.caller.account, &connection, &ctx.caller.region, &other);
    Ok(json!({ "Connection": view }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RejectRequest {
    catalog: String,
    identifier: String,
    reason: Option<String>,
}

pub fn reject_connection_invitation(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: RejectRequest = parse(input)?;
    let mut invitation = pending_for_receiver(ctx, &req.catalog, &req.identifier)?;
    invitation.status = "REJECTED".into();
    invitation.updated_at = ctx.now;
    invitation.reject_reason = req.reason;
    ctx.tx.update_invitation(&invitation)?;
    let now = ctx.now;
    Recorder::of(ctx).invitation(INVITATION_REJECTED, &invitation, now, &[&invitation.sender_account], None)?;
    Ok(render(ctx, &invitation))
}

pub fn cancel_connection_invitation(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: ResourceRequest = parse(input)?;
    let mut invitation = visible_invitation(ctx, &req.catalog, &req.identifier)?;
    if invitation.sender_account != ctx.caller.account {
        return Err(ApiError::access_denied(
            "ACCESS_DENIED",
            format!("Only the sender can cancel invitation {}", invitation.id),
        )
        .into());
    }
    check_pending(ctx, &invitation)?;
    invitation.status = "CANCELED".into();
    invitation.updated_at = ctx.now;
    ctx.tx.update_invitation(&invitation)?;
    let now = ctx.now;
    Recorder::of(ctx).invitation(INVITATION_CANCELLED, &invitation, now, &[&invitation.receiver_account], None)?;
    Ok(render(ctx, &invitation))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListRequest {
    catalog: String,
    next_token: Option<String>,
    max_results: Option<i64>,
    connection_type: Option<String>,
    #[serde(default)]
    other_participant_identifiers: Option<Vec<String>>,
    participant_type: Option<String>,
    status: Option<String>,
}

pub fn list_connection_invitations(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let filters = pagination::filter_hash(&input);
    let req: ListRequest = parse(input)?;
    let key = ctx.tx.service_state()?.pagination_key;
    let binding = Binding { key: &key, operation: "ListConnectionInvitations", account: &ctx.caller.account, filters };
    let after = req.next_token.as_deref().map(|t| pagination::decode(&binding, t)).transpose()?;
    let wanted = req.other_participant_identifiers.unwrap_or_default();
    let caller = ctx.caller.account.as_str();
    let now = ctx.now;
    let rows: Vec<Invitation> = ctx
        .tx
        .invitations_of(&req.catalog, caller)?
        .into_iter()
        .filter(|inv| req.participant_type.as_deref().is_none_or(|p| p == participant_type_for(caller, inv)))
        .filter(|inv| req.connection_type.as_deref().is_none_or(|t| t == inv.connection_type))
        .filter(|inv| req.status.as_deref().is_none_or(|s| s == effective_status(inv, now).0))
        .filter(|inv| wanted.is_empty() || wanted.iter().any(|w| w == other_identifier_for(caller, inv)))
        .collect();
    let key_of = |inv: &Invitation| Cursor { created_at: inv.created_at, id: inv.id.clone() };
    let (rows, next) = pagination::page(rows, key_of, after.as_ref(), pagination::page_size(req.max_results));
    let summaries: Vec<Value> =
        rows.iter().map(|inv| render_invitation_summary_for(caller, inv, now, &ctx.caller.region)).collect();
    let mut out = json!({ "ConnectionInvitationSummaries": summaries });
    if let Some(cursor) = next {
        out["NextToken"] = json!(pagination::encode(&binding, &cursor)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invitation() -> Invitation {
        Invitation {
            catalog: "Sandbox".into(),
            id: "pacinv-aaaaaaaaaaaaa".into(),
            sender_account: "111111111111".into(),
            sender_profile_id: "pprofile-aaaaaaaaaaaaa".into(),
            receiver_account: "222222222222".into(),
            receiver_identifier: "pprofile-bbbbbbbbbbbbb".into(),
            connection_type: "OPPORTUNITY_COLLABORATION".into(),
            message: "Hello\nthere".into(),
            inviter_email: "ana@example.com".into(),
            inviter_name: "Ana".into(),
            created_at: 1_000,
            updated_at: 1_000,
            expires_at: 10_000,
            status: "PENDING".into(),
            connection_id: None,
            reject_reason: Some("hidden".into()),
        }
    }

    #[test]
    fn sender_and_receiver_see_different_other_sides() {
        let inv = invitation();
        let s = render_invitation_for("111111111111", &inv, 2_000, "us-east-1");
        assert_eq!(s["ParticipantType"], "SENDER");
        assert_eq!(s["OtherParticipantIdentifier"], "pprofile-bbbbbbbbbbbbb");
        assert_eq!(
            s["Arn"],
            "arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/pacinv-aaaaaaaaaaaaa"
        );
        assert_eq!(s["InvitationMessage"], "Hello\nthere");
        assert_eq!(s["Status"], "PENDING");
        assert!(s.get("ConnectionId").is_none());
        let r = render_invitation_for("222222222222", &inv, 2_000, "us-east-1");
        assert_eq!(r["ParticipantType"], "RECEIVER");
        assert_eq!(r["OtherParticipantIdentifier"], "pprofile-aaaaaaaaaaaaa");
        assert!(!r.to_string().contains("111111111111"), "the receiver never sees the sender's account: {r}");
        assert!(!r.to_string().contains("hidden"));
        let summary = render_invitation_summary_for("222222222222", &inv, 2_000, "us-east-1");
        assert!(summary.get("InvitationMessage").is_none() && summary.get("InviterEmail").is_none());
    }

    #[test]
    fn expiry_is_derived_from_expires_at() {
        let mut inv = invitation();
        let before = render_invitation_for("111111111111", &inv, 9_999, "us-east-1");
        assert_eq!(
            (before["Status"].as_str(), before["UpdatedAt"].as_str()),
            (Some("PENDING"), Some("1970-01-01T00:00:01.000Z"))
        );
        let after = render_invitation_for("111111111111", &inv, 10_000, "us-east-1");
        assert_eq!(after["Status"], "EXPIRED");
        assert_eq!(after["UpdatedAt"], "1970-01-01T00:00:10.000Z");
        assert_eq!(after["ExpiresAt"], after["UpdatedAt"]);
        // Terminal states are not affected by expiry.
        inv.status = "CANCELED".into();
        inv.updated_at = 5_000;
        inv.connection_id = Some("pac-aaaaaaaaaaaaa".into());
        let canceled = render_invitation_for("111111111111", &inv, 20_000, "us-east-1");
        assert_eq!(canceled["Status"], "CANCELED");
        assert_eq!(canceled["UpdatedAt"], "1970-01-01T00:00:05.000Z");
        assert_eq!(canceled["ConnectionId"], "pac-aaaaaaaaaaaaa");
    }
}
