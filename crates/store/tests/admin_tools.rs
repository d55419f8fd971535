//! The developer tools at the store level: configured accounts in the
//! `OtherParticipant` view (docs/behaviour.md#what-each-side-sees), reset
//! scopes (README.md#developer-tools), and fixture export and seed round trips.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::records::{AccountRecord, SellerProfile, StoredCredential};
use pcentral_core::store::ResetScope;
use pcentral_model::{AccountId, Catalog};
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000; // 2026-05-28T20:26:40Z

fn account(id: &str) -> AccountId {
    AccountId::parse(id).unwrap()
}

/// `account`'s partner in `catalog` (legal name `Legal <account> <catalog>`),
/// created with the ClientToken `create-<account>-<catalog>`.
fn partner(h: &mut Harness, account: &str, catalog: &str) -> Value {
    let email = format!("lead@{account}.example.com");
    let code = h.email_code(account, catalog, &email);
    let mut input = partner_input(catalog, &format!("Legal {account} {catalog}"), &email, &code);
    input["ClientToken"] = json!(format!("create-{account}-{catalog}"));
    h.ok(account, "CreatePartner", input)
}

/// A (published "Alpha") links B (an unpublished partner) as a SUBSIDIARY in
/// `catalog`, B accepting with ClientToken `accept`: (the invitation id, the Accept response).
fn subsidiary_in(h: &mut Harness, catalog: &str, accept: &str) -> (String, Value) {
    let a = partner(h, A, catalog)["Id"].as_str().unwrap().to_string();
    h.publish_profile(A, catalog, &a, "Alpha");
    partner(h, B, catalog);
    let mut invitation = invitation_input(SUB, B);
    invitation["Catalog"] = json!(catalog);
    let inv = h.ok(A, "CreateConnectionInvitation", invitation)["Id"].as_str().unwrap().to_string();
    let accepted =
        h.ok(B, "AcceptConnectionInvitation", json!({"Catalog": catalog, "Identifier": inv, "ClientToken": accept}));
    (inv, accepted)
}

/// [`subsidiary_in`] Sandbox; answers the connection id.
fn subsidiary_connection(h: &mut Harness) -> String {
    subsidiary_in(h, SANDBOX, "accept").1["Connection"]["Id"].as_str().unwrap().to_string()
}

fn partners_of(h: &mut Harness, account: &str, catalog: &str) -> usize {
    let list = h.ok(account, "ListPartners", json!({"Catalog": catalog}));
    list["PartnerSummaryList"].as_array().unwrap().len()
}

fn credential(key: &str, account: &str, secret: &str) -> StoredCredential {
    StoredCredential {
        access_key_id: key.into(),
        account: AccountId::parse(account).unwrap(),
        secret_encrypted: seal(secret),
        created_at: START,
    }
}

// ---------------------------------------------------------------- configured accounts in OtherParticipant

fn other_participant(h: &mut Harness, caller: &str, connection: &str) -> Value {
    h.get_connection(caller, connection)["ConnectionTypes"][SUB]["OtherParticipant"].clone()
}

fn record(id: &str, display_name: Option<&str>, seller: Option<(&str, &str)>) -> AccountRecord {
    AccountRecord {
        account: account(id),
        display_name: display_name.map(str::to_string),
        seller_profile: seller.map(|(id, name)| SellerProfile { id: id.into(), name: name.into() }),
    }
}

#[test]
fn other_participant_is_the_published_profile_whatever_is_configured() {
    let mut h = Harness::new(START);
    let connection = subsidiary_connection(&mut h);
    h.put_account(record(A, Some("Alpha Account"), Some(("seller-alpha-1", "Alpha Marketplace"))));
    assert_eq!(other_participant(&mut h, B, &connection)["PartnerProfile"]["Name"], "Alpha");
}

