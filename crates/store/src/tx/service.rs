//! [`ServiceTx`]: the service row (read once per transaction, parsed once
//! per change), fault rules, quota usage and idempotency records.

use pcentral_core::records::{FaultRule, IdempotencyRecord, ServiceState, UsageKind};
use pcentral_core::store::ServiceTx;
use pcentral_core::StoreError;
use pcentral_model::{AccountId, Catalog, Millis};

use super::{count, from_doc, to_doc, SqlTx};
use crate::sql::{Cell, Db};

/// The service state row as last parsed, shared by a store's transactions:
/// every call reads the row (another node may have changed it), but parses it
/// only when its text changed.
#[derive(Default)]
pub struct ServiceCache {
    parsed: std::sync::Mutex<Option<std::sync::Arc<ServiceRow>>>,
}

/// The service state row, parsed.
pub(super) struct ServiceRow {
    doc: String,
    faults_doc: String,
    state: std::sync::Arc<ServiceState>,
    faults: Vec<FaultRule>,
}

impl ServiceCache {
    fn get(&self, doc: String, faults_doc: String) -> Result<std::sync::Arc<ServiceRow>, StoreError> {
        let mut parsed = self.parsed.lock().map_err(|_| StoreError::Backend("service cache poisoned".into()))?;
        if let Some(row) = parsed.as_ref().filter(|r| r.doc == doc && r.faults_doc == faults_doc) {
            return Ok(row.clone());
        }
        let row = std::sync::Arc::new(ServiceRow {
            state: std::sync::Arc::new(from_doc(&doc)?),
            faults: from_doc(&faults_doc)?,
            doc,
            faults_doc,
        });
        *parsed = Some(row.clone());
        Ok(row)
    }
}

impl<D: Db> SqlTx<'_, D> {
    /// The service state row, read once per transaction.
    fn service_row(&mut self) -> Result<std::sync::Arc<ServiceRow>, StoreError> {
        if let Some(row) = &self.row {
            return Ok(row.clone());
        }
        let rows = self.db.cells("SELECT doc, faults FROM service_state WHERE id = 1", p![])?;
        let text = |i: usize| rows.first().and_then(|r| r.get(i)).and_then(Cell::text).map(str::to_string);
        let doc = text(0).unwrap_or_else(|| "{}".into());
        let faults = text(1).unwrap_or_else(|| "[]".into());
        let row = self.cache.get(doc, faults)?;
        self.row = Some(row.clone());
        Ok(row)
    }
}

impl<D: Db> ServiceTx for SqlTx<'_, D> {
    fn service_state(&mut self) -> Result<std::sync::Arc<ServiceState>, StoreError> {
        Ok(self.service_row()?.state.clone())
    }

    fn put_service_state(&mut self, state: &ServiceState) -> Result<(), StoreError> {
        self.row = None;
        self.exec(
            "INSERT INTO service_state (id, doc) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
            p![to_doc(state)?],
        )?;
        Ok(())
    }

    fn fault_rules(&mut self) -> Result<Vec<FaultRule>, StoreError> {
        Ok(self.service_row()?.faults.clone())
    }

    fn put_fault_rules(&mut self, rules: &[FaultRule]) -> Result<(), StoreError> {
        self.row = None;
        self.exec("UPDATE service_state SET faults = ?1 WHERE id = 1", p![to_doc(&rules)?])?;
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
