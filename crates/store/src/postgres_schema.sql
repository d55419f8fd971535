-- The pcentral schema for PostgreSQL: the same tables and constraints as the
-- SQLite migrations (crates/store/src/sqlite.rs), with BIGINT integers.
CREATE TABLE service_state (id BIGINT PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL);
CREATE TABLE partners (
    catalog TEXT NOT NULL, id TEXT NOT NULL, account TEXT NOT NULL,
    legal_name_key TEXT NOT NULL, profile_id TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id), UNIQUE (catalog, account), UNIQUE (catalog, legal_name_key)
);
CREATE INDEX partners_by_profile ON partners (catalog, profile_id);
CREATE TABLE profile_tasks (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, partner_id TEXT NOT NULL, task_id TEXT NOT NULL UNIQUE,
    doc TEXT NOT NULL
);
CREATE INDEX profile_tasks_by_partner ON profile_tasks (partner_id, seq);
CREATE TABLE email_codes (catalog TEXT NOT NULL, address TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, address));
CREATE TABLE outbox (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, address_key TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE usage (catalog TEXT NOT NULL, kind TEXT NOT NULL, scope TEXT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX usage_window ON usage (catalog, kind, scope, at);
CREATE TABLE idempotency (
    account TEXT NOT NULL, operation TEXT NOT NULL, token TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (account, operation, token)
);
CREATE TABLE credentials (access_key_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE connection_preferences (
    catalog TEXT NOT NULL, account TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, account)
);
CREATE TABLE connection_invitations (
    catalog TEXT NOT NULL, id TEXT NOT NULL, sender TEXT NOT NULL, receiver TEXT NOT NULL,
    pair_lo TEXT NOT NULL, pair_hi TEXT NOT NULL, connection_type TEXT NOT NULL, status TEXT NOT NULL,
    created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id)
);
CREATE INDEX invitations_by_sender ON connection_invitations (catalog, sender, status);
CREATE INDEX invitations_by_receiver ON connection_invitations (catalog, receiver);
CREATE UNIQUE INDEX invitations_one_pending
    ON connection_invitations (catalog, pair_lo, pair_hi, connection_type) WHERE status = 'PENDING';
CREATE TABLE connections (
    catalog TEXT NOT NULL, id TEXT NOT NULL, account_lo TEXT NOT NULL, account_hi TEXT NOT NULL,
    created_at BIGINT NOT NULL, live BIGINT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id)
);
CREATE INDEX connections_by_lo ON connections (catalog, account_lo);
CREATE INDEX connections_by_hi ON connections (catalog, account_hi);
CREATE UNIQUE INDEX connections_one_live ON connections (catalog, account_lo, account_hi) WHERE live = 1;
CREATE TABLE connection_active_types (
    catalog TEXT NOT NULL, account_lo TEXT NOT NULL, account_hi TEXT NOT NULL, connection_type TEXT NOT NULL,
    connection_id TEXT NOT NULL,
    PRIMARY KEY (catalog, account_lo, account_hi, connection_type)
);
CREATE INDEX connection_active_types_by_id ON connection_active_types (catalog, connection_id);
CREATE TABLE partner_domains (
    catalog TEXT NOT NULL, domain TEXT NOT NULL, partner_id TEXT NOT NULL, PRIMARY KEY (catalog, domain)
);
CREATE INDEX partner_domains_by_partner ON partner_domains (catalog, partner_id);
CREATE TABLE verifications (
    account TEXT NOT NULL, verification_type TEXT NOT NULL, completion_token TEXT UNIQUE, doc TEXT NOT NULL,
    PRIMARY KEY (account, verification_type)
);
CREATE TABLE qualifications_tasks (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, catalog TEXT NOT NULL, task_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL, owner_partner_id TEXT NOT NULL, open BIGINT NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX qualifications_tasks_by_owner ON qualifications_tasks (catalog, owner_partner_id, kind, seq);
CREATE INDEX qualifications_tasks_open ON qualifications_tasks (catalog, open, seq);
CREATE UNIQUE INDEX qualifications_tasks_one_open ON qualifications_tasks (catalog, owner_partner_id) WHERE open = 1;
CREATE TABLE qualifications_associations (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, catalog TEXT NOT NULL, subsidiary_account TEXT NOT NULL,
    primary_account TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (catalog, subsidiary_account)
);
CREATE TABLE qualifications_groups (
    catalog TEXT NOT NULL, primary_account TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, primary_account)
);
-- Every node signs page tokens with this key; it exists before any read.
INSERT INTO service_state (id, doc) VALUES (1, json_build_object(
    'clock_offset_ms', 0, 'settings', NULL,
    'pagination_key', md5(random()::text || clock_timestamp()::text) || md5(random()::text || clock_timestamp()::text)
)::text);
