//! SearchOpportunities (docs/behaviour.md#searchopportunities): the
//! caller's opportunities in one catalog, through the shared filter-tree
//! engine ([`crate::search`]), a keyword, and any of the model's sort keys.
//!
//! The list query orders by five indexed columns only, so a search reads
//! the caller's opportunities of the catalog a batch at a time (the list's
//! keyset scan), keeps those that match, and sorts them here; a page token
//! holds the (sort value, id) position of the last opportunity shown, bound
//! to the request and caller like every list token. The cost: each page
//! reads all the caller's opportunities of the catalog.

use std::cmp::Ordering;

use pcentral_model::selling::{
    self, OpportunitySearchFilter, OpportunitySearchFilterName as Key, OpportunitySearchFilterValue as Value,
    OpportunitySearchSortName as SortName, SortOrder,
};
use pcentral_model::timestamp;
use serde_json::json;

use super::document::{output, view_json};
use crate::ctx::Ctx;
use crate::opportunities::document::invalid;
use crate::pagination::{self, Binding};
use crate::records::{sort_value, Opportunity, OpportunitySortName, Origin, RelatedEntityType, SortValue};
use crate::search::{self, Given, Held, Kind, Node};
use crate::store::{OpResult, OpportunityCursor, OpportunityQuery};

/// How many opportunities one store read hands over.
const BATCH: usize = 200;

impl Node for OpportunitySearchFilter {
    type Key = Key;

    search::filter_tree!(given);

    fn kind(key: Key) -> Kind {
        match key {
            Key::Lastmodifieddate | Key::Createddate | Key::Targetclosedate => Kind::Date,
            Key::Apnprograms | Key::Tags | Key::Offerid | Key::Offersetid | Key::Awsmarketplacesolution => Kind::Many,
            Key::Estimatedmrr => Kind::Number,
            _ => Kind::Text,
        }
    }

    fn key_name(key: Key) -> String {
        key.as_str().to_string()
    }
}

fn related(o: &Opportunity, kind: RelatedEntityType) -> Vec<String> {
    o.related.get(&kind).cloned().unwrap_or_default()
}

/// The first expected customer spend's amount (the monthly recurring revenue the partner estimated).
fn estimated_mrr(o: &Opportunity) -> Option<String> {
    let spend = o.body.project.as_ref().and_then(|p| p.expected_customer_spend.as_ref());
    spend.and_then(|s| s.first()).and_then(|s| s.amount.clone())
}

/// What `o` holds for the filter key `key`.
fn held(o: &Opportunity, key: Key) -> Held {
    let text = |s: Option<&str>| Held::Text(s.map(str::to_string));
    let account = o.body.customer.as_ref().and_then(|c| c.account.as_ref());
    match key {
        Key::Opportunityid => text(Some(o.id.as_str())),
        Key::Stage => text(o.stage.map(|s| s.as_str())),
        Key::Reviewstatus => text(o.review_status.map(|s| s.as_str())),
        Key::Customercompanyname => Held::Text(o.customer_company_name.clone()),
        Key::Lastmodifieddate => Held::Date(Some(o.last_modified)),
        Key::Createddate => Held::Date(Some(o.created_at)),
        Key::Targetclosedate => {
            Held::Date(o.target_close_date.as_ref().and_then(|d| timestamp::parse(&format!("{d}T00:00:00Z"))))
        }
        Key::Countrycode => {
            text(account.and_then(|a| a.address.as_ref()).and_then(|a| a.country_code).map(|c| c.as_str()))
        }
        Key::Partnerprojecttitle => Held::Text(o.title.clone()),
        Key::Opportunitytype => text(o.body.opportunity_type.map(|t| t.as_str())),
        Key::Partneropportunityidentifier => Held::Text(o.body.partner_opportunity_identifier.clone()),
        Key::Industry => text(account.and_then(|a| a.industry).map(|i| i.as_str())),
        Key::Awsaccountid => Held::Text(account.and_then(|a| a.aws_account_id.clone())),
        Key::Apnprograms => {
            Held::Many(o.body.project.as_ref().and_then(|p| p.apn_programs.clone()).unwrap_or_default())
        }
        Key::Origin => text(Some(o.origin.as_str())),
        // A tag is matched as `Key=Value`.
        Key::Tags => Held::Many(o.tags.iter().map(|(k, v)| format!("{k}={v}")).collect()),
        Key::Nextstep => Held::Text(o.body.life_cycle.as_ref().and_then(|l| l.next_steps.clone())),
        Key::Offerid => Held::Many(related(o, RelatedEntityType::Awsmarketplaceoffers)),
        Key::Offersetid => Held::Many(related(o, RelatedEntityType::Awsmarketplaceoffersets)),
        Key::Awsmarketplacesolution => Held::Many(related(o, RelatedEntityType::Awsmarketplacesolutions)),
        // The owner AssignOpportunity named, by email.
        Key::Opportunityowner => Held::Text(o.assignee.as_ref().map(|a| a.email.clone())),
        Key::Estimatedmrr => Held::Text(estimated_mrr(o)),
        // AWS's co-sell motion and engagement score: pcentral's AWS side sets neither.
        Key::Cosellmotion | Key::Engagementscore => Held::Text(None),
    }
}

