//! Retention (docs/behaviour.md#retention): the sweep the background worker
//! runs deletes ClientToken records past their retention, quota usage past
//! the window, expired email codes, and events and outbox messages past
//! `log_retention_days`, in batches, and nothing that is still of use.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use pcentral_core::records::EventDelivery;
use pcentral_core::retention;
use pcentral_core::store::Purged;
use serde_json::json;

const START: i64 = 1_780_000_000_000; // 2026-05-28T20:26:40Z

/// How many rows `table` holds.
fn rows(h: &Harness, table: &str) -> usize {
    let prefix = format!("{table}: ");
    h.snapshot().iter().filter(|row| row.starts_with(&prefix)).count()
}

/// One retention sweep at the harness's service time.
fn sweep(h: &mut Harness, batch: usize) -> Purged {
    h.tool(|t| Ok(retention::sweep(t.tx, t.now, &t.settings, batch)?)).unwrap()
}

#[test]
fn client_token_records_go_after_their_retention_and_not_before() {
    let mut h = Harness::new(START);
    let mut input = partner_input(SANDBOX, "Retained", "lead@retained.example", "000000");
    input["ClientToken"] = json!("keep-me");
    let first = h.ok(A, "CreatePartner", input.clone());
    assert_eq!(rows(&h, "idempotency"), 1);
    h.advance(DAY - SECOND);
    assert_eq!(sweep(&mut h, 100).idempotency, 0, "a day less a second: the record still replays");
    let replay = h.ok(A, "CreatePartner", input);
    assert_eq!(replay, first);
    h.advance(SECOND);
    let before = h.snapshot();
    assert_eq!(sweep(&mut h, 100), Purged { idempotency: 1, ..Purged::default() });
    assert_eq!(rows(&h, "idempotency"), 0);
    assert_eq!(h.snapshot().len(), before.len() - 1, "only the ClientToken record went");
}

#[test]
fn codes_usage_and_outbox_go_each_at_its_own_time() {
    let mut h = Harness::new(START);
    h.ok(A, "SendEmailVerificationCode", json!({"Catalog": AWS, "Email": "lead@alpha.example"}));
    assert_eq!((rows(&h, "email_codes"), rows(&h, "usage"), rows(&h, "outbox")), (1, 1, 1));
    // The code is valid 30 minutes.
    h.advance(30 * MINUTE);
    assert_eq!(sweep(&mut h, 100), Purged { email_codes: 1, ..Purged::default() });
    // Usage counts for the quota's 24 hours.
    h.advance(DAY - 30 * MINUTE - SECOND);
    assert_eq!(sweep(&mut h, 100), Purged::default());
    h.advance(SECOND);
    assert_eq!(sweep(&mut h, 100), Purged { usage: 1, ..Purged::default() });
    // The outbox keeps a message log_retention_days (7).
    h.advance(6 * DAY - SECOND);
    assert_eq!(sweep(&mut h, 100), Purged::default());
    h.advance(SECOND);
    assert_eq!(sweep(&mut h, 100), Purged { outbox: 1, ..Purged::default() });
    assert_eq!((rows(&h, "email_codes"), rows(&h, "usage"), rows(&h, "outbox")), (0, 0, 0));
}

#[test]
fn the_quota_counts_the_same_before_and_after_a_sweep() {
    let mut h = Harness::new(START);
    h.settings.email_codes_per_day = 2;
    let send = json!({"Catalog": AWS, "Email": "lead@alpha.example"});
    h.ok(A, "SendEmailVerificationCode", send.clone());
    h.advance(12 * HOUR);
    h.ok(A, "SendEmailVerificationCode", send.clone());
    h.advance(12 * HOUR);
    // The first use left the window; the second still counts.
    sweep(&mut h, 100);
    assert_eq!(rows(&h, "usage"), 1);
    h.ok(A, "SendEmailVerificationCode", send.clone());
    let refused = h.refused(A, "SendEmailVerificationCode", send);
    assert_eq!(refused.kind, "ServiceQuotaExceededException");
}

#[test]
fn events_go_once_they_will_not_be_posted_again() {
    let mut h = Harness::new(START);
    let pb = h.published_partner(B, "Beta").profile_id;
    h.published_partner(A, "Alpha");
    h.invite(A, OC, &pb); // recorded without a webhook
    h.settings.events_webhook_url = "http://127.0.0.1:9/hook".into();
    h.invite(A, SUB, B); // due for delivery
    let events = h.events();
    let (quiet, due) = events.iter().partition::<Vec<_>, _>(|e| e.delivery.next_attempt_at.is_none());
    assert!(!quiet.is_empty() && !due.is_empty(), "{events:?}");
    h.advance(7 * DAY);
    let purged = sweep(&mut h, 100);
    assert_eq!(purged.events, quiet.len() as u64);
    let left: Vec<i64> = h.events().iter().map(|e| e.seq).collect();
    assert_eq!(left, due.iter().map(|e| e.seq).collect::<Vec<_>>(), "an event still to post stays");
    // Delivered (or given up), it goes at the next sweep.
    for e in &due {
        let done = EventDelivery { attempts: 1, delivered_at: Some(h.wall), ..EventDelivery::default() };
        h.write(|tx| Ok(tx.put_event_delivery(e.seq, &done)?));
    }
    assert_eq!(sweep(&mut h, 100).events, due.len() as u64);
    assert!(h.events().is_empty());
}

#[test]
fn a_sweep_deletes_a_batch_oldest_first() {
    let mut h = Harness::new(START);
    for n in 0..5 {
        h.ok(A, "SendEmailVerificationCode", json!({"Catalog": AWS, "Email": format!("lead{n}@alpha.example")}));
        h.advance(SECOND);
    }
    h.advance(DAY);
    assert_eq!(sweep(&mut h, 2).usage, 2);
    assert_eq!(sweep(&mut h, 2).usage, 2);
    assert_eq!(sweep(&mut h, 2).usage, 1);
    assert_eq!(sweep(&mut h, 2).usage, 0);
    let outbox = h.read(|tx| Ok(tx.outbox(None)?));
    assert_eq!(outbox.len(), 5, "the outbox keeps its week");
}
