//! A partner solution of the Selling API (docs/behaviour.md#solutions): what
//! ListSolutions lists and opportunities associate. Partners register
//! solutions outside the API, so they come from fixtures.

use pcentral_model::{AccountId, Catalog, Millis, SolutionId};
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
