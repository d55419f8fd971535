//! Tags on partners (docs/behaviour.md#tags): TagResource, UntagResource
//! and ListTagsForResource, and the tags CreatePartner takes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_model::ErrorDetail;
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000; // 2026-05-28T20:26:40Z

fn tag(arn: &Value, tags: Value) -> Value {
    json!({"ResourceArn": arn, "Tags": tags})
}

fn tags_of(h: &mut Harness, who: &str, arn: &Value) -> Value {
    h.ok(who, "ListTagsForResource", json!({"ResourceArn": arn}))["Tags"].clone()
}

/// A's partner "Alpha": (harness, its ARN).
fn tagged() -> (Harness, Value) {
    let mut h = Harness::new(START);
    let arn = h.create_alpha()["Arn"].clone();
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
