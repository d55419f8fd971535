//! The Selling API's partner solutions: ListSolutions through the operation
//! (every filter and sort, keyset pages checked against an in-memory oracle,
//! isolation by account and catalog, refusals), reset by account and catalog,
//! and fixtures (hand-written records filled in, an old fixture without the
//! list loads). Every account's Sandbox catalog also lists the built-in
//! Sandbox test solution, which the oracle counts among the caller's own and
//! which survives resets and is never exported. On PostgreSQL when `PCENTRAL_TEST_DATABASE` is set, else on
//! SQLite.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::records::{sandbox_test_solution, text_key, Solution, SolutionStatus, SANDBOX_TEST_SOLUTION_ID};
use pcentral_core::store::ResetScope;
use pcentral_model::{AccountId, Catalog, SolutionId};
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000;
const CATEGORIES: [&str; 3] = ["Software Product", "Consulting Service", "Managed Service"];
const STATUSES: [SolutionStatus; 3] = [SolutionStatus::Active, SolutionStatus::Inactive, SolutionStatus::Draft];

fn solution(catalog: Catalog, n: u64, owner: &str) -> Solution {
    let k = usize::try_from(n).unwrap();
    Solution {
        catalog,
        id: SolutionId::parse(&format!("S-{:07}", n)).unwrap(),
        owner: AccountId::parse(owner).unwrap(),
        // Names repeat (ties sort by id) and differ in case only.
        name: if n.is_multiple_of(2) { format!("Solution {}", n % 5) } else { format!("solution {}", n % 5) },
        status: STATUSES[k % 3],
        category: CATEGORIES[k % 3].to_string(),
        created_at: START + i64::try_from(n % 4).unwrap() * SECOND,
        aws_marketplace_solution_arn: n
            .is_multiple_of(4)
            .then(|| format!("arn:aws:aws-marketplace:us-east-1::product/p-{n}")),
    }
}

const TEST: &str = SANDBOX_TEST_SOLUTION_ID;

fn test_solution(owner: &str) -> Solution {
    sandbox_test_solution(AccountId::parse(owner).unwrap()).unwrap()
}

/// 30 solutions of A in the Sandbox, 3 of B there, 2 of A in catalog AWS;
/// A's Sandbox list also holds the test solution.
fn populated() -> (Harness, Vec<Solution>) {
    let h = Harness::new(START);
    let mine: Vec<Solution> = (1..=30).map(|n| solution(Catalog::Sandbox, n, A)).collect();
    let others: Vec<Solution> = (31..=33)
        .map(|n| solution(Catalog::Sandbox, n, B))
        .chain((34..=35).map(|n| solution(Catalog::Aws, n, A)))
        .collect();
    for s in mine.iter().chain(&others) {
        h.write(|tx| Ok(tx.insert_solution(s)?));
    }
    let mut mine = mine;
    mine.push(test_solution(A));
    (h, mine)
}

fn list(h: &mut Harness, account: &str, input: Value) -> Vec<String> {
    let mut input = input;
    let mut ids = Vec::new();
    loop {
        let page = h.ok(account, &selling("ListSolutions"), input.clone());
        let summaries = page["SolutionSummaries"].as_array().unwrap();
        ids.extend(summaries.iter().map(|s| s["Id"].as_str().unwrap().to_string()));
        match page.get("NextToken").and_then(Value::as_str) {
            Some(token) => input["NextToken"] = json!(token),
            None => return ids,
        }
    }
}

/// The oracle: `mine` filtered by `keep`, sorted by `key` (ties by id).
fn expected<K: Ord>(
    mine: &[Solution],
    keep: impl Fn(&Solution) -> bool,
    key: impl Fn(&Solution) -> K,
    desc: bool,
) -> Vec<String> {
    let mut rows: Vec<&Solution> = mine.iter().filter(|s| keep(s)).collect();
    rows.sort_by(|a, b| {
        let order = key(a).cmp(&key(b));
        let order = if desc { order.reverse() } else { order };
        order.then_with(|| a.id.cmp(&b.id))
    });
    rows.iter().map(|s| s.id.as_str().to_string()).collect()
}

