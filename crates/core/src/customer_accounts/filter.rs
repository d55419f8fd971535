//! The `Filter` of SearchCustomerAccounts and GetCustomerAccountStatistics
//! (docs/behaviour.md#customer-accounts), read as a tree of the shared
//! search engine ([`crate::search`]): which kind each field is and what an
//! account holds for it.

use pcentral_model::selling::{
    AggregatableField, AwsEnrichmentCustomer, AwsEnrichmentInsights, Filter, FilterValue, FilterableField,
};
use pcentral_model::FieldError;

use crate::records::{CustomerAccount, EnrichmentStatus};
use crate::search::{self, Held, Kind, Node};

impl Node for Filter {
    type Key = FilterableField;

    search::filter_tree!(given);

    fn kind(key: FilterableField) -> Kind {
        match key {
            FilterableField::CreatedDate | FilterableField::LastModifiedDate => Kind::Date,
            FilterableField::ProgramEligibility => Kind::Many,
            FilterableField::MarketplaceEngagementScore | FilterableField::SolutionScore => Kind::Number,
            _ => Kind::Text,
        }
    }

    fn key_name(key: FilterableField) -> String {
        serde_json::to_value(key).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }
}

/// The faults of `filter` at `path` ([`search::check`]).
pub fn check(filter: &Filter, path: &str) -> Vec<FieldError> {
    search::check(filter, path)
}

/// Whether `a` matches `filter` (already [`check`]ed).
pub fn matches(filter: &Filter, a: &CustomerAccount) -> bool {
    search::matches(filter, &|key| held(a, key))
}

/// AWS's match, shown (and filtered on) only once the status is `ENRICHED`.
fn customer(a: &CustomerAccount) -> Option<&AwsEnrichmentCustomer> {
    let e = a.enrichment.as_ref().filter(|_| a.enrichment_status == EnrichmentStatus::Enriched)?;
    e.customer.as_ref()
}

fn insights(a: &CustomerAccount) -> Option<&AwsEnrichmentInsights> {
    let e = a.enrichment.as_ref().filter(|_| a.enrichment_status == EnrichmentStatus::Enriched)?;
    e.insights.as_ref()
}

fn held(a: &CustomerAccount, key: FilterableField) -> Held {
    let c = |f: fn(&AwsEnrichmentCustomer) -> Option<&String>| Held::Text(customer(a).and_then(f).cloned());
    let i = |f: fn(&AwsEnrichmentInsights) -> Option<&String>| Held::Text(insights(a).and_then(f).cloned());
    match key {
        FilterableField::EnrichmentStatus => Held::Text(Some(a.enrichment_status.as_str().to_string())),
        FilterableField::CompanyName => Held::Text(Some(a.account.company_name.clone())),
        FilterableField::ImportId => Held::Text(a.import_id.clone()),
        FilterableField::CreatedDate => Held::Date(Some(a.created_at)),
        FilterableField::LastModifiedDate => Held::Date(Some(a.last_modified)),
        FilterableField::ProgramEligibility => {
            Held::Many(customer(a).and_then(|c| c.eligible_programs.clone()).unwrap_or_default())
        }
        FilterableField::AwsIndustry => c(|c| c.industry.as_ref()),
        FilterableField::AccountPlanningQualification => c(|c| c.customer_account_planning_qualification.as_ref()),
        FilterableField::Geo => c(|c| c.geo.as_ref()),
        FilterableField::Country => c(|c| c.country.as_ref()),
        FilterableField::Segment => c(|c| c.segment.as_ref()),
        FilterableField::SolutionCategory => i(|i| i.solution_category.as_ref()),
        FilterableField::MarketplaceEngagementScore => i(|i| i.marketplace_engagement_score.as_ref()),
        FilterableField::SolutionScore => i(|i| i.solution_score.as_ref()),
    }
}

/// The values of `a` an aggregation groups by (none: the account has no value).
pub fn group_values(a: &CustomerAccount, key: AggregatableField) -> Vec<String> {
    let one = |v: Option<&String>| v.cloned().into_iter().collect::<Vec<_>>();
    let c = customer(a);
    let i = insights(a);
    match key {
        AggregatableField::EnrichmentStatus => vec![a.enrichment_status.as_str().to_string()],
        AggregatableField::AwsIndustry => one(c.and_then(|c| c.industry.as_ref())),
        AggregatableField::Segment => one(c.and_then(|c| c.segment.as_ref())),
        AggregatableField::Region => one(c.and_then(|c| c.region.as_ref())),
        AggregatableField::Geo => one(c.and_then(|c| c.geo.as_ref())),
        AggregatableField::Country => one(c.and_then(|c| c.country.as_ref())),
        AggregatableField::AccountPlanningQualification => {
            one(c.and_then(|c| c.customer_account_planning_qualification.as_ref()))
        }
        AggregatableField::ProgramEligibility => c.and_then(|c| c.eligible_programs.clone()).unwrap_or_default(),
        AggregatableField::SolutionCategory => one(i.and_then(|i| i.solution_category.as_ref())),
        AggregatableField::MarketplaceEngagementScore => one(i.and_then(|i| i.marketplace_engagement_score.as_ref())),
        AggregatableField::SolutionScore => one(i.and_then(|i| i.solution_score.as_ref())),
    }
}

search::given_of_union!(FilterValue);
