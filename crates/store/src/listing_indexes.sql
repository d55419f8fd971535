-- Columns for what is filtered, joined or reset on, and per-participant
-- listing tables: one row per record and participant, indexed in list order
-- (creation time descending, id ascending), so that a page of one account's
-- list is a range scan whatever the number of stored records. The same
-- statements run on SQLite and PostgreSQL; the data step that follows fills
-- them from the stored documents.
ALTER TABLE service_state ADD COLUMN faults TEXT NOT NULL DEFAULT '[]';
ALTER TABLE idempotency ADD COLUMN catalog TEXT;
ALTER TABLE idempotency ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN catalog TEXT NOT NULL DEFAULT '';
ALTER TABLE qualifications_tasks ADD COLUMN owner_account TEXT NOT NULL DEFAULT '';
ALTER TABLE qualifications_tasks ADD COLUMN primary_account TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN seller_profile_id TEXT;
CREATE TABLE invitation_members (
    catalog TEXT NOT NULL, account TEXT NOT NULL, invitation_id TEXT NOT NULL, role TEXT NOT NULL,
    other_identifier TEXT NOT NULL, connection_type TEXT NOT NULL, status TEXT NOT NULL,
    expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL,
    PRIMARY KEY (catalog, account, invitation_id)
);
CREATE INDEX invitation_members_page ON invitation_members (catalog, account, created_at DESC, invitation_id);
CREATE INDEX invitation_members_by_id ON invitation_members (catalog, invitation_id);
CREATE TABLE connection_members (
    catalog TEXT NOT NULL, account TEXT NOT NULL, connection_id TEXT NOT NULL, other_account TEXT NOT NULL,
    created_at BIGINT NOT NULL, live BIGINT NOT NULL,
    PRIMARY KEY (catalog, account, connection_id)
);
CREATE INDEX connection_members_page ON connection_members (catalog, account, created_at DESC, connection_id);
CREATE INDEX connection_members_live ON connection_members (catalog, account, live, created_at DESC, connection_id);
CREATE INDEX connection_members_other ON connection_members (catalog, account, other_account, created_at DESC, connection_id);
CREATE INDEX connection_members_by_id ON connection_members (catalog, connection_id);
CREATE TABLE connection_type_members (
    catalog TEXT NOT NULL, account TEXT NOT NULL, connection_id TEXT NOT NULL, connection_type TEXT NOT NULL,
    status TEXT NOT NULL, other_account TEXT NOT NULL, created_at BIGINT NOT NULL,
    PRIMARY KEY (catalog, account, connection_id, connection_type)
);
CREATE INDEX connection_type_members_page
    ON connection_type_members (catalog, account, connection_type, created_at DESC, connection_id);
CREATE INDEX connection_type_members_status
    ON connection_type_members (catalog, account, connection_type, status, created_at DESC, connection_id);
CREATE INDEX connection_type_members_by_id ON connection_type_members (catalog, connection_id);
CREATE INDEX qualifications_tasks_by_owner_account ON qualifications_tasks (catalog, owner_account, open);
CREATE INDEX qualifications_tasks_by_primary_account ON qualifications_tasks (catalog, primary_account, open);
CREATE INDEX qualifications_associations_by_primary ON qualifications_associations (catalog, primary_account);
CREATE INDEX accounts_by_seller_profile ON accounts (seller_profile_id);
CREATE INDEX idempotency_by_catalog ON idempotency (catalog, account);
CREATE INDEX idempotency_by_time ON idempotency (created_at);
CREATE INDEX outbox_by_catalog ON outbox (catalog);
