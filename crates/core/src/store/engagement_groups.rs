//! Engagement groups of the Selling API, which AWS's side (the admin API) makes.

use pcentral_model::{AccountId, Catalog};

use super::StoreError;
use crate::records::{EngagementGroup, EngagementGroupId};

/// Engagement groups inside one transaction.
pub trait EngagementGroupsTx {
    fn engagement_group(
        &mut self,
        catalog: Catalog,
        id: &EngagementGroupId,
    ) -> Result<Option<EngagementGroup>, StoreError>;
    /// Store a new group; an id already stored in its catalog is `StoreError::Conflict`.
    fn insert_engagement_group(&mut self, group: &EngagementGroup) -> Result<(), StoreError>;
    /// Delete the group; answers whether there was one.
    fn delete_engagement_group(&mut self, catalog: Catalog, id: &EngagementGroupId) -> Result<bool, StoreError>;
    /// Every group curated for `account` in `catalog`, by id.
    fn engagement_groups(&mut self, catalog: Catalog, account: &AccountId) -> Result<Vec<EngagementGroup>, StoreError>;
}
