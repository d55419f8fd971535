//! The storage interface the core talks to, and the records it stores.
//!
//! A backend implements [`Store`] (transactions) and hands the core a
//! [`Tx`]: typed reads and writes inside one transaction. Every mutating
//! request runs in one write transaction, including its idempotency record;
//! reads run in a read transaction that never waits behind a writer.

use std::collections::BTreeMap;

use pcentral_model::{ApiError, Millis};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::settings::Settings;

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

/// Why an operation stopped: an answer for the client, or a storage failure.
#[derive(Debug, Clone)]
pub enum Failure {
    Api(ApiError),
    Store(StoreError),
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
    /// The error the client sees: storage failures become InternalServerException.
    pub fn into_api_error(self) -> ApiError {
        match self {
            Failure::Api(e) => e,
            Failure::Store(e) => ApiError::internal(format!("Internal error ({e})")),
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

/// Typed access to stored records inside one transaction.
pub trait Tx {
    // Service-wide state shared by every node.
    fn service_state(&mut self) -> Result<ServiceState, StoreError>;
    fn put_service_state(&mut self, state: &ServiceState) -> Result<(), StoreError>;

    // Partners (one per account per catalog).
    fn partner_by_account(&mut self, catalog: &str, account: &str) -> Result<Option<Partner>, StoreError>;
    fn partner_by_id(&mut self, catalog: &str, id: &str) -> Result<Option<Partner>, StoreError>;
    /// The partner whose legal name has this key (see [`crate::partners::legal_name_key`]).
    fn partner_by_legal_name(&mut self, catalog: &str, legal_name_key: &str) -> Result<Option<Partner>, StoreError>;
    fn insert_partner(&mut self, partner: &Partner) -> Result<(), StoreError>;
    /// The partner that reserved `profile_id` (published or not).
    fn partner_by_profile_id(&mut self, catalog: &str, profile_id: &str) -> Result<Option<Partner>, StoreError>;
    /// Also keeps the index of `partner.domains`: a domain belongs to at most
    /// one partner per catalog (a second owner is `StoreError::Conflict`).
    fn update_partner(&mut self, partner: &Partner) -> Result<(), StoreError>;
    /// The id of the partner in `catalog` that linked `domain` (lower-case).
    fn partner_id_by_domain(&mut self, catalog: &str, domain: &str) -> Result<Option<String>, StoreError>;

    // Profile update tasks.
    /// Every task of the partner, oldest first.
    fn profile_tasks(&mut self, partner_id: &str) -> Result<Vec<ProfileTask>, StoreError>;
    fn insert_profile_task(&mut self, task: &ProfileTask) -> Result<(), StoreError>;
    fn update_profile_task(&mut self, task: &ProfileTask) -> Result<(), StoreError>;

    // Email verification codes (one live code per catalog and address).
    fn email_code(&mut self, catalog: &str, address: &str) -> Result<Option<EmailCode>, StoreError>;
    fn put_email_code(&mut self, code: &EmailCode) -> Result<(), StoreError>;
    fn delete_email_code(&mut self, catalog: &str, address: &str) -> Result<(), StoreError>;

    // Outbox of everything "sent".
    fn append_outbox(&mut self, message: &OutboxMessage) -> Result<(), StoreError>;
    /// Messages, oldest first, optionally only those to `address` (case-insensitive).
    fn outbox(&mut self, address: Option<&str>) -> Result<Vec<OutboxMessage>, StoreError>;

    // Usage counted by rolling-window quotas.
    fn count_usage(&mut self, catalog: &str, kind: &str, scope: &str, since: Millis) -> Result<u64, StoreError>;
    fn record_usage(&mut self, catalog: &str, kind: &str, scope: &str, at: Millis) -> Result<(), StoreError>;

    // Idempotency records.
    fn idempotency(
        &mut self,
        account: &str,
        operation: &str,
        token: &str,
    ) -> Result<Option<IdempotencyRecord>, StoreError>;
    /// Insert or replace the record for (account, operation, token).
    fn put_idempotency(&mut self, record: &IdempotencyRecord) -> Result<(), StoreError>;

    // Connection preferences (at most one stored record per account per catalog).
    fn connection_preferences(
        &mut self,
        catalog: &str,
        account: &str,
    ) -> Result<Option<ConnectionPreferences>, StoreError>;
    /// Insert or replace the record for (catalog, account).
    fn put_connection_preferences(&mut self, preferences: &ConnectionPreferences) -> Result<(), StoreError>;

    // Connection invitations. A backend keeps at most one invitation whose
    // stored status is PENDING per (catalog, unordered account pair, type):
    // a second one is `StoreError::Conflict`.
    fn invitation(&mut self, catalog: &str, id: &str) -> Result<Option<Invitation>, StoreError>;
    /// Every invitation `account` sent or received, newest first (CreatedAt
    /// descending, then id ascending).
    fn invitations_of(&mut self, catalog: &str, account: &str) -> Result<Vec<Invitation>, StoreError>;
    /// Invitations between the two accounts, in either direction, with this
    /// stored status.
    fn invitations_between(
        &mut self,
        catalog: &str,
        a: &str,
        b: &str,
        status: &str,
    ) -> Result<Vec<Invitation>, StoreError>;
    /// How many invitations `sender` sent that are stored PENDING and expire after `now`.
    fn count_open_invitations(&mut self, catalog: &str, sender: &str, now: Millis) -> Result<u64, StoreError>;
    fn insert_invitation(&mut self, invitation: &Invitation) -> Result<(), StoreError>;
    fn update_invitation(&mut self, invitation: &Invitation) -> Result<(), StoreError>;

    // Connections. A backend keeps at most one connection with an ACTIVE type
    // per (catalog, unordered account pair), hence at most one ACTIVE entry per
    // (catalog, pair, type): a second one is `StoreError::Conflict`.
    fn connection(&mut self, catalog: &str, id: &str) -> Result<Option<Connection>, StoreError>;
    /// Every connection of `account`, newest first (creation time descending, then id ascending).
    fn connections_of(&mut self, catalog: &str, account: &str) -> Result<Vec<Connection>, StoreError>;
    /// The pair's connection that still has an ACTIVE type, if any.
    fn live_connection_between(&mut self, catalog: &str, a: &str, b: &str) -> Result<Option<Connection>, StoreError>;
    /// How many connections of `account` have at least one ACTIVE type.
    fn count_live_connections(&mut self, catalog: &str, account: &str) -> Result<u64, StoreError>;
    fn insert_connection(&mut self, connection: &Connection) -> Result<(), StoreError>;
    fn update_connection(&mut self, connection: &Connection) -> Result<(), StoreError>;

    // Verification records: at most one per (account, type); a restart replaces it.
    fn verification(&mut self, account: &str, verification_type: &str) -> Result<Option<Verification>, StoreError>;
    fn verification_by_token(&mut self, token: &str) -> Result<Option<Verification>, StoreError>;
    /// Insert or replace the record for (account, type).
    fn put_verification(&mut self, verification: &Verification) -> Result<(), StoreError>;

    // Qualifications tasks, associations and groups (one catalog at a time).
    // A backend keeps at most one open task (`ended_at` unset) per partner:
    // a second one is `StoreError::Conflict`.
    /// The partner's tasks of `kind`, oldest first.
    fn qualifications_tasks_of(
        &mut self,
        catalog: &str,
        owner_partner_id: &str,
        kind: &str,
    ) -> Result<Vec<QualificationsTask>, StoreError>;
    /// Every task of the catalog whose outcome is not stored yet, oldest first.
    fn open_qualifications_tasks(&mut self, catalog: &str) -> Result<Vec<QualificationsTask>, StoreError>;
    fn insert_qualifications_task(&mut self, task: &QualificationsTask) -> Result<(), StoreError>;
    fn update_qualifications_task(&mut self, task: &QualificationsTask) -> Result<(), StoreError>;
    /// Every stored association of the catalog, oldest first. At most one per subsidiary.
    fn qualifications_associations(&mut self, catalog: &str) -> Result<Vec<QualificationsAssociation>, StoreError>;
    fn insert_qualifications_association(&mut self, association: &QualificationsAssociation) -> Result<(), StoreError>;
    fn delete_qualifications_association(&mut self, catalog: &str, subsidiary_account: &str) -> Result<(), StoreError>;
    fn qualifications_groups(&mut self, catalog: &str) -> Result<Vec<QualificationsGroup>, StoreError>;
    /// Insert or replace the group of (catalog, primary account).
    fn put_qualifications_group(&mut self, group: &QualificationsGroup) -> Result<(), StoreError>;
    fn delete_qualifications_group(&mut self, catalog: &str, primary_account: &str) -> Result<(), StoreError>;

    // Registered credentials.
    fn credential(&mut self, access_key_id: &str) -> Result<Option<StoredCredential>, StoreError>;
    fn insert_credential(&mut self, credential: &StoredCredential) -> Result<(), StoreError>;
    fn credentials(&mut self) -> Result<Vec<StoredCredential>, StoreError>;

    // Accounts configured by an admin (display name, seller profile).
    fn account(&mut self, account: &str) -> Result<Option<AccountRecord>, StoreError>;
    /// Every configured account, by account id.
    fn accounts(&mut self) -> Result<Vec<AccountRecord>, StoreError>;
    /// Insert or replace the record of `record.account`.
    fn put_account(&mut self, record: &AccountRecord) -> Result<(), StoreError>;
    /// Remove the account record and the key pairs registered for the
    /// account; answers whether there was anything to remove.
    fn delete_account(&mut self, account: &str) -> Result<bool, StoreError>;

    // Developer tools: reset and export.
    /// Delete the data `scope` selects (see [`ResetScope`]).
    fn reset(&mut self, scope: &ResetScope) -> Result<(), StoreError>;
    /// Every stored record that a fixture holds, in a stable order.
    fn all_records(&mut self) -> Result<StoredRecords, StoreError>;

    // Events (see `crate::events`), in recording order (`seq`).
    /// Append an event; when its `unique_key` is already stored, append
    /// nothing and answer `false`.
    fn append_event(&mut self, event: &crate::events::NewEvent) -> Result<bool, StoreError>;
    /// Stored events matching `filter`, oldest first.
    fn events(&mut self, filter: &crate::events::EventFilter) -> Result<Vec<crate::events::StoredEvent>, StoreError>;
    /// Undelivered events whose next attempt is due at wall time `wall`, oldest first.
    fn due_events(&mut self, wall: Millis, limit: i64) -> Result<Vec<crate::events::StoredEvent>, StoreError>;
    /// Replace the delivery state of event `seq`.
    fn put_event_delivery(&mut self, seq: i64, delivery: &crate::events::EventDelivery) -> Result<(), StoreError>;
    /// Invitations stored PENDING whose `expires_at` is at or before `now`, soonest first.
    fn expired_pending_invitations(&mut self, now: Millis, limit: i64) -> Result<Vec<Invitation>, StoreError>;
}

/// State shared by all nodes: the service clock offset and runtime settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceState {
    /// Service clock = wall clock + this offset. Only grows.
    pub clock_offset_ms: i64,
    /// Settings changed at runtime through the admin API; `None` means the
    /// settings the server was started with.
    pub settings: Option<Settings>,
    /// Key (hex) that signs pagination tokens; created by the store's migrations.
    #[serde(default)]
    pub pagination_key: String,
    /// Fault-injection rules set through the admin API (applied by the server).
    #[serde(default)]
    pub faults: Vec<FaultRule>,
}

/// What an injected fault does to a matching API call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer ThrottlingException (429) without running the operation.
    ThrottleBefore,
    /// Answer InternalServerException (500) without running the operation.
    InternalBefore,
    /// Run and commit the operation, then answer InternalServerException (500).
    InternalAfterCommit,
    /// Wait `delay_ms`, then carry on.
    Delay,
}

/// One fault-injection rule. `None` filters match everything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaultRule {
    pub id: String,
    /// Operation name (e.g. `AcceptConnectionInvitation`), or every operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Caller account id, or every account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub kind: FaultKind,
    /// How many more times the rule fires; `None` is unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    /// Chance (0..=1) that a matching call is hit; `None` is always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// For `delay`: how long to wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
}

