//! [`ConnectionsTx`]: connection preferences, invitations and connections,
//! with the per-participant listing rows that serve their lists.

use pcentral_core::records::{Connection, ConnectionPreferences, Invitation};
use pcentral_core::store::{
    AdminConnectionQuery, AdminInvitationQuery, ConnectionQuery, ConnectionsTx, InvitationQuery, TypeFilter,
};
use pcentral_core::StoreError;
use pcentral_model::account::{ConnectionType, ParticipantType};
use pcentral_model::{AccountId, Catalog, ConnectionId, InvitationId, Millis};

use super::{count, limit, pair, to_doc, ListingQuery, SqlTx, ToParam};
use crate::sql::{Db, Param};

impl<D: Db> SqlTx<'_, D> {
    /// Rewrite the rows that index `c`: `connection_active_types` (whose key
    /// allows one ACTIVE entry per catalog, pair and type across all
    /// connections) and the per-participant listing rows.
    pub(super) fn index_connection(&mut self, c: &Connection) -> Result<(), StoreError> {
        for table in ["connection_active_types", "connection_members", "connection_type_members"] {
            self.exec(&format!("DELETE FROM {table} WHERE catalog = ?1 AND connection_id = ?2"), p![c.catalog, c.id])?;
        }
        let (lo, hi) = pair(&c.participants[0], &c.participants[1]);
        for (kind, entry) in &c.types {
            if entry.status == pcentral_model::account::ConnectionTypeStatus::Active {
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
    pub(super) fn index_invitation(&mut self, i: &Invitation) -> Result<(), StoreError> {
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
}

impl<D: Db> ConnectionsTx for SqlTx<'_, D> {
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
        let mut sql = ListingQuery::new(
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
        let mut sql = ListingQuery::new(&format!(
            "SELECT c.doc FROM connections c JOIN (SELECT connection_id, created_at FROM {table}"
        ));
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

    fn admin_invitations(&mut self, q: &AdminInvitationQuery) -> Result<Vec<Invitation>, StoreError> {
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
        let mut sql = ListingQuery::new("SELECT doc FROM connection_invitations");
        sql.push(" WHERE catalog = ?", &[q.catalog.to_param()]);
        if let Some(kind) = q.connection_type {
            sql.push(" AND connection_type = ?", &[Param::Text(kind.as_str())]);
        }
        sql.push_status(q.status, q.now);
        sql.push_after("id", &q.after);
        sql.push(" ORDER BY created_at DESC, id ASC LIMIT ?", &[Param::Int(limit(q.limit))]);
        self.all(&sql.sql, &sql.params)
    }

    fn admin_connections(&mut self, q: &AdminConnectionQuery) -> Result<Vec<Connection>, StoreError> {
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
        let mut sql = ListingQuery::new("SELECT c.doc FROM connections c");
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
}
