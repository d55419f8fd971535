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

use pcentral_core::records::{
    AccountRecord, Connection, ConnectionPreferences, DetailType, EmailCode, EventDelivery, EventFilter, FaultRule,
    IdempotencyRecord, Invitation, NewEvent, OutboxMessage, Partner, ProfileTask, QualificationsAssociation,
    QualificationsGroup, QualificationsTask, QualificationsTaskId, QualificationsTaskKind, ServiceState,
    StoredCredential, StoredEvent, UsageKind, Verification,
};
use pcentral_core::store::{
    ConnectionQuery, Cursor, InvitationQuery, Purge, Purged, QualificationsRecords, Record, ResetScope, Tx, TypeFilter,
};
use pcentral_core::StoreError;
use pcentral_model::wire::{ConnectionType, InvitationStatus, ParticipantType, VerificationType};
use pcentral_model::{AccountId, Catalog, ConnectionId, InvitationId, Millis, PartnerId, ProfileId, ProfileTaskId};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::sql::{Cell, Db, Param};

/// Statement parameters: `p![a, b, c]` is a `&[Param]`.
macro_rules! p {
    ($($x:expr),* $(,)?) => { &[$(crate::records::ToParam::to_param(&$x)),*] as &[Param<'_>] };
}

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
    Catalog,
    AccountId,
    PartnerId,
    ProfileId,
    ProfileTaskId,
    InvitationId,
    ConnectionId,
    QualificationsTaskId
);
text_param!(ConnectionType, InvitationStatus, VerificationType, QualificationsTaskKind, UsageKind, DetailType);
text_param!(pcentral_model::wire::ConnectionTypeStatus);

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

/// The service state row as last parsed, shared by a store's transactions:
/// every call reads the row (another node may have changed it), but parses it
/// only when its text changed.
#[derive(Default)]
pub struct ServiceCache {
    parsed: std::sync::Mutex<Option<std::sync::Arc<ServiceRow>>>,
}

/// The service state row, parsed.
struct ServiceRow {
    doc: String,
    faults_doc: String,
    state: ServiceState,
    faults: Vec<FaultRule>,
}

/// The tables of the records a fixture holds.
const RECORD_TABLES: [&str; 12] = [
    "accounts",
    "partners",
    "profile_tasks",
    "connection_preferences",
    "connection_invitations",
    "connections",
    "verifications",
    "qualifications_tasks",
    "qualifications_associations",
    "qualifications_groups",
    "credentials",
    "email_codes",
];

/// How [`Tx::visit_records`] reads each kind of record, in the order of [`Record`].
type ReadRecord = fn(&str) -> Result<Record, StoreError>;
const RECORD_QUERIES: [(&str, ReadRecord); 12] = [
    ("SELECT doc FROM accounts ORDER BY account", |d| from_doc(d).map(Record::Account)),
    ("SELECT doc FROM connection_preferences ORDER BY catalog, account", |d| {
        from_doc(d).map(Record::ConnectionPreferences)
    }),
    ("SELECT doc FROM connections ORDER BY catalog, created_at, id", |d| from_doc(d).map(Record::Connection)),
    ("SELECT doc FROM credentials ORDER BY access_key_id", |d| from_doc(d).map(Record::Credential)),
    ("SELECT doc FROM email_codes ORDER BY catalog, address", |d| from_doc(d).map(Record::EmailCode)),
    ("SELECT doc FROM connection_invitations ORDER BY catalog, created_at, id", |d| {
        from_doc(d).map(Record::Invitation)
    }),
    ("SELECT doc FROM partners ORDER BY catalog, id", |d| from_doc(d).map(Record::Partner)),
    ("SELECT doc FROM profile_tasks ORDER BY seq", |d| from_doc(d).map(Record::ProfileTask)),
    ("SELECT doc FROM qualifications_associations ORDER BY seq", |d| {
        from_doc(d).map(Record::QualificationsAssociation)
    }),
    ("SELECT doc FROM qualifications_groups ORDER BY catalog, primary_account", |d| {
        from_doc(d).map(Record::QualificationsGroup)
    }),
    ("SELECT doc FROM qualifications_tasks ORDER BY seq", |d| from_doc(d).map(Record::QualificationsTask)),
    ("SELECT doc FROM verifications ORDER BY account, verification_type", |d| from_doc(d).map(Record::Verification)),
];

impl ServiceCache {
    fn get(&self, doc: String, faults_doc: String) -> Result<std::sync::Arc<ServiceRow>, StoreError> {
        let mut parsed = self.parsed.lock().map_err(|_| StoreError::Backend("service cache poisoned".into()))?;
        if let Some(row) = parsed.as_ref().filter(|r| r.doc == doc && r.faults_doc == faults_doc) {
            return Ok(row.clone());
        }
        let row =
            std::sync::Arc::new(ServiceRow { state: from_doc(&doc)?, faults: from_doc(&faults_doc)?, doc, faults_doc });
        *parsed = Some(row.clone());
        Ok(row)
    }
}

/// A backend transaction seen as typed records.
pub struct RecordTx<'c, D> {
    pub db: D,
    pub cache: &'c ServiceCache,
    /// The service row as this transaction read it (read once per transaction).
    row: Option<std::sync::Arc<ServiceRow>>,
}

impl<'c, D: Db> RecordTx<'c, D> {
    pub fn new(db: D, cache: &'c ServiceCache) -> Self {
        RecordTx { db, cache, row: None }
    }

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

