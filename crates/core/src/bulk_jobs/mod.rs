//! Bulk jobs of the Selling API (docs/behaviour.md#bulk-jobs): the
//! opportunity jobs (StartOpportunityBulkJob, ListOpportunityBulkJobs,
//! ListOpportunityBulkJobResults, GetOpportunityBulkJobReportUrl) here, the
//! customer-account jobs in [`customer_accounts`], both on the machinery
//! below (a job's [`BulkJobKind`] says which handlers its rows run).
//!
//! A job reads its CSV file (uploaded to pcentral under its `s3://` URI,
//! docs/compat.md#bulk-jobs) when it starts and is stored SUBMITTED; it runs
//! when due: at once in the starting call when `bulk_job_delay_seconds` is
//! 0 (the default), else on the background worker ([`run_due_bulk_jobs`]);
//! the admin API holds a job or runs it ([`force_bulk_job`]). Running, each
//! row becomes a create or update request of its kind (the header row says
//! which), checked against the model and run by the operation's own
//! handler as the job's account; a refused row takes back every write it
//! made and records why. Report URLs point at pcentral's own
//! `/_pcentral/reports/<token>` ([`report`]).

pub mod csv;
pub mod customer_accounts;

use pcentral_model::selling::{
    self, BulkFileFormat, BulkJobStatus, BulkOperationType, BulkRecordStatus, BulkReportStatus, BulkReportType,
    ValidationExceptionErrorCode as Code,
};
use pcentral_model::{check_input, with_defaults, ApiError, BulkJobId, Catalog, ErrorKind, Millis, Operation, Service};
use pcentral_model::{OperationInput, Timestamp};
use serde_json::{json, Value};

use crate::ctx::{new_id, Caller, Ctx, Ids};
use crate::engagements::tasks::Runner;
use crate::opportunities::document::{field, invalid, owned};
use crate::pagination::{selling_page_size, Binding};
use crate::qualifications::TaskAction;
use crate::records::{BulkFile, BulkJob, BulkJobKind, BulkJobRow, BulkReportLink};
use crate::settings::{ms, DAY_MS, MINUTE_MS, SECOND_MS};
use crate::store::{EngagementCursor, Failure, OpResult, Tx};
use crate::tools::ToolError;

/// Where pcentral serves report URLs (outside the admin gate: the token is the access).
pub const REPORT_PATH: &str = "/_pcentral/reports/";
/// How long a report URL works (service time).
pub const URL_LIFETIME_MS: Millis = 15 * MINUTE_MS;
/// How long after its job ended a report can be had.
pub const REPORT_LIFETIME_MS: Millis = 7 * DAY_MS;
/// Records one input file holds at most (docs/compat.md#bulk-jobs).
pub const MAX_RECORDS: usize = 1000;
/// Bytes one input file holds at most.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// The optional column that names a row in the results.
const REQUEST_ID: &str = "RequestId";
/// The column whose presence makes a job update opportunities.
const IDENTIFIER: &str = "Identifier";

fn summary(j: &BulkJob) -> selling::OpportunityBulkJobSummary {
    selling::OpportunityBulkJobSummary {
        job_id: j.id.to_string(),
        status: j.status,
        total_records: j.total,
        processed_records: j.processed,
        success_count: j.succeeded,
        failure_count: j.failed,
        created_at: Timestamp(j.created_at),
        started_at: j.started_at.map(Timestamp),
        completed_at: j.completed_at.map(Timestamp),
        failure_reason: j.failure_reason.clone(),
        file_name: j.file_name.clone(),
        operation_type: j.operation_type,
    }
}

fn not_found(catalog: Catalog, id: &str) -> ApiError {
    ApiError::of(
        Service::Selling,
        ErrorKind::ResourceNotFound,
        format!("Bulk job {id} was not found in catalog {catalog}"),
    )
}

/// The caller's job `id` of `kind`; anyone else's is not found.
fn visible_job(ctx: &mut Ctx<'_>, catalog: Catalog, id: &str, kind: BulkJobKind) -> OpResult<BulkJob> {
    let Ok(job_id) = BulkJobId::parse(id) else {
        return Err(not_found(catalog, id).into());
    };
    match ctx.tx.bulk_job(catalog, &job_id)? {
        Some(j) if j.account == ctx.caller.account && j.kind == kind => Ok(j),
        _ => Err(not_found(catalog, id).into()),
    }
}

