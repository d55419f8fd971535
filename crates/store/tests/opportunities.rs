//! The store side of the Selling API's opportunities: records per catalog
//! and owner, the optimistic-concurrency update, every filter and sort of the
//! list with keyset pages checked against an in-memory oracle, reset by
//! account and catalog, and fixtures (an old fixture without the list loads).
//! On PostgreSQL when `PCENTRAL_TEST_DATABASE` is set, else on SQLite.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;

use common::*;
use pcentral_core::records::{sort_value, text_key, Opportunity, OpportunitySortName, Origin, ReviewStatus, Stage};
use pcentral_core::store::{OpportunityCursor, OpportunityQuery, ResetScope};
use pcentral_model::{AccountId, Catalog, OpportunityId};
use serde_json::json;

const START: i64 = 1_780_000_000_000;

fn opportunity(catalog: Catalog, n: u64, owner: &str, company: Option<&str>) -> Opportunity {
    let t = START + i64::try_from(n % 7).unwrap() * SECOND;
    Opportunity {
        catalog,
        id: OpportunityId::from_number(n),
        owner: AccountId::parse(owner).unwrap(),
        created_at: t,
        last_modified: t + i64::try_from(n % 3).unwrap(),
        origin: Origin::PartnerReferral,
        review_comments: None,
        review_status_reason: None,
        review_status: Some(if n.is_multiple_of(2) { ReviewStatus::PendingSubmission } else { ReviewStatus::Approved }),
        stage: (!n.is_multiple_of(4)).then_some(if n.is_multiple_of(3) { Stage::Qualified } else { Stage::Prospect }),
        customer_company_name: company.map(str::to_string),
        target_close_date: (!n.is_multiple_of(5)).then(|| format!("2027-0{}-1{}", 1 + n % 9, n % 10)),
        title: Some(format!("Project {n}")),
        body: serde_json::from_value(json!({"Customer": company.map(|c| json!({"Account": {"CompanyName": c}}))}))
            .unwrap(),
        related: BTreeMap::new(),
        submission: None,
        assignee: None,
        tags: Vec::new(),
    }
}

fn insert(h: &Harness, o: &Opportunity) {
    h.write(|tx| Ok(tx.insert_opportunity(o)?));
}

fn query(owner: &str) -> OpportunityQuery {
    OpportunityQuery {
        catalog: Catalog::Sandbox,
        owner: AccountId::parse(owner).unwrap(),
        identifiers: vec![],
        stages: vec![],
        review_statuses: vec![],
        company_keys: vec![],
        modified_after: None,
        modified_before: None,
        created_after: None,
        created_before: None,
        close_after: None,
        close_before: None,
        sort: OpportunitySortName::Lastmodifieddate,
        descending: true,
        after: None,
        limit: 1000,
    }
}

/// Every page of `q`, `size` at a time, resuming after the last item.
fn all_pages(h: &Harness, q: &OpportunityQuery, size: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut q = OpportunityQuery { limit: size, ..q.clone() };
    loop {
        let page = h.read(|tx| Ok(tx.list_opportunities(&q)?));
        out.extend(page.iter().map(|o| o.id.as_str().to_string()));
        match page.last() {
            Some(last) if page.len() == size => {
                q.after = Some(OpportunityCursor { value: sort_value(q.sort, last), id: last.id.as_str().to_string() })
            }
            _ => return out,
        }
    }
}

