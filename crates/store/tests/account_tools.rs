//! The account tools (alliance lead, training domains, verification, tags)
//! and qualifications association, driven through `pcentral_core::execute`
//! over a real SQLite store. Every expected failure is also checked to leave
//! the database exactly as it was.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Harness, ENDPOINT};
use pcentral_core::settings::SubsidiaryCancel;
use pcentral_core::verification;
use pcentral_model::ApiError;
use serde_json::{json, Value};

const A: &str = "111111111111";
const B: &str = "222222222222";
const C: &str = "333333333333";
const SB: &str = "Sandbox";
const HOUR: i64 = 3600 * 1000;
const START: i64 = 1_780_000_000_000;

struct T(Harness);

impl std::ops::Deref for T {
    type Target = Harness;
    fn deref(&self) -> &Harness {
        &self.0
    }
}

impl std::ops::DerefMut for T {
    fn deref_mut(&mut self) -> &mut Harness {
        &mut self.0
    }
}

/// An error as the client sees it: type, reason, and the first detail's name and code.
#[derive(Debug, PartialEq)]
struct Seen {
    kind: &'static str,
    reason: String,
    detail: (String, String),
}

fn seen(e: &ApiError) -> Seen {
    let body = e.body();
    let d = &body["ErrorDetails"][0];
    let detail = match (d.get("FieldValidationError"), d.get("BusinessValidationError")) {
        (Some(f), _) => (f["Name"].as_str().unwrap().to_string(), f["Code"].as_str().unwrap().to_string()),
        (_, Some(b)) => (String::new(), b["Code"].as_str().unwrap().to_string()),
        _ => (String::new(), String::new()),
    };
    Seen { kind: e.kind.type_name(), reason: e.reason.unwrap_or("-").to_string(), detail }
}

impl T {
    fn new() -> T {
        T(Harness::new(START))
    }

    fn ok(&mut self, account: &str, op: &str, input: Value) -> Value {
        self.0.run(account, op, input.clone()).unwrap_or_else(|e| panic!("{op} {input} by {account}: {e}"))
    }

    /// Expect `op` to fail with `kind`/`reason` (and, when given, the detail
    /// code), and to change nothing in the database.
    fn fail(&mut self, account: &str, op: &str, input: Value, kind: &str, reason: &str, code: &str) -> Seen {
        let before = self.snapshot();
        let e = match self.0.run(account, op, input.clone()) {
            Ok(v) => panic!("{op} {input} by {account} succeeded: {v}"),
            Err(e) => seen(&e),
        };
        assert_eq!((e.kind, e.reason.as_str()), (kind, reason), "{op} {input}: {e:?}");
        if !code.is_empty() {
            assert_eq!(e.detail.1, code, "{op} {input}: {e:?}");
        }
        assert_eq!(before, self.snapshot(), "{op} that failed changed the database");
        e
    }

    fn partner(&mut self, account: &str, catalog: &str, legal_name: &str, email: &str) -> Value {
        let code = self.code_for(catalog, email);
        self.ok(
            account,
            "CreatePartner",
            json!({"Catalog": catalog, "LegalName": legal_name, "PrimarySolutionType": "SOFTWARE_PRODUCTS",
                   "AllianceLeadContact": {"FirstName": "Ana", "LastName": "Lee", "Email": email, "BusinessTitle": "Lead"},
                   "EmailVerificationCode": code}),
        )
    }

    /// A code for `email`: any 6 digits in Sandbox, the one "sent" in AWS.
    fn code_for(&mut self, catalog: &str, email: &str) -> String {
        if catalog == SB {
            return "000000".into();
        }
        self.ok(A, "SendEmailVerificationCode", json!({"Catalog": catalog, "Email": email}));
        let address = email.to_lowercase();
        self.write(|tx| Ok(tx.outbox(Some(&address))?)).last().unwrap().code.clone().unwrap()
    }

    fn force(&mut self, account: &str, kind: &str, status: &str, legal_name: Option<&str>) -> Value {
        let (now, legal_name) = (self.wall, legal_name.map(str::to_string));
        let mut ids = common::SeqIds(10_000);
        self.write(|tx| verification::force(tx, &mut ids, account, kind, status, None, legal_name.clone(), now))
            .unwrap()
    }

    /// A Sandbox partner for `account` with a published profile: (partner id, profile id).
    fn published(&mut self, account: &str, name: &str) -> (String, String) {
        let p = self.partner(account, SB, name, &format!("lead@{account}.example.com"));
        let id = p["Id"].as_str().unwrap().to_string();
        let profile_id = self.publish_profile(account, SB, &id, name);
        (id, profile_id)
    }

    /// `from` invites `to` (by account id) to a connection of `kind`; `to` accepts. Returns the connection id.
    fn connect(&mut self, from: &str, kind: &str, to: &str, receiver: &str) -> String {
        let inv = self.ok(
            from,
            "CreateConnectionInvitation",
            json!({"Catalog": SB, "ConnectionType": kind, "Email": "ana@example.com", "Message": "Hello",
                   "Name": "Ana Lee", "ReceiverIdentifier": receiver, "ClientToken": format!("c-{from}-{to}-{}-{}", &kind[..3], self.wall)}),
        );
        let accepted = self.ok(
            to,
            "AcceptConnectionInvitation",
            json!({"Catalog": SB, "Identifier": inv["Id"], "ClientToken": format!("a-{from}-{to}-{}-{}", &kind[..3], self.wall)}),
        );
        accepted["Connection"]["Id"].as_str().unwrap().to_string()
    }