#[test]
fn without_a_profile_other_participant_is_the_seller_profile_then_the_account_name() {
    let mut h = Harness::new(START);
    let connection = subsidiary_connection(&mut h);
    // B has no published profile and nothing configured: its account id.
    assert_eq!(other_participant(&mut h, A, &connection), json!({"Account": {"Name": B}}));
    for (configured, expected) in [
        (record(B, Some("Beta Holdings"), None), json!({"Account": {"Name": "Beta Holdings"}})),
        (
            record(B, Some("Beta Holdings"), Some(("seller-beta-1", "Beta Marketplace"))),
            json!({"SellerProfile": {"Id": "seller-beta-1", "Name": "Beta Marketplace"}}),
        ),
        (record(B, None, None), json!({"Account": {"Name": B}})),
    ] {
        h.put_account(configured.clone());
        assert_eq!(other_participant(&mut h, A, &connection), expected, "{configured:?}");
    }
}

#[test]
fn list_connections_renders_and_filters_by_the_seller_profile() {
    let mut h = Harness::new(START);
    subsidiary_connection(&mut h);
    h.put_account(record(B, Some("Beta Holdings"), Some(("seller-beta-1", "Beta Marketplace"))));
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
    h.put_account(record(B, Some("Beta Holdings"), Some(("seller-beta-1", "Beta Marketplace"))));
    h.write(|tx| Ok(tx.insert_credential(&credential("AKIABETA", B, "x"))?));
    assert!(h.write(|tx| Ok(tx.delete_account(&account(B))?)));
    assert!(h.read(|tx| Ok(tx.credential("AKIABETA")?)).is_none());
    assert!(!h.write(|tx| Ok(tx.delete_account(&account(B))?)), "nothing left to delete");
    assert_eq!(other_participant(&mut h, A, &connection), json!({"Account": {"Name": B}}));
}

// ---------------------------------------------------------------- reset scopes

/// A and B connected in Sandbox; A and C partners in AWS and Sandbox; A
/// configured; a credential of C; the clock 5 s ahead. Answers the connection id.
fn populated() -> (Harness, String) {
    let mut h = Harness::new(START);
    h.settings.require_verification_for_aws_catalog = false;
    let connection = subsidiary_connection(&mut h);
    partner(&mut h, A, AWS);
    partner(&mut h, C, SANDBOX);
    h.put_account(record(A, Some("Alpha"), None));
    h.write(|tx| Ok(tx.insert_credential(&credential("AKIAGAMMA", C, "s3cret"))?));
    h.set_clock_offset(5 * SECOND);
    (h, connection)
}

#[test]
fn a_catalog_reset_keeps_the_other_catalog() {
    let (mut h, _) = populated();
    h.reset(ResetScope { catalog: Some(Catalog::Aws), ..ResetScope::default() });
    assert_eq!(partners_of(&mut h, A, AWS), 0);
    assert_eq!(partners_of(&mut h, A, SANDBOX), 1);
    // The catalog's ClientToken records went with it: the same token runs again.
    partner(&mut h, A, AWS);
    assert_eq!(partners_of(&mut h, A, AWS), 1);
}

#[test]
fn a_catalog_reset_forgets_that_catalogs_client_tokens_only() {
    let mut h = Harness::new(START);
    h.settings.require_verification_for_aws_catalog = false;
    let (sandbox_invitation, _) = subsidiary_in(&mut h, SANDBOX, "accept-sandbox");
    let (aws_invitation, aws_accepted) = subsidiary_in(&mut h, AWS, "accept-aws");
    // An account-level request (no catalog) with a token.
    let verify = json!({"VerificationDetails": {"RegistrantVerificationDetails": {}}, "ClientToken": "verify-1"});
    let verification = h.ok(B, "StartVerification", verify.clone());
    let replay = json!({"Catalog": SANDBOX, "Identifier": sandbox_invitation, "ClientToken": "accept-sandbox"});
    assert!(h.execute(B, "AcceptConnectionInvitation", replay.clone()).unwrap().replayed, "before the reset");

    h.reset(ResetScope { catalog: Some(Catalog::Sandbox), ..ResetScope::default() });

    // The Sandbox replay no longer answers the deleted connection: it runs, and finds nothing.
    let refused = h.refused(B, "AcceptConnectionInvitation", replay);
    assert_eq!(refused, not_found("CONNECTION_INVITATION_NOT_FOUND"));
    // The other catalog's record and the account-level one stay.
    let replay = json!({"Catalog": AWS, "Identifier": aws_invitation, "ClientToken": "accept-aws"});
    let again = h.execute(B, "AcceptConnectionInvitation", replay).unwrap();
    assert_eq!((again.response, again.replayed), (aws_accepted, true));
    let again = h.execute(B, "StartVerification", verify).unwrap();
    assert_eq!((again.response, again.replayed), (verification, true));
}

