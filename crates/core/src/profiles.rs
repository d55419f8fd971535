//! Partner profiles: profile update tasks (StartProfileUpdateTask,
//! GetProfileUpdateTask, CancelProfileUpdateTask), visibility
//! (GetProfileVisibility, PutProfileVisibility), and the admin command that
//! holds or ends a task (docs/behaviour.md#profiles).

use pcentral_model::account::{
    self, ConflictExceptionReason, ProfileTaskStatus, ProfileValidationErrorReason, ProfileVisibility,
    ResourceNotFoundExceptionReason,
};
use pcentral_model::{ApiError, Millis, PartnerId, ProfileTaskId, Timestamp};

use crate::ctx::{new_id, Ctx};
use crate::partners::{own_partner, own_published_partner, partner_arn, profile_content, task_details, task_state};
use crate::quotas;
use crate::records::{ForcedOutcome, ForcedTaskStatus, Partner, ProfileTask};
use crate::settings::{ms, SECOND_MS};
use crate::store::{OpResult, Tx};
use crate::tools::ToolError;

/// The message a FAILED task reports when an admin gave none.
const DEFAULT_FAILURE: &str = "The profile content was not approved";

/// A task as its operations answer it (the three task answers have the same members).
fn task_view(ctx: &Ctx<'_>, partner: &Partner, task: &ProfileTask) -> account::GetProfileUpdateTaskResponse {
    let state = task_state(task, ctx.now);
    let errors = (state.status == ProfileTaskStatus::Failed).then(|| {
        let forced = task.forced.as_ref();
        vec![account::ErrorDetail {
            locale: task.details.translation_source_locale.clone(),
            message: forced.and_then(|f| f.message.clone()).unwrap_or_else(|| DEFAULT_FAILURE.into()),
            reason: forced.and_then(|f| f.reason).unwrap_or(ProfileValidationErrorReason::InvalidContent),
        }]
    });
    account::GetProfileUpdateTaskResponse {
        catalog: partner.catalog,
        arn: partner_arn(&ctx.caller.region, partner),
        id: partner.id.clone(),
        task_id: task.task_id.clone(),
        task_details: task_details(&task.details),
        started_at: Timestamp(task.started_at),
        status: state.status,
        ended_at: state.ended_at.map(Timestamp),
        error_detail_list: errors,
    }
}

fn task_state_conflict(message: String) -> ApiError {
    ApiError::conflict(ConflictExceptionReason::IncompatiblePartnerProfileTaskState, message)
}

pub fn start_profile_update_task(
    ctx: &mut Ctx<'_>,
    req: account::StartProfileUpdateTaskRequest,
) -> OpResult<account::StartProfileUpdateTaskResponse> {
    let partner = own_partner(ctx, req.catalog, &req.identifier)?;
    let tasks = ctx.tx.profile_tasks(&partner.id)?;
    if let Some(running) = tasks.iter().find(|t| task_state(t, ctx.now).status == ProfileTaskStatus::InProgress) {
        return Err(task_state_conflict(format!(
            "Profile update task {} is still in progress; cancel it first",
            running.task_id
        ))
        .into());
    }
    quotas::spend(ctx, partner.catalog, quotas::PROFILE_TASKS, partner.id.as_str())?;
    let task = ProfileTask {
        partner_id: partner.id.clone(),
        task_id: new_id(ctx.ids),
        details: profile_content(req.task_details),
        started_at: ctx.now,
        due_at: Some(ctx.now + ms(ctx.settings.profile_task_delay_seconds, SECOND_MS)),
        canceled_at: None,
        forced: None,
    };
    ctx.tx.insert_profile_task(&task)?;
    // The answer to Start always shows the task as it began.
    let mut view = task_view(ctx, &partner, &task);
    view.status = ProfileTaskStatus::InProgress;
    view.ended_at = None;
    Ok(view.into())
}

pub fn get_profile_update_task(
    ctx: &mut Ctx<'_>,
    req: account::GetProfileUpdateTaskRequest,
) -> OpResult<account::GetProfileUpdateTaskResponse> {
    let partner = own_partner(ctx, req.catalog, &req.identifier)?;
    let tasks = ctx.tx.profile_tasks(&partner.id)?;
    match tasks.last() {
        Some(task) => Ok(task_view(ctx, &partner, task)),
        None => Err(ApiError::not_found(
            ResourceNotFoundExceptionReason::PartnerProfileTaskNotFound,
            format!("Partner {} has no profile update task", partner.id),
        )
        .into()),
    }
}