/// The alliance lead contact of a partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AllianceLeadContact {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub business_title: String,
}

/// Localized profile content, as on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LocalizedContent {
    pub display_name: String,
    pub description: String,
    pub website_url: String,
    pub logo_url: String,
    pub locale: String,
}

/// Headquarters of a partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Headquarters {
    pub country_code: String,
    pub subdivision_code: String,
}

/// Profile content: the members of `TaskDetails` (and of `PartnerProfile`
/// without `ProfileId`), with wire names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProfileContent {
    pub display_name: String,
    pub description: String,
    pub website_url: String,
    pub logo_url: String,
    pub primary_solution_type: String,
    pub industry_segments: Vec<String>,
    pub translation_source_locale: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localized_contents: Option<Vec<LocalizedContent>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headquarters: Option<Headquarters>,
}

/// A training/certification email domain linked to a partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerDomain {
    pub domain_name: String,
    pub registered_at: Millis,
}

/// A partner: one per account per catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partner {
    pub catalog: String,
    pub account: String,
    pub id: String,
    pub legal_name: String,
    pub created_at: Millis,
    pub alliance_lead: AllianceLeadContact,
    /// The unpublished draft made at creation (placeholders of SEMANTICS §12 Q5).
    pub draft: ProfileContent,
    /// Reserved at creation; shown once a profile task has succeeded.
    pub profile_id: String,
    /// Set by PutProfileVisibility; PUBLIC when never set.
    pub visibility: Option<String>,
    pub domains: Vec<PartnerDomain>,
    /// Tags in insertion order.
    pub tags: Vec<(String, String)>,
}

