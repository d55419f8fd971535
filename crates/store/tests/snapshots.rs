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

fn job_input(engagement: &str, opportunity: &str) -> Value {
    json!({"Catalog": SANDBOX, "EngagementIdentifier": engagement, "ResourceType": "Opportunity",
           "ResourceIdentifier": opportunity, "ResourceSnapshotTemplateIdentifier": "OpportunitySummary",
           "Tags": [{"Key": "team", "Value": "east"}]})
}

/// Change the opportunity's expected spend (UpdateOpportunity as its owner).
fn change(h: &mut Harness, account: &str, o: &str, amount: &str) {
    let read = h.ok(account, &selling("GetOpportunity"), json!({"Catalog": SANDBOX, "Identifier": o}));
    let mut update = json!({"Catalog": SANDBOX, "Identifier": o, "LastModifiedDate": read["LastModifiedDate"]});
    for member in ["Customer", "Project", "Marketing", "LifeCycle"] {
        update[member] = read[member].clone();
    }
    update["Project"]["ExpectedCustomerSpend"][0]["Amount"] = json!(amount);
    h.advance(SECOND);
    h.ok(account, &selling("UpdateOpportunity"), update);
}

/// The worker's step, as the server runs it.
fn run_jobs(h: &mut Harness) -> usize {
    let (wall, settings) = (h.wall, h.settings.clone());
    let ids = &mut h.ids;
    pcentral_core::store::write(h.backend.store(), |tx| {
        let (now, service) = pcentral_core::clock::service_now(tx, wall)?;
        let runner = pcentral_core::engagements::tasks::Runner {
            now,
            settings: &settings,
            pagination_key: &service.pagination_key,
        };
        pcentral_core::engagements::jobs::run_changed_jobs(tx, ids, &runner, 10)
    })
    .unwrap()
}

#[test]
fn a_running_job_snapshots_each_change_and_only_its_maker_sees_it() {
    let (mut h, engagement) = shared();
    let o = new_opportunity(&mut h, A, "Move");
    let made = h.ok(A, &selling("CreateResourceSnapshotJob"), job_input(&engagement, &o));
    let id = made["Id"].as_str().unwrap().to_string();
    assert!(id.starts_with("job-") && made["Arn"].as_str().unwrap().ends_with(&format!("/resource-snapshot-job/{id}")));
    let job = json!({"Catalog": SANDBOX, "ResourceSnapshotJobIdentifier": id});
    let got = h.ok(A, &selling("GetResourceSnapshotJob"), job.clone());
    assert_eq!((got["Status"].as_str(), got["ResourceId"].as_str()), (Some("Stopped"), Some(o.as_str())));
    assert_eq!(got.get("LastSuccessfulExecutionDate"), None);
    let all = json!({"Catalog": SANDBOX, "EngagementIdentifier": engagement});
    assert!(list(&mut h, A, all.clone()).is_empty(), "a stopped job takes nothing");
    // Started: the first snapshot at once; started again, nothing new.
    h.ok(A, &selling("StartResourceSnapshotJob"), job.clone());
    h.ok(A, &selling("StartResourceSnapshotJob"), job.clone());
    assert_eq!(list(&mut h, B, all.clone()), [(o.clone(), 1)]);
    let got = h.ok(A, &selling("GetResourceSnapshotJob"), job.clone());
    assert_eq!(got["Status"], "Running");
    assert!(got["LastSuccessfulExecutionDate"].is_string());
    assert_eq!(run_jobs(&mut h), 0, "no change, nothing to run");
    // Each change of the opportunity: one more revision, on the worker.
    change(&mut h, A, &o, "20");
    assert_eq!(run_jobs(&mut h), 1);
    assert_eq!(run_jobs(&mut h), 0);
    assert_eq!(list(&mut h, B, all.clone()), [(o.clone(), 1), (o.clone(), 2)]);
    // A running job is not deleted; C, and B, see no job, as for a made-up id.
    let e = h.refusal(A, &selling("DeleteResourceSnapshotJob"), job.clone());
    assert_eq!(e.kind, ErrorKind::Conflict);
    let made_up = json!({"Catalog": SANDBOX, "ResourceSnapshotJobIdentifier": "job-0000000000000"});
    let unknown = h.refusal(C, &selling("GetResourceSnapshotJob"), made_up);
    for account in [B, C] {
        for op in [
            "GetResourceSnapshotJob",
            "StartResourceSnapshotJob",
            "StopResourceSnapshotJob",
            "DeleteResourceSnapshotJob",
        ] {
            let e = h.refusal(account, &selling(op), job.clone());
            assert_eq!(e.kind, ErrorKind::ResourceNotFound);
            assert_eq!(e.message.replace(&id, "job-0000000000000"), unknown.message, "{op}");
        }
        let listed = h.ok(account, &selling("ListResourceSnapshotJobs"), json!({"Catalog": SANDBOX}));
        assert_eq!(listed["ResourceSnapshotJobSummaries"], json!([]));
    }
    // Stopped: changes wait; deleted: gone.
    h.ok(A, &selling("StopResourceSnapshotJob"), job.clone());
    h.ok(A, &selling("StopResourceSnapshotJob"), job.clone());
    change(&mut h, A, &o, "30");
    assert_eq!(run_jobs(&mut h), 0);
    assert_eq!(list(&mut h, A, all.clone()).len(), 2);
    h.ok(A, &selling("DeleteResourceSnapshotJob"), job.clone());
    assert_eq!(h.refusal(A, &selling("GetResourceSnapshotJob"), job).kind, ErrorKind::ResourceNotFound);
}

