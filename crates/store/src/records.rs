//! The typed transaction ([`pcentral_core::Tx`]) over any SQL backend.
//!
//! Records are JSON documents next to the columns that their lookups and
//! constraints need; both backends have the same tables, so every statement
//! here is written once (`?N` placeholders) and runs on SQLite and PostgreSQL.

use pcentral_core::store::{
    Connection as StoredConnection, ConnectionPreferences, EmailCode, IdempotencyRecord, Invitation, OutboxMessage,
    Partner, ProfileTask, QualificationsAssociation, QualificationsGroup, QualificationsTask, ServiceState,
    StoredCredential, Tx, Verification,
};
use pcentral_core::StoreError;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::sql::{Cell, Db, Param};
use pcentral_core::events::{EventDelivery, EventFilter, NewEvent, StoredEvent};
use pcentral_core::store::{AccountRecord, ResetScope, StoredRecords};

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

impl ToParam for String {
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

impl ToParam for Option<String> {
    fn to_param(&self) -> Param<'_> {
        Param::OptText(self.as_deref())
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

fn to_doc<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(e.to_string()))
}

fn from_doc<T: DeserializeOwned>(doc: &str) -> Result<T, StoreError> {
    serde_json::from_str(doc).map_err(|e| StoreError::Backend(format!("stored record unreadable: {e}")))
}

/// A backend transaction seen as typed records.
pub struct RecordTx<D> {
    pub db: D,
}

impl<D: Db> RecordTx<D> {
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

impl<D: Db> RecordTx<D> {
    /// Rewrite the connection's rows in `connection_active_types`, whose key
    /// allows one ACTIVE entry per (catalog, pair, type) across all connections.
    fn put_active_types(&mut self, c: &StoredConnection) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM connection_active_types WHERE catalog = ?1 AND connection_id = ?2",
            p![c.catalog, c.id],
        )?;
        let (lo, hi) = pair(&c.participants[0], &c.participants[1]);
        for (kind, entry) in &c.types {
            if entry.status == "ACTIVE" {
                self.exec(
                    "INSERT INTO connection_active_types (catalog, account_lo, account_hi, connection_type, connection_id)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    p![c.catalog, lo, hi, kind, c.id],
                )?;
            }
        }
        Ok(())
    }
}

impl<D: Db> RecordTx<D> {
    /// Rewrite the partner's rows in `partner_domains`, whose key allows one
    /// partner per (catalog, domain).
    fn put_domains(&mut self, p: &Partner) -> Result<(), StoreError> {
        self.exec("DELETE FROM partner_domains WHERE catalog = ?1 AND partner_id = ?2", p![p.catalog, p.id])?;
        for d in &p.domains {
            self.exec(
                "INSERT INTO partner_domains (catalog, domain, partner_id) VALUES (?1, ?2, ?3)",
                p![p.catalog, d.domain_name, p.id],
            )?;
        }
        Ok(())
    }
}

/// The columns [`stored_event`] reads, in its order.
const EVENT_COLUMNS: &str =
    "seq, account, catalog, detail_type, time, doc, attempts, next_attempt_at, delivered_at, last_error";

/// A nullable BIGINT parameter.
fn opt_int(value: Option<i64>) -> Param<'static> {
    Param::OptInt(value)
}

/// An event row selected with [`EVENT_COLUMNS`].
fn stored_event(row: &[Cell]) -> Result<StoredEvent, StoreError> {
    let bad = || StoreError::Backend("stored event row unreadable".into());
    let int = |i: usize| row.get(i).and_then(Cell::int);
    let text = |i: usize| row.get(i).and_then(Cell::text).map(str::to_string);
    Ok(StoredEvent {
        seq: int(0).ok_or_else(bad)?,
        account: text(1).ok_or_else(bad)?,
        catalog: text(2).ok_or_else(bad)?,
        detail_type: text(3).ok_or_else(bad)?,
        time: int(4).ok_or_else(bad)?,
        event: from_doc(&text(5).ok_or_else(bad)?)?,
        delivery: EventDelivery {
            attempts: int(6).unwrap_or(0),
            next_attempt_at: int(7),
            delivered_at: int(8),
            last_error: text(9),
        },
    })
}

