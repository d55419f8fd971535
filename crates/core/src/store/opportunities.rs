//! Opportunities of the Selling API, with the query of their list.

use pcentral_model::{AccountId, Catalog, Millis, OpportunityId};
use serde::{Deserialize, Serialize};

use crate::records::{Opportunity, OpportunitySortName, ReviewStatus, SortValue, Stage};
use crate::store::StoreError;

/// Opportunities inside one transaction.
pub trait OpportunitiesTx {
    fn opportunity(&mut self, catalog: Catalog, id: &OpportunityId) -> Result<Option<Opportunity>, StoreError>;
    /// Store a new opportunity; an id already stored in its catalog is
    /// `StoreError::Conflict` (the call runs again with fresh ids).
    fn insert_opportunity(&mut self, opportunity: &Opportunity) -> Result<(), StoreError>;
    /// Replace the stored opportunity if its `last_modified` is still
    /// `expected`; answers whether it did (`false`: another write came first).
    fn update_opportunity(&mut self, opportunity: &Opportunity, expected: Millis) -> Result<bool, StoreError>;
    /// One page of the opportunities `query` selects, in its order.
    fn list_opportunities(&mut self, query: &OpportunityQuery) -> Result<Vec<Opportunity>, StoreError>;
}

/// A position in an opportunity list: the sort value and id of the last
/// item of the previous page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityCursor {
    #[serde(rename = "v")]
    pub value: SortValue,
    #[serde(rename = "i")]
    pub id: String,
}

/// One page of an owner's opportunities in one catalog. Empty lists and
/// absent bounds select everything; "after" bounds are inclusive, "before"
/// bounds exclusive.
#[derive(Debug, Clone, PartialEq)]
pub struct OpportunityQuery {
    pub catalog: Catalog,
    pub owner: AccountId,
    pub identifiers: Vec<OpportunityId>,
    pub stages: Vec<Stage>,
    pub review_statuses: Vec<ReviewStatus>,
    /// Company names as [`crate::records::text_key`] writes them.
    pub company_keys: Vec<String>,
    pub modified_after: Option<Millis>,
    pub modified_before: Option<Millis>,
    pub created_after: Option<Millis>,
    pub created_before: Option<Millis>,
    /// `YYYY-MM-DD`.
    pub close_after: Option<String>,
    pub close_before: Option<String>,
    pub sort: OpportunitySortName,
    pub descending: bool,
    pub after: Option<OpportunityCursor>,
    pub limit: usize,
}
