//! Every error pcentral answers with: the seven modeled exceptions and the
//! protocol and authentication errors (docs/behaviour.md#protocol), with their
//! HTTP status and JSON body.
//! This is the one place where an error becomes a status code and a body.
//!
//! Every service of the family has the same seven exception types and
//! statuses, but their members differ: Account's exceptions carry a `Reason`
//! of their own enum and its ValidationException lists `ErrorDetails`;
//! Selling's have a `Reason` on ValidationException (required) and
//! AccessDeniedException (optional) only, and its ValidationException lists
//! `ErrorList` entries (`FieldName`, `Message`, `Code`). An [`ApiError`] knows
//! the service whose shape it renders.

use serde_json::{json, Map, Value};

use crate::Service;

/// The kind of error: decides `__type` and the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    // Modeled exceptions.
    Validation,
    AccessDenied,
    ResourceNotFound,
    Conflict,
    ServiceQuotaExceeded,
    Throttling,
    InternalServer,
    // Protocol and authentication errors (not in the model).
    MissingAuthenticationToken,
    IncompleteSignature,
    UnrecognizedClient,
    InvalidSignature,
    UnknownOperation,
    NotImplemented,
    Serialization,
    RequestEntityTooLarge,
    // Transport errors (not in the model): the request never reached an operation.
    /// The request target is not a path (origin-form), or the request cannot be read.
    BadRequest,
    /// The body did not arrive within the body timeout.
    RequestTimeout,
    /// The node holds as many request bodies as it may; try again.
    ServiceUnavailable,
    /// The node is starting (opening or migrating its store, loading its
    /// seed) and serves nothing yet: the model's InternalServerException (the
    /// service's retryable server error; it has no ServiceUnavailableException),
    /// sent with 503, which every AWS SDK retries. Answered before any
    /// operation runs, so no operation lists it.
    Starting,
}

impl ErrorKind {
    /// The short error type name sent in `__type` and `x-amzn-ErrorType`.
    pub fn type_name(self) -> &'static str {
        match self {
            ErrorKind::Validation => "ValidationException",
            ErrorKind::AccessDenied => "AccessDeniedException",
            ErrorKind::ResourceNotFound => "ResourceNotFoundException",
            ErrorKind::Conflict => "ConflictException",
            ErrorKind::ServiceQuotaExceeded => "ServiceQuotaExceededException",
            ErrorKind::Throttling => "ThrottlingException",
            ErrorKind::InternalServer | ErrorKind::Starting => "InternalServerException",
            ErrorKind::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            ErrorKind::IncompleteSignature => "IncompleteSignatureException",
            ErrorKind::UnrecognizedClient => "UnrecognizedClientException",
            ErrorKind::InvalidSignature => "InvalidSignatureException",
            ErrorKind::UnknownOperation => "UnknownOperationException",
            ErrorKind::NotImplemented => "NotImplementedException",
            ErrorKind::Serialization => "SerializationException",
            ErrorKind::RequestEntityTooLarge => "RequestEntityTooLargeException",
            ErrorKind::BadRequest => "BadRequestException",
            ErrorKind::RequestTimeout => "RequestTimeoutException",
            ErrorKind::ServiceUnavailable => "ServiceUnavailableException",
        }
    }

    pub fn status(self) -> u16 {
        match self {
            ErrorKind::Validation | ErrorKind::UnknownOperation | ErrorKind::Serialization | ErrorKind::BadRequest => {
                400
            }
            ErrorKind::ServiceQuotaExceeded => 402,
            ErrorKind::AccessDenied
            | ErrorKind::MissingAuthenticationToken
            | ErrorKind::IncompleteSignature
            | ErrorKind::UnrecognizedClient
            | ErrorKind::InvalidSignature => 403,
            ErrorKind::ResourceNotFound => 404,
            ErrorKind::RequestTimeout => 408,
            ErrorKind::Conflict => 409,
            ErrorKind::RequestEntityTooLarge => 413,
            ErrorKind::Throttling => 429,
            ErrorKind::InternalServer => 500,
            ErrorKind::NotImplemented => 501,
            ErrorKind::ServiceUnavailable | ErrorKind::Starting => 503,
        }
    }

    /// Whether the exception has a `Reason` member in `service`'s model.
    pub fn has_reason(self, service: Service) -> bool {
        match service {
            Service::Account => matches!(
                self,
                ErrorKind::Validation
                    | ErrorKind::AccessDenied
                    | ErrorKind::ResourceNotFound
                    | ErrorKind::Conflict
                    | ErrorKind::ServiceQuotaExceeded
            ),
            Service::Selling => matches!(self, ErrorKind::Validation | ErrorKind::AccessDenied),
        }
    }

    /// Whether `service`'s model requires the exception's `Reason`.
    pub fn requires_reason(self, service: Service) -> bool {
        match service {
            Service::Account => self.has_reason(service),
            Service::Selling => self == ErrorKind::Validation,
        }
    }

    /// Whether this is one of the model's exception shapes (which an operation may list).
    pub fn is_modeled(self) -> bool {
        matches!(
            self,
            ErrorKind::Validation
                | ErrorKind::AccessDenied
                | ErrorKind::ResourceNotFound
                | ErrorKind::Conflict
                | ErrorKind::ServiceQuotaExceeded
                | ErrorKind::Throttling
                | ErrorKind::InternalServer
        )
    }
}

