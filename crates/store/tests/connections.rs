//! Connections (docs/behaviour.md#connections, #quotas): accepting an
//! invitation, one connection per pair with one entry per type, cancelling
//! types, terminated history, the views of both sides, and ListConnections'
//! filters.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::Settings;
use serde_json::{json, Value};

const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

// ---------------------------------------------------------------- the two-party story

/// Two partners and their connection.
struct Story {
    h: Harness,
    pa: String,
    pb: String,
    /// The connection id.
    cid: String,
}

/// A invited B's profile to OPPORTUNITY_COLLABORATION; B accepted a second later.
fn connected() -> Story {
    let (mut h, pa, pb) = two_partners(START);
    let inv = h.invitation_id(A, OC, &pb);
    h.advance(SECOND);
    let cid = h.accept(B, &inv)["Id"].as_str().unwrap().to_string();
    Story { h, pa, pb, cid }
}

/// [`connected`], then A invited B's account to SUBSIDIARY too and B accepted.
fn both_types() -> Story {
    let mut s = connected();
    s.h.connect(A, SUB, B, B);
    s
}

fn cancel_connection(cid: &str, kind: &str, reason: &str) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": cid, "ConnectionType": kind, "Reason": reason})
}

/// [`both_types`], then B cancelled SUBSIDIARY a second later.
fn subsidiary_cancelled() -> (Story, Value) {
    let mut s = both_types();
    s.h.advance(SECOND);
    let canceled = s.h.ok(B, "CancelConnection", cancel_connection(&s.cid, SUB, ""));
    (s, canceled)
}

#[test]
fn accept_connects_both_sides_and_ends_the_invitation() {
    let (mut h, pa, pb) = two_partners(START);
    let inv = h.invitation_id(A, OC, &pb);
    h.advance(SECOND);
    let conn = h.accept(B, &inv);
    let cid = conn["Id"].as_str().unwrap().to_string();
    assert!(cid.starts_with("pac-"));
    assert_eq!(conn["OtherParticipantAccountId"], A);
    assert_eq!(conn["Arn"], format!("arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection/{cid}"));
    let oc = &conn["ConnectionTypes"][OC];
    assert_eq!(oc["Status"], "ACTIVE");
    assert_eq!(oc["InviterName"], "Ana Lee");
    assert_eq!(oc["OtherParticipant"], json!({"PartnerProfile": {"Id": pa, "Name": "Alpha Display"}}));
    let a_view = h.get_connection(A, &cid);
    assert_eq!(a_view["OtherParticipantAccountId"], B);
    assert_eq!(
        a_view["ConnectionTypes"][OC]["OtherParticipant"],
        json!({"PartnerProfile": {"Id": pb, "Name": "Beta Display"}})
    );
    assert_eq!(a_view["UpdatedAt"], conn["UpdatedAt"]);
    let accepted = h.get_invitation(A, &inv);
    assert_eq!(
        (accepted["Status"].as_str(), accepted["ConnectionId"].as_str()),
        (Some("ACCEPTED"), Some(cid.as_str()))
    );
    assert_ne!(accepted["UpdatedAt"], accepted["CreatedAt"]);

    // Accepting again (a new request, not a retry) is refused.
    let again = json!({"Catalog": SANDBOX, "Identifier": inv, "ClientToken": "accept-again"});
    let refused = h.refused(B, "AcceptConnectionInvitation", again);
    assert_eq!(refused, conflict("INCOMPATIBLE_CONNECTION_INVITATION_STATE"));
}

#[test]
fn accept_replays_its_success_for_the_same_token() {
    let (mut h, _, pb) = two_partners(START);
    let inv = h.invitation_id(A, OC, &pb);
    let input = json!({"Catalog": SANDBOX, "Identifier": inv, "ClientToken": "same-token"});
    let first = h.execute(B, "AcceptConnectionInvitation", input.clone()).unwrap();
    h.advance(5 * SECOND);
    let replay = h.execute(B, "AcceptConnectionInvitation", input).unwrap();
    assert_eq!((replay.response.as_bytes(), replay.replayed), (first.response.as_bytes(), true));
}

