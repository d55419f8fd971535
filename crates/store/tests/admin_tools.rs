//! The developer tools at the store level: configured accounts in the
//! `OtherParticipant` view (SEMANTICS §7), reset scopes, and fixture export
//! and seed round trips. Runs on SQLite, or on PostgreSQL with
//! `PCENTRAL_TEST_DATABASE`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Harness;
use pcentral_core::fixtures::{self, Fixture};
use pcentral_core::operations::service_now;
use pcentral_core::store::{read, AccountRecord, ResetScope, SellerProfile, StoredCredential};
use pcentral_core::Failure;
use serde_json::{json, Value};

const A: &str = "111111111111";
const B: &str = "222222222222";
const C: &str = "333333333333";
const SB: &str = "Sandbox";
const START: i64 = 1_780_000_000_000;

fn encrypt(s: &str) -> String {
    format!("sealed:{s}")
}

fn decrypt(s: &str) -> Option<String> {
    s.strip_prefix("sealed:").map(str::to_string)
}

fn partner(h: &mut Harness, account: &str, catalog: &str) -> Value {
    let email = format!("lead@{account}.example.com");
    let code = if catalog == "AWS" {
        h.run(account, "SendEmailVerificationCode", json!({"Catalog": catalog, "Email": email})).unwrap();
        let messages = h.write(|tx| Ok(tx.outbox(Some(&email))?));
        messages.last().unwrap().code.clone().unwrap()
    } else {
        "123456".to_string()
    };
    h.run(
        account,
        "CreatePartner",
        json!({"Catalog": catalog, "LegalName": format!("Legal {account} {catalog}"),
               "PrimarySolutionType": "SOFTWARE_PRODUCTS",
               "AllianceLeadContact": {"FirstName": "Ana", "LastName": "Lee", "Email": email, "BusinessTitle": "Lead"},
               "EmailVerificationCode": code, "ClientToken": format!("create-{account}-{catalog}")}),
    )
    .unwrap()
}

fn publish(h: &mut Harness, account: &str, catalog: &str, display: &str) -> String {
    let p = partner(h, account, catalog);
    let id = p["Id"].as_str().unwrap().to_string();
    h.publish_profile(account, catalog, &id, display)
}

/// A (published) links B (unpublished partner) as a SUBSIDIARY; returns the connection id.
fn subsidiary_connection(h: &mut Harness, catalog: &str) -> String {
    publish(h, A, catalog, "Alpha");
    partner(h, B, catalog);
    let inv = h
        .run(
            A,
            "CreateConnectionInvitation",
            json!({"Catalog": catalog, "ConnectionType": "SUBSIDIARY", "ReceiverIdentifier": B,
                   "Email": "a@example.com", "Name": "Ana", "Message": "hi", "ClientToken": format!("inv-{catalog}")}),
        )
        .unwrap();
    let accepted = h.run(
        B,
        "AcceptConnectionInvitation",
        json!({"Catalog": catalog, "Identifier": inv["Id"], "ClientToken": "acc"}),
    );
    accepted.unwrap()["Connection"]["Id"].as_str().unwrap().to_string()
}

fn other_of(h: &mut Harness, caller: &str, connection: &str) -> Value {
    let c = h.run(caller, "GetConnection", json!({"Catalog": SB, "Identifier": connection})).unwrap();
    c["ConnectionTypes"]["SUBSIDIARY"]["OtherParticipant"].clone()
}

fn put_account(h: &Harness, record: AccountRecord) {
    h.write(|tx| Ok(tx.put_account(&record)?));
}

fn export(h: &Harness, secrets: bool) -> Value {
    let wall = h.wall;
    let fixture = read(h.store.get(), |tx| {
        let (now, _) = service_now(tx, wall)?;
        fixtures::export(tx, now, secrets, &decrypt)
    })
    .unwrap();
    serde_json::to_value(fixture).unwrap()
}

fn seed(h: &mut Harness, doc: Value) -> Result<(), String> {
    let (wall, settings) = (h.wall, h.settings.clone());
    let ids = &mut h.ids;
    let result = pcentral_core::store::write(h.store.get(), |tx| {
        let (now, _) = service_now(tx, wall)?;
        let fixture: Fixture = fixtures::parse(doc.clone(), now, &settings, ids).map_err(fixtures::refused)?;
        fixtures::seed(tx, &fixture, &encrypt)
    });
    match result {
        Ok(()) => Ok(()),
        Err(Failure::Api(e)) => Err(e.message),
        Err(Failure::Store(e)) => panic!("storage failed: {e}"),
    }
}