    fn details(&mut self, account: &str, partner: &str) -> Value {
        self.ok(account, "GetQualificationsAssociationDetails", json!({"Catalog": SB, "Identifier": partner}))
    }
}

// ---------------------------------------------------------------- alliance lead

#[test]
fn alliance_lead_contact_get_and_put() {
    let mut t = T::new();
    let p = t.partner(A, SB, "Alpha", "lead@alpha.example");
    let id = p["Id"].clone();
    let got = t.ok(A, "GetAllianceLeadContact", json!({"Catalog": SB, "Identifier": p["Arn"]}));
    assert_eq!(got["Arn"], p["Arn"]);
    assert_eq!(got["Id"], id);
    assert_eq!(got["AllianceLeadContact"]["Email"], "lead@alpha.example");

    // The same address in another case needs no code; the rest of the contact is replaced.
    let same = json!({"FirstName": "Bea", "LastName": "Ng", "Email": "LEAD@alpha.example", "BusinessTitle": "CEO"});
    let put = t.ok(A, "PutAllianceLeadContact", json!({"Catalog": SB, "Identifier": id, "AllianceLeadContact": same}));
    assert_eq!(put["AllianceLeadContact"], same);
    assert_eq!(
        t.ok(A, "GetAllianceLeadContact", json!({"Catalog": SB, "Identifier": id}))["AllianceLeadContact"],
        same
    );

    // A new address needs a code; in Sandbox any 6 digits.
    let new = json!({"FirstName": "Cy", "LastName": "Ko", "Email": "cy@alpha.example", "BusinessTitle": "VP"});
    let e = t.fail(
        A,
        "PutAllianceLeadContact",
        json!({"Catalog": SB, "Identifier": id, "AllianceLeadContact": new}),
        "ValidationException",
        "REQUEST_VALIDATION_FAILED",
        "REQUIRED_FIELD_MISSING",
    );
    assert_eq!(e.detail.0, "EmailVerificationCode");
    t.ok(
        A,
        "PutAllianceLeadContact",
        json!({"Catalog": SB, "Identifier": id, "AllianceLeadContact": new, "EmailVerificationCode": "999999"}),
    );

    // Not found: unknown, another account's, or the other catalog.
    for (who, catalog, ident) in [(A, SB, json!("partner-0000000000000")), (B, SB, id.clone()), (A, "AWS", id.clone())]
    {
        t.fail(
            who,
            "GetAllianceLeadContact",
            json!({"Catalog": catalog, "Identifier": ident}),
            "ResourceNotFoundException",
            "PARTNER_NOT_FOUND",
            "",
        );
        t.fail(
            who,
            "PutAllianceLeadContact",
            json!({"Catalog": catalog, "Identifier": ident, "AllianceLeadContact": new}),
            "ResourceNotFoundException",
            "PARTNER_NOT_FOUND",
            "",
        );
    }
}

#[test]
fn alliance_lead_email_change_in_catalog_aws_needs_the_sent_code() {
    let mut t = T::new();
    t.settings.require_verification_for_aws_catalog = false;
    let p = t.partner(A, "AWS", "Alpha", "lead@alpha.example");
    let new = json!({"FirstName": "Cy", "LastName": "Ko", "Email": "cy@alpha.example", "BusinessTitle": "VP"});
    let code = t.code_for("AWS", "cy@alpha.example");
    let wrong = if code == "111111" { "222222" } else { "111111" };
    let e = t.fail(
        A,
        "PutAllianceLeadContact",
        json!({"Catalog": "AWS", "Identifier": p["Id"], "AllianceLeadContact": new, "EmailVerificationCode": wrong}),
        "ValidationException",
        "REQUEST_VALIDATION_FAILED",
        "INVALID_VALUE",
    );
    assert_eq!(e.detail.0, "EmailVerificationCode");
    let put =
        json!({"Catalog": "AWS", "Identifier": p["Id"], "AllianceLeadContact": new, "EmailVerificationCode": code});
    t.ok(A, "PutAllianceLeadContact", put.clone());
    // Single use: changing away and back needs a new code.
    let back = json!({"FirstName": "Cy", "LastName": "Ko", "Email": "lead@alpha.example", "BusinessTitle": "VP"});
    t.fail(
        A,
        "PutAllianceLeadContact",
        json!({"Catalog": "AWS", "Identifier": p["Id"], "AllianceLeadContact": back, "EmailVerificationCode": code}),
        "ValidationException",
        "REQUEST_VALIDATION_FAILED",
        "INVALID_VALUE",
    );
}

// ---------------------------------------------------------------- training domains

fn associate(id: &Value, email: &str, code: &str) -> Value {
    json!({"Catalog": SB, "Identifier": id, "Email": email, "EmailVerificationCode": code})
}

