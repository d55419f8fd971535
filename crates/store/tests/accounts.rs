//! Accounts configured by an admin (display name, seller profile) in the
//! `OtherParticipant` view (docs/behaviour.md#what-each-side-sees), and
//! deleting an account with its key pairs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000; // 2026-05-28T20:26:40Z

fn other_participant(h: &mut Harness, caller: &str, connection: &str) -> Value {
    h.get_connection(caller, connection)["ConnectionTypes"][SUB]["OtherParticipant"].clone()
}

#[test]
fn other_participant_is_the_published_profile_whatever_is_configured() {
    let mut h = Harness::new(START);
    let connection = subsidiary_connection(&mut h);
    h.put_account(account_record(A, Some("Alpha Account"), Some(("seller-alpha-1", "Alpha Marketplace"))));
    assert_eq!(other_participant(&mut h, B, &connection)["PartnerProfile"]["Name"], "Alpha");
}

#[test]
fn without_a_profile_other_participant_is_the_seller_profile_then_the_account_name() {
    let mut h = Harness::new(START);
    let connection = subsidiary_connection(&mut h);
    // B has no published profile and nothing configured: its account id.
    assert_eq!(other_participant(&mut h, A, &connection), json!({"Account": {"Name": B}}));
    for (configured, expected) in [
        (account_record(B, Some("Beta Holdings"), None), json!({"Account": {"Name": "Beta Holdings"}})),
        (
            account_record(B, Some("Beta Holdings"), Some(("seller-beta-1", "Beta Marketplace"))),
            json!({"SellerProfile": {"Id": "seller-beta-1", "Name": "Beta Marketplace"}}),
        ),
        (account_record(B, None, None), json!({"Account": {"Name": B}})),
    ] {
        h.put_account(configured.clone());
        assert_eq!(other_participant(&mut h, A, &connection), expected, "{configured:?}");
    }
}

#[test]
fn list_connections_renders_and_filters_by_the_seller_profile() {
    let mut h = Harness::new(START);
    subsidiary_connection(&mut h);
    h.put_account(account_record(B, Some("Beta Holdings"), Some(("seller-beta-1", "Beta Marketplace"))));
    let list =
        h.ok(A, "ListConnections", json!({"Catalog": SANDBOX, "OtherParticipantIdentifiers": ["seller-beta-1"]}));
    let summaries = list["ConnectionSummaries"].as_array().unwrap();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0]["ConnectionTypes"][SUB]["OtherParticipant"]["SellerProfile"]["Id"], "seller-beta-1");
}

#[test]
fn deleting_an_account_removes_its_key_pairs_and_its_presentation() {
    let mut h = Harness::new(START);
    let connection = subsidiary_connection(&mut h);
    h.put_account(account_record(B, Some("Beta Holdings"), Some(("seller-beta-1", "Beta Marketplace"))));
    h.write(|tx| Ok(tx.insert_credential(&credential("AKIABETA", B, "x", START))?));
    assert!(h.write(|tx| Ok(tx.delete_account(&account(B))?)));
    assert!(h.read(|tx| Ok(tx.credential("AKIABETA")?)).is_none());
    assert!(!h.write(|tx| Ok(tx.delete_account(&account(B))?)), "nothing left to delete");
    assert_eq!(other_participant(&mut h, A, &connection), json!({"Account": {"Name": B}}));
}
