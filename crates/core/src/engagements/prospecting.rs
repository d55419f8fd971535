//! StartProspectingFromEngagementTask, ListProspectingFromEngagementTasks and
//! GetProspectingFromEngagementTask (docs/behaviour.md#prospecting-tasks).
//! AWS researches each engagement's customer; pcentral has no research, so
//! the task stays IN_PROGRESS until AWS's side, played through the admin API
//! ([`complete`]), reports each engagement's outcome: a ProspectingResult
//! (stored as a ProspectingResult context of the engagement) or a failure.
//! Nothing is made up: no delay setting or worker ends these tasks.

use std::cmp::Ordering;

use pcentral_model::selling::{self, ProspectingFromEngagementTaskSortName as SortName, SortOrder, TaskStatus};
use pcentral_model::{ApiError, Catalog, EngagementId, EngagementTaskId, ErrorKind, Operation, Timestamp};
use serde::Deserialize;
use serde_json::{json, Value};

use super::tasks::{task_id_of, Runner};
use super::visible;
use crate::ctx::{Caller, Ctx, Ids};
use crate::opportunities::document::not_found;
use crate::pagination::{self, Binding};
use crate::records::{EngagementTask, EngagementTaskKind, ProspectOutcome, Prospecting, ProspectingTaskStatus};
use crate::store::{Failure, OpResult, Tx};
use crate::tools::ToolError;

const KIND: &str = "prospecting-from-engagement-task";

fn arn(t: &EngagementTask) -> String {
    crate::arn::engagement_task(&t.region, &t.account, t.catalog, KIND, &t.id)
}

/// The task's own part (every prospecting task has one).
fn part(t: &EngagementTask) -> OpResult<&Prospecting> {
    t.prospecting.as_ref().ok_or_else(|| ApiError::internal("A prospecting task without its engagements").into())
}

/// The task's status as the model names it.
fn status(t: &EngagementTask) -> ProspectingTaskStatus {
    match t.status {
        TaskStatus::InProgress => ProspectingTaskStatus::InProgress,
        TaskStatus::Complete => ProspectingTaskStatus::Completed,
        TaskStatus::Failed => ProspectingTaskStatus::Failed,
    }
}

fn count(p: &Prospecting, s: ProspectingTaskStatus) -> i64 {
    i64::try_from(p.engagements.iter().filter(|e| e.status == s).count()).unwrap_or(i64::MAX)
}

pub fn start_prospecting_from_engagement_task(
    ctx: &mut Ctx<'_>,
    req: selling::StartProspectingFromEngagementTaskRequest,
) -> OpResult<selling::StartProspectingFromEngagementTaskResponse> {
    // Every engagement must be one the caller is a member of; the first that
    // is not is ResourceNotFoundException and nothing is stored.
    let mut engagements: Vec<EngagementId> = Vec::new();
    for identifier in &req.identifiers {
        let e = visible(ctx, req.catalog, identifier)?;
        if !engagements.contains(&e.id) {
            engagements.push(e.id);
        }
    }
    let done = engagements.is_empty();
    let task = EngagementTask {
        catalog: req.catalog,
        id: EngagementTaskId::prospecting(&ctx.ids.suffix()),
        kind: EngagementTaskKind::Prospecting,
        account: ctx.caller.account.clone(),
        region: ctx.caller.region.clone(),
        endpoint: ctx.caller.endpoint.clone(),
        started_at: ctx.now,
        // Never due: AWS's side ends it.
        due_at: None,
        // With no engagement there is nothing to wait for.
        status: if done { TaskStatus::Complete } else { TaskStatus::InProgress },
        invitation_id: None,
        opportunity_id: None,
        engagement_id: None,
        context_id: None,
        resource_snapshot_job_id: None,
        aws_submission: None,
        reason_code: None,
        message: None,
        tags: vec![],
        prospecting: Some(Prospecting {
            name: req.task_name.clone(),
            engagements: engagements
                .into_iter()
                .map(|engagement_id| ProspectOutcome {
                    engagement_id,
                    status: ProspectingTaskStatus::InProgress,
                    context_id: None,
                    reason_code: None,
                    message: None,
                })
                .collect(),
            ended_at: done.then_some(ctx.now),
        }),
    };
    ctx.tx.insert_engagement_task(&task)?;
    Ok(selling::StartProspectingFromEngagementTaskResponse {
        identifiers: req.identifiers,
        task_name: req.task_name,
        message: None,
        reason_code: None,
        start_time: Timestamp(task.started_at),
        task_id: Some(task.id.to_string()),
        task_arn: Some(arn(&task)),
        task_status: status(&task),
    })
}

