//! AWS's data as pcentral carries it: every served operation of both
//! services has its action; resource types have ARN formats; AWS's managed
//! policies parse and decide as their names say.
#![allow(clippy::unwrap_used)]

use pcentral_iam::data::{additions, authorization, fill_arn, managed_policy, managed_policy_names, ArnFormat, PREFIX};
use pcentral_iam::{evaluate, Context, Decision, Request};
use pcentral_model::Operation;

#[test]
fn every_model_operation_has_its_action() {
    let data = authorization();
    let missing: Vec<String> = Operation::all()
        .into_iter()
        .filter(|op| data.action(op.name()).is_none())
        .map(|op| format!("{}:{}", op.service(), op.name()))
        .collect();
    assert!(missing.is_empty(), "operations without an action in the Service Authorization Reference: {missing:?}");
    assert_eq!(Operation::all().len(), 97);
}

#[test]
fn pcentral_additions_never_shadow_aws_data() {
    let aws: Vec<&str> =
        authorization().actions.iter().filter(|a| !a.pcentral_addition).map(|a| a.name.as_str()).collect();
    for a in &additions().actions {
        assert!(
            !aws.iter().any(|n| n.eq_ignore_ascii_case(&a.name)),
            "{} is now in AWS's data: drop it from the additions",
            a.name
        );
        assert!(Operation::all().iter().any(|op| op.name() == a.name), "{} names no served operation", a.name);
    }
}

#[test]
fn data_names_its_source_and_date_and_resource_types_resolve() {
    let data = authorization();
    assert!(data.source.contains("Service Authorization Reference"));
    assert!(data.updated_at.starts_with("20"));
    for action in &data.actions {
        for r in &action.resource_types {
            assert!(data.resource_type(&r.name).is_some(), "{} names unknown resource type {}", action.name, r.name);
        }
        for key in &action.condition_keys {
            assert!(data.condition_keys.iter().any(|k| k.name == *key), "{} names unknown key {key}", action.name);
        }
    }
    let opp = data.resource_type("Opportunity").unwrap();
    let fields = [
        ("Partition", "aws"),
        ("Region", "us-east-1"),
        ("Account", "111122223333"),
        ("Catalog", "AWS"),
        ("Identifier", "O1"),
    ];
    assert_eq!(
        fill_arn(&opp.arn, &fields).unwrap(),
        "arn:aws:partnercentral:us-east-1:111122223333:catalog/AWS/opportunity/O1"
    );
    assert_eq!(fill_arn(&opp.arn, &fields[..2]), None);
    // A format is read once: its fields each once, in order; an unclosed `${` is no format.
    let format = ArnFormat::parse("arn:${Partition}:x:${Region}::${Catalog}/${Partition}-${Id}").unwrap();
    assert_eq!(format.fields(), ["Partition", "Region", "Catalog", "Id"]);
    let values = ["aws", "eu-west-1", "AWS", "7"];
    assert_eq!(format.fill(|i| values.get(i).copied()).unwrap(), "arn:aws:x:eu-west-1::AWS/aws-7");
    assert_eq!(format.fill(|i| values.get(..3).and_then(|v| v.get(i)).copied()), None);
    assert_eq!(ArnFormat::parse("arn:${Partition:x"), None);
    assert_eq!(ArnFormat::parse("*").unwrap().fill(|_| None).unwrap(), "*");
    assert_eq!(PREFIX, "partnercentral");
}

#[test]
fn managed_policies_parse_and_decide_as_named() {
    let names = managed_policy_names();
    for name in
        ["AWSPartnerCentralFullAccess", "AWSPartnerCentralSandboxFullAccess", "AWSPartnerCentralOpportunityManagement"]
    {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let sandbox = &managed_policy("AWSPartnerCentralSandboxFullAccess").unwrap().policy;
    assert!(managed_policy("arn:aws:iam::aws:policy/AWSPartnerCentralSandboxFullAccess").is_some());
    assert!(managed_policy("NoSuchPolicy").is_none());
    let ctx = |catalog: &'static str| Context::new().with("partnercentral:Catalog", catalog);
    let ask = |p, action, catalog: &'static str| {
        evaluate([p], &Request { action, resource: "*", context: &ctx(catalog) }).decision
    };
    assert_eq!(ask(sandbox, "partnercentral:CreateOpportunity", "Sandbox"), Decision::Allowed);
    assert_eq!(ask(sandbox, "partnercentral:CreateOpportunity", "AWS"), Decision::ImplicitDeny);
    let full = &managed_policy("AWSPartnerCentralFullAccess").unwrap().policy;
    assert_eq!(ask(full, "partnercentral:CreateOpportunity", "AWS"), Decision::Allowed);
    let opp = &managed_policy("AWSPartnerCentralOpportunityManagement").unwrap().policy;
    assert_eq!(ask(opp, "partnercentral:CreateOpportunity", "AWS"), Decision::Allowed);
    assert_eq!(ask(opp, "partnercentral:CreatePartner", "AWS"), Decision::ImplicitDeny);
}