pub fn start_opportunity_bulk_job(
    ctx: &mut Ctx<'_>,
    req: selling::StartOpportunityBulkJobRequest,
) -> OpResult<selling::StartOpportunityBulkJobResponse> {
    let BulkFileFormat::Csv = req.file_format;
    let job = start(ctx, req.catalog, &req.file_u_r_i, "FileURI", BulkJobKind::Opportunity)?;
    Ok(selling::StartOpportunityBulkJobResponse { job_id: job.id.to_string() })
}

/// Store a job of `kind` reading the file uploaded under `uri` (the
/// request member `member` names it) and, without a delay, run it now.
fn start(ctx: &mut Ctx<'_>, catalog: Catalog, uri: &str, member: &str, kind: BulkJobKind) -> OpResult<BulkJob> {
    let Some(file) = ctx.tx.bulk_file(uri)? else {
        return Err(invalid(vec![field(
            member,
            Code::InvalidValue,
            format!(
                "{member} names no file pcentral holds: upload the file to pcentral first (POST /_pcentral/bulk-files)"
            ),
        )])
        .into());
    };
    let delay = ms(ctx.settings.bulk_job_delay_seconds, SECOND_MS);
    let name = file.uri.rsplit('/').next().filter(|n| !n.is_empty()).map(|n| n.chars().take(255).collect());
    let job = BulkJob {
        catalog,
        id: new_id(ctx.ids),
        kind,
        account: ctx.caller.account.clone(),
        region: ctx.caller.region.clone(),
        endpoint: ctx.caller.endpoint.clone(),
        status: BulkJobStatus::Submitted,
        operation_type: None,
        file_uri: file.uri,
        file_name: name,
        input: file.content,
        created_at: ctx.now,
        started_at: None,
        completed_at: None,
        due_at: Some(ctx.now.saturating_add(delay)),
        total: 0,
        processed: 0,
        succeeded: 0,
        failed: 0,
        failure_reason: None,
    };
    ctx.tx.insert_bulk_job(&job)?;
    if delay == 0 {
        return run(ctx, job);
    }
    Ok(job)
}

/// A job's input: its header row, what its rows do, and the records.
struct Input {
    headers: Vec<String>,
    operation: BulkOperationType,
    records: Vec<Vec<String>>,
}

/// Read a job's file; `Err` says why the whole job fails.
fn read_input(text: &str) -> Result<Input, String> {
    let mut rows = csv::parse(text).map_err(|e| format!("The file is not CSV: {e}"))?;
    if rows.is_empty() {
        return Err("The file has no header row".into());
    }
    let headers: Vec<String> = rows.remove(0).into_iter().map(|h| h.trim().to_string()).collect();
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() || h.split('.').any(str::is_empty) {
            return Err(format!("Column {} of the header row names no field", i + 1));
        }
        if h == "Catalog" || h == "ClientToken" {
            return Err(format!("Column {h} is set by the job, not by the file"));
        }
        if headers[..i].contains(h) {
            return Err(format!("Column {h} appears twice in the header row"));
        }
    }
    if rows.is_empty() {
        return Err("The file has no records after its header row".into());
    }
    if rows.len() > MAX_RECORDS {
        return Err(format!("The file has {} records; a job takes at most {MAX_RECORDS}", rows.len()));
    }
    let operation = if headers.iter().any(|h| h == IDENTIFIER) {
        BulkOperationType::BulkUpdate
    } else {
        BulkOperationType::BulkCreate
    };
    Ok(Input { headers, operation, records: rows })
}

/// Run `job` (stored SUBMITTED) as its account: every row, each applied
/// whole or not at all, then COMPLETED; FAILED when the file itself is
/// unusable. A storage failure fails the whole transaction.
fn run(ctx: &mut Ctx<'_>, mut job: BulkJob) -> OpResult<BulkJob> {
    job.started_at = Some(ctx.now);
    job.due_at = None;
    match read_input(&job.input) {
        Err(reason) => {
            job.status = BulkJobStatus::Failed;
            job.failure_reason = Some(reason);
        }
        Ok(input) => {
            job.operation_type = Some(input.operation);
            job.total = i64::try_from(input.records.len()).unwrap_or(i64::MAX);
            for (i, cells) in input.records.iter().enumerate() {
                let seq = i64::try_from(i).unwrap_or(i64::MAX).saturating_add(1);
                let row = run_row(ctx, &job, &input, cells, seq)?;
                match row.status {
                    BulkRecordStatus::Succeeded => job.succeeded += 1,
                    BulkRecordStatus::Failed => job.failed += 1,
                }
                job.processed += 1;
                ctx.tx.insert_bulk_job_row(&row)?;
            }
            job.status = BulkJobStatus::Completed;
        }
    }
    job.completed_at = Some(ctx.now);
    if !ctx.tx.update_bulk_job(&job)? {
        return Err(crate::store::StoreError::Conflict.into());
    }
    Ok(job)
}

