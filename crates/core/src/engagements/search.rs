//! SearchEngagements (docs/behaviour.md#searches): the engagements the
//! caller is a member of, selected by a keyword and a filter tree over the
//! engagement and its Lead and ProspectingResult contexts (through the
//! shared filter-tree engine, [`crate::search`]), sorted by any searchable
//! key, in keyset pages: a page token holds the (sort value, id) position
//! of the last engagement shown, bound to the request and caller.

use std::cmp::Ordering;

use pcentral_model::selling::{
    self, EngagementSearchFilter as Filter, EngagementSearchFilterName as Key,
    EngagementSearchFilterValue as FilterValue, SortOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{page_size, view};
use crate::ctx::Ctx;
use crate::opportunities::document::{invalid, output};
use crate::pagination::Binding;
use crate::records::{ContextType, Engagement, SortValue};
use crate::search::{self, Held, Kind, Node};
use crate::store::{EngagementQuery, OpResult};

/// Page size when `MaxResults` is absent (the model names none; docs/compat.md).
const DEFAULT_PAGE: usize = 20;
/// The most contexts a search summary holds (the model's limit).
const SUMMARY_CONTEXTS: usize = 5;

impl Node for Filter {
    type Key = Key;

    search::filter_tree!(given);

    /// The engagement's id and title are single values; its members and
    /// context types are several, and so is each context key (an engagement
    /// may hold several contexts of a type, a lead several interactions).
    fn kind(key: Key) -> Kind {
        match key {
            Key::Createdat | Key::Lastmodifiedat => Kind::Date,
            Key::Membercount => Kind::Number,
            Key::Engagementid | Key::Title => Kind::Text,
            _ => Kind::Many,
        }
    }

    fn key_name(key: Key) -> String {
        key.as_str().to_string()
    }
}

/// Where a context key reads: the context type and the JSON pointers below its payload member
/// (`*` stands for every element of an array).
fn context_path(key: Key) -> Option<(ContextType, &'static str)> {
    use ContextType::{Lead, Prospectingresult as Prospecting};
    Some(match key {
        Key::Prospectingcustomergeo => (Prospecting, "/Aws/Customer/Geo"),
        Key::Prospectingcustomerregion => (Prospecting, "/Aws/Customer/Region"),
        Key::Prospectingcustomerindustry => (Prospecting, "/Aws/Customer/Industry"),
        Key::Prospectingcustomersegment => (Prospecting, "/Aws/Customer/Segment"),
        Key::Prospectingcustomercountry => (Prospecting, "/Aws/Customer/Country"),
        Key::Prospectingcustomercompanysize => (Prospecting, "/Aws/Customer/CompanySize"),
        Key::Prospectinginsightsmarketplaceengagementscore => (Prospecting, "/Aws/Insights/MarketplaceEngagementScore"),
        Key::Prospectinginsightssolutioncategory => (Prospecting, "/Aws/Insights/SolutionCategory"),
        Key::Prospectinginsightssolutionsubcategory => (Prospecting, "/Aws/Insights/SolutionSubCategory"),
        Key::Leadqualificationstatus => (Lead, "/QualificationStatus"),
        Key::Leadreadinessscore => (Lead, "/Insights/LeadReadinessScore"),
        Key::Leadcustomerindustry => (Lead, "/Customer/Industry"),
        Key::Leadcustomercountrycode => (Lead, "/Customer/Address/CountryCode"),
        Key::Leadcustomerawsmaturity => (Lead, "/Customer/AwsMaturity"),
        Key::Leadcustomermarketsegment => (Lead, "/Customer/MarketSegment"),
        Key::Leadcustomercompanyname => (Lead, "/Customer/CompanyName"),
        Key::Leadinteractionssourcetype => (Lead, "/Interactions/*/SourceType"),
        Key::Leadinteractionscontactfirstname => (Lead, "/Interactions/*/Contact/FirstName"),
        Key::Leadinteractionscontactlastname => (Lead, "/Interactions/*/Contact/LastName"),
        Key::Leadinteractionsusecase => (Lead, "/Interactions/*/Usecase"),
        Key::Leadinteractionssourcename => (Lead, "/Interactions/*/SourceName"),
        Key::Leadinteractionscontactbusinesstitle => (Lead, "/Interactions/*/Contact/BusinessTitle"),
        _ => return None,
    })
}

/// The strings at `path` (with `*` over arrays) below `v`.
fn strings_at(v: &Value, path: &str, out: &mut Vec<String>) {
    match path.split_once("/*") {
        Some((head, rest)) => {
            for item in v.pointer(head).and_then(Value::as_array).into_iter().flatten() {
                strings_at(item, rest, out);
            }
        }
        None => {
            if let Some(s) = v.pointer(path).and_then(Value::as_str) {
                out.push(s.to_string());
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
    /// What the engagement holds for the filter key `key`.
    fn held(&self, key: Key) -> Held {
        let e = &self.e;
        match key {
            Key::Engagementid => Held::Text(Some(e.id.to_string())),
            Key::Title => Held::Text(e.title.clone()),
            Key::Partnerid => Held::Many(self.members.clone()),
            Key::Createdat => Held::Date(Some(e.created_at)),
            Key::Lastmodifiedat => Held::Date(Some(e.modified_at)),
            Key::Membercount => Held::Text(Some(self.members.len().to_string())),
            Key::Contexttype => Held::Many(e.contexts.iter().map(|c| c.context_type.as_str().to_string()).collect()),
            other => {
                let mut out = Vec::new();
                if let Some((kind, path)) = context_path(other) {
                    for c in e.contexts.iter().filter(|c| c.context_type == kind) {
                        if let Some(payload) = c.payload.get(kind.as_str()) {
                            strings_at(payload, path, &mut out);
                        }
                    }
                }
                Held::Many(out)
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

/// A position in a search: the sort value and id of the last engagement shown.
#[derive(Clone, Serialize, Deserialize)]
struct SearchCursor {
    #[serde(rename = "v")]
    value: SortValue,
    #[serde(rename = "i")]
    id: String,
}

pub fn search_engagements(
    ctx: &mut Ctx<'_>,
    req: selling::SearchEngagementsRequest,
) -> OpResult<selling::SearchEngagementsResponse> {
    let faults = req.filter.as_ref().map(|f| search::check(f, "Filter")).unwrap_or_default();
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
    let (sort_by, descending) = match &req.sort {
        Some(s) => (s.sort_by.as_str(), s.sort_order == SortOrder::Descending),
        None => ("CreatedAt", true),
    };
    // Every sort name is also a filter key.
    let sort_key = Key::ALL.into_iter().find(|k| k.as_str() == sort_by);
    let position = |r: &Row| SearchCursor {
        value: sort_key.map_or(SortValue::Int(0), |k| search::sort_value(r.held(k), Filter::kind(k))),
        id: r.e.id.to_string(),
    };
    let is_after = |at: &SearchCursor, a: &SearchCursor| {
        search::order((&at.value, &at.id), (&a.value, &a.id), descending) == Ordering::Greater
    };
    let mut rows = Vec::new();
    for e in ctx.tx.list_engagements(&query)? {
        let members = ctx.tx.engagement_members(e.catalog, &e.id, None, usize::MAX)?;
        let row = Row { e, members: members.iter().map(|m| m.account.to_string()).collect() };
        let wanted = req.keyword.as_deref().is_none_or(|k| row.has_keyword(k))
            && req.filter.as_ref().is_none_or(|f| search::matches(f, &|key| row.held(key)));
        if wanted {
            let at = position(&row);
            if after.as_ref().is_none_or(|a| is_after(&at, a)) {
                rows.push((at, row));
            }
        }
    }
    rows.sort_by(|(a, _), (b, _)| search::order((&a.value, &a.id), (&b.value, &b.id), descending));
    rows.truncate(size + 1);
    let (page, next_token) = binding.page(rows, size, |(at, _)| at.clone())?;
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

search::given_of_union!(FilterValue);
