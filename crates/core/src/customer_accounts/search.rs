//! SearchCustomerAccounts and GetCustomerAccountStatistics: the caller's
//! customer accounts in one catalog, through one [`filter`](super::filter).
//!
//! The store hands accounts over in the sort's order from a keyset
//! position, a batch at a time; the filter is matched here, and a page ends
//! at its size, so the next page's token holds the position of the last
//! account shown.

use std::collections::BTreeMap;

use pcentral_model::selling::{
    self, AggregationResult, AwsEnrichmentCustomerSummary, AwsEnrichmentInsightsSummary, AwsEnrichmentSummary, Bucket,
    Filter, SortOrder,
};
use pcentral_model::{Catalog, Timestamp};

use super::filter::{check, group_values, matches};
use super::{arn, CustomerAccount};
use crate::ctx::Ctx;
use crate::opportunities::document::invalid;
use crate::pagination::{self, Binding};
use crate::records::{customer_account_sort_value, CustomerAccountSortName, EnrichmentStatus};
use crate::store::{CustomerAccountQuery, OpResult, OpportunityCursor};

/// How many accounts one store read hands over.
const BATCH: usize = 200;

/// At most this many buckets per aggregation (the model's `BucketList`); the rest is `OtherCount`.
const MAX_BUCKETS: usize = 100;

/// The position of `a` in the order of `sort`.
fn cursor(sort: CustomerAccountSortName, a: &CustomerAccount) -> OpportunityCursor {
    OpportunityCursor { value: customer_account_sort_value(sort, a), id: a.id.to_string() }
}

/// Refuse a filter that does not [`check`].
fn checked(filter: Option<&Filter>) -> OpResult<()> {
    let faults = filter.map(|f| check(f, "Filter")).unwrap_or_default();
    if faults.is_empty() {
        Ok(())
    } else {
        Err(invalid(faults).into())
    }
}

/// Up to `want` of the caller's accounts in `catalog` that match `filter`,
/// in the order of `sort`, after `after`.
fn matching(
    ctx: &mut Ctx<'_>,
    catalog: Catalog,
    filter: Option<&Filter>,
    sort: CustomerAccountSortName,
    descending: bool,
    mut after: Option<OpportunityCursor>,
    want: usize,
) -> OpResult<Vec<CustomerAccount>> {
    let mut found = Vec::new();
    loop {
        let query = CustomerAccountQuery {
            catalog,
            owner: ctx.caller.account.clone(),
            sort,
            descending,
            after: after.take(),
            limit: BATCH,
        };
        let batch = ctx.tx.customer_accounts(&query)?;
        let full = batch.len() == BATCH;
        after = batch.last().map(|a| cursor(sort, a));
        for a in batch {
            if filter.is_none_or(|f| matches(f, &a)) {
                found.push(a);
                if found.len() == want {
                    return Ok(found);
                }
            }
        }
        if !full {
            return Ok(found);
        }
    }
}

/// The summary SearchCustomerAccounts shows of `a`.
fn summary(region: &str, a: CustomerAccount) -> selling::CustomerAccountSummary {
    let enrichment = a.enrichment.as_ref().filter(|_| a.enrichment_status == EnrichmentStatus::Enriched);
    let aws_enrichment = enrichment.map(|e| AwsEnrichmentSummary {
        customer: e.customer.as_ref().map(|c| AwsEnrichmentCustomerSummary {
            industry: c.industry.clone(),
            account_planning_qualification: c.customer_account_planning_qualification.clone(),
            eligible_programs: c.eligible_programs.clone(),
            geo: c.geo.clone(),
            country: c.country.clone(),
            segment: c.segment.clone(),
        }),
        insights: e.insights.as_ref().map(|i| AwsEnrichmentInsightsSummary {
            marketplace_engagement_score: i.marketplace_engagement_score.clone(),
            solution_category: i.solution_category.clone(),
            solution_score: i.solution_score.clone(),
        }),
    });
    selling::CustomerAccountSummary {
        arn: arn(region, &a),
        id: a.id.to_string(),
        catalog: a.catalog,
        enrichment_status: a.enrichment_status,
        partner_account_identifier: a.partner_account_identifier,
        created_date: Timestamp(a.created_at),
        last_modified_date: Timestamp(a.last_modified),
        customer_account: selling::CustomerAccountDetailsSummary { company_name: a.account.company_name },
        aws_enrichment,
    }
}

pub fn search_customer_accounts(
    ctx: &mut Ctx<'_>,
    req: selling::SearchCustomerAccountsRequest,
) -> OpResult<selling::SearchCustomerAccountsResponse> {
    checked(req.filter.as_ref())?;
    let size = pagination::selling_page_size(req.max_results);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after: Option<OpportunityCursor> = binding.resume(req.next_token.as_deref())?;
    let (sort, descending) = match &req.sort {
        Some(s) => (s.sort_by, s.sort_order == SortOrder::Descending),
        None => (CustomerAccountSortName::LastModifiedDate, true),
    };
    let rows = matching(ctx, req.catalog, req.filter.as_ref(), sort, descending, after, size + 1)?;
    let (page, next_token) = binding.page(rows, size, |last| cursor(sort, last))?;
    let region = ctx.caller.region.clone();
    let customer_account_summaries = page.into_iter().map(|a| summary(&region, a)).collect();
    Ok(selling::SearchCustomerAccountsResponse { customer_account_summaries, next_token })
}

pub fn get_customer_account_statistics(
    ctx: &mut Ctx<'_>,
    req: selling::GetCustomerAccountStatisticsRequest,
) -> OpResult<selling::GetCustomerAccountStatisticsResponse> {
    checked(req.filter.as_ref())?;
    let all =
        matching(ctx, req.catalog, req.filter.as_ref(), CustomerAccountSortName::CreatedDate, false, None, usize::MAX)?;
    let include_missing = req.include_missing.unwrap_or(false);
    let aggregations = req.aggregations.map(|requests| {
        requests
            .into_iter()
            .map(|r| {
                let mut counts: BTreeMap<String, i64> = BTreeMap::new();
                for a in &all {
                    let mut values: Vec<String> = Vec::new();
                    for key in &r.group_by {
                        values.extend(group_values(a, *key));
                    }
                    values.sort();
                    values.dedup();
                    if values.is_empty() && include_missing {
                        // An account without a value counts in the bucket of the empty value.
                        values.push(String::new());
                    }
                    for v in values {
                        *counts.entry(v).or_default() += 1;
                    }
                }
                let mut buckets: Vec<(String, i64)> = counts.into_iter().collect();
                buckets.sort_by(|(va, ca), (vb, cb)| cb.cmp(ca).then_with(|| va.cmp(vb)));
                let other_count = buckets.iter().skip(MAX_BUCKETS).map(|(_, c)| c).sum();
                buckets.truncate(MAX_BUCKETS);
                AggregationResult {
                    group_by: r.group_by,
                    buckets: buckets.into_iter().map(|(v, count)| Bucket { values: vec![v], count }).collect(),
                    other_count,
                }
            })
            .collect()
    });
    Ok(selling::GetCustomerAccountStatisticsResponse {
        total_count: i64::try_from(all.len()).unwrap_or(i64::MAX),
        aggregations,
    })
}