/// Apply one record inside its own savepoint: kept when the handler
/// answers, taken back whole when it refuses.
fn run_row(ctx: &mut Ctx<'_>, job: &BulkJob, input: &Input, cells: &[String], seq: i64) -> OpResult<BulkJobRow> {
    let request_id = input
        .headers
        .iter()
        .position(|h| h == REQUEST_ID)
        .and_then(|i| cells.get(i))
        .filter(|v| !v.is_empty())
        .cloned()
        .unwrap_or_else(|| seq.to_string());
    let mut row = BulkJobRow {
        catalog: job.catalog,
        job_id: job.id.clone(),
        seq,
        request_id,
        status: BulkRecordStatus::Succeeded,
        resource_identifier: None,
        error_code: None,
        error_message: None,
    };
    ctx.tx.begin_bulk_row()?;
    match apply_record(ctx, job, input, cells, seq) {
        Ok(id) => {
            ctx.tx.keep_bulk_row()?;
            row.resource_identifier = Some(id);
        }
        Err(Failure::Api(e)) => {
            ctx.tx.undo_bulk_row()?;
            row.status = BulkRecordStatus::Failed;
            row.error_code = Some(e.kind.type_name().to_string());
            row.error_message = Some(e.message);
        }
        Err(other) => return Err(other),
    }
    Ok(row)
}

/// The record as the request its operation takes, run by that operation's handler.
fn apply_record(ctx: &mut Ctx<'_>, job: &BulkJob, input: &Input, cells: &[String], seq: i64) -> OpResult<String> {
    if cells.len() != input.headers.len() {
        return Err(ApiError::of(
            Service::Selling,
            ErrorKind::Validation,
            format!("Record {seq} has {} fields; the header row has {}", cells.len(), input.headers.len()),
        )
        .into());
    }
    let mut request = json!({"Catalog": job.catalog});
    for (header, value) in input.headers.iter().zip(cells) {
        if header == REQUEST_ID || value.is_empty() {
            continue;
        }
        set_path(&mut request, header, value).map_err(|e| ApiError::of(Service::Selling, ErrorKind::Validation, e))?;
    }
    if job.kind == BulkJobKind::CustomerAccount {
        return customer_accounts::apply_record(ctx, job, input.operation, request, seq);
    }
    match input.operation {
        BulkOperationType::BulkCreate => {
            request["ClientToken"] = json!(format!("{}-{seq}", job.id));
            let req: selling::CreateOpportunityRequest = decode(request)?;
            Ok(crate::opportunities::create_opportunity(ctx, req)?.id)
        }
        BulkOperationType::BulkUpdate => {
            if request.get("LastModifiedDate").is_none() {
                // Without the column, the row updates the opportunity as stored.
                if let Some(id) = request.get(IDENTIFIER).and_then(Value::as_str).map(str::to_string) {
                    let stored = owned(ctx, job.catalog, &id)?;
                    request["LastModifiedDate"] = json!(pcentral_model::timestamp::format(stored.last_modified));
                }
            }
            let req: selling::UpdateOpportunityRequest = decode(request)?;
            Ok(crate::opportunities::update_opportunity(ctx, req)?.id)
        }
    }
}

/// Check a record's request against the model and read it, as the server does an API request.
fn decode<I: OperationInput>(request: Value) -> OpResult<I> {
    let op: Operation = I::OPERATION;
    check_input(op, &request).map_err(ApiError::from)?;
    I::deserialize(with_defaults(op, &request))
        .map_err(|e| ApiError::of(Service::Selling, ErrorKind::Validation, format!("Unreadable record: {e}")).into())
}

