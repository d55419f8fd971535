//! The admin-wide lists of the web console (each store family's `admin_*`): every
//! account's records of a catalog, filtered and keyset-paged. Each page
//! continues where the previous one stopped, and a filter narrowed to one
//! account answers what the API's own list answers that account.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use pcentral_core::records::{DetailType, VerificationOutcome};
use pcentral_core::store::{
    AdminAssociationQuery, AdminConnectionQuery, AdminEventQuery, AdminInvitationQuery, AdminPartnerQuery,
    AdminProfileTaskQuery, AdminVerificationQuery, Cursor, TypeFilter,
};
use pcentral_model::account::{ConnectionType, ConnectionTypeStatus, InvitationStatus, VerificationType};
use pcentral_model::{Catalog, Millis};
use serde_json::json;

const START: Millis = 1_780_000_000_000;
const D: &str = "444444444444";

/// Every page of a list, `size` at a time, each continuing after the last
/// item of the previous one: the items in order, and how many pages it took.
fn all_pages<T: Clone>(size: usize, mut page: impl FnMut(Option<&T>, usize) -> Vec<T>) -> (Vec<T>, usize) {
    let (mut items, mut pages) = (Vec::<T>::new(), 0);
    loop {
        let next = page(items.last(), size + 1);
        pages += 1;
        let more = next.len() > size;
        items.extend(next.into_iter().take(size));
        if !more {
            return (items, pages);
        }
        assert!(pages < 50, "paging does not end");
    }
}

/// A, B, C and D with published Sandbox profiles; A invited B (accepted, one
/// connection with OPPORTUNITY_COLLABORATION), then linked C as a subsidiary
/// (accepted), and invited D (pending). Each step one minute after the last.
fn story() -> Harness {
    let mut h = Harness::new(START);
    for (a, name) in [(A, "Alpha"), (B, "Beta"), (C, "Gamma 100%"), (D, "delta_Corp")] {
        h.published_partner(a, name);
        h.advance(MINUTE);
    }
    let b = h.reserved_profile_id(B);
    h.connect(A, OC, B, &b);
    h.advance(MINUTE);
    h.connect(A, SUB, C, C);
    h.advance(MINUTE);
    let d = h.reserved_profile_id(D);
    h.invite(A, OC, &d);
    h
}

#[test]
fn partners_page_in_legal_name_order_and_filter_by_name_and_account() {
    let h = story();
    let query = |name: Option<&str>, account: Option<&str>, after: Option<String>, limit| AdminPartnerQuery {
        catalog: Catalog::Sandbox,
        account: account.map(self::account),
        name: name.map(str::to_string),
        after,
        limit,
    };
    let (all, pages) = all_pages(1, |last: Option<&pcentral_core::records::Partner>, limit| {
        let after = last.map(|p| pcentral_core::partners::legal_name_key(&p.legal_name));
        h.read(|tx| Ok(tx.admin_partners(&query(None, None, after.clone(), limit))?))
    });
    let names: Vec<&str> = all.iter().map(|p| p.legal_name.as_str()).collect();
    assert_eq!(names, ["Legal Alpha", "Legal Beta", "Legal delta_Corp", "Legal Gamma 100%"]);
    assert_eq!(pages, 4);
    let named = |text: &str| -> Vec<String> {
        h.read(|tx| Ok(tx.admin_partners(&query(Some(text), None, None, 10))?))
            .into_iter()
            .map(|p| p.legal_name)
            .collect()
    };
    assert_eq!(named("BETA"), ["Legal Beta"], "names compare case-insensitively");
    assert_eq!(named("100%"), ["Legal Gamma 100%"], "% is a character, not a wildcard");
    assert_eq!(named("a_c"), ["Legal delta_Corp"], "_ is a character, not a wildcard");
    assert!(named("zeta").is_empty());
    let own = h.read(|tx| Ok(tx.admin_partners(&query(None, Some(C), None, 10))?));
    assert_eq!(own.iter().map(|p| p.account.as_str()).collect::<Vec<_>>(), [C]);
    let aws = h
        .read(|tx| Ok(tx.admin_partners(&AdminPartnerQuery { catalog: Catalog::Aws, ..query(None, None, None, 10) })?));
    assert!(aws.is_empty(), "a catalog's list holds that catalog's partners only");
}