/// The ids `q` selects, in its order, computed in memory.
fn oracle(all: &[Opportunity], q: &OpportunityQuery) -> Vec<String> {
    let mut kept: Vec<&Opportunity> = all
        .iter()
        .filter(|o| o.catalog == q.catalog && o.owner == q.owner)
        .filter(|o| q.identifiers.is_empty() || q.identifiers.contains(&o.id))
        .filter(|o| q.stages.is_empty() || o.stage.is_some_and(|s| q.stages.contains(&s)))
        .filter(|o| q.review_statuses.is_empty() || o.review_status.is_some_and(|s| q.review_statuses.contains(&s)))
        .filter(|o| {
            q.company_keys.is_empty()
                || q.company_keys.contains(&text_key(o.customer_company_name.as_deref().unwrap_or_default()))
        })
        .filter(|o| q.modified_after.is_none_or(|b| o.last_modified >= b))
        .filter(|o| q.modified_before.is_none_or(|b| o.last_modified < b))
        .filter(|o| q.created_after.is_none_or(|b| o.created_at >= b))
        .filter(|o| q.created_before.is_none_or(|b| o.created_at < b))
        .filter(|o| q.close_after.as_ref().is_none_or(|b| o.target_close_date.as_ref().is_some_and(|d| d >= b)))
        .filter(|o| q.close_before.as_ref().is_none_or(|b| o.target_close_date.as_ref().is_some_and(|d| d < b)))
        .collect();
    kept.sort_by(|a, b| {
        let (va, vb) = (sort_value(q.sort, a), sort_value(q.sort, b));
        let ord = match (va, vb) {
            (pcentral_core::records::SortValue::Int(x), pcentral_core::records::SortValue::Int(y)) => x.cmp(&y),
            (pcentral_core::records::SortValue::Text(x), pcentral_core::records::SortValue::Text(y)) => x.cmp(&y),
            _ => unreachable!(),
        };
        let ord = if q.descending { ord.reverse() } else { ord };
        ord.then_with(|| a.id.cmp(&b.id))
    });
    kept.iter().map(|o| o.id.as_str().to_string()).collect()
}

/// 40 of A's in Sandbox (company names with ties, case variants and gaps),
/// 3 of B's, 2 of A's in AWS.
fn populated() -> (Harness, Vec<Opportunity>) {
    let h = Harness::new(START);
    let names = [Some("Acme"), Some("acme"), Some("Zeta Corp"), None, Some("Émile SA"), Some("beta")];
    let mut all = Vec::new();
    for n in 0..40u64 {
        all.push(opportunity(Catalog::Sandbox, 1000 + n * 37 % 40, A, names[usize::try_from(n % 6).unwrap()]));
    }
    for n in 0..3u64 {
        all.push(opportunity(Catalog::Sandbox, 2000 + n, B, Some("Acme")));
    }
    for n in 0..2u64 {
        all.push(opportunity(Catalog::Aws, 1000 + n, A, Some("Acme")));
    }
    for o in &all {
        insert(&h, o);
    }
    (h, all)
}

#[test]
fn an_opportunity_lives_in_its_catalog() {
    let (h, all) = populated();
    let first = &all[0];
    let read = |catalog| h.read(|tx| Ok(tx.opportunity(catalog, &first.id)?));
    assert_eq!(read(Catalog::Sandbox).as_ref(), Some(first));
    // The same id in AWS is another record (A's own, made above), never the Sandbox one.
    assert_ne!(read(Catalog::Aws).as_ref(), Some(first));
    let unknown = OpportunityId::from_number(999_999);
    assert_eq!(h.read(|tx| Ok(tx.opportunity(Catalog::Sandbox, &unknown)?)), None);
}

#[test]
fn a_second_opportunity_with_the_same_id_is_a_conflict() {
    let (h, all) = populated();
    let again = pcentral_core::store::write(h.store(), |tx| Ok(tx.insert_opportunity(&all[0])?));
    assert!(again.is_err());
}

#[test]
fn an_update_with_a_stale_date_stores_nothing() {
    let (h, all) = populated();
    let stored = all[0].clone();
    let mut changed = stored.clone();
    changed.last_modified = stored.last_modified + 5;
    changed.stage = Some(Stage::Committed);
    changed.customer_company_name = Some("Renamed".into());
    let before = h.snapshot();
    assert!(!h.write(|tx| Ok(tx.update_opportunity(&changed, stored.last_modified - 1)?)));
    assert_unchanged(&before, &h.snapshot(), "a stale update");
    assert!(h.write(|tx| Ok(tx.update_opportunity(&changed, stored.last_modified)?)));
    assert_eq!(h.read(|tx| Ok(tx.opportunity(Catalog::Sandbox, &stored.id)?)), Some(changed.clone()));
    // The indexed columns moved with the document.
    let q = OpportunityQuery { company_keys: vec![text_key("RENAMED")], ..query(A) };
    assert_eq!(all_pages(&h, &q, 10), vec![stored.id.as_str().to_string()]);
    // The old date is stale now.
    assert!(!h.write(|tx| Ok(tx.update_opportunity(&changed, stored.last_modified)?)));
}

