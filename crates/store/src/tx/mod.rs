//! The typed transaction ([`pcentral_core::Tx`]) over any SQL backend.
//!
//! Each record is stored as its document (the serde form of
//! `pcentral_core::records`) next to real columns for what is looked up,
//! filtered, joined or constrained on. Lists are served from per-participant
//! index tables (`invitation_members`, `connection_members`,
//! `connection_type_members`): one row per record and participant, so a page
//! of one account's list is an index range scan with the keyset cursor in the
//! WHERE clause, whatever the number of stored records. Both backends have
//! the same tables, so every statement here is written once (`?N`
//! placeholders) and runs on SQLite and PostgreSQL.
//!
//! [`SqlTx`] implements each of the core's family traits in the file named
//! after the family (as `pcentral_core::store` names them): [`service`],
//! [`partners`], [`connections`], [`verification`], [`qualifications`],
//! [`accounts`], [`events`], [`opportunities`], [`selling_settings`], [`solutions`], [`customer_accounts`], [`maintenance`]. This file holds what they
//! share: statement parameters, documents, and [`ListingQuery`], the builder
//! of list statements; [`migration`] holds the data steps of schema changes.
//!
//! The web console's admin-wide lists (`admin_*`) add each condition only
//! when its filter is set, so that the planner can use the index it names:
//! partners by (catalog, legal_name_key); a catalog's invitations and
//! connections by `console_indexes.sql`, or, for one account, through the
//! API's own list queries and listing tables; profile tasks by sequence, or
//! by partner; verifications by their key; qualifications by (catalog,
//! subsidiary) or (catalog, primary); events by sequence, or by account.

use pcentral_core::records::SortValue;
use pcentral_core::records::{
    BulkJobKind, DetailType, EngagementTaskKind, QualificationsTaskId, QualificationsTaskKind, TaskStatus, UsageKind,
};
use pcentral_core::store::{Cursor, OpportunityCursor as SortCursor};
use pcentral_core::StoreError;
use pcentral_model::account::{ConnectionType, InvitationStatus, VerificationType};
use pcentral_model::selling::BulkJobStatus;
use pcentral_model::{
    AccountId, BulkJobId, Catalog, ConnectionId, CustomerAccountId, EngagementId, EngagementInvitationId,
    EngagementTaskId, InvitationId, Millis, OpportunityId, PartnerId, ProfileId, ProfileTaskId, SolutionId,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::sql::{Db, Param};

/// Statement parameters: `p![a, b, c]` is a `&[Param]`.
macro_rules! p {
    ($($x:expr),* $(,)?) => { &[$(crate::tx::ToParam::to_param(&$x)),*] as &[crate::sql::Param<'_>] };
}

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
mod migration;
mod opportunities;
mod partners;
mod qualifications;
mod selling_settings;
mod service;
mod snapshots;
mod solutions;
mod verification;

pub use service::ServiceCache;

/// Values that can be statement parameters.
pub trait ToParam {
    fn to_param(&self) -> Param<'_>;
}

impl ToParam for str {
    fn to_param(&self) -> Param<'_> {
        Param::Text(self)
    }
}

impl ToParam for i64 {
    fn to_param(&self) -> Param<'_> {
        Param::Int(*self)
    }
}

impl ToParam for bool {
    fn to_param(&self) -> Param<'_> {
        Param::Int(i64::from(*self))
    }
}

impl ToParam for Option<i64> {
    fn to_param(&self) -> Param<'_> {
        Param::OptInt(*self)
    }
}

impl ToParam for Option<&str> {
    fn to_param(&self) -> Param<'_> {
        Param::OptText(*self)
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Param<'_> {
        (**self).to_param()
    }
}

/// Types written as their text, and their optional forms (NULL when absent).
macro_rules! text_param {
    ($($t:ty),*) => {$(
        impl ToParam for $t {
            fn to_param(&self) -> Param<'_> {
                Param::Text(self.as_str())
            }
        }

        impl ToParam for Option<$t> {
            fn to_param(&self) -> Param<'_> {
                Param::OptText(self.as_ref().map(|v| v.as_str()))
            }
        }
    )*};
}

text_param!(
    String,
    BulkJobId,
    BulkJobKind,
    BulkJobStatus,
    EngagementTaskId,
    EngagementTaskKind,
    TaskStatus,
    Catalog,
    AccountId,
    PartnerId,
    ProfileId,
    ProfileTaskId,
    InvitationId,
    ConnectionId,
    QualificationsTaskId,
    OpportunityId,
    EngagementId,
    EngagementInvitationId,
    SolutionId,
    CustomerAccountId
);
text_param!(ConnectionType, InvitationStatus, VerificationType, QualificationsTaskKind, UsageKind, DetailType);
text_param!(pcentral_model::account::ConnectionTypeStatus);
text_param!(pcentral_model::selling::ResourceType);

fn to_doc<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(e.to_string()))
}

fn from_doc<T: DeserializeOwned>(doc: &str) -> Result<T, StoreError> {
    serde_json::from_str(doc).map_err(|e| StoreError::Backend(format!("stored record unreadable: {e}")))
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A backend transaction seen as typed records.
pub struct SqlTx<'c, D> {
    pub db: D,
    pub cache: &'c ServiceCache,
    /// The service row as this transaction read it (read once per transaction).
    row: Option<std::sync::Arc<service::ServiceRow>>,
    /// For a read transaction: the store's commit count read before it began.
    commits: Option<u64>,
    /// What the transaction reads of the service row is committed, so it
    /// may go into the shared cache: false in SQLite's shared write batch
    /// and once the transaction changed the row itself.
    shares_row: bool,
}