#[test]
fn training_domains_associate_and_disassociate() {
    let mut t = T::new();
    let a = t.partner(A, SB, "Alpha", "lead@alpha.example")["Id"].clone();
    let b = t.partner(B, SB, "Beta", "lead@beta.example")["Id"].clone();
    assert_eq!(
        t.ok(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "ana@Train.Alpha.example", "123456")),
        json!({})
    );
    let got = t.ok(A, "GetPartner", json!({"Catalog": SB, "Identifier": a}));
    let domains = got["AwsTrainingCertificationEmailDomains"].clone();
    assert_eq!(domains, json!([{"DomainName": "train.alpha.example", "RegisteredAt": "2026-05-28T20:26:40.000Z"}]));

    // Again, later, from another address of the same domain: succeeds, nothing changes.
    t.advance(HOUR);
    t.ok(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "bob@train.alpha.example", "123456"));
    assert_eq!(
        t.ok(A, "GetPartner", json!({"Catalog": SB, "Identifier": a}))["AwsTrainingCertificationEmailDomains"],
        domains
    );

    // Free-mail domains and another partner's domain are refused.
    for email in ["me@gmail.com", "me@Outlook.com", "me@proton.me"] {
        t.fail(
            A,
            "AssociateAwsTrainingCertificationEmailDomain",
            associate(&a, email, "123456"),
            "ValidationException",
            "BUSINESS_VALIDATION_FAILED",
            "INCOMPATIBLE_DOMAIN",
        );
    }
    t.fail(
        B,
        "AssociateAwsTrainingCertificationEmailDomain",
        associate(&b, "x@train.alpha.example", "123456"),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "INCOMPATIBLE_DOMAIN",
    );
    // ... but the same domain is free in the other catalog's namespace only for its partners; not found here.
    t.fail(
        A,
        "AssociateAwsTrainingCertificationEmailDomain",
        json!({"Catalog": "AWS", "Identifier": a, "Email": "x@y.example", "EmailVerificationCode": "123456"}),
        "ResourceNotFoundException",
        "PARTNER_NOT_FOUND",
        "",
    );
    t.fail(
        B,
        "AssociateAwsTrainingCertificationEmailDomain",
        associate(&a, "x@beta.example", "123456"),
        "ResourceNotFoundException",
        "PARTNER_NOT_FOUND",
        "",
    );

    // Disassociate compares case-insensitively; a domain not linked is not found.
    t.fail(
        A,
        "DisassociateAwsTrainingCertificationEmailDomain",
        json!({"Catalog": SB, "Identifier": a, "DomainName": "alpha.example"}),
        "ResourceNotFoundException",
        "PARTNER_DOMAIN_NOT_FOUND",
        "",
    );
    t.fail(
        B,
        "DisassociateAwsTrainingCertificationEmailDomain",
        json!({"Catalog": SB, "Identifier": a, "DomainName": "train.alpha.example"}),
        "ResourceNotFoundException",
        "PARTNER_NOT_FOUND",
        "",
    );
    assert_eq!(
        t.ok(
            A,
            "DisassociateAwsTrainingCertificationEmailDomain",
            json!({"Catalog": SB, "Identifier": a, "DomainName": "TRAIN.alpha.example"})
        ),
        json!({})
    );
    assert_eq!(
        t.ok(A, "GetPartner", json!({"Catalog": SB, "Identifier": a}))["AwsTrainingCertificationEmailDomains"],
        json!([])
    );
    // Released: B may now link it.
    t.ok(B, "AssociateAwsTrainingCertificationEmailDomain", associate(&b, "x@train.alpha.example", "123456"));
}

#[test]
fn training_domain_quota_and_codes() {
    let mut t = T::new();
    t.settings.training_domains_per_partner = 2;
    let a = t.partner(A, SB, "Alpha", "lead@alpha.example")["Id"].clone();
    t.ok(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "a@one.example", "123456"));
    t.ok(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "a@two.example", "123456"));
    t.fail(
        A,
        "AssociateAwsTrainingCertificationEmailDomain",
        associate(&a, "a@three.example", "123456"),
        "ServiceQuotaExceededException",
        "LIMIT_EXCEEDED_NUMBER_OF_DOMAIN",
        "",
    );
    // A domain already linked is still fine at the limit.
    t.ok(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "b@two.example", "123456"));

    // Catalog AWS: the code sent to that address.
    t.settings.require_verification_for_aws_catalog = false;
    let aws = t.partner(A, "AWS", "Alpha", "lead@alpha.example")["Id"].clone();
    let input = |code: &str| json!({"Catalog": "AWS", "Identifier": aws, "Email": "t@train.example", "EmailVerificationCode": code});
    let code = t.code_for("AWS", "t@train.example");
    let wrong = if code == "111111" { "222222" } else { "111111" };
    let e = t.fail(
        A,
        "AssociateAwsTrainingCertificationEmailDomain",
        input(wrong),
        "ValidationException",
        "REQUEST_VALIDATION_FAILED",
        "INVALID_VALUE",
    );
    assert_eq!(e.detail.0, "EmailVerificationCode");
    t.ok(A, "AssociateAwsTrainingCertificationEmailDomain", input(&code));
}

// ---------------------------------------------------------------- verification

fn business(name: &str) -> Value {
    json!({"VerificationDetails": {"BusinessVerificationDetails": {"LegalName": name, "RegistrationId": "REG-1", "CountryCode": "BR"}}})
}

fn registrant() -> Value {
    json!({"VerificationDetails": {"RegistrantVerificationDetails": {}}})
}

fn get_verification(kind: &str) -> Value {
    json!({"VerificationType": kind})
}

