//! The Selling API's resource snapshots through `execute`: the opportunity's
//! owner snapshots it in an engagement it belongs to, revision after
//! revision; every member reads them (the latest, or one by revision); a
//! third account sees nothing, with the answer an unknown id gets; refusals
//! store nothing; lists filter and page; the engagement-resource
//! associations; reset by account and catalog.
//! On PostgreSQL when `PCENTRAL_TEST_DATABASE` is set, else on SQLite.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::store::ResetScope;
use pcentral_model::{AccountId, Catalog, ErrorDetail, ErrorKind};
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000;

fn opportunity(title: &str) -> Value {
    json!({
        "Catalog": SANDBOX,
        "Customer": {"Account": {"CompanyName": "Acme", "Industry": "Software and Internet",
                                 "WebsiteUrl": "https://acme.example", "Address": {"CountryCode": "US"}}},
        "Project": {"Title": title, "CustomerBusinessProblem": "Their data centre lease ends next year.",
                    "ExpectedCustomerSpend": [{"Amount": "10", "CurrencyCode": "USD", "Frequency": "Monthly",
                                               "TargetCompany": "AWS"}]},
        "Marketing": {"Source": "None"},
        "LifeCycle": {"Stage": "Qualified", "TargetCloseDate": "2027-01-31"},
    })
}

fn new_opportunity(h: &mut Harness, account: &str, title: &str) -> String {
    h.ok(account, &selling("CreateOpportunity"), opportunity(title))["Id"].as_str().unwrap().to_string()
}

fn new_engagement(h: &mut Harness, account: &str) -> String {
    let made = h.ok(
        account,
        &selling("CreateEngagement"),
        json!({"Catalog": SANDBOX, "Title": "Co-sell", "Description": "d"}),
    );
    made["Id"].as_str().unwrap().to_string()
}

fn snapshot_input(engagement: &str, opportunity: &str) -> Value {
    json!({"Catalog": SANDBOX, "EngagementIdentifier": engagement, "ResourceType": "Opportunity",
           "ResourceIdentifier": opportunity, "ResourceSnapshotTemplateIdentifier": "OpportunitySummary"})
}

/// A and B partners, connected for collaboration; B a member of A's engagement.
fn shared() -> (Harness, String) {
    let (mut h, _pa, pb) = two_partners(START);
    h.connect(A, OC, B, &pb);
    let engagement = new_engagement(&mut h, A);
    let invitation = json!({"Catalog": SANDBOX, "EngagementIdentifier": engagement,
        "Invitation": {"Message": "Join", "Receiver": {"Account": {"AwsAccountId": B}},
            "Payload": {"LeadInvitation": {"Customer": {"CompanyName": "Acme"},
                "Interaction": {"SourceType": "Event", "SourceId": "e1", "SourceName": "Summit",
                                "ContactBusinessTitle": "CIO"}}}}});
    let sent = h.ok(A, &selling("CreateEngagementInvitation"), invitation);
    h.ok(B, &selling("AcceptEngagementInvitation"), json!({"Catalog": SANDBOX, "Identifier": sent["Id"]}));
    (h, engagement)
}

