//! Partners, profiles and email codes (docs/behaviour.md#partners,
//! #profiles, #email-verification-codes, #isolation, #idempotency).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{json, Value};

const START: i64 = 1_800_000_000_000; // 2027-01-15T08:00:00Z

/// A harness where A created "Alpha" in Sandbox; answers CreatePartner's response.
fn alpha() -> (Harness, Value) {
    let mut h = Harness::new(START);
    let p = h.ok(A, "CreatePartner", partner_input(SANDBOX, "Alpha", "a@alpha.example", "000000"));
    (h, p)
}

fn on(partner: &Value) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": partner["Id"]})
}

fn start_task(partner: &Value, display: &str) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": partner["Id"], "TaskDetails": task_details(display)})
}

// ---------------------------------------------------------------- partners

#[test]
fn create_partner_answers_the_draft_and_the_alliance_lead() {
    let (_, p) = alpha();
    let id = p["Id"].as_str().unwrap();
    assert_eq!(p["Arn"], format!("arn:aws:partnercentral:us-east-1:{A}:catalog/Sandbox/partner/{id}"));
    assert_eq!(p["Profile"]["DisplayName"], "Alpha");
    assert_eq!(p["Profile"]["WebsiteUrl"], "https://example.invalid");
    assert!(p["Profile"].get("ProfileId").is_none());
    assert_eq!(p["AllianceLeadContact"]["Email"], "a@alpha.example");
    assert_eq!(p["CreatedAt"], "2027-01-15T08:00:00.000Z");
}

#[test]
fn before_publication_there_is_no_task_and_no_visibility() {
    let (mut h, p) = alpha();
    for (op, expected) in [
        ("GetProfileUpdateTask", not_found("PARTNER_PROFILE_TASK_NOT_FOUND")),
        ("GetProfileVisibility", not_found("PARTNER_PROFILE_NOT_FOUND")),
    ] {
        assert_eq!(h.refused(A, op, on(&p)), expected, "{op}");
    }
}

#[test]
fn the_first_successful_task_publishes_the_profile() {
    let (mut h, p) = alpha();
    let t = h.ok(A, "StartProfileUpdateTask", start_task(&p, "Alpha Cloud"));
    assert_eq!(t["Status"], "IN_PROGRESS");
    assert_eq!(t["Arn"], p["Arn"]);
    assert!(t.get("EndedAt").is_none());
    // A partner Identifier may be the ARN.
    let g = h.ok(A, "GetProfileUpdateTask", json!({"Catalog": SANDBOX, "Identifier": p["Arn"]}));
    assert_eq!(g["Status"], "SUCCEEDED");
    assert_eq!(g["EndedAt"], g["StartedAt"]);
    let got = h.ok(A, "GetPartner", on(&p));
    assert_eq!(got["Profile"]["DisplayName"], "Alpha Cloud");
    assert!(got["Profile"]["ProfileId"].as_str().unwrap().starts_with("pprofile-"));
    assert!(got.get("AllianceLeadContact").is_none());

    let v = h.ok(A, "GetProfileVisibility", on(&p));
    assert_eq!(v["Visibility"], "PUBLIC");
    assert_eq!(v["ProfileId"], got["Profile"]["ProfileId"]);
    let mut put = on(&p);
    put["Visibility"] = json!("PRIVATE");
    assert_eq!(h.ok(A, "PutProfileVisibility", put)["Visibility"], "PRIVATE");
}

#[test]
fn other_accounts_and_the_other_catalog_see_nothing() {
    let (mut h, p) = alpha();
    for (who, catalog, identifier) in [(B, SANDBOX, &p["Id"]), (B, SANDBOX, &p["Arn"]), (A, AWS, &p["Id"])] {
        let input = json!({"Catalog": catalog, "Identifier": identifier});
        assert_eq!(h.refused(who, "GetPartner", input), not_found("PARTNER_NOT_FOUND"), "{who} {catalog} {identifier}");
    }
    let list = |h: &mut Harness, who: &str, catalog: &str| h.ok(who, "ListPartners", json!({"Catalog": catalog}));
    assert_eq!(list(&mut h, B, SANDBOX), json!({"PartnerSummaryList": []}));
    assert_eq!(list(&mut h, A, AWS), json!({"PartnerSummaryList": []}));
    assert_eq!(list(&mut h, A, SANDBOX)["PartnerSummaryList"][0]["Id"], p["Id"]);
}