/// An outcome forced by an admin, overriding the due time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForcedOutcome {
    pub status: String,
    pub at: Millis,
    /// For FAILED: the `ProfileValidationErrorReason` and message to report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A profile update task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileTask {
    pub partner_id: String,
    pub task_id: String,
    /// The TaskDetails as submitted.
    pub details: ProfileContent,
    pub started_at: Millis,
    /// When it succeeds on its own; `None` holds it IN_PROGRESS.
    pub due_at: Option<Millis>,
    pub canceled_at: Option<Millis>,
    pub forced: Option<ForcedOutcome>,
}

/// A live email verification code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailCode {
    pub catalog: String,
    /// Lower-cased address.
    pub address: String,
    pub code: String,
    pub sent_at: Millis,
    pub expires_at: Millis,
}

/// Something "sent" by the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// Assigned by the store; 0 when appending.
    pub id: i64,
    pub sent_at: Millis,
    pub catalog: String,
    pub address: String,
    pub kind: String,
    pub code: Option<String>,
    pub body: Value,
}

/// A stored answer to a request carrying a ClientToken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    pub account: String,
    pub operation: String,
    pub token: String,
    pub fingerprint: String,
    pub response: Value,
    pub created_at: Millis,
}

/// An account's connection preferences in one catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionPreferences {
    pub catalog: String,
    pub account: String,
    /// `ALLOW_ALL` | `DENY_ALL` | `ALLOW_BY_DEFAULT_DENY_SOME`.
    pub access_type: String,
    /// Profile ids or account ids; enforced only under `ALLOW_BY_DEFAULT_DENY_SOME`.
    pub excluded: Vec<String>,
    pub updated_at: Millis,
    pub revision: i64,
}

