//! SearchOpportunities through the core on a real store: every sort key
//! and filters over the model's keys, pages checked against an in-memory
//! oracle (matches far apart, more opportunities than one store batch),
//! isolation by account and catalog, and refusals that change nothing.
//! On PostgreSQL when `PCENTRAL_TEST_DATABASE` is set, else on SQLite.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use common::*;
use pcentral_core::records::{Opportunity, Origin, RelatedEntityType, ReviewStatus, Stage};
use pcentral_model::selling::OpportunitySearchSortName;
use pcentral_model::{AccountId, Catalog, OpportunityId};
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000;
const COUNTRIES: [&str; 3] = ["US", "DE", "JP"];
const OFFER: &str = "arn:aws:aws-marketplace:us-east-1:999999999999:AWSMarketplace/Offer/offer-x";

/// Opportunity `n` of `owner`: values vary with `n`, some are missing.
fn opportunity(catalog: Catalog, n: u64, owner: &str) -> Opportunity {
    let k = usize::try_from(n).unwrap();
    let t = START + i64::try_from(n % 7).unwrap() * SECOND;
    let company =
        (!n.is_multiple_of(6)).then(|| format!("{} {}", if n.is_multiple_of(2) { "Acme" } else { "acme" }, n % 4));
    let mut related = BTreeMap::new();
    if n.is_multiple_of(9) {
        related.insert(RelatedEntityType::Awsmarketplaceoffers, vec![OFFER.to_string()]);
    }
    Opportunity {
        catalog,
        id: OpportunityId::from_number(n),
        owner: AccountId::parse(owner).unwrap(),
        created_at: t,
        last_modified: t + i64::try_from(n % 3).unwrap(),
        origin: if n.is_multiple_of(5) { Origin::AwsReferral } else { Origin::PartnerReferral },
        review_comments: None,
        review_status_reason: None,
        review_status: Some(if n.is_multiple_of(2) { ReviewStatus::PendingSubmission } else { ReviewStatus::Approved }),
        stage: (!n.is_multiple_of(4)).then_some(if n.is_multiple_of(3) { Stage::Qualified } else { Stage::Prospect }),
        customer_company_name: company.clone(),
        target_close_date: (!n.is_multiple_of(5)).then(|| format!("2027-0{}-1{}", 1 + n % 9, n % 10)),
        title: Some(format!("Project {}", n % 13)),
        body: serde_json::from_value(json!({
            // The model requires a customer account's company name: without one, no account.
            "Customer": company.as_ref().map(|c| json!({"Account": {"CompanyName": c, "Address": {"CountryCode": COUNTRIES[k % 3]}}})),
            "Project": {"Title": format!("Project {}", n % 13),
                        "ExpectedCustomerSpend": [{"Amount": format!("{}", (n * 37) % 500), "CurrencyCode": "USD",
                                                   "Frequency": "Monthly", "TargetCompany": "AWS"}],
                        "ApnPrograms": if n.is_multiple_of(2) { json!(["P1", "P2"]) } else { json!(["P1"]) }},
            "OpportunityType": if n.is_multiple_of(3) { "Expansion" } else { "Net New Business" },
        }))
        .unwrap(),
        related,
        submission: None,
        assignee: None,
        tags: if n.is_multiple_of(4) { vec![("team".to_string(), format!("t{}", n % 8))] } else { Vec::new() },
    }
}

/// 450 opportunities of A in the Sandbox (more than one store batch), 3 of B there, 2 of A in AWS.
fn populated() -> (Harness, Vec<Opportunity>) {
    let h = Harness::new(START);
    let mine: Vec<Opportunity> = (1..=450).map(|n| opportunity(Catalog::Sandbox, n, A)).collect();
    h.write(|tx| {
        for o in &mine {
            tx.insert_opportunity(o)?;
        }
        Ok(())
    });
    let others = (451..=453)
        .map(|n| opportunity(Catalog::Sandbox, n, B))
        .chain((454..=455).map(|n| opportunity(Catalog::Aws, n, A)));
    for o in others {
        h.write(|tx| Ok(tx.insert_opportunity(&o)?));
    }
    (h, mine)
}

