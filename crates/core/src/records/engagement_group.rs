//! An engagement group of the Selling API (docs/behaviour.md#engagement-groups):
//! a set of engagements AWS curates for one partner account. AWS makes them,
//! so pcentral's come from the admin API (playing AWS's side).

use std::fmt;

use pcentral_model::{AccountId, Catalog, EngagementId, IdError, IdSuffix, Millis};
use serde::{Deserialize, Serialize};

pub use pcentral_model::selling::ReadinessLevel;

/// An engagement group's id: `eng-grp-` and 14 lower-case letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EngagementGroupId(String);

impl EngagementGroupId {
    pub fn parse(s: &str) -> Result<EngagementGroupId, IdError> {
        match s.strip_prefix("eng-grp-") {
            Some(rest) if rest.len() == 14 && rest.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()) => {
                Ok(EngagementGroupId(s.to_string()))
            }
            _ => Err(IdError {
                kind: "engagement group id",
                value: s.to_string(),
                expected: "eng-grp- followed by 14 lower-case letters or digits",
            }),
        }
    }

    /// The id of a fresh suffix: `eng-grp-0` and the suffix (as engagements' ids).
    pub fn with_suffix(suffix: &IdSuffix) -> EngagementGroupId {
        EngagementGroupId(format!("eng-grp-0{}", suffix.as_str().to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EngagementGroupId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        EngagementGroupId::parse(&s)
    }
}

impl From<EngagementGroupId> for String {
    fn from(id: EngagementGroupId) -> String {
        id.0
    }
}

impl fmt::Display for EngagementGroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A group of engagements, offered to one account in one catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngagementGroup {
    pub catalog: Catalog,
    pub id: EngagementGroupId,
    /// The partner account the group is curated for (the only one that lists it).
    pub account: AccountId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_level: Option<ReadinessLevel>,
    /// The engagements in the group, in the order given; those the account
    /// is a member of are the ones it sees (the summary's `Count`).
    pub engagements: Vec<EngagementId>,
    pub updated_at: Millis,
}
