//! Every error pcentral answers with: the seven modeled exceptions and the
//! protocol/auth errors of DECISIONS.md, with their HTTP status and JSON body.
//! This is the one place where an error becomes a status code and a body.

use serde_json::{json, Map, Value};

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
            ErrorKind::InternalServer => "InternalServerException",
            ErrorKind::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            ErrorKind::IncompleteSignature => "IncompleteSignatureException",
            ErrorKind::UnrecognizedClient => "UnrecognizedClientException",
            ErrorKind::InvalidSignature => "InvalidSignatureException",
            ErrorKind::UnknownOperation => "UnknownOperationException",
            ErrorKind::NotImplemented => "NotImplementedException",
            ErrorKind::Serialization => "SerializationException",
            ErrorKind::RequestEntityTooLarge => "RequestEntityTooLargeException",
        }
    }

    pub fn status(self) -> u16 {
        match self {
            ErrorKind::Validation | ErrorKind::UnknownOperation | ErrorKind::Serialization => 400,
            ErrorKind::ServiceQuotaExceeded => 402,
            ErrorKind::AccessDenied
            | ErrorKind::MissingAuthenticationToken
            | ErrorKind::IncompleteSignature
            | ErrorKind::UnrecognizedClient
            | ErrorKind::InvalidSignature => 403,
            ErrorKind::ResourceNotFound => 404,
            ErrorKind::Conflict => 409,
            ErrorKind::RequestEntityTooLarge => 413,
            ErrorKind::Throttling => 429,
            ErrorKind::InternalServer => 500,
            ErrorKind::NotImplemented => 501,
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

/// `FieldValidationError.Code` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldCode {
    RequiredFieldMissing,
    DuplicateValue,
    InvalidValue,
    InvalidStringFormat,
    TooManyValues,
    ActionNotPermitted,
    InvalidEnumValue,
}

impl FieldCode {
    pub fn as_str(self) -> &'static str {
        match self {
            FieldCode::RequiredFieldMissing => "REQUIRED_FIELD_MISSING",
            FieldCode::DuplicateValue => "DUPLICATE_VALUE",
            FieldCode::InvalidValue => "INVALID_VALUE",
            FieldCode::InvalidStringFormat => "INVALID_STRING_FORMAT",
            FieldCode::TooManyValues => "TOO_MANY_VALUES",
            FieldCode::ActionNotPermitted => "ACTION_NOT_PERMITTED",
            FieldCode::InvalidEnumValue => "INVALID_ENUM_VALUE",
        }
    }
}

/// One `FieldValidationError`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub name: String,
    pub code: FieldCode,
    pub message: String,
}

impl FieldError {
    pub fn new(name: &str, code: FieldCode, message: String) -> Self {
        FieldError { name: name.to_string(), code, message }
    }
}

/// One entry of `ValidationException.ErrorDetails`.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorDetail {
    Field(FieldError),
    Business { code: &'static str, message: String },
}

/// An error answer: kind, optional `Reason`, message and validation details.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub reason: Option<&'static str>,
    pub message: String,
    pub details: Vec<ErrorDetail>,
}

impl ApiError {
    pub fn new(kind: ErrorKind, reason: Option<&'static str>, message: impl Into<String>) -> Self {
        ApiError { kind, reason, message: message.into(), details: Vec::new() }
    }

    pub fn not_found(reason: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ResourceNotFound, Some(reason), message)
    }

    pub fn conflict(reason: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, Some(reason), message)
    }

    pub fn access_denied(reason: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::AccessDenied, Some(reason), message)
    }

    pub fn quota(reason: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ServiceQuotaExceeded, Some(reason), message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InternalServer, None, message)
    }

    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Serialization, None, message)
    }

    /// `ValidationException REQUEST_VALIDATION_FAILED` listing the given fields.
    pub fn fields(fields: Vec<FieldError>) -> Self {
        let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        let message = format!("Invalid input: {}", names.join(", "));
        ApiError {
            kind: ErrorKind::Validation,
            reason: Some("REQUEST_VALIDATION_FAILED"),
            message,
            details: fields.into_iter().map(ErrorDetail::Field).collect(),
        }
    }

    /// `ValidationException REQUEST_VALIDATION_FAILED` for one field.
    pub fn field(name: &str, code: FieldCode, message: impl Into<String>) -> Self {
        Self::fields(vec![FieldError::new(name, code, message.into())])
    }

    /// `ValidationException BUSINESS_VALIDATION_FAILED` with one BusinessValidationError.
    pub fn business(code: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            kind: ErrorKind::Validation,
            reason: Some("BUSINESS_VALIDATION_FAILED"),
            message: message.clone(),
            details: vec![ErrorDetail::Business { code, message }],
        }
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
        if !self.details.is_empty() {
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
