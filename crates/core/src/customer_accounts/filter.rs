//! The `Filter` of SearchCustomerAccounts and GetCustomerAccountStatistics
//! (docs/behaviour.md#customer-accounts): a tree of one-member nodes, checked
//! once ([`check`]) and then matched against each account ([`matches`]).
//!
//! Text compares without regard to case. `EqualsTo` is equality (on a
//! field of several values, with any of them); `ContainsAny` matches a
//! substring of a single value, or equals any value of a field of several;
//! `ContainsAll` is for fields of several values (every value given is
//! among them); the four comparisons order dates (`DateValue`) and, as
//! numbers, scores (`LongValue`). A condition on a field the account has no
//! value for does not match (its `NotFilter` does).

use pcentral_model::selling::{
    AggregatableField, AwsEnrichmentCustomer, AwsEnrichmentInsights, Filter, FilterCondition, FilterValue,
    FilterableField, ValidationExceptionErrorCode as Code,
};
use pcentral_model::{FieldError, Millis};

use crate::opportunities::document::field;
use crate::records::{CustomerAccount, EnrichmentStatus};

/// How deep combinators nest (the depth the Selling API's other search filters document).
pub const MAX_DEPTH: usize = 3;

/// What an account holds for one filterable field.
enum Held<'a> {
    Text(Option<&'a str>),
    Many(&'a [String]),
    Date(Millis),
}

/// The kinds of field, by the conditions they take.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Many,
    Date,
    Score,
}

fn kind(key: FilterableField) -> Kind {
    match key {
        FilterableField::CreatedDate | FilterableField::LastModifiedDate => Kind::Date,
        FilterableField::ProgramEligibility => Kind::Many,
        FilterableField::MarketplaceEngagementScore | FilterableField::SolutionScore => Kind::Score,
        _ => Kind::Text,
    }
}

/// AWS's match, shown (and filtered on) only once the status is `ENRICHED`.
fn customer(a: &CustomerAccount) -> Option<&AwsEnrichmentCustomer> {
    let e = a.enrichment.as_ref().filter(|_| a.enrichment_status == EnrichmentStatus::Enriched)?;
    e.customer.as_ref()
}

fn insights(a: &CustomerAccount) -> Option<&AwsEnrichmentInsights> {
    let e = a.enrichment.as_ref().filter(|_| a.enrichment_status == EnrichmentStatus::Enriched)?;
    e.insights.as_ref()
}

fn held(a: &CustomerAccount, key: FilterableField) -> Held<'_> {
    let c = |f: fn(&AwsEnrichmentCustomer) -> Option<&String>| Held::Text(customer(a).and_then(f).map(String::as_str));
    let i = |f: fn(&AwsEnrichmentInsights) -> Option<&String>| Held::Text(insights(a).and_then(f).map(String::as_str));
    match key {
        FilterableField::EnrichmentStatus => Held::Text(Some(a.enrichment_status.as_str())),
        FilterableField::CompanyName => Held::Text(Some(a.account.company_name.as_str())),
        FilterableField::ImportId => Held::Text(a.import_id.as_deref()),
        FilterableField::CreatedDate => Held::Date(a.created_at),
        FilterableField::LastModifiedDate => Held::Date(a.last_modified),
        FilterableField::ProgramEligibility => {
            Held::Many(customer(a).and_then(|c| c.eligible_programs.as_deref()).unwrap_or_default())
        }
        FilterableField::AwsIndustry => c(|c| c.industry.as_ref()),
        FilterableField::AccountPlanningQualification => c(|c| c.customer_account_planning_qualification.as_ref()),
        FilterableField::Geo => c(|c| c.geo.as_ref()),
        FilterableField::Country => c(|c| c.country.as_ref()),
        FilterableField::Segment => c(|c| c.segment.as_ref()),
        FilterableField::SolutionCategory => i(|i| i.solution_category.as_ref()),
        FilterableField::MarketplaceEngagementScore => i(|i| i.marketplace_engagement_score.as_ref()),
        FilterableField::SolutionScore => i(|i| i.solution_score.as_ref()),
    }
}

