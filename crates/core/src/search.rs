//! The filter-tree engine of the Selling API's searches
//! (SearchCustomerAccounts, GetCustomerAccountStatistics and
//! SearchOpportunities; docs/behaviour.md#searches): a tree of one-member
//! nodes, checked once ([`check`]) and then matched against each record
//! ([`matches`]). Each search says how its filter type reads as a [`Node`]
//! and what a record holds for each of its keys ([`Held`], by [`Kind`]).
//!
//! Text compares without regard to case. `EqualsTo` is equality (on a
//! field of several values, with any of them); `ContainsAny` matches a
//! substring of a single value, or equals any value of a field of several;
//! `ContainsAll` is for fields of several values (every value given is
//! among them); the four comparisons order dates (`DateValue`) and, as
//! numbers, scores and amounts (`LongValue`, `DoubleValue`). A condition on
//! a field the record has no value for does not match (its `NotFilter` does).

use std::cmp::Ordering;

use pcentral_model::selling::ValidationExceptionErrorCode as Code;
use pcentral_model::{FieldError, Millis};

use crate::opportunities::document::field;
use crate::records::SortValue;

/// How deep combinators nest (the depth the Selling API's search filters document).
pub const MAX_DEPTH: usize = 3;

/// The kinds of field, by the conditions they take.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One text value.
    Text,
    /// Several text values.
    Many,
    /// A point in time.
    Date,
    /// One text value that compares as a number (a score, an amount).
    Number,
}

/// What a record holds for one field.
pub enum Held {
    Text(Option<String>),
    Many(Vec<String>),
    Date(Option<Millis>),
}

/// The value of a condition, whatever the filter type.
pub enum Given<'a> {
    Text(&'a str),
    List(&'a [String]),
    Long(i64),
    Double(f64),
    Date(Millis),
}

/// The seven leaf members of a filter node.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Op {
    EqualsTo,
    ContainsAny,
    ContainsAll,
    GreaterThan,
    GreaterThanOrEquals,
    LessThan,
    LessThanOrEquals,
}

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::EqualsTo => "EqualsTo",
            Op::ContainsAny => "ContainsAny",
            Op::ContainsAll => "ContainsAll",
            Op::GreaterThan => "GreaterThan",
            Op::GreaterThanOrEquals => "GreaterThanOrEquals",
            Op::LessThan => "LessThan",
            Op::LessThanOrEquals => "LessThanOrEquals",
        }
    }

    fn is_comparison(self) -> bool {
        !matches!(self, Op::EqualsTo | Op::ContainsAny | Op::ContainsAll)
    }
}

/// The seven leaf members of a node: each operator with its key and value when set.
pub type Leaves<'a, K> = [(Op, Option<(K, Given<'a>)>); 7];

/// The tree half of [`Node`] for a filter shape of the model: members
/// `and_all_filters`, `or_all_filters`, `not_filter` and one optional
/// condition per operator (`equals_to`, …), each condition a `key` and a
/// `value` that `$given` reads as a [`Given`]. The three search operations'
/// filters have this shape and differ only in their types.
macro_rules! filter_tree {
    ($given:expr) => {
        fn and_all(&self) -> Option<&[Self]> {
            self.and_all_filters.as_deref()
        }

        fn or_all(&self) -> Option<&[Self]> {
            self.or_all_filters.as_deref()
        }

        fn not(&self) -> Option<&Self> {
            self.not_filter.as_deref()
        }

        fn leaves(&self) -> $crate::search::Leaves<'_, Self::Key> {
            use $crate::search::Op;
            [
                (Op::EqualsTo, self.equals_to.as_ref().map(|c| (c.key, $given(&c.value)))),
                (Op::ContainsAny, self.contains_any.as_ref().map(|c| (c.key, $given(&c.value)))),
                (Op::ContainsAll, self.contains_all.as_ref().map(|c| (c.key, $given(&c.value)))),
                (Op::GreaterThan, self.greater_than.as_ref().map(|c| (c.key, $given(&c.value)))),
                (Op::GreaterThanOrEquals, self.greater_than_or_equals.as_ref().map(|c| (c.key, $given(&c.value)))),
                (Op::LessThan, self.less_than.as_ref().map(|c| (c.key, $given(&c.value)))),
                (Op::LessThanOrEquals, self.less_than_or_equals.as_ref().map(|c| (c.key, $given(&c.value)))),
            ]
        }
    };
}
pub(crate) use filter_tree;

