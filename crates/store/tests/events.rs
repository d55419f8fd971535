//! Events recorded by the invitation and connection handlers
//! (docs/behaviour.md#events): one per transition and recipient, nothing for
//! refused requests or replays, Expired exactly once at `ExpiresAt`, and the
//! delivery state kept next to each event.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::records::{DeliveryState, DetailType, EventDelivery, EventFilter, NewEvent, StoredEvent};
use pcentral_model::{timestamp, AccountId, Catalog};
use serde_json::{json, Value};

const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/// A and B with published profiles "Alpha" and "Beta": (harness, A's profile id, B's).
fn partners() -> (Harness, String, String) {
    let mut h = Harness::new(START);
    let pa = h.published_partner(A, "Alpha").profile_id;
    let pb = h.published_partner(B, "Beta").profile_id;
    (h, pa, pb)
}

/// [`partners`], then A invited B's profile to OPPORTUNITY_COLLABORATION and
/// B accepted a second later: (harness, B's profile id, the connection).
fn connected() -> (Harness, String, Value) {
    let (mut h, _, pb) = partners();
    let inv = h.invitation_id(A, OC, &pb);
    h.advance(SECOND);
    let connection = h.accept(B, &inv);
    (h, pb, connection)
}

fn id(identifier: &str) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": identifier})
}

/// (recipient, detail-type) of every event after `seq`, in order.
fn since(h: &Harness, seq: i64) -> Vec<(String, &'static str)> {
    let events = h.events_where(EventFilter { after: Some(seq), ..EventFilter::default() });
    events.into_iter().map(|e| (e.account.to_string(), e.detail_type.as_str())).collect()
}

fn last_seq(h: &Harness) -> i64 {
    h.events().last().map_or(0, |e| e.seq)
}

fn pairs(list: &[(&str, DetailType)]) -> Vec<(String, &'static str)> {
    list.iter().map(|(a, t)| ((*a).to_string(), t.as_str())).collect()
}

/// The member names of `v`, nested: every object becomes an object of its
/// members' names, anything else `null` (the shape of an event, without values).
fn names(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), names(v))).collect()),
        _ => Value::Null,
    }
}

/// The envelope members of every documented example, with `detail` as given.
fn envelope(detail: Value) -> Value {
    json!({"version": null, "id": null, "detail-type": null, "source": null, "account": null, "time": null,
           "region": null, "resources": null, "detail": detail})
}

fn invitation_arn(id: &str) -> String {
    format!("arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/{id}")
}

fn connection_arn(id: &Value) -> String {
    format!("arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection/{}", id.as_str().unwrap())
}

// ---------------------------------------------------------------- one event per transition and recipient

#[test]
fn invitation_received_goes_to_the_receiver_with_the_documented_members() {
    let (mut h, pa, pb) = partners();
    assert!(h.events().is_empty(), "partners and profiles record no events");
    let inv = h.invitation_id(A, OC, &pb);
    let received = h.events();
    assert_eq!(received.len(), 1);
    let e = &received[0];
    assert_eq!(
        (e.account.as_str(), e.catalog, e.detail_type, e.time),
        (B, Catalog::Sandbox, DetailType::InvitationReceived, START)
    );
    let ev = &e.event;
    let members = json!({"catalog": null, "connectionInvitation": {
        "arn": null, "id": null, "connectionType": null, "inviterEmail": null, "invitationMessage": null,
        "senderCompanyName": null, "senderProfileId": null, "expiresAt": null}});
    assert_eq!(names(ev), envelope(members), "{ev}");
    assert_eq!(ev["version"], "1", "the documented examples' version");
    assert_eq!(ev["detail-type"], "Partner Connection Invitation Received");
    assert_eq!(ev["source"], "aws.partnercentral-account");
    assert_eq!(ev["account"], B);
    assert_eq!(ev["time"], "2026-01-01T00:00:00Z");
    assert_eq!(ev["region"], "us-east-1");
    let arn = invitation_arn(&inv);
    assert_eq!(ev["resources"], json!([arn]));
    assert_eq!(ev["id"].as_str().unwrap().len(), 36, "uuid-like id: {ev}");
    assert_eq!(ev["detail"]["catalog"], SANDBOX);
    let ci = &ev["detail"]["connectionInvitation"];
    assert_eq!(ci["arn"], arn.as_str());
    assert_eq!(ci["id"], inv.as_str());
    assert_eq!(ci["connectionType"], "OpportunityCollaboration");
    assert_eq!(ci["inviterEmail"], "ana@example.com");
    assert_eq!(ci["invitationMessage"], INVITATION_MESSAGE);
    assert_eq!(ci["senderCompanyName"], "Legal Alpha");
    assert_eq!(ci["senderProfileId"], pa.as_str());
    assert_eq!(ci["expiresAt"], "2026-01-31T00:00:00Z");
    assert!(!ev["detail"].to_string().contains(A), "the receiver never learns the sender's account: {ev}");
    assert_eq!(e.delivery.state(), DeliveryState::NotScheduled, "no webhook configured");
}

