-- Bulk jobs of the Selling API (StartOpportunityBulkJob …): listed by the
-- account that started them; the worker runs the SUBMITTED ones whose
-- due_at has come (a held job has none). Each job's row outcomes, the
-- report links handed out for it (read by whoever holds the token, on any
-- node), and the input files jobs read (uploaded through the admin API).
CREATE TABLE bulk_jobs (
    catalog TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, account TEXT NOT NULL,
    status TEXT NOT NULL, created_at BIGINT NOT NULL, due_at BIGINT,
    doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id)
);
CREATE INDEX bulk_jobs_by_account ON bulk_jobs (catalog, account, kind, created_at, id);
CREATE INDEX bulk_jobs_due ON bulk_jobs (status, due_at);
CREATE TABLE bulk_job_rows (
    catalog TEXT NOT NULL, job_id TEXT NOT NULL, seq BIGINT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (catalog, job_id, seq)
);
CREATE TABLE bulk_report_links (
    token TEXT NOT NULL PRIMARY KEY, catalog TEXT NOT NULL, job_id TEXT NOT NULL, expires_at BIGINT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX bulk_report_links_by_job ON bulk_report_links (catalog, job_id);
CREATE TABLE bulk_files (
    uri TEXT NOT NULL PRIMARY KEY, uploaded_at BIGINT NOT NULL,
    doc TEXT NOT NULL
);
