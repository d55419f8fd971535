//! [`ServiceTx`]: the service row (read once per transaction, parsed once
//! per change), fault rules, quota usage and idempotency records.

use pcentral_core::records::{FaultRule, IdempotencyRecord, ServiceState, UsageKind};
use pcentral_core::store::ServiceTx;
use pcentral_core::StoreError;
use pcentral_model::{AccountId, Catalog, Millis};

use super::{count, from_doc, to_doc, SqlTx};
use crate::sql::{Cell, Db};

/// The service state row as last parsed, shared by a store's transactions:
/// every call reads the row's revision (another node may have changed it),
/// and reads and parses the row only when the revision moved. A read
/// transaction of a store that counts its commits (SQLite: [`SqlTx::reading`])
/// skips even that while the count is the one the row was last found
/// current at. Only a transaction that sees nothing uncommitted of the row
/// puts what it read here (a change may yet be rolled back): not one that
/// changed the row, nor a call in SQLite's shared write batch.
pub struct ServiceCache {
    parsed: std::sync::Mutex<Cached>,
    /// Whether the table has its `revision` column (read and raised): not
    /// inside the migrations, which may run before the one that adds it (a
    /// store's first transaction reads the row whole anyway, its cache empty).
    by_revision: bool,
}

/// The row as last parsed, and the commit count it was last found current at (`None`: not known).
type Cached = Option<(std::sync::Arc<ServiceRow>, Option<u64>)>;

impl Default for ServiceCache {
    fn default() -> Self {
        ServiceCache { parsed: std::sync::Mutex::new(None), by_revision: true }
    }
}

/// The service state row, parsed.
pub(super) struct ServiceRow {
    revision: i64,
    state: std::sync::Arc<ServiceState>,
    faults: Vec<FaultRule>,
}

impl ServiceCache {
    /// For a migration's transaction: the row is read and parsed whole each time.
    pub fn for_migrations() -> ServiceCache {
        ServiceCache { by_revision: false, ..ServiceCache::default() }
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Cached>, StoreError> {
        self.parsed.lock().map_err(|_| StoreError::Backend("service cache poisoned".into()))
    }
}

impl<D: Db> SqlTx<'_, D> {
    /// The service state row, read once per transaction.
    fn service_row(&mut self) -> Result<std::sync::Arc<ServiceRow>, StoreError> {
        if let Some(row) = &self.row {
            return Ok(row.clone());
        }
        let row = if self.cache.by_revision {
            let current = self.commits.and_then(|n| {
                let cached = self.cache.lock().ok()?;
                cached.as_ref().filter(|(_, at)| *at == Some(n)).map(|(row, _)| row.clone())
            });
            match current {
                Some(row) => row,
                None => self.service_row_by_revision()?,
            }
        } else {
            let rows = self.db.cells("SELECT doc, faults FROM service_state WHERE id = 1", p![])?;
            std::sync::Arc::new(parse_row(rows.first())?)
        };
        self.row = Some(row.clone());
        Ok(row)
    }

    /// The row: the shared parsed copy when its revision is the stored one,
    /// else read and parsed.
    fn service_row_by_revision(&mut self) -> Result<std::sync::Arc<ServiceRow>, StoreError> {
        let revision = self.db.cells("SELECT revision FROM service_state WHERE id = 1", p![])?;
        let revision = revision.first().and_then(|r| r.first()).and_then(Cell::int);
        {
            let mut cached = self.cache.lock()?;
            if let Some((row, at)) = cached.as_mut().filter(|(row, _)| Some(row.revision) == revision) {
                if self.commits.is_some() {
                    *at = self.commits;
                }
                return Ok(row.clone());
            }
        }
        let rows = self.db.cells("SELECT doc, faults, revision FROM service_state WHERE id = 1", p![])?;
        let row = std::sync::Arc::new(parse_row(rows.first())?);
        if self.shares_row {
            *self.cache.lock()? = Some((row.clone(), self.commits));
        }
        Ok(row)
    }
}

/// The service row's cells (`doc`, `faults`, and `revision` when read), parsed; no row reads as defaults.
fn parse_row(cells: Option<&Vec<Cell>>) -> Result<ServiceRow, StoreError> {
    let cell = |i: usize| cells.and_then(|r| r.get(i));
    Ok(ServiceRow {
        state: std::sync::Arc::new(from_doc(cell(0).and_then(Cell::text).unwrap_or("{}"))?),
        faults: from_doc(cell(1).and_then(Cell::text).unwrap_or("[]"))?,
        revision: cell(2).and_then(Cell::int).unwrap_or(0),
    })
}

impl<D: Db> ServiceTx for SqlTx<'_, D> {
    fn service_state(&mut self) -> Result<std::sync::Arc<ServiceState>, StoreError> {
        Ok(self.service_row()?.state.clone())
    }

    fn put_service_state(&mut self, state: &ServiceState) -> Result<(), StoreError> {
        self.row = None;
        self.shares_row = false;
        let sql = if self.cache.by_revision {
            "INSERT INTO service_state (id, doc) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, revision = service_state.revision + 1"
        } else {
            "INSERT INTO service_state (id, doc) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc"
        };
        self.exec(sql, p![to_doc(state)?])?;
        Ok(())
    }

    fn fault_rules(&mut self) -> Result<Vec<FaultRule>, StoreError> {
        Ok(self.service_row()?.faults.clone())
    }

    fn put_fault_rules(&mut self, rules: &[FaultRule]) -> Result<(), StoreError> {
        self.row = None;
        self.shares_row = false;
        let sql = if self.cache.by_revision {
            "UPDATE service_state SET faults = ?1, revision = revision + 1 WHERE id = 1"
        } else {
            "UPDATE service_state SET faults = ?1 WHERE id = 1"
        };
        self.exec(sql, p![to_doc(&rules)?])?;
        Ok(())
    }

    fn count_usage(
        &mut self,
        catalog: Catalog,
        kind: UsageKind,
        scope: &str,
        since: Millis,
    ) -> Result<u64, StoreError> {
        let n = self.db.int(
            "SELECT COUNT(*) FROM usage WHERE catalog = ?1 AND kind = ?2 AND scope = ?3 AND at > ?4",
            p![catalog, kind, scope, since],
        )?;
        Ok(count(n))
    }

    fn record_usage(&mut self, catalog: Catalog, kind: UsageKind, scope: &str, at: Millis) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO usage (catalog, kind, scope, at) VALUES (?1, ?2, ?3, ?4)",
            p![catalog, kind, scope, at],
        )?;
        Ok(())
    }

    fn idempotency(
        &mut self,
        account: &AccountId,
        operation: &str,
        token: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.one(
            "SELECT doc FROM idempotency WHERE account = ?1 AND operation = ?2 AND token = ?3",
            p![account, operation, token],
        )
    }

    fn put_idempotency(&mut self, r: &IdempotencyRecord) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO idempotency (account, operation, token, catalog, created_at, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (account, operation, token)
             DO UPDATE SET catalog = excluded.catalog, created_at = excluded.created_at, doc = excluded.doc",
            p![r.account, r.operation, r.token, r.catalog, r.created_at, to_doc(r)?],
        )?;
        Ok(())
    }
}
