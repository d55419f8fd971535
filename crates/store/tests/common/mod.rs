//! What the store-level rule tests share: a real store (SQLite in a temporary
//! directory, or PostgreSQL when `PCENTRAL_TEST_DATABASE` is set), fixed ids, a wall clock the test moves, and calls that validate
//! their input and run in a read or write transaction like the server does.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use pcentral_core::store::{read, write, Tx};
use pcentral_core::Store;
use pcentral_core::{execute, Caller, Ids, Settings};
use pcentral_model::{check_input, model, ApiError};
use pcentral_store::{PostgresStore, SqliteStore};
use serde_json::Value;

/// The base URL test callers reach pcentral at.
pub const ENDPOINT: &str = "http://pcentral.test:4599";

/// Ids `prefix` + a 13-digit counter; codes are 6 digits and do not move the counter.
pub struct SeqIds(pub u64);

impl Ids for SeqIds {
    fn id(&mut self, prefix: &str) -> String {
        self.0 += 1;
        format!("{prefix}{:013}", self.0)
    }
    fn code(&mut self) -> String {
        format!("{:06}", 100_000 + self.0 % 900_000)
    }
    /// Event ids count on their own, so that recording events moves no other id.
    fn event_id(&mut self) -> String {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        format!("{:032x}", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// The backend under test: SQLite in a temporary directory, or, when
/// `PCENTRAL_TEST_DATABASE` holds a PostgreSQL URL, a fresh schema there.
pub enum TestStore {
    Sqlite(SqliteStore, tempfile::TempDir),
    Postgres(PostgresStore, String, String),
}

impl TestStore {
    pub fn new() -> TestStore {
        match std::env::var("PCENTRAL_TEST_DATABASE") {
            Ok(url) if !url.is_empty() => {
                let (store, schema) = PostgresStore::open_isolated(&url).unwrap();
                TestStore::Postgres(store, url, schema)
            }
            _ => {
                let dir = tempfile::tempdir().unwrap();
                TestStore::Sqlite(SqliteStore::open(dir.path()).unwrap(), dir)
            }
        }
    }

    pub fn get(&self) -> &dyn Store {
        match self {
            TestStore::Sqlite(s, _) => s,
            TestStore::Postgres(s, _, _) => s,
        }
    }

    pub fn dump(&self) -> Vec<String> {
        match self {
            TestStore::Sqlite(s, _) => s.dump_rows().unwrap(),
            TestStore::Postgres(s, _, _) => s.dump_rows().unwrap(),
        }
    }

    pub fn reopen(&mut self) {
        match self {
            TestStore::Sqlite(s, dir) => *s = SqliteStore::open(dir.path()).unwrap(),
            TestStore::Postgres(s, url, schema) => *s = PostgresStore::open_in_schema(url, schema).unwrap(),
        }
    }
}

pub struct Harness {
    pub store: TestStore,
    pub ids: SeqIds,
    pub wall: i64,
    pub settings: Settings,
}

impl Harness {
    pub fn new(wall: i64) -> Harness {
        Harness { store: TestStore::new(), ids: SeqIds(0), wall, settings: Settings::default() }
    }

    /// Validate `input` against the model, then run `op` as `account` in a
    /// read transaction (read-only operations) or a write transaction.
    pub fn run(&mut self, account: &str, op: &str, input: Value) -> Result<Value, ApiError> {
        check_input(op, &input)?;
        let caller = Caller { account: account.to_string(), region: "us-east-1".into(), endpoint: ENDPOINT.into() };
        let (wall, settings, ids) = (self.wall, self.settings.clone(), &mut self.ids);
        let body = |tx: &mut dyn Tx| Ok(execute(tx, ids, &caller, op, input.clone(), wall, &settings)?.response);
        let readonly = model().operation(op).unwrap().readonly;
        let result = if readonly { read(self.store.get(), body) } else { write(self.store.get(), body) };
        result.map_err(|f| f.into_api_error())
    }

    /// Run `body` in a write transaction (for setup that has no API call).
    pub fn write<T>(&self, body: impl FnMut(&mut dyn Tx) -> pcentral_core::OpResult<T>) -> T {
        write(self.store.get(), body).unwrap()
    }

    /// Publish the profile of `account`'s partner `partner_id` with a profile
    /// update task named `display` (default delay: it succeeds at once);
    /// returns the `pprofile-…` id.
    pub fn publish_profile(&mut self, account: &str, catalog: &str, partner_id: &str, display: &str) -> String {
        let details = serde_json::json!({
            "DisplayName": display, "Description": "Example", "WebsiteUrl": "https://example.com",
            "LogoUrl": "https://example.com/logo.png", "PrimarySolutionType": "CONSULTING_SERVICES",
            "IndustrySegments": ["COMPUTER_SOFTWARE"], "TranslationSourceLocale": "en-US"});
        let start = serde_json::json!({"Catalog": catalog, "Identifier": partner_id, "TaskDetails": details});
        self.run(account, "StartProfileUpdateTask", start).unwrap();
        let visibility = self.run(
            account,
            "GetProfileVisibility",
            serde_json::json!({"Catalog": catalog, "Identifier": partner_id}),
        );
        visibility.unwrap()["ProfileId"].as_str().unwrap().to_string()
    }

    pub fn advance(&mut self, ms: i64) {
        self.wall += ms;
    }

    /// Every row of every table, as text.
    pub fn snapshot(&self) -> Vec<String> {
        self.store.dump()
    }

    /// Close the store and open it again on the same data.
    pub fn reopen(&mut self) {
        self.store.reopen();
    }
}
