//! The Selling API's engagements through `execute`: the creator as first
//! member, what another account sees (nothing, with the answer an unknown
//! id gets), list filters and keyset pages, the EngagementLastModifiedAt
//! check of UpdateEngagementContext, refusals that store nothing, reset by
//! account and catalog, and fixtures (an old fixture without the lists loads).
//! On PostgreSQL when `PCENTRAL_TEST_DATABASE` is set, else on SQLite.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::acting_as_aws::{expire_invitations, review_opportunity, send_referral, Expire, Referral, Review};
use pcentral_core::engagements::tasks::Runner;
use pcentral_core::records::EngagementMembership;
use pcentral_core::store::ResetScope;
use pcentral_core::OpResult;
use pcentral_model::{AccountId, Catalog, EngagementId};
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000;

fn lead(name: &str) -> Value {
    json!({"Lead": {"Customer": {"CompanyName": name},
        "Interactions": [{"CustomerAction": "first call",
            "Contact": {"BusinessTitle": "CIO", "Email": "c@x.example", "FirstName": "C", "LastName": "X"}}]}})
}

fn create(h: &mut Harness, account: &str, catalog: &str, contexts: Value) -> String {
    let made = h.ok(
        account,
        &selling("CreateEngagement"),
        json!({"Catalog": catalog, "Title": "Co-sell", "Description": "d", "Contexts": contexts}),
    );
    made["Id"].as_str().unwrap().to_string()
}

