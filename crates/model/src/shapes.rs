//! The model of each service, loaded once from its embedded
//! `services/<service>/service.json` (a copy of botocore's model without
//! documentation, written by `scripts/extract-model.py`) and
//! `smithy-extra.json` (the input traits of the Smithy model that botocore's
//! JSON drops, written by hand: `uniqueItems` on lists, `default` on members).

use regex::Regex;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

/// One operation of the model.
#[derive(Debug)]
pub struct Operation {
    pub name: String,
    pub input: String,
    /// The output structure; none for an operation that answers `{}`.
    pub output: Option<String>,
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
    /// The value an absent member takes (Smithy `default`, from `smithy-extra.json`).
    pub default: Option<serde_json::Value>,
}

/// A shape with its constraints, ready for validation.
#[derive(Debug)]
pub enum Shape {
    Structure {
        members: Vec<Member>,
        required: Vec<String>,
        union: bool,
    },
    String {
        min: Option<i64>,
        max: Option<i64>,
        /// Shared by every shape of the model with the same pattern text.
        pattern: Option<Arc<Pattern>>,
        enum_values: Option<Vec<String>>,
    },
    /// `unique_items`: no two items may be equal (Smithy `uniqueItems`, from `smithy-extra.json`).
    List {
        member: String,
        min: Option<i64>,
        max: Option<i64>,
        unique_items: bool,
    },
    Map {
        key: String,
        value: String,
        min: Option<i64>,
        max: Option<i64>,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Double,
    Boolean,
    Timestamp,
}

/// The whole model.
#[derive(Debug)]
pub struct Model {
    pub target_prefix: String,
    pub signing_name: String,
    /// The string shape that `Catalog` members target (`Catalog`,
    /// `CatalogIdentifier`): whatever its pattern, only the catalogs
    /// `ids::Catalog` names are served.
    pub catalog_shape: Option<String>,
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

/// The model of `service`, embedded in this crate, loaded on first use (each
/// service's on its own: a server that is asked only about one service never
/// loads the other's).
pub fn model(service: crate::Service) -> &'static Model {
    static MODELS: [OnceLock<Model>; crate::Service::ALL.len()] =
        [const { OnceLock::new() }; crate::Service::ALL.len()];
    MODELS[service as usize].get_or_init(|| {
        let (text, extra) = service.sources();
        // The embedded files are part of the build and checked by the tests below;
        // failing to read them is a build defect, not an input error.
        #[allow(clippy::expect_used)]
        load(text, extra).expect("embedded service.json and smithy-extra.json are valid")
    })
}

#[derive(Deserialize)]
struct RawModel {
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
    output: Option<RawRef>,
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

/// The hand-written `smithy-extra.json`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExtra {
    #[allow(dead_code)]
    about: Vec<String>,
    shapes: BTreeMap<String, RawShapeTraits>,
    members: BTreeMap<String, RawMemberTraits>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawShapeTraits {
    unique_items: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMemberTraits {
    default: serde_json::Value,
}

/// Error while loading a model file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("model is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("shape {0}: {1}")]
    Shape(String, String),
    #[error("smithy-extra.json, {0}: {1}")]
    Extra(String, String),
}

/// Parse a model file in the format written by `scripts/extract-model.py`,
/// with the extra Smithy traits of `extra` (the format of `smithy-extra.json`;
/// every name it uses must be a shape or member of the model).
pub fn load(text: &str, extra: &str) -> Result<Model, LoadError> {
    let raw: RawModel = serde_json::from_str(text)?;
    let extra: RawExtra = serde_json::from_str(extra)?;
    let mut shapes = BTreeMap::new();
    // One `Pattern` per distinct pattern text (many shapes share one).
    let mut patterns: HashMap<String, Arc<Pattern>> = HashMap::new();
    for (name, s) in raw.shapes {
        let missing = |what: &str| LoadError::Shape(name.clone(), format!("{what} missing"));
        let shape = match s.kind.as_str() {
            "structure" => Shape::Structure {
                members: s
                    .members
                    .into_iter()
                    .map(|m| Member {
                        name: m.name,
                        target: m.shape,
                        idempotency_token: m.idempotency_token,
                        default: None,
                    })
                    .collect(),
                required: s.required,
                union: s.union,
            },
            "string" => Shape::String {
                min: s.min,
                max: s.max,
                pattern: match s.pattern {
                    Some(p) => Some(match patterns.get(&p) {
                        Some(shared) => Arc::clone(shared),
                        None => {
                            let compiled =
                                Arc::new(compile_pattern(&p).map_err(|e| LoadError::Shape(name.clone(), e))?);
                            patterns.insert(p, Arc::clone(&compiled));
                            compiled
                        }
                    }),
                    None => None,
                },
                enum_values: s.enum_values,
            },
            "list" => Shape::List {
                member: s.member.ok_or_else(|| missing("member"))?.shape,
                min: s.min,
                max: s.max,
                unique_items: false,
            },
            "map" => Shape::Map {
                key: s.key.ok_or_else(|| missing("key"))?.shape,
                value: s.value.ok_or_else(|| missing("value"))?.shape,
                min: s.min,
                max: s.max,
            },
            "integer" | "long" => Shape::Integer { min: s.min, max: s.max },
            "double" => Shape::Double,
            "boolean" => Shape::Boolean,
            "timestamp" => Shape::Timestamp,
            other => return Err(LoadError::Shape(name, format!("unknown type {other}"))),
        };
        shapes.insert(name, shape);
    }
    apply_extra(&mut shapes, extra)?;
    let catalog_shape = shapes
        .values()
        .filter_map(|s| match s {
            Shape::Structure { members, .. } => members.iter().find(|m| m.name == "Catalog"),
            _ => None,
        })
        .map(|m| m.target.clone())
        .find(|t| matches!(shapes.get(t), Some(Shape::String { .. })));
    let operations = raw
        .operations
        .into_iter()
        .map(|(name, o)| {
            let op = Operation {
                name: name.clone(),
                input: o.input.shape,
                output: o.output.map(|r| r.shape),
                errors: o.errors.into_iter().map(|e| e.shape).collect(),
                idempotent: o.idempotent,
                readonly: o.readonly,
            };
            (name, op)
        })
        .collect();
    Ok(Model {
        target_prefix: raw.metadata.target_prefix,
        signing_name: raw.metadata.signing_name,
        catalog_shape,
        operations,
        shapes,
    })
}

/// Add the traits of `smithy-extra.json` to the loaded shapes, refusing any
/// name the model does not have and any trait that does not fit its target.
fn apply_extra(shapes: &mut BTreeMap<String, Shape>, extra: RawExtra) -> Result<(), LoadError> {
    for (name, traits) in extra.shapes {
        let bad = |why: &str| LoadError::Extra(name.clone(), why.to_string());
        match shapes.get_mut(&name) {
            Some(Shape::List { unique_items, .. }) => *unique_items = traits.unique_items,
            Some(_) => return Err(bad("uniqueItems needs a list shape")),
            None => return Err(bad("no such shape in service.json")),
        }
    }
    for (name, traits) in extra.members {
        let bad = |why: &str| LoadError::Extra(name.clone(), why.to_string());
        let (structure, member) = name.split_once('.').ok_or_else(|| bad("expected Structure.Member"))?;
        let target = match shapes.get(structure) {
            Some(Shape::Structure { members, .. }) => {
                members.iter().find(|m| m.name == member).map(|m| m.target.clone())
            }
            _ => None,
        }
        .ok_or_else(|| bad("no such member in service.json"))?;
        let fits = match (shapes.get(&target), traits.default.as_i64()) {
            (Some(Shape::Integer { min, max }), Some(n)) => min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m),
            (Some(Shape::String { .. }), None) => traits.default.is_string(),
            (Some(Shape::Boolean), None) => traits.default.is_boolean(),
            _ => false,
        };
        if !fits {
            return Err(bad("the default does not fit the member's shape"));
        }
        if let Some(Shape::Structure { members, .. }) = shapes.get_mut(structure) {
            if let Some(m) = members.iter_mut().find(|m| m.name == member) {
                m.default = Some(traits.default);
            }
        }
    }
    Ok(())
}

/// A model pattern, checked and translated at load, compiled into a regex on
/// its first use (most patterns of a model are never used by a given server,
/// and a compiled regex is far larger than its text).
///
/// A leading `(?=.{min,max}$)` look-ahead (which the Rust engine does not
/// have) becomes a length check, and a pattern that is only a length
/// (`(?s).{1,2048}`, `.{1,255}`) needs no regex at all: as a regex, each of
/// those is an automaton with one state per allowed character, megabytes for
/// the long ones. A pattern that is a run of characters and character classes
/// ([`Piece`]s: `[a-zA-Z]+`, `eng-[0-9a-z]{14}`, `O[0-9]{1,19}`) is checked
/// character by character, without the engine.
#[derive(Debug)]
pub struct Pattern {
    /// `min..=max` characters, none of them in `forbidden`.
    length: Option<(usize, usize)>,
    /// Characters the length part refuses (a line: no line break).
    forbidden: &'static [char],
    /// The rest of the pattern, as anchored Rust regex text; none when the
    /// pattern is only a length.
    regex: Option<LazyRegex>,
    /// The regex as pieces, when it is one: then its engine is never built.
    pieces: Option<Vec<Piece>>,
}

/// A character class (a literal character is a class of one) repeated
/// `min..=max` times. Only the last piece of a pattern may vary in count, so
/// that a value is matched left to right without backtracking.
#[derive(Debug)]
struct Piece {
    /// Inclusive character ranges, in order.
    ranges: Vec<(char, char)>,
    min: usize,
    max: usize,
}

impl Piece {
    fn has(&self, c: char) -> bool {
        self.ranges.iter().any(|(first, last)| (*first..=*last).contains(&c))
    }
}

/// Whether the whole of `value` is the run of `pieces`.
fn pieces_match(pieces: &[Piece], value: &str) -> bool {
    let Some((last, fixed)) = pieces.split_last() else { return value.is_empty() };
    let mut chars = value.chars();
    for piece in fixed {
        for _ in 0..piece.min {
            if !chars.next().is_some_and(|c| piece.has(c)) {
                return false;
            }
        }
    }
    let mut count = 0;
    for c in chars {
        if !last.has(c) {
            return false;
        }
        count += 1;
    }
    (last.min..=last.max).contains(&count)
}

/// The pieces of anchored regex `text`, when it is a run of literal
/// characters and classes, each repeated a fixed number of times but the last.
fn pieces_of(text: &str) -> Option<Vec<Piece>> {
    use regex_syntax::hir::{Class, Hir, HirKind, Look};
    let hir = regex_syntax::Parser::new().parse(text).ok()?;
    let HirKind::Concat(parts) = hir.kind() else { return None };
    let (first, rest) = parts.split_first()?;
    let (end, body) = rest.split_last()?;
    if *first.kind() != HirKind::Look(Look::Start) || *end.kind() != HirKind::Look(Look::End) {
        return None;
    }
    let class = |h: &Hir| -> Option<Vec<(char, char)>> {
        match h.kind() {
            HirKind::Class(Class::Unicode(c)) => Some(c.ranges().iter().map(|r| (r.start(), r.end())).collect()),
            _ => None,
        }
    };
    let mut pieces = Vec::new();
    for part in body {
        match part.kind() {
            HirKind::Literal(literal) => {
                for c in std::str::from_utf8(&literal.0).ok()?.chars() {
                    pieces.push(Piece { ranges: vec![(c, c)], min: 1, max: 1 });
                }
            }
            HirKind::Class(_) => pieces.push(Piece { ranges: class(part)?, min: 1, max: 1 }),
            HirKind::Repetition(r) => pieces.push(Piece {
                ranges: class(&r.sub)?,
                min: usize::try_from(r.min).ok()?,
                max: r.max.map_or(Some(usize::MAX), |m| usize::try_from(m).ok())?,
            }),
            _ => return None,
        }
    }
    let (_, fixed) = pieces.split_last()?;
    fixed.iter().all(|p| p.min == p.max).then_some(pieces)
}

/// Regex text checked at load, compiled on first use.
#[derive(Debug)]
struct LazyRegex {
    text: String,
    compiled: OnceLock<Regex>,
}

/// The line breaks a length look-ahead's `.` refuses.
const LINE_BREAKS: &[char] = &['\n', '\r'];
/// What the Rust engine's `.` refuses (a bare `.{m,n}` pattern keeps exactly that meaning).
const NEWLINE: &[char] = &['\n'];

impl Pattern {
    /// Whether the whole of `value` matches.
    pub fn is_match(&self, value: &str) -> bool {
        let fits = self.length.is_none_or(|(min, max)| {
            let n = value.chars().count();
            n >= min && n <= max && !value.contains(self.forbidden)
        });
        fits && match (&self.pieces, &self.regex) {
            (Some(pieces), _) => pieces_match(pieces, value),
            (None, Some(r)) => r.get().is_match(value),
            (None, None) => true,
        }
    }
}

impl LazyRegex {
    fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            // The text parsed at load (`compile_pattern`), and a test compiles every
            // pattern of the embedded models, so this cannot fail for them.
            #[allow(clippy::expect_used)]
            Regex::new(&self.text).expect("a pattern checked at load compiles")
        })
    }
}

