//! The embedded backend: one SQLite file in WAL mode.
//!
//! Writes share commits (group commit): one writer connection holds one
//! transaction at a time, each write call runs in a savepoint of it (a failing
//! call rolls back only its savepoint), and calls that arrive while a commit
//! is under way join the next one, so concurrent writers pay one commit and
//! one fsync between them; no call is answered before the commit that holds
//! its changes is durable (`synchronous = FULL`). Reads use a small pool of
//! read-only connections and see a consistent snapshot without waiting for
//! the writer. The typed records on top are shared with the PostgreSQL
//! backend (`tx/`).
//!
//! The process owns the database ([`open_connection`]): every connection
//! opens it through SQLite's `unix-excl` VFS, which takes one exclusive file
//! lock for the process at the first access and keeps the WAL index in the
//! process's memory instead of a `-shm` file. The connections of this process
//! still coordinate as in shared WAL mode (readers on their snapshots while
//! the writer commits), but no transaction asks the kernel for a lock: a read
//! costs no lock system calls. Another process cannot open the database while
//! the store is open (the server holds the data directory's lock file anyway).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

use pcentral_core::store::{OpResult, Store, TxBody};
use pcentral_core::{Failure, StoreError};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params_from_iter, Connection, TransactionBehavior};

use crate::sql::{Db, Param};
use crate::tx::{ServiceCache, SqlTx};

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE service_state (id INTEGER PRIMARY KEY CHECK (id = 1), doc TEXT NOT NULL);
CREATE TABLE partners (
    catalog TEXT NOT NULL, id TEXT NOT NULL, account TEXT NOT NULL,
    legal_name_key TEXT NOT NULL, profile_id TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id), UNIQUE (catalog, account), UNIQUE (catalog, legal_name_key)
);
CREATE TABLE profile_tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, partner_id TEXT NOT NULL, task_id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL
);
CREATE INDEX profile_tasks_by_partner ON profile_tasks (partner_id, seq);
CREATE TABLE email_codes (catalog TEXT NOT NULL, address TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, address));
CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, address_key TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE usage (catalog TEXT NOT NULL, kind TEXT NOT NULL, scope TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX usage_window ON usage (catalog, kind, scope, at);
CREATE TABLE idempotency (
    account TEXT NOT NULL, operation TEXT NOT NULL, token TEXT NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (account, operation, token)
);
CREATE TABLE credentials (access_key_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
"#,
    r#"
CREATE INDEX partners_by_profile ON partners (catalog, profile_id);
CREATE TABLE connection_preferences (
    catalog TEXT NOT NULL, account TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, account)
);
CREATE TABLE connection_invitations (
    catalog TEXT NOT NULL, id TEXT NOT NULL, sender TEXT NOT NULL, receiver TEXT NOT NULL,
    pair_lo TEXT NOT NULL, pair_hi TEXT NOT NULL, connection_type TEXT NOT NULL, status TEXT NOT NULL,
    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, doc TEXT NOT NULL,
    PRIMARY KEY (catalog, id)
);
CREATE INDEX invitations_by_sender ON connection_invitations (catalog, sender, status);
CREATE INDEX invitations_by_receiver ON connection_invitations (catalog, receiver);
CREATE UNIQUE INDEX invitations_one_pending
    ON connection_invitations (catalog, pair_lo, pair_hi, connection_type) WHERE status = 'PENDING';
CREATE TABLE connections (
    catalog TEXT NOT NULL, id TEXT NOT NULL, account_lo TEXT NOT NULL, account_hi TEXT NOT NULL,
    created_at INTEGER NOT NULL, live INTEGER NOT NULL, doc TEXT NOT NULL,
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
INSERT INTO service_state (id, doc)
    VALUES (1, json_object('clock_offset_ms', 0, 'settings', json('null'), 'pagination_key', lower(hex(randomblob(32)))))
    ON CONFLICT (id) DO UPDATE SET doc = json_set(doc, '$.pagination_key', lower(hex(randomblob(32))))
    WHERE coalesce(json_extract(doc, '$.pagination_key'), '') = '';
"#,
    r#"
CREATE TABLE partner_domains (
    catalog TEXT NOT NULL, domain TEXT NOT NULL, partner_id TEXT NOT NULL, PRIMARY KEY (catalog, domain)
);
CREATE INDEX partner_domains_by_partner ON partner_domains (catalog, partner_id);
CREATE TABLE verifications (
    account TEXT NOT NULL, verification_type TEXT NOT NULL, completion_token TEXT UNIQUE, doc TEXT NOT NULL,
    PRIMARY KEY (account, verification_type)
);
CREATE TABLE qualifications_tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, catalog TEXT NOT NULL, task_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
    owner_partner_id TEXT NOT NULL, open INTEGER NOT NULL, doc TEXT NOT NULL
);
CREATE INDEX qualifications_tasks_by_owner ON qualifications_tasks (catalog, owner_partner_id, kind, seq);
CREATE INDEX qualifications_tasks_open ON qualifications_tasks (catalog, open, seq);
CREATE UNIQUE INDEX qualifications_tasks_one_open ON qualifications_tasks (catalog, owner_partner_id) WHERE open = 1;
CREATE TABLE qualifications_associations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, catalog TEXT NOT NULL, subsidiary_account TEXT NOT NULL,
    primary_account TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (catalog, subsidiary_account)
);
CREATE TABLE qualifications_groups (
    catalog TEXT NOT NULL, primary_account TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, primary_account)
);
"#,
    r#"