/// `fn given`, reading a condition's value of the model's union `$value`
/// (members `StringValue`, `StringListValue`, `LongValue`, `DateValue`: the
/// customer accounts' and the engagements' filters) as a [`Given`].
macro_rules! given_of_union {
    ($value:ident) => {
        fn given(value: &$value) -> $crate::search::Given<'_> {
            use $crate::search::Given;
            match value {
                $value::StringValue(s) => Given::Text(s),
                $value::StringListValue(l) => Given::List(l),
                $value::LongValue(n) => Given::Long(*n),
                $value::DateValue(t) => Given::Date(t.0),
            }
        }
    };
}
pub(crate) use given_of_union;

/// A filter type of the model, read as a tree.
pub trait Node: Sized {
    type Key: Copy;
    fn and_all(&self) -> Option<&[Self]>;
    fn or_all(&self) -> Option<&[Self]>;
    fn not(&self) -> Option<&Self>;
    /// The leaf members, each with its key and value when set.
    fn leaves(&self) -> Leaves<'_, Self::Key>;
    /// The kind of field `key` names.
    fn kind(key: Self::Key) -> Kind;
    /// The wire name of `key`.
    fn key_name(key: Self::Key) -> String;
}

/// The faults of `filter` (at `path`, e.g. `Filter`): none when every node
/// sets exactly one member, nesting stays within [`MAX_DEPTH`], and each
/// condition's value suits its operator and field.
pub fn check<N: Node>(filter: &N, path: &str) -> Vec<FieldError> {
    let mut faults = Vec::new();
    check_node(filter, path, 1, &mut faults);
    faults
}

fn check_node<N: Node>(f: &N, path: &str, depth: usize, faults: &mut Vec<FieldError>) {
    let lists = [("AndAllFilters", f.and_all()), ("OrAllFilters", f.or_all())];
    let leaves = f.leaves();
    let set = leaves.iter().filter(|(_, c)| c.is_some()).count()
        + lists.iter().filter(|(_, l)| l.is_some()).count()
        + usize::from(f.not().is_some());
    if set != 1 {
        faults.push(field(path, Code::InvalidValue, format!("{path} must set exactly one member; it sets {set}")));
        return;
    }
    let nested = lists.iter().any(|(_, l)| l.is_some()) || f.not().is_some();
    if nested && depth >= MAX_DEPTH {
        faults.push(field(path, Code::TooManyValues, format!("{path} nests filters deeper than {MAX_DEPTH} levels")));
        return;
    }
    for (name, list) in lists {
        for (i, child) in list.into_iter().flatten().enumerate() {
            check_node(child, &format!("{path}.{name}[{i}]"), depth + 1, faults);
        }
    }
    if let Some(child) = f.not() {
        check_node(child, &format!("{path}.NotFilter"), depth + 1, faults);
    }
    for (op, condition) in leaves {
        if let Some((key, value)) = condition {
            if !suits(op, N::kind(key), &value) {
                let at = format!("{path}.{}.Value", op.name());
                let name = N::key_name(key);
                faults.push(field(
                    &at,
                    Code::InvalidValue,
                    format!("{at}: {} on {name} does not take this value", op.name()),
                ));
            }
        }
    }
}

/// Whether `value` can be the condition of `op` on a field of `kind`.
fn suits(op: Op, kind: Kind, value: &Given<'_>) -> bool {
    match (op, value) {
        (_, Given::Date(_)) => kind == Kind::Date && op != Op::ContainsAny && op != Op::ContainsAll,
        (_, Given::Long(_) | Given::Double(_)) => {
            kind == Kind::Number && op != Op::ContainsAny && op != Op::ContainsAll
        }
        (Op::EqualsTo, Given::Text(_)) => kind != Kind::Date,
        (Op::ContainsAny, Given::Text(_) | Given::List(_)) => kind != Kind::Date,
        (Op::ContainsAll, Given::Text(_) | Given::List(_)) => kind == Kind::Many,
        _ => false,
    }
}

