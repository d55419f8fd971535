//! The embedded backend: one SQLite file in WAL mode.
//!
//! One writer connection serialises write transactions (`BEGIN IMMEDIATE`);
//! reads use a small pool of read-only connections and see a consistent
//! snapshot without waiting for the writer. Records are stored as JSON
//! documents next to the columns their lookups and constraints need.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use pcentral_core::store::{
    Connection as StoredConnection, ConnectionPreferences, EmailCode, IdempotencyRecord, Invitation, OpResult,
    OutboxMessage, Partner, ProfileTask, QualificationsAssociation, QualificationsGroup, QualificationsTask,
    ServiceState, Store, StoredCredential, Tx, TxBody, Verification,
};
use pcentral_core::{Failure, StoreError};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::de::DeserializeOwned;
use serde::Serialize;

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
];

/// Name of the database file inside the data directory.
pub const DB_FILE: &str = "pcentral.db";

const READ_POOL: usize = 8;

/// The SQLite store.
pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
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
    pub fn open(data_dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| backend(format!("cannot create {}: {e}", data_dir.display())))?;
        let path = data_dir.join(DB_FILE);
        let mut writer = Connection::open(&path).map_err(backend)?;
        writer
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(backend)?;
        writer.busy_timeout(Duration::from_secs(10)).map_err(backend)?;
        migrate(&mut writer)?;
        Ok(SqliteStore { path, writer: Mutex::new(writer), readers: Mutex::new(Vec::new()) })
    }

    fn reader(&self) -> Result<Connection, StoreError> {
        if let Some(conn) = self.readers.lock().map_err(backend)?.pop() {
            return Ok(conn);
        }
        let conn = Connection::open(&self.path).map_err(backend)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(backend)?;
        conn.execute_batch("PRAGMA query_only = ON;").map_err(backend)?;
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut pool) = self.readers.lock() {
            if pool.len() < READ_POOL {
                pool.push(conn);
            }
        }
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive).map_err(backend)?;
    let done: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(backend)?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        tx.execute_batch(sql).map_err(|e| backend(format!("migration {}: {e}", i + 1)))?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1)).map_err(backend)?;
    }
    tx.commit().map_err(backend)
}

/// Run `body` in a transaction on `conn`, retrying on storage conflicts.
fn run(conn: &mut Connection, behavior: TransactionBehavior, body: &mut TxBody<'_>) -> OpResult<()> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let tx = conn.transaction_with_behavior(behavior).map_err(sql_error)?;
        let result = body(&mut SqliteTx { tx: &tx });
        match result {
            Ok(()) => {
                tx.commit().map_err(sql_error)?;
                return Ok(());
            }
            Err(Failure::Store(StoreError::Conflict)) if attempts < 5 => {
                drop(tx); // rolls back
            }
            Err(e) => return Err(e), // dropping the transaction rolls it back
        }
    }
}

impl Store for SqliteStore {
    fn read(&self, body: &mut TxBody<'_>) -> OpResult<()> {
        let mut conn = self.reader()?;
        let result = run(&mut conn, TransactionBehavior::Deferred, body);
        self.give_back(conn);
        result
    }

    fn write(&self, body: &mut TxBody<'_>) -> OpResult<()> {
        let mut conn = self.writer.lock().map_err(|e| Failure::Store(backend(e)))?;
        run(&mut conn, TransactionBehavior::Immediate, body)
    }

    fn backend_name(&self) -> &'static str {
        "sqlite"
    }
}

struct SqliteTx<'a> {
    tx: &'a rusqlite::Transaction<'a>,
}

fn to_doc<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(backend)
}

fn from_doc<T: DeserializeOwned>(doc: &str) -> Result<T, StoreError> {
    serde_json::from_str(doc).map_err(|e| backend(format!("stored record unreadable: {e}")))
}