fn invitations(h: &Harness, q: &AdminInvitationQuery) -> Vec<(String, InvitationStatus)> {
    h.read(|tx| Ok(tx.admin_invitations(q)?)).into_iter().map(|i| (i.id.to_string(), i.status)).collect()
}

#[test]
fn invitations_page_newest_first_with_the_status_at_service_time() {
    let mut h = story();
    let every = |now, status, account: Option<&str>| AdminInvitationQuery {
        catalog: Catalog::Sandbox,
        account: account.map(self::account),
        connection_type: None,
        status,
        now,
        after: None,
        limit: 10,
    };
    let listed = invitations(&h, &every(h.wall, None, None));
    assert_eq!(listed.len(), 3);
    let statuses: Vec<InvitationStatus> = listed.iter().map(|i| i.1).collect();
    assert_eq!(statuses, [InvitationStatus::Pending, InvitationStatus::Accepted, InvitationStatus::Accepted]);
    let (paged, pages) = all_pages(2, |last: Option<&pcentral_core::records::Invitation>, limit| {
        let after = last.map(|i| Cursor { created_at: i.created_at, id: i.id.to_string() });
        h.read(|tx| {
            Ok(tx.admin_invitations(&AdminInvitationQuery {
                after: after.clone(),
                limit,
                ..every(h.wall, None, None)
            })?)
        })
    });
    assert_eq!(
        paged.iter().map(|i| i.id.to_string()).collect::<Vec<_>>(),
        listed.iter().map(|i| i.0.clone()).collect::<Vec<_>>()
    );
    assert_eq!(pages, 2);

    let subsidiary =
        AdminInvitationQuery { connection_type: Some(ConnectionType::Subsidiary), ..every(h.wall, None, None) };
    assert_eq!(invitations(&h, &subsidiary).len(), 1);
    // For D, the API's own list: the one pending invitation.
    let d = invitations(&h, &every(h.wall, None, Some(D)));
    let api = h.ok(D, "ListConnectionInvitations", json!({"Catalog": SANDBOX}));
    assert_eq!(d.iter().map(|i| i.0.clone()).collect::<Vec<_>>(), ids_of(&api, "ConnectionInvitationSummaries"));

    // Past its expiry the pending invitation lists as EXPIRED, before any write settles it.
    h.advance(31 * DAY);
    let pending = invitations(&h, &every(h.wall, Some(InvitationStatus::Pending), None));
    assert!(pending.is_empty(), "{pending:?}");
    let expired = invitations(&h, &every(h.wall, Some(InvitationStatus::Expired), None));
    assert_eq!(expired, [d[0].clone()], "the stored status is still PENDING; the list filters at service time");
    assert_eq!(invitations(&h, &every(h.wall, Some(InvitationStatus::Expired), Some(A))).len(), 1);
}

#[test]
fn connections_page_newest_first_and_filter_by_type_status_and_account() {
    let mut h = story();
    let c_connection = h.read(|tx| Ok(tx.live_connection_between(Catalog::Sandbox, [&account(A), &account(C)])?));
    let c_connection = c_connection.unwrap().id;
    h.ok(
        C,
        "CancelConnection",
        json!({"Catalog": SANDBOX, "Identifier": c_connection.as_str(),
        "ConnectionType": SUB, "Reason": "done"}),
    );
    let query = |types, account: Option<&str>| AdminConnectionQuery {
        catalog: Catalog::Sandbox,
        account: account.map(self::account),
        types,
        after: None,
        limit: 10,
    };
    let api = h.ok(B, "ListConnections", json!({"Catalog": SANDBOX}));
    let ids = |q: &AdminConnectionQuery| -> Vec<String> {
        h.read(|tx| Ok(tx.admin_connections(q)?)).into_iter().map(|c| c.id.to_string()).collect()
    };
    let all = ids(&query(TypeFilter::Any, None));
    assert_eq!(all.len(), 2);
    assert_eq!(all[0], c_connection.to_string(), "newest first");
    assert_eq!(ids(&query(TypeFilter::Live, None)), [all[1].clone()]);
    let canceled = TypeFilter::TypeStatus(ConnectionType::Subsidiary, ConnectionTypeStatus::Canceled);
    assert_eq!(ids(&query(canceled, None)), [c_connection.to_string()]);
    let active_sub = TypeFilter::TypeStatus(ConnectionType::Subsidiary, ConnectionTypeStatus::Active);
    assert!(ids(&query(active_sub, None)).is_empty());
    assert_eq!(ids(&query(TypeFilter::LiveWith(ConnectionType::OpportunityCollaboration), None)), [all[1].clone()]);
    let after = h.read(|tx| Ok(tx.connection(Catalog::Sandbox, &c_connection)?)).unwrap();
    let rest = h.read(|tx| {
        Ok(tx.admin_connections(&AdminConnectionQuery {
            after: Some(Cursor { created_at: after.created_at, id: after.id.to_string() }),
            ..query(TypeFilter::Any, None)
        })?)
    });
    assert_eq!(rest.iter().map(|c| c.id.to_string()).collect::<Vec<_>>(), [all[1].clone()]);
    // For B, the API's own list.
    assert_eq!(ids(&query(TypeFilter::Any, Some(B))), ids_of(&api, "ConnectionSummaries"));
    assert!(ids(&query(TypeFilter::Any, Some(D))).is_empty());
}