#[test]
fn a_second_type_joins_the_live_connection() {
    let Story { mut h, pa, cid, .. } = connected();
    // SUBSIDIARY by account id: the invitation already names the live connection.
    let sub = h.invite(A, SUB, B);
    assert_eq!(sub["OtherParticipantIdentifier"], B);
    assert_eq!(sub["ConnectionId"], cid.as_str(), "an active connection already exists");
    let sub_id = sub["Id"].as_str().unwrap().to_string();
    assert_eq!(h.get_invitation(B, &sub_id)["OtherParticipantIdentifier"], pa.as_str());
    let conn = h.accept(B, &sub_id);
    assert_eq!(conn["Id"], cid.as_str());
    assert_eq!(conn["ConnectionTypes"].as_object().unwrap().len(), 2);
}

#[test]
fn cancelling_one_type_keeps_the_other_and_both_sides_agree() {
    let (Story { mut h, pa, pb, cid }, canceled) = subsidiary_cancelled();
    assert_eq!(canceled["ConnectionTypes"][SUB]["Status"], "CANCELED");
    assert_eq!(canceled["ConnectionTypes"][SUB]["CanceledBy"], B);
    assert_eq!(canceled["ConnectionTypes"][SUB]["CanceledAt"], canceled["UpdatedAt"]);
    assert_eq!(canceled["ConnectionTypes"][OC]["Status"], "ACTIVE");
    let a_view = h.get_connection(A, &cid);
    for kind in [OC, SUB] {
        for member in ["Status", "CreatedAt", "CanceledAt", "CanceledBy", "InviterEmail", "InviterName"] {
            assert_eq!(a_view["ConnectionTypes"][kind].get(member), canceled["ConnectionTypes"][kind].get(member));
        }
        assert_eq!(a_view["ConnectionTypes"][kind]["OtherParticipant"]["PartnerProfile"]["Id"], pb.as_str());
        assert_eq!(canceled["ConnectionTypes"][kind]["OtherParticipant"]["PartnerProfile"]["Id"], pa.as_str());
    }
    assert_eq!(a_view["UpdatedAt"], canceled["UpdatedAt"]);
}

#[test]
fn list_connections_filters_by_type_status_and_other_side() {
    let (Story { mut h, pa, pb, .. }, _) = subsidiary_cancelled();
    let mut check = |who: &str, filter: Value, expected: usize| {
        let list = h.ok(who, "ListConnections", sandbox(filter.clone()));
        assert_eq!(list["ConnectionSummaries"].as_array().unwrap().len(), expected, "{who} {filter}");
    };
    for (who, filter, expected) in [
        (A, json!({}), 1),
        (A, json!({"ConnectionType": "SUBSIDIARY:CANCELED"}), 1),
        (A, json!({"ConnectionType": "SUBSIDIARY:ACTIVE"}), 0),
        (A, json!({"ConnectionType": OC}), 1),
        (B, json!({"OtherParticipantIdentifiers": [pa]}), 1),
        (B, json!({"OtherParticipantIdentifiers": [A]}), 1),
        (B, json!({"OtherParticipantIdentifiers": [C, pb]}), 0),
    ] {
        check(who, filter, expected);
    }
    let summary = h.ok(A, "ListConnections", sandbox(json!({})))["ConnectionSummaries"][0].clone();
    assert_eq!(summary["OtherParticipantAccountId"], B);
    assert_eq!(
        summary["ConnectionTypes"][SUB],
        json!({"Status": "CANCELED", "OtherParticipant": {"PartnerProfile": {"Id": pb, "Name": "Beta Display"}}})
    );
}

#[test]
fn a_terminated_connection_is_history_and_reconnecting_makes_a_new_one() {
    let (Story { mut h, pa, cid, .. }, _) = subsidiary_cancelled();
    h.ok(A, "CancelConnection", cancel_connection(&cid, OC, "done"));
    let old = h.get_connection(B, &cid);
    assert!(old["ConnectionTypes"].as_object().unwrap().values().all(|t| t["Status"] == "CANCELED"));
    let again = h.invite(B, OC, &pa);
    assert!(again.get("ConnectionId").is_none(), "a terminated connection is not reused");
    let new_conn = h.accept(A, again["Id"].as_str().unwrap());
    assert_ne!(new_conn["Id"], cid.as_str());
    // ListConnections lists active connections; the terminated one only under TYPE:CANCELED.
    let new_id = new_conn["Id"].as_str().unwrap().to_string();
    let cid = cid.as_str().to_string();
    for (filter, expected) in [
        (json!({}), vec![new_id.clone()]),
        (json!({"ConnectionType": OC}), vec![new_id.clone()]),
        (json!({"ConnectionType": SUB}), vec![]),
        (json!({"ConnectionType": "OPPORTUNITY_COLLABORATION:ACTIVE"}), vec![new_id.clone()]),
        (json!({"ConnectionType": "OPPORTUNITY_COLLABORATION:CANCELED"}), vec![cid.clone()]),
        (json!({"ConnectionType": "SUBSIDIARY:CANCELED"}), vec![cid.clone()]),
    ] {
        let listed = h.ok(A, "ListConnections", sandbox(filter.clone()));
        assert_eq!(ids_of(&listed, "ConnectionSummaries"), expected, "{filter}");
    }
}

