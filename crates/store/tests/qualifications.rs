//! Qualifications association and disassociation
//! (docs/behaviour.md#qualifications).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::settings::SubsidiaryCancel;
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000; // 2026-05-28T20:26:40Z

fn start_assoc(partner: &str, primary: Value) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": partner, "PrimaryPartner": primary})
}

fn start_disassoc(partner: &str, primary: Value) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": partner, "AssociatedPartner": primary})
}

fn on(partner: &str) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": partner})
}

/// Both ids of a partner, as qualifications answers show them.
fn both_ids(profile_id: &str, account: &str) -> Value {
    json!({"ProfileId": profile_id, "AccountId": account})
}

fn details(h: &mut Harness, account: &str, partner: &str) -> Value {
    h.ok(account, "GetQualificationsAssociationDetails", on(partner))
}

/// A ("Primary"), B ("Sub") and C ("Other") with published profiles.
struct Three {
    h: Harness,
    a: Published,
    b: Published,
    c: Published,
}

fn three() -> Three {
    let mut h = Harness::new(START);
    let a = h.published_partner(A, "Primary");
    let b = h.published_partner(B, "Sub");
    let c = h.published_partner(C, "Other");
    Three { h, a, b, c }
}

/// [`three`], with A's SUBSIDIARY connection to B (A invited, B accepted).
fn linked() -> Three {
    let mut t = three();
    t.h.connect(A, SUB, B, B);
    t
}

/// [`linked`], and B associated under A (no delay).
fn associated() -> Three {
    let mut t = linked();
    t.h.ok(B, "StartQualificationsAssociationTask", start_assoc(&t.b.id, json!({"AccountId": A})));
    t
}

// ---------------------------------------------------------------- starting an association

#[test]
fn a_fresh_partner_has_no_tasks_and_is_not_associated() {
    let Three { mut h, b, .. } = three();
    for (op, expected) in [
        ("GetQualificationsAssociationTask", not_found("QUALIFICATIONS_ASSOCIATION_TASK_NOT_FOUND")),
        ("GetQualificationsDisassociationTask", not_found("QUALIFICATIONS_DISASSOCIATION_TASK_NOT_FOUND")),
    ] {
        assert_eq!(h.refused(B, op, on(&b.id)), expected, "{op}");
    }
    let fresh = details(&mut h, B, &b.id);
    assert_eq!(fresh.as_object().unwrap().len(), 4, "{fresh}");
    assert_eq!(fresh["Status"], "NOT_ASSOCIATED");
}

#[test]
fn association_needs_an_active_subsidiary_connection() {
    let Three { mut h, b, .. } = three();
    let conn = h.connect(A, OC, B, &b.profile_id);
    let refused = h.refused(B, "StartQualificationsAssociationTask", start_assoc(&b.id, json!({"AccountId": A})));
    assert_eq!(refused, business("MISSING_ACTIVE_SUBSIDIARY_CONNECTION"), "OPPORTUNITY_COLLABORATION is not enough");
    assert_eq!(h.connect(A, SUB, B, B), conn, "SUBSIDIARY joins the live connection");
}

#[test]
fn association_start_checks_the_input_the_caller_and_the_primary() {
    let Three { mut h, a, b, c } = linked();
    let wrong_primary = business("INCOMPATIBLE_PRIMARY_PARTNER");
    for (who, partner, primary, expected) in [
        (B, &b.id, json!({}), invalid("PrimaryPartner", "REQUIRED_FIELD_MISSING")),
        (C, &b.id, json!({"AccountId": A}), not_found("PARTNER_NOT_FOUND")),
        (B, &b.id, json!({"AccountId": B}), wrong_primary.clone()),
        (B, &b.id, json!({"ProfileId": b.profile_id}), wrong_primary.clone()),
        // An unknown profile is a partner B has no SUBSIDIARY link with, like C's.
        (B, &b.id, json!({"ProfileId": "pprofile-0000000000000"}), business("MISSING_ACTIVE_SUBSIDIARY_CONNECTION")),
        (B, &b.id, json!({"ProfileId": c.profile_id}), business("MISSING_ACTIVE_SUBSIDIARY_CONNECTION")),
        // A's profile with another account: B is linked to A, so it already sees both of A's ids.
        (B, &b.id, json!({"ProfileId": a.profile_id, "AccountId": C}), wrong_primary.clone()),
        // The primary cannot associate under its subsidiary (the wrong direction).
        (A, &a.id, json!({"AccountId": B}), business("INCOMPATIBLE_SUBSIDIARY_CONNECTION")),
        (C, &c.id, json!({"AccountId": A}), business("MISSING_ACTIVE_SUBSIDIARY_CONNECTION")),
    ] {
        let input = start_assoc(partner, primary);
        assert_eq!(h.refused(who, "StartQualificationsAssociationTask", input.clone()), expected, "{who}: {input}");
    }
}

