//! Partner solutions of the Selling API: ListSolutions
//! (docs/behaviour.md#solutions). A solution belongs to the account that
//! registered it, in its catalog; partners register solutions outside the
//! API, so pcentral's come from fixtures. Every account's Sandbox catalog
//! also has the built-in Sandbox test solution, which is never stored: each
//! page the store reads is merged with it here, in the page's order.

use std::cmp::Ordering;

use pcentral_model::errors::ApiError;
use pcentral_model::selling::{self, SortOrder};
use pcentral_model::{Catalog, SolutionId, Timestamp};

use crate::ctx::Ctx;
use crate::pagination::{self, Binding};
use crate::records::{sandbox_test_solution, solution_sort_value, text_key, Solution, SolutionSortName, SortValue};
use crate::store::{OpResult, OpportunityCursor, SolutionQuery, Tx};

fn summary(s: Solution) -> selling::SolutionBase {
    selling::SolutionBase {
        catalog: s.catalog,
        id: s.id.as_str().to_string(),
        arn: None,
        name: s.name,
        status: s.status,
        category: s.category,
        created_date: Timestamp(s.created_at),
        aws_marketplace_solution_arn: s.aws_marketplace_solution_arn,
    }
}

pub fn list_solutions(
    ctx: &mut Ctx<'_>,
    req: selling::ListSolutionsRequest,
) -> OpResult<selling::ListSolutionsResponse> {
    let size = pagination::selling_page_size(req.max_results);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after: Option<OpportunityCursor> = binding.resume(req.next_token.as_deref())?;
    // The model documents Identifier as the default key; ascending unless told.
    let (sort, descending) = match &req.sort {
        Some(s) => (s.sort_by, s.sort_order == SortOrder::Descending),
        None => (SolutionSortName::Identifier, false),
    };
    // The model checked every identifier's pattern.
    let identifiers: Vec<SolutionId> =
        req.identifier.iter().flatten().filter_map(|id| SolutionId::parse(id).ok()).collect();
    let query = SolutionQuery {
        catalog: req.catalog,
        owner: ctx.caller.account.clone(),
        identifiers,
        statuses: req.status.clone().unwrap_or_default(),
        category_keys: req.category.iter().flatten().map(|c| text_key(c)).collect(),
        marketplace_arns: req.aws_marketplace_solution_arn.clone().unwrap_or_default(),
        sort,
        descending,
        after,
        limit: size + 1,
    };
    let mut rows = ctx.tx.list_solutions(&query)?;
    merge_test_solution(ctx.tx, &query, &mut rows)?;
    let (page, next_token) = binding.page(rows, size, |last| OpportunityCursor {
        value: solution_sort_value(sort, last),
        id: last.id.as_str().to_string(),
    })?;
    Ok(selling::ListSolutionsResponse { solution_summaries: page.into_iter().map(summary).collect(), next_token })
}

/// Put the Sandbox test solution into `rows` (the `query.limit` or fewer rows
/// the store selected, in order) where `query` would have selected it: in
/// the Sandbox, past the cursor, matching every filter. A solution stored
/// under its id (only in a database seeded before the id was reserved)
/// takes its place.
fn merge_test_solution(tx: &mut dyn Tx, query: &SolutionQuery, rows: &mut Vec<Solution>) -> OpResult<()> {
    if query.catalog != Catalog::Sandbox {
        return Ok(());
    }
    let test = sandbox_test_solution(query.owner.clone()).map_err(|e| ApiError::internal(e.to_string()))?;
    let selected = (query.identifiers.is_empty() || query.identifiers.contains(&test.id))
        && (query.statuses.is_empty() || query.statuses.contains(&test.status))
        && (query.category_keys.is_empty() || query.category_keys.contains(&text_key(&test.category)))
        // It has no Marketplace solution, so no ARN filter selects it.
        && query.marketplace_arns.is_empty();
    if !selected {
        return Ok(());
    }
    let value = solution_sort_value(query.sort, &test);
    let order = |other_value: &SortValue, other_id: &str| {
        list_order(query, (&value, test.id.as_str()), (other_value, other_id))
    };
    if query.after.as_ref().is_some_and(|c| order(&c.value, &c.id) != Ordering::Greater) {
        return Ok(());
    }
    let at = rows
        .iter()
        .position(|r| order(&solution_sort_value(query.sort, r), r.id.as_str()) == Ordering::Less)
        .unwrap_or(rows.len());
    if at >= query.limit || tx.solution(Catalog::Sandbox, &test.id)?.is_some() {
        return Ok(());
    }
    rows.insert(at, test);
    rows.truncate(query.limit);
    Ok(())
}

/// The order of two (sort value, id) keys in the list `query` reads, as the
/// store orders its rows: by identifier alone in the direction asked, or by
/// the sort column in the direction asked and then by identifier ascending.
fn list_order(query: &SolutionQuery, a: (&SortValue, &str), b: (&SortValue, &str)) -> Ordering {
    let directed = |o: Ordering| if query.descending { o.reverse() } else { o };
    if query.sort == SolutionSortName::Identifier {
        return directed(a.1.cmp(b.1));
    }
    let by_value = match (a.0, b.0) {
        (SortValue::Int(x), SortValue::Int(y)) => x.cmp(y),
        (SortValue::Text(x), SortValue::Text(y)) => x.cmp(y),
        (SortValue::Int(_), SortValue::Text(_)) => Ordering::Less,
        (SortValue::Text(_), SortValue::Int(_)) => Ordering::Greater,
    };
    directed(by_value).then_with(|| a.1.cmp(b.1))
}