#[test]
fn business_verification_succeeds_at_its_due_time() {
    let mut t = T::new();
    t.fail(
        A,
        "GetVerification",
        get_verification("BUSINESS_VERIFICATION"),
        "ResourceNotFoundException",
        "VERIFICATION_NOT_FOUND",
        "",
    );
    let e = t.fail(
        A,
        "StartVerification",
        json!({}),
        "ValidationException",
        "REQUEST_VALIDATION_FAILED",
        "REQUIRED_FIELD_MISSING",
    );
    assert_eq!(e.detail.0, "VerificationDetails");

    t.settings.verification_delay_seconds = 60;
    let started = t.ok(A, "StartVerification", business("Alpha Ltd"));
    assert_eq!(started["VerificationType"], "BUSINESS_VERIFICATION");
    assert_eq!(started["VerificationStatus"], "IN_PROGRESS");
    assert_eq!(
        started["VerificationResponseDetails"]["BusinessVerificationResponse"]["BusinessVerificationDetails"]
            ["LegalName"],
        "Alpha Ltd"
    );
    assert!(started.get("CompletedAt").is_none());
    t.fail(A, "StartVerification", business("Alpha Ltd"), "ConflictException", "VERIFICATION_ALREADY_IN_PROGRESS", "");
    assert_eq!(
        t.ok(A, "GetVerification", get_verification("BUSINESS_VERIFICATION"))["VerificationStatus"],
        "IN_PROGRESS"
    );
    // Verification is per account: B has none.
    t.fail(
        B,
        "GetVerification",
        get_verification("BUSINESS_VERIFICATION"),
        "ResourceNotFoundException",
        "VERIFICATION_NOT_FOUND",
        "",
    );

    t.advance(60_000);
    let done = t.ok(A, "GetVerification", get_verification("BUSINESS_VERIFICATION"));
    assert_eq!(done["VerificationStatus"], "SUCCEEDED");
    assert_eq!(done["StartedAt"], started["StartedAt"]);
    assert_eq!(done["CompletedAt"], "2026-05-28T20:27:40.000Z");
    t.fail(A, "StartVerification", business("Alpha Ltd"), "ConflictException", "ACCOUNT_ALREADY_VERIFIED", "");

    // A forced failure may be restarted; the new attempt replaces it.
    t.force(B, "BUSINESS_VERIFICATION", "REJECTED", None);
    let rejected = t.ok(B, "GetVerification", get_verification("BUSINESS_VERIFICATION"));
    assert_eq!(rejected["VerificationStatus"], "REJECTED");
    assert!(rejected["VerificationStatusReason"].is_string());
    assert!(rejected["CompletedAt"].is_string());
    t.settings.verification_delay_seconds = 0;
    assert_eq!(t.ok(B, "StartVerification", business("Beta"))["VerificationStatus"], "IN_PROGRESS");
    assert_eq!(
        t.ok(B, "GetVerification", get_verification("BUSINESS_VERIFICATION"))["VerificationStatus"],
        "SUCCEEDED"
    );
}

#[test]
fn registrant_verification_waits_for_the_completion_url() {
    let mut t = T::new();
    let started = t.ok(A, "StartVerification", registrant());
    assert_eq!(started["VerificationStatus"], "PENDING_CUSTOMER_ACTION");
    let details = &started["VerificationResponseDetails"]["RegistrantVerificationResponse"];
    let url = details["CompletionUrl"].as_str().unwrap().to_string();
    let prefix = format!("{ENDPOINT}/_pcentral/verification/complete/");
    assert!(url.starts_with(&prefix), "{url}");
    assert_eq!(details["CompletionUrlExpiresAt"], "2026-05-29T20:26:40.000Z");
    t.fail(A, "StartVerification", registrant(), "ConflictException", "VERIFICATION_ALREADY_IN_PROGRESS", "");
    t.advance(HOUR);
    assert_eq!(
        t.ok(A, "GetVerification", get_verification("REGISTRANT_VERIFICATION"))["VerificationStatus"],
        "PENDING_CUSTOMER_ACTION"
    );

    // Opening the link completes the customer's part.
    let token = url[prefix.len()..].to_string();
    let (now, settings) = (t.wall, t.settings.clone());
    let opened = t.write(|tx| verification::complete_by_token(tx, &token, now, &settings)).unwrap();
    assert_eq!(opened["status"], "SUCCEEDED");
    let got = t.ok(A, "GetVerification", get_verification("REGISTRANT_VERIFICATION"));
    assert_eq!(got["VerificationStatus"], "SUCCEEDED");
    assert_eq!(got["VerificationResponseDetails"]["RegistrantVerificationResponse"]["CompletionUrl"], url.as_str());
    assert!(t.write(|tx| verification::complete_by_token(tx, &token, now, &settings)).is_err());
    assert!(t.write(|tx| verification::complete_by_token(tx, "nope", now, &settings)).is_err());
    t.fail(A, "StartVerification", registrant(), "ConflictException", "ACCOUNT_ALREADY_VERIFIED", "");

    // B never opens its link: FAILED once it expires, with a reason; then it may restart.
    t.ok(B, "StartVerification", registrant());
    t.advance(24 * HOUR);
    let expired = t.ok(B, "GetVerification", get_verification("REGISTRANT_VERIFICATION"));
    assert_eq!(expired["VerificationStatus"], "FAILED");
    assert!(expired["VerificationStatusReason"].as_str().unwrap().contains("expired"));
    let again = t.ok(B, "StartVerification", registrant());
    assert_eq!(again["VerificationStatus"], "PENDING_CUSTOMER_ACTION");
    assert_ne!(again["VerificationResponseDetails"], expired["VerificationResponseDetails"]);
}

