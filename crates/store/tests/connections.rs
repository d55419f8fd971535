//! The connection lifecycle (preferences, invitations, connections) driven
//! through `pcentral_core::execute` over a real SQLite store, with fixed ids
//! and a wall clock the test moves.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Harness;
use pcentral_core::store::read;
use pcentral_core::Settings;
use pcentral_model::ApiError;
use serde_json::{json, Value};

const A: &str = "111111111111";
const B: &str = "222222222222";
const C: &str = "333333333333";
const CAT: &str = "Sandbox";
const DAY: i64 = 24 * 3600 * 1000;
const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

struct Env {
    h: Harness,
    tokens: u64,
}

impl std::ops::Deref for Env {
    type Target = Harness;
    fn deref(&self) -> &Harness {
        &self.h
    }
}

impl std::ops::DerefMut for Env {
    fn deref_mut(&mut self) -> &mut Harness {
        &mut self.h
    }
}

#[derive(Debug)]
struct Err {
    kind: String,
    reason: Option<String>,
    body: Value,
}

impl Err {
    fn field(&self) -> (String, String) {
        let f = &self.body["ErrorDetails"][0]["FieldValidationError"];
        (f["Name"].as_str().unwrap_or_default().into(), f["Code"].as_str().unwrap_or_default().into())
    }
    fn business_code(&self) -> &str {
        self.body["ErrorDetails"][0]["BusinessValidationError"]["Code"].as_str().unwrap_or_default()
    }
}

const WITH_TOKEN: [&str; 5] = [
    "CreateConnectionInvitation",
    "AcceptConnectionInvitation",
    "RejectConnectionInvitation",
    "CancelConnectionInvitation",
    "CancelConnection",
];

impl Env {
    fn new() -> Env {
        Env { h: Harness::new(START), tokens: 0 }
    }

    /// Validate like the server, then run in a read or write transaction.
    fn call(&mut self, account: &str, op: &str, mut input: Value) -> Result<Value, Err> {
        if WITH_TOKEN.contains(&op) && input.get("ClientToken").is_none() {
            self.tokens += 1;
            input["ClientToken"] = json!(format!("token-{}", self.tokens));
        }
        let to_err = |e: ApiError| Err {
            kind: e.kind.type_name().to_string(),
            reason: e.reason.map(str::to_string),
            body: e.body(),
        };
        self.h.run(account, op, input).map_err(to_err)
    }

    fn ok(&mut self, account: &str, op: &str, input: Value) -> Value {
        match self.call(account, op, input.clone()) {
            Ok(v) => v,
            Err(e) => panic!("{op} {input} by {account} failed: {e:?}"),
        }
    }

    /// Expect an error, and that it changed nothing in the database.
    fn fail(&mut self, account: &str, op: &str, input: Value, kind: &str, reason: &str) -> Err {
        let before = self.snapshot();
        assert!(before.iter().any(|row| row.starts_with("service_state")), "snapshot sees the database");
        let e = match self.call(account, op, input.clone()) {
            Ok(v) => panic!("{op} {input} by {account} succeeded: {v}"),
            Err(e) => e,
        };
        assert_eq!((e.kind.as_str(), e.reason.as_deref()), (kind, Some(reason)), "{op} {input}: {e:?}");
        assert_eq!(before, self.snapshot(), "{op} that failed changed the database");
        e
    }

    /// A partner for `account` with a published profile; returns its profile id.
    fn published_partner(&mut self, account: &str, display: &str) -> String {
        let partner = self.unpublished_partner(account);
        let id = partner["Id"].as_str().unwrap().to_string();
        self.h.publish_profile(account, CAT, &id, display)
    }

    fn unpublished_partner(&mut self, account: &str) -> Value {
        self.ok(
            account,
            "CreatePartner",
            json!({"Catalog": CAT, "LegalName": format!("Legal {account}"), "PrimarySolutionType": "SOFTWARE_PRODUCTS",
                   "AllianceLeadContact": {"FirstName": "Ana", "LastName": "Lee", "Email": format!("lead@{account}.example.com"),
                   "BusinessTitle": "Lead"}, "EmailVerificationCode": "123456"}),
        )
    }

    fn invite(&mut self, from: &str, kind: &str, to: &str) -> Value {
        self.ok(from, "CreateConnectionInvitation", invite_input(kind, to))
    }

    fn invitation_id(&mut self, from: &str, kind: &str, to: &str) -> String {
        self.invite(from, kind, to)["Id"].as_str().unwrap().to_string()
    }

    fn accept(&mut self, account: &str, id: &str) -> Value {
        self.ok(account, "AcceptConnectionInvitation", json!({"Catalog": CAT, "Identifier": id}))["Connection"].clone()
    }

    fn get_invitation(&mut self, account: &str, id: &str) -> Value {
        self.ok(account, "GetConnectionInvitation", json!({"Catalog": CAT, "Identifier": id}))
    }
}