/// The values of `a` an aggregation groups by (none: the account has no value).
pub fn group_values(a: &CustomerAccount, key: AggregatableField) -> Vec<String> {
    let one = |v: Option<&String>| v.cloned().into_iter().collect::<Vec<_>>();
    let c = customer(a);
    let i = insights(a);
    match key {
        AggregatableField::EnrichmentStatus => vec![a.enrichment_status.as_str().to_string()],
        AggregatableField::AwsIndustry => one(c.and_then(|c| c.industry.as_ref())),
        AggregatableField::Segment => one(c.and_then(|c| c.segment.as_ref())),
        AggregatableField::Region => one(c.and_then(|c| c.region.as_ref())),
        AggregatableField::Geo => one(c.and_then(|c| c.geo.as_ref())),
        AggregatableField::Country => one(c.and_then(|c| c.country.as_ref())),
        AggregatableField::AccountPlanningQualification => {
            one(c.and_then(|c| c.customer_account_planning_qualification.as_ref()))
        }
        AggregatableField::ProgramEligibility => c.and_then(|c| c.eligible_programs.clone()).unwrap_or_default(),
        AggregatableField::SolutionCategory => one(i.and_then(|i| i.solution_category.as_ref())),
        AggregatableField::MarketplaceEngagementScore => one(i.and_then(|i| i.marketplace_engagement_score.as_ref())),
        AggregatableField::SolutionScore => one(i.and_then(|i| i.solution_score.as_ref())),
    }
}