#[test]
fn a_second_partner_or_a_taken_legal_name_is_a_duplicate() {
    let (mut h, _) = alpha();
    for (who, input) in [
        (A, partner_input(SANDBOX, "Another", "a@alpha.example", "000000")),
        (B, partner_input(SANDBOX, "ALPHA", "b@beta.example", "000000")),
        (B, partner_input(SANDBOX, " alpha ", "b@beta.example", "000000")),
    ] {
        assert_eq!(h.refused(who, "CreatePartner", input), conflict("DUPLICATE_PARTNER"), "{who}");
    }
    assert_eq!(h.ok(B, "ListPartners", json!({"Catalog": SANDBOX})), json!({"PartnerSummaryList": []}));
}

#[test]
fn the_same_legal_name_in_the_other_catalog_still_needs_the_right_code() {
    let (mut h, _) = alpha();
    h.ok(B, "SendEmailVerificationCode", json!({"Catalog": AWS, "Email": "b@beta.example"}));
    let input = partner_input(AWS, "Alpha", "b@beta.example", "999999");
    assert_eq!(h.refused(B, "CreatePartner", input), invalid("EmailVerificationCode", "INVALID_VALUE"));
}

#[test]
fn rejected_requests_change_nothing_and_state_survives_reopen() {
    let (mut h, p) = alpha();
    let before = h.ok(A, "GetPartner", on(&p));
    let mut bad = start_task(&p, "X");
    bad["TaskDetails"]["LogoUrl"] = json!("http://insecure.example/logo.png");
    let cases = [
        ("StartProfileUpdateTask", bad, invalid("TaskDetails.LogoUrl", "INVALID_STRING_FORMAT")),
        (
            "CreatePartner",
            partner_input(SANDBOX, "Alpha 2", "a@alpha.example", "000000"),
            conflict("DUPLICATE_PARTNER"),
        ),
        ("GetProfileUpdateTask", on(&p), not_found("PARTNER_PROFILE_TASK_NOT_FOUND")),
    ];
    for (op, input, expected) in cases {
        assert_eq!(h.refused(A, op, input), expected, "{op}");
    }
    assert_eq!(h.ok(A, "GetPartner", on(&p)), before);
    h.reopen();
    assert_eq!(h.ok(A, "GetPartner", on(&p)), before, "everything acknowledged is there after reopening");
}

// ---------------------------------------------------------------- email codes (catalog AWS)

/// A harness whose CreatePartner in AWS checks codes but not verification
/// (covered in verification.rs).
fn codes_only() -> Harness {
    let mut h = Harness::new(START);
    h.settings.require_verification_for_aws_catalog = false;
    h
}

#[test]
fn aws_codes_must_be_the_one_sent_and_are_single_use() {
    let mut h = codes_only();
    let code = h.email_code(A, AWS, "Ada@Alpha.example");
    let wrong = partner_input(AWS, "Alpha", "ada@alpha.example", "000000");
    assert_eq!(h.refused(A, "CreatePartner", wrong), invalid("EmailVerificationCode", "INVALID_VALUE"));
    h.ok(A, "CreatePartner", partner_input(AWS, "Alpha", "ada@alpha.example", &code));
    // Used once: B cannot use it again.
    let reuse = partner_input(AWS, "Beta", "ada@alpha.example", &code);
    assert_eq!(h.refused(B, "CreatePartner", reuse), invalid("EmailVerificationCode", "INVALID_VALUE"));
}

#[test]
fn aws_codes_expire_after_thirty_minutes() {
    let mut h = codes_only();
    let code = h.email_code(B, AWS, "b@beta.example");
    h.advance(31 * MINUTE);
    let late = partner_input(AWS, "Beta", "b@beta.example", &code);
    assert_eq!(h.refused(B, "CreatePartner", late), invalid("EmailVerificationCode", "INVALID_VALUE"));
}