#[test]
fn accept_tells_both_participants_with_both_arns() {
    let (mut h, _, pb) = partners();
    let inv = h.invitation_id(A, OC, &pb);
    h.advance(SECOND);
    let mark = last_seq(&h);
    let connection = h.accept(B, &inv);
    let accepted = DetailType::InvitationAccepted;
    assert_eq!(since(&h, mark), pairs(&[(A, accepted), (B, accepted)]));
    let last = h.events().pop().unwrap();
    assert_eq!(last.time, START + SECOND);
    let ev = &last.event;
    let members = json!({"catalog": null,
        "connectionInvitation": {"arn": null, "id": null, "connectionType": null},
        "connection": {"arn": null, "id": null, "Participant1AccountId": null, "Participant2AccountId": null,
                       "status": null}});
    assert_eq!(names(ev), envelope(members), "{ev}");
    assert_eq!(ev["time"], "2026-01-01T00:00:01Z");
    assert_eq!(ev["resources"], json!([invitation_arn(&inv), connection_arn(&connection["Id"])]));
    let c = &ev["detail"]["connection"];
    assert_eq!(c["id"], connection["Id"]);
    assert_eq!(c["arn"], connection_arn(&connection["Id"]).as_str());
    assert_eq!((c["Participant1AccountId"].as_str(), c["Participant2AccountId"].as_str()), (Some(A), Some(B)));
    assert_eq!(c["status"], "ACTIVE");
    assert_eq!(ev["detail"]["connectionInvitation"]["connectionType"], "OpportunityCollaboration");
}

#[test]
fn accept_names_the_sender_first_when_joining_a_connection_made_the_other_way() {
    // A invited B first, so the pair's connection lists A first; then B invites A.
    let (mut h, _, connection) = connected();
    let sub = h.invitation_id(B, SUB, A);
    let joined = h.accept(A, &sub);
    assert_eq!(joined["Id"], connection["Id"], "the live connection is reused");
    let last = h.events().pop().unwrap();
    let c = &last.event["detail"]["connection"];
    assert_eq!(
        (c["Participant1AccountId"].as_str(), c["Participant2AccountId"].as_str()),
        (Some(B), Some(A)),
        "participant 1 is this invitation's sender: {}",
        last.event
    );
    assert_eq!(last.event["detail"]["connectionInvitation"]["connectionType"], "Subsidiary");
}

#[test]
fn reject_goes_to_the_sender_and_cancel_to_the_receiver() {
    let (mut h, pb, _) = connected();
    let mark = last_seq(&h);
    let rejected = h.invitation_id(A, SUB, B);
    h.ok(B, "RejectConnectionInvitation", json!({"Catalog": SANDBOX, "Identifier": rejected, "Reason": "no"}));
    let canceled = h.invitation_id(A, SUB, B);
    h.ok(A, "CancelConnectionInvitation", id(&canceled));
    use DetailType::{InvitationCancelled, InvitationReceived, InvitationRejected};
    assert_eq!(
        since(&h, mark),
        pairs(&[(B, InvitationReceived), (A, InvitationRejected), (B, InvitationReceived), (B, InvitationCancelled)])
    );
    let events = h.events();
    let rejected_event = &events[events.len() - 3].event;
    let members = json!({"catalog": null, "connectionInvitation": {
        "arn": null, "id": null, "connectionType": null, "invitationMessage": null, "receiverProfileId": null}});
    assert_eq!(names(rejected_event), envelope(members), "{rejected_event}");
    let detail = &rejected_event["detail"]["connectionInvitation"];
    assert_eq!(detail["connectionType"], "Subsidiary");
    assert_eq!(detail["receiverProfileId"], pb.as_str(), "the receiver's published profile, though invited by account");
    let cancelled_event = &events[events.len() - 1].event;
    let members = json!({"catalog": null, "connectionInvitation": {
        "arn": null, "id": null, "connectionType": null, "invitationMessage": null, "senderProfileId": null}});
    assert_eq!(names(cancelled_event), envelope(members), "{cancelled_event}");
    assert_eq!(cancelled_event["detail"]["connectionInvitation"]["id"], canceled.as_str());
}

