//! Every input constraint of the Selling model (and of its
//! `smithy-extra.json`) is enforced by validation and reported the way
//! Selling reports it: `ValidationException` `REQUEST_VALIDATION_FAILED`, one
//! `ErrorList` entry naming the member (dotted path) with the code of
//! Selling's `ValidationExceptionErrorCode` that docs/behaviour.md#validation
//! gives for the check.
//!
//! For each operation a valid baseline input is generated from the model
//! (every member, nested structures included, each union's first member) and
//! must pass. Then for each constraint (required, length, pattern, enum,
//! catalog, range, list and map sizes, unions with zero or two members) the
//! baseline is checked again with exactly that constraint violated.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcentral_model::shapes::{compile_pattern, model, Model, Shape};
use pcentral_model::{check_input, ApiError, InputError, Operation, Service};
use serde_json::{json, Map, Value};

/// A valid sample per pattern of the model (patterns of the form
/// `(?s).{min,max}` or `.{min,max}` get `a` repeated). A new pattern fails the
/// test until a sample is added here.
const PATTERN_SAMPLES: &[(&str, &str)] = &[
    (r"((0|([1-9][0-9]{0,30}))(\.[0-9]{0,2})?)?", "100.50"),
    (r"(0|([1-9][0-9]{0,30}))(\.[0-9]{0,2})?", "100"),
    (r"(?:[01][0-9]|2[0-3]):[0-5][0-9]", "09:30"),
    (
        r"(?=.{0,2048}$)(arn:aws:iam::\d{12}:role/([-+=,.@_a-zA-Z0-9]+/)*)?[-+=,.@_a-zA-Z0-9]{1,64}",
        "arn:aws:iam::123456789012:role/Snapshots",
    ),
    (
        r"(?=.{0,2048}$)arn:aws:iam::\d{12}:role/([-+=,.@_a-zA-Z0-9]+/)*[-+=,.@_a-zA-Z0-9]{1,64}",
        "arn:aws:iam::123456789012:role/Snapshots",
    ),
    (r"(?=.{0,256}$)([\p{L}\p{Z}\p{N}_.:/=+\-@]*)", "value"),
    (
        r"(?=.{0,80}$)[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?",
        "ana@example.com",
    ),
    (
        r"(?=.{1,1000}$)arn:[\w+=/,.@-]+:partnercentral:[\w+=/,.@-]*:[0-9]{12}:catalog/([a-zA-Z]+)/[\w+=,.@-]+(/[\w+=,.@-]+)*",
        "arn:aws:partnercentral:us-east-1:123456789012:catalog/Sandbox/opportunity/O123",
    ),
    (r"(?=.{1,128}$)([\p{L}\p{Z}\p{N}_.:/=+\-@]*)", "team"),
    (r"(?=.{1,255}$)(arn:.*|engi-[0-9a-z]{13})", "engi-0123456789abc"),
    (r"(?=.{1,80}$)[a-zA-Z0-9.!#$%&'*+/=?^_{|}~-]+@[a-zA-Z0-9-]+(?:.[a-zA-Z0-9-]+)*", "ana@example.com"),
    (
        r"(?=.{4,255}$)((http|https)://)??(www[.])??([a-zA-Z0-9]|-)+?([.][a-zA-Z0-9(-|/|=|?)??]+?)+?",
        "https://www.example.com",
    ),
    (r"([0-9]{12}|\w{1,12})", "123456789012"),
    (r"(arn:.*|bulkjob-[0-9a-z]{13})", "bulkjob-0123456789abc"),
    (r"(arn:.*|cust-acc-[0-9a-z]{13})", "cust-acc-0123456789abc"),
    (r"(arn:.*|eng-[0-9a-z]{14})", "eng-0123456789abcd"),
    (r"(arn:.*|eng-grp-[0-9a-z]{14})", "eng-grp-0123456789abcd"),
    (r"(arn:.*|task-[0-9a-z]{13})", "task-0123456789abc"),
    (r"(s3://|https://).*", "https://example.com/file.csv"),
    (r".*task-[0-9a-z]{13}", "task-0123456789abc"),
    (r"O[0-9]{1,19}", "O1234567890"),
    (r"S-[0-9]{1,19}", "S-0000001"),
    (r"[0-9]{9}", "123456789"),
    (r"[1-9][0-9]*", "1"),
    (r"[1-9][0-9]{3}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])", "2026-12-31"),
    (r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*", "Europe/Berlin"),
    (r"[\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD]{1,80}", "Not a fit"),
    (r"[a-zA-Z0-9]{3,80}", "OpportunitySummary"),
    (r"[a-zA-Z]+", "Sandbox"),
    (r"\+[1-9]\d{1,14}", "+14155550100"),
    (r"arn:.*", "arn:aws:partnercentral:us-east-1:123456789012:catalog/Sandbox/x"),
    (
        r"arn:[a-z\-]*:partnercentral:[a-z0-9\-]*:[0-9]{12}:catalog/[a-zA-Z]+/customer-account-bulk-job/bulkjob-[0-9a-z]{13}",
        "arn:aws:partnercentral:us-east-1:123456789012:catalog/Sandbox/customer-account-bulk-job/bulkjob-0123456789abc",
    ),
    (
        r"arn:[a-z\-]*:partnercentral:[a-z0-9\-]*:[0-9]{12}:catalog/[a-zA-Z]+/customer-account/cust-acc-[0-9a-z]{13}",
        "arn:aws:partnercentral:us-east-1:123456789012:catalog/Sandbox/customer-account/cust-acc-0123456789abc",
    ),
    (
        r"arn:aws:aws-marketplace:[a-z]{1,2}-[a-z]*-\d+:\d{12}:AWSMarketplace/Offer/.*",
        "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Offer/offer-abc",
    ),
    (
        r"arn:aws:aws-marketplace:[a-z]{1,2}-[a-z]*-\d+:\d{12}:AWSMarketplace/OfferSet/offerset-.*",
        "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/OfferSet/offerset-abc",
    ),
    (
        r"arn:aws:partnercentral::[0-9]{12}:[a-zA-Z]+/engagement-invitation/engi-[0-9,a-z]{13}",
        "arn:aws:partnercentral::123456789012:Sandbox/engagement-invitation/engi-0123456789abc",
    ),
    (r"bulkjob-[0-9a-z]{13}", "bulkjob-0123456789abc"),
    (r"ctx-[0-9a-z]{14}", "ctx-0123456789abcd"),
    (r"cust-acc-[0-9a-z]{13}", "cust-acc-0123456789abc"),
    (r"eng-[0-9a-z]{14}", "eng-0123456789abcd"),
    (r"eng-grp-[0-9a-z]{14}", "eng-grp-0123456789abcd"),
    (r"engi-[0-9,a-z]{13}", "engi-0123456789abc"),
    (
        r"https://(calculator\.aws|pricing\.calculator\.aws\.eu)/#/estimate\?id=[a-f0-9]{32,64}",
        "https://calculator.aws/#/estimate?id=0123456789abcdef0123456789abcdef",
    ),
    (r"job-[0-9a-z]{13}", "job-0123456789abc"),
    (r"task-[0-9a-z]{14}", "task-0123456789abcd"),
];

/// Values that fail a pattern, tried in order: the first that has a valid
/// length for the shape and does not match is used.
const PATTERN_VIOLATIONS: &[&str] = &["!", "!!!!!", "a\u{0}b", "\u{1F600}\u{1F600}\u{1F600}\u{1F600}"];

fn m() -> &'static Model {
    model(Service::Selling)
}