#[test]
fn email_code_quota_counts_a_rolling_day_in_catalog_aws_only() {
    let mut h = Harness::new(START);
    let send = |catalog: &str| json!({"Catalog": catalog, "Email": "q@quota.example"});
    for _ in 0..5 {
        h.ok(A, "SendEmailVerificationCode", send(AWS));
    }
    let refused = h.refused(A, "SendEmailVerificationCode", send(AWS));
    assert_eq!(refused, quota("LIMIT_EXCEEDED_NUMBER_OF_EMAIL"));
    for _ in 0..10 {
        h.ok(A, "SendEmailVerificationCode", send(SANDBOX));
    }
    h.advance(DAY + 1);
    h.ok(A, "SendEmailVerificationCode", send(AWS));
}

// ---------------------------------------------------------------- profile update tasks

/// A harness where A's partner "Alpha" has a task running for an hour.
fn task_running() -> (Harness, Value, Value) {
    let (mut h, p) = alpha();
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
    assert!(h.ok(A, "GetPartner", on(&p))["Profile"].get("ProfileId").is_none());
}

#[test]
fn a_delayed_task_succeeds_on_its_own_at_its_due_time() {
    let (mut h, p, _) = task_running();
    h.advance(HOUR - 1);
    assert_eq!(h.ok(A, "GetProfileUpdateTask", on(&p))["Status"], "IN_PROGRESS");
    h.advance(1);
    assert_eq!(h.ok(A, "GetProfileUpdateTask", on(&p))["Status"], "SUCCEEDED");
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
    let (mut h, p) = alpha();
    let mut with_hq = start_task(&p, "One");
    with_hq["TaskDetails"]["Headquarters"] = json!({"CountryCode": "BR", "SubdivisionCode": "SP"});
    h.ok(A, "StartProfileUpdateTask", with_hq);
    let t = h.ok(A, "StartProfileUpdateTask", start_task(&p, "Two"));
    assert!(t["TaskDetails"].get("Headquarters").is_none());
    let got = h.ok(A, "GetPartner", on(&p));
    assert_eq!(got["Profile"]["DisplayName"], "Two");
    assert_eq!(got["Profile"]["Headquarters"], json!({"CountryCode": "BR", "SubdivisionCode": "SP"}));
}

#[test]
fn visibility_quota_is_five_a_day() {
    let (mut h, p) = alpha();
    h.ok(A, "StartProfileUpdateTask", start_task(&p, "One"));
    let mut put = on(&p);
    put["Visibility"] = json!("PUBLIC");
    for _ in 0..5 {
        h.ok(A, "PutProfileVisibility", put.clone());
    }
    let refused = h.refused(A, "PutProfileVisibility", put.clone());
    assert_eq!(refused, quota("LIMIT_EXCEEDED_NUMBER_OF_PROFILE_VISIBILITY_UPDATE_PER_DAY"));
    h.advance(DAY + 1);
    h.ok(A, "PutProfileVisibility", put);
}

// ---------------------------------------------------------------- client tokens

#[test]
fn a_client_token_replays_its_answer_or_conflicts_per_account() {
    let mut h = Harness::new(START);
    let mut input = partner_input(SANDBOX, "Alpha", "a@alpha.example", "000000");
    input["ClientToken"] = json!("token-1");
    let first = h.ok(A, "CreatePartner", input.clone());
    let replay = h.execute(A, "CreatePartner", input.clone()).unwrap();
    assert_eq!((replay.response, replay.replayed), (first, true));
    input["LegalName"] = json!("Alpha Two");
    assert_eq!(h.refused(A, "CreatePartner", input.clone()), conflict("CONFLICT_CLIENT_TOKEN"));
    // Another account may use the same token independently.
    h.ok(B, "CreatePartner", input);
}

#[test]
fn replays_do_not_count_against_quotas_and_end_with_the_retention() {
    let (mut h, p) = alpha();
    let mut start = start_task(&p, "One");
    start["ClientToken"] = json!("t");
    let t1 = h.ok(A, "StartProfileUpdateTask", start.clone());
    // Twelve replays: more than the daily quota of 10, and none of them counts.
    for _ in 0..12 {
        assert_eq!(h.ok(A, "StartProfileUpdateTask", start.clone()), t1);
    }
    // After the retention window the same token starts a new task.
    h.advance(DAY + 1);
    let again = h.ok(A, "StartProfileUpdateTask", start);
    assert_ne!(again["TaskId"], t1["TaskId"]);
}