/// The filter key a sort key orders by.
fn sort_key(s: SortName) -> Key {
    match s {
        SortName::Opportunityid => Key::Opportunityid,
        SortName::Stage => Key::Stage,
        SortName::Reviewstatus => Key::Reviewstatus,
        SortName::Customercompanyname => Key::Customercompanyname,
        SortName::Lastmodifieddate => Key::Lastmodifieddate,
        SortName::Targetclosedate => Key::Targetclosedate,
        SortName::Createddate => Key::Createddate,
        SortName::Countrycode => Key::Countrycode,
        SortName::Partnerprojecttitle => Key::Partnerprojecttitle,
        SortName::Opportunitytype => Key::Opportunitytype,
        SortName::Partneropportunityidentifier => Key::Partneropportunityidentifier,
        SortName::Industry => Key::Industry,
        SortName::Awsaccountid => Key::Awsaccountid,
        SortName::Origin => Key::Origin,
        SortName::Nextstep => Key::Nextstep,
        SortName::Cosellmotion => Key::Cosellmotion,
        SortName::Opportunityowner => Key::Opportunityowner,
        SortName::Engagementscore => Key::Engagementscore,
        SortName::Estimatedmrr => Key::Estimatedmrr,
        SortName::Tags => Key::Tags,
        SortName::Offerid => Key::Offerid,
        SortName::Offersetid => Key::Offersetid,
        SortName::Apnprograms => Key::Apnprograms,
    }
}

/// The position of `o` in the order of `sort` ([`search::sort_value`]).
pub fn search_sort_value(sort: SortName, o: &Opportunity) -> SortValue {
    let key = sort_key(sort);
    search::sort_value(held(o, key), OpportunitySearchFilter::kind(key))
}

fn compare(a: &OpportunityCursor, b: &OpportunityCursor, descending: bool) -> Ordering {
    search::order((&a.value, &a.id), (&b.value, &b.id), descending)
}

/// Whether `o` holds `keyword` (without regard to case) in its id, title,
/// customer company name or partner opportunity identifier.
fn has_keyword(o: &Opportunity, keyword: &str) -> bool {
    let keyword = keyword.to_lowercase();
    [
        Some(o.id.as_str().to_string()),
        o.title.clone(),
        o.customer_company_name.clone(),
        o.body.partner_opportunity_identifier.clone(),
    ]
    .into_iter()
    .flatten()
    .any(|text| text.to_lowercase().contains(&keyword))
}