/// The two accounts of a pair in a fixed order (the index columns of pair constraints).
fn pair<'s>(a: &'s str, b: &'s str) -> (&'s str, &'s str) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

impl<D: Db> Tx for RecordTx<D> {
    fn service_state(&mut self) -> Result<ServiceState, StoreError> {
        Ok(self.one("SELECT doc FROM service_state WHERE id = 1", p![])?.unwrap_or_default())
    }

    fn put_service_state(&mut self, state: &ServiceState) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO service_state (id, doc) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
            p![to_doc(state)?],
        )?;
        Ok(())
    }

    fn partner_by_account(&mut self, catalog: &str, account: &str) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND account = ?2", p![catalog, account])
    }

    fn partner_by_id(&mut self, catalog: &str, id: &str) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn partner_by_legal_name(&mut self, catalog: &str, legal_name_key: &str) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND legal_name_key = ?2", p![catalog, legal_name_key])
    }

    fn insert_partner(&mut self, p: &Partner) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO partners (catalog, id, account, legal_name_key, profile_id, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            p![
                p.catalog,
                p.id,
                p.account,
                pcentral_core::partners::legal_name_key(&p.legal_name),
                p.profile_id,
                to_doc(p)?
            ],
        )?;
        self.put_domains(p)
    }

    fn partner_by_profile_id(&mut self, catalog: &str, profile_id: &str) -> Result<Option<Partner>, StoreError> {
        self.one("SELECT doc FROM partners WHERE catalog = ?1 AND profile_id = ?2", p![catalog, profile_id])
    }

    fn update_partner(&mut self, p: &Partner) -> Result<(), StoreError> {
        self.exec(
            "UPDATE partners SET legal_name_key = ?3, doc = ?4 WHERE catalog = ?1 AND id = ?2",
            p![p.catalog, p.id, pcentral_core::partners::legal_name_key(&p.legal_name), to_doc(p)?],
        )?;
        self.put_domains(p)
    }

    fn partner_id_by_domain(&mut self, catalog: &str, domain: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .db
            .texts("SELECT partner_id FROM partner_domains WHERE catalog = ?1 AND domain = ?2", p![catalog, domain])?
            .pop())
    }

    fn profile_tasks(&mut self, partner_id: &str) -> Result<Vec<ProfileTask>, StoreError> {
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

    fn email_code(&mut self, catalog: &str, address: &str) -> Result<Option<EmailCode>, StoreError> {
        self.one("SELECT doc FROM email_codes WHERE catalog = ?1 AND address = ?2", p![catalog, address])
    }

    fn put_email_code(&mut self, c: &EmailCode) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO email_codes (catalog, address, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (catalog, address) DO UPDATE SET doc = excluded.doc",
            p![c.catalog, c.address, to_doc(c)?],
        )?;
        Ok(())
    }

    fn delete_email_code(&mut self, catalog: &str, address: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM email_codes WHERE catalog = ?1 AND address = ?2", p![catalog, address])?;
        Ok(())
    }

    fn append_outbox(&mut self, m: &OutboxMessage) -> Result<(), StoreError> {
        self.exec("INSERT INTO outbox (address_key, doc) VALUES (?1, ?2)", p![m.address.to_lowercase(), to_doc(m)?])?;
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

    fn count_usage(&mut self, catalog: &str, kind: &str, scope: &str, since: i64) -> Result<u64, StoreError> {
        let n = self.db.int(
            "SELECT COUNT(*) FROM usage WHERE catalog = ?1 AND kind = ?2 AND scope = ?3 AND at > ?4",
            p![catalog, kind, scope, since],
        )?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    fn record_usage(&mut self, catalog: &str, kind: &str, scope: &str, at: i64) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO usage (catalog, kind, scope, at) VALUES (?1, ?2, ?3, ?4)",
            p![catalog, kind, scope, at],
        )?;
        Ok(())
    }

    fn idempotency(
        &mut self,
        account: &str,
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
            "INSERT INTO idempotency (account, operation, token, doc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account, operation, token) DO UPDATE SET doc = excluded.doc",
            p![r.account, r.operation, r.token, to_doc(r)?],
        )?;
        Ok(())
    }

    fn connection_preferences(
        &mut self,
        catalog: &str,
        account: &str,
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

    fn invitation(&mut self, catalog: &str, id: &str) -> Result<Option<Invitation>, StoreError> {
        self.one("SELECT doc FROM connection_invitations WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn invitations_of(&mut self, catalog: &str, account: &str) -> Result<Vec<Invitation>, StoreError> {
        self.all(
            "SELECT doc FROM connection_invitations WHERE catalog = ?1 AND (sender = ?2 OR receiver = ?2)
             ORDER BY created_at DESC, id ASC",
            p![catalog, account],
        )
    }

    fn invitations_between(
        &mut self,
        catalog: &str,
        a: &str,
        b: &str,
        status: &str,
    ) -> Result<Vec<Invitation>, StoreError> {
        let (lo, hi) = pair(a, b);
        self.all(
            "SELECT doc FROM connection_invitations
             WHERE catalog = ?1 AND pair_lo = ?2 AND pair_hi = ?3 AND status = ?4 ORDER BY created_at DESC, id ASC",
            p![catalog, lo, hi, status],
        )
    }

    fn count_open_invitations(&mut self, catalog: &str, sender: &str, now: i64) -> Result<u64, StoreError> {
        let n = self.db.int(
            "SELECT COUNT(*) FROM connection_invitations
                 WHERE catalog = ?1 AND sender = ?2 AND status = 'PENDING' AND expires_at > ?3",
            p![catalog, sender, now],
        )?;
        Ok(u64::try_from(n).unwrap_or_default())
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
        Ok(())
    }

    fn update_invitation(&mut self, i: &Invitation) -> Result<(), StoreError> {
        self.exec(
            "UPDATE connection_invitations SET status = ?3, doc = ?4 WHERE catalog = ?1 AND id = ?2",
            p![i.catalog, i.id, i.status, to_doc(i)?],
        )?;
        Ok(())
    }

    fn connection(&mut self, catalog: &str, id: &str) -> Result<Option<StoredConnection>, StoreError> {
        self.one("SELECT doc FROM connections WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn connections_of(&mut self, catalog: &str, account: &str) -> Result<Vec<StoredConnection>, StoreError> {
        self.all(
            "SELECT doc FROM connections WHERE catalog = ?1 AND (account_lo = ?2 OR account_hi = ?2)
             ORDER BY created_at DESC, id ASC",
            p![catalog, account],
        )
    }

    fn live_connection_between(
        &mut self,
        catalog: &str,
        a: &str,
        b: &str,
    ) -> Result<Option<StoredConnection>, StoreError> {
        let (lo, hi) = pair(a, b);
        self.one(
            "SELECT doc FROM connections WHERE catalog = ?1 AND account_lo = ?2 AND account_hi = ?3 AND live = 1",
            p![catalog, lo, hi],
        )
    }

    fn count_live_connections(&mut self, catalog: &str, account: &str) -> Result<u64, StoreError> {
        let n = self.db.int(
            "SELECT COUNT(*) FROM connections WHERE catalog = ?1 AND (account_lo = ?2 OR account_hi = ?2) AND live = 1",
            p![catalog, account],
        )?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    fn insert_connection(&mut self, c: &StoredConnection) -> Result<(), StoreError> {
        let (lo, hi) = pair(&c.participants[0], &c.participants[1]);
        self.exec(
            "INSERT INTO connections (catalog, id, account_lo, account_hi, created_at, live, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            p![c.catalog, c.id, lo, hi, c.created_at, c.is_live(), to_doc(c)?],
        )?;
        self.put_active_types(c)
    }

    fn update_connection(&mut self, c: &StoredConnection) -> Result<(), StoreError> {
        self.exec(
            "UPDATE connections SET live = ?3, doc = ?4 WHERE catalog = ?1 AND id = ?2",
            p![c.catalog, c.id, c.is_live(), to_doc(c)?],
        )?;
        self.put_active_types(c)
    }

    fn verification(&mut self, account: &str, verification_type: &str) -> Result<Option<Verification>, StoreError> {
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
        catalog: &str,
        owner_partner_id: &str,
        kind: &str,
    ) -> Result<Vec<QualificationsTask>, StoreError> {
        self.all(
            "SELECT doc FROM qualifications_tasks WHERE catalog = ?1 AND owner_partner_id = ?2 AND kind = ?3
             ORDER BY seq",
            p![catalog, owner_partner_id, kind],
        )
    }

    fn open_qualifications_tasks(&mut self, catalog: &str) -> Result<Vec<QualificationsTask>, StoreError> {
        self.all("SELECT doc FROM qualifications_tasks WHERE catalog = ?1 AND open = 1 ORDER BY seq", p![catalog])
    }

    fn insert_qualifications_task(&mut self, t: &QualificationsTask) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO qualifications_tasks (catalog, task_id, kind, owner_partner_id, open, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            p![t.catalog, t.task_id, t.kind, t.owner_partner_id, t.ended_at.is_none(), to_doc(t)?],
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

    fn qualifications_associations(&mut self, catalog: &str) -> Result<Vec<QualificationsAssociation>, StoreError> {
        self.all("SELECT doc FROM qualifications_associations WHERE catalog = ?1 ORDER BY seq", p![catalog])
    }

    fn insert_qualifications_association(&mut self, a: &QualificationsAssociation) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO qualifications_associations (catalog, subsidiary_account, primary_account, doc)
             VALUES (?1, ?2, ?3, ?4)",
            p![a.catalog, a.subsidiary_account, a.primary_account, to_doc(a)?],
        )?;
        Ok(())
    }

    fn delete_qualifications_association(&mut self, catalog: &str, subsidiary_account: &str) -> Result<(), StoreError> {
        self.exec(
            "DELETE FROM qualifications_associations WHERE catalog = ?1 AND subsidiary_account = ?2",
            p![catalog, subsidiary_account],
        )?;
        Ok(())
    }

    fn qualifications_groups(&mut self, catalog: &str) -> Result<Vec<QualificationsGroup>, StoreError> {
        self.all("SELECT doc FROM qualifications_groups WHERE catalog = ?1 ORDER BY primary_account", p![catalog])
    }

    fn put_qualifications_group(&mut self, g: &QualificationsGroup) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO qualifications_groups (catalog, primary_account, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (catalog, primary_account) DO UPDATE SET doc = excluded.doc",
            p![g.catalog, g.primary_account, to_doc(g)?],
        )?;
        Ok(())
    }

    fn delete_qualifications_group(&mut self, catalog: &str, primary_account: &str) -> Result<(), StoreError> {
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

    fn append_event(&mut self, e: &NewEvent) -> Result<bool, StoreError> {
        let next: Option<i64> = e.deliver.then_some(0);
        let n = self.exec(
            "INSERT INTO events (account, catalog, detail_type, time, unique_key, doc, attempts, next_attempt_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7) ON CONFLICT (unique_key) DO NOTHING",
            &[
                Param::Text(&e.account),
                Param::Text(&e.catalog),
                Param::Text(&e.detail_type),
                Param::Int(e.time),
                Param::OptText(e.unique_key.as_deref()),
                Param::Text(&to_doc(&e.event)?),
                opt_int(next),
            ],
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
                f.account.clone().unwrap_or_default(),
                f.detail_type.clone().unwrap_or_default(),
                f.after.unwrap_or(0),
                f.limit.unwrap_or(i64::MAX)
            ],
        )?;
        rows.iter().map(|r| stored_event(r)).collect()
    }

    fn due_events(&mut self, wall: i64, limit: i64) -> Result<Vec<StoredEvent>, StoreError> {
        let rows = self.db.cells(
            &format!(
                "SELECT {EVENT_COLUMNS} FROM events
                 WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ?1 AND delivered_at IS NULL
                 ORDER BY seq LIMIT ?2"
            ),
            p![wall, limit],
        )?;
        rows.iter().map(|r| stored_event(r)).collect()
    }

    fn put_event_delivery(&mut self, seq: i64, d: &EventDelivery) -> Result<(), StoreError> {
        self.exec(
            "UPDATE events SET attempts = ?2, next_attempt_at = ?3, delivered_at = ?4, last_error = ?5 WHERE seq = ?1",
            &[
                Param::Int(seq),
                Param::Int(d.attempts),
                opt_int(d.next_attempt_at),
                opt_int(d.delivered_at),
                Param::OptText(d.last_error.as_deref()),
            ],
        )?;
        Ok(())
    }

    fn expired_pending_invitations(&mut self, now: i64, limit: i64) -> Result<Vec<Invitation>, StoreError> {
        self.all(
            "SELECT doc FROM connection_invitations WHERE status = 'PENDING' AND expires_at <= ?1
             ORDER BY expires_at, catalog, id LIMIT ?2",
            p![now, limit],
        )
    }

    fn account(&mut self, account: &str) -> Result<Option<AccountRecord>, StoreError> {
        self.one("SELECT doc FROM accounts WHERE account = ?1", p![account])
    }

    fn accounts(&mut self) -> Result<Vec<AccountRecord>, StoreError> {
        self.all("SELECT doc FROM accounts ORDER BY account", p![])
    }

    fn put_account(&mut self, a: &AccountRecord) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO accounts (account, doc) VALUES (?1, ?2) ON CONFLICT (account) DO UPDATE SET doc = excluded.doc",
            p![a.account, to_doc(a)?],
        )?;
        Ok(())
    }

    fn delete_account(&mut self, account: &str) -> Result<bool, StoreError> {
        let mut removed = self.exec("DELETE FROM accounts WHERE account = ?1", p![account])?;
        for c in self.credentials()?.into_iter().filter(|c| c.account == account) {
            removed += self.exec("DELETE FROM credentials WHERE access_key_id = ?1", p![c.access_key_id])?;
        }
        Ok(removed > 0)
    }

    fn reset(&mut self, scope: &ResetScope) -> Result<(), StoreError> {
        self.reset_records(scope)
    }

    fn all_records(&mut self) -> Result<StoredRecords, StoreError> {
        Ok(StoredRecords {
            accounts: self.accounts()?,
            partners: self.all("SELECT doc FROM partners ORDER BY catalog, id", p![])?,
            profile_tasks: self.all("SELECT doc FROM profile_tasks ORDER BY seq", p![])?,
            connection_preferences: self
                .all("SELECT doc FROM connection_preferences ORDER BY catalog, account", p![])?,
            invitations: self.all("SELECT doc FROM connection_invitations ORDER BY catalog, created_at, id", p![])?,
            connections: self.all("SELECT doc FROM connections ORDER BY catalog, created_at, id", p![])?,
            verifications: self.all("SELECT doc FROM verifications ORDER BY account, verification_type", p![])?,
            qualifications_tasks: self.all("SELECT doc FROM qualifications_tasks ORDER BY seq", p![])?,
            qualifications_associations: self.all("SELECT doc FROM qualifications_associations ORDER BY seq", p![])?,
            qualifications_groups: self
                .all("SELECT doc FROM qualifications_groups ORDER BY catalog, primary_account", p![])?,
            email_codes: self.all("SELECT doc FROM email_codes ORDER BY catalog, address", p![])?,
            credentials: self.credentials()?,
        })
    }
}