impl SqliteTx<'_> {
    fn one<T: DeserializeOwned>(&self, sql: &str, params: impl rusqlite::Params) -> Result<Option<T>, StoreError> {
        let doc: Option<String> = self.tx.query_row(sql, params, |r| r.get(0)).optional().map_err(sql_error)?;
        doc.as_deref().map(from_doc).transpose()
    }

    fn all<T: DeserializeOwned>(&self, sql: &str, params: impl rusqlite::Params) -> Result<Vec<T>, StoreError> {
        let mut stmt = self.tx.prepare_cached(sql).map_err(sql_error)?;
        let docs = stmt.query_map(params, |r| r.get::<_, String>(0)).map_err(sql_error)?;
        let mut out = Vec::new();
        for doc in docs {
            out.push(from_doc(&doc.map_err(sql_error)?)?);
        }
        Ok(out)
    }

    fn exec(&self, sql: &str, params: impl rusqlite::Params) -> Result<usize, StoreError> {
        self.tx.prepare_cached(sql).map_err(sql_error)?.execute(params).map_err(sql_error)
    }

    /// Rewrite the connection's rows in `connection_active_types`, whose key
    /// allows one ACTIVE entry per (catalog, pair, type) across all connections.
    fn put_active_types(&self, c: &StoredConnection) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM connection_active_types WHERE catalog = ?1 AND connection_id = ?2",
            params![c.catalog, c.id],
        )?;
        let (lo, hi) = pair(&c.participants[0], &c.participants[1]);
        for (kind, entry) in &c.types {
            if entry.status == "ACTIVE" {
                self.exec(
                    "INSERT INTO connection_active_types (catalog, account_lo, account_hi, connection_type, connection_id)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![c.catalog, lo, hi, kind, c.id],
                )?;
            }
        }
        Ok(())
    }
}

impl SqliteTx<'_> {
    /// Rewrite the partner's rows in `partner_domains`, whose key allows one
    /// partner per (catalog, domain).
    fn put_domains(&self, p: &Partner) -> Result<(), StoreError> {
        self.exec("DELETE FROM partner_domains WHERE catalog = ?1 AND partner_id = ?2", params![p.catalog, p.id])?;
        for d in &p.domains {
            self.exec(
                "INSERT INTO partner_domains (catalog, domain, partner_id) VALUES (?1, ?2, ?3)",
                params![p.catalog, d.domain_name, p.id],
            )?;
        }
        Ok(())
    }
}

/// The two accounts of a pair in a fixed order (the index columns of pair constraints).
fn pair<'s>(a: &'s str, b: &'s str) -> (&'s str, &'s str) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