fn reset(h: &Harness, account: Option<&str>, catalog: Option<&str>, everything: bool) {
    let scope = ResetScope { account: account.map(Into::into), catalog: catalog.map(Into::into), everything };
    h.write(|tx| Ok(tx.reset(&scope)?));
}

fn partners_of(h: &mut Harness, account: &str, catalog: &str) -> usize {
    let list = h.run(account, "ListPartners", json!({"Catalog": catalog})).unwrap();
    list["PartnerSummaryList"].as_array().unwrap().len()
}

#[test]
fn other_participant_is_profile_then_seller_profile_then_account_name() {
    let mut h = Harness::new(START);
    let connection = subsidiary_connection(&mut h, SB);
    // B has no published profile and nothing configured: its account id.
    assert_eq!(other_of(&mut h, A, &connection), json!({"Account": {"Name": B}}));
    // A has a published profile: B sees it whatever is configured for A.
    put_account(
        &h,
        AccountRecord { account: A.into(), display_name: Some("Alpha Account".into()), seller_profile: None },
    );
    assert_eq!(other_of(&mut h, B, &connection)["PartnerProfile"]["Name"], "Alpha");

    put_account(
        &h,
        AccountRecord { account: B.into(), display_name: Some("Beta Holdings".into()), seller_profile: None },
    );
    assert_eq!(other_of(&mut h, A, &connection), json!({"Account": {"Name": "Beta Holdings"}}));

    let seller = SellerProfile { id: "seller-beta-1".into(), name: "Beta Marketplace".into() };
    put_account(
        &h,
        AccountRecord { account: B.into(), display_name: Some("Beta Holdings".into()), seller_profile: Some(seller) },
    );
    assert_eq!(
        other_of(&mut h, A, &connection),
        json!({"SellerProfile": {"Id": "seller-beta-1", "Name": "Beta Marketplace"}})
    );
    // ListConnections renders the same, and filters by the seller profile id.
    let list =
        h.run(A, "ListConnections", json!({"Catalog": SB, "OtherParticipantIdentifiers": ["seller-beta-1"]})).unwrap();
    let summaries = list["ConnectionSummaries"].as_array().unwrap();
    assert_eq!(summaries.len(), 1);
    assert_eq!(
        summaries[0]["ConnectionTypes"]["SUBSIDIARY"]["OtherParticipant"]["SellerProfile"]["Id"],
        "seller-beta-1"
    );

    // Removing the account record removes its key pairs too, and the view falls back.
    h.write(|tx| {
        Ok(tx.insert_credential(&StoredCredential {
            access_key_id: "AKIABETA".into(),
            account: B.into(),
            secret_encrypted: "x".into(),
            created_at: START,
        })?)
    });
    assert!(h.write(|tx| Ok(tx.delete_account(B)?)));
    assert!(h.write(|tx| Ok(tx.credential("AKIABETA")?)).is_none());
    assert!(!h.write(|tx| Ok(tx.delete_account(B)?)));
    assert_eq!(other_of(&mut h, A, &connection), json!({"Account": {"Name": B}}));
}

