//! Events (SEMANTICS §11) recorded by the invitation and connection handlers,
//! on a real store (SQLite, or PostgreSQL with `PCENTRAL_TEST_DATABASE`): one
//! event per transition and recipient, nothing for refused requests or
//! replays, Expired exactly once at `ExpiresAt`, and the delivery state.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Harness, SeqIds};
use pcentral_core::events::{sweep_expired_invitations, EventDelivery, EventFilter, NewEvent, StoredEvent};
use pcentral_core::store::read;
use serde_json::{json, Value};

const A: &str = "111111111111";
const B: &str = "222222222222";
const CAT: &str = "Sandbox";
const DAY: i64 = 24 * 3600 * 1000;
const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const OC: &str = "OPPORTUNITY_COLLABORATION";
const SUB: &str = "SUBSIDIARY";

struct Env {
    h: Harness,
    tokens: u64,
}

impl Env {
    fn new() -> Env {
        Env { h: Harness::new(START), tokens: 0 }
    }

    fn call(&mut self, account: &str, op: &str, mut input: Value) -> Result<Value, pcentral_model::ApiError> {
        if op.contains("Connection")
            && !op.starts_with("Get")
            && !op.starts_with("List")
            && input.get("ClientToken").is_none()
        {
            self.tokens += 1;
            input["ClientToken"] = json!(format!("token-{}", self.tokens));
        }
        self.h.run(account, op, input)
    }

    fn ok(&mut self, account: &str, op: &str, input: Value) -> Value {
        self.call(account, op, input.clone()).unwrap_or_else(|e| panic!("{op} {input} by {account}: {e:?}"))
    }

    fn published_partner(&mut self, account: &str, display: &str) -> String {
        let partner = self.ok(
            account,
            "CreatePartner",
            json!({"Catalog": CAT, "LegalName": format!("Legal {display}"), "PrimarySolutionType": "SOFTWARE_PRODUCTS",
                   "AllianceLeadContact": {"FirstName": "Ana", "LastName": "Lee", "Email": format!("lead@{account}.example.com"),
                   "BusinessTitle": "Lead"}, "EmailVerificationCode": "123456"}),
        );
        let id = partner["Id"].as_str().unwrap().to_string();
        self.h.publish_profile(account, CAT, &id, display)
    }

    fn invite(&mut self, from: &str, kind: &str, to: &str) -> String {
        let input = json!({"Catalog": CAT, "ConnectionType": kind, "Email": "ana@example.com",
                           "Message": "Let's work together", "Name": "Ana Lee", "ReceiverIdentifier": to});
        self.ok(from, "CreateConnectionInvitation", input)["Id"].as_str().unwrap().to_string()
    }

    fn events(&self) -> Vec<StoredEvent> {
        read(self.h.store.get(), |tx| Ok(tx.events(&EventFilter::default())?)).unwrap()
    }

    /// (recipient, detail-type) of every event after `seq`, in order.
    fn since(&self, seq: i64) -> Vec<(String, String)> {
        self.events().into_iter().filter(|e| e.seq > seq).map(|e| (e.account, e.detail_type)).collect()
    }

    fn last_seq(&self) -> i64 {
        self.events().last().map_or(0, |e| e.seq)
    }

    fn sweep(&mut self) -> usize {
        let (now, settings) = (self.h.wall, self.h.settings.clone());
        let mut ids = SeqIds(1_000_000);
        self.h.write(|tx| Ok(sweep_expired_invitations(tx, &mut ids, now, &settings, 100)?))
    }
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, t)| ((*a).to_string(), format!("Partner Connection {t}"))).collect()
}