#[test]
fn an_unpublished_subsidiary_cannot_associate() {
    let mut h = Harness::new(START);
    h.published_partner(A, "Primary");
    let pb = h.create_partner(B)["Id"].as_str().unwrap().to_string();
    h.connect(A, SUB, B, B);
    let refused = h.refused(B, "StartQualificationsAssociationTask", start_assoc(&pb, json!({"AccountId": A})));
    assert_eq!(refused, not_found("PARTNER_PROFILE_NOT_FOUND"));
    assert_eq!(details(&mut h, B, &pb)["Status"], "NOT_ASSOCIATED");
}

// ---------------------------------------------------------------- a task in flight, then due

/// [`linked`], and B started an association under A due in a minute
/// (ClientToken `q-1`): (the parties, the start input, its answer).
fn in_flight() -> (Three, Value, Value) {
    let mut t = linked();
    t.h.settings.qualifications_task_delay_seconds = 60;
    let input =
        json!({"Catalog": SANDBOX, "Identifier": t.b.id, "PrimaryPartner": {"AccountId": A}, "ClientToken": "q-1"});
    let started = t.h.ok(B, "StartQualificationsAssociationTask", input.clone());
    (t, input, started)
}

#[test]
fn a_started_association_answers_in_progress_with_both_ids_of_the_primary() {
    let (Three { a, b, .. }, _, started) = in_flight();
    assert!(started["TaskId"].as_str().unwrap().starts_with("pqatask-"));
    assert_eq!(started["Status"], "IN_PROGRESS");
    assert_eq!(started["PrimaryPartner"], both_ids(&a.profile_id, A));
    assert_eq!(started["Id"], b.id.as_str());
    assert!(started.get("EndedAt").is_none());
}

#[test]
fn a_task_in_flight_blocks_starts_of_either_kind_but_replays() {
    let (Three { mut h, a, b, .. }, input, started) = in_flight();
    let mut new_token = input.clone();
    new_token["ClientToken"] = json!("q-2");
    let busy = conflict("INCOMPATIBLE_QUALIFICATIONS_ASSOCIATION_TASK_STATE");
    assert_eq!(h.refused(B, "StartQualificationsAssociationTask", new_token), busy);
    let leave = start_disassoc(&b.id, json!({"AccountId": A}));
    assert_eq!(h.refused(B, "StartQualificationsDisassociationTask", leave), busy);
    assert_eq!(h.ok(B, "StartQualificationsAssociationTask", input), started, "a replay");
    for (who, partner) in [(B, &b.id), (A, &a.id)] {
        assert_eq!(details(&mut h, who, partner)["Status"], "NOT_ASSOCIATED", "{who}: tasks in flight do not count");
    }
    // The primary does not see the subsidiary's task.
    let hidden = h.refused(A, "GetQualificationsAssociationTask", on(&a.id));
    assert_eq!(hidden, not_found("QUALIFICATIONS_ASSOCIATION_TASK_NOT_FOUND"));
}

#[test]
fn a_due_association_shows_to_every_party_without_polling() {
    let (Three { mut h, a, b, c }, input, started) = in_flight();
    h.advance(MINUTE);
    let primary_view = details(&mut h, A, &a.id);
    assert_eq!(primary_view["Status"], "ASSOCIATED");
    assert_eq!(primary_view["PrimaryPartner"], both_ids(&a.profile_id, A));
    assert_eq!(primary_view["AssociatedPartners"], json!([both_ids(&b.profile_id, B)]));
    assert_eq!(primary_view["UpdatedAt"], "2026-05-28T20:27:40.000Z");
    let sub_view = details(&mut h, B, &b.id);
    for member in ["Status", "PrimaryPartner", "AssociatedPartners"] {
        assert_eq!(sub_view[member], primary_view[member], "{member}");
    }
    let task = h.ok(B, "GetQualificationsAssociationTask", on(&b.id));
    assert_eq!((&task["TaskId"], task["Status"].as_str()), (&started["TaskId"], Some("SUCCEEDED")));
    assert_eq!(task["EndedAt"], "2026-05-28T20:27:40.000Z");
    assert_eq!(
        h.ok(B, "StartQualificationsAssociationTask", input)["Status"],
        "IN_PROGRESS",
        "a replay answers as started"
    );
    assert_eq!(details(&mut h, C, &c.id)["Status"], "NOT_ASSOCIATED");
}

