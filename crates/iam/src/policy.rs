//! Identity-based policy documents: read, checked as IAM checks them when a
//! policy is put, and kept parsed, so a request is decided without reading
//! JSON again. A refusal names the problem and its place in the document
//! (`Statement[1].Condition.StringEqualz`).

use crate::condition::{Condition, Operator};
use crate::template::Template;
use serde_json::Value;

/// Largest inline policies of one user, together, in characters other than whitespace (IAM's quota).
pub const USER_INLINE_LIMIT: usize = 2048;
/// Largest managed policy document, in characters other than whitespace (IAM's quota).
pub const MANAGED_LIMIT: usize = 6144;

/// Why a policy document was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// The policy's name, as given.
    pub policy: String,
    /// Where in the document (`Statement[0].Effect`, `line 3 column 5`; empty for the whole document).
    pub place: String,
    pub problem: String,
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.place.is_empty() {
            write!(f, "policy {}: {}", self.policy, self.problem)
        } else {
            write!(f, "policy {}, at {}: {}", self.policy, self.place, self.problem)
        }
    }
}

impl std::error::Error for PolicyError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action` or `NotAction`: lower-cased patterns (actions compare without case).
#[derive(Debug, Clone, PartialEq)]
struct Actions {
    not: bool,
    patterns: Vec<crate::glob::Pattern>,
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq)]
struct Resources {
    not: bool,
    patterns: Vec<Template>,
    /// `Resource` lists `*`: every resource is covered, without a test.
    any: bool,
}

impl Resources {
    fn new(not: bool, patterns: Vec<Template>) -> Resources {
        let any = !not && patterns.iter().any(|t| t.as_literal() == Some("*"));
        Resources { not, patterns, any }
    }
}

/// One statement, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    /// Its position in the document's `Statement` list.
    pub index: usize,
    pub effect: Effect,
    actions: Actions,
    resources: Resources,
    conditions: Vec<Condition>,
    /// How logs name it (`<policy>/Statement[i] (Sid)`), made once.
    label: String,
}

impl Statement {
    /// Whether the statement's `Action`/`NotAction` covers `action` (`partnercentral:GetOpportunity`).
    pub fn covers_action(&self, action: &str) -> bool {
        let hit = self.actions.patterns.iter().any(|p| p.matches(action, true));
        hit != self.actions.not
    }

    /// Whether the statement's `Resource`/`NotResource` covers `arn` (variables filled from `ctx`).
    pub fn covers_resource(&self, arn: &str, ctx: &crate::Context<'_>) -> bool {
        if self.resources.any {
            return true;
        }
        let hit =
            self.resources.patterns.iter().any(|t| t.resolve(ctx).is_some_and(|p| crate::glob::arn_matches(&p, arn)));
        hit != self.resources.not
    }

    /// The context keys the statement reads (lower-cased): its conditions'
    /// keys and the variables of its resources and condition values.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.resources
            .patterns
            .iter()
            .flat_map(|t| t.variables())
            .chain(self.conditions.iter().flat_map(Condition::keys))
    }

    /// How logs and the simulator name the statement: `<policy>/Statement[i] (Sid)`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Whether the statement may apply to requests whose context holds the
    /// keys of `fixed` with the same values: false when one of its conditions
    /// reads only keys `fixed` has and does not hold for them (so it holds
    /// for no such request).
    pub fn may_apply(&self, fixed: &crate::Context<'_>) -> bool {
        !self.conditions.iter().any(|c| c.keys().all(|k| fixed.get(k).is_some()) && !c.holds(fixed))
    }

    /// Whether every condition holds.
    pub fn conditions_hold(&self, ctx: &crate::Context<'_>) -> bool {
        self.conditions.iter().all(|c| c.holds(ctx))
    }
}

/// A named, parsed policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub name: String,
    pub statements: Vec<Statement>,
    /// Characters other than whitespace in the document as given (for IAM's size quotas).
    pub size: usize,
}

impl Policy {
    /// Parse a document given as a JSON object, or as a string holding one (IAM accepts both).
    pub fn parse(name: &str, document: &Value) -> Result<Policy, PolicyError> {
        let err =
            |place: &str, problem: String| PolicyError { policy: name.to_string(), place: place.to_string(), problem };
        match document {
            Value::String(text) => Policy::parse_text(name, text),
            Value::Object(_) => {
                let text = serde_json::to_string(document).map_err(|e| err("", e.to_string()))?;
                Policy::from_value(name, document, size_of(&text))
            }
            _ => Err(err("", "a policy document must be a JSON object (or a string holding one)".to_string())),
        }
    }

    /// Parse a document's JSON text.
    pub fn parse_text(name: &str, text: &str) -> Result<Policy, PolicyError> {
        let value: Value = serde_json::from_str(text).map_err(|e| PolicyError {
            policy: name.to_string(),
            place: format!("line {} column {}", e.line(), e.column()),
            problem: format!("the document is not valid JSON ({e})"),
        })?;
        if !value.is_object() {
            return Err(PolicyError {
                policy: name.to_string(),
                place: String::new(),
                problem: "a policy document must be a JSON object".to_string(),
            });
        }
        Policy::from_value(name, &value, size_of(text))
    }

    fn from_value(name: &str, doc: &Value, size: usize) -> Result<Policy, PolicyError> {
        let err = |place: String, problem: String| PolicyError { policy: name.to_string(), place, problem };
        check_name(name).map_err(|p| err(String::new(), p))?;
        let Some(obj) = doc.as_object() else {
            return Err(err(String::new(), "a policy document must be a JSON object".to_string()));
        };
        for key in obj.keys() {
            if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
                return Err(err(
                    key.clone(),
                    format!("unknown element `{key}` (a policy has Version, Id and Statement)"),
                ));
            }
        }
        let variables = match obj.get("Version") {
            None => false,
            Some(Value::String(v)) if v == "2012-10-17" => true,
            Some(Value::String(v)) if v == "2008-10-17" => false,
            Some(other) => {
                return Err(err(
                    "Version".to_string(),
                    format!("unknown policy language version {other} (2012-10-17 or 2008-10-17)"),
                ))
            }
        };
        let statements: Vec<&Value> = match obj.get("Statement") {
            Some(Value::Array(list)) if !list.is_empty() => list.iter().collect(),
            Some(one @ Value::Object(_)) => vec![one],
            Some(Value::Array(_)) => {
                return Err(err("Statement".to_string(), "the Statement list is empty".to_string()))
            }
            Some(_) => {
                return Err(err(
                    "Statement".to_string(),
                    "Statement must be an object or a list of objects".to_string(),
                ))
            }
            None => return Err(err(String::new(), "the document has no Statement".to_string())),
        };
        let mut parsed = Vec::with_capacity(statements.len());
        let mut sids: Vec<&str> = Vec::new();
        for (index, st) in statements.into_iter().enumerate() {
            let statement =
                parse_statement(name, index, st, variables).map_err(|(place, problem)| err(place, problem))?;
            if let Some(sid) = st.get("Sid").and_then(Value::as_str) {
                if sids.contains(&sid) {
                    return Err(err(format!("Statement[{index}].Sid"), format!("the Sid `{sid}` is used twice")));
                }
                sids.push(sid);
            }
            parsed.push(statement);
        }
        if size > MANAGED_LIMIT {
            return Err(err(
                String::new(),
                format!("the document has {size} characters (whitespace not counted); IAM allows {MANAGED_LIMIT}"),
            ));
        }
        Ok(Policy { name: name.to_string(), statements: parsed, size })
    }
}

/// Characters other than whitespace, as IAM counts a policy's size.
fn size_of(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// IAM's rule for policy names: 1 to 128 of letters, digits and `+=,.@_-`.
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.chars().count() <= 128
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!("the policy name `{name}` must be 1 to 128 letters, digits or +=,.@_-"))
    }
}

type Refusal = (String, String);

fn strings(value: &Value, place: &str, what: &str) -> Result<Vec<String>, Refusal> {
    let one = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        _ => Err((place.to_string(), format!("{what} must be a string or a list of strings"))),
    };
    match value {
        Value::Array(list) if list.is_empty() => Err((place.to_string(), format!("{what} is an empty list"))),
        Value::Array(list) => list.iter().map(one).collect(),
        other => Ok(vec![one(other)?]),
    }
}

fn parse_statement(policy: &str, index: usize, st: &Value, variables: bool) -> Result<Statement, Refusal> {
    let at = |field: &str| format!("Statement[{index}].{field}");
    let Some(obj) = st.as_object() else {
        return Err((format!("Statement[{index}]"), "a statement must be a JSON object".to_string()));
    };
    for key in obj.keys() {
        match key.as_str() {
            "Sid" | "Effect" | "Action" | "NotAction" | "Resource" | "NotResource" | "Condition" => {}
            "Principal" | "NotPrincipal" => {
                return Err((at(key), format!("an identity-based policy cannot have `{key}`")));
            }
            _ => return Err((at(key), format!("unknown element `{key}`"))),
        }
    }
    let sid = match obj.get("Sid") {
        None => None,
        Some(Value::String(s)) if s.chars().all(|c| c.is_ascii_alphanumeric()) => Some(s.clone()),
        Some(_) => return Err((at("Sid"), "a Sid must be a string of letters and digits".to_string())),
    };
    let effect = match obj.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => return Err((at("Effect"), format!("unknown Effect {other} (Allow or Deny)"))),
        None => return Err((format!("Statement[{index}]"), "the statement has no Effect".to_string())),
    };
    let actions = match (obj.get("Action"), obj.get("NotAction")) {
        (Some(v), None) => Actions { not: false, patterns: parse_actions(v, &at("Action"))? },
        (None, Some(v)) => Actions { not: true, patterns: parse_actions(v, &at("NotAction"))? },
        (Some(_), Some(_)) => {
            return Err((format!("Statement[{index}]"), "a statement has Action or NotAction, not both".to_string()))
        }
        (None, None) => {
            return Err((format!("Statement[{index}]"), "the statement has no Action or NotAction".to_string()))
        }
    };
    let resources = match (obj.get("Resource"), obj.get("NotResource")) {
        (Some(v), None) => Resources::new(false, parse_resources(v, &at("Resource"), variables)?),
        (None, Some(v)) => Resources::new(true, parse_resources(v, &at("NotResource"), variables)?),
        (Some(_), Some(_)) => {
            return Err((
                format!("Statement[{index}]"),
                "a statement has Resource or NotResource, not both".to_string(),
            ))
        }
        (None, None) => {
            return Err((format!("Statement[{index}]"), "the statement has no Resource or NotResource".to_string()))
        }
    };
    let conditions = match obj.get("Condition") {
        None => Vec::new(),
        Some(v) => parse_conditions(v, &at("Condition"), variables)?,
    };
    let mut label = String::new();
    // Writing to a String cannot fail.
    let _ = crate::eval::write_label(&mut label, policy, index, sid.as_deref());
    Ok(Statement { sid, index, effect, actions, resources, conditions, label })
}

fn parse_actions(value: &Value, place: &str) -> Result<Vec<crate::glob::Pattern>, Refusal> {
    let list = strings(value, place, "an action")?;
    for a in &list {
        if a == "*" {
            continue;
        }
        let ok = a.split_once(':').is_some_and(|(service, name)| {
            !service.is_empty()
                && service.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !name.is_empty()
                && !name.contains(':')
        });
        if !ok {
            return Err((place.to_string(), format!("the action `{a}` must be `*` or `<service prefix>:<action>`")));
        }
    }
    Ok(list.into_iter().map(|a| crate::glob::Pattern::new(a.to_ascii_lowercase())).collect())
}

fn parse_resources(value: &Value, place: &str, variables: bool) -> Result<Vec<Template>, Refusal> {
    let list = strings(value, place, "a resource")?;
    list.iter()
        .map(|r| {
            if r != "*" && !(r.starts_with("arn:") && r.splitn(6, ':').count() == 6) {
                return Err((
                    place.to_string(),
                    format!("the resource `{r}` must be `*` or an ARN (arn:partition:service:region:account:resource)"),
                ));
            }
            if variables {
                Template::parse(r).map_err(|p| (place.to_string(), p))
            } else {
                Ok(Template::literal(r))
            }
        })
        .collect()
}

fn parse_conditions(value: &Value, place: &str, variables: bool) -> Result<Vec<Condition>, Refusal> {
    let Some(block) = value.as_object() else {
        return Err((place.to_string(), "Condition must be an object of operators".to_string()));
    };
    let mut out = Vec::new();
    for (op_name, keys) in block {
        let op_place = format!("{place}.{op_name}");
        let Some(operator) = Operator::parse(op_name) else {
            return Err((op_place, format!("unknown condition operator `{op_name}`")));
        };
        let Some(keys) = keys.as_object().filter(|k| !k.is_empty()) else {
            return Err((op_place, format!("`{op_name}` must be an object of condition keys and values")));
        };
        for (key, values) in keys {
            let key_place = format!("{op_place}.{key}");
            if !key.contains(':') {
                return Err((key_place, format!("the condition key `{key}` has no service prefix")));
            }
            let scalar = |v: &Value| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Bool(b) => Ok(b.to_string()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err((key_place.clone(), "a condition value must be a string, number or boolean".to_string())),
            };
            let raw: Vec<String> = match values {
                Value::Array(list) if list.is_empty() => {
                    return Err((key_place, "a condition key needs at least one value".to_string()))
                }
                Value::Array(list) => list.iter().map(scalar).collect::<Result<_, _>>()?,
                other => vec![scalar(other)?],
            };
            out.push(Condition::parse(operator, key, &raw, variables).map_err(|p| (key_place.clone(), p))?);
        }
    }
    Ok(out)
}