impl Tx for SqliteTx<'_> {
    fn service_state(&mut self) -> Result<ServiceState, StoreError> {
        Ok(self.one("SELECT doc FROM service_state WHERE id = 1", [])?.unwrap_or_default())
    }

    fn put_service_state(&mut self, state: &ServiceState) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO service_state (id, doc) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
            params![to_doc(state)?],
        )?;
        Ok(())
    }

    fn partner_by_account(&mut self, catalog: &str, account: &str) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND account = ?2", params![catalog, account])
    }

    fn partner_by_id(&mut self, catalog: &str, id: &str) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND id = ?2", params![catalog, id])
    }

    fn partner_by_legal_name(&mut self, catalog: &str, legal_name_key: &str) -> Result<Option<Partner>, StoreError> {
        self.one(
            "SELECT doc FROM partners WHERE catalog = ?1 AND legal_name_key = ?2",
            params![catalog, legal_name_key],
        )
    }

    fn insert_partner(&mut self, p: &Partner) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO partners (catalog, id, account, legal_name_key, profile_id, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                p.catalog,
                p.id,
                p.account,
                pcentral_core::partners::legal_name_key(&p.legal_name),
                p.profile_id,
                to_doc(p)?
            ],
        )?;
        self.put_domains(p)
    }

    fn partner_by_profile_id(&mut self, catalog: &str, profile_id: &str) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND profile_id = ?2", params![catalog, profile_id])
    }

    fn update_partner(&mut self, p: &Partner) -> Result<(), StoreError> {
        self.exec(
            "UPDATE partners SET legal_name_key = ?3, doc = ?4 WHERE catalog = ?1 AND id = ?2",
            params![p.catalog, p.id, pcentral_core::partners::legal_name_key(&p.legal_name), to_doc(p)?],
        )?;
        self.put_domains(p)
    }

    fn partner_id_by_domain(&mut self, catalog: &str, domain: &str) -> Result<Option<String>, StoreError> {
        self.tx
            .query_row(
                "SELECT partner_id FROM partner_domains WHERE catalog = ?1 AND domain = ?2",
                params![catalog, domain],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql_error)
    }

    fn profile_tasks(&mut self, partner_id: &str) -> Result<Vec<ProfileTask>, StoreError> {
        self.all("SELECT doc FROM profile_tasks WHERE partner_id = ?1 ORDER BY seq", params![partner_id])
    }

    fn insert_profile_task(&mut self, t: &ProfileTask) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO profile_tasks (partner_id, task_id, doc) VALUES (?1, ?2, ?3)",
            params![t.partner_id, t.task_id, to_doc(t)?],
        )?;
        Ok(())
    }

    fn update_profile_task(&mut self, t: &ProfileTask) -> Result<(), StoreError> {
        self.exec("UPDATE profile_tasks SET doc = ?2 WHERE task_id = ?1", params![t.task_id, to_doc(t)?])?;
        Ok(())
    }

    fn email_code(&mut self, catalog: &str, address: &str) -> Result<Option<EmailCode>, StoreError> {
        self.one("SELECT doc FROM email_codes WHERE catalog = ?1 AND address = ?2", params![catalog, address])
    }

    fn put_email_code(&mut self, c: &EmailCode) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO email_codes (catalog, address, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (catalog, address) DO UPDATE SET doc = excluded.doc",
            params![c.catalog, c.address, to_doc(c)?],
        )?;
        Ok(())
    }

    fn delete_email_code(&mut self, catalog: &str, address: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM email_codes WHERE catalog = ?1 AND address = ?2", params![catalog, address])?;
        Ok(())
    }

    fn append_outbox(&mut self, m: &OutboxMessage) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO outbox (address_key, doc) VALUES (?1, ?2)",
            params![m.address.to_lowercase(), to_doc(m)?],
        )?;
        Ok(())
    }

    fn outbox(&mut self, address: Option<&str>) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT id, doc FROM outbox WHERE ?1 IS NULL OR address_key = ?1 ORDER BY id")
            .map_err(sql_error)?;
        let rows = stmt
            .query_map(params![address.map(str::to_lowercase)], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(sql_error)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, doc) = row.map_err(sql_error)?;
            let mut message: OutboxMessage = from_doc(&doc)?;
            message.id = id;
            out.push(message);
        }
        Ok(out)
    }

    fn count_usage(&mut self, catalog: &str, kind: &str, scope: &str, since: i64) -> Result<u64, StoreError> {
        let n: i64 = self
            .tx
            .query_row(
                "SELECT COUNT(*) FROM usage WHERE catalog = ?1 AND kind = ?2 AND scope = ?3 AND at > ?4",
                params![catalog, kind, scope, since],
                |r| r.get(0),
            )
            .map_err(sql_error)?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    fn record_usage(&mut self, catalog: &str, kind: &str, scope: &str, at: i64) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO usage (catalog, kind, scope, at) VALUES (?1, ?2, ?3, ?4)",
            params![catalog, kind, scope, at],
        )?;
        Ok(())
    }

    fn idempotency(
        &mut self,
        account: &str,
        operation: &str,
        token: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.one(
            "SELECT doc FROM idempotency WHERE account = ?1 AND operation = ?2 AND token = ?3",
            params![account, operation, token],
        )
    }

    fn put_idempotency(&mut self, r: &IdempotencyRecord) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO idempotency (account, operation, token, doc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account, operation, token) DO UPDATE SET doc = excluded.doc",
            params![r.account, r.operation, r.token, to_doc(r)?],
        )?;
        Ok(())
    }

    fn connection_preferences(
        &mut self,
        catalog: &str,
        account: &str,
    ) -> Result<Option<ConnectionPreferences>, StoreError> {
        self.one(
            "SELECT doc FROM connection_preferences WHERE catalog = ?1 AND account = ?2",
            params![catalog, account],
        )
    }

    fn put_connection_preferences(&mut self, p: &ConnectionPreferences) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO connection_preferences (catalog, account, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (catalog, account) DO UPDATE SET doc = excluded.doc",
            params![p.catalog, p.account, to_doc(p)?],
        )?;
        Ok(())
    }

    fn invitation(&mut self, catalog: &str, id: &str) -> Result<Option<Invitation>, StoreError> {
        self.one("SELECT doc FROM connection_invitations WHERE catalog = ?1 AND id = ?2", params![catalog, id])
    }

    fn invitations_of(&mut self, catalog: &str, account: &str) -> Result<Vec<Invitation>, StoreError> {
        self.all(
            "SELECT doc FROM connection_invitations WHERE catalog = ?1 AND (sender = ?2 OR receiver = ?2)
             ORDER BY created_at DESC, id ASC",
            params![catalog, account],
        )
    }

    fn invitations_between(
        &mut self,
        catalog: &str,
        a: &str,
        b: &str,
        status: &str,
    ) -> Result<Vec<Invitation>, StoreError> {
        let (lo, hi) = pair(a, b);
        self.all(
            "SELECT doc FROM connection_invitations
             WHERE catalog = ?1 AND pair_lo = ?2 AND pair_hi = ?3 AND status = ?4 ORDER BY created_at DESC, id ASC",
            params![catalog, lo, hi, status],
        )
    }

    fn count_open_invitations(&mut self, catalog: &str, sender: &str, now: i64) -> Result<u64, StoreError> {
        let n: i64 = self
            .tx
            .query_row(
                "SELECT COUNT(*) FROM connection_invitations
                 WHERE catalog = ?1 AND sender = ?2 AND status = 'PENDING' AND expires_at > ?3",
                params![catalog, sender, now],
                |r| r.get(0),
            )
            .map_err(sql_error)?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    fn insert_invitation(&mut self, i: &Invitation) -> Result<(), StoreError> {
        let (lo, hi) = pair(&i.sender_account, &i.receiver_account);
        self.exec(
            "INSERT INTO connection_invitations
             (catalog, id, sender, receiver, pair_lo, pair_hi, connection_type, status, created_at, expires_at, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                i.catalog,
                i.id,
                i.sender_account,
                i.receiver_account,
                lo,
                hi,
                i.connection_type,
                i.status,
                i.created_at,
                i.expires_at,
                to_doc(i)?
            ],
        )?;
        Ok(())
    }

    fn update_invitation(&mut self, i: &Invitation) -> Result<(), StoreError> {
        self.exec(
            "UPDATE connection_invitations SET status = ?3, doc = ?4 WHERE catalog = ?1 AND id = ?2",
            params![i.catalog, i.id, i.status, to_doc(i)?],
        )?;
        Ok(())
    }

    fn connection(&mut self, catalog: &str, id: &str) -> Result<Option<StoredConnection>, StoreError> {
        self.one("SELECT doc FROM connections WHERE catalog = ?1 AND id = ?2", params![catalog, id])
    }

    fn connections_of(&mut self, catalog: &str, account: &str) -> Result<Vec<StoredConnection>, StoreError> {
        self.all(
            "SELECT doc FROM connections WHERE catalog = ?1 AND (account_lo = ?2 OR account_hi = ?2)
             ORDER BY created_at DESC, id ASC",
            params![catalog, account],
        )
    }

    fn live_connection_between(
        &mut self,
        catalog: &str,
        a: &str,
        b: &str,
    ) -> Result<Option<StoredConnection>, StoreError> {
        let (lo, hi) = pair(a, b);
        self.one(
            "SELECT doc FROM connections WHERE catalog = ?1 AND account_lo = ?2 AND account_hi = ?3 AND live = 1",
            params![catalog, lo, hi],
        )
    }

    fn count_live_connections(&mut self, catalog: &str, account: &str) -> Result<u64, StoreError> {
        let n: i64 = self
            .tx
            .query_row(
                "SELECT COUNT(*) FROM connections WHERE catalog = ?1 AND (account_lo = ?2 OR account_hi = ?2) AND live = 1",
                params![catalog, account],
                |r| r.get(0),
            )
            .map_err(sql_error)?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    fn insert_connection(&mut self, c: &StoredConnection) -> Result<(), StoreError> {
        let (lo, hi) = pair(&c.participants[0], &c.participants[1]);
        self.exec(
            "INSERT INTO connections (catalog, id, account_lo, account_hi, created_at, live, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![c.catalog, c.id, lo, hi, c.created_at, c.is_live(), to_doc(c)?],
        )?;
        self.put_active_types(c)
    }

    fn update_connection(&mut self, c: &StoredConnection) -> Result<(), StoreError> {
        self.exec(
            "UPDATE connections SET live = ?3, doc = ?4 WHERE catalog = ?1 AND id = ?2",
            params![c.catalog, c.id, c.is_live(), to_doc(c)?],
        )?;
        self.put_active_types(c)
    }

    fn verification(&mut self, account: &str, verification_type: &str) -> Result<Option<Verification>, StoreError> {
        self.one(
            "SELECT doc FROM verifications WHERE account = ?1 AND verification_type = ?2",
            params![account, verification_type],
        )
    }

    fn verification_by_token(&mut self, token: &str) -> Result<Option<Verification>, StoreError> {
        self.one("SELECT doc FROM verifications WHERE completion_token = ?1", params![token])
    }

    fn put_verification(&mut self, v: &Verification) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO verifications (account, verification_type, completion_token, doc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account, verification_type)
             DO UPDATE SET completion_token = excluded.completion_token, doc = excluded.doc",
            params![v.account, v.verification_type, v.completion_token, to_doc(v)?],
        )?;
        Ok(())
    }

    fn qualifications_tasks_of(
        &mut self,
        catalog: &str,
        owner_partner_id: &str,
        kind: &str,
    ) -> Result<Vec<QualificationsTask>, StoreError> {
        self.all(
            "SELECT doc FROM qualifications_tasks WHERE catalog = ?1 AND owner_partner_id = ?2 AND kind = ?3
             ORDER BY seq",
            params![catalog, owner_partner_id, kind],
        )
    }

    fn open_qualifications_tasks(&mut self, catalog: &str) -> Result<Vec<QualificationsTask>, StoreError> {
        self.all("SELECT doc FROM qualifications_tasks WHERE catalog = ?1 AND open = 1 ORDER BY seq", params![catalog])
    }

    fn insert_qualifications_task(&mut self, t: &QualificationsTask) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO qualifications_tasks (catalog, task_id, kind, owner_partner_id, open, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![t.catalog, t.task_id, t.kind, t.owner_partner_id, t.ended_at.is_none(), to_doc(t)?],
        )?;
        Ok(())
    }

    fn update_qualifications_task(&mut self, t: &QualificationsTask) -> Result<(), StoreError> {
        self.exec(
            "UPDATE qualifications_tasks SET open = ?2, doc = ?3 WHERE task_id = ?1",
            params![t.task_id, t.ended_at.is_none(), to_doc(t)?],
        )?;
        Ok(())
    }

    fn qualifications_associations(&mut self, catalog: &str) -> Result<Vec<QualificationsAssociation>, StoreError> {
        self.all("SELECT doc FROM qualifications_associations WHERE catalog = ?1 ORDER BY seq", params![catalog])
    }

    fn insert_qualifications_association(&mut self, a: &QualificationsAssociation) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO qualifications_associations (catalog, subsidiary_account, primary_account, doc)
             VALUES (?1, ?2, ?3, ?4)",
            params![a.catalog, a.subsidiary_account, a.primary_account, to_doc(a)?],
        )?;
        Ok(())
    }

    fn delete_qualifications_association(&mut self, catalog: &str, subsidiary_account: &str) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM qualifications_associations WHERE catalog = ?1 AND subsidiary_account = ?2",
            params![catalog, subsidiary_account],
        )?;
        Ok(())
    }

    fn qualifications_groups(&mut self, catalog: &str) -> Result<Vec<QualificationsGroup>, StoreError> {
        self.all("SELECT doc FROM qualifications_groups WHERE catalog = ?1 ORDER BY primary_account", params![catalog])
    }

    fn put_qualifications_group(&mut self, g: &QualificationsGroup) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO qualifications_groups (catalog, primary_account, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (catalog, primary_account) DO UPDATE SET doc = excluded.doc",
            params![g.catalog, g.primary_account, to_doc(g)?],
        )?;
        Ok(())
    }

    fn delete_qualifications_group(&mut self, catalog: &str, primary_account: &str) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM qualifications_groups WHERE catalog = ?1 AND primary_account = ?2",
            params![catalog, primary_account],
        )?;
        Ok(())
    }

    fn credential(&mut self, access_key_id: &str) -> Result<Option<StoredCredential>, StoreError> {
        self.one("SELECT doc FROM credentials WHERE access_key_id = ?1", params![access_key_id])
    }

    fn insert_credential(&mut self, c: &StoredCredential) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO credentials (access_key_id, doc) VALUES (?1, ?2)",
            params![c.access_key_id, to_doc(c)?],
        )?;
        Ok(())
    }

    fn credentials(&mut self) -> Result<Vec<StoredCredential>, StoreError> {
        self.all("SELECT doc FROM credentials ORDER BY access_key_id", [])
    }
}
