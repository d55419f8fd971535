//! [`AccountsTx`]: registered credentials and configured accounts.

use pcentral_core::records::{AccountRecord, StoredCredential};
use pcentral_core::store::AccountsTx;
use pcentral_core::StoreError;
use pcentral_model::AccountId;

use super::{to_doc, SqlTx};
use crate::sql::Db;

impl<D: Db> AccountsTx for SqlTx<'_, D> {
    fn credential(&mut self, access_key_id: &str) -> Result<Option<StoredCredential>, StoreError> {
        self.one("SELECT doc FROM credentials WHERE access_key_id = ?1", p![access_key_id])
    }

    fn insert_credential(&mut self, c: &StoredCredential) -> Result<(), StoreError> {
        self.exec("INSERT INTO credentials (access_key_id, doc) VALUES (?1, ?2)", p![c.access_key_id, to_doc(c)?])?;
        Ok(())
    }

    fn credentials(&mut self) -> Result<Vec<StoredCredential>, StoreError> {
        self.all("SELECT doc FROM credentials ORDER BY access_key_id", p![])
    }

    fn account(&mut self, account: &AccountId) -> Result<Option<AccountRecord>, StoreError> {
        self.one("SELECT doc FROM accounts WHERE account = ?1", p![account])
    }

    fn accounts_with_seller_profile(&mut self, seller_profile_id: &str) -> Result<Vec<AccountRecord>, StoreError> {
        self.all("SELECT doc FROM accounts WHERE seller_profile_id = ?1 ORDER BY account", p![seller_profile_id])
    }

    fn accounts(&mut self) -> Result<Vec<AccountRecord>, StoreError> {
        self.all("SELECT doc FROM accounts ORDER BY account", p![])
    }

    fn put_account(&mut self, a: &AccountRecord) -> Result<(), StoreError> {
        let seller = a.seller_profile.as_ref().map(|s| s.id.as_str());
        self.exec(
            "INSERT INTO accounts (account, seller_profile_id, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (account) DO UPDATE SET seller_profile_id = excluded.seller_profile_id, doc = excluded.doc",
            p![a.account, seller, to_doc(a)?],
        )?;
        Ok(())
    }

    fn delete_account(&mut self, account: &AccountId) -> Result<bool, StoreError> {
        let mut removed = self.exec("DELETE FROM accounts WHERE account = ?1", p![account])?;
        removed += self.exec("DELETE FROM iam_users WHERE account = ?1", p![account])?;
        for c in self.credentials()?.into_iter().filter(|c| &c.account == account) {
            removed += self.exec("DELETE FROM credentials WHERE access_key_id = ?1", p![c.access_key_id])?;
        }
        Ok(removed > 0)
    }
}