fn invite_input(kind: &str, to: &str) -> Value {
    json!({"Catalog": CAT, "ConnectionType": kind, "Email": "ana@example.com", "Message": "Let's work\ntogether",
           "Name": "Ana Lee", "ReceiverIdentifier": to})
}

fn ids_of(list: &Value, member: &str) -> Vec<String> {
    list[member].as_array().unwrap().iter().map(|i| i["Id"].as_str().unwrap().to_string()).collect()
}

const OC: &str = "OPPORTUNITY_COLLABORATION";
const SUB: &str = "SUBSIDIARY";

#[test]
fn two_party_story() {
    let mut env = Env::new();
    let pa = env.published_partner(A, "Alpha Display");
    let pb = env.published_partner(B, "Beta Display");

    // A invites B's profile.
    let sent = env.invite(A, OC, &pb);
    let inv = sent["Id"].as_str().unwrap().to_string();
    assert!(inv.starts_with("pacinv-"));
    assert_eq!(sent["ParticipantType"], "SENDER");
    assert_eq!(sent["OtherParticipantIdentifier"], pb.as_str());
    assert_eq!(sent["Status"], "PENDING");
    assert_eq!(sent["InviterEmail"], "ana@example.com");
    assert_eq!(sent["InvitationMessage"], "Let's work\ntogether");
    assert_eq!(sent["Arn"], format!("arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection-invitation/{inv}"));
    assert_eq!(sent["CreatedAt"], sent["UpdatedAt"]);
    assert!(sent.get("ConnectionId").is_none());

    // B lists and gets it, and sees A's profile id, never A's account id.
    let listed = env.ok(B, "ListConnectionInvitations", json!({"Catalog": CAT, "ParticipantType": "RECEIVER"}));
    assert_eq!(ids_of(&listed, "ConnectionInvitationSummaries"), vec![inv.clone()]);
    let summary = &listed["ConnectionInvitationSummaries"][0];
    assert_eq!(summary["OtherParticipantIdentifier"], pa.as_str());
    assert!(summary.get("InvitationMessage").is_none());
    let got = env.get_invitation(B, &inv);
    assert_eq!(got["ParticipantType"], "RECEIVER");
    assert_eq!(got["OtherParticipantIdentifier"], pa.as_str());
    assert!(!got.to_string().contains(A) && !listed.to_string().contains(A));
    let none = env.ok(B, "ListConnectionInvitations", json!({"Catalog": CAT, "ParticipantType": "SENDER"}));
    assert_eq!(none, json!({"ConnectionInvitationSummaries": []}));

    // B accepts; both sides see the other.
    env.advance(1000);
    let conn = env.accept(B, &inv);
    let cid = conn["Id"].as_str().unwrap().to_string();
    assert!(cid.starts_with("pac-"));
    assert_eq!(conn["OtherParticipantAccountId"], A);
    assert_eq!(conn["Arn"], format!("arn:aws:partnercentral:us-east-1::catalog/Sandbox/connection/{cid}"));
    let oc = &conn["ConnectionTypes"][OC];
    assert_eq!(oc["Status"], "ACTIVE");
    assert_eq!(oc["InviterName"], "Ana Lee");
    assert_eq!(oc["OtherParticipant"], json!({"PartnerProfile": {"Id": pa, "Name": "Alpha Display"}}));
    let a_view = env.ok(A, "GetConnection", json!({"Catalog": CAT, "Identifier": cid}));
    assert_eq!(a_view["OtherParticipantAccountId"], B);
    assert_eq!(
        a_view["ConnectionTypes"][OC]["OtherParticipant"],
        json!({"PartnerProfile": {"Id": pb, "Name": "Beta Display"}})
    );
    assert_eq!(a_view["UpdatedAt"], conn["UpdatedAt"]);
    let accepted = env.get_invitation(A, &inv);
    assert_eq!(
        (accepted["Status"].as_str(), accepted["ConnectionId"].as_str()),
        (Some("ACCEPTED"), Some(cid.as_str()))
    );
    assert_ne!(accepted["UpdatedAt"], accepted["CreatedAt"]);

    // Accepting again (a new request, not a retry) is refused.
    let again = json!({"Catalog": CAT, "Identifier": inv, "ClientToken": "accept-again"});
    let e = env.call(B, "AcceptConnectionInvitation", again).unwrap_err();
    assert_eq!(e.reason.as_deref(), Some("INCOMPATIBLE_CONNECTION_INVITATION_STATE"));

    // SUBSIDIARY by account id lands on the same connection.
    let sub = env.invite(A, SUB, B);
    assert_eq!(sub["OtherParticipantIdentifier"], B);
    assert_eq!(sub["ConnectionId"], cid.as_str(), "an active connection already exists");
    let sub_id = sub["Id"].as_str().unwrap().to_string();
    assert_eq!(env.get_invitation(B, &sub_id)["OtherParticipantIdentifier"], pa.as_str());
    let conn = env.accept(B, &sub_id);
    assert_eq!(conn["Id"], cid.as_str());
    assert_eq!(conn["ConnectionTypes"].as_object().unwrap().len(), 2);

    // Cancel one type; the other stays.
    env.advance(1000);
    let canceled =
        env.ok(B, "CancelConnection", json!({"Catalog": CAT, "Identifier": cid, "ConnectionType": SUB, "Reason": ""}));
    assert_eq!(canceled["ConnectionTypes"][SUB]["Status"], "CANCELED");
    assert_eq!(canceled["ConnectionTypes"][SUB]["CanceledBy"], B);
    assert_eq!(canceled["ConnectionTypes"][SUB]["CanceledAt"], canceled["UpdatedAt"]);
    assert_eq!(canceled["ConnectionTypes"][OC]["Status"], "ACTIVE");
    let a_view = env.ok(A, "GetConnection", json!({"Catalog": CAT, "Identifier": cid}));
    for kind in [OC, SUB] {
        for member in ["Status", "CreatedAt", "CanceledAt", "CanceledBy", "InviterEmail", "InviterName"] {
            assert_eq!(a_view["ConnectionTypes"][kind].get(member), canceled["ConnectionTypes"][kind].get(member));
        }
        assert_eq!(a_view["ConnectionTypes"][kind]["OtherParticipant"]["PartnerProfile"]["Id"], pb.as_str());
        assert_eq!(canceled["ConnectionTypes"][kind]["OtherParticipant"]["PartnerProfile"]["Id"], pa.as_str());
    }
    assert_eq!(a_view["UpdatedAt"], canceled["UpdatedAt"]);

    // List filters.
    let count = |env: &mut Env, who: &str, filter: Value| {
        let mut input = json!({"Catalog": CAT});
        for (k, v) in filter.as_object().unwrap() {
            input[k] = v.clone();
        }
        env.ok(who, "ListConnections", input)["ConnectionSummaries"].as_array().unwrap().len()
    };
    assert_eq!(count(&mut env, A, json!({})), 1);
    assert_eq!(count(&mut env, A, json!({"ConnectionType": "SUBSIDIARY:CANCELED"})), 1);
    assert_eq!(count(&mut env, A, json!({"ConnectionType": "SUBSIDIARY:ACTIVE"})), 0);
    assert_eq!(count(&mut env, A, json!({"ConnectionType": OC})), 1);
    assert_eq!(count(&mut env, B, json!({"OtherParticipantIdentifiers": [pa]})), 1);
    assert_eq!(count(&mut env, B, json!({"OtherParticipantIdentifiers": [A]})), 1);
    assert_eq!(count(&mut env, B, json!({"OtherParticipantIdentifiers": [C, pb]})), 0);
    let summary = env.ok(A, "ListConnections", json!({"Catalog": CAT}))["ConnectionSummaries"][0].clone();
    assert_eq!(summary["OtherParticipantAccountId"], B);
    assert_eq!(
        summary["ConnectionTypes"][SUB],
        json!({"Status": "CANCELED", "OtherParticipant": {"PartnerProfile": {"Id": pb, "Name": "Beta Display"}}})
    );

    // Cancel the last type: the connection is history, and reconnecting makes a new one.
    env.ok(A, "CancelConnection", json!({"Catalog": CAT, "Identifier": cid, "ConnectionType": OC, "Reason": "done"}));
    let old = env.ok(B, "GetConnection", json!({"Catalog": CAT, "Identifier": cid}));
    assert!(old["ConnectionTypes"].as_object().unwrap().values().all(|t| t["Status"] == "CANCELED"));
    let again = env.invite(B, OC, &pa);
    assert!(again.get("ConnectionId").is_none(), "a terminated connection is not reused");
    let again_id = again["Id"].as_str().unwrap().to_string();
    let new_conn = env.accept(A, &again_id);
    assert_ne!(new_conn["Id"], cid.as_str());
    assert_eq!(
        env.ok(A, "ListConnections", json!({"Catalog": CAT}))["ConnectionSummaries"].as_array().unwrap().len(),
        2
    );

    // SUBSIDIARY to an account without a partner: it sees and accepts the invitation.
    let to_c = env.invitation_id(A, SUB, C);
    let c_list = env.ok(C, "ListConnectionInvitations", json!({"Catalog": CAT}));
    assert_eq!(ids_of(&c_list, "ConnectionInvitationSummaries"), vec![to_c.clone()]);
    let c_conn = env.accept(C, &to_c);
    assert_eq!(
        c_conn["ConnectionTypes"][SUB]["OtherParticipant"],
        json!({"PartnerProfile": {"Id": pa, "Name": "Alpha Display"}})
    );
    let a_of_c = env.ok(A, "GetConnection", json!({"Catalog": CAT, "Identifier": c_conn["Id"]}));
    assert_eq!(a_of_c["ConnectionTypes"][SUB]["OtherParticipant"], json!({"Account": {"Name": C}}));
    assert_eq!(a_of_c["OtherParticipantAccountId"], C);

    // Everything survives reopening the store.
    let before = env.get_invitation(C, &to_c);
    env.reopen();
    assert_eq!(env.get_invitation(C, &to_c), before);
}

