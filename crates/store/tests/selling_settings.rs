//! The Selling API's system settings (GetSellingSystemSettings,
//! PutSellingSystemSettings) through the operations: per account and
//! catalog, a role name made a role of the caller's account, Put replacing
//! what was set, refusals that store nothing, reset by account and catalog,
//! and fixtures (an old fixture without the list loads). On PostgreSQL when
//! `PCENTRAL_TEST_DATABASE` is set, else on SQLite.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::records::SellingSettings;
use pcentral_core::store::ResetScope;
use pcentral_model::{AccountId, Catalog};
use serde_json::json;

const START: i64 = 1_780_000_000_000;

fn get(h: &mut Harness, account: &str, catalog: &str) -> serde_json::Value {
    h.ok(account, &selling("GetSellingSystemSettings"), json!({"Catalog": catalog}))
}

fn put(h: &mut Harness, account: &str, catalog: &str, role: &str) -> serde_json::Value {
    h.ok(
        account,
        &selling("PutSellingSystemSettings"),
        json!({"Catalog": catalog, "ResourceSnapshotJobRoleIdentifier": role}),
    )
}

#[test]
fn settings_belong_to_one_account_in_one_catalog() {
    let mut h = Harness::new(START);
    // Nothing set yet: the catalog alone.
    assert_eq!(get(&mut h, A, SANDBOX), json!({"Catalog": "Sandbox"}));
    let answer = put(&mut h, A, SANDBOX, "SnapshotRole");
    let arn = format!("arn:aws:iam::{A}:role/SnapshotRole");
    assert_eq!(answer, json!({"Catalog": "Sandbox", "ResourceSnapshotJobRoleArn": arn}));
    assert_eq!(get(&mut h, A, SANDBOX), answer);
    // Another catalog and another account see nothing of it.
    assert_eq!(get(&mut h, A, AWS), json!({"Catalog": "AWS"}));
    assert_eq!(get(&mut h, B, SANDBOX), json!({"Catalog": "Sandbox"}));
    // A full ARN is kept as given (path included).
    let full = format!("arn:aws:iam::{B}:role/team/Snapshots");
    assert_eq!(put(&mut h, A, SANDBOX, &full)["ResourceSnapshotJobRoleArn"], json!(full));
    assert_eq!(get(&mut h, A, SANDBOX)["ResourceSnapshotJobRoleArn"], json!(full));
    // Put without the role replaces the settings: no role any more.
    let cleared = h.ok(A, &selling("PutSellingSystemSettings"), json!({"Catalog": SANDBOX}));
    assert_eq!(cleared, json!({"Catalog": "Sandbox"}));
    assert_eq!(get(&mut h, A, SANDBOX), json!({"Catalog": "Sandbox"}));
}

#[test]
fn a_malformed_role_is_refused_and_stores_nothing() {
    let mut h = Harness::new(START);
    put(&mut h, A, SANDBOX, "Kept");
    let op = selling("PutSellingSystemSettings");
    for bad in ["", "has space", "arn:aws:iam::12:role/Short", &"r".repeat(65), "arn:aws:s3:::bucket"] {
        let r = h.refused(A, &op, json!({"Catalog": SANDBOX, "ResourceSnapshotJobRoleIdentifier": bad}));
        assert_eq!(r.kind, "ValidationException", "{bad}");
    }
    let r = h.refused(A, &op, json!({"Catalog": "Elsewhere", "ResourceSnapshotJobRoleIdentifier": "Role"}));
    assert_eq!(r.kind, "ValidationException");
    assert_eq!(get(&mut h, A, SANDBOX)["ResourceSnapshotJobRoleArn"], json!(format!("arn:aws:iam::{A}:role/Kept")));
}

#[test]
fn reset_takes_settings_by_account_and_by_catalog() {
    let mut h = Harness::new(START);
    for (account, catalog) in [(A, SANDBOX), (A, AWS), (B, SANDBOX)] {
        put(&mut h, account, catalog, "Role");
    }
    let has = |h: &mut Harness, account: &str, catalog: &str| {
        get(h, account, catalog).get("ResourceSnapshotJobRoleArn").is_some()
    };
    h.reset(ResetScope { account: Some(AccountId::parse(B).unwrap()), ..ResetScope::default() });
    assert_eq!((has(&mut h, A, SANDBOX), has(&mut h, B, SANDBOX)), (true, false));
    h.reset(ResetScope { catalog: Some(Catalog::Sandbox), ..ResetScope::default() });
    assert_eq!((has(&mut h, A, SANDBOX), has(&mut h, A, AWS)), (false, true));
    h.reset(ResetScope::default());
    assert!(!has(&mut h, A, AWS));
}

#[test]
fn fixtures_round_trip_and_old_fixtures_load() {
    let mut h = Harness::new(START);
    put(&mut h, A, SANDBOX, "Role");
    put(&mut h, B, AWS, "Other");
    let exported = h.export(false);
    assert_eq!(exported["selling_settings"].as_array().map(Vec::len), Some(2));
    let mut fresh = Harness::new(START);
    fresh.seed(&exported).expect("the export seeds");
    assert_eq!(fresh.export_text(false), h.export_text(false));
    // A hand-written record: the store fills its time.
    let mut hand = Harness::new(START);
    let doc = json!({"version": 1, "selling_settings": [
        {"catalog": "Sandbox", "account": A, "resource_snapshot_job_role_arn": "arn:aws:iam::111111111111:role/R"}]});
    hand.seed(&doc).expect("hand-written settings seed");
    let stored = hand.read(|tx| Ok(tx.selling_settings(Catalog::Sandbox, &AccountId::parse(A).unwrap())?));
    assert_eq!(
        stored,
        Some(SellingSettings {
            catalog: Catalog::Sandbox,
            account: AccountId::parse(A).unwrap(),
            resource_snapshot_job_role_arn: Some("arn:aws:iam::111111111111:role/R".into()),
            updated_at: START,
        })
    );
    // Seeding it again is refused.
    let message = hand.seed_refused(&doc);
    assert!(message.contains("selling_settings[Sandbox/111111111111]"), "{message}");
    // A fixture without the list (as earlier releases wrote them) loads unchanged.
    let mut old = Harness::new(START);
    old.seed(&json!({"version": 1, "partners": []})).expect("an old fixture seeds");
    assert!(old.export(false)["selling_settings"].as_array().unwrap().is_empty());
}