fn list(h: &mut Harness, account: &str, input: Value) -> Vec<(String, i64)> {
    let page = h.ok(account, &selling("ListResourceSnapshots"), input);
    page["ResourceSnapshotSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["ResourceId"].as_str().unwrap().to_string(), s["Revision"].as_i64().unwrap()))
        .collect()
}

#[test]
fn the_owner_snapshots_by_revision_and_members_read_them() {
    let (mut h, engagement) = shared();
    let o = new_opportunity(&mut h, A, "Move");
    let first = h.ok(A, &selling("CreateResourceSnapshot"), snapshot_input(&engagement, &o));
    assert_eq!(first["Revision"], 1);
    assert!(first["Arn"].as_str().unwrap().starts_with(&format!("arn:aws:partnercentral:{REGION}:{A}:catalog/")));
    // The opportunity changes; the first revision does not.
    let read = h.ok(A, &selling("GetOpportunity"), json!({"Catalog": SANDBOX, "Identifier": o}));
    let mut update = json!({"Catalog": SANDBOX, "Identifier": o, "LastModifiedDate": read["LastModifiedDate"]});
    for member in ["Customer", "Project", "Marketing", "LifeCycle"] {
        update[member] = read[member].clone();
    }
    update["Project"]["ExpectedCustomerSpend"][0]["Amount"] = json!("20");
    h.advance(SECOND);
    h.ok(A, &selling("UpdateOpportunity"), update);
    h.advance(SECOND);
    let second = h.ok(A, &selling("CreateResourceSnapshot"), snapshot_input(&engagement, &o));
    assert_eq!(second["Revision"], 2);
    // B, a member, reads the latest and the first.
    let get = snapshot_input(&engagement, &o);
    let latest = h.ok(B, &selling("GetResourceSnapshot"), get.clone());
    assert_eq!(latest["Revision"], 2);
    assert_eq!(latest["CreatedBy"], A);
    assert_eq!(latest["EngagementId"], engagement.as_str());
    assert_eq!(latest["ResourceSnapshotTemplateName"], "OpportunitySummary");
    assert_eq!(latest["TargetMemberAccounts"], json!([B]));
    let summary = &latest["Payload"]["OpportunitySummary"];
    // The template's members only: ProjectView has no Title.
    assert_eq!(summary["Project"]["ExpectedCustomerSpend"][0]["Amount"], "20");
    assert_eq!(summary["Project"].get("Title"), None);
    assert_eq!(summary["Customer"]["Account"]["CompanyName"], "Acme");
    assert_eq!(summary["Lifecycle"]["Stage"], "Qualified");
    let mut at_one = get.clone();
    at_one["Revision"] = json!(1);
    let old = h.ok(B, &selling("GetResourceSnapshot"), at_one);
    assert_eq!(old["Payload"]["OpportunitySummary"]["Project"]["ExpectedCustomerSpend"][0]["Amount"], "10");
    let mut at_three = get.clone();
    at_three["Revision"] = json!(3);
    assert_eq!(h.refusal(B, &selling("GetResourceSnapshot"), at_three).kind, ErrorKind::ResourceNotFound);
    let all = json!({"Catalog": SANDBOX, "EngagementIdentifier": engagement});
    assert_eq!(list(&mut h, B, all), [(o.clone(), 1), (o.clone(), 2)]);
}

#[test]
fn refusals_store_nothing_and_a_third_account_learns_nothing() {
    let (mut h, engagement) = shared();
    let o = new_opportunity(&mut h, A, "Move");
    let theirs = new_opportunity(&mut h, B, "Theirs");
    let create = selling("CreateResourceSnapshot");
    // An unknown template, someone else's opportunity, an unknown one.
    let mut bad = snapshot_input(&engagement, &o);
    bad["ResourceSnapshotTemplateIdentifier"] = json!("NoSuchTemplate");
    let e = h.refusal(A, &create, bad);
    assert_eq!(e.kind, ErrorKind::Validation);
    assert!(matches!(&e.details[..], [ErrorDetail::Field(f)] if f.name == "ResourceSnapshotTemplateIdentifier"), "{e}");
    let not_mine = h.refusal(A, &create, snapshot_input(&engagement, &theirs));
    let unknown = h.refusal(A, &create, snapshot_input(&engagement, "O9999999999999"));
    assert_eq!((not_mine.kind, unknown.kind), (ErrorKind::ResourceNotFound, ErrorKind::ResourceNotFound));
    assert!(!not_mine.message.contains(B));
    h.ok(A, &create, snapshot_input(&engagement, &o));
    // C: an engagement it is not a member of answers as a made-up one, for every operation.
    let made_up = "eng-00000000000000";
    for op in ["CreateResourceSnapshot", "GetResourceSnapshot"] {
        let unknown = h.refusal(C, &selling(op), snapshot_input(made_up, &o));
        let real = h.refusal(C, &selling(op), snapshot_input(&engagement, &o));
        assert_eq!(real.kind, unknown.kind);
        assert_eq!(real.message.replace(&engagement, made_up), unknown.message, "{op}");
    }
    for op in ["ListResourceSnapshots", "ListEngagementResourceAssociations"] {
        let unknown = h.refusal(C, &selling(op), json!({"Catalog": SANDBOX, "EngagementIdentifier": made_up}));
        let real = h.refusal(C, &selling(op), json!({"Catalog": SANDBOX, "EngagementIdentifier": engagement}));
        assert_eq!(real.message.replace(&engagement, made_up), unknown.message, "{op}");
    }
    let mine = h.ok(C, &selling("ListEngagementResourceAssociations"), json!({"Catalog": SANDBOX}));
    assert_eq!(mine["EngagementResourceAssociationSummaries"], json!([]));
    // The other catalog holds none of it.
    let mut aws = snapshot_input(&engagement, &o);
    aws["Catalog"] = json!(AWS);
    assert_eq!(h.refusal(A, &selling("GetResourceSnapshot"), aws).kind, ErrorKind::ResourceNotFound);
}

#[test]
fn lists_filter_and_page_and_associations_follow_the_first_snapshot() {
    let (mut h, engagement) = shared();
    let mut made = Vec::new();
    for n in 0..3 {
        let o = new_opportunity(&mut h, A, &format!("Move {n}"));
        for _ in 0..2 {
            h.advance(SECOND);
            h.ok(A, &selling("CreateResourceSnapshot"), snapshot_input(&engagement, &o));
        }
        made.push(o);
    }
    let theirs = new_opportunity(&mut h, B, "Theirs");
    h.advance(SECOND);
    h.ok(B, &selling("CreateResourceSnapshot"), snapshot_input(&engagement, &theirs));
    let all = json!({"Catalog": SANDBOX, "EngagementIdentifier": engagement});
    let expected: Vec<(String, i64)> =
        made.iter().flat_map(|o| [(o.clone(), 1), (o.clone(), 2)]).chain([(theirs.clone(), 1)]).collect();
    assert_eq!(list(&mut h, A, all.clone()), expected);
    // Pages of 2 give the same sequence, each token bound to its filters.
    let mut paged = Vec::new();
    let mut input = all.clone();
    input["MaxResults"] = json!(2);
    loop {
        let page = h.ok(B, &selling("ListResourceSnapshots"), input.clone());
        for s in page["ResourceSnapshotSummaries"].as_array().unwrap() {
            paged.push((s["ResourceId"].as_str().unwrap().to_string(), s["Revision"].as_i64().unwrap()));
        }
        match page.get("NextToken").and_then(Value::as_str) {
            Some(token) => input["NextToken"] = json!(token),
            None => break,
        }
    }
    assert_eq!(paged, expected);
    let mut by_b = all.clone();
    by_b["CreatedBy"] = json!(B);
    assert_eq!(list(&mut h, A, by_b), [(theirs.clone(), 1)]);
    let mut one = all.clone();
    one["ResourceIdentifier"] = json!(made[1]);
    assert_eq!(list(&mut h, A, one), [(made[1].clone(), 1), (made[1].clone(), 2)]);
    let mut other_template = all.clone();
    other_template["ResourceSnapshotTemplateIdentifier"] = json!("Other");
    assert!(list(&mut h, A, other_template).is_empty());
    // One association per resource, by its first snapshot, seen by both members.
    let associations = |h: &mut Harness, account: &str, input: Value| -> Vec<(String, String)> {
        let page = h.ok(account, &selling("ListEngagementResourceAssociations"), input);
        page["EngagementResourceAssociationSummaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["ResourceId"].as_str().unwrap().to_string(), a["CreatedBy"].as_str().unwrap().to_string()))
            .collect()
    };
    let expected: Vec<(String, String)> =
        made.iter().map(|o| (o.clone(), A.to_string())).chain([(theirs.clone(), B.to_string())]).collect();
    assert_eq!(associations(&mut h, B, json!({"Catalog": SANDBOX})), expected);
    assert_eq!(associations(&mut h, A, all.clone()), expected);
    let filtered = json!({"Catalog": SANDBOX, "CreatedBy": B, "ResourceType": "Opportunity"});
    assert_eq!(associations(&mut h, A, filtered), [(theirs.clone(), B.to_string())]);
    let page = h.ok(A, &selling("ListEngagementResourceAssociations"), json!({"Catalog": SANDBOX, "MaxResults": 3}));
    assert_eq!(page["EngagementResourceAssociationSummaries"].as_array().unwrap().len(), 3);
    let rest = json!({"Catalog": SANDBOX, "MaxResults": 3, "NextToken": page["NextToken"]});
    assert_eq!(associations(&mut h, A, rest), [(theirs.clone(), B.to_string())]);
    // A token is refused under other filters.
    let wrong = json!({"Catalog": SANDBOX, "CreatedBy": A, "MaxResults": 3, "NextToken": page["NextToken"]});
    assert_eq!(h.refusal(A, &selling("ListEngagementResourceAssociations"), wrong).kind, ErrorKind::Validation);
}

#[test]
fn reset_by_catalog_keeps_and_by_account_takes_snapshots() {
    let (mut h, engagement) = shared();
    let o = new_opportunity(&mut h, A, "Move");
    let theirs = new_opportunity(&mut h, B, "Theirs");
    h.ok(A, &selling("CreateResourceSnapshot"), snapshot_input(&engagement, &o));
    h.ok(B, &selling("CreateResourceSnapshot"), snapshot_input(&engagement, &theirs));
    let all = json!({"Catalog": SANDBOX, "EngagementIdentifier": engagement});
    h.reset(ResetScope { catalog: Some(Catalog::Aws), ..ResetScope::default() });
    assert_eq!(list(&mut h, A, all.clone()).len(), 2);
    // B's reset takes its snapshot and its association; A's stay.
    h.reset(ResetScope { account: Some(AccountId::parse(B).unwrap()), ..ResetScope::default() });
    assert_eq!(list(&mut h, A, all.clone()), [(o.clone(), 1)]);
    let rows = h.snapshot();
    assert!(
        !rows
            .iter()
            .any(|r| (r.starts_with("resource_snapshots") || r.starts_with("engagement_resources"))
                && r.contains(&theirs))
    );
    // A's reset takes the engagement and everything in it.
    h.reset(ResetScope { account: Some(AccountId::parse(A).unwrap()), ..ResetScope::default() });
    assert!(!h.snapshot().iter().any(|r| r.starts_with("resource_snapshots") || r.starts_with("engagement_resources")));
}
