//! The Selling API's opportunity rules driven through `pcentral_core::execute`
//! over a real store: refusals (stale LastModifiedDate, the model's
//! constraints, review-status locks, isolation) store nothing, replacement
//! clears omitted members, ClientToken replays, the Sandbox review, and the
//! events recorded. On PostgreSQL when `PCENTRAL_TEST_DATABASE` is set, else
//! on SQLite.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::records::{DetailType, EventFilter};
use pcentral_model::{ErrorDetail, ErrorKind};
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000;

fn opportunity() -> Value {
    json!({
        "Catalog": SANDBOX,
        "Customer": {"Account": {"CompanyName": "Acme", "Industry": "Software and Internet",
                                 "WebsiteUrl": "https://acme.example", "Address": {"CountryCode": "US"}}},
        "Project": {"Title": "Move", "CustomerBusinessProblem": "Their data centre lease ends next year.",
                    "ExpectedCustomerSpend": [{"Amount": "10", "CurrencyCode": "USD", "Frequency": "Monthly",
                                               "TargetCompany": "AWS"}]},
        "Marketing": {"Source": "None"},
        "LifeCycle": {"Stage": "Qualified", "TargetCloseDate": "2027-01-31"},
    })
}

fn create(h: &mut Harness, account: &str) -> String {
    let made = h.ok(account, &selling("CreateOpportunity"), opportunity());
    made["Id"].as_str().unwrap().to_string()
}

fn get(h: &mut Harness, account: &str, id: &str) -> Value {
    h.ok(account, &selling("GetOpportunity"), json!({"Catalog": SANDBOX, "Identifier": id}))
}

/// The members UpdateOpportunity takes, from a GetOpportunity answer.
fn update_input(got: &Value) -> Value {
    let mut input = json!({"Catalog": SANDBOX, "Identifier": got["Id"], "LastModifiedDate": got["LastModifiedDate"]});
    for member in ["Customer", "Project", "Marketing", "LifeCycle", "OpportunityType", "PartnerOpportunityIdentifier"] {
        if let Some(v) = got.get(member) {
            input[member] = v.clone();
        }
    }
    input
}

