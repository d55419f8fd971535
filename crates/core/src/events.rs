//! Events (SEMANTICS §11): what the real service sends to EventBridge about
//! connection invitations and connections, recorded in the database.
//!
//! Handlers record events through [`Tx::append_event`] in the transaction of
//! the transition itself, so a rolled-back request records nothing and an
//! idempotent replay (which runs no handler) records nothing again. One row
//! per (event, recipient account), shaped like an EventBridge event.
//!
//! Expiry is derived (§6.1), so the Expired event is recorded by the first
//! write that stores an invitation as EXPIRED: CreateConnectionInvitation
//! freeing the pair's PENDING slot, or the server's sweep
//! ([`sweep_expired_invitations`]). Its time is `ExpiresAt`, and a unique key
//! per invitation and recipient makes it exactly once.
//!
//! Delivery to a webhook is the server's business; the store keeps its state
//! next to each event ([`EventDelivery`]), in wall time.

use pcentral_model::{timestamp, Millis};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::invitations::invitation_arn;
use crate::operations::Ids;
use crate::store::{Connection, Invitation, StoreError, Tx};

/// `source` of every event.
pub const SOURCE: &str = "aws.partnercentral-account";
pub const INVITATION_RECEIVED: &str = "Partner Connection Invitation Received";
pub const INVITATION_ACCEPTED: &str = "Partner Connection Invitation Accepted";
pub const INVITATION_REJECTED: &str = "Partner Connection Invitation Rejected";
pub const INVITATION_CANCELLED: &str = "Partner Connection Invitation Cancelled";
pub const INVITATION_EXPIRED: &str = "Partner Connection Invitation Expired";
pub const CONNECTION_CANCELLED: &str = "Partner Connection Cancelled";
/// Every detail-type pcentral records.
pub const DETAIL_TYPES: [&str; 6] = [
    INVITATION_RECEIVED,
    INVITATION_ACCEPTED,
    INVITATION_REJECTED,
    INVITATION_CANCELLED,
    INVITATION_EXPIRED,
    CONNECTION_CANCELLED,
];
/// Region of events recorded without a caller (the sweep): EventBridge in us-east-1 (§11).
pub const DEFAULT_REGION: &str = "us-east-1";

/// An event to append for one recipient.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// The recipient account (`account` of the EventBridge event).
    pub account: String,
    pub catalog: String,
    pub detail_type: String,
    /// Service time of the event.
    pub time: Millis,
    /// The EventBridge event JSON.
    pub event: Value,
    /// When set, at most one event with this key is ever stored.
    pub unique_key: Option<String>,
    /// Whether the event is to be posted to the webhook (due at once).
    pub deliver: bool,
}

/// Delivery state of a stored event (wall-clock times: delivery is
/// infrastructure, not business time).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventDelivery {
    /// POST attempts made so far.
    pub attempts: i64,
    /// When the next attempt is due (or a claim expires); `None` when there
    /// is nothing more to do (delivered, given up, or never scheduled).
    pub next_attempt_at: Option<Millis>,
    pub delivered_at: Option<Millis>,
    pub last_error: Option<String>,
}

impl EventDelivery {
    /// `pending`, `delivered`, `failed` (given up) or `not_scheduled` (no webhook when recorded).
    pub fn state(&self) -> &'static str {
        match (self.delivered_at, self.next_attempt_at) {
            (Some(_), _) => "delivered",
            (None, Some(_)) => "pending",
            (None, None) if self.attempts > 0 => "failed",
            (None, None) => "not_scheduled",
        }
    }

    pub fn to_json(&self) -> Value {
        let at = |t: Option<Millis>| t.map(timestamp::format);
        json!({
            "state": self.state(),
            "attempts": self.attempts,
            "next_attempt_at": at(self.next_attempt_at),
            "delivered_at": at(self.delivered_at),
            "last_error": self.last_error,
        })
    }
}

/// A stored event.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Store-assigned sequence number: the recording order.
    pub seq: i64,
    pub account: String,
    pub catalog: String,
    pub detail_type: String,
    pub time: Millis,
    pub event: Value,
    pub delivery: EventDelivery,
}

/// Which events to list (every filter optional).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFilter {
    pub account: Option<String>,
    pub detail_type: Option<String>,
    /// Only events with a larger sequence number.
    pub after: Option<i64>,
    /// At most this many.
    pub limit: Option<i64>,
}

/// EventBridge times have second precision: `2026-01-01T00:00:00Z`.
pub fn event_time(ms: Millis) -> String {
    timestamp::format(ms.div_euclid(1000) * 1000).replace(".000Z", "Z")
}

