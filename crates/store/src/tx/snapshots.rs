//! [`SnapshotsTx`]: the Selling API's resource snapshots, one row per
//! revision, and the engagement-resource associations, one row per resource
//! and engagement. Both are paged by creation time and a list key.

use pcentral_core::records::{EngagementResource, ResourceSnapshot, ResourceSnapshotJob};
use pcentral_core::store::{AssociationQuery, EngagementCursor, SnapshotKey, SnapshotQuery, SnapshotsTx};
use pcentral_core::StoreError;
use pcentral_model::{AccountId, Catalog, ResourceSnapshotJobId};

use super::{limit, to_doc, ListingQuery, SqlTx, ToParam};

/// A job's status column.
fn status(j: &ResourceSnapshotJob) -> &'static str {
    j.status.as_str()
}
use crate::sql::{Db, Param};

/// The keyset condition after `c` on (created_at, list_key), ascending.
fn push_after<'a>(sql: &mut ListingQuery<'a>, prefix: &str, c: &'a EngagementCursor) {
    sql.push(
        &format!(" AND {prefix}created_at >= ? AND ({prefix}created_at > ? OR {prefix}list_key > ?)"),
        &[Param::Int(c.created_at), Param::Int(c.created_at), Param::Text(&c.id)],
    );
}

