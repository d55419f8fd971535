//! The partner's account tools: alliance lead contact, training email
//! domains and tags (docs/behaviour.md#alliance-lead-contact,
//! #training-email-domains, #tags).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_model::ErrorDetail;
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000; // 2026-05-28T20:26:40Z

/// A's Sandbox partner "Alpha" (lead `lead@alpha.example`); answers CreatePartner.
fn alpha(h: &mut Harness) -> Value {
    h.create_partner_in(A, SANDBOX, "Alpha", "lead@alpha.example")
}

/// A harness whose CreatePartner in AWS checks codes but not verification
/// (covered in verification.rs).
fn codes_only() -> Harness {
    let mut h = Harness::new(START);
    h.settings.require_verification_for_aws_catalog = false;
    h
}

/// A wrong code: 6 digits, not `code`.
fn other_than(code: &str) -> &'static str {
    if code == "111111" {
        "222222"
    } else {
        "111111"
    }
}

// ---------------------------------------------------------------- alliance lead

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
    let p = alpha(&mut h);
    let got = h.ok(A, "GetAllianceLeadContact", json!({"Catalog": SANDBOX, "Identifier": p["Arn"]}));
    assert_eq!(got["Arn"], p["Arn"]);
    assert_eq!(got["Id"], p["Id"]);
    assert_eq!(got["AllianceLeadContact"]["Email"], "lead@alpha.example");
}

#[test]
fn a_case_only_email_change_needs_no_code_and_the_contact_is_replaced() {
    let mut h = Harness::new(START);
    let id = alpha(&mut h)["Id"].clone();
    let same = json!({"FirstName": "Bea", "LastName": "Ng", "Email": "LEAD@alpha.example", "BusinessTitle": "CEO"});
    let put = h.ok(A, "PutAllianceLeadContact", put_lead(SANDBOX, &id, &same, None));
    assert_eq!(put["AllianceLeadContact"], same);
    let got = h.ok(A, "GetAllianceLeadContact", json!({"Catalog": SANDBOX, "Identifier": id}));
    assert_eq!(got["AllianceLeadContact"], same);
}

#[test]
fn a_new_email_needs_a_code_any_six_digits_in_sandbox() {
    let mut h = Harness::new(START);
    let id = alpha(&mut h)["Id"].clone();
    let new = contact("Cy", "cy@alpha.example");
    let refused = h.refused(A, "PutAllianceLeadContact", put_lead(SANDBOX, &id, &new, None));
    assert_eq!(refused, invalid("EmailVerificationCode", "REQUIRED_FIELD_MISSING"));
    h.ok(A, "PutAllianceLeadContact", put_lead(SANDBOX, &id, &new, Some("999999")));
}

#[test]
fn alliance_lead_of_an_unknown_foreign_or_other_catalog_partner_is_not_found() {
    let mut h = Harness::new(START);
    let id = alpha(&mut h)["Id"].clone();
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
    let mut h = codes_only();
    let id = h.create_partner_in(A, AWS, "Alpha", "lead@alpha.example")["Id"].clone();
    let new = contact("Cy", "cy@alpha.example");
    let code = h.email_code(A, AWS, "cy@alpha.example");
    let wrong = put_lead(AWS, &id, &new, Some(other_than(&code)));
    assert_eq!(h.refused(A, "PutAllianceLeadContact", wrong), invalid("EmailVerificationCode", "INVALID_VALUE"));
    h.ok(A, "PutAllianceLeadContact", put_lead(AWS, &id, &new, Some(&code)));
}

#[test]
fn an_alliance_lead_code_is_single_use() {
    let mut h = codes_only();
    let id = h.create_partner_in(A, AWS, "Alpha", "lead@alpha.example")["Id"].clone();
    let code = h.email_code(A, AWS, "cy@alpha.example");
    h.ok(A, "PutAllianceLeadContact", put_lead(AWS, &id, &contact("Cy", "cy@alpha.example"), Some(&code)));
    // Changing away and back needs a new code.
    let back = put_lead(AWS, &id, &contact("Cy", "lead@alpha.example"), Some(&code));
    assert_eq!(h.refused(A, "PutAllianceLeadContact", back), invalid("EmailVerificationCode", "INVALID_VALUE"));
}

