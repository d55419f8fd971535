//! The wire types: one Rust type per shape of the model, generated from
//! `service.json` by `build.rs`, so that member names, required members and
//! enum values come from the model and nowhere else.
//!
//! Request structures implement [`OperationInput`], which ties each input to
//! its operation and its output type; a handler taking one and returning the
//! other cannot be registered for another operation.

#![allow(clippy::large_enum_variant)]

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The input structure of an operation.
pub trait OperationInput: DeserializeOwned {
    /// The operation this is the input of.
    const OPERATION: Operation;
    /// The operation's output structure.
    type Output: Serialize;
    /// The value of the input's idempotency-token member, when it has one and it is set.
    fn client_token(&self) -> Option<&str>;
    /// The input's `Catalog`, when it has one.
    fn catalog(&self) -> Option<crate::ids::Catalog>;
}

include!(concat!(env!("OUT_DIR"), "/wire.rs"));

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::shapes::model;

    #[test]
    fn the_operation_enum_is_the_model() {
        let names: Vec<&str> = Operation::ALL.iter().map(|op| op.name()).collect();
        let model_names: Vec<&str> = model().operations().map(|op| op.name.as_str()).collect();
        assert_eq!(names, model_names);
        for op in Operation::ALL {
            let m = model().operation(op.name()).unwrap();
            assert_eq!(op.readonly(), m.readonly, "{op}");
            let errors: Vec<&str> = op.errors().iter().map(|e| e.type_name()).collect();
            assert_eq!(errors, m.errors, "{op}");
            assert_eq!(Operation::from_name(op.name()), Some(op));
        }
    }

    #[test]
    fn structures_use_wire_names_and_skip_absent_members() {
        let summary = ConnectionTypeSummary {
            status: ConnectionTypeStatus::Active,
            other_participant: Participant::Account(AccountSummary { name: "Alpha".into() }),
        };
        assert_eq!(
            serde_json::to_value(&summary).unwrap(),
            serde_json::json!({"Status": "ACTIVE", "OtherParticipant": {"Account": {"Name": "Alpha"}}})
        );
        let request: ListConnectionsRequest =
            serde_json::from_value(serde_json::json!({"Catalog": "Sandbox", "MaxResults": null, "Extra": 1})).unwrap();
        assert_eq!(request.catalog, crate::ids::Catalog::Sandbox);
        assert_eq!(request.max_results, None);
        assert_eq!(request.catalog(), Some(crate::ids::Catalog::Sandbox));
        let accept: AcceptConnectionInvitationRequest = serde_json::from_value(serde_json::json!(
            {"Catalog": "AWS", "Identifier": "pacinv-0123456789abc", "ClientToken": "t-1"}
        ))
        .unwrap();
        assert_eq!(accept.client_token(), Some("t-1"));
        assert_eq!(AcceptConnectionInvitationRequest::OPERATION, Operation::AcceptConnectionInvitation);
        assert_eq!("OPPORTUNITY_COLLABORATION".parse::<ConnectionType>(), Ok(ConnectionType::OpportunityCollaboration));
        assert!("RESELLING".parse::<ConnectionType>().is_err());
    }
}
