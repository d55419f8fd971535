//! [`EngagementsTx`]: the Selling API's engagements and their members. One
//! row per engagement (its document next to the columns lists filter and
//! page on) and one per membership; a member's list joins the two. One row
//! per invitation, listed by sender or by receiver; a stored `PENDING` past
//! its expiry reads as `EXPIRED`.

use pcentral_core::records::{
    ContextType, Engagement, EngagementInvitation, EngagementInvitationStatus as Status, EngagementMembership,
    EngagementTask, EngagementTaskKind,
};
use pcentral_core::store::{EngagementCursor, EngagementInvitationQuery, EngagementQuery, EngagementsTx, MemberCursor};
use pcentral_core::StoreError;
use pcentral_model::{AccountId, Catalog, EngagementId, EngagementInvitationId, EngagementTaskId, Millis};

use super::{count, limit, to_doc, ListingQuery, SqlTx, ToParam};
use crate::sql::{Db, Param};

/// `|Type|Type|`: the context types column.
fn context_types(e: &Engagement) -> String {
    let mut s = String::from("|");
    for t in e.context_types() {
        s.push_str(t.as_str());
        s.push('|');
    }
    s
}

/// The LIKE pattern that finds `t` in the context types column.
fn type_pattern(t: ContextType) -> String {
    format!("%|{}|%", t.as_str())
}

