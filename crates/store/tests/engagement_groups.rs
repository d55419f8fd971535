//! Engagement groups: AWS's side makes one (`groups::create_group`, as the
//! admin API does) for an account; ListEngagementGroups lists the caller's,
//! counting the engagements it is a member of; SearchEngagements' GroupId
//! narrows to them; a refused command stores nothing; delete and reset by
//! account and catalog take groups. On PostgreSQL when
//! `PCENTRAL_TEST_DATABASE` is set, else on SQLite.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::engagements::groups::{create_group, delete_group, NewGroup};
use pcentral_core::records::{EngagementGroup, ReadinessLevel};
use pcentral_core::store::ResetScope;
use pcentral_model::{AccountId, Catalog};
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000;

fn engagement(h: &mut Harness, account: &str, catalog: &str) -> String {
    let made = h.ok(
        account,
        &selling("CreateEngagement"),
        json!({"Catalog": catalog, "Title": "Co-sell", "Description": "d"}),
    );
    made["Id"].as_str().unwrap().to_string()
}

fn group(h: &mut Harness, account: &str, catalog: Catalog, name: &str, engagements: &[String]) -> EngagementGroup {
    let new = NewGroup {
        catalog,
        account: AccountId::parse(account).unwrap(),
        name: name.into(),
        description: None,
        readiness_level: Some(ReadinessLevel::Salesready),
        engagements: engagements.to_vec(),
    };
    let wall = h.wall;
    pcentral_core::store::write(h.backend.store(), |tx| create_group(tx, &mut h.ids, wall, new.clone())).unwrap()
}

fn listed(h: &mut Harness, account: &str, catalog: &str) -> Vec<Value> {
    let page = h.ok(account, &selling("ListEngagementGroups"), json!({"Catalog": catalog}));
    page["EngagementGroupSummaries"].as_array().unwrap().clone()
}

fn found(h: &mut Harness, account: &str, group: &str) -> Vec<String> {
    let page = h.ok(account, &selling("SearchEngagements"), json!({"Catalog": "Sandbox", "GroupId": group}));
    let mut ids: Vec<String> = page["EngagementSearchSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_group_lists_for_its_account_and_narrows_a_search() {
    let mut h = Harness::new(START);
    let mine = [engagement(&mut h, A, "Sandbox"), engagement(&mut h, A, "Sandbox")];
    let theirs = engagement(&mut h, B, "Sandbox");
    let g = group(&mut h, A, Catalog::Sandbox, "EMEA", &[mine[0].clone(), mine[1].clone(), theirs]);
    let [summary] = listed(&mut h, A, "Sandbox").try_into().unwrap();
    assert_eq!(summary["Id"], g.id.as_str());
    assert_eq!(summary["Count"], 2);
    assert_eq!(summary["ReadinessLevel"], "SalesReady");
    let mut want = mine.to_vec();
    want.sort();
    assert_eq!(found(&mut h, A, g.id.as_str()), want);
    assert!(listed(&mut h, B, "Sandbox").is_empty());
    assert!(found(&mut h, B, g.id.as_str()).is_empty());
    assert!(listed(&mut h, A, "AWS").is_empty());
}

#[test]
fn refused_commands_store_nothing_and_delete_and_reset_take_groups() {
    let mut h = Harness::new(START);
    let before = h.snapshot();
    let bad = NewGroup {
        catalog: Catalog::Sandbox,
        account: AccountId::parse(A).unwrap(),
        name: "x".into(),
        description: None,
        readiness_level: None,
        engagements: vec!["eng-00000000000000".into()],
    };
    let refused = pcentral_core::store::write(h.backend.store(), |tx| create_group(tx, &mut h.ids, START, bad.clone()));
    assert!(refused.is_err());
    assert_eq!(h.snapshot(), before, "a refused command stores nothing");
    let a = engagement(&mut h, A, "Sandbox");
    let b = engagement(&mut h, B, "Sandbox");
    let ga = group(&mut h, A, Catalog::Sandbox, "A's", std::slice::from_ref(&a));
    let gb = group(&mut h, B, Catalog::Sandbox, "B's", std::slice::from_ref(&b));
    let gc = group(&mut h, A, Catalog::Aws, "A's in AWS", &[]);
    h.reset(ResetScope {
        account: Some(AccountId::parse(A).unwrap()),
        catalog: Some(Catalog::Sandbox),
        ..ResetScope::default()
    });
    assert!(listed(&mut h, A, "Sandbox").is_empty());
    assert_eq!(listed(&mut h, A, "AWS")[0]["Id"], gc.id.as_str());
    assert_eq!(listed(&mut h, B, "Sandbox")[0]["Id"], gb.id.as_str());
    assert!(h.read(|tx| Ok(tx.engagement_group(Catalog::Sandbox, &ga.id)?)).is_none());
    h.write(|tx| delete_group(tx, Catalog::Sandbox, gb.id.as_str()));
    assert!(listed(&mut h, B, "Sandbox").is_empty());
    h.reset(ResetScope { catalog: Some(Catalog::Aws), ..ResetScope::default() });
    assert!(listed(&mut h, A, "AWS").is_empty());
}
