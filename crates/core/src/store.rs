//! The storage interface the core talks to.
//!
//! A backend implements [`Store`] (transactions) and hands the core a
//! [`Tx`]: typed reads and writes of the [`crate::records`] inside one
//! transaction. Every mutating request runs in one write transaction,
//! including its idempotency record; reads run in a read transaction that
//! never waits behind a writer.

use pcentral_model::wire::{ConnectionType, ConnectionTypeStatus, InvitationStatus, ParticipantType, VerificationType};
use pcentral_model::{AccountId, ApiError, Catalog, ConnectionId, InvitationId, Millis, PartnerId, ProfileId};
use serde::{Deserialize, Serialize};

use crate::records::{
    AccountRecord, Connection, ConnectionPreferences, EmailCode, EventDelivery, EventFilter, FaultRule,
    IdempotencyRecord, Invitation, NewEvent, OutboxMessage, Partner, ProfileTask, QualificationsAssociation,
    QualificationsGroup, QualificationsTask, QualificationsTaskId, QualificationsTaskKind, ServiceState,
    StoredCredential, StoredEvent, UsageKind, Verification,
};
use crate::tools::ToolError;

/// A storage failure. `Conflict` means the backend aborted the transaction
/// because of a concurrent one (for example a serialization failure); the
/// store retries the whole transaction, invisibly to the client.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("transaction conflict; retry")]
    Conflict,
    #[error("storage error: {0}")]
    Backend(String),
}

/// Why an operation or a developer tool stopped: an answer for the client,
/// a tool's refusal, or a storage failure. Any of them rolls the
/// transaction back.
#[derive(Debug, Clone)]
pub enum Failure {
    Api(ApiError),
    Tool(ToolError),
    Store(StoreError),
}

impl From<ToolError> for Failure {
    fn from(e: ToolError) -> Self {
        Failure::Tool(e)
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Store(e)
    }
}

impl Failure {
    /// The error the client sees: storage failures become an
    /// InternalServerException that says nothing about the storage (the
    /// server logs the details).
    pub fn into_api_error(self) -> ApiError {
        match self {
            Failure::Api(e) => e,
            Failure::Tool(_) | Failure::Store(_) => ApiError::internal("Internal error; the request changed nothing"),
        }
    }

