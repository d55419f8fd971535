//! Partner profiles (docs/behaviour.md#profiles): publication by the first
//! successful update task, the tasks' states and quota, and visibility.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{json, Value};

const START: i64 = 1_800_000_000_000; // 2027-01-15T08:00:00Z

#[test]
fn before_publication_there_is_no_task_and_no_visibility() {
    let (mut h, p) = alpha_draft(START);
    for (op, expected) in [
        ("GetProfileUpdateTask", not_found("PARTNER_PROFILE_TASK_NOT_FOUND")),
        ("GetProfileVisibility", not_found("PARTNER_PROFILE_NOT_FOUND")),
    ] {
        assert_eq!(h.refused(A, op, on_partner(&p)), expected, "{op}");
    }
}

#[test]
fn the_first_successful_task_publishes_the_profile() {
    let (mut h, p) = alpha_draft(START);
    let t = h.ok(A, "StartProfileUpdateTask", start_task(&p, "Alpha Cloud"));
    assert_eq!(t["Status"], "IN_PROGRESS");
    assert_eq!(t["Arn"], p["Arn"]);
    assert!(t.get("EndedAt").is_none());
    // A partner Identifier may be the ARN.
    let g = h.ok(A, "GetProfileUpdateTask", json!({"Catalog": SANDBOX, "Identifier": p["Arn"]}));
    assert_eq!(g["Status"], "SUCCEEDED");
    assert_eq!(g["EndedAt"], g["StartedAt"]);
    let got = h.ok(A, "GetPartner", on_partner(&p));
    assert_eq!(got["Profile"]["DisplayName"], "Alpha Cloud");
    assert!(got["Profile"]["ProfileId"].as_str().unwrap().starts_with("pprofile-"));
    assert!(got.get("AllianceLeadContact").is_none());

    let v = h.ok(A, "GetProfileVisibility", on_partner(&p));
    assert_eq!(v["Visibility"], "PUBLIC");
    assert_eq!(v["ProfileId"], got["Profile"]["ProfileId"]);
    let mut put = on_partner(&p);
    put["Visibility"] = json!("PRIVATE");
    assert_eq!(h.ok(A, "PutProfileVisibility", put)["Visibility"], "PRIVATE");
}

// ---------------------------------------------------------------- profile update tasks

/// A harness where A's partner "Alpha" has a task running for an hour.
fn task_running() -> (Harness, Value, Value) {
    let (mut h, p) = alpha_draft(START);
    h.settings.profile_task_delay_seconds = 3600;
    let t = h.ok(A, "StartProfileUpdateTask", start_task(&p, "One"));
    (h, p, t)
}

fn cancel(partner: &Value, task_id: &Value) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": partner["Id"], "TaskId": task_id})
}

#[test]
fn a_running_task_blocks_another_start() {
    let (mut h, p, _) = task_running();
    let refused = h.refused(A, "StartProfileUpdateTask", start_task(&p, "One"));
    assert_eq!(refused, conflict("INCOMPATIBLE_PARTNER_PROFILE_TASK_STATE"));
}

#[test]
fn cancel_ends_a_running_task_and_publishes_nothing() {
    let (mut h, p, t) = task_running();
    let unknown = cancel(&p, &json!("pprofiletask-0000000000000"));
    assert_eq!(h.refused(A, "CancelProfileUpdateTask", unknown), not_found("PARTNER_PROFILE_TASK_NOT_FOUND"));
    let c = h.ok(A, "CancelProfileUpdateTask", cancel(&p, &t["TaskId"]));
    assert_eq!(c["Status"], "CANCELED");
    assert!(c["EndedAt"].is_string());
    let again = h.refused(A, "CancelProfileUpdateTask", cancel(&p, &t["TaskId"]));
    assert_eq!(again, conflict("INCOMPATIBLE_PARTNER_PROFILE_TASK_STATE"));
    assert!(h.ok(A, "GetPartner", on_partner(&p))["Profile"].get("ProfileId").is_none());
}

#[test]
fn a_delayed_task_succeeds_on_its_own_at_its_due_time() {
    let (mut h, p, _) = task_running();
    h.advance(HOUR - 1);
    assert_eq!(h.ok(A, "GetProfileUpdateTask", on_partner(&p))["Status"], "IN_PROGRESS");
    h.advance(1);
    assert_eq!(h.ok(A, "GetProfileUpdateTask", on_partner(&p))["Status"], "SUCCEEDED");
}

#[test]
fn profile_task_quota_is_ten_a_day_cancelled_ones_included() {
    let (mut h, p, t) = task_running();
    h.ok(A, "CancelProfileUpdateTask", cancel(&p, &t["TaskId"]));
    h.settings.profile_task_delay_seconds = 0;
    for _ in 0..9 {
        h.ok(A, "StartProfileUpdateTask", start_task(&p, "Again"));
    }
    let refused = h.refused(A, "StartProfileUpdateTask", start_task(&p, "Again"));
    assert_eq!(refused, quota("LIMIT_EXCEEDED_NUMBER_OF_PROFILE_UPDATE_PER_DAY"));
}

#[test]
fn headquarters_is_kept_by_tasks_without_it() {
    let (mut h, p) = alpha_draft(START);
    let mut with_hq = start_task(&p, "One");
    with_hq["TaskDetails"]["Headquarters"] = json!({"CountryCode": "BR", "SubdivisionCode": "SP"});
    h.ok(A, "StartProfileUpdateTask", with_hq);
    let t = h.ok(A, "StartProfileUpdateTask", start_task(&p, "Two"));
    assert!(t["TaskDetails"].get("Headquarters").is_none());
    let got = h.ok(A, "GetPartner", on_partner(&p));
    assert_eq!(got["Profile"]["DisplayName"], "Two");
    assert_eq!(got["Profile"]["Headquarters"], json!({"CountryCode": "BR", "SubdivisionCode": "SP"}));
}

#[test]
fn visibility_quota_is_five_a_day() {
    let (mut h, p) = alpha_draft(START);
    h.ok(A, "StartProfileUpdateTask", start_task(&p, "One"));
    let mut put = on_partner(&p);
    put["Visibility"] = json!("PUBLIC");
    for _ in 0..5 {
        h.ok(A, "PutProfileVisibility", put.clone());
    }
    let refused = h.refused(A, "PutProfileVisibility", put.clone());
    assert_eq!(refused, quota("LIMIT_EXCEEDED_NUMBER_OF_PROFILE_VISIBILITY_UPDATE_PER_DAY"));
    h.advance(DAY + 1);
    h.ok(A, "PutProfileVisibility", put);
}
