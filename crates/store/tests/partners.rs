//! The partner and profile rules, driven through `core::execute` over a real
//! store (no HTTP): the story of issue 2 and its error cases.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Harness;
use pcentral_core::store::read;
use pcentral_model::ApiError;
use serde_json::{json, Value};

const A: &str = "111111111111";
const B: &str = "222222222222";
const T0: i64 = 1_800_000_000_000;

struct World(Harness);

impl std::ops::Deref for World {
    type Target = Harness;
    fn deref(&self) -> &Harness {
        &self.0
    }
}

impl std::ops::DerefMut for World {
    fn deref_mut(&mut self) -> &mut Harness {
        &mut self.0
    }
}

impl World {
    fn new() -> World {
        World(Harness::new(T0))
    }

    /// Validate and run `op` as `account`, like the server does.
    fn call(&mut self, account: &str, op: &str, input: Value) -> Result<Value, ApiError> {
        self.0.run(account, op, input)
    }

    fn ok(&mut self, account: &str, op: &str, input: Value) -> Value {
        self.call(account, op, input.clone()).unwrap_or_else(|e| panic!("{op} {input} failed: {e}"))
    }

    fn err(&mut self, account: &str, op: &str, input: Value) -> ApiError {
        match self.call(account, op, input) {
            Ok(v) => panic!("{op} succeeded unexpectedly: {v}"),
            Err(e) => e,
        }
    }
}

fn reason(e: &ApiError) -> (&'static str, &'static str) {
    (e.kind.type_name(), e.reason.unwrap_or("-"))
}

fn create_input(catalog: &str, name: &str, email: &str, code: &str) -> Value {
    json!({
        "Catalog": catalog, "LegalName": name, "PrimarySolutionType": "SOFTWARE_PRODUCTS",
        "AllianceLeadContact": {"FirstName": "Ada", "LastName": "L", "Email": email, "BusinessTitle": "CTO"},
        "EmailVerificationCode": code
    })
}

fn task_details(name: &str) -> Value {
    json!({"DisplayName": name, "Description": "About us", "WebsiteUrl": "https://x.example",
           "LogoUrl": "https://x.example/logo.png", "PrimarySolutionType": "CONSULTING_SERVICES",
           "IndustrySegments": ["SOFTWARE_INTERNET"], "TranslationSourceLocale": "en-US"})
}

#[test]
fn partner_story_in_sandbox() {
    let mut w = World::new();
    let p = w.ok(A, "CreatePartner", create_input("Sandbox", "Alpha", "a@alpha.example", "000000"));
    let id = p["Id"].as_str().unwrap().to_string();
    assert_eq!(p["Arn"], format!("arn:aws:partnercentral:us-east-1:{A}:catalog/Sandbox/partner/{id}"));
    assert_eq!(p["Profile"]["DisplayName"], "Alpha");
    assert_eq!(p["Profile"]["WebsiteUrl"], "https://example.invalid");
    assert!(p["Profile"].get("ProfileId").is_none());
    assert_eq!(p["AllianceLeadContact"]["Email"], "a@alpha.example");
    assert_eq!(p["CreatedAt"], "2027-01-15T08:00:00.000Z");

    // Before publication: no task, no visibility.
    let e = w.err(A, "GetProfileUpdateTask", json!({"Catalog": "Sandbox", "Identifier": id}));
    assert_eq!(reason(&e), ("ResourceNotFoundException", "PARTNER_PROFILE_TASK_NOT_FOUND"));
    let e = w.err(A, "GetProfileVisibility", json!({"Catalog": "Sandbox", "Identifier": id}));
    assert_eq!(reason(&e), ("ResourceNotFoundException", "PARTNER_PROFILE_NOT_FOUND"));

    let t = w.ok(
        A,
        "StartProfileUpdateTask",
        json!({"Catalog": "Sandbox", "Identifier": id, "TaskDetails": task_details("Alpha Cloud")}),
    );
    assert_eq!(t["Status"], "IN_PROGRESS");
    assert_eq!(t["Arn"], p["Arn"]);
    assert!(t.get("EndedAt").is_none());
    let g = w.ok(A, "GetProfileUpdateTask", json!({"Catalog": "Sandbox", "Identifier": p["Arn"]}));
    assert_eq!(g["Status"], "SUCCEEDED");
    assert_eq!(g["EndedAt"], g["StartedAt"]);
    let got = w.ok(A, "GetPartner", json!({"Catalog": "Sandbox", "Identifier": id}));
    assert_eq!(got["Profile"]["DisplayName"], "Alpha Cloud");
    assert!(got["Profile"]["ProfileId"].as_str().unwrap().starts_with("pprofile-"));
    assert!(got.get("AllianceLeadContact").is_none());

    let v = w.ok(A, "GetProfileVisibility", json!({"Catalog": "Sandbox", "Identifier": id}));
    assert_eq!(v["Visibility"], "PUBLIC");
    assert_eq!(v["ProfileId"], got["Profile"]["ProfileId"]);
    let v = w.ok(A, "PutProfileVisibility", json!({"Catalog": "Sandbox", "Identifier": id, "Visibility": "PRIVATE"}));
    assert_eq!(v["Visibility"], "PRIVATE");

    // Isolation: B sees neither the partner nor it in lists.
    for ident in [json!(id), p["Arn"].clone()] {
        let e = w.err(B, "GetPartner", json!({"Catalog": "Sandbox", "Identifier": ident}));
        assert_eq!(reason(&e), ("ResourceNotFoundException", "PARTNER_NOT_FOUND"));
    }
    assert_eq!(w.ok(B, "ListPartners", json!({"Catalog": "Sandbox"})), json!({"PartnerSummaryList": []}));
    assert_eq!(w.ok(A, "ListPartners", json!({"Catalog": "Sandbox"}))["PartnerSummaryList"][0]["Id"], json!(id));
    // The other catalog is separate.
    assert_eq!(w.ok(A, "ListPartners", json!({"Catalog": "AWS"})), json!({"PartnerSummaryList": []}));
    let e = w.err(A, "GetPartner", json!({"Catalog": "AWS", "Identifier": id}));
    assert_eq!(reason(&e), ("ResourceNotFoundException", "PARTNER_NOT_FOUND"));
}

