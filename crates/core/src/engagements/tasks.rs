//! The Selling API's tasks (docs/behaviour.md#engagement-tasks):
//! StartEngagementByAcceptingInvitationTask and
//! ListEngagementByAcceptingInvitationTasks here, and what every task kind
//! shares (`opportunity_tasks` holds StartOpportunityFromEngagementTask's own
//! steps). A task is stored IN_PROGRESS
//! and runs when it is due: at once in the starting call when the
//! `engagement_task_delay_seconds` setting is 0 (the default), else on the
//! background worker ([`run_due_tasks`]); the admin API holds a task or
//! finishes it ([`force_task`]). Running, the task accepts the invitation
//! (the receiver joins the engagement) and makes the receiver's opportunity
//! from the invitation's payload; when a step is refused, the task is FAILED
//! with the reason code and message, and nothing else changed.

use pcentral_model::selling::{self, ReasonCode, SortOrder, TaskStatus};
use pcentral_model::{ApiError, Catalog, EngagementTaskId, ErrorKind, Millis, Timestamp};
use serde_json::{json, Value};

use super::invitations::{accept, invitation_id, visible_invitation};
use crate::ctx::{new_id, Caller, Ctx, Ids};
use crate::pagination::Binding;
use crate::qualifications::TaskAction;
use crate::records::{EngagementTask, EngagementTaskKind, InvitationPayloadType as PayloadType};
use crate::settings::{ms, Settings, SECOND_MS};
use crate::store::{EngagementCursor, Failure, OpResult, Tx};
use crate::tools::ToolError;

/// Page size when `MaxResults` is absent (AWS's documentation names none; docs/compat.md).
const DEFAULT_PAGE: usize = 20;
const ACCEPT_KIND: &str = "engagement-by-accepting-invitation-task";

fn arn(t: &EngagementTask) -> String {
    crate::arn::engagement_task(&t.region, &t.account, t.catalog, ACCEPT_KIND, &t.id)
}

fn summary(t: &EngagementTask) -> selling::ListEngagementByAcceptingInvitationTaskSummary {
    selling::ListEngagementByAcceptingInvitationTaskSummary {
        task_id: Some(t.id.to_string()),
        task_arn: Some(arn(t)),
        start_time: Some(Timestamp(t.started_at)),
        task_status: Some(t.status),
        message: t.message.clone(),
        reason_code: t.reason_code,
        opportunity_id: t.opportunity_id.as_ref().map(ToString::to_string),
        resource_snapshot_job_id: t.resource_snapshot_job_id.as_ref().map(ToString::to_string),
        engagement_invitation_id: t.invitation_id.as_ref().map(ToString::to_string),
    }
}

pub fn start_engagement_by_accepting_invitation_task(
    ctx: &mut Ctx<'_>,
    req: selling::StartEngagementByAcceptingInvitationTaskRequest,
) -> OpResult<selling::StartEngagementByAcceptingInvitationTaskResponse> {
    // Only the receiver starts it; anyone else learns nothing (as AcceptEngagementInvitation).
    let i = visible_invitation(ctx, req.catalog, &req.identifier)?;
    if i.receiver != ctx.caller.account {
        return Err(ApiError::of(
            pcentral_model::Service::Selling,
            ErrorKind::AccessDenied,
            format!("Engagement invitation {} is accepted by its receiver, not by its sender", i.id),
        )
        .into());
    }
    let tags = req.tags.iter().flatten().map(|t| (t.key.clone(), t.value.clone())).collect();
    let task = start_task(ctx, req.catalog, EngagementTaskKind::AcceptInvitation, tags, |t| {
        t.invitation_id = Some(i.id.clone());
        t.engagement_id = Some(i.engagement_id.clone());
    })?;
    let s = summary(&task);
    Ok(selling::StartEngagementByAcceptingInvitationTaskResponse {
        task_id: s.task_id,
        task_arn: s.task_arn,
        start_time: s.start_time,
        task_status: s.task_status,
        message: s.message,
        reason_code: s.reason_code,
        opportunity_id: s.opportunity_id,
        resource_snapshot_job_id: s.resource_snapshot_job_id,
        engagement_invitation_id: s.engagement_invitation_id,
    })
}