#[test]
fn an_unpublished_receiver_profile_is_never_named() {
    let (mut h, _, _) = partners();
    h.create_partner(C);
    let reserved = h.reserved_profile_id(C);
    let inv = h.invitation_id(A, SUB, C);
    h.ok(C, "RejectConnectionInvitation", id(&inv));
    let expiring = h.invitation_id(A, SUB, C);
    h.advance(31 * DAY);
    h.sweep();
    let events = h.events();
    assert!(events.iter().all(|e| !e.event.to_string().contains(&reserved)), "{reserved} leaked: {events:?}");
    let rejected = events.iter().find(|e| e.detail_type == DetailType::InvitationRejected).unwrap();
    assert!(rejected.event["detail"]["connectionInvitation"].get("receiverProfileId").is_none());
    let expired = expired_events(&h);
    assert_eq!(expired[0].event["detail"]["connectionInvitation"]["id"], expiring.as_str());
    assert!(expired[0].event["detail"]["connectionInvitation"].get("receiverProfileId").is_none());
}

#[test]
fn cancel_connection_tells_only_the_other_participant() {
    let (mut h, _, connection) = connected();
    let mark = last_seq(&h);
    let cancel = json!({"Catalog": SANDBOX, "Identifier": connection["Id"], "ConnectionType": OC, "Reason": "done"});
    h.ok(B, "CancelConnection", cancel);
    assert_eq!(since(&h, mark), pairs(&[(A, DetailType::ConnectionCancelled)]));
    let last = h.events().pop().unwrap();
    let ev = &last.event;
    let members =
        json!({"catalog": null, "connection": {"arn": null, "id": null, "connectionType": null, "canceledBy": null}});
    assert_eq!(names(ev), envelope(members), "{ev}");
    assert_eq!(ev["resources"], json!([connection_arn(&connection["Id"])]));
    let c = &ev["detail"]["connection"];
    assert_eq!(c["arn"], connection_arn(&connection["Id"]).as_str());
    assert_eq!(c["canceledBy"], B);
    assert_eq!(c["connectionType"], "OpportunityCollaboration");
}

#[test]
fn each_cancelled_type_is_its_own_event() {
    let (mut h, _, connection) = connected();
    let cid = connection["Id"].as_str().unwrap().to_string();
    let sub = h.invitation_id(A, SUB, B);
    h.accept(B, &sub);
    let mark = last_seq(&h);
    for (who, kind) in [(A, SUB), (B, OC)] {
        h.ok(
            who,
            "CancelConnection",
            json!({"Catalog": SANDBOX, "Identifier": cid, "ConnectionType": kind, "Reason": ""}),
        );
    }
    let cancelled = DetailType::ConnectionCancelled;
    assert_eq!(since(&h, mark), pairs(&[(B, cancelled), (A, cancelled)]));
    let types: Vec<Value> =
        h.events().iter().rev().take(2).map(|e| e.event["detail"]["connection"]["connectionType"].clone()).collect();
    assert_eq!(types, vec![json!("OpportunityCollaboration"), json!("Subsidiary")]);
}

#[test]
fn events_filter_by_recipient_type_and_sequence_oldest_first() {
    let (mut h, _, connection) = connected();
    let rejected = h.invitation_id(A, SUB, B);
    h.ok(B, "RejectConnectionInvitation", id(&rejected));
    let cancel = json!({"Catalog": SANDBOX, "Identifier": connection["Id"], "ConnectionType": OC, "Reason": "done"});
    h.ok(B, "CancelConnection", cancel);
    // A: Accepted, Rejected, Cancelled.
    let only_a = h.events_where(EventFilter { account: Some(AccountId::parse(A).unwrap()), ..EventFilter::default() });
    assert!(only_a.iter().all(|e| e.account == A) && only_a.len() == 3, "{only_a:?}");
    let typed = h.events_where(EventFilter {
        detail_type: Some(DetailType::InvitationReceived),
        after: Some(1),
        limit: Some(1),
        ..EventFilter::default()
    });
    assert_eq!(typed.len(), 1);
    assert!(typed[0].seq > 1 && typed[0].detail_type == DetailType::InvitationReceived);
    let seqs: Vec<i64> = h.events().iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "oldest first: {seqs:?}");
}

