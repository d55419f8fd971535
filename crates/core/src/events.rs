//! Events (docs/behaviour.md#events): what the real service sends to
//! EventBridge about connection invitations and connections, recorded in the
//! database.
//!
//! Each event type has its own detail struct holding exactly the members of
//! the example AWS documents for it (docs/compat.md#events), so an event
//! cannot carry a member its example lacks. The recipients of each event are
//! decided here too, one `Recorder` method per event type.
//!
//! Handlers record events through
//! [`EventsTx::append_event`](crate::store::EventsTx::append_event) in the
//! transaction of the transition itself, so a rolled-back request records
//! nothing and an idempotent replay (which runs no handler) records nothing
//! again. One row
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

use pcentral_model::account::{ConnectionType, ConnectionTypeStatus, InvitationStatus};
use pcentral_model::{timestamp, AccountId, Catalog, Millis, ProfileId, Service};
use serde::Serialize;

use crate::arn;
use crate::ctx::{Ctx, Ids};
use crate::partners::PublishedProfile;
use crate::records::{Connection, DetailType, EngagementInvitation, EventDelivery, Invitation, NewEvent, Opportunity};
use crate::settings::Settings;
use crate::store::{StoreError, Tx};

/// `source` of the events of `service`: `aws.partnercentral-account`, …
pub fn source(service: Service) -> &'static str {
    match service {
        Service::Account => "aws.partnercentral-account",
        Service::Selling => "aws.partnercentral-selling",
    }
}
/// `version` of every event, as the documented examples have it.
pub const VERSION: &str = "1";
/// `region` of every event: the service sends its events to EventBridge in
/// us-east-1. It is also the region of the ARNs in the events the sweep
/// records, which have no caller.
pub const REGION: &str = "us-east-1";
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
struct Envelope<'a, D: Serialize> {
    version: &'static str,
    id: String,
    #[serde(rename = "detail-type")]
    detail_type: DetailType,
    source: &'static str,
    account: &'a AccountId,
    time: String,
    region: &'static str,
    resources: &'a [String],
    detail: &'a D,
}

/// The `detail` of one event type.
trait Detail: Serialize {
    const TYPE: DetailType;
}

/// The detail of the Selling API's opportunity events: `schemaVersion`,
/// `catalog` and the opportunity's id; `M` says which event it is.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OpportunityDetail<M> {
    schema_version: &'static str,
    catalog: Catalog,
    opportunity: OpportunityRef,
    #[serde(skip)]
    mark: std::marker::PhantomData<M>,
}

#[derive(Serialize)]
struct OpportunityRef {
    identifier: String,
}

impl<M> OpportunityDetail<M> {
    fn of(o: &Opportunity) -> Self {
        OpportunityDetail {
            schema_version: "1",
            catalog: o.catalog,
            opportunity: OpportunityRef { identifier: o.id.to_string() },
            mark: std::marker::PhantomData,
        }
    }
}

struct CreatedMark;
struct UpdatedMark;

/// The detail of the Selling API's engagement invitation events:
/// `schemaVersion`, `catalog`, the invitation's id and its engagement's.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EngagementInvitationDetail<M> {
    schema_version: &'static str,
    catalog: Catalog,
    engagement_invitation: EngagementInvitationRef,
    #[serde(skip)]
    mark: std::marker::PhantomData<M>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EngagementInvitationRef {
    identifier: String,
    engagement_identifier: String,
}

impl<M> EngagementInvitationDetail<M> {
    fn of(i: &EngagementInvitation) -> Self {
        EngagementInvitationDetail {
            schema_version: "1",
            catalog: i.catalog,
            engagement_invitation: EngagementInvitationRef {
                identifier: i.id.to_string(),
                engagement_identifier: i.engagement_id.to_string(),
            },
            mark: std::marker::PhantomData,
        }
    }
}

struct AcceptedMark;
struct RejectedMark;
struct ExpiredMark;

