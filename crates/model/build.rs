//! Generates `wire.rs` from `service.json`: one Rust
//! type per shape of the model, so that a member name, a required member, an
//! enum value, a reason code or an operation that the model does not have
//! cannot be written.
//!
//! * every `enum` string shape becomes a Rust enum whose serde names are the
//!   wire strings (`ConnectionType::OpportunityCollaboration` ↔
//!   `"OPPORTUNITY_COLLABORATION"`);
//! * every structure (except the exceptions, which `errors.rs` renders) becomes
//!   a struct: required members as plain fields, optional ones as `Option`;
//! * every union becomes an externally tagged enum (`{"PartnerProfile": {…}}`);
//! * strings that name an identifier kind map to the validated newtypes of
//!   `ids.rs` (see `NEWTYPES`), `DateTime` to `Timestamp`;
//! * `Operation` lists the operations with their traits and modeled errors, and
//!   every request structure implements `OperationInput`, which names its
//!   operation and its output type.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::Value;

/// String shapes with a hand-written, validated Rust type (`src/ids.rs`, `src/timestamp.rs`).
const NEWTYPES: &[(&str, &str)] = &[
    ("Catalog", "crate::ids::Catalog"),
    ("AwsAccountId", "crate::ids::AccountId"),
    ("PartnerId", "crate::ids::PartnerId"),
    ("PartnerProfileId", "crate::ids::ProfileId"),
    ("ConnectionInvitationId", "crate::ids::InvitationId"),
    ("ConnectionId", "crate::ids::ConnectionId"),
    ("ProfileTaskId", "crate::ids::ProfileTaskId"),
    ("QualificationsAssociationTaskId", "crate::ids::AssociationTaskId"),
    ("QualificationsDisassociationTaskId", "crate::ids::DisassociationTaskId"),
    ("DateTime", "crate::timestamp::Timestamp"),
];

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    println!("cargo:rerun-if-changed=service.json");
    println!("cargo:rerun-if-changed=build.rs");
    let text =
        std::fs::read_to_string(dir.join("service.json")).unwrap_or_else(|e| fail(&format!("service.json: {e}")));
    let model: Value = serde_json::from_str(&text).unwrap_or_else(|e| fail(&format!("service.json: {e}")));
    let code = generate(&model);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| fail("OUT_DIR is not set")));
    std::fs::write(out.join("wire.rs"), code).unwrap_or_else(|e| fail(&format!("wire.rs: {e}")));
}

fn fail(message: &str) -> ! {
    eprintln!("pcentral-model build: {message}");
    std::process::exit(1)
}

struct Model<'a> {
    shapes: &'a serde_json::Map<String, Value>,
}

impl Model<'_> {
    fn shape(&self, name: &str) -> &Value {
        self.shapes.get(name).unwrap_or_else(|| fail(&format!("unknown shape {name}")))
    }

    fn kind(&self, name: &str) -> &str {
        self.shape(name)["type"].as_str().unwrap_or_default()
    }

    /// The Rust type of a reference to shape `name`.
    fn rust_type(&self, name: &str) -> String {
        if let Some((_, path)) = NEWTYPES.iter().find(|(shape, _)| *shape == name) {
            return (*path).to_string();
        }
        let shape = self.shape(name);
        match self.kind(name) {
            "string" if shape.get("enum").is_some() => name.to_string(),
            "string" => "String".into(),
            "integer" | "long" => "i64".into(),
            "boolean" => "bool".into(),
            "timestamp" => "crate::timestamp::Timestamp".into(),
            "list" => format!("Vec<{}>", self.rust_type(target(&shape["member"]))),
            "map" => format!(
                "std::collections::BTreeMap<{}, {}>",
                self.rust_type(target(&shape["key"])),
                self.rust_type(target(&shape["value"]))
            ),
            "structure" => name.to_string(),
            other => fail(&format!("shape {name}: unsupported type {other}")),
        }
    }
}

fn target(reference: &Value) -> &str {
    reference["shape"].as_str().unwrap_or_else(|| fail("a reference without a shape"))
}

fn members(shape: &Value) -> Vec<(&str, &str)> {
    shape["members"]
        .as_array()
        .map(|ms| ms.iter().map(|m| (m["name"].as_str().unwrap_or_default(), target(m))).collect())
        .unwrap_or_default()
}

