//! Handlers only answer errors their operation lists (ARCHITECTURE.md,
//! invariant 5), checked from the model: every operation of the model is
//! called with an input built from its shapes (every required member, and
//! the first member of each union), by a caller with a partner, by the other
//! side of its connection and by an account with nothing, in a world where
//! the inputs name real records; each answer must be a success or an error
//! the operation's model entry lists.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use pcentral_model::shapes::Shape;
use pcentral_model::{model, Service};
use serde_json::{json, Map, Value};

/// Example values for the string shapes inputs require: real records of the
/// world (`world`) where an input names one.
fn example(shape: &str, world: &World) -> Option<Value> {
    let v = match shape {
        "Catalog" => SANDBOX.into(),
        "ClientToken" => "errors-listed".into(),
        "PartnerIdentifier" => world.partner.clone(),
        "ConnectionId" => world.connection.clone(),
        "ConnectionInvitationId" => world.invitation.clone(),
        "ProfileTaskId" => world.task.clone(),
        "ParticipantIdentifier" => world.other_profile.clone(),
        "TaggableResourceArn" => world.partner_arn.clone(),
        "Email" => "someone@example.com".into(),
        "EmailVerificationCode" => "123456".into(),
        "DomainName" => "example.com".into(),
        "Locale" => "en-US".into(),
        "Url" => "https://example.com".into(),
        "TagKey" | "TagValue" => "k".into(),
        "CancelConnectionRequestReasonString"
        | "CreateConnectionInvitationRequestMessageString"
        | "SensitiveUnicodeString"
        | "TaskDetailsDescriptionString"
        | "UnicodeString" => "Example".into(),
        _ => return None,
    };
    Some(Value::String(v))
}

/// An input for `shape` with every required member (and each union's first).
fn input(shape: &str, world: &World, missing: &mut Vec<String>) -> Value {
    match model(Service::Account).shape(shape) {
        Some(Shape::Structure { members, required, union }) => {
            let mut out = Map::new();
            for (i, m) in members.iter().enumerate() {
                if required.contains(&m.name) || (*union && i == 0) {
                    out.insert(m.name.clone(), input(&m.target, world, missing));
                }
            }
            Value::Object(out)
        }
        Some(Shape::String { enum_values: Some(values), .. }) => json!(values[0]),
        Some(Shape::String { .. }) => example(shape, world).unwrap_or_else(|| {
            missing.push(shape.to_string());
            json!("")
        }),
        Some(Shape::List { member, .. }) => json!([input(member, world, missing)]),
        Some(Shape::Map { .. }) => json!({}),
        Some(Shape::Integer { min, .. }) => json!(min.unwrap_or(1)),
        Some(Shape::Double) => json!(1.0),
        Some(Shape::Boolean) => json!(false),
        Some(Shape::Timestamp) | None => json!(null),
    }
}

/// What the inputs name: A's partner, its task, its connection with B and
/// an invitation from B pending for A.
struct World {
    partner: String,
    partner_arn: String,
    task: String,
    other_profile: String,
    connection: String,
    invitation: String,
}

fn world(h: &mut Harness) -> World {
    let a = h.published_partner(A, "Alpha");
    let b = h.published_partner(B, "Beta");
    let connection = h.connect(A, OC, B, &b.profile_id);
    let invitation = h.invitation_id(B, SUB, A);
    let task = h.ok(A, "GetProfileUpdateTask", json!({"Catalog": SANDBOX, "Identifier": a.id}))["TaskId"].clone();
    let arn = h.ok(A, "GetPartner", json!({"Catalog": SANDBOX, "Identifier": a.id}))["Arn"].clone();
    World {
        partner: a.id,
        partner_arn: arn.as_str().unwrap_or_default().into(),
        task: task.as_str().unwrap_or_default().into(),
        other_profile: b.profile_id,
        connection,
        invitation,
    }
}

#[test]
fn every_operation_answers_only_errors_it_lists() {
    let mut h = Harness::new(1_780_000_000_000);
    let w = world(&mut h);
    let mut missing = Vec::new();
    let mut answered = 0;
    for op in Service::Account.operations() {
        let shape = &model(Service::Account).operation(op.name()).expect("the operation is in the model").input;
        let body = input(shape, &w, &mut missing);
        for caller in [A, B, C] {
            match h.call(caller, op.name(), body.clone()) {
                Ok(_) => answered += 1,
                Err(e) => assert!(
                    op.errors().contains(&e.kind) || !e.kind.is_modeled(),
                    "{op} as {caller} answered {e}, which its model entry does not list ({:?})\ninput: {body}",
                    op.errors()
                ),
            }
        }
    }
    assert!(missing.is_empty(), "no example value for the string shapes {missing:?}");
    assert!(answered > Service::Account.operations().len(), "the inputs reach the handlers ({answered} successes)");
}