fn search(h: &mut Harness, account: &str, input: Value) -> Vec<String> {
    let mut input = input;
    let mut ids = Vec::new();
    loop {
        let page = h.ok(account, &selling("SearchOpportunities"), input.clone());
        let summaries = page["OpportunitySearchSummaries"].as_array().unwrap();
        ids.extend(summaries.iter().map(|s| s["Id"].as_str().unwrap().to_string()));
        match page.get("NextToken").and_then(Value::as_str) {
            Some(token) => input["NextToken"] = json!(token),
            None => return ids,
        }
    }
}

/// A sort key of the oracle: a number, or text in lower case (missing: first).
#[derive(PartialEq, PartialOrd)]
enum K {
    Missing,
    N(f64),
    T(String),
}

fn cmp_k(a: &K, b: &K) -> Ordering {
    a.partial_cmp(b).unwrap()
}

/// The oracle: `mine` filtered by `keep`, sorted by `key` (ties by id ascending).
fn expected(
    mine: &[Opportunity],
    keep: impl Fn(&Opportunity) -> bool,
    key: impl Fn(&Opportunity) -> K,
    desc: bool,
) -> Vec<String> {
    let mut rows: Vec<&Opportunity> = mine.iter().filter(|o| keep(o)).collect();
    rows.sort_by(|a, b| {
        let order = cmp_k(&key(a), &key(b));
        let order = if desc { order.reverse() } else { order };
        order.then_with(|| a.id.as_str().cmp(b.id.as_str()))
    });
    rows.iter().map(|o| o.id.as_str().to_string()).collect()
}

fn text(v: Option<&str>) -> K {
    K::T(v.unwrap_or_default().to_lowercase())
}

/// The document of `o` as JSON.
fn body(o: &Opportunity) -> Value {
    serde_json::to_value(&o.body).unwrap()
}

fn at(o: &Opportunity, pointer: &str) -> Option<String> {
    body(o).pointer(pointer).and_then(Value::as_str).map(str::to_string)
}

fn mrr(o: &Opportunity) -> f64 {
    at(o, "/Project/ExpectedCustomerSpend/0/Amount").unwrap().parse().unwrap()
}

/// What the oracle sorts by for `key` (the sorts SearchOpportunities takes).
fn oracle_key(key: &str, o: &Opportunity) -> K {
    match key {
        "OpportunityId" => text(Some(o.id.as_str())),
        "Stage" => text(o.stage.map(|s| s.as_str())),
        "ReviewStatus" => text(o.review_status.map(|s| s.as_str())),
        "CustomerCompanyName" => text(o.customer_company_name.as_deref()),
        "LastModifiedDate" => K::N(o.last_modified as f64),
        "CreatedDate" => K::N(o.created_at as f64),
        "TargetCloseDate" => o.target_close_date.as_ref().map_or(K::Missing, |d| K::T(d.clone())),
        "CountryCode" => text(at(o, "/Customer/Account/Address/CountryCode").as_deref()),
        "PartnerProjectTitle" => text(o.title.as_deref()),
        "OpportunityType" => text(at(o, "/OpportunityType").as_deref()),
        "Origin" => text(Some(o.origin.as_str())),
        "EstimatedMrr" => K::N(mrr(o)),
        "Tags" => K::T(o.tags.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("\u{1}")),
        "OfferId" => K::T(
            o.related
                .get(&RelatedEntityType::Awsmarketplaceoffers)
                .map(|l| l.join("\u{1}").to_lowercase())
                .unwrap_or_default(),
        ),
        "ApnPrograms" => {
            let n = body(o).pointer("/Project/ApnPrograms").and_then(Value::as_array).map_or(0, Vec::len);
            K::T(if n == 2 { "p1\u{1}p2" } else { "p1" }.into())
        }
        // Values these opportunities do not hold: every one ties, so the order is the ids'.
        _ => K::T(String::new()),
    }
}