fn ids(h: &mut Harness, account: &str, input: Value) -> Vec<String> {
    let page = h.ok(account, &selling("ListEngagements"), input);
    page["EngagementSummaryList"].as_array().unwrap().iter().map(|s| s["Id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn the_creator_is_the_only_member_and_nobody_else_sees_it() {
    let mut h = Harness::new(START);
    let id = create(&mut h, A, "Sandbox", json!([{"Type": "Lead", "Payload": lead("Acme")}]));
    let got = h.ok(A, &selling("GetEngagement"), json!({"Catalog": "Sandbox", "Identifier": id}));
    assert_eq!((got["MemberCount"].as_i64(), got["CreatedBy"].as_str()), (Some(1), Some(A)));
    assert_eq!(got["Contexts"][0]["Id"], "1");
    let members = h.ok(A, &selling("ListEngagementMembers"), json!({"Catalog": "Sandbox", "Identifier": id}));
    assert_eq!(members["EngagementMemberList"], json!([{"CompanyName": A, "AccountId": A}]));
    // B, and A in the other catalog: the answer an unknown id gets, naming only what was asked.
    let unknown =
        h.refused(B, &selling("GetEngagement"), json!({"Catalog": "Sandbox", "Identifier": "eng-00000000000000"}));
    for (account, catalog) in [(B, "Sandbox"), (A, "AWS")] {
        let input = json!({"Catalog": catalog, "Identifier": id});
        let refusal = h.refused(account, &selling("GetEngagement"), input.clone());
        assert_eq!(refusal.kind, unknown.kind);
        let e = h.refusal(account, &selling("ListEngagementMembers"), input);
        assert!(!e.message.contains(A), "{e}");
        let context = json!({"Catalog": catalog, "EngagementIdentifier": id, "Type": "Lead", "Payload": lead("B")});
        h.refused(account, &selling("CreateEngagementContext"), context);
    }
    assert!(ids(&mut h, B, json!({"Catalog": "Sandbox"})).is_empty());
}

#[test]
fn lists_filter_sort_and_page() {
    let mut h = Harness::new(START);
    let mut made = Vec::new();
    for n in 0..7 {
        h.advance(SECOND);
        let contexts = if n % 2 == 0 { json!([{"Type": "Lead", "Payload": lead("L")}]) } else { json!([]) };
        made.push(create(&mut h, A, "Sandbox", contexts));
    }
    create(&mut h, B, "Sandbox", json!([]));
    let newest_first: Vec<String> = made.iter().rev().cloned().collect();
    assert_eq!(ids(&mut h, A, json!({"Catalog": "Sandbox"})), newest_first);
    let asc = json!({"Catalog": "Sandbox", "Sort": {"SortBy": "CreatedDate", "SortOrder": "ASCENDING"}});
    assert_eq!(ids(&mut h, A, asc), made);
    let leads: Vec<String> = made.iter().step_by(2).rev().cloned().collect();
    assert_eq!(ids(&mut h, A, json!({"Catalog": "Sandbox", "ContextTypes": ["Lead"]})), leads);
    let others: Vec<String> = made.iter().skip(1).step_by(2).rev().cloned().collect();
    assert_eq!(ids(&mut h, A, json!({"Catalog": "Sandbox", "ExcludeContextTypes": ["Lead"]})), others);
    assert!(ids(&mut h, A, json!({"Catalog": "Sandbox", "CreatedBy": [B]})).is_empty());
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut input = json!({"Catalog": "Sandbox", "MaxResults": 3});
        if let Some(t) = &token {
            input["NextToken"] = json!(t);
        }
        let page = h.ok(A, &selling("ListEngagements"), input);
        seen.extend(
            page["EngagementSummaryList"].as_array().unwrap().iter().map(|s| s["Id"].as_str().unwrap().to_string()),
        );
        token = page["NextToken"].as_str().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, newest_first);
}

#[test]
fn a_stale_context_update_is_refused_and_stores_nothing() {
    let mut h = Harness::new(START);
    let id = create(&mut h, A, "Sandbox", json!([{"Type": "Lead", "Payload": lead("Acme")}]));
    let got = h.ok(A, &selling("GetEngagement"), json!({"Catalog": "Sandbox", "Identifier": id}));
    let at = got["ModifiedAt"].clone();
    h.advance(SECOND);
    let added = h.ok(
        A,
        &selling("CreateEngagementContext"),
        json!({"Catalog": "Sandbox", "EngagementIdentifier": id, "Type": "Lead", "Payload": lead("Second")}),
    );
    assert_eq!(added["ContextId"], "2");
    let update = |at: &Value| {
        json!({"Catalog": "Sandbox", "EngagementIdentifier": id, "ContextIdentifier": "1",
               "EngagementLastModifiedAt": at, "Type": "Lead",
               "Payload": {"Lead": {"Customer": {"CompanyName": "Renamed"}}}})
    };
    let stale = h.refusal(A, &selling("UpdateEngagementContext"), update(&at));
    assert_eq!(stale.kind, pcentral_model::ErrorKind::Conflict, "{stale}");
    let done = h.ok(A, &selling("UpdateEngagementContext"), update(&added["EngagementLastModifiedAt"]));
    assert_ne!(done["EngagementLastModifiedAt"], added["EngagementLastModifiedAt"]);
    let got = h.ok(A, &selling("GetEngagement"), json!({"Catalog": "Sandbox", "Identifier": id}));
    assert_eq!(got["Contexts"][0]["Payload"]["Lead"]["Customer"]["CompanyName"], "Renamed");
    // The update kept the interactions it did not name.
    assert_eq!(got["Contexts"][0]["Payload"]["Lead"]["Interactions"].as_array().map(Vec::len), Some(1));
}

#[test]
fn reset_by_account_and_catalog_and_fixtures() {
    let mut h = Harness::new(START);
    create(&mut h, A, "Sandbox", json!([]));
    let b = create(&mut h, B, "Sandbox", json!([]));
    let aws = create(&mut h, A, "AWS", json!([]));
    // A is also a member of B's engagement.
    let id = EngagementId::parse(&b).unwrap();
    h.write(|tx| {
        Ok(tx.insert_engagement_member(&EngagementMembership {
            catalog: Catalog::Sandbox,
            engagement_id: id.clone(),
            account: AccountId::parse(A).unwrap(),
            joined_at: START,
        })?)
    });
    let exported = h.export(false);
    assert_eq!(exported["engagements"].as_array().map(Vec::len), Some(3));
    assert_eq!(exported["engagement_members"].as_array().map(Vec::len), Some(4));
    let mut fresh = Harness::new(START);
    fresh.seed(&exported).expect("the export seeds");
    assert_eq!(fresh.export_text(false), h.export_text(false));
    h.reset(ResetScope { account: Some(AccountId::parse(A).unwrap()), ..ResetScope::default() });
    assert!(ids(&mut h, A, json!({"Catalog": "Sandbox"})).is_empty());
    assert_eq!(ids(&mut h, B, json!({"Catalog": "Sandbox"})), std::slice::from_ref(&b));
    let members = h.ok(B, &selling("ListEngagementMembers"), json!({"Catalog": "Sandbox", "Identifier": b}));
    assert_eq!(members["EngagementMemberList"].as_array().map(Vec::len), Some(1));
    fresh.reset(ResetScope { catalog: Some(Catalog::Sandbox), ..ResetScope::default() });
    assert!(ids(&mut fresh, A, json!({"Catalog": "Sandbox"})).is_empty());
    assert_eq!(ids(&mut fresh, A, json!({"Catalog": "AWS"})), [aws]);
    // A fixture without the lists (as the previous release wrote them) loads unchanged.
    let mut old = Harness::new(START);
    old.seed(&json!({"version": 1, "partners": []})).expect("an old fixture seeds");
    assert!(old.export(false)["engagements"].as_array().unwrap().is_empty());
}

fn invitation(engagement: &str, receiver: &str) -> Value {
    json!({"Catalog": "Sandbox", "EngagementIdentifier": engagement,
           "Invitation": {"Message": "Join", "Receiver": {"Account": {"AwsAccountId": receiver}},
                          "Payload": {"LeadInvitation": {
                              "Customer": {"CompanyName": "Acme"},
                              "Interaction": {"SourceType": "Event", "SourceId": "e1", "SourceName": "Summit",
                                              "ContactBusinessTitle": "CIO"}}}}})
}

#[test]
fn invitations_need_a_collaboration_connection_and_answer_once() {
    let (mut h, _pa, pb) = two_partners(START);
    let engagement = create(&mut h, A, "Sandbox", json!([]));
    // Not connected yet: refused, storing nothing.
    let refusal = h.refusal(A, &selling("CreateEngagementInvitation"), invitation(&engagement, B));
    assert_eq!(refusal.kind, pcentral_model::ErrorKind::Validation, "{refusal}");
    assert!(refusal.message.contains("OPPORTUNITY_COLLABORATION"), "{refusal}");
    h.connect(A, OC, B, &pb);
    let sent = h.ok(A, &selling("CreateEngagementInvitation"), invitation(&engagement, B));
    let id = sent["Id"].as_str().unwrap().to_string();
    // C sees nothing; A (the sender) cannot answer it.
    let input = json!({"Catalog": "Sandbox", "Identifier": id});
    let unknown = h.refused(
        C,
        &selling("GetEngagementInvitation"),
        json!({"Catalog": "Sandbox", "Identifier": "engi-0000000000000"}),
    );
    assert_eq!(h.refused(C, &selling("GetEngagementInvitation"), input.clone()).kind, unknown.kind);
    h.refused(C, &selling("AcceptEngagementInvitation"), input.clone());
    let by_sender = h.refusal(A, &selling("AcceptEngagementInvitation"), input.clone());
    assert_eq!(by_sender.kind, pcentral_model::ErrorKind::AccessDenied);
    h.ok(B, &selling("AcceptEngagementInvitation"), input.clone());
    let again = h.refusal(B, &selling("AcceptEngagementInvitation"), input.clone());
    assert_eq!(again.kind, pcentral_model::ErrorKind::Conflict);
    h.refused(B, &selling("RejectEngagementInvitation"), input);
    let members = h.ok(B, &selling("ListEngagementMembers"), json!({"Catalog": "Sandbox", "Identifier": engagement}));
    let accounts: Vec<&str> =
        members["EngagementMemberList"].as_array().unwrap().iter().map(|m| m["AccountId"].as_str().unwrap()).collect();
    assert_eq!(accounts, [A, B]);
    // Exported and seeded back, and an account reset takes the invitation with it.
    let exported = h.export(false);
    assert_eq!(exported["engagement_invitations"].as_array().map(Vec::len), Some(1));
    let mut fresh = Harness::new(START);
    fresh.seed(&exported).expect("the export seeds");
    assert_eq!(fresh.export_text(false), h.export_text(false));
    h.reset(ResetScope { account: Some(AccountId::parse(B).unwrap()), ..ResetScope::default() });
    assert!(h.export(false)["engagement_invitations"].as_array().unwrap().is_empty());
}

#[test]
fn an_invitation_expires_on_the_service_clock() {
    let (mut h, _pa, pb) = two_partners(START);
    h.connect(A, OC, B, &pb);
    let engagement = create(&mut h, A, "Sandbox", json!([]));
    let sent = h.ok(A, &selling("CreateEngagementInvitation"), invitation(&engagement, B));
    let input = json!({"Catalog": "Sandbox", "Identifier": sent["Id"]});
    h.advance(15 * DAY - 1);
    assert_eq!(h.ok(B, &selling("GetEngagementInvitation"), input.clone())["Status"], "PENDING");
    h.advance(1);
    assert_eq!(h.ok(B, &selling("GetEngagementInvitation"), input.clone())["Status"], "EXPIRED");
    assert_eq!(h.refusal(B, &selling("AcceptEngagementInvitation"), input).kind, pcentral_model::ErrorKind::Conflict);
}

fn opportunity_invitation(engagement: &str, receiver: &str) -> Value {
    json!({"Catalog": "Sandbox", "EngagementIdentifier": engagement,
           "Invitation": {"Message": "Join", "Receiver": {"Account": {"AwsAccountId": receiver}},
                          "Payload": {"OpportunityInvitation": {
                              "ReceiverResponsibilities": ["Services Partner"],
                              "Customer": {"CompanyName": "Acme", "CountryCode": "US",
                                           "Industry": "Other", "WebsiteUrl": "https://acme.example"},
                              "Project": {"Title": "Move", "BusinessProblem": "Their data centre lease ends next year.",
                                          "TargetCompletionDate": "2027-01-31",
                                          "ExpectedCustomerSpend": [{"Amount": "10", "CurrencyCode": "USD",
                                              "Frequency": "Monthly", "TargetCompany": "AWS"}]}}}}})
}

fn task_statuses(h: &mut Harness, account: &str) -> Vec<String> {
    let page = h.ok(account, &selling("ListEngagementByAcceptingInvitationTasks"), json!({"Catalog": "Sandbox"}));
    page["TaskSummaries"].as_array().unwrap().iter().map(|t| t["TaskStatus"].as_str().unwrap().to_string()).collect()
}

#[test]
fn accepting_through_a_task_makes_the_receivers_opportunity_and_resets_with_the_account() {
    let (mut h, _pa, pb) = two_partners(START);
    h.connect(A, OC, B, &pb);
    let engagement = create(&mut h, A, "Sandbox", json!([]));
    let sent = h.ok(A, &selling("CreateEngagementInvitation"), opportunity_invitation(&engagement, B));
    let start = json!({"Catalog": "Sandbox", "ClientToken": "t", "Identifier": sent["Id"]});
    // The sender and a third account start nothing.
    h.refused(A, &selling("StartEngagementByAcceptingInvitationTask"), start.clone());
    h.refused(C, &selling("StartEngagementByAcceptingInvitationTask"), start.clone());
    assert!(task_statuses(&mut h, A).is_empty() && task_statuses(&mut h, B).is_empty());
    let task = h.ok(B, &selling("StartEngagementByAcceptingInvitationTask"), start);
    assert_eq!(task["TaskStatus"], "COMPLETE", "{task}");
    let opportunity =
        h.ok(B, &selling("GetOpportunity"), json!({"Catalog": "Sandbox", "Identifier": task["OpportunityId"]}));
    assert_eq!(opportunity["Customer"]["Account"]["CompanyName"], "Acme");
    assert_eq!(opportunity["Project"]["Title"], "Move");
    // The task's snapshot job of B's new opportunity runs, its first snapshot shared with A.
    let job = json!({"Catalog": "Sandbox", "ResourceSnapshotJobIdentifier": task["ResourceSnapshotJobId"]});
    assert_eq!(h.ok(B, &selling("GetResourceSnapshotJob"), job)["Status"], "Running");
    let snapshot = json!({"Catalog": "Sandbox", "EngagementIdentifier": engagement, "ResourceType": "Opportunity",
        "ResourceIdentifier": task["OpportunityId"], "ResourceSnapshotTemplateIdentifier": "OpportunitySummary"});
    let got = h.ok(A, &selling("GetResourceSnapshot"), snapshot);
    assert_eq!((got["Revision"].as_i64(), got["CreatedBy"].as_str()), (Some(1), Some(B)));
    // A lead invitation is not accepted by the task: FAILED, nothing else changed.
    let other = create(&mut h, A, "Sandbox", json!([]));
    let lead = h.ok(A, &selling("CreateEngagementInvitation"), invitation(&other, B));
    let failed = h.ok(
        B,
        &selling("StartEngagementByAcceptingInvitationTask"),
        json!({"Catalog": "Sandbox", "ClientToken": "t2", "Identifier": lead["Id"]}),
    );
    assert_eq!(failed["TaskStatus"], "FAILED", "{failed}");
    assert_eq!(failed["ReasonCode"], "InvitationValidationFailed");
    let got = h.ok(B, &selling("GetEngagementInvitation"), json!({"Catalog": "Sandbox", "Identifier": lead["Id"]}));
    assert_eq!(got["Status"], "PENDING");
    assert_eq!(task_statuses(&mut h, B), ["FAILED", "COMPLETE"]);
    // A catalog reset of AWS keeps them; B's reset takes them.
    h.reset(ResetScope { catalog: Some(Catalog::Aws), ..ResetScope::default() });
    assert_eq!(task_statuses(&mut h, B).len(), 2);
    h.reset(ResetScope { account: Some(AccountId::parse(B).unwrap()), ..ResetScope::default() });
    assert!(task_statuses(&mut h, B).is_empty());
}

#[test]
fn due_tasks_are_found_by_time_and_an_ended_task_is_not_replaced() {
    use pcentral_core::records::{EngagementTask, EngagementTaskKind, TaskStatus};
    use pcentral_model::EngagementTaskId;
    let h = Harness::new(START);
    let mut t = EngagementTask {
        catalog: Catalog::Sandbox,
        id: EngagementTaskId::parse("task-0abcdefghijkl").unwrap(),
        kind: EngagementTaskKind::AcceptInvitation,
        account: AccountId::parse(B).unwrap(),
        region: "us-east-1".into(),
        endpoint: "http://localhost".into(),
        started_at: START,
        due_at: Some(START + 60_000),
        status: TaskStatus::InProgress,
        invitation_id: None,
        opportunity_id: None,
        engagement_id: None,
        context_id: None,
        resource_snapshot_job_id: None,
        aws_submission: None,
        reason_code: None,
        message: None,
        tags: vec![],
        prospecting: None,
    };
    h.write(|tx| Ok(tx.insert_engagement_task(&t)?));
    assert!(h.read(|tx| Ok(tx.due_engagement_tasks(START + 59_999, 10)?)).is_empty());
    assert_eq!(h.read(|tx| Ok(tx.due_engagement_tasks(START + 60_000, 10)?)), vec![t.clone()]);
    t.status = TaskStatus::Complete;
    t.due_at = None;
    assert!(h.write(|tx| Ok(tx.update_engagement_task(&t)?)));
    assert!(h.read(|tx| Ok(tx.due_engagement_tasks(START + 60_000, 10)?)).is_empty());
    let mut again = t.clone();
    again.status = TaskStatus::Failed;
    assert!(!h.write(|tx| Ok(tx.update_engagement_task(&again)?)), "an ended task stays as it ended");
    assert_eq!(h.read(|tx| Ok(tx.engagement_task(Catalog::Sandbox, &t.id)?)), Some(t));
}

#[test]
fn tasks_of_each_kind_are_listed_apart_and_keep_their_context() {
    use pcentral_core::records::{EngagementTask, EngagementTaskKind, TaskStatus};
    use pcentral_model::{EngagementId, EngagementTaskId};
    let h = Harness::new(START);
    let task = |id: &str, kind| EngagementTask {
        catalog: Catalog::Sandbox,
        id: EngagementTaskId::parse(id).unwrap(),
        kind,
        account: AccountId::parse(B).unwrap(),
        region: "us-east-1".into(),
        endpoint: "http://localhost".into(),
        started_at: START,
        due_at: None,
        status: TaskStatus::InProgress,
        invitation_id: None,
        opportunity_id: None,
        engagement_id: Some(EngagementId::parse("eng-0abcdefghijklm").unwrap()),
        context_id: Some(3),
        resource_snapshot_job_id: None,
        aws_submission: None,
        reason_code: None,
        message: None,
        tags: vec![("k".into(), "v".into())],
        prospecting: None,
    };
    let accept = task("task-0abcdefghijkl", EngagementTaskKind::AcceptInvitation);
    let from = task("task-1abcdefghijkl", EngagementTaskKind::OpportunityFromEngagement);
    let mut share = task("task-2abcdefghijkl", EngagementTaskKind::EngagementFromOpportunity);
    share.context_id = None;
    share.aws_submission = Some(pcentral_model::selling::AwsSubmission {
        involvement_type: pcentral_model::selling::SalesInvolvementType::CoSell,
        visibility: Some(pcentral_model::selling::Visibility::Limited),
    });
    h.write(|tx| {
        tx.insert_engagement_task(&accept)?;
        tx.insert_engagement_task(&share)?;
        Ok(tx.insert_engagement_task(&from)?)
    });
    let b = AccountId::parse(B).unwrap();
    let listed = |kind| h.read(|tx| Ok(tx.engagement_tasks(Catalog::Sandbox, &b, kind)?));
    assert_eq!(listed(EngagementTaskKind::AcceptInvitation), vec![accept]);
    assert_eq!(listed(EngagementTaskKind::OpportunityFromEngagement), vec![from.clone()]);
    assert_eq!(listed(EngagementTaskKind::EngagementFromOpportunity), vec![share.clone()]);
    assert_eq!(h.read(|tx| Ok(tx.engagement_task(Catalog::Sandbox, &from.id)?)), Some(from));
    // The submission the task will make is kept with it.
    assert_eq!(h.read(|tx| Ok(tx.engagement_task(Catalog::Sandbox, &share.id)?)), Some(share));
}

#[test]
fn the_sweep_expires_an_engagement_invitation_once_with_its_event_for_the_sender() {
    use pcentral_core::records::DetailType;
    let (mut h, _pa, pb) = two_partners(START);
    let engagement = create(&mut h, A, "Sandbox", json!([]));
    h.connect(A, OC, B, &pb);
    let sent = h.ok(A, &selling("CreateEngagementInvitation"), invitation(&engagement, B));
    let input = json!({"Catalog": "Sandbox", "Identifier": sent["Id"]});
    let expired = |h: &Harness| {
        h.events().into_iter().filter(|e| e.event["detail-type"] == "Engagement Invitation Expired").collect::<Vec<_>>()
    };
    // Not yet due: the sweep leaves it pending.
    h.advance(14 * 86_400_000);
    h.sweep();
    assert!(expired(&h).is_empty());
    assert_eq!(h.ok(B, &selling("GetEngagementInvitation"), input.clone())["Status"], "PENDING");
    h.advance(2 * 86_400_000);
    assert_eq!(h.sweep(), 1);
    assert_eq!(h.sweep(), 0, "settled once");
    let events = expired(&h);
    assert_eq!(events.len(), 1);
    let e = &events[0].event;
    assert_eq!(e["account"], A);
    assert_eq!(e["source"], "aws.partnercentral-selling");
    assert_eq!(e["detail"]["engagementInvitation"]["identifier"], sent["Id"]);
    assert_eq!(e["detail"]["engagementInvitation"]["engagementIdentifier"], json!(engagement));
    assert_eq!(e["time"], json!(pcentral_core::events::event_time(START + 15 * 86_400_000)));
    assert!(DetailType::ALL.contains(&DetailType::EngagementInvitationExpired));
    assert_eq!(h.ok(B, &selling("GetEngagementInvitation"), input.clone())["Status"], "EXPIRED");
    assert_eq!(h.refusal(B, &selling("AcceptEngagementInvitation"), input).kind, pcentral_model::ErrorKind::Conflict);
    assert_eq!(expired(&h).len(), 1);
}

/// Run `body` as the admin API's acting-as-AWS tools do: one write transaction on service time.
fn as_aws<T>(
    h: &mut Harness,
    mut body: impl FnMut(&mut dyn pcentral_core::Tx, &mut dyn pcentral_core::Ids, &Runner<'_>) -> OpResult<T>,
) -> OpResult<T> {
    let (wall, settings) = (h.wall, h.settings.clone());
    let ids = &mut h.ids;
    pcentral_core::store::write(h.backend.store(), |tx| {
        let (now, service) = pcentral_core::clock::service_now(tx, wall)?;
        let settings = service.settings_or(&settings);
        let runner = Runner { now, settings, pagination_key: &service.pagination_key };
        body(tx, ids, &runner)
    })
}

#[test]
fn an_aws_referral_is_accepted_into_an_aws_referral_reviewed_and_expired_as_aws() {
    let mut h = Harness::new(START);
    let referral = |receiver: &str| Referral {
        catalog: Catalog::Aws,
        receiver: AccountId::parse(receiver).unwrap(),
        opportunity: opportunity_invitation("eng-00000000000000", receiver)["Invitation"]["Payload"]
            ["OpportunityInvitation"]
            .clone(),
        message: "From AWS".into(),
        sender_account: AccountId::parse("000000000000").unwrap(),
        sender_company_name: "AWS".into(),
    };
    let first = as_aws(&mut h, |tx, ids, r| send_referral(tx, ids, r, referral(B))).unwrap();
    let second = as_aws(&mut h, |tx, ids, r| send_referral(tx, ids, r, referral(B))).unwrap();
    let list = |h: &mut Harness, status: &str| {
        let page = h.ok(
            B,
            &selling("ListEngagementInvitations"),
            json!({"Catalog": "AWS", "ParticipantType": "RECEIVER", "Status": [status]}),
        );
        let mut ids: Vec<String> = page["EngagementInvitationSummaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(list(&mut h, "PENDING").len(), 2);
    // No connection between AWS and B: the task accepts it and makes an AWS Referral.
    let task = h.ok(
        B,
        &selling("StartEngagementByAcceptingInvitationTask"),
        json!({"Catalog": "AWS", "ClientToken": "t", "Identifier": first.id.to_string()}),
    );
    assert_eq!(task["TaskStatus"], "COMPLETE", "{task}");
    let oid = task["OpportunityId"].as_str().unwrap().to_string();
    let summary =
        h.ok(B, &selling("GetAwsOpportunitySummary"), json!({"Catalog": "AWS", "RelatedOpportunityIdentifier": oid}));
    assert_eq!(summary["Origin"], "AWS Referral");
    // AWS reviews it once; a second review finds it decided, and changes nothing.
    let review = |status: &str| Review {
        catalog: Catalog::Aws,
        opportunity_id: oid.clone(),
        status: serde_json::from_value(json!(status)).unwrap(),
        comments: Some("ok".into()),
        reason: None,
    };
    as_aws(&mut h, |tx, ids, r| review_opportunity(tx, ids, r, review("Approved"))).unwrap();
    let got = h.ok(B, &selling("GetOpportunity"), json!({"Catalog": "AWS", "Identifier": oid}));
    assert_eq!(
        (got["LifeCycle"]["ReviewStatus"].as_str(), got["LifeCycle"]["ReviewComments"].as_str()),
        (Some("Approved"), Some("ok"))
    );
    let refused = as_aws(&mut h, |tx, ids, r| review_opportunity(tx, ids, r, review("Rejected")));
    assert!(matches!(refused, Err(pcentral_core::Failure::Tool(pcentral_core::tools::ToolError::Conflict(_)))));
    assert_eq!(h.ok(B, &selling("GetOpportunity"), json!({"Catalog": "AWS", "Identifier": oid})), got);
    // Expiring every pending one of B: the stored expiry is what the list filters on.
    let expired = as_aws(&mut h, |tx, _, r| {
        expire_invitations(tx, r.now, Catalog::Aws, Expire::PendingOf(AccountId::parse(B).unwrap()))
    })
    .unwrap();
    assert_eq!(expired, vec![second.id.clone()]);
    assert_eq!(list(&mut h, "PENDING"), Vec::<String>::new());
    assert_eq!(list(&mut h, "EXPIRED"), vec![second.id.to_string()]);
    let again = as_aws(&mut h, |tx, _, r| expire_invitations(tx, r.now, Catalog::Aws, Expire::One(second.id.clone())));
    assert!(matches!(again, Err(pcentral_core::Failure::Tool(pcentral_core::tools::ToolError::Conflict(_)))));
}
