//! The reset scopes of the developer tools (README.md#developer-tools): a
//! catalog, an account, every business record, or everything.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::store::ResetScope;
use pcentral_model::Catalog;
use serde_json::json;

const START: i64 = 1_780_000_000_000; // 2026-05-28T20:26:40Z

/// A and B connected in Sandbox; A and C partners in AWS and Sandbox; A
/// configured; a credential of C; the clock 5 s ahead. Answers the connection id.
fn populated() -> (Harness, String) {
    let mut h = Harness::new(START);
    h.settings.require_verification_for_aws_catalog = false;
    let connection = subsidiary_connection(&mut h);
    partner(&mut h, A, AWS);
    partner(&mut h, C, SANDBOX);
    h.put_account(account_record(A, Some("Alpha"), None));
    h.write(|tx| Ok(tx.insert_credential(&credential("AKIAGAMMA", C, "s3cret", START))?));
    h.set_clock_offset(5 * SECOND);
    (h, connection)
}

fn partners_of(h: &mut Harness, account: &str, catalog: &str) -> usize {
    let list = h.ok(account, "ListPartners", json!({"Catalog": catalog}));
    list["PartnerSummaryList"].as_array().unwrap().len()
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
    assert_eq!((again.response.to_value(), again.replayed), (aws_accepted, true));
    let again = h.execute(B, "StartVerification", verify).unwrap();
    assert_eq!((again.response.to_value(), again.replayed), (verification, true));
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
