//! What the store-level rule tests share: a real SQLite store in a temporary
//! directory, fixed ids, a wall clock the test moves, and calls that validate
//! their input and run in a read or write transaction like the server does.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use pcentral_core::store::{read, write, Tx};
use pcentral_core::{execute, Caller, Ids, Settings};
use pcentral_model::{check_input, model, ApiError};
use pcentral_store::SqliteStore;
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
}

pub struct Harness {
    pub dir: tempfile::TempDir,
    pub store: SqliteStore,
    pub ids: SeqIds,
    pub wall: i64,
    pub settings: Settings,
}

impl Harness {
    pub fn new(wall: i64) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        Harness { dir, store, ids: SeqIds(0), wall, settings: Settings::default() }
    }

    /// Validate `input` against the model, then run `op` as `account` in a
    /// read transaction (read-only operations) or a write transaction.
    pub fn run(&mut self, account: &str, op: &str, input: Value) -> Result<Value, ApiError> {
        check_input(op, &input)?;
        let caller = Caller { account: account.to_string(), region: "us-east-1".into(), endpoint: ENDPOINT.into() };
        let (wall, settings, ids) = (self.wall, self.settings.clone(), &mut self.ids);
        let body = |tx: &mut dyn Tx| execute(tx, ids, &caller, op, input.clone(), wall, &settings);
        let readonly = model().operation(op).unwrap().readonly;
        let result = if readonly { read(&self.store, body) } else { write(&self.store, body) };
        result.map_err(|f| f.into_api_error())
    }

    /// Run `body` in a write transaction (for setup that has no API call).
    pub fn write<T>(&self, body: impl FnMut(&mut dyn Tx) -> pcentral_core::OpResult<T>) -> T {
        write(&self.store, body).unwrap()
    }

    pub fn advance(&mut self, ms: i64) {
        self.wall += ms;
    }

    /// Every row of every table, as text.
    pub fn snapshot(&self) -> Vec<String> {
        let conn = rusqlite::Connection::open(self.dir.path().join("pcentral.db")).unwrap();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut out = Vec::new();
        for t in tables {
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    let cells: Vec<String> =
                        (0..n).map(|i| format!("{:?}", r.get_ref(i).map(|v| format!("{v:?}")))).collect();
                    Ok(format!("{t}: {}", cells.join(" | ")))
                })
                .unwrap();
            out.extend(rows.map(Result::unwrap));
        }
        out
    }
}
