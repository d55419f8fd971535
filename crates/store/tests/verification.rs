//! Business and registrant verification, and the check CreatePartner makes
//! in catalog AWS (docs/behaviour.md#verification, #partners).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::records::VerificationOutcome;
use pcentral_core::tools::ToolError;
use pcentral_core::verification::complete_by_token;
use pcentral_model::account::{VerificationStatus, VerificationType};
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000; // 2026-05-28T20:26:40Z
const BUSINESS: VerificationType = VerificationType::BusinessVerification;
const REGISTRANT: VerificationType = VerificationType::RegistrantVerification;

fn business_details(legal_name: &str) -> Value {
    json!({"VerificationDetails": {"BusinessVerificationDetails": {"LegalName": legal_name, "RegistrationId": "REG-1", "CountryCode": "BR"}}})
}

fn registrant_details() -> Value {
    json!({"VerificationDetails": {"RegistrantVerificationDetails": {}}})
}

fn of_type(kind: VerificationType) -> Value {
    json!({"VerificationType": kind})
}

fn status(h: &mut Harness, account: &str, kind: VerificationType) -> String {
    h.ok(account, "GetVerification", of_type(kind))["VerificationStatus"].as_str().unwrap().to_string()
}

#[test]
fn without_a_verification_there_is_nothing_to_get_and_start_needs_details() {
    let mut h = Harness::new(START);
    for kind in [BUSINESS, REGISTRANT] {
        assert_eq!(h.refused(A, "GetVerification", of_type(kind)), not_found("VERIFICATION_NOT_FOUND"), "{kind:?}");
    }
    let refused = h.refused(A, "StartVerification", json!({}));
    assert_eq!(refused, invalid("VerificationDetails", "REQUIRED_FIELD_MISSING"));
}

#[test]
fn business_verification_succeeds_at_its_due_time() {
    let mut h = Harness::new(START);
    h.settings.verification_delay_seconds = 60;
    let started = h.ok(A, "StartVerification", business_details("Alpha Ltd"));
    assert_eq!(started["VerificationType"], "BUSINESS_VERIFICATION");
    assert_eq!(started["VerificationStatus"], "IN_PROGRESS");
    let details = &started["VerificationResponseDetails"]["BusinessVerificationResponse"];
    assert_eq!(details["BusinessVerificationDetails"]["LegalName"], "Alpha Ltd");
    assert!(started.get("CompletedAt").is_none());
    let busy = h.refused(A, "StartVerification", business_details("Alpha Ltd"));
    assert_eq!(busy, conflict("VERIFICATION_ALREADY_IN_PROGRESS"));
    assert_eq!(status(&mut h, A, BUSINESS), "IN_PROGRESS");
    // Verification belongs to the account: B has none.
    assert_eq!(h.refused(B, "GetVerification", of_type(BUSINESS)), not_found("VERIFICATION_NOT_FOUND"));

    h.advance(MINUTE);
    let done = h.ok(A, "GetVerification", of_type(BUSINESS));
    assert_eq!(done["VerificationStatus"], "SUCCEEDED");
    assert_eq!(done["StartedAt"], started["StartedAt"]);
    assert_eq!(done["CompletedAt"], "2026-05-28T20:27:40.000Z");
    let verified = h.refused(A, "StartVerification", business_details("Alpha Ltd"));
    assert_eq!(verified, conflict("ACCOUNT_ALREADY_VERIFIED"));
}

#[test]
fn a_forced_rejection_may_be_restarted_and_the_new_attempt_replaces_it() {
    let mut h = Harness::new(START);
    h.force_verification(B, BUSINESS, VerificationOutcome::Rejected, None);
    let rejected = h.ok(B, "GetVerification", of_type(BUSINESS));
    assert_eq!(rejected["VerificationStatus"], "REJECTED");
    assert!(rejected["VerificationStatusReason"].is_string());
    assert!(rejected["CompletedAt"].is_string());
    assert_eq!(h.ok(B, "StartVerification", business_details("Beta"))["VerificationStatus"], "IN_PROGRESS");
    assert_eq!(status(&mut h, B, BUSINESS), "SUCCEEDED");
}

// ---------------------------------------------------------------- registrant

/// A started a registrant verification: (harness, the completion URL, the URL's prefix before the token).
fn registrant_started() -> (Harness, String, String) {
    let mut h = Harness::new(START);
    let started = h.ok(A, "StartVerification", registrant_details());
    assert_eq!(started["VerificationStatus"], "PENDING_CUSTOMER_ACTION");
    let details = &started["VerificationResponseDetails"]["RegistrantVerificationResponse"];
    assert_eq!(details["CompletionUrlExpiresAt"], "2026-05-29T20:26:40.000Z");
    let url = details["CompletionUrl"].as_str().unwrap().to_string();
    let prefix = format!("{ENDPOINT}/_pcentral/verification/complete/");
    assert!(url.starts_with(&prefix), "{url}");
    (h, url, prefix)
}