#[test]
fn profile_tasks_page_newest_first_across_partners() {
    let mut h = story();
    let b = h.read(|tx| Ok(tx.partner_by_account(Catalog::Sandbox, &account(B))?)).unwrap();
    h.publish_profile(B, SANDBOX, b.id.as_str(), "Beta again");
    let query = |account: Option<&str>, before, limit| AdminProfileTaskQuery {
        catalog: Catalog::Sandbox,
        account: account.map(self::account),
        before,
        limit,
    };
    let (tasks, pages) = all_pages(2, |last: Option<&pcentral_core::store::ListedProfileTask>, limit| {
        h.read(|tx| Ok(tx.admin_profile_tasks(&query(None, last.map(|t| t.seq), limit))?))
    });
    assert_eq!(pages, 3);
    let displays: Vec<&str> = tasks.iter().map(|t| t.task.details.display_name.as_str()).collect();
    assert_eq!(displays, ["Beta again", "delta_Corp", "Gamma 100%", "Beta", "Alpha"]);
    let of_b = h.read(|tx| Ok(tx.admin_profile_tasks(&query(Some(B), None, 10))?));
    assert_eq!(of_b.iter().map(|t| t.task.details.display_name.as_str()).collect::<Vec<_>>(), ["Beta again", "Beta"]);
    assert!(h
        .read(|tx| Ok(
            tx.admin_profile_tasks(&AdminProfileTaskQuery { catalog: Catalog::Aws, ..query(None, None, 10) })?
        ))
        .is_empty());
}

#[test]
fn verifications_page_in_account_order_and_filter_by_type() {
    let mut h = Harness::new(START);
    for a in [C, A, B] {
        h.force_verification(a, VerificationType::BusinessVerification, VerificationOutcome::Succeeded, Some("X"));
    }
    h.force_verification(B, VerificationType::RegistrantVerification, VerificationOutcome::Failed, None);
    let query = |account: Option<&str>, kind, after, limit| AdminVerificationQuery {
        account: account.map(self::account),
        verification_type: kind,
        after,
        limit,
    };
    let (all, pages) = all_pages(1, |last: Option<&pcentral_core::records::Verification>, limit| {
        let after = last.map(|v| (v.account.clone(), v.verification_type));
        h.read(|tx| Ok(tx.admin_verifications(&query(None, None, after.clone(), limit))?))
    });
    let keys: Vec<(&str, VerificationType)> = all.iter().map(|v| (v.account.as_str(), v.verification_type)).collect();
    assert_eq!(
        keys,
        [
            (A, VerificationType::BusinessVerification),
            (B, VerificationType::BusinessVerification),
            (B, VerificationType::RegistrantVerification),
            (C, VerificationType::BusinessVerification)
        ]
    );
    assert_eq!(pages, 4);
    let registrant = h.read(|tx| {
        Ok(tx.admin_verifications(&query(None, Some(VerificationType::RegistrantVerification), None, 10))?)
    });
    assert_eq!(registrant.iter().map(|v| v.account.as_str()).collect::<Vec<_>>(), [B]);
    assert_eq!(h.read(|tx| Ok(tx.admin_verifications(&query(Some(B), None, None, 10))?)).len(), 2);
}

