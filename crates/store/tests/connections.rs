//! Connection preferences, invitations and connections
//! (docs/behaviour.md#connection-preferences, #invitations, #connections,
//! #listing-and-pagination, #quotas).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::Settings;
use serde_json::{json, Value};

const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn id(identifier: &str) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": identifier})
}

fn in_catalog(catalog: &str, identifier: &str) -> Value {
    json!({"Catalog": catalog, "Identifier": identifier})
}

/// `{"Catalog": "Sandbox"}` plus the members of `extra`.
fn sandbox(extra: Value) -> Value {
    let mut input = json!({"Catalog": SANDBOX});
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    input
}

/// A and B with published profiles "Alpha Display" and "Beta Display": (harness, A's profile id, B's).
fn two_partners() -> (Harness, String, String) {
    let mut h = Harness::new(START);
    let pa = h.published_partner(A, "Alpha Display").profile_id;
    let pb = h.published_partner(B, "Beta Display").profile_id;
    (h, pa, pb)
}

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
    let (mut h, pa, pb) = two_partners();
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
fn an_invitation_shows_each_side_the_other_by_profile() {
    let (mut h, pa, pb) = two_partners();
    let sent = h.invite(A, OC, &pb);
    let inv = sent["Id"].as_str().unwrap().to_string();
    assert!(inv.starts_with("pacinv-"));
    assert_eq!(sent["ParticipantType"], "SENDER");
    assert_eq!(sent["OtherParticipantIdentifier"], pb.as_str());
    assert_eq!(sent["Status"], "PENDING");
    assert_eq!(sent["InviterEmail"], "ana@example.com");
    assert_eq!(sent["InvitationMessage"], INVITATION_MESSAGE);
    assert_eq!(sent["Arn"], format!("arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/{inv}"));
    assert_eq!(sent["CreatedAt"], sent["UpdatedAt"]);
    assert!(sent.get("ConnectionId").is_none());

    // B lists and gets it, and sees A's profile id, never A's account id.
    let listed = h.ok(B, "ListConnectionInvitations", sandbox(json!({"ParticipantType": "RECEIVER"})));
    assert_eq!(ids_of(&listed, "ConnectionInvitationSummaries"), vec![inv.clone()]);
    let summary = &listed["ConnectionInvitationSummaries"][0];
    assert_eq!(summary["OtherParticipantIdentifier"], pa.as_str());
    assert!(summary.get("InvitationMessage").is_none());
    let got = h.get_invitation(B, &inv);
    assert_eq!(got["ParticipantType"], "RECEIVER");
    assert_eq!(got["OtherParticipantIdentifier"], pa.as_str());
    assert!(!got.to_string().contains(A) && !listed.to_string().contains(A));
    let none = h.ok(B, "ListConnectionInvitations", sandbox(json!({"ParticipantType": "SENDER"})));
    assert_eq!(none, json!({"ConnectionInvitationSummaries": []}));
}

