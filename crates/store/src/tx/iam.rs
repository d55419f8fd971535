//! [`IamTx`]: IAM users and their policies.

use pcentral_core::records::IamUser;
use pcentral_core::store::IamTx;
use pcentral_core::StoreError;
use pcentral_model::AccountId;

use super::{to_doc, SqlTx};
use crate::sql::Db;

impl<D: Db> IamTx for SqlTx<'_, D> {
    fn iam_user(&mut self, account: &AccountId, name: &str) -> Result<Option<IamUser>, StoreError> {
        self.one("SELECT doc FROM iam_users WHERE account = ?1 AND name = ?2", p![account, name])
    }

    fn put_iam_user(&mut self, u: &IamUser) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO iam_users (account, name, doc) VALUES (?1, ?2, ?3)
             ON CONFLICT (account, name) DO UPDATE SET doc = excluded.doc",
            p![u.account, u.name, to_doc(u)?],
        )?;
        Ok(())
    }

    fn delete_iam_user(&mut self, account: &AccountId, name: &str) -> Result<bool, StoreError> {
        Ok(self.exec("DELETE FROM iam_users WHERE account = ?1 AND name = ?2", p![account, name])? > 0)
    }

    fn iam_users(&mut self) -> Result<Vec<IamUser>, StoreError> {
        self.all("SELECT doc FROM iam_users ORDER BY account, name", p![])
    }
}