    /// What went wrong with every detail (a storage failure's message may
    /// name files, hosts or databases): for the server's log, never for a
    /// client, which gets [`Failure::into_api_error`] or the admin API's
    /// generic message.
    pub fn log_detail(&self) -> String {
        match self {
            Failure::Api(e) => format!("{}: {}", e.kind.type_name(), e.message),
            Failure::Tool(e) => e.to_string(),
            Failure::Store(e) => e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_never_sees_a_storage_failures_details() {
        let detail = "unable to open database file: /srv/private/pcentral.db";
        for failure in
            [Failure::Store(StoreError::Backend(detail.into())), Failure::Tool(ToolError::Invalid(detail.into()))]
        {
            assert!(failure.log_detail().contains(detail), "the log has them");
            let e = failure.into_api_error();
            assert_eq!(e.status(), 500);
            let answer = e.body().to_string();
            assert!(!answer.contains("/srv/private") && !answer.contains("unable to open"), "{answer}");
        }
    }
}

pub type OpResult<T> = Result<T, Failure>;

/// A transaction body. It may run more than once when the backend retries.
pub type TxBody<'a> = dyn FnMut(&mut dyn Tx) -> OpResult<()> + 'a;

/// A storage backend.
pub trait Store: Send + Sync {
    /// Run `body` in a read-only transaction (a consistent snapshot).
    fn read(&self, body: &mut TxBody<'_>) -> OpResult<()>;
    /// Run `body` in a write transaction: committed when it returns `Ok`,
    /// rolled back (nothing written) when it returns `Err`.
    fn write(&self, body: &mut TxBody<'_>) -> OpResult<()>;
    /// A short name for health output ("sqlite", "postgres").
    fn backend_name(&self) -> &'static str;
    /// Whether a read transaction is local work that never waits long (an
    /// embedded database): the server then runs reads on its async workers
    /// instead of moving them to a thread that may block.
    fn reads_are_local(&self) -> bool;
}

/// Run a read transaction returning a value.
pub fn read<T>(store: &dyn Store, mut body: impl FnMut(&mut dyn Tx) -> OpResult<T>) -> OpResult<T> {
    let mut out = None;
    store.read(&mut |tx| {
        out = Some(body(tx)?);
        Ok(())
    })?;
    out.ok_or_else(|| Failure::Store(StoreError::Backend("transaction produced no result".into())))
}

/// Run a write transaction returning a value.
pub fn write<T>(store: &dyn Store, mut body: impl FnMut(&mut dyn Tx) -> OpResult<T>) -> OpResult<T> {
    let mut out = None;
    store.write(&mut |tx| {
        out = Some(body(tx)?);
        Ok(())
    })?;
    out.ok_or_else(|| Failure::Store(StoreError::Backend("transaction produced no result".into())))
}

/// A position in a list ordered newest first (creation time descending, id
/// ascending): the last item of the previous page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "c")]
    pub created_at: Millis,
    #[serde(rename = "i")]
    pub id: String,
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

/// What a reset deletes (docs/behaviour.md and the README's Developer tools):
/// with neither `account` nor `catalog`, every business record; `catalog`
/// narrows to one catalog's records (verifications, which belong to accounts,
/// stay), `account` to the records the account owns or takes part in (email
/// codes and the outbox stay: they belong to addresses). `everything` also
/// deletes registered credentials and accounts, and resets settings, fault
/// rules and the service clock; with `keep_clock`, the clock stays where it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResetScope {
    pub account: Option<AccountId>,
    pub catalog: Option<Catalog>,
    pub everything: bool,
    /// With `everything`: keep the service clock's offset.
    pub keep_clock: bool,
}

/// The qualifications records that involve some accounts (see [`Tx::qualifications_of`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QualificationsRecords {
    pub associations: Vec<QualificationsAssociation>,
    pub groups: Vec<QualificationsGroup>,
    pub open_tasks: Vec<QualificationsTask>,
}

/// One stored record of the kinds a fixture holds (see [`crate::fixtures`]),
/// as [`Tx::visit_records`] hands them over.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Account(AccountRecord),
    ConnectionPreferences(ConnectionPreferences),
    Connection(Connection),
    Credential(StoredCredential),
    EmailCode(EmailCode),
    Invitation(Invitation),
    Partner(Partner),
    ProfileTask(ProfileTask),
    QualificationsAssociation(QualificationsAssociation),
    QualificationsGroup(QualificationsGroup),
    QualificationsTask(QualificationsTask),
    Verification(Verification),
}

/// What one retention sweep may delete (see `crate::retention`): each kind
/// at or before its time, at most `batch` of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purge {
    /// ClientToken records created at or before this time.
    pub idempotency_created_by: Millis,
    /// Quota usage recorded at or before this time.
    pub usage_at_or_before: Millis,
    /// Email codes expired at or before this time.
    pub email_codes_expired_by: Millis,
    /// Events that will not be posted again, and outbox messages, at or before this time.
    pub logs_at_or_before: Millis,
    pub batch: usize,
}

/// How many records of each kind a retention sweep deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub idempotency: u64,
    pub usage: u64,
    pub email_codes: u64,
    pub events: u64,
    pub outbox: u64,
}

impl Purged {
    pub fn total(&self) -> u64 {
        self.idempotency + self.usage + self.email_codes + self.events + self.outbox
    }