// ---------------------------------------------------------------- training domains

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
    let a = alpha(&mut h)["Id"].clone();
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
    let a = alpha(&mut h)["Id"].clone();
    h.ok(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "a@one.example"));
    h.ok(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "a@two.example"));
    let refused = h.refused(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "a@three.example"));
    assert_eq!(refused, quota("LIMIT_EXCEEDED_NUMBER_OF_DOMAIN"));
    // A domain already linked is still fine at the limit.
    h.ok(A, "AssociateAwsTrainingCertificationEmailDomain", associate(&a, "b@two.example"));
}

#[test]
fn a_training_domain_in_catalog_aws_needs_the_code_sent_to_the_address() {
    let mut h = codes_only();
    let aws = h.create_partner_in(A, AWS, "Alpha", "lead@alpha.example")["Id"].clone();
    let input = |code: &str| json!({"Catalog": AWS, "Identifier": aws, "Email": "t@train.example", "EmailVerificationCode": code});
    let code = h.email_code(A, AWS, "t@train.example");
    let refused = h.refused(A, "AssociateAwsTrainingCertificationEmailDomain", input(other_than(&code)));
    assert_eq!(refused, invalid("EmailVerificationCode", "INVALID_VALUE"));
    h.ok(A, "AssociateAwsTrainingCertificationEmailDomain", input(&code));
}

// ---------------------------------------------------------------- tags

fn tag(arn: &Value, tags: Value) -> Value {
    json!({"ResourceArn": arn, "Tags": tags})
}

fn tags_of(h: &mut Harness, who: &str, arn: &Value) -> Value {
    h.ok(who, "ListTagsForResource", json!({"ResourceArn": arn}))["Tags"].clone()
}

/// A's partner "Alpha": (harness, its ARN).
fn tagged() -> (Harness, Value) {
    let mut h = Harness::new(START);
    let arn = alpha(&mut h)["Arn"].clone();
    (h, arn)
}

#[test]
fn tags_are_set_by_key_in_place_and_removed_by_key() {
    let (mut h, arn) = tagged();
    assert_eq!(h.ok(A, "ListTagsForResource", json!({"ResourceArn": arn})), json!({"ResourceArn": arn, "Tags": []}));
    h.ok(A, "TagResource", tag(&arn, json!([{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "a"}])));
    h.ok(A, "TagResource", tag(&arn, json!([{"Key": "env", "Value": "prod"}, {"Key": "Env", "Value": "x"}])));
    assert_eq!(
        tags_of(&mut h, A, &arn),
        json!([{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "a"}, {"Key": "Env", "Value": "x"}])
    );
    h.ok(A, "UntagResource", json!({"ResourceArn": arn, "TagKeys": ["team", "missing"]}));
    assert_eq!(tags_of(&mut h, A, &arn), json!([{"Key": "env", "Value": "prod"}, {"Key": "Env", "Value": "x"}]));
}

#[test]
fn sandbox_refuses_tags_on_create_partner() {
    let mut h = Harness::new(START);
    let mut create = partner_input(SANDBOX, "Beta", "b@beta.example", "000000");
    create["Tags"] = json!([{"Key": "k", "Value": ""}, {"Key": "aws:reserved", "Value": "x"}]);
    let e = h.call(B, "CreatePartner", create.clone()).unwrap_err();
    assert_eq!(Refusal::of(&e), invalid("Tags", "INVALID_VALUE"));
    assert_eq!(e.details.len(), 1, "one field error, for Tags: {e:?}");
    assert_eq!(e.setting, Some("sandbox_allow_tags"), "the server log names the setting");
    let ErrorDetail::Field(field) = &e.details[0] else { panic!("{e:?}") };
    assert!(field.message.contains("Tags") && field.message.contains("Sandbox"), "{}", field.message);
    assert_eq!(h.refused(B, "CreatePartner", create.clone()), invalid("Tags", "INVALID_VALUE"));
    // No tags at all, or an empty list, is fine.
    create["Tags"] = json!([]);
    let b = h.ok(B, "CreatePartner", create);
    assert_eq!(tags_of(&mut h, B, &b["Arn"]), json!([]));
    // TagResource is unchanged in Sandbox.
    h.ok(B, "TagResource", tag(&b["Arn"], json!([{"Key": "k", "Value": "v"}])));
    assert_eq!(tags_of(&mut h, B, &b["Arn"]), json!([{"Key": "k", "Value": "v"}]));
}