#[test]
fn duplicates_are_conflicts_and_change_nothing() {
    let mut w = World::new();
    w.ok(A, "CreatePartner", create_input("Sandbox", "Alpha", "a@alpha.example", "000000"));
    let e = w.err(A, "CreatePartner", create_input("Sandbox", "Another", "a@alpha.example", "000000"));
    assert_eq!(reason(&e), ("ConflictException", "DUPLICATE_PARTNER"));
    let e = w.err(B, "CreatePartner", create_input("Sandbox", "ALPHA", "b@beta.example", "000000"));
    assert_eq!(reason(&e), ("ConflictException", "DUPLICATE_PARTNER"));
    assert_eq!(w.ok(B, "ListPartners", json!({"Catalog": "Sandbox"})), json!({"PartnerSummaryList": []}));
    // The same legal name is fine in the other catalog... once the code is right.
    w.ok(B, "SendEmailVerificationCode", json!({"Catalog": "AWS", "Email": "b@beta.example"}));
    let e = w.err(B, "CreatePartner", create_input("AWS", "Alpha", "b@beta.example", "999999"));
    assert_eq!(reason(&e), ("ValidationException", "REQUEST_VALIDATION_FAILED"));
}

#[test]
fn aws_catalog_codes_are_single_use_and_expire() {
    let mut w = World::new();
    // About codes, not verification (covered in account_tools.rs).
    w.settings.require_verification_for_aws_catalog = false;
    w.ok(A, "SendEmailVerificationCode", json!({"Catalog": "AWS", "Email": "Ada@Alpha.example"}));
    let code = read(w.store.get(), |tx| Ok(tx.outbox(Some("ada@alpha.example"))?)).unwrap()[0].code.clone().unwrap();
    let e = w.err(A, "CreatePartner", create_input("AWS", "Alpha", "ada@alpha.example", "000000"));
    assert_eq!(e.body()["ErrorDetails"][0]["FieldValidationError"]["Name"], "EmailVerificationCode");
    w.ok(A, "CreatePartner", create_input("AWS", "Alpha", "ada@alpha.example", &code));
    // Used once: B cannot reuse it.
    let e = w.err(B, "CreatePartner", create_input("AWS", "Beta", "ada@alpha.example", &code));
    assert_eq!(e.body()["ErrorDetails"][0]["FieldValidationError"]["Code"], "INVALID_VALUE");
    // A fresh code expires after 30 minutes of service time.
    w.ok(B, "SendEmailVerificationCode", json!({"Catalog": "AWS", "Email": "b@beta.example"}));
    let code = read(w.store.get(), |tx| Ok(tx.outbox(Some("b@beta.example"))?)).unwrap()[0].code.clone().unwrap();
    w.advance(31 * 60 * 1000);
    let e = w.err(B, "CreatePartner", create_input("AWS", "Beta", "b@beta.example", &code));
    assert_eq!(reason(&e), ("ValidationException", "REQUEST_VALIDATION_FAILED"));
}