impl<D: Db> RecordTx<D> {
    /// [`Tx::reset`]: every statement takes the catalog (`?1`, `''` for all)
    /// and the account (`?2`, `''` for all), so one list serves every scope.
    fn reset_records(&mut self, scope: &ResetScope) -> Result<(), StoreError> {
        use pcentral_core::store::{IdempotencyRecord, QualificationsTask};
        let catalog = scope.catalog.clone().unwrap_or_default();
        let account = scope.account.clone().unwrap_or_default();
        const PARTNERS: &str = "SELECT id FROM partners WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)";
        // Qualifications tasks name both sides in their document only.
        let tasks: Vec<QualificationsTask> = self.all("SELECT doc FROM qualifications_tasks ORDER BY seq", p![])?;
        for t in tasks {
            let in_catalog = catalog.is_empty() || t.catalog == catalog;
            let of_account = account.is_empty() || t.owner_account == account || t.primary_account == account;
            if in_catalog && of_account {
                self.exec("DELETE FROM qualifications_tasks WHERE task_id = ?1", p![t.task_id])?;
            }
        }
        let statements = [
            format!("DELETE FROM profile_tasks WHERE partner_id IN ({PARTNERS})"),
            format!("DELETE FROM partner_domains WHERE partner_id IN ({PARTNERS})"),
            format!(
                "DELETE FROM usage WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR scope = ?2 OR scope IN ({PARTNERS}))"
            ),
            "DELETE FROM partners WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            "DELETE FROM qualifications_associations WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR subsidiary_account = ?2 OR primary_account = ?2)"
                .into(),
            "DELETE FROM qualifications_groups WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR primary_account = ?2)"
                .into(),
            "DELETE FROM connection_preferences WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
            "DELETE FROM connection_invitations WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR sender = ?2 OR receiver = ?2)"
                .into(),
            "DELETE FROM connection_active_types WHERE (?1 = '' OR catalog = ?1)
             AND (?2 = '' OR account_lo = ?2 OR account_hi = ?2)"
                .into(),
            "DELETE FROM connections WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account_lo = ?2 OR account_hi = ?2)"
                .into(),
            "DELETE FROM events WHERE (?1 = '' OR catalog = ?1) AND (?2 = '' OR account = ?2)".into(),
        ];
        for sql in &statements {
            self.exec(sql, p![catalog, account])?;
        }
        if catalog.is_empty() {
            self.exec("DELETE FROM idempotency WHERE ?1 = '' OR account = ?1", p![account])?;
            self.exec("DELETE FROM verifications WHERE ?1 = '' OR account = ?1", p![account])?;
        } else {
            // Idempotency records carry the catalog in their stored answer only.
            let records: Vec<IdempotencyRecord> = self.all("SELECT doc FROM idempotency", p![])?;
            for r in records {
                let of_account = account.is_empty() || r.account == account;
                if of_account && r.response.get("Catalog").and_then(serde_json::Value::as_str) == Some(catalog.as_str())
                {
                    self.exec(
                        "DELETE FROM idempotency WHERE account = ?1 AND operation = ?2 AND token = ?3",
                        p![r.account, r.operation, r.token],
                    )?;
                }
            }
        }
        if account.is_empty() {
            // Codes and the outbox belong to addresses, not accounts.
            self.exec("DELETE FROM email_codes WHERE ?1 = '' OR catalog = ?1", p![catalog])?;
            if catalog.is_empty() {
                self.exec("DELETE FROM outbox", p![])?;
            } else {
                for m in self.outbox(None)?.into_iter().filter(|m| m.catalog == catalog) {
                    self.exec("DELETE FROM outbox WHERE id = ?1", p![m.id])?;
                }
            }
        }
        if scope.everything {
            self.exec("DELETE FROM credentials", p![])?;
            self.exec("DELETE FROM accounts", p![])?;
            let mut state = self.service_state()?;
            state.clock_offset_ms = 0;
            state.settings = None;
            state.faults.clear();
            self.put_service_state(&state)?;
        }
        Ok(())
    }
}
