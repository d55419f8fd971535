//! The stored records: what pcentral knows, as typed values.
//!
//! Their serde form is the record document: what the store keeps next to the
//! columns it indexes, and what a fixture holds (`pcentral export` / `seed`,
//! format version 1; see `fixtures`). The wire is separate: the generated
//! types of `pcentral_model::account`, converted from these records in one place
//! per resource (the `*_view` functions of each resource module). Closed sets
//! are enums whose serde names are the wire strings, so a document reads the
//! same as before the types existed.

use std::collections::BTreeMap;

use pcentral_model::account::{
    AccessType, ConnectionType, ConnectionTypeStatus, IndustrySegment, InvitationStatus, PrimarySolutionType,
    ProfileValidationErrorReason, ProfileVisibility, VerificationStatus, VerificationType,
};
use pcentral_model::{
    AccountId, AssociationTaskId, Catalog, ConnectionId, DisassociationTaskId, IdError, InvitationId, Millis,
    PartnerId, ProfileId, ProfileTaskId, WireJson,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::settings::Settings;

mod bulk;
mod customer_account;
mod engagement;
mod iam;
mod engagement_group;
mod prospecting;
mod opportunity;
mod selling_settings;
mod snapshot;
mod solution;

pub use bulk::{BulkFile, BulkJob, BulkJobKind, BulkJobRow, BulkReportLink};
pub use customer_account::{
    check_data, customer_account_sort_value, AwsEnrichment, CustomerAccount, CustomerAccountData,
    CustomerAccountFailureReason, CustomerAccountSortName, EnrichmentStatus,
};
pub use engagement::{
    AwsSender, ContextType, Engagement, EngagementContext, EngagementInvitation, EngagementMembership, EngagementTask,
    EngagementTaskKind, InvitationStatus as EngagementInvitationStatus, PayloadType as InvitationPayloadType,
    TaskReasonCode, TaskStatus,
};
pub use engagement_group::{EngagementGroup, EngagementGroupId, ReadinessLevel};
pub use iam::{user_arn, IamUser, InlinePolicy};
pub use opportunity::{
    sort_value, text_key, Document, InvolvementType, Opportunity, OpportunitySortName, Origin, RelatedEntityType,
    ReviewStatus, SortValue, Stage, Submission, Visibility,
};
pub use prospecting::{ProspectOutcome, Prospecting, ProspectingTaskStatus};
pub use selling_settings::SellingSettings;
pub use snapshot::{
    EngagementResource, ResourceSnapshot, ResourceSnapshotJob, ResourceType, SnapshotJobStatus, OPPORTUNITY_SUMMARY,
};
pub use solution::{
    is_sandbox_test_solution, sandbox_test_solution, solution_sort_value, Solution, SolutionSortName, SolutionStatus,
    SANDBOX_TEST_SOLUTION_CREATED, SANDBOX_TEST_SOLUTION_ID,
};

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
}

impl ServiceState {
    /// The settings in force: the stored ones, or those the node started with.
    pub fn settings_or<'a>(&'a self, start: &'a Settings) -> &'a Settings {
        self.settings.as_ref().unwrap_or(start)
    }
}

/// The alliance lead contact of a partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AllianceLead {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub business_title: String,
}

/// Profile content in one locale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LocalizedContent {
    pub display_name: String,
    pub description: String,
    pub website_url: String,
    pub logo_url: String,
    pub locale: String,
}

/// Where a partner has its headquarters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Headquarters {
    pub country_code: String,
    pub subdivision_code: String,
}

/// The content of a partner profile (a draft, or a profile update task's details).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProfileContent {
    pub display_name: String,
    pub description: String,
    pub website_url: String,
    pub logo_url: String,
    pub primary_solution_type: PrimarySolutionType,
    pub industry_segments: Vec<IndustrySegment>,
    pub translation_source_locale: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localized_contents: Option<Vec<LocalizedContent>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headquarters: Option<Headquarters>,
}

/// A training/certification email domain linked to a partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerDomain {
    /// Lower-cased.
    pub domain_name: String,
    pub registered_at: Millis,
}

