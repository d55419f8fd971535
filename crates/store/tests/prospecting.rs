//! Prospecting tasks through `execute` and AWS's side (`prospecting::complete`,
//! as the admin API calls it): the task waits IN_PROGRESS however long; a
//! result that does not fit the model is refused and stores nothing; a result
//! becomes the engagement's ProspectingResult context; the last outcome ends
//! the task; reset by account takes its tasks. On PostgreSQL when
//! `PCENTRAL_TEST_DATABASE` is set, else on SQLite.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::engagements::prospecting::{complete, Report};
use pcentral_core::engagements::tasks::Runner;
use pcentral_core::store::ResetScope;
use pcentral_core::tools::ToolError;
use pcentral_model::{AccountId, Catalog};
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000;

fn report(engagement: &str, task: &str, result: Option<Value>) -> Report {
    serde_json::from_value(json!({
        "catalog": "Sandbox", "task_id": task, "engagement_id": engagement,
        "result": result,
        "failure": if result.is_none() { json!({"reason_code": "NoData", "message": "none"}) } else { Value::Null },
    }))
    .unwrap()
}

fn run(h: &mut Harness, r: Report) -> Result<String, ToolError> {
    h.tool(|t| {
        let runner = Runner { now: t.now, settings: &t.settings, pagination_key: "k" };
        complete(t.tx, t.ids, &runner, r.clone()).map(|s| s.as_str().to_string())
    })
    .map_err(|f| match f {
        pcentral_core::Failure::Tool(e) => e,
        other => panic!("{other:?}"),
    })
}

#[test]
fn a_task_waits_for_aws_and_ends_with_its_last_engagement() {
    let mut h = Harness::new(START);
    let e: Vec<String> = (0..2)
        .map(|_| {
            let made =
                h.ok(A, &selling("CreateEngagement"), json!({"Catalog": "Sandbox", "Title": "t", "Description": "d"}));
            made["Id"].as_str().unwrap().to_string()
        })
        .collect();
    let started = h.ok(
        A,
        &selling("StartProspectingFromEngagementTask"),
        json!({"Catalog": "Sandbox", "Identifiers": e, "TaskName": "P", "ClientToken": "c"}),
    );
    let task = started["TaskId"].as_str().unwrap().to_string();
    assert_eq!(task.len(), 19);
    assert_eq!(started["TaskStatus"], "IN_PROGRESS");
    h.wall += 48 * 3_600_000;
    let get = json!({"Catalog": "Sandbox", "TaskIdentifier": task});
    assert_eq!(
        h.ok(A, &selling("GetProspectingFromEngagementTask"), get.clone())["Engagements"][0]["Status"],
        "IN_PROGRESS"
    );
    // B sees nothing.
    assert_eq!(
        h.refused(B, &selling("GetProspectingFromEngagementTask"), get.clone()).kind,
        "ResourceNotFoundException"
    );
    let before = h.snapshot();
    let bad = run(&mut h, report(&e[0], &task, Some(json!({"Customer": {"Country": "Atlantis"}}))));
    assert!(matches!(bad, Err(ToolError::Invalid(_))), "{bad:?}");
    assert_eq!(h.snapshot(), before, "a refused report stores nothing");
    let ok = run(&mut h, report(&e[0], &task, Some(json!({"Customer": {"AccountName": "Far Co"}}))));
    assert_eq!(ok.unwrap(), "IN_PROGRESS");
    let got = h.ok(A, &selling("GetEngagement"), json!({"Catalog": "Sandbox", "Identifier": e[0]}));
    assert_eq!(got["Contexts"][0]["Type"], "ProspectingResult");
    assert_eq!(got["Contexts"][0]["Payload"]["ProspectingResult"]["Aws"]["TaskId"], task.as_str());
    assert!(matches!(run(&mut h, report(&e[0], &task, None)), Err(ToolError::Conflict(_))));
    assert_eq!(run(&mut h, report(&e[1], &task, None)).unwrap(), "COMPLETED");
    let done = h.ok(A, &selling("GetProspectingFromEngagementTask"), get);
    assert!(done["EndTime"].is_string());
    assert_eq!(done["Engagements"][1]["ReasonCode"], "NoData");
    h.reset(ResetScope {
        account: Some(AccountId::parse(A).unwrap()),
        catalog: Some(Catalog::Sandbox),
        ..ResetScope::default()
    });
    let listed = h.ok(A, &selling("ListProspectingFromEngagementTasks"), json!({"Catalog": "Sandbox"}));
    assert_eq!(listed["TaskSummaries"], json!([]));
}