/// `(?s).{min,max}` / `.{min,max}`: the bounds.
fn any_text(pattern: &str) -> Option<(usize, usize)> {
    let body = pattern.strip_prefix("(?s)").unwrap_or(pattern);
    let (min, max) = body.strip_prefix(".{")?.strip_suffix('}')?.split_once(',')?;
    Some((min.parse().ok()?, max.parse().ok()?))
}

fn sample(pattern: &str) -> String {
    if let Some((min, _)) = any_text(pattern) {
        return "a".repeat(min.max(1));
    }
    PATTERN_SAMPLES
        .iter()
        .find(|(p, _)| *p == pattern)
        .map(|(_, s)| (*s).to_string())
        .unwrap_or_else(|| panic!("no sample for pattern {pattern:?}: add one to PATTERN_SAMPLES"))
}

fn len_ok(s: &str, min: Option<i64>, max: Option<i64>) -> bool {
    let n = s.chars().count() as i64;
    min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)
}

/// A valid value for `shape`; `stack` holds the structures being built (a
/// recursive member is left out, which every recursive shape allows).
fn value(shape: &str, member: &str, stack: &mut Vec<String>) -> Value {
    match m().shape(shape).unwrap_or_else(|| panic!("{shape}")) {
        Shape::Structure { members, required, union } => {
            stack.push(shape.to_string());
            let mut out = Map::new();
            for (i, mem) in members.iter().enumerate() {
                if *union && i > 0 {
                    break;
                }
                if stack.contains(&mem.target) && !required.contains(&mem.name) {
                    continue;
                }
                if is_recursive_list(&mem.target, stack) {
                    continue;
                }
                out.insert(mem.name.clone(), value(&mem.target, &mem.name, stack));
            }
            stack.pop();
            Value::Object(out)
        }
        Shape::String { enum_values: Some(values), .. } => json!(values[0]),
        Shape::String { .. } if member == "Catalog" || m().catalog_shape.as_deref() == Some(shape) => {
            json!("Sandbox")
        }
        Shape::String { min, max, pattern, .. } => {
            let raw = m_raw_pattern(shape);
            let s = match raw {
                Some(p) => sample(&p),
                None => "a".repeat(min.unwrap_or(1).max(1) as usize),
            };
            assert!(len_ok(&s, *min, *max), "{shape}: sample {s:?} has the wrong length");
            assert!(pattern.as_ref().is_none_or(|p| p.is_match(&s)), "{shape}: sample {s:?} does not match");
            json!(s)
        }
        Shape::List { member: item, min, .. } => {
            let one = value(item, member, stack);
            json!(vec![one; min.unwrap_or(1).max(1) as usize])
        }
        Shape::Map { key, value: v, min, .. } => {
            let mut out = Map::new();
            for i in 0..min.unwrap_or(1).max(1) {
                let k = format!("{}{i}", value(key, "", stack).as_str().unwrap_or("k"));
                out.insert(k, value(v, member, stack));
            }
            Value::Object(out)
        }
        Shape::Integer { min, .. } => json!(min.unwrap_or(1).max(1)),
        Shape::Double => json!(1.5),
        Shape::Boolean => json!(true),
        Shape::Timestamp => json!("2026-12-07T12:00:00Z"),
    }
}