/// A partner: one per account per catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partner {
    pub catalog: Catalog,
    pub account: AccountId,
    pub id: PartnerId,
    pub legal_name: String,
    pub created_at: Millis,
    pub alliance_lead: AllianceLead,
    /// The unpublished draft made at creation (docs/behaviour.md#partners).
    pub draft: ProfileContent,
    /// Reserved at creation; shown once a profile task has succeeded.
    pub profile_id: ProfileId,
    /// Set by PutProfileVisibility; PUBLIC when never set.
    pub visibility: Option<ProfileVisibility>,
    pub domains: Vec<PartnerDomain>,
    /// Tags in insertion order.
    pub tags: Vec<(String, String)>,
}

/// The one outcome an admin forces by storing it: FAILED. (Holding a task
/// and succeeding it now change its due time instead.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ForcedTaskStatus {
    #[serde(rename = "FAILED")]
    Failed,
}

/// How an admin ended a profile update task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForcedOutcome {
    pub status: ForcedTaskStatus,
    pub at: Millis,
    /// For FAILED: the reason and message to report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ProfileValidationErrorReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A profile update task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileTask {
    pub partner_id: PartnerId,
    pub task_id: ProfileTaskId,
    /// The TaskDetails as submitted.
    pub details: ProfileContent,
    pub started_at: Millis,
    /// When it succeeds on its own; `None` holds it IN_PROGRESS.
    pub due_at: Option<Millis>,
    pub canceled_at: Option<Millis>,
    pub forced: Option<ForcedOutcome>,
}

/// A live email verification code (catalog AWS).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailCode {
    pub catalog: Catalog,
    /// Lower-cased address.
    pub address: String,
    pub code: String,
    pub sent_at: Millis,
    pub expires_at: Millis,
}

/// What kind of message pcentral "sent".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OutboxKind {
    EmailVerificationCode,
}

/// The body of an outbox message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OutboxBody {
    pub subject: String,
}

/// Something "sent" by the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// Assigned by the store; 0 when appending.
    pub id: i64,
    pub sent_at: Millis,
    pub catalog: Catalog,
    pub address: String,
    pub kind: OutboxKind,
    pub code: Option<String>,
    pub body: OutboxBody,
}

/// A stored answer to a request carrying a ClientToken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    pub account: AccountId,
    pub operation: String,
    pub token: String,
    /// The request's catalog, when it has one (what a catalog reset removes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog: Option<Catalog>,
    pub fingerprint: String,
    /// The answer's JSON text as sent, stored as it is inside the record's
    /// document and replayed byte for byte.
    pub response: WireJson,
    pub created_at: Millis,
}

/// An account's connection preferences in one catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionPreferences {
    pub catalog: Catalog,
    pub account: AccountId,
    pub access_type: AccessType,
    /// Profile ids or account ids; enforced only under `ALLOW_BY_DEFAULT_DENY_SOME`.
    pub excluded: Vec<String>,
    pub updated_at: Millis,
    pub revision: i64,
}

/// A connection invitation, shared by its sender and its receiver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    pub catalog: Catalog,
    pub id: InvitationId,
    pub sender_account: AccountId,
    /// The sender's partner profile id at creation (what the receiver sees).
    pub sender_profile_id: ProfileId,
    /// Resolved from `receiver_identifier`.
    pub receiver_account: AccountId,
    /// `ReceiverIdentifier` exactly as supplied (what the sender sees).
    pub receiver_identifier: String,
    pub connection_type: ConnectionType,
    pub message: String,
    pub inviter_email: String,
    pub inviter_name: String,
    pub created_at: Millis,
    /// Time of the last stored transition.
    pub updated_at: Millis,
    pub expires_at: Millis,
    /// Stored status; a stored `PENDING` past `expires_at` is EXPIRED
    /// (docs/behaviour.md#invitations, `invitations::effective_status`).
    pub status: InvitationStatus,
    pub connection_id: Option<ConnectionId>,
    /// Write-only: no output carries it.
    pub reject_reason: Option<String>,
}

impl Invitation {
    /// The invitation's two accounts: sender, receiver.
    pub fn participants(&self) -> [&AccountId; 2] {
        [&self.sender_account, &self.receiver_account]
    }
}

