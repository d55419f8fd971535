-- Accounts configured by an admin (display name, seller profile): the same
-- table as the SQLite migration of that name (crates/store/src/sqlite.rs).
CREATE TABLE accounts (account TEXT PRIMARY KEY, doc TEXT NOT NULL);