/// The caller's prospecting task `identifier` (an id or ARN).
fn own_task(ctx: &mut Ctx<'_>, catalog: Catalog, identifier: &str) -> OpResult<EngagementTask> {
    let missing = || not_found(format!("Prospecting task {identifier} was not found in catalog {catalog}"));
    let Ok(id) = EngagementTaskId::parse(&task_id_of(identifier)) else {
        return Err(missing().into());
    };
    match ctx.tx.engagement_task(catalog, &id)? {
        Some(t) if t.kind == EngagementTaskKind::Prospecting && t.account == ctx.caller.account => Ok(t),
        _ => Err(missing().into()),
    }
}

pub fn get_prospecting_from_engagement_task(
    ctx: &mut Ctx<'_>,
    req: selling::GetProspectingFromEngagementTaskRequest,
) -> OpResult<selling::GetProspectingFromEngagementTaskResponse> {
    let t = own_task(ctx, req.catalog, &req.task_identifier)?;
    let p = part(&t)?;
    Ok(selling::GetProspectingFromEngagementTaskResponse {
        task_id: t.id.to_string(),
        task_arn: arn(&t),
        task_name: p.name.clone(),
        start_time: Timestamp(t.started_at),
        end_time: p.ended_at.map(Timestamp),
        engagements: p
            .engagements
            .iter()
            .map(|e| selling::EngagementProspectingResult {
                engagement_identifier: e.engagement_id.to_string(),
                // pcentral's context ids are numbers, not `ctx-…` (docs/compat.md).
                engagement_context_id: None,
                status: e.status,
                reason_code: e.reason_code.clone(),
                message: e.message.clone(),
            })
            .collect(),
    })
}

pub fn list_prospecting_from_engagement_tasks(
    ctx: &mut Ctx<'_>,
    req: selling::ListProspectingFromEngagementTasksRequest,
) -> OpResult<selling::ListProspectingFromEngagementTasksResponse> {
    let size = pagination::selling_page_size(req.max_results);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let skip = binding.position(req.next_token.as_deref())?;
    let ids: Vec<String> = req.task_identifier.iter().flatten().map(|t| task_id_of(t)).collect();
    let names = req.task_name.clone().unwrap_or_default();
    let mut rows: Vec<(EngagementTask, Prospecting)> = Vec::new();
    for t in ctx.tx.engagement_tasks(req.catalog, &ctx.caller.account, EngagementTaskKind::Prospecting)? {
        let p = part(&t)?.clone();
        let keep = (ids.is_empty() || ids.iter().any(|i| i == t.id.as_str()))
            && (names.is_empty() || names.contains(&p.name))
            && req.start_after.is_none_or(|a| t.started_at > a.0)
            && req.start_before.is_none_or(|b| t.started_at < b.0);
        if keep {
            rows.push((t, p));
        }
    }
    // Without Sort, newest first (as every task list).
    let (sort_by, descending) = match &req.sort {
        Some(s) => (s.sort_by, s.sort_order == SortOrder::Descending),
        None => (SortName::Starttime, true),
    };
    rows.sort_by(|(a, pa), (b, pb)| {
        let o = match sort_by {
            SortName::Starttime => a.started_at.cmp(&b.started_at),
            SortName::Taskname => pa.name.cmp(&pb.name),
            SortName::Failedengagementcount => {
                count(pa, ProspectingTaskStatus::Failed).cmp(&count(pb, ProspectingTaskStatus::Failed))
            }
        };
        let o = if descending { o.reverse() } else { o };
        if o == Ordering::Equal {
            a.id.cmp(&b.id)
        } else {
            o
        }
    });
    let (page, next_token) = binding.page_at(rows, skip, size)?;
    let task_summaries = page
        .into_iter()
        .map(|(t, p)| selling::ProspectingTaskSummary {
            task_id: t.id.to_string(),
            task_arn: arn(&t),
            task_name: p.name.clone(),
            start_time: Timestamp(t.started_at),
            end_time: p.ended_at.map(Timestamp),
            total_engagement_count: i64::try_from(p.engagements.len()).unwrap_or(i64::MAX),
            completed_engagement_count: count(&p, ProspectingTaskStatus::Completed),
            failed_engagement_count: count(&p, ProspectingTaskStatus::Failed),
        })
        .collect();
    Ok(selling::ListProspectingFromEngagementTasksResponse { task_summaries, next_token })
}

/// What AWS's side reports for one engagement of a task.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub catalog: Catalog,
    pub task_id: String,
    pub engagement_id: String,
    /// The research: `{"Customer": {...}, "Insights": {...}}` as the model's
    /// `InvitationProspectingResultAws` shapes it.
    #[serde(default)]
    pub result: Option<Value>,
    /// Or why there is none.
    #[serde(default)]
    pub failure: Option<ReportedFailure>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportedFailure {
    pub reason_code: String,
    pub message: String,
}

