//! The stored resource snapshots of the Selling API
//! (docs/behaviour.md#resource-snapshots): immutable copies of an
//! opportunity taken in an engagement, one revision after another, and the
//! association of the snapshotted resource with the engagement.

use pcentral_model::{AccountId, Catalog, EngagementId, Millis, OpportunityId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use pcentral_model::selling::ResourceType;

/// The one snapshot template pcentral knows: an opportunity's summary
/// (the `OpportunitySummary` member of the payload union).
pub const OPPORTUNITY_SUMMARY: &str = "OpportunitySummary";

/// One revision of a resource's snapshot in an engagement, taken with one template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceSnapshot {
    pub catalog: Catalog,
    pub engagement_id: EngagementId,
    pub resource_type: ResourceType,
    pub resource_id: OpportunityId,
    pub template: String,
    /// 1, 2, … per engagement, resource and template.
    pub revision: i64,
    /// The account that owns the resource and took the snapshot.
    pub created_by: AccountId,
    pub created_at: Millis,
    /// The `Payload` union as on the wire (`{"OpportunitySummary": {...}}`).
    pub payload: Value,
}

impl ResourceSnapshot {
    /// The position of the snapshot in its engagement's list after its creation time.
    pub fn list_key(&self) -> String {
        format!("{}/{}/{}/{:010}", self.resource_type.as_str(), self.resource_id, self.template, self.revision)
    }
}

/// A resource associated with an engagement: by its first snapshot there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngagementResource {
    pub catalog: Catalog,
    pub engagement_id: EngagementId,
    pub resource_type: ResourceType,
    pub resource_id: OpportunityId,
    /// The resource's owner.
    pub created_by: AccountId,
    pub created_at: Millis,
}

impl EngagementResource {
    /// The position of the association in a list after its creation time.
    pub fn list_key(&self) -> String {
        format!("{}/{}/{}", self.engagement_id, self.resource_type.as_str(), self.resource_id)
    }
}

pub use pcentral_model::selling::ResourceSnapshotJobStatus as SnapshotJobStatus;

/// A resource snapshot job: while `Running`, it snapshots its resource in
/// its engagement whenever the resource changed, as the account that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceSnapshotJob {
    pub catalog: Catalog,
    pub id: pcentral_model::ResourceSnapshotJobId,
    pub engagement_id: EngagementId,
    pub resource_type: ResourceType,
    pub resource_id: OpportunityId,
    pub template: String,
    /// The account that made the job (the resource's owner), the only one that sees it.
    pub account: AccountId,
    /// Region and base URL of the creating request (the ARNs, and the snapshots the job takes).
    pub region: String,
    pub endpoint: String,
    pub created_at: Millis,
    pub status: SnapshotJobStatus,
    /// The resource's last modification the job has looked at (0: none yet).
    pub checked_modified: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_success: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<(String, String)>,
}
