//! Events (see `crate::events`), in recording order (`seq`), with their
//! delivery state.

use pcentral_model::{AccountId, Catalog, Millis};

use crate::records::{EventDelivery, EventFilter, NewEvent, StoredEvent};
use crate::store::StoreError;

/// Stored events inside one transaction.
pub trait EventsTx {
    /// Append an event; when its `unique_key` is already stored, append
    /// nothing and answer `false`.
    fn append_event(&mut self, event: &NewEvent) -> Result<bool, StoreError>;
    /// Stored events matching `filter`, oldest first.
    fn events(&mut self, filter: &EventFilter) -> Result<Vec<StoredEvent>, StoreError>;
    /// Undelivered events whose next attempt is due at wall time `wall`, oldest first.
    fn due_events(&mut self, wall: Millis, limit: usize) -> Result<Vec<StoredEvent>, StoreError>;
    /// Replace the delivery state of event `seq`.
    fn put_event_delivery(&mut self, seq: i64, delivery: &EventDelivery) -> Result<(), StoreError>;

    // Admin-wide list of the web console (see [`crate::store`]).
    /// One page of stored events, newest first.
    fn admin_events(&mut self, query: &AdminEventQuery) -> Result<Vec<StoredEvent>, StoreError>;
}

/// One page of stored events, newest first (every filter optional).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdminEventQuery {
    pub catalog: Option<Catalog>,
    /// Events received by any of these accounts; empty: anyone's.
    pub accounts: Vec<AccountId>,
    pub detail_type: Option<crate::records::DetailType>,
    /// Only events about this invitation or connection (its id ends one of
    /// the event's `resources`).
    pub resource: Option<String>,
    /// Only events recorded before this sequence number.
    pub before: Option<i64>,
    pub limit: usize,
}
