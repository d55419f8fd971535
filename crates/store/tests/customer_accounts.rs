//! The Selling API's customer accounts: the store's one-record methods
//! (many in one transaction, as a bulk job writes them), the operations
//! through the core (create, get, update with its LastModifiedDate check,
//! delete), SearchCustomerAccounts' sorts, filters and keyset pages checked
//! against an in-memory oracle (pages whose matches lie far apart), the
//! statistics, isolation by account and catalog, refusals that change
//! nothing, reset by account and catalog, and fixtures. On PostgreSQL when
//! `PCENTRAL_TEST_DATABASE` is set, else on SQLite.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::records::{text_key, AwsEnrichment, CustomerAccount, CustomerAccountData, EnrichmentStatus};
use pcentral_core::store::{ResetScope, StoreError};
use pcentral_model::selling::{AwsEnrichmentCustomer, AwsEnrichmentInsights};
use pcentral_model::{AccountId, Catalog, CustomerAccountId};
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000;
const INDUSTRIES: [&str; 3] = ["Software", "Retail", "Healthcare"];

fn data(name: &str) -> CustomerAccountData {
    serde_json::from_value(json!({"CompanyName": name})).unwrap()
}

fn id(n: u64) -> CustomerAccountId {
    CustomerAccountId::parse(&format!("cust-acc-{n:013}")).unwrap()
}

/// Account `n`: every third is still pending, the others enriched with an
/// industry, programs and a score; names repeat and differ in case.
fn account(catalog: Catalog, n: u64, owner: &str) -> CustomerAccount {
    let k = usize::try_from(n).unwrap();
    let enriched = !n.is_multiple_of(3);
    let enrichment = enriched.then(|| AwsEnrichment {
        customer: Some(AwsEnrichmentCustomer {
            industry: Some(INDUSTRIES[k % 3].to_string()),
            eligible_programs: Some(if n.is_multiple_of(2) {
                vec!["MAP".into(), "ISV".into()]
            } else {
                vec!["MAP".into()]
            }),
            ..serde_json::from_value(json!({})).unwrap()
        }),
        insights: Some(AwsEnrichmentInsights {
            solution_score: Some(format!("{}", n % 7)),
            ..serde_json::from_value(json!({})).unwrap()
        }),
    });
    CustomerAccount {
        catalog,
        id: id(n),
        owner: AccountId::parse(owner).unwrap(),
        created_at: START + i64::try_from(n % 5).unwrap() * SECOND,
        last_modified: START + i64::try_from(n % 5 + n % 11).unwrap() * SECOND,
        account: data(&if n.is_multiple_of(2) { format!("Company {}", n % 4) } else { format!("company {}", n % 4) }),
        partner_account_identifier: None,
        enrichment_status: if enriched { EnrichmentStatus::Enriched } else { EnrichmentStatus::Pending },
        enrichment,
        reason_code: None,
        message: None,
        existing_customer_account: None,
        import_id: n.is_multiple_of(10).then(|| "import-1".to_string()),
        tags: Vec::new(),
    }
}

/// 30 accounts of A in the Sandbox (written in one transaction), 3 of B there, 2 of A in catalog AWS.
fn populated() -> (Harness, Vec<CustomerAccount>) {
    let h = Harness::new(START);
    let mine: Vec<CustomerAccount> = (1..=30).map(|n| account(Catalog::Sandbox, n, A)).collect();
    h.write(|tx| {
        for a in &mine {
            tx.insert_customer_account(a)?;
        }
        Ok(())
    });
    for a in (31..=33).map(|n| account(Catalog::Sandbox, n, B)).chain((34..=35).map(|n| account(Catalog::Aws, n, A))) {
        h.write(|tx| Ok(tx.insert_customer_account(&a)?));
    }
    (h, mine)
}

fn search(h: &mut Harness, account: &str, input: Value) -> Vec<String> {
    let mut input = input;
    let mut ids = Vec::new();
    loop {
        let page = h.ok(account, &selling("SearchCustomerAccounts"), input.clone());
        let summaries = page["CustomerAccountSummaries"].as_array().unwrap();
        ids.extend(summaries.iter().map(|s| s["Id"].as_str().unwrap().to_string()));
        match page.get("NextToken").and_then(Value::as_str) {
            Some(token) => input["NextToken"] = json!(token),
            None => return ids,
        }
    }
}