#[test]
fn email_code_quota_counts_a_rolling_day_in_catalog_aws_only() {
    let mut w = World::new();
    let send = |c: &str| json!({"Catalog": c, "Email": "q@quota.example"});
    for _ in 0..5 {
        w.ok(A, "SendEmailVerificationCode", send("AWS"));
    }
    let e = w.err(A, "SendEmailVerificationCode", send("AWS"));
    assert_eq!(reason(&e), ("ServiceQuotaExceededException", "LIMIT_EXCEEDED_NUMBER_OF_EMAIL"));
    for _ in 0..10 {
        w.ok(A, "SendEmailVerificationCode", send("Sandbox"));
    }
    w.advance(24 * 3600 * 1000 + 1);
    w.ok(A, "SendEmailVerificationCode", send("AWS"));
}

#[test]
fn profile_tasks_conflict_cancel_and_quota() {
    let mut w = World::new();
    w.settings.profile_task_delay_seconds = 3600;
    let id = w.ok(A, "CreatePartner", create_input("Sandbox", "Alpha", "a@alpha.example", "000000"))["Id"].clone();
    let start = json!({"Catalog": "Sandbox", "Identifier": id, "TaskDetails": task_details("One")});
    let t1 = w.ok(A, "StartProfileUpdateTask", start.clone());
    let e = w.err(A, "StartProfileUpdateTask", start.clone());
    assert_eq!(reason(&e), ("ConflictException", "INCOMPATIBLE_PARTNER_PROFILE_TASK_STATE"));
    let e = w.err(
        A,
        "CancelProfileUpdateTask",
        json!({"Catalog": "Sandbox", "Identifier": id, "TaskId": "pprofiletask-0000000000000"}),
    );
    assert_eq!(reason(&e), ("ResourceNotFoundException", "PARTNER_PROFILE_TASK_NOT_FOUND"));
    let c = w.ok(A, "CancelProfileUpdateTask", json!({"Catalog": "Sandbox", "Identifier": id, "TaskId": t1["TaskId"]}));
    assert_eq!(c["Status"], "CANCELED");
    assert!(c["EndedAt"].is_string());
    let e =
        w.err(A, "CancelProfileUpdateTask", json!({"Catalog": "Sandbox", "Identifier": id, "TaskId": t1["TaskId"]}));
    assert_eq!(reason(&e), ("ConflictException", "INCOMPATIBLE_PARTNER_PROFILE_TASK_STATE"));
    // A cancelled task publishes nothing.
    let p = w.ok(A, "GetPartner", json!({"Catalog": "Sandbox", "Identifier": id}));
    assert!(p["Profile"].get("ProfileId").is_none());
    // An hour later the next task succeeds on its own.
    w.ok(A, "StartProfileUpdateTask", start.clone());
    w.advance(3600 * 1000);
    assert_eq!(w.ok(A, "GetProfileUpdateTask", json!({"Catalog": "Sandbox", "Identifier": id}))["Status"], "SUCCEEDED");
    // Quota: 10 starts per rolling day (two used).
    w.settings.profile_task_delay_seconds = 0;
    for _ in 0..8 {
        w.ok(A, "StartProfileUpdateTask", start.clone());
    }
    let e = w.err(A, "StartProfileUpdateTask", start);
    assert_eq!(reason(&e), ("ServiceQuotaExceededException", "LIMIT_EXCEEDED_NUMBER_OF_PROFILE_UPDATE_PER_DAY"));
}

#[test]
fn headquarters_is_kept_by_tasks_without_it() {
    let mut w = World::new();
    let id = w.ok(A, "CreatePartner", create_input("Sandbox", "Alpha", "a@alpha.example", "000000"))["Id"].clone();
    let mut details = task_details("One");
    details["Headquarters"] = json!({"CountryCode": "BR", "SubdivisionCode": "SP"});
    w.ok(A, "StartProfileUpdateTask", json!({"Catalog": "Sandbox", "Identifier": id, "TaskDetails": details}));
    let t = w.ok(
        A,
        "StartProfileUpdateTask",
        json!({"Catalog": "Sandbox", "Identifier": id, "TaskDetails": task_details("Two")}),
    );
    assert!(t["TaskDetails"].get("Headquarters").is_none());
    let p = w.ok(A, "GetPartner", json!({"Catalog": "Sandbox", "Identifier": id}));
    assert_eq!(p["Profile"]["DisplayName"], "Two");
    assert_eq!(p["Profile"]["Headquarters"], json!({"CountryCode": "BR", "SubdivisionCode": "SP"}));
}

