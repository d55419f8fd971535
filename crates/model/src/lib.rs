//! The wire contract of the Partner Central Account API, driven by the service
//! model (botocore's `partnercentral-account` 2025-04-04, embedded without its
//! documentation as `service.json`).
//!
//! * [`wire`]: one Rust type per shape, generated from the model at build time.
//! * [`ids`]: the catalog and the validated identifier newtypes.
//! * [`shapes`]: the model loaded once at run time: operations, shapes,
//!   compiled patterns (what validation walks), with the Smithy traits
//!   botocore's JSON drops (`smithy-extra.json`).
//! * [`validate`]: input checking (JSON types, then every constraint), with
//!   the reporting rules of docs/behaviour.md#validation, and Smithy defaults.
//! * [`errors`]: every error pcentral sends, with its status and body.
//! * [`timestamp`]: the one wire timestamp format.
//!
//! Nothing here does I/O.

pub mod errors;
pub mod ids;
pub mod shapes;
pub mod timestamp;
pub mod validate;
pub mod wire;

pub use errors::{ApiError, ErrorDetail, ErrorKind, FieldError, FieldValidationCode};
pub use ids::{
    AccountId, AssociationTaskId, Catalog, ConnectionId, DisassociationTaskId, IdError, IdSuffix, InvitationId,
    OpportunityId, PartnerId, PrefixedId, ProfileId, ProfileTaskId, UnknownValue,
};
pub use shapes::model;
pub use timestamp::{Millis, Timestamp};
pub use validate::{check_input, with_defaults, InputError};
pub use wire::{Operation, OperationInput};