/// One entry of a connection's `ConnectionTypes` map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionTypeEntry {
    /// Acceptance time of the invitation that set this type up.
    pub created_at: Millis,
    /// Sender of that invitation (no output carries it; qualifications need it).
    pub inviter_account: AccountId,
    pub inviter_email: String,
    pub inviter_name: String,
    pub status: ConnectionTypeStatus,
    pub canceled_at: Option<Millis>,
    pub canceled_by: Option<AccountId>,
    /// Write-only reason given to CancelConnection.
    pub cancel_reason: Option<String>,
}

/// A connection between two accounts in one catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub catalog: Catalog,
    pub id: ConnectionId,
    /// The two participants (the inviter of the first type first).
    pub participants: [AccountId; 2],
    /// Internal creation time (the list order).
    pub created_at: Millis,
    pub updated_at: Millis,
    pub types: BTreeMap<ConnectionType, ConnectionTypeEntry>,
}

impl Connection {
    /// Whether `account` takes part in the connection.
    pub fn has_participant(&self, account: &AccountId) -> bool {
        self.participants.contains(account)
    }

    /// The participant that is not `account`.
    pub fn other_participant(&self, account: &AccountId) -> &AccountId {
        if &self.participants[0] == account {
            &self.participants[1]
        } else {
            &self.participants[0]
        }
    }

    /// Whether any type is ACTIVE (a connection without one is terminated history).
    pub fn is_live(&self) -> bool {
        self.types.values().any(|t| t.status == ConnectionTypeStatus::Active)
    }

    /// Whether `connection_type` is ACTIVE.
    pub fn is_active(&self, connection_type: ConnectionType) -> bool {
        self.types.get(&connection_type).is_some_and(|t| t.status == ConnectionTypeStatus::Active)
    }
}

/// A registered key pair. The secret is stored encrypted by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCredential {
    pub access_key_id: String,
    pub account: AccountId,
    /// The secret, encrypted with the server key (opaque to the core and the store).
    pub secret_encrypted: String,
    pub created_at: Millis,
    /// The IAM user the key belongs to; without one the key has full access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// The business details of a verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BusinessDetails {
    pub legal_name: String,
    pub registration_id: String,
    pub country_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction_of_incorporation: Option<String>,
}

/// The outcomes an admin may force on a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VerificationOutcome {
    Succeeded,
    Failed,
    Rejected,
}

impl VerificationOutcome {
    pub const ALL: [VerificationOutcome; 3] =
        [VerificationOutcome::Succeeded, VerificationOutcome::Failed, VerificationOutcome::Rejected];

    pub fn status(self) -> VerificationStatus {
        match self {
            VerificationOutcome::Succeeded => VerificationStatus::Succeeded,
            VerificationOutcome::Failed => VerificationStatus::Failed,
            VerificationOutcome::Rejected => VerificationStatus::Rejected,
        }
    }
}

/// An outcome forced by an admin on a verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForcedVerification {
    pub status: VerificationOutcome,
    pub reason: Option<String>,
    pub at: Millis,
}

/// An account's verification of one type (business or registrant). Its
/// status is derived (see `verification::state`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub account: AccountId,
    pub verification_type: VerificationType,
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

/// A qualifications task's id, which also says its kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum QualificationsTaskId {
    Association(AssociationTaskId),
    Disassociation(DisassociationTaskId),
}

impl QualificationsTaskId {
    pub fn as_str(&self) -> &str {
        match self {
            QualificationsTaskId::Association(id) => id.as_str(),
            QualificationsTaskId::Disassociation(id) => id.as_str(),
        }
    }

    pub fn kind(&self) -> QualificationsTaskKind {
        match self {
            QualificationsTaskId::Association(_) => QualificationsTaskKind::Association,
            QualificationsTaskId::Disassociation(_) => QualificationsTaskKind::Disassociation,
        }
    }

    /// A task id of `kind` (`pqatask-…` or `pqdtask-…`).
    pub fn parse(kind: QualificationsTaskKind, text: &str) -> Result<QualificationsTaskId, IdError> {
        match kind {
            QualificationsTaskKind::Association => {
                AssociationTaskId::parse(text).map(QualificationsTaskId::Association)
            }
            QualificationsTaskKind::Disassociation => {
                DisassociationTaskId::parse(text).map(QualificationsTaskId::Disassociation)
            }
        }
    }
}

impl std::fmt::Display for QualificationsTaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Association or disassociation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum QualificationsTaskKind {
    Association,
    Disassociation,
}