#[test]
fn one_event_per_transition_and_recipient() {
    let mut env = Env::new();
    let pa = env.published_partner(A, "Alpha");
    let pb = env.published_partner(B, "Beta");
    assert!(env.events().is_empty(), "partners and profiles record no events");

    let inv = env.invite(A, OC, &pb);
    let received = env.events();
    assert_eq!(received.len(), 1);
    let e = &received[0];
    assert_eq!((e.account.as_str(), e.catalog.as_str(), e.time), (B, CAT, START));
    let ev = &e.event;
    assert_eq!(ev["version"], "0");
    assert_eq!(ev["detail-type"], "Partner Connection Invitation Received");
    assert_eq!(ev["source"], "aws.partnercentral-account");
    assert_eq!(ev["account"], B);
    assert_eq!(ev["time"], "2026-01-01T00:00:00Z");
    assert_eq!(ev["region"], "us-east-1");
    let arn = format!("arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/{inv}");
    assert_eq!(ev["resources"], json!([arn]));
    assert_eq!(ev["id"].as_str().unwrap().len(), 36, "uuid-like id: {ev}");
    assert_eq!(ev["detail"]["catalog"], CAT);
    let ci = &ev["detail"]["connectionInvitation"];
    assert_eq!(ci["arn"], arn.as_str());
    assert_eq!(ci["id"], inv.as_str());
    assert_eq!(ci["connectionType"], "OpportunityCollaboration");
    assert_eq!(ci["inviterEmail"], "ana@example.com");
    assert_eq!(ci["invitationMessage"], "Let's work together");
    assert_eq!(ci["senderCompanyName"], "Legal Alpha");
    assert_eq!(ci["senderProfileId"], pa.as_str());
    assert_eq!(ci["receiverProfileId"], pb.as_str());
    assert_eq!(ci["expiresAt"], "2026-01-31T00:00:00Z");
    assert!(!ev["detail"].to_string().contains(A), "the receiver never learns the sender's account: {ev}");
    assert_eq!(e.delivery.state(), "not_scheduled", "no webhook configured");

    env.h.advance(1000);
    let mark = env.last_seq();
    let connection =
        env.ok(B, "AcceptConnectionInvitation", json!({"Catalog": CAT, "Identifier": inv}))["Connection"].clone();
    assert_eq!(env.since(mark), pairs(&[(A, "Invitation Accepted"), (B, "Invitation Accepted")]));
    let accepted = env.events().pop().unwrap();
    assert_eq!(accepted.time, START + 1000);
    assert_eq!(accepted.event["time"], "2026-01-01T00:00:01Z");
    let c = &accepted.event["detail"]["connection"];
    assert_eq!(c["id"], connection["Id"]);
    assert_eq!((c["Participant1AccountId"].as_str(), c["Participant2AccountId"].as_str()), (Some(A), Some(B)));
    assert_eq!(c["status"], "ACTIVE");

    // Reject goes to the sender, Cancel to the receiver.
    let mark = env.last_seq();
    let rejected = env.invite(A, SUB, B);
    env.ok(B, "RejectConnectionInvitation", json!({"Catalog": CAT, "Identifier": rejected, "Reason": "no"}));
    let canceled = env.invite(A, SUB, B);
    env.ok(A, "CancelConnectionInvitation", json!({"Catalog": CAT, "Identifier": canceled}));
    assert_eq!(
        env.since(mark),
        pairs(&[
            (B, "Invitation Received"),
            (A, "Invitation Rejected"),
            (B, "Invitation Received"),
            (B, "Invitation Cancelled")
        ])
    );
    let sub_detail = &env.events().pop().unwrap().event["detail"]["connectionInvitation"];
    assert_eq!(sub_detail["connectionType"], "Subsidiary");
    assert_eq!(sub_detail["receiverProfileId"], pb.as_str(), "the receiver's profile, though invited by account");

    // CancelConnection: both participants, with who canceled.
    let mark = env.last_seq();
    env.ok(
        B,
        "CancelConnection",
        json!({"Catalog": CAT, "Identifier": connection["Id"], "ConnectionType": OC, "Reason": "done"}),
    );
    assert_eq!(env.since(mark), pairs(&[(A, "Cancelled"), (B, "Cancelled")]));
    let cancelled = env.events().pop().unwrap();
    assert_eq!(cancelled.event["detail"]["connection"]["canceledBy"], B);
    assert_eq!(cancelled.event["detail"]["connection"]["status"], "CANCELED");
    assert_eq!(cancelled.event["detail"]["connection"]["connectionType"], "OpportunityCollaboration");

    // Filters: by recipient, by type, after a sequence number.
    let only_a =
        read(
            env.h.store.get(),
            |tx| Ok(tx.events(&EventFilter { account: Some(A.into()), ..EventFilter::default() })?),
        )
        .unwrap();
    assert!(only_a.iter().all(|e| e.account == A) && only_a.len() == 3);
    let typed = read(env.h.store.get(), |tx| {
        Ok(tx.events(&EventFilter {
            detail_type: Some("Partner Connection Invitation Received".into()),
            after: Some(1),
            limit: Some(1),
            ..EventFilter::default()
        })?)
    })
    .unwrap();
    assert_eq!(typed.len(), 1);
    assert!(typed[0].seq > 1 && typed[0].detail_type.ends_with("Received"));
    let seqs: Vec<i64> = env.events().iter().map(|e| e.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "oldest first: {seqs:?}");
}

