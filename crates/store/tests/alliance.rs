//! The alliance lead contact (docs/behaviour.md#alliance-lead-contact):
//! GetAllianceLeadContact and PutAllianceLeadContact, with the email code a
//! new address needs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000; // 2026-05-28T20:26:40Z

fn contact(first: &str, email: &str) -> Value {
    json!({"FirstName": first, "LastName": "Ko", "Email": email, "BusinessTitle": "VP"})
}

fn put_lead(catalog: &str, partner: &Value, lead: &Value, code: Option<&str>) -> Value {
    let mut input = json!({"Catalog": catalog, "Identifier": partner, "AllianceLeadContact": lead});
    if let Some(code) = code {
        input["EmailVerificationCode"] = json!(code);
    }
    input
}

#[test]
fn get_alliance_lead_contact_answers_the_partners_contact() {
    let mut h = Harness::new(START);
    let p = h.create_alpha();
    let got = h.ok(A, "GetAllianceLeadContact", json!({"Catalog": SANDBOX, "Identifier": p["Arn"]}));
    assert_eq!(got["Arn"], p["Arn"]);
    assert_eq!(got["Id"], p["Id"]);
    assert_eq!(got["AllianceLeadContact"]["Email"], "lead@alpha.example");
}

#[test]
fn a_case_only_email_change_needs_no_code_and_the_contact_is_replaced() {
    let mut h = Harness::new(START);
    let id = h.create_alpha()["Id"].clone();
    let same = json!({"FirstName": "Bea", "LastName": "Ng", "Email": "LEAD@alpha.example", "BusinessTitle": "CEO"});
    let put = h.ok(A, "PutAllianceLeadContact", put_lead(SANDBOX, &id, &same, None));
    assert_eq!(put["AllianceLeadContact"], same);
    let got = h.ok(A, "GetAllianceLeadContact", json!({"Catalog": SANDBOX, "Identifier": id}));
    assert_eq!(got["AllianceLeadContact"], same);
}

#[test]
fn a_new_email_needs_a_code_any_six_digits_in_sandbox() {
    let mut h = Harness::new(START);
    let id = h.create_alpha()["Id"].clone();
    let new = contact("Cy", "cy@alpha.example");
    let refused = h.refused(A, "PutAllianceLeadContact", put_lead(SANDBOX, &id, &new, None));
    assert_eq!(refused, invalid("EmailVerificationCode", "REQUIRED_FIELD_MISSING"));
    h.ok(A, "PutAllianceLeadContact", put_lead(SANDBOX, &id, &new, Some("999999")));
}

#[test]
fn alliance_lead_of_an_unknown_foreign_or_other_catalog_partner_is_not_found() {
    let mut h = Harness::new(START);
    let id = h.create_alpha()["Id"].clone();
    let new = contact("Cy", "cy@alpha.example");
    for (who, catalog, partner) in
        [(A, SANDBOX, json!("partner-0000000000000")), (B, SANDBOX, id.clone()), (A, AWS, id)]
    {
        for (op, input) in [
            ("GetAllianceLeadContact", json!({"Catalog": catalog, "Identifier": partner})),
            ("PutAllianceLeadContact", put_lead(catalog, &partner, &new, None)),
        ] {
            assert_eq!(h.refused(who, op, input), not_found("PARTNER_NOT_FOUND"), "{op} by {who} in {catalog}");
        }
    }
}

#[test]
fn a_new_email_in_catalog_aws_needs_the_code_sent_to_it() {
    let mut h = codes_only(START);
    let id = h.create_partner_in(A, AWS, "Alpha", "lead@alpha.example")["Id"].clone();
    let new = contact("Cy", "cy@alpha.example");
    let code = h.email_code(A, AWS, "cy@alpha.example");
    let wrong = put_lead(AWS, &id, &new, Some(other_than(&code)));
    assert_eq!(h.refused(A, "PutAllianceLeadContact", wrong), invalid("EmailVerificationCode", "INVALID_VALUE"));
    h.ok(A, "PutAllianceLeadContact", put_lead(AWS, &id, &new, Some(&code)));
}

#[test]
fn an_alliance_lead_code_is_single_use() {
    let mut h = codes_only(START);
    let id = h.create_partner_in(A, AWS, "Alpha", "lead@alpha.example")["Id"].clone();
    let code = h.email_code(A, AWS, "cy@alpha.example");
    h.ok(A, "PutAllianceLeadContact", put_lead(AWS, &id, &contact("Cy", "cy@alpha.example"), Some(&code)));
    // Changing away and back needs a new code.
    let back = put_lead(AWS, &id, &contact("Cy", "lead@alpha.example"), Some(&code));
    assert_eq!(h.refused(A, "PutAllianceLeadContact", back), invalid("EmailVerificationCode", "INVALID_VALUE"));
}
