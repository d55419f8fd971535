//! Generates the wire types of every served service from
//! `services/<service>/service.json`: a module per service (`account`,
//! `selling`, ...), so that a member name, a required member, an enum value, a
//! reason code or an operation that a model does not have cannot be written,
//! and the family types (`Service`, `Operation`) over all of them.
//!
//! In each service's module:
//! * every `enum` string shape becomes a Rust enum whose serde names are the
//!   wire strings (`ConnectionType::OpportunityCollaboration` ↔
//!   `"OPPORTUNITY_COLLABORATION"`, `Stage::ClosedLost` ↔ `"Closed Lost"`);
//! * every structure (except the exceptions, which `errors.rs` renders) becomes
//!   a struct: required members as plain fields, optional ones as `Option`
//!   (boxed where a structure contains itself);
//! * every union becomes an externally tagged enum (`{"PartnerProfile": {…}}`);
//! * the string shape of `Catalog` members maps to `ids::Catalog`, strings that
//!   name an identifier kind to the validated newtypes of `ids.rs` (see
//!   `NEWTYPES`), timestamps to `Timestamp`;
//! * `Operation` lists the service's operations with their traits and modeled
//!   errors, and every request structure implements `OperationInput`, which
//!   names its operation (as the family `crate::Operation`) and its output
//!   type (`crate::wire::NoOutput` for an operation without one).
//!
//! A service folder is all a new service needs here: the folder name is the
//! botocore service name, and `partnercentral-x-y` becomes module `x_y` and
//! variant `XY`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::Value;

/// String shapes with a hand-written, validated Rust type (`src/ids.rs`,
/// `src/timestamp.rs`), per service. The catalog shape needs no row: the shape
/// that `Catalog` members target is `ids::Catalog` in every service.
const NEWTYPES: &[(&str, &[(&str, &str)])] = &[(
    "partnercentral-account",
    &[
        ("AwsAccountId", "crate::ids::AccountId"),
        ("PartnerId", "crate::ids::PartnerId"),
        ("PartnerProfileId", "crate::ids::ProfileId"),
        ("ConnectionInvitationId", "crate::ids::InvitationId"),
        ("ConnectionId", "crate::ids::ConnectionId"),
        ("ProfileTaskId", "crate::ids::ProfileTaskId"),
        ("QualificationsAssociationTaskId", "crate::ids::AssociationTaskId"),
        ("QualificationsDisassociationTaskId", "crate::ids::DisassociationTaskId"),
        ("DateTime", "crate::timestamp::Timestamp"),
    ],
)];

/// One served service: its folder and the Rust names derived from it.
struct ServiceDir {
    /// The botocore service name (`partnercentral-selling`).
    name: String,
    /// Its module (`selling`).
    module: String,
    /// Its `Service` / `Operation` variant (`Selling`).
    variant: String,
    model: Value,
}

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    println!("cargo:rerun-if-changed=services");
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| fail("OUT_DIR is not set")));
    let mut names: Vec<String> = std::fs::read_dir(dir.join("services"))
        .unwrap_or_else(|e| fail(&format!("services/: {e}")))
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let services: Vec<ServiceDir> = names
        .into_iter()
        .map(|name| {
            let path = dir.join("services").join(&name).join("service.json");
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
            let model: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
            let short = name.strip_prefix("partnercentral-").unwrap_or(&name).to_string();
            ServiceDir { module: short.replace('-', "_"), variant: variant(&short), name, model }
        })
        .collect();
    for service in &services {
        let code = generate(service);
        std::fs::write(out.join(format!("{}.rs", service.module)), code)
            .unwrap_or_else(|e| fail(&format!("{}.rs: {e}", service.module)));
    }
    std::fs::write(out.join("services.rs"), family(&services)).unwrap_or_else(|e| fail(&format!("services.rs: {e}")));
}

fn fail(message: &str) -> ! {
    eprintln!("pcentral-model build: {message}");
    std::process::exit(1)
}