/// What an engagement invitation event says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngagementInvitationEvent {
    Created,
    Accepted,
    Rejected,
}

impl Detail for EngagementInvitationDetail<ExpiredMark> {
    const TYPE: DetailType = DetailType::EngagementInvitationExpired;
}

impl Detail for EngagementInvitationDetail<CreatedMark> {
    const TYPE: DetailType = DetailType::EngagementInvitationCreated;
}

impl Detail for EngagementInvitationDetail<AcceptedMark> {
    const TYPE: DetailType = DetailType::EngagementInvitationAccepted;
}

impl Detail for EngagementInvitationDetail<RejectedMark> {
    const TYPE: DetailType = DetailType::EngagementInvitationRejected;
}

impl Detail for OpportunityDetail<CreatedMark> {
    const TYPE: DetailType = DetailType::OpportunityCreated;
}

impl Detail for OpportunityDetail<UpdatedMark> {
    const TYPE: DetailType = DetailType::OpportunityUpdated;
}

/// `Partner Connection Invitation Received`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReceivedDetail {
    catalog: Catalog,
    connection_invitation: ReceivedInvitation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReceivedInvitation {
    arn: String,
    id: String,
    connection_type: &'static str,
    inviter_email: String,
    invitation_message: String,
    /// The sender's legal name.
    sender_company_name: String,
    sender_profile_id: String,
    expires_at: String,
}

impl Detail for ReceivedDetail {
    const TYPE: DetailType = DetailType::InvitationReceived;
}

/// `Partner Connection Invitation Accepted`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AcceptedDetail {
    catalog: Catalog,
    connection_invitation: InvitationRef,
    connection: AcceptedConnection,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InvitationRef {
    arn: String,
    id: String,
    connection_type: &'static str,
}

#[derive(Serialize)]
struct AcceptedConnection {
    arn: String,
    id: String,
    /// The sender of the accepted invitation.
    #[serde(rename = "Participant1AccountId")]
    participant1_account_id: AccountId,
    /// Its receiver.
    #[serde(rename = "Participant2AccountId")]
    participant2_account_id: AccountId,
    status: ConnectionTypeStatus,
}

impl Detail for AcceptedDetail {
    const TYPE: DetailType = DetailType::InvitationAccepted;
}

/// `Partner Connection Invitation Rejected`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RejectedDetail {
    catalog: Catalog,
    connection_invitation: RejectedInvitation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RejectedInvitation {
    arn: String,
    id: String,
    connection_type: &'static str,
    invitation_message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    receiver_profile_id: Option<ProfileId>,
}

impl Detail for RejectedDetail {
    const TYPE: DetailType = DetailType::InvitationRejected;
}

/// `Partner Connection Invitation Cancelled`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InvitationCancelledDetail {
    catalog: Catalog,
    connection_invitation: CancelledInvitation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CancelledInvitation {
    arn: String,
    id: String,
    connection_type: &'static str,
    invitation_message: String,
    sender_profile_id: String,
}

impl Detail for InvitationCancelledDetail {
    const TYPE: DetailType = DetailType::InvitationCancelled;
}

/// `Partner Connection Invitation Expired`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExpiredDetail {
    catalog: Catalog,
    connection_invitation: ExpiredInvitation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExpiredInvitation {
    arn: String,
    id: String,
    connection_type: &'static str,
    inviter_email: String,
    invitation_message: String,
    sender_profile_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    receiver_profile_id: Option<ProfileId>,
}

impl Detail for ExpiredDetail {
    const TYPE: DetailType = DetailType::InvitationExpired;
}

/// `Partner Connection Cancelled`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConnectionCancelledDetail {
    catalog: Catalog,
    connection: CancelledConnection,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CancelledConnection {
    arn: String,
    id: String,
    connection_type: &'static str,
    canceled_by: AccountId,
}

impl Detail for ConnectionCancelledDetail {
    const TYPE: DetailType = DetailType::ConnectionCancelled;
}