#[test]
fn accept_replays_its_success_for_the_same_token() {
    let mut env = Env::new();
    env.published_partner(A, "Alpha");
    let pb = env.published_partner(B, "Beta");
    let inv = env.invitation_id(A, OC, &pb);
    let input = json!({"Catalog": CAT, "Identifier": inv, "ClientToken": "same-token"});
    let first = env.ok(B, "AcceptConnectionInvitation", input.clone());
    env.advance(5000);
    assert_eq!(env.ok(B, "AcceptConnectionInvitation", input), first);
}

#[test]
fn preferences_default_update_and_enforcement() {
    let mut env = Env::new();
    // No partner: defaults, UpdatedAt = service now.
    let d = env.ok(C, "GetConnectionPreferences", json!({"Catalog": CAT}));
    assert_eq!(d["AccessType"], "ALLOW_ALL");
    assert_eq!(d["Revision"], 0);
    assert_eq!(d["Arn"], format!("arn:aws:partnercentral:us-east-1:{C}:catalog/Sandbox/connection-preferences"));
    assert_eq!(d["UpdatedAt"], "2026-01-01T00:00:00.000Z");
    assert!(d.get("ExcludedParticipantIds").is_none());

    let pa = env.published_partner(A, "Alpha");
    env.advance(60_000);
    let pb = env.published_partner(B, "Beta");
    let created = "2026-01-01T00:01:00.000Z";
    env.advance(60_000);
    let d = env.ok(B, "GetConnectionPreferences", json!({"Catalog": CAT}));
    assert_eq!(d["UpdatedAt"], created, "defaults date from the partner's creation");

    let update = |rev: i64, access: &str, excluded: Value| json!({"Catalog": CAT, "Revision": rev, "AccessType": access, "ExcludedParticipantIdentifiers": excluded});
    env.fail(
        B,
        "UpdateConnectionPreferences",
        update(1, "DENY_ALL", json!([])),
        "ConflictException",
        "INCOMPATIBLE_CONNECTION_PREFERENCES_REVISION",
    );
    let u = env.ok(B, "UpdateConnectionPreferences", update(0, "DENY_ALL", json!([])));
    assert_eq!((u["Revision"].as_i64(), u["AccessType"].as_str()), (Some(1), Some("DENY_ALL")));
    assert_eq!(u["UpdatedAt"], "2026-01-01T00:02:00.000Z");
    assert_eq!(env.ok(B, "GetConnectionPreferences", json!({"Catalog": CAT})), u);
    // The retry of the update that made revision 1 returns it.
    assert_eq!(env.ok(B, "UpdateConnectionPreferences", update(0, "DENY_ALL", json!([]))), u);
    env.fail(
        B,
        "UpdateConnectionPreferences",
        update(0, "ALLOW_ALL", json!([])),
        "ConflictException",
        "INCOMPATIBLE_CONNECTION_PREFERENCES_REVISION",
    );

    let refused = |env: &mut Env| {
        env.fail(
            A,
            "CreateConnectionInvitation",
            invite_input(OC, &pb),
            "ConflictException",
            "INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER",
        );
    };
    refused(&mut env);
    env.ok(B, "UpdateConnectionPreferences", update(1, "ALLOW_BY_DEFAULT_DENY_SOME", json!([pa])));
    refused(&mut env);
    env.ok(B, "UpdateConnectionPreferences", update(2, "ALLOW_BY_DEFAULT_DENY_SOME", json!([C, A])));
    refused(&mut env);
    // The list only counts under ALLOW_BY_DEFAULT_DENY_SOME.
    let u = env.ok(B, "UpdateConnectionPreferences", update(3, "ALLOW_ALL", json!([A, pa])));
    assert_eq!(u["ExcludedParticipantIds"], json!([A, pa]));
    assert_eq!(u["Revision"], 4);
    env.invite(A, OC, &pb);
    // SUBSIDIARY is checked too.
    env.ok(C, "UpdateConnectionPreferences", update(0, "DENY_ALL", json!([])));
    env.fail(
        A,
        "CreateConnectionInvitation",
        invite_input(SUB, C),
        "ConflictException",
        "INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER",
    );
    // Preferences are per catalog.
    let aws = env.ok(C, "GetConnectionPreferences", json!({"Catalog": "AWS"}));
    assert_eq!((aws["AccessType"].as_str(), aws["Revision"].as_i64()), (Some("ALLOW_ALL"), Some(0)));
}

