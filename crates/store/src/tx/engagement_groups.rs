//! [`EngagementGroupsTx`]: the Selling API's engagement groups, one row per
//! group (its document), found by (catalog, account) for ListEngagementGroups.

use pcentral_core::records::{EngagementGroup, EngagementGroupId};
use pcentral_core::store::EngagementGroupsTx;
use pcentral_core::StoreError;
use pcentral_model::{AccountId, Catalog};

use super::{to_doc, SqlTx};
use crate::sql::Db;

impl<D: Db> EngagementGroupsTx for SqlTx<'_, D> {
    fn engagement_group(
        &mut self,
        catalog: Catalog,
        id: &EngagementGroupId,
    ) -> Result<Option<EngagementGroup>, StoreError> {
        self.one("SELECT doc FROM engagement_groups WHERE catalog = ?1 AND id = ?2", p![catalog, id.as_str()])
    }

    fn insert_engagement_group(&mut self, g: &EngagementGroup) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO engagement_groups (catalog, id, account, doc) VALUES (?1, ?2, ?3, ?4)",
            p![g.catalog, g.id.as_str(), g.account, to_doc(g)?],
        )?;
        Ok(())
    }

    fn delete_engagement_group(&mut self, catalog: Catalog, id: &EngagementGroupId) -> Result<bool, StoreError> {
        Ok(self.exec("DELETE FROM engagement_groups WHERE catalog = ?1 AND id = ?2", p![catalog, id.as_str()])? > 0)
    }

    fn engagement_groups(&mut self, catalog: Catalog, account: &AccountId) -> Result<Vec<EngagementGroup>, StoreError> {
        self.all(
            "SELECT doc FROM engagement_groups WHERE catalog = ?1 AND account = ?2 ORDER BY id",
            p![catalog, account],
        )
    }
}
