//! Bulk jobs of the Selling API (docs/behaviour.md#bulk-jobs): the job, the
//! outcome of each of its rows, the report links handed out for it, and the
//! input files jobs read.

use pcentral_model::selling::{BulkJobStatus, BulkOperationType, BulkRecordStatus, BulkReportType};
use pcentral_model::{AccountId, BulkJobId, Catalog, Millis};
use serde::{Deserialize, Serialize};

/// What a bulk job's rows make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkJobKind {
    /// StartOpportunityBulkJob: each row creates or updates an opportunity.
    Opportunity,
    /// StartCustomerAccountBulkJob: each row creates or updates a customer account.
    CustomerAccount,
}

impl BulkJobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BulkJobKind::Opportunity => "Opportunity",
            BulkJobKind::CustomerAccount => "CustomerAccount",
        }
    }
}

/// A bulk job, started by `account` (the only one that sees it). Stored
/// SUBMITTED until the worker (or, without a delay, the starting call) runs
/// it at `due_at`; a held job has no `due_at`. A job runs in one
/// transaction, so it is never seen half-run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkJob {
    pub catalog: Catalog,
    pub id: BulkJobId,
    pub kind: BulkJobKind,
    pub account: AccountId,
    /// Region of the starting request (the calls its rows make).
    pub region: String,
    /// Base URL the starting request reached.
    pub endpoint: String,
    pub status: BulkJobStatus,
    /// From the input file's header row; absent until the job ran (or when it could not tell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_type: Option<BulkOperationType>,
    pub file_uri: String,
    /// The last segment of `file_uri`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// The input file as read when the job started.
    pub input: String,
    pub created_at: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<Millis>,
    pub total: i64,
    pub processed: i64,
    pub succeeded: i64,
    pub failed: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
}

/// The outcome of one row of a bulk job (`seq` counts rows from 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkJobRow {
    pub catalog: Catalog,
    pub job_id: BulkJobId,
    pub seq: i64,
    pub request_id: String,
    pub status: BulkRecordStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// A report URL handed out for a finished job: whoever holds `token` reads
/// the report until `expires_at` (service time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkReportLink {
    pub token: String,
    pub catalog: Catalog,
    pub job_id: BulkJobId,
    pub report_type: BulkReportType,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// An input file bulk jobs read: what `s3://…` URI names it, uploaded
/// through the admin API (docs/compat.md#bulk-jobs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkFile {
    pub uri: String,
    pub content: String,
    pub uploaded_at: Millis,
}