/// The oracle: `mine` filtered by `keep`, sorted by `key` (ties by id).
fn expected<K: Ord>(
    mine: &[CustomerAccount],
    keep: impl Fn(&CustomerAccount) -> bool,
    key: impl Fn(&CustomerAccount) -> K,
    desc: bool,
) -> Vec<String> {
    let mut rows: Vec<&CustomerAccount> = mine.iter().filter(|a| keep(a)).collect();
    rows.sort_by(|a, b| {
        let order = key(a).cmp(&key(b));
        let order = if desc { order.reverse() } else { order };
        order.then_with(|| a.id.cmp(&b.id))
    });
    rows.iter().map(|a| a.id.as_str().to_string()).collect()
}

fn industry(a: &CustomerAccount) -> Option<&str> {
    a.enrichment.as_ref()?.customer.as_ref()?.industry.as_deref()
}

#[test]
fn the_store_keeps_one_record_per_call() {
    let (h, mine) = populated();
    let first = &mine[0];
    assert_eq!(h.read(|tx| Ok(tx.customer_account(Catalog::Sandbox, &first.id)?)).as_ref(), Some(first));
    assert_eq!(h.read(|tx| Ok(tx.customer_account(Catalog::Aws, &first.id)?)), None);
    // The same id again in its catalog conflicts.
    let again = pcentral_core::store::write(h.store(), |tx| Ok(tx.insert_customer_account(first)?));
    assert!(matches!(again, Err(pcentral_core::store::Failure::Store(StoreError::Conflict))), "{again:?}");
    // An update takes only while last_modified is still the one read.
    let mut changed = first.clone();
    changed.account = data("Renamed");
    changed.last_modified += 5 * SECOND;
    assert!(!h.write(|tx| Ok(tx.update_customer_account(&changed, first.last_modified + 1)?)));
    assert!(h.write(|tx| Ok(tx.update_customer_account(&changed, first.last_modified)?)));
    assert_eq!(h.read(|tx| Ok(tx.customer_account(Catalog::Sandbox, &first.id)?)), Some(changed));
    assert!(h.write(|tx| Ok(tx.delete_customer_account(Catalog::Sandbox, &first.id)?)));
    assert!(!h.write(|tx| Ok(tx.delete_customer_account(Catalog::Sandbox, &first.id)?)));
}

#[test]
fn create_get_update_delete_through_the_operations() {
    let mut h = Harness::new(START);
    let made = h.ok(
        A,
        &selling("CreateCustomerAccount"),
        json!({"Catalog": SANDBOX, "Account": {"CompanyName": "Acme", "Duns": "123456789"},
               "PartnerAccountIdentifier": "crm-1", "Tags": [{"Key": "k", "Value": "v"}]}),
    );
    let ident = made["Id"].as_str().unwrap().to_string();
    assert_eq!(made["Status"], "PENDING");
    let got = h.ok(A, &selling("GetCustomerAccount"), json!({"Catalog": SANDBOX, "Identifier": made["Arn"]}));
    assert_eq!(got["Account"], json!({"CompanyName": "Acme", "Duns": "123456789"}));
    assert_eq!(got["Tags"], json!([{"Key": "k", "Value": "v"}]));
    h.advance(SECOND);
    let update = json!({"Catalog": SANDBOX, "Identifier": ident, "Account": {"CompanyName": "Acme Two"},
                        "LastModifiedDate": got["LastModifiedDate"]});
    let updated = h.ok(A, &selling("UpdateCustomerAccount"), update.clone());
    assert_ne!(updated["LastModifiedDate"], got["LastModifiedDate"]);
    // The same request again holds a stale date: a conflict that changes nothing.
    assert_eq!(h.refused(A, &selling("UpdateCustomerAccount"), update).kind, "ConflictException");
    let after = h.ok(A, &selling("GetCustomerAccount"), json!({"Catalog": SANDBOX, "Identifier": ident}));
    assert_eq!(after["Account"], json!({"CompanyName": "Acme Two"}));
    assert!(after.get("PartnerAccountIdentifier").is_none(), "an omitted identifier is cleared");
    // Nobody else sees it, nor does the other catalog.
    for (who, catalog) in [(B, SANDBOX), (A, AWS)] {
        let get = json!({"Catalog": catalog, "Identifier": ident});
        assert_eq!(h.refused(who, &selling("GetCustomerAccount"), get.clone()).kind, "ResourceNotFoundException");
        assert_eq!(h.refused(who, &selling("DeleteCustomerAccount"), get).kind, "ValidationException");
    }
    h.ok(A, &selling("DeleteCustomerAccount"), json!({"Catalog": SANDBOX, "Identifier": ident}));
    assert!(search(&mut h, A, json!({"Catalog": SANDBOX})).is_empty());
}