/// A connection invitation, shared by its sender and its receiver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    pub catalog: String,
    pub id: String,
    pub sender_account: String,
    /// The sender's partner profile id at creation (what the receiver sees).
    pub sender_profile_id: String,
    /// Resolved from `receiver_identifier`.
    pub receiver_account: String,
    /// `ReceiverIdentifier` exactly as supplied (what the sender sees).
    pub receiver_identifier: String,
    pub connection_type: String,
    pub message: String,
    pub inviter_email: String,
    pub inviter_name: String,
    pub created_at: Millis,
    /// Time of the last stored transition.
    pub updated_at: Millis,
    pub expires_at: Millis,
    /// Stored status: `PENDING`, `ACCEPTED`, `REJECTED`, `CANCELED`, or
    /// `EXPIRED` once a write has materialised an expiry. A stored `PENDING`
    /// past `expires_at` is EXPIRED (see [`crate::invitations::effective_status`]).
    pub status: String,
    pub connection_id: Option<String>,
    /// Write-only: no output carries it.
    pub reject_reason: Option<String>,
}

/// One entry of a connection's `ConnectionTypes` map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionTypeEntry {
    /// Acceptance time of the invitation that set this type up.
    pub created_at: Millis,
    /// Sender of that invitation (no output carries it; qualifications need it).
    pub inviter_account: String,
    pub inviter_email: String,
    pub inviter_name: String,
    /// `ACTIVE` | `CANCELED`.
    pub status: String,
    pub canceled_at: Option<Millis>,
    pub canceled_by: Option<String>,
    /// Write-only reason given to CancelConnection.
    pub cancel_reason: Option<String>,
}

/// A connection between two accounts in one catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub catalog: String,
    pub id: String,
    /// The two participants (the inviter of the first type first).
    pub participants: [String; 2],
    /// Internal creation time (the list order).
    pub created_at: Millis,
    pub updated_at: Millis,
    pub types: BTreeMap<String, ConnectionTypeEntry>,
}

impl Connection {
    /// Whether `account` takes part in the connection.
    pub fn has_participant(&self, account: &str) -> bool {
        self.participants.iter().any(|p| p == account)
    }

    /// The participant that is not `account`.
    pub fn other_participant(&self, account: &str) -> &str {
        if self.participants[0] == account {
            &self.participants[1]
        } else {
            &self.participants[0]
        }
    }

    /// Whether any type is ACTIVE (a connection without one is terminated history).
    pub fn is_live(&self) -> bool {
        self.types.values().any(|t| t.status == "ACTIVE")
    }
}

