//! Events (docs/behaviour.md#events): what the real service sends to
//! EventBridge about connection invitations and connections, recorded in the
//! database.
//!
//! Handlers record events through [`Tx::append_event`] in the transaction of
//! the transition itself, so a rolled-back request records nothing and an
//! idempotent replay (which runs no handler) records nothing again. One row
//! per (event, recipient account), shaped like an EventBridge event.
//!
//! Expiry is derived, so the Expired event is recorded by the first write
//! that stores an invitation as EXPIRED: CreateConnectionInvitation freeing
//! the pair's PENDING slot, or the server's sweep
//! ([`sweep_expired_invitations`]). Its time is `ExpiresAt`, and a unique key
//! per invitation and recipient makes it exactly once.
//!
//! Delivery to a webhook is the server's business; the store keeps its state
//! next to each event ([`EventDelivery`]), in wall time.

use pcentral_model::wire::{ConnectionType, InvitationStatus};
use pcentral_model::{timestamp, AccountId, Catalog, Millis};
use serde::Serialize;

use crate::arn;
use crate::ctx::{Ctx, Ids};
use crate::records::{Connection, DetailType, EventDelivery, Invitation, NewEvent};
use crate::settings::Settings;
use crate::store::{StoreError, Tx};

/// `source` of every event.
pub const SOURCE: &str = "aws.partnercentral-account";
/// Region of events recorded without a caller (the sweep): EventBridge in us-east-1.
pub const DEFAULT_REGION: &str = "us-east-1";
/// POST attempts before delivery gives up.
pub const MAX_ATTEMPTS: i64 = 8;

/// EventBridge times have second precision: `2026-01-01T00:00:00Z`.
pub fn event_time(ms: Millis) -> String {
    timestamp::format(ms.div_euclid(1000) * 1000).replace(".000Z", "Z")
}