impl QualificationsTaskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QualificationsTaskKind::Association => "ASSOCIATION",
            QualificationsTaskKind::Disassociation => "DISASSOCIATION",
        }
    }
}

/// A qualifications association or disassociation task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "QualificationsTaskDocument", into = "QualificationsTaskDocument")]
pub struct QualificationsTask {
    pub catalog: Catalog,
    /// The id, which carries the kind.
    pub task_id: QualificationsTaskId,
    /// The partner that started it (the subsidiary).
    pub owner_account: AccountId,
    pub owner_partner_id: PartnerId,
    pub owner_profile_id: ProfileId,
    /// The primary partner, resolved at start.
    pub primary_account: AccountId,
    pub primary_partner_id: PartnerId,
    pub primary_profile_id: ProfileId,
    pub started_at: Millis,
    pub due_at: Millis,
    /// Set once a write stored the outcome (at `due_at`, or earlier when a
    /// SUBSIDIARY cancel settled it).
    pub ended_at: Option<Millis>,
}

impl QualificationsTask {
    pub fn kind(&self) -> QualificationsTaskKind {
        self.task_id.kind()
    }
}

/// The document form of a [`QualificationsTask`]: the kind and the id apart.
#[derive(Serialize, Deserialize)]
struct QualificationsTaskDocument {
    catalog: Catalog,
    kind: QualificationsTaskKind,
    task_id: String,
    owner_account: AccountId,
    owner_partner_id: PartnerId,
    owner_profile_id: ProfileId,
    primary_account: AccountId,
    primary_partner_id: PartnerId,
    primary_profile_id: ProfileId,
    started_at: Millis,
    due_at: Millis,
    ended_at: Option<Millis>,
}

impl TryFrom<QualificationsTaskDocument> for QualificationsTask {
    type Error = IdError;
    fn try_from(d: QualificationsTaskDocument) -> Result<Self, IdError> {
        Ok(QualificationsTask {
            catalog: d.catalog,
            task_id: QualificationsTaskId::parse(d.kind, &d.task_id)?,
            owner_account: d.owner_account,
            owner_partner_id: d.owner_partner_id,
            owner_profile_id: d.owner_profile_id,
            primary_account: d.primary_account,
            primary_partner_id: d.primary_partner_id,
            primary_profile_id: d.primary_profile_id,
            started_at: d.started_at,
            due_at: d.due_at,
            ended_at: d.ended_at,
        })
    }
}

impl From<QualificationsTask> for QualificationsTaskDocument {
    fn from(t: QualificationsTask) -> Self {
        QualificationsTaskDocument {
            catalog: t.catalog,
            kind: t.task_id.kind(),
            task_id: t.task_id.as_str().to_string(),
            owner_account: t.owner_account,
            owner_partner_id: t.owner_partner_id,
            owner_profile_id: t.owner_profile_id,
            primary_account: t.primary_account,
            primary_partner_id: t.primary_partner_id,
            primary_profile_id: t.primary_profile_id,
            started_at: t.started_at,
            due_at: t.due_at,
            ended_at: t.ended_at,
        }
    }
}

/// A subsidiary associated with a primary partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualificationsAssociation {
    pub catalog: Catalog,
    pub subsidiary_account: AccountId,
    pub subsidiary_partner_id: PartnerId,
    pub subsidiary_profile_id: ProfileId,
    pub primary_account: AccountId,
    pub primary_partner_id: PartnerId,
    pub primary_profile_id: ProfileId,
    pub associated_at: Millis,
}

/// A primary partner with at least one associated subsidiary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualificationsGroup {
    pub catalog: Catalog,
    pub primary_account: AccountId,
    /// Time of the last join or leave (shown as UpdatedAt).
    pub updated_at: Millis,
}

/// An account configured by an admin: how it appears to the other side of a
/// connection when it has no published profile (docs/behaviour.md#what-each-side-sees).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRecord {
    pub account: AccountId,
    /// `AccountSummary.Name`; the account id when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The account's AWS Marketplace seller profile, if it is a seller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_profile: Option<SellerProfile>,
}

/// An AWS Marketplace seller profile (`SellerProfileSummary`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SellerProfile {
    pub id: String,
    pub name: String,
}

