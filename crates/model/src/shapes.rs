//! The service model, loaded once from the embedded `service.json` (a copy of
//! botocore's model without documentation, written by `scripts/extract-model.py`).

use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// One operation of the model.
#[derive(Debug)]
pub struct Operation {
    pub name: String,
    pub input: String,
    pub output: String,
    /// Names of the error shapes the operation lists.
    pub errors: Vec<String>,
    pub idempotent: bool,
    pub readonly: bool,
}

/// A member of a structure, in model order.
#[derive(Debug)]
pub struct Member {
    pub name: String,
    pub target: String,
    pub idempotency_token: bool,
}

/// A shape with its constraints, ready for validation.
#[derive(Debug)]
pub enum Shape {
    Structure { members: Vec<Member>, required: Vec<String>, union: bool },
    String { min: Option<i64>, max: Option<i64>, pattern: Option<Regex>, enum_values: Option<Vec<String>> },
    List { member: String, min: Option<i64>, max: Option<i64> },
    Map { key: String, value: String, min: Option<i64>, max: Option<i64> },
    Integer { min: Option<i64>, max: Option<i64> },
    Boolean,
    Timestamp,
}

/// The whole model.
#[derive(Debug)]
pub struct Model {
    pub botocore_version: String,
    pub target_prefix: String,
    pub signing_name: String,
    operations: BTreeMap<String, Operation>,
    shapes: BTreeMap<String, Shape>,
}

impl Model {
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.get(name)
    }

    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.operations.values()
    }

    pub fn shape(&self, name: &str) -> Option<&Shape> {
        self.shapes.get(name)
    }
}

/// The model embedded in this crate.
pub fn model() -> &'static Model {
    static MODEL: LazyLock<Model> = LazyLock::new(|| {
        // The embedded file is part of the build and checked by the tests below;
        // failing to read it is a build defect, not an input error.
        #[allow(clippy::expect_used)]
        load(include_str!("../service.json")).expect("embedded service.json is valid")
    });
    &MODEL
}

#[derive(Deserialize)]
struct RawModel {
    botocore_version: String,
    metadata: RawMetadata,
    operations: BTreeMap<String, RawOperation>,
    shapes: BTreeMap<String, RawShape>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMetadata {
    target_prefix: String,
    signing_name: String,
}

#[derive(Deserialize)]
struct RawRef {
    shape: String,
}

#[derive(Deserialize)]
struct RawOperation {
    input: RawRef,
    output: RawRef,
    #[serde(default)]
    errors: Vec<RawRef>,
    #[serde(default)]
    idempotent: bool,
    #[serde(default)]
    readonly: bool,
}

#[derive(Deserialize)]
struct RawMember {
    name: String,
    shape: String,
    #[serde(default, rename = "idempotencyToken")]
    idempotency_token: bool,
}

#[derive(Deserialize)]
struct RawShape {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    members: Vec<RawMember>,
    #[serde(default)]
    required: Vec<String>,
    #[serde(default)]
    union: bool,
    min: Option<i64>,
    max: Option<i64>,
    pattern: Option<String>,
    #[serde(rename = "enum")]
    enum_values: Option<Vec<String>>,
    member: Option<RawRef>,
    key: Option<RawRef>,
    value: Option<RawRef>,
}

/// Error while loading a model file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("model is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("shape {0}: {1}")]
    Shape(String, String),
}

/// Parse a model file in the format written by `scripts/extract-model.py`.
pub fn load(text: &str) -> Result<Model, LoadError> {
    let raw: RawModel = serde_json::from_str(text)?;
    let mut shapes = BTreeMap::new();
    for (name, s) in raw.shapes {
        let missing = |what: &str| LoadError::Shape(name.clone(), format!("{what} missing"));
        let shape = match s.kind.as_str() {
            "structure" => Shape::Structure {
                members: s
                    .members
                    .into_iter()
                    .map(|m| Member { name: m.name, target: m.shape, idempotency_token: m.idempotency_token })
                    .collect(),
                required: s.required,
                union: s.union,
            },
            "string" => Shape::String {
                min: s.min,
                max: s.max,
                pattern: match s.pattern {
                    Some(p) => Some(compile_pattern(&p).map_err(|e| LoadError::Shape(name.clone(), e))?),
                    None => None,
                },
                enum_values: s.enum_values,
            },
            "list" => Shape::List { member: s.member.ok_or_else(|| missing("member"))?.shape, min: s.min, max: s.max },
            "map" => Shape::Map {
                key: s.key.ok_or_else(|| missing("key"))?.shape,
                value: s.value.ok_or_else(|| missing("value"))?.shape,
                min: s.min,
                max: s.max,
            },
            "integer" | "long" => Shape::Integer { min: s.min, max: s.max },
            "boolean" => Shape::Boolean,
            "timestamp" => Shape::Timestamp,
            other => return Err(LoadError::Shape(name, format!("unknown type {other}"))),
        };
        shapes.insert(name, shape);
    }
    let operations = raw
        .operations
        .into_iter()
        .map(|(name, o)| {
            let op = Operation {
                name: name.clone(),
                input: o.input.shape,
                output: o.output.shape,
                errors: o.errors.into_iter().map(|e| e.shape).collect(),
                idempotent: o.idempotent,
                readonly: o.readonly,
            };
            (name, op)
        })
        .collect();
    Ok(Model {
        botocore_version: raw.botocore_version,
        target_prefix: raw.metadata.target_prefix,
        signing_name: raw.metadata.signing_name,
        operations,
        shapes,
    })
}

