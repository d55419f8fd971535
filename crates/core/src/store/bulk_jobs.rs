//! Bulk jobs of the Selling API: jobs, their row outcomes, report links
//! and input files.

use pcentral_model::{AccountId, BulkJobId, Catalog, Millis};

use crate::records::{BulkFile, BulkJob, BulkJobKind, BulkJobRow, BulkReportLink};
use crate::store::StoreError;

/// Bulk jobs inside one transaction.
pub trait BulkJobsTx {
    fn bulk_job(&mut self, catalog: Catalog, id: &BulkJobId) -> Result<Option<BulkJob>, StoreError>;
    /// Store a new job; an id already stored in its catalog is `StoreError::Conflict`.
    fn insert_bulk_job(&mut self, job: &BulkJob) -> Result<(), StoreError>;
    /// Replace the stored job if it has not ended (SUBMITTED or
    /// IN_PROGRESS); answers whether it did.
    fn update_bulk_job(&mut self, job: &BulkJob) -> Result<bool, StoreError>;
    /// The jobs of one kind `account` started in `catalog`, oldest first.
    fn bulk_jobs(
        &mut self,
        catalog: Catalog,
        account: &AccountId,
        kind: BulkJobKind,
    ) -> Result<Vec<BulkJob>, StoreError>;
    /// Up to `limit` SUBMITTED jobs due at or before `now`, the earliest first.
    fn due_bulk_jobs(&mut self, now: Millis, limit: usize) -> Result<Vec<BulkJob>, StoreError>;
    fn insert_bulk_job_row(&mut self, row: &BulkJobRow) -> Result<(), StoreError>;
    /// The rows of a job in file order.
    fn bulk_job_rows(&mut self, catalog: Catalog, id: &BulkJobId) -> Result<Vec<BulkJobRow>, StoreError>;
    fn insert_bulk_report_link(&mut self, link: &BulkReportLink) -> Result<(), StoreError>;
    fn bulk_report_link(&mut self, token: &str) -> Result<Option<BulkReportLink>, StoreError>;
    /// Store (or replace) an input file.
    fn put_bulk_file(&mut self, file: &BulkFile) -> Result<(), StoreError>;
    fn bulk_file(&mut self, uri: &str) -> Result<Option<BulkFile>, StoreError>;
    /// Mark the start of one row's writes: [`BulkJobsTx::undo_bulk_row`]
    /// takes back every write since, [`BulkJobsTx::keep_bulk_row`] keeps them.
    fn begin_bulk_row(&mut self) -> Result<(), StoreError>;
    fn undo_bulk_row(&mut self) -> Result<(), StoreError>;
    fn keep_bulk_row(&mut self) -> Result<(), StoreError>;
}
