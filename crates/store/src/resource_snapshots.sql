-- Resource snapshots of the Selling API: immutable revisions of a
-- resource (an opportunity) taken in an engagement with a template, listed
-- per engagement by creation time and list_key; and the resources each
-- engagement holds (associated by their first snapshot).
CREATE TABLE resource_snapshots (
    catalog TEXT NOT NULL, engagement_id TEXT NOT NULL, resource_type TEXT NOT NULL, resource_id TEXT NOT NULL,
    template TEXT NOT NULL, revision BIGINT NOT NULL, created_by TEXT NOT NULL, created_at BIGINT NOT NULL,
    list_key TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (catalog, engagement_id, resource_type, resource_id, template, revision)
);
CREATE INDEX resource_snapshots_by_time ON resource_snapshots (catalog, engagement_id, created_at, list_key);
CREATE TABLE engagement_resources (
    catalog TEXT NOT NULL, engagement_id TEXT NOT NULL, resource_type TEXT NOT NULL, resource_id TEXT NOT NULL,
    created_by TEXT NOT NULL, created_at BIGINT NOT NULL, list_key TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (catalog, engagement_id, resource_type, resource_id)
);
CREATE INDEX engagement_resources_by_time ON engagement_resources (catalog, created_at, list_key);
-- Resource snapshot jobs: listed by the account that made them; the worker
-- finds the Running ones whose opportunity changed after checked_modified.
CREATE TABLE resource_snapshot_jobs (
    catalog TEXT NOT NULL, id TEXT NOT NULL, account TEXT NOT NULL, engagement_id TEXT NOT NULL,
    resource_id TEXT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL, checked_modified BIGINT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id)
);
CREATE INDEX resource_snapshot_jobs_by_account ON resource_snapshot_jobs (catalog, account, created_at, id);
CREATE INDEX resource_snapshot_jobs_running ON resource_snapshot_jobs (status, catalog, resource_id);