impl<'c, D: Db> SqlTx<'c, D> {
    /// A transaction of its own.
    pub fn new(db: D, cache: &'c ServiceCache) -> Self {
        SqlTx { db, cache, row: None, commits: None, shares_row: true }
    }

    /// A read transaction that began after the store's commit count
    /// (`Store::commits`) was `commits`.
    pub fn reading(db: D, cache: &'c ServiceCache, commits: u64) -> Self {
        SqlTx { commits: Some(commits), ..SqlTx::new(db, cache) }
    }

    /// A call in a write batch other calls share (it may see their changes before they commit).
    pub fn in_batch(db: D, cache: &'c ServiceCache) -> Self {
        SqlTx { shares_row: false, ..SqlTx::new(db, cache) }
    }

    fn one<T: DeserializeOwned>(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Option<T>, StoreError> {
        self.db.texts(sql, params)?.first().map(|doc| from_doc(doc)).transpose()
    }

    fn all<T: DeserializeOwned>(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<T>, StoreError> {
        self.db.texts(sql, params)?.iter().map(|doc| from_doc(doc)).collect()
    }

    fn exec(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        self.db.exec(sql, params)
    }
}

/// The two accounts of a pair in a fixed order (the index columns of pair constraints).
fn pair<'s>(a: &'s AccountId, b: &'s AccountId) -> (&'s AccountId, &'s AccountId) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// is at or before `bound`, oldest first: about `batch` of them (rows
/// A statement under construction: SQL text with numbered placeholders and
/// the parameters they stand for.
struct ListingQuery<'a> {
    sql: String,
    params: Vec<Param<'a>>,
}

impl<'a> ListingQuery<'a> {
    fn new(sql: &str) -> ListingQuery<'a> {
        ListingQuery { sql: sql.to_string(), params: Vec::new() }
    }

    /// Append `fragment`, whose `?` stand for `params` in order.
    fn push(&mut self, fragment: &str, params: &[Param<'a>]) {
        let mut parts = fragment.split('?');
        if let Some(first) = parts.next() {
            self.sql.push_str(first);
        }
        for (part, param) in parts.zip(params) {
            self.params.push(*param);
            self.sql.push_str(&format!("?{}", self.params.len()));
            self.sql.push_str(part);
        }
    }

    /// ` AND column IN (?, ?, …)`.
    fn push_in(&mut self, column: &str, values: &'a [impl ToParam]) {
        let marks = vec!["?"; values.len()].join(", ");
        let params: Vec<Param<'a>> = values.iter().map(|v| v.to_param()).collect();
        self.push(&format!(" AND {column} IN ({marks})"), &params);
    }

    /// The page of a list sorted by one `column` (ties by id ascending):
    /// the keyset condition after `after`, the order and the limit.
    fn push_sorted_page(&mut self, column: &str, descending: bool, after: &'a Option<SortCursor>, limit: usize) {
        let (cmp, dir) = if descending { ("<", "DESC") } else { (">", "ASC") };
        if let Some(c) = after {
            let value = match &c.value {
                SortValue::Int(v) => Param::Int(*v),
                SortValue::Text(v) => Param::Text(v),
            };
            if column == "id" {
                self.push(&format!(" AND id {cmp} ?"), &[Param::Text(&c.id)]);
            } else {
                // The bound on the column alone comes first so that both backends seek the
                // index to the cursor; an OR of the two cases would make SQLite gather and
                // sort every row past it (a middle page of 100 k cost ~50x the first).
                self.push(
                    &format!(" AND {column} {cmp}= ? AND ({column} {cmp} ? OR id > ?)"),
                    &[value, value, Param::Text(&c.id)],
                );
            }
        }
        let limit = Param::Int(self::limit(limit));
        if column == "id" {
            self.push(&format!(" ORDER BY id {dir} LIMIT ?"), &[limit]);
        } else {
            self.push(&format!(" ORDER BY {column} {dir}, id ASC LIMIT ?"), &[limit]);
        }
    }

    /// ` AND` the invitation status at service time `now` is `status`: a
    /// stored PENDING is EXPIRED from its expiry on (docs/behaviour.md#invitations).
    fn push_status(&mut self, status: Option<InvitationStatus>, now: Millis) {
        match status {
            Some(InvitationStatus::Pending) => {
                self.push(" AND status = 'PENDING' AND expires_at > ?", &[Param::Int(now)])
            }
            Some(InvitationStatus::Expired) => {
                self.push(" AND (status = 'EXPIRED' OR (status = 'PENDING' AND expires_at <= ?))", &[Param::Int(now)])
            }
            Some(other) => self.push(" AND status = ?", &[Param::Text(other.as_str())]),
            None => {}
        }
    }

    /// The keyset condition: strictly after `cursor` in (created_at DESC, id ASC) order.
    fn push_after(&mut self, id_column: &str, cursor: &'a Option<Cursor>) {
        if let Some(c) = cursor {
            // `created_at <= ?` first: a range the list's index seeks to, so a
            // page deep in the list costs what the first page costs.
            self.push(
                &format!(" AND created_at <= ? AND (created_at < ? OR {id_column} > ?)"),
                &[Param::Int(c.created_at), Param::Int(c.created_at), Param::Text(&c.id)],
            );
        }
    }
}

/// A LIKE pattern (escape character `!`) matching text that contains `text`.
fn like_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.chars() {
        if matches!(c, '!' | '%' | '_') {
            out.push('!');
        }
        out.push(c);
    }
    out.push('%');
    out
}