#[test]
fn create_refusals() {
    let mut env = Env::new();
    let pb = env.published_partner(B, "Beta");
    let nf = "ResourceNotFoundException";
    let bad = "ValidationException";
    // No partner, then an unpublished one.
    env.fail(A, "CreateConnectionInvitation", invite_input(OC, &pb), nf, "SENDER_PROFILE_NOT_FOUND");
    let draft = env.unpublished_partner(A);
    env.fail(A, "CreateConnectionInvitation", invite_input(SUB, B), nf, "SENDER_PROFILE_NOT_FOUND");
    let pa = env.published_partner_after_draft(A, &draft);
    // Receiver resolution.
    env.fail(
        A,
        "CreateConnectionInvitation",
        invite_input(OC, "pprofile-zzzzzzzzzzzzz"),
        nf,
        "RECEIVER_PROFILE_NOT_FOUND",
    );
    env.fail(A, "CreateConnectionInvitation", invite_input(OC, "someone-else"), nf, "RECEIVER_PROFILE_NOT_FOUND");
    // A profile id reserved by a partner that has not published yet.
    let c_draft = env.unpublished_partner(C);
    assert!(c_draft["Profile"].get("ProfileId").is_none(), "a draft shows no profile id");
    let reserved = env.reserved_profile_id(C);
    env.fail(A, "CreateConnectionInvitation", invite_input(OC, &reserved), nf, "RECEIVER_PROFILE_NOT_FOUND");
    let e = env.fail(A, "CreateConnectionInvitation", invite_input(OC, B), bad, "BUSINESS_VALIDATION_FAILED");
    assert_eq!(e.business_code(), "INCOMPATIBLE_CONNECTION_INVITATION_REQUEST");
    let e = env.fail(A, "CreateConnectionInvitation", invite_input(SUB, &pb), bad, "BUSINESS_VALIDATION_FAILED");
    assert_eq!(e.business_code(), "INCOMPATIBLE_CONNECTION_INVITATION_REQUEST");
    // Self-invitations.
    let e = env.fail(A, "CreateConnectionInvitation", invite_input(OC, &pa), bad, "BUSINESS_VALIDATION_FAILED");
    assert_eq!(e.business_code(), "INCOMPATIBLE_CONNECTION_INVITATION_REQUEST");
    let e = env.fail(A, "CreateConnectionInvitation", invite_input(SUB, A), bad, "BUSINESS_VALIDATION_FAILED");
    assert_eq!(e.business_code(), "INCOMPATIBLE_CONNECTION_INVITATION_REQUEST");
    // Profiles are per catalog.
    let mut other_catalog = invite_input(OC, &pb);
    other_catalog["Catalog"] = json!("AWS");
    env.fail(A, "CreateConnectionInvitation", other_catalog, nf, "SENDER_PROFILE_NOT_FOUND");

    // Duplicates, both directions; other type is independent.
    let first = env.invitation_id(A, OC, &pb);
    env.fail(
        A,
        "CreateConnectionInvitation",
        invite_input(OC, &pb),
        "ConflictException",
        "DUPLICATE_CONNECTION_INVITATION",
    );
    env.fail(
        B,
        "CreateConnectionInvitation",
        invite_input(OC, &pa),
        "ConflictException",
        "DUPLICATE_CONNECTION_INVITATION",
    );
    env.invite(B, SUB, A);
    // After acceptance, the type is ACTIVE for the pair.
    env.accept(B, &first);
    env.fail(A, "CreateConnectionInvitation", invite_input(OC, &pb), "ConflictException", "DUPLICATE_CONNECTION");
    env.fail(B, "CreateConnectionInvitation", invite_input(OC, &pa), "ConflictException", "DUPLICATE_CONNECTION");
    // A terminal invitation does not block a new one.
    let sub = env.ok(A, "ListConnectionInvitations", json!({"Catalog": CAT, "ConnectionType": SUB}));
    let sub_id = ids_of(&sub, "ConnectionInvitationSummaries")[0].clone();
    env.ok(A, "RejectConnectionInvitation", json!({"Catalog": CAT, "Identifier": sub_id, "Reason": "no"}));
    env.invite(A, SUB, B);
}

