//! A partner solution of the Selling API (docs/behaviour.md#solutions): what
//! ListSolutions lists and opportunities associate. Partners register
//! solutions outside the API, so they come from fixtures, except the Sandbox
//! test solution, which every account's Sandbox catalog has built in.

use pcentral_model::{AccountId, Catalog, IdError, Millis, SolutionId};
use serde::{Deserialize, Serialize};

pub use pcentral_model::selling::{SolutionSortName, SolutionStatus};

use super::{text_key, SortValue};

/// A solution, registered by one account in one catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Solution {
    pub catalog: Catalog,
    pub id: SolutionId,
    /// The account that registered it (the only one that lists it).
    pub owner: AccountId,
    pub name: String,
    pub status: SolutionStatus,
    /// Free text, such as `Software Product` or `Consulting Service`.
    pub category: String,
    pub created_at: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_marketplace_solution_arn: Option<String>,
}

/// The id of the Sandbox test solution: pcentral's own (AWS's Sandbox guide
/// names none that could be found), the one place it is written.
pub const SANDBOX_TEST_SOLUTION_ID: &str = "S-9999999";

/// The Sandbox test solution's fixed creation time: 2024-01-01T00:00:00Z.
pub const SANDBOX_TEST_SOLUTION_CREATED: Millis = 1_704_067_200_000;

/// Whether a solution of `catalog` with `id` would be the built-in Sandbox
/// test solution (which a fixture may not store).
pub fn is_sandbox_test_solution(catalog: Catalog, id: &SolutionId) -> bool {
    catalog == Catalog::Sandbox && id.as_str() == SANDBOX_TEST_SOLUTION_ID
}

/// The Sandbox test solution as `owner` sees it: every account's Sandbox
/// catalog lists it (docs/behaviour.md#solutions). It is never stored.
pub fn sandbox_test_solution(owner: AccountId) -> Result<Solution, IdError> {
    Ok(Solution {
        catalog: Catalog::Sandbox,
        id: SolutionId::parse(SANDBOX_TEST_SOLUTION_ID)?,
        owner,
        name: "pcentral Sandbox test solution".to_string(),
        status: SolutionStatus::Active,
        category: "Software Product".to_string(),
        created_at: SANDBOX_TEST_SOLUTION_CREATED,
        aws_marketplace_solution_arn: None,
    })
}

/// The value of `s` in the column a ListSolutions sort orders by.
pub fn solution_sort_value(key: SolutionSortName, s: &Solution) -> SortValue {
    match key {
        SolutionSortName::Identifier => SortValue::Text(s.id.as_str().to_string()),
        SolutionSortName::Name => SortValue::Text(text_key(&s.name)),
        SolutionSortName::Status => SortValue::Text(s.status.as_str().to_string()),
        SolutionSortName::Category => SortValue::Text(text_key(&s.category)),
        SolutionSortName::Createddate => SortValue::Int(s.created_at),
    }
}