#[test]
fn nothing_is_recorded_for_refused_requests_or_replays() {
    let mut env = Env::new();
    env.published_partner(A, "Alpha");
    let pb = env.published_partner(B, "Beta");
    let create = json!({"Catalog": CAT, "ConnectionType": OC, "Email": "ana@example.com", "Message": "Hi",
                        "Name": "Ana", "ReceiverIdentifier": pb, "ClientToken": "create-1"});
    let inv = env.ok(A, "CreateConnectionInvitation", create.clone())["Id"].as_str().unwrap().to_string();
    assert_eq!(env.events().len(), 1);
    // A replay runs no handler.
    env.ok(A, "CreateConnectionInvitation", create);
    // Refused: a duplicate, the sender accepting, an unknown invitation.
    let again = json!({"Catalog": CAT, "ConnectionType": OC, "Email": "ana@example.com", "Message": "Hi",
                       "Name": "Ana", "ReceiverIdentifier": pb});
    assert!(env.call(A, "CreateConnectionInvitation", again).is_err());
    assert!(env.call(A, "AcceptConnectionInvitation", json!({"Catalog": CAT, "Identifier": inv})).is_err());
    assert!(env
        .call(B, "RejectConnectionInvitation", json!({"Catalog": CAT, "Identifier": "pacinv-0000000000099"}))
        .is_err());
    assert_eq!(env.events().len(), 1);
    // Accept, then its replay and a second accept.
    let accept = json!({"Catalog": CAT, "Identifier": inv, "ClientToken": "accept-1"});
    let first = env.ok(B, "AcceptConnectionInvitation", accept.clone());
    assert_eq!(env.events().len(), 3);
    assert_eq!(env.ok(B, "AcceptConnectionInvitation", accept), first);
    assert!(env.call(B, "AcceptConnectionInvitation", json!({"Catalog": CAT, "Identifier": inv})).is_err());
    let cancel = json!({"Catalog": CAT, "Identifier": first["Connection"]["Id"], "ConnectionType": OC,
                        "Reason": "done", "ClientToken": "cancel-1"});
    env.ok(A, "CancelConnection", cancel.clone());
    env.ok(A, "CancelConnection", cancel);
    let mut again =
        json!({"Catalog": CAT, "Identifier": first["Connection"]["Id"], "ConnectionType": OC, "Reason": "x"});
    again["ClientToken"] = json!("cancel-2");
    assert!(env.call(B, "CancelConnection", again).is_err());
    assert_eq!(env.events().len(), 5);
}

