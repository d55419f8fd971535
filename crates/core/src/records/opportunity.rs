//! The stored opportunity of the Selling API (docs/behaviour.md#opportunities).
//!
//! The columns a list filters, sorts or pages on are typed fields here; the
//! rest of what a partner wrote (customer, project, marketing, software
//! revenue, the lifecycle's free text, the team) is the opportunity document
//! `body`: the wire members exactly as UpdateOpportunity last replaced them.

use std::collections::BTreeMap;

use pcentral_model::{AccountId, Catalog, Millis, OpportunityId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use pcentral_model::selling::{
    AssigneeContact, OpportunityOrigin as Origin, OpportunitySortName, RelatedEntityType, ReviewStatus,
    SalesInvolvementType as InvolvementType, Stage, Visibility,
};

/// What SubmitOpportunity recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub involvement_type: InvolvementType,
    pub visibility: Option<Visibility>,
    pub submitted_at: Millis,
}

/// An opportunity, owned by one account in one catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opportunity {
    pub catalog: Catalog,
    pub id: OpportunityId,
    /// The account that created it (the only one that sees it).
    pub owner: AccountId,
    pub created_at: Millis,
    /// Service time of the last change: the optimistic-concurrency token of
    /// UpdateOpportunity (milliseconds, as the wire writes it).
    pub last_modified: Millis,
    pub origin: Origin,
    /// `LifeCycle.ReviewStatus`, and what AWS's review wrote with it
    /// (`ReviewComments`, `ReviewStatusReason`): AWS's, never the partner's.
    pub review_status: Option<ReviewStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_comments: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_status_reason: Option<String>,
    /// `LifeCycle.Stage`.
    pub stage: Option<Stage>,
    /// `Customer.Account.CompanyName`.
    pub customer_company_name: Option<String>,
    /// `LifeCycle.TargetCloseDate` (`YYYY-MM-DD`).
    pub target_close_date: Option<String>,
    /// `Project.Title`.
    pub title: Option<String>,
    /// The opportunity document: every other member the partner wrote, as on the wire.
    pub body: Value,
    /// Associated entities per type, in association order.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub related: BTreeMap<RelatedEntityType, Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission: Option<Submission>,
    /// The opportunity owner named by AssignOpportunity (an `AssigneeContact`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<AssigneeContact>,
    /// Tags by key (case-sensitive), in first-insertion order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<(String, String)>,
}

/// The position of `o` in a list sorted by `key` (ties are broken by id, ascending).
pub fn sort_value(key: OpportunitySortName, o: &Opportunity) -> SortValue {
    match key {
        OpportunitySortName::Lastmodifieddate => SortValue::Int(o.last_modified),
        OpportunitySortName::Createddate => SortValue::Int(o.created_at),
        OpportunitySortName::Identifier => SortValue::Text(o.id.as_str().to_string()),
        OpportunitySortName::Customercompanyname => {
            SortValue::Text(text_key(o.customer_company_name.as_deref().unwrap_or_default()))
        }
        OpportunitySortName::Targetclosedate => SortValue::Text(o.target_close_date.clone().unwrap_or_default()),
    }
}

/// A value of a sort column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortValue {
    Int(i64),
    Text(String),
}

/// The stored key of a name that lists sort and filter on: lower case, as
/// hexadecimal UTF-8, so that both backends order it byte by byte whatever
/// their collation.
pub fn text_key(name: &str) -> String {
    hex::encode(name.to_lowercase().as_bytes())
}