#[test]
fn reset_scopes() {
    let mut h = Harness::new(START);
    h.settings.require_verification_for_aws_catalog = false;
    let connection = subsidiary_connection(&mut h, SB);
    partner(&mut h, A, "AWS");
    partner(&mut h, C, SB);
    put_account(&h, AccountRecord { account: A.into(), display_name: Some("Alpha".into()), seller_profile: None });
    h.write(|tx| {
        let mut s = tx.service_state()?;
        s.clock_offset_ms = 5_000;
        tx.put_service_state(&s)?;
        Ok(())
    });

    // One catalog: the other catalog's data stays.
    reset(&h, None, Some("AWS"), false);
    assert_eq!(partners_of(&mut h, A, "AWS"), 0);
    assert_eq!(partners_of(&mut h, A, SB), 1);
    partner(&mut h, A, "AWS");

    // One account: its partners in both catalogs and the connection it takes part in.
    reset(&h, Some(B), None, false);
    assert_eq!(partners_of(&mut h, B, SB), 0);
    assert_eq!(partners_of(&mut h, A, SB), 1);
    assert_eq!(partners_of(&mut h, A, "AWS"), 1);
    let gone = h.run(A, "GetConnection", json!({"Catalog": SB, "Identifier": connection})).unwrap_err();
    assert_eq!(gone.kind.type_name(), "ResourceNotFoundException");
    let invitations = h.run(A, "ListConnectionInvitations", json!({"Catalog": SB})).unwrap();
    assert_eq!(invitations["ConnectionInvitationSummaries"], json!([]));
    // B's ClientToken records went with it: the same token runs again.
    partner(&mut h, B, SB);
    assert_eq!(partners_of(&mut h, B, SB), 1);

    // Every business record; accounts and the clock stay.
    reset(&h, None, None, false);
    for (account, catalog) in [(A, SB), (A, "AWS"), (B, SB), (C, SB)] {
        assert_eq!(partners_of(&mut h, account, catalog), 0);
    }
    let rows = h.snapshot();
    for table in ["partners:", "profile_tasks:", "connections:", "connection_invitations:", "idempotency:", "outbox:"] {
        assert!(!rows.iter().any(|r| r.starts_with(table)), "{table} left after reset: {rows:?}");
    }
    assert_eq!(h.write(|tx| Ok(tx.accounts()?)).len(), 1);
    assert_eq!(h.write(|tx| Ok(tx.service_state()?.clock_offset_ms)), 5_000);

    // Everything: accounts, credentials, the clock.
    reset(&h, None, None, true);
    assert!(h.write(|tx| Ok(tx.accounts()?)).is_empty());
    let state = h.write(|tx| Ok(tx.service_state()?));
    assert_eq!(state.clock_offset_ms, 0);
    assert!(!state.pagination_key.is_empty(), "the page-token key survives");
}

#[test]
fn export_reset_seed_round_trip_is_exact() {
    let mut h = Harness::new(START);
    let connection = subsidiary_connection(&mut h, SB);
    publish(&mut h, C, SB, "Gamma");
    let a_partner = h.run(A, "ListPartners", json!({"Catalog": SB})).unwrap()["PartnerSummaryList"][0]["Id"].clone();
    let a_profile = h.run(A, "GetProfileVisibility", json!({"Catalog": SB, "Identifier": a_partner})).unwrap();
    h.run(
        C,
        "CreateConnectionInvitation",
        json!({"Catalog": SB, "ConnectionType": "OPPORTUNITY_COLLABORATION", "ReceiverIdentifier": a_profile["ProfileId"],
               "Email": "c@example.com", "Name": "Cy", "Message": "hello", "ClientToken": "c-inv"}),
    )
    .unwrap();
    h.run(C, "SendEmailVerificationCode", json!({"Catalog": "AWS", "Email": "new@gamma.example"})).unwrap();
    put_account(
        &h,
        AccountRecord {
            account: B.into(),
            display_name: Some("Beta".into()),
            seller_profile: Some(SellerProfile { id: "s-1".into(), name: "Beta Seller".into() }),
        },
    );
    h.write(|tx| {
        tx.insert_credential(&StoredCredential {
            access_key_id: "AKIAEXAMPLE".into(),
            account: C.into(),
            secret_encrypted: encrypt("s3cret"),
            created_at: START,
        })?;
        let mut s = tx.service_state()?;
        s.clock_offset_ms = 60_000;
        tx.put_service_state(&s)?;
        Ok(())
    });
    let before_view = h.run(A, "GetConnection", json!({"Catalog": SB, "Identifier": connection})).unwrap();

    for secrets in [true, false] {
        let exported = export(&h, secrets);
        assert_eq!(exported["credentials"].is_array(), secrets);
        if secrets {
            assert_eq!(exported["credentials"][0]["secret"], "s3cret");
            assert_eq!(exported["email_codes"].as_array().unwrap().len(), 1);
        }
        // Seeding on top of the same records is refused, naming the record, and changes nothing.
        let snapshot = h.snapshot();
        let refused = seed(&mut h, exported.clone()).unwrap_err();
        assert!(refused.starts_with("accounts[") || refused.starts_with("credentials["), "{refused}");
        assert_eq!(snapshot, h.snapshot());

        let rows_before = h.snapshot().into_iter().filter(|r| !r.starts_with("service_state")).count();
        reset(&h, None, None, true);
        seed(&mut h, exported.clone()).unwrap();
        assert_eq!(export(&h, secrets), exported);
        if secrets {
            let c = h.write(|tx| Ok(tx.credential("AKIAEXAMPLE")?)).unwrap();
            assert_eq!(decrypt(&c.secret_encrypted).as_deref(), Some("s3cret"));
            // Exactly the rows there were, but for usage counters, idempotency records and the outbox.
            let rows_after = h.snapshot().into_iter().filter(|r| !r.starts_with("service_state")).count();
            assert!(rows_after <= rows_before);
        }
        assert_eq!(h.run(A, "GetConnection", json!({"Catalog": SB, "Identifier": connection})).unwrap(), before_view);
    }
}