impl<D: Db> SnapshotsTx for SqlTx<'_, D> {
    fn resource_snapshot(
        &mut self,
        k: &SnapshotKey,
        revision: Option<i64>,
    ) -> Result<Option<ResourceSnapshot>, StoreError> {
        let mut sql = ListingQuery::new("SELECT doc FROM resource_snapshots");
        sql.push(
            " WHERE catalog = ? AND engagement_id = ? AND resource_type = ? AND resource_id = ? AND template = ?",
            &[
                k.catalog.to_param(),
                k.engagement_id.to_param(),
                k.resource_type.to_param(),
                k.resource_id.to_param(),
                Param::Text(&k.template),
            ],
        );
        if let Some(n) = revision {
            sql.push(" AND revision = ?", &[Param::Int(n)]);
        }
        sql.push(" ORDER BY revision DESC LIMIT 1", &[]);
        self.one(&sql.sql, &sql.params)
    }

    fn insert_resource_snapshot(&mut self, s: &ResourceSnapshot) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO resource_snapshots (catalog, engagement_id, resource_type, resource_id, template, revision,
             created_by, created_at, list_key, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            p![
                s.catalog,
                s.engagement_id,
                s.resource_type,
                s.resource_id,
                s.template,
                s.revision,
                s.created_by,
                s.created_at,
                s.list_key(),
                to_doc(s)?
            ],
        )?;
        Ok(())
    }

    fn list_resource_snapshots(&mut self, q: &SnapshotQuery) -> Result<Vec<ResourceSnapshot>, StoreError> {
        let mut sql = ListingQuery::new("SELECT doc FROM resource_snapshots");
        sql.push(" WHERE catalog = ? AND engagement_id = ?", &[q.catalog.to_param(), q.engagement_id.to_param()]);
        if let Some(t) = &q.resource_type {
            sql.push(" AND resource_type = ?", &[t.to_param()]);
        }
        if let Some(id) = &q.resource_id {
            sql.push(" AND resource_id = ?", &[id.to_param()]);
        }
        if let Some(t) = &q.template {
            sql.push(" AND template = ?", &[Param::Text(t)]);
        }
        if let Some(a) = &q.created_by {
            sql.push(" AND created_by = ?", &[a.to_param()]);
        }
        if let Some(c) = &q.after {
            push_after(&mut sql, "", c);
        }
        sql.push(" ORDER BY created_at ASC, list_key ASC LIMIT ?", &[Param::Int(limit(q.limit))]);
        self.all(&sql.sql, &sql.params)
    }

    fn insert_engagement_resource(&mut self, a: &EngagementResource) -> Result<bool, StoreError> {
        let n = self.exec(
            "INSERT INTO engagement_resources (catalog, engagement_id, resource_type, resource_id, created_by,
             created_at, list_key, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (catalog, engagement_id, resource_type, resource_id) DO NOTHING",
            p![
                a.catalog,
                a.engagement_id,
                a.resource_type,
                a.resource_id,
                a.created_by,
                a.created_at,
                a.list_key(),
                to_doc(a)?
            ],
        )?;
        Ok(n == 1)
    }

    fn list_engagement_resources(&mut self, q: &AssociationQuery) -> Result<Vec<EngagementResource>, StoreError> {
        let mut sql = ListingQuery::new(
            "SELECT r.doc FROM engagement_resources r JOIN engagement_members m
             ON m.catalog = r.catalog AND m.engagement_id = r.engagement_id",
        );
        sql.push(" WHERE r.catalog = ? AND m.account = ?", &[q.catalog.to_param(), q.member.to_param()]);
        if let Some(e) = &q.engagement_id {
            sql.push(" AND r.engagement_id = ?", &[e.to_param()]);
        }
        if let Some(t) = &q.resource_type {
            sql.push(" AND r.resource_type = ?", &[t.to_param()]);
        }
        if let Some(id) = &q.resource_id {
            sql.push(" AND r.resource_id = ?", &[id.to_param()]);
        }
        if let Some(a) = &q.created_by {
            sql.push(" AND r.created_by = ?", &[a.to_param()]);
        }
        if let Some(c) = &q.after {
            push_after(&mut sql, "r.", c);
        }
        sql.push(" ORDER BY r.created_at ASC, r.list_key ASC LIMIT ?", &[Param::Int(limit(q.limit))]);
        self.all(&sql.sql, &sql.params)
    }

    fn resource_snapshot_job(
        &mut self,
        catalog: Catalog,
        id: &ResourceSnapshotJobId,
    ) -> Result<Option<ResourceSnapshotJob>, StoreError> {
        self.one("SELECT doc FROM resource_snapshot_jobs WHERE catalog = ?1 AND id = ?2", p![catalog, id.as_str()])
    }

    fn insert_resource_snapshot_job(&mut self, j: &ResourceSnapshotJob) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO resource_snapshot_jobs (catalog, id, account, engagement_id, resource_id, status, created_at,
             checked_modified, doc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            p![
                j.catalog,
                j.id.as_str(),
                j.account,
                j.engagement_id,
                j.resource_id,
                status(j),
                j.created_at,
                j.checked_modified,
                to_doc(j)?
            ],
        )?;
        Ok(())
    }

    fn update_resource_snapshot_job(&mut self, j: &ResourceSnapshotJob) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE resource_snapshot_jobs SET status = ?3, checked_modified = ?4, doc = ?5 WHERE catalog = ?1 AND id = ?2",
            p![j.catalog, j.id.as_str(), status(j), j.checked_modified, to_doc(j)?],
        )?;
        Ok(n == 1)
    }

    fn delete_resource_snapshot_job(
        &mut self,
        catalog: Catalog,
        id: &ResourceSnapshotJobId,
    ) -> Result<bool, StoreError> {
        let n =
            self.exec("DELETE FROM resource_snapshot_jobs WHERE catalog = ?1 AND id = ?2", p![catalog, id.as_str()])?;
        Ok(n == 1)
    }

    fn resource_snapshot_jobs(
        &mut self,
        catalog: Catalog,
        account: &AccountId,
    ) -> Result<Vec<ResourceSnapshotJob>, StoreError> {
        self.all(
            "SELECT doc FROM resource_snapshot_jobs WHERE catalog = ?1 AND account = ?2 ORDER BY created_at, id",
            p![catalog, account],
        )
    }

    fn changed_snapshot_jobs(&mut self, n: usize) -> Result<Vec<ResourceSnapshotJob>, StoreError> {
        self.all(
            "SELECT j.doc FROM resource_snapshot_jobs j
             JOIN opportunities o ON o.catalog = j.catalog AND o.id = j.resource_id
             WHERE j.status = 'Running' AND o.last_modified > j.checked_modified
             ORDER BY j.checked_modified, j.catalog, j.id LIMIT ?1",
            p![limit(n)],
        )
    }
}