/// The connection type as event payloads spell it (`OpportunityCollaboration`).
pub fn event_connection_type(api: &str) -> String {
    api.split('_')
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` from 32 hex digits (shorter input is padded).
pub fn uuid_like(hex32: &str) -> String {
    let h: String = hex32.chars().chain(std::iter::repeat('0')).take(32).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// Everything one event needs besides its recipients.
struct Draft<'a> {
    catalog: &'a str,
    detail_type: &'a str,
    time: Millis,
    region: &'a str,
    resource: String,
    detail: Value,
    /// Per-recipient unique key prefix (the recipient is appended).
    unique: Option<String>,
    deliver: bool,
}

/// Append one event per recipient (in the order given).
fn append(tx: &mut dyn Tx, ids: &mut dyn Ids, draft: &Draft<'_>, recipients: &[&str]) -> Result<(), StoreError> {
    for recipient in recipients {
        let mut detail = draft.detail.clone();
        detail["catalog"] = json!(draft.catalog);
        let event = json!({
            "version": "0",
            "id": uuid_like(&ids.event_id()),
            "detail-type": draft.detail_type,
            "source": SOURCE,
            "account": recipient,
            "time": event_time(draft.time),
            "region": draft.region,
            "resources": [draft.resource],
            "detail": detail,
        });
        tx.append_event(&NewEvent {
            account: (*recipient).to_string(),
            catalog: draft.catalog.to_string(),
            detail_type: draft.detail_type.to_string(),
            time: draft.time,
            event,
            unique_key: draft.unique.as_ref().map(|u| format!("{u}/{recipient}")),
            deliver: draft.deliver,
        })?;
    }
    Ok(())
}

/// The `connectionInvitation` member of invitation events.
fn invitation_detail(tx: &mut dyn Tx, invitation: &Invitation, region: &str) -> Result<Value, StoreError> {
    let sender = tx.partner_by_account(&invitation.catalog, &invitation.sender_account)?;
    let receiver_profile = if invitation.receiver_identifier.starts_with("pprofile-") {
        Some(invitation.receiver_identifier.clone())
    } else {
        tx.partner_by_account(&invitation.catalog, &invitation.receiver_account)?.map(|p| p.profile_id)
    };
    let mut v = json!({
        "arn": invitation_arn(region, &invitation.catalog, &invitation.id),
        "id": invitation.id,
        "connectionType": event_connection_type(&invitation.connection_type),
        "inviterEmail": invitation.inviter_email,
        "invitationMessage": invitation.message,
        "senderCompanyName": sender.map(|p| p.legal_name).unwrap_or_default(),
        "senderProfileId": invitation.sender_profile_id,
        "expiresAt": event_time(invitation.expires_at),
    });
    if let Some(profile) = receiver_profile {
        v["receiverProfileId"] = json!(profile);
    }
    Ok(v)
}

/// The `connection` member of connection events; `connection_type` is the
/// type the event is about.
fn connection_detail(connection: &Connection, connection_type: &str, region: &str) -> Value {
    let entry = connection.types.get(connection_type);
    let mut v = json!({
        "arn": crate::connections::connection_arn(region, &connection.catalog, &connection.id),
        "id": connection.id,
        "Participant1AccountId": connection.participants[0],
        "Participant2AccountId": connection.participants[1],
        "connectionType": event_connection_type(connection_type),
        "status": entry.map(|e| e.status.as_str()).unwrap_or_default(),
    });
    if let Some(by) = entry.and_then(|e| e.canceled_by.as_ref()) {
        v["canceledBy"] = json!(by);
    }
    v
}

/// Whether events recorded now are to be posted (a webhook URL is set).
fn deliver(settings: &crate::Settings) -> bool {
    !settings.events_webhook_url.trim().is_empty()
}

/// Context shared by the recording functions.
pub struct Recorder<'a> {
    pub tx: &'a mut dyn Tx,
    pub ids: &'a mut dyn Ids,
    pub region: &'a str,
    pub settings: &'a crate::Settings,
}

impl<'a> Recorder<'a> {
    /// A recorder for the request of `ctx` (the caller's region, its settings).
    pub fn of<'c: 'a>(ctx: &'a mut crate::operations::Ctx<'c>) -> Recorder<'a> {
        Recorder { tx: &mut *ctx.tx, ids: &mut *ctx.ids, region: &ctx.caller.region, settings: ctx.settings }
    }

    /// An invitation event (`detail_type`) at `time` for `recipients`.
    pub fn invitation(
        &mut self,
        detail_type: &str,
        invitation: &Invitation,
        time: Millis,
        recipients: &[&str],
        connection: Option<&Connection>,
    ) -> Result<(), StoreError> {
        let mut detail = json!({ "connectionInvitation": invitation_detail(self.tx, invitation, self.region)? });
        if let Some(c) = connection {
            detail["connection"] = connection_detail(c, &invitation.connection_type, self.region);
        }
        let unique =
            (detail_type == INVITATION_EXPIRED).then(|| format!("expired/{}/{}", invitation.catalog, invitation.id));
        let draft = Draft {
            catalog: &invitation.catalog,
            detail_type,
            time,
            region: self.region,
            resource: invitation_arn(self.region, &invitation.catalog, &invitation.id),
            detail,
            unique,
            deliver: deliver(self.settings),
        };
        append(self.tx, self.ids, &draft, recipients)
    }

    /// The Expired event of `invitation` for both participants, at `ExpiresAt`, once.
    pub fn expired(&mut self, invitation: &Invitation) -> Result<(), StoreError> {
        let recipients = [invitation.sender_account.as_str(), invitation.receiver_account.as_str()];
        self.invitation(INVITATION_EXPIRED, invitation, invitation.expires_at, &recipients, None)
    }

    /// `Partner Connection Cancelled` for both participants.
    pub fn connection_cancelled(
        &mut self,
        connection: &Connection,
        connection_type: &str,
        time: Millis,
    ) -> Result<(), StoreError> {
        let draft = Draft {
            catalog: &connection.catalog,
            detail_type: CONNECTION_CANCELLED,
            time,
            region: self.region,
            resource: crate::connections::connection_arn(self.region, &connection.catalog, &connection.id),
            detail: json!({ "connection": connection_detail(connection, connection_type, self.region) }),
            unique: None,
            deliver: deliver(self.settings),
        };
        let recipients = [connection.participants[0].as_str(), connection.participants[1].as_str()];
        append(self.tx, self.ids, &draft, &recipients)
    }
}

/// Store as EXPIRED (and record the Expired events of) up to `limit`
/// invitations stored PENDING whose `ExpiresAt` is at or before `now`.
/// Run by the server in its own write transaction; returns how many it settled.
pub fn sweep_expired_invitations(
    tx: &mut dyn Tx,
    ids: &mut dyn Ids,
    now: Millis,
    settings: &crate::Settings,
    limit: i64,
) -> Result<usize, StoreError> {
    let stale = tx.expired_pending_invitations(now, limit)?;
    let n = stale.len();
    for mut invitation in stale {
        invitation.status = "EXPIRED".into();
        invitation.updated_at = invitation.expires_at;
        tx.update_invitation(&invitation)?;
        Recorder { tx, ids, region: DEFAULT_REGION, settings }.expired(&invitation)?;
    }
    Ok(n)
}

/// The admin view of a stored event.
pub fn event_view(e: &StoredEvent) -> Value {
    json!({ "seq": e.seq, "event": e.event, "delivery": e.delivery.to_json() })
}

/// Wall-clock delay before retry number `attempts + 1` after `attempts`
/// failed POSTs: 1 s, 2 s, 4 s, … capped at 60 s.
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    (1000_i64 << exponent).min(60_000)
}

/// POST attempts before delivery gives up.
pub const MAX_ATTEMPTS: i64 = 8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_spellings() {
        assert_eq!(event_connection_type("OPPORTUNITY_COLLABORATION"), "OpportunityCollaboration");
        assert_eq!(event_connection_type("SUBSIDIARY"), "Subsidiary");
        assert_eq!(event_time(1_767_225_600_123), "2026-01-01T00:00:00Z");
        assert_eq!(uuid_like("0123456789abcdef0123456789abcdef"), "01234567-89ab-cdef-0123-456789abcdef");
    }

    #[test]
    fn retries_back_off_exponentially_up_to_a_minute() {
        let delays: Vec<i64> = (1..=8).map(retry_delay_ms).collect();
        assert_eq!(delays, vec![1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
    }

    #[test]
    fn delivery_states() {
        let mut d = EventDelivery::default();
        assert_eq!(d.state(), "not_scheduled");
        d.next_attempt_at = Some(0);
        assert_eq!(d.state(), "pending");
        d.attempts = 8;
        d.next_attempt_at = None;
        assert_eq!(d.state(), "failed");
        d.delivered_at = Some(1);
        assert_eq!(d.state(), "delivered");
    }
}
