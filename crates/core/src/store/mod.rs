//! The storage interface the core talks to.
//!
//! A backend implements [`Store`] (transactions) and hands the core a
//! [`Tx`]: typed reads and writes of the [`crate::records`] inside one
//! transaction. Every mutating request runs in one write transaction,
//! including its idempotency record; reads run in a read transaction that
//! never waits behind a writer.
//!
//! [`Tx`] is the sum of one trait per resource family, each in its own file
//! with the queries of its lists: [`ServiceTx`] (service state, fault rules,
//! quota usage, idempotency), [`PartnersTx`] (partners, profile tasks, email
//! codes, outbox), [`ConnectionsTx`] (preferences, invitations, connections),
//! [`VerificationTx`], [`QualificationsTx`], [`AccountsTx`] (credentials and
//! configured accounts), [`EventsTx`], [`OpportunitiesTx`] (the Selling
//! API's opportunities), [`EngagementsTx`] (its engagements and members),
//! [`SellingSettingsTx`] (its system settings), [`SolutionsTx`] (partner
//! solutions), [`CustomerAccountsTx`] (customer accounts), [`SnapshotsTx`]
//! (resource snapshots), [`IamTx`] (IAM users and their policies), [`BulkJobsTx`]
//! (bulk jobs, their row outcomes, report links and input files), and
//! [`MaintenanceTx`] (reset, export
//! and purge, over every family). A family's `admin_*` methods are the web
//! console's admin-wide lists: every account's records, keyset-paged like
//! the API's lists; nothing on the API's request path calls them. A new
//! family adds its trait file here, its implementation in each backend, and
//! its bound to [`Tx`] (in the trait and in the impl that follows it). No
//! trait grows past 30 methods (`tests/trait_size.rs`): a family that would
//! is split by what its records are.

mod accounts;
mod bulk_jobs;
mod connections;
mod engagement_expiry;
mod customer_accounts;
mod engagement_groups;
mod engagements;
mod events;
mod iam;
mod maintenance;
mod opportunities;
mod partners;
mod qualifications;
mod selling_settings;
mod service;
mod snapshots;
mod solutions;
mod verification;

pub use accounts::AccountsTx;
pub use bulk_jobs::BulkJobsTx;
pub use connections::{
    AdminConnectionQuery, AdminInvitationQuery, ConnectionQuery, ConnectionsTx, InvitationQuery, TypeFilter,
};
pub use customer_accounts::{CustomerAccountQuery, CustomerAccountsTx};
pub use engagement_expiry::EngagementExpiryTx;
pub use engagement_groups::EngagementGroupsTx;
pub use engagements::{EngagementCursor, EngagementInvitationQuery, EngagementQuery, EngagementsTx, MemberCursor};
pub use events::{AdminEventQuery, EventsTx};
pub use iam::IamTx;
pub use maintenance::{MaintenanceTx, Purge, Purged, Record, ResetScope};
pub use opportunities::{OpportunitiesTx, OpportunityCursor, OpportunityQuery};
pub use partners::{AdminPartnerQuery, AdminProfileTaskQuery, ListedProfileTask, PartnersTx};
pub use qualifications::{AdminAssociationQuery, QualificationsRecords, QualificationsTx};
pub use selling_settings::SellingSettingsTx;
pub use service::ServiceTx;
pub use snapshots::{AssociationQuery, SnapshotKey, SnapshotQuery, SnapshotsTx};
pub use solutions::{SolutionQuery, SolutionsTx};
pub use verification::{AdminVerificationQuery, VerificationTx};

use pcentral_model::{ApiError, Millis};
use serde::{Deserialize, Serialize};

use crate::tools::ToolError;

/// Typed access to stored records inside one transaction: every family's.
pub trait Tx:
    ServiceTx
    + PartnersTx
    + ConnectionsTx
    + VerificationTx
    + QualificationsTx
    + AccountsTx
    + EventsTx
    + MaintenanceTx
    + OpportunitiesTx
    + EngagementsTx
    + EngagementExpiryTx
    + EngagementGroupsTx
    + SellingSettingsTx
    + SolutionsTx
    + CustomerAccountsTx
    + SnapshotsTx
    + IamTx
    + BulkJobsTx
{
}

impl<T> Tx for T where
    T: ServiceTx
        + PartnersTx
        + ConnectionsTx
        + VerificationTx
        + QualificationsTx
        + AccountsTx
        + EventsTx
        + MaintenanceTx
        + OpportunitiesTx
        + EngagementsTx
        + EngagementExpiryTx
        + EngagementGroupsTx
        + SellingSettingsTx
        + SolutionsTx
        + CustomerAccountsTx
        + SnapshotsTx
        + IamTx
        + BulkJobsTx
        + ?Sized
{
}

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
    /// How many write batches this store has ended, when every write to its
    /// database goes through this store (an embedded database the process
    /// owns): a count read before a read transaction and unchanged later
    /// means that nothing the transaction saw has changed since. `None` when
    /// others may write too (the other nodes of a database server).
    fn commits(&self) -> Option<u64> {
        None
    }
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