/// A registered key pair. The secret is stored encrypted by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCredential {
    pub access_key_id: String,
    pub account: String,
    /// The secret, encrypted with the server key (opaque to the core and the store).
    pub secret_encrypted: String,
    pub created_at: Millis,
}

/// The business details of a verification, with wire names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BusinessDetails {
    pub legal_name: String,
    pub registration_id: String,
    pub country_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction_of_incorporation: Option<String>,
}

/// An outcome forced by an admin on a verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForcedVerification {
    /// `SUCCEEDED` | `FAILED` | `REJECTED`.
    pub status: String,
    pub reason: Option<String>,
    pub at: Millis,
}

/// An account's verification of one type (business or registrant). Its
/// status is derived (see [`crate::verification::state`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub account: String,
    /// `BUSINESS_VERIFICATION` | `REGISTRANT_VERIFICATION`.
    pub verification_type: String,
    /// Business details as submitted (absent on a record an admin created by force).
    pub business: Option<BusinessDetails>,
    pub started_at: Millis,
    /// Registrant: the secret part of the completion URL.
    pub completion_token: Option<String>,
    pub completion_url_expires_at: Option<Millis>,
    /// Registrant: when the completion URL was opened.
    pub customer_action_at: Option<Millis>,
    /// When it succeeds on its own (business: from the start; registrant:
    /// from the customer action). `None` while waiting for the customer.
    pub due_at: Option<Millis>,
    pub forced: Option<ForcedVerification>,
}

/// A qualifications association or disassociation task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualificationsTask {
    pub catalog: String,
    /// `ASSOCIATION` | `DISASSOCIATION`.
    pub kind: String,
    pub task_id: String,
    /// The partner that started it (the subsidiary).
    pub owner_account: String,
    pub owner_partner_id: String,
    pub owner_profile_id: String,
    /// The primary partner, resolved at start.
    pub primary_account: String,
    pub primary_partner_id: String,
    pub primary_profile_id: String,
    pub started_at: Millis,
    pub due_at: Millis,
    /// Set once a write stored the outcome (at `due_at`, or earlier when a
    /// SUBSIDIARY cancel settled it).
    pub ended_at: Option<Millis>,
}

/// A subsidiary associated with a primary partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualificationsAssociation {
    pub catalog: String,
    pub subsidiary_account: String,
    pub subsidiary_partner_id: String,
    pub subsidiary_profile_id: String,
    pub primary_account: String,
    pub primary_partner_id: String,
    pub primary_profile_id: String,
    pub associated_at: Millis,
}

/// A primary partner with at least one associated subsidiary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualificationsGroup {
    pub catalog: String,
    pub primary_account: String,
    /// Time of the last join or leave (shown as UpdatedAt).
    pub updated_at: Millis,
}

/// An account configured by an admin: how it appears to the other side of a
/// connection when it has no published profile (SEMANTICS §7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRecord {
    /// 12-digit AWS account id.
    pub account: String,
    /// `AccountSummary.Name`; the account id when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The account's AWS Marketplace seller profile, if it is a seller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_profile: Option<SellerProfile>,
}

/// An AWS Marketplace seller profile (`SellerProfileSummary`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SellerProfile {
    pub id: String,
    pub name: String,
}

/// What a reset deletes. With neither `account` nor `catalog`, every
/// business record (partners, tasks, codes, outbox, usage, idempotency,
/// preferences, invitations, connections, verifications, qualifications);
/// `catalog` narrows to one catalog (verifications, which belong to accounts,
/// stay), `account` to the records the account owns or takes part in (its
/// email codes and the outbox stay: they belong to addresses). `everything`
/// also deletes registered credentials and accounts, and resets settings,
/// fault rules and the service clock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResetScope {
    pub account: Option<String>,
    pub catalog: Option<String>,
    pub everything: bool,
}

/// Every record a fixture holds, as stored (see [`crate::fixtures`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredRecords {
    pub accounts: Vec<AccountRecord>,
    pub partners: Vec<Partner>,
    pub profile_tasks: Vec<ProfileTask>,
    pub connection_preferences: Vec<ConnectionPreferences>,
    pub invitations: Vec<Invitation>,
    pub connections: Vec<Connection>,
    pub verifications: Vec<Verification>,
    pub qualifications_tasks: Vec<QualificationsTask>,
    pub qualifications_associations: Vec<QualificationsAssociation>,
    pub qualifications_groups: Vec<QualificationsGroup>,
    pub email_codes: Vec<EmailCode>,
    pub credentials: Vec<StoredCredential>,
}
