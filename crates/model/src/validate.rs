//! Input checking against the model, in two passes over the parsed JSON body:
//!
//! 1. `check_types`: every member has the JSON type its shape needs, otherwise
//!    the request is a `SerializationException` (a protocol error).
//! 2. `check_constraints`: every constraint of the model, reporting one
//!    `FieldValidationError` per failing member, in model member order, with the
//!    first failing check of: required → length → pattern / enum → range →
//!    list size → list duplicates (docs/behaviour.md#validation).
//!
//! `null` members count as absent and unknown members are ignored. The
//! Smithy traits of `smithy-extra.json` are part of the model here: lists with
//! `uniqueItems` refuse duplicates, and [`with_defaults`] gives absent members
//! their `default` before an operation reads its input.
//!
//! The checks are the same for every service; each failing check is reported
//! with the code the answering service's model has for it ([`Check::code`]).

use crate::errors::{ApiError, FieldCode, FieldError, FieldValidationCode};
use crate::ids::Catalog;
use crate::selling::ValidationExceptionErrorCode as SellingCode;
use crate::shapes::{model, Model, Shape};
use crate::{Operation, Service};
use serde_json::Value;

/// A failing check, before it becomes a service's field error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Required,
    Length,
    Enum,
    Pattern,
    Catalog,
    Range,
    TooManyItems,
    TooFewItems,
    Duplicate,
    /// A union without exactly one member set.
    Union,
    TooManyEntries,
    TooFewEntries,
}

impl Check {
    /// The code `service` reports the check with. Account's codes are those
    /// of its first release (its clients see them unchanged); Selling's enum
    /// has a code for ranges and item counts, which it gets.
    fn code(self, service: Service) -> FieldCode {
        match service {
            Service::Account => FieldCode::Account(match self {
                Check::Required => FieldValidationCode::RequiredFieldMissing,
                Check::Enum => FieldValidationCode::InvalidEnumValue,
                Check::Pattern => FieldValidationCode::InvalidStringFormat,
                Check::TooManyItems => FieldValidationCode::TooManyValues,
                Check::Duplicate => FieldValidationCode::DuplicateValue,
                Check::Length
                | Check::Catalog
                | Check::Range
                | Check::TooFewItems
                | Check::Union
                | Check::TooManyEntries
                | Check::TooFewEntries => FieldValidationCode::InvalidValue,
            }),
            Service::Selling => FieldCode::Selling(match self {
                Check::Required => SellingCode::RequiredFieldMissing,
                Check::Enum => SellingCode::InvalidEnumValue,
                Check::Pattern => SellingCode::InvalidStringFormat,
                Check::TooManyItems | Check::TooManyEntries => SellingCode::TooManyValues,
                Check::TooFewItems | Check::TooFewEntries => SellingCode::NotEnoughValues,
                Check::Duplicate => SellingCode::DuplicateKeyValue,
                Check::Range => SellingCode::ValueOutOfRange,
                Check::Length | Check::Catalog | Check::Union => SellingCode::InvalidValue,
            }),
        }
    }
}

/// The model and service a walk checks against.
#[derive(Clone, Copy)]
struct Walk {
    model: &'static Model,
    service: Service,
}

impl Walk {
    fn of(service: Service) -> Walk {
        Walk { model: model(service), service }
    }

    fn error(self, path: &str, check: Check, message: String) -> FieldError {
        FieldError::new(path, check.code(self.service), message)
    }
}

/// Why an input was refused before any operation ran.
#[derive(Debug, Clone, PartialEq)]
pub enum InputError {
    /// The body does not fit the shapes' JSON types (SerializationException).
    Serialization(String),
    /// One or more constraints failed (ValidationException REQUEST_VALIDATION_FAILED).
    Validation(Vec<FieldError>),
}

impl From<InputError> for ApiError {
    fn from(e: InputError) -> Self {
        match e {
            InputError::Serialization(m) => ApiError::serialization(m),
            InputError::Validation(fields) => ApiError::fields(fields),
        }
    }
}

