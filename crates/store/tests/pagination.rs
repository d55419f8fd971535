//! Keyset pagination of ListConnectionInvitations and ListConnections
//! (docs/behaviour.md#listing-and-pagination): pages walk the list in order,
//! a NextToken is bound to its operation, account and filters, and a new
//! page size keeps the position.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{json, Value};

const START: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/// A published; five SUBSIDIARY invitations from A, the 2nd and 3rd created
/// together: (harness, ids in creation order, ids in list order).
fn five_invitations() -> (Harness, Vec<String>, Vec<String>) {
    let mut h = Harness::new(START);
    h.published_partner(A, "Alpha");
    let mut created = Vec::new();
    for (i, step) in [1000, 1000, 0, 1000, 1000].into_iter().enumerate() {
        h.advance(step);
        created.push(h.invitation_id(A, SUB, &format!("50000000000{i}")));
    }
    // Newest first; ties by id ascending.
    let order = [4, 3, 1, 2, 0].map(|i| created[i].clone()).to_vec();
    (h, created, order)
}

fn list_invitations(h: &mut Harness, extra: Value) -> Value {
    h.ok(A, "ListConnectionInvitations", sandbox(extra))
}

#[test]
fn invitation_pages_walk_the_list_in_order() {
    let (mut h, _, order) = five_invitations();
    let all = list_invitations(&mut h, json!({}));
    assert_eq!(ids_of(&all, "ConnectionInvitationSummaries"), order);
    assert!(all.get("NextToken").is_none());
    for size in [1, 2] {
        let (mut seen, mut token, mut pages) = (Vec::new(), None::<String>, 0);
        loop {
            let mut extra = json!({"MaxResults": size});
            if let Some(t) = &token {
                extra["NextToken"] = json!(t);
            }
            let page = list_invitations(&mut h, extra.clone());
            pages += 1;
            assert!(page["ConnectionInvitationSummaries"].as_array().unwrap().len() <= size);
            assert_eq!(list_invitations(&mut h, extra), page, "the same token gives the same page");
            seen.extend(ids_of(&page, "ConnectionInvitationSummaries"));
            match page.get("NextToken") {
                Some(t) => token = Some(t.as_str().unwrap().to_string()),
                None => break,
            }
        }
        assert_eq!(seen, order, "page size {size}");
        assert_eq!(pages, 5usize.div_ceil(size));
    }
}

#[test]
fn a_page_token_is_bound_to_its_operation_account_and_filters() {
    let (mut h, _, _) = five_invitations();
    let token = list_invitations(&mut h, json!({"MaxResults": 2}))["NextToken"].as_str().unwrap().to_string();
    // Tampered: one character of the cursor part flipped.
    let mut tampered = token.clone().into_bytes();
    tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for (who, op, input) in [
        (A, "ListConnectionInvitations", sandbox(json!({"NextToken": tampered}))),
        (A, "ListConnectionInvitations", sandbox(json!({"NextToken": "not-a-token"}))),
        (A, "ListConnectionInvitations", sandbox(json!({"NextToken": token, "ParticipantType": "SENDER"}))),
        (B, "ListConnectionInvitations", sandbox(json!({"NextToken": token}))),
        (A, "ListConnections", sandbox(json!({"NextToken": token}))),
    ] {
        assert_eq!(h.refused(who, op, input.clone()), invalid("NextToken", "INVALID_VALUE"), "{op} by {who}: {input}");
    }
}

#[test]
fn a_new_page_size_keeps_the_position() {
    let (mut h, _, order) = five_invitations();
    let token = list_invitations(&mut h, json!({"MaxResults": 2}))["NextToken"].clone();
    let rest = list_invitations(&mut h, json!({"NextToken": token, "MaxResults": 3}));
    assert_eq!(ids_of(&rest, "ConnectionInvitationSummaries"), order[2..].to_vec());
    assert!(rest.get("NextToken").is_none());
}

#[test]
fn connections_page_the_same_way_by_creation_time() {
    let (mut h, created, _) = five_invitations();
    let mut conns = Vec::new();
    for (i, inv) in created.iter().enumerate() {
        h.advance(SECOND);
        conns.push(h.accept(&format!("50000000000{i}"), inv)["Id"].as_str().unwrap().to_string());
    }
    conns.reverse();
    let mut seen = Vec::new();
    let mut input = sandbox(json!({"MaxResults": 2, "ConnectionType": "SUBSIDIARY:ACTIVE"}));
    loop {
        let page = h.ok(A, "ListConnections", input.clone());
        seen.extend(ids_of(&page, "ConnectionSummaries"));
        let Some(token) = page.get("NextToken") else { break };
        // Without the filter it was made for, the token is refused.
        let unfiltered = sandbox(json!({"MaxResults": 2, "NextToken": token}));
        assert_eq!(h.refused(A, "ListConnections", unfiltered), invalid("NextToken", "INVALID_VALUE"));
        input["NextToken"] = token.clone();
    }
    assert_eq!(seen, conns);
}