CREATE TABLE accounts (account TEXT PRIMARY KEY, doc TEXT NOT NULL);
"#,
    r#"
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, catalog TEXT NOT NULL,
    detail_type TEXT NOT NULL, time INTEGER NOT NULL, unique_key TEXT UNIQUE, doc TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER, delivered_at INTEGER, last_error TEXT
);
CREATE INDEX events_by_account ON events (account, seq);
CREATE INDEX events_due ON events (next_attempt_at, seq);
CREATE INDEX invitations_pending_by_expiry ON connection_invitations (status, expires_at);
"#,
];

/// Name of the database file inside the data directory.
pub const DB_FILE: &str = "pcentral.db";

const READ_POOL: usize = 8;

/// Prepared statements kept per connection (the shared records use about a hundred).
const STATEMENT_CACHE: usize = 256;

/// The SQLite store.
pub struct SqliteStore {
    path: PathBuf,
    writer: GroupCommit,
    readers: Mutex<Vec<Connection>>,
    cache: ServiceCache,
}

/// The writer connection and the state of the transaction its calls share.
struct Writer {
    conn: Connection,
    /// A shared transaction is open; it is batch `committed + 1`.
    open: bool,
    /// Batches committed so far.
    committed: u64,
    /// The last batch whose commit failed, and why.
    failed: Option<(u64, String)>,
    /// Calls whose changes are in the open batch.
    members: usize,
    /// A member of the open batch has taken on committing it.
    leader: bool,
}

/// Group commit over the writer (see the module documentation).
struct GroupCommit {
    writer: Mutex<Writer>,
    /// Signalled when a batch ends (committed or failed).
    ended: Condvar,
    /// Signalled when a call joined the open batch.
    joined: Condvar,
    /// Calls waiting for the writer: the leader lets them join before committing.
    queued: AtomicUsize,
    /// Batches ended (committed or failed), raised after the commit is
    /// visible to new readers: [`Store::commits`].
    ended_batches: AtomicU64,
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn sql_error(e: rusqlite::Error) -> StoreError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation || f.code == rusqlite::ErrorCode::DatabaseBusy =>
        {
            StoreError::Conflict
        }
        _ => backend(e),
    }
}