/// Set the member a header path names (`Customer.Account.CompanyName`;
/// a segment of digits indexes a list: `Project.DeliveryModels.0`).
fn set_path(root: &mut Value, path: &str, value: &str) -> Result<(), String> {
    let segments: Vec<&str> = path.split('.').collect();
    let is_index = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mut at = root;
    for (i, segment) in segments.iter().enumerate() {
        let fresh = match segments.get(i + 1) {
            None => Value::String(value.to_string()),
            Some(next) if is_index(next) => json!([]),
            Some(_) => json!({}),
        };
        let last = i + 1 == segments.len();
        let clash = || format!("Column {path} does not fit the other columns' shape");
        at = if is_index(segment) {
            let n: usize = segment.parse().map_err(|_| clash())?;
            if n >= MAX_RECORDS {
                return Err(format!("Column {path} indexes past {MAX_RECORDS}"));
            }
            let list = at.as_array_mut().ok_or_else(clash)?;
            while list.len() <= n {
                list.push(Value::Null);
            }
            if last || list[n].is_null() {
                list[n] = fresh;
            }
            &mut list[n]
        } else {
            let object = at.as_object_mut().ok_or_else(clash)?;
            let slot = object.entry((*segment).to_string()).or_insert(Value::Null);
            if last || slot.is_null() {
                *slot = fresh;
            }
            slot
        };
    }
    Ok(())
}

pub fn list_opportunity_bulk_jobs(
    ctx: &mut Ctx<'_>,
    req: selling::ListOpportunityBulkJobsRequest,
) -> OpResult<selling::ListOpportunityBulkJobsResponse> {
    let size = selling_page_size(req.max_results);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after = binding.resume(req.next_token.as_deref())?;
    let keep = |j: &BulkJob| {
        req.job_id.as_ref().is_none_or(|id| j.id.as_str() == id) && req.status.is_none_or(|s| s == j.status)
    };
    let (rows, next_token) = page_jobs(ctx, &binding, req.catalog, BulkJobKind::Opportunity, keep, after, size)?;
    Ok(selling::ListOpportunityBulkJobsResponse {
        opportunity_bulk_job_summaries: rows.iter().map(summary).collect(),
        next_token,
    })
}

pub fn list_opportunity_bulk_job_results(
    ctx: &mut Ctx<'_>,
    req: selling::ListOpportunityBulkJobResultsRequest,
) -> OpResult<selling::ListOpportunityBulkJobResultsResponse> {
    let size = selling_page_size(req.max_results);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after: Option<i64> = binding.resume(req.next_token.as_deref())?;
    let job = visible_job(ctx, req.catalog, &req.job_id, BulkJobKind::Opportunity)?;
    let (results, next_token) = page_results(ctx, &binding, &job, req.status, after, size)?;
    Ok(selling::ListOpportunityBulkJobResultsResponse { results, next_token })
}

/// One page of the caller's jobs of `kind` that `keep` keeps, newest first, after the cursor.
fn page_jobs(
    ctx: &mut Ctx<'_>,
    binding: &Binding<'_>,
    catalog: Catalog,
    kind: BulkJobKind,
    keep: impl Fn(&BulkJob) -> bool,
    after: Option<EngagementCursor>,
    size: usize,
) -> OpResult<(Vec<BulkJob>, Option<String>)> {
    let mut rows = ctx.tx.bulk_jobs(catalog, &ctx.caller.account, kind)?;
    rows.retain(|j| keep(j));
    // Newest first.
    rows.reverse();
    if let Some(c) = &after {
        let cursor = (c.created_at, c.id.clone());
        rows.retain(|j| (j.created_at, j.id.to_string()) < cursor);
    }
    binding.page(rows, size, |last| EngagementCursor { created_at: last.created_at, id: last.id.to_string() })
}

/// One page of `job`'s records with `status` (any when absent), in file order, after record `after`.
fn page_results(
    ctx: &mut Ctx<'_>,
    binding: &Binding<'_>,
    job: &BulkJob,
    status: Option<BulkRecordStatus>,
    after: Option<i64>,
    size: usize,
) -> OpResult<(Vec<selling::BulkJobResult>, Option<String>)> {
    let mut rows = ctx.tx.bulk_job_rows(job.catalog, &job.id)?;
    rows.retain(|r| status.is_none_or(|s| s == r.status) && after.is_none_or(|seq| r.seq > seq));
    let (rows, next_token) = binding.page(rows, size, |last| last.seq)?;
    let results = rows
        .into_iter()
        .map(|r| selling::BulkJobResult {
            request_id: r.request_id,
            status: r.status,
            resource_identifier: r.resource_identifier,
            error_code: r.error_code,
            error_message: r.error_message,
        })
        .collect();
    Ok((results, next_token))
}