/// Records the events of one request (or of the sweep).
pub struct Recorder<'a> {
    pub tx: &'a mut dyn Tx,
    pub ids: &'a mut dyn Ids,
    /// The region of the ARNs in the events: the calling request's, as its
    /// answer shows them ([`REGION`] for the sweep).
    pub region: &'a str,
    pub settings: &'a Settings,
}

impl<'a> Recorder<'a> {
    /// A recorder for the request of `ctx` (the caller's region, its settings).
    pub fn of<'c: 'a>(ctx: &'a mut Ctx<'c>) -> Recorder<'a> {
        Recorder { tx: &mut *ctx.tx, ids: &mut *ctx.ids, region: &ctx.caller.region, settings: ctx.settings }
    }

    /// Append one `D` event per recipient (in the order given), at `time`.
    fn append<D: Detail>(
        &mut self,
        catalog: Catalog,
        time: Millis,
        resources: &[String],
        detail: &D,
        recipients: &[&AccountId],
        unique: Option<String>,
    ) -> Result<(), StoreError> {
        for recipient in recipients {
            let event = Envelope {
                version: VERSION,
                id: uuid_like(&self.ids.event_id()),
                detail_type: D::TYPE,
                source: source(D::TYPE.service()),
                account: recipient,
                time: event_time(time),
                region: REGION,
                resources,
                detail,
            };
            let event = serde_json::to_value(&event).map_err(|e| StoreError::Backend(e.to_string()))?;
            self.tx.append_event(&NewEvent {
                account: (*recipient).clone(),
                catalog,
                detail_type: D::TYPE,
                time,
                event,
                unique_key: unique.as_ref().map(|u| format!("{u}/{recipient}")),
                deliver: !self.settings.events_webhook_url.as_str().trim().is_empty(),
            })?;
        }
        Ok(())
    }

    fn invitation_arn(&self, invitation: &Invitation) -> String {
        arn::invitation(self.region, invitation.catalog, &invitation.id)
    }

    /// The receiver's profile id, only when it is published at `time`: the
    /// profile an OPPORTUNITY_COLLABORATION invitation was addressed to, or
    /// the receiver's own published profile for a SUBSIDIARY one.
    fn receiver_profile_id(&mut self, invitation: &Invitation, time: Millis) -> Result<Option<ProfileId>, StoreError> {
        if let Ok(profile) = ProfileId::parse(&invitation.receiver_identifier) {
            return Ok(Some(profile));
        }
        match self.tx.partner_by_account(invitation.catalog, &invitation.receiver_account)? {
            Some(p) if PublishedProfile::load(self.tx, &p, time)?.is_published() => Ok(Some(p.profile_id)),
            _ => Ok(None),
        }
    }

    /// `Opportunity Created`, for the owner.
    pub fn opportunity_created(&mut self, o: &Opportunity) -> Result<(), StoreError> {
        let detail = OpportunityDetail::<CreatedMark>::of(o);
        self.append(o.catalog, o.created_at, &[self.opportunity_arn(o)], &detail, &[&o.owner], None)
    }

    /// `Opportunity Updated`, for the owner, at the opportunity's new last-modified time.
    pub fn opportunity_updated(&mut self, o: &Opportunity) -> Result<(), StoreError> {
        let detail = OpportunityDetail::<UpdatedMark>::of(o);
        self.append(o.catalog, o.last_modified, &[self.opportunity_arn(o)], &detail, &[&o.owner], None)
    }

    /// An engagement invitation event at the invitation's last change:
    /// Created for the receiver, Accepted and Rejected for the sender.
    pub fn engagement_invitation(
        &mut self,
        i: &EngagementInvitation,
        what: EngagementInvitationEvent,
    ) -> Result<(), StoreError> {
        let resources = [arn::engagement_invitation(&i.sender, i.catalog, &i.id)];
        match what {
            EngagementInvitationEvent::Created => {
                let detail = EngagementInvitationDetail::<CreatedMark>::of(i);
                self.append(i.catalog, i.updated_at, &resources, &detail, &[&i.receiver], None)
            }
            EngagementInvitationEvent::Accepted => {
                let detail = EngagementInvitationDetail::<AcceptedMark>::of(i);
                self.append(i.catalog, i.updated_at, &resources, &detail, &[&i.sender], None)
            }
            EngagementInvitationEvent::Rejected => {
                let detail = EngagementInvitationDetail::<RejectedMark>::of(i);
                self.append(i.catalog, i.updated_at, &resources, &detail, &[&i.sender], None)
            }
        }
    }

    /// `Engagement Invitation Expired`, for the sender, at the invitation's
    /// `ExpiresAt`; once per invitation however often it is recorded.
    pub fn engagement_invitation_expired(&mut self, i: &EngagementInvitation) -> Result<(), StoreError> {
        let resources = [arn::engagement_invitation(&i.sender, i.catalog, &i.id)];
        let detail = EngagementInvitationDetail::<ExpiredMark>::of(i);
        let unique = format!("engagement-invitation-expired/{}/{}", i.catalog, i.id);
        self.append(i.catalog, i.expires_at, &resources, &detail, &[&i.sender], Some(unique))
    }

    fn opportunity_arn(&self, o: &Opportunity) -> String {
        arn::opportunity(self.region, &o.owner, o.catalog, &o.id)
    }

    /// `Partner Connection Invitation Received`, for the receiver.
    pub fn received(&mut self, invitation: &Invitation, time: Millis) -> Result<(), StoreError> {
        let sender = self.tx.partner_by_account(invitation.catalog, &invitation.sender_account)?;
        let arn = self.invitation_arn(invitation);
        let detail = ReceivedDetail {
            catalog: invitation.catalog,
            connection_invitation: ReceivedInvitation {
                arn: arn.clone(),
                id: invitation.id.to_string(),
                connection_type: event_connection_type(invitation.connection_type),
                inviter_email: invitation.inviter_email.clone(),
                invitation_message: invitation.message.clone(),
                sender_company_name: sender.map(|p| p.legal_name).unwrap_or_default(),
                sender_profile_id: invitation.sender_profile_id.to_string(),
                expires_at: event_time(invitation.expires_at),
            },
        };
        self.append(invitation.catalog, time, &[arn], &detail, &[&invitation.receiver_account], None)
    }

    /// `Partner Connection Invitation Accepted`, for the sender, then the
    /// receiver; `connection` holds the type the acceptance made ACTIVE.
    pub fn accepted(
        &mut self,
        invitation: &Invitation,
        connection: &Connection,
        time: Millis,
    ) -> Result<(), StoreError> {
        let invitation_arn = self.invitation_arn(invitation);
        let connection_arn = arn::connection(self.region, connection.catalog, &connection.id);
        let detail = AcceptedDetail {
            catalog: invitation.catalog,
            connection_invitation: InvitationRef {
                arn: invitation_arn.clone(),
                id: invitation.id.to_string(),
                connection_type: event_connection_type(invitation.connection_type),
            },
            connection: AcceptedConnection {
                arn: connection_arn.clone(),
                id: connection.id.to_string(),
                participant1_account_id: invitation.sender_account.clone(),
                participant2_account_id: invitation.receiver_account.clone(),
                status: ConnectionTypeStatus::Active,
            },
        };
        let resources = [invitation_arn, connection_arn];
        self.append(invitation.catalog, time, &resources, &detail, &invitation.participants(), None)
    }

    /// `Partner Connection Invitation Rejected`, for the sender.
    pub fn rejected(&mut self, invitation: &Invitation, time: Millis) -> Result<(), StoreError> {
        let arn = self.invitation_arn(invitation);
        let detail = RejectedDetail {
            catalog: invitation.catalog,
            connection_invitation: RejectedInvitation {
                arn: arn.clone(),
                id: invitation.id.to_string(),
                connection_type: event_connection_type(invitation.connection_type),
                invitation_message: invitation.message.clone(),
                receiver_profile_id: self.receiver_profile_id(invitation, time)?,
            },
        };
        self.append(invitation.catalog, time, &[arn], &detail, &[&invitation.sender_account], None)
    }

    /// `Partner Connection Invitation Cancelled`, for the receiver.
    pub fn invitation_cancelled(&mut self, invitation: &Invitation, time: Millis) -> Result<(), StoreError> {
        let arn = self.invitation_arn(invitation);
        let detail = InvitationCancelledDetail {
            catalog: invitation.catalog,
            connection_invitation: CancelledInvitation {
                arn: arn.clone(),
                id: invitation.id.to_string(),
                connection_type: event_connection_type(invitation.connection_type),
                invitation_message: invitation.message.clone(),
                sender_profile_id: invitation.sender_profile_id.to_string(),
            },
        };
        self.append(invitation.catalog, time, &[arn], &detail, &[&invitation.receiver_account], None)
    }

    /// `Partner Connection Invitation Expired`, for the sender, then the
    /// receiver, at `ExpiresAt`, once.
    pub fn expired(&mut self, invitation: &Invitation) -> Result<(), StoreError> {
        let time = invitation.expires_at;
        let arn = self.invitation_arn(invitation);
        let detail = ExpiredDetail {
            catalog: invitation.catalog,
            connection_invitation: ExpiredInvitation {
                arn: arn.clone(),
                id: invitation.id.to_string(),
                connection_type: event_connection_type(invitation.connection_type),
                inviter_email: invitation.inviter_email.clone(),
                invitation_message: invitation.message.clone(),
                sender_profile_id: invitation.sender_profile_id.to_string(),
                receiver_profile_id: self.receiver_profile_id(invitation, time)?,
            },
        };
        let unique = format!("expired/{}/{}", invitation.catalog, invitation.id);
        self.append(invitation.catalog, time, &[arn], &detail, &invitation.participants(), Some(unique))
    }

    /// `Partner Connection Cancelled` for the cancelling of `connection_type`
    /// by `canceled_by`: one event, for the other participant only.
    pub fn connection_cancelled(
        &mut self,
        connection: &Connection,
        connection_type: ConnectionType,
        canceled_by: &AccountId,
        time: Millis,
    ) -> Result<(), StoreError> {
        let arn = arn::connection(self.region, connection.catalog, &connection.id);
        let detail = ConnectionCancelledDetail {
            catalog: connection.catalog,
            connection: CancelledConnection {
                arn: arn.clone(),
                id: connection.id.to_string(),
                connection_type: event_connection_type(connection_type),
                canceled_by: canceled_by.clone(),
            },
        };
        let other = connection.other_participant(canceled_by);
        self.append(connection.catalog, time, &[arn], &detail, &[other], None)
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
    let mut recorder = Recorder { tx, ids, region: REGION, settings };
    for invitation in stale {
        settle_expired(&mut recorder, invitation)?;
    }
    Ok(n)
}

/// Store as EXPIRED (and record the `Engagement Invitation Expired` event
/// of) up to `limit` engagement invitations stored PENDING whose
/// `ExpiresAt` is at or before `now`. Run by the server in its own write
/// transaction; returns how many it settled.
pub fn sweep_expired_engagement_invitations(
    tx: &mut dyn Tx,
    ids: &mut dyn Ids,
    now: Millis,
    settings: &Settings,
    limit: usize,
) -> Result<usize, StoreError> {
    let stale = tx.expired_pending_engagement_invitations(now, limit)?;
    let n = stale.len();
    let mut recorder = Recorder { tx, ids, region: REGION, settings };
    for mut i in stale {
        let expected = i.updated_at;
        i.status = crate::records::EngagementInvitationStatus::Expired;
        i.updated_at = i.expires_at;
        if recorder.tx.update_engagement_invitation(&i, expected)? {
            recorder.engagement_invitation_expired(&i)?;
        }
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
