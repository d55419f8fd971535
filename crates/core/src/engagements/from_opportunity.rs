//! StartEngagementFromOpportunityTask and ListEngagementFromOpportunityTasks
//! (docs/behaviour.md#engagement-tasks): the owner of an opportunity shares
//! it with AWS through an engagement and submits it, as one task. The task
//! is stored, run and forced like every Selling task (`super::tasks`); this
//! module holds its own steps, each the code of the operation AWS names:
//! CreateEngagement (when the opportunity is in none of the owner's
//! engagements), CreateResourceSnapshot, CreateResourceSnapshotJob,
//! CreateEngagementInvitation to AWS (when AWS is not invited yet) and
//! SubmitOpportunity. Every refusal comes before the first write.

use pcentral_model::selling::{self, ReasonCode, SortOrder};
use pcentral_model::{AccountId, ApiError, EngagementId, Operation, Timestamp};
use serde_json::{json, Map, Value};

use super::tasks::{page_tasks, start_task, Outcome, TaskFilter, TaskPage};
use super::{engagement_id, visible};
use crate::ctx::Ctx;
use crate::opportunities::document::{owned, to_json};
use crate::records::{EngagementTask, EngagementTaskKind, InvitationPayloadType, Opportunity, OPPORTUNITY_SUMMARY};
use crate::store::{AssociationQuery, Failure, OpResult};

const KIND: &str = "engagement-from-opportunity-task";

/// The most characters of an engagement's title and description (the model's patterns).
const TITLE_MAX: usize = 40;
const DESCRIPTION_MAX: usize = 255;

/// What AWS takes on in the engagement (the invitation's `ReceiverResponsibilities`).
const AWS_RESPONSIBILITY: selling::ReceiverResponsibility = selling::ReceiverResponsibility::CoSellFacilitator;

fn arn(t: &EngagementTask) -> String {
    crate::arn::engagement_task(&t.region, &t.account, t.catalog, KIND, &t.id)
}

fn summary(t: &EngagementTask) -> selling::ListEngagementFromOpportunityTaskSummary {
    selling::ListEngagementFromOpportunityTaskSummary {
        task_id: Some(t.id.to_string()),
        task_arn: Some(arn(t)),
        start_time: Some(Timestamp(t.started_at)),
        task_status: Some(t.status),
        message: t.message.clone(),
        reason_code: t.reason_code,
        opportunity_id: t.opportunity_id.as_ref().map(ToString::to_string),
        resource_snapshot_job_id: t.resource_snapshot_job_id.as_ref().map(ToString::to_string),
        engagement_id: t.engagement_id.as_ref().map(ToString::to_string),
        engagement_invitation_id: t.invitation_id.as_ref().map(ToString::to_string),
    }
}

/// The account that plays AWS in engagements (docs/behaviour.md#acting-as-aws).
pub fn aws_account() -> OpResult<AccountId> {
    AccountId::parse(crate::acting_as_aws::DEFAULT_AWS_SENDER_ACCOUNT)
        .map_err(|e| ApiError::internal(format!("Unreadable AWS account id: {e}")).into())
}

pub fn start_engagement_from_opportunity_task(
    ctx: &mut Ctx<'_>,
    req: selling::StartEngagementFromOpportunityTaskRequest,
) -> OpResult<selling::StartEngagementFromOpportunityTaskResponse> {
    // Only the owner starts it; anyone else is told the opportunity does not exist.
    let o = owned(ctx, req.catalog, &req.identifier)?;
    let tags = req.tags.iter().flatten().map(|t| (t.key.clone(), t.value.clone())).collect();
    let task = start_task(ctx, req.catalog, EngagementTaskKind::EngagementFromOpportunity, tags, |t| {
        t.opportunity_id = Some(o.id.clone());
        t.aws_submission = Some(req.aws_submission.clone());
    })?;
    let s = summary(&task);
    Ok(selling::StartEngagementFromOpportunityTaskResponse {
        task_id: s.task_id,
        task_arn: s.task_arn,
        start_time: s.start_time,
        task_status: s.task_status,
        message: s.message,
        reason_code: s.reason_code,
        opportunity_id: s.opportunity_id,
        resource_snapshot_job_id: s.resource_snapshot_job_id,
        engagement_id: s.engagement_id,
        engagement_invitation_id: s.engagement_invitation_id,
    })
}