impl SqliteStore {
    /// Open (creating if needed) the store in `data_dir` and apply migrations.
    ///
    /// The files are private ([`crate::files`]): a new directory is 0700, a
    /// new database file is created 0600 before SQLite opens it, and SQLite
    /// gives the `-wal` and `-shm` files it creates the database file's mode.
    /// Existing files with permissions for others lose them where this
    /// process may change them (the server warns about the rest).
    pub fn open(data_dir: &Path) -> Result<SqliteStore, StoreError> {
        crate::files::create_private_dir(data_dir)
            .map_err(|e| backend(format!("cannot create {}: {e}", data_dir.display())))?;
        let path = data_dir.join(DB_FILE);
        crate::files::create_private_file(&path)
            .map_err(|e| backend(format!("cannot create {}: {e}", path.display())))?;
        make_private(&path);
        let mut writer = open_connection(&path).map_err(backend)?;
        // SQLite falls back to reading a file it may not write; every write would then fail.
        if writer.is_readonly(rusqlite::DatabaseName::Main).map_err(backend)? {
            return Err(backend(format!(
                "{} is read-only for this process; pcentral needs to write it",
                path.display()
            )));
        }
        writer
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(backend)?;
        writer.busy_timeout(Duration::from_secs(10)).map_err(backend)?;
        writer.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        migrate(&mut writer)?;
        // The migrations wrote, so the -wal and -shm files exist now: made by
        // SQLite with the database file's mode, or left by an earlier run.
        make_private(&path);
        let writer = Writer { conn: writer, open: false, committed: 0, failed: None, members: 0, leader: false };
        Ok(SqliteStore {
            path,
            writer: GroupCommit {
                writer: Mutex::new(writer),
                ended: Condvar::new(),
                joined: Condvar::new(),
                queued: AtomicUsize::new(0),
                ended_batches: AtomicU64::new(0),
            },
            readers: Mutex::new(Vec::new()),
            cache: ServiceCache::default(),
        })
    }

    fn reader(&self) -> Result<Connection, StoreError> {
        if let Some(conn) = self.readers.lock().map_err(backend)?.pop() {
            return Ok(conn);
        }
        let conn = open_connection(&self.path).map_err(backend)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(backend)?;
        conn.execute_batch("PRAGMA query_only = ON;").map_err(backend)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    /// Every row of every table as `table: cells`, in a stable order: for
    /// tests that check a refused request changed nothing, and for diagnostics.
    pub fn dump_rows(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.reader()?;
        let tables: Vec<String> = {
            let mut stmt = conn
                .prepare(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )
                .map_err(backend)?;
            let names = stmt.query_map([], |r| r.get(0)).map_err(backend)?;
            names.collect::<Result<_, _>>().map_err(backend)?
        };
        let mut out = Vec::new();
        for table in tables {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).map_err(backend)?;
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    let cells: Result<Vec<String>, _> =
                        (0..n).map(|i| r.get_ref(i).map(|v| format!("{v:?}"))).collect();
                    Ok(format!("{table}: {}", cells?.join(" | ")))
                })
                .map_err(backend)?;
            let mut rows: Vec<String> = rows.collect::<Result<_, _>>().map_err(backend)?;
            rows.sort();
            out.extend(rows);
        }
        self.give_back(conn);
        Ok(out)
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut pool) = self.readers.lock() {
            if pool.len() < READ_POOL {
                pool.push(conn);
            }
        }
    }
}

/// A connection to the store's database at `path`, as every connection of a
/// process that holds a store must open it (the module documentation): mixing
/// VFSs on one database within a process would give its connections two WAL
/// indexes. Tests that reach past the store to change its database use this too.
pub fn open_connection(path: &Path) -> rusqlite::Result<Connection> {
    Connection::open_with_flags_and_vfs(path, rusqlite::OpenFlags::default(), "unix-excl")
}

/// Make the database file and its `-wal`, `-shm` and `-journal` files
/// private where this process may (see [`crate::files`]).
fn make_private(db: &Path) {
    let name = db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = crate::files::make_private(&db.with_file_name(format!("{name}{suffix}")));
    }
}

/// Apply the migrations not applied yet: SQLite's own first ones, then the
/// shared ones (`schema.rs`). `PRAGMA user_version` counts both.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive).map_err(backend)?;
    let done: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(backend)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        tx.execute_batch(sql).map_err(|e| backend(format!("migration {}: {e}", i + 1)))?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1)).map_err(backend)?;
    }
    for (i, steps) in crate::schema::SHARED.iter().enumerate() {
        let version = MIGRATIONS.len() + i + 1;
        if version <= done {
            continue;
        }
        crate::schema::apply(SqliteDb { conn: &tx }, steps)
            .map_err(|e| backend(format!("migration {version}: {e}")))?;
        tx.execute_batch(&format!("PRAGMA user_version = {version}")).map_err(backend)?;
    }
    tx.commit().map_err(backend)
}

