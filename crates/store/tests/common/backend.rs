//! The backend under test.

use pcentral_core::Store;
use pcentral_store::{PostgresStore, SqliteStore};

/// SQLite in a temporary directory, or, when `PCENTRAL_TEST_DATABASE` holds
/// a PostgreSQL URL, a fresh schema of that database (one per test).
pub enum Backend {
    Sqlite { store: Box<SqliteStore>, dir: tempfile::TempDir },
    Postgres { store: PostgresStore, url: String, schema: String },
}

impl Backend {
    pub fn new() -> Backend {
        match std::env::var("PCENTRAL_TEST_DATABASE") {
            Ok(url) if !url.is_empty() => {
                let (store, schema) = PostgresStore::open_isolated(&url).expect("a PostgreSQL schema of one's own");
                Backend::Postgres { store, url, schema }
            }
            _ => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                Backend::Sqlite { store: Box::new(SqliteStore::open(dir.path()).expect("a SQLite store")), dir }
            }
        }
    }

    /// The database an earlier release left (`tests/data/<release>.*.sql`,
    /// made by `scripts/make-upgrade-fixture`), opened by this release's store,
    /// which migrates it in place.
    pub fn from_release(release: &str) -> Backend {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        match std::env::var("PCENTRAL_TEST_DATABASE") {
            Ok(url) if !url.is_empty() => {
                let dump = std::fs::read_to_string(data.join(format!("{release}.postgres.sql"))).expect("the dump");
                let schema = format!("pcentral_upgrade_{:016x}", rand_u64());
                let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("PostgreSQL");
                client.batch_execute(&format!("CREATE SCHEMA {schema}")).expect("a schema");
                client.batch_execute(&dump.replace("__SCHEMA__", &schema)).expect("the release's database");
                let store = PostgresStore::open_in_schema(&url, &schema).expect("the release's database migrates");
                Backend::Postgres { store, url, schema }
            }
            _ => {
                let dump = std::fs::read_to_string(data.join(format!("{release}.sqlite.sql"))).expect("the dump");
                let dir = tempfile::tempdir().expect("a temporary directory");
                let conn = pcentral_store::sqlite::open_connection(&dir.path().join(pcentral_store::sqlite::DB_FILE))
                    .expect("SQLite");
                conn.execute_batch(&dump).expect("the release's database");
                drop(conn);
                let store = SqliteStore::open(dir.path()).expect("the release's database migrates");
                Backend::Sqlite { store: Box::new(store), dir }
            }
        }
    }

    /// `sqlite` or `postgres`, as the release's files are named.
    pub fn kind(&self) -> &'static str {
        match self {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres { .. } => "postgres",
        }
    }

    pub fn store(&self) -> &dyn Store {
        match self {
            Backend::Sqlite { store, .. } => store.as_ref(),
            Backend::Postgres { store, .. } => store,
        }
    }

    /// Every row of every table, as text, in a stable order.
    pub fn dump(&self) -> Vec<String> {
        match self {
            Backend::Sqlite { store, .. } => store.dump_rows(),
            Backend::Postgres { store, .. } => store.dump_rows(),
        }
        .expect("the rows of every table")
    }

    /// Take the store back to the schema before its last `count` migrations:
    /// run `undo` (SQL that removes what they added) and uncount them, as a
    /// database the previous build made would be. The next
    /// [`Backend::reopen`] runs them again.
    pub fn undo_migrations(&self, count: i64, undo: &str) {
        match self {
            Backend::Sqlite { dir, .. } => {
                let conn = pcentral_store::sqlite::open_connection(&dir.path().join(pcentral_store::sqlite::DB_FILE))
                    .expect("SQLite");
                let done: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("the migration count");
                conn.execute_batch(&format!("{undo}; PRAGMA user_version = {}", done - count)).expect("the undo");
            }
            Backend::Postgres { url, schema, .. } => {
                let mut client = postgres::Client::connect(url, postgres::NoTls).expect("PostgreSQL");
                client
                    .batch_execute(&format!(
                        "SET search_path TO {schema}; {undo}; \
                         DELETE FROM schema_migrations WHERE version > (SELECT MAX(version) - {count} FROM schema_migrations)"
                    ))
                    .expect("the undo");
            }
        }
    }

    /// A second store on the same database, as another node of a PostgreSQL
    /// deployment (SQLite allows one process, so one store: `None`).
    pub fn another_node(&self) -> Option<PostgresStore> {
        match self {
            Backend::Sqlite { .. } => None,
            Backend::Postgres { url, schema, .. } => {
                Some(PostgresStore::open_in_schema(url, schema).expect("another node on the schema"))
            }
        }
    }

    /// Close the store and open it again on the same data.
    pub fn reopen(&mut self) {
        match self {
            Backend::Sqlite { store, dir } => **store = SqliteStore::open(dir.path()).expect("the SQLite store again"),
            Backend::Postgres { store, url, schema } => {
                *store = PostgresStore::open_in_schema(url, schema).expect("the PostgreSQL schema again");
            }
        }
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    h.finish()
}
