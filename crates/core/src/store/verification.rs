//! Verification records: at most one per (account, type); a restart replaces it.

use pcentral_model::account::VerificationType;
use pcentral_model::AccountId;

use crate::records::Verification;
use crate::store::StoreError;

/// Verification records inside one transaction.
pub trait VerificationTx {
    fn verification(
        &mut self,
        account: &AccountId,
        verification_type: VerificationType,
    ) -> Result<Option<Verification>, StoreError>;
    fn verification_by_token(&mut self, token: &str) -> Result<Option<Verification>, StoreError>;
    /// Insert or replace the record for (account, type).
    fn put_verification(&mut self, verification: &Verification) -> Result<(), StoreError>;

    // Admin-wide list of the web console (see [`crate::store`]).
    /// One page of verifications in (account, type) order.
    fn admin_verifications(&mut self, query: &AdminVerificationQuery) -> Result<Vec<Verification>, StoreError>;
}

/// One page of verifications, in (account, type) order.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminVerificationQuery {
    pub account: Option<AccountId>,
    pub verification_type: Option<VerificationType>,
    /// The last verification of the previous page.
    pub after: Option<(AccountId, VerificationType)>,
    pub limit: usize,
}