pub fn get_opportunity_bulk_job_report_url(
    ctx: &mut Ctx<'_>,
    req: selling::GetOpportunityBulkJobReportUrlRequest,
) -> OpResult<selling::GetOpportunityBulkJobReportUrlResponse> {
    let report_type = req.report_type.unwrap_or(BulkReportType::FailedRecords);
    if report_type == BulkReportType::AllRecords {
        return Err(invalid(vec![field(
            "ReportType",
            Code::InvalidEnumValue,
            "ReportType ALL_RECORDS is not supported yet: ask for FAILED_RECORDS",
        )])
        .into());
    }
    let job = visible_job(ctx, req.catalog, &req.job_id, BulkJobKind::Opportunity)?;
    let mut answer = selling::GetOpportunityBulkJobReportUrlResponse {
        report_status: BulkReportStatus::NotStarted,
        report_type,
        report_format: req.report_format,
        url: None,
        expires_at: None,
        failure_reason: None,
    };
    let Some(ended) = job.completed_at else {
        return Ok(answer);
    };
    if ctx.now >= ended.saturating_add(REPORT_LIFETIME_MS) {
        answer.report_status = BulkReportStatus::Expired;
        return Ok(answer);
    }
    let link = new_report_link(ctx, &job, report_type)?;
    answer.report_status = BulkReportStatus::Available;
    answer.url = Some(report_url(ctx, &link));
    answer.expires_at = Some(Timestamp(link.expires_at));
    Ok(answer)
}

/// Store a new report URL for the ended `job`, good for [`URL_LIFETIME_MS`] from now.
fn new_report_link(ctx: &mut Ctx<'_>, job: &BulkJob, report_type: BulkReportType) -> OpResult<BulkReportLink> {
    let link = BulkReportLink {
        token: ctx.ids.secret(),
        catalog: job.catalog,
        job_id: job.id.clone(),
        report_type,
        created_at: ctx.now,
        expires_at: ctx.now.saturating_add(URL_LIFETIME_MS),
    };
    ctx.tx.insert_bulk_report_link(&link)?;
    Ok(link)
}

/// A report URL's address: on the endpoint the request reached.
fn report_url(ctx: &Ctx<'_>, link: &BulkReportLink) -> String {
    format!("{}{REPORT_PATH}{}", ctx.caller.endpoint.trim_end_matches('/'), link.token)
}

/// What `GET /_pcentral/reports/<token>` answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    /// The report, as CSV.
    Csv(String),
    /// The URL's time is up (or its job's report is gone).
    Expired,
    /// No such URL.
    Unknown,
}

/// The report a URL's `token` reads at service time `now`: the failed
/// records (`ALL_RECORDS`: every record) of the input file as they were,
/// each followed by its ErrorCode and ErrorMessage (empty for a success).
pub fn report(tx: &mut dyn Tx, now: Millis, token: &str) -> OpResult<Report> {
    let Some(link) = tx.bulk_report_link(token)? else {
        return Ok(Report::Unknown);
    };
    if now >= link.expires_at {
        return Ok(Report::Expired);
    }
    let Some(job) = tx.bulk_job(link.catalog, &link.job_id)? else {
        return Ok(Report::Expired);
    };
    let rows = tx.bulk_job_rows(job.catalog, &job.id)?;
    let input = csv::parse(&job.input).unwrap_or_default();
    let mut header: Vec<&str> = input.first().map(|h| h.iter().map(String::as_str).collect()).unwrap_or_default();
    header.extend(["ErrorCode", "ErrorMessage"]);
    let mut out = csv::line(&header);
    let wanted =
        |r: &&BulkJobRow| link.report_type == BulkReportType::AllRecords || r.status == BulkRecordStatus::Failed;
    for row in rows.iter().filter(wanted) {
        let record = usize::try_from(row.seq).ok().and_then(|i| input.get(i));
        let mut fields: Vec<&str> = record.map(|r| r.iter().map(String::as_str).collect()).unwrap_or_default();
        fields.resize(header.len() - 2, "");
        fields.push(row.error_code.as_deref().unwrap_or_default());
        fields.push(row.error_message.as_deref().unwrap_or_default());
        out.push_str(&csv::line(&fields));
    }
    Ok(Report::Csv(out))
}

