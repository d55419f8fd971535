//! What a StartProspectingFromEngagementTask task holds besides what every
//! Selling task does (docs/behaviour.md#prospecting-tasks): its name and,
//! per engagement, the outcome AWS's side (the admin API) reports.

use pcentral_model::{EngagementId, Millis};
use serde::{Deserialize, Serialize};

pub use pcentral_model::selling::ProspectingTaskStatus;

/// A prospecting task's own part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prospecting {
    pub name: String,
    /// One per engagement named at start, in the order given.
    pub engagements: Vec<ProspectOutcome>,
    /// When the last engagement's outcome came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Millis>,
}

/// One engagement of a prospecting task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProspectOutcome {
    pub engagement_id: EngagementId,
    /// `IN_PROGRESS` until AWS's side answers, then `COMPLETED` or `FAILED`.
    pub status: ProspectingTaskStatus,
    /// The ProspectingResult context the result was stored as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_id: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}
