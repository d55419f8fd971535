//! Partner solutions of the Selling API, with the query of ListSolutions.

use pcentral_model::{AccountId, Catalog, SolutionId};

use crate::records::{Solution, SolutionSortName, SolutionStatus};
use crate::store::{OpportunityCursor, StoreError};

/// Solutions inside one transaction.
pub trait SolutionsTx {
    fn solution(&mut self, catalog: Catalog, id: &SolutionId) -> Result<Option<Solution>, StoreError>;
    /// Store a new solution; an id already stored in its catalog is `StoreError::Conflict`.
    fn insert_solution(&mut self, solution: &Solution) -> Result<(), StoreError>;
    /// One page of the solutions `query` selects, in its order.
    fn list_solutions(&mut self, query: &SolutionQuery) -> Result<Vec<Solution>, StoreError>;
}

/// One page of an owner's solutions in one catalog. Empty lists select everything.
#[derive(Debug, Clone, PartialEq)]
pub struct SolutionQuery {
    pub catalog: Catalog,
    pub owner: AccountId,
    pub identifiers: Vec<SolutionId>,
    pub statuses: Vec<SolutionStatus>,
    /// Categories as [`crate::records::text_key`] writes them.
    pub category_keys: Vec<String>,
    pub marketplace_arns: Vec<String>,
    pub sort: SolutionSortName,
    pub descending: bool,
    /// The sort value and id of the last item of the previous page (the
    /// cursor shape opportunities use).
    pub after: Option<OpportunityCursor>,
    pub limit: usize,
}