#[test]
fn visibility_quota_is_five_a_day() {
    let mut w = World::new();
    let id = w.ok(A, "CreatePartner", create_input("Sandbox", "Alpha", "a@alpha.example", "000000"))["Id"].clone();
    w.ok(
        A,
        "StartProfileUpdateTask",
        json!({"Catalog": "Sandbox", "Identifier": id, "TaskDetails": task_details("One")}),
    );
    let put = json!({"Catalog": "Sandbox", "Identifier": id, "Visibility": "PUBLIC"});
    for _ in 0..5 {
        w.ok(A, "PutProfileVisibility", put.clone());
    }
    let e = w.err(A, "PutProfileVisibility", put.clone());
    assert_eq!(
        reason(&e),
        ("ServiceQuotaExceededException", "LIMIT_EXCEEDED_NUMBER_OF_PROFILE_VISIBILITY_UPDATE_PER_DAY")
    );
    w.advance(24 * 3600 * 1000 + 1);
    w.ok(A, "PutProfileVisibility", put);
}

#[test]
fn client_tokens_replay_or_conflict_and_replays_do_not_count() {
    let mut w = World::new();
    let mut input = create_input("Sandbox", "Alpha", "a@alpha.example", "000000");
    input["ClientToken"] = json!("token-1");
    let first = w.ok(A, "CreatePartner", input.clone());
    assert_eq!(w.ok(A, "CreatePartner", input.clone()), first);
    input["LegalName"] = json!("Alpha Two");
    let e = w.err(A, "CreatePartner", input.clone());
    assert_eq!(reason(&e), ("ConflictException", "CONFLICT_CLIENT_TOKEN"));
    // Another account may use the same token independently.
    w.ok(B, "CreatePartner", input);

    let start = json!({"Catalog": "Sandbox", "Identifier": first["Id"], "TaskDetails": task_details("One"), "ClientToken": "t"});
    let t1 = w.ok(A, "StartProfileUpdateTask", start.clone());
    // Twelve replays: more than the daily quota of 10, and none of them counts.
    for _ in 0..12 {
        assert_eq!(w.ok(A, "StartProfileUpdateTask", start.clone()), t1);
    }
    // After the retention window the same token starts a new task.
    w.advance(24 * 3600 * 1000 + 1);
    let again = w.ok(A, "StartProfileUpdateTask", start);
    assert_ne!(again["TaskId"], t1["TaskId"]);
}

#[test]
fn rejected_requests_change_nothing_and_state_survives_reopen() {
    let mut w = World::new();
    let p = w.ok(A, "CreatePartner", create_input("Sandbox", "Alpha", "a@alpha.example", "000000"));
    let before = w.ok(A, "GetPartner", json!({"Catalog": "Sandbox", "Identifier": p["Id"]}));
    // A rejected task start (bad details) and a conflicting create write nothing.
    let mut bad = task_details("X");
    bad["LogoUrl"] = json!("http://insecure.example/logo.png");
    let e =
        w.err(A, "StartProfileUpdateTask", json!({"Catalog": "Sandbox", "Identifier": p["Id"], "TaskDetails": bad}));
    assert_eq!(e.body()["ErrorDetails"][0]["FieldValidationError"]["Name"], "TaskDetails.LogoUrl");
    w.err(A, "CreatePartner", create_input("Sandbox", "Alpha 2", "a@alpha.example", "000000"));
    let e = w.err(A, "GetProfileUpdateTask", json!({"Catalog": "Sandbox", "Identifier": p["Id"]}));
    assert_eq!(reason(&e), ("ResourceNotFoundException", "PARTNER_PROFILE_TASK_NOT_FOUND"));
    assert_eq!(w.ok(A, "GetPartner", json!({"Catalog": "Sandbox", "Identifier": p["Id"]})), before);
    // Reopen the store: everything acknowledged is there.
    w.reopen();
    assert_eq!(w.ok(A, "GetPartner", json!({"Catalog": "Sandbox", "Identifier": p["Id"]})), before);
}
