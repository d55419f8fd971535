-- A hash of each IAM user's document, written with it: a node keeps a user's
-- parsed policies while the stored hash is the one it parsed them at, so a
-- call reads this number instead of the document (docs/security.md).
ALTER TABLE iam_users ADD COLUMN fingerprint BIGINT NOT NULL DEFAULT 0;
