//! [`QualificationsTx`]: qualifications tasks, associations and groups.

use pcentral_core::records::{
    QualificationsAssociation, QualificationsGroup, QualificationsTask, QualificationsTaskId, QualificationsTaskKind,
};
use pcentral_core::store::{AdminAssociationQuery, QualificationsRecords, QualificationsTx};
use pcentral_core::StoreError;
use pcentral_model::{AccountId, Catalog, PartnerId};

use super::{limit, to_doc, ListingQuery, SqlTx, ToParam};
use crate::sql::{Db, Param};

impl<D: Db> QualificationsTx for SqlTx<'_, D> {
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
            let mut q = ListingQuery::new(sql);
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

    fn admin_qualifications_subsidiaries(&mut self, q: &AdminAssociationQuery) -> Result<Vec<AccountId>, StoreError> {
        let mut sql = ListingQuery::new("SELECT subsidiary FROM (SELECT subsidiary_account AS subsidiary");
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
}
