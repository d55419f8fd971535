//! What happens to an opportunity after it is written: SubmitOpportunity,
//! AWS's review (simulated in the Sandbox through UpdateOpportunity),
//! AssignOpportunity, Associate/DisassociateOpportunity and
//! GetAwsOpportunitySummary (docs/behaviour.md#opportunities).

use pcentral_model::selling::{self, ValidationExceptionErrorCode as Code};
use pcentral_model::NoOutput;
use serde_json::{json, Value};

use super::document::{
    field, invalid, next_modified, not_found, output, owned, refused, related, to_json, under_review,
};
use crate::ctx::Ctx;
use crate::events::Recorder;
use crate::records::{Opportunity, Origin, RelatedEntityType, ReviewStatus, Stage, Submission, Visibility};
use crate::store::OpResult;

/// The solution identifier that stands for a solution not listed (`Other`).
pub const OTHER_SOLUTION: &str = "Other";

/// Whether `stage` is Committed or a later one, where `Other` no longer stands for a solution.
pub fn committed_or_beyond(stage: Option<Stage>) -> bool {
    matches!(stage, Some(Stage::Committed | Stage::Launched))
}

/// Whether `o` is Committed or beyond with `Other` as its only solution.
pub fn needs_a_real_solution(o: &Opportunity) -> bool {
    let solutions = related(o, RelatedEntityType::Solutions);
    committed_or_beyond(o.stage) && !solutions.is_empty() && solutions.iter().all(|s| s == OTHER_SOLUTION)
}

/// The refusal of `Other` as the solution of a Committed or later opportunity.
pub fn other_solution_refused(o: &Opportunity) -> pcentral_model::FieldError {
    field(
        "RelatedEntityIdentifiers.Solutions",
        Code::InvalidValue,
        format!(
            "RelatedEntityIdentifiers.Solutions of opportunity {}: Other cannot stand for the solution from the Committed stage on; associate the solution's id",
            o.id
        ),
    )
}

/// The outcomes of AWS's review: what the Sandbox takes from UpdateOpportunity
/// and what the admin API's review sets.
pub fn is_review(status: ReviewStatus) -> bool {
    matches!(status, ReviewStatus::Approved | ReviewStatus::ActionRequired | ReviewStatus::Rejected)
}

/// Whether AWS's review decides on `o` now: a submitted partner referral
/// (`Submitted`, `In review`), or an AWS referral the partner accepted that
/// AWS has not reviewed yet *(pcentral)*.
pub fn reviewable(o: &Opportunity) -> bool {
    under_review(o.review_status) || (o.origin == Origin::AwsReferral && o.review_status.is_none())
}

/// Why AWS's review was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewRefusal {
    /// The status asked for is not an outcome of the review.
    NotAnOutcome(ReviewStatus),
    /// The opportunity is not under review (its status, if it has one).
    NotUnderReview(Option<ReviewStatus>),
}

impl ReviewRefusal {
    pub fn message(&self, o: &Opportunity) -> String {
        match self {
            ReviewRefusal::NotAnOutcome(s) => format!(
                "LifeCycle.ReviewStatus {} is not an outcome of AWS's review (Approved, Action Required, Rejected)",
                s.as_str()
            ),
            ReviewRefusal::NotUnderReview(s) => format!(
                "Opportunity {} is not under AWS's review (its review status is {}): only a Submitted or In review \
                 partner referral, or an AWS referral not reviewed yet, is reviewed",
                o.id,
                s.map_or("none", |s| s.as_str())
            ),
        }
    }
}

/// AWS's review of `o`: the outcome, with AWS's comments and reason as
/// given, and nothing else. The one path of the Sandbox's UpdateOpportunity
/// and of the admin API's review.
pub fn review(
    o: &mut Opportunity,
    status: ReviewStatus,
    comments: Option<String>,
    reason: Option<String>,
) -> Result<(), ReviewRefusal> {
    if !is_review(status) {
        return Err(ReviewRefusal::NotAnOutcome(status));
    }
    if !reviewable(o) {
        return Err(ReviewRefusal::NotUnderReview(o.review_status));
    }
    o.review_status = Some(status);
    o.review_comments = comments;
    o.review_status_reason = reason;
    Ok(())
}