fn required(shape: &Value) -> Vec<&str> {
    shape["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

/// `OtherParticipantAccountId` → `other_participant_account_id`.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `OPPORTUNITY_COLLABORATION` → `OpportunityCollaboration`.
fn variant(value: &str) -> String {
    value
        .split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars.next().map(|f| f.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// `ValidationException` → `Validation` (the `ErrorKind` variant).
fn error_kind(exception: &str) -> String {
    exception.strip_suffix("Exception").unwrap_or(exception).to_string()
}

fn generate(model: &Value) -> String {
    let shapes = model["shapes"].as_object().unwrap_or_else(|| fail("no shapes"));
    let operations = model["operations"].as_object().unwrap_or_else(|| fail("no operations"));
    let m = Model { shapes };
    let mut out = String::from("// Generated by crates/model/build.rs from service.json. Do not edit.\n\n");
    for (name, shape) in shapes {
        if NEWTYPES.iter().any(|(s, _)| *s == name.as_str()) {
            continue;
        }
        match (m.kind(name), shape.get("enum")) {
            ("string", Some(values)) => enum_shape(&mut out, name, values),
            ("structure", _) if shape.get("exception").is_some() => {}
            ("structure", _) if shape.get("union").and_then(Value::as_bool) == Some(true) => {
                union_shape(&mut out, &m, name, shape)
            }
            ("structure", _) => struct_shape(&mut out, &m, name, shape),
            _ => {}
        }
    }
    same_shape_conversions(&mut out, &m, shapes);
    operation_table(&mut out, &m, operations);
    out
}

/// `From` between structures with the same members (name, Rust type,
/// required), such as `GetConnectionResponse` and `CancelConnectionResponse`:
/// a view is built once and converted to each operation's output.
fn same_shape_conversions(out: &mut String, m: &Model<'_>, shapes: &serde_json::Map<String, Value>) {
    /// A structure's members: name, Rust type, required.
    type Signature = Vec<(String, String, bool)>;
    let signature = |shape: &Value| -> Signature {
        let req = required(shape);
        members(shape).into_iter().map(|(name, t)| (name.to_string(), m.rust_type(t), req.contains(&name))).collect()
    };
    let structs: Vec<(&String, Signature)> = shapes
        .iter()
        .filter(|(_, s)| s["type"] == "structure" && s.get("exception").is_none() && s.get("union").is_none())
        .map(|(name, s)| (name, signature(s)))
        .filter(|(_, sig)| !sig.is_empty())
        .collect();
    for (a, sig_a) in &structs {
        for (b, sig_b) in &structs {
            if a == b || sig_a != sig_b {
                continue;
            }
            let fields: Vec<String> = sig_a.iter().map(|(name, _, _)| format!("{0}: v.{0}", snake(name))).collect();
            let _ = writeln!(
                out,
                "impl From<{a}> for {b} {{\n    fn from(v: {a}) -> Self {{\n        {b} {{ {} }}\n    }}\n}}\n",
                fields.join(", ")
            );
        }
    }
}

fn enum_shape(out: &mut String, name: &str, values: &Value) {
    let values: Vec<&str> = values.as_array().map(|v| v.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let _ = writeln!(out, "/// The `{name}` enum of the model.");
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]"
    );
    let _ = writeln!(out, "pub enum {name} {{");
    for v in &values {
        let _ = writeln!(out, "    #[serde(rename = \"{v}\")]\n    {},", variant(v));
    }
    let _ = writeln!(out, "}}\n");
    let _ = writeln!(out, "impl {name} {{");
    let _ = writeln!(out, "    /// Every value, in model order.");
    let list: Vec<String> = values.iter().map(|v| format!("{name}::{}", variant(v))).collect();
    let _ = writeln!(out, "    pub const ALL: [{name}; {}] = [{}];", values.len(), list.join(", "));
    let _ = writeln!(out, "    /// The wire string.");
    let _ = writeln!(out, "    pub fn as_str(self) -> &'static str {{\n        match self {{");
    for v in &values {
        let _ = writeln!(out, "            {name}::{} => \"{v}\",", variant(v));
    }
    let _ = writeln!(out, "        }}\n    }}\n}}\n");
    let _ = writeln!(
        out,
        "impl std::fmt::Display for {name} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        f.write_str(self.as_str())\n    }}\n}}\n"
    );
    let _ = writeln!(
        out,
        "impl std::str::FromStr for {name} {{\n    type Err = crate::ids::UnknownValue;\n    fn from_str(s: &str) -> Result<Self, Self::Err> {{\n        {name}::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| crate::ids::UnknownValue::new(\"{name}\", s, &{name}::ALL.map({name}::as_str)))\n    }}\n}}\n"
    );
}

fn struct_shape(out: &mut String, m: &Model<'_>, name: &str, shape: &Value) {
    let fields = members(shape);
    let req = required(shape);
    let _ = writeln!(out, "/// The `{name}` structure of the model.");
    let default = if fields.is_empty() { ", Default" } else { "" };
    let _ = writeln!(out, "#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize{default})]");
    let _ = writeln!(out, "pub struct {name} {{");
    for (member, target) in &fields {
        let ty = m.rust_type(target);
        if req.contains(member) {
            let _ = writeln!(out, "    #[serde(rename = \"{member}\")]\n    pub {}: {ty},", snake(member));
        } else {
            let _ = writeln!(
                out,
                "    #[serde(rename = \"{member}\", default, skip_serializing_if = \"Option::is_none\")]\n    pub {}: Option<{ty}>,",
                snake(member)
            );
        }
    }
    let _ = writeln!(out, "}}\n");
}

fn union_shape(out: &mut String, m: &Model<'_>, name: &str, shape: &Value) {
    let _ = writeln!(out, "/// The `{name}` union of the model: exactly one member is set.");
    let _ = writeln!(out, "#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]");
    let _ = writeln!(out, "pub enum {name} {{");
    for (member, target) in members(shape) {
        let _ = writeln!(out, "    {member}({}),", m.rust_type(target));
    }
    let _ = writeln!(out, "}}\n");
}

fn operation_table(out: &mut String, m: &Model<'_>, operations: &serde_json::Map<String, Value>) {
    let names: Vec<&String> = operations.keys().collect();
    let _ = writeln!(out, "/// Every operation of the model.");
    let _ = writeln!(out, "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]");
    let _ = writeln!(out, "pub enum Operation {{");
    for n in &names {
        let _ = writeln!(out, "    {n},");
    }
    let _ = writeln!(out, "}}\n");
    let _ = writeln!(out, "impl Operation {{");
    let list: Vec<String> = names.iter().map(|n| format!("Operation::{n}")).collect();
    let _ = writeln!(out, "    /// Every operation, by name.");
    let _ = writeln!(out, "    pub const ALL: [Operation; {}] = [{}];", names.len(), list.join(", "));
    let mut names_fn = String::new();
    let mut readonly_fn = String::new();
    let mut errors_fn = String::new();
    for (n, op) in operations {
        let _ = writeln!(names_fn, "            Operation::{n} => \"{n}\",");
        if op.get("readonly").and_then(Value::as_bool) == Some(true) {
            let _ = writeln!(readonly_fn, "            Operation::{n} => true,");
        }
        let errors: Vec<String> = op["errors"]
            .as_array()
            .map(|es| es.iter().map(|e| format!("crate::errors::ErrorKind::{}", error_kind(target(e)))).collect())
            .unwrap_or_default();
        let _ = writeln!(errors_fn, "            Operation::{n} => &[{}],", errors.join(", "));
    }
    let _ = writeln!(out, "    /// The operation's name (`X-Amz-Target` after the prefix).");
    let _ =
        writeln!(out, "    pub fn name(self) -> &'static str {{\n        match self {{\n{names_fn}        }}\n    }}");
    let _ = writeln!(out, "    /// Whether the model marks it read-only.");
    let _ = writeln!(
        out,
        "    pub fn readonly(self) -> bool {{\n        #[allow(clippy::match_like_matches_macro)]\n        match self {{\n{readonly_fn}            _ => false,\n        }}\n    }}"
    );
    let _ = writeln!(out, "    /// The exceptions the operation lists, in model order.");
    let _ = writeln!(
        out,
        "    pub fn errors(self) -> &'static [crate::errors::ErrorKind] {{\n        match self {{\n{errors_fn}        }}\n    }}"
    );
    let _ = writeln!(out, "    /// The operation named `name`, if the model has it.");
    let _ = writeln!(
        out,
        "    pub fn from_name(name: &str) -> Option<Operation> {{\n        Operation::ALL.into_iter().find(|op| op.name() == name)\n    }}\n}}\n"
    );
    let _ = writeln!(
        out,
        "impl std::fmt::Display for Operation {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        f.write_str(self.name())\n    }}\n}}\n"
    );
    let _ = writeln!(
        out,
        "impl serde::Serialize for Operation {{\n    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {{\n        s.serialize_str(self.name())\n    }}\n}}\n"
    );
    let _ = writeln!(
        out,
        "impl<'de> serde::Deserialize<'de> for Operation {{\n    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {{\n        let name = String::deserialize(d)?;\n        Operation::from_name(&name).ok_or_else(|| serde::de::Error::custom(format!(\"unknown operation {{name:?}}\")))\n    }}\n}}\n"
    );
    let mut seen = BTreeMap::new();
    for (n, op) in operations {
        let input = target(&op["input"]);
        let output = target(&op["output"]);
        if seen.insert(input, n).is_some() {
            fail(&format!("input shape {input} is shared by two operations"));
        }
        let shape = m.shape(input);
        let fields = members(shape);
        let req = required(shape);
        let token = fields.iter().find(|(member, _)| {
            shape["members"]
                .as_array()
                .and_then(|ms| ms.iter().find(|x| x["name"] == *member))
                .and_then(|x| x.get("idempotencyToken"))
                .and_then(Value::as_bool)
                == Some(true)
        });
        let token_body = match token {
            Some((member, _)) if req.contains(member) => format!("Some(&self.{})", snake(member)),
            Some((member, _)) => format!("self.{}.as_deref()", snake(member)),
            None => "None".into(),
        };
        let catalog = fields.iter().find(|(member, t)| *member == "Catalog" && *t == "Catalog");
        let catalog_body = match catalog {
            Some(_) if req.contains(&"Catalog") => "Some(self.catalog)".to_string(),
            Some(_) => "self.catalog".to_string(),
            None => "None".into(),
        };
        let _ = writeln!(
            out,
            "impl crate::wire::OperationInput for {input} {{\n    const OPERATION: Operation = Operation::{n};\n    type Output = {output};\n    fn client_token(&self) -> Option<&str> {{\n        {token_body}\n    }}\n    fn catalog(&self) -> Option<crate::ids::Catalog> {{\n        {catalog_body}\n    }}\n}}\n"
        );
    }
}