impl<D: Db> EngagementsTx for SqlTx<'_, D> {
    fn engagement(&mut self, catalog: Catalog, id: &EngagementId) -> Result<Option<Engagement>, StoreError> {
        self.one("SELECT doc FROM engagements WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn insert_engagement(&mut self, e: &Engagement) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO engagements (catalog, id, created_by, created_at, modified_at, context_types, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            p![e.catalog, e.id, e.created_by, e.created_at, e.modified_at, context_types(e), to_doc(e)?],
        )?;
        Ok(())
    }

    fn update_engagement(&mut self, e: &Engagement, expected: Millis) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE engagements SET modified_at = ?3, context_types = ?4, doc = ?5
             WHERE catalog = ?1 AND id = ?2 AND modified_at = ?6",
            p![e.catalog, e.id, e.modified_at, context_types(e), to_doc(e)?, expected],
        )?;
        Ok(n == 1)
    }

    fn list_engagements(&mut self, q: &EngagementQuery) -> Result<Vec<Engagement>, StoreError> {
        let includes: Vec<String> = q.context_types.iter().map(|t| type_pattern(*t)).collect();
        let excludes: Vec<String> = q.exclude_context_types.iter().map(|t| type_pattern(*t)).collect();
        let mut sql = ListingQuery::new(
            "SELECT e.doc FROM engagement_members m
             JOIN engagements e ON e.catalog = m.catalog AND e.id = m.engagement_id",
        );
        sql.push(" WHERE m.catalog = ? AND m.account = ?", &[q.catalog.to_param(), q.member.to_param()]);
        if !q.identifiers.is_empty() {
            sql.push_in("e.id", &q.identifiers);
        }
        if !q.created_by.is_empty() {
            sql.push_in("e.created_by", &q.created_by);
        }
        if !q.exclude_created_by.is_empty() {
            let marks = vec!["?"; q.exclude_created_by.len()].join(", ");
            let params: Vec<Param<'_>> = q.exclude_created_by.iter().map(|a| a.to_param()).collect();
            sql.push(&format!(" AND e.created_by NOT IN ({marks})"), &params);
        }
        if !includes.is_empty() {
            let any = vec!["e.context_types LIKE ?"; includes.len()].join(" OR ");
            let params: Vec<Param<'_>> = includes.iter().map(|p| Param::Text(p)).collect();
            sql.push(&format!(" AND ({any})"), &params);
        }
        for pattern in &excludes {
            sql.push(" AND e.context_types NOT LIKE ?", &[Param::Text(pattern)]);
        }
        let (cmp, dir) = if q.descending { ("<", "DESC") } else { (">", "ASC") };
        if let Some(c) = &q.after {
            sql.push(
                // The bound alone first, so the index seeks to the cursor (as opportunities do).
                &format!(" AND e.created_at {cmp}= ? AND (e.created_at {cmp} ? OR e.id > ?)"),
                &[Param::Int(c.created_at), Param::Int(c.created_at), Param::Text(&c.id)],
            );
        }
        sql.push(&format!(" ORDER BY e.created_at {dir}, e.id ASC LIMIT ?"), &[Param::Int(limit(q.limit))]);
        self.all(&sql.sql, &sql.params)
    }

    fn insert_engagement_member(&mut self, m: &EngagementMembership) -> Result<bool, StoreError> {
        let n = self.exec(
            "INSERT INTO engagement_members (catalog, engagement_id, account, joined_at, doc)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (catalog, engagement_id, account) DO NOTHING",
            p![m.catalog, m.engagement_id, m.account, m.joined_at, to_doc(m)?],
        )?;
        Ok(n == 1)
    }

    fn engagement_member(
        &mut self,
        catalog: Catalog,
        id: &EngagementId,
        account: &AccountId,
    ) -> Result<Option<EngagementMembership>, StoreError> {
        self.one(
            "SELECT doc FROM engagement_members WHERE catalog = ?1 AND engagement_id = ?2 AND account = ?3",
            p![catalog, id, account],
        )
    }

    fn engagement_members(
        &mut self,
        catalog: Catalog,
        id: &EngagementId,
        after: Option<&MemberCursor>,
        n: usize,
    ) -> Result<Vec<EngagementMembership>, StoreError> {
        let mut sql = ListingQuery::new("SELECT doc FROM engagement_members");
        sql.push(" WHERE catalog = ? AND engagement_id = ?", &[catalog.to_param(), id.to_param()]);
        if let Some(c) = after {
            sql.push(
                " AND joined_at >= ? AND (joined_at > ? OR account > ?)",
                &[Param::Int(c.joined_at), Param::Int(c.joined_at), Param::Text(&c.account)],
            );
        }
        sql.push(" ORDER BY joined_at ASC, account ASC LIMIT ?", &[Param::Int(limit(n))]);
        self.all(&sql.sql, &sql.params)
    }

    fn count_engagement_members(&mut self, catalog: Catalog, id: &EngagementId) -> Result<u64, StoreError> {
        let n = self.db.int(
            "SELECT COUNT(*) FROM engagement_members WHERE catalog = ?1 AND engagement_id = ?2",
            p![catalog, id],
        )?;
        Ok(count(n))
    }

    fn admin_engagements(
        &mut self,
        catalog: Catalog,
        member: Option<&AccountId>,
        after: Option<&EngagementCursor>,
        n: usize,
    ) -> Result<Vec<Engagement>, StoreError> {
        let mut sql = match member {
            Some(account) => {
                let mut sql = ListingQuery::new(
                    "SELECT e.doc FROM engagement_members m
                     JOIN engagements e ON e.catalog = m.catalog AND e.id = m.engagement_id",
                );
                sql.push(" WHERE m.catalog = ? AND m.account = ?", &[catalog.to_param(), account.to_param()]);
                sql
            }
            None => {
                let mut sql = ListingQuery::new("SELECT e.doc FROM engagements e");
                sql.push(" WHERE e.catalog = ?", &[catalog.to_param()]);
                sql
            }
        };
        if let Some(c) = after {
            sql.push(
                " AND e.created_at <= ? AND (e.created_at < ? OR e.id > ?)",
                &[Param::Int(c.created_at), Param::Int(c.created_at), Param::Text(&c.id)],
            );
        }
        sql.push(" ORDER BY e.created_at DESC, e.id ASC LIMIT ?", &[Param::Int(limit(n))]);
        self.all(&sql.sql, &sql.params)
    }

    fn engagement_invitation(
        &mut self,
        catalog: Catalog,
        id: &EngagementInvitationId,
    ) -> Result<Option<EngagementInvitation>, StoreError> {
        self.one("SELECT doc FROM engagement_invitations WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn insert_engagement_invitation(&mut self, i: &EngagementInvitation) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO engagement_invitations (catalog, id, engagement_id, sender, receiver, status, payload_type,
             created_at, expires_at, updated_at, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            p![
                i.catalog,
                i.id,
                i.engagement_id,
                i.sender,
                i.receiver,
                i.status.as_str(),
                i.payload_type.as_str(),
                i.created_at,
                i.expires_at,
                i.updated_at,
                to_doc(i)?
            ],
        )?;
        Ok(())
    }

    fn update_engagement_invitation(&mut self, i: &EngagementInvitation, expected: Millis) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE engagement_invitations SET status = ?3, updated_at = ?4, doc = ?5, expires_at = ?7
             WHERE catalog = ?1 AND id = ?2 AND status = 'PENDING' AND updated_at = ?6",
            p![i.catalog, i.id, i.status.as_str(), i.updated_at, to_doc(i)?, expected, i.expires_at],
        )?;
        Ok(n == 1)
    }

    fn pending_engagement_invitation(
        &mut self,
        catalog: Catalog,
        engagement: &EngagementId,
        receiver: &AccountId,
        now: Millis,
    ) -> Result<Option<EngagementInvitation>, StoreError> {
        self.one(
            "SELECT doc FROM engagement_invitations WHERE catalog = ?1 AND engagement_id = ?2 AND receiver = ?3
             AND status = 'PENDING' AND expires_at > ?4 ORDER BY created_at, id LIMIT 1",
            p![catalog, engagement, receiver, now],
        )
    }

    fn list_engagement_invitations(
        &mut self,
        q: &EngagementInvitationQuery,
    ) -> Result<Vec<EngagementInvitation>, StoreError> {
        let types: Vec<&str> = q.payload_types.iter().map(|t| t.as_str()).collect();
        let mut sql = ListingQuery::new("SELECT doc FROM engagement_invitations");
        let side = if q.as_sender { "sender" } else { "receiver" };
        sql.push(&format!(" WHERE catalog = ? AND {side} = ?"), &[q.catalog.to_param(), q.account.to_param()]);
        if !types.is_empty() {
            sql.push_in("payload_type", &types);
        }
        if !q.engagements.is_empty() {
            sql.push_in("engagement_id", &q.engagements);
        }
        if !q.senders.is_empty() {
            sql.push_in("sender", &q.senders);
        }
        if !q.statuses.is_empty() {
            // The status as at `now`: a stored PENDING past its expiry is EXPIRED.
            let mut any = Vec::new();
            let mut params = Vec::new();
            for status in &q.statuses {
                match status {
                    Status::Pending => any.push("(status = 'PENDING' AND expires_at > ?)"),
                    Status::Expired => any.push("(status = 'EXPIRED' OR (status = 'PENDING' AND expires_at <= ?))"),
                    Status::Accepted => any.push("(status = 'ACCEPTED' AND 0 < ?)"),
                    Status::Rejected => any.push("(status = 'REJECTED' AND 0 < ?)"),
                }
                params.push(Param::Int(q.now));
            }
            sql.push(&format!(" AND ({})", any.join(" OR ")), &params);
        }
        let (cmp, dir) = if q.descending { ("<", "DESC") } else { (">", "ASC") };
        if let Some(c) = &q.after {
            sql.push(
                &format!(" AND created_at {cmp}= ? AND (created_at {cmp} ? OR id > ?)"),
                &[Param::Int(c.created_at), Param::Int(c.created_at), Param::Text(&c.id)],
            );
        }
        sql.push(&format!(" ORDER BY created_at {dir}, id ASC LIMIT ?"), &[Param::Int(limit(q.limit))]);
        self.all(&sql.sql, &sql.params)
    }

    fn engagement_task(
        &mut self,
        catalog: Catalog,
        id: &EngagementTaskId,
    ) -> Result<Option<EngagementTask>, StoreError> {
        self.one("SELECT doc FROM engagement_tasks WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn insert_engagement_task(&mut self, t: &EngagementTask) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO engagement_tasks (catalog, id, kind, account, status, started_at, due_at, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            p![t.catalog, t.id, t.kind, t.account, t.status, t.started_at, t.due_at, to_doc(t)?],
        )?;
        Ok(())
    }

    fn update_engagement_task(&mut self, t: &EngagementTask) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE engagement_tasks SET status = ?3, due_at = ?4, doc = ?5
             WHERE catalog = ?1 AND id = ?2 AND status = 'IN_PROGRESS'",
            p![t.catalog, t.id, t.status, t.due_at, to_doc(t)?],
        )?;
        Ok(n == 1)
    }

    fn engagement_tasks(
        &mut self,
        catalog: Catalog,
        account: &AccountId,
        kind: EngagementTaskKind,
    ) -> Result<Vec<EngagementTask>, StoreError> {
        self.all(
            "SELECT doc FROM engagement_tasks WHERE catalog = ?1 AND account = ?2 AND kind = ?3
             ORDER BY started_at, id",
            p![catalog, account, kind],
        )
    }

    fn due_engagement_tasks(&mut self, now: Millis, n: usize) -> Result<Vec<EngagementTask>, StoreError> {
        self.all(
            "SELECT doc FROM engagement_tasks WHERE status = 'IN_PROGRESS' AND due_at <= ?1
             ORDER BY due_at, catalog, id LIMIT ?2",
            p![now, limit(n)],
        )
    }
}