    /// Whether some kind reached `batch` (so more of it may be waiting).
    pub fn any_full(&self, batch: usize) -> bool {
        let batch = u64::try_from(batch).unwrap_or(u64::MAX);
        [self.idempotency, self.usage, self.email_codes, self.events, self.outbox].iter().any(|n| *n >= batch)
    }
}

/// Typed access to stored records inside one transaction.
pub trait Tx {
    // Service-wide state shared by every node.
    fn service_state(&mut self) -> Result<ServiceState, StoreError>;
    fn put_service_state(&mut self, state: &ServiceState) -> Result<(), StoreError>;
    /// The fault-injection rules in force (a developer tool; see `crate::faults`).
    fn fault_rules(&mut self) -> Result<Vec<FaultRule>, StoreError>;
    fn put_fault_rules(&mut self, rules: &[FaultRule]) -> Result<(), StoreError>;

    // Partners (one per account per catalog).
    fn partner_by_account(&mut self, catalog: Catalog, account: &AccountId) -> Result<Option<Partner>, StoreError>;
    fn partner_by_id(&mut self, catalog: Catalog, id: &PartnerId) -> Result<Option<Partner>, StoreError>;
    /// The partner whose legal name has this key (see [`crate::partners::legal_name_key`]).
    fn partner_by_legal_name(&mut self, catalog: Catalog, legal_name_key: &str) -> Result<Option<Partner>, StoreError>;
    /// The partner that reserved `profile_id` (published or not).
    fn partner_by_profile_id(
        &mut self,
        catalog: Catalog,
        profile_id: &ProfileId,
    ) -> Result<Option<Partner>, StoreError>;
    fn insert_partner(&mut self, partner: &Partner) -> Result<(), StoreError>;
    /// Also keeps the index of `partner.domains`: a domain belongs to at most
    /// one partner per catalog (a second owner is `StoreError::Conflict`).
    fn update_partner(&mut self, partner: &Partner) -> Result<(), StoreError>;
    /// The partner in `catalog` that linked `domain` (lower-case).
    fn partner_id_by_domain(&mut self, catalog: Catalog, domain: &str) -> Result<Option<PartnerId>, StoreError>;

    // Profile update tasks.
    /// Every task of the partner, oldest first.
    fn profile_tasks(&mut self, partner_id: &PartnerId) -> Result<Vec<ProfileTask>, StoreError>;
    fn insert_profile_task(&mut self, task: &ProfileTask) -> Result<(), StoreError>;
    fn update_profile_task(&mut self, task: &ProfileTask) -> Result<(), StoreError>;

    // Email verification codes (one live code per catalog and address).
    fn email_code(&mut self, catalog: Catalog, address: &str) -> Result<Option<EmailCode>, StoreError>;
    fn put_email_code(&mut self, code: &EmailCode) -> Result<(), StoreError>;
    fn delete_email_code(&mut self, catalog: Catalog, address: &str) -> Result<(), StoreError>;

    // Outbox of everything "sent".
    fn append_outbox(&mut self, message: &OutboxMessage) -> Result<(), StoreError>;
    /// Messages, oldest first, optionally only those to `address` (case-insensitive).
    fn outbox(&mut self, address: Option<&str>) -> Result<Vec<OutboxMessage>, StoreError>;

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

    // Verification records: at most one per (account, type); a restart replaces it.
    fn verification(
        &mut self,
        account: &AccountId,
        verification_type: VerificationType,
    ) -> Result<Option<Verification>, StoreError>;
    fn verification_by_token(&mut self, token: &str) -> Result<Option<Verification>, StoreError>;
    /// Insert or replace the record for (account, type).
    fn put_verification(&mut self, verification: &Verification) -> Result<(), StoreError>;