/// Store a new task of `kind`, IN_PROGRESS, with what `set` fills in, and
/// run it at once when the `engagement_task_delay_seconds` setting is 0.
pub(super) fn start_task(
    ctx: &mut Ctx<'_>,
    catalog: Catalog,
    kind: EngagementTaskKind,
    tags: Vec<(String, String)>,
    set: impl FnOnce(&mut EngagementTask),
) -> OpResult<EngagementTask> {
    let delay = ms(ctx.settings.engagement_task_delay_seconds, SECOND_MS);
    let mut task = EngagementTask {
        catalog,
        id: new_id(ctx.ids),
        kind,
        account: ctx.caller.account.clone(),
        region: ctx.caller.region.clone(),
        endpoint: ctx.caller.endpoint.clone(),
        started_at: ctx.now,
        due_at: Some(ctx.now.saturating_add(delay)),
        status: TaskStatus::InProgress,
        invitation_id: None,
        opportunity_id: None,
        engagement_id: None,
        context_id: None,
        resource_snapshot_job_id: None,
        aws_submission: None,
        reason_code: None,
        message: None,
        tags,
        prospecting: None,
    };
    set(&mut task);
    ctx.tx.insert_engagement_task(&task)?;
    if delay == 0 {
        task = finish(ctx, task)?;
    }
    Ok(task)
}

/// The reason code a refused step of the task reports.
pub(super) fn reason_of(e: &ApiError) -> ReasonCode {
    match e.kind {
        ErrorKind::Conflict => ReasonCode::Engagementinvitationconflict,
        ErrorKind::ResourceNotFound | ErrorKind::AccessDenied => ReasonCode::Invitationaccessdenied,
        ErrorKind::Validation => ReasonCode::Invitationvalidationfailed,
        ErrorKind::ServiceQuotaExceeded => ReasonCode::Servicequotaexceeded,
        ErrorKind::Throttling => ReasonCode::Requestthrottled,
        _ => ReasonCode::Internalerror,
    }
}

/// What running a task came to.
pub(super) enum Outcome {
    /// The starter's new opportunity, and the snapshot job the task made of it.
    Complete(pcentral_model::OpportunityId, Option<pcentral_model::ResourceSnapshotJobId>),
    /// The opportunity shared with AWS: the engagement, the invitation to
    /// AWS (none when AWS is a member already) and the snapshot job.
    Shared {
        opportunity: pcentral_model::OpportunityId,
        engagement: pcentral_model::EngagementId,
        invitation: Option<pcentral_model::EngagementInvitationId>,
        job: pcentral_model::ResourceSnapshotJobId,
    },
    /// Why the task stopped; nothing but the task changed.
    Failed(ReasonCode, String),
}

/// Run `task` (stored IN_PROGRESS) as its account: COMPLETE with the
/// starter's new opportunity, or FAILED with why. A refused step changes
/// nothing but the task; a storage failure fails the whole transaction.
fn finish(ctx: &mut Ctx<'_>, mut task: EngagementTask) -> OpResult<EngagementTask> {
    let outcome = match task.kind {
        EngagementTaskKind::AcceptInvitation => run_accept(ctx, &task)?,
        EngagementTaskKind::OpportunityFromEngagement => super::opportunity_tasks::run(ctx, &task)?,
        EngagementTaskKind::EngagementFromOpportunity => super::from_opportunity::run(ctx, &task)?,
        EngagementTaskKind::Prospecting => {
            return Err(ToolError::Conflict(
                "a prospecting task ends when AWS's side reports its engagements \
                 (POST /_pcentral/prospecting-tasks/complete)"
                    .into(),
            )
            .into())
        }
    };
    match outcome {
        Outcome::Complete(opportunity, job) => {
            task.status = TaskStatus::Complete;
            task.opportunity_id = Some(opportunity);
            task.resource_snapshot_job_id = job;
        }
        Outcome::Shared { opportunity, engagement, invitation, job } => {
            task.status = TaskStatus::Complete;
            task.opportunity_id = Some(opportunity);
            task.engagement_id = Some(engagement);
            task.invitation_id = invitation;
            task.resource_snapshot_job_id = Some(job);
        }
        Outcome::Failed(reason, message) => {
            task.status = TaskStatus::Failed;
            task.reason_code = Some(reason);
            task.message = Some(message);
        }
    }
    task.due_at = None;
    if !ctx.tx.update_engagement_task(&task)? {
        return Err(crate::store::StoreError::Conflict.into());
    }
    Ok(task)
}