/// Translate a model pattern (Java/ECMAScript flavour) into an anchored Rust regex.
///
/// Two differences matter here: `\uXXXX` escapes become `\x{XXXX}`, and a `-`
/// inside a character class that does not form a range (`[0-9-_]`) is a
/// literal, which the Rust engine wants escaped.
pub fn compile_pattern(pattern: &str) -> Result<Regex, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::from("^(?:");
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '[' {
            out.push('[');
            i += 1;
            if chars.get(i) == Some(&'^') {
                out.push('^');
                i += 1;
            }
            // Items of the class: an atom, optionally followed by `-atom` making a range.
            while i < chars.len() && chars[i] != ']' {
                let (first, next) = class_atom(&chars, i);
                i = next;
                let is_range = chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|c| *c != ']');
                if is_range {
                    let (last, next) = class_atom(&chars, i + 1);
                    i = next;
                    out.push_str(&first);
                    out.push('-');
                    out.push_str(&last);
                } else {
                    out.push_str(&first);
                }
            }
            out.push(']');
            i += 1;
        } else {
            let (atom, next) = escape_atom(&chars, i);
            out.push_str(&atom);
            i = next;
        }
    }
    out.push_str(")$");
    Regex::new(&out).map_err(|e| format!("pattern {pattern:?}: {e}"))
}

/// One character of a class at `i`, rendered for the Rust engine; returns it and the next index.
fn class_atom(chars: &[char], i: usize) -> (String, usize) {
    if chars[i] == '-' {
        return ("\\-".to_string(), i + 1);
    }
    escape_atom(chars, i)
}

/// One (possibly escaped) character at `i`; `\uXXXX` becomes `\x{XXXX}`.
fn escape_atom(chars: &[char], i: usize) -> (String, usize) {
    match (chars[i], chars.get(i + 1)) {
        ('\\', Some('u')) if i + 5 < chars.len() => {
            let hex: String = chars[i + 2..i + 6].iter().collect();
            (format!("\\x{{{hex}}}"), i + 6)
        }
        ('\\', Some(n)) => (format!("\\{n}"), i + 2),
        (c, _) => (c.to_string(), i + 1),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_has_34_operations_and_every_reference_resolves() {
        let m = model();
        assert_eq!(m.operations().count(), 34);
        assert_eq!(m.target_prefix, "PartnerCentralAccount");
        assert_eq!(m.signing_name, "partnercentral-account");
        for op in m.operations() {
            for name in [&op.input, &op.output].into_iter().chain(op.errors.iter()) {
                assert!(m.shape(name).is_some(), "{} refers to missing {name}", op.name);
            }
        }
    }

    #[test]
    fn patterns_match_whole_strings_with_java_semantics() {
        let token = compile_pattern("[A-Za-z0-9-_]+").unwrap();
        assert!(token.is_match("abc-DEF_123"));
        assert!(!token.is_match("abc def"));
        assert!(!token.is_match("abc.def"));
        let arn = compile_pattern("catalog/[A-Za-z-_]+/x").unwrap();
        assert!(arn.is_match("catalog/Sand_box-x/x"));
        assert!(!arn.is_match("catalog/Sand.box/x"));
        let text = compile_pattern("[\\u0020-\\u007E\\u00A0-\\uD7FF\\uE000-\\uFFFD]+").unwrap();
        assert!(text.is_match("Hello é 中"));
        assert!(!text.is_match("line\nbreak"));
        assert!(!text.is_match("emoji 😀"));
        let msg = compile_pattern("[\\u0020-\\u007E\\u00A0-\\uD7FF\\uE000-\\uFFFD\\n]+").unwrap();
        assert!(msg.is_match("line\nbreak"));
        let url = compile_pattern("(https|HTTPS):\\/\\/[^\\/\\s]+(\\/\\S*)?").unwrap();
        assert!(url.is_match("https://example.com/logo.png"));
        assert!(!url.is_match("http://example.com"));
        let id = compile_pattern("partner-[A-Za-z0-9]{13}").unwrap();
        assert!(id.is_match("partner-0123456789abc"));
        assert!(!id.is_match("xpartner-0123456789abc"));
        assert!(!id.is_match("partner-0123456789abcd"));
        let filter = compile_pattern("[a-zA-Z_-]+(:[a-zA-Z]+)?").unwrap();
        assert!(filter.is_match("SUBSIDIARY:CANCELED"));
    }
}