fn fields(e: &pcentral_model::ApiError) -> Vec<String> {
    e.details
        .iter()
        .filter_map(|d| match d {
            ErrorDetail::Field(f) => Some(f.name.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_stale_last_modified_date_is_a_conflict_that_stores_nothing() {
    let mut h = Harness::new(START);
    let id = create(&mut h, A);
    let read = get(&mut h, A, &id);
    h.advance(SECOND);
    let mut first = update_input(&read);
    first["LifeCycle"]["Stage"] = json!("Committed");
    let done = h.ok(A, &selling("UpdateOpportunity"), first);
    assert_ne!(done["LastModifiedDate"], read["LastModifiedDate"]);
    let mut second = update_input(&read);
    second["LifeCycle"]["Stage"] = json!("Launched");
    let e = h.refusal(A, &selling("UpdateOpportunity"), second);
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert_eq!(e.reason, None, "Selling's ConflictException has no Reason");
    assert_eq!(get(&mut h, A, &id)["LifeCycle"]["Stage"], "Committed");
}

#[test]
fn two_updates_in_one_millisecond_still_move_the_date() {
    let mut h = Harness::new(START);
    let id = create(&mut h, A);
    let read = get(&mut h, A, &id);
    let done = h.ok(A, &selling("UpdateOpportunity"), update_input(&read));
    assert_ne!(done["LastModifiedDate"], read["LastModifiedDate"], "the clock did not move, the date did");
    let e = h.refusal(A, &selling("UpdateOpportunity"), update_input(&read));
    assert_eq!(e.kind, ErrorKind::Conflict);
}

#[test]
fn an_update_replaces_the_document() {
    let mut h = Harness::new(START);
    let id = create(&mut h, A);
    let read = get(&mut h, A, &id);
    let mut input = update_input(&read);
    input.as_object_mut().unwrap().remove("Marketing");
    h.ok(A, &selling("UpdateOpportunity"), input);
    let after = get(&mut h, A, &id);
    assert!(after.get("Marketing").is_none(), "an omitted member is cleared: {after}");
    assert_eq!(after["Customer"], read["Customer"]);
}

#[test]
fn refusals_name_the_fields_and_store_nothing() {
    let mut h = Harness::new(START);
    let mut bad = opportunity();
    bad["LifeCycle"]["TargetCloseDate"] = json!("31/01/2027");
    bad["LifeCycle"]["Stage"] = json!("Won");
    let e = h.refusal(A, &selling("CreateOpportunity"), bad);
    assert_eq!(e.kind, ErrorKind::Validation);
    let mut named = fields(&e);
    named.sort();
    assert_eq!(named, ["LifeCycle.Stage", "LifeCycle.TargetCloseDate"]);
    let mut aws_referral = opportunity();
    aws_referral["Catalog"] = json!(AWS);
    aws_referral["Origin"] = json!("AWS Referral");
    assert_eq!(fields(&h.refusal(A, &selling("CreateOpportunity"), aws_referral)), ["Origin"]);
}

#[test]
fn another_account_and_the_other_catalog_find_nothing() {
    let mut h = Harness::new(START);
    let id = create(&mut h, A);
    let read = get(&mut h, A, &id);
    for (account, catalog) in [(B, SANDBOX), (A, AWS)] {
        let e = h.refusal(account, &selling("GetOpportunity"), json!({"Catalog": catalog, "Identifier": id}));
        assert_eq!(e.kind, ErrorKind::ResourceNotFound);
        let mut input = update_input(&read);
        input["Catalog"] = json!(catalog);
        assert_eq!(h.refusal(account, &selling("UpdateOpportunity"), input).kind, ErrorKind::ResourceNotFound);
    }
    let listed = h.ok(B, &selling("ListOpportunities"), json!({"Catalog": SANDBOX}));
    assert_eq!(listed["OpportunitySummaries"], json!([]));
    // No oracle: A's id and a made-up one get the same answer, but for the id sent.
    let made_up = "O1234567890123";
    let theirs = h.refusal(B, &selling("GetOpportunity"), json!({"Catalog": SANDBOX, "Identifier": id}));
    let nobodys = h.refusal(B, &selling("GetOpportunity"), json!({"Catalog": SANDBOX, "Identifier": made_up}));
    assert_eq!(theirs.body().to_string().replace(&id, "ID"), nobodys.body().to_string().replace(made_up, "ID"));
    assert!(!theirs.body().to_string().contains(A));
}

#[test]
fn a_client_token_replays_the_first_answer() {
    let mut h = Harness::new(START);
    let mut input = opportunity();
    input["ClientToken"] = json!("same-token");
    let first = h.ok(A, &selling("CreateOpportunity"), input.clone());
    let again = h.ok(A, &selling("CreateOpportunity"), input.clone());
    assert_eq!(first, again);
    input["Project"]["Title"] = json!("Other");
    let e = h.refusal(A, &selling("CreateOpportunity"), input);
    assert_eq!((e.kind, e.reason), (ErrorKind::Conflict, None));
    let listed = h.ok(A, &selling("ListOpportunities"), json!({"Catalog": SANDBOX}));
    assert_eq!(listed["OpportunitySummaries"].as_array().map(Vec::len), Some(1));
}

#[test]
fn submission_locks_and_the_sandbox_review_unlocks() {
    let mut h = Harness::new(START);
    let id = create(&mut h, A);
    h.ok(
        A,
        &selling("AssociateOpportunity"),
        json!({"Catalog": SANDBOX, "OpportunityIdentifier": id,
        "RelatedEntityType": "Solutions", "RelatedEntityIdentifier": "S-123"}),
    );
    h.ok(A, &selling("SubmitOpportunity"), json!({"Catalog": SANDBOX, "Identifier": id, "InvolvementType": "Co-Sell"}));
    let read = get(&mut h, A, &id);
    assert_eq!(read["LifeCycle"]["ReviewStatus"], "Submitted");
    let e = h.refusal(A, &selling("UpdateOpportunity"), update_input(&read));
    assert_eq!(fields(&e), ["LifeCycle.ReviewStatus"]);
    assert_eq!(e.reason, Some("BUSINESS_VALIDATION_FAILED"));
    let e = h.refusal(
        A,
        &selling("SubmitOpportunity"),
        json!({"Catalog": SANDBOX, "Identifier": id,
        "InvolvementType": "Co-Sell"}),
    );
    assert_eq!(fields(&e), ["LifeCycle.ReviewStatus"]);
    let mut approve = update_input(&read);
    approve["LifeCycle"]["ReviewStatus"] = json!("Approved");
    approve["LifeCycle"]["Stage"] = json!("Launched");
    h.ok(A, &selling("UpdateOpportunity"), approve);
    let after = get(&mut h, A, &id);
    assert_eq!(after["LifeCycle"]["ReviewStatus"], "Approved");
    assert_eq!(after["LifeCycle"]["Stage"], "Qualified", "the review changes nothing else");
    // Once approved, the fields AWS locks stay; the others change.
    let mut locked = update_input(&after);
    locked["Customer"]["Account"]["Industry"] = json!("Government");
    locked["Customer"]["Account"]["WebsiteUrl"] = json!("https://other.example");
    let e = h.refusal(A, &selling("UpdateOpportunity"), locked);
    let mut named = fields(&e);
    named.sort();
    assert_eq!(named, ["Customer.Account.Industry", "Customer.Account.WebsiteUrl"]);
    let mut open = update_input(&after);
    open["LifeCycle"]["Stage"] = json!("Committed");
    h.ok(A, &selling("UpdateOpportunity"), open);
    let summary =
        h.ok(A, &selling("GetAwsOpportunitySummary"), json!({"Catalog": SANDBOX, "RelatedOpportunityIdentifier": id}));
    assert_eq!((summary["InvolvementType"].as_str(), summary["Visibility"].as_str()), (Some("Co-Sell"), Some("Full")));
}

#[test]
fn events_are_the_selling_apis() {
    let mut h = Harness::new(START);
    let id = create(&mut h, A);
    let read = get(&mut h, A, &id);
    h.ok(A, &selling("UpdateOpportunity"), update_input(&read));
    // A refused call and a tag record nothing.
    h.refusal(A, &selling("UpdateOpportunity"), update_input(&read));
    let arn = read["Arn"].as_str().unwrap();
    h.ok(A, &selling("TagResource"), json!({"ResourceArn": arn, "Tags": [{"Key": "k", "Value": "v"}]}));
    let events = h.events_where(EventFilter {
        account: Some(pcentral_model::AccountId::parse(A).unwrap()),
        ..EventFilter::default()
    });
    let types: Vec<DetailType> = events.iter().map(|e| e.detail_type).collect();
    assert_eq!(types, [DetailType::OpportunityCreated, DetailType::OpportunityUpdated]);
    for e in &events {
        assert_eq!(e.event["source"], "aws.partnercentral-selling");
        assert_eq!(
            e.event["detail"],
            json!({"schemaVersion": "1", "catalog": SANDBOX, "opportunity": {"identifier": id}})
        );
        assert_eq!(e.event["resources"], json!([arn]));
    }
    // Tags do not move LastModifiedDate.
    assert_eq!(
        get(&mut h, A, &id)["LastModifiedDate"],
        h.ok(A, &selling("ListOpportunities"), json!({"Catalog": SANDBOX}))["OpportunitySummaries"][0]
            ["LastModifiedDate"]
    );
}

#[test]
fn other_stands_for_a_solution_until_committed() {
    let mut h = Harness::new(START);
    let id = create(&mut h, A);
    let associate = |solution: &str| {
        json!({"Catalog": SANDBOX, "OpportunityIdentifier": id, "RelatedEntityType": "Solutions",
               "RelatedEntityIdentifier": solution})
    };
    h.ok(A, &selling("AssociateOpportunity"), associate("Other"));
    let read = get(&mut h, A, &id);
    let mut committed = update_input(&read);
    committed["LifeCycle"]["Stage"] = json!("Committed");
    let e = h.refusal(A, &selling("UpdateOpportunity"), committed.clone());
    assert_eq!(fields(&e), ["RelatedEntityIdentifiers.Solutions"]);
    // With the solution's id it may commit; then Other is refused.
    h.ok(A, &selling("AssociateOpportunity"), associate("S-42"));
    let read = get(&mut h, A, &id);
    committed["LastModifiedDate"] = read["LastModifiedDate"].clone();
    h.ok(A, &selling("UpdateOpportunity"), committed);
    h.ok(A, &selling("DisassociateOpportunity"), associate("Other"));
    let e = h.refusal(A, &selling("AssociateOpportunity"), associate("Other"));
    assert_eq!(fields(&e), ["RelatedEntityIdentifiers.Solutions"]);
}
