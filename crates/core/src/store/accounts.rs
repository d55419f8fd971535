//! What an admin registers: access key pairs (credentials) and account
//! records (display name, seller profile).

use pcentral_model::AccountId;

use crate::records::{AccountRecord, StoredCredential};
use crate::store::StoreError;

/// Registered credentials and configured accounts inside one transaction.
pub trait AccountsTx {
    // Registered credentials.
    fn credential(&mut self, access_key_id: &str) -> Result<Option<StoredCredential>, StoreError>;
    fn insert_credential(&mut self, credential: &StoredCredential) -> Result<(), StoreError>;
    fn credentials(&mut self) -> Result<Vec<StoredCredential>, StoreError>;

    // Accounts configured by an admin (display name, seller profile).
    fn account(&mut self, account: &AccountId) -> Result<Option<AccountRecord>, StoreError>;
    /// The accounts whose configured seller profile has this id.
    fn accounts_with_seller_profile(&mut self, seller_profile_id: &str) -> Result<Vec<AccountRecord>, StoreError>;
    /// Every configured account, by account id.
    fn accounts(&mut self) -> Result<Vec<AccountRecord>, StoreError>;
    /// Insert or replace the record of `record.account`.
    fn put_account(&mut self, record: &AccountRecord) -> Result<(), StoreError>;
    /// Remove the account record and the key pairs registered for the
    /// account; answers whether there was anything to remove.
    fn delete_account(&mut self, account: &AccountId) -> Result<bool, StoreError>;
}