#[test]
fn an_account_reset_removes_what_it_owns_or_takes_part_in() {
    let (mut h, connection) = populated();
    h.reset(ResetScope { account: Some(account(B)), ..ResetScope::default() });
    assert_eq!(partners_of(&mut h, B, SANDBOX), 0);
    assert_eq!(partners_of(&mut h, A, SANDBOX), 1);
    assert_eq!(partners_of(&mut h, A, AWS), 1);
    let gone = h.refused(A, "GetConnection", json!({"Catalog": SANDBOX, "Identifier": connection}));
    assert_eq!(gone, not_found("CONNECTION_NOT_FOUND"));
    let invitations = h.ok(A, "ListConnectionInvitations", json!({"Catalog": SANDBOX}));
    assert_eq!(invitations["ConnectionInvitationSummaries"], json!([]));
    // B's ClientToken records went with it: the same token runs again.
    partner(&mut h, B, SANDBOX);
    assert_eq!(partners_of(&mut h, B, SANDBOX), 1);
}

#[test]
fn a_full_reset_deletes_every_business_record_and_keeps_accounts_and_the_clock() {
    let (mut h, _) = populated();
    h.reset(ResetScope::default());
    for (who, catalog) in [(A, SANDBOX), (A, AWS), (B, SANDBOX), (C, SANDBOX)] {
        assert_eq!(partners_of(&mut h, who, catalog), 0, "{who} {catalog}");
    }
    let rows = h.snapshot();
    for table in ["partners:", "profile_tasks:", "connections:", "connection_invitations:", "idempotency:", "outbox:"] {
        assert!(!rows.iter().any(|r| r.starts_with(table)), "{table} left after reset: {rows:?}");
    }
    assert_eq!(h.read(|tx| Ok(tx.accounts()?)).len(), 1);
    assert!(h.read(|tx| Ok(tx.credential("AKIAGAMMA")?)).is_some());
    assert_eq!(h.read(|tx| Ok(tx.service_state()?.clock_offset_ms)), 5 * SECOND);
}

#[test]
fn reset_everything_also_forgets_accounts_credentials_and_the_clock() {
    let (mut h, _) = populated();
    h.reset(ResetScope { everything: true, ..ResetScope::default() });
    assert!(h.read(|tx| Ok(tx.accounts()?)).is_empty());
    assert!(h.read(|tx| Ok(tx.credentials()?)).is_empty());
    let state = h.read(|tx| Ok(tx.service_state()?));
    assert_eq!(state.clock_offset_ms, 0);
    assert!(!state.pagination_key.is_empty(), "the page-token key survives");
}

#[test]
fn reset_everything_can_keep_the_clock() {
    let (mut h, _) = populated();
    let before = h.read(|tx| Ok(tx.service_state()?.clock_offset_ms));
    assert_ne!(before, 0);
    h.reset(ResetScope { everything: true, keep_clock: true, ..ResetScope::default() });
    assert!(h.read(|tx| Ok(tx.accounts()?)).is_empty());
    assert!(h.read(|tx| Ok(tx.credentials()?)).is_empty());
    let rows = h.snapshot();
    assert!(!rows.iter().any(|r| r.starts_with("partners:")), "partners left after reset: {rows:?}");
    assert_eq!(h.read(|tx| Ok(tx.service_state()?.clock_offset_ms)), before, "the clock stays");
}

// ---------------------------------------------------------------- export and seed