#[test]
fn hand_written_fixture_loads_with_defaults_and_bad_records_are_named() {
    let mut h = Harness::new(START);
    let fixture = json!({
        "version": 1,
        "accounts": [{"account": A, "display_name": "Alpha"}, {"account": B}],
        "partners": [
            {"catalog": SB, "account": A, "id": "partner-alpha00000000", "legal_name": "Alpha Cloud",
             "profile_id": "pprofile-alpha00000000",
             "alliance_lead": {"FirstName": "Alice", "LastName": "Smith", "Email": "alice@alpha.example", "BusinessTitle": "CTO"}},
            {"catalog": SB, "account": B, "id": "partner-beta000000000", "legal_name": "Beta Data",
             "profile_id": "pprofile-beta000000000",
             "alliance_lead": {"FirstName": "Bob", "LastName": "Jones", "Email": "bob@beta.example", "BusinessTitle": "CEO"}}
        ],
        "profile_tasks": [
            {"partner_id": "partner-alpha00000000", "details": {"DisplayName": "Alpha Cloud", "Description": "Cloud consulting",
             "WebsiteUrl": "https://alpha.example", "LogoUrl": "https://alpha.example/logo.png",
             "PrimarySolutionType": "SOFTWARE_PRODUCTS", "IndustrySegments": ["SOFTWARE_INTERNET"], "TranslationSourceLocale": "en-US"}},
            {"partner_id": "partner-beta000000000", "details": {"DisplayName": "Beta Data", "Description": "Data engineering",
             "WebsiteUrl": "https://beta.example", "LogoUrl": "https://beta.example/logo.png",
             "PrimarySolutionType": "CONSULTING_SERVICES", "IndustrySegments": ["COMPUTER_SOFTWARE"], "TranslationSourceLocale": "en-US"}}
        ],
        "connections": [
            {"catalog": SB, "id": "pac-alphabeta0000", "participants": [A, B],
             "types": {"OPPORTUNITY_COLLABORATION": {"status": "ACTIVE", "inviter_email": "alice@alpha.example", "inviter_name": "Alice Smith"}}}
        ]
    });
    seed(&mut h, fixture.clone()).unwrap();
    let c = h.run(B, "GetConnection", json!({"Catalog": SB, "Identifier": "pac-alphabeta0000"})).unwrap();
    assert_eq!(c["OtherParticipantAccountId"], A);
    assert_eq!(
        c["ConnectionTypes"]["OPPORTUNITY_COLLABORATION"]["OtherParticipant"],
        json!({"PartnerProfile": {"Id": "pprofile-alpha00000000", "Name": "Alpha Cloud"}})
    );
    let p = h.run(A, "GetPartner", json!({"Catalog": SB, "Identifier": "partner-alpha00000000"})).unwrap();
    assert_eq!(p["Profile"]["ProfileId"], "pprofile-alpha00000000");

    // A conflicting fixture is refused as a whole, naming the record.
    let snapshot = h.snapshot();
    let mut again = fixture.clone();
    again["accounts"] = json!([{"account": C}]);
    let message = seed(&mut h, again).unwrap_err();
    assert!(message.starts_with("partners[Sandbox/partner-alpha00000000]"), "{message}");
    assert_eq!(snapshot, h.snapshot());
    let bad_seller =
        json!({"version": 1, "accounts": [{"account": C, "seller_profile": {"id": "no spaces", "name": "x"}}]});
    assert!(seed(&mut h, bad_seller).unwrap_err().contains("seller_profile.id"));
    assert!(seed(&mut h, json!({"version": 2})).unwrap_err().starts_with("version"));
    assert!(seed(&mut h, json!({"version": 1, "bogus": []})).unwrap_err().contains("bogus"));
    assert_eq!(snapshot, h.snapshot());
}