#[test]
fn expired_is_recorded_once_at_expires_at() {
    let mut env = Env::new();
    env.published_partner(A, "Alpha");
    let pb = env.published_partner(B, "Beta");
    let first = env.invite(A, OC, &pb);
    env.h.advance(31 * DAY);
    // Reads and refused writes record nothing (and store nothing).
    env.ok(B, "GetConnectionInvitation", json!({"Catalog": CAT, "Identifier": first}));
    assert!(env.call(B, "AcceptConnectionInvitation", json!({"Catalog": CAT, "Identifier": first})).is_err());
    let mark = env.last_seq();
    assert_eq!(mark, 1);
    // Create stores the stale invitation as EXPIRED: both participants hear of it, at ExpiresAt.
    let second = env.invite(A, OC, &pb);
    assert_eq!(
        env.since(mark),
        pairs(&[(A, "Invitation Expired"), (B, "Invitation Expired"), (B, "Invitation Received")])
    );
    let expired: Vec<StoredEvent> = env.events().into_iter().filter(|e| e.detail_type.ends_with("Expired")).collect();
    for e in &expired {
        assert_eq!(e.time, START + 30 * DAY);
        assert_eq!(e.event["time"], "2026-01-31T00:00:00Z");
        assert_eq!(e.event["detail"]["connectionInvitation"]["id"], first.as_str());
    }
    // The sweep finds nothing more to settle for it.
    assert_eq!(env.sweep(), 0);
    // The second one is settled by the sweep, once.
    env.h.advance(31 * DAY);
    let mark = env.last_seq();
    assert_eq!(env.sweep(), 1);
    assert_eq!(env.sweep(), 0);
    assert_eq!(env.since(mark), pairs(&[(A, "Invitation Expired"), (B, "Invitation Expired")]));
    let got = env.ok(B, "GetConnectionInvitation", json!({"Catalog": CAT, "Identifier": second}));
    assert_eq!((got["Status"].as_str(), got["UpdatedAt"].as_str()), (Some("EXPIRED"), got["ExpiresAt"].as_str()));
    env.invite(A, OC, &pb);
    assert_eq!(env.since(mark).len(), 3, "no second Expired event");
    // The unique key holds even if a recorder tried again.
    let copy = env.events().into_iter().find(|e| e.detail_type.ends_with("Expired")).unwrap();
    let again = NewEvent {
        account: copy.account.clone(),
        catalog: copy.catalog.clone(),
        detail_type: copy.detail_type.clone(),
        time: copy.time,
        event: copy.event.clone(),
        unique_key: Some(format!("expired/{CAT}/{first}/{}", copy.account)),
        deliver: false,
    };
    assert!(!env.h.write(|tx| Ok(tx.append_event(&again)?)));
    let fresh = NewEvent { unique_key: Some("another".into()), ..again };
    assert!(env.h.write(|tx| Ok(tx.append_event(&fresh)?)));
}

#[test]
fn delivery_state_is_kept_per_event() {
    let mut env = Env::new();
    env.published_partner(A, "Alpha");
    let pb = env.published_partner(B, "Beta");
    env.invite(A, OC, &pb);
    env.h.settings.events_webhook_url = "http://127.0.0.1:9/hook".into();
    let inv = env.invite(A, SUB, B);
    env.ok(B, "RejectConnectionInvitation", json!({"Catalog": CAT, "Identifier": inv}));
    let recorded = env.events();
    let states: Vec<&str> = recorded.iter().map(|e| e.delivery.state()).collect();
    assert_eq!(states, vec!["not_scheduled", "pending", "pending"]);
    let store = env.h.store.get();
    let due = read(store, |tx| Ok(tx.due_events(START, 10)?)).unwrap();
    assert_eq!(due.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2, 3]);
    // Claim one, deliver the other.
    let claim = EventDelivery { next_attempt_at: Some(START + 30_000), ..EventDelivery::default() };
    env.h.write(|tx| Ok(tx.put_event_delivery(2, &claim)?));
    let done = EventDelivery { attempts: 1, delivered_at: Some(START + 5), ..EventDelivery::default() };
    env.h.write(|tx| Ok(tx.put_event_delivery(3, &done)?));
    let store = env.h.store.get();
    assert!(read(store, |tx| Ok(tx.due_events(START, 10)?)).unwrap().is_empty());
    let later = read(store, |tx| Ok(tx.due_events(START + 30_000, 10)?)).unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].delivery, claim);
    let failed = EventDelivery { attempts: 8, last_error: Some("HTTP 500".into()), ..EventDelivery::default() };
    env.h.write(|tx| Ok(tx.put_event_delivery(2, &failed)?));
    let all = env.events();
    assert_eq!(all[1].delivery, failed);
    assert_eq!(all[1].delivery.state(), "failed");
    assert_eq!(all[2].delivery.state(), "delivered");
    assert_eq!(all[2].delivery.to_json()["delivered_at"], "2026-01-01T00:00:00.005Z");
}