/// The EventBridge detail-types pcentral records (docs/behaviour.md#events).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DetailType {
    #[serde(rename = "Partner Connection Invitation Received")]
    InvitationReceived,
    #[serde(rename = "Partner Connection Invitation Accepted")]
    InvitationAccepted,
    #[serde(rename = "Partner Connection Invitation Rejected")]
    InvitationRejected,
    #[serde(rename = "Partner Connection Invitation Cancelled")]
    InvitationCancelled,
    #[serde(rename = "Partner Connection Invitation Expired")]
    InvitationExpired,
    #[serde(rename = "Partner Connection Cancelled")]
    ConnectionCancelled,
    #[serde(rename = "Opportunity Created")]
    OpportunityCreated,
    #[serde(rename = "Opportunity Updated")]
    OpportunityUpdated,
    #[serde(rename = "Engagement Invitation Created")]
    EngagementInvitationCreated,
    #[serde(rename = "Engagement Invitation Accepted")]
    EngagementInvitationAccepted,
    #[serde(rename = "Engagement Invitation Rejected")]
    EngagementInvitationRejected,
    #[serde(rename = "Engagement Invitation Expired")]
    EngagementInvitationExpired,
}

impl DetailType {
    pub const ALL: [DetailType; 12] = [
        DetailType::InvitationReceived,
        DetailType::InvitationAccepted,
        DetailType::InvitationRejected,
        DetailType::InvitationCancelled,
        DetailType::InvitationExpired,
        DetailType::ConnectionCancelled,
        DetailType::OpportunityCreated,
        DetailType::OpportunityUpdated,
        DetailType::EngagementInvitationCreated,
        DetailType::EngagementInvitationAccepted,
        DetailType::EngagementInvitationRejected,
        DetailType::EngagementInvitationExpired,
    ];

    /// The service that sends events of this type (their `source` is `aws.<service>`).
    pub fn service(self) -> pcentral_model::Service {
        match self {
            DetailType::OpportunityCreated
            | DetailType::OpportunityUpdated
            | DetailType::EngagementInvitationCreated
            | DetailType::EngagementInvitationAccepted
            | DetailType::EngagementInvitationRejected
            | DetailType::EngagementInvitationExpired => pcentral_model::Service::Selling,
            _ => pcentral_model::Service::Account,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DetailType::InvitationReceived => "Partner Connection Invitation Received",
            DetailType::InvitationAccepted => "Partner Connection Invitation Accepted",
            DetailType::InvitationRejected => "Partner Connection Invitation Rejected",
            DetailType::InvitationCancelled => "Partner Connection Invitation Cancelled",
            DetailType::InvitationExpired => "Partner Connection Invitation Expired",
            DetailType::ConnectionCancelled => "Partner Connection Cancelled",
            DetailType::OpportunityCreated => "Opportunity Created",
            DetailType::OpportunityUpdated => "Opportunity Updated",
            DetailType::EngagementInvitationCreated => "Engagement Invitation Created",
            DetailType::EngagementInvitationAccepted => "Engagement Invitation Accepted",
            DetailType::EngagementInvitationRejected => "Engagement Invitation Rejected",
            DetailType::EngagementInvitationExpired => "Engagement Invitation Expired",
        }
    }
}

impl std::str::FromStr for DetailType {
    type Err = pcentral_model::UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DetailType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| pcentral_model::UnknownValue::new("event type", s, &DetailType::ALL.map(DetailType::as_str)))
    }
}

/// An event to append for one recipient.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// The recipient account (`account` of the EventBridge event).
    pub account: AccountId,
    pub catalog: Catalog,
    pub detail_type: DetailType,
    /// Service time of the event.
    pub time: Millis,
    /// The EventBridge event (an external format, kept as its JSON).
    pub event: Value,
    /// When set, at most one event with this key is ever stored.
    pub unique_key: Option<String>,
    /// Whether the event is to be posted to the webhook (due at once).
    pub deliver: bool,
}

/// Where an event's webhook delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// No webhook was set when the event was recorded.
    NotScheduled,
    Pending,
    Delivered,
    /// Given up after the last attempt.
    Failed,
}