#[test]
fn create_partner_in_catalog_aws_requires_both_verifications_and_the_legal_name() {
    let mut t = T::new();
    let create = |t: &mut T, name: &str| {
        let code = t.code_for("AWS", "lead@alpha.example");
        json!({"Catalog": "AWS", "LegalName": name, "PrimarySolutionType": "SOFTWARE_PRODUCTS",
               "AllianceLeadContact": {"FirstName": "Ana", "LastName": "Lee", "Email": "lead@alpha.example", "BusinessTitle": "Lead"},
               "EmailVerificationCode": code})
    };
    let input = create(&mut t, "Alpha Ltd");
    t.fail(
        A,
        "CreatePartner",
        input.clone(),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "INCOMPATIBLE_KNOW_YOUR_BUSINESS_STATUS",
    );
    t.ok(A, "StartVerification", business("Alpha Ltd"));
    t.fail(
        A,
        "CreatePartner",
        input.clone(),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "INCOMPATIBLE_IDENTITY_VERIFICATION_STATUS",
    );
    t.ok(A, "StartVerification", registrant());
    t.fail(
        A,
        "CreatePartner",
        input.clone(),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "INCOMPATIBLE_IDENTITY_VERIFICATION_STATUS",
    );
    t.force(A, "REGISTRANT_VERIFICATION", "SUCCEEDED", None);
    let other = create(&mut t, "Alpha Holdings");
    t.fail(A, "CreatePartner", other, "ValidationException", "BUSINESS_VALIDATION_FAILED", "INCOMPATIBLE_LEGAL_NAME");
    let input = create(&mut t, "alpha ltd");
    assert_eq!(t.ok(A, "CreatePartner", input)["LegalName"], "alpha ltd");

    // Forced in one step for both types (the admin path), with the legal name.
    t.force(B, "BUSINESS_VERIFICATION", "SUCCEEDED", Some("Beta"));
    t.force(B, "REGISTRANT_VERIFICATION", "SUCCEEDED", None);
    assert_eq!(
        t.ok(B, "GetVerification", get_verification("REGISTRANT_VERIFICATION"))["VerificationStatus"],
        "SUCCEEDED"
    );
    t.partner(B, "AWS", "Beta", "lead@beta.example");
    // Sandbox never asks; the setting switches the AWS check off.
    t.partner(C, SB, "Gamma", "lead@gamma.example");
    t.settings.require_verification_for_aws_catalog = false;
    t.partner(C, "AWS", "Gamma", "lead@gamma.example");
}

// ---------------------------------------------------------------- tags

fn tag(arn: &Value, tags: Value) -> Value {
    json!({"ResourceArn": arn, "Tags": tags})
}

#[test]
fn tags_on_partners() {
    let mut t = T::new();
    let p = t.partner(A, SB, "Alpha", "lead@alpha.example");
    let arn = p["Arn"].clone();
    assert_eq!(t.ok(A, "ListTagsForResource", json!({"ResourceArn": arn})), json!({"ResourceArn": arn, "Tags": []}));
    t.ok(A, "TagResource", tag(&arn, json!([{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "a"}])));
    t.ok(A, "TagResource", tag(&arn, json!([{"Key": "env", "Value": "prod"}, {"Key": "Env", "Value": "x"}])));
    assert_eq!(
        t.ok(A, "ListTagsForResource", json!({"ResourceArn": arn}))["Tags"],
        json!([{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "a"}, {"Key": "Env", "Value": "x"}])
    );
    t.ok(A, "UntagResource", json!({"ResourceArn": arn, "TagKeys": ["team", "missing"]}));
    assert_eq!(
        t.ok(A, "ListTagsForResource", json!({"ResourceArn": arn}))["Tags"],
        json!([{"Key": "env", "Value": "prod"}, {"Key": "Env", "Value": "x"}])
    );
    // Tags set at creation are the same tags.
    let mut create = json!({"Catalog": SB, "LegalName": "Beta", "PrimarySolutionType": "SOFTWARE_PRODUCTS",
        "AllianceLeadContact": {"FirstName": "B", "LastName": "B", "Email": "b@beta.example", "BusinessTitle": "B"},
        "EmailVerificationCode": "000000"});
    create["Tags"] = json!([{"Key": "k", "Value": ""}]);
    let b = t.ok(B, "CreatePartner", create);
    assert_eq!(
        t.ok(B, "ListTagsForResource", json!({"ResourceArn": b["Arn"]}))["Tags"],
        json!([{"Key": "k", "Value": ""}])
    );

    // Errors: not a partner ARN; another account's or unknown partner; reserved keys; the 200-tag limit.
    for other in [
        "arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/partner-0123456789abc",
        "arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/connection-preferences",
    ] {
        for (op, input) in [
            ("TagResource", tag(&json!(other), json!([{"Key": "a", "Value": "b"}]))),
            ("UntagResource", json!({"ResourceArn": other, "TagKeys": ["a"]})),
            ("ListTagsForResource", json!({"ResourceArn": other})),
        ] {
            let e = t.fail(A, op, input, "ValidationException", "REQUEST_VALIDATION_FAILED", "INVALID_VALUE");
            assert_eq!(e.detail.0, "ResourceArn");
        }
    }
    let unknown = "arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/partner/partner-0123456789abc";
    let other_catalog = arn.as_str().unwrap().replace("catalog/Sandbox", "catalog/AWS");
    for (who, target) in [(B, arn.clone()), (A, json!(unknown)), (A, json!(other_catalog))] {
        t.fail(
            who,
            "TagResource",
            tag(&target, json!([{"Key": "a", "Value": "b"}])),
            "ResourceNotFoundException",
            "PARTNER_NOT_FOUND",
            "",
        );
        t.fail(
            who,
            "UntagResource",
            json!({"ResourceArn": target, "TagKeys": ["env"]}),
            "ResourceNotFoundException",
            "PARTNER_NOT_FOUND",
            "",
        );
        t.fail(
            who,
            "ListTagsForResource",
            json!({"ResourceArn": target}),
            "ResourceNotFoundException",
            "PARTNER_NOT_FOUND",
            "",
        );
    }
    let e = t.fail(
        A,
        "TagResource",
        tag(&arn, json!([{"Key": "ok", "Value": "1"}, {"Key": "aws:x", "Value": "1"}])),
        "ValidationException",
        "REQUEST_VALIDATION_FAILED",
        "INVALID_VALUE",
    );
    assert_eq!(e.detail.0, "Tags[1].Key");
    // Two tags now; 198 more reach the limit of 200, one more is too many.
    let many: Vec<Value> = (0..198).map(|i| json!({"Key": format!("k{i}"), "Value": "v"})).collect();
    t.ok(A, "TagResource", tag(&arn, json!(many)));
    let e = t.fail(
        A,
        "TagResource",
        tag(&arn, json!([{"Key": "one-more", "Value": "v"}])),
        "ValidationException",
        "REQUEST_VALIDATION_FAILED",
        "TOO_MANY_VALUES",
    );
    assert_eq!(e.detail.0, "Tags");
    // Updating an existing key at the limit is fine.
    t.ok(A, "TagResource", tag(&arn, json!([{"Key": "k0", "Value": "changed"}])));
    assert_eq!(t.ok(A, "ListTagsForResource", json!({"ResourceArn": arn}))["Tags"].as_array().unwrap().len(), 200);
}

