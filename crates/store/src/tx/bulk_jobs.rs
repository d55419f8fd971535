//! [`BulkJobsTx`]: the Selling API's bulk jobs, their row outcomes, report
//! links and input files. Rows of one job are read in file order; a row's
//! writes sit inside a savepoint, so a refused row is taken back whole
//! without ending the job's transaction.

use pcentral_core::records::{BulkFile, BulkJob, BulkJobKind, BulkJobRow, BulkReportLink};
use pcentral_core::store::BulkJobsTx;
use pcentral_core::StoreError;
use pcentral_model::{AccountId, BulkJobId, Catalog, Millis};

use super::{limit, to_doc, SqlTx};
use crate::sql::Db;

impl<D: Db> BulkJobsTx for SqlTx<'_, D> {
    fn bulk_job(&mut self, catalog: Catalog, id: &BulkJobId) -> Result<Option<BulkJob>, StoreError> {
        self.one("SELECT doc FROM bulk_jobs WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn insert_bulk_job(&mut self, j: &BulkJob) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO bulk_jobs (catalog, id, kind, account, status, created_at, due_at, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            p![j.catalog, j.id, j.kind, j.account, j.status, j.created_at, j.due_at, to_doc(j)?],
        )?;
        Ok(())
    }

    fn update_bulk_job(&mut self, j: &BulkJob) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE bulk_jobs SET status = ?3, due_at = ?4, doc = ?5
             WHERE catalog = ?1 AND id = ?2 AND status IN ('SUBMITTED', 'IN_PROGRESS')",
            p![j.catalog, j.id, j.status, j.due_at, to_doc(j)?],
        )?;
        Ok(n == 1)
    }

    fn bulk_jobs(
        &mut self,
        catalog: Catalog,
        account: &AccountId,
        kind: BulkJobKind,
    ) -> Result<Vec<BulkJob>, StoreError> {
        self.all(
            "SELECT doc FROM bulk_jobs WHERE catalog = ?1 AND account = ?2 AND kind = ?3 ORDER BY created_at, id",
            p![catalog, account, kind],
        )
    }

    fn due_bulk_jobs(&mut self, now: Millis, n: usize) -> Result<Vec<BulkJob>, StoreError> {
        self.all(
            "SELECT doc FROM bulk_jobs WHERE status = 'SUBMITTED' AND due_at <= ?1
             ORDER BY due_at, catalog, id LIMIT ?2",
            p![now, limit(n)],
        )
    }

    fn insert_bulk_job_row(&mut self, r: &BulkJobRow) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO bulk_job_rows (catalog, job_id, seq, doc) VALUES (?1, ?2, ?3, ?4)",
            p![r.catalog, r.job_id, r.seq, to_doc(r)?],
        )?;
        Ok(())
    }

    fn bulk_job_rows(&mut self, catalog: Catalog, id: &BulkJobId) -> Result<Vec<BulkJobRow>, StoreError> {
        self.all("SELECT doc FROM bulk_job_rows WHERE catalog = ?1 AND job_id = ?2 ORDER BY seq", p![catalog, id])
    }

    fn insert_bulk_report_link(&mut self, l: &BulkReportLink) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO bulk_report_links (token, catalog, job_id, expires_at, doc) VALUES (?1, ?2, ?3, ?4, ?5)",
            p![l.token, l.catalog, l.job_id, l.expires_at, to_doc(l)?],
        )?;
        Ok(())
    }

    fn bulk_report_link(&mut self, token: &str) -> Result<Option<BulkReportLink>, StoreError> {
        self.one("SELECT doc FROM bulk_report_links WHERE token = ?1", p![token])
    }

    fn put_bulk_file(&mut self, f: &BulkFile) -> Result<(), StoreError> {
        self.exec("DELETE FROM bulk_files WHERE uri = ?1", p![f.uri])?;
        self.exec(
            "INSERT INTO bulk_files (uri, uploaded_at, doc) VALUES (?1, ?2, ?3)",
            p![f.uri, f.uploaded_at, to_doc(f)?],
        )?;
        Ok(())
    }

    fn bulk_file(&mut self, uri: &str) -> Result<Option<BulkFile>, StoreError> {
        self.one("SELECT doc FROM bulk_files WHERE uri = ?1", p![uri])
    }

    fn begin_bulk_row(&mut self) -> Result<(), StoreError> {
        self.db.batch("SAVEPOINT bulk_row")
    }

    fn undo_bulk_row(&mut self) -> Result<(), StoreError> {
        self.db.batch("ROLLBACK TO SAVEPOINT bulk_row; RELEASE SAVEPOINT bulk_row")
    }

    fn keep_bulk_row(&mut self) -> Result<(), StoreError> {
        self.db.batch("RELEASE SAVEPOINT bulk_row")
    }
}