/// Delivery state of a stored event (wall-clock times: delivery is
/// infrastructure, not business time).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventDelivery {
    /// POST attempts made so far.
    pub attempts: i64,
    /// When the next attempt is due (or a claim expires); `None` when there
    /// is nothing more to do (delivered, given up, or never scheduled).
    pub next_attempt_at: Option<Millis>,
    pub delivered_at: Option<Millis>,
    pub last_error: Option<String>,
}

impl EventDelivery {
    pub fn state(&self) -> DeliveryState {
        match (self.delivered_at, self.next_attempt_at) {
            (Some(_), _) => DeliveryState::Delivered,
            (None, Some(_)) => DeliveryState::Pending,
            (None, None) if self.attempts > 0 => DeliveryState::Failed,
            (None, None) => DeliveryState::NotScheduled,
        }
    }
}

/// A stored event.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Store-assigned sequence number: the recording order.
    pub seq: i64,
    pub account: AccountId,
    pub catalog: Catalog,
    pub detail_type: DetailType,
    pub time: Millis,
    pub event: Value,
    pub delivery: EventDelivery,
}

/// Which events to list (every filter optional).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFilter {
    pub account: Option<AccountId>,
    pub detail_type: Option<DetailType>,
    /// Only events with a larger sequence number.
    pub after: Option<i64>,
    /// At most this many.
    pub limit: Option<usize>,
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

impl FaultKind {
    pub const ALL: [FaultKind; 4] =
        [FaultKind::ThrottleBefore, FaultKind::InternalBefore, FaultKind::InternalAfterCommit, FaultKind::Delay];

    /// The name the admin API and fixtures use.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::ThrottleBefore => "throttle_before",
            FaultKind::InternalBefore => "internal_before",
            FaultKind::InternalAfterCommit => "internal_after_commit",
            FaultKind::Delay => "delay",
        }
    }
}

/// One fault-injection rule (a developer tool; see `crate::faults`). `None`
/// filters match everything. Stored and written as [`FaultRuleDoc`]: the
/// service by name (a rule stored before the family had none: it is
/// `partnercentral-account`'s) and the operation by its name in that service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FaultRuleDoc", into = "FaultRuleDoc")]
pub struct FaultRule {
    pub id: String,
    /// The service whose calls the rule hits.
    pub service: pcentral_model::Service,
    /// Only this operation (of `service`), or every operation of the service.
    pub operation: Option<pcentral_model::Operation>,
    /// Only this caller, or every account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
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

/// A [`FaultRule`] as stored, exported and sent to the admin API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRuleDoc {
    pub id: String,
    #[serde(default)]
    pub service: pcentral_model::Service,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
    pub kind: FaultKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
}

impl TryFrom<FaultRuleDoc> for FaultRule {
    type Error = String;
    fn try_from(d: FaultRuleDoc) -> Result<Self, Self::Error> {
        let operation = match d.operation {
            Some(name) => {
                Some(d.service.operation(&name).ok_or_else(|| format!("{} has no operation {name:?}", d.service))?)
            }
            None => None,
        };
        Ok(FaultRule {
            id: d.id,
            service: d.service,
            operation,
            account: d.account,
            kind: d.kind,
            remaining: d.remaining,
            probability: d.probability,
            delay_ms: d.delay_ms,
        })
    }
}

impl From<FaultRule> for FaultRuleDoc {
    fn from(r: FaultRule) -> Self {
        FaultRuleDoc {
            id: r.id,
            service: r.service,
            operation: r.operation.map(|op| op.name().to_string()),
            account: r.account,
            kind: r.kind,
            remaining: r.remaining,
            probability: r.probability,
            delay_ms: r.delay_ms,
        }
    }
}

/// What a rolling-window quota counts (docs/behaviour.md#quotas).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UsageKind {
    /// Verification codes sent to an address (catalog AWS).
    EmailCode,
    /// Profile update tasks started by a partner.
    ProfileTask,
    /// Visibility changes of a partner.
    ProfileVisibility,
    /// Connection invitations sent by an account.
    ConnectionInvitation,
}

impl UsageKind {
    /// The name stored with each use.
    pub fn as_str(self) -> &'static str {
        match self {
            UsageKind::EmailCode => "email_code",
            UsageKind::ProfileTask => "profile_task",
            UsageKind::ProfileVisibility => "profile_visibility",
            UsageKind::ConnectionInvitation => "connection_invitation",
        }
    }
}