#[test]
fn cancel_answers_the_types_active_before_the_call() {
    let (Story { mut h, cid, .. }, first) = subsidiary_cancelled();
    assert_eq!(first["ConnectionTypes"].as_object().unwrap().len(), 2, "both were ACTIVE before: {first}");
    let last = h.ok(A, "CancelConnection", cancel_connection(&cid, OC, "done"));
    let types = last["ConnectionTypes"].as_object().unwrap();
    assert_eq!(types.keys().collect::<Vec<_>>(), vec![OC], "SUBSIDIARY was cancelled by an earlier call: {last}");
    assert_eq!(types[OC]["Status"], "CANCELED");
    assert_eq!(types[OC]["CanceledBy"], A);
    let got = h.get_connection(A, &cid);
    assert_eq!(got["ConnectionTypes"].as_object().unwrap().len(), 2, "GetConnection still shows both: {got}");
    assert_eq!(got["ConnectionTypes"][OC], last["ConnectionTypes"][OC]);
}

#[test]
fn everything_survives_reopening_the_store() {
    let (Story { mut h, cid, .. }, _) = subsidiary_cancelled();
    let to_c = h.invitation_id(A, SUB, C);
    let (rows, invitation, connection) = (h.snapshot(), h.get_invitation(C, &to_c), h.get_connection(A, &cid));
    h.reopen();
    assert_eq!(h.snapshot(), rows);
    assert_eq!(h.get_invitation(C, &to_c), invitation);
    assert_eq!(h.get_connection(A, &cid), connection);
}

// ---------------------------------------------------------------- refusals

#[test]
fn cancel_connection_needs_a_participant_and_an_active_type() {
    let (mut h, _, pb) = two_partners(START);
    let inv = h.invitation_id(A, OC, &pb);
    let cid = h.accept(B, &inv)["Id"].as_str().unwrap().to_string();
    let missing = not_found("CONNECTION_NOT_FOUND");
    let inactive = conflict("INCOMPATIBLE_CONNECTION_STATE");
    assert_eq!(h.refused(C, "GetConnection", sandbox_id(&cid)), missing);
    assert_eq!(h.refused(B, "GetConnection", in_catalog(AWS, &cid)), missing);
    assert_eq!(h.refused(C, "CancelConnection", cancel_connection(&cid, OC, "r")), missing);
    assert_eq!(h.refused(A, "CancelConnection", cancel_connection(&cid, SUB, "r")), inactive, "a type never set up");
    h.ok(A, "CancelConnection", cancel_connection(&cid, OC, "r"));
    assert_eq!(h.refused(B, "CancelConnection", cancel_connection(&cid, OC, "r")), inactive, "a type cancelled");
}

#[test]
fn list_connections_refuses_malformed_type_filters() {
    let mut h = Harness::new(START);
    for filter in ["ACTIVE", "SUBSIDIARY:PENDING"] {
        let refused = h.refused(A, "ListConnections", sandbox(json!({"ConnectionType": filter})));
        assert_eq!(refused, invalid("ConnectionType", "INVALID_ENUM_VALUE"), "{filter}");
    }
}

#[test]
fn live_connections_count_only_when_accept_makes_a_new_connection() {
    let (mut h, _, pb) = two_partners(START);
    let to_2 = h.invitation_id(A, SUB, "400000000002");
    h.settings = Settings { active_connections: 1, ..Settings::default() };
    h.connect(A, OC, B, &pb);
    // A is at its limit: a new connection with A is refused, even to a receiver with none.
    let refused = h.refused("400000000002", "AcceptConnectionInvitation", sandbox_id(&to_2));
    assert_eq!(refused, quota("LIMIT_EXCEEDED_NUMBER_OF_ACTIVE_CONNECTION"));
    // Adding a type to the existing connection is fine.
    let sub = h.invitation_id(A, SUB, B);
    assert_eq!(h.accept(B, &sub)["ConnectionTypes"].as_object().unwrap().len(), 2);
}