impl Env {
    fn reserved_profile_id(&self, account: &str) -> String {
        let partner = read(self.store.get(), |tx| Ok(tx.partner_by_account(CAT, account)?)).unwrap();
        partner.expect("the account has a partner").profile_id
    }

    fn published_partner_after_draft(&mut self, account: &str, draft: &Value) -> String {
        let id = draft["Id"].as_str().unwrap().to_string();
        self.h.publish_profile(account, CAT, &id, "Alpha")
    }
}

#[test]
fn roles_and_states() {
    let mut env = Env::new();
    let _pa = env.published_partner(A, "Alpha");
    let pb = env.published_partner(B, "Beta");
    let inv = env.invitation_id(A, OC, &pb);
    let id = |i: &str| json!({"Catalog": CAT, "Identifier": i});
    let nf = "ResourceNotFoundException";
    let conflict = "ConflictException";
    // A third account sees nothing, and neither does the other catalog.
    for op in [
        "GetConnectionInvitation",
        "AcceptConnectionInvitation",
        "RejectConnectionInvitation",
        "CancelConnectionInvitation",
    ] {
        env.fail(C, op, id(&inv), nf, "CONNECTION_INVITATION_NOT_FOUND");
        env.fail(B, op, json!({"Catalog": "AWS", "Identifier": inv}), nf, "CONNECTION_INVITATION_NOT_FOUND");
    }
    env.fail(B, "GetConnectionInvitation", id("pacinv-0000000000099"), nf, "CONNECTION_INVITATION_NOT_FOUND");
    assert_eq!(
        env.ok(C, "ListConnectionInvitations", json!({"Catalog": CAT})),
        json!({"ConnectionInvitationSummaries": []})
    );
    // Wrong roles.
    env.fail(A, "AcceptConnectionInvitation", id(&inv), conflict, "INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER");
    env.fail(A, "RejectConnectionInvitation", id(&inv), conflict, "INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER");
    env.fail(B, "CancelConnectionInvitation", id(&inv), "AccessDeniedException", "ACCESS_DENIED");
    // Reject, then nothing else applies.
    let rejected =
        env.ok(B, "RejectConnectionInvitation", json!({"Catalog": CAT, "Identifier": inv, "Reason": "not now"}));
    assert_eq!(
        (rejected["Status"].as_str(), rejected["ParticipantType"].as_str()),
        (Some("REJECTED"), Some("RECEIVER"))
    );
    assert!(!rejected.to_string().contains("not now"), "the reason is write-only");
    for (who, op) in
        [(B, "AcceptConnectionInvitation"), (B, "RejectConnectionInvitation"), (A, "CancelConnectionInvitation")]
    {
        env.fail(who, op, id(&inv), conflict, "INCOMPATIBLE_CONNECTION_INVITATION_STATE");
    }
    // Cancel by the sender.
    let inv2 = env.invitation_id(A, OC, &pb);
    env.advance(1000);
    let canceled = env.ok(A, "CancelConnectionInvitation", id(&inv2));
    assert_eq!((canceled["Status"].as_str(), canceled["ParticipantType"].as_str()), (Some("CANCELED"), Some("SENDER")));
    assert_ne!(canceled["UpdatedAt"], canceled["CreatedAt"]);
    assert!(canceled.get("ExpiresAt").is_some());
    env.fail(A, "CancelConnectionInvitation", id(&inv2), conflict, "INCOMPATIBLE_CONNECTION_INVITATION_STATE");
    env.fail(B, "AcceptConnectionInvitation", id(&inv2), conflict, "INCOMPATIBLE_CONNECTION_INVITATION_STATE");
    // An accepted invitation cannot be cancelled.
    let inv3 = env.invitation_id(A, OC, &pb);
    let conn = env.accept(B, &inv3);
    let cid = conn["Id"].as_str().unwrap().to_string();
    env.fail(A, "CancelConnectionInvitation", id(&inv3), conflict, "INCOMPATIBLE_CONNECTION_INVITATION_STATE");
    // Connections: visibility and type states.
    env.fail(C, "GetConnection", id(&cid), nf, "CONNECTION_NOT_FOUND");
    env.fail(B, "GetConnection", json!({"Catalog": "AWS", "Identifier": cid}), nf, "CONNECTION_NOT_FOUND");
    let cancel = |kind: &str| json!({"Catalog": CAT, "Identifier": cid, "ConnectionType": kind, "Reason": "r"});
    env.fail(C, "CancelConnection", cancel(OC), nf, "CONNECTION_NOT_FOUND");
    env.fail(A, "CancelConnection", cancel(SUB), conflict, "INCOMPATIBLE_CONNECTION_STATE");
    env.ok(A, "CancelConnection", cancel(OC));
    env.fail(B, "CancelConnection", cancel(OC), conflict, "INCOMPATIBLE_CONNECTION_STATE");
    // Lists show every invitation with its state, newest first (ties by id).
    let listed = env.ok(A, "ListConnectionInvitations", json!({"Catalog": CAT}));
    let statuses: Vec<&str> = listed["ConnectionInvitationSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["ACCEPTED", "REJECTED", "CANCELED"]);
    for (filter, expected) in [("ACCEPTED", vec![inv3.clone()]), ("CANCELED", vec![inv2.clone()]), ("PENDING", vec![])]
    {
        let l = env.ok(B, "ListConnectionInvitations", json!({"Catalog": CAT, "Status": filter}));
        assert_eq!(ids_of(&l, "ConnectionInvitationSummaries"), expected, "{filter}");
    }
    let l = env.ok(B, "ListConnectionInvitations", json!({"Catalog": CAT, "OtherParticipantIdentifiers": [A]}));
    assert_eq!(ids_of(&l, "ConnectionInvitationSummaries"), Vec::<String>::new(), "the receiver sees no account id");
    let l = env.ok(
        A,
        "ListConnectionInvitations",
        json!({"Catalog": CAT, "OtherParticipantIdentifiers": [pb], "ConnectionType": OC}),
    );
    assert_eq!(l["ConnectionInvitationSummaries"].as_array().unwrap().len(), 3);
    let l = env.ok(A, "ListConnectionInvitations", json!({"Catalog": CAT, "ConnectionType": SUB}));
    assert_eq!(l["ConnectionInvitationSummaries"].as_array().unwrap().len(), 0);
    let e = env.fail(
        A,
        "ListConnections",
        json!({"Catalog": CAT, "ConnectionType": "ACTIVE"}),
        "ValidationException",
        "REQUEST_VALIDATION_FAILED",
    );
    assert_eq!(e.field(), ("ConnectionType".into(), "INVALID_ENUM_VALUE".into()));
    let e = env.fail(
        A,
        "ListConnections",
        json!({"Catalog": CAT, "ConnectionType": "SUBSIDIARY:PENDING"}),
        "ValidationException",
        "REQUEST_VALIDATION_FAILED",
    );
    assert_eq!(e.field(), ("ConnectionType".into(), "INVALID_ENUM_VALUE".into()));
}

#[test]
fn invitations_expire_after_thirty_days() {
    let mut env = Env::new();
    env.published_partner(A, "Alpha");
    let pb = env.published_partner(B, "Beta");
    let sent = env.invite(A, OC, &pb);
    let inv = sent["Id"].as_str().unwrap().to_string();
    assert_eq!(sent["ExpiresAt"], "2026-01-31T00:00:00.000Z");
    env.advance(29 * DAY);
    assert_eq!(env.get_invitation(B, &inv)["Status"], "PENDING");
    env.advance(2 * DAY);
    for who in [A, B] {
        let got = env.get_invitation(who, &inv);
        assert_eq!(got["Status"], "EXPIRED");
        assert_eq!(got["UpdatedAt"], got["ExpiresAt"]);
    }
    let expired = env.ok(B, "ListConnectionInvitations", json!({"Catalog": CAT, "Status": "EXPIRED"}));
    assert_eq!(ids_of(&expired, "ConnectionInvitationSummaries"), vec![inv.clone()]);
    assert_eq!(expired["ConnectionInvitationSummaries"][0]["UpdatedAt"], "2026-01-31T00:00:00.000Z");
    let pending = env.ok(B, "ListConnectionInvitations", json!({"Catalog": CAT, "Status": "PENDING"}));
    assert_eq!(ids_of(&pending, "ConnectionInvitationSummaries"), Vec::<String>::new());
    let id = json!({"Catalog": CAT, "Identifier": inv});
    env.fail(
        B,
        "AcceptConnectionInvitation",
        id.clone(),
        "ConflictException",
        "INCOMPATIBLE_CONNECTION_INVITATION_STATE",
    );
    env.fail(
        B,
        "RejectConnectionInvitation",
        id.clone(),
        "ConflictException",
        "INCOMPATIBLE_CONNECTION_INVITATION_STATE",
    );
    env.fail(A, "CancelConnectionInvitation", id, "ConflictException", "INCOMPATIBLE_CONNECTION_INVITATION_STATE");
    // A new invitation is possible; the old one stays EXPIRED.
    let renewed = env.invitation_id(A, OC, &pb);
    let old = env.get_invitation(A, &inv);
    assert_eq!(
        (old["Status"].as_str(), old["UpdatedAt"].as_str()),
        (Some("EXPIRED"), Some("2026-01-31T00:00:00.000Z"))
    );
    env.accept(B, &renewed);
    // Expired invitations do not count as open.
    env.settings.open_connection_invitations = 1;
    let sub = env.invitation_id(A, SUB, C);
    env.advance(31 * DAY);
    env.invite(A, SUB, "444444444444");
    assert_eq!(env.get_invitation(C, &sub)["Status"], "EXPIRED");
}

#[test]
fn quotas() {
    let mut env = Env::new();
    env.published_partner(A, "Alpha");
    let pb = env.published_partner(B, "Beta");
    env.settings.connection_invitations_per_day = 2;
    env.invite(A, SUB, "400000000001");
    env.invite(A, SUB, "400000000002");
    env.fail(
        A,
        "CreateConnectionInvitation",
        invite_input(SUB, "400000000003"),
        "ServiceQuotaExceededException",
        "LIMIT_EXCEEDED_NUMBER_OF_CONNECTION_INVITATION_PER_DAY",
    );
    env.advance(DAY);
    env.settings.open_connection_invitations = 3;
    env.invite(A, SUB, "400000000003");
    env.fail(
        A,
        "CreateConnectionInvitation",
        invite_input(SUB, "400000000004"),
        "ServiceQuotaExceededException",
        "LIMIT_EXCEEDED_NUMBER_OF_OPEN_CONNECTION_INVITATION",
    );
    // Withdrawing one frees a slot.
    let l = env.ok(
        A,
        "ListConnectionInvitations",
        json!({"Catalog": CAT, "OtherParticipantIdentifiers": ["400000000001"]}),
    );
    let first = ids_of(&l, "ConnectionInvitationSummaries")[0].clone();
    env.ok(A, "CancelConnectionInvitation", json!({"Catalog": CAT, "Identifier": first}));
    env.invite(A, SUB, "400000000004");

    // Active connections, counted for each side, only when Accept would make a new connection.
    env.settings = Settings { active_connections: 1, ..Settings::default() };
    let c2 = env.invitation_id(A, OC, &pb);
    env.accept(B, &c2);
    let to_2 = env.ok(
        A,
        "ListConnectionInvitations",
        json!({"Catalog": CAT, "OtherParticipantIdentifiers": ["400000000002"]}),
    );
    let to_2 = ids_of(&to_2, "ConnectionInvitationSummaries")[0].clone();
    env.fail(
        "400000000002",
        "AcceptConnectionInvitation",
        json!({"Catalog": CAT, "Identifier": to_2}),
        "ServiceQuotaExceededException",
        "LIMIT_EXCEEDED_NUMBER_OF_ACTIVE_CONNECTION",
    );
    // Adding a type to the existing connection is fine.
    let sub = env.invitation_id(A, SUB, B);
    let conn = env.accept(B, &sub);
    assert_eq!(conn["ConnectionTypes"].as_object().unwrap().len(), 2);
}

#[test]
fn pagination() {
    let mut env = Env::new();
    env.published_partner(A, "Alpha");
    // Five invitations: two share a creation time (ties go by id ascending).
    let mut created = Vec::new();
    for (i, step) in [1000, 1000, 0, 1000, 1000].iter().enumerate() {
        env.advance(*step);
        created.push(env.invitation_id(A, SUB, &format!("50000000000{i}")));
    }
    let expected =
        vec![created[4].clone(), created[3].clone(), created[1].clone(), created[2].clone(), created[0].clone()];
    let list = |env: &mut Env, extra: Value| {
        let mut input = json!({"Catalog": CAT});
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        env.call(A, "ListConnectionInvitations", input)
    };
    let all = list(&mut env, json!({})).unwrap();
    assert_eq!(ids_of(&all, "ConnectionInvitationSummaries"), expected);
    assert!(all.get("NextToken").is_none());

    for size in [1, 2] {
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut extra = json!({"MaxResults": size});
            if let Some(t) = &token {
                extra["NextToken"] = json!(t);
            }
            let page = list(&mut env, extra.clone()).unwrap();
            pages += 1;
            assert!(page["ConnectionInvitationSummaries"].as_array().unwrap().len() <= size);
            // The same token gives the same page.
            assert_eq!(list(&mut env, extra).unwrap(), page);
            seen.extend(ids_of(&page, "ConnectionInvitationSummaries"));
            match page.get("NextToken") {
                Some(t) => token = Some(t.as_str().unwrap().to_string()),
                None => break,
            }
        }
        assert_eq!(seen, expected, "page size {size}");
        assert_eq!(pages, 5usize.div_ceil(size));
    }

    let first = list(&mut env, json!({"MaxResults": 2})).unwrap();
    let token = first["NextToken"].as_str().unwrap().to_string();
    let bad = |env: &mut Env, account: &str, op: &str, input: Value| {
        let e = env.fail(account, op, input, "ValidationException", "REQUEST_VALIDATION_FAILED");
        assert_eq!(e.field(), ("NextToken".into(), "INVALID_VALUE".into()));
    };
    // Tampered: flip one character of the cursor part.
    let mut tampered = token.clone().into_bytes();
    tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    bad(&mut env, A, "ListConnectionInvitations", json!({"Catalog": CAT, "NextToken": tampered}));
    bad(&mut env, A, "ListConnectionInvitations", json!({"Catalog": CAT, "NextToken": "not-a-token"}));
    // Other filters, other account, other operation.
    bad(
        &mut env,
        A,
        "ListConnectionInvitations",
        json!({"Catalog": CAT, "NextToken": token, "ParticipantType": "SENDER"}),
    );
    bad(&mut env, B, "ListConnectionInvitations", json!({"Catalog": CAT, "NextToken": token}));
    bad(&mut env, A, "ListConnections", json!({"Catalog": CAT, "NextToken": token}));
    // A different page size keeps the position.
    let rest = list(&mut env, json!({"NextToken": token, "MaxResults": 3})).unwrap();
    assert_eq!(ids_of(&rest, "ConnectionInvitationSummaries"), expected[2..].to_vec());
    assert!(rest.get("NextToken").is_none());

    // Connections page the same way, by creation time.
    let mut conns = Vec::new();
    for (i, inv) in created.iter().enumerate() {
        env.advance(1000);
        let receiver = format!("50000000000{i}");
        conns.push(env.accept(&receiver, inv)["Id"].as_str().unwrap().to_string());
    }
    conns.reverse();
    let mut seen = Vec::new();
    let mut input = json!({"Catalog": CAT, "MaxResults": 2, "ConnectionType": "SUBSIDIARY:ACTIVE"});
    loop {
        let page = env.ok(A, "ListConnections", input.clone());
        seen.extend(ids_of(&page, "ConnectionSummaries"));
        match page.get("NextToken") {
            Some(t) => {
                let t = t.as_str().unwrap().to_string();
                bad(&mut env, A, "ListConnections", json!({"Catalog": CAT, "MaxResults": 2, "NextToken": t}));
                input["NextToken"] = json!(t);
            }
            None => break,
        }
    }
    assert_eq!(seen, conns);
}
