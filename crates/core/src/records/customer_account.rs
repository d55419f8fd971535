//! A customer account of the Selling API (docs/behaviour.md#customer-accounts):
//! a customer from the partner's records, as the partner described it, with
//! the status of AWS's match and what the match added.

use pcentral_model::{AccountId, Catalog, CustomerAccountId, Millis};
use serde::{Deserialize, Serialize};

pub use pcentral_model::selling::{
    AwsEnrichment, CustomerAccountData, CustomerAccountFailureReason, EnrichmentStatus,
    SortableField as CustomerAccountSortName,
};

use super::{text_key, SortValue};

/// A customer account, owned by one account in one catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerAccount {
    pub catalog: Catalog,
    pub id: CustomerAccountId,
    /// The account that created it (the only one that sees it).
    pub owner: AccountId,
    pub created_at: Millis,
    /// Service time of the last change: the optimistic-concurrency token of
    /// UpdateCustomerAccount (milliseconds).
    pub last_modified: Millis,
    /// The customer as the partner described it (`Account` on the wire).
    pub account: CustomerAccountData,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_account_identifier: Option<String>,
    /// Where AWS's match stands. pcentral does not match customers itself:
    /// an account stays `PENDING` unless a fixture (or AWS's side) says otherwise.
    pub enrichment_status: EnrichmentStatus,
    /// What AWS's match added (shown when the status is `ENRICHED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrichment: Option<AwsEnrichment>,
    /// Why the match failed, with its message and the account it duplicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<CustomerAccountFailureReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_customer_account: Option<CustomerAccountId>,
    /// The bulk import that created it (`IMPORT_ID` of SearchCustomerAccounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_id: Option<String>,
    /// Tags given at creation, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<(String, String)>,
}

impl CustomerAccount {
    /// `AwsEnrichment.Insights.MarketplaceEngagementScore`.
    pub fn marketplace_engagement_score(&self) -> Option<&str> {
        self.enrichment.as_ref()?.insights.as_ref()?.marketplace_engagement_score.as_deref()
    }

    /// `AwsEnrichment.Insights.SolutionScore`.
    pub fn solution_score(&self) -> Option<&str> {
        self.enrichment.as_ref()?.insights.as_ref()?.solution_score.as_deref()
    }
}

/// What the model's patterns leave to the service (and what a fixture must
/// hold too): a company name that is not blank, of at most 120 characters.
/// `Err` names the problem.
pub fn check_data(data: &CustomerAccountData) -> Result<(), String> {
    if data.company_name.trim().is_empty() {
        return Err("Account.CompanyName must not be empty".into());
    }
    if data.company_name.chars().count() > 120 {
        return Err("Account.CompanyName is longer than 120 characters".into());
    }
    Ok(())
}

/// The value of `a` in the column a SearchCustomerAccounts sort orders by
/// (absent scores are `''`, which sorts first).
pub fn customer_account_sort_value(key: CustomerAccountSortName, a: &CustomerAccount) -> SortValue {
    match key {
        CustomerAccountSortName::CompanyName => SortValue::Text(text_key(&a.account.company_name)),
        CustomerAccountSortName::CreatedDate => SortValue::Int(a.created_at),
        CustomerAccountSortName::LastModifiedDate => SortValue::Int(a.last_modified),
        CustomerAccountSortName::MarketplaceEngagementScore => {
            SortValue::Text(a.marketplace_engagement_score().unwrap_or_default().to_string())
        }
        CustomerAccountSortName::SolutionScore => SortValue::Text(a.solution_score().unwrap_or_default().to_string()),
    }
}