#[test]
fn every_sort_pages_like_the_oracle() {
    let (mut h, mine) = populated();
    let all = |_: &CustomerAccount| true;
    // Default: last modified, newest first.
    assert_eq!(
        search(&mut h, A, json!({"Catalog": SANDBOX, "MaxResults": 7})),
        expected(&mine, all, |a| a.last_modified, true)
    );
    let first = h.ok(A, &selling("SearchCustomerAccounts"), json!({"Catalog": SANDBOX}));
    assert_eq!(first["CustomerAccountSummaries"].as_array().map(Vec::len), Some(20));
    for desc in [false, true] {
        let order = if desc { "DESCENDING" } else { "ASCENDING" };
        let sorted = |by: &str, h: &mut Harness| {
            search(h, A, json!({"Catalog": SANDBOX, "MaxResults": 4, "Sort": {"SortBy": by, "SortOrder": order}}))
        };
        assert_eq!(sorted("COMPANY_NAME", &mut h), expected(&mine, all, |a| text_key(&a.account.company_name), desc));
        assert_eq!(sorted("CREATED_DATE", &mut h), expected(&mine, all, |a| a.created_at, desc));
        assert_eq!(sorted("LAST_MODIFIED_DATE", &mut h), expected(&mine, all, |a| a.last_modified, desc));
        let score = |a: &CustomerAccount| a.solution_score().unwrap_or_default().to_string();
        assert_eq!(sorted("SOLUTION_SCORE", &mut h), expected(&mine, all, score, desc));
        let engagement = |a: &CustomerAccount| a.marketplace_engagement_score().unwrap_or_default().to_string();
        assert_eq!(sorted("MARKETPLACE_ENGAGEMENT_SCORE", &mut h), expected(&mine, all, engagement, desc));
    }
}

#[test]
fn every_filter_selects_like_the_oracle() {
    let (mut h, mine) = populated();
    let by_id = |a: &CustomerAccount| a.id.clone();
    let sort = json!({"SortBy": "CREATED_DATE", "SortOrder": "ASCENDING"});
    let mut check = |filter: Value, keep: &dyn Fn(&CustomerAccount) -> bool| {
        let got = search(&mut h, A, json!({"Catalog": SANDBOX, "MaxResults": 3, "Filter": filter, "Sort": sort}));
        assert_eq!(got, expected(&mine, keep, |a| (a.created_at, by_id(a)), false), "{filter}");
    };
    check(json!({"EqualsTo": {"Key": "ENRICHMENT_STATUS", "Value": {"StringValue": "PENDING"}}}), &|a| {
        a.enrichment_status == EnrichmentStatus::Pending
    });
    check(json!({"EqualsTo": {"Key": "COMPANY_NAME", "Value": {"StringValue": "COMPANY 2"}}}), &|a| {
        a.account.company_name.to_lowercase() == "company 2"
    });
    check(json!({"ContainsAny": {"Key": "AWS_INDUSTRY", "Value": {"StringListValue": ["soft", "care"]}}}), &|a| {
        industry(a).is_some_and(|i| i == "Software" || i == "Healthcare")
    });
    check(json!({"ContainsAll": {"Key": "PROGRAM_ELIGIBILITY", "Value": {"StringListValue": ["isv", "map"]}}}), &|a| {
        a.enrichment.is_some() && a.id.as_str().ends_with(|c: char| "02468".contains(c))
    });
    check(json!({"EqualsTo": {"Key": "IMPORT_ID", "Value": {"StringValue": "import-1"}}}), &|a| a.import_id.is_some());
    check(json!({"LessThan": {"Key": "CREATED_DATE", "Value": {"DateValue": "2026-05-28T20:26:42Z"}}}), &|a| {
        a.created_at < START + 2 * SECOND
    });
    check(json!({"GreaterThanOrEquals": {"Key": "SOLUTION_SCORE", "Value": {"LongValue": 4}}}), &|a| {
        a.solution_score().is_some_and(|s| s.parse::<i64>().unwrap() >= 4)
    });
    check(
        json!({"NotFilter": {"OrAllFilters": [
            {"EqualsTo": {"Key": "ENRICHMENT_STATUS", "Value": {"StringValue": "PENDING"}}},
            {"EqualsTo": {"Key": "AWS_INDUSTRY", "Value": {"StringValue": "Retail"}}}]}}),
        &|a| a.enrichment_status != EnrichmentStatus::Pending && industry(a) != Some("Retail"),
    );
}