/// The task's steps, as its starter: every check (the opportunity still
/// the starter's, submittable, its invitation payload valid), then the writes.
pub(super) fn run(ctx: &mut Ctx<'_>, task: &EngagementTask) -> OpResult<Outcome> {
    let (Some(id), Some(submission)) = (&task.opportunity_id, &task.aws_submission) else {
        return Ok(Outcome::Failed(ReasonCode::Internalerror, "The task names no opportunity".into()));
    };
    let o = match owned(ctx, task.catalog, id.as_str()) {
        Ok(o) => o,
        Err(Failure::Api(e)) => return Ok(Outcome::Failed(ReasonCode::Opportunityaccessdenied, e.message)),
        Err(other) => return Err(other),
    };
    if let Some(refusal) = crate::opportunities::lifecycle::submission_refusal(&o) {
        return Ok(Outcome::Failed(ReasonCode::Opportunitysubmissionfailed, refusal.message));
    }
    let payload = invitation_payload(&o)?;
    let message = format!("Opportunity {} submitted to AWS for co-selling", o.id);
    if let Err(e) = check_invitation(task, &payload, &message) {
        return Ok(Outcome::Failed(ReasonCode::Invitationvalidationfailed, e.message));
    }
    // Checked: from here on a refusal is a fault of pcentral, and the transaction fails whole.
    match share(ctx, task, &o, submission, payload, message) {
        Err(Failure::Api(e)) => {
            Err(ApiError::internal(format!("A step of the task was refused: {}", e.message)).into())
        }
        other => other,
    }
}

/// The writes of the task, in AWS's order.
fn share(
    ctx: &mut Ctx<'_>,
    task: &EngagementTask,
    o: &Opportunity,
    submission: &selling::AwsSubmission,
    payload: Value,
    message: String,
) -> OpResult<Outcome> {
    let engagement = match existing_engagement(ctx, o)? {
        Some(e) => e,
        None => new_engagement(ctx, task, o)?,
    };
    let e = visible(ctx, task.catalog, engagement.as_str())?;
    super::snapshots::take_snapshot(ctx, &e, o, OPPORTUNITY_SUMMARY)?;
    let mut job = super::jobs::new_job(ctx, task.catalog, &e.id, &o.id, OPPORTUNITY_SUMMARY, None);
    ctx.tx.insert_resource_snapshot_job(&job)?;
    super::jobs::start_job(ctx, &mut job)?;
    let aws = aws_account()?;
    let invitation = if ctx.tx.engagement_member(e.catalog, &e.id, &aws)?.is_some() {
        None
    } else if let Some(pending) = ctx.tx.pending_engagement_invitation(e.catalog, &e.id, &aws, ctx.now)? {
        Some(pending.id)
    } else {
        let kind = InvitationPayloadType::Opportunityinvitation;
        Some(super::invitations::send(ctx, &e, aws, None, message, kind, payload)?.id)
    };
    crate::opportunities::lifecycle::submit_opportunity(
        ctx,
        selling::SubmitOpportunityRequest {
            catalog: task.catalog,
            identifier: o.id.to_string(),
            involvement_type: submission.involvement_type,
            visibility: submission.visibility,
        },
    )?;
    Ok(Outcome::Shared { opportunity: o.id.clone(), engagement: e.id, invitation, job: job.id })
}

/// The earliest engagement the opportunity is associated with among the owner's.
fn existing_engagement(ctx: &mut Ctx<'_>, o: &Opportunity) -> OpResult<Option<EngagementId>> {
    let rows = ctx.tx.list_engagement_resources(&AssociationQuery {
        catalog: o.catalog,
        member: ctx.caller.account.clone(),
        engagement_id: None,
        resource_type: Some(selling::ResourceType::Opportunity),
        resource_id: Some(o.id.clone()),
        created_by: None,
        after: None,
        limit: 1,
    })?;
    Ok(rows.into_iter().next().map(|r| r.engagement_id))
}