// ---------------------------------------------------------------- qualifications

const SUB: &str = "SUBSIDIARY";

fn start_assoc(partner: &str, primary: Value) -> Value {
    json!({"Catalog": SB, "Identifier": partner, "PrimaryPartner": primary})
}

fn start_disassoc(partner: &str, primary: Value) -> Value {
    json!({"Catalog": SB, "Identifier": partner, "AssociatedPartner": primary})
}

fn ids(p: &str, account: &str) -> Value {
    json!({"ProfileId": p, "AccountId": account})
}

#[test]
fn qualifications_association_story() {
    let mut t = T::new();
    let (pa, prof_a) = t.published(A, "Primary");
    let (pb, prof_b) = t.published(B, "Sub");
    let (pc, _) = t.published(C, "Other");
    // A fresh partner: no tasks, not associated.
    t.fail(
        B,
        "GetQualificationsAssociationTask",
        json!({"Catalog": SB, "Identifier": pb}),
        "ResourceNotFoundException",
        "QUALIFICATIONS_ASSOCIATION_TASK_NOT_FOUND",
        "",
    );
    t.fail(
        B,
        "GetQualificationsDisassociationTask",
        json!({"Catalog": SB, "Identifier": pb}),
        "ResourceNotFoundException",
        "QUALIFICATIONS_DISASSOCIATION_TASK_NOT_FOUND",
        "",
    );
    let fresh = t.details(B, &pb);
    assert_eq!(fresh.as_object().unwrap().len(), 4);
    assert_eq!(fresh["Status"], "NOT_ASSOCIATED");

    // Only OPPORTUNITY_COLLABORATION: no SUBSIDIARY link yet.
    let conn = t.connect(A, "OPPORTUNITY_COLLABORATION", B, &prof_b);
    t.fail(
        B,
        "StartQualificationsAssociationTask",
        start_assoc(&pb, json!({"AccountId": A})),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "MISSING_ACTIVE_SUBSIDIARY_CONNECTION",
    );
    assert_eq!(t.connect(A, SUB, B, B), conn);

    // Shape and caller checks.
    let e = t.fail(
        B,
        "StartQualificationsAssociationTask",
        start_assoc(&pb, json!({})),
        "ValidationException",
        "REQUEST_VALIDATION_FAILED",
        "REQUIRED_FIELD_MISSING",
    );
    assert_eq!(e.detail.0, "PrimaryPartner");
    t.fail(
        C,
        "StartQualificationsAssociationTask",
        start_assoc(&pb, json!({"AccountId": A})),
        "ResourceNotFoundException",
        "PARTNER_NOT_FOUND",
        "",
    );
    for wrong in [
        json!({"AccountId": B}),
        json!({"ProfileId": prof_b}),
        json!({"ProfileId": "pprofile-0000000000000"}),
        json!({"ProfileId": prof_a, "AccountId": C}),
    ] {
        t.fail(
            B,
            "StartQualificationsAssociationTask",
            start_assoc(&pb, wrong),
            "ValidationException",
            "BUSINESS_VALIDATION_FAILED",
            "INCOMPATIBLE_PRIMARY_PARTNER",
        );
    }
    // The primary cannot associate under its subsidiary (wrong direction).
    t.fail(
        A,
        "StartQualificationsAssociationTask",
        start_assoc(&pa, json!({"AccountId": B})),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "INCOMPATIBLE_SUBSIDIARY_CONNECTION",
    );
    t.fail(
        C,
        "StartQualificationsAssociationTask",
        start_assoc(&pc, json!({"AccountId": A})),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "MISSING_ACTIVE_SUBSIDIARY_CONNECTION",
    );

    // B starts; with a delay the task is in flight and blocks another start.
    t.settings.qualifications_task_delay_seconds = 60;
    let input = json!({"Catalog": SB, "Identifier": pb, "PrimaryPartner": {"AccountId": A}, "ClientToken": "q-1"});
    let started = t.ok(B, "StartQualificationsAssociationTask", input.clone());
    let task_id = started["TaskId"].as_str().unwrap().to_string();
    assert!(task_id.starts_with("pqatask-"));
    assert_eq!(started["Status"], "IN_PROGRESS");
    assert_eq!(started["PrimaryPartner"], ids(&prof_a, A));
    assert_eq!(started["Id"], pb.as_str());
    assert!(started.get("EndedAt").is_none());
    let mut new_token = input.clone();
    new_token["ClientToken"] = json!("q-2");
    t.fail(
        B,
        "StartQualificationsAssociationTask",
        new_token,
        "ConflictException",
        "INCOMPATIBLE_QUALIFICATIONS_ASSOCIATION_TASK_STATE",
        "",
    );
    t.fail(
        B,
        "StartQualificationsDisassociationTask",
        start_disassoc(&pb, json!({"AccountId": A})),
        "ConflictException",
        "INCOMPATIBLE_QUALIFICATIONS_ASSOCIATION_TASK_STATE",
        "",
    );
    assert_eq!(t.ok(B, "StartQualificationsAssociationTask", input.clone()), started); // replay
    assert_eq!(t.details(B, &pb)["Status"], "NOT_ASSOCIATED");
    assert_eq!(t.details(A, &pa)["Status"], "NOT_ASSOCIATED");
    // The primary does not see the subsidiary's task.
    t.fail(
        A,
        "GetQualificationsAssociationTask",
        json!({"Catalog": SB, "Identifier": pa}),
        "ResourceNotFoundException",
        "QUALIFICATIONS_ASSOCIATION_TASK_NOT_FOUND",
        "",
    );

    // Due: every party sees the association without the subsidiary polling first.
    t.advance(60_000);
    let primary_view = t.details(A, &pa);
    assert_eq!(primary_view["Status"], "ASSOCIATED");
    assert_eq!(primary_view["PrimaryPartner"], ids(&prof_a, A));
    assert_eq!(primary_view["AssociatedPartners"], json!([ids(&prof_b, B)]));
    assert_eq!(primary_view["UpdatedAt"], "2026-05-28T20:27:40.000Z");
    let sub_view = t.details(B, &pb);
    assert_eq!(
        (&sub_view["Status"], &sub_view["PrimaryPartner"], &sub_view["AssociatedPartners"]),
        (&primary_view["Status"], &primary_view["PrimaryPartner"], &primary_view["AssociatedPartners"])
    );
    let task = t.ok(B, "GetQualificationsAssociationTask", json!({"Catalog": SB, "Identifier": pb}));
    assert_eq!((task["TaskId"].as_str(), task["Status"].as_str()), (Some(task_id.as_str()), Some("SUCCEEDED")));
    assert_eq!(task["EndedAt"], "2026-05-28T20:27:40.000Z");
    assert_eq!(t.ok(B, "StartQualificationsAssociationTask", input.clone())["Status"], "IN_PROGRESS"); // replay still as started
    assert_eq!(t.details(C, &pc)["Status"], "NOT_ASSOCIATED");

    // Associated already; no chains.
    t.settings.qualifications_task_delay_seconds = 0;
    t.fail(
        B,
        "StartQualificationsAssociationTask",
        start_assoc(&pb, json!({"ProfileId": prof_a})),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "QUALIFICATIONS_ASSOCIATION_EXISTS",
    );
    t.connect(B, SUB, C, C);
    t.fail(
        C,
        "StartQualificationsAssociationTask",
        start_assoc(&pc, json!({"AccountId": B})),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "INCOMPATIBLE_PRIMARY_PARTNER",
    );
    t.connect(C, SUB, A, A);
    t.fail(
        A,
        "StartQualificationsAssociationTask",
        start_assoc(&pa, json!({"AccountId": C})),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "INCOMPATIBLE_PRIMARY_PARTNER",
    );

    // Disassociation: the primary may not; the wrong primary is refused; B leaves.
    t.fail(
        A,
        "StartQualificationsDisassociationTask",
        start_disassoc(&pa, json!({"AccountId": B})),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "INCOMPATIBLE_PRIMARY_PARTNER",
    );
    t.fail(
        B,
        "StartQualificationsDisassociationTask",
        start_disassoc(&pb, json!({"AccountId": B})),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "INCOMPATIBLE_PRIMARY_PARTNER",
    );
    t.fail(
        B,
        "StartQualificationsDisassociationTask",
        start_disassoc(&pb, json!({"AccountId": C})),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "INCOMPATIBLE_PRIMARY_PARTNER",
    );
    t.fail(
        B,
        "StartQualificationsDisassociationTask",
        start_disassoc(&pb, json!({"ProfileId": prof_a, "AccountId": C})),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "INCOMPATIBLE_PRIMARY_PARTNER",
    );
    let e = t.fail(
        B,
        "StartQualificationsDisassociationTask",
        start_disassoc(&pb, json!({})),
        "ValidationException",
        "REQUEST_VALIDATION_FAILED",
        "REQUIRED_FIELD_MISSING",
    );
    assert_eq!(e.detail.0, "AssociatedPartner");
    t.advance(1000);
    let leaving = t.ok(B, "StartQualificationsDisassociationTask", start_disassoc(&pb, json!({"ProfileId": prof_a})));
    assert!(leaving["TaskId"].as_str().unwrap().starts_with("pqdtask-"));
    assert_eq!((leaving["Status"].as_str(), &leaving["AssociatedPartner"]), (Some("IN_PROGRESS"), &ids(&prof_a, A)));
    let left = t.ok(B, "GetQualificationsDisassociationTask", json!({"Catalog": SB, "Identifier": pb}));
    assert_eq!(left["Status"], "SUCCEEDED");
    assert_eq!(t.details(B, &pb)["Status"], "NOT_ASSOCIATED");
    assert_eq!(t.details(A, &pa)["Status"], "NOT_ASSOCIATED");
    // The association task record is unchanged by the disassociation.
    assert_eq!(
        t.ok(B, "GetQualificationsAssociationTask", json!({"Catalog": SB, "Identifier": pb}))["TaskId"],
        task_id.as_str()
    );
    t.fail(
        B,
        "StartQualificationsDisassociationTask",
        start_disassoc(&pb, json!({"AccountId": A})),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "QUALIFICATIONS_ASSOCIATION_NOT_FOUND",
    );
}

