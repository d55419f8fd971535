//! Opportunities of the Selling API (docs/behaviour.md#opportunities):
//! CreateOpportunity, GetOpportunity, ListOpportunities and
//! UpdateOpportunity here; submission, AWS's review in the Sandbox,
//! assignment, associations and the AWS opportunity summary in
//! [`lifecycle`]; tags in [`tags`]. An opportunity belongs to the account
//! that created it, in the catalog it was created in: nobody else sees it.

pub mod document;
pub mod lifecycle;
pub mod search;
pub mod tags;

use pcentral_model::selling::{self, SortOrder, ValidationExceptionErrorCode as Code};
use pcentral_model::{Catalog, OpportunityId, Timestamp};

use crate::ctx::Ctx;
use crate::events::Recorder;
use crate::pagination::{self, Binding};
use crate::records::{sort_value, text_key, Document, Opportunity, OpportunitySortName, Origin, ReviewStatus, Stage};
use crate::store::{OpResult, OpportunityCursor, OpportunityQuery};
use document::{
    changed_paths, conflict, derive_columns, editable_after_approval, editable_under_action_required, empty_life_cycle,
    field, invalid, new_opportunity_id, next_modified, owned, partner_life_cycle, refused, to_json, view,
};

/// Which changed fields a review status lets through, and how a refusal says when.
type EditRule = (fn(&str) -> bool, &'static str);

pub fn create_opportunity(
    ctx: &mut Ctx<'_>,
    req: selling::CreateOpportunityRequest,
) -> OpResult<selling::CreateOpportunityResponse> {
    create(ctx, req, false)
}

/// CreateOpportunity for the opportunity an accepted AWS referral makes:
/// `Origin` `AWS Referral` is AWS's to set, in either catalog.
pub(crate) fn create_from_aws_referral(
    ctx: &mut Ctx<'_>,
    req: selling::CreateOpportunityRequest,
) -> OpResult<selling::CreateOpportunityResponse> {
    create(ctx, req, true)
}

fn create(
    ctx: &mut Ctx<'_>,
    req: selling::CreateOpportunityRequest,
    by_aws: bool,
) -> OpResult<selling::CreateOpportunityResponse> {
    let origin = req.origin.unwrap_or(Origin::PartnerReferral);
    let mut faults = Vec::new();
    if origin == Origin::AwsReferral && req.catalog != Catalog::Sandbox && !by_aws {
        faults.push(field(
            "Origin",
            Code::InvalidValue,
            "Origin AWS Referral is for AWS to set; only catalog Sandbox creates AWS-originated opportunities",
        ));
    }
    let given_status = req.life_cycle.as_ref().and_then(|l| l.review_status);
    if given_status.is_some_and(|s| s != ReviewStatus::PendingSubmission) {
        faults.push(field(
            "LifeCycle.ReviewStatus",
            Code::ActionNotPermitted,
            "LifeCycle.ReviewStatus is set by AWS; a new opportunity is Pending Submission",
        ));
    }
    let tags: Vec<(String, String)> = req.tags.iter().flatten().map(|t| (t.key.clone(), t.value.clone())).collect();
    faults.extend(tags::reserved_key_errors("Tags", tags.iter().map(|(k, _)| k.as_str())));
    if !faults.is_empty() {
        return Err(invalid(faults).into());
    }
    let mut life = req.life_cycle.map_or_else(empty_life_cycle, partner_life_cycle);
    // A new opportunity starts as a Prospect unless it says otherwise.
    life.stage.get_or_insert(Stage::Prospect);
    let body = Box::new(Document {
        customer: req.customer,
        life_cycle: Some(life),
        marketing: req.marketing,
        national_security: req.national_security,
        opportunity_team: req.opportunity_team,
        opportunity_type: req.opportunity_type,
        partner_opportunity_identifier: req.partner_opportunity_identifier.clone(),
        primary_needs_from_aws: req.primary_needs_from_aws,
        project: req.project,
        software_revenue: req.software_revenue,
    });
    let mut o = Opportunity {
        catalog: req.catalog,
        id: new_opportunity_id(ctx.ids),
        owner: ctx.caller.account.clone(),
        created_at: ctx.now,
        last_modified: ctx.now,
        origin,
        // Only partner referrals go through AWS's review.
        review_status: (origin == Origin::PartnerReferral).then_some(ReviewStatus::PendingSubmission),
        review_comments: None,
        review_status_reason: None,
        stage: None,
        customer_company_name: None,
        target_close_date: None,
        title: None,
        body,
        related: Default::default(),
        submission: None,
        assignee: None,
        tags,
    };
    derive_columns(&mut o);
    ctx.tx.insert_opportunity(&o)?;
    Recorder::of(ctx).opportunity_created(&o)?;
    Ok(selling::CreateOpportunityResponse {
        id: o.id.to_string(),
        partner_opportunity_identifier: req.partner_opportunity_identifier,
        last_modified_date: Some(Timestamp(o.last_modified)),
    })
}

pub fn get_opportunity(
    ctx: &mut Ctx<'_>,
    req: selling::GetOpportunityRequest,
) -> OpResult<selling::GetOpportunityResponse> {
    let o = owned(ctx, req.catalog, &req.identifier)?;
    Ok(view(ctx, o))
}

pub fn list_opportunities(
    ctx: &mut Ctx<'_>,
    req: selling::ListOpportunitiesRequest,
) -> OpResult<selling::ListOpportunitiesResponse> {
    let size = pagination::selling_page_size(req.max_results);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after: Option<OpportunityCursor> = binding.resume(req.next_token.as_deref())?;
    let (sort, descending) = match &req.sort {
        Some(s) => (s.sort_by, s.sort_order == SortOrder::Descending),
        None => (OpportunitySortName::Lastmodifieddate, true),
    };
    let identifiers: Vec<OpportunityId> =
        req.identifier.iter().flatten().filter_map(|id| OpportunityId::parse(id).ok()).collect();
    if req.identifier.as_ref().is_some_and(|ids| !ids.is_empty()) && identifiers.is_empty() {
        return Ok(selling::ListOpportunitiesResponse { opportunity_summaries: vec![], next_token: None });
    }
    let query = OpportunityQuery {
        catalog: req.catalog,
        owner: ctx.caller.account.clone(),
        identifiers,
        stages: req.life_cycle_stage.clone().unwrap_or_default(),
        review_statuses: req.life_cycle_review_status.clone().unwrap_or_default(),
        company_keys: req.customer_company_name.iter().flatten().map(|n| text_key(n)).collect(),
        modified_after: req.last_modified_date.as_ref().and_then(|d| d.after_last_modified_date).map(|t| t.0),
        modified_before: req.last_modified_date.as_ref().and_then(|d| d.before_last_modified_date).map(|t| t.0),
        created_after: req.created_date.as_ref().and_then(|d| d.after_created_date).map(|t| t.0),
        created_before: req.created_date.as_ref().and_then(|d| d.before_created_date).map(|t| t.0),
        close_after: req.target_close_date.as_ref().and_then(|d| d.after_target_close_date.clone()),
        close_before: req.target_close_date.as_ref().and_then(|d| d.before_target_close_date.clone()),
        sort,
        descending,
        after,
        limit: size + 1,
    };
    let rows = ctx.tx.list_opportunities(&query)?;
    let (page, next_token) = binding
        .page(rows, size, |last| OpportunityCursor { value: sort_value(sort, last), id: last.id.to_string() })?;
    let opportunity_summaries = page.into_iter().map(|o| list_summary(view(ctx, o))).collect();
    Ok(selling::ListOpportunitiesResponse { opportunity_summaries, next_token })
}

/// ListOpportunities' summary: the members of the whole opportunity that
/// its shape has, moved over (a list builds one per opportunity shown).
fn list_summary(full: selling::GetOpportunityResponse) -> selling::OpportunitySummary {
    let life_cycle = full.life_cycle.map(|l| selling::LifeCycleSummary {
        stage: l.stage,
        closed_lost_reason: l.closed_lost_reason,
        next_steps: l.next_steps,
        target_close_date: l.target_close_date,
        review_status: l.review_status,
        review_comments: l.review_comments,
        review_status_reason: l.review_status_reason,
    });
    let account = |a: selling::Account| selling::AccountSummary {
        industry: a.industry,
        other_industry: a.other_industry,
        company_name: a.company_name,
        website_url: a.website_url,
        address: a.address.map(|x| selling::AddressSummary {
            city: x.city,
            postal_code: x.postal_code,
            state_or_region: x.state_or_region,
            country_code: x.country_code,
        }),
    };
    selling::OpportunitySummary {
        catalog: full.catalog,
        id: Some(full.id),
        arn: full.arn,
        partner_opportunity_identifier: full.partner_opportunity_identifier,
        opportunity_type: full.opportunity_type,
        last_modified_date: Some(full.last_modified_date),
        created_date: Some(full.created_date),
        life_cycle,
        customer: full.customer.map(|c| selling::CustomerSummary { account: c.account.map(account) }),
        project: full.project.map(|p| selling::ProjectSummary {
            delivery_models: p.delivery_models,
            expected_customer_spend: p.expected_customer_spend,
            expected_contract_duration: p.expected_contract_duration,
        }),
    }
}

pub fn update_opportunity(
    ctx: &mut Ctx<'_>,
    req: selling::UpdateOpportunityRequest,
) -> OpResult<selling::UpdateOpportunityResponse> {
    let mut o = owned(ctx, req.catalog, &req.identifier)?;
    let expected = req.last_modified_date.0;
    let (id, stored) = (o.id.clone(), o.last_modified);
    let stale = || {
        conflict(format!(
            "Opportunity {id} was modified at {}, not at the LastModifiedDate given ({}); read it again and retry",
            pcentral_model::timestamp::format(stored),
            pcentral_model::timestamp::format(expected)
        ))
    };
    if stored != expected {
        return Err(stale().into());
    }
    let requested = req.life_cycle.as_ref().and_then(|l| l.review_status);
    match requested {
        Some(status) if o.catalog == Catalog::Sandbox && lifecycle::reviewable(&o) && lifecycle::is_review(status) => {
            // The Sandbox stands in for AWS's review: only the review changes.
            let life = req.life_cycle.as_ref();
            let comments = life.and_then(|l| l.review_comments.clone());
            let reason = life.and_then(|l| l.review_status_reason.clone());
            lifecycle::review(&mut o, status, comments, reason).map_err(|r| {
                refused(vec![field("LifeCycle.ReviewStatus", Code::InvalidResourceState, r.message(&o))])
            })?;
        }
        _ => replace(&mut o, &req)?,
    }
    o.last_modified = next_modified(&o, ctx.now);
    if !ctx.tx.update_opportunity(&o, expected)? {
        return Err(stale().into());
    }
    Recorder::of(ctx).opportunity_updated(&o)?;
    Ok(selling::UpdateOpportunityResponse { id: o.id.to_string(), last_modified_date: Timestamp(o.last_modified) })
}

/// UpdateOpportunity's replacement: the request's members become the
/// document, an omitted member is cleared, within what the review status allows.
fn replace(o: &mut Opportunity, req: &selling::UpdateOpportunityRequest) -> OpResult<()> {
    let requested = req.life_cycle.as_ref().and_then(|l| l.review_status);
    let locked = match o.review_status {
        Some(status @ (ReviewStatus::Submitted | ReviewStatus::InReview | ReviewStatus::Rejected)) => Some(status),
        _ => None,
    };
    if let Some(status) = locked {
        return Err(refused(vec![field(
            "LifeCycle.ReviewStatus",
            Code::InvalidResourceState,
            format!("LifeCycle.ReviewStatus of opportunity {} is {}: it cannot be updated", o.id, status.as_str()),
        )])
        .into());
    }
    if requested.is_some() && requested != o.review_status {
        return Err(invalid(vec![field(
            "LifeCycle.ReviewStatus",
            Code::ActionNotPermitted,
            "LifeCycle.ReviewStatus is set by AWS's review, not by UpdateOpportunity",
        )])
        .into());
    }
    let body = Box::new(Document {
        customer: req.customer.clone(),
        life_cycle: req.life_cycle.clone().map(partner_life_cycle),
        marketing: req.marketing.clone(),
        national_security: req.national_security,
        // UpdateOpportunity has no OpportunityTeam: it stays.
        opportunity_team: o.body.opportunity_team.clone(),
        opportunity_type: req.opportunity_type,
        partner_opportunity_identifier: req.partner_opportunity_identifier.clone(),
        primary_needs_from_aws: req.primary_needs_from_aws.clone(),
        project: req.project.clone(),
        software_revenue: req.software_revenue.clone(),
    });
    let editable: Option<EditRule> = match o.review_status {
        Some(ReviewStatus::ActionRequired) => {
            Some((editable_under_action_required, "while the review status is Action Required"))
        }
        Some(ReviewStatus::Approved) => Some((editable_after_approval, "once AWS approved the opportunity")),
        _ => None,
    };
    if let Some((editable, when)) = editable {
        let mut changed = Vec::new();
        changed_paths(&to_json(&o.body)?, &to_json(&body)?, "", &mut changed);
        let faults: Vec<_> = changed
            .iter()
            .filter(|p| !editable(p))
            .map(|p| field(p, Code::ActionNotPermitted, format!("{p} cannot change {when}")))
            .collect();
        if !faults.is_empty() {
            return Err(refused(faults).into());
        }
    }
    if o.review_status == Some(ReviewStatus::ActionRequired) {
        // The answer to AWS's request goes back to review.
        o.review_status = Some(ReviewStatus::Submitted);
    }
    o.body = body;
    derive_columns(o);
    if lifecycle::needs_a_real_solution(o) {
        return Err(refused(vec![lifecycle::other_solution_refused(o)]).into());
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The list's summary, moved member by member, is the whole
    /// opportunity read as the summary's shape (members it lacks dropped).
    #[test]
    fn a_list_summary_is_the_view_read_as_its_shape() {
        let customer = serde_json::json!({
            "Account": {"CompanyName": "Acme", "Industry": "Software and Internet", "OtherIndustry": "x",
                        "WebsiteUrl": "https://acme.example", "AwsAccountId": "123456789012", "Duns": "123456789",
                        "Address": {"City": "Anchorage", "PostalCode": "99502", "StateOrRegion": "Alaska",
                                    "CountryCode": "US", "StreetAddress": "1 Main St"}},
            "Contacts": [{"Email": "a@acme.example", "FirstName": "A"}]});
        let full = serde_json::json!({
            "Catalog": "Sandbox", "Id": "O1234567890123", "Arn": "arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/opportunity/O1234567890123",
            "LastModifiedDate": "2026-12-07T10:00:00.123Z", "CreatedDate": "2026-12-01T10:00:00Z",
            "PartnerOpportunityIdentifier": "crm-1", "OpportunityType": "Net New Business",
            "RelatedEntityIdentifiers": {"Solutions": ["S-1"]},
            "OpportunityTeam": [{"Email": "t@p.example"}],
            "LifeCycle": {"Stage": "Qualified", "ClosedLostReason": "Other", "NextSteps": "call",
                          "TargetCloseDate": "2027-01-31", "ReviewStatus": "Action Required",
                          "ReviewComments": "fix", "ReviewStatusReason": "why",
                          "NextStepsHistory": [{"Value": "call", "Time": "2026-12-01T10:00:00Z"}]},
            "Customer": customer,
            "Project": {"Title": "Move", "DeliveryModels": ["SaaS or PaaS"], "ExpectedContractDuration": {"Term": "Months", "Value": "12"},
                        "ExpectedCustomerSpend": [{"Amount": "10", "CurrencyCode": "USD", "Frequency": "Monthly",
                                                   "TargetCompany": "AWS"}], "CustomerBusinessProblem": "p"},
            "Marketing": {"Source": "None"},
        });
        let bare = serde_json::json!({"Catalog": "AWS", "Id": "O1", "LastModifiedDate": "2026-12-07T10:00:00Z",
            "CreatedDate": "2026-12-07T10:00:00Z", "RelatedEntityIdentifiers": {}, "Customer": {"Contacts": []},
            "Project": {"Title": "t"}});
        for whole in [full, bare] {
            let view: selling::GetOpportunityResponse = serde_json::from_value(whole.clone()).unwrap();
            let read: selling::OpportunitySummary = serde_json::from_value(to_json(&view).unwrap()).unwrap();
            assert_eq!(list_summary(view), read, "{whole}");
        }
    }
}