// ---------------------------------------------------------------- nothing for refusals and replays

#[test]
fn refused_requests_record_nothing() {
    let (mut h, _, pb) = partners();
    let inv = h.invitation_id(A, OC, &pb);
    assert_eq!(h.events().len(), 1);
    for (who, op, input, expected) in [
        (A, "CreateConnectionInvitation", invitation_input(OC, &pb), conflict("DUPLICATE_CONNECTION_INVITATION")),
        (A, "AcceptConnectionInvitation", id(&inv), conflict("INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER")),
        (B, "RejectConnectionInvitation", id("pacinv-0000000000099"), not_found("CONNECTION_INVITATION_NOT_FOUND")),
    ] {
        assert_eq!(h.refused(who, op, input), expected, "{op}");
    }
    assert_eq!(h.events().len(), 1);
}

#[test]
fn replays_record_nothing_again() {
    let (mut h, _, pb) = partners();
    let mut create = invitation_input(OC, &pb);
    create["ClientToken"] = json!("create-1");
    let inv = h.ok(A, "CreateConnectionInvitation", create.clone())["Id"].as_str().unwrap().to_string();
    assert!(h.execute(A, "CreateConnectionInvitation", create).unwrap().replayed);
    assert_eq!(h.events().len(), 1);

    let accept = json!({"Catalog": SANDBOX, "Identifier": inv, "ClientToken": "accept-1"});
    let first = h.ok(B, "AcceptConnectionInvitation", accept.clone());
    assert_eq!(h.events().len(), 3);
    assert_eq!(h.ok(B, "AcceptConnectionInvitation", accept), first);
    let again = h.refused(B, "AcceptConnectionInvitation", id(&inv));
    assert_eq!(again, conflict("INCOMPATIBLE_CONNECTION_INVITATION_STATE"));

    let cid = &first["Connection"]["Id"];
    let cancel = json!({"Catalog": SANDBOX, "Identifier": cid, "ConnectionType": OC, "Reason": "done", "ClientToken": "cancel-1"});
    h.ok(A, "CancelConnection", cancel.clone());
    h.ok(A, "CancelConnection", cancel);
    let other =
        json!({"Catalog": SANDBOX, "Identifier": cid, "ConnectionType": OC, "Reason": "x", "ClientToken": "cancel-2"});
    assert_eq!(h.refused(B, "CancelConnection", other), conflict("INCOMPATIBLE_CONNECTION_STATE"));
    assert_eq!(h.events().len(), 4, "Received, Accepted twice, Cancelled once (to B)");
}

// ---------------------------------------------------------------- Expired, exactly once

/// [`partners`], A invited B's profile, and 31 days passed: (harness, B's profile id, the invitation id).
fn expired() -> (Harness, String, String) {
    let (mut h, _, pb) = partners();
    let inv = h.invitation_id(A, OC, &pb);
    h.advance(31 * DAY);
    (h, pb, inv)
}

fn expired_events(h: &Harness) -> Vec<StoredEvent> {
    h.events_where(EventFilter { detail_type: Some(DetailType::InvitationExpired), ..EventFilter::default() })
}

#[test]
fn reads_and_refused_actions_record_no_expiry() {
    let (mut h, _, inv) = expired();
    assert_eq!(h.get_invitation(B, &inv)["Status"], "EXPIRED");
    let refused = h.refused(B, "AcceptConnectionInvitation", id(&inv));
    assert_eq!(refused, conflict("INCOMPATIBLE_CONNECTION_INVITATION_STATE"));
    assert_eq!(last_seq(&h), 1, "only Received");
}