#[test]
fn an_unpublished_subsidiary_cannot_associate() {
    let mut t = T::new();
    let (_, _) = t.published(A, "Primary");
    let pb = t.partner(B, SB, "Sub", "lead@sub.example")["Id"].as_str().unwrap().to_string();
    t.connect(A, SUB, B, B);
    t.fail(
        B,
        "StartQualificationsAssociationTask",
        start_assoc(&pb, json!({"AccountId": A})),
        "ResourceNotFoundException",
        "PARTNER_PROFILE_NOT_FOUND",
        "",
    );
    assert_eq!(t.details(B, &pb)["Status"], "NOT_ASSOCIATED");
}

#[test]
fn qualifications_group_limit_counts_tasks_in_flight() {
    let mut t = T::new();
    t.settings.qualifications_max_associated_partners = 2;
    t.settings.qualifications_task_delay_seconds = 60;
    let (pa, _) = t.published(A, "Primary");
    let subs = ["444444444444", "555555555555", "666666666666"];
    let mut partners = Vec::new();
    for (i, s) in subs.iter().enumerate() {
        let (p, _) = t.published(s, &format!("Sub {i}"));
        t.connect(A, SUB, s, s);
        partners.push(p);
    }
    t.ok(subs[0], "StartQualificationsAssociationTask", start_assoc(&partners[0], json!({"AccountId": A})));
    t.advance(60_000);
    t.ok(subs[1], "StartQualificationsAssociationTask", start_assoc(&partners[1], json!({"AccountId": A})));
    // One member and one in flight: full.
    t.fail(
        subs[2],
        "StartQualificationsAssociationTask",
        start_assoc(&partners[2], json!({"AccountId": A})),
        "ValidationException",
        "BUSINESS_VALIDATION_FAILED",
        "QUALIFICATIONS_ASSOCIATION_LIMIT_EXCEEDED",
    );
    t.advance(60_000);
    let group = t.details(subs[0], &partners[0]);
    assert_eq!(group["AssociatedPartners"].as_array().unwrap().len(), 2);
    assert_eq!(group["AssociatedPartners"][0]["AccountId"], subs[0]);
    assert_eq!(t.details(A, &pa)["AssociatedPartners"], group["AssociatedPartners"]);
    // The default limit is 6.
    t.settings.qualifications_max_associated_partners = 6;
    t.ok(subs[2], "StartQualificationsAssociationTask", start_assoc(&partners[2], json!({"AccountId": A})));
}

