//! Conditions: IAM's operators, their values parsed once when the policy is,
//! and how one condition is decided against a request's [`Context`].
//!
//! Rules (as IAM applies them): the operators of a `Condition` block, and the
//! keys under one operator, must all hold; the values listed for one key are
//! alternatives (for a negated operator, `StringNotEquals` and the like, the
//! request's value must differ from every one). A key missing from the
//! request fails a positive operator and passes a negated one; `…IfExists`
//! passes when the key is missing; `Null` tests presence. `ForAllValues:`
//! holds when every request value matches (and when there are none);
//! `ForAnyValue:` when at least one does.

use crate::glob;
use crate::template::Template;
use crate::Context;
use std::net::IpAddr;

/// The comparison at the heart of an operator, without its set prefix or `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

impl Comparison {
    const ALL: [(&'static str, Comparison); 27] = [
        ("StringEquals", Comparison::StringEquals),
        ("StringNotEquals", Comparison::StringNotEquals),
        ("StringEqualsIgnoreCase", Comparison::StringEqualsIgnoreCase),
        ("StringNotEqualsIgnoreCase", Comparison::StringNotEqualsIgnoreCase),
        ("StringLike", Comparison::StringLike),
        ("StringNotLike", Comparison::StringNotLike),
        ("NumericEquals", Comparison::NumericEquals),
        ("NumericNotEquals", Comparison::NumericNotEquals),
        ("NumericLessThan", Comparison::NumericLessThan),
        ("NumericLessThanEquals", Comparison::NumericLessThanEquals),
        ("NumericGreaterThan", Comparison::NumericGreaterThan),
        ("NumericGreaterThanEquals", Comparison::NumericGreaterThanEquals),
        ("DateEquals", Comparison::DateEquals),
        ("DateNotEquals", Comparison::DateNotEquals),
        ("DateLessThan", Comparison::DateLessThan),
        ("DateLessThanEquals", Comparison::DateLessThanEquals),
        ("DateGreaterThan", Comparison::DateGreaterThan),
        ("DateGreaterThanEquals", Comparison::DateGreaterThanEquals),
        ("Bool", Comparison::Bool),
        ("BinaryEquals", Comparison::BinaryEquals),
        ("IpAddress", Comparison::IpAddress),
        ("NotIpAddress", Comparison::NotIpAddress),
        ("ArnEquals", Comparison::ArnEquals),
        ("ArnLike", Comparison::ArnLike),
        ("ArnNotEquals", Comparison::ArnNotEquals),
        ("ArnNotLike", Comparison::ArnNotLike),
        ("Null", Comparison::Null),
    ];

    fn from_name(name: &str) -> Option<Comparison> {
        Comparison::ALL.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
    }

    /// Negated operators hold when the request's value matches none of the policy's.
    fn negated(self) -> bool {
        use Comparison::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    fn kind(self) -> Kind {
        use Comparison::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike
            | BinaryEquals
            | ArnEquals
            | ArnLike
            | ArnNotEquals
            | ArnNotLike => Kind::Text,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => Kind::Number,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => Kind::Date,
            Bool => Kind::Bool,
            IpAddress | NotIpAddress => Kind::Ip,
            Null => Kind::Null,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Number,
    Date,
    Bool,
    Ip,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    ForAllValues,
    ForAnyValue,
}

/// An operator as written: `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operator {
    set: Option<SetOp>,
    comparison: Comparison,
    if_exists: bool,
}

impl Operator {
    /// Read an operator name; `None` when IAM has no such operator.
    pub fn parse(name: &str) -> Option<Operator> {
        let (set, rest) = if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Some(SetOp::ForAllValues), rest)
        } else if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Some(SetOp::ForAnyValue), rest)
        } else {
            (None, name)
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let comparison = Comparison::from_name(base)?;
        if comparison == Comparison::Null && (if_exists || set.is_some()) {
            return None;
        }
        Some(Operator { set, comparison, if_exists })
    }
}

/// A CIDR block (a single address is its own /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr.parse::<IpAddr>().ok()?, Some(prefix.parse::<u8>().ok()?)),
            None => (text.parse::<IpAddr>().ok()?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let (net, ip, bits) = match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => (u128::from(u32::from(n)), u128::from(u32::from(i)), 32u32),
            (IpAddr::V6(n), IpAddr::V6(i)) => (u128::from(n), u128::from(i), 128u32),
            (IpAddr::V6(n), IpAddr::V4(i)) => (u128::from(n), u128::from(i.to_ipv6_mapped()), 128u32),
            (IpAddr::V4(_), IpAddr::V6(i)) => match i.to_ipv4_mapped() {
                Some(v4) => return self.contains(IpAddr::V4(v4)),
                None => return false,
            },
        };
        let shift = bits - u32::from(self.prefix);
        if shift >= 128 {
            return true;
        }
        (net >> shift) == (ip >> shift)
    }
}

/// A point in time as IAM's date operators compare them: seconds since the epoch.
pub fn parse_date(text: &str) -> Option<i128> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(seconds) = text.parse::<i64>() {
        return Some(i128::from(seconds) * 1_000_000_000);
    }
    if let Ok(t) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t.unix_timestamp_nanos());
    }
    // A date alone (`2026-12-31`) is its midnight, UTC.
    let date_only = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, date_only).ok().map(|d| d.midnight().assume_utc().unix_timestamp_nanos())
}

#[derive(Debug, Clone, PartialEq)]
enum Values {
    Text(Vec<Template>),
    Number(Vec<f64>),
    Date(Vec<i128>),
    Bool(Vec<bool>),
    Ip(Vec<Cidr>),
    Null(bool),
}