fn is_recursive_list(target: &str, stack: &[String]) -> bool {
    matches!(m().shape(target), Some(Shape::List { member, .. }) if stack.contains(member))
}

/// The pattern text of a string shape, as the model writes it.
fn m_raw_pattern(shape: &str) -> Option<String> {
    static RAW: std::sync::LazyLock<Value> = std::sync::LazyLock::new(|| {
        serde_json::from_str(include_str!("../services/partnercentral-selling/service.json")).unwrap()
    });
    RAW["shapes"][shape]["pattern"].as_str().map(str::to_string)
}

/// One violated constraint: where, what it replaces, the code expected.
struct Case {
    path: Vec<Step>,
    /// `None`: remove the member.
    replace: Option<Value>,
    code: &'static str,
    what: String,
}

#[derive(Clone)]
enum Step {
    Member(String),
    Item(usize),
}

fn display(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Member(name) if out.is_empty() => out.push_str(name),
            Step::Member(name) => {
                out.push('.');
                out.push_str(name);
            }
            Step::Item(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn apply(doc: &mut Value, path: &[Step], replace: Option<Value>) {
    let (last, parents) = path.split_last().unwrap();
    let mut at = doc;
    for step in parents {
        at = match step {
            Step::Member(n) => at.get_mut(n).unwrap(),
            Step::Item(i) => at.get_mut(*i).unwrap(),
        };
    }
    match (last, replace) {
        (Step::Member(n), None) => {
            at.as_object_mut().unwrap().remove(n);
        }
        (Step::Member(n), Some(v)) => at[n.as_str()] = v,
        (Step::Item(i), Some(v)) => at[*i] = v,
        (Step::Item(_), None) => unreachable!("items are never removed"),
    }
}

fn with(path: &[Step], step: Step) -> Vec<Step> {
    let mut p = path.to_vec();
    p.push(step);
    p
}

/// The constraints of the value `v` (as in the baseline) of `shape` at `path`.
fn cases(shape: &str, path: &[Step], v: &Value, out: &mut Vec<Case>) {
    let case = |replace: Value, code: &'static str, what: &str| Case {
        path: path.to_vec(),
        replace: Some(replace),
        code,
        what: what.to_string(),
    };
    match m().shape(shape).unwrap() {
        Shape::Structure { members, required, union } => {
            if *union {
                out.push(case(json!({}), "INVALID_VALUE", "union with no member"));
                if members.len() > 1 {
                    let mut two = v.clone();
                    let mut stack = Vec::new();
                    two[members[1].name.as_str()] = value(&members[1].target, &members[1].name, &mut stack);
                    out.push(case(two, "INVALID_VALUE", "union with two members"));
                }
            }
            for mem in members {
                let Some(mv) = v.get(&mem.name) else { continue };
                let p = with(path, Step::Member(mem.name.clone()));
                if required.contains(&mem.name) {
                    out.push(Case {
                        path: p.clone(),
                        replace: None,
                        code: "REQUIRED_FIELD_MISSING",
                        what: "required".into(),
                    });
                }
                cases(&mem.target, &p, mv, out);
            }
        }
        Shape::String { min, max, pattern, enum_values } => {
            if enum_values.is_some() {
                out.push(case(json!("NOT_A_VALUE"), "INVALID_ENUM_VALUE", "enum"));
                return;
            }
            if let Some(n) = min.filter(|n| *n > 0) {
                out.push(case(json!("a".repeat(n as usize - 1)), "INVALID_VALUE", "min length"));
            }
            if let Some(n) = *max {
                out.push(case(json!("a".repeat(n as usize + 1)), "INVALID_VALUE", "max length"));
            }
            if let Some(p) = pattern {
                let long = any_text(&m_raw_pattern(shape).unwrap_or_default()).map(|(_, hi)| "a".repeat(hi + 1));
                let bad = PATTERN_VIOLATIONS
                    .iter()
                    .map(|s| (*s).to_string())
                    .chain(long)
                    .find(|s| len_ok(s, *min, *max) && !p.is_match(s))
                    .unwrap_or_else(|| panic!("{shape}: no violating value"));
                out.push(case(json!(bad), "INVALID_STRING_FORMAT", "pattern"));
            }
            if m().catalog_shape.as_deref() == Some(shape) {
                out.push(case(json!("Production"), "INVALID_VALUE", "catalog"));
            }
        }
        Shape::Integer { min, max } => {
            if let Some(n) = *min {
                out.push(case(json!(n - 1), "VALUE_OUT_OF_RANGE", "min"));
            }
            if let Some(n) = *max {
                out.push(case(json!(n + 1), "VALUE_OUT_OF_RANGE", "max"));
            }
        }
        Shape::List { member, min, max, .. } => {
            let items = v.as_array().unwrap();
            if let Some(n) = min.filter(|n| *n > 0) {
                out.push(case(json!(vec![items[0].clone(); n as usize - 1]), "NOT_ENOUGH_VALUES", "list min"));
            }
            if let Some(n) = *max {
                out.push(case(json!(vec![items[0].clone(); n as usize + 1]), "TOO_MANY_VALUES", "list max"));
            }
            cases(member, &with(path, Step::Item(0)), &items[0], out);
        }
        Shape::Map { value: vshape, min, max, .. } => {
            let map = v.as_object().unwrap();
            let (k0, v0) = map.iter().next().unwrap();
            if let Some(n) = *max {
                let big: Map<String, Value> = (0..=n).map(|i| (format!("{k0}-{i}"), v0.clone())).collect();
                out.push(case(Value::Object(big), "TOO_MANY_VALUES", "map max"));
            }
            if let Some(n) = min.filter(|n| *n > 0) {
                let small: Map<String, Value> = (1..n).map(|i| (format!("{k0}-{i}"), v0.clone())).collect();
                out.push(case(Value::Object(small), "NOT_ENOUGH_VALUES", "map min"));
            }
            cases(vshape, &with(path, Step::Member(k0.clone())), v0, out);
        }
        Shape::Double | Shape::Boolean | Shape::Timestamp => {}
    }
}

fn fields(op: Operation, input: &Value) -> Result<Vec<(String, &'static str)>, InputError> {
    match check_input(op, input) {
        Ok(()) => Ok(vec![]),
        Err(InputError::Validation(errs)) => Ok(errs.into_iter().map(|e| (e.name, e.code.as_str())).collect()),
        Err(e) => Err(e),
    }
}

#[test]
fn every_selling_input_constraint_is_enforced_with_sellings_codes() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for op in Service::Selling.operations() {
        let input_shape = &m().operation(op.name()).unwrap().input;
        let baseline = value(input_shape, "", &mut Vec::new());
        match fields(op, &baseline) {
            Ok(f) if f.is_empty() => {}
            other => {
                failures.push(format!("{op}: the baseline {baseline} was refused: {other:?}"));
                continue;
            }
        }
        let mut all = Vec::new();
        cases(input_shape, &[], &baseline, &mut all);
        for case in all {
            checked += 1;
            let mut doc = baseline.clone();
            let name = display(&case.path);
            apply(&mut doc, &case.path, case.replace);
            match fields(op, &doc) {
                Ok(f) if f.iter().any(|(n, c)| *n == name && *c == case.code) => {}
                other => failures.push(format!("{op} {name} {}: expected {}, got {other:?}", case.what, case.code)),
            }
            // The answer is Selling's ValidationException with an ErrorList.
            if checked % 97 == 0 {
                let e = ApiError::from(check_input(op, &doc).unwrap_err());
                assert!(e.body()["ErrorList"].is_array(), "{}", e.body());
            }
        }
    }
    println!("constraints checked: {checked}");
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures[..failures.len().min(40)].join("\n"));
    assert!(checked > 500, "constraints checked: {checked}");
}

#[test]
fn every_pattern_sample_matches_its_pattern() {
    for (pattern, s) in PATTERN_SAMPLES {
        assert!(compile_pattern(pattern).unwrap().is_match(s), "{s:?} does not match {pattern:?}");
    }
}
