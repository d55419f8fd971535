//! Connection invitations (docs/behaviour.md#invitations, #quotas): what each
//! side sees, CreateConnectionInvitation's refusals, roles and states,
//! expiry, and the invitation quotas.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{json, Value};

const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

#[test]
fn an_invitation_shows_each_side_the_other_by_profile() {
    let (mut h, pa, pb) = two_partners(START);
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
fn subsidiary_invitations_reach_accounts_without_a_partner() {
    let (mut h, pa, _) = two_partners(START);
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
    let (mut h, pa, pb) = two_partners(START);
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
    let (mut h, pa, pb) = two_partners(START);
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
    let (mut h, _, pb) = two_partners(START);
    let inv = h.invitation_id(A, OC, &pb);
    (h, pb, inv)
}

const ACTIONS: [&str; 3] = ["AcceptConnectionInvitation", "RejectConnectionInvitation", "CancelConnectionInvitation"];

#[test]
fn strangers_and_the_other_catalog_see_no_invitation() {
    let (mut h, _, inv) = pending();
    let missing = not_found("CONNECTION_INVITATION_NOT_FOUND");
    for op in ["GetConnectionInvitation"].into_iter().chain(ACTIONS) {
        assert_eq!(h.refused(C, op, sandbox_id(&inv)), missing, "{op} by a third account");
        assert_eq!(h.refused(B, op, in_catalog(AWS, &inv)), missing, "{op} in the other catalog");
    }
    assert_eq!(h.refused(B, "GetConnectionInvitation", sandbox_id("pacinv-0000000000099")), missing);
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
        assert_eq!(h.refused(who, op, sandbox_id(&inv)), expected, "{op} by {who}");
    }
}

/// Every action by its rightful side is refused: the invitation is no longer PENDING.
fn assert_terminal(h: &mut Harness, inv: &str) {
    for (who, op) in [(B, ACTIONS[0]), (B, ACTIONS[1]), (A, ACTIONS[2])] {
        assert_eq!(h.refused(who, op, sandbox_id(inv)), conflict("INCOMPATIBLE_CONNECTION_INVITATION_STATE"), "{op}");
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
    let canceled = h.ok(A, "CancelConnectionInvitation", sandbox_id(&inv));
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
fn invitation_lists_show_every_state_newest_first() {
    let (mut h, pb, rejected) = pending();
    h.ok(B, "RejectConnectionInvitation", sandbox_id(&rejected));
    let canceled = h.invitation_id(A, OC, &pb);
    h.advance(SECOND);
    h.ok(A, "CancelConnectionInvitation", sandbox_id(&canceled));
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

// ---------------------------------------------------------------- expiry

#[test]
fn invitations_expire_after_thirty_days() {
    let (mut h, _, pb) = two_partners(START);
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
    let (mut h, _, _) = two_partners(START);
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
    let (mut h, _, _) = two_partners(START);
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
    let (mut h, _, _) = two_partners(START);
    h.settings.open_connection_invitations = 3;
    let first = h.invitation_id(A, SUB, "400000000001");
    h.invite(A, SUB, "400000000002");
    h.invite(A, SUB, "400000000003");
    let refused = h.refused(A, "CreateConnectionInvitation", invitation_input(SUB, "400000000004"));
    assert_eq!(refused, quota("LIMIT_EXCEEDED_NUMBER_OF_OPEN_CONNECTION_INVITATION"));
    h.ok(A, "CancelConnectionInvitation", sandbox_id(&first));
    h.invite(A, SUB, "400000000004");
}
