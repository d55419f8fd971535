//! Resource snapshot jobs of the Selling API (docs/behaviour.md#resource-snapshot-jobs):
//! CreateResourceSnapshotJob, StartResourceSnapshotJob,
//! StopResourceSnapshotJob, GetResourceSnapshotJob, ListResourceSnapshotJobs
//! and DeleteResourceSnapshotJob. A job is made `Stopped`; started, it
//! snapshots its opportunity at once when it changed since the latest
//! snapshot, and again whenever the opportunity changes, on the background
//! worker ([`run_changed_jobs`]). Only the account that made a job sees it.

use pcentral_model::selling::{self, SortOrder};
use pcentral_model::{ApiError, ErrorKind, Millis, OpportunityId, ResourceSnapshotJobId};
use serde_json::json;

use super::snapshots::{check_template, snapshot_if_changed};
use super::tasks::Runner;
use super::visible;
use crate::ctx::{new_id, Caller, Ctx, Ids};
use crate::opportunities::document::{not_found, output, owned};
use crate::pagination::{selling_page_size, Binding};
use crate::records::{ResourceSnapshotJob, SnapshotJobStatus as Status};
use crate::store::{EngagementCursor, OpResult, Tx};

fn arn(j: &ResourceSnapshotJob) -> String {
    format!("arn:aws:partnercentral:{}:{}:catalog/{}/resource-snapshot-job/{}", j.region, j.account, j.catalog, j.id)
}

/// The caller's job `identifier` names; anyone else's, or none, is the same ResourceNotFoundException.
fn own_job(ctx: &mut Ctx<'_>, catalog: pcentral_model::Catalog, identifier: &str) -> OpResult<ResourceSnapshotJob> {
    let missing = || not_found(format!("Resource snapshot job {identifier} was not found in catalog {catalog}"));
    let Ok(id) = ResourceSnapshotJobId::parse(identifier) else {
        return Err(missing().into());
    };
    match ctx.tx.resource_snapshot_job(catalog, &id)? {
        Some(j) if j.account == ctx.caller.account => Ok(j),
        _ => Err(missing().into()),
    }
}

pub fn create_resource_snapshot_job(
    ctx: &mut Ctx<'_>,
    req: selling::CreateResourceSnapshotJobRequest,
) -> OpResult<selling::CreateResourceSnapshotJobResponse> {
    check_template(req.resource_type, &req.resource_snapshot_template_identifier)?;
    let e = visible(ctx, req.catalog, &req.engagement_identifier)?;
    let o = owned(ctx, req.catalog, &req.resource_identifier)?;
    let job = new_job(ctx, req.catalog, &e.id, &o.id, &req.resource_snapshot_template_identifier, req.tags.as_deref());
    ctx.tx.insert_resource_snapshot_job(&job)?;
    Ok(selling::CreateResourceSnapshotJobResponse { id: Some(job.id.to_string()), arn: Some(arn(&job)) })
}

/// A new `Stopped` job of the caller (its checks made by the caller's operation).
pub fn new_job(
    ctx: &mut Ctx<'_>,
    catalog: pcentral_model::Catalog,
    engagement: &pcentral_model::EngagementId,
    resource: &OpportunityId,
    template: &str,
    tags: Option<&[selling::Tag]>,
) -> ResourceSnapshotJob {
    ResourceSnapshotJob {
        catalog,
        id: new_id(ctx.ids),
        engagement_id: engagement.clone(),
        resource_type: selling::ResourceType::Opportunity,
        resource_id: resource.clone(),
        template: template.to_string(),
        account: ctx.caller.account.clone(),
        region: ctx.caller.region.clone(),
        endpoint: ctx.caller.endpoint.clone(),
        created_at: ctx.now,
        status: Status::Stopped,
        checked_modified: 0,
        last_success: None,
        last_failure: None,
        tags: tags.unwrap_or_default().iter().map(|t| (t.key.clone(), t.value.clone())).collect(),
    }
}

/// Run `job` now as the caller (its maker): snapshot its opportunity when it
/// changed since the latest snapshot. A refused step (the maker no longer a
/// member, the opportunity gone) is the job's `LastFailure`; the job stays as it is.
fn run_job(ctx: &mut Ctx<'_>, job: &mut ResourceSnapshotJob) -> OpResult<()> {
    let step = (|| -> OpResult<Millis> {
        let e = visible(ctx, job.catalog, job.engagement_id.as_str())?;
        let o = owned(ctx, job.catalog, job.resource_id.as_str())?;
        snapshot_if_changed(ctx, &e, &o, &job.template)?;
        Ok(o.last_modified)
    })();
    match step {
        Ok(modified) => {
            job.checked_modified = modified;
            job.last_success = Some(ctx.now);
            job.last_failure = None;
        }
        Err(crate::store::Failure::Api(e)) => {
            // Looked at: wait for the next change before trying again.
            job.checked_modified =
                ctx.tx.opportunity(job.catalog, &job.resource_id)?.map_or(i64::MAX, |o| o.last_modified);
            job.last_failure = Some(e.message);
        }
        Err(other) => return Err(other),
    }
    Ok(())
}

/// Start `job` (stored): `Running`, and run at once.
pub fn start_job(ctx: &mut Ctx<'_>, job: &mut ResourceSnapshotJob) -> OpResult<()> {
    if job.status == Status::Running {
        return Ok(());
    }
    job.status = Status::Running;
    run_job(ctx, job)?;
    if !ctx.tx.update_resource_snapshot_job(job)? {
        return Err(crate::store::StoreError::Conflict.into());
    }
    Ok(())
}

