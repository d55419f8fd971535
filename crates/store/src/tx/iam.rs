//! [`IamTx`]: IAM users and their policies.

use pcentral_core::records::IamUser;
use pcentral_core::store::IamTx;
use pcentral_core::StoreError;
use pcentral_model::AccountId;

use super::{to_doc, SqlTx};
use crate::sql::{Cell, Db};

/// A hash of a user's stored document: equal documents give equal numbers,
/// and a different one (in all likelihood) a different number. Only ever
/// compared with the number stored next to the document, so it need not be
/// stable across releases.
fn fingerprint(doc: &str) -> i64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    doc.hash(&mut h);
    i64::from_ne_bytes(h.finish().to_ne_bytes())
}

impl<D: Db> IamTx for SqlTx<'_, D> {
    fn iam_user(&mut self, account: &AccountId, name: &str) -> Result<Option<IamUser>, StoreError> {
        self.one("SELECT doc FROM iam_users WHERE account = ?1 AND name = ?2", p![account, name])
    }

    fn iam_user_fingerprint(&mut self, account: &AccountId, name: &str) -> Result<Option<i64>, StoreError> {
        let rows =
            self.db.cells("SELECT fingerprint FROM iam_users WHERE account = ?1 AND name = ?2", p![account, name])?;
        Ok(rows.first().and_then(|row| row.first()).and_then(Cell::int))
    }

    fn put_iam_user(&mut self, u: &IamUser) -> Result<(), StoreError> {
        let doc = to_doc(u)?;
        self.exec(
            "INSERT INTO iam_users (account, name, doc, fingerprint) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account, name) DO UPDATE SET doc = excluded.doc, fingerprint = excluded.fingerprint",
            p![u.account, u.name, doc, fingerprint(&doc)],
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
