//! SearchEngagements (docs/behaviour.md#engagements): the engagements the
//! caller is a member of, selected by a keyword and a filter tree over the
//! engagement and its Lead and ProspectingResult contexts, sorted by any
//! searchable key, in pages.

use std::cmp::Ordering;

use pcentral_model::selling::{
    self, EngagementSearchFilter as Filter, EngagementSearchFilterValue as FilterValue,
    EngagementSearchPredicate as Predicate, SortOrder, ValidationExceptionErrorCode as Code,
};
use pcentral_model::{FieldError, Millis};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{page_size, view};
use crate::ctx::Ctx;
use crate::opportunities::document::{field, invalid, output};
use crate::pagination::Binding;
use crate::records::{ContextType, Engagement};
use crate::store::{EngagementQuery, OpResult};

/// Page size when `MaxResults` is absent (the model names none; docs/compat.md).
const DEFAULT_PAGE: usize = 20;
/// The most contexts a search summary holds (the model's limit).
const SUMMARY_CONTEXTS: usize = 5;

/// A searchable value of an engagement.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Text(String),
    Number(i64),
    Date(Millis),
}

/// What kind of value a key holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Number,
    Date,
}

fn kind_of(key: &str) -> Kind {
    match key {
        "CreatedAt" | "LastModifiedAt" => Kind::Date,
        "MemberCount" => Kind::Number,
        _ => Kind::Text,
    }
}

/// Where a context key reads: the context type and the JSON pointers below its payload member
/// (`*` stands for every element of an array).
fn context_path(key: &str) -> Option<(ContextType, &'static str)> {
    use ContextType::{Lead, Prospectingresult as Prospecting};
    Some(match key {
        "ProspectingCustomerGeo" => (Prospecting, "/Aws/Customer/Geo"),
        "ProspectingCustomerRegion" => (Prospecting, "/Aws/Customer/Region"),
        "ProspectingCustomerIndustry" => (Prospecting, "/Aws/Customer/Industry"),
        "ProspectingCustomerSegment" => (Prospecting, "/Aws/Customer/Segment"),
        "ProspectingCustomerCountry" => (Prospecting, "/Aws/Customer/Country"),
        "ProspectingCustomerCompanySize" => (Prospecting, "/Aws/Customer/CompanySize"),
        "ProspectingInsightsMarketplaceEngagementScore" => (Prospecting, "/Aws/Insights/MarketplaceEngagementScore"),
        "ProspectingInsightsSolutionCategory" => (Prospecting, "/Aws/Insights/SolutionCategory"),
        "ProspectingInsightsSolutionSubCategory" => (Prospecting, "/Aws/Insights/SolutionSubCategory"),
        "LeadQualificationStatus" => (Lead, "/QualificationStatus"),
        "LeadReadinessScore" => (Lead, "/Insights/LeadReadinessScore"),
        "LeadCustomerIndustry" => (Lead, "/Customer/Industry"),
        "LeadCustomerCountryCode" => (Lead, "/Customer/Address/CountryCode"),
        "LeadCustomerAwsMaturity" => (Lead, "/Customer/AwsMaturity"),
        "LeadCustomerMarketSegment" => (Lead, "/Customer/MarketSegment"),
        "LeadCustomerCompanyName" => (Lead, "/Customer/CompanyName"),
        "LeadInteractionsSourceType" => (Lead, "/Interactions/*/SourceType"),
        "LeadInteractionsContactFirstName" => (Lead, "/Interactions/*/Contact/FirstName"),
        "LeadInteractionsContactLastName" => (Lead, "/Interactions/*/Contact/LastName"),
        "LeadInteractionsUsecase" => (Lead, "/Interactions/*/Usecase"),
        "LeadInteractionsSourceName" => (Lead, "/Interactions/*/SourceName"),
        "LeadInteractionsContactBusinessTitle" => (Lead, "/Interactions/*/Contact/BusinessTitle"),
        _ => return None,
    })
}

/// The strings at `path` (with `*` over arrays) below `v`.
fn strings_at(v: &Value, path: &str, out: &mut Vec<Val>) {
    match path.split_once("/*") {
        Some((head, rest)) => {
            for item in v.pointer(head).and_then(Value::as_array).into_iter().flatten() {
                strings_at(item, rest, out);
            }
        }
        None => {
            if let Some(s) = v.pointer(path).and_then(Value::as_str) {
                out.push(Val::Text(s.to_string()));
            }
        }
    }
}

/// One engagement with what its searches read.
struct Row {
    e: Engagement,
    members: Vec<String>,
}

