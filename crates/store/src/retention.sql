-- The times the retention sweep deletes by (pcentral_core::retention), each
-- a column with an index, so that a sweep finds its oldest rows without
-- reading documents. The data step that follows fills the new columns (and
-- the ClientToken records' creation time, which the listing migration left
-- at 0 for records stored before it) from the stored documents.
ALTER TABLE email_codes ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN sent_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX email_codes_by_expiry ON email_codes (expires_at);
CREATE INDEX outbox_by_time ON outbox (sent_at);
CREATE INDEX events_by_time ON events (time);
CREATE INDEX usage_by_time ON usage (at);