#[test]
fn qualifications_subsidiaries_come_from_associations_and_open_tasks() {
    let mut h = story();
    let partner = |a: &str| h.read(|tx| Ok(tx.partner_by_account(Catalog::Sandbox, &account(a))?)).unwrap();
    let association = |sub: &pcentral_core::records::Partner, primary: &pcentral_core::records::Partner| {
        json!({"catalog": SANDBOX, "subsidiary_account": sub.account, "subsidiary_partner_id": sub.id,
               "subsidiary_profile_id": sub.profile_id, "primary_account": primary.account,
               "primary_partner_id": primary.id, "primary_profile_id": primary.profile_id, "associated_at": START})
    };
    let (a, b, c, d) = (partner(A), partner(B), partner(C), partner(D));
    h.seed(&json!({"version": 1, "qualifications_associations": [association(&d, &a), association(&b, &a)]})).unwrap();
    // C (A's subsidiary by connection) starts its association: an open task, due at once, not settled yet.
    h.ok(
        C,
        "StartQualificationsAssociationTask",
        json!({"Catalog": SANDBOX, "Identifier": c.id.as_str(),
        "PrimaryPartner": {"AccountId": A}}),
    );
    let query = |primary: Option<&str>, subsidiary: Option<&str>, after: Option<&str>| AdminAssociationQuery {
        catalog: Catalog::Sandbox,
        primary: primary.map(self::account),
        subsidiary: subsidiary.map(self::account),
        after: after.map(self::account),
        limit: 10,
    };
    let listed = |q: &AdminAssociationQuery| -> Vec<String> {
        h.read(|tx| Ok(tx.admin_qualifications_subsidiaries(q)?)).into_iter().map(|a| a.to_string()).collect()
    };
    assert_eq!(listed(&query(None, None, None)), [B, C, D], "in account order");
    assert_eq!(listed(&query(Some(A), None, None)), [B, C, D]);
    assert_eq!(listed(&query(None, Some(D), None)), [D]);
    assert_eq!(listed(&query(None, None, Some(B))), [C, D]);
    assert!(listed(&query(Some(C), None, None)).is_empty());
    assert_eq!(listed(&AdminAssociationQuery { limit: 1, ..query(None, None, None) }), [B]);
    // The state of a page's subsidiaries, derived at service time: C is associated already.
    let now = h.wall;
    let state = h.read(|tx| pcentral_core::qualifications::load(tx, Catalog::Sandbox, &[&c.account], now));
    assert_eq!(state.association_of(&c.account).map(|x| x.primary_account.as_str()), Some(A));
}

#[test]
fn events_page_newest_first_by_account_type_and_record() {
    let h = story();
    let all = h.read(|tx| Ok(tx.admin_events(&AdminEventQuery { limit: 100, ..AdminEventQuery::default() })?));
    assert!(all.len() >= 5, "{all:?}");
    assert!(all.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
    let received = h.read(|tx| {
        Ok(tx.admin_events(&AdminEventQuery {
            accounts: vec![account(D)],
            detail_type: Some(DetailType::InvitationReceived),
            limit: 100,
            ..AdminEventQuery::default()
        })?)
    });
    assert_eq!(received.len(), 1);
    let invitation = received[0].event["resources"][0].as_str().unwrap().rsplit('/').next().unwrap().to_string();
    let about = h.read(|tx| {
        Ok(tx.admin_events(&AdminEventQuery {
            catalog: Some(Catalog::Sandbox),
            accounts: vec![account(A), account(D)],
            resource: Some(invitation.clone()),
            limit: 100,
            ..AdminEventQuery::default()
        })?)
    });
    assert_eq!(about.iter().map(|e| e.seq).collect::<Vec<_>>(), [received[0].seq]);
    let older = h.read(|tx| {
        Ok(tx.admin_events(&AdminEventQuery { before: Some(all[1].seq), limit: 100, ..AdminEventQuery::default() })?)
    });
    assert_eq!(older.first().map(|e| e.seq), all.get(2).map(|e| e.seq));
    let none = h.read(|tx| {
        Ok(tx.admin_events(&AdminEventQuery {
            resource: Some("pci-100%".into()),
            limit: 100,
            ..AdminEventQuery::default()
        })?)
    });
    assert!(none.is_empty());
}