/// Check the input of `operation` against its service's model.
pub fn check_input(operation: Operation, input: &Value) -> Result<(), InputError> {
    let w = Walk::of(operation.service());
    let Some(op) = w.model.operation(operation.name()) else {
        return Err(InputError::Serialization(format!("unknown operation {operation}")));
    };
    check_types(w, &op.input, input, "")?;
    let mut errors = Vec::new();
    check_structure_members(w, &op.input, input, "", &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(InputError::Validation(errors))
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn check_types(w: Walk, shape_name: &str, value: &Value, path: &str) -> Result<(), InputError> {
    let Some(shape) = w.model.shape(shape_name) else {
        return Ok(());
    };
    let wrong = |expected: &str| {
        let at = if path.is_empty() { "the request body".to_string() } else { format!("member {path}") };
        Err(InputError::Serialization(format!("Expected {expected} for {at}")))
    };
    match shape {
        Shape::Structure { members, .. } => {
            let Value::Object(map) = value else {
                return wrong("a JSON object");
            };
            for member in members {
                match map.get(&member.name) {
                    None | Some(Value::Null) => {}
                    Some(v) => check_types(w, &member.target, v, &join(path, &member.name))?,
                }
            }
            Ok(())
        }
        Shape::String { .. } => match value {
            Value::String(_) => Ok(()),
            _ => wrong("a string"),
        },
        Shape::Timestamp => match value {
            Value::String(_) | Value::Number(_) => Ok(()),
            _ => wrong("a timestamp"),
        },
        Shape::Boolean => match value {
            Value::Bool(_) => Ok(()),
            _ => wrong("a boolean"),
        },
        Shape::Integer { .. } => match value {
            Value::Number(n) if n.is_i64() => Ok(()),
            _ => wrong("an integer"),
        },
        Shape::Double => match value {
            Value::Number(_) => Ok(()),
            _ => wrong("a number"),
        },
        Shape::List { member, .. } => {
            let Value::Array(items) = value else {
                return wrong("a JSON array");
            };
            for (i, item) in items.iter().enumerate() {
                if !item.is_null() {
                    check_types(w, member, item, &format!("{path}[{i}]"))?;
                }
            }
            Ok(())
        }
        Shape::Map { value: value_shape, .. } => {
            let Value::Object(map) = value else {
                return wrong("a JSON object");
            };
            for (k, v) in map {
                if !v.is_null() {
                    check_types(w, value_shape, v, &format!("{path}.{k}"))?;
                }
            }
            Ok(())
        }
    }
}

/// Check the members of the structure `shape_name` held in `value` (already type-checked).
fn check_structure_members(w: Walk, shape_name: &str, value: &Value, path: &str, errors: &mut Vec<FieldError>) {
    let Some(Shape::Structure { members, required, union }) = w.model.shape(shape_name) else {
        return;
    };
    let present = |name: &str| value.get(name).is_some_and(|v| !v.is_null());
    if *union {
        let set = members.iter().filter(|m| present(&m.name)).count();
        if set != 1 {
            errors.push(w.error(
                path,
                Check::Union,
                format!("{} must have exactly one member set, found {set}", display(path)),
            ));
            return;
        }
    }
    for member in members {
        let name = join(path, &member.name);
        match value.get(&member.name) {
            None | Some(Value::Null) => {
                if required.contains(&member.name) {
                    errors.push(w.error(&name, Check::Required, format!("{name} is required")));
                }
            }
            Some(v) => check_value(w, &member.target, v, &name, errors),
        }
    }
}

fn display(path: &str) -> &str {
    if path.is_empty() {
        "the request"
    } else {
        path
    }
}

/// Check one present value; pushes at most one error for this value itself
/// (nested members and list items report their own).
fn check_value(w: Walk, shape_name: &str, value: &Value, path: &str, errors: &mut Vec<FieldError>) {
    let Some(shape) = w.model.shape(shape_name) else {
        return;
    };
    match shape {
        Shape::Structure { .. } => check_structure_members(w, shape_name, value, path, errors),
        Shape::String { min, max, pattern, enum_values } => {
            let Some(s) = value.as_str() else { return };
            let len = s.chars().count() as i64;
            if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                errors.push(w.error(path, Check::Length, length_message(path, *min, *max)));
            } else if let Some(values) = enum_values {
                if !values.iter().any(|v| v == s) {
                    errors.push(w.error(path, Check::Enum, format!("{path} must be one of: {}", values.join(", "))));
                }
            } else if pattern.as_ref().is_some_and(|p| !p.is_match(s)) {
                errors.push(w.error(path, Check::Pattern, format!("{path} does not match the required format")));
            } else if w.model.catalog_shape.as_deref() == Some(shape_name) && s.parse::<Catalog>().is_err() {
                errors.push(w.error(
                    path,
                    Check::Catalog,
                    format!("{path} must be one of: {}", Catalog::ALL.map(Catalog::as_str).join(", ")),
                ));
            }
        }
        Shape::Integer { min, max } => {
            let Some(n) = value.as_i64() else { return };
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                errors.push(w.error(path, Check::Range, range_message(path, *min, *max)));
            }
        }
        Shape::List { member, min, max, unique_items } => {
            let Some(items) = value.as_array() else { return };
            let len = items.len() as i64;
            let before = errors.len();
            for (i, item) in items.iter().enumerate() {
                if !item.is_null() {
                    check_value(w, member, item, &format!("{path}[{i}]"), errors);
                }
            }
            if errors.len() > before {
                return;
            }
            if max.is_some_and(|m| len > m) {
                errors.push(w.error(
                    path,
                    Check::TooManyItems,
                    format!("{path} has {len} items; at most {} allowed", max.unwrap_or_default()),
                ));
            } else if min.is_some_and(|m| len < m) {
                errors.push(w.error(
                    path,
                    Check::TooFewItems,
                    format!("{path} needs at least {} items", min.unwrap_or_default()),
                ));
            } else if let Some(dup) = first_duplicate(w.service, shape_name, *unique_items, items) {
                errors.push(w.error(path, Check::Duplicate, format!("{path} contains {dup} more than once")));
            }
        }
        Shape::Map { value: value_shape, min, max, .. } => {
            let Some(map) = value.as_object() else { return };
            for (k, v) in map {
                if !v.is_null() {
                    check_value(w, value_shape, v, &format!("{path}.{k}"), errors);
                }
            }
            let len = map.len() as i64;
            if max.is_some_and(|m| len > m) {
                errors.push(w.error(path, Check::TooManyEntries, range_message(path, *min, *max)));
            } else if min.is_some_and(|m| len < m) {
                errors.push(w.error(path, Check::TooFewEntries, range_message(path, *min, *max)));
            }
        }
        Shape::Double | Shape::Boolean | Shape::Timestamp => {}
    }
}