#[test]
fn every_sort_pages_like_the_oracle() {
    let (mut h, mine) = populated();
    let all = |_: &Solution| true;
    // Default: Identifier ascending.
    assert_eq!(
        list(&mut h, A, json!({"Catalog": SANDBOX, "MaxResults": 7})),
        expected(&mine, all, |s| s.id.clone(), false)
    );
    // Without MaxResults one page holds 20.
    let first = h.ok(A, &selling("ListSolutions"), json!({"Catalog": SANDBOX}));
    assert_eq!(first["SolutionSummaries"].as_array().map(Vec::len), Some(20));
    for desc in [false, true] {
        let order = if desc { "DESCENDING" } else { "ASCENDING" };
        // Pages of 1 put the test solution at every page boundary there is.
        for size in [1, 4] {
            let sorted = |by: &str, h: &mut Harness| {
                let sort = json!({"SortBy": by, "SortOrder": order});
                list(h, A, json!({"Catalog": SANDBOX, "MaxResults": size, "Sort": sort}))
            };
            assert_eq!(sorted("Identifier", &mut h), expected(&mine, all, |s| s.id.clone(), desc));
            assert_eq!(sorted("Name", &mut h), expected(&mine, all, |s| text_key(&s.name), desc));
            assert_eq!(sorted("Status", &mut h), expected(&mine, all, |s| s.status.as_str(), desc));
            assert_eq!(sorted("Category", &mut h), expected(&mine, all, |s| text_key(&s.category), desc));
            assert_eq!(sorted("CreatedDate", &mut h), expected(&mine, all, |s| s.created_at, desc));
        }
    }
}

#[test]
fn every_filter_selects_like_the_oracle() {
    let (mut h, mine) = populated();
    let by_id = |s: &Solution| s.id.clone();
    let got = list(&mut h, A, json!({"Catalog": SANDBOX, "Status": ["Draft", "Inactive"], "MaxResults": 3}));
    assert_eq!(got, expected(&mine, |s| s.status != SolutionStatus::Active, by_id, false));
    // Categories match whole names, whatever their case.
    let got = list(&mut h, A, json!({"Catalog": SANDBOX, "Category": ["software product"]}));
    assert_eq!(got, expected(&mine, |s| s.category == "Software Product", by_id, false));
    let got = list(&mut h, A, json!({"Catalog": SANDBOX, "Category": ["Software"]}));
    assert!(got.is_empty());
    let arn = "arn:aws:aws-marketplace:us-east-1::product/p-8";
    let got = list(&mut h, A, json!({"Catalog": SANDBOX, "AwsMarketplaceSolutionArn": [arn]}));
    assert_eq!(got, ["S-0000008"]);
    let got = list(&mut h, A, json!({"Catalog": SANDBOX, "Identifier": ["S-0000003", "S-0000031", "S-0000034"]}));
    assert_eq!(got, ["S-0000003"], "B's solution and A's in the other catalog are not listed");
    let got = list(&mut h, A, json!({"Catalog": SANDBOX, "Identifier": [TEST, "S-0000003"]}));
    assert_eq!(got, ["S-0000003", TEST]);
    // Filters combine.
    let got = list(&mut h, A, json!({"Catalog": SANDBOX, "Status": ["Active"], "Category": ["Software Product"]}));
    assert_eq!(
        got,
        expected(&mine, |s| s.status == SolutionStatus::Active && s.category == "Software Product", by_id, false)
    );
}

#[test]
fn each_account_lists_its_own_in_each_catalog() {
    let (mut h, _) = populated();
    assert_eq!(list(&mut h, B, json!({"Catalog": SANDBOX})), ["S-0000031", "S-0000032", "S-0000033", TEST]);
    assert_eq!(list(&mut h, A, json!({"Catalog": AWS})), ["S-0000034", "S-0000035"]);
    assert_eq!(list(&mut h, C, json!({"Catalog": SANDBOX})), [TEST]);
    let one = h.ok(B, &selling("ListSolutions"), json!({"Catalog": SANDBOX, "Identifier": ["S-0000032"]}));
    assert_eq!(
        one,
        json!({"SolutionSummaries": [{"Catalog": "Sandbox", "Id": "S-0000032", "Name": "Solution 2",
            "Status": "Draft", "Category": "Managed Service", "CreatedDate": "2026-05-28T20:26:40.000Z",
            "AwsMarketplaceSolutionArn": "arn:aws:aws-marketplace:us-east-1::product/p-32"}]})
    );
}

