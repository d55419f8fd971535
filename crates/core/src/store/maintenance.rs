//! Work over every family's records at once: the developer tools' reset and
//! export, and retention's purge.

use pcentral_model::{AccountId, Catalog, Millis};

use crate::records::{
    AccountRecord, Connection, ConnectionPreferences, CustomerAccount, EmailCode, Engagement, EngagementInvitation,
    EngagementMembership, Invitation, Opportunity, Partner, ProfileTask, QualificationsAssociation,
    QualificationsGroup, QualificationsTask, SellingSettings, Solution, StoredCredential, Verification,
};
use crate::store::StoreError;

/// Reset, export and purge inside one transaction.
pub trait MaintenanceTx {
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

/// One stored record of the kinds a fixture holds (see [`crate::fixtures`]),
/// as [`MaintenanceTx::visit_records`] hands them over.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Account(AccountRecord),
    ConnectionPreferences(ConnectionPreferences),
    Connection(Connection),
    Credential(StoredCredential),
    /// Boxed: the largest record by far.
    CustomerAccount(Box<CustomerAccount>),
    EmailCode(EmailCode),
    EngagementInvitation(EngagementInvitation),
    EngagementMember(EngagementMembership),
    Engagement(Engagement),
    Invitation(Invitation),
    Opportunity(Opportunity),
    Partner(Partner),
    ProfileTask(ProfileTask),
    QualificationsAssociation(QualificationsAssociation),
    QualificationsGroup(QualificationsGroup),
    QualificationsTask(QualificationsTask),
    SellingSettings(SellingSettings),
    Solution(Solution),
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
