//! The PostgreSQL backend, for several stateless nodes sharing one database.
//!
//! Write transactions run SERIALIZABLE, so every race (two nodes accepting one
//! invitation, crossing invitations, two updates with one Revision, quota
//! counts) resolves as one-at-a-time execution would: the loser gets a
//! serialization failure or a unique violation, which becomes
//! `StoreError::Conflict`, and the whole transaction runs again. Reads run
//! REPEATABLE READ, READ ONLY: one consistent snapshot, never blocked.
//!
//! Migrations run at start under a transaction-scoped advisory lock, so nodes
//! starting at the same moment apply them once.
//!
//! Connections come from a bounded pool (`r2d2`): a call waits for a free
//! connection rather than opening one, and each connection keeps the
//! statements it prepared, so a statement is planned once per connection.

use std::collections::HashMap;
use std::time::Duration;

use pcentral_core::store::{OpResult, Store, TxBody};
use pcentral_core::{Failure, StoreError};
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, Config, IsolationLevel, NoTls, Statement};

use crate::sql::{dollar_placeholders, Db, Param};
use crate::tx::{ServiceCache, SqlTx};

/// Schema migrations, applied in order; `schema_migrations` records which ran.
const MIGRATIONS: &[&str] =
    &[include_str!("postgres_schema.sql"), include_str!("postgres_accounts.sql"), include_str!("postgres_events.sql")];

/// Any constant shared by every node: the key of the migration lock.
const MIGRATION_LOCK: i64 = 0x7063_656e_7472_616c; // "pcentral"

/// Connections a store keeps unless told otherwise (the tests' stores).
pub const DEFAULT_POOL_SIZE: u32 = 16;
/// How long a call waits for a free connection before failing.
const POOL_WAIT: Duration = Duration::from_secs(30);
const ATTEMPTS: u32 = 20;

pub struct PostgresStore {
    pool: r2d2::Pool<Connector>,
    cache: ServiceCache,
}

/// A pooled connection and the statements it has prepared.
pub struct PgConnection {
    client: Client,
    statements: HashMap<String, Statement>,
}

/// Opens pooled connections.
#[derive(Debug)]
pub struct Connector(Config);

impl r2d2::ManageConnection for Connector {
    type Connection = PgConnection;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConnection, postgres::Error> {
        Ok(PgConnection { client: self.0.connect(NoTls)?, statements: HashMap::new() })
    }

    fn is_valid(&self, conn: &mut PgConnection) -> Result<(), postgres::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgConnection) -> bool {
        conn.client.is_closed()
    }
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn pg_error(e: postgres::Error) -> StoreError {
    match e.code() {
        Some(c)
            if *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::UNIQUE_VIOLATION =>
        {
            StoreError::Conflict
        }
        _ => backend(e),
    }
}

impl PostgresStore {
    /// Connect to `url` (`postgres://user:password@host:port/database`)
    /// with a pool of `pool_size` connections, and apply migrations.
    pub fn open(url: &str, pool_size: u32) -> Result<PostgresStore, StoreError> {
        let config: Config = url.parse().map_err(|e| backend(format!("database URL: {e}")))?;
        Self::with_config(config, pool_size)
    }

    /// A store in a new schema of its own inside the database at `url`, so
    /// that tests sharing one server never see each other's data. Returns
    /// the schema's name, for [`PostgresStore::open_in_schema`].
    pub fn open_isolated(url: &str) -> Result<(PostgresStore, String), StoreError> {
        let config: Config = url.parse().map_err(|e| backend(format!("database URL: {e}")))?;
        let schema = format!("pcentral_test_{:016x}", rand_u64());
        let mut client = config.connect(NoTls).map_err(backend)?;
        client.batch_execute(&format!("CREATE SCHEMA {schema}")).map_err(backend)?;
        Ok((Self::open_in_schema(url, &schema)?, schema))
    }

