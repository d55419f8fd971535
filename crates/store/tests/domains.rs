//! Training email domains (docs/behaviour.md#training-email-domains):
//! associating and disassociating a partner's AWS training and certification
//! email domains.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000; // 2026-05-28T20:26:40Z

fn associate(partner: &Value, email: &str) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": partner, "Email": email, "EmailVerificationCode": "123456"})
}

fn disassociate(partner: &Value, domain: &str) -> Value {
    json!({"Catalog": SANDBOX, "Identifier": partner, "DomainName": domain})
}

fn domains_of(h: &mut Harness, partner: &Value) -> Value {
    h.ok(A, "GetPartner", json!({"Catalog": SANDBOX, "Identifier": partner}))["AwsTrainingCertificationEmailDomains"]
        .clone()
}

/// A's partner "Alpha" linked `train.alpha.example`; B's partner "Beta" exists: (harness, Alpha's id, Beta's id).
fn alpha_trains() -> (Harness, Value, Value) {
    let mut h = Harness::new(START);
    let a = h.create_alpha()["Id"].clone();
    let b = h.create_partner_in(B, SANDBOX, "Beta", "lead@beta.example")["Id"].clone();
    let linked = h.ok(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "ana@Train.Alpha.example"));
    assert_eq!(linked, json!({}));
    (h, a, b)
}

#[test]
fn associate_links_the_lower_cased_domain_once() {
    let (mut h, a, _) = alpha_trains();
    let domains = domains_of(&mut h, &a);
    assert_eq!(domains, json!([{"DomainName": "train.alpha.example", "RegisteredAt": "2026-05-28T20:26:40.000Z"}]));
    // Again, later, from another address of the same domain: succeeds, nothing changes.
    h.advance(HOUR);
    h.ok(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "bob@train.alpha.example"));
    assert_eq!(domains_of(&mut h, &a), domains);
}

#[test]
fn public_mail_domains_and_another_partners_domain_are_refused() {
    let (mut h, a, b) = alpha_trains();
    for (who, partner, email) in
        [(A, &a, "me@gmail.com"), (A, &a, "me@Outlook.com"), (A, &a, "me@proton.me"), (B, &b, "x@train.alpha.example")]
    {
        let refused = h.refused(who, "AssociateAwsTrainingCertificationEmailDomain", associate(partner, email));
        assert_eq!(refused, business("INCOMPATIBLE_DOMAIN"), "{email}");
    }
}

#[test]
fn associate_finds_the_partner_first() {
    let (mut h, a, _) = alpha_trains();
    let mut other_catalog = associate(&a, "x@y.example");
    other_catalog["Catalog"] = json!(AWS);
    for (who, input) in [(A, other_catalog), (B, associate(&a, "x@beta.example"))] {
        let refused = h.refused(who, "AssociateAwsTrainingCertificationEmailDomain", input.clone());
        assert_eq!(refused, not_found("PARTNER_NOT_FOUND"), "{who} {input}");
    }
}

#[test]
fn disassociate_compares_without_case_and_frees_the_domain() {
    let (mut h, a, b) = alpha_trains();
    let op = "DisassociateAwsTrainingCertificationEmailDomain";
    assert_eq!(h.refused(A, op, disassociate(&a, "alpha.example")), not_found("PARTNER_DOMAIN_NOT_FOUND"));
    assert_eq!(h.refused(B, op, disassociate(&a, "train.alpha.example")), not_found("PARTNER_NOT_FOUND"));
    assert_eq!(h.ok(A, op, disassociate(&a, "TRAIN.alpha.example")), json!({}));
    assert_eq!(domains_of(&mut h, &a), json!([]));
    // Released: B may now link it.
    h.ok(B, "AssociateAwsTrainingCertificationEmailDomain", associate(&b, "x@train.alpha.example"));
}

#[test]
fn training_domain_quota_counts_new_domains_only() {
    let mut h = Harness::new(START);
    h.settings.training_domains_per_partner = 2;
    let a = h.create_alpha()["Id"].clone();
    h.ok(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "a@one.example"));
    h.ok(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "a@two.example"));
    let refused = h.refused(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "a@three.example"));
    assert_eq!(refused, quota("LIMIT_EXCEEDED_NUMBER_OF_DOMAIN"));
    // A domain already linked is still fine at the limit.
    h.ok(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "b@two.example"));
}

#[test]
fn a_training_domain_in_catalog_aws_needs_the_code_sent_to_the_address() {
    let mut h = codes_only(START);
    let aws = h.create_partner_in(A, AWS, "Alpha", "lead@alpha.example")["Id"].clone();
    let input = |code: &str| json!({"Catalog": AWS, "Identifier": aws, "Email": "t@train.example", "EmailVerificationCode": code});
    let code = h.email_code(A, AWS, "t@train.example");
    let refused = h.refused(A, "AssociateAwsTrainingCertificationEmailDomain", input(other_than(&code)));
    assert_eq!(refused, invalid("EmailVerificationCode", "INVALID_VALUE"));
    h.ok(A, "AssociateAwsTrainingCertificationEmailDomain", input(&code));
}
