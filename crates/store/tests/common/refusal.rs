//! The one error projection the store tests compare.

use pcentral_model::{ApiError, ErrorDetail};

/// An error as the tests compare it: the error type, the `Reason`, and the
/// first `ErrorDetails` entry as (field name, code): the `Name` and `Code`
/// of a FieldValidationError, or `""` and the `Code` of a
/// BusinessValidationError.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub kind: &'static str,
    pub reason: Option<&'static str>,
    pub detail: Option<(String, &'static str)>,
}

impl Refusal {
    pub fn of(e: &ApiError) -> Refusal {
        let detail = e.details.first().map(|d| match d {
            ErrorDetail::Field(f) => (f.name.clone(), f.code.as_str()),
            ErrorDetail::Business { code, .. } => (String::new(), code.as_str()),
        });
        Refusal { kind: e.kind.type_name(), reason: e.reason, detail }
    }
}

fn with_reason(kind: &'static str, reason: &'static str) -> Refusal {
    Refusal { kind, reason: Some(reason), detail: None }
}

/// `ResourceNotFoundException` with `reason`.
pub fn not_found(reason: &'static str) -> Refusal {
    with_reason("ResourceNotFoundException", reason)
}

/// `ConflictException` with `reason`.
pub fn conflict(reason: &'static str) -> Refusal {
    with_reason("ConflictException", reason)
}

/// `ServiceQuotaExceededException` with `reason`.
pub fn quota(reason: &'static str) -> Refusal {
    with_reason("ServiceQuotaExceededException", reason)
}

/// `AccessDeniedException` with `reason`.
pub fn access_denied(reason: &'static str) -> Refusal {
    with_reason("AccessDeniedException", reason)
}

/// `ValidationException REQUEST_VALIDATION_FAILED` whose first detail is `code` on field `name`.
pub fn invalid(name: &str, code: &'static str) -> Refusal {
    Refusal {
        kind: "ValidationException",
        reason: Some("REQUEST_VALIDATION_FAILED"),
        detail: Some((name.to_string(), code)),
    }
}

/// `ValidationException BUSINESS_VALIDATION_FAILED` whose first detail has `code`.
pub fn business(code: &'static str) -> Refusal {
    Refusal {
        kind: "ValidationException",
        reason: Some("BUSINESS_VALIDATION_FAILED"),
        detail: Some((String::new(), code)),
    }
}