/// CreateEngagement as the owner: titled with the project's title,
/// described with the customer's business problem (cut to the model's lengths).
fn new_engagement(ctx: &mut Ctx<'_>, task: &EngagementTask, o: &Opportunity) -> OpResult<EngagementId> {
    let project = o.body.project.as_ref();
    let cut = |text: Option<&String>, max: usize| text.map(|s| s.chars().take(max).collect::<String>());
    let created = super::create_engagement(
        ctx,
        selling::CreateEngagementRequest {
            catalog: task.catalog,
            client_token: task.id.to_string(),
            title: cut(project.and_then(|p| p.title.as_ref()), TITLE_MAX),
            description: cut(project.and_then(|p| p.customer_business_problem.as_ref()), DESCRIPTION_MAX),
            contexts: None,
        },
    )?;
    created
        .id
        .as_deref()
        .and_then(engagement_id)
        .ok_or_else(|| ApiError::internal("CreateEngagement answered no engagement id").into())
}

/// The `OpportunityInvitation` payload AWS receives: the opportunity's
/// customer and project as its owner wrote them.
fn invitation_payload(o: &Opportunity) -> OpResult<Value> {
    let b = to_json(&o.body)?;
    let get = |path: &str| b.pointer(path).cloned();
    let mut customer = Map::new();
    for (key, path) in [
        ("Industry", "/Customer/Account/Industry"),
        ("CompanyName", "/Customer/Account/CompanyName"),
        ("WebsiteUrl", "/Customer/Account/WebsiteUrl"),
        ("CountryCode", "/Customer/Account/Address/CountryCode"),
    ] {
        if let Some(v) = get(path) {
            customer.insert(key.into(), v);
        }
    }
    let mut project = Map::new();
    for (key, path) in [
        ("Title", "/Project/Title"),
        ("BusinessProblem", "/Project/CustomerBusinessProblem"),
        ("ExpectedCustomerSpend", "/Project/ExpectedCustomerSpend"),
        ("TargetCompletionDate", "/LifeCycle/TargetCloseDate"),
    ] {
        if let Some(v) = get(path) {
            project.insert(key.into(), v);
        }
    }
    let mut invitation = json!({
        "ReceiverResponsibilities": [AWS_RESPONSIBILITY],
        "Customer": customer,
        "Project": project,
    });
    if let Some(v) = get("/OpportunityType") {
        invitation["OpportunityType"] = v;
    }
    Ok(json!({ "OpportunityInvitation": invitation }))
}

/// The model's constraints of CreateEngagementInvitation, as that operation checks them.
fn check_invitation(task: &EngagementTask, payload: &Value, message: &str) -> Result<(), ApiError> {
    let request = json!({
        "Catalog": task.catalog,
        "ClientToken": task.id.to_string(),
        "EngagementIdentifier": "eng-aaaaaaaaaaaaaa",
        "Invitation": {
            "Message": message,
            "Receiver": {"Account": {"AwsAccountId": crate::acting_as_aws::DEFAULT_AWS_SENDER_ACCOUNT}},
            "Payload": payload,
        },
    });
    let operation = Operation::Selling(selling::Operation::CreateEngagementInvitation);
    pcentral_model::check_input(operation, &request).map_err(ApiError::from)
}

pub fn list_engagement_from_opportunity_tasks(
    ctx: &mut Ctx<'_>,
    req: selling::ListEngagementFromOpportunityTasksRequest,
) -> OpResult<selling::ListEngagementFromOpportunityTasksResponse> {
    let filter = TaskFilter {
        statuses: req.task_status.clone().unwrap_or_default(),
        opportunities: req.opportunity_identifier.clone().unwrap_or_default(),
        engagements: req.engagement_identifier.iter().flatten().map(|i| engagement_id(i)).collect(),
        tasks: TaskFilter::task_ids(&req.task_identifier),
        ..TaskFilter::default()
    };
    let query = TaskPage {
        catalog: req.catalog,
        kind: EngagementTaskKind::EngagementFromOpportunity,
        max_results: req.max_results,
        descending: req.sort.as_ref().is_none_or(|s| s.sort_order == SortOrder::Descending),
        next_token: req.next_token.as_deref(),
    };
    let (rows, next_token) = page_tasks(ctx, &req, &query, |t| filter.matches(t))?;
    Ok(selling::ListEngagementFromOpportunityTasksResponse {
        task_summaries: Some(rows.iter().map(summary).collect()),
        next_token,
    })
}
