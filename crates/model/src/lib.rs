//! The wire contract of the Partner Central API family pcentral serves, driven
//! by the service models (botocore's, embedded without their documentation as
//! `services/<service>/service.json`, one folder per service).
//!
//! * the service modules ([`account`], [`selling`], ...): one Rust type per
//!   shape of that service's model, generated at build time.
//! * [`service`]: the family: [`Service`] (name, target prefix, signing name,
//!   model) and [`Operation`] (one operation of one service).
//! * [`wire`]: what every service's generated types share ([`OperationInput`]).
//! * [`ids`]: the catalog and the validated identifier newtypes.
//! * [`shapes`]: each model loaded once at run time: operations, shapes,
//!   compiled patterns (what validation walks), with the Smithy traits
//!   botocore's JSON drops (`smithy-extra.json`).
//! * [`validate`]: input checking (JSON types, then every constraint), with
//!   the reporting rules of docs/behaviour.md#validation, and Smithy defaults.
//! * [`errors`]: every error pcentral sends, with its status and body, in the
//!   shape of the service that answers.
//! * [`timestamp`]: the one wire timestamp format.
//! * [`wire_json`]: an answer's JSON text ([`WireJson`]), written once from
//!   the typed output in the wire's member order.
//!
//! Nothing here does I/O.

pub mod errors;
pub mod ids;
pub mod service;
pub mod shapes;
pub mod timestamp;
pub mod validate;
pub mod wire;
pub mod wire_json;

include!(concat!(env!("OUT_DIR"), "/services.rs"));

pub use errors::{ApiError, ErrorDetail, ErrorKind, FieldCode, FieldError, FieldValidationCode};
pub use ids::{
    AccountId, AssociationTaskId, BulkJobId, Catalog, ConnectionId, CustomerAccountId, DisassociationTaskId,
    EngagementId, EngagementInvitationId, EngagementTaskId, IdError, IdSuffix, InvitationId, OpportunityId, PartnerId,
    PrefixedId, ProfileId, ProfileTaskId, ResourceSnapshotJobId, SolutionId, UnknownValue,
};
pub use shapes::model;
pub use timestamp::{Millis, Timestamp};
pub use validate::{check_input, with_defaults, InputError};
pub use wire::{NoOutput, OperationInput};
pub use wire_json::WireJson;