    /// Open the store kept in `schema` of the database at `url`.
    pub fn open_in_schema(url: &str, schema: &str) -> Result<PostgresStore, StoreError> {
        let mut config: Config = url.parse().map_err(|e| backend(format!("database URL: {e}")))?;
        config.options(&format!("-c search_path={schema}"));
        Self::with_config(config, DEFAULT_POOL_SIZE)
    }

    /// Every row of every table as `table: row`, in a stable order: for tests
    /// that check a refused request changed nothing, and for diagnostics.
    pub fn dump_rows(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self.pool.get().map_err(backend)?;
        let client = &mut conn.client;
        let tables = client
            .query("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1", &[])
            .map_err(backend)?;
        let mut out = Vec::new();
        for row in tables {
            let table: String = row.try_get(0).map_err(backend)?;
            let rows = client.query(&format!("SELECT t::text FROM \"{table}\" t ORDER BY 1"), &[]).map_err(backend)?;
            for r in rows {
                let text: String = r.try_get(0).map_err(backend)?;
                out.push(format!("{table}: {text}"));
            }
        }
        Ok(out)
    }

    fn with_config(config: Config, pool_size: u32) -> Result<PostgresStore, StoreError> {
        let mut client = config.connect(NoTls).map_err(|e| backend(format!("cannot connect to PostgreSQL: {e}")))?;
        migrate(&mut client)?;
        drop(client);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(1))
            .min_idle(Some(1))
            .connection_timeout(POOL_WAIT)
            .test_on_check_out(false)
            .build(Connector(config))
            .map_err(|e| backend(format!("cannot connect to PostgreSQL: {e}")))?;
        Ok(PostgresStore { pool, cache: ServiceCache::default() })
    }

    fn run(&self, read_only: bool, body: &mut TxBody<'_>) -> OpResult<()> {
        let mut conn = self.pool.get().map_err(|e| Failure::Store(backend(e)))?;
        run(&mut conn, read_only, &self.cache, body)
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    h.finish()
}

fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(backend)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(backend)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)").map_err(backend)?;
    let done: i64 =
        tx.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", &[]).map_err(backend)?.get(0);
    let done = usize::try_from(done).unwrap_or(0);
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        tx.batch_execute(sql).map_err(|e| backend(format!("migration {}: {e}", i + 1)))?;
        let version = i64::try_from(i + 1).unwrap_or(i64::MAX);
        tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[&version]).map_err(backend)?;
    }
    // Then the migrations shared with SQLite (`schema.rs`), counted after these.
    for (i, steps) in crate::schema::SHARED.iter().enumerate() {
        let version = MIGRATIONS.len() + i + 1;
        if version <= done {
            continue;
        }
        let mut statements = HashMap::new();
        let db = PgDb { tx: &mut tx, statements: &mut statements };
        crate::schema::apply(db, steps).map_err(|e| backend(format!("migration {version}: {e}")))?;
        let version = i64::try_from(version).unwrap_or(i64::MAX);
        tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[&version]).map_err(backend)?;
    }
    tx.commit().map_err(backend)
}

/// Run `body` in one transaction, again from the start on a conflict.
fn run(conn: &mut PgConnection, read_only: bool, cache: &ServiceCache, body: &mut TxBody<'_>) -> OpResult<()> {
    let isolation = if read_only { IsolationLevel::RepeatableRead } else { IsolationLevel::Serializable };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let PgConnection { client, statements } = conn;
        let mut tx =
            client.build_transaction().isolation_level(isolation).read_only(read_only).start().map_err(pg_error)?;
        let result = body(&mut SqlTx::new(PgDb { tx: &mut tx, statements }, cache));
        let outcome = match result {
            Ok(()) => tx.commit().map_err(|e| Failure::Store(pg_error(e))),
            Err(e) => Err(e), // dropping the transaction rolls it back
        };
        match outcome {
            Err(Failure::Store(StoreError::Conflict)) if attempt < ATTEMPTS => {
                // Back off a little, more each time, so that contenders spread out.
                std::thread::sleep(Duration::from_millis(u64::from(attempt) * (1 + rand_u64() % 5)));
            }
            other => return other,
        }
    }
}

