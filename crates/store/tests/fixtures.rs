//! Fixture export and seed (README.md#developer-tools): round trips,
//! refusals naming the record or member, and secrets in settings masked
//! unless asked for.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::store::ResetScope;
use serde_json::{json, Value};

const START: i64 = 1_780_000_000_000; // 2026-05-28T20:26:40Z

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
    h.put_account(account_record(B, Some("Beta"), Some(("s-1", "Beta Seller"))));
    h.write(|tx| Ok(tx.insert_credential(&credential("AKIAEXAMPLE", C, "s3cret", START))?));
    h.set_clock_offset(MINUTE);
    let view = h.get_connection(A, &connection);
    (h, connection, view)
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
        let message = h.seed_refused(&exported);
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
            "customer_accounts",
            "email_codes",
            "engagements",
            "engagement_members",
            "engagement_invitations",
            "iam_users",
            "invitations",
            "opportunities",
            "partners",
            "profile_tasks",
            "qualifications_associations",
            "qualifications_groups",
            "qualifications_tasks",
            "selling_settings",
            "solutions",
            "verifications"
        ]
    );
    let stored: u64 = counts.iter().map(|(_, n)| n).sum();
    assert_eq!(stored, 7, "{counts:?}");
    assert_eq!(counts.iter().find(|(list, _)| *list == "partners"), Some(&("partners", 2)));
}

#[test]
fn a_conflicting_fixture_is_refused_as_a_whole_naming_the_record() {
    let mut h = Harness::new(START);
    h.seed(&hand_written()).unwrap();
    let mut again = hand_written();
    again["accounts"] = json!([{"account": C}]);
    again.as_object_mut().map(|o| o.remove("connections"));
    let message = h.seed_refused(&again);
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
        let message = h.seed_refused(&doc);
        assert!(expected(&message), "{doc}: {message}");
    }
}

/// An opportunity's document is read as the model types it: a member the
/// model lacks, or a value of the wrong kind, refuses the whole fixture,
/// naming the opportunity and the member, and stores nothing.
#[test]
fn an_opportunity_document_the_model_does_not_type_is_refused() {
    let mut h = Harness::new(START);
    let made = h.ok(
        A,
        &selling("CreateOpportunity"),
        json!({"Catalog": SANDBOX, "ClientToken": "fixture-1",
               "Customer": {"Account": {"CompanyName": "Acme", "Industry": "Software and Internet"}},
               "LifeCycle": {"Stage": "Qualified"}}),
    );
    let exported = h.export(false);
    let mut fresh = Harness::new(START);
    let export_of_empty = fresh.export(false);
    let cases: [(&[&str], Value, &str); 3] = [
        (&["Bogus"], json!(1), "Bogus"),
        (&["Customer", "Account", "Industry"], json!("Not an industry"), "Not an industry"),
        (&["Customer", "Account", "CompanyName"], Value::Null, "string"),
    ];
    for (path, value, named) in cases {
        let mut doc = exported.clone();
        let mut member = &mut doc["opportunities"][0]["body"];
        for key in path {
            member = &mut member[*key];
        }
        *member = value;
        let message = fresh.seed_refused(&doc);
        assert!(message.starts_with("opportunities"), "{path:?}: {message}");
        assert!(message.contains(named), "{path:?}: {message}");
        assert_eq!(fresh.export(false), export_of_empty, "{path:?}: nothing of the fixture is stored");
    }
    // The export itself seeds, and the opportunity reads as it did.
    fresh.seed(&exported).unwrap();
    let id = made["Id"].as_str().unwrap();
    let get = json!({"Catalog": SANDBOX, "Identifier": id});
    assert_eq!(fresh.ok(A, &selling("GetOpportunity"), get.clone()), h.ok(A, &selling("GetOpportunity"), get));
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
        let mut state = std::sync::Arc::unwrap_or_clone(tx.service_state()?);
        state.settings = Some(settings.clone());
        Ok(tx.put_service_state(&state)?)
    });
}

/// The stored webhook setting, as text.
fn stored_webhook(h: &Harness) -> Option<String> {
    h.read(|tx| Ok(tx.service_state()?.settings.clone())).and_then(|s| s.get("events_webhook_url"))
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
        let message = h.seed_refused(&exported);
        assert!(message.starts_with("settings.events_webhook_url:"), "{message}");
        assert!(message.contains("include_secrets"), "the refusal says how to get the secret: {message}");
        // Another URL's mask does not stand for the stored one either.
        store_webhook(&h, "https://someone:else@hooks.example/events?token=x&env=y");
        let message = h.seed_refused(&exported);
        assert!(message.starts_with("settings.events_webhook_url:"), "{message}");
        // A URL shown the same way (only its secrets differ) is kept: the fixture cannot tell them apart.
        store_webhook(&h, "https://pcentral:other@hooks.example/events?token=x&env=y");
        h.seed(&json!({"version": 1, "settings": exported["settings"]})).unwrap();
        assert_eq!(stored_webhook(&h).as_deref(), Some("https://pcentral:other@hooks.example/events?token=x&env=y"));
    }
}

#[test]
fn iam_users_seed_from_their_own_list_and_bad_policies_are_refused_naming_the_user() {
    let mut h = Harness::new(START);
    let user = json!({"account": A, "name": "ann", "managed_policies": ["AWSPartnerCentralSandboxFullAccess"],
        "policies": [{"name": "reads", "document": {"Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "partnercentral:Get*", "Resource": "*"}}}]});
    let counts = h.seed(&json!({"version": 1, "iam_users": [user]})).unwrap().by_list();
    assert!(counts.contains(&("iam_users", 1)), "{counts:?}");
    let stored = h.read(|tx| Ok(tx.iam_users()?));
    assert_eq!((stored.len(), stored[0].version), (1, 1));
    let plain: serde_json::Value = serde_json::from_str(&h.export_text(false)).unwrap();
    assert_eq!(plain["iam_users"][0]["name"], json!("ann"));
    let before = h.snapshot();
    let bad = json!({"account": B, "name": "bob", "policies": [{"name": "p", "document":
        {"Statement": {"Effect": "Permit", "Action": "partnercentral:*", "Resource": "*"}}}]});
    let e = h.seed(&json!({"version": 1, "iam_users": [bad]})).unwrap_err();
    let message = format!("{e:?}");
    assert!(message.contains(&format!("iam_users[{B}/bob]")) && message.contains("Statement[0].Effect"), "{message}");
    assert_unchanged(&before, &h.snapshot(), "a refused IAM user");
}