pub use crate::account::{
    AccessDeniedExceptionReason, BusinessValidationCode, ConflictExceptionReason, FieldValidationCode,
    ResourceNotFoundExceptionReason, ServiceQuotaExceededExceptionReason, ValidationExceptionReason,
};

/// The code of a field error, from the enum of the service that answers:
/// Account's `FieldValidationCode`, Selling's `ValidationExceptionErrorCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldCode {
    Account(FieldValidationCode),
    Selling(crate::selling::ValidationExceptionErrorCode),
}

impl FieldCode {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldCode::Account(c) => c.as_str(),
            FieldCode::Selling(c) => c.as_str(),
        }
    }

    /// The service whose enum the code is from.
    pub fn service(self) -> Service {
        match self {
            FieldCode::Account(_) => Service::Account,
            FieldCode::Selling(_) => Service::Selling,
        }
    }
}

impl From<FieldValidationCode> for FieldCode {
    fn from(c: FieldValidationCode) -> Self {
        FieldCode::Account(c)
    }
}

impl From<crate::selling::ValidationExceptionErrorCode> for FieldCode {
    fn from(c: crate::selling::ValidationExceptionErrorCode) -> Self {
        FieldCode::Selling(c)
    }
}

/// One field error: Account's `FieldValidationError`, Selling's `ValidationExceptionError`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub name: String,
    pub code: FieldCode,
    pub message: String,
}

impl FieldError {
    /// A field error; `message` says why and names the field (`name`), so
    /// the ValidationException's `Message` alone says what to fix.
    pub fn new(name: &str, code: impl Into<FieldCode>, message: String) -> Self {
        debug_assert!(message.contains(name), "the message of field error {name} must name it: {message}");
        FieldError { name: name.to_string(), code: code.into(), message }
    }
}

/// One entry of `ValidationException.ErrorDetails`.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorDetail {
    Field(FieldError),
    Business { code: BusinessValidationCode, message: String },
}

/// An error answer: the service whose exception shapes it takes, kind,
/// `Reason` (a value of the model's reason enum for that exception, for the
/// exceptions that have one), message and validation details. Build one with
/// the constructor of its kind; each takes the model's typed reason, so a
/// reason the model lacks cannot be written. The constructors without a
/// service in their name build Account's (and the protocol errors, which are
/// the same for every service).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub service: Service,
    pub kind: ErrorKind,
    pub reason: Option<&'static str>,
    pub message: String,
    pub details: Vec<ErrorDetail>,
    /// The setting that decided this refusal (a quota, the verification
    /// gate): not sent to the client, named in the server's log.
    pub setting: Option<&'static str>,
}