/// The connection type as event payloads spell it (`OpportunityCollaboration`).
pub fn event_connection_type(t: ConnectionType) -> &'static str {
    match t {
        ConnectionType::OpportunityCollaboration => "OpportunityCollaboration",
        ConnectionType::Subsidiary => "Subsidiary",
    }
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` from 32 hex digits (shorter input is padded).
pub fn uuid_like(hex32: &str) -> String {
    let h: String = hex32.chars().chain(std::iter::repeat('0')).take(32).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// The EventBridge envelope.
#[derive(Serialize)]
struct Envelope<'a> {
    version: &'static str,
    id: String,
    #[serde(rename = "detail-type")]
    detail_type: DetailType,
    source: &'static str,
    account: &'a AccountId,
    time: String,
    region: &'a str,
    resources: &'a [String],
    detail: &'a Detail,
}

/// The `detail` of every event pcentral records.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Detail {
    #[serde(skip_serializing_if = "Option::is_none")]
    connection_invitation: Option<InvitationDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    connection: Option<ConnectionDetail>,
    catalog: Catalog,
}

/// The `connectionInvitation` member of invitation events.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct InvitationDetail {
    arn: String,
    id: String,
    connection_type: &'static str,
    inviter_email: String,
    invitation_message: String,
    sender_company_name: String,
    sender_profile_id: String,
    expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    receiver_profile_id: Option<String>,
}

/// The `connection` member of connection events.
#[derive(Debug, Clone, Serialize)]
struct ConnectionDetail {
    arn: String,
    id: String,
    #[serde(rename = "Participant1AccountId")]
    participant1_account_id: AccountId,
    #[serde(rename = "Participant2AccountId")]
    participant2_account_id: AccountId,
    #[serde(rename = "connectionType")]
    connection_type: &'static str,
    status: &'static str,
    #[serde(rename = "canceledBy", skip_serializing_if = "Option::is_none")]
    canceled_by: Option<AccountId>,
}

/// Everything one event needs besides its recipients.
struct Draft {
    catalog: Catalog,
    detail_type: DetailType,
    time: Millis,
    resources: Vec<String>,
    detail: Detail,
    /// Per-recipient unique key prefix (the recipient is appended).
    unique: Option<String>,
}

/// Records the events of one request (or of the sweep).
pub struct Recorder<'a> {
    pub tx: &'a mut dyn Tx,
    pub ids: &'a mut dyn Ids,
    pub region: &'a str,
    pub settings: &'a Settings,
}

impl<'a> Recorder<'a> {
    /// A recorder for the request of `ctx` (the caller's region, its settings).
    pub fn of<'c: 'a>(ctx: &'a mut Ctx<'c>) -> Recorder<'a> {
        Recorder { tx: &mut *ctx.tx, ids: &mut *ctx.ids, region: &ctx.caller.region, settings: ctx.settings }
    }

    /// Append one event per recipient (in the order given).
    fn append(&mut self, draft: &Draft, recipients: &[&AccountId]) -> Result<(), StoreError> {
        for recipient in recipients {
            let event = Envelope {
                version: "0",
                id: uuid_like(&self.ids.event_id()),
                detail_type: draft.detail_type,
                source: SOURCE,
                account: recipient,
                time: event_time(draft.time),
                region: self.region,
                resources: &draft.resources,
                detail: &draft.detail,
            };
            let event = serde_json::to_value(&event).map_err(|e| StoreError::Backend(e.to_string()))?;
            self.tx.append_event(&NewEvent {
                account: (*recipient).clone(),
                catalog: draft.catalog,
                detail_type: draft.detail_type,
                time: draft.time,
                event,
                unique_key: draft.unique.as_ref().map(|u| format!("{u}/{recipient}")),
                deliver: !self.settings.events_webhook_url.trim().is_empty(),
            })?;
        }
        Ok(())
    }

    fn invitation_detail(&mut self, invitation: &Invitation) -> Result<InvitationDetail, StoreError> {
        let sender = self.tx.partner_by_account(invitation.catalog, &invitation.sender_account)?;
        let receiver_profile = if invitation.receiver_identifier.starts_with("pprofile-") {
            Some(invitation.receiver_identifier.clone())
        } else {
            self.tx
                .partner_by_account(invitation.catalog, &invitation.receiver_account)?
                .map(|p| p.profile_id.to_string())
        };
        Ok(InvitationDetail {
            arn: arn::invitation(self.region, invitation.catalog, &invitation.id),
            id: invitation.id.to_string(),
            connection_type: event_connection_type(invitation.connection_type),
            inviter_email: invitation.inviter_email.clone(),
            invitation_message: invitation.message.clone(),
            sender_company_name: sender.map(|p| p.legal_name).unwrap_or_default(),
            sender_profile_id: invitation.sender_profile_id.to_string(),
            expires_at: event_time(invitation.expires_at),
            receiver_profile_id: receiver_profile,
        })
    }

    fn connection_detail(&self, connection: &Connection, connection_type: ConnectionType) -> ConnectionDetail {
        let entry = connection.types.get(&connection_type);
        ConnectionDetail {
            arn: arn::connection(self.region, connection.catalog, &connection.id),
            id: connection.id.to_string(),
            participant1_account_id: connection.participants[0].clone(),
            participant2_account_id: connection.participants[1].clone(),
            connection_type: event_connection_type(connection_type),
            status: entry.map(|e| e.status.as_str()).unwrap_or_default(),
            canceled_by: entry.and_then(|e| e.canceled_by.clone()),
        }
    }

    /// An invitation event (`detail_type`) at `time` for `recipients`.
    pub fn invitation(
        &mut self,
        detail_type: DetailType,
        invitation: &Invitation,
        time: Millis,
        recipients: &[&AccountId],
        connection: Option<&Connection>,
    ) -> Result<(), StoreError> {
        let detail = Detail {
            connection_invitation: Some(self.invitation_detail(invitation)?),
            connection: connection.map(|c| self.connection_detail(c, invitation.connection_type)),
            catalog: invitation.catalog,
        };
        let unique = (detail_type == DetailType::InvitationExpired)
            .then(|| format!("expired/{}/{}", invitation.catalog, invitation.id));
        let draft = Draft {
            catalog: invitation.catalog,
            detail_type,
            time,
            resources: vec![arn::invitation(self.region, invitation.catalog, &invitation.id)],
            detail,
            unique,
        };
        self.append(&draft, recipients)
    }

    /// The Expired event of `invitation` for both participants, at `ExpiresAt`, once.
    pub fn expired(&mut self, invitation: &Invitation) -> Result<(), StoreError> {
        let recipients = invitation.participants();
        self.invitation(DetailType::InvitationExpired, invitation, invitation.expires_at, &recipients, None)
    }

    /// `Partner Connection Cancelled` for both participants.
    pub fn connection_cancelled(
        &mut self,
        connection: &Connection,
        connection_type: ConnectionType,
        time: Millis,
    ) -> Result<(), StoreError> {
        let draft = Draft {
            catalog: connection.catalog,
            detail_type: DetailType::ConnectionCancelled,
            time,
            resources: vec![arn::connection(self.region, connection.catalog, &connection.id)],
            detail: Detail {
                connection_invitation: None,
                connection: Some(self.connection_detail(connection, connection_type)),
                catalog: connection.catalog,
            },
            unique: None,
        };
        let recipients = [&connection.participants[0], &connection.participants[1]];
        self.append(&draft, &recipients)
    }
}

/// Store `invitation` (stored PENDING, past its expiry) as EXPIRED and record
/// its Expired events.
pub fn settle_expired(recorder: &mut Recorder<'_>, mut invitation: Invitation) -> Result<(), StoreError> {
    invitation.status = InvitationStatus::Expired;
    invitation.updated_at = invitation.expires_at;
    recorder.tx.update_invitation(&invitation)?;
    recorder.expired(&invitation)
}

/// Store as EXPIRED (and record the Expired events of) up to `limit`
/// invitations stored PENDING whose `ExpiresAt` is at or before `now`.
/// Run by the server in its own write transaction; returns how many it settled.
pub fn sweep_expired_invitations(
    tx: &mut dyn Tx,
    ids: &mut dyn Ids,
    now: Millis,
    settings: &Settings,
    limit: usize,
) -> Result<usize, StoreError> {
    let stale = tx.expired_pending_invitations(now, limit)?;
    let n = stale.len();
    let mut recorder = Recorder { tx, ids, region: DEFAULT_REGION, settings };
    for invitation in stale {
        settle_expired(&mut recorder, invitation)?;
    }
    Ok(n)
}

/// Wall-clock delay before retry number `attempts + 1` after `attempts`
/// failed POSTs: 1 s, 2 s, 4 s, … capped at 60 s.
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    (1000_i64 << exponent).min(60_000)
}

/// The delivery state after one POST attempt that ended at wall time `now`
/// (`Ok` for a 2xx answer, else the error).
pub fn after_attempt(mut d: EventDelivery, outcome: Result<(), String>, now: Millis) -> EventDelivery {
    d.attempts += 1;
    match outcome {
        Ok(()) => {
            d.delivered_at = Some(now);
            d.next_attempt_at = None;
            d.last_error = None;
        }
        Err(message) => {
            d.next_attempt_at = (d.attempts < MAX_ATTEMPTS).then(|| now.saturating_add(retry_delay_ms(d.attempts)));
            d.last_error = Some(message);
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::DeliveryState;

    #[test]
    fn payload_spellings() {
        assert_eq!(event_connection_type(ConnectionType::OpportunityCollaboration), "OpportunityCollaboration");
        assert_eq!(event_connection_type(ConnectionType::Subsidiary), "Subsidiary");
        assert_eq!(event_time(1_767_225_600_123), "2026-01-01T00:00:00Z");
        assert_eq!(uuid_like("0123456789abcdef0123456789abcdef"), "01234567-89ab-cdef-0123-456789abcdef");
    }

    #[test]
    fn retries_back_off_exponentially_up_to_a_minute() {
        let delays: Vec<i64> = (1..=8).map(retry_delay_ms).collect();
        assert_eq!(delays, vec![1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
    }

    #[test]
    fn delivery_states_follow_attempts() {
        let mut d = EventDelivery::default();
        assert_eq!(d.state(), DeliveryState::NotScheduled);
        d.next_attempt_at = Some(0);
        assert_eq!(d.state(), DeliveryState::Pending);
        for _ in 0..7 {
            d = after_attempt(d, Err("HTTP 500".into()), 10);
            assert_eq!(d.state(), DeliveryState::Pending);
        }
        d = after_attempt(d, Err("HTTP 500".into()), 10);
        assert_eq!((d.state(), d.attempts), (DeliveryState::Failed, 8));
        let ok = after_attempt(EventDelivery { next_attempt_at: Some(0), ..Default::default() }, Ok(()), 5);
        assert_eq!((ok.state(), ok.delivered_at), (DeliveryState::Delivered, Some(5)));
    }
}