/// How many times a call whose changes conflicted runs again.
const ATTEMPTS: usize = 5;

/// Run one of the transaction statements (`BEGIN`, `COMMIT`, `SAVEPOINT call`…)
/// through the connection's statement cache: parsed once per connection, not
/// once per call.
fn run(conn: &Connection, sql: &str) -> Result<(), StoreError> {
    run_raw(conn, sql).map_err(sql_error)
}

/// [`run`], answering SQLite's own error.
fn run_raw(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql).and_then(|mut stmt| stmt.execute([])).map(drop)
}

/// Run `body` in a read transaction on `conn`, begun after the store's
/// commit count was `commits`. If `body` panics, the caller
/// drops the connection (it never goes back to the pool), which ends the transaction.
fn read_on(conn: &Connection, cache: &ServiceCache, commits: u64, body: &mut TxBody<'_>) -> OpResult<()> {
    run(conn, "BEGIN")?;
    let result = body(&mut SqlTx::reading(SqliteDb { conn }, cache, commits));
    let ended = run(conn, if result.is_ok() { "COMMIT" } else { "ROLLBACK" });
    result?;
    Ok(ended?)
}

impl GroupCommit {
    /// Batches ended so far ([`Store::commits`]).
    fn ended(&self) -> u64 {
        self.ended_batches.load(Ordering::Acquire)
    }

    fn lock(&self) -> OpResult<MutexGuard<'_, Writer>> {
        self.writer.lock().map_err(|e| Failure::Store(backend(e)))
    }

    /// Run `body` in a savepoint of the shared transaction, then answer once
    /// the batch holding its changes is committed.
    fn write(&self, cache: &ServiceCache, body: &mut TxBody<'_>) -> OpResult<()> {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let locked = self.lock();
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let mut w = locked?;
        if !w.open {
            run(&w.conn, "BEGIN IMMEDIATE")?;
            w.open = true;
        }
        let batch = w.committed + 1;
        let result = in_savepoint(&w.conn, cache, body);
        if result.is_err() {
            // Nothing of this call is in the batch; end the batch if nobody else is in it.
            if w.members == 0 && !w.leader {
                w.open = false;
                run(&w.conn, "ROLLBACK")?;
            }
            self.joined.notify_all();
            return result;
        }
        w.members += 1;
        self.joined.notify_all();
        if w.leader {
            // Another member commits this batch: wait for it.
            while w.committed < batch && w.failed.as_ref().is_none_or(|(b, _)| *b != batch) {
                w = self.ended.wait(w).map_err(|e| Failure::Store(backend(e)))?;
            }
            return match &w.failed {
                Some((b, why)) if *b == batch => Err(Failure::Store(StoreError::Backend(why.clone()))),
                _ => Ok(()),
            };
        }
        // Lead: let the calls already waiting for the writer join (for a few
        // milliseconds at most, so that a steady stream cannot hold the batch
        // open), then commit them all.
        w.leader = true;
        let until = std::time::Instant::now() + Duration::from_millis(5);
        while self.queued.load(Ordering::SeqCst) > 0 {
            let Some(left) = until.checked_duration_since(std::time::Instant::now()) else { break };
            let (next, _) = self.joined.wait_timeout(w, left).map_err(|e| Failure::Store(backend(e)))?;
            w = next;
        }
        let committed = run_raw(&w.conn, "COMMIT");
        w.open = false;
        w.members = 0;
        w.leader = false;
        let outcome = match committed {
            Ok(()) => {
                w.committed = batch;
                Ok(())
            }
            Err(e) => {
                let _ = run(&w.conn, "ROLLBACK");
                w.committed = batch;
                w.failed = Some((batch, e.to_string()));
                Err(Failure::Store(backend(e)))
            }
        };
        self.ended_batches.store(batch, Ordering::Release);
        self.ended.notify_all();
        outcome
    }
}

