//! Service-wide state shared by every node: the service row (clock offset,
//! stored settings, keys) with the fault-injection rules, the usage that
//! rolling-window quotas count, and the idempotency records of ClientTokens.

use pcentral_model::{AccountId, Catalog, Millis};

use crate::records::{FaultRule, IdempotencyRecord, ServiceState, UsageKind};
use crate::store::StoreError;

/// The service's own records inside one transaction.
pub trait ServiceTx {
    // The service row.
    /// The service row as stored (shared: it is read on every call, and parsed only when it changed).
    fn service_state(&mut self) -> Result<std::sync::Arc<ServiceState>, StoreError>;
    fn put_service_state(&mut self, state: &ServiceState) -> Result<(), StoreError>;
    /// The fault-injection rules in force (a developer tool; see `crate::faults`).
    fn fault_rules(&mut self) -> Result<Vec<FaultRule>, StoreError>;
    fn put_fault_rules(&mut self, rules: &[FaultRule]) -> Result<(), StoreError>;

    // Usage counted by rolling-window quotas.
    fn count_usage(&mut self, catalog: Catalog, kind: UsageKind, scope: &str, since: Millis)
        -> Result<u64, StoreError>;
    fn record_usage(&mut self, catalog: Catalog, kind: UsageKind, scope: &str, at: Millis) -> Result<(), StoreError>;

    // Idempotency records.
    fn idempotency(
        &mut self,
        account: &AccountId,
        operation: &str,
        token: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError>;
    /// Insert or replace the record for (account, operation, token).
    fn put_idempotency(&mut self, record: &IdempotencyRecord) -> Result<(), StoreError>;
}