impl Row {
    fn values(&self, key: &str) -> Vec<Val> {
        let e = &self.e;
        match key {
            "EngagementId" => vec![Val::Text(e.id.to_string())],
            "Title" => e.title.iter().map(|t| Val::Text(t.clone())).collect(),
            "PartnerId" => self.members.iter().map(|m| Val::Text(m.clone())).collect(),
            "CreatedAt" => vec![Val::Date(e.created_at)],
            "LastModifiedAt" => vec![Val::Date(e.modified_at)],
            "MemberCount" => vec![Val::Number(i64::try_from(self.members.len()).unwrap_or(i64::MAX))],
            "ContextType" => e.contexts.iter().map(|c| Val::Text(c.context_type.as_str().to_string())).collect(),
            other => {
                let mut out = Vec::new();
                if let Some((kind, path)) = context_path(other) {
                    for c in e.contexts.iter().filter(|c| c.context_type == kind) {
                        if let Some(payload) = c.payload.get(kind.as_str()) {
                            strings_at(payload, path, &mut out);
                        }
                    }
                }
                out
            }
        }
    }

    /// Whether `keyword` is in the title, the description or a context's text (ignoring case).
    fn has_keyword(&self, keyword: &str) -> bool {
        let k = keyword.to_lowercase();
        let hit = |s: &str| s.to_lowercase().contains(&k);
        self.e.title.as_deref().is_some_and(hit)
            || self.e.description.as_deref().is_some_and(hit)
            || self.e.contexts.iter().any(|c| any_text(&c.payload, &hit))
    }
}

fn any_text(v: &Value, hit: &dyn Fn(&str) -> bool) -> bool {
    match v {
        Value::String(s) => hit(s),
        Value::Array(a) => a.iter().any(|x| any_text(x, hit)),
        Value::Object(m) => m.values().any(|x| any_text(x, hit)),
        _ => false,
    }
}