    fn one<T: DeserializeOwned>(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Option<T>, StoreError> {
        self.db.texts(sql, params)?.first().map(|doc| from_doc(doc)).transpose()
    }

    fn all<T: DeserializeOwned>(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<T>, StoreError> {
        self.db.texts(sql, params)?.iter().map(|doc| from_doc(doc)).collect()
    }

    fn exec(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError> {
        self.db.exec(sql, params)
    }

    /// Rewrite the rows that index `c`: `connection_active_types` (whose key
    /// allows one ACTIVE entry per catalog, pair and type across all
    /// connections) and the per-participant listing rows.
    fn index_connection(&mut self, c: &Connection) -> Result<(), StoreError> {
        for table in ["connection_active_types", "connection_members", "connection_type_members"] {
            self.exec(&format!("DELETE FROM {table} WHERE catalog = ?1 AND connection_id = ?2"), p![c.catalog, c.id])?;
        }
        let (lo, hi) = pair(&c.participants[0], &c.participants[1]);
        for (kind, entry) in &c.types {
            if entry.status == pcentral_model::wire::ConnectionTypeStatus::Active {
                self.exec(
                    "INSERT INTO connection_active_types (catalog, account_lo, account_hi, connection_type, connection_id)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    p![c.catalog, lo, hi, kind, c.id],
                )?;
            }
        }
        for account in &c.participants {
            let other = c.other_participant(account);
            self.exec(
                "INSERT INTO connection_members (catalog, account, connection_id, other_account, created_at, live)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                p![c.catalog, account, c.id, other, c.created_at, c.is_live()],
            )?;
            for (kind, entry) in &c.types {
                self.exec(
                    "INSERT INTO connection_type_members
                     (catalog, account, connection_id, connection_type, status, other_account, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    p![c.catalog, account, c.id, kind, entry.status, other, c.created_at],
                )?;
            }
        }
        Ok(())
    }

    /// Rewrite the per-participant listing rows of `i`.
    fn index_invitation(&mut self, i: &Invitation) -> Result<(), StoreError> {
        self.exec("DELETE FROM invitation_members WHERE catalog = ?1 AND invitation_id = ?2", p![i.catalog, i.id])?;
        let sides = [
            (&i.sender_account, ParticipantType::Sender, i.receiver_identifier.as_str()),
            (&i.receiver_account, ParticipantType::Receiver, i.sender_profile_id.as_str()),
        ];
        for (account, role, other) in sides {
            self.exec(
                "INSERT INTO invitation_members
                 (catalog, account, invitation_id, role, other_identifier, connection_type, status, expires_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                p![i.catalog, account, i.id, role.as_str(), other, i.connection_type, i.status, i.expires_at, i.created_at],
            )?;
        }
        Ok(())
    }

    /// Rewrite the partner's rows in `partner_domains`, whose key allows one
    /// partner per (catalog, domain).
    fn index_domains(&mut self, p: &Partner) -> Result<(), StoreError> {
        self.exec("DELETE FROM partner_domains WHERE catalog = ?1 AND partner_id = ?2", p![p.catalog, p.id])?;
        for d in &p.domains {
            self.exec(
                "INSERT INTO partner_domains (catalog, domain, partner_id) VALUES (?1, ?2, ?3)",
                p![p.catalog, d.domain_name, p.id],
            )?;
        }
        Ok(())
    }

    /// Index every stored invitation and connection in the listing tables,
    /// fill the columns that a schema change added from the documents, and
    /// move fault rules into their column: the data step of the migration
    /// that introduced them (run once, inside the migration's transaction).
    /// Delete the rows of `table` (also matching `also`) whose time `column`
    /// is at or before `bound`, oldest first: about `batch` of them (rows
    /// sharing the batch's last time go with it). Answers how many went.
    fn purge_oldest(
        &mut self,
        table: &str,
        column: &str,
        also: &str,
        bound: Millis,
        batch: usize,
    ) -> Result<u64, StoreError> {
        let offset = i64::try_from(batch.saturating_sub(1)).unwrap_or(i64::MAX);
        let nth = self.db.cells(
            &format!("SELECT {column} FROM {table} WHERE {column} <= ?1{also} ORDER BY {column} LIMIT 1 OFFSET ?2"),
            p![bound, offset],
        )?;
        let upto = nth.first().and_then(|row| row.first()).and_then(Cell::int).unwrap_or(bound);
        self.exec(&format!("DELETE FROM {table} WHERE {column} <= ?1{also}"), p![upto])
    }

    /// Fill the time columns retention deletes by from the stored documents
    /// (a migration's data step).
    pub fn fill_retention_times(&mut self) -> Result<(), StoreError> {
        let codes: Vec<EmailCode> = self.all("SELECT doc FROM email_codes", p![])?;
        for c in &codes {
            self.exec(
                "UPDATE email_codes SET expires_at = ?3 WHERE catalog = ?1 AND address = ?2",
                p![c.catalog, c.address, c.expires_at],
            )?;
        }
        for (id, doc) in self.db.int_texts("SELECT id, doc FROM outbox", p![])? {
            let m: OutboxMessage = from_doc(&doc)?;
            self.exec("UPDATE outbox SET sent_at = ?2 WHERE id = ?1", p![id, m.sent_at])?;
        }
        let records: Vec<IdempotencyRecord> = self.all("SELECT doc FROM idempotency", p![])?;
        for r in &records {
            self.exec(
                "UPDATE idempotency SET created_at = ?4 WHERE account = ?1 AND operation = ?2 AND token = ?3",
                p![r.account, r.operation, r.token, r.created_at],
            )?;
        }
        Ok(())
    }

    pub fn reindex_documents(&mut self) -> Result<(), StoreError> {
        let invitations: Vec<Invitation> = self.all("SELECT doc FROM connection_invitations", p![])?;
        for i in &invitations {
            self.index_invitation(i)?;
        }
        let connections: Vec<Connection> = self.all("SELECT doc FROM connections", p![])?;
        for c in &connections {
            self.index_connection(c)?;
        }
        let tasks: Vec<QualificationsTask> = self.all("SELECT doc FROM qualifications_tasks", p![])?;
        for t in &tasks {
            self.exec(
                "UPDATE qualifications_tasks SET owner_account = ?2, primary_account = ?3 WHERE task_id = ?1",
                p![t.task_id, t.owner_account, t.primary_account],
            )?;
        }
        for (id, doc) in self.db.int_texts("SELECT id, doc FROM outbox", p![])? {
            let m: OutboxMessage = from_doc(&doc)?;
            self.exec("UPDATE outbox SET catalog = ?2 WHERE id = ?1", p![id, m.catalog])?;
        }
        // Idempotency records stored before their catalog had a column: the
        // catalog of the answer (top level, or the accepted connection's).
        let records: Vec<serde_json::Value> = self.all("SELECT doc FROM idempotency", p![])?;
        for r in records {
            let text = |path: &[&str]| {
                path.iter().try_fold(&r, |v, k| v.get(k)).and_then(serde_json::Value::as_str).map(str::to_string)
            };
            let catalog = text(&["response", "Catalog"]).or_else(|| text(&["response", "Connection", "Catalog"]));
            let (Some(account), Some(operation), Some(token)) =
                (text(&["account"]), text(&["operation"]), text(&["token"]))
            else {
                continue;
            };
            self.exec(
                "UPDATE idempotency SET catalog = ?4 WHERE account = ?1 AND operation = ?2 AND token = ?3",
                p![account, operation, token, catalog],
            )?;
        }
        let accounts: Vec<AccountRecord> = self.all("SELECT doc FROM accounts", p![])?;
        for a in &accounts {
            let seller = a.seller_profile.as_ref().map(|s| s.id.as_str());
            self.exec("UPDATE accounts SET seller_profile_id = ?2 WHERE account = ?1", p![a.account, seller])?;
        }
        let state: Option<serde_json::Value> = self.one("SELECT doc FROM service_state WHERE id = 1", p![])?;
        if let Some(mut state) = state {
            let faults = state.get("faults").cloned().unwrap_or_else(|| serde_json::json!([]));
            if let Some(map) = state.as_object_mut() {
                map.remove("faults");
            }
            self.exec(
                "UPDATE service_state SET doc = ?1, faults = ?2 WHERE id = 1",
                p![to_doc(&state)?, to_doc(&faults)?],
            )?;
        }
        Ok(())
    }
}

/// The columns [`stored_event`] reads, in its order.
const EVENT_COLUMNS: &str =
    "seq, account, catalog, detail_type, time, doc, attempts, next_attempt_at, delivered_at, last_error";

/// An event row selected with [`EVENT_COLUMNS`].
fn stored_event(row: &[Cell]) -> Result<StoredEvent, StoreError> {
    let bad = || StoreError::Backend("stored event row unreadable".into());
    let int = |i: usize| row.get(i).and_then(Cell::int);
    let text = |i: usize| row.get(i).and_then(Cell::text).map(str::to_string);
    let parse = |i: usize| -> Result<String, StoreError> { text(i).ok_or_else(bad) };
    Ok(StoredEvent {
        seq: int(0).ok_or_else(bad)?,
        account: AccountId::parse(&parse(1)?).map_err(|_| bad())?,
        catalog: parse(2)?.parse().map_err(|_| bad())?,
        detail_type: parse(3)?.parse().map_err(|_| bad())?,
        time: int(4).ok_or_else(bad)?,
        event: from_doc(&parse(5)?)?,
        delivery: EventDelivery {
            attempts: int(6).unwrap_or(0),
            next_attempt_at: int(7),
            delivered_at: int(8),
            last_error: text(9),
        },
    })
}

/// The two accounts of a pair in a fixed order (the index columns of pair constraints).
fn pair<'s>(a: &'s AccountId, b: &'s AccountId) -> (&'s AccountId, &'s AccountId) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// A statement under construction: SQL text with numbered placeholders and
/// the parameters they stand for.
struct Query<'a> {
    sql: String,
    params: Vec<Param<'a>>,
}

impl<'a> Query<'a> {
    fn new(sql: &str) -> Query<'a> {
        Query { sql: sql.to_string(), params: Vec::new() }
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

impl<D: Db> Tx for RecordTx<'_, D> {
    fn service_state(&mut self) -> Result<ServiceState, StoreError> {
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

    fn partner_by_account(&mut self, catalog: Catalog, account: &AccountId) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND account = ?2", p![catalog, account])
    }

    fn partner_by_id(&mut self, catalog: Catalog, id: &PartnerId) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn partner_by_legal_name(&mut self, catalog: Catalog, legal_name_key: &str) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND legal_name_key = ?2", p![catalog, legal_name_key])
    }

    fn partner_by_profile_id(
        &mut self,
        catalog: Catalog,
        profile_id: &ProfileId,
    ) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND profile_id = ?2", p![catalog, profile_id])
    }

    fn insert_partner(&mut self, p: &Partner) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO partners (catalog, id, account, legal_name_key, profile_id, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            p![p.catalog, p.id, p.account, pcentral_core::partners::legal_name_key(&p.legal_name), p.profile_id, to_doc(p)?],
        )?;
        self.index_domains(p)
    }

    fn update_partner(&mut self, p: &Partner) -> Result<(), StoreError> {
        self.exec(
            "UPDATE partners SET legal_name_key = ?3, doc = ?4 WHERE catalog = ?1 AND id = ?2",
            p![p.catalog, p.id, pcentral_core::partners::legal_name_key(&p.legal_name), to_doc(p)?],
        )?;
        self.index_domains(p)
    }

    fn partner_id_by_domain(&mut self, catalog: Catalog, domain: &str) -> Result<Option<PartnerId>, StoreError> {
        let id = self
            .db
            .texts("SELECT partner_id FROM partner_domains WHERE catalog = ?1 AND domain = ?2", p![catalog, domain])?
            .pop();
        id.map(|id| PartnerId::parse(&id).map_err(|e| StoreError::Backend(e.to_string()))).transpose()
    }

    fn profile_tasks(&mut self, partner_id: &PartnerId) -> Result<Vec<ProfileTask>, StoreError> {
        self.all("SELECT doc FROM profile_tasks WHERE partner_id = ?1 ORDER BY seq", p![partner_id])
    }

    fn insert_profile_task(&mut self, t: &ProfileTask) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO profile_tasks (partner_id, task_id, doc) VALUES (?1, ?2, ?3)",
            p![t.partner_id, t.task_id, to_doc(t)?],
        )?;
        Ok(())
    }

    fn update_profile_task(&mut self, t: &ProfileTask) -> Result<(), StoreError> {
        self.exec("UPDATE profile_tasks SET doc = ?2 WHERE task_id = ?1", p![t.task_id, to_doc(t)?])?;
        Ok(())
    }

    fn email_code(&mut self, catalog: Catalog, address: &str) -> Result<Option<EmailCode>, StoreError> {
        self.one("SELECT doc FROM email_codes WHERE catalog = ?1 AND address = ?2", p![catalog, address])
    }

    fn put_email_code(&mut self, c: &EmailCode) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO email_codes (catalog, address, expires_at, doc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (catalog, address) DO UPDATE SET expires_at = excluded.expires_at, doc = excluded.doc",
            p![c.catalog, c.address, c.expires_at, to_doc(c)?],
        )?;
        Ok(())
    }

    fn delete_email_code(&mut self, catalog: Catalog, address: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM email_codes WHERE catalog = ?1 AND address = ?2", p![catalog, address])?;
        Ok(())
    }

    fn append_outbox(&mut self, m: &OutboxMessage) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO outbox (address_key, catalog, sent_at, doc) VALUES (?1, ?2, ?3, ?4)",
            p![m.address.to_lowercase(), m.catalog, m.sent_at, to_doc(m)?],
        )?;
        Ok(())
    }

    fn outbox(&mut self, address: Option<&str>) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows = self.db.int_texts(
            "SELECT id, doc FROM outbox WHERE ?1 = '' OR address_key = ?1 ORDER BY id",
            p![address.map(str::to_lowercase).unwrap_or_default()],
        )?;
        let mut out = Vec::new();
        for (id, doc) in rows {
            let mut message: OutboxMessage = from_doc(&doc)?;
            message.id = id;
            out.push(message);
        }
        Ok(out)
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

    fn connection_preferences(
        &mut self,
        catalog: Catalog,
        account: &AccountId,
    ) -> Result<Option<ConnectionPreferences>, StoreError> {
        self.one("SELECT doc FROM connection_preferences WHERE catalog = ?1 AND account = ?2", p![catalog, account])
    }

    fn put_connection_preferences(&mut self, p: &ConnectionPreferences) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO connection_preferences (catalog, account, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (catalog, account) DO UPDATE SET doc = excluded.doc",
            p![p.catalog, p.account, to_doc(p)?],
        )?;
        Ok(())
    }

    fn invitation(&mut self, catalog: Catalog, id: &InvitationId) -> Result<Option<Invitation>, StoreError> {
        self.one("SELECT doc FROM connection_invitations WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn list_invitations(&mut self, q: &InvitationQuery) -> Result<Vec<Invitation>, StoreError> {
        let mut sql = Query::new(
            "SELECT i.doc FROM connection_invitations i JOIN (SELECT invitation_id, created_at FROM invitation_members",
        );
        sql.push(" WHERE catalog = ? AND account = ?", &[q.catalog.to_param(), q.account.to_param()]);
        if let Some(role) = q.participant_type {
            sql.push(" AND role = ?", &[Param::Text(role.as_str())]);
        }
        if let Some(kind) = q.connection_type {
            sql.push(" AND connection_type = ?", &[Param::Text(kind.as_str())]);
        }
        sql.push_status(q.status, q.now);
        if !q.other_identifiers.is_empty() {
            sql.push_in("other_identifier", &q.other_identifiers);
        }
        sql.push_after("invitation_id", &q.after);
        sql.push(" ORDER BY created_at DESC, invitation_id ASC LIMIT ?", &[Param::Int(limit(q.limit))]);
        sql.push(
            ") m ON i.id = m.invitation_id WHERE i.catalog = ? ORDER BY m.created_at DESC, m.invitation_id ASC",
            &[q.catalog.to_param()],
        );
        self.all(&sql.sql, &sql.params)
    }

    fn stored_pending_invitations(
        &mut self,
        catalog: Catalog,
        pair_of: [&AccountId; 2],
        connection_type: ConnectionType,
    ) -> Result<Vec<Invitation>, StoreError> {
        let (lo, hi) = pair(pair_of[0], pair_of[1]);
        self.all(
            "SELECT doc FROM connection_invitations
             WHERE catalog = ?1 AND pair_lo = ?2 AND pair_hi = ?3 AND connection_type = ?4 AND status = 'PENDING'
             ORDER BY created_at DESC, id ASC",
            p![catalog, lo, hi, connection_type],
        )
    }

    fn count_open_invitations(&mut self, catalog: Catalog, sender: &AccountId, now: Millis) -> Result<u64, StoreError> {
        let n = self.db.int(
            "SELECT COUNT(*) FROM connection_invitations
                 WHERE catalog = ?1 AND sender = ?2 AND status = 'PENDING' AND expires_at > ?3",
            p![catalog, sender, now],
        )?;
        Ok(count(n))
    }

    fn insert_invitation(&mut self, i: &Invitation) -> Result<(), StoreError> {
        let (lo, hi) = pair(&i.sender_account, &i.receiver_account);
        self.exec(
            "INSERT INTO connection_invitations
             (catalog, id, sender, receiver, pair_lo, pair_hi, connection_type, status, created_at, expires_at, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            p![
                i.catalog,
                i.id,
                i.sender_account,
                i.receiver_account,
                lo,
                hi,
                i.connection_type,
                i.status,
                i.created_at,
                i.expires_at,
                to_doc(i)?
            ],
        )?;
        self.index_invitation(i)
    }

    fn update_invitation(&mut self, i: &Invitation) -> Result<(), StoreError> {
        self.exec(
            "UPDATE connection_invitations SET status = ?3, doc = ?4 WHERE catalog = ?1 AND id = ?2",
            p![i.catalog, i.id, i.status, to_doc(i)?],
        )?;
        self.index_invitation(i)
    }

    fn expired_pending_invitations(&mut self, now: Millis, n: usize) -> Result<Vec<Invitation>, StoreError> {
        self.all(
            "SELECT doc FROM connection_invitations WHERE status = 'PENDING' AND expires_at <= ?1
             ORDER BY expires_at, catalog, id LIMIT ?2",
            p![now, limit(n)],
        )
    }

    fn connection(&mut self, catalog: Catalog, id: &ConnectionId) -> Result<Option<Connection>, StoreError> {
        self.one("SELECT doc FROM connections WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn list_connections(&mut self, q: &ConnectionQuery) -> Result<Vec<Connection>, StoreError> {
        let table = match q.types {
            TypeFilter::Any | TypeFilter::Live => "connection_members",
            TypeFilter::LiveWith(_) | TypeFilter::TypeStatus(..) => "connection_type_members",
        };
        let mut sql =
            Query::new(&format!("SELECT c.doc FROM connections c JOIN (SELECT connection_id, created_at FROM {table}"));
        sql.push(" WHERE catalog = ? AND account = ?", &[q.catalog.to_param(), q.account.to_param()]);
        match q.types {
            TypeFilter::Any => {}
            TypeFilter::Live => sql.push(" AND live = 1", &[]),
            TypeFilter::LiveWith(kind) => sql.push(
                " AND connection_type = ? AND connection_id IN (SELECT id FROM connections WHERE catalog = ? AND live = 1)",
                &[Param::Text(kind.as_str()), q.catalog.to_param()],
            ),
            TypeFilter::TypeStatus(kind, status) => sql.push(
                " AND connection_type = ? AND status = ?",
                &[Param::Text(kind.as_str()), Param::Text(status.as_str())],
            ),
        }
        if let Some(others) = &q.others {
            if others.is_empty() {
                return Ok(Vec::new());
            }
            sql.push_in("other_account", others);
        }
        sql.push_after("connection_id", &q.after);
        sql.push(" ORDER BY created_at DESC, connection_id ASC LIMIT ?", &[Param::Int(limit(q.limit))]);
        sql.push(
            ") m ON c.id = m.connection_id WHERE c.catalog = ? ORDER BY m.created_at DESC, m.connection_id ASC",
            &[q.catalog.to_param()],
        );
        self.all(&sql.sql, &sql.params)
    }

    fn live_connection_between(
        &mut self,
        catalog: Catalog,
        pair_of: [&AccountId; 2],
    ) -> Result<Option<Connection>, StoreError> {
        let (lo, hi) = pair(pair_of[0], pair_of[1]);
        self.one(
            "SELECT doc FROM connections WHERE catalog = ?1 AND account_lo = ?2 AND account_hi = ?3 AND live = 1",
            p![catalog, lo, hi],
        )
    }

    fn count_live_connections(&mut self, catalog: Catalog, account: &AccountId) -> Result<u64, StoreError> {
        let n = self.db.int(
            "SELECT COUNT(*) FROM connection_members WHERE catalog = ?1 AND account = ?2 AND live = 1",
            p![catalog, account],
        )?;
        Ok(count(n))
    }

    fn insert_connection(&mut self, c: &Connection) -> Result<(), StoreError> {
        let (lo, hi) = pair(&c.participants[0], &c.participants[1]);
        self.exec(
            "INSERT INTO connections (catalog, id, account_lo, account_hi, created_at, live, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            p![c.catalog, c.id, lo, hi, c.created_at, c.is_live(), to_doc(c)?],
        )?;
        self.index_connection(c)
    }

    fn update_connection(&mut self, c: &Connection) -> Result<(), StoreError> {
        self.exec(
            "UPDATE connections SET live = ?3, doc = ?4 WHERE catalog = ?1 AND id = ?2",
            p![c.catalog, c.id, c.is_live(), to_doc(c)?],
        )?;
        self.index_connection(c)
    }

    fn verification(
        &mut self,
        account: &AccountId,
        verification_type: VerificationType,
    ) -> Result<Option<Verification>, StoreError> {
        self.one(
            "SELECT doc FROM verifications WHERE account = ?1 AND verification_type = ?2",
            p![account, verification_type],
        )
    }

    fn verification_by_token(&mut self, token: &str) -> Result<Option<Verification>, StoreError> {
        self.one("SELECT doc FROM verifications WHERE completion_token = ?1", p![token])
    }

    fn put_verification(&mut self, v: &Verification) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO verifications (account, verification_type, completion_token, doc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account, verification_type)
             DO UPDATE SET completion_token = excluded.completion_token, doc = excluded.doc",
            p![v.account, v.verification_type, v.completion_token, to_doc(v)?],
        )?;
        Ok(())
    }

    fn qualifications_tasks_of(
        &mut self,
        catalog: Catalog,
        owner_partner_id: &PartnerId,
        kind: QualificationsTaskKind,
    ) -> Result<Vec<QualificationsTask>, StoreError> {
        self.all(
            "SELECT doc FROM qualifications_tasks WHERE catalog = ?1 AND owner_partner_id = ?2 AND kind = ?3
             ORDER BY seq",
            p![catalog, owner_partner_id, kind],
        )
    }

    fn qualifications_task(
        &mut self,
        catalog: Catalog,
        task_id: &QualificationsTaskId,
    ) -> Result<Option<QualificationsTask>, StoreError> {
        self.one("SELECT doc FROM qualifications_tasks WHERE catalog = ?1 AND task_id = ?2", p![catalog, task_id])
    }

    fn qualifications_of(
        &mut self,
        catalog: Catalog,
        accounts: &[&AccountId],
    ) -> Result<QualificationsRecords, StoreError> {
        let within = |sql: &str, columns: &[&str]| {
            let mut q = Query::new(sql);
            q.push(" WHERE catalog = ?", &[catalog.to_param()]);
            let marks = vec!["?"; accounts.len()].join(", ");
            let tests: Vec<String> = columns.iter().map(|c| format!("{c} IN ({marks})")).collect();
            let params: Vec<Param<'_>> = columns.iter().flat_map(|_| accounts.iter().map(|a| a.to_param())).collect();
            q.push(&format!(" AND ({})", tests.join(" OR ")), &params);
            q
        };
        let mut tasks = within("SELECT doc FROM qualifications_tasks", &["owner_account", "primary_account"]);
        tasks.push(" AND open = 1 ORDER BY seq", &[]);
        let mut associations =
            within("SELECT doc FROM qualifications_associations", &["subsidiary_account", "primary_account"]);
        associations.push(" ORDER BY seq", &[]);
        let mut groups = within("SELECT doc FROM qualifications_groups", &["primary_account"]);
        groups.push(" ORDER BY primary_account", &[]);
        Ok(QualificationsRecords {
            associations: self.all(&associations.sql, &associations.params)?,
            groups: self.all(&groups.sql, &groups.params)?,
            open_tasks: self.all(&tasks.sql, &tasks.params)?,
        })
    }

    fn insert_qualifications_task(&mut self, t: &QualificationsTask) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO qualifications_tasks
             (catalog, task_id, kind, owner_partner_id, owner_account, primary_account, open, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            p![
                t.catalog,
                t.task_id,
                t.kind(),
                t.owner_partner_id,
                t.owner_account,
                t.primary_account,
                t.ended_at.is_none(),
                to_doc(t)?
            ],
        )?;
        Ok(())
    }

    fn update_qualifications_task(&mut self, t: &QualificationsTask) -> Result<(), StoreError> {
        self.exec(
            "UPDATE qualifications_tasks SET open = ?2, doc = ?3 WHERE task_id = ?1",
            p![t.task_id, t.ended_at.is_none(), to_doc(t)?],
        )?;
        Ok(())
    }

    fn insert_qualifications_association(&mut self, a: &QualificationsAssociation) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO qualifications_associations (catalog, subsidiary_account, primary_account, doc)
             VALUES (?1, ?2, ?3, ?4)",
            p![a.catalog, a.subsidiary_account, a.primary_account, to_doc(a)?],
        )?;
        Ok(())
    }

    fn delete_qualifications_association(
        &mut self,
        catalog: Catalog,
        subsidiary_account: &AccountId,
    ) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM qualifications_associations WHERE catalog = ?1 AND subsidiary_account = ?2",
            p![catalog, subsidiary_account],
        )?;
        Ok(())
    }

    fn put_qualifications_group(&mut self, g: &QualificationsGroup) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO qualifications_groups (catalog, primary_account, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (catalog, primary_account) DO UPDATE SET doc = excluded.doc",
            p![g.catalog, g.primary_account, to_doc(g)?],
        )?;
        Ok(())
    }

    fn delete_qualifications_group(&mut self, catalog: Catalog, primary_account: &AccountId) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM qualifications_groups WHERE catalog = ?1 AND primary_account = ?2",
            p![catalog, primary_account],
        )?;
        Ok(())
    }

    fn credential(&mut self, access_key_id: &str) -> Result<Option<StoredCredential>, StoreError> {
        self.one("SELECT doc FROM credentials WHERE access_key_id = ?1", p![access_key_id])
    }

    fn insert_credential(&mut self, c: &StoredCredential) -> Result<(), StoreError> {
        self.exec("INSERT INTO credentials (access_key_id, doc) VALUES (?1, ?2)", p![c.access_key_id, to_doc(c)?])?;
        Ok(())
    }

    fn credentials(&mut self) -> Result<Vec<StoredCredential>, StoreError> {
        self.all("SELECT doc FROM credentials ORDER BY access_key_id", p![])
    }

    fn account(&mut self, account: &AccountId) -> Result<Option<AccountRecord>, StoreError> {
        self.one("SELECT doc FROM accounts WHERE account = ?1", p![account])
    }

    fn accounts_with_seller_profile(&mut self, seller_profile_id: &str) -> Result<Vec<AccountRecord>, StoreError> {
        self.all("SELECT doc FROM accounts WHERE seller_profile_id = ?1 ORDER BY account", p![seller_profile_id])
    }

    fn accounts(&mut self) -> Result<Vec<AccountRecord>, StoreError> {
        self.all("SELECT doc FROM accounts ORDER BY account", p![])
    }

    fn put_account(&mut self, a: &AccountRecord) -> Result<(), StoreError> {
        let seller = a.seller_profile.as_ref().map(|s| s.id.as_str());
        self.exec(
            "INSERT INTO accounts (account, seller_profile_id, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (account) DO UPDATE SET seller_profile_id = excluded.seller_profile_id, doc = excluded.doc",
            p![a.account, seller, to_doc(a)?],
        )?;
        Ok(())
    }

    fn delete_account(&mut self, account: &AccountId) -> Result<bool, StoreError> {
        let mut removed = self.exec("DELETE FROM accounts WHERE account = ?1", p![account])?;
        for c in self.credentials()?.into_iter().filter(|c| &c.account == account) {
            removed += self.exec("DELETE FROM credentials WHERE access_key_id = ?1", p![c.access_key_id])?;
        }
        Ok(removed > 0)
    }

    fn reset(&mut self, scope: &ResetScope) -> Result<(), StoreError> {
        self.reset_records(scope)
    }

    fn visit_records(&mut self, visit: &mut dyn FnMut(Record) -> Result<(), StoreError>) -> Result<(), StoreError> {
        for (sql, read) in RECORD_QUERIES {
            self.db.each_text(sql, p![], &mut |doc| visit(read(doc)?))?;
        }
        Ok(())
    }

    fn purge(&mut self, p: &Purge) -> Result<Purged, StoreError> {
        Ok(Purged {
            idempotency: self.purge_oldest("idempotency", "created_at", "", p.idempotency_created_by, p.batch)?,
            usage: self.purge_oldest("usage", "at", "", p.usage_at_or_before, p.batch)?,
            email_codes: self.purge_oldest("email_codes", "expires_at", "", p.email_codes_expired_by, p.batch)?,
            // Only events that will not be posted again (delivered, given up, or without a webhook).
            events: self.purge_oldest(
                "events",
                "time",
                " AND next_attempt_at IS NULL",
                p.logs_at_or_before,
                p.batch,
            )?,
            outbox: self.purge_oldest("outbox", "sent_at", "", p.logs_at_or_before, p.batch)?,
        })
    }

    fn holds_records(&mut self) -> Result<bool, StoreError> {
        for table in RECORD_TABLES {
            if self.db.int(&format!("SELECT COUNT(*) FROM (SELECT 1 FROM {table} LIMIT 1) AS one"), p![])? > 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn append_event(&mut self, e: &NewEvent) -> Result<bool, StoreError> {
        let next: Option<i64> = e.deliver.then_some(0);
        let n = self.exec(
            "INSERT INTO events (account, catalog, detail_type, time, unique_key, doc, attempts, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7) ON CONFLICT (unique_key) DO NOTHING",
            p![e.account, e.catalog, e.detail_type, e.time, e.unique_key, to_doc(&e.event)?, next],
        )?;
        Ok(n > 0)
    }

    fn events(&mut self, f: &EventFilter) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = self.db.cells(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM events
                 WHERE (?1 = '' OR account = ?1) AND (?2 = '' OR detail_type = ?2) AND seq > ?3
                 ORDER BY seq LIMIT ?4"
            ),
            p![
                f.account.as_ref().map(AccountId::as_str).unwrap_or_default(),
                f.detail_type.map(DetailType::as_str).unwrap_or_default(),
                f.after.unwrap_or(0),
                f.limit.map_or(i64::MAX, limit)
            ],
        )?;
        rows.iter().map(|r| stored_event(r)).collect()
    }

    fn due_events(&mut self, wall: Millis, n: usize) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = self.db.cells(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM events
                 WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ?1 AND delivered_at IS NULL
                 ORDER BY seq LIMIT ?2"
            ),
            p![wall, limit(n)],
        )?;
        rows.iter().map(|r| stored_event(r)).collect()
    }

    fn put_event_delivery(&mut self, seq: i64, d: &EventDelivery) -> Result<(), StoreError> {
        self.exec(
            "UPDATE events SET attempts = ?2, next_attempt_at = ?3, delivered_at = ?4, last_error = ?5 WHERE seq = ?1",
            p![seq, d.attempts, d.next_attempt_at, d.delivered_at, d.last_error],
        )?;
        Ok(())
    }

    // -----------------------------------------------------------------------
    // Admin-wide lists of the web console. Each condition is added only when
    // its filter is set, so that the planner can use the index it names:
    // partners by (catalog, legal_name_key); a catalog's invitations and
    // connections by `console_indexes.sql`, or, for one account, through the
    // API's own list queries and listing tables; profile tasks by sequence,
    // or by partner; verifications by their key; qualifications by
    // (catalog, subsidiary) or (catalog, primary); events by sequence, or by account.
    // -----------------------------------------------------------------------

    fn admin_partners(&mut self, q: &pcentral_core::store::AdminPartnerQuery) -> Result<Vec<Partner>, StoreError> {
        let pattern = q.name.as_deref().map(|n| like_pattern(&pcentral_core::partners::legal_name_key(n)));
        let mut sql = Query::new("SELECT doc FROM partners");
        sql.push(" WHERE catalog = ?", &[q.catalog.to_param()]);
        if let Some(account) = &q.account {
            sql.push(" AND account = ?", &[account.to_param()]);
        }
        if let Some(pattern) = &pattern {
            sql.push(" AND legal_name_key LIKE ? ESCAPE '!'", &[Param::Text(pattern)]);
        }
        if let Some(after) = &q.after {
            sql.push(" AND legal_name_key > ?", &[Param::Text(after)]);
        }
        sql.push(" ORDER BY legal_name_key LIMIT ?", &[Param::Int(limit(q.limit))]);
        self.all(&sql.sql, &sql.params)
    }

    fn admin_invitations(
        &mut self,
        q: &pcentral_core::store::AdminInvitationQuery,
    ) -> Result<Vec<Invitation>, StoreError> {
        if let Some(account) = &q.account {
            return self.list_invitations(&InvitationQuery {
                catalog: q.catalog,
                account: account.clone(),
                participant_type: None,
                connection_type: q.connection_type,
                status: q.status,
                other_identifiers: Vec::new(),
                now: q.now,
                after: q.after.clone(),
                limit: q.limit,
            });
        }
        let mut sql = Query::new("SELECT doc FROM connection_invitations");
        sql.push(" WHERE catalog = ?", &[q.catalog.to_param()]);
        if let Some(kind) = q.connection_type {
            sql.push(" AND connection_type = ?", &[Param::Text(kind.as_str())]);
        }
        sql.push_status(q.status, q.now);
        sql.push_after("id", &q.after);
        sql.push(" ORDER BY created_at DESC, id ASC LIMIT ?", &[Param::Int(limit(q.limit))]);
        self.all(&sql.sql, &sql.params)
    }

    fn admin_connections(
        &mut self,
        q: &pcentral_core::store::AdminConnectionQuery,
    ) -> Result<Vec<Connection>, StoreError> {
        if let Some(account) = &q.account {
            return self.list_connections(&ConnectionQuery {
                catalog: q.catalog,
                account: account.clone(),
                types: q.types,
                others: None,
                after: q.after.clone(),
                limit: q.limit,
            });
        }
        let mut sql = Query::new("SELECT c.doc FROM connections c");
        sql.push(" WHERE c.catalog = ?", &[q.catalog.to_param()]);
        let has_type = " AND EXISTS (SELECT 1 FROM connection_type_members m
                         WHERE m.connection_id = c.id AND m.catalog = c.catalog AND m.connection_type = ?";
        match q.types {
            TypeFilter::Any => {}
            TypeFilter::Live => sql.push(" AND c.live = 1", &[]),
            TypeFilter::LiveWith(kind) => {
                sql.push(&format!("{has_type}) AND c.live = 1"), &[Param::Text(kind.as_str())]);
            }
            TypeFilter::TypeStatus(kind, status) => sql.push(
                &format!("{has_type} AND m.status = ?)"),
                &[Param::Text(kind.as_str()), Param::Text(status.as_str())],
            ),
        }
        sql.push_after("c.id", &q.after);
        sql.push(" ORDER BY c.created_at DESC, c.id ASC LIMIT ?", &[Param::Int(limit(q.limit))]);
        self.all(&sql.sql, &sql.params)
    }

    fn admin_profile_tasks(
        &mut self,
        q: &pcentral_core::store::AdminProfileTaskQuery,
    ) -> Result<Vec<pcentral_core::store::ListedProfileTask>, StoreError> {
        let mut sql = Query::new("SELECT t.seq, t.doc FROM profile_tasks t JOIN partners p ON p.id = t.partner_id");
        sql.push(" WHERE p.catalog = ?", &[q.catalog.to_param()]);
        if let Some(account) = &q.account {
            sql.push(" AND p.account = ?", &[account.to_param()]);
        }
        if let Some(before) = q.before {
            sql.push(" AND t.seq < ?", &[Param::Int(before)]);
        }
        sql.push(" ORDER BY t.seq DESC LIMIT ?", &[Param::Int(limit(q.limit))]);
        let rows = self.db.int_texts(&sql.sql, &sql.params)?;
        rows.into_iter()
            .map(|(seq, doc)| Ok(pcentral_core::store::ListedProfileTask { seq, task: from_doc(&doc)? }))
            .collect()
    }

    fn admin_verifications(
        &mut self,
        q: &pcentral_core::store::AdminVerificationQuery,
    ) -> Result<Vec<Verification>, StoreError> {
        let mut sql = Query::new("SELECT doc FROM verifications WHERE 1 = 1");
        if let Some(account) = &q.account {
            sql.push(" AND account = ?", &[account.to_param()]);
        }
        if let Some(kind) = q.verification_type {
            sql.push(" AND verification_type = ?", &[Param::Text(kind.as_str())]);
        }
        if let Some((account, kind)) = &q.after {
            sql.push(
                " AND (account > ? OR (account = ? AND verification_type > ?))",
                &[account.to_param(), account.to_param(), Param::Text(kind.as_str())],
            );
        }
        sql.push(" ORDER BY account, verification_type LIMIT ?", &[Param::Int(limit(q.limit))]);
        self.all(&sql.sql, &sql.params)
    }

    fn admin_qualifications_subsidiaries(
        &mut self,
        q: &pcentral_core::store::AdminAssociationQuery,
    ) -> Result<Vec<AccountId>, StoreError> {
        let mut sql = Query::new("SELECT subsidiary FROM (SELECT subsidiary_account AS subsidiary");
        let halves = [
            (" FROM qualifications_associations WHERE catalog = ?", "primary_account", "subsidiary_account"),
            (
                " UNION SELECT owner_account FROM qualifications_tasks WHERE catalog = ? AND open = 1",
                "primary_account",
                "owner_account",
            ),
        ];
        for (from, primary_column, subsidiary_column) in halves {
            sql.push(from, &[q.catalog.to_param()]);
            if let Some(primary) = &q.primary {
                sql.push(&format!(" AND {primary_column} = ?"), &[primary.to_param()]);
            }
            if let Some(subsidiary) = &q.subsidiary {
                sql.push(&format!(" AND {subsidiary_column} = ?"), &[subsidiary.to_param()]);
            }
            if let Some(after) = &q.after {
                sql.push(&format!(" AND {subsidiary_column} > ?"), &[after.to_param()]);
            }
        }
        sql.push(") s ORDER BY subsidiary LIMIT ?", &[Param::Int(limit(q.limit))]);
        let rows = self.db.texts(&sql.sql, &sql.params)?;
        rows.iter().map(|a| AccountId::parse(a).map_err(|e| StoreError::Backend(e.to_string()))).collect()
    }

    fn admin_events(&mut self, q: &pcentral_core::store::AdminEventQuery) -> Result<Vec<StoredEvent>, StoreError> {
        let pattern = q.resource.as_deref().map(like_pattern);
        let mut sql = Query::new(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE 1 = 1"));
        if let Some(catalog) = &q.catalog {
            sql.push(" AND catalog = ?", &[catalog.to_param()]);
        }
        if !q.accounts.is_empty() {
            sql.push_in("account", &q.accounts);
        }
        if let Some(kind) = &q.detail_type {
            sql.push(" AND detail_type = ?", &[kind.to_param()]);
        }
        if let Some(pattern) = &pattern {
            sql.push(" AND doc LIKE ? ESCAPE '!'", &[Param::Text(pattern)]);
        }
        if let Some(before) = q.before {
            sql.push(" AND seq < ?", &[Param::Int(before)]);
        }
        sql.push(" ORDER BY seq DESC LIMIT ?", &[Param::Int(limit(q.limit))]);
        let rows = self.db.cells(&sql.sql, &sql.params)?;
        rows.iter().map(|r| stored_event(r)).collect()
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

impl<D: Db> RecordTx<'_, D> {
    /// [`Tx::reset`]: set-based deletes. Every statement takes the catalog
    /// (`?1`, `''` for all) and the account (`?2`, `''` for all), so one list
    /// serves every scope.
    fn reset_records(&mut self, scope: &ResetScope) -> Result<(), StoreError> {
        let catalog = scope.catalog.map(Catalog::as_str).unwrap_or_default();
        let account = scope.account.as_ref().map(AccountId::as_str).unwrap_or_default();
        const PARTNERS: &str = "SELECT id FROM partners WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)";
        const INVITATIONS: &str = "SELECT id FROM connection_invitations WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR sender = ?2 OR receiver = ?2)";
        const CONNECTIONS: &str = "SELECT id FROM connections WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR account_lo = ?2 OR account_hi = ?2)";
        let mut statements: Vec<String> = vec![
            format!("DELETE FROM profile_tasks WHERE partner_id IN ({PARTNERS})"),
            format!("DELETE FROM partner_domains WHERE partner_id IN ({PARTNERS})"),
            format!(
                "DELETE FROM usage WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR scope = ?2 OR scope IN ({PARTNERS}))"
            ),
            "DELETE FROM partners WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            "DELETE FROM qualifications_tasks WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR owner_account = ?2 OR primary_account = ?2)"
                .into(),
            "DELETE FROM qualifications_associations WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR subsidiary_account = ?2 OR primary_account = ?2)"
                .into(),
            "DELETE FROM qualifications_groups WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR primary_account = ?2)"
                .into(),
            "DELETE FROM connection_preferences WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            format!("DELETE FROM invitation_members WHERE invitation_id IN ({INVITATIONS})"),
            "DELETE FROM connection_invitations WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR sender = ?2 OR receiver = ?2)"
                .into(),
            "DELETE FROM connection_active_types WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR account_lo = ?2 OR account_hi = ?2)"
                .into(),
            format!("DELETE FROM connection_members WHERE connection_id IN ({CONNECTIONS})"),
            format!("DELETE FROM connection_type_members WHERE connection_id IN ({CONNECTIONS})"),
            "DELETE FROM connections WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account_lo = ?2 OR account_hi = ?2)"
                .into(),
            "DELETE FROM events WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            // Idempotency records belong to the request's catalog; a catalog
            // reset keeps those of account-level requests (no catalog).
            "DELETE FROM idempotency WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
        ];
        // Verifications belong to accounts, not catalogs: a catalog reset keeps them.
        statements.push("DELETE FROM verifications WHERE ?1 = '' AND (?2 = '' OR account = ?2)".into());
        // Codes and the outbox belong to addresses, not accounts: an account reset keeps them.
        statements.push("DELETE FROM email_codes WHERE ?2 = '' AND (?1 = '' OR catalog = ?1)".into());
        statements.push("DELETE FROM outbox WHERE ?2 = '' AND (?1 = '' OR catalog = ?1)".into());
        for sql in &statements {
            self.exec(sql, p![catalog, account])?;
        }
        if scope.everything {
            self.exec("DELETE FROM credentials", p![])?;
            self.exec("DELETE FROM accounts", p![])?;
            let mut state = self.service_state()?;
            if !scope.keep_clock {
                state.clock_offset_ms = 0;
            }
            state.settings = None;
            self.put_service_state(&state)?;
            self.put_fault_rules(&[])?;
        }
        Ok(())
    }
}