/// Run `body` in a savepoint of the open transaction on `conn`: kept on
/// success, rolled back on failure (again from the start, a few times, when
/// its changes conflicted with a constraint the rules then check again).
fn in_savepoint(conn: &Connection, cache: &ServiceCache, body: &mut TxBody<'_>) -> OpResult<()> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        run(conn, "SAVEPOINT call")?;
        let result = body(&mut SqlTx::in_batch(SqliteDb { conn }, cache));
        if result.is_err() {
            run(conn, "ROLLBACK TO call")?;
        }
        run(conn, "RELEASE call")?;
        match result {
            Err(Failure::Store(StoreError::Conflict)) if attempts < ATTEMPTS => {}
            other => return other,
        }
    }
}

impl Store for SqliteStore {
    fn read(&self, body: &mut TxBody<'_>) -> OpResult<()> {
        let commits = self.writer.ended();
        let conn = self.reader()?;
        let result = read_on(&conn, &self.cache, commits, body);
        self.give_back(conn);
        result
    }

    fn write(&self, body: &mut TxBody<'_>) -> OpResult<()> {
        self.writer.write(&self.cache, body)
    }

    fn backend_name(&self) -> &'static str {
        "sqlite"
    }

    fn reads_are_local(&self) -> bool {
        true
    }

    fn commits(&self) -> Option<u64> {
        Some(self.writer.ended())
    }
}

/// A connection inside an open transaction, seen through the shared [`Db`] interface.
struct SqliteDb<'c> {
    conn: &'c Connection,
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Param::Text(s) | Param::OptText(Some(s)) => ValueRef::Text(s.as_bytes()),
            Param::Int(n) | Param::OptInt(Some(n)) => ValueRef::Integer(*n),
            Param::OptText(None) | Param::OptInt(None) => ValueRef::Null,
        }))
    }
}

impl Db for SqliteDb<'_> {
    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.conn.execute_batch(sql).map_err(sql_error)
    }

    fn texts(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(sql_error)?;
        let rows = stmt.query_map(params_from_iter(params.iter()), |r| r.get(0)).map_err(sql_error)?;
        rows.map(|r| r.map_err(sql_error)).collect()
    }

    fn each_text(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        row: &mut dyn FnMut(&str) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(sql_error)?;
        let mut rows = stmt.query(params_from_iter(params.iter())).map_err(sql_error)?;
        while let Some(r) = rows.next().map_err(sql_error)? {
            let text = r.get_ref(0).and_then(|v| Ok(v.as_str()?)).map_err(sql_error)?;
            row(text)?;
        }
        Ok(())
    }

    fn int_texts(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<(i64, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(sql_error)?;
        let rows =
            stmt.query_map(params_from_iter(params.iter()), |r| Ok((r.get(0)?, r.get(1)?))).map_err(sql_error)?;
        rows.map(|r| r.map_err(sql_error)).collect()
    }

    fn int(&mut self, sql: &str, params: &[Param<'_>]) -> Result<i64, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(sql_error)?;
        stmt.query_row(params_from_iter(params.iter()), |r| r.get(0)).map_err(sql_error)
    }

    fn exec(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(sql_error)?;
        let n = stmt.execute(params_from_iter(params.iter())).map_err(sql_error)?;
        Ok(u64::try_from(n).unwrap_or(u64::MAX))
    }

    fn cells(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<crate::sql::Cell>>, StoreError> {
        use rusqlite::types::ValueRef;
        let mut stmt = self.conn.prepare_cached(sql).map_err(sql_error)?;
        let n = stmt.column_count();
        let rows = stmt
            .query_map(params_from_iter(params.iter()), |r| {
                (0..n)
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            ValueRef::Null => crate::sql::Cell::Null,
                            ValueRef::Integer(v) => crate::sql::Cell::Int(v),
                            ValueRef::Text(t) => crate::sql::Cell::Text(String::from_utf8_lossy(t).into_owned()),
                            other => crate::sql::Cell::Text(format!("{other:?}")),
                        })
                    })
                    .collect::<Result<Vec<_>, rusqlite::Error>>()
            })
            .map_err(sql_error)?;
        rows.map(|r| r.map_err(sql_error)).collect()
    }
}