/// What a partner opportunity needs before it is submitted: each field by
/// name, and whether `o` has it (text that is not blank, a list not empty).
fn required_for_submission(o: &Opportunity) -> [(&'static str, bool); 8] {
    let filled = |s: Option<&String>| s.is_some_and(|s| !s.trim().is_empty());
    let account = o.body.customer.as_ref().and_then(|c| c.account.as_ref());
    let project = o.body.project.as_ref();
    let life = o.body.life_cycle.as_ref();
    [
        ("Customer.Account.CompanyName", filled(account.map(|a| &a.company_name))),
        ("Customer.Account.Industry", account.is_some_and(|a| a.industry.is_some())),
        ("Customer.Account.WebsiteUrl", filled(account.and_then(|a| a.website_url.as_ref()))),
        (
            "Customer.Account.Address.CountryCode",
            account.and_then(|a| a.address.as_ref()).is_some_and(|a| a.country_code.is_some()),
        ),
        ("Project.Title", filled(project.and_then(|p| p.title.as_ref()))),
        ("Project.CustomerBusinessProblem", filled(project.and_then(|p| p.customer_business_problem.as_ref()))),
        (
            "Project.ExpectedCustomerSpend",
            project.and_then(|p| p.expected_customer_spend.as_ref()).is_some_and(|s| !s.is_empty()),
        ),
        ("LifeCycle.TargetCloseDate", filled(life.and_then(|l| l.target_close_date.as_ref()))),
    ]
}

/// Store `o` changed at service time, and record Opportunity Updated.
fn save(ctx: &mut Ctx<'_>, o: &mut Opportunity) -> OpResult<()> {
    let expected = o.last_modified;
    o.last_modified = next_modified(o, ctx.now);
    if !ctx.tx.update_opportunity(o, expected)? {
        // Changed since this transaction read it: the store runs the call again.
        return Err(crate::store::StoreError::Conflict.into());
    }
    Recorder::of(ctx).opportunity_updated(o)?;
    Ok(())
}

pub fn submit_opportunity(ctx: &mut Ctx<'_>, req: selling::SubmitOpportunityRequest) -> OpResult<NoOutput> {
    let mut o = owned(ctx, req.catalog, &req.identifier)?;
    if let Some(refusal) = submission_refusal(&o) {
        return Err(refusal.into());
    }
    o.review_status = Some(ReviewStatus::Submitted);
    o.review_comments = None;
    o.review_status_reason = None;
    o.submission = Some(Submission {
        involvement_type: req.involvement_type,
        visibility: Some(req.visibility.unwrap_or(Visibility::Full)),
        submitted_at: ctx.now,
    });
    save(ctx, &mut o)?;
    Ok(NoOutput {})
}

/// Why SubmitOpportunity refuses `o` as it stands, if it does (also checked
/// by StartEngagementFromOpportunityTask before its first write).
pub fn submission_refusal(o: &Opportunity) -> Option<pcentral_model::ApiError> {
    if o.origin == Origin::AwsReferral {
        return Some(refused(vec![field(
            "Identifier",
            Code::ActionNotPermitted,
            format!(
                "Identifier {} names an opportunity that came from AWS; only partner referrals are submitted",
                o.id
            ),
        )]));
    }
    if o.review_status != Some(ReviewStatus::PendingSubmission) {
        let status = o.review_status.map_or("not reviewable", |s| s.as_str());
        return Some(refused(vec![field(
            "LifeCycle.ReviewStatus",
            Code::InvalidResourceState,
            format!("LifeCycle.ReviewStatus of opportunity {} is {status}; only a Pending Submission opportunity is submitted", o.id),
        )]));
    }
    let mut faults: Vec<_> = required_for_submission(o)
        .into_iter()
        .filter(|(_, present)| !present)
        .map(|(name, _)| {
            field(name, Code::RequiredFieldMissing, format!("{name} is required to submit an opportunity"))
        })
        .collect();
    if related(o, RelatedEntityType::Solutions).is_empty() {
        faults.push(field(
            "RelatedEntityIdentifiers.Solutions",
            Code::RequiredFieldMissing,
            "RelatedEntityIdentifiers.Solutions is empty: associate a solution (AssociateOpportunity) before submitting",
        ));
    }
    if !faults.is_empty() {
        return Some(refused(faults));
    }
    None
}

pub fn assign_opportunity(ctx: &mut Ctx<'_>, req: selling::AssignOpportunityRequest) -> OpResult<NoOutput> {
    let mut o = owned(ctx, req.catalog, &req.identifier)?;
    let a = &req.assignee;
    // The assignee becomes the opportunity's owner: the first member of its team.
    let owner = selling::Contact {
        email: Some(a.email.clone()),
        first_name: Some(a.first_name.clone()),
        last_name: Some(a.last_name.clone()),
        business_title: Some(a.business_title.clone()),
        phone: a.phone.clone(),
    };
    let team = o.body.opportunity_team.get_or_insert_with(Vec::new);
    match team.first_mut() {
        Some(first) => *first = owner,
        None => team.push(owner),
    }
    o.assignee = Some(req.assignee);
    save(ctx, &mut o)?;
    Ok(NoOutput {})
}

/// The identifier of `kind` as its pattern wants it, or the field error.
fn check_entity(kind: RelatedEntityType, id: &str) -> Result<(), pcentral_model::FieldError> {
    let digits = |s: &str| !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit());
    let marketplace = |what: &str| {
        let parts: Vec<&str> = id.splitn(6, ':').collect();
        matches!(parts.as_slice(), ["arn", "aws", "aws-marketplace", region, account, resource]
            if !region.is_empty() && account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())
                && resource.starts_with(what))
    };
    let ok = match kind {
        RelatedEntityType::Solutions => id == OTHER_SOLUTION || id.strip_prefix("S-").is_some_and(digits),
        RelatedEntityType::Awsproducts => !id.trim().is_empty(),
        RelatedEntityType::Awsmarketplaceoffers => marketplace("AWSMarketplace/Offer/"),
        RelatedEntityType::Awsmarketplaceoffersets => marketplace("AWSMarketplace/OfferSet/offerset-"),
        RelatedEntityType::Awsmarketplacesolutions | RelatedEntityType::Awsmarketplaceproducts => {
            id.starts_with("arn:") && (4..=2048).contains(&id.len())
        }
    };
    if ok {
        return Ok(());
    }
    Err(field(
        "RelatedEntityIdentifier",
        Code::InvalidStringFormat,
        format!("RelatedEntityIdentifier {id} is not a valid identifier of {}", kind.as_str()),
    ))
}

