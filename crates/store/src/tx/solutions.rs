//! [`SolutionsTx`]: the Selling API's partner solutions. One row per
//! solution: the document next to the columns ListSolutions filters, sorts
//! and pages on, each sort column indexed behind (catalog, owner), so a page
//! is a range scan with the keyset cursor in the WHERE clause.

use pcentral_core::records::{text_key, Solution, SolutionSortName};
use pcentral_core::store::{SolutionQuery, SolutionsTx};
use pcentral_core::StoreError;
use pcentral_model::{Catalog, SolutionId};

use super::{to_doc, ListingQuery, SqlTx, ToParam};
use crate::sql::Db;

/// The column each sort key orders by.
fn sort_column(key: SolutionSortName) -> &'static str {
    match key {
        SolutionSortName::Identifier => "id",
        SolutionSortName::Name => "name_key",
        SolutionSortName::Status => "status",
        SolutionSortName::Category => "category_key",
        SolutionSortName::Createddate => "created_at",
    }
}

impl<D: Db> SolutionsTx for SqlTx<'_, D> {
    fn solution(&mut self, catalog: Catalog, id: &SolutionId) -> Result<Option<Solution>, StoreError> {
        self.one("SELECT doc FROM solutions WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn insert_solution(&mut self, s: &Solution) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO solutions
             (catalog, id, owner, name_key, status, category_key, created_at, marketplace_arn, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            p![
                s.catalog,
                s.id,
                s.owner,
                text_key(&s.name),
                s.status.as_str(),
                text_key(&s.category),
                s.created_at,
                s.aws_marketplace_solution_arn.as_deref().unwrap_or_default(),
                to_doc(s)?
            ],
        )?;
        Ok(())
    }

    fn list_solutions(&mut self, q: &SolutionQuery) -> Result<Vec<Solution>, StoreError> {
        let statuses: Vec<&str> = q.statuses.iter().map(|s| s.as_str()).collect();
        let mut sql = ListingQuery::new("SELECT doc FROM solutions");
        sql.push(" WHERE catalog = ? AND owner = ?", &[q.catalog.to_param(), q.owner.to_param()]);
        if !q.identifiers.is_empty() {
            sql.push_in("id", &q.identifiers);
        }
        if !statuses.is_empty() {
            sql.push_in("status", &statuses);
        }
        if !q.category_keys.is_empty() {
            sql.push_in("category_key", &q.category_keys);
        }
        if !q.marketplace_arns.is_empty() {
            sql.push_in("marketplace_arn", &q.marketplace_arns);
        }
        sql.push_sorted_page(sort_column(q.sort), q.descending, &q.after, q.limit);
        self.all(&sql.sql, &sql.params)
    }
}