struct Model<'a> {
    shapes: &'a serde_json::Map<String, Value>,
    /// Shape name → Rust path of its hand-written type.
    newtypes: BTreeMap<String, String>,
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
        if let Some(path) = self.newtypes.get(name) {
            return path.clone();
        }
        let shape = self.shape(name);
        match self.kind(name) {
            "string" if shape.get("enum").is_some() => name.to_string(),
            "string" => "String".into(),
            "integer" | "long" => "i64".into(),
            "double" => "f64".into(),
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

    /// The Rust type of member `target` of structure `owner`: boxed when the
    /// target structure contains `owner` directly (not through a list or map).
    fn member_type(&self, owner: &str, target: &str) -> String {
        let ty = self.rust_type(target);
        if self.kind(target) == "structure" && self.contains(target, owner) {
            format!("Box<{ty}>")
        } else {
            ty
        }
    }

    /// Whether structure `from` reaches structure `to` through structure members alone.
    fn contains(&self, from: &str, to: &str) -> bool {
        let mut seen = std::collections::BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(name) = stack.pop() {
            for (_, t) in members(self.shape(&name)) {
                if t == to {
                    return true;
                }
                if self.kind(t) == "structure" && seen.insert(t.to_string()) {
                    stack.push(t.to_string());
                }
            }
        }
        false
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
    const KEYWORDS: &[&str] =
        &["type", "match", "ref", "move", "mod", "use", "loop", "where", "in", "as", "fn", "impl"];
    if KEYWORDS.contains(&out.as_str()) {
        out.insert_str(0, "r#");
    }
    out
}

/// `OPPORTUNITY_COLLABORATION` → `OpportunityCollaboration`, `Closed Lost` →
/// `ClosedLost`, `Co-Sell - Deal Support` → `CoSellDealSupport`.
fn variant(value: &str) -> String {
    let name: String = value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars.next().map(|f| f.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
        format!("V{name}")
    } else {
        name
    }
}

/// The variants of an enum's values, made unique (`Other`, `Other2` for `Other` and `*Other`).
fn variants(values: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let base = variant(v);
        let mut name = base.clone();
        let mut n = 2;
        while out.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        out.push(name);
    }
    out
}

/// `ValidationException` → `Validation` (the `ErrorKind` variant).
fn error_kind(exception: &str) -> String {
    exception.strip_suffix("Exception").unwrap_or(exception).to_string()
}