#[test]
fn create_settles_the_stale_invitation_of_the_pair_at_its_expiry() {
    let (mut h, pb, first) = expired();
    h.invite(A, OC, &pb);
    use DetailType::{InvitationExpired, InvitationReceived};
    assert_eq!(since(&h, 1), pairs(&[(A, InvitationExpired), (B, InvitationExpired), (B, InvitationReceived)]));
    for e in expired_events(&h) {
        let members = json!({"catalog": null, "connectionInvitation": {
            "arn": null, "id": null, "connectionType": null, "inviterEmail": null, "invitationMessage": null,
            "senderProfileId": null, "receiverProfileId": null}});
        assert_eq!(names(&e.event), envelope(members), "{}", e.event);
        assert_eq!(e.event["detail"]["connectionInvitation"]["receiverProfileId"], pb.as_str());
        assert_eq!(e.time, START + 30 * DAY);
        assert_eq!(e.event["time"], "2026-01-31T00:00:00Z");
        assert_eq!(e.event["detail"]["connectionInvitation"]["id"], first.as_str());
    }
    assert_eq!(h.sweep(), 0, "nothing more to settle");
}

#[test]
fn the_sweep_settles_an_expired_invitation_once() {
    let (mut h, pb, inv) = expired();
    let mark = last_seq(&h);
    assert_eq!(h.sweep(), 1);
    assert_eq!(h.sweep(), 0);
    let expired = DetailType::InvitationExpired;
    assert_eq!(since(&h, mark), pairs(&[(A, expired), (B, expired)]));
    let got = h.get_invitation(B, &inv);
    assert_eq!((got["Status"].as_str(), got["UpdatedAt"].as_str()), (Some("EXPIRED"), got["ExpiresAt"].as_str()));
    h.invite(A, OC, &pb);
    assert_eq!(since(&h, mark).len(), 3, "no second Expired event");
}

#[test]
fn the_unique_key_keeps_expired_single() {
    let (mut h, _, inv) = expired();
    h.sweep();
    let copy = expired_events(&h).remove(0);
    let again = NewEvent {
        account: copy.account.clone(),
        catalog: copy.catalog,
        detail_type: copy.detail_type,
        time: copy.time,
        event: copy.event.clone(),
        unique_key: Some(format!("expired/{SANDBOX}/{inv}/{}", copy.account)),
        deliver: false,
    };
    assert!(!h.write(|tx| Ok(tx.append_event(&again)?)), "a recorder trying again stores nothing");
    let fresh = NewEvent { unique_key: Some("another".into()), ..again };
    assert!(h.write(|tx| Ok(tx.append_event(&fresh)?)));
}

// ---------------------------------------------------------------- delivery state

/// One event recorded without a webhook, then two with one: Received (seq 2) and Rejected (seq 3).
fn with_webhook() -> Harness {
    let (mut h, _, pb) = partners();
    h.invite(A, OC, &pb);
    h.settings.events_webhook_url = "http://127.0.0.1:9/hook".into();
    let inv = h.invitation_id(A, SUB, B);
    h.ok(B, "RejectConnectionInvitation", id(&inv));
    h
}

#[test]
fn delivery_is_scheduled_only_with_a_webhook() {
    let h = with_webhook();
    let states: Vec<DeliveryState> = h.events().iter().map(|e| e.delivery.state()).collect();
    assert_eq!(states, vec![DeliveryState::NotScheduled, DeliveryState::Pending, DeliveryState::Pending]);
    let due = h.read(|tx| Ok(tx.due_events(START, 10)?));
    assert_eq!(due.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2, 3]);
}

#[test]
fn delivery_state_is_kept_per_event() {
    let h = with_webhook();
    // Claim one, deliver the other.
    let claim = EventDelivery { next_attempt_at: Some(START + 30 * SECOND), ..EventDelivery::default() };
    h.write(|tx| Ok(tx.put_event_delivery(2, &claim)?));
    let done = EventDelivery { attempts: 1, delivered_at: Some(START + 5), ..EventDelivery::default() };
    h.write(|tx| Ok(tx.put_event_delivery(3, &done)?));
    assert!(h.read(|tx| Ok(tx.due_events(START, 10)?)).is_empty());
    let later = h.read(|tx| Ok(tx.due_events(START + 30 * SECOND, 10)?));
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].delivery, claim);
    let failed = EventDelivery { attempts: 8, last_error: Some("HTTP 500".into()), ..EventDelivery::default() };
    h.write(|tx| Ok(tx.put_event_delivery(2, &failed)?));
    let all = h.events();
    assert_eq!(all[1].delivery, failed);
    assert_eq!(all[1].delivery.state(), DeliveryState::Failed);
    assert_eq!(all[2].delivery.state(), DeliveryState::Delivered);
    assert_eq!(all[2].delivery, done);
    assert_eq!(all[2].delivery.delivered_at.map(timestamp::format).as_deref(), Some("2026-01-01T00:00:00.005Z"));
}