#[test]
fn registrant_verification_waits_for_the_customer() {
    let (mut h, _, _) = registrant_started();
    assert_eq!(h.refused(A, "StartVerification", registrant_details()), conflict("VERIFICATION_ALREADY_IN_PROGRESS"));
    h.advance(HOUR);
    assert_eq!(status(&mut h, A, REGISTRANT), "PENDING_CUSTOMER_ACTION");
}

#[test]
fn opening_the_completion_url_completes_the_customers_part_once() {
    let (mut h, url, prefix) = registrant_started();
    let token = &url[prefix.len()..];
    let opened = h.complete_verification(token).unwrap();
    assert_eq!(opened.state.status, VerificationStatus::Succeeded);
    let got = h.ok(A, "GetVerification", of_type(REGISTRANT));
    assert_eq!(got["VerificationStatus"], "SUCCEEDED");
    assert_eq!(got["VerificationResponseDetails"]["RegistrantVerificationResponse"]["CompletionUrl"], url.as_str());
    let used = h.tool_refused(|t| complete_by_token(t.tx, token, t.now, &t.settings));
    assert!(matches!(used, ToolError::Conflict(_)), "{used:?}");
    let unknown = h.tool_refused(|t| complete_by_token(t.tx, "nope", t.now, &t.settings));
    assert!(matches!(unknown, ToolError::NotFound(_)), "{unknown:?}");
    assert_eq!(h.refused(A, "StartVerification", registrant_details()), conflict("ACCOUNT_ALREADY_VERIFIED"));
}

#[test]
fn an_unopened_completion_url_fails_when_it_expires_and_may_be_restarted() {
    let mut h = Harness::new(START);
    h.ok(B, "StartVerification", registrant_details());
    h.advance(24 * HOUR);
    let expired = h.ok(B, "GetVerification", of_type(REGISTRANT));
    assert_eq!(expired["VerificationStatus"], "FAILED");
    assert!(expired["VerificationStatusReason"].as_str().unwrap().contains("expired"));
    let again = h.ok(B, "StartVerification", registrant_details());
    assert_eq!(again["VerificationStatus"], "PENDING_CUSTOMER_ACTION");
    assert_ne!(again["VerificationResponseDetails"], expired["VerificationResponseDetails"]);
}

// ---------------------------------------------------------------- CreatePartner in catalog AWS

/// A's CreatePartner input for catalog AWS with a code just sent.
fn create_in_aws(h: &mut Harness, legal_name: &str) -> Value {
    let code = h.email_code(A, AWS, "lead@alpha.example");
    partner_input(AWS, legal_name, "lead@alpha.example", &code)
}

#[test]
fn create_partner_in_catalog_aws_needs_both_verifications_succeeded() {
    let mut h = Harness::new(START);
    let input = create_in_aws(&mut h, "Alpha Ltd");
    assert_eq!(h.refused(A, "CreatePartner", input.clone()), business("INCOMPATIBLE_KNOW_YOUR_BUSINESS_STATUS"));
    h.ok(A, "StartVerification", business_details("Alpha Ltd"));
    let identity = business("INCOMPATIBLE_IDENTITY_VERIFICATION_STATUS");
    assert_eq!(h.refused(A, "CreatePartner", input.clone()), identity, "no registrant verification");
    h.ok(A, "StartVerification", registrant_details());
    assert_eq!(h.refused(A, "CreatePartner", input.clone()), identity, "registrant verification pending");
    h.force_verification(A, REGISTRANT, VerificationOutcome::Succeeded, None);
    // The refusals rolled back: the code is still good.
    h.ok(A, "CreatePartner", input);
}

#[test]
fn create_partner_in_catalog_aws_needs_the_verified_legal_name() {
    let mut h = Harness::new(START);
    h.ok(A, "StartVerification", business_details("Alpha Ltd"));
    h.force_verification(A, REGISTRANT, VerificationOutcome::Succeeded, None);
    let other = create_in_aws(&mut h, "Alpha Holdings");
    assert_eq!(h.refused(A, "CreatePartner", other), business("INCOMPATIBLE_LEGAL_NAME"));
    let input = create_in_aws(&mut h, "alpha ltd");
    assert_eq!(h.ok(A, "CreatePartner", input)["LegalName"], "alpha ltd");
}

#[test]
fn verifications_forced_with_the_legal_name_open_catalog_aws() {
    let mut h = Harness::new(START);
    h.force_verification(B, BUSINESS, VerificationOutcome::Succeeded, Some("Beta"));
    h.force_verification(B, REGISTRANT, VerificationOutcome::Succeeded, None);
    assert_eq!(status(&mut h, B, REGISTRANT), "SUCCEEDED");
    h.create_partner_in(B, AWS, "Beta", "lead@beta.example");
}

#[test]
fn sandbox_never_checks_verification_and_the_setting_switches_the_aws_check_off() {
    let mut h = Harness::new(START);
    h.create_partner_in(C, SANDBOX, "Gamma", "lead@gamma.example");
    h.settings.require_verification_for_aws_catalog = false;
    h.create_partner_in(C, AWS, "Gamma", "lead@gamma.example");
}
