//! [`SellingSettingsTx`]: the Selling API's system settings, one document
//! per (catalog, account).

use pcentral_core::records::SellingSettings;
use pcentral_core::store::SellingSettingsTx;
use pcentral_core::StoreError;
use pcentral_model::{AccountId, Catalog};

use super::{to_doc, SqlTx};
use crate::sql::Db;

impl<D: Db> SellingSettingsTx for SqlTx<'_, D> {
    fn selling_settings(
        &mut self,
        catalog: Catalog,
        account: &AccountId,
    ) -> Result<Option<SellingSettings>, StoreError> {
        self.one("SELECT doc FROM selling_settings WHERE catalog = ?1 AND account = ?2", p![catalog, account])
    }

    fn put_selling_settings(&mut self, s: &SellingSettings) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO selling_settings (catalog, account, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (catalog, account) DO UPDATE SET doc = excluded.doc",
            p![s.catalog, s.account, to_doc(s)?],
        )?;
        Ok(())
    }
}
