//! [`CustomerAccountsTx`]: the Selling API's customer accounts. One row per
//! account: the document next to the columns searches sort and page on,
//! each indexed behind (catalog, owner), so a scan of one owner's accounts
//! is a range scan with the keyset cursor in the WHERE clause.

use pcentral_core::records::{text_key, CustomerAccount, CustomerAccountSortName};
use pcentral_core::store::{CustomerAccountQuery, CustomerAccountsTx};
use pcentral_core::StoreError;
use pcentral_model::{Catalog, CustomerAccountId, Millis};

use super::{to_doc, ListingQuery, SqlTx, ToParam};
use crate::sql::Db;

/// The column each sort key orders by.
fn sort_column(key: CustomerAccountSortName) -> &'static str {
    match key {
        CustomerAccountSortName::CompanyName => "company_key",
        CustomerAccountSortName::CreatedDate => "created_at",
        CustomerAccountSortName::LastModifiedDate => "last_modified",
        CustomerAccountSortName::MarketplaceEngagementScore => "engagement_score",
        CustomerAccountSortName::SolutionScore => "solution_score",
    }
}

impl<D: Db> CustomerAccountsTx for SqlTx<'_, D> {
    fn customer_account(
        &mut self,
        catalog: Catalog,
        id: &CustomerAccountId,
    ) -> Result<Option<CustomerAccount>, StoreError> {
        self.one("SELECT doc FROM customer_accounts WHERE catalog = ?1 AND id = ?2", p![catalog, id])
    }

    fn insert_customer_account(&mut self, a: &CustomerAccount) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO customer_accounts
             (catalog, id, owner, company_key, created_at, last_modified, engagement_score, solution_score, doc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            p![
                a.catalog,
                a.id,
                a.owner,
                text_key(&a.account.company_name),
                a.created_at,
                a.last_modified,
                a.marketplace_engagement_score().unwrap_or_default(),
                a.solution_score().unwrap_or_default(),
                to_doc(a)?
            ],
        )?;
        Ok(())
    }

    fn update_customer_account(&mut self, a: &CustomerAccount, expected: Millis) -> Result<bool, StoreError> {
        let n = self.exec(
            "UPDATE customer_accounts SET company_key = ?3, last_modified = ?4, engagement_score = ?5,
             solution_score = ?6, doc = ?7
             WHERE catalog = ?1 AND id = ?2 AND last_modified = ?8",
            p![
                a.catalog,
                a.id,
                text_key(&a.account.company_name),
                a.last_modified,
                a.marketplace_engagement_score().unwrap_or_default(),
                a.solution_score().unwrap_or_default(),
                to_doc(a)?,
                expected
            ],
        )?;
        Ok(n == 1)
    }

    fn delete_customer_account(&mut self, catalog: Catalog, id: &CustomerAccountId) -> Result<bool, StoreError> {
        let n = self.exec("DELETE FROM customer_accounts WHERE catalog = ?1 AND id = ?2", p![catalog, id])?;
        Ok(n == 1)
    }

    fn customer_accounts(&mut self, q: &CustomerAccountQuery) -> Result<Vec<CustomerAccount>, StoreError> {
        let mut sql = ListingQuery::new("SELECT doc FROM customer_accounts");
        sql.push(" WHERE catalog = ? AND owner = ?", &[q.catalog.to_param(), q.owner.to_param()]);
        sql.push_sorted_page(sort_column(q.sort), q.descending, &q.after, q.limit);
        self.all(&sql.sql, &sql.params)
    }
}
