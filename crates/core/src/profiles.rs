//! Partner profiles: the draft-then-published lifecycle, profile update tasks
//! (StartProfileUpdateTask, GetProfileUpdateTask, CancelProfileUpdateTask)
//! and visibility (GetProfileVisibility, PutProfileVisibility).
//!
//! Task outcomes are derived from the stored task and service time, never
//! written back: a task is SUCCEEDED from its due time on (unless cancelled or
//! forced first), and the published profile is the content of the latest
//! succeeded task, with `Headquarters` kept from the latest task that set it.

use pcentral_model::{timestamp, ApiError, Millis};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::operations::{parse, Ctx, ResourceRequest};
use crate::partners::{own_partner, partner_arn};
use crate::quotas::{check_rolling_quota, record};
use crate::settings::{ms, SECOND_MS};
use crate::store::{ForcedOutcome, OpResult, Partner, ProfileContent, ProfileTask, Tx};

/// Usage kinds counted by the profile quotas.
pub const PROFILE_TASK_USAGE: &str = "profile_task";
pub const VISIBILITY_USAGE: &str = "profile_visibility";

/// Status of a task at a given service time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskState {
    pub status: String,
    pub ended_at: Option<Millis>,
}

/// The status of `task` at `now`.
pub fn task_state(task: &ProfileTask, now: Millis) -> TaskState {
    if let Some(at) = task.canceled_at {
        return TaskState { status: "CANCELED".into(), ended_at: Some(at) };
    }
    if let Some(f) = &task.forced {
        return TaskState { status: f.status.clone(), ended_at: Some(f.at) };
    }
    match task.due_at {
        Some(due) if due <= now => TaskState { status: "SUCCEEDED".into(), ended_at: Some(due) },
        _ => TaskState { status: "IN_PROGRESS".into(), ended_at: None },
    }
}

/// The profile as the world sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum PublishedProfile {
    /// No task has succeeded yet: the draft made at creation, without ProfileId.
    Draft,
    /// The content of the latest succeeded task.
    Published(Box<ProfileContent>),
}

impl PublishedProfile {
    /// Derive the profile from the partner's tasks at `now`.
    pub fn derive(tasks: &[ProfileTask], now: Millis) -> PublishedProfile {
        let mut published: Option<ProfileContent> = None;
        let mut headquarters = None;
        for task in tasks {
            if task_state(task, now).status == "SUCCEEDED" {
                if task.details.headquarters.is_some() {
                    headquarters = task.details.headquarters.clone();
                }
                published = Some(task.details.clone());
            }
        }
        match published {
            Some(mut content) => {
                content.headquarters = headquarters;
                PublishedProfile::Published(Box::new(content))
            }
            None => PublishedProfile::Draft,
        }
    }

    pub fn load(ctx: &mut Ctx<'_>, partner: &Partner) -> OpResult<PublishedProfile> {
        let tasks = ctx.tx.profile_tasks(&partner.id)?;
        Ok(Self::derive(&tasks, ctx.now))
    }

    pub fn is_published(&self) -> bool {
        matches!(self, PublishedProfile::Published(_))
    }
}

/// The `PartnerProfile` member for `partner`.
pub fn profile_view(partner: &Partner, profile: &PublishedProfile) -> Value {
    match profile {
        PublishedProfile::Draft => json!(partner.draft),
        PublishedProfile::Published(content) => {
            let mut v = json!(content);
            v["ProfileId"] = json!(partner.profile_id);
            v
        }
    }
}

fn task_view(ctx: &Ctx<'_>, partner: &Partner, task: &ProfileTask) -> Value {
    let state = task_state(task, ctx.now);
    let mut v = json!({
        "Catalog": partner.catalog,
        "Arn": partner_arn(&ctx.caller.region, partner),
        "Id": partner.id,
        "TaskId": task.task_id,
        "TaskDetails": task.details,
        "StartedAt": timestamp::format(task.started_at),
        "Status": state.status,
    });
    if let Some(ended) = state.ended_at {
        v["EndedAt"] = json!(timestamp::format(ended));
    }
    if state.status == "FAILED" {
        let forced = task.forced.as_ref();
        v["ErrorDetailList"] = json!([{
            "Locale": task.details.translation_source_locale,
            "Message": forced.and_then(|f| f.message.as_deref()).unwrap_or("The profile content was not approved"),
            "Reason": forced.and_then(|f| f.reason.as_deref()).unwrap_or("INVALID_CONTENT"),
        }]);
    }
    v
}

/// Why an admin could not force a task's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForceError {
    NotFound(String),
    /// The task has already ended (with this status).
    Ended(String),
}

