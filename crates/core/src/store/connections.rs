//! Connection preferences, connection invitations and connections, with the
//! queries of their lists.

use pcentral_model::account::{ConnectionType, ConnectionTypeStatus, InvitationStatus, ParticipantType};
use pcentral_model::{AccountId, Catalog, ConnectionId, InvitationId, Millis};

use crate::records::{Connection, ConnectionPreferences, Invitation};
use crate::store::{Cursor, StoreError};

/// Preferences, invitations and connections inside one transaction.
pub trait ConnectionsTx {
    // Connection preferences (at most one stored record per account per catalog).
    fn connection_preferences(
        &mut self,
        catalog: Catalog,
        account: &AccountId,
    ) -> Result<Option<ConnectionPreferences>, StoreError>;
    /// Insert or replace the record for (catalog, account).
    fn put_connection_preferences(&mut self, preferences: &ConnectionPreferences) -> Result<(), StoreError>;

    // Connection invitations. A backend keeps at most one invitation whose
    // stored status is PENDING per (catalog, unordered account pair, type):
    // a second one is `StoreError::Conflict`.
    fn invitation(&mut self, catalog: Catalog, id: &InvitationId) -> Result<Option<Invitation>, StoreError>;
    /// One page of the invitations `query` selects, newest first.
    fn list_invitations(&mut self, query: &InvitationQuery) -> Result<Vec<Invitation>, StoreError>;
    /// Invitations of this type between the two accounts, in either
    /// direction, stored PENDING (whether or not they have expired).
    fn stored_pending_invitations(
        &mut self,
        catalog: Catalog,
        pair: [&AccountId; 2],
        connection_type: ConnectionType,
    ) -> Result<Vec<Invitation>, StoreError>;
    /// How many invitations `sender` sent that are stored PENDING and expire after `now`.
    fn count_open_invitations(&mut self, catalog: Catalog, sender: &AccountId, now: Millis) -> Result<u64, StoreError>;
    fn insert_invitation(&mut self, invitation: &Invitation) -> Result<(), StoreError>;
    fn update_invitation(&mut self, invitation: &Invitation) -> Result<(), StoreError>;
    /// Invitations stored PENDING whose `expires_at` is at or before `now`, soonest first.
    fn expired_pending_invitations(&mut self, now: Millis, limit: usize) -> Result<Vec<Invitation>, StoreError>;

    // Connections. A backend keeps at most one connection with an ACTIVE type
    // per (catalog, unordered account pair), hence at most one ACTIVE entry per
    // (catalog, pair, type): a second one is `StoreError::Conflict`.
    fn connection(&mut self, catalog: Catalog, id: &ConnectionId) -> Result<Option<Connection>, StoreError>;
    /// One page of the connections `query` selects, newest first.
    fn list_connections(&mut self, query: &ConnectionQuery) -> Result<Vec<Connection>, StoreError>;
    /// The pair's connection that still has an ACTIVE type, if any.
    fn live_connection_between(
        &mut self,
        catalog: Catalog,
        pair: [&AccountId; 2],
    ) -> Result<Option<Connection>, StoreError>;
    /// How many connections of `account` have at least one ACTIVE type.
    fn count_live_connections(&mut self, catalog: Catalog, account: &AccountId) -> Result<u64, StoreError>;
    fn insert_connection(&mut self, connection: &Connection) -> Result<(), StoreError>;
    fn update_connection(&mut self, connection: &Connection) -> Result<(), StoreError>;

    // Admin-wide lists of the web console (see [`crate::store`]).
    /// One page of a catalog's invitations, newest first. With an account,
    /// the API's per-participant listing index serves it.
    fn admin_invitations(&mut self, query: &AdminInvitationQuery) -> Result<Vec<Invitation>, StoreError>;
    /// One page of a catalog's connections, newest first. With an account,
    /// the API's per-participant listing index serves it.
    fn admin_connections(&mut self, query: &AdminConnectionQuery) -> Result<Vec<Connection>, StoreError>;
}

/// One page of a caller's invitations, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct InvitationQuery {
    pub catalog: Catalog,
    /// The caller: invitations it sent or received.
    pub account: AccountId,
    pub participant_type: Option<ParticipantType>,
    pub connection_type: Option<ConnectionType>,
    /// The status at `now` (a stored PENDING past its expiry is EXPIRED).
    pub status: Option<InvitationStatus>,
    /// What the caller sees as the other side (the receiver identifier as
    /// typed, for the sender; the sender's profile id, for the receiver); empty: any.
    pub other_identifiers: Vec<String>,
    /// Service time.
    pub now: Millis,
    pub after: Option<Cursor>,
    pub limit: usize,
}

/// Which connections a connection listing keeps (docs/behaviour.md#listing-and-pagination).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeFilter {
    /// Every connection, live or terminated (the web console; the API never
    /// lists terminated connections without `TYPE:CANCELED`).
    Any,
    /// Live connections: at least one type ACTIVE (no `ConnectionType` filter).
    Live,
    /// `TYPE`: live connections that have this type, in any status.
    LiveWith(ConnectionType),
    /// `TYPE:STATUS`: connections whose entry of this type has this status;
    /// with CANCELED, terminated connections too.
    TypeStatus(ConnectionType, ConnectionTypeStatus),
}

/// One page of a caller's connections, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionQuery {
    pub catalog: Catalog,
    pub account: AccountId,
    pub types: TypeFilter,
    /// Only connections with one of these accounts on the other side; `None`: any.
    pub others: Option<Vec<AccountId>>,
    pub after: Option<Cursor>,
    pub limit: usize,
}

/// One page of a catalog's invitations, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminInvitationQuery {
    pub catalog: Catalog,
    /// Invitations this account sent or received; `None`: every account's.
    pub account: Option<AccountId>,
    pub connection_type: Option<ConnectionType>,
    /// The status at `now` (a stored PENDING past its expiry is EXPIRED).
    pub status: Option<InvitationStatus>,
    /// Service time.
    pub now: Millis,
    pub after: Option<Cursor>,
    pub limit: usize,
}

/// One page of a catalog's connections, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminConnectionQuery {
    pub catalog: Catalog,
    /// Connections this account takes part in; `None`: every account's.
    pub account: Option<AccountId>,
    pub types: TypeFilter,
    pub after: Option<Cursor>,
    pub limit: usize,
}
