-- Tasks of the Selling API (StartEngagementByAcceptingInvitationTask …):
-- listed by the account that started them; the worker runs the IN_PROGRESS
-- ones whose due_at has come (a held task has none).
CREATE TABLE engagement_tasks (
    catalog TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, account TEXT NOT NULL,
    status TEXT NOT NULL, started_at BIGINT NOT NULL, due_at BIGINT,
    doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id)
);
CREATE INDEX engagement_tasks_by_account ON engagement_tasks (catalog, account, kind, started_at, id);
CREATE INDEX engagement_tasks_due ON engagement_tasks (status, due_at);