#[test]
fn accept_connects_both_sides_and_ends_the_invitation() {
    let (mut h, pa, pb) = two_partners();
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
    let (mut h, _, pb) = two_partners();
    let inv = h.invitation_id(A, OC, &pb);
    let input = json!({"Catalog": SANDBOX, "Identifier": inv, "ClientToken": "same-token"});
    let first = h.ok(B, "AcceptConnectionInvitation", input.clone());
    h.advance(5 * SECOND);
    let replay = h.execute(B, "AcceptConnectionInvitation", input).unwrap();
    assert_eq!((replay.response, replay.replayed), (first, true));
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
fn subsidiary_invitations_reach_accounts_without_a_partner() {
    let (mut h, pa, _) = two_partners();
    let to_c = h.invitation_id(A, SUB, C);
    let c_list = h.ok(C, "ListConnectionInvitations", sandbox(json!({})));
    assert_eq!(ids_of(&c_list, "ConnectionInvitationSummaries"), vec![to_c.clone()]);
    let c_conn = h.accept(C, &to_c);
    assert_eq!(
        c_conn["ConnectionTypes"][SUB]["OtherParticipant"],
        json!({"PartnerProfile": {"Id": pa, "Name": "Alpha Display"}})
    );
    let a_of_c = h.get_connection(A, c_conn["Id"].as_str().unwrap());
    assert_eq!(a_of_c["ConnectionTypes"][SUB]["OtherParticipant"], json!({"Account": {"Name": C}}));
    assert_eq!(a_of_c["OtherParticipantAccountId"], C);
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

// ---------------------------------------------------------------- preferences

fn update(revision: i64, access: &str, excluded: Value) -> Value {
    json!({"Catalog": SANDBOX, "Revision": revision, "AccessType": access, "ExcludedParticipantIdentifiers": excluded})
}

#[test]
fn preferences_default_to_allow_all_dated_now_without_a_partner() {
    let mut h = Harness::new(START);
    let d = h.ok(C, "GetConnectionPreferences", sandbox(json!({})));
    assert_eq!(d["AccessType"], "ALLOW_ALL");
    assert_eq!(d["Revision"], 0);
    assert_eq!(d["Arn"], format!("arn:aws:partnercentral:us-east-1:{C}:catalog/Sandbox/connection-preferences"));
    assert_eq!(d["UpdatedAt"], "2026-01-01T00:00:00.000Z");
    assert!(d.get("ExcludedParticipantIds").is_none());
}

#[test]
fn default_preferences_date_from_the_partners_creation() {
    let mut h = Harness::new(START);
    h.advance(MINUTE);
    h.published_partner(B, "Beta");
    h.advance(MINUTE);
    let d = h.ok(B, "GetConnectionPreferences", sandbox(json!({})));
    assert_eq!(d["UpdatedAt"], "2026-01-01T00:01:00.000Z");
}

#[test]
fn an_update_needs_the_current_revision_and_its_retry_answers_it() {
    let mut h = Harness::new(START);
    h.advance(2 * MINUTE);
    let stale = conflict("INCOMPATIBLE_CONNECTION_PREFERENCES_REVISION");
    assert_eq!(h.refused(B, "UpdateConnectionPreferences", update(1, "DENY_ALL", json!([]))), stale);
    let u = h.ok(B, "UpdateConnectionPreferences", update(0, "DENY_ALL", json!([])));
    assert_eq!((u["Revision"].as_i64(), u["AccessType"].as_str()), (Some(1), Some("DENY_ALL")));
    assert_eq!(u["UpdatedAt"], "2026-01-01T00:02:00.000Z");
    assert_eq!(h.ok(B, "GetConnectionPreferences", sandbox(json!({}))), u);
    // The retry of the update that made revision 1 answers it; another update of revision 0 is stale.
    assert_eq!(h.ok(B, "UpdateConnectionPreferences", update(0, "DENY_ALL", json!([]))), u);
    assert_eq!(h.refused(B, "UpdateConnectionPreferences", update(0, "ALLOW_ALL", json!([]))), stale);
}

#[test]
fn the_receivers_preferences_refuse_listed_senders() {
    let (mut h, pa, pb) = two_partners();
    let refusal = conflict("INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER");
    for (revision, access, excluded) in [
        (0, "DENY_ALL", json!([])),
        (1, "ALLOW_BY_DEFAULT_DENY_SOME", json!([pa])),
        (2, "ALLOW_BY_DEFAULT_DENY_SOME", json!([C, A])),
    ] {
        h.ok(B, "UpdateConnectionPreferences", update(revision, access, excluded.clone()));
        assert_eq!(
            h.refused(A, "CreateConnectionInvitation", invitation_input(OC, &pb)),
            refusal,
            "{access} {excluded}"
        );
    }
    // The list only counts under ALLOW_BY_DEFAULT_DENY_SOME.
    let u = h.ok(B, "UpdateConnectionPreferences", update(3, "ALLOW_ALL", json!([A, pa])));
    assert_eq!(u["ExcludedParticipantIds"], json!([A, pa]));
    assert_eq!(u["Revision"], 4);
    h.invite(A, OC, &pb);
}

#[test]
fn preferences_apply_to_subsidiary_invitations_and_belong_to_one_catalog() {
    let (mut h, _, _) = two_partners();
    h.ok(C, "UpdateConnectionPreferences", update(0, "DENY_ALL", json!([])));
    let refused = h.refused(A, "CreateConnectionInvitation", invitation_input(SUB, C));
    assert_eq!(refused, conflict("INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER"));
    let aws = h.ok(C, "GetConnectionPreferences", json!({"Catalog": AWS}));
    assert_eq!((aws["AccessType"].as_str(), aws["Revision"].as_i64()), (Some("ALLOW_ALL"), Some(0)));
}

// ---------------------------------------------------------------- CreateConnectionInvitation refusals

#[test]
fn the_sender_needs_a_published_profile_in_the_catalog() {
    let mut h = Harness::new(START);
    let pb = h.published_partner(B, "Beta").profile_id;
    let none = not_found("SENDER_PROFILE_NOT_FOUND");
    assert_eq!(h.refused(A, "CreateConnectionInvitation", invitation_input(OC, &pb)), none, "no partner");
    let draft = h.create_partner(A);
    assert_eq!(h.refused(A, "CreateConnectionInvitation", invitation_input(SUB, B)), none, "a draft");
    h.publish_profile(A, SANDBOX, draft["Id"].as_str().unwrap(), "Alpha");
    let mut other_catalog = invitation_input(OC, &pb);
    other_catalog["Catalog"] = json!(AWS);
    assert_eq!(h.refused(A, "CreateConnectionInvitation", other_catalog), none, "profiles are per catalog");
}

#[test]
fn the_receiver_must_resolve_for_the_connection_type() {
    let (mut h, pa, pb) = two_partners();
    let c_draft = h.create_partner(C);
    assert!(c_draft["Profile"].get("ProfileId").is_none(), "a draft shows no profile id");
    let reserved = h.reserved_profile_id(C);
    let unknown = not_found("RECEIVER_PROFILE_NOT_FOUND");
    let mismatch = business("INCOMPATIBLE_CONNECTION_INVITATION_REQUEST");
    for (kind, to, expected) in [
        (OC, "pprofile-zzzzzzzzzzzzz", &unknown),
        (OC, "someone-else", &unknown),
        (OC, reserved.as_str(), &unknown),
        (OC, B, &mismatch),
        (SUB, pb.as_str(), &mismatch),
        // Self-invitations.
        (OC, pa.as_str(), &mismatch),
        (SUB, A, &mismatch),
    ] {
        assert_eq!(&h.refused(A, "CreateConnectionInvitation", invitation_input(kind, to)), expected, "{kind} {to}");
    }
}

#[test]
fn duplicates_block_until_the_invitation_ends_in_both_directions() {
    let (mut h, pa, pb) = two_partners();
    let first = h.invitation_id(A, OC, &pb);
    for (who, to) in [(A, &pb), (B, &pa)] {
        let refused = h.refused(who, "CreateConnectionInvitation", invitation_input(OC, to));
        assert_eq!(refused, conflict("DUPLICATE_CONNECTION_INVITATION"), "{who}");
    }
    // The other type is independent.
    let sub = h.invitation_id(B, SUB, A);
    // After acceptance, the type is ACTIVE for the pair.
    h.accept(B, &first);
    for (who, to) in [(A, &pb), (B, &pa)] {
        let refused = h.refused(who, "CreateConnectionInvitation", invitation_input(OC, to));
        assert_eq!(refused, conflict("DUPLICATE_CONNECTION"), "{who}");
    }
    // A terminal invitation does not block a new one.
    h.ok(A, "RejectConnectionInvitation", json!({"Catalog": SANDBOX, "Identifier": sub, "Reason": "no"}));
    h.invite(A, SUB, B);
}

// ---------------------------------------------------------------- roles and states

/// A and B published; A invited B's profile: (harness, B's profile id, the invitation id).
fn pending() -> (Harness, String, String) {
    let (mut h, _, pb) = two_partners();
    let inv = h.invitation_id(A, OC, &pb);
    (h, pb, inv)
}

const ACTIONS: [&str; 3] = ["AcceptConnectionInvitation", "RejectConnectionInvitation", "CancelConnectionInvitation"];

#[test]
fn strangers_and_the_other_catalog_see_no_invitation() {
    let (mut h, _, inv) = pending();
    let missing = not_found("CONNECTION_INVITATION_NOT_FOUND");
    for op in ["GetConnectionInvitation"].into_iter().chain(ACTIONS) {
        assert_eq!(h.refused(C, op, id(&inv)), missing, "{op} by a third account");
        assert_eq!(h.refused(B, op, in_catalog(AWS, &inv)), missing, "{op} in the other catalog");
    }
    assert_eq!(h.refused(B, "GetConnectionInvitation", id("pacinv-0000000000099")), missing);
    let listed = h.ok(C, "ListConnectionInvitations", sandbox(json!({})));
    assert_eq!(listed, json!({"ConnectionInvitationSummaries": []}));
}

#[test]
fn each_action_belongs_to_one_side() {
    let (mut h, _, inv) = pending();
    for (who, op, expected) in [
        (A, "AcceptConnectionInvitation", conflict("INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER")),
        (A, "RejectConnectionInvitation", conflict("INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER")),
        (B, "CancelConnectionInvitation", access_denied("ACCESS_DENIED")),
    ] {
        assert_eq!(h.refused(who, op, id(&inv)), expected, "{op} by {who}");
    }
}

/// Every action by its rightful side is refused: the invitation is no longer PENDING.
fn assert_terminal(h: &mut Harness, inv: &str) {
    for (who, op) in [(B, ACTIONS[0]), (B, ACTIONS[1]), (A, ACTIONS[2])] {
        assert_eq!(h.refused(who, op, id(inv)), conflict("INCOMPATIBLE_CONNECTION_INVITATION_STATE"), "{op}");
    }
}

#[test]
fn a_rejected_invitation_is_terminal_and_keeps_its_reason_to_itself() {
    let (mut h, _, inv) = pending();
    let rejected =
        h.ok(B, "RejectConnectionInvitation", json!({"Catalog": SANDBOX, "Identifier": inv, "Reason": "not now"}));
    assert_eq!(
        (rejected["Status"].as_str(), rejected["ParticipantType"].as_str()),
        (Some("REJECTED"), Some("RECEIVER"))
    );
    assert!(!rejected.to_string().contains("not now"), "the reason is write-only");
    assert_terminal(&mut h, &inv);
}

#[test]
fn a_cancelled_invitation_is_terminal() {
    let (mut h, _, inv) = pending();
    h.advance(SECOND);
    let canceled = h.ok(A, "CancelConnectionInvitation", id(&inv));
    assert_eq!((canceled["Status"].as_str(), canceled["ParticipantType"].as_str()), (Some("CANCELED"), Some("SENDER")));
    assert_ne!(canceled["UpdatedAt"], canceled["CreatedAt"]);
    assert!(canceled.get("ExpiresAt").is_some());
    assert_terminal(&mut h, &inv);
}

#[test]
fn an_accepted_invitation_is_terminal() {
    let (mut h, _, inv) = pending();
    h.accept(B, &inv);
    assert_terminal(&mut h, &inv);
}

#[test]
fn cancel_connection_needs_a_participant_and_an_active_type() {
    let (mut h, _, inv) = pending();
    let cid = h.accept(B, &inv)["Id"].as_str().unwrap().to_string();
    let missing = not_found("CONNECTION_NOT_FOUND");
    let inactive = conflict("INCOMPATIBLE_CONNECTION_STATE");
    assert_eq!(h.refused(C, "GetConnection", id(&cid)), missing);
    assert_eq!(h.refused(B, "GetConnection", in_catalog(AWS, &cid)), missing);
    assert_eq!(h.refused(C, "CancelConnection", cancel_connection(&cid, OC, "r")), missing);
    assert_eq!(h.refused(A, "CancelConnection", cancel_connection(&cid, SUB, "r")), inactive, "a type never set up");
    h.ok(A, "CancelConnection", cancel_connection(&cid, OC, "r"));
    assert_eq!(h.refused(B, "CancelConnection", cancel_connection(&cid, OC, "r")), inactive, "a type cancelled");
}

#[test]
fn invitation_lists_show_every_state_newest_first() {
    let (mut h, pb, rejected) = pending();
    h.ok(B, "RejectConnectionInvitation", id(&rejected));
    let canceled = h.invitation_id(A, OC, &pb);
    h.advance(SECOND);
    h.ok(A, "CancelConnectionInvitation", id(&canceled));
    let accepted = h.invitation_id(A, OC, &pb);
    h.accept(B, &accepted);
    // Newest first, ties (the first two were created together) by id.
    let listed = h.ok(A, "ListConnectionInvitations", sandbox(json!({})));
    assert_eq!(ids_of(&listed, "ConnectionInvitationSummaries"), vec![accepted.clone(), rejected, canceled.clone()]);
    let statuses: Vec<&str> = listed["ConnectionInvitationSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["ACCEPTED", "REJECTED", "CANCELED"]);
    let mut check = |who: &str, filter: Value, expected: Vec<String>| {
        let list = h.ok(who, "ListConnectionInvitations", sandbox(filter.clone()));
        assert_eq!(ids_of(&list, "ConnectionInvitationSummaries"), expected, "{who} {filter}");
    };
    check(B, json!({"Status": "ACCEPTED"}), vec![accepted]);
    check(B, json!({"Status": "CANCELED"}), vec![canceled]);
    check(B, json!({"Status": "PENDING"}), vec![]);
    // The receiver sees no account id, so it cannot filter by one.
    check(B, json!({"OtherParticipantIdentifiers": [A]}), vec![]);
    let all = ids_of(&listed, "ConnectionInvitationSummaries");
    check(A, json!({"OtherParticipantIdentifiers": [pb], "ConnectionType": OC}), all);
    check(A, json!({"ConnectionType": SUB}), vec![]);
}

#[test]
fn list_connections_refuses_malformed_type_filters() {
    let mut h = Harness::new(START);
    for filter in ["ACTIVE", "SUBSIDIARY:PENDING"] {
        let refused = h.refused(A, "ListConnections", sandbox(json!({"ConnectionType": filter})));
        assert_eq!(refused, invalid("ConnectionType", "INVALID_ENUM_VALUE"), "{filter}");
    }
}

// ---------------------------------------------------------------- expiry

#[test]
fn invitations_expire_after_thirty_days() {
    let (mut h, _, pb) = two_partners();
    let sent = h.invite(A, OC, &pb);
    let inv = sent["Id"].as_str().unwrap().to_string();
    assert_eq!(sent["ExpiresAt"], "2026-01-31T00:00:00.000Z");
    h.advance(29 * DAY);
    assert_eq!(h.get_invitation(B, &inv)["Status"], "PENDING");
    h.advance(2 * DAY);
    for who in [A, B] {
        let got = h.get_invitation(who, &inv);
        assert_eq!(got["Status"], "EXPIRED");
        assert_eq!(got["UpdatedAt"], got["ExpiresAt"]);
    }
    let expired = h.ok(B, "ListConnectionInvitations", sandbox(json!({"Status": "EXPIRED"})));
    assert_eq!(ids_of(&expired, "ConnectionInvitationSummaries"), vec![inv]);
    assert_eq!(expired["ConnectionInvitationSummaries"][0]["UpdatedAt"], "2026-01-31T00:00:00.000Z");
    let pending = h.ok(B, "ListConnectionInvitations", sandbox(json!({"Status": "PENDING"})));
    assert_eq!(ids_of(&pending, "ConnectionInvitationSummaries"), Vec::<String>::new());
}

#[test]
fn an_expired_invitation_is_terminal() {
    let (mut h, _, inv) = pending();
    h.advance(31 * DAY);
    assert_terminal(&mut h, &inv);
}

#[test]
fn a_new_invitation_may_follow_an_expired_one() {
    let (mut h, pb, inv) = pending();
    h.advance(31 * DAY);
    let renewed = h.invitation_id(A, OC, &pb);
    let old = h.get_invitation(A, &inv);
    assert_eq!(
        (old["Status"].as_str(), old["UpdatedAt"].as_str()),
        (Some("EXPIRED"), Some("2026-01-31T00:00:00.000Z"))
    );
    h.accept(B, &renewed);
}

#[test]
fn expired_invitations_do_not_count_as_open() {
    let (mut h, _, _) = two_partners();
    h.settings.open_connection_invitations = 1;
    let sub = h.invitation_id(A, SUB, C);
    let refused = h.refused(A, "CreateConnectionInvitation", invitation_input(SUB, "444444444444"));
    assert_eq!(refused, quota("LIMIT_EXCEEDED_NUMBER_OF_OPEN_CONNECTION_INVITATION"));
    h.advance(31 * DAY);
    h.invite(A, SUB, "444444444444");
    assert_eq!(h.get_invitation(C, &sub)["Status"], "EXPIRED");
}

// ---------------------------------------------------------------- quotas

#[test]
fn invitations_per_day_count_a_rolling_day() {
    let (mut h, _, _) = two_partners();
    h.settings.connection_invitations_per_day = 2;
    h.invite(A, SUB, "400000000001");
    h.invite(A, SUB, "400000000002");
    let refused = h.refused(A, "CreateConnectionInvitation", invitation_input(SUB, "400000000003"));
    assert_eq!(refused, quota("LIMIT_EXCEEDED_NUMBER_OF_CONNECTION_INVITATION_PER_DAY"));
    h.advance(DAY);
    h.invite(A, SUB, "400000000003");
}

#[test]
fn withdrawing_an_open_invitation_frees_a_slot() {
    let (mut h, _, _) = two_partners();
    h.settings.open_connection_invitations = 3;
    let first = h.invitation_id(A, SUB, "400000000001");
    h.invite(A, SUB, "400000000002");
    h.invite(A, SUB, "400000000003");
    let refused = h.refused(A, "CreateConnectionInvitation", invitation_input(SUB, "400000000004"));
    assert_eq!(refused, quota("LIMIT_EXCEEDED_NUMBER_OF_OPEN_CONNECTION_INVITATION"));
    h.ok(A, "CancelConnectionInvitation", id(&first));
    h.invite(A, SUB, "400000000004");
}

#[test]
fn live_connections_count_only_when_accept_makes_a_new_connection() {
    let (mut h, _, pb) = two_partners();
    let to_2 = h.invitation_id(A, SUB, "400000000002");
    h.settings = Settings { active_connections: 1, ..Settings::default() };
    h.connect(A, OC, B, &pb);
    // A is at its limit: a new connection with A is refused, even to a receiver with none.
    let refused = h.refused("400000000002", "AcceptConnectionInvitation", id(&to_2));
    assert_eq!(refused, quota("LIMIT_EXCEEDED_NUMBER_OF_ACTIVE_CONNECTION"));
    // Adding a type to the existing connection is fine.
    let sub = h.invitation_id(A, SUB, B);
    assert_eq!(h.accept(B, &sub)["ConnectionTypes"].as_object().unwrap().len(), 2);
}

// ---------------------------------------------------------------- pagination

/// A published; five SUBSIDIARY invitations from A, the 2nd and 3rd created
/// together: (harness, ids in creation order, ids in list order).
fn five_invitations() -> (Harness, Vec<String>, Vec<String>) {
    let mut h = Harness::new(START);
    h.published_partner(A, "Alpha");
    let mut created = Vec::new();
    for (i, step) in [1000, 1000, 0, 1000, 1000].into_iter().enumerate() {
        h.advance(step);
        created.push(h.invitation_id(A, SUB, &format!("50000000000{i}")));
    }
    // Newest first; ties by id ascending.
    let order = [4, 3, 1, 2, 0].map(|i| created[i].clone()).to_vec();
    (h, created, order)
}

fn list_invitations(h: &mut Harness, extra: Value) -> Value {
    h.ok(A, "ListConnectionInvitations", sandbox(extra))
}

#[test]
fn invitation_pages_walk_the_list_in_order() {
    let (mut h, _, order) = five_invitations();
    let all = list_invitations(&mut h, json!({}));
    assert_eq!(ids_of(&all, "ConnectionInvitationSummaries"), order);
    assert!(all.get("NextToken").is_none());
    for size in [1, 2] {
        let (mut seen, mut token, mut pages) = (Vec::new(), None::<String>, 0);
        loop {
            let mut extra = json!({"MaxResults": size});
            if let Some(t) = &token {
                extra["NextToken"] = json!(t);
            }
            let page = list_invitations(&mut h, extra.clone());
            pages += 1;
            assert!(page["ConnectionInvitationSummaries"].as_array().unwrap().len() <= size);
            assert_eq!(list_invitations(&mut h, extra), page, "the same token gives the same page");
            seen.extend(ids_of(&page, "ConnectionInvitationSummaries"));
            match page.get("NextToken") {
                Some(t) => token = Some(t.as_str().unwrap().to_string()),
                None => break,
            }
        }
        assert_eq!(seen, order, "page size {size}");
        assert_eq!(pages, 5usize.div_ceil(size));
    }
}

#[test]
fn a_page_token_is_bound_to_its_operation_account_and_filters() {
    let (mut h, _, _) = five_invitations();
    let token = list_invitations(&mut h, json!({"MaxResults": 2}))["NextToken"].as_str().unwrap().to_string();
    // Tampered: one character of the cursor part flipped.
    let mut tampered = token.clone().into_bytes();
    tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for (who, op, input) in [
        (A, "ListConnectionInvitations", sandbox(json!({"NextToken": tampered}))),
        (A, "ListConnectionInvitations", sandbox(json!({"NextToken": "not-a-token"}))),
        (A, "ListConnectionInvitations", sandbox(json!({"NextToken": token, "ParticipantType": "SENDER"}))),
        (B, "ListConnectionInvitations", sandbox(json!({"NextToken": token}))),
        (A, "ListConnections", sandbox(json!({"NextToken": token}))),
    ] {
        assert_eq!(h.refused(who, op, input.clone()), invalid("NextToken", "INVALID_VALUE"), "{op} by {who}: {input}");
    }
}

#[test]
fn a_new_page_size_keeps_the_position() {
    let (mut h, _, order) = five_invitations();
    let token = list_invitations(&mut h, json!({"MaxResults": 2}))["NextToken"].clone();
    let rest = list_invitations(&mut h, json!({"NextToken": token, "MaxResults": 3}));
    assert_eq!(ids_of(&rest, "ConnectionInvitationSummaries"), order[2..].to_vec());
    assert!(rest.get("NextToken").is_none());
}

#[test]
fn connections_page_the_same_way_by_creation_time() {
    let (mut h, created, _) = five_invitations();
    let mut conns = Vec::new();
    for (i, inv) in created.iter().enumerate() {
        h.advance(SECOND);
        conns.push(h.accept(&format!("50000000000{i}"), inv)["Id"].as_str().unwrap().to_string());
    }
    conns.reverse();
    let mut seen = Vec::new();
    let mut input = sandbox(json!({"MaxResults": 2, "ConnectionType": "SUBSIDIARY:ACTIVE"}));
    loop {
        let page = h.ok(A, "ListConnections", input.clone());
        seen.extend(ids_of(&page, "ConnectionSummaries"));
        let Some(token) = page.get("NextToken") else { break };
        // Without the filter it was made for, the token is refused.
        let unfiltered = sandbox(json!({"MaxResults": 2, "NextToken": token}));
        assert_eq!(h.refused(A, "ListConnections", unfiltered), invalid("NextToken", "INVALID_VALUE"));
        input["NextToken"] = token.clone();
    }
    assert_eq!(seen, conns);
}