#[test]
fn no_second_association_and_no_chains() {
    let Three { mut h, a, b, c } = associated();
    let again =
        h.refused(B, "StartQualificationsAssociationTask", start_assoc(&b.id, json!({"ProfileId": a.profile_id})));
    assert_eq!(again, business("QUALIFICATIONS_ASSOCIATION_EXISTS"));
    // Under a subsidiary...
    h.connect(B, SUB, C, C);
    let under_sub = h.refused(C, "StartQualificationsAssociationTask", start_assoc(&c.id, json!({"AccountId": B})));
    assert_eq!(under_sub, business("INCOMPATIBLE_PRIMARY_PARTNER"));
    // ... or a primary under someone else.
    h.connect(C, SUB, A, A);
    let primary = h.refused(A, "StartQualificationsAssociationTask", start_assoc(&a.id, json!({"AccountId": C})));
    assert_eq!(primary, business("INCOMPATIBLE_PRIMARY_PARTNER"));
}

#[test]
fn group_limit_counts_tasks_in_flight() {
    let mut h = Harness::new(START);
    h.settings.qualifications_max_associated_partners = 2;
    h.settings.qualifications_task_delay_seconds = 60;
    let pa = h.published_partner(A, "Primary").id;
    let subs = ["444444444444", "555555555555", "666666666666"];
    let mut partners = Vec::new();
    for (i, s) in subs.iter().enumerate() {
        partners.push(h.published_partner(s, &format!("Sub {i}")).id);
        h.connect(A, SUB, s, s);
    }
    let start = |i: usize| start_assoc(&partners[i], json!({"AccountId": A}));
    h.ok(subs[0], "StartQualificationsAssociationTask", start(0));
    h.advance(MINUTE);
    h.ok(subs[1], "StartQualificationsAssociationTask", start(1));
    // One member and one in flight: full.
    let full = h.refused(subs[2], "StartQualificationsAssociationTask", start(2));
    assert_eq!(full, business("QUALIFICATIONS_ASSOCIATION_LIMIT_EXCEEDED"));
    h.advance(MINUTE);
    let group = details(&mut h, subs[0], &partners[0]);
    assert_eq!(group["AssociatedPartners"].as_array().unwrap().len(), 2);
    assert_eq!(group["AssociatedPartners"][0]["AccountId"], subs[0], "oldest first");
    assert_eq!(details(&mut h, A, &pa)["AssociatedPartners"], group["AssociatedPartners"]);
    // The default limit is 6.
    h.settings.qualifications_max_associated_partners = 6;
    h.ok(subs[2], "StartQualificationsAssociationTask", start(2));
}

// ---------------------------------------------------------------- disassociation

#[test]
fn disassociation_checks_the_input_and_who_the_primary_is() {
    let Three { mut h, a, b, .. } = associated();
    let wrong_primary = business("INCOMPATIBLE_PRIMARY_PARTNER");
    for (who, partner, primary, expected) in [
        // The primary may not leave its own group.
        (A, &a.id, json!({"AccountId": B}), wrong_primary.clone()),
        (B, &b.id, json!({"AccountId": B}), wrong_primary.clone()),
        (B, &b.id, json!({"AccountId": C}), wrong_primary.clone()),
        (B, &b.id, json!({"ProfileId": a.profile_id, "AccountId": C}), wrong_primary.clone()),
        (B, &b.id, json!({}), invalid("AssociatedPartner", "REQUIRED_FIELD_MISSING")),
    ] {
        let input = start_disassoc(partner, primary);
        assert_eq!(h.refused(who, "StartQualificationsDisassociationTask", input.clone()), expected, "{who}: {input}");
    }
}