#[test]
fn every_sort_pages_like_the_oracle() {
    let (mut h, mine) = populated();
    let all = |_: &Opportunity| true;
    assert_eq!(
        search(&mut h, A, json!({"Catalog": SANDBOX, "MaxResults": 37})),
        expected(&mine, all, |o| K::N(o.last_modified as f64), true)
    );
    for sort in OpportunitySearchSortName::ALL {
        for desc in [false, true] {
            let order = if desc { "DESCENDING" } else { "ASCENDING" };
            let by = sort.as_str();
            let got = search(
                &mut h,
                A,
                json!({"Catalog": SANDBOX, "MaxResults": 100,
                                               "Sort": {"SortBy": by, "SortOrder": order}}),
            );
            assert_eq!(got, expected(&mine, all, |o| oracle_key(by, o), desc), "{by} {order}");
        }
    }
}

#[test]
fn every_filter_selects_like_the_oracle() {
    let (mut h, mine) = populated();
    let sort = json!({"SortBy": "CreatedDate", "SortOrder": "ASCENDING"});
    let mut check = |filter: Value, keep: &dyn Fn(&Opportunity) -> bool| {
        let got = search(&mut h, A, json!({"Catalog": SANDBOX, "MaxResults": 7, "Filter": filter, "Sort": sort}));
        assert_eq!(got, expected(&mine, keep, |o| K::N(o.created_at as f64), false), "{filter}");
    };
    check(json!({"EqualsTo": {"Key": "Stage", "Value": {"StringValue": "QUALIFIED"}}}), &|o| {
        o.stage == Some(Stage::Qualified)
    });
    check(
        json!({"ContainsAny": {"Key": "CustomerCompanyName", "Value": {"StringListValue": ["ACME 1", "me 3"]}}}),
        &|o| o.customer_company_name.as_deref().is_some_and(|c| c.ends_with(" 1") || c.ends_with(" 3")),
    );
    check(json!({"EqualsTo": {"Key": "CountryCode", "Value": {"StringValue": "de"}}}), &|o| {
        at(o, "/Customer/Account/Address/CountryCode").as_deref() == Some("DE")
    });
    check(json!({"ContainsAll": {"Key": "ApnPrograms", "Value": {"StringListValue": ["p2", "P1"]}}}), &|o| {
        body(o).pointer("/Project/ApnPrograms").and_then(Value::as_array).is_some_and(|a| a.len() == 2)
    });
    check(json!({"EqualsTo": {"Key": "OfferId", "Value": {"StringValue": OFFER}}}), &|o| !o.related.is_empty());
    check(json!({"EqualsTo": {"Key": "Tags", "Value": {"StringValue": "team=t4"}}}), &|o| {
        o.tags.first().is_some_and(|(_, v)| v == "t4")
    });
    check(json!({"GreaterThan": {"Key": "EstimatedMrr", "Value": {"DoubleValue": 400.5}}}), &|o| mrr(o) > 400.5);
    check(json!({"LessThanOrEquals": {"Key": "EstimatedMrr", "Value": {"LongValue": 10}}}), &|o| mrr(o) <= 10.0);
    check(
        json!({"GreaterThanOrEquals": {"Key": "TargetCloseDate", "Value": {"DateValue": "2027-08-01T00:00:00Z"}}}),
        &|o| o.target_close_date.as_deref().is_some_and(|d| d >= "2027-08-01"),
    );
    check(json!({"LessThan": {"Key": "CreatedDate", "Value": {"DateValue": "2026-05-28T20:26:42Z"}}}), &|o| {
        o.created_at < START + 2 * SECOND
    });
    check(json!({"EqualsTo": {"Key": "Origin", "Value": {"StringValue": "AWS Referral"}}}), &|o| {
        o.origin == Origin::AwsReferral
    });
    check(
        json!({"AndAllFilters": [
            {"OrAllFilters": [
                {"EqualsTo": {"Key": "OpportunityType", "Value": {"StringValue": "expansion"}}},
                {"EqualsTo": {"Key": "ReviewStatus", "Value": {"StringValue": "Approved"}}}]},
            {"NotFilter": {"EqualsTo": {"Key": "Stage", "Value": {"StringValue": "Prospect"}}}}]}),
        &|o| {
            (at(o, "/OpportunityType").as_deref() == Some("Expansion")
                || o.review_status == Some(ReviewStatus::Approved))
                && o.stage != Some(Stage::Prospect)
        },
    );
    // Rare matches far apart in the order, more than a batch apart.
    let id = |n: u64| json!({"EqualsTo": {"Key": "OpportunityId", "Value": {"StringValue": OpportunityId::from_number(n).as_str()}}});
    check(json!({"OrAllFilters": [id(3), id(444)]}), &|o| {
        o.id == OpportunityId::from_number(3) || o.id == OpportunityId::from_number(444)
    });
    let got = search(&mut h, A, json!({"Catalog": SANDBOX, "MaxResults": 5, "Keyword": "PROJECT 12"}));
    let want = expected(&mine, |o| o.title.as_deref() == Some("Project 12"), |o| K::N(o.last_modified as f64), true);
    assert_eq!(got, want);
}