/// Admin: hold an IN_PROGRESS profile task (`IN_PROGRESS`: it will not
/// succeed on its own), or end it now as `SUCCEEDED` or `FAILED` (with an
/// optional `ProfileValidationErrorReason` and message). Only a task still
/// IN_PROGRESS at `now` can be changed.
pub fn force_task(
    tx: &mut dyn Tx,
    now: Millis,
    partner_id: &str,
    task_id: &str,
    status: &str,
    reason: Option<String>,
    message: Option<String>,
) -> OpResult<Result<(), ForceError>> {
    let Some(mut task) = tx.profile_tasks(partner_id)?.into_iter().find(|t| t.task_id == task_id) else {
        return Ok(Err(ForceError::NotFound(format!("partner {partner_id} has no profile task {task_id}"))));
    };
    let state = task_state(&task, now);
    if state.status != "IN_PROGRESS" {
        return Ok(Err(ForceError::Ended(state.status)));
    }
    match status {
        "IN_PROGRESS" => task.due_at = None,
        "SUCCEEDED" => task.due_at = Some(now),
        _ => task.forced = Some(ForcedOutcome { status: status.to_string(), at: now, reason, message }),
    }
    tx.update_profile_task(&task)?;
    Ok(Ok(()))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StartProfileUpdateTaskRequest {
    catalog: String,
    identifier: String,
    task_details: ProfileContent,
}

fn task_state_conflict(message: String) -> ApiError {
    ApiError::conflict("INCOMPATIBLE_PARTNER_PROFILE_TASK_STATE", message)
}

pub fn start_profile_update_task(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: StartProfileUpdateTaskRequest = parse(input)?;
    let partner = own_partner(ctx, &req.catalog, &req.identifier)?;
    let tasks = ctx.tx.profile_tasks(&partner.id)?;
    if let Some(running) = tasks.iter().find(|t| task_state(t, ctx.now).status == "IN_PROGRESS") {
        return Err(task_state_conflict(format!(
            "Profile update task {} is still in progress; cancel it first",
            running.task_id
        ))
        .into());
    }
    check_rolling_quota(
        ctx,
        &partner.catalog,
        PROFILE_TASK_USAGE,
        &partner.id,
        ctx.settings.profile_tasks_per_day,
        "LIMIT_EXCEEDED_NUMBER_OF_PROFILE_UPDATE_PER_DAY",
        "Too many profile update tasks started in the last 24 hours",
    )?;
    let task = ProfileTask {
        partner_id: partner.id.clone(),
        task_id: ctx.ids.id("pprofiletask-"),
        details: req.task_details,
        started_at: ctx.now,
        due_at: Some(ctx.now + ms(ctx.settings.profile_task_delay_seconds, SECOND_MS)),
        canceled_at: None,
        forced: None,
    };
    ctx.tx.insert_profile_task(&task)?;
    record(ctx, &partner.catalog, PROFILE_TASK_USAGE, &partner.id)?;
    // The answer to Start always shows the task as it began.
    let mut view = task_view(ctx, &partner, &task);
    view["Status"] = json!("IN_PROGRESS");
    if let Some(map) = view.as_object_mut() {
        map.remove("EndedAt");
    }
    Ok(view)
}

pub fn get_profile_update_task(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: ResourceRequest = parse(input)?;
    let partner = own_partner(ctx, &req.catalog, &req.identifier)?;
    let tasks = ctx.tx.profile_tasks(&partner.id)?;
    match tasks.last() {
        Some(task) => Ok(task_view(ctx, &partner, task)),
        None => Err(ApiError::not_found(
            "PARTNER_PROFILE_TASK_NOT_FOUND",
            format!("Partner {} has no profile update task", partner.id),
        )
        .into()),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CancelProfileUpdateTaskRequest {
    catalog: String,
    identifier: String,
    task_id: String,
}

pub fn cancel_profile_update_task(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: CancelProfileUpdateTaskRequest = parse(input)?;
    let partner = own_partner(ctx, &req.catalog, &req.identifier)?;
    let tasks = ctx.tx.profile_tasks(&partner.id)?;
    let Some(mut task) = tasks.into_iter().find(|t| t.task_id == req.task_id) else {
        return Err(ApiError::not_found(
            "PARTNER_PROFILE_TASK_NOT_FOUND",
            format!("Profile update task {} not found", req.task_id),
        )
        .into());
    };
    let state = task_state(&task, ctx.now);
    if state.status != "IN_PROGRESS" {
        return Err(task_state_conflict(format!(
            "Profile update task {} is {} and can no longer be cancelled",
            task.task_id, state.status
        ))
        .into());
    }
    task.canceled_at = Some(ctx.now);
    ctx.tx.update_profile_task(&task)?;
    Ok(task_view(ctx, &partner, &task))
}

fn published_partner(ctx: &mut Ctx<'_>, catalog: &str, identifier: &str) -> OpResult<Partner> {
    let partner = own_partner(ctx, catalog, identifier)?;
    if !PublishedProfile::load(ctx, &partner)?.is_published() {
        return Err(ApiError::not_found(
            "PARTNER_PROFILE_NOT_FOUND",
            format!("Partner {} has no published profile yet; run StartProfileUpdateTask first", partner.id),
        )
        .into());
    }
    Ok(partner)
}

fn visibility_view(ctx: &Ctx<'_>, partner: &Partner) -> Value {
    json!({
        "Catalog": partner.catalog,
        "Arn": partner_arn(&ctx.caller.region, partner),
        "Id": partner.id,
        "Visibility": partner.visibility.as_deref().unwrap_or("PUBLIC"),
        "ProfileId": partner.profile_id,
    })
}

pub fn get_profile_visibility(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: ResourceRequest = parse(input)?;
    let partner = published_partner(ctx, &req.catalog, &req.identifier)?;
    Ok(visibility_view(ctx, &partner))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PutProfileVisibilityRequest {
    catalog: String,
    identifier: String,
    visibility: String,
}

pub fn put_profile_visibility(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: PutProfileVisibilityRequest = parse(input)?;
    let mut partner = published_partner(ctx, &req.catalog, &req.identifier)?;
    check_rolling_quota(
        ctx,
        &partner.catalog,
        VISIBILITY_USAGE,
        &partner.id,
        ctx.settings.visibility_updates_per_day,
        "LIMIT_EXCEEDED_NUMBER_OF_PROFILE_VISIBILITY_UPDATE_PER_DAY",
        "Too many profile visibility updates in the last 24 hours",
    )?;
    partner.visibility = Some(req.visibility);
    ctx.tx.update_partner(&partner)?;
    record(ctx, &partner.catalog, VISIBILITY_USAGE, &partner.id)?;
    Ok(visibility_view(ctx, &partner))
}