/// Whether the record whose fields `held` reads matches `filter` (already [`check`]ed).
pub fn matches<N: Node>(filter: &N, held: &impl Fn(N::Key) -> Held) -> bool {
    if let Some(list) = filter.and_all() {
        return list.iter().all(|f| matches(f, held));
    }
    if let Some(list) = filter.or_all() {
        return list.iter().any(|f| matches(f, held));
    }
    if let Some(f) = filter.not() {
        return !matches(f, held);
    }
    filter.leaves().iter().all(|(op, c)| c.as_ref().is_none_or(|(key, value)| holds(*op, value, held(*key))))
}

fn lowered(v: &Given<'_>) -> Vec<String> {
    match v {
        Given::Text(s) => vec![s.to_lowercase()],
        Given::List(l) => l.iter().map(|s| s.to_lowercase()).collect(),
        Given::Long(_) | Given::Double(_) | Given::Date(_) => Vec::new(),
    }
}

/// A text value read as a number (scores and amounts are text on the wire).
pub fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok()
}

fn holds(op: Op, value: &Given<'_>, held: Held) -> bool {
    let order = |o: Ordering| match op {
        Op::GreaterThan => o == Ordering::Greater,
        Op::GreaterThanOrEquals => o != Ordering::Less,
        Op::LessThan => o == Ordering::Less,
        Op::LessThanOrEquals => o != Ordering::Greater,
        _ => o == Ordering::Equal,
    };
    let as_number = match value {
        Given::Long(n) => Some(*n as f64),
        Given::Double(x) => Some(*x),
        _ => None,
    };
    match (held, value) {
        (Held::Date(Some(at)), Given::Date(t)) => order(at.cmp(t)),
        (Held::Date(_), _) | (Held::Text(None), _) => false,
        (Held::Text(Some(text)), _) if as_number.is_some() => {
            number(&text).zip(as_number).and_then(|(x, n)| x.partial_cmp(&n)).is_some_and(order)
        }
        (Held::Text(Some(text)), v) => {
            if op.is_comparison() {
                return false;
            }
            let text = text.to_lowercase();
            let values = lowered(v);
            match op {
                Op::ContainsAny => values.iter().any(|v| text.contains(v.as_str())),
                _ => values.contains(&text),
            }
        }
        (Held::Many(held), v) => {
            let held: Vec<String> = held.iter().map(|s| s.to_lowercase()).collect();
            let values = lowered(v);
            match op {
                Op::ContainsAll => !values.is_empty() && values.iter().all(|v| held.contains(v)),
                _ => values.iter().any(|v| held.contains(v)),
            }
        }
    }
}

/// The position a record's value takes in a search's order: dates and
/// numbers as integers (a number in hundredths), text in lower case,
/// several values sorted and joined; a missing value sorts first.
pub fn sort_value(held: Held, kind: Kind) -> SortValue {
    match held {
        Held::Date(at) => SortValue::Int(at.unwrap_or(i64::MIN)),
        Held::Text(t) if kind == Kind::Number => {
            SortValue::Int(t.as_deref().and_then(number).map(|x| (x * 100.0).round() as i64).unwrap_or(i64::MIN))
        }
        Held::Text(t) => SortValue::Text(t.unwrap_or_default().to_lowercase()),
        Held::Many(mut values) => {
            values.iter_mut().for_each(|v| *v = v.to_lowercase());
            values.sort();
            SortValue::Text(values.join("\u{1}"))
        }
    }
}

/// The order of a search: by sort value (reversed when descending), ties by id ascending.
pub fn order(a: (&SortValue, &str), b: (&SortValue, &str), descending: bool) -> Ordering {
    let by_value = match (a.0, b.0) {
        (SortValue::Int(x), SortValue::Int(y)) => x.cmp(y),
        (SortValue::Text(x), SortValue::Text(y)) => x.cmp(y),
        (SortValue::Int(_), SortValue::Text(_)) => Ordering::Less,
        (SortValue::Text(_), SortValue::Int(_)) => Ordering::Greater,
    };
    let by_value = if descending { by_value.reverse() } else { by_value };
    by_value.then_with(|| a.1.cmp(b.1))
}