/// Split a leading `(?=.{min,max}$)` off `pattern`: its bounds and the rest.
fn length_lookahead(pattern: &str) -> Option<((usize, usize), &str)> {
    let rest = pattern.strip_prefix("(?=.{")?;
    let (bounds, rest) = rest.split_once("}$)")?;
    Some((bounds_of(bounds)?, rest))
}

/// `min,max` as numbers.
fn bounds_of(bounds: &str) -> Option<(usize, usize)> {
    let (min, max) = bounds.split_once(',')?;
    Some((min.parse().ok()?, max.parse().ok()?))
}

/// A pattern that is only a length: `(?s).{min,max}` (any characters) or
/// `.{min,max}` (no `\n`, as the Rust engine's `.` means).
fn length_only(pattern: &str) -> Option<((usize, usize), &'static [char])> {
    let (forbidden, rest) = match pattern.strip_prefix("(?s)") {
        Some(rest) => (&[][..], rest),
        None => (NEWLINE, pattern),
    };
    let bounds = rest.strip_prefix(".{")?.strip_suffix('}')?;
    Some((bounds_of(bounds)?, forbidden))
}

/// Translate a model pattern (Java/ECMAScript flavour) into an anchored Rust regex.
///
/// The differences that matter here: `\uXXXX` escapes become `\x{XXXX}`, a `-`
/// inside a character class that does not form a range (`[0-9-_]`) is a
/// literal, which the Rust engine wants escaped, `\w` and `\d` (and `\W`,
/// `\D`) are ASCII classes as in ECMAScript and Java (`[A-Za-z0-9_]`, `[0-9]`;
/// the Rust engine's are Unicode), and a leading length look-ahead
/// (`(?=.{1,255}$)`, Selling's) becomes a separate length check. `\s` stays
/// the Unicode white space that ECMAScript means, and `\p{…}` classes stay
/// Unicode. The regex text is parsed here to check it; the pattern compiles it
/// on first use.
pub fn compile_pattern(pattern: &str) -> Result<Pattern, String> {
    if let Some((bounds, forbidden)) = length_only(pattern) {
        return Ok(Pattern { length: Some(bounds), forbidden, regex: None, pieces: None });
    }
    let (length, body) = match length_lookahead(pattern) {
        Some((bounds, rest)) => (Some(bounds), rest),
        None => (None, pattern),
    };
    let chars: Vec<char> = body.chars().collect();
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
            let (atom, next) = match ascii_class(&chars, i) {
                Some(class) => (format!("[{class}]"), i + 2),
                None => escape_atom(&chars, i),
            };
            out.push_str(&atom);
            i = next;
        }
    }
    out.push_str(")$");
    // Checked by the engine's parser (cheap: no automaton is built).
    regex_syntax::Parser::new().parse(&out).map_err(|e| format!("pattern {pattern:?}: {e}"))?;
    let pieces = pieces_of(&out);
    Ok(Pattern {
        length,
        forbidden: LINE_BREAKS,
        regex: Some(LazyRegex { text: out, compiled: OnceLock::new() }),
        pieces,
    })
}