#[test]
fn pages_reach_matches_far_apart() {
    // 450 accounts, 3 of them matching, far apart in the sort order: every
    // page still holds its matches, and the token resumes past the non-matching ones.
    let h = Harness::new(START);
    let mut h = h;
    let rows: Vec<CustomerAccount> = (1..=450)
        .map(|n| {
            let mut a = account(Catalog::Sandbox, n, A);
            a.import_id = [7, 230, 449].contains(&n).then(|| "rare".to_string());
            a
        })
        .collect();
    h.write(|tx| {
        for a in &rows {
            tx.insert_customer_account(a)?;
        }
        Ok(())
    });
    let filter = json!({"EqualsTo": {"Key": "IMPORT_ID", "Value": {"StringValue": "rare"}}});
    let sort = json!({"SortBy": "COMPANY_NAME", "SortOrder": "DESCENDING"});
    let got = search(&mut h, A, json!({"Catalog": SANDBOX, "MaxResults": 1, "Filter": filter, "Sort": sort}));
    let want = expected(&rows, |a| a.import_id.is_some(), |a| text_key(&a.account.company_name), true);
    assert_eq!(got, want);
    let stats = h.ok(A, &selling("GetCustomerAccountStatistics"), json!({"Catalog": SANDBOX}));
    assert_eq!(stats["TotalCount"], 450);
}

#[test]
fn statistics_count_the_filtered_accounts() {
    let (mut h, mine) = populated();
    let got = h.ok(
        A,
        &selling("GetCustomerAccountStatistics"),
        json!({"Catalog": SANDBOX, "IncludeMissing": true,
               "Filter": {"NotFilter": {"EqualsTo": {"Key": "COMPANY_NAME", "Value": {"StringValue": "company 1"}}}},
               "Aggregations": [{"GroupBy": ["AWS_INDUSTRY"]}, {"GroupBy": ["ENRICHMENT_STATUS"]}]}),
    );
    let kept: Vec<&CustomerAccount> =
        mine.iter().filter(|a| a.account.company_name.to_lowercase() != "company 1").collect();
    assert_eq!(got["TotalCount"], kept.len());
    let count = |f: &dyn Fn(&CustomerAccount) -> bool| kept.iter().filter(|a| f(a)).count();
    let buckets = &got["Aggregations"][0]["Buckets"];
    // A value no account holds has no bucket.
    let of = |v: &str| {
        let bucket = buckets.as_array().unwrap().iter().find(|b| b["Values"][0] == v);
        bucket.map_or(json!(0), |b| b["Count"].clone())
    };
    for i in INDUSTRIES {
        assert_eq!(of(i), json!(count(&|a| industry(a) == Some(i))), "{i}");
    }
    assert_eq!(of(""), json!(count(&|a| industry(a).is_none())), "the missing bucket");
    assert_eq!(got["Aggregations"][0]["OtherCount"], 0);
    assert_eq!(got["Aggregations"][1]["GroupBy"], json!(["ENRICHMENT_STATUS"]));
}

#[test]
fn refusals_change_nothing() {
    let (mut h, _) = populated();
    let search_op = selling("SearchCustomerAccounts");
    let leaf = json!({"EqualsTo": {"Key": "COMPANY_NAME", "Value": {"StringValue": "a"}}});
    for bad in [
        json!({"Catalog": SANDBOX, "MaxResults": 0}),
        json!({"Catalog": SANDBOX, "MaxResults": 101}),
        json!({"Catalog": SANDBOX, "NextToken": "forged"}),
        json!({"Catalog": SANDBOX, "Filter": {}}),
        json!({"Catalog": SANDBOX, "Filter": {"EqualsTo": leaf["EqualsTo"], "NotFilter": leaf}}),
        json!({"Catalog": SANDBOX, "Filter": {"ContainsAll": {"Key": "GEO", "Value": {"StringListValue": ["a"]}}}}),
        json!({"Catalog": SANDBOX, "Filter": {"LessThan": {"Key": "GEO", "Value": {"StringValue": "a"}}}}),
        json!({"Catalog": SANDBOX, "Filter": {"NotFilter": {"NotFilter": {"NotFilter": leaf}}}}),
    ] {
        assert_eq!(h.refused(A, &search_op, bad.clone()).kind, "ValidationException", "{bad}");
    }
    let page = h.ok(A, &search_op, json!({"Catalog": SANDBOX, "MaxResults": 2}));
    let token = page["NextToken"].as_str().unwrap();
    let other = json!({"Catalog": SANDBOX, "MaxResults": 2, "Filter": leaf, "NextToken": token});
    assert_eq!(h.refused(A, &search_op, other).kind, "ValidationException");
    assert_eq!(
        h.refused(B, &search_op, json!({"Catalog": SANDBOX, "MaxResults": 2, "NextToken": token})).kind,
        "ValidationException"
    );
    let create = selling("CreateCustomerAccount");
    for bad in [
        json!({"Catalog": SANDBOX, "Account": {"CompanyName": " "}}),
        json!({"Catalog": SANDBOX, "Account": {"CompanyName": "A", "Duns": "1"}}),
        json!({"Catalog": SANDBOX, "Account": {"CompanyName": "A"}, "Tags": [{"Key": "aws:k", "Value": "v"}]}),
        json!({"Catalog": SANDBOX, "Account": {"CompanyName": "A"},
               "Tags": [{"Key": "k", "Value": "v"}, {"Key": "k", "Value": "w"}]}),
    ] {
        assert_eq!(h.refused(A, &create, bad.clone()).kind, "ValidationException", "{bad}");
    }
    let stale = json!({"Catalog": SANDBOX, "Identifier": id(1).as_str(), "Account": {"CompanyName": "X"},
                       "LastModifiedDate": "2020-01-01T00:00:00Z"});
    assert_eq!(h.refused(A, &selling("UpdateCustomerAccount"), stale).kind, "ConflictException");
}