/// StartEngagementByAcceptingInvitationTask's steps.
fn run_accept(ctx: &mut Ctx<'_>, task: &EngagementTask) -> OpResult<Outcome> {
    let kind = match &task.invitation_id {
        Some(id) => ctx.tx.engagement_invitation(task.catalog, id)?.map(|i| i.payload_type),
        None => None,
    };
    if let Some(other) = kind.filter(|k| *k != PayloadType::Opportunityinvitation) {
        let message = format!(
            "The invitation carries a {}: only an OpportunityInvitation is accepted by this task \
             (AcceptEngagementInvitation accepts the others)",
            other.as_str()
        );
        return Ok(Outcome::Failed(ReasonCode::Invitationvalidationfailed, message));
    }
    match accept_and_copy(ctx, task) {
        Ok((opportunity, job)) => Ok(Outcome::Complete(opportunity, Some(job))),
        Err(Failure::Api(e)) => Ok(Outcome::Failed(reason_of(&e), e.message)),
        Err(other) => Err(other),
    }
}

/// Accept the task's invitation, make the receiver's opportunity from its
/// payload, and a running snapshot job of that opportunity in the
/// engagement (its first snapshot taken at once). Every refusal comes
/// before the first write.
fn accept_and_copy(
    ctx: &mut Ctx<'_>,
    task: &EngagementTask,
) -> OpResult<(pcentral_model::OpportunityId, pcentral_model::ResourceSnapshotJobId)> {
    let Some(id) = &task.invitation_id else {
        return Err(ApiError::internal("The task names no invitation").into());
    };
    let invitation = accept(ctx, task.catalog, id.as_str())?;
    let mut request = opportunity_request(task, &invitation.payload);
    let from_aws = invitation.from_aws.is_some();
    if from_aws {
        // What AWS referred is an AWS referral in the partner's account too.
        request["Origin"] = json!(pcentral_model::selling::OpportunityOrigin::AwsReferral);
    }
    let req: selling::CreateOpportunityRequest = serde_json::from_value(request)
        .map_err(|e| ApiError::internal(format!("The invitation's payload makes no opportunity: {e}")))?;
    let created = if from_aws {
        crate::opportunities::create_from_aws_referral(ctx, req)?
    } else {
        crate::opportunities::create_opportunity(ctx, req)?
    };
    let opportunity = pcentral_model::OpportunityId::parse(&created.id)
        .map_err(|e| ApiError::internal(format!("Unreadable opportunity id: {e}")))?;
    let template = crate::records::OPPORTUNITY_SUMMARY;
    let mut job = super::jobs::new_job(ctx, task.catalog, &invitation.engagement_id, &opportunity, template, None);
    ctx.tx.insert_resource_snapshot_job(&job)?;
    super::jobs::start_job(ctx, &mut job)?;
    Ok((opportunity, job.id))
}