/// One key's test under one operator, its values parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    operator: Operator,
    /// The key, lower-cased (keys compare without case).
    key_lower: String,
    values: Values,
}

impl Condition {
    /// The context keys the condition reads (lower-cased): its key, and the variables of its values.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        let variables = match &self.values {
            Values::Text(templates) => templates.as_slice(),
            _ => &[],
        };
        std::iter::once(self.key_lower.as_str()).chain(variables.iter().flat_map(|t| t.variables()))
    }

    /// Parse the values of `key` under `operator`; `Err` names the value that is wrong.
    /// `variables` is false for the `2008-10-17` language, where `${…}` is literal text.
    pub fn parse(operator: Operator, key: &str, raw: &[String], variables: bool) -> Result<Condition, String> {
        let bad = |value: &str, what: &str| format!("`{value}` is not {what}");
        let values = match operator.comparison.kind() {
            Kind::Text => Values::Text(
                raw.iter()
                    .map(|v| if variables { Template::parse(v) } else { Ok(Template::literal(v)) })
                    .collect::<Result<_, _>>()?,
            ),
            Kind::Number => Values::Number(
                raw.iter().map(|v| v.parse::<f64>().map_err(|_| bad(v, "a number"))).collect::<Result<_, _>>()?,
            ),
            Kind::Date => Values::Date(
                raw.iter().map(|v| parse_date(v).ok_or_else(|| bad(v, "a date"))).collect::<Result<_, _>>()?,
            ),
            Kind::Bool => Values::Bool(
                raw.iter().map(|v| parse_bool(v).ok_or_else(|| bad(v, "true or false"))).collect::<Result<_, _>>()?,
            ),
            Kind::Ip => Values::Ip(
                raw.iter()
                    .map(|v| Cidr::parse(v).ok_or_else(|| bad(v, "an IP address or CIDR block")))
                    .collect::<Result<_, _>>()?,
            ),
            Kind::Null => match raw {
                [one] => Values::Null(parse_bool(one).ok_or_else(|| bad(one, "true or false"))?),
                _ => return Err("`Null` takes one value, true or false".to_string()),
            },
        };
        Ok(Condition { operator, key_lower: key.to_ascii_lowercase(), values })
    }

    /// Whether the condition holds for a request with context `ctx`.
    pub fn holds(&self, ctx: &Context<'_>) -> bool {
        let present = ctx.get(&self.key_lower).filter(|v| !v.is_empty());
        if let Values::Null(expect_missing) = self.values {
            return present.is_none() == expect_missing;
        }
        let negated = self.operator.comparison.negated();
        let Some(request) = present else {
            return match self.operator.set {
                Some(SetOp::ForAllValues) => true,
                Some(SetOp::ForAnyValue) => false,
                None => self.operator.if_exists || negated,
            };
        };
        // `ok(v)`: the request value `v` passes (for a negated operator: matches no policy value).
        let ok = |v: &std::borrow::Cow<'_, str>| self.matches_any(v, ctx) != negated;
        match self.operator.set {
            Some(SetOp::ForAllValues) => request.iter().all(ok),
            Some(SetOp::ForAnyValue) | None => {
                if negated && self.operator.set.is_none() {
                    request.iter().all(ok)
                } else {
                    request.iter().any(ok)
                }
            }
        }
    }

    /// Whether the request value matches at least one policy value, by the
    /// operator's positive comparison.
    fn matches_any(&self, value: &str, ctx: &Context<'_>) -> bool {
        use Comparison::*;
        let c = self.operator.comparison;
        match &self.values {
            Values::Text(templates) => templates.iter().any(|t| {
                let Some(policy) = t.resolve(ctx) else { return false };
                match c {
                    StringEquals | StringNotEquals | BinaryEquals => policy == value,
                    StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => {
                        if policy.is_ascii() && value.is_ascii() {
                            policy.eq_ignore_ascii_case(value)
                        } else {
                            policy.to_lowercase() == value.to_lowercase()
                        }
                    }
                    StringLike | StringNotLike => glob::matches(&policy, value, false),
                    // ArnEquals behaves as ArnLike in IAM: both take wildcards, field by field.
                    ArnEquals | ArnNotEquals | ArnLike | ArnNotLike => glob::arn_matches(&policy, value),
                    _ => false,
                }
            }),
            Values::Number(numbers) => {
                let Ok(v) = value.parse::<f64>() else { return false };
                numbers.iter().any(|&p| compare(c, v.partial_cmp(&p)))
            }
            Values::Date(dates) => {
                let Some(v) = parse_date(value) else { return false };
                dates.iter().any(|&p| compare(c, Some(v.cmp(&p))))
            }
            Values::Bool(bools) => parse_bool(value).is_some_and(|v| bools.contains(&v)),
            Values::Ip(blocks) => value.parse::<IpAddr>().is_ok_and(|ip| blocks.iter().any(|b| b.contains(ip))),
            Values::Null(_) => false,
        }
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A numeric or date comparison, `ordering` being request value against policy value.
/// Negated ones compare as their positive form (the caller negates).
fn compare(c: Comparison, ordering: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    use Comparison::*;
    let Some(o) = ordering else { return false };
    match c {
        NumericEquals | NumericNotEquals | DateEquals | DateNotEquals => o == Equal,
        NumericLessThan | DateLessThan => o == Less,
        NumericLessThanEquals | DateLessThanEquals => o != Greater,
        NumericGreaterThan | DateGreaterThan => o == Greater,
        NumericGreaterThanEquals | DateGreaterThanEquals => o != Less,
        _ => false,
    }
}