/// The key by which items of a list must be unique; `None` for lists that
/// accept duplicates. Lists with Smithy's `uniqueItems` compare whole items;
/// pcentral adds its own rules for four more lists of the Account API
/// (docs/behaviour.md#validation).
fn unique_key(service: Service, list_shape: &str, unique_items: bool, item: &Value) -> Option<Option<String>> {
    let field = |name: &str| item.get(name).and_then(Value::as_str).map(str::to_string);
    if unique_items {
        return Some(Some(item.as_str().map_or_else(|| item.to_string(), str::to_string)));
    }
    match (service, list_shape) {
        (Service::Account, "TagKeyList" | "IndustrySegmentList") => Some(item.as_str().map(str::to_string)),
        (Service::Account, "TagList") => Some(field("Key")),
        (Service::Account, "LocalizedContentList") => Some(field("Locale")),
        _ => None,
    }
}

fn first_duplicate(service: Service, list_shape: &str, unique_items: bool, items: &[Value]) -> Option<String> {
    let mut seen = std::collections::HashSet::new();
    for item in items {
        let Some(key) = unique_key(service, list_shape, unique_items, item)? else { continue };
        if !seen.insert(key.clone()) {
            return Some(format!("{key:?}"));
        }
    }
    None
}

/// `input` (already checked against `operation`'s input shape) with every
/// absent member that has a Smithy `default` set to it, at any depth.
pub fn with_defaults(operation: Operation, input: &Value) -> Value {
    let mut out = input.clone();
    let m = model(operation.service());
    if let Some(op) = m.operation(operation.name()) {
        fill_defaults(m, &op.input, &mut out);
    }
    out
}