/// The ASCII class item (for use inside `[…]`) that `\w`, `\W`, `\d` or `\D` at `i` means.
fn ascii_class(chars: &[char], i: usize) -> Option<&'static str> {
    if chars[i] != '\\' {
        return None;
    }
    match chars.get(i + 1) {
        Some('w') => Some("[:word:]"),
        Some('W') => Some("[:^word:]"),
        Some('d') => Some("[:digit:]"),
        Some('D') => Some("[:^digit:]"),
        _ => None,
    }
}

/// One character of a class at `i`, rendered for the Rust engine; returns it and the next index.
fn class_atom(chars: &[char], i: usize) -> (String, usize) {
    if chars[i] == '-' {
        return ("\\-".to_string(), i + 1);
    }
    if let Some(class) = ascii_class(chars, i) {
        return (class.to_string(), i + 2);
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

    use crate::Service;

    #[test]
    fn embedded_models_have_their_operations_and_every_reference_resolves() {
        for (service, count, catalog) in
            [(Service::Account, 34, "Catalog"), (Service::Selling, 63, "CatalogIdentifier")]
        {
            let m = model(service);
            assert_eq!(m.operations().count(), count);
            assert_eq!(m.target_prefix, service.target_prefix());
            assert_eq!(m.signing_name, service.signing_name());
            assert_eq!(m.catalog_shape.as_deref(), Some(catalog));
            for op in m.operations() {
                for name in [Some(&op.input), op.output.as_ref()].into_iter().flatten().chain(op.errors.iter()) {
                    assert!(m.shape(name).is_some(), "{} refers to missing {name}", op.name);
                }
            }
        }
        assert_eq!(model(Service::Account).target_prefix, "PartnerCentralAccount");
        assert_eq!(model(Service::Selling).signing_name, "partnercentral-selling");
    }

    const SERVICE: &str = include_str!("../services/partnercentral-account/service.json");
    const EXTRA: &str = include_str!("../services/partnercentral-account/smithy-extra.json");

    #[test]
    fn smithy_extra_names_real_shapes_and_members() {
        let m = model(Service::Account);
        let extra: serde_json::Value = serde_json::from_str(EXTRA).unwrap();
        let unique: Vec<&str> = extra["shapes"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(unique.len(), 3);
        for name in unique {
            assert!(matches!(m.shape(name), Some(Shape::List { unique_items: true, .. })), "{name}");
        }
        let defaults = extra["members"].as_object().unwrap();
        assert_eq!(defaults.len(), 2);
        for (name, traits) in defaults {
            let (structure, member) = name.split_once('.').unwrap();
            let Some(Shape::Structure { members, .. }) = m.shape(structure) else { panic!("{name}") };
            let member = members.iter().find(|x| x.name == member).unwrap();
            assert_eq!(member.default.as_ref(), Some(&traits["default"]), "{name}");
        }
    }

    #[test]
    fn smithy_extra_with_an_unknown_name_or_a_misfit_trait_does_not_load() {
        let with = |shapes: &str, members: &str| {
            load(SERVICE, &format!(r#"{{"about": [], "shapes": {shapes}, "members": {members}}}"#))
        };
        assert!(with("{}", "{}").is_ok());
        for (shapes, members) in [
            (r#"{"NoSuchList": {"uniqueItems": true}}"#, "{}"),
            (r#"{"Catalog": {"uniqueItems": true}}"#, "{}"),
            ("{}", r#"{"ListConnectionsRequest.NoSuchMember": {"default": 20}}"#),
            ("{}", r#"{"NoSuchRequest.MaxResults": {"default": 20}}"#),
            ("{}", r#"{"ListConnectionsRequest.MaxResults": {"default": 101}}"#),
            ("{}", r#"{"ListConnectionsRequest.MaxResults": {"default": "20"}}"#),
        ] {
            assert!(matches!(with(shapes, members), Err(LoadError::Extra(..))), "{shapes} {members}");
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
        let invitation = compile_pattern("(?=.{1,255}$)(arn:.*|engi-[0-9a-z]{13})").unwrap();
        assert!(invitation.is_match("engi-0123456789abc"));
        assert!(invitation.is_match("arn:aws:x"));
        assert!(!invitation.is_match(""));
        assert!(!invitation.is_match(&format!("arn:{}", "x".repeat(252))));
        assert!(!invitation.is_match("arn:a\nb"));
        let tag = compile_pattern("(?=.{1,128}$)([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)").unwrap();
        assert!(tag.is_match("Team Name é"));
        assert!(!tag.is_match("a;b"));
    }

    #[test]
    fn word_and_digit_classes_are_ascii_as_in_ecmascript() {
        let word = compile_pattern("\\w+").unwrap();
        assert!(word.is_match("abc_XYZ_019"));
        assert!(!word.is_match("café"));
        assert!(!word.is_match("中"));
        let in_class = compile_pattern("[\\w.@-]+").unwrap();
        assert!(in_class.is_match("a.b@c-d_1"));
        assert!(!in_class.is_match("é"));
        let digits = compile_pattern("\\+[1-9]\\d{1,14}").unwrap();
        assert!(digits.is_match("+14155550100"));
        assert!(!digits.is_match("+1٤١٥"));
        let not_word = compile_pattern("\\W").unwrap();
        assert!(not_word.is_match("é"));
        assert!(!not_word.is_match("_"));
        let not_digit = compile_pattern("[\\D]+").unwrap();
        assert!(not_digit.is_match("٣x"));
        assert!(!not_digit.is_match("3"));
        // `\s` stays Unicode white space (ECMAScript's), `\p{…}` Unicode.
        let space = compile_pattern("a\\sb").unwrap();
        assert!(space.is_match("a\u{a0}b"));
        let letters = compile_pattern("\\p{L}+").unwrap();
        assert!(letters.is_match("café"));
    }

    #[test]
    fn a_pattern_that_is_only_a_length_is_checked_as_a_length() {
        let any = compile_pattern("(?s).{2,3}").unwrap();
        assert!(any.regex.is_none());
        assert!(any.is_match("a\nb"));
        assert!(any.is_match("é中"));
        assert!(!any.is_match("a"));
        assert!(!any.is_match("abcd"));
        let line = compile_pattern(".{1,3}").unwrap();
        assert!(line.regex.is_none());
        assert!(line.is_match("é"));
        assert!(line.is_match("a\rb"));
        assert!(!line.is_match("a\nb"));
        assert!(!line.is_match(""));
        assert!(compile_pattern(".{1,3}x").unwrap().regex.is_some());
        assert!(compile_pattern("(a").is_err());
    }

    #[test]
    fn patterns_of_pieces_decide_as_the_regex_does() {
        let mut checked = 0;
        let mut texts: Vec<String> = Service::ALL
            .into_iter()
            .flat_map(|service| model(service).shapes.values())
            .filter_map(|shape| match shape {
                Shape::String { pattern: Some(p), .. } => p.regex.as_ref().map(|r| r.text.clone()),
                _ => None,
            })
            .collect();
        // And a few shapes the models do not have (yet): a repeated literal, an open end, a class then a literal.
        texts.extend(["^(?:x{3})$", "^(?:ab[0-9]*)$", "^(?:[a-z]+x)$", "^(?:[^a-c]{2})$"].map(String::from));
        texts.sort();
        texts.dedup();
        let probes =
            ['a', 'z', 'A', 'Z', '0', '9', '-', '_', ',', '.', ':', '/', ' ', '\n', 'é', '\u{a0}', '中', 'O', 'S', 'x'];
        let mut seed: u64 = 7;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(seed >> 33).unwrap_or(0) % n
        };
        for text in &texts {
            let Some(pieces) = pieces_of(text) else { continue };
            let regex = Regex::new(text).unwrap();
            let mut values = vec![String::new()];
            // Values built piece by piece from members of each class, with counts around the bounds, then mutated.
            for _ in 0..400 {
                let mut value = String::new();
                for piece in &pieces {
                    let members: Vec<char> = probes.iter().copied().filter(|c| piece.has(*c)).collect();
                    let members = if members.is_empty() { vec![piece.ranges[0].0] } else { members };
                    let count = piece.min + next(3).min(piece.max - piece.min);
                    let count =
                        if next(10) == 0 { count + 1 } else { count.saturating_sub(usize::from(next(10) == 0)) };
                    value.extend((0..count).map(|_| members[next(members.len())]));
                }
                if next(3) == 0 && !value.is_empty() {
                    let at = next(value.chars().count());
                    value = value
                        .chars()
                        .enumerate()
                        .map(|(i, c)| if i == at { probes[next(probes.len())] } else { c })
                        .collect();
                }
                values.push(value);
            }
            for value in values {
                assert_eq!(pieces_match(&pieces, &value), regex.is_match(&value), "{text} on {value:?}");
                checked += 1;
            }
        }
        assert!(checked > 4000, "{checked}");
        // The model's common shapes are among them.
        for text in ["^(?:[a-zA-Z]+)$", "^(?:eng-[0-9a-z]{14})$", "^(?:O[0-9]{1,19})$"] {
            assert!(pieces_of(text).is_some(), "{text}");
        }
        for text in ["^(?:arn:.*|eng-[0-9a-z]{14})$", "^(?:[a-z]+[0-9]{2})$", "^(?:(ab)+)$"] {
            assert!(pieces_of(text).is_none(), "{text}");
        }
    }

    #[test]
    fn every_model_pattern_compiles_and_shapes_share_one_per_text() {
        for service in Service::ALL {
            let m = model(service);
            // Regex text and look-ahead bounds: what tells two model patterns apart.
            type Key<'a> = (&'a str, Option<(usize, usize)>);
            let mut by_text: HashMap<Key, &Arc<Pattern>> = HashMap::new();
            let mut shared = 0;
            for shape in m.shapes.values() {
                let Shape::String { pattern: Some(p), .. } = shape else { continue };
                if let Some(r) = &p.regex {
                    assert!(Regex::new(&r.text).is_ok(), "{service}: {}", r.text);
                    by_text
                        .entry((r.text.as_str(), p.length))
                        .and_modify(|q| {
                            assert!(Arc::ptr_eq(q, p), "{service}: {} compiled twice", r.text);
                            shared += 1;
                        })
                        .or_insert(p);
                }
            }
            assert!(shared > 0, "{service}: some shapes share a pattern");
        }
    }
}