pub fn start_resource_snapshot_job(
    ctx: &mut Ctx<'_>,
    req: selling::StartResourceSnapshotJobRequest,
) -> OpResult<pcentral_model::NoOutput> {
    let mut job = own_job(ctx, req.catalog, &req.resource_snapshot_job_identifier)?;
    start_job(ctx, &mut job)?;
    Ok(pcentral_model::NoOutput {})
}

pub fn stop_resource_snapshot_job(
    ctx: &mut Ctx<'_>,
    req: selling::StopResourceSnapshotJobRequest,
) -> OpResult<pcentral_model::NoOutput> {
    let mut job = own_job(ctx, req.catalog, &req.resource_snapshot_job_identifier)?;
    if job.status == Status::Running {
        job.status = Status::Stopped;
        if !ctx.tx.update_resource_snapshot_job(&job)? {
            return Err(crate::store::StoreError::Conflict.into());
        }
    }
    Ok(pcentral_model::NoOutput {})
}

pub fn delete_resource_snapshot_job(
    ctx: &mut Ctx<'_>,
    req: selling::DeleteResourceSnapshotJobRequest,
) -> OpResult<pcentral_model::NoOutput> {
    let job = own_job(ctx, req.catalog, &req.resource_snapshot_job_identifier)?;
    if job.status != Status::Stopped {
        return Err(ApiError::of(
            pcentral_model::Service::Selling,
            ErrorKind::Conflict,
            format!("Resource snapshot job {} is Running: stop it before deleting it", job.id),
        )
        .into());
    }
    if !ctx.tx.delete_resource_snapshot_job(job.catalog, &job.id)? {
        return Err(crate::store::StoreError::Conflict.into());
    }
    Ok(pcentral_model::NoOutput {})
}

pub fn get_resource_snapshot_job(
    ctx: &mut Ctx<'_>,
    req: selling::GetResourceSnapshotJobRequest,
) -> OpResult<selling::GetResourceSnapshotJobResponse> {
    let j = own_job(ctx, req.catalog, &req.resource_snapshot_job_identifier)?;
    let mut v = json!({
        "Catalog": j.catalog,
        "Id": j.id.to_string(),
        "Arn": arn(&j),
        "EngagementId": j.engagement_id,
        "ResourceType": j.resource_type,
        "ResourceId": j.resource_id,
        "ResourceArn": crate::arn::opportunity(&j.region, &j.account, j.catalog, &j.resource_id),
        "ResourceSnapshotTemplateName": j.template,
        "CreatedAt": pcentral_model::timestamp::format(j.created_at),
        "Status": j.status,
    });
    if let Some(t) = j.last_success {
        v["LastSuccessfulExecutionDate"] = json!(pcentral_model::timestamp::format(t));
    }
    if let Some(f) = &j.last_failure {
        v["LastFailure"] = json!(f);
    }
    output(v)
}

pub fn list_resource_snapshot_jobs(
    ctx: &mut Ctx<'_>,
    req: selling::ListResourceSnapshotJobsRequest,
) -> OpResult<selling::ListResourceSnapshotJobsResponse> {
    let size = selling_page_size(req.max_results);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after: Option<EngagementCursor> = binding.resume(req.next_token.as_deref())?;
    let descending = req.sort.as_ref().is_none_or(|s| s.sort_order == Some(SortOrder::Descending));
    let engagement = req.engagement_identifier.as_deref().map(super::engagement_id);
    let mut rows = ctx.tx.resource_snapshot_jobs(req.catalog, &ctx.caller.account)?;
    rows.retain(|j| {
        engagement.as_ref().is_none_or(|e| e.as_ref() == Some(&j.engagement_id))
            && req.status.is_none_or(|s| s == j.status)
    });
    if descending {
        rows.reverse();
    }
    let key = |j: &ResourceSnapshotJob| (j.created_at, j.id.to_string());
    if let Some(c) = &after {
        let cursor = (c.created_at, c.id.clone());
        rows.retain(|j| if descending { key(j) < cursor } else { key(j) > cursor });
    }
    let (rows, next_token) =
        binding.page(rows, size, |last| EngagementCursor { created_at: last.created_at, id: last.id.to_string() })?;
    Ok(selling::ListResourceSnapshotJobsResponse {
        resource_snapshot_job_summaries: rows
            .iter()
            .map(|j| selling::ResourceSnapshotJobSummary {
                id: Some(j.id.to_string()),
                arn: Some(arn(j)),
                engagement_id: Some(j.engagement_id.to_string()),
                status: Some(j.status),
            })
            .collect(),
        next_token,
    })
}

/// The background worker's step: run up to `limit` running jobs whose
/// opportunity changed, each as the account that made it; answers how many ran.
pub fn run_changed_jobs(tx: &mut dyn Tx, ids: &mut dyn Ids, r: &Runner<'_>, limit: usize) -> OpResult<usize> {
    let changed = tx.changed_snapshot_jobs(limit)?;
    let n = changed.len();
    for mut job in changed {
        let caller =
            Caller { account: job.account.clone(), region: job.region.clone(), endpoint: job.endpoint.clone() };
        let mut ctx = r.ctx(&mut *tx, &mut *ids, &caller);
        run_job(&mut ctx, &mut job)?;
        if !ctx.tx.update_resource_snapshot_job(&job)? {
            return Err(crate::store::StoreError::Conflict.into());
        }
    }
    Ok(n)
}
