//! The stored engagement of the Selling API (docs/behaviour.md#engagements):
//! the engagement itself, its contexts, and who is a member of it.

use pcentral_model::{AccountId, Catalog, EngagementId, Millis};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use pcentral_model::selling::EngagementContextType as ContextType;

/// One context of an engagement: its number in the engagement (`1`, `2`,
/// ...), its type and its payload as on the wire (the union member, e.g.
/// `{"CustomerProject": {...}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngagementContext {
    pub id: u16,
    pub context_type: ContextType,
    pub payload: Value,
}

/// An engagement. Its members are stored apart ([`EngagementMembership`]):
/// the engagement's record never lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Engagement {
    pub catalog: Catalog,
    pub id: EngagementId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub created_at: Millis,
    pub created_by: AccountId,
    /// Service time of the last change: the optimistic-concurrency token of
    /// UpdateEngagementContext (`EngagementLastModifiedAt`).
    pub modified_at: Millis,
    pub modified_by: AccountId,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contexts: Vec<EngagementContext>,
}

impl Engagement {
    /// The context types the engagement holds, in context order, each once.
    pub fn context_types(&self) -> Vec<ContextType> {
        let mut types: Vec<ContextType> = Vec::new();
        for c in &self.contexts {
            if !types.contains(&c.context_type) {
                types.push(c.context_type);
            }
        }
        types
    }
}

/// An account's membership of an engagement, from the time it joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementMembership {
    pub catalog: Catalog,
    pub engagement_id: EngagementId,
    pub account: AccountId,
    pub joined_at: Millis,
}