#[test]
fn refusals_change_nothing() {
    let (mut h, _) = populated();
    let op = selling("ListSolutions");
    for bad in [
        json!({"Catalog": SANDBOX, "MaxResults": 0}),
        json!({"Catalog": SANDBOX, "MaxResults": 101}),
        json!({"Catalog": SANDBOX, "Identifier": ["S-x"]}),
        json!({"Catalog": SANDBOX, "Status": ["Retired"]}),
        json!({"Catalog": SANDBOX, "AwsMarketplaceSolutionArn": ["not-an-arn"]}),
        json!({"Catalog": SANDBOX, "NextToken": "forged"}),
    ] {
        assert_eq!(h.refused(A, &op, bad.clone()).kind, "ValidationException", "{bad}");
    }
    // A token of one query does not serve another.
    let page = h.ok(A, &op, json!({"Catalog": SANDBOX, "MaxResults": 2}));
    let token = page["NextToken"].as_str().unwrap();
    let other = json!({"Catalog": SANDBOX, "MaxResults": 2, "Status": ["Active"], "NextToken": token});
    assert_eq!(h.refused(A, &op, other).kind, "ValidationException");
    assert_eq!(
        h.refused(B, &op, json!({"Catalog": SANDBOX, "MaxResults": 2, "NextToken": token})).kind,
        "ValidationException"
    );
}

#[test]
fn reset_takes_solutions_by_account_and_by_catalog() {
    let (mut h, _) = populated();
    let count = |h: &mut Harness, account: &str, catalog: &str| list(h, account, json!({"Catalog": catalog})).len();
    // The test solution is built in: every reset leaves it.
    h.reset(ResetScope { account: Some(AccountId::parse(B).unwrap()), ..ResetScope::default() });
    assert_eq!((count(&mut h, A, SANDBOX), count(&mut h, B, SANDBOX)), (31, 1));
    h.reset(ResetScope { catalog: Some(Catalog::Sandbox), ..ResetScope::default() });
    assert_eq!((count(&mut h, A, SANDBOX), count(&mut h, A, AWS)), (1, 2));
    h.reset(ResetScope::default());
    assert_eq!((count(&mut h, A, SANDBOX), count(&mut h, A, AWS)), (1, 0));
    assert_eq!(list(&mut h, A, json!({"Catalog": SANDBOX})), [TEST]);
}

#[test]
fn fixtures_round_trip_and_old_fixtures_load() {
    let (h, _) = populated();
    let exported = h.export(false);
    assert_eq!(exported["solutions"].as_array().map(Vec::len), Some(35));
    let mut fresh = Harness::new(START);
    fresh.seed(&exported).expect("the export seeds");
    assert_eq!(fresh.export_text(false), h.export_text(false));
    // A hand-written solution: the store fills its time and status.
    let mut hand = Harness::new(START);
    let doc = json!({"version": 1, "solutions": [
        {"catalog": "Sandbox", "id": "S-0000042", "owner": A, "name": "Lake House", "category": "Software Product"}]});
    hand.seed(&doc).expect("a hand-written solution seeds");
    let listed = hand.ok(A, &selling("ListSolutions"), json!({"Catalog": SANDBOX}));
    assert_eq!(listed["SolutionSummaries"][0]["Status"], "Active");
    assert_eq!(listed["SolutionSummaries"][0]["Name"], "Lake House");
    // Seeding it again is refused, and so are malformed records; nothing is stored.
    let message = hand.seed_refused(&doc);
    assert!(message.contains("solutions[Sandbox/S-0000042]"), "{message}");
    for bad in [
        json!({"catalog": "Sandbox", "id": "S-1", "owner": A, "name": "", "category": "Software Product"}),
        json!({"catalog": "Sandbox", "id": "X-1", "owner": A, "name": "N", "category": "C"}),
        json!({"catalog": "Sandbox", "id": "S-1", "owner": A, "name": "N", "category": "C", "status": "Retired"}),
        json!({"catalog": "Sandbox", "id": "S-1", "owner": A, "name": "N", "category": "C", "aws_marketplace_solution_arn": "p-1"}),
    ] {
        hand.seed_refused(&json!({"version": 1, "solutions": [bad]}));
    }
    // A fixture without the list (as earlier releases wrote them) loads unchanged.
    let mut old = Harness::new(START);
    old.seed(&json!({"version": 1, "partners": []})).expect("an old fixture seeds");
    assert!(old.export(false)["solutions"].as_array().unwrap().is_empty());
}

