//! [`VerificationTx`]: verification records.

use pcentral_core::records::Verification;
use pcentral_core::store::{AdminVerificationQuery, VerificationTx};
use pcentral_core::StoreError;
use pcentral_model::account::VerificationType;
use pcentral_model::AccountId;

use super::{limit, to_doc, ListingQuery, SqlTx, ToParam};
use crate::sql::{Db, Param};

impl<D: Db> VerificationTx for SqlTx<'_, D> {
    fn verification(
        &mut self,
        account: &AccountId,
        verification_type: VerificationType,
    ) -> Result<Option<Verification>, StoreError> {
        self.one(
            "SELECT doc FROM verifications WHERE account = ?1 AND verification_type = ?2",
            p![account, verification_type],
        )
    }

    fn verification_by_token(&mut self, token: &str) -> Result<Option<Verification>, StoreError> {
        self.one("SELECT doc FROM verifications WHERE completion_token = ?1", p![token])
    }

    fn put_verification(&mut self, v: &Verification) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO verifications (account, verification_type, completion_token, doc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (account, verification_type)
             DO UPDATE SET completion_token = excluded.completion_token, doc = excluded.doc",
            p![v.account, v.verification_type, v.completion_token, to_doc(v)?],
        )?;
        Ok(())
    }

    fn admin_verifications(&mut self, q: &AdminVerificationQuery) -> Result<Vec<Verification>, StoreError> {
        let mut sql = ListingQuery::new("SELECT doc FROM verifications WHERE 1 = 1");
        if let Some(account) = &q.account {
            sql.push(" AND account = ?", &[account.to_param()]);
        }
        if let Some(kind) = q.verification_type {
            sql.push(" AND verification_type = ?", &[Param::Text(kind.as_str())]);
        }
        if let Some((account, kind)) = &q.after {
            sql.push(
                " AND (account > ? OR (account = ? AND verification_type > ?))",
                &[account.to_param(), account.to_param(), Param::Text(kind.as_str())],
            );
        }
        sql.push(" ORDER BY account, verification_type LIMIT ?", &[Param::Int(limit(q.limit))]);
        self.all(&sql.sql, &sql.params)
    }
}