pub fn associate_opportunity(ctx: &mut Ctx<'_>, req: selling::AssociateOpportunityRequest) -> OpResult<NoOutput> {
    let kind = req.related_entity_type;
    check_entity(kind, &req.related_entity_identifier).map_err(|f| invalid(vec![f]))?;
    let mut o = owned(ctx, req.catalog, &req.opportunity_identifier)?;
    let held = related(&o, kind);
    if held.contains(&req.related_entity_identifier) {
        return Ok(NoOutput {});
    }
    if kind == RelatedEntityType::Solutions
        && req.related_entity_identifier == OTHER_SOLUTION
        && committed_or_beyond(o.stage)
    {
        return Err(refused(vec![other_solution_refused(&o)]).into());
    }
    if kind == RelatedEntityType::Awsmarketplaceoffers && !held.is_empty() {
        return Err(refused(vec![field(
            "RelatedEntityIdentifier",
            Code::TooManyValues,
            format!(
                "RelatedEntityIdentifier: opportunity {} already has a Marketplace offer; disassociate it first",
                o.id
            ),
        )])
        .into());
    }
    o.related.entry(kind).or_default().push(req.related_entity_identifier);
    save(ctx, &mut o)?;
    Ok(NoOutput {})
}

pub fn disassociate_opportunity(ctx: &mut Ctx<'_>, req: selling::DisassociateOpportunityRequest) -> OpResult<NoOutput> {
    let kind = req.related_entity_type;
    let mut o = owned(ctx, req.catalog, &req.opportunity_identifier)?;
    let id = req.related_entity_identifier;
    if !related(&o, kind).contains(&id) {
        return Err(not_found(format!("{} {id} is not associated with opportunity {}", kind.as_str(), o.id)).into());
    }
    if let Some(ids) = o.related.get_mut(&kind) {
        ids.retain(|x| *x != id);
        if ids.is_empty() {
            o.related.remove(&kind);
        }
    }
    save(ctx, &mut o)?;
    Ok(NoOutput {})
}

pub fn get_aws_opportunity_summary(
    ctx: &mut Ctx<'_>,
    req: selling::GetAwsOpportunitySummaryRequest,
) -> OpResult<selling::GetAwsOpportunitySummaryResponse> {
    let o = owned(ctx, req.catalog, &req.related_opportunity_identifier)?;
    if o.submission.is_none() && o.origin != Origin::AwsReferral {
        return Err(not_found(format!(
            "No AWS opportunity is related to opportunity {} yet: it has not been submitted",
            o.id
        ))
        .into());
    }
    let body = to_json(&o.body)?;
    let pick = |path: &[&str]| path.iter().try_fold(&body, |v, k| v.get(k)).cloned();
    let mut related_ids = serde_json::Map::new();
    for kind in [
        RelatedEntityType::Awsproducts,
        RelatedEntityType::Solutions,
        RelatedEntityType::Awsmarketplacesolutions,
        RelatedEntityType::Awsmarketplaceproducts,
    ] {
        if !related(&o, kind).is_empty() {
            related_ids.insert(kind.as_str().into(), json!(related(&o, kind)));
        }
    }
    let summary = json!({
        "Catalog": o.catalog,
        "RelatedOpportunityId": o.id,
        "Origin": o.origin,
        "InvolvementType": o.submission.as_ref().map(|s| s.involvement_type),
        "Visibility": o.submission.as_ref().and_then(|s| s.visibility),
        "LifeCycle": {"TargetCloseDate": pick(&["LifeCycle", "TargetCloseDate"]),
                      "NextSteps": pick(&["LifeCycle", "NextSteps"])},
        "RelatedEntityIds": related_ids,
        "Customer": {"Contacts": pick(&["Customer", "Contacts"])},
        "Project": {"ExpectedCustomerSpend": pick(&["Project", "ExpectedCustomerSpend"]),
                    "AwsPartition": pick(&["Project", "AwsPartition"])},
    });
    output(strip_nulls(summary))
}

/// `value` without null members (an absent member is omitted, never null).
fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect())
        }
        other => other,
    }
}
