//! Connection preferences (docs/behaviour.md#connection-preferences): the
//! default record, revisions, and the check CreateConnectionInvitation makes
//! against the receiver's preferences.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{json, Value};

const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn update(revision: i64, access: &str, excluded: Value) -> Value {
    json!({"Catalog": SANDBOX, "Revision": revision, "AccessType": access, "ExcludedParticipantIdentifiers": excluded})
}

#[test]
fn preferences_default_to_allow_all_dated_now_without_a_partner() {
    let mut h = Harness::new(START);
    let d = h.ok(C, "GetConnectionPreferences", sandbox(json!({})));
    assert_eq!(d["AccessType"], "ALLOW_ALL");
    assert_eq!(d["Revision"], 0);
    assert_eq!(d["Arn"], format!("arn:aws:partnercentral:us-east-1:{C}:catalog/Sandbox/connection-preferences"));
    assert_eq!(d["UpdatedAt"], "2026-01-01T00:00:00.000Z");
    assert!(d.get("ExcludedParticipantIds").is_none());
}

#[test]
fn default_preferences_date_from_the_partners_creation() {
    let mut h = Harness::new(START);
    h.advance(MINUTE);
    h.published_partner(B, "Beta");
    h.advance(MINUTE);
    let d = h.ok(B, "GetConnectionPreferences", sandbox(json!({})));
    assert_eq!(d["UpdatedAt"], "2026-01-01T00:01:00.000Z");
}

#[test]
fn an_update_needs_the_current_revision_and_its_retry_answers_it() {
    let mut h = Harness::new(START);
    h.advance(2 * MINUTE);
    let stale = conflict("INCOMPATIBLE_CONNECTION_PREFERENCES_REVISION");
    assert_eq!(h.refused(B, "UpdateConnectionPreferences", update(1, "DENY_ALL", json!([]))), stale);
    let u = h.ok(B, "UpdateConnectionPreferences", update(0, "DENY_ALL", json!([])));
    assert_eq!((u["Revision"].as_i64(), u["AccessType"].as_str()), (Some(1), Some("DENY_ALL")));
    assert_eq!(u["UpdatedAt"], "2026-01-01T00:02:00.000Z");
    assert_eq!(h.ok(B, "GetConnectionPreferences", sandbox(json!({}))), u);
    // The retry of the update that made revision 1 answers it; another update of revision 0 is stale.
    assert_eq!(h.ok(B, "UpdateConnectionPreferences", update(0, "DENY_ALL", json!([]))), u);
    assert_eq!(h.refused(B, "UpdateConnectionPreferences", update(0, "ALLOW_ALL", json!([]))), stale);
}

#[test]
fn the_receivers_preferences_refuse_listed_senders() {
    let (mut h, pa, pb) = two_partners(START);
    let refusal = conflict("INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER");
    for (revision, access, excluded) in [
        (0, "DENY_ALL", json!([])),
        (1, "ALLOW_BY_DEFAULT_DENY_SOME", json!([pa])),
        (2, "ALLOW_BY_DEFAULT_DENY_SOME", json!([C, A])),
    ] {
        h.ok(B, "UpdateConnectionPreferences", update(revision, access, excluded.clone()));
        assert_eq!(
            h.refused(A, "CreateConnectionInvitation", invitation_input(OC, &pb)),
            refusal,
            "{access} {excluded}"
        );
    }
    // The list only counts under ALLOW_BY_DEFAULT_DENY_SOME.
    let u = h.ok(B, "UpdateConnectionPreferences", update(3, "ALLOW_ALL", json!([A, pa])));
    assert_eq!(u["ExcludedParticipantIds"], json!([A, pa]));
    assert_eq!(u["Revision"], 4);
    h.invite(A, OC, &pb);
}

#[test]
fn preferences_apply_to_subsidiary_invitations_and_belong_to_one_catalog() {
    let (mut h, _, _) = two_partners(START);
    h.ok(C, "UpdateConnectionPreferences", update(0, "DENY_ALL", json!([])));
    let refused = h.refused(A, "CreateConnectionInvitation", invitation_input(SUB, C));
    assert_eq!(refused, conflict("INCOMPATIBLE_CONNECTION_INVITATION_RECEIVER"));
    let aws = h.ok(C, "GetConnectionPreferences", json!({"Catalog": AWS}));
    assert_eq!((aws["AccessType"].as_str(), aws["Revision"].as_i64()), (Some("ALLOW_ALL"), Some(0)));
}
