//! What every operation shares (docs/behaviour.md#idempotency): a
//! ClientToken replays its answer and never counts against quotas again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::json;

const START: i64 = 1_800_000_000_000; // 2027-01-15T08:00:00Z

#[test]
fn a_client_token_replays_its_answer_or_conflicts_per_account() {
    let mut h = Harness::new(START);
    let mut input = partner_input(SANDBOX, "Alpha", "a@alpha.example", "000000");
    input["ClientToken"] = json!("token-1");
    let first = h.execute(A, "CreatePartner", input.clone()).unwrap();
    let replay = h.execute(A, "CreatePartner", input.clone()).unwrap();
    // The stored answer's bytes, as the first call wrote them.
    assert_eq!((replay.response.as_bytes(), replay.replayed), (first.response.as_bytes(), true));
    input["LegalName"] = json!("Alpha Two");
    assert_eq!(h.refused(A, "CreatePartner", input.clone()), conflict("CONFLICT_CLIENT_TOKEN"));
    // Another account may use the same token independently.
    h.ok(B, "CreatePartner", input);
}

#[test]
fn replays_do_not_count_against_quotas_and_end_with_the_retention() {
    let (mut h, p) = alpha_draft(START);
    let mut start = start_task(&p, "One");
    start["ClientToken"] = json!("t");
    let t1 = h.ok(A, "StartProfileUpdateTask", start.clone());
    // Twelve replays: more than the daily quota of 10, and none of them counts.
    for _ in 0..12 {
        assert_eq!(h.ok(A, "StartProfileUpdateTask", start.clone()), t1);
    }
    // After the retention window the same token starts a new task.
    h.advance(DAY + 1);
    let again = h.ok(A, "StartProfileUpdateTask", start);
    assert_ne!(again["TaskId"], t1["TaskId"]);
}