#[test]
fn every_account_has_the_sandbox_test_solution() {
    let mut h = Harness::new(START);
    let op = selling("ListSolutions");
    // A fresh store: nothing seeded, any caller.
    for account in [A, C] {
        let listed = h.ok(account, &op, json!({"Catalog": SANDBOX}));
        assert_eq!(
            listed,
            json!({"SolutionSummaries": [{"Catalog": "Sandbox", "Id": TEST,
                "Name": "pcentral Sandbox test solution", "Status": "Active", "Category": "Software Product",
                "CreatedDate": "2024-01-01T00:00:00.000Z"}]})
        );
        assert_eq!(h.ok(account, &op, json!({"Catalog": AWS})), json!({"SolutionSummaries": []}));
    }
    // Filters select it as they would any solution.
    let only = |h: &mut Harness, filters: Value| {
        let mut input = filters;
        input["Catalog"] = json!(SANDBOX);
        list(h, A, input)
    };
    assert_eq!(only(&mut h, json!({"Identifier": [TEST]})), [TEST]);
    assert!(only(&mut h, json!({"Identifier": ["S-0000001"]})).is_empty());
    assert_eq!(only(&mut h, json!({"Status": ["Active", "Draft"]})), [TEST]);
    assert!(only(&mut h, json!({"Status": ["Inactive"]})).is_empty());
    assert_eq!(only(&mut h, json!({"Category": ["SOFTWARE PRODUCT"]})), [TEST]);
    assert!(only(&mut h, json!({"Category": ["Consulting Service"]})).is_empty());
    let arn = "arn:aws:aws-marketplace:us-east-1::product/p-1";
    assert!(only(&mut h, json!({"AwsMarketplaceSolutionArn": [arn]})).is_empty());
    assert_eq!(only(&mut h, json!({"Identifier": [TEST], "Status": ["Active"], "MaxResults": 1})), [TEST]);
    // Nothing of it is stored: an export has no solution.
    assert!(h.export(false)["solutions"].as_array().unwrap().is_empty());
}

#[test]
fn fixtures_may_not_name_the_test_solution_in_the_sandbox() {
    let mut h = Harness::new(START);
    let before = h.export_text(false);
    let doc = json!({"version": 1, "solutions": [
        {"catalog": "Sandbox", "id": "S-0000001", "owner": A, "name": "Lake House", "category": "Software Product"},
        {"catalog": "Sandbox", "id": TEST, "owner": A, "name": "Mine", "category": "Software Product"}]});
    let message = h.seed_refused(&doc);
    assert!(message.contains(&format!("solutions[Sandbox/{TEST}]")), "{message}");
    assert!(message.contains("Sandbox test solution"), "{message}");
    assert_eq!(h.export_text(false), before, "a refused seed stores nothing");
    // In catalog AWS the id is an ordinary one: stored, listed to its owner there only, exported.
    let aws = json!({"version": 1, "solutions": [
        {"catalog": "AWS", "id": TEST, "owner": B, "name": "Mine", "category": "Consulting Service"}]});
    h.seed(&aws).expect("the id seeds in catalog AWS");
    assert_eq!(list(&mut h, B, json!({"Catalog": AWS})), [TEST]);
    assert!(list(&mut h, A, json!({"Catalog": AWS})).is_empty());
    let sandbox = h.ok(B, &selling("ListSolutions"), json!({"Catalog": SANDBOX}));
    assert_eq!(sandbox["SolutionSummaries"][0]["Name"], "pcentral Sandbox test solution");
    assert_eq!(h.export(false)["solutions"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_solution_stored_under_the_test_id_takes_its_place() {
    // Only a database seeded before the id was reserved can hold one.
    let mut h = Harness::new(START);
    let mut stored = test_solution(B);
    stored.name = "Stored earlier".into();
    h.write(|tx| Ok(tx.insert_solution(&stored)?));
    let listed = h.ok(B, &selling("ListSolutions"), json!({"Catalog": SANDBOX}));
    assert_eq!(listed["SolutionSummaries"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed["SolutionSummaries"][0]["Name"], "Stored earlier");
    assert!(list(&mut h, A, json!({"Catalog": SANDBOX})).is_empty());
}
