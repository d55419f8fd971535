//! Customer-account bulk jobs of the Selling API (docs/behaviour.md#bulk-jobs):
//! StartCustomerAccountBulkJob, GetCustomerAccountBulkJob,
//! ListCustomerAccountBulkJobs, ListCustomerAccountBulkJobResults and
//! GetCustomerAccountBulkJobReportUrl. The jobs are the opportunity jobs'
//! machinery (upload, delay, worker, admin hold/run, report URLs) with
//! [`BulkJobKind::CustomerAccount`]: each row is a CreateCustomerAccount
//! or UpdateCustomerAccount request run by that operation's handler.

use pcentral_model::selling::{self, BulkOperationType, BulkRecordStatus, BulkReportStatus, BulkReportType};
use pcentral_model::{Catalog, Timestamp};
use serde_json::{json, Value};

use super::{
    decode, new_report_link, page_jobs, page_results, report_url, start, visible_job, BulkJob, REPORT_LIFETIME_MS,
};
use crate::ctx::Ctx;
use crate::customer_accounts as accounts;
use crate::pagination::{selling_page_size, Binding};
use crate::records::BulkJobKind;
use crate::store::OpResult;

/// `arn:aws:partnercentral:{region}:{account}:catalog/{catalog}/customer-account-bulk-job/{id}`.
fn arn(job: &BulkJob) -> String {
    format!(
        "arn:aws:partnercentral:{}:{}:catalog/{}/customer-account-bulk-job/{}",
        job.region, job.account, job.catalog, job.id
    )
}

/// The job id an `Identifier` (an id, or the job's ARN) names; an ARN of
/// anything else names no job (an empty id, which no job has).
fn named_id(catalog: Catalog, identifier: &str) -> &str {
    if !identifier.starts_with("arn:") {
        return identifier;
    }
    let parts: Vec<&str> = identifier.splitn(6, ':').collect();
    let ["arn", _, "partnercentral", _, _, resource] = parts.as_slice() else {
        return "";
    };
    match resource.split('/').collect::<Vec<_>>().as_slice() {
        ["catalog", c, "customer-account-bulk-job", id] if *c == catalog.as_str() => id,
        _ => "",
    }
}

/// The caller's customer-account job `identifier`, or ResourceNotFoundException.
fn job_named(ctx: &mut Ctx<'_>, catalog: Catalog, identifier: &str) -> OpResult<BulkJob> {
    let job = visible_job(ctx, catalog, named_id(catalog, identifier), BulkJobKind::CustomerAccount);
    // An ARN must also name the job's own account.
    match job {
        Ok(j) if !identifier.starts_with("arn:") || identifier == arn(&j) => Ok(j),
        Ok(_) => Err(super::not_found(catalog, identifier).into()),
        Err(e) => Err(e),
    }
}

/// Accounts this job created that have been deleted since: the created
/// accounts no longer stored (it never decreases, ids are not reused).
fn deleted_count(ctx: &mut Ctx<'_>, job: &BulkJob) -> OpResult<i64> {
    if job.operation_type != Some(BulkOperationType::BulkCreate) || job.succeeded == 0 {
        return Ok(0);
    }
    let mut n = 0;
    for row in ctx.tx.bulk_job_rows(job.catalog, &job.id)? {
        let Some(id) = row.resource_identifier.filter(|_| row.status == BulkRecordStatus::Succeeded) else {
            continue;
        };
        let gone = match pcentral_model::CustomerAccountId::parse(&id) {
            Ok(id) => ctx.tx.customer_account(job.catalog, &id)?.is_none(),
            Err(_) => true,
        };
        n += i64::from(gone);
    }
    Ok(n)
}

fn summary(ctx: &mut Ctx<'_>, j: &BulkJob) -> OpResult<selling::CustomerAccountBulkJobSummary> {
    Ok(selling::CustomerAccountBulkJobSummary {
        arn: arn(j),
        id: j.id.to_string(),
        status: j.status,
        file_name: j.file_name.clone(),
        total_records: j.total,
        processed_records: j.processed,
        success_count: j.succeeded,
        failure_count: j.failed,
        deleted_count: deleted_count(ctx, j)?,
        failure_reason: j.failure_reason.clone(),
        created_at: Timestamp(j.created_at),
        completed_at: j.completed_at.map(Timestamp),
    })
}

pub fn start_customer_account_bulk_job(
    ctx: &mut Ctx<'_>,
    req: selling::StartCustomerAccountBulkJobRequest,
) -> OpResult<selling::StartCustomerAccountBulkJobResponse> {
    let job = start(ctx, req.catalog, &req.file_uri, "FileUri", BulkJobKind::CustomerAccount)?;
    Ok(selling::StartCustomerAccountBulkJobResponse {
        arn: arn(&job),
        id: job.id.to_string(),
        status: job.status,
        created_at: Timestamp(job.created_at),
    })
}

pub fn get_customer_account_bulk_job(
    ctx: &mut Ctx<'_>,
    req: selling::GetCustomerAccountBulkJobRequest,
) -> OpResult<selling::GetCustomerAccountBulkJobResponse> {
    let job = job_named(ctx, req.catalog, &req.identifier)?;
    let s = summary(ctx, &job)?;
    Ok(selling::GetCustomerAccountBulkJobResponse {
        arn: s.arn,
        id: s.id,
        status: s.status,
        file_name: s.file_name,
        total_records: s.total_records,
        processed_records: s.processed_records,
        success_count: s.success_count,
        failure_count: s.failure_count,
        deleted_count: s.deleted_count,
        failure_reason: s.failure_reason,
        created_at: s.created_at,
        completed_at: s.completed_at,
    })
}