#[test]
fn the_subsidiary_leaves_and_its_association_task_stays() {
    let Three { mut h, a, b, .. } = associated();
    let joined = h.ok(B, "GetQualificationsAssociationTask", on(&b.id))["TaskId"].clone();
    h.advance(SECOND);
    let leaving =
        h.ok(B, "StartQualificationsDisassociationTask", start_disassoc(&b.id, json!({"ProfileId": a.profile_id})));
    assert!(leaving["TaskId"].as_str().unwrap().starts_with("pqdtask-"));
    assert_eq!(leaving["Status"], "IN_PROGRESS");
    assert_eq!(leaving["AssociatedPartner"], both_ids(&a.profile_id, A));
    assert_eq!(h.ok(B, "GetQualificationsDisassociationTask", on(&b.id))["Status"], "SUCCEEDED");
    for (who, partner) in [(B, &b.id), (A, &a.id)] {
        assert_eq!(details(&mut h, who, partner)["Status"], "NOT_ASSOCIATED", "{who}");
    }
    assert_eq!(h.ok(B, "GetQualificationsAssociationTask", on(&b.id))["TaskId"], joined);
    let gone = h.refused(B, "StartQualificationsDisassociationTask", start_disassoc(&b.id, json!({"AccountId": A})));
    assert_eq!(gone, business("QUALIFICATIONS_ASSOCIATION_NOT_FOUND"));
}

// ---------------------------------------------------------------- CancelConnection on SUBSIDIARY

/// B and C associated under A through their SUBSIDIARY connections.
struct Group {
    h: Harness,
    a: Published,
    b: Published,
    c: Published,
    conn_b: String,
    conn_c: String,
}

fn group() -> Group {
    let Three { mut h, a, b, c } = three();
    let conn_b = h.connect(A, SUB, B, B);
    let conn_c = h.connect(A, SUB, C, C);
    h.ok(B, "StartQualificationsAssociationTask", start_assoc(&b.id, json!({"AccountId": A})));
    h.ok(C, "StartQualificationsAssociationTask", start_assoc(&c.id, json!({"AccountId": A})));
    assert_eq!(details(&mut h, A, &a.id)["AssociatedPartners"].as_array().unwrap().len(), 2);
    Group { h, a, b, c, conn_b, conn_c }
}

fn cancel_sub(connection: &str) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": connection, "ConnectionType": SUB, "Reason": ""})
}

#[test]
fn block_refuses_to_cancel_the_link_of_an_associated_subsidiary() {
    let Group { mut h, conn_b, .. } = group();
    h.settings.qualifications_on_subsidiary_cancel = SubsidiaryCancel::Block;
    assert_eq!(h.refused(A, "CancelConnection", cancel_sub(&conn_b)), conflict("INCOMPATIBLE_CONNECTION_STATE"));
}

#[test]
fn keep_cancels_the_link_and_keeps_the_association() {
    let Group { mut h, c, conn_c, .. } = group();
    h.settings.qualifications_on_subsidiary_cancel = SubsidiaryCancel::Keep;
    h.ok(A, "CancelConnection", cancel_sub(&conn_c));
    assert_eq!(details(&mut h, C, &c.id)["Status"], "ASSOCIATED");
}

#[test]
fn dissolve_ends_the_task_in_flight_then_removes_the_association() {
    let Group { mut h, a, b, c, conn_b, .. } = group();
    assert_eq!(h.settings.qualifications_on_subsidiary_cancel, SubsidiaryCancel::Dissolve, "the default");
    h.settings.qualifications_task_delay_seconds = 3600;
    h.advance(SECOND);
    h.ok(B, "StartQualificationsDisassociationTask", start_disassoc(&b.id, json!({"AccountId": A})));
    assert_eq!(details(&mut h, B, &b.id)["Status"], "ASSOCIATED");
    h.advance(SECOND);
    h.ok(B, "CancelConnection", cancel_sub(&conn_b));
    assert_eq!(details(&mut h, B, &b.id)["Status"], "NOT_ASSOCIATED");
    let task = h.ok(B, "GetQualificationsDisassociationTask", on(&b.id));
    assert_eq!(task["Status"], "SUCCEEDED");
    assert_eq!(task["EndedAt"], "2026-05-28T20:26:42.000Z", "ended at the cancel");
    let remaining = details(&mut h, A, &a.id);
    assert_eq!(remaining["AssociatedPartners"], json!([both_ids(&c.profile_id, C)]));
    assert_eq!(remaining["UpdatedAt"], "2026-05-28T20:26:42.000Z");
    assert_eq!(details(&mut h, C, &c.id)["Status"], "ASSOCIATED");
}