#[test]
fn tags_given_to_create_partner_are_ordinary_tags_where_allowed() {
    let mut h = Harness::new(START);
    h.settings.sandbox_allow_tags = true;
    let mut create = partner_input(SANDBOX, "Beta", "b@beta.example", "000000");
    create["Tags"] = json!([{"Key": "k", "Value": ""}]);
    let b = h.ok(B, "CreatePartner", create);
    assert_eq!(tags_of(&mut h, B, &b["Arn"]), json!([{"Key": "k", "Value": ""}]));

    // Catalog AWS takes them whatever the setting.
    h.settings.sandbox_allow_tags = false;
    h.settings.require_verification_for_aws_catalog = false;
    let code = h.email_code(A, AWS, "a@alpha.example");
    let mut create = partner_input(AWS, "Alpha", "a@alpha.example", &code);
    create["Tags"] = json!([{"Key": "team", "Value": "a"}]);
    let a = h.ok(A, "CreatePartner", create);
    assert_eq!(tags_of(&mut h, A, &a["Arn"]), json!([{"Key": "team", "Value": "a"}]));
}

/// The three tag operations on `arn`.
fn tag_operations(arn: &Value) -> [(&'static str, Value); 3] {
    [
        ("TagResource", tag(arn, json!([{"Key": "a", "Value": "b"}]))),
        ("UntagResource", json!({"ResourceArn": arn, "TagKeys": ["env"]})),
        ("ListTagsForResource", json!({"ResourceArn": arn})),
    ]
}

#[test]
fn only_partner_arns_are_taggable() {
    let (mut h, _) = tagged();
    for arn in [
        "arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/partner-0123456789abc",
        "arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/connection-preferences",
    ] {
        for (op, input) in tag_operations(&json!(arn)) {
            assert_eq!(h.refused(A, op, input), invalid("ResourceArn", "INVALID_VALUE"), "{op} {arn}");
        }
    }
}

#[test]
fn tags_of_a_foreign_unknown_or_other_catalog_partner_are_not_found() {
    let (mut h, arn) = tagged();
    let unknown = "arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/partner/partner-0123456789abc";
    let other_catalog = arn.as_str().unwrap().replace("catalog/Sandbox", "catalog/AWS");
    for (who, target) in [(B, arn.clone()), (A, json!(unknown)), (A, json!(other_catalog))] {
        for (op, input) in tag_operations(&target) {
            assert_eq!(h.refused(who, op, input), not_found("PARTNER_NOT_FOUND"), "{op} by {who} on {target}");
        }
    }
}

#[test]
fn reserved_tag_keys_are_refused() {
    let (mut h, arn) = tagged();
    let input = tag(&arn, json!([{"Key": "ok", "Value": "1"}, {"Key": "aws:x", "Value": "1"}]));
    assert_eq!(h.refused(A, "TagResource", input), invalid("Tags[1].Key", "INVALID_VALUE"));
}

#[test]
fn a_partner_holds_at_most_200_tags() {
    let (mut h, arn) = tagged();
    let many: Vec<Value> = (0..200).map(|i| json!({"Key": format!("k{i}"), "Value": "v"})).collect();
    h.ok(A, "TagResource", tag(&arn, json!(many)));
    let one_more = tag(&arn, json!([{"Key": "one-more", "Value": "v"}]));
    assert_eq!(h.refused(A, "TagResource", one_more), invalid("Tags", "TOO_MANY_VALUES"));
    // Updating an existing key at the limit is fine.
    h.ok(A, "TagResource", tag(&arn, json!([{"Key": "k0", "Value": "changed"}])));
    assert_eq!(tags_of(&mut h, A, &arn).as_array().unwrap().len(), 200);
}