/// A filter node's members: (name, condition) of the leaves, (name, children) of the lists.
fn leaves(f: &Filter) -> [(&'static str, Option<&FilterCondition>); 7] {
    [
        ("EqualsTo", f.equals_to.as_ref()),
        ("ContainsAny", f.contains_any.as_ref()),
        ("ContainsAll", f.contains_all.as_ref()),
        ("GreaterThan", f.greater_than.as_ref()),
        ("GreaterThanOrEquals", f.greater_than_or_equals.as_ref()),
        ("LessThan", f.less_than.as_ref()),
        ("LessThanOrEquals", f.less_than_or_equals.as_ref()),
    ]
}

/// The faults of `filter` (at `path`, e.g. `Filter`): none when every node
/// sets exactly one member, nesting stays within [`MAX_DEPTH`], and each
/// condition's value suits its operator and field.
pub fn check(filter: &Filter, path: &str) -> Vec<FieldError> {
    let mut faults = Vec::new();
    check_node(filter, path, 1, &mut faults);
    faults
}

fn check_node(f: &Filter, path: &str, depth: usize, faults: &mut Vec<FieldError>) {
    let lists = [("AndAllFilters", f.and_all_filters.as_ref()), ("OrAllFilters", f.or_all_filters.as_ref())];
    let set = leaves(f).iter().filter(|(_, c)| c.is_some()).count()
        + lists.iter().filter(|(_, l)| l.is_some()).count()
        + usize::from(f.not_filter.is_some());
    if set != 1 {
        faults.push(field(path, Code::InvalidValue, format!("{path} must set exactly one member; it sets {set}")));
        return;
    }
    let nested = lists.iter().any(|(_, l)| l.is_some()) || f.not_filter.is_some();
    if nested && depth >= MAX_DEPTH {
        faults.push(field(path, Code::TooManyValues, format!("{path} nests filters deeper than {MAX_DEPTH} levels")));
        return;
    }
    for (name, list) in lists {
        for (i, child) in list.into_iter().flatten().enumerate() {
            check_node(child, &format!("{path}.{name}[{i}]"), depth + 1, faults);
        }
    }
    if let Some(child) = &f.not_filter {
        check_node(child, &format!("{path}.NotFilter"), depth + 1, faults);
    }
    for (name, condition) in leaves(f) {
        if let Some(c) = condition {
            if let Some(problem) = unsuitable(name, c) {
                let at = format!("{path}.{name}.Value");
                faults.push(field(&at, Code::InvalidValue, format!("{at}: {problem}")));
            }
        }
    }
}

/// Why `c` cannot be the condition of operator `op`, if it cannot.
fn unsuitable(op: &str, c: &FilterCondition) -> Option<String> {
    let kind = kind(c.key);
    let key = serde_json::to_value(c.key).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let fits = match (op, &c.value) {
        ("EqualsTo", FilterValue::StringValue(_)) => kind != Kind::Date,
        ("EqualsTo", FilterValue::DateValue(_)) => kind == Kind::Date,
        ("EqualsTo", FilterValue::LongValue(_)) => kind == Kind::Score,
        ("ContainsAny", FilterValue::StringValue(_) | FilterValue::StringListValue(_)) => kind != Kind::Date,
        ("ContainsAll", FilterValue::StringValue(_) | FilterValue::StringListValue(_)) => kind == Kind::Many,
        (_, FilterValue::DateValue(_)) if op.starts_with("GreaterThan") || op.starts_with("LessThan") => {
            kind == Kind::Date
        }
        (_, FilterValue::LongValue(_)) if op.starts_with("GreaterThan") || op.starts_with("LessThan") => {
            kind == Kind::Score
        }
        _ => false,
    };
    (!fits).then(|| format!("{op} on {key} does not take this value"))
}

/// Whether `a` matches `filter` (already [`check`]ed).
pub fn matches(filter: &Filter, a: &CustomerAccount) -> bool {
    if let Some(list) = &filter.and_all_filters {
        return list.iter().all(|f| matches(f, a));
    }
    if let Some(list) = &filter.or_all_filters {
        return list.iter().any(|f| matches(f, a));
    }
    if let Some(f) = &filter.not_filter {
        return !matches(f, a);
    }
    leaves(filter).iter().all(|(op, c)| c.is_none_or(|c| holds(op, c, a)))
}

fn given(v: &FilterValue) -> Vec<String> {
    match v {
        FilterValue::StringValue(s) => vec![s.to_lowercase()],
        FilterValue::StringListValue(l) => l.iter().map(|s| s.to_lowercase()).collect(),
        FilterValue::LongValue(_) | FilterValue::DateValue(_) => Vec::new(),
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok()
}

fn holds(op: &str, c: &FilterCondition, a: &CustomerAccount) -> bool {
    use std::cmp::Ordering;
    let order = |o: Ordering| match op {
        "GreaterThan" => o == Ordering::Greater,
        "GreaterThanOrEquals" => o != Ordering::Less,
        "LessThan" => o == Ordering::Less,
        "LessThanOrEquals" => o != Ordering::Greater,
        _ => o == Ordering::Equal,
    };
    match (held(a, c.key), &c.value) {
        (Held::Date(at), FilterValue::DateValue(t)) => order(at.cmp(&t.0)),
        (Held::Text(Some(text)), FilterValue::LongValue(n)) => {
            number(text).and_then(|x| x.partial_cmp(&(*n as f64))).is_some_and(order)
        }
        (Held::Text(None), _) | (Held::Date(_), _) => false,
        (Held::Text(Some(text)), v) => {
            let text = text.to_lowercase();
            let values = given(v);
            match op {
                "ContainsAny" => values.iter().any(|v| text.contains(v.as_str())),
                _ => values.contains(&text),
            }
        }
        (Held::Many(held), v) => {
            let held: Vec<String> = held.iter().map(|s| s.to_lowercase()).collect();
            let values = given(v);
            match op {
                "ContainsAll" => !values.is_empty() && values.iter().all(|v| held.contains(v)),
                _ => values.iter().any(|v| held.contains(v)),
            }
        }
    }
}