pub fn cancel_profile_update_task(
    ctx: &mut Ctx<'_>,
    req: account::CancelProfileUpdateTaskRequest,
) -> OpResult<account::CancelProfileUpdateTaskResponse> {
    let partner = own_partner(ctx, req.catalog, &req.identifier)?;
    let tasks = ctx.tx.profile_tasks(&partner.id)?;
    let Some(mut task) = tasks.into_iter().find(|t| t.task_id == req.task_id) else {
        return Err(ApiError::not_found(
            ResourceNotFoundExceptionReason::PartnerProfileTaskNotFound,
            format!("Profile update task {} not found", req.task_id),
        )
        .into());
    };
    let state = task_state(&task, ctx.now);
    if state.status != ProfileTaskStatus::InProgress {
        return Err(task_state_conflict(format!(
            "Profile update task {} is {} and can no longer be cancelled",
            task.task_id, state.status
        ))
        .into());
    }
    task.canceled_at = Some(ctx.now);
    ctx.tx.update_profile_task(&task)?;
    Ok(task_view(ctx, &partner, &task).into())
}

fn visibility_view(ctx: &Ctx<'_>, partner: Partner) -> account::GetProfileVisibilityResponse {
    account::GetProfileVisibilityResponse {
        catalog: partner.catalog,
        arn: partner_arn(&ctx.caller.region, &partner),
        visibility: partner.visibility.unwrap_or(ProfileVisibility::Public),
        profile_id: partner.profile_id,
        id: partner.id,
    }
}

pub fn get_profile_visibility(
    ctx: &mut Ctx<'_>,
    req: account::GetProfileVisibilityRequest,
) -> OpResult<account::GetProfileVisibilityResponse> {
    let partner = own_published_partner(ctx, req.catalog, &req.identifier)?;
    Ok(visibility_view(ctx, partner))
}

pub fn put_profile_visibility(
    ctx: &mut Ctx<'_>,
    req: account::PutProfileVisibilityRequest,
) -> OpResult<account::PutProfileVisibilityResponse> {
    let mut partner = own_published_partner(ctx, req.catalog, &req.identifier)?;
    quotas::spend(ctx, partner.catalog, quotas::VISIBILITY_UPDATES, partner.id.as_str())?;
    partner.visibility = Some(req.visibility);
    ctx.tx.update_partner(&partner)?;
    Ok(visibility_view(ctx, partner).into())
}

/// What an admin does to an IN_PROGRESS profile update task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskOutcome {
    /// Keep it IN_PROGRESS: it will not succeed on its own.
    Hold,
    /// End it now as SUCCEEDED.
    Succeed,
    /// End it now as FAILED, reporting this reason and message.
    Fail { reason: Option<ProfileValidationErrorReason>, message: Option<String> },
}

/// Admin: apply `outcome` to the task `task_id` of partner `partner_id`.
/// Only a task still IN_PROGRESS at `now` can be changed.
pub fn force_task(
    tx: &mut dyn Tx,
    now: Millis,
    partner_id: &PartnerId,
    task_id: &ProfileTaskId,
    outcome: TaskOutcome,
) -> OpResult<ProfileTaskStatus> {
    let Some(mut task) = tx.profile_tasks(partner_id)?.into_iter().find(|t| &t.task_id == task_id) else {
        return Err(ToolError::NotFound(format!("partner {partner_id} has no profile task {task_id}")).into());
    };
    let state = task_state(&task, now);
    if state.status != ProfileTaskStatus::InProgress {
        return Err(ToolError::Conflict(format!(
            "the task has already ended ({}); only an IN_PROGRESS task can be forced",
            state.status
        ))
        .into());
    }
    match outcome {
        TaskOutcome::Hold => task.due_at = None,
        TaskOutcome::Succeed => task.due_at = Some(now),
        TaskOutcome::Fail { reason, message } => {
            task.forced = Some(ForcedOutcome { status: ForcedTaskStatus::Failed, at: now, reason, message })
        }
    }
    tx.update_profile_task(&task)?;
    Ok(task_state(&task, now).status)
}