#[test]
fn other_accounts_and_catalogs_see_nothing() {
    let (mut h, _) = populated();
    assert_eq!(search(&mut h, B, json!({"Catalog": SANDBOX})).len(), 3);
    assert_eq!(search(&mut h, A, json!({"Catalog": "AWS"})).len(), 2);
    assert!(search(&mut h, C, json!({"Catalog": SANDBOX})).is_empty());
}

#[test]
fn refusals_change_nothing() {
    let (mut h, _) = populated();
    let op = selling("SearchOpportunities");
    let leaf = json!({"EqualsTo": {"Key": "Stage", "Value": {"StringValue": "Prospect"}}});
    for bad in [
        json!({"Catalog": SANDBOX, "MaxResults": 0}),
        json!({"Catalog": SANDBOX, "NextToken": "forged"}),
        json!({"Catalog": SANDBOX, "Filter": {}}),
        json!({"Catalog": SANDBOX, "Filter": {"EqualsTo": leaf["EqualsTo"], "NotFilter": leaf}}),
        json!({"Catalog": SANDBOX, "Filter": {"ContainsAll": {"Key": "Stage", "Value": {"StringListValue": ["a"]}}}}),
        json!({"Catalog": SANDBOX, "Filter": {"LessThan": {"Key": "Stage", "Value": {"StringValue": "a"}}}}),
        json!({"Catalog": SANDBOX, "Filter": {"GreaterThan": {"Key": "CreatedDate", "Value": {"LongValue": 1}}}}),
        json!({"Catalog": SANDBOX, "Filter": {"NotFilter": {"NotFilter": {"NotFilter": leaf}}}}),
    ] {
        assert_eq!(h.refused(A, &op, bad.clone()).kind, "ValidationException", "{bad}");
    }
    let page = h.ok(A, &op, json!({"Catalog": SANDBOX, "MaxResults": 2}));
    let token = page["NextToken"].as_str().unwrap();
    let other = json!({"Catalog": SANDBOX, "MaxResults": 2, "Filter": leaf, "NextToken": token});
    assert_eq!(h.refused(A, &op, other).kind, "ValidationException");
    assert_eq!(
        h.refused(B, &op, json!({"Catalog": SANDBOX, "MaxResults": 2, "NextToken": token})).kind,
        "ValidationException"
    );
}
