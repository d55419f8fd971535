-- Events recorded for invitations and connections (docs/behaviour.md#events), one row per
-- event and recipient, with their webhook delivery state (wall-clock times).
-- The same table as the SQLite migration in crates/store/src/sqlite.rs.
CREATE TABLE events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account TEXT NOT NULL, catalog TEXT NOT NULL,
    detail_type TEXT NOT NULL, time BIGINT NOT NULL, unique_key TEXT UNIQUE, doc TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at BIGINT, delivered_at BIGINT, last_error TEXT
);
CREATE INDEX events_by_account ON events (account, seq);
CREATE INDEX events_due ON events (next_attempt_at, seq);
CREATE INDEX invitations_pending_by_expiry ON connection_invitations (status, expires_at);