#[test]
fn reset_takes_customer_accounts_by_account_and_by_catalog() {
    let (mut h, _) = populated();
    let count = |h: &mut Harness, account: &str, catalog: &str| search(h, account, json!({"Catalog": catalog})).len();
    h.reset(ResetScope { account: Some(AccountId::parse(B).unwrap()), ..ResetScope::default() });
    assert_eq!((count(&mut h, A, SANDBOX), count(&mut h, B, SANDBOX)), (30, 0));
    h.reset(ResetScope { catalog: Some(Catalog::Sandbox), ..ResetScope::default() });
    assert_eq!((count(&mut h, A, SANDBOX), count(&mut h, A, AWS)), (0, 2));
    h.reset(ResetScope::default());
    assert_eq!(count(&mut h, A, AWS), 0);
}

#[test]
fn fixtures_round_trip_and_old_fixtures_load() {
    let (h, _) = populated();
    let exported = h.export(false);
    assert_eq!(exported["customer_accounts"].as_array().map(Vec::len), Some(35));
    let mut fresh = Harness::new(START);
    fresh.seed(&exported).expect("the export seeds");
    assert_eq!(fresh.export_text(false), h.export_text(false));
    // A hand-written account: the store fills its times and status.
    let mut hand = Harness::new(START);
    let doc = json!({"version": 1, "customer_accounts": [
        {"catalog": "Sandbox", "id": "cust-acc-0000000000042", "owner": A, "account": {"CompanyName": "Lake House"}}]});
    hand.seed(&doc).expect("a hand-written account seeds");
    let got =
        hand.ok(A, &selling("GetCustomerAccount"), json!({"Catalog": SANDBOX, "Identifier": "cust-acc-0000000000042"}));
    assert_eq!(got["EnrichmentStatus"], "PENDING");
    assert_eq!(got["CreatedDate"], got["LastModifiedDate"]);
    let message = hand.seed_refused(&doc);
    assert!(message.contains("customer_accounts[Sandbox/cust-acc-0000000000042]"), "{message}");
    for bad in [
        json!({"catalog": "Sandbox", "id": "cust-acc-0000000000001", "owner": A, "account": {"CompanyName": ""}}),
        json!({"catalog": "Sandbox", "id": "acc-1", "owner": A, "account": {"CompanyName": "N"}}),
        json!({"catalog": "Sandbox", "id": "cust-acc-000000000000A", "owner": A, "account": {"CompanyName": "N"}}),
        json!({"catalog": "Sandbox", "id": "cust-acc-0000000000001", "owner": A, "account": {"CompanyName": "N"},
               "enrichment_status": "DONE"}),
        json!({"catalog": "Sandbox", "id": "cust-acc-0000000000001", "owner": A, "account": {"CompanyName": "N"},
               "created_at": START, "last_modified": START - 1}),
    ] {
        hand.seed_refused(&json!({"version": 1, "customer_accounts": [bad]}));
    }
    let mut old = Harness::new(START);
    old.seed(&json!({"version": 1, "partners": []})).expect("an old fixture seeds");
    assert!(old.export(false)["customer_accounts"].as_array().unwrap().is_empty());
}