/// Admin (AWS's side): report one engagement's outcome. A result is checked
/// against the model and stored as a ProspectingResult context of the
/// engagement (added as the task's starter); the task ends when every
/// engagement has an outcome. A refusal stores nothing. Answers the task's status.
pub fn complete(tx: &mut dyn Tx, ids: &mut dyn Ids, r: &Runner<'_>, report: Report) -> OpResult<ProspectingTaskStatus> {
    let bad = |m: String| -> Failure { ToolError::Invalid(m).into() };
    let task_id = EngagementTaskId::parse(&report.task_id).map_err(|e| bad(format!("\"task_id\": {e}")))?;
    let engagement = EngagementId::parse(&report.engagement_id).map_err(|e| bad(format!("\"engagement_id\": {e}")))?;
    let mut task = match tx.engagement_task(report.catalog, &task_id)? {
        Some(t) if t.kind == EngagementTaskKind::Prospecting => t,
        _ => {
            return Err(
                ToolError::NotFound(format!("no prospecting task {task_id} in catalog {}", report.catalog)).into()
            )
        }
    };
    let name = part(&task)?.name.clone();
    let Some(index) = part(&task)?.engagements.iter().position(|e| e.engagement_id == engagement) else {
        return Err(ToolError::NotFound(format!("the task names no engagement {engagement}")).into());
    };
    if part(&task)?.engagements[index].status != ProspectingTaskStatus::InProgress {
        return Err(ToolError::Conflict(format!("engagement {engagement} of the task has its outcome already")).into());
    }
    let outcome = match (report.result, report.failure) {
        (Some(result), None) => {
            let aws = match result {
                Value::Object(mut m) => {
                    m.insert("StartTime".into(), json!(Timestamp(task.started_at)));
                    m.insert("EndTime".into(), json!(Timestamp(r.now)));
                    m.insert("TaskId".into(), json!(task.id.to_string()));
                    m.insert("TaskArn".into(), json!(arn(&task)));
                    m.insert("TaskName".into(), json!(name));
                    Value::Object(m)
                }
                _ => return Err(bad("\"result\": an object ({\"Customer\", \"Insights\"})".into())),
            };
            let input = json!({
                "Catalog": task.catalog,
                // Required by the model; the context is added once (the outcome is checked above).
                "ClientToken": format!("{}/{engagement}", task.id),
                "EngagementIdentifier": engagement.to_string(),
                "Type": "ProspectingResult",
                "Payload": {"ProspectingResult": {"Aws": aws}},
            });
            let op = Operation::Selling(selling::Operation::CreateEngagementContext);
            if let Err(e) = pcentral_model::validate::check_input(op, &input) {
                return Err(bad(format!("\"result\" does not fit the model: {}", ApiError::from(e).message)));
            }
            let req: selling::CreateEngagementContextRequest =
                serde_json::from_value(input).map_err(|e| bad(format!("\"result\" does not fit the model: {e}")))?;
            let caller =
                Caller { account: task.account.clone(), region: task.region.clone(), endpoint: task.endpoint.clone() };
            let mut ctx = r.ctx(tx, ids, &caller);
            let made = match super::create_engagement_context(&mut ctx, req) {
                Ok(made) => made,
                Err(Failure::Api(e)) => {
                    let m = format!("the engagement takes no ProspectingResult context: {}", e.message);
                    return Err(match e.kind {
                        ErrorKind::Validation => ToolError::Invalid(m),
                        _ => ToolError::Conflict(m),
                    }
                    .into());
                }
                Err(other) => return Err(other),
            };
            ProspectOutcome {
                engagement_id: engagement,
                status: ProspectingTaskStatus::Completed,
                context_id: made.context_id.and_then(|c| c.parse().ok()),
                reason_code: None,
                message: None,
            }
        }
        (None, Some(f)) if !f.reason_code.trim().is_empty() && !f.message.trim().is_empty() => ProspectOutcome {
            engagement_id: engagement,
            status: ProspectingTaskStatus::Failed,
            context_id: None,
            reason_code: Some(f.reason_code),
            message: Some(f.message),
        },
        (None, Some(_)) => return Err(bad("\"failure\": a reason_code and a message, neither blank".into())),
        _ => return Err(bad("give exactly one of \"result\" and \"failure\"".into())),
    };
    let Some(p) = task.prospecting.as_mut() else {
        return Err(ApiError::internal("A prospecting task without its engagements").into());
    };
    p.engagements[index] = outcome;
    if p.engagements.iter().all(|e| e.status != ProspectingTaskStatus::InProgress) {
        p.ended_at = Some(r.now);
        task.status = if p.engagements.iter().any(|e| e.status == ProspectingTaskStatus::Completed) {
            TaskStatus::Complete
        } else {
            TaskStatus::Failed
        };
    }
    if !tx.update_engagement_task(&task)? {
        return Err(crate::store::StoreError::Conflict.into());
    }
    Ok(status(&task))
}
