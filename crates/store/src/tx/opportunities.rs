//! [`OpportunitiesTx`]: the Selling API's opportunities. One row per
//! opportunity: the document next to the columns lists filter, sort and
//! page on, each sort column indexed behind (catalog, owner), so a page of
//! one owner's list is a range scan with the keyset cursor in the WHERE
//! clause. Absent text columns are stored as `''` (they sort first), names
//! as [`text_key`] (byte order on both backends).

use pcentral_core::records::{text_key, Opportunity, OpportunitySortName};
use pcentral_core::store::{OpportunitiesTx, OpportunityQuery};
use pcentral_core::StoreError;
use pcentral_model::{Catalog, Millis, OpportunityId};

use super::{to_doc, ListingQuery, SqlTx, ToParam};
use crate::sql::{Db, Param};

/// The column each sort key orders by.
fn sort_column(key: OpportunitySortName) -> &'static str {
    match key {
        OpportunitySortName::Lastmodifieddate => "last_modified",
        OpportunitySortName::Createddate => "created_at",
        OpportunitySortName::Identifier => "id",
        OpportunitySortName::Customercompanyname => "company_key",
        OpportunitySortName::Targetclosedate => "target_close_date",
    }
}

/// The indexed columns of `o`, in the order the statements below bind them
/// after (catalog, id).
struct Columns {
    review_status: &'static str,
    stage: &'static str,
    company_key: String,
    target_close_date: String,
}

fn columns(o: &Opportunity) -> Columns {
    Columns {
        review_status: o.review_status.map(|s| s.as_str()).unwrap_or_default(),
        stage: o.stage.map(|s| s.as_str()).unwrap_or_default(),
        company_key: text_key(o.customer_company_name.as_deref().unwrap_or_default()),
        target_close_date: o.target_close_date.clone().unwrap_or_default(),
    }
}

impl<D: Db> OpportunitiesTx for SqlTx<'_, D> {
    fn opportunity(&mut self, catalog: Catalog, id: &OpportunityId) -> Result<Option<Opportunity>, StoreError> {
        self.one("SELECT doc FROM opportunities WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn insert_opportunity(&mut self, o: &Opportunity) -> Result<(), StoreError> {
        let c = columns(o);
        self.exec(
            "INSERT INTO opportunities
             (catalog, id, owner, created_at, last_modified, review_status, stage, company_key, target_close_date, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            p![
                o.catalog,
                o.id,
                o.owner,
                o.created_at,
                o.last_modified,
                c.review_status,
                c.stage,
                c.company_key,
                c.target_close_date,
                to_doc(o)?
            ],
        )?;
        Ok(())
    }

    fn update_opportunity(&mut self, o: &Opportunity, expected: Millis) -> Result<bool, StoreError> {
        let c = columns(o);
        let n = self.exec(
            "UPDATE opportunities SET last_modified = ?3, review_status = ?4, stage = ?5, company_key = ?6,
             target_close_date = ?7, doc = ?8
             WHERE catalog = ?1 AND id = ?2 AND last_modified = ?9",
            p![
                o.catalog,
                o.id,
                o.last_modified,
                c.review_status,
                c.stage,
                c.company_key,
                c.target_close_date,
                to_doc(o)?,
                expected
            ],
        )?;
        Ok(n == 1)
    }

    fn list_opportunities(&mut self, q: &OpportunityQuery) -> Result<Vec<Opportunity>, StoreError> {
        let stages: Vec<&str> = q.stages.iter().map(|s| s.as_str()).collect();
        let statuses: Vec<&str> = q.review_statuses.iter().map(|s| s.as_str()).collect();
        let mut sql = ListingQuery::new("SELECT doc FROM opportunities");
        sql.push(" WHERE catalog = ? AND owner = ?", &[q.catalog.to_param(), q.owner.to_param()]);
        if !q.identifiers.is_empty() {
            sql.push_in("id", &q.identifiers);
        }
        if !stages.is_empty() {
            sql.push_in("stage", &stages);
        }
        if !statuses.is_empty() {
            sql.push_in("review_status", &statuses);
        }
        if !q.company_keys.is_empty() {
            sql.push_in("company_key", &q.company_keys);
        }
        let int_bounds = [
            ("last_modified", ">=", q.modified_after),
            ("last_modified", "<", q.modified_before),
            ("created_at", ">=", q.created_after),
            ("created_at", "<", q.created_before),
        ];
        for (column, op, bound) in int_bounds {
            if let Some(v) = bound {
                sql.push(&format!(" AND {column} {op} ?"), &[Param::Int(v)]);
            }
        }
        // A date bound leaves out opportunities without a target close date.
        if let Some(v) = &q.close_after {
            sql.push(" AND target_close_date <> '' AND target_close_date >= ?", &[Param::Text(v)]);
        }
        if let Some(v) = &q.close_before {
            sql.push(" AND target_close_date <> '' AND target_close_date < ?", &[Param::Text(v)]);
        }
        sql.push_sorted_page(sort_column(q.sort), q.descending, &q.after, q.limit);
        self.all(&sql.sql, &sql.params)
    }
}