impl ApiError {
    /// An error of a kind without a `Reason` member (ThrottlingException,
    /// InternalServerException and the protocol and authentication errors).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self::of(Service::Account, kind, message)
    }

    /// An error of `service` whose exception needs no `Reason` there (Selling's
    /// ResourceNotFoundException, ConflictException, ...).
    pub fn of(service: Service, kind: ErrorKind, message: impl Into<String>) -> Self {
        debug_assert!(!kind.requires_reason(service), "{} of {service} needs a Reason", kind.type_name());
        ApiError { service, kind, reason: None, message: message.into(), details: Vec::new(), setting: None }
    }

    fn with_reason(kind: ErrorKind, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            service: Service::Account,
            kind,
            reason: Some(reason),
            message: message.into(),
            details: Vec::new(),
            setting: None,
        }
    }

    /// Selling's `AccessDeniedException` with its (optional in the model) `Reason`.
    pub fn selling_access_denied(
        reason: crate::selling::AccessDeniedExceptionErrorCode,
        message: impl Into<String>,
    ) -> Self {
        ApiError { service: Service::Selling, ..Self::with_reason(ErrorKind::AccessDenied, reason.as_str(), message) }
    }

    pub fn not_found(reason: ResourceNotFoundExceptionReason, message: impl Into<String>) -> Self {
        Self::with_reason(ErrorKind::ResourceNotFound, reason.as_str(), message)
    }

    pub fn conflict(reason: ConflictExceptionReason, message: impl Into<String>) -> Self {
        Self::with_reason(ErrorKind::Conflict, reason.as_str(), message)
    }

    pub fn access_denied(reason: AccessDeniedExceptionReason, message: impl Into<String>) -> Self {
        Self::with_reason(ErrorKind::AccessDenied, reason.as_str(), message)
    }

    pub fn quota(reason: ServiceQuotaExceededExceptionReason, message: impl Into<String>) -> Self {
        Self::with_reason(ErrorKind::ServiceQuotaExceeded, reason.as_str(), message)
    }

    pub fn throttling(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Throttling, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InternalServer, message)
    }

    /// The answer of a node that is starting: InternalServerException, 503.
    pub fn starting() -> Self {
        Self::new(ErrorKind::Starting, "The service is starting; retry shortly.")
    }

    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Serialization, message)
    }

    /// `ValidationException REQUEST_VALIDATION_FAILED` listing the given
    /// fields (all with codes of one service, whose shape the answer takes);
    /// its `Message` is every field's message, in order, joined by `; `
    /// (`Catalog must be one of: AWS, Sandbox; LegalName is required`).
    pub fn fields(fields: Vec<FieldError>) -> Self {
        let messages: Vec<&str> = fields.iter().map(|f| f.message.as_str()).collect();
        let message = messages.join("; ");
        let service = fields.first().map_or(Service::Account, |f| f.code.service());
        debug_assert!(fields.iter().all(|f| f.code.service() == service), "field codes of one service");
        // The reason enums of the services have the same values.
        let reason = match service {
            Service::Account => ValidationExceptionReason::RequestValidationFailed.as_str(),
            Service::Selling => crate::selling::ValidationExceptionReason::RequestValidationFailed.as_str(),
        };
        ApiError {
            service,
            kind: ErrorKind::Validation,
            reason: Some(reason),
            message,
            details: fields.into_iter().map(ErrorDetail::Field).collect(),
            setting: None,
        }
    }

    /// `ValidationException REQUEST_VALIDATION_FAILED` for one field.
    pub fn field(name: &str, code: impl Into<FieldCode>, message: impl Into<String>) -> Self {
        Self::fields(vec![FieldError::new(name, code, message.into())])
    }

    /// Selling's `ValidationException BUSINESS_VALIDATION_FAILED`: its
    /// `ErrorList` names each field a business rule refuses, with a code of
    /// Selling's `ValidationExceptionErrorCode` (`INVALID_RESOURCE_STATE`,
    /// `ACTION_NOT_PERMITTED`, …).
    pub fn selling_business(fields: Vec<FieldError>) -> Self {
        debug_assert!(fields.iter().all(|f| f.code.service() == Service::Selling), "Selling's codes");
        let e = Self::fields(fields);
        ApiError {
            service: Service::Selling,
            reason: Some(crate::selling::ValidationExceptionReason::BusinessValidationFailed.as_str()),
            ..e
        }
    }

    /// `ValidationException BUSINESS_VALIDATION_FAILED` with one BusinessValidationError.
    pub fn business(code: BusinessValidationCode, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            service: Service::Account,
            kind: ErrorKind::Validation,
            reason: Some(ValidationExceptionReason::BusinessValidationFailed.as_str()),
            message: message.clone(),
            details: vec![ErrorDetail::Business { code, message }],
            setting: None,
        }
    }

    /// Note the setting that decided this refusal (for the server's log).
    pub fn decided_by(mut self, setting: &'static str) -> Self {
        self.setting = Some(setting);
        self
    }

    pub fn status(&self) -> u16 {
        self.kind.status()
    }

    /// The JSON body: `__type`, `Message`, and `Reason` / `ErrorDetails` when set.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert("__type".into(), json!(self.kind.type_name()));
        body.insert("Message".into(), json!(self.message));
        if let Some(reason) = self.reason {
            body.insert("Reason".into(), json!(reason));
        }
        if !self.details.is_empty() && self.service == Service::Selling {
            let list: Vec<Value> = self
                .details
                .iter()
                .filter_map(|d| match d {
                    ErrorDetail::Field(f) => {
                        Some(json!({"FieldName": f.name, "Message": f.message, "Code": f.code.as_str()}))
                    }
                    // Business details are Account's (`ApiError::business`).
                    ErrorDetail::Business { .. } => None,
                })
                .collect();
            body.insert("ErrorList".into(), Value::Array(list));
        } else if !self.details.is_empty() {
            let details: Vec<Value> = self
                .details
                .iter()
                .map(|d| match d {
                    ErrorDetail::Field(f) => {
                        json!({"FieldValidationError": {"Name": f.name, "Message": f.message, "Code": f.code.as_str()}})
                    }
                    ErrorDetail::Business { code, message } => {
                        json!({"BusinessValidationError": {"Message": message, "Code": code}})
                    }
                })
                .collect();
            body.insert("ErrorDetails".into(), Value::Array(details));
        }
        Value::Object(body)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.reason {
            Some(r) => write!(f, "{} ({r}): {}", self.kind.type_name(), self.message),
            None => write!(f, "{}: {}", self.kind.type_name(), self.message),
        }
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selling::ValidationExceptionErrorCode;
    use crate::shapes::{model, Shape};

    #[test]
    fn kinds_with_a_reason_are_the_exceptions_with_a_reason_member() {
        let kinds = [
            ErrorKind::Validation,
            ErrorKind::AccessDenied,
            ErrorKind::ResourceNotFound,
            ErrorKind::Conflict,
            ErrorKind::ServiceQuotaExceeded,
            ErrorKind::Throttling,
            ErrorKind::InternalServer,
        ];
        for service in Service::ALL {
            for kind in kinds {
                let Some(Shape::Structure { members, required, .. }) = model(service).shape(kind.type_name()) else {
                    panic!("{} is not in the model of {service}", kind.type_name());
                };
                assert!(kind.is_modeled());
                let has = members.iter().any(|m| m.name == "Reason");
                assert_eq!(kind.has_reason(service), has, "{} {service}", kind.type_name());
                let requires = required.iter().any(|m| m == "Reason");
                assert_eq!(kind.requires_reason(service), requires, "{} {service}", kind.type_name());
            }
        }
    }

    #[test]
    fn a_starting_node_answers_the_models_server_error_with_503() {
        let e = ApiError::starting();
        assert!(model(Service::Account).shape(e.kind.type_name()).is_some(), "a modeled exception, which SDKs know");
        assert_eq!((e.kind.type_name(), e.status()), ("InternalServerException", 503));
        assert_eq!(e.body()["__type"], "InternalServerException");
    }

    #[test]
    fn bodies_carry_typed_reasons_and_details() {
        let e = ApiError::conflict(ConflictExceptionReason::DuplicatePartner, "taken");
        assert_eq!(e.body(), json!({"__type": "ConflictException", "Message": "taken", "Reason": "DUPLICATE_PARTNER"}));
        let v = ApiError::business(BusinessValidationCode::IncompatibleDomain, "no");
        assert_eq!(v.body()["ErrorDetails"][0]["BusinessValidationError"]["Code"], "INCOMPATIBLE_DOMAIN");
        let f = ApiError::field("Catalog", FieldValidationCode::InvalidValue, "Catalog must be one of: AWS, Sandbox");
        assert_eq!(f.body()["ErrorDetails"][0]["FieldValidationError"]["Code"], "INVALID_VALUE");
        assert_eq!(f.reason, Some("REQUEST_VALIDATION_FAILED"));
        assert_eq!(f.message, "Catalog must be one of: AWS, Sandbox");
    }

    #[test]
    fn the_message_says_what_every_field_needs() {
        let e = ApiError::fields(vec![
            FieldError::new(
                "Catalog",
                FieldValidationCode::InvalidValue,
                "Catalog must be one of: AWS, Sandbox".into(),
            ),
            FieldError::new("LegalName", FieldValidationCode::RequiredFieldMissing, "LegalName is required".into()),
        ]);
        assert_eq!(e.message, "Catalog must be one of: AWS, Sandbox; LegalName is required");
        assert_eq!(e.body()["Message"], e.message);
        assert_eq!(e.body()["ErrorDetails"][1]["FieldValidationError"]["Message"], "LegalName is required");
    }

    #[test]
    fn selling_validation_lists_errors_in_its_own_shape() {
        let e = ApiError::fields(vec![
            FieldError::new(
                "Catalog",
                ValidationExceptionErrorCode::RequiredFieldMissing,
                "Catalog is required".into(),
            ),
            FieldError::new("MaxResults", ValidationExceptionErrorCode::ValueOutOfRange, "MaxResults too big".into()),
        ]);
        assert_eq!(e.service, Service::Selling);
        assert_eq!(
            e.body(),
            json!({"__type": "ValidationException", "Message": "Catalog is required; MaxResults too big",
                   "Reason": "REQUEST_VALIDATION_FAILED", "ErrorList": [
                       {"FieldName": "Catalog", "Message": "Catalog is required", "Code": "REQUIRED_FIELD_MISSING"},
                       {"FieldName": "MaxResults", "Message": "MaxResults too big", "Code": "VALUE_OUT_OF_RANGE"}]})
        );
        let nf = ApiError::of(Service::Selling, ErrorKind::ResourceNotFound, "no O1");
        assert_eq!(nf.body(), json!({"__type": "ResourceNotFoundException", "Message": "no O1"}));
        assert_eq!(nf.status(), 404);
        let denied = ApiError::selling_access_denied(
            crate::selling::AccessDeniedExceptionErrorCode::IncompatibleBenefitAwsPartnerState,
            "no",
        );
        assert_eq!(denied.body()["Reason"], "INCOMPATIBLE_BENEFIT_AWS_PARTNER_STATE");
        let business = ApiError::selling_business(vec![FieldError::new(
            "Identifier",
            ValidationExceptionErrorCode::InvalidResourceState,
            "Identifier O1 is already submitted".into(),
        )]);
        assert_eq!((business.status(), business.body()["Reason"].as_str()), (400, Some("BUSINESS_VALIDATION_FAILED")));
        assert_eq!(business.body()["ErrorList"][0]["Code"], "INVALID_RESOURCE_STATE");
    }
}