/// Every opportunity of the caller in `catalog`, read through the list's keyset scan.
fn all_of_caller(ctx: &mut Ctx<'_>, catalog: pcentral_model::Catalog) -> OpResult<Vec<Opportunity>> {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let query = OpportunityQuery {
            catalog,
            owner: ctx.caller.account.clone(),
            identifiers: vec![],
            stages: vec![],
            review_statuses: vec![],
            company_keys: vec![],
            modified_after: None,
            modified_before: None,
            created_after: None,
            created_before: None,
            close_after: None,
            close_before: None,
            sort: OpportunitySortName::Identifier,
            descending: false,
            after: after.take(),
            limit: BATCH,
        };
        let batch = ctx.tx.list_opportunities(&query)?;
        let full = batch.len() == BATCH;
        after = batch
            .last()
            .map(|o| OpportunityCursor { value: sort_value(OpportunitySortName::Identifier, o), id: o.id.to_string() });
        all.extend(batch);
        if !full {
            return Ok(all);
        }
    }
}

/// The summary SearchOpportunities shows of `o`: the opportunity's view, of
/// which the summary's shape keeps its members, with its tags and origin.
fn summary(ctx: &Ctx<'_>, o: Opportunity) -> OpResult<selling::OpportunitySearchSummary> {
    let tags: Vec<_> = o.tags.iter().map(|(k, val)| json!({"Key": k, "Value": val})).collect();
    // As GetAwsOpportunitySummary: AWS's side exists once submitted, or from the start of an AWS referral.
    let aws_side = (o.submission.is_some() || o.origin == Origin::AwsReferral).then(|| json!({"Origin": o.origin}));
    let mut v = view_json(ctx, o)?;
    if let Some(map) = v.as_object_mut() {
        if !tags.is_empty() {
            map.insert("Tags".into(), json!(tags));
        }
        if let Some(aws_side) = aws_side {
            map.insert("AwsOpportunitySummary".into(), aws_side);
        }
    }
    // The summary's shape keeps what a search shows: the team by name and
    // title (no email or phone), the customer's address by country.
    output(v)
}

pub fn search_opportunities(
    ctx: &mut Ctx<'_>,
    req: selling::SearchOpportunitiesRequest,
) -> OpResult<selling::SearchOpportunitiesResponse> {
    let faults = req.filter.as_ref().map(|f| search::check(f, "Filter")).unwrap_or_default();
    if !faults.is_empty() {
        return Err(invalid(faults).into());
    }
    let size = pagination::selling_page_size(req.max_results);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after: Option<OpportunityCursor> = binding.resume(req.next_token.as_deref())?;
    let (sort, descending) = match &req.sort {
        Some(s) => (s.sort_by, s.sort_order == SortOrder::Descending),
        None => (SortName::Lastmodifieddate, true),
    };
    let position = |o: &Opportunity| OpportunityCursor { value: search_sort_value(sort, o), id: o.id.to_string() };
    let mut rows: Vec<(OpportunityCursor, Opportunity)> = all_of_caller(ctx, req.catalog)?
        .into_iter()
        .filter(|o| req.filter.as_ref().is_none_or(|f| search::matches(f, &|key| held(o, key))))
        .filter(|o| req.keyword.as_deref().is_none_or(|k| has_keyword(o, k)))
        .map(|o| (position(&o), o))
        .filter(|(at, _)| after.as_ref().is_none_or(|a| compare(at, a, descending) == Ordering::Greater))
        .collect();
    rows.sort_by(|(a, _), (b, _)| compare(a, b, descending));
    rows.truncate(size + 1);
    let (page, next_token) = binding.page(rows, size, |(at, _)| at.clone())?;
    let opportunity_search_summaries = page.into_iter().map(|(_, o)| summary(ctx, o)).collect::<OpResult<Vec<_>>>()?;
    Ok(selling::SearchOpportunitiesResponse { opportunity_search_summaries, next_token })
}

/// A condition's value, as the search engine reads it.
fn given(value: &Value) -> Given<'_> {
    match value {
        Value::StringValue(s) => Given::Text(s),
        Value::StringListValue(l) => Given::List(l),
        Value::LongValue(n) => Given::Long(*n),
        Value::DoubleValue(x) => Given::Double(*x),
        Value::DateValue(t) => Given::Date(t.0),
    }
}