fn compare(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Text(x), Val::Text(y)) => Some(x.to_lowercase().cmp(&y.to_lowercase())),
        (Val::Number(x), Val::Number(y)) => Some(x.cmp(y)),
        (Val::Date(x), Val::Date(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// The predicate's operator and its checked operands.
#[derive(Clone, Copy, PartialEq)]
enum Op {
    EqualsTo,
    ContainsAny,
    ContainsAll,
    GreaterThan,
    GreaterThanOrEquals,
    LessThan,
    LessThanOrEquals,
}

/// A filter tree whose values fit their keys.
enum Check {
    All(Vec<Check>),
    Any(Vec<Check>),
    Not(Box<Check>),
    Test(Op, String, Vec<Val>),
}

/// Check `f` (at `path`) into a tree; every value that does not fit its key is a field error.
fn checked(f: &Filter, path: &str, faults: &mut Vec<FieldError>) -> Check {
    let mut parts = Vec::new();
    for (i, sub) in f.and_all_filters.iter().flatten().enumerate() {
        parts.push(checked(sub, &format!("{path}.AndAllFilters[{i}]"), faults));
    }
    if let Some(or) = &f.or_all_filters {
        let any = or.iter().enumerate().map(|(i, s)| checked(s, &format!("{path}.OrAllFilters[{i}]"), faults));
        parts.push(Check::Any(any.collect()));
    }
    if let Some(not) = &f.not_filter {
        parts.push(Check::Not(Box::new(checked(not, &format!("{path}.NotFilter"), faults))));
    }
    let predicates = [
        (Op::EqualsTo, "EqualsTo", &f.equals_to),
        (Op::ContainsAny, "ContainsAny", &f.contains_any),
        (Op::ContainsAll, "ContainsAll", &f.contains_all),
        (Op::GreaterThan, "GreaterThan", &f.greater_than),
        (Op::GreaterThanOrEquals, "GreaterThanOrEquals", &f.greater_than_or_equals),
        (Op::LessThan, "LessThan", &f.less_than),
        (Op::LessThanOrEquals, "LessThanOrEquals", &f.less_than_or_equals),
    ];
    for (op, name, p) in predicates {
        if let Some(p) = p {
            parts.push(test(op, p, &format!("{path}.{name}.Value"), faults));
        }
    }
    Check::All(parts)
}

fn test(op: Op, p: &Predicate, name: &str, faults: &mut Vec<FieldError>) -> Check {
    let key = p.key.as_str().to_string();
    let kind = kind_of(&key);
    let list = matches!(op, Op::ContainsAny | Op::ContainsAll);
    let values = match (&p.value, kind) {
        (FilterValue::StringValue(s), Kind::Text) => Some(vec![Val::Text(s.clone())]),
        (FilterValue::StringListValue(l), Kind::Text) if list => Some(l.iter().map(|s| Val::Text(s.clone())).collect()),
        (FilterValue::LongValue(n), Kind::Number) => Some(vec![Val::Number(*n)]),
        (FilterValue::DateValue(d), Kind::Date) => Some(vec![Val::Date(d.0)]),
        _ => None,
    };
    let Some(values) = values else {
        let wanted = match kind {
            Kind::Text if list => "a StringValue or a StringListValue",
            Kind::Text => "a StringValue",
            Kind::Number => "a LongValue",
            Kind::Date => "a DateValue",
        };
        faults.push(field(name, Code::InvalidValue, format!("{name}: key {key} takes {wanted} here")));
        return Check::All(Vec::new());
    };
    Check::Test(op, key, values)
}

fn holds(c: &Check, row: &Row) -> bool {
    match c {
        Check::All(parts) => parts.iter().all(|p| holds(p, row)),
        Check::Any(parts) => parts.iter().any(|p| holds(p, row)),
        Check::Not(inner) => !holds(inner, row),
        Check::Test(op, key, wanted) => {
            let have = row.values(key);
            let is = |w: &Val, ord: &dyn Fn(Ordering) -> bool| have.iter().any(|h| compare(h, w).is_some_and(ord));
            match op {
                Op::EqualsTo | Op::ContainsAny => wanted.iter().any(|w| is(w, &Ordering::is_eq)),
                Op::ContainsAll => wanted.iter().all(|w| is(w, &Ordering::is_eq)),
                Op::GreaterThan => wanted.iter().all(|w| is(w, &Ordering::is_gt)),
                Op::GreaterThanOrEquals => wanted.iter().all(|w| is(w, &Ordering::is_ge)),
                Op::LessThan => wanted.iter().all(|w| is(w, &Ordering::is_lt)),
                Op::LessThanOrEquals => wanted.iter().all(|w| is(w, &Ordering::is_le)),
            }
        }
    }
}

/// A position in a search: how many of its sorted rows came before.
#[derive(Serialize, Deserialize)]
struct SearchCursor {
    #[serde(rename = "o")]
    offset: usize,
}

pub fn search_engagements(
    ctx: &mut Ctx<'_>,
    req: selling::SearchEngagementsRequest,
) -> OpResult<selling::SearchEngagementsResponse> {
    let mut faults = Vec::new();
    let check = req.filter.as_ref().map(|f| checked(f, "Filter", &mut faults));
    if !faults.is_empty() {
        return Err(invalid(faults).into());
    }
    let size = page_size(req.max_results, DEFAULT_PAGE);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after: Option<SearchCursor> = binding.resume(req.next_token.as_deref())?;
    let empty = || selling::SearchEngagementsResponse { engagement_search_summaries: Some(vec![]), next_token: None };
    // A GroupId narrows the search to the caller's group's engagements.
    let identifiers = match &req.group_id {
        Some(g) => {
            let ids = super::groups::group_engagements(ctx, req.catalog, g)?;
            if ids.is_empty() {
                return Ok(empty());
            }
            ids
        }
        None => vec![],
    };
    let query = EngagementQuery {
        catalog: req.catalog,
        member: ctx.caller.account.clone(),
        identifiers,
        created_by: vec![],
        exclude_created_by: vec![],
        context_types: vec![],
        exclude_context_types: vec![],
        descending: true,
        after: None,
        limit: usize::MAX,
    };
    let mut rows = Vec::new();
    for e in ctx.tx.list_engagements(&query)? {
        let members = ctx.tx.engagement_members(e.catalog, &e.id, None, usize::MAX)?;
        rows.push(Row { e, members: members.iter().map(|m| m.account.to_string()).collect() });
    }
    rows.retain(|r| {
        req.keyword.as_deref().is_none_or(|k| r.has_keyword(k)) && check.as_ref().is_none_or(|c| holds(c, r))
    });
    let (sort_by, descending) = match &req.sort {
        Some(s) => (s.sort_by.as_str(), s.sort_order == SortOrder::Descending),
        None => ("CreatedAt", true),
    };
    rows.sort_by(|a, b| {
        let (x, y) = (a.values(sort_by), b.values(sort_by));
        // Rows without a value come last in either order; ties go by id.
        let by_value = match (x.first(), y.first()) {
            (Some(x), Some(y)) => {
                let o = compare(x, y).unwrap_or(Ordering::Equal);
                if descending {
                    o.reverse()
                } else {
                    o
                }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_value.then_with(|| a.e.id.as_str().cmp(b.e.id.as_str()))
    });
    let skip = after.map_or(0, |c| c.offset);
    let numbered: Vec<(usize, Row)> = rows.into_iter().enumerate().skip(skip).take(size + 1).collect();
    let (page, next_token) = binding.page(numbered, size, |(i, _)| SearchCursor { offset: i + 1 })?;
    let mut summaries = Vec::with_capacity(page.len());
    for (_, row) in &page {
        let mut v = view(ctx, &row.e)?;
        if let Some(contexts) = v.get_mut("Contexts").and_then(Value::as_array_mut) {
            contexts.truncate(SUMMARY_CONTEXTS);
        }
        summaries.push(output::<selling::EngagementSearchSummary>(v)?);
    }
    Ok(selling::SearchEngagementsResponse { engagement_search_summaries: Some(summaries), next_token })
}
