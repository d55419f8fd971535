//! Partner solutions of the Selling API: ListSolutions
//! (docs/behaviour.md#solutions). A solution belongs to the account that
//! registered it, in its catalog; partners register solutions outside the
//! API, so pcentral's come from fixtures.

use pcentral_model::selling::{self, SortOrder};
use pcentral_model::{SolutionId, Timestamp};

use crate::ctx::Ctx;
use crate::pagination::{self, Binding};
use crate::records::{solution_sort_value, text_key, Solution, SolutionSortName};
use crate::store::{OpResult, OpportunityCursor, SolutionQuery};

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
    let rows = ctx.tx.list_solutions(&query)?;
    let (page, next_token) = binding.page(rows, size, |last| OpportunityCursor {
        value: solution_sort_value(sort, last),
        id: last.id.as_str().to_string(),
    })?;
    Ok(selling::ListSolutionsResponse { solution_summaries: page.into_iter().map(summary).collect(), next_token })
}