pub fn list_customer_account_bulk_jobs(
    ctx: &mut Ctx<'_>,
    req: selling::ListCustomerAccountBulkJobsRequest,
) -> OpResult<selling::ListCustomerAccountBulkJobsResponse> {
    let size = selling_page_size(req.max_results);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after = binding.resume(req.next_token.as_deref())?;
    let filter = req.filter.as_ref();
    let wanted = filter.and_then(|f| f.identifier.as_deref());
    let wanted_status = filter.and_then(|f| f.status);
    let keep = |j: &BulkJob| {
        wanted.is_none_or(|i| i == j.id.as_str() || i == arn(j)) && wanted_status.is_none_or(|s| s == j.status)
    };
    let (rows, next_token) = page_jobs(ctx, &binding, req.catalog, BulkJobKind::CustomerAccount, keep, after, size)?;
    let mut items = Vec::with_capacity(rows.len());
    for j in &rows {
        items.push(summary(ctx, j)?);
    }
    Ok(selling::ListCustomerAccountBulkJobsResponse { items, next_token })
}

pub fn list_customer_account_bulk_job_results(
    ctx: &mut Ctx<'_>,
    req: selling::ListCustomerAccountBulkJobResultsRequest,
) -> OpResult<selling::ListCustomerAccountBulkJobResultsResponse> {
    let size = selling_page_size(req.max_results);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after: Option<i64> = binding.resume(req.next_token.as_deref())?;
    let job = job_named(ctx, req.catalog, &req.identifier)?;
    let (results, next_token) = page_results(ctx, &binding, &job, req.status, after, size)?;
    Ok(selling::ListCustomerAccountBulkJobResultsResponse { results, next_token })
}

pub fn get_customer_account_bulk_job_report_url(
    ctx: &mut Ctx<'_>,
    req: selling::GetCustomerAccountBulkJobReportUrlRequest,
) -> OpResult<selling::GetCustomerAccountBulkJobReportUrlResponse> {
    let report_type = req.report_type.unwrap_or(BulkReportType::FailedRecords);
    let job = job_named(ctx, req.catalog, &req.identifier)?;
    let Some(ended) = job.completed_at else {
        return Err(crate::opportunities::document::conflict(format!(
            "Bulk job {} has not ended ({}): its report can be had once it is COMPLETED or FAILED",
            job.id,
            job.status.as_str()
        ))
        .into());
    };
    let mut answer = selling::GetCustomerAccountBulkJobReportUrlResponse {
        report_status: BulkReportStatus::Expired,
        report_type,
        url: None,
        expires_at: None,
        failure_reason: None,
    };
    if ctx.now >= ended.saturating_add(REPORT_LIFETIME_MS) {
        return Ok(answer);
    }
    let link = new_report_link(ctx, &job, report_type)?;
    answer.report_status = BulkReportStatus::Available;
    answer.url = Some(report_url(ctx, &link));
    answer.expires_at = Some(Timestamp(link.expires_at));
    Ok(answer)
}

/// A row's request (built from its cells, `Catalog` set) run by
/// CreateCustomerAccount (its `ClientToken` the job's id and the row's
/// number, the account's import id the job's) or UpdateCustomerAccount
/// (without a `LastModifiedDate` column, the account as stored).
pub(super) fn apply_record(
    ctx: &mut Ctx<'_>,
    job: &BulkJob,
    operation: BulkOperationType,
    mut request: Value,
    seq: i64,
) -> OpResult<String> {
    match operation {
        BulkOperationType::BulkCreate => {
            request["ClientToken"] = json!(format!("{}-{seq}", job.id));
            let req: selling::CreateCustomerAccountRequest = decode(request)?;
            Ok(accounts::create(ctx, req, Some(job.id.to_string()))?.id)
        }
        BulkOperationType::BulkUpdate => {
            if request.get("LastModifiedDate").is_none() {
                if let Some(id) = request.get("Identifier").and_then(Value::as_str).map(str::to_string) {
                    let stored = accounts::owned(ctx, job.catalog, &id)?;
                    request["LastModifiedDate"] = json!(pcentral_model::timestamp::format(stored.last_modified));
                }
            }
            let req: selling::UpdateCustomerAccountRequest = decode(request)?;
            Ok(accounts::update_customer_account(ctx, req)?.id)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identifier_is_an_id_or_the_jobs_arn() {
        let arn = "arn:aws:partnercentral:us-east-1:111122223333:catalog/Sandbox/customer-account-bulk-job/bulkjob-abc";
        assert_eq!(named_id(Catalog::Sandbox, arn), "bulkjob-abc");
        assert_eq!(named_id(Catalog::Aws, arn), "");
        assert_eq!(named_id(Catalog::Sandbox, "bulkjob-abc"), "bulkjob-abc");
        let other = "arn:aws:partnercentral:us-east-1:111122223333:catalog/Sandbox/customer-account/bulkjob-abc";
        assert_eq!(named_id(Catalog::Sandbox, other), "");
    }
}