fn fill_defaults(m: &Model, shape_name: &str, value: &mut Value) {
    match m.shape(shape_name) {
        Some(Shape::Structure { members, .. }) => {
            let Some(map) = value.as_object_mut() else { return };
            for member in members {
                match map.get_mut(&member.name) {
                    None | Some(Value::Null) => {
                        if let Some(default) = &member.default {
                            map.insert(member.name.clone(), default.clone());
                        }
                    }
                    Some(v) => fill_defaults(m, &member.target, v),
                }
            }
        }
        Some(Shape::List { member, .. }) => {
            for item in value.as_array_mut().into_iter().flatten() {
                fill_defaults(m, member, item);
            }
        }
        _ => {}
    }
}

fn length_message(path: &str, min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) if a == b => format!("{path} must be exactly {a} characters long"),
        (Some(a), Some(b)) => format!("{path} must be between {a} and {b} characters long"),
        (Some(a), None) => format!("{path} must be at least {a} characters long"),
        (None, Some(b)) => format!("{path} must be at most {b} characters long"),
        (None, None) => format!("{path} has an invalid length"),
    }
}

fn range_message(path: &str, min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{path} must be between {a} and {b}"),
        (Some(a), None) => format!("{path} must be at least {a}"),
        (None, Some(b)) => format!("{path} must be at most {b}"),
        (None, None) => format!("{path} is out of range"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn acc(op: &str) -> Operation {
        Service::Account.operation(op).unwrap()
    }

    fn fields(op: &str, input: Value) -> Vec<(String, &'static str)> {
        fields_of(acc(op), input)
    }

    fn fields_of(op: Operation, input: Value) -> Vec<(String, &'static str)> {
        match check_input(op, &input) {
            Ok(()) => vec![],
            Err(InputError::Validation(errs)) => errs.into_iter().map(|e| (e.name, e.code.as_str())).collect(),
            Err(e) => panic!("unexpected {e:?}"),
        }
    }

    fn check(op: &str, input: Value, expected: &[(&str, &str)]) {
        let got = fields(op, input);
        let got: Vec<(&str, &str)> = got.iter().map(|(n, c)| (n.as_str(), *c)).collect();
        assert_eq!(got, expected);
    }

    fn good_partner() -> Value {
        json!({
            "Catalog": "Sandbox", "LegalName": "Example Corp", "PrimarySolutionType": "SOFTWARE_PRODUCTS",
            "AllianceLeadContact": {"FirstName": "Ada", "LastName": "L", "Email": "ada@example.com", "BusinessTitle": "CTO"},
            "EmailVerificationCode": "123456", "ClientToken": "tok-1"
        })
    }

    #[test]
    fn valid_input_passes() {
        check("CreatePartner", good_partner(), &[]);
        check("ListPartners", json!({"Catalog": "AWS"}), &[]);
    }

    #[test]
    fn every_failing_member_is_reported_in_model_order() {
        check(
            "CreatePartner",
            json!({"Catalog": "Prod", "LegalName": "", "PrimarySolutionType": "NOPE",
                   "AllianceLeadContact": {"FirstName": "A", "LastName": "B", "Email": "not-an-email"},
                   "EmailVerificationCode": "12345a", "ClientToken": "bad token"}),
            &[
                ("Catalog", "INVALID_VALUE"),
                ("ClientToken", "INVALID_STRING_FORMAT"),
                ("LegalName", "INVALID_VALUE"),
                ("PrimarySolutionType", "INVALID_ENUM_VALUE"),
                ("AllianceLeadContact.Email", "INVALID_STRING_FORMAT"),
                ("AllianceLeadContact.BusinessTitle", "REQUIRED_FIELD_MISSING"),
                ("EmailVerificationCode", "INVALID_STRING_FORMAT"),
            ],
        );
        check(
            "GetPartner",
            json!({}),
            &[("Catalog", "REQUIRED_FIELD_MISSING"), ("Identifier", "REQUIRED_FIELD_MISSING")],
        );
    }

    #[test]
    fn null_counts_as_absent_and_unknown_members_are_ignored() {
        check(
            "GetPartner",
            json!({"Catalog": null, "Identifier": "partner-0123456789abc", "Extra": 1}),
            &[("Catalog", "REQUIRED_FIELD_MISSING")],
        );
    }

    #[test]
    fn nested_lists_name_their_items_and_duplicates_are_refused() {
        let mut input = json!({"Catalog": "Sandbox", "Identifier": "partner-0123456789abc", "TaskDetails": {
            "DisplayName": "X", "Description": "Y", "WebsiteUrl": "https://x.example", "LogoUrl": "https://x.example/l.png",
            "PrimarySolutionType": "SOFTWARE_PRODUCTS", "IndustrySegments": ["AGRICULTURE_MINING", "AGRICULTURE_MINING"],
            "TranslationSourceLocale": "en-US",
            "LocalizedContents": [{"DisplayName": "X", "Description": "Y", "WebsiteUrl": "https://x.example", "LogoUrl": "https://x.example/l.png", "Locale": "english"}]
        }});
        check(
            "StartProfileUpdateTask",
            input.clone(),
            &[
                ("TaskDetails.IndustrySegments", "DUPLICATE_VALUE"),
                ("TaskDetails.LocalizedContents[0].Locale", "INVALID_STRING_FORMAT"),
            ],
        );
        input["TaskDetails"]["IndustrySegments"] = json!(["AGRICULTURE_MINING", "EDUCATION", "OTHER", "HEALTHCARE"]);
        input["TaskDetails"]["LocalizedContents"] = json!([]);
        check("StartProfileUpdateTask", input.clone(), &[("TaskDetails.IndustrySegments", "TOO_MANY_VALUES")]);
        input["TaskDetails"]["IndustrySegments"] = json!([]);
        check("StartProfileUpdateTask", input.clone(), &[("TaskDetails.IndustrySegments", "INVALID_VALUE")]);
        input["TaskDetails"]["IndustrySegments"] = json!(["OTHER"]);
        input["TaskDetails"]["Headquarters"] = json!({"CountryCode": "BR"});
        check(
            "StartProfileUpdateTask",
            input.clone(),
            &[("TaskDetails.Headquarters.SubdivisionCode", "REQUIRED_FIELD_MISSING")],
        );
        input["TaskDetails"]["Headquarters"] = json!({"CountryCode": "BR", "SubdivisionCode": "sp"});
        check(
            "StartProfileUpdateTask",
            input,
            &[("TaskDetails.Headquarters.SubdivisionCode", "INVALID_STRING_FORMAT")],
        );
    }

    #[test]
    fn participant_identifier_lists_have_unique_items() {
        let dup = json!(["pprofile-aaaaaaaaaaaaa", "pprofile-aaaaaaaaaaaaa"]);
        check(
            "ListConnections",
            json!({"Catalog": "AWS", "OtherParticipantIdentifiers": dup}),
            &[("OtherParticipantIdentifiers", "DUPLICATE_VALUE")],
        );
        check(
            "ListConnectionInvitations",
            json!({"Catalog": "AWS", "OtherParticipantIdentifiers": dup}),
            &[("OtherParticipantIdentifiers", "DUPLICATE_VALUE")],
        );
        check(
            "UpdateConnectionPreferences",
            json!({"Catalog": "AWS", "Revision": 0, "AccessType": "ALLOW_ALL", "ExcludedParticipantIdentifiers": dup}),
            &[("ExcludedParticipantIdentifiers", "DUPLICATE_VALUE")],
        );
        // Case matters: these are different identifiers.
        let two = json!(["abc", "ABC"]);
        check("ListConnections", json!({"Catalog": "AWS", "OtherParticipantIdentifiers": two}), &[]);
    }

    #[test]
    fn defaults_fill_absent_members_only() {
        let filled = with_defaults(acc("ListConnections"), &json!({"Catalog": "AWS"}));
        assert_eq!(filled, json!({"Catalog": "AWS", "MaxResults": 20}));
        let given = json!({"Catalog": "AWS", "MaxResults": 3});
        assert_eq!(with_defaults(acc("ListConnections"), &given), given);
        let null = with_defaults(acc("ListConnectionInvitations"), &json!({"Catalog": "AWS", "MaxResults": null}));
        assert_eq!(null["MaxResults"], 20);
        assert_eq!(with_defaults(acc("ListPartners"), &json!({"Catalog": "AWS"})), json!({"Catalog": "AWS"}));
    }

    #[test]
    fn sellings_page_sizes_take_their_smithy_defaults() {
        let sell = |op: &str| Service::Selling.operation(op).unwrap();
        let filled = with_defaults(sell("ListEngagements"), &json!({"Catalog": "Sandbox"}));
        assert_eq!(filled, json!({"Catalog": "Sandbox", "MaxResults": 20}));
        let members = with_defaults(sell("ListEngagementMembers"), &json!({"Catalog": "AWS", "Identifier": "eng-1"}));
        assert_eq!(members["MaxResults"], 5);
        for op in ["ListEngagementResourceAssociations", "ListResourceSnapshotJobs"] {
            assert_eq!(with_defaults(sell(op), &json!({"Catalog": "AWS"}))["MaxResults"], 100, "{op}");
        }
        let given = json!({"Catalog": "AWS", "MaxResults": 7});
        assert_eq!(with_defaults(sell("ListEngagements"), &given), given);
        // ListOpportunities has no default in the Smithy model (only in its documentation).
        assert_eq!(with_defaults(sell("ListOpportunities"), &json!({"Catalog": "AWS"})), json!({"Catalog": "AWS"}));
    }

    #[test]
    fn unions_need_exactly_one_member() {
        check("StartVerification", json!({"VerificationDetails": {}}), &[("VerificationDetails", "INVALID_VALUE")]);
        check(
            "StartVerification",
            json!({"VerificationDetails": {"RegistrantVerificationDetails": {}, "BusinessVerificationDetails": {"LegalName": "A", "RegistrationId": "1", "CountryCode": "US"}}}),
            &[("VerificationDetails", "INVALID_VALUE")],
        );
        check("StartVerification", json!({"VerificationDetails": {"RegistrantVerificationDetails": {}}}), &[]);
    }

    #[test]
    fn ranges_and_wrong_types() {
        check("ListConnections", json!({"Catalog": "AWS", "MaxResults": 0}), &[("MaxResults", "INVALID_VALUE")]);
        check("ListConnections", json!({"Catalog": "AWS", "MaxResults": 101}), &[("MaxResults", "INVALID_VALUE")]);
        assert!(matches!(
            check_input(acc("ListConnections"), &json!({"Catalog": "AWS", "MaxResults": "5"})),
            Err(InputError::Serialization(m)) if m.contains("MaxResults")
        ));
        assert!(matches!(check_input(acc("ListConnections"), &json!([1])), Err(InputError::Serialization(_))));
        assert!(matches!(
            check_input(acc("ListConnections"), &json!({"Catalog": "AWS", "MaxResults": 1.5})),
            Err(InputError::Serialization(_))
        ));
    }

    #[test]
    fn lengths_count_code_points() {
        let name: String = "é".repeat(80);
        let mut input = good_partner();
        input["LegalName"] = json!(name);
        check("CreatePartner", input.clone(), &[]);
        input["LegalName"] = json!("é".repeat(81));
        check("CreatePartner", input, &[("LegalName", "INVALID_VALUE")]);
    }
}