    // Qualifications tasks, associations and groups. A backend keeps at most
    // one open task (`ended_at` unset) per partner: a second one is
    // `StoreError::Conflict`.
    /// The partner's tasks of `kind`, oldest first.
    fn qualifications_tasks_of(
        &mut self,
        catalog: Catalog,
        owner_partner_id: &PartnerId,
        kind: QualificationsTaskKind,
    ) -> Result<Vec<QualificationsTask>, StoreError>;
    /// The task `task_id` of `catalog`.
    fn qualifications_task(
        &mut self,
        catalog: Catalog,
        task_id: &QualificationsTaskId,
    ) -> Result<Option<QualificationsTask>, StoreError>;
    /// The records that involve any of `accounts` in `catalog`: associations
    /// and open tasks (outcome not stored yet) where one of them is the
    /// subsidiary or the primary, and the groups they lead; oldest first.
    fn qualifications_of(
        &mut self,
        catalog: Catalog,
        accounts: &[&AccountId],
    ) -> Result<QualificationsRecords, StoreError>;
    fn insert_qualifications_task(&mut self, task: &QualificationsTask) -> Result<(), StoreError>;
    fn update_qualifications_task(&mut self, task: &QualificationsTask) -> Result<(), StoreError>;
    /// At most one association per subsidiary.
    fn insert_qualifications_association(&mut self, association: &QualificationsAssociation) -> Result<(), StoreError>;
    fn delete_qualifications_association(
        &mut self,
        catalog: Catalog,
        subsidiary_account: &AccountId,
    ) -> Result<(), StoreError>;
    /// Insert or replace the group of (catalog, primary account).
    fn put_qualifications_group(&mut self, group: &QualificationsGroup) -> Result<(), StoreError>;
    fn delete_qualifications_group(&mut self, catalog: Catalog, primary_account: &AccountId) -> Result<(), StoreError>;

    // Registered credentials.
    fn credential(&mut self, access_key_id: &str) -> Result<Option<StoredCredential>, StoreError>;
    fn insert_credential(&mut self, credential: &StoredCredential) -> Result<(), StoreError>;
    fn credentials(&mut self) -> Result<Vec<StoredCredential>, StoreError>;

    // Accounts configured by an admin (display name, seller profile).
    fn account(&mut self, account: &AccountId) -> Result<Option<AccountRecord>, StoreError>;
    /// The accounts whose configured seller profile has this id.
    fn accounts_with_seller_profile(&mut self, seller_profile_id: &str) -> Result<Vec<AccountRecord>, StoreError>;
    /// Every configured account, by account id.
    fn accounts(&mut self) -> Result<Vec<AccountRecord>, StoreError>;
    /// Insert or replace the record of `record.account`.
    fn put_account(&mut self, record: &AccountRecord) -> Result<(), StoreError>;
    /// Remove the account record and the key pairs registered for the
    /// account; answers whether there was anything to remove.
    fn delete_account(&mut self, account: &AccountId) -> Result<bool, StoreError>;

    // Developer tools: reset and export.
    /// Delete the data `scope` selects (see [`ResetScope`]).
    fn reset(&mut self, scope: &ResetScope) -> Result<(), StoreError>;
    /// Hand every stored record that a fixture holds to `visit`, one at a
    /// time as the backend reads them: kind by kind in the order of
    /// [`Record`], each kind in a stable order. An error from `visit` stops
    /// the visit and is answered.
    fn visit_records(&mut self, visit: &mut dyn FnMut(Record) -> Result<(), StoreError>) -> Result<(), StoreError>;
    /// Whether any record that a fixture holds is stored.
    fn holds_records(&mut self) -> Result<bool, StoreError>;
    /// Delete what `purge` lets go, oldest first (see `crate::retention`).
    fn purge(&mut self, purge: &Purge) -> Result<Purged, StoreError>;