#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_database_and_the_files_sqlite_adds_are_private() {
        let top = tempfile::tempdir().unwrap();
        let dir = top.path().join("data");
        let store = SqliteStore::open(&dir).unwrap();
        store
            .write(&mut |tx| {
                let state = tx.service_state()?;
                Ok(tx.put_service_state(&state)?)
            })
            .unwrap();
        assert_eq!(mode(&dir), 0o700);
        for name in [DB_FILE, "pcentral.db-wal"] {
            assert_eq!(mode(&dir.join(name)), 0o600, "{name}");
        }
        // The WAL index lives in the process's memory (open_connection).
        assert!(!dir.join("pcentral.db-shm").exists());
    }

    /// The service clock's offset as a read transaction sees it.
    fn offset(store: &SqliteStore) -> OpResult<i64> {
        pcentral_core::store::read(store, |tx| Ok(tx.service_state()?.clock_offset_ms))
    }

    /// Move the service clock to `ms` ahead inside the transaction `tx`.
    fn move_clock(tx: &mut dyn pcentral_core::Tx, ms: i64) -> OpResult<()> {
        let mut state = (*tx.service_state()?).clone();
        state.clock_offset_ms = ms;
        Ok(tx.put_service_state(&state)?)
    }

    #[test]
    fn the_commit_count_moves_once_a_write_is_visible_and_never_for_a_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let before = store.commits().unwrap();
        offset(&store).unwrap();
        assert_eq!(store.commits(), Some(before));
        store
            .write(&mut |tx| {
                move_clock(tx, 1_000)?;
                assert_eq!(store.commits(), Some(before), "not before the commit");
                Ok(())
            })
            .unwrap();
        assert!(store.commits().unwrap() > before, "when the write is answered");
        let after = store.commits();
        let refused = store.write(&mut |_| Err(Failure::Store(StoreError::Conflict)));
        assert!(refused.is_err());
        assert_eq!(store.commits(), after, "a write that changed nothing ended no batch");
    }

    #[test]
    fn a_service_row_read_by_a_write_that_rolled_back_is_never_served() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(offset(&store).unwrap(), 0);
        // A write changes the clock, reads the row back, and fails: nothing of it stays.
        let refused = store.write(&mut |tx| {
            move_clock(tx, 1_000)?;
            assert_eq!(tx.service_state()?.clock_offset_ms, 1_000);
            Err(Failure::Store(StoreError::Backend("refused".into())))
        });
        assert!(refused.is_err());
        // The next change of the row takes the revision the failed write had taken.
        store.write(&mut |tx| Ok(tx.put_fault_rules(&[])?)).unwrap();
        assert_eq!(offset(&store).unwrap(), 0);
    }

    #[test]
    fn a_read_runs_beside_an_open_write_and_sees_the_last_commit() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        store
            .write(&mut |tx| {
                move_clock(tx, 1_000)?;
                // The writer's transaction is open and holds the change: a
                // reader neither waits for it nor sees it.
                assert_eq!(offset(&store)?, 0);
                Ok(())
            })
            .unwrap();
        assert_eq!(offset(&store).unwrap(), 1_000);
    }

    #[test]
    fn database_files_left_readable_by_others_are_made_private() {
        let dir = tempfile::tempdir().unwrap();
        drop(SqliteStore::open(dir.path()).unwrap());
        for name in [DB_FILE, "pcentral.db-wal", "pcentral.db-shm"] {
            let path = dir.path().join(name);
            if !path.exists() {
                std::fs::write(&path, "").unwrap(); // as a crash would have left it
            }
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        std::fs::remove_file(dir.path().join("pcentral.db-wal")).unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        store
            .write(&mut |tx| {
                let state = tx.service_state()?;
                Ok(tx.put_service_state(&state)?)
            })
            .unwrap();
        for name in [DB_FILE, "pcentral.db-wal", "pcentral.db-shm"] {
            assert_eq!(mode(&dir.path().join(name)), 0o600, "{name}");
        }
    }
}