/// Some of every record: a connection, a second published partner with an
/// invitation to A, a live email code, a configured account with a seller
/// profile, a credential, and the clock a minute ahead. Answers the
/// connection id and A's view of it.
fn exportable() -> (Harness, String, Value) {
    let mut h = Harness::new(START);
    let connection = subsidiary_connection(&mut h);
    let gamma = partner(&mut h, C, SANDBOX)["Id"].as_str().unwrap().to_string();
    h.publish_profile(C, SANDBOX, &gamma, "Gamma");
    let a_partner = h.ok(A, "ListPartners", json!({"Catalog": SANDBOX}))["PartnerSummaryList"][0]["Id"].clone();
    let a_profile = h.ok(A, "GetProfileVisibility", json!({"Catalog": SANDBOX, "Identifier": a_partner}));
    h.invite(C, OC, a_profile["ProfileId"].as_str().unwrap());
    h.ok(C, "SendEmailVerificationCode", json!({"Catalog": AWS, "Email": "new@gamma.example"}));
    h.put_account(record(B, Some("Beta"), Some(("s-1", "Beta Seller"))));
    h.write(|tx| Ok(tx.insert_credential(&credential("AKIAEXAMPLE", C, "s3cret"))?));
    h.set_clock_offset(MINUTE);
    let view = h.get_connection(A, &connection);
    (h, connection, view)
}

/// Seed `doc`, which must be refused without changing anything; answers the message.
fn refused_seed(h: &mut Harness, doc: &Value) -> String {
    h.tool_refused(|t| t.seed(doc).map(drop)).to_string()
}

#[test]
fn an_export_holds_secrets_only_when_asked() {
    let (h, _, _) = exportable();
    let with = h.export(true);
    assert_eq!(with["credentials"][0]["secret"], "s3cret");
    assert_eq!(with["email_codes"].as_array().unwrap().len(), 1);
    let without = h.export(false);
    assert!(without.get("credentials").is_none() && without.get("email_codes").is_none(), "{without}");
}

#[test]
fn seeding_over_the_same_records_is_refused_naming_the_record() {
    let (mut h, _, _) = exportable();
    for secrets in [true, false] {
        let exported = h.export(secrets);
        let message = refused_seed(&mut h, &exported);
        assert!(message.starts_with("accounts[") || message.starts_with("credentials["), "{message}");
    }
}

#[test]
fn export_reset_seed_round_trip_is_exact() {
    for secrets in [true, false] {
        let (mut h, connection, view) = exportable();
        let exported = h.export(secrets);
        let rows_before = h.snapshot().into_iter().filter(|r| !r.starts_with("service_state")).count();
        h.reset(ResetScope { everything: true, ..ResetScope::default() });
        h.seed(&exported).unwrap();
        assert_eq!(h.export(secrets), exported, "secrets: {secrets}");
        assert_eq!(h.get_connection(A, &connection), view);
        // Exactly the rows there were, but for usage counters, idempotency records and the outbox.
        let rows_after = h.snapshot().into_iter().filter(|r| !r.starts_with("service_state")).count();
        assert!(rows_after <= rows_before, "{rows_after} > {rows_before}");
        if secrets {
            let c = h.read(|tx| Ok(tx.credential("AKIAEXAMPLE")?)).unwrap();
            assert_eq!(unseal(&c.secret_encrypted).as_deref(), Some("s3cret"));
        }
    }
}