impl Store for PostgresStore {
    fn read(&self, body: &mut TxBody<'_>) -> OpResult<()> {
        self.run(true, body)
    }

    fn write(&self, body: &mut TxBody<'_>) -> OpResult<()> {
        self.run(false, body)
    }

    fn backend_name(&self) -> &'static str {
        "postgres"
    }

    fn reads_are_local(&self) -> bool {
        false
    }
}

/// One PostgreSQL transaction, seen through the shared [`Db`] interface.
struct PgDb<'t, 'c> {
    tx: &'t mut postgres::Transaction<'c>,
    /// The connection's prepared statements, by their text.
    statements: &'t mut HashMap<String, Statement>,
}

impl PgDb<'_, '_> {
    /// The prepared statement of `sql` (written with `?N`), prepared once per connection.
    fn statement(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let prepared = self.tx.prepare(&dollar_placeholders(sql)).map_err(pg_error)?;
        self.statements.insert(sql.to_string(), prepared.clone());
        Ok(prepared)
    }
}

fn pg_params<'p>(params: &'p [Param<'_>]) -> Vec<&'p (dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| -> &(dyn ToSql + Sync) {
            match p {
                Param::Text(s) => s,
                Param::OptText(s) => s,
                Param::Int(n) => n,
                Param::OptInt(n) => n,
            }
        })
        .collect()
}

impl Db for PgDb<'_, '_> {
    fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        self.tx.batch_execute(sql).map_err(pg_error)
    }

    fn texts(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<String>, StoreError> {
        let statement = self.statement(sql)?;
        let rows = self.tx.query(&statement, &pg_params(params)).map_err(pg_error)?;
        rows.iter().map(|r| r.try_get(0).map_err(pg_error)).collect()
    }

    fn each_text(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        row: &mut dyn FnMut(&str) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        use postgres::fallible_iterator::FallibleIterator;
        let statement = self.statement(sql)?;
        let mut rows = self.tx.query_raw(&statement, pg_params(params)).map_err(pg_error)?;
        while let Some(r) = rows.next().map_err(pg_error)? {
            row(r.try_get(0).map_err(pg_error)?)?;
        }
        Ok(())
    }

    fn int_texts(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<(i64, String)>, StoreError> {
        let statement = self.statement(sql)?;
        let rows = self.tx.query(&statement, &pg_params(params)).map_err(pg_error)?;
        rows.iter().map(|r| Ok((r.try_get(0).map_err(pg_error)?, r.try_get(1).map_err(pg_error)?))).collect()
    }

    fn int(&mut self, sql: &str, params: &[Param<'_>]) -> Result<i64, StoreError> {
        let statement = self.statement(sql)?;
        let row = self.tx.query_one(&statement, &pg_params(params)).map_err(pg_error)?;
        row.try_get(0).map_err(pg_error)
    }

    fn exec(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        let statement = self.statement(sql)?;
        self.tx.execute(&statement, &pg_params(params)).map_err(pg_error)
    }

    fn cells(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<crate::sql::Cell>>, StoreError> {
        use crate::sql::Cell;
        use postgres::types::Type;
        let statement = self.statement(sql)?;
        let rows = self.tx.query(&statement, &pg_params(params)).map_err(pg_error)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut cells = Vec::with_capacity(row.len());
            for (i, column) in row.columns().iter().enumerate() {
                let cell = match *column.type_() {
                    Type::INT8 => row.try_get::<_, Option<i64>>(i).map_err(pg_error)?.map(Cell::Int),
                    Type::INT4 => row.try_get::<_, Option<i32>>(i).map_err(pg_error)?.map(|n| Cell::Int(n.into())),
                    _ => row.try_get::<_, Option<String>>(i).map_err(pg_error)?.map(Cell::Text),
                };
                cells.push(cell.unwrap_or(Cell::Null));
            }
            out.push(cells);
        }
        Ok(out)
    }
}