#[test]
fn job_refusals_store_nothing_and_lists_filter_and_page() {
    let (mut h, engagement) = shared();
    let o = new_opportunity(&mut h, A, "Move");
    let theirs = new_opportunity(&mut h, B, "Theirs");
    let create = selling("CreateResourceSnapshotJob");
    assert_eq!(h.refusal(A, &create, job_input(&engagement, &theirs)).kind, ErrorKind::ResourceNotFound);
    assert_eq!(h.refusal(C, &create, job_input(&engagement, &o)).kind, ErrorKind::ResourceNotFound);
    let mut bad = job_input(&engagement, &o);
    bad["ResourceSnapshotTemplateIdentifier"] = json!("Nope");
    assert_eq!(h.refusal(A, &create, bad).kind, ErrorKind::Validation);
    let other = new_engagement(&mut h, A);
    let mut ids = Vec::new();
    for e in [&engagement, &other, &engagement] {
        h.advance(SECOND);
        ids.push(h.ok(A, &create, job_input(e, &o))["Id"].as_str().unwrap().to_string());
    }
    h.ok(A, &selling("StartResourceSnapshotJob"), json!({"Catalog": SANDBOX, "ResourceSnapshotJobIdentifier": ids[2]}));
    let listed = |h: &mut Harness, input: Value| -> Vec<String> {
        let page = h.ok(A, &selling("ListResourceSnapshotJobs"), input);
        page["ResourceSnapshotJobSummaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["Id"].as_str().unwrap().to_string())
            .collect()
    };
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(listed(&mut h, json!({"Catalog": SANDBOX})), newest_first);
    let asc = json!({"Catalog": SANDBOX, "Sort": {"SortBy": "CreatedDate", "SortOrder": "ASCENDING"}});
    assert_eq!(listed(&mut h, asc), ids);
    assert_eq!(listed(&mut h, json!({"Catalog": SANDBOX, "EngagementIdentifier": other})), [ids[1].clone()]);
    assert_eq!(listed(&mut h, json!({"Catalog": SANDBOX, "Status": "Running"})), [ids[2].clone()]);
    let page = h.ok(A, &selling("ListResourceSnapshotJobs"), json!({"Catalog": SANDBOX, "MaxResults": 2}));
    assert_eq!(page["ResourceSnapshotJobSummaries"].as_array().unwrap().len(), 2);
    let rest = listed(&mut h, json!({"Catalog": SANDBOX, "MaxResults": 2, "NextToken": page["NextToken"]}));
    assert_eq!(rest, [ids[0].clone()]);
    // Reset by catalog keeps them; A's reset takes them.
    h.reset(ResetScope { catalog: Some(Catalog::Aws), ..ResetScope::default() });
    assert_eq!(listed(&mut h, json!({"Catalog": SANDBOX})).len(), 3);
    h.reset(ResetScope { account: Some(AccountId::parse(A).unwrap()), ..ResetScope::default() });
    assert!(!h.snapshot().iter().any(|r| r.starts_with("resource_snapshot_jobs")));
}