/// The CreateOpportunity request of the receiver's copy: the customer and
/// project the invitation shares.
fn opportunity_request(task: &EngagementTask, payload: &Value) -> Value {
    let o = payload.get("OpportunityInvitation").cloned().unwrap_or_else(|| json!({}));
    let customer = o.get("Customer").cloned().unwrap_or_else(|| json!({}));
    let project = o.get("Project").cloned().unwrap_or_else(|| json!({}));
    let mut account = json!({});
    for key in ["CompanyName", "Industry", "WebsiteUrl"] {
        if let Some(v) = customer.get(key) {
            account[key] = v.clone();
        }
    }
    if let Some(c) = customer.get("CountryCode") {
        account["Address"] = json!({"CountryCode": c});
    }
    let mut p = json!({});
    if let Some(v) = project.get("Title") {
        p["Title"] = v.clone();
    }
    if let Some(v) = project.get("BusinessProblem") {
        p["CustomerBusinessProblem"] = v.clone();
    }
    if let Some(v) = project.get("ExpectedCustomerSpend") {
        p["ExpectedCustomerSpend"] = v.clone();
    }
    let mut r = json!({
        "Catalog": task.catalog,
        "ClientToken": task.id.to_string(),
        "Customer": {"Account": account},
        "Project": p,
    });
    if let Some(v) = o.get("OpportunityType") {
        r["OpportunityType"] = v.clone();
    }
    if let Some(v) = project.get("TargetCompletionDate") {
        r["LifeCycle"] = json!({"TargetCloseDate": v});
    }
    r
}

pub fn list_engagement_by_accepting_invitation_tasks(
    ctx: &mut Ctx<'_>,
    req: selling::ListEngagementByAcceptingInvitationTasksRequest,
) -> OpResult<selling::ListEngagementByAcceptingInvitationTasksResponse> {
    let filter = TaskFilter {
        statuses: req.task_status.clone().unwrap_or_default(),
        opportunities: req.opportunity_identifier.clone().unwrap_or_default(),
        invitations: req.engagement_invitation_identifier.iter().flatten().map(|i| invitation_id(i)).collect(),
        tasks: TaskFilter::task_ids(&req.task_identifier),
        ..TaskFilter::default()
    };
    let query = TaskPage {
        catalog: req.catalog,
        kind: EngagementTaskKind::AcceptInvitation,
        max_results: req.max_results,
        descending: req.sort.as_ref().is_none_or(|s| s.sort_order == SortOrder::Descending),
        next_token: req.next_token.as_deref(),
    };
    let (rows, next_token) = page_tasks(ctx, &req, &query, |t| filter.matches(t))?;
    Ok(selling::ListEngagementByAcceptingInvitationTasksResponse {
        task_summaries: Some(rows.iter().map(summary).collect()),
        next_token,
    })
}

/// What a list of the caller's tasks of one kind asks for.
pub(super) struct TaskPage<'a> {
    pub catalog: Catalog,
    pub kind: EngagementTaskKind,
    pub max_results: Option<i64>,
    /// Newest first (the default of every task list).
    pub descending: bool,
    pub next_token: Option<&'a str>,
}

/// One page of the caller's tasks of `q.kind` that `keep` selects, by start
/// time, with the token of the next page.
pub(super) fn page_tasks<R: pcentral_model::OperationInput + serde::Serialize>(
    ctx: &mut Ctx<'_>,
    req: &R,
    q: &TaskPage<'_>,
    keep: impl Fn(&EngagementTask) -> bool,
) -> OpResult<(Vec<EngagementTask>, Option<String>)> {
    let size = q.max_results.and_then(|n| usize::try_from(n).ok()).filter(|n| *n > 0).unwrap_or(DEFAULT_PAGE);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, req);
    let after: Option<EngagementCursor> = binding.resume(q.next_token)?;
    let mut rows = ctx.tx.engagement_tasks(q.catalog, &ctx.caller.account, q.kind)?;
    rows.retain(keep);
    if q.descending {
        rows.reverse();
    }
    let key = |t: &EngagementTask| (t.started_at, t.id.to_string());
    if let Some(c) = &after {
        let cursor = (c.created_at, c.id.clone());
        rows.retain(|t| if q.descending { key(t) < cursor } else { key(t) > cursor });
    }
    binding.page(rows, size, |last| EngagementCursor { created_at: last.started_at, id: last.id.to_string() })
}

/// The task id a `TaskArnOrIdentifier` names (the ARN's last segment).
/// The filters the task lists share, each as the request names it; an empty
/// one filters nothing, and an identifier that names no record matches none.
#[derive(Default)]
pub(super) struct TaskFilter {
    pub statuses: Vec<TaskStatus>,
    pub opportunities: Vec<String>,
    pub engagements: Vec<Option<pcentral_model::EngagementId>>,
    pub invitations: Vec<Option<pcentral_model::EngagementInvitationId>>,
    pub contexts: Vec<String>,
    pub tasks: Vec<String>,
}