#[test]
fn cancelling_the_subsidiary_link_dissolves_keeps_or_blocks() {
    let mut t = T::new();
    let (pa, _) = t.published(A, "Primary");
    let (pb, _) = t.published(B, "Sub");
    let (pc, prof_c) = t.published(C, "Sub 2");
    let conn_b = t.connect(A, SUB, B, B);
    let conn_c = t.connect(A, SUB, C, C);
    t.ok(B, "StartQualificationsAssociationTask", start_assoc(&pb, json!({"AccountId": A})));
    t.ok(C, "StartQualificationsAssociationTask", start_assoc(&pc, json!({"AccountId": A})));
    assert_eq!(t.details(A, &pa)["AssociatedPartners"].as_array().unwrap().len(), 2);

    let cancel = |id: &str, kind: &str, token: &str| json!({"Catalog": SB, "Identifier": id, "ConnectionType": kind, "Reason": "", "ClientToken": token});
    // block: refused while associated.
    t.settings.qualifications_on_subsidiary_cancel = SubsidiaryCancel::Block;
    t.fail(A, "CancelConnection", cancel(&conn_b, SUB, "c1"), "ConflictException", "INCOMPATIBLE_CONNECTION_STATE", "");
    // keep: the link goes, the association stays.
    t.settings.qualifications_on_subsidiary_cancel = SubsidiaryCancel::Keep;
    t.ok(A, "CancelConnection", cancel(&conn_c, SUB, "c2"));
    assert_eq!(t.details(C, &pc)["Status"], "ASSOCIATED");
    // dissolve (default): a task in flight ends now, then the association goes.
    t.settings.qualifications_on_subsidiary_cancel = SubsidiaryCancel::Dissolve;
    t.settings.qualifications_task_delay_seconds = 3600;
    t.advance(1000);
    t.ok(B, "StartQualificationsDisassociationTask", start_disassoc(&pb, json!({"AccountId": A})));
    assert_eq!(t.details(B, &pb)["Status"], "ASSOCIATED");
    t.advance(1000);
    t.ok(B, "CancelConnection", cancel(&conn_b, SUB, "c3"));
    assert_eq!(t.details(B, &pb)["Status"], "NOT_ASSOCIATED");
    let task = t.ok(B, "GetQualificationsDisassociationTask", json!({"Catalog": SB, "Identifier": pb}));
    assert_eq!(task["Status"], "SUCCEEDED");
    assert_eq!(task["EndedAt"], "2026-05-28T20:26:42.000Z");
    let group = t.details(A, &pa);
    assert_eq!(group["AssociatedPartners"], json!([ids(&prof_c, C)]));
    assert_eq!(group["UpdatedAt"], "2026-05-28T20:26:42.000Z");
    assert_eq!(t.details(C, &pc)["Status"], "ASSOCIATED");
}