fn hand_written() -> Value {
    json!({
        "version": 1,
        "accounts": [{"account": A, "display_name": "Alpha"}, {"account": B}],
        "partners": [
            {"catalog": SANDBOX, "account": A, "id": "partner-alpha00000000", "legal_name": "Alpha Cloud",
             "profile_id": "pprofile-alpha00000000",
             "alliance_lead": {"FirstName": "Alice", "LastName": "Smith", "Email": "alice@alpha.example", "BusinessTitle": "CTO"}},
            {"catalog": SANDBOX, "account": B, "id": "partner-beta000000000", "legal_name": "Beta Data",
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
            {"catalog": SANDBOX, "id": "pac-alphabeta0000", "participants": [A, B],
             "types": {"OPPORTUNITY_COLLABORATION": {"status": "ACTIVE", "inviter_email": "alice@alpha.example", "inviter_name": "Alice Smith"}}}
        ]
    })
}

#[test]
fn a_hand_written_fixture_loads_with_defaults() {
    let mut h = Harness::new(START);
    h.seed(&hand_written()).unwrap();
    let c = h.get_connection(B, "pac-alphabeta0000");
    assert_eq!(c["OtherParticipantAccountId"], A);
    assert_eq!(
        c["ConnectionTypes"][OC]["OtherParticipant"],
        json!({"PartnerProfile": {"Id": "pprofile-alpha00000000", "Name": "Alpha Cloud"}})
    );
    let p = h.ok(A, "GetPartner", json!({"Catalog": SANDBOX, "Identifier": "partner-alpha00000000"}));
    assert_eq!(p["Profile"]["ProfileId"], "pprofile-alpha00000000");
}

#[test]
fn a_seed_counts_the_records_of_every_list() {
    let mut h = Harness::new(START);
    let counts = h.seed(&hand_written()).unwrap().by_list();
    let named: Vec<&str> = counts.iter().map(|(list, _)| *list).collect();
    assert_eq!(
        named,
        [
            "accounts",
            "connection_preferences",
            "connections",
            "credentials",
            "email_codes",
            "invitations",
            "partners",
            "profile_tasks",
            "qualifications_associations",
            "qualifications_groups",
            "qualifications_tasks",
            "verifications"
        ]
    );
    let stored: u64 = counts.iter().map(|(_, n)| n).sum();
    assert_eq!(stored, 7, "{counts:?}");
    assert_eq!(counts[6], ("partners", 2));
}

#[test]
fn a_conflicting_fixture_is_refused_as_a_whole_naming_the_record() {
    let mut h = Harness::new(START);
    h.seed(&hand_written()).unwrap();
    let mut again = hand_written();
    again["accounts"] = json!([{"account": C}]);
    again.as_object_mut().map(|o| o.remove("connections"));
    let message = refused_seed(&mut h, &again);
    assert!(message.starts_with("partners[Sandbox/partner-alpha00000000]"), "{message}");
    assert!(h.read(|tx| Ok(tx.account(&account(C))?)).is_none(), "nothing of the fixture is stored");
}

#[test]
fn malformed_fixtures_are_refused_naming_the_member() {
    let mut h = Harness::new(START);
    /// What the refusal's message must satisfy.
    type Expect = fn(&str) -> bool;
    let cases: [(Value, Expect); 3] = [
        (
            json!({"version": 1, "accounts": [{"account": C, "seller_profile": {"id": "no spaces", "name": "x"}}]}),
            |m| m.contains("seller_profile.id"),
        ),
        (json!({"version": 2}), |m| m.starts_with("version")),
        (json!({"version": 1, "bogus": []}), |m| m.contains("bogus")),
    ];
    for (doc, expected) in cases {
        let message = refused_seed(&mut h, &doc);
        assert!(expected(&message), "{doc}: {message}");
    }
}

// ---------------------------------------------------------------- the clock's limit

/// The last time the wire format can write.
const LAST: &str = "9999-12-31T23:59:59.999Z";

#[test]
fn the_clock_never_passes_the_last_time_the_wire_can_write() {
    use pcentral_core::clock;
    use pcentral_model::timestamp;
    let mut h = Harness::new(START);
    let wall = h.wall;
    let refusals = [
        h.tool_refused(|t| clock::set(t.tx, wall, timestamp::MAX + 1)).to_string(),
        h.tool_refused(|t| clock::set(t.tx, wall, i64::MAX)).to_string(),
        h.tool_refused(|t| clock::advance(t.tx, wall, timestamp::MAX - START + 1)).to_string(),
        h.tool_refused(|t| clock::advance(t.tx, wall, i64::MAX)).to_string(),
    ];
    for message in refusals {
        assert!(message.contains(LAST), "the refusal names the limit: {message}");
    }
    // Up to the limit itself it moves, and no further.
    let view = h.tool(|t| clock::set(t.tx, wall, timestamp::MAX)).unwrap();
    assert_eq!(timestamp::format(view.now), LAST);
    let message = h.tool_refused(|t| clock::advance(t.tx, wall, SECOND)).to_string();
    assert!(message.contains(LAST), "{message}");
}

#[test]
fn a_fixture_cannot_move_the_clock_past_the_last_time_the_wire_can_write() {
    let mut h = Harness::new(START);
    for offset in [pcentral_model::timestamp::MAX - START + 1, i64::MAX] {
        let message = refused_seed(&mut h, &json!({"version": 1, "clock_offset_ms": offset}));
        assert!(message.starts_with("clock_offset_ms:") && message.contains(LAST), "{message}");
    }
    // The limit itself is a time the wire can write.
    h.seed(&json!({"version": 1, "clock_offset_ms": pcentral_model::timestamp::MAX - START})).unwrap();
}

// ---------------------------------------------------------------- secrets in settings

/// A webhook URL with a password and a token in its query, and how it is shown.
const HOOK: &str = "https://pcentral:hunter2@hooks.example/events?token=tok-4711&env=ci";
const HOOK_SHOWN: &str = "https://pcentral:***@hooks.example/events?token=***&env=***";

/// Store `url` as the webhook setting, as `pcentral settings set` does.
fn store_webhook(h: &Harness, url: &str) {
    let mut settings = h.settings.clone();
    settings.set("events_webhook_url", url).unwrap();
    h.write(|tx| {
        let mut state = tx.service_state()?;
        state.settings = Some(settings.clone());
        Ok(tx.put_service_state(&state)?)
    });
}

/// The stored webhook setting, as text.
fn stored_webhook(h: &Harness) -> Option<String> {
    h.read(|tx| Ok(tx.service_state()?.settings)).and_then(|s| s.get("events_webhook_url"))
}

#[test]
fn an_export_masks_secrets_in_settings_unless_it_asked_for_secrets() {
    let (h, _, _) = exportable();
    store_webhook(&h, HOOK);
    let plain = h.export_text(false);
    assert!(!plain.contains("hunter2") && !plain.contains("tok-4711"), "{plain}");
    let plain: Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(plain["settings"]["events_webhook_url"], HOOK_SHOWN);
    assert_eq!(h.export(true)["settings"]["events_webhook_url"], HOOK);
}

#[test]
fn a_masked_setting_seeded_over_the_same_stored_one_keeps_the_secret() {
    let (mut h, _, _) = exportable();
    store_webhook(&h, HOOK);
    let exported = h.export(false);
    assert_eq!(exported["settings"]["events_webhook_url"], HOOK_SHOWN);
    // Seeding the export's settings back (a reset keeps settings) must not store the mask.
    h.reset(ResetScope::default());
    h.seed(&json!({"version": 1, "settings": exported["settings"]})).unwrap();
    assert_eq!(stored_webhook(&h).as_deref(), Some(HOOK));
    assert_eq!(h.export(false)["settings"], exported["settings"], "the plain export round-trips");
}

#[test]
fn a_masked_setting_without_the_stored_secret_is_refused() {
    for secrets in [false, true] {
        let (mut h, _, _) = exportable();
        store_webhook(&h, HOOK);
        let exported = h.export(secrets);
        h.reset(ResetScope { everything: true, ..ResetScope::default() });
        if secrets {
            // An export with secrets carries the whole URL.
            h.seed(&exported).unwrap();
            assert_eq!(stored_webhook(&h).as_deref(), Some(HOOK));
            continue;
        }
        let message = refused_seed(&mut h, &exported);
        assert!(message.starts_with("settings.events_webhook_url:"), "{message}");
        assert!(message.contains("include_secrets"), "the refusal says how to get the secret: {message}");
        // Another URL's mask does not stand for the stored one either.
        store_webhook(&h, "https://someone:else@hooks.example/events?token=x&env=y");
        let message = refused_seed(&mut h, &exported);
        assert!(message.starts_with("settings.events_webhook_url:"), "{message}");
        // A URL shown the same way (only its secrets differ) is kept: the fixture cannot tell them apart.
        store_webhook(&h, "https://pcentral:other@hooks.example/events?token=x&env=y");
        h.seed(&json!({"version": 1, "settings": exported["settings"]})).unwrap();
        assert_eq!(stored_webhook(&h).as_deref(), Some("https://pcentral:other@hooks.example/events?token=x&env=y"));
    }
}