/// Admin: store an input file under `uri` (`s3://bucket/key`).
pub fn put_file(tx: &mut dyn Tx, now: Millis, uri: &str, content: String) -> OpResult<()> {
    let key = uri.strip_prefix("s3://").unwrap_or_default();
    if key.split('/').filter(|s| !s.is_empty()).count() < 2 || uri.len() > 2000 {
        return Err(ToolError::Invalid(format!(
            "\"uri\" must be s3://<bucket>/<key> of at most 2000 characters, not {uri:?}"
        ))
        .into());
    }
    if content.len() > MAX_FILE_BYTES {
        return Err(ToolError::Invalid(format!("a bulk file holds at most {MAX_FILE_BYTES} bytes")).into());
    }
    tx.put_bulk_file(&BulkFile { uri: uri.to_string(), content, uploaded_at: now })?;
    Ok(())
}

/// Run the job as the account that started it.
fn run_as_owner(tx: &mut dyn Tx, ids: &mut dyn Ids, r: &Runner<'_>, job: BulkJob) -> OpResult<BulkJob> {
    let caller = Caller { account: job.account.clone(), region: job.region.clone(), endpoint: job.endpoint.clone() };
    let mut ctx = r.ctx(tx, ids, &caller);
    run(&mut ctx, job)
}

/// The background worker's step: run up to `limit` due jobs; answers how many ran.
pub fn run_due_bulk_jobs(tx: &mut dyn Tx, ids: &mut dyn Ids, r: &Runner<'_>, limit: usize) -> OpResult<usize> {
    let due = tx.due_bulk_jobs(r.now, limit)?;
    let n = due.len();
    for job in due {
        run_as_owner(tx, ids, r, job)?;
    }
    Ok(n)
}

/// Admin: hold (no due time) or complete (run now) the SUBMITTED job `id` of `catalog`; answers its status afterwards.
pub fn force_bulk_job(
    tx: &mut dyn Tx,
    ids: &mut dyn Ids,
    r: &Runner<'_>,
    catalog: Catalog,
    id: &BulkJobId,
    action: TaskAction,
) -> OpResult<BulkJobStatus> {
    let Some(mut job) = tx.bulk_job(catalog, id)? else {
        return Err(ToolError::NotFound(format!("no bulk job {id} in catalog {catalog}")).into());
    };
    if job.status != BulkJobStatus::Submitted {
        return Err(ToolError::Conflict(format!(
            "the job has already run ({}); only a SUBMITTED job can be forced",
            job.status.as_str()
        ))
        .into());
    }
    match action {
        TaskAction::Hold => {
            job.due_at = None;
            if !tx.update_bulk_job(&job)? {
                return Err(crate::store::StoreError::Conflict.into());
            }
            Ok(job.status)
        }
        TaskAction::Complete => Ok(run_as_owner(tx, ids, r, job)?.status),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_paths_build_the_request() {
        let mut v = json!({});
        for (p, x) in [
            ("Customer.Account.CompanyName", "Acme"),
            ("Project.DeliveryModels.1", "b"),
            ("Project.DeliveryModels.0", "a"),
        ] {
            assert_eq!(set_path(&mut v, p, x), Ok(()));
        }
        assert_eq!(
            v,
            json!({"Customer": {"Account": {"CompanyName": "Acme"}}, "Project": {"DeliveryModels": ["a", "b"]}})
        );
        assert!(set_path(&mut v, "Customer.0", "x").is_err());
    }

    #[test]
    fn the_header_row_decides_create_or_update_and_bad_files_fail_whole() {
        assert_eq!(read_input("Project.Title\nx\n").map(|i| i.operation), Ok(BulkOperationType::BulkCreate));
        assert_eq!(
            read_input("Identifier,Project.Title\nO1,x\n").map(|i| i.operation),
            Ok(BulkOperationType::BulkUpdate)
        );
        for bad in ["", "Project.Title\n", "a,,b\n1,2,3\n", "Catalog\nAWS\n", "a,a\n1,2\n", "a..b\n1\n"] {
            assert!(read_input(bad).is_err(), "{bad:?}");
        }
    }
}