    // Events (see `crate::events`), in recording order (`seq`).
    /// Append an event; when its `unique_key` is already stored, append
    /// nothing and answer `false`.
    fn append_event(&mut self, event: &NewEvent) -> Result<bool, StoreError>;
    /// Stored events matching `filter`, oldest first.
    fn events(&mut self, filter: &EventFilter) -> Result<Vec<StoredEvent>, StoreError>;
    /// Undelivered events whose next attempt is due at wall time `wall`, oldest first.
    fn due_events(&mut self, wall: Millis, limit: usize) -> Result<Vec<StoredEvent>, StoreError>;
    /// Replace the delivery state of event `seq`.
    fn put_event_delivery(&mut self, seq: i64, delivery: &EventDelivery) -> Result<(), StoreError>;

    // -----------------------------------------------------------------------
    // Admin-wide lists of the web console (the server's `console`): every
    // account's records, keyset-paged like the API's lists. Nothing on the
    // API's request path calls these.
    // -----------------------------------------------------------------------
    /// One page of a catalog's partners in legal-name order.
    fn admin_partners(&mut self, query: &AdminPartnerQuery) -> Result<Vec<Partner>, StoreError>;
    /// One page of a catalog's invitations, newest first. With an account,
    /// the API's per-participant listing index serves it.
    fn admin_invitations(&mut self, query: &AdminInvitationQuery) -> Result<Vec<Invitation>, StoreError>;
    /// One page of a catalog's connections, newest first. With an account,
    /// the API's per-participant listing index serves it.
    fn admin_connections(&mut self, query: &AdminConnectionQuery) -> Result<Vec<Connection>, StoreError>;
    /// One page of a catalog's profile update tasks, newest first.
    fn admin_profile_tasks(&mut self, query: &AdminProfileTaskQuery) -> Result<Vec<ListedProfileTask>, StoreError>;
    /// One page of verifications in (account, type) order.
    fn admin_verifications(&mut self, query: &AdminVerificationQuery) -> Result<Vec<Verification>, StoreError>;
    /// One page of the subsidiaries of a catalog that have a stored
    /// qualifications association or an open task, in account order (their
    /// state is then [`Tx::qualifications_of`] them, derived at service time).
    fn admin_qualifications_subsidiaries(
        &mut self,
        query: &AdminAssociationQuery,
    ) -> Result<Vec<AccountId>, StoreError>;
    /// One page of stored events, newest first.
    fn admin_events(&mut self, query: &AdminEventQuery) -> Result<Vec<StoredEvent>, StoreError>;
}

// ---------------------------------------------------------------------------
// Queries of the admin-wide lists (the web console; see the end of [`Tx`]).
// ---------------------------------------------------------------------------

/// One page of a catalog's partners, in legal-name order.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminPartnerQuery {
    pub catalog: Catalog,
    pub account: Option<AccountId>,
    /// Only legal names containing this text (compared as legal-name keys,
    /// see [`crate::partners::legal_name_key`]).
    pub name: Option<String>,
    /// The legal-name key of the last partner of the previous page.
    pub after: Option<String>,
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

/// One page of a catalog's profile update tasks, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminProfileTaskQuery {
    pub catalog: Catalog,
    /// The tasks of this account's partner; `None`: every partner's.
    pub account: Option<AccountId>,
    /// The sequence number of the last task of the previous page.
    pub before: Option<i64>,
    pub limit: usize,
}

/// A profile update task with its store sequence number (the list order).
#[derive(Debug, Clone, PartialEq)]
pub struct ListedProfileTask {
    pub seq: i64,
    pub task: ProfileTask,
}

/// One page of verifications, in (account, type) order.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminVerificationQuery {
    pub account: Option<AccountId>,
    pub verification_type: Option<VerificationType>,
    /// The last verification of the previous page.
    pub after: Option<(AccountId, VerificationType)>,
    pub limit: usize,
}

/// One page of a catalog's qualifications subsidiaries, in account order.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminAssociationQuery {
    pub catalog: Catalog,
    /// Associated with (or in a task towards) this primary account.
    pub primary: Option<AccountId>,
    pub subsidiary: Option<AccountId>,
    /// The last subsidiary of the previous page.
    pub after: Option<AccountId>,
    pub limit: usize,
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