fn generate(service: &ServiceDir) -> String {
    let model = &service.model;
    let shapes = model["shapes"].as_object().unwrap_or_else(|| fail("no shapes"));
    let operations = model["operations"].as_object().unwrap_or_else(|| fail("no operations"));
    let mut newtypes: BTreeMap<String, String> = NEWTYPES
        .iter()
        .filter(|(s, _)| *s == service.name)
        .flat_map(|(_, rows)| rows.iter().map(|(shape, path)| (shape.to_string(), path.to_string())))
        .collect();
    for shape in shapes.values().filter(|s| s["type"] == "structure") {
        for (member, t) in members(shape) {
            if member == "Catalog" && shapes.get(t).is_some_and(|s| s["type"] == "string") {
                newtypes.insert(t.to_string(), "crate::ids::Catalog".into());
            }
        }
    }
    let m = Model { shapes, newtypes };
    let mut out =
        format!("// Generated by crates/model/build.rs from services/{}/service.json. Do not edit.\n\n", service.name);
    for (name, shape) in shapes {
        if m.newtypes.contains_key(name) {
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
    operation_table(&mut out, &m, service, operations);
    out
}

/// `From` between structures with the same members (name, Rust type,
/// required), such as `GetConnectionResponse` and `CancelConnectionResponse`:
/// a view is built once and converted to each operation's output.
fn same_shape_conversions(out: &mut String, m: &Model<'_>, shapes: &serde_json::Map<String, Value>) {
    /// A structure's members: name, Rust type, required.
    type Signature = Vec<(String, String, bool)>;
    let signature = |owner: &str, shape: &Value| -> Signature {
        let req = required(shape);
        members(shape)
            .into_iter()
            .map(|(name, t)| (name.to_string(), m.member_type(owner, t), req.contains(&name)))
            .collect()
    };
    let structs: Vec<(&String, Signature)> = shapes
        .iter()
        .filter(|(_, s)| s["type"] == "structure" && s.get("exception").is_none() && s.get("union").is_none())
        .map(|(name, s)| (name, signature(name, s)))
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
    let names = variants(&values);
    let _ = writeln!(out, "/// The `{name}` enum of the model.");
    let _ = writeln!(
        out,
        "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]"
    );
    let _ = writeln!(out, "pub enum {name} {{");
    for (v, n) in values.iter().zip(&names) {
        let _ = writeln!(out, "    #[serde(rename = \"{v}\")]\n    {n},");
    }
    let _ = writeln!(out, "}}\n");
    let _ = writeln!(out, "impl {name} {{");
    let _ = writeln!(out, "    /// Every value, in model order.");
    let list: Vec<String> = names.iter().map(|n| format!("{name}::{n}")).collect();
    let _ = writeln!(out, "    pub const ALL: [{name}; {}] = [{}];", values.len(), list.join(", "));
    let _ = writeln!(out, "    /// The wire string.");
    let _ = writeln!(out, "    pub fn as_str(self) -> &'static str {{\n        match self {{");
    for (v, n) in values.iter().zip(&names) {
        let _ = writeln!(out, "            {name}::{n} => \"{v}\",");
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
        let ty = m.member_type(name, target);
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
        let _ = writeln!(out, "    {member}({}),", m.member_type(name, target));
    }
    let _ = writeln!(out, "}}\n");
}

fn operation_table(out: &mut String, m: &Model<'_>, service: &ServiceDir, operations: &serde_json::Map<String, Value>) {
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
        let output = op.get("output").map_or("crate::wire::NoOutput", target);
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
        let catalog = fields
            .iter()
            .find(|(member, t)| *member == "Catalog" && m.newtypes.get(*t).is_some_and(|p| p == "crate::ids::Catalog"));
        let catalog_body = match catalog {
            Some(_) if req.contains(&"Catalog") => "Some(self.catalog)".to_string(),
            Some(_) => "self.catalog".to_string(),
            None => "None".into(),
        };
        let _ = writeln!(
            out,
            "impl crate::wire::OperationInput for {input} {{\n    const OPERATION: crate::Operation = crate::Operation::{}(Operation::{n});\n    type Output = {output};\n    fn client_token(&self) -> Option<&str> {{\n        {token_body}\n    }}\n    fn catalog(&self) -> Option<crate::ids::Catalog> {{\n        {catalog_body}\n    }}\n}}\n",
            service.variant
        );
    }
}

/// The family: a module per service, the `Service` enum and the family
/// `Operation` (a variant per service wrapping its generated `Operation`).
fn family(services: &[ServiceDir]) -> String {
    let mut out = String::from("// Generated by crates/model/build.rs from the folders of services/. Do not edit.\n\n");
    for s in services {
        let _ = writeln!(
            out,
            "/// The wire types of `{}` (generated from its model).\npub mod {} {{\n    #![allow(clippy::large_enum_variant)]\n    include!(concat!(env!(\"OUT_DIR\"), \"/{}.rs\"));\n}}\n",
            s.name, s.module, s.module
        );
    }
    let meta = |s: &ServiceDir, key: &str| -> String {
        s.model["metadata"][key]
            .as_str()
            .unwrap_or_else(|| fail(&format!("{}: metadata.{key} missing", s.name)))
            .to_string()
    };
    let n = services.len();
    let _ = writeln!(out, "/// Every service pcentral serves: one folder of `crates/model/services` each.");
    let _ = writeln!(out, "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]");
    let _ = writeln!(out, "pub enum Service {{");
    for s in services {
        let _ = writeln!(out, "    /// `{}`.\n    {},", s.name, s.variant);
    }
    let _ = writeln!(out, "}}\n");
    let all: Vec<String> = services.iter().map(|s| format!("Service::{}", s.variant)).collect();
    let arms = |f: &dyn Fn(&ServiceDir) -> String| -> String {
        services.iter().map(|s| format!("            Service::{} => {},\n", s.variant, f(s))).collect()
    };
    let _ = writeln!(out, "impl Service {{");
    let _ = writeln!(out, "    /// Every service, in name order.");
    let _ = writeln!(out, "    pub const ALL: [Service; {n}] = [{}];", all.join(", "));
    let _ = writeln!(
        out,
        "    /// The botocore service name (`partnercentral-account`).\n    pub fn name(self) -> &'static str {{\n        match self {{\n{}        }}\n    }}",
        arms(&|s| format!("{:?}", s.name))
    );
    let _ = writeln!(
        out,
        "    /// The `X-Amz-Target` prefix of its operations.\n    pub fn target_prefix(self) -> &'static str {{\n        match self {{\n{}        }}\n    }}",
        arms(&|s| format!("{:?}", meta(s, "targetPrefix")))
    );
    let _ = writeln!(
        out,
        "    /// The SigV4 signing name (the service of a credential scope).\n    pub fn signing_name(self) -> &'static str {{\n        match self {{\n{}        }}\n    }}",
        arms(&|s| format!("{:?}", meta(s, "signingName")))
    );
    let _ = writeln!(
        out,
        "    /// The model's API version.\n    pub fn api_version(self) -> &'static str {{\n        match self {{\n{}        }}\n    }}",
        arms(&|s| format!("{:?}", meta(s, "apiVersion")))
    );
    let _ = writeln!(
        out,
        "    /// The botocore release its `service.json` was extracted from.\n    pub fn botocore_version(self) -> &'static str {{\n        match self {{\n{}        }}\n    }}",
        arms(&|s| format!("{:?}", s.model["botocore_version"].as_str().unwrap_or_default()))
    );
    let _ = writeln!(
        out,
        "    /// The embedded `service.json` and `smithy-extra.json`.\n    pub(crate) fn sources(self) -> (&'static str, &'static str) {{\n        match self {{\n{}        }}\n    }}",
        arms(&|s| format!(
            "(include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/services/{0}/service.json\")), include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/services/{0}/smithy-extra.json\")))",
            s.name
        ))
    );
    let _ = writeln!(
        out,
        "    /// Its operations, in name order.\n    pub fn operations(self) -> Vec<Operation> {{\n        match self {{\n{}        }}\n    }}",
        arms(&|s| format!("{}::Operation::ALL.into_iter().map(Operation::{}).collect()", s.module, s.variant))
    );
    let _ = writeln!(
        out,
        "    /// The operation of this service named `name`, if its model has it.\n    pub fn operation(self, name: &str) -> Option<Operation> {{\n        match self {{\n{}        }}\n    }}",
        arms(&|s| format!("{}::Operation::from_name(name).map(Operation::{})", s.module, s.variant))
    );
    let _ = writeln!(out, "}}\n");
    let _ = writeln!(out, "/// One operation of one service.");
    let _ = writeln!(out, "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]");
    let _ = writeln!(out, "pub enum Operation {{");
    for s in services {
        let _ = writeln!(out, "    {}({}::Operation),", s.variant, s.module);
    }
    let _ = writeln!(out, "}}\n");
    let op_arms = |f: &dyn Fn(&ServiceDir) -> String| -> String {
        services.iter().map(|s| format!("            Operation::{}(op) => {},\n", s.variant, f(s))).collect()
    };
    let _ = writeln!(out, "impl Operation {{");
    let _ = writeln!(
        out,
        "    /// The service it belongs to.\n    pub fn service(self) -> Service {{\n        match self {{\n{}        }}\n    }}",
        services.iter().map(|s| format!("            Operation::{}(_) => Service::{},\n", s.variant, s.variant)).collect::<String>()
    );
    let _ = writeln!(
        out,
        "    /// The operation's name (`X-Amz-Target` after the prefix).\n    pub fn name(self) -> &'static str {{\n        match self {{\n{}        }}\n    }}",
        op_arms(&|_| "op.name()".into())
    );
    let _ = writeln!(
        out,
        "    /// Whether the model marks it read-only.\n    pub fn readonly(self) -> bool {{\n        match self {{\n{}        }}\n    }}",
        op_arms(&|_| "op.readonly()".into())
    );
    let _ = writeln!(
        out,
        "    /// The exceptions the operation lists, in model order.\n    pub fn errors(self) -> &'static [crate::errors::ErrorKind] {{\n        match self {{\n{}        }}\n    }}",
        op_arms(&|_| "op.errors()".into())
    );
    let _ = writeln!(out, "}}\n");
    for s in services {
        let _ = writeln!(
            out,
            "impl From<{}::Operation> for Operation {{\n    fn from(op: {}::Operation) -> Self {{\n        Operation::{}(op)\n    }}\n}}\n",
            s.module, s.module, s.variant
        );
    }
    out
}
