//! The wire contract of the Partner Central Account API, driven by the service
//! model (botocore's `partnercentral-account` 2025-04-04, embedded without its
//! documentation as `service.json`).
//!
//! * [`shapes`]: the model loaded once: operations, shapes, compiled patterns.
//! * [`validate`]: input checking (JSON types, then every constraint), with
//!   the reporting rules of DECISIONS.md.
//! * [`errors`]: every error pcentral sends, with its status and body.
//! * [`timestamp`]: the one wire timestamp format.
//!
//! Nothing here does I/O.

pub mod errors;
pub mod shapes;
pub mod timestamp;
pub mod validate;

pub use errors::{ApiError, ErrorDetail, ErrorKind, FieldCode, FieldError};
pub use shapes::model;
pub use timestamp::Millis;
pub use validate::{check_input, InputError, CATALOGS};