impl TaskFilter {
    /// The identifiers of `task_identifier` (ids or ARNs) as ids.
    pub fn task_ids(identifiers: &Option<Vec<String>>) -> Vec<String> {
        identifiers.iter().flatten().map(|t| task_id_of(t)).collect()
    }

    pub fn matches(&self, t: &EngagementTask) -> bool {
        fn named<T: PartialEq>(wanted: &[Option<T>], have: Option<&T>) -> bool {
            wanted.is_empty() || wanted.iter().any(|w| w.is_some() && w.as_ref() == have)
        }
        (self.statuses.is_empty() || self.statuses.contains(&t.status))
            && (self.opportunities.is_empty()
                || t.opportunity_id.as_ref().is_some_and(|o| self.opportunities.iter().any(|x| x == o.as_str())))
            && named(&self.engagements, t.engagement_id.as_ref())
            && named(&self.invitations, t.invitation_id.as_ref())
            && (self.contexts.is_empty()
                || t.context_id.is_some_and(|c| self.contexts.iter().any(|x| *x == c.to_string())))
            && (self.tasks.is_empty() || self.tasks.iter().any(|x| x == t.id.as_str()))
    }
}

pub(super) fn task_id_of(identifier: &str) -> String {
    identifier.rsplit('/').next().unwrap_or(identifier).to_string()
}

/// What running a task outside a request needs: service time, settings, the page-token key.
pub struct Runner<'a> {
    pub now: Millis,
    pub settings: &'a Settings,
    pub pagination_key: &'a str,
}

impl Runner<'_> {
    /// A context acting as `caller` on this run's service time: the worker
    /// and the admin tools run stored work through the API's own code.
    pub fn ctx<'a>(&'a self, tx: &'a mut dyn Tx, ids: &'a mut dyn Ids, caller: &'a Caller) -> Ctx<'a> {
        Ctx { tx, ids, caller, now: self.now, settings: self.settings, pagination_key: self.pagination_key }
    }
}

/// Run the task as the account that started it, with the request's region and endpoint.
fn run_as_owner(tx: &mut dyn Tx, ids: &mut dyn Ids, r: &Runner<'_>, task: EngagementTask) -> OpResult<EngagementTask> {
    let caller = Caller { account: task.account.clone(), region: task.region.clone(), endpoint: task.endpoint.clone() };
    let mut ctx = r.ctx(tx, ids, &caller);
    finish(&mut ctx, task)
}

/// The background worker's step: run up to `limit` due tasks; answers how many ran.
pub fn run_due_tasks(tx: &mut dyn Tx, ids: &mut dyn Ids, r: &Runner<'_>, limit: usize) -> OpResult<usize> {
    let due = tx.due_engagement_tasks(r.now, limit)?;
    let n = due.len();
    for task in due {
        run_as_owner(tx, ids, r, task)?;
    }
    Ok(n)
}

/// Admin: hold (no due time) or complete (run now) the IN_PROGRESS task `id` of `catalog`; answers its status afterwards.
pub fn force_task(
    tx: &mut dyn Tx,
    ids: &mut dyn Ids,
    r: &Runner<'_>,
    catalog: Catalog,
    id: &EngagementTaskId,
    action: TaskAction,
) -> OpResult<TaskStatus> {
    let Some(mut task) = tx.engagement_task(catalog, id)? else {
        return Err(ToolError::NotFound(format!("no Selling task {id} in catalog {catalog}")).into());
    };
    if task.status != TaskStatus::InProgress {
        return Err(ToolError::Conflict(format!(
            "the task has already ended ({}); only an IN_PROGRESS task can be forced",
            task.status.as_str()
        ))
        .into());
    }
    match action {
        TaskAction::Hold => {
            task.due_at = None;
            if !tx.update_engagement_task(&task)? {
                return Err(crate::store::StoreError::Conflict.into());
            }
            Ok(task.status)
        }
        TaskAction::Complete => Ok(run_as_owner(tx, ids, r, task)?.status),
    }
}
