//! The stored opportunity of the Selling API (docs/behaviour.md#opportunities).
//!
//! The columns a list filters, sorts or pages on are typed fields here; the
//! rest of what a partner wrote (customer, project, marketing, software
//! revenue, the lifecycle's free text, the team) is the opportunity document
//! `body`: the wire members as UpdateOpportunity last replaced them, typed as
//! the model types them, so an answer is built from it without reparsing.

use std::collections::BTreeMap;

use pcentral_model::selling;
use pcentral_model::{AccountId, Catalog, Millis, OpportunityId};
use serde::{Deserialize, Serialize};

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

/// The members of CreateOpportunity an opportunity keeps (all but the team
/// are the members UpdateOpportunity replaces). `LifeCycle` never holds the
/// members AWS's review writes: those are columns of [`Opportunity`]. A
/// member it does not know is dropped on reading, as answers always dropped
/// it (a database seeded before fixtures were checked may hold one); a
/// fixture that names one is refused (`fixtures`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Document {
    #[serde(rename = "Customer", default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<selling::Customer>,
    #[serde(rename = "LifeCycle", default, skip_serializing_if = "Option::is_none")]
    pub life_cycle: Option<selling::LifeCycle>,
    #[serde(rename = "Marketing", default, skip_serializing_if = "Option::is_none")]
    pub marketing: Option<selling::Marketing>,
    #[serde(rename = "NationalSecurity", default, skip_serializing_if = "Option::is_none")]
    pub national_security: Option<selling::NationalSecurity>,
    /// Kept by CreateOpportunity and AssignOpportunity only (UpdateOpportunity has no such member).
    #[serde(rename = "OpportunityTeam", default, skip_serializing_if = "Option::is_none")]
    pub opportunity_team: Option<Vec<selling::Contact>>,
    #[serde(rename = "OpportunityType", default, skip_serializing_if = "Option::is_none")]
    pub opportunity_type: Option<selling::OpportunityType>,
    #[serde(rename = "PartnerOpportunityIdentifier", default, skip_serializing_if = "Option::is_none")]
    pub partner_opportunity_identifier: Option<String>,
    #[serde(rename = "PrimaryNeedsFromAws", default, skip_serializing_if = "Option::is_none")]
    pub primary_needs_from_aws: Option<Vec<selling::PrimaryNeedFromAws>>,
    #[serde(rename = "Project", default, skip_serializing_if = "Option::is_none")]
    pub project: Option<selling::Project>,
    #[serde(rename = "SoftwareRevenue", default, skip_serializing_if = "Option::is_none")]
    pub software_revenue: Option<selling::SoftwareRevenue>,
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
    /// The opportunity document: every other member the partner wrote (boxed:
    /// it is most of the opportunity's size, and records move by value).
    pub body: Box<Document>,
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A record stored with a document member the model does not know (a
    /// database seeded before fixtures were checked) still reads: the
    /// member is dropped, as answers always dropped it.
    #[test]
    fn a_stored_document_member_the_model_lacks_is_dropped_on_reading() {
        let body: Document =
            serde_json::from_value(serde_json::json!({"Customer": {"Account": {"CompanyName": "Acme"}}})).unwrap();
        let record = Opportunity {
            catalog: Catalog::Sandbox,
            id: OpportunityId::from_number(1),
            owner: AccountId::parse("111111111111").unwrap(),
            created_at: 1,
            last_modified: 2,
            origin: Origin::PartnerReferral,
            review_status: Some(ReviewStatus::PendingSubmission),
            review_comments: None,
            review_status_reason: None,
            stage: None,
            customer_company_name: Some("Acme".into()),
            target_close_date: None,
            title: None,
            body: Box::new(body),
            related: BTreeMap::new(),
            submission: None,
            assignee: None,
            tags: Vec::new(),
        };
        let mut stored = serde_json::to_value(&record).unwrap();
        stored["body"]["Bogus"] = serde_json::json!({"any": 1});
        let read: Opportunity = serde_json::from_value(stored).unwrap();
        assert_eq!(read, record);
    }
}
