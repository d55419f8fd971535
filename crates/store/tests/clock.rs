//! The service clock's limit: neither the clock tools nor a fixture move it
//! past the last time the wire format can write. A change to the service row
//! (clock, settings, fault rules) made through one node is read at once by
//! another that has the row cached.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::json;

const START: i64 = 1_780_000_000_000; // 2026-05-28T20:26:40Z

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
        let message = h.seed_refused(&json!({"version": 1, "clock_offset_ms": offset}));
        assert!(message.starts_with("clock_offset_ms:") && message.contains(LAST), "{message}");
    }
    // The limit itself is a time the wire can write.
    h.seed(&json!({"version": 1, "clock_offset_ms": pcentral_model::timestamp::MAX - START})).unwrap();
}

#[test]
fn another_node_reads_a_change_of_the_service_row_at_once() {
    use pcentral_core::records::ServiceState;
    use pcentral_core::store::{read, write};
    let h = Harness::new(START);
    let Some(other) = h.backend.another_node() else {
        eprintln!("SQLite: one process, one store; this runs with PCENTRAL_TEST_DATABASE");
        return;
    };
    let offset = |store: &dyn pcentral_core::Store| read(store, |tx| Ok(tx.service_state()?.clock_offset_ms)).unwrap();
    let faults = |store: &dyn pcentral_core::Store| read(store, |tx| Ok(tx.fault_rules()?.len())).unwrap();
    assert_eq!((offset(&other), faults(&other)), (0, 0)); // cached by the other node
    write(h.store(), |tx| {
        let state = ServiceState { clock_offset_ms: 7_000, ..(*tx.service_state()?).clone() };
        Ok(tx.put_service_state(&state)?)
    })
    .unwrap();
    assert_eq!(offset(&other), 7_000);
    let rule = pcentral_core::records::FaultRule {
        id: "r1".into(),
        service: pcentral_model::Service::Account,
        operation: None,
        account: None,
        kind: pcentral_core::records::FaultKind::ThrottleBefore,
        remaining: None,
        probability: None,
        delay_ms: None,
    };
    write(h.store(), |tx| Ok(tx.put_fault_rules(std::slice::from_ref(&rule))?)).unwrap();
    assert_eq!(faults(&other), 1);
}
