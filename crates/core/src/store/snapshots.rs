//! Resource snapshots of the Selling API and the engagement-resource
//! associations they make, with the queries of their lists.

use pcentral_model::{AccountId, Catalog, EngagementId, OpportunityId, ResourceSnapshotJobId};

use crate::records::{EngagementResource, ResourceSnapshot, ResourceSnapshotJob, ResourceType};
use crate::store::{EngagementCursor, StoreError};

/// Resource snapshots inside one transaction.
pub trait SnapshotsTx {
    /// The snapshot `revision` of a resource with a template in an
    /// engagement; without a revision, the latest.
    fn resource_snapshot(
        &mut self,
        key: &SnapshotKey,
        revision: Option<i64>,
    ) -> Result<Option<ResourceSnapshot>, StoreError>;
    /// Store a new snapshot; a revision already stored is `StoreError::Conflict`
    /// (the call runs again and takes the next one).
    fn insert_resource_snapshot(&mut self, snapshot: &ResourceSnapshot) -> Result<(), StoreError>;
    /// One page of an engagement's snapshots `query` selects, oldest first.
    fn list_resource_snapshots(&mut self, query: &SnapshotQuery) -> Result<Vec<ResourceSnapshot>, StoreError>;
    /// Associate a resource with an engagement; answers `false` when it already was.
    fn insert_engagement_resource(&mut self, association: &EngagementResource) -> Result<bool, StoreError>;
    /// One page of the associations `query` selects, oldest first.
    fn list_engagement_resources(&mut self, query: &AssociationQuery) -> Result<Vec<EngagementResource>, StoreError>;
    fn resource_snapshot_job(
        &mut self,
        catalog: Catalog,
        id: &ResourceSnapshotJobId,
    ) -> Result<Option<ResourceSnapshotJob>, StoreError>;
    /// Store a new job; an id already stored is `StoreError::Conflict`.
    fn insert_resource_snapshot_job(&mut self, job: &ResourceSnapshotJob) -> Result<(), StoreError>;
    /// Replace the stored job; answers whether it was there.
    fn update_resource_snapshot_job(&mut self, job: &ResourceSnapshotJob) -> Result<bool, StoreError>;
    /// Delete a job; answers whether it was there.
    fn delete_resource_snapshot_job(
        &mut self,
        catalog: Catalog,
        id: &ResourceSnapshotJobId,
    ) -> Result<bool, StoreError>;
    /// The jobs `account` made in `catalog`, oldest first.
    fn resource_snapshot_jobs(
        &mut self,
        catalog: Catalog,
        account: &AccountId,
    ) -> Result<Vec<ResourceSnapshotJob>, StoreError>;
    /// Up to `limit` running jobs whose opportunity changed after the last
    /// change they looked at, the longest waiting first.
    fn changed_snapshot_jobs(&mut self, limit: usize) -> Result<Vec<ResourceSnapshotJob>, StoreError>;
}

/// What names one resource's snapshots in an engagement.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotKey {
    pub catalog: Catalog,
    pub engagement_id: EngagementId,
    pub resource_type: ResourceType,
    pub resource_id: OpportunityId,
    pub template: String,
}

/// One page of an engagement's snapshots; `None` filters select everything.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotQuery {
    pub catalog: Catalog,
    pub engagement_id: EngagementId,
    pub resource_type: Option<ResourceType>,
    pub resource_id: Option<OpportunityId>,
    pub template: Option<String>,
    pub created_by: Option<AccountId>,
    /// The creation time and list key of the last snapshot of the previous page.
    pub after: Option<EngagementCursor>,
    pub limit: usize,
}

/// One page of the associations of the engagements `member` belongs to;
/// `None` filters select everything.
#[derive(Debug, Clone, PartialEq)]
pub struct AssociationQuery {
    pub catalog: Catalog,
    pub member: AccountId,
    pub engagement_id: Option<EngagementId>,
    pub resource_type: Option<ResourceType>,
    pub resource_id: Option<OpportunityId>,
    pub created_by: Option<AccountId>,
    /// The creation time and list key of the last association of the previous page.
    pub after: Option<EngagementCursor>,
    pub limit: usize,
}
