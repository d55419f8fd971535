//! Partner registration (docs/behaviour.md#partners,
//! #email-verification-codes, #isolation): CreatePartner, GetPartner and
//! ListPartners, and the email codes catalog AWS checks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::json;

const START: i64 = 1_800_000_000_000; // 2027-01-15T08:00:00Z

#[test]
fn create_partner_answers_the_draft_and_the_alliance_lead() {
    let (_, p) = alpha_draft(START);
    let id = p["Id"].as_str().unwrap();
    assert_eq!(p["Arn"], format!("arn:aws:partnercentral:us-east-1:{A}:catalog/Sandbox/partner/{id}"));
    assert_eq!(p["Profile"]["DisplayName"], "Alpha");
    assert_eq!(p["Profile"]["WebsiteUrl"], "https://example.invalid");
    assert!(p["Profile"].get("ProfileId").is_none());
    assert_eq!(p["AllianceLeadContact"]["Email"], "a@alpha.example");
    assert_eq!(p["CreatedAt"], "2027-01-15T08:00:00.000Z");
}

#[test]
fn other_accounts_and_the_other_catalog_see_nothing() {
    let (mut h, p) = alpha_draft(START);
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
    let (mut h, _) = alpha_draft(START);
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
    let (mut h, _) = alpha_draft(START);
    h.ok(B, "SendEmailVerificationCode", json!({"Catalog": AWS, "Email": "b@beta.example"}));
    let input = partner_input(AWS, "Alpha", "b@beta.example", "999999");
    assert_eq!(h.refused(B, "CreatePartner", input), invalid("EmailVerificationCode", "INVALID_VALUE"));
}

#[test]
fn rejected_requests_change_nothing_and_state_survives_reopen() {
    let (mut h, p) = alpha_draft(START);
    let before = h.ok(A, "GetPartner", on_partner(&p));
    let mut bad = start_task(&p, "X");
    bad["TaskDetails"]["LogoUrl"] = json!("http://insecure.example/logo.png");
    let cases = [
        ("StartProfileUpdateTask", bad, invalid("TaskDetails.LogoUrl", "INVALID_STRING_FORMAT")),
        (
            "CreatePartner",
            partner_input(SANDBOX, "Alpha 2", "a@alpha.example", "000000"),
            conflict("DUPLICATE_PARTNER"),
        ),
        ("GetProfileUpdateTask", on_partner(&p), not_found("PARTNER_PROFILE_TASK_NOT_FOUND")),
    ];
    for (op, input, expected) in cases {
        assert_eq!(h.refused(A, op, input), expected, "{op}");
    }
    assert_eq!(h.ok(A, "GetPartner", on_partner(&p)), before);
    h.reopen();
    assert_eq!(h.ok(A, "GetPartner", on_partner(&p)), before, "everything acknowledged is there after reopening");
}

// ---------------------------------------------------------------- email codes (catalog AWS)

#[test]
fn aws_codes_must_be_the_one_sent_and_are_single_use() {
    let mut h = codes_only(START);
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
    let mut h = codes_only(START);
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
