//! The Selling API's system settings (GetSellingSystemSettings, PutSellingSystemSettings).

use pcentral_model::{AccountId, Catalog};

use crate::records::SellingSettings;
use crate::store::StoreError;

/// Selling system settings inside one transaction: one record per account and catalog.
pub trait SellingSettingsTx {
    fn selling_settings(
        &mut self,
        catalog: Catalog,
        account: &AccountId,
    ) -> Result<Option<SellingSettings>, StoreError>;
    /// Store `settings`, replacing what its account had in its catalog.
    fn put_selling_settings(&mut self, settings: &SellingSettings) -> Result<(), StoreError>;
}