#[test]
fn every_sort_pages_like_the_oracle() {
    let (h, all) = populated();
    for sort in [
        OpportunitySortName::Lastmodifieddate,
        OpportunitySortName::Identifier,
        OpportunitySortName::Customercompanyname,
        OpportunitySortName::Createddate,
        OpportunitySortName::Targetclosedate,
    ] {
        for descending in [false, true] {
            let q = OpportunityQuery { sort, descending, ..query(A) };
            let expected = oracle(&all, &q);
            assert_eq!(expected.len(), 40);
            for size in [1, 3, 7, 40, 100] {
                assert_eq!(all_pages(&h, &q, size), expected, "{sort:?} descending={descending} size={size}");
            }
        }
    }
}

#[test]
fn every_filter_selects_like_the_oracle() {
    let (h, all) = populated();
    let ids: Vec<OpportunityId> = all.iter().step_by(5).map(|o| o.id.clone()).collect();
    let queries = [
        OpportunityQuery { identifiers: ids, ..query(A) },
        OpportunityQuery { stages: vec![Stage::Qualified], ..query(A) },
        OpportunityQuery { stages: vec![Stage::Qualified, Stage::Prospect], ..query(A) },
        OpportunityQuery { review_statuses: vec![ReviewStatus::Approved], ..query(A) },
        OpportunityQuery { company_keys: vec![text_key("ACME"), text_key("émile sa")], ..query(A) },
        OpportunityQuery { modified_after: Some(START + 2 * SECOND), ..query(A) },
        OpportunityQuery { modified_before: Some(START + 2 * SECOND), ..query(A) },
        OpportunityQuery { created_after: Some(START + SECOND), created_before: Some(START + 4 * SECOND), ..query(A) },
        OpportunityQuery { close_after: Some("2027-03-01".into()), ..query(A) },
        OpportunityQuery { close_before: Some("2027-05-01".into()), stages: vec![Stage::Prospect], ..query(A) },
        OpportunityQuery { catalog: Catalog::Aws, ..query(A) },
        query(B),
        query(C),
    ];
    for q in queries {
        let expected = oracle(&all, &q);
        assert_eq!(all_pages(&h, &q, 4), expected, "{q:?}");
    }
    assert!(!oracle(&all, &OpportunityQuery { company_keys: vec![text_key("ACME")], ..query(A) }).is_empty());
}

#[test]
fn reset_by_account_and_by_catalog() {
    let (mut h, _) = populated();
    let count = |h: &Harness, catalog: Catalog, owner: &str| {
        all_pages(h, &OpportunityQuery { catalog, ..query(owner) }, 100).len()
    };
    h.reset(ResetScope { account: Some(AccountId::parse(B).unwrap()), ..ResetScope::default() });
    assert_eq!((count(&h, Catalog::Sandbox, A), count(&h, Catalog::Sandbox, B)), (40, 0));
    h.reset(ResetScope { catalog: Some(Catalog::Sandbox), ..ResetScope::default() });
    assert_eq!((count(&h, Catalog::Sandbox, A), count(&h, Catalog::Aws, A)), (0, 2));
    h.reset(ResetScope::default());
    assert_eq!(count(&h, Catalog::Aws, A), 0);
}

#[test]
fn fixtures_round_trip_and_old_fixtures_load() {
    let (h, _) = populated();
    let exported = h.export(false);
    assert_eq!(exported["opportunities"].as_array().map(Vec::len), Some(45));
    let mut fresh = Harness::new(START);
    fresh.seed(&exported).expect("the export seeds");
    assert_eq!(fresh.export_text(false), h.export_text(false));
    // A hand-written opportunity: the store fills its times, origin and body.
    let mut hand = Harness::new(START);
    let doc = json!({"version": 1, "opportunities": [
        {"catalog": "Sandbox", "id": "O42", "owner": A, "review_status": "Pending Submission"}]});
    hand.seed(&doc).expect("a hand-written opportunity seeds");
    let stored = hand.read(|tx| Ok(tx.opportunity(Catalog::Sandbox, &OpportunityId::parse("O42").unwrap())?));
    let stored = stored.expect("stored");
    assert_eq!((stored.created_at, stored.last_modified, stored.origin), (START, START, Origin::PartnerReferral));
    // Seeding it again is refused and stores nothing.
    let message = hand.seed_refused(&doc);
    assert!(message.contains("opportunities[Sandbox/O42]"), "{message}");
    // A fixture without the list (as the previous release wrote them) loads unchanged.
    let mut old = Harness::new(START);
    old.seed(&json!({"version": 1, "partners": [], "connections": []})).expect("an old fixture seeds");
    assert!(old.export(false)["opportunities"].as_array().unwrap().is_empty());
}
