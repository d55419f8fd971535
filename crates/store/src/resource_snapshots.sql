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
