//! Customer accounts of the Selling API, with the query their searches scan.
//! One method per record, so a caller (a request, or a bulk job writing
//! many accounts in one transaction) calls them in a loop.

use pcentral_model::{AccountId, Catalog, CustomerAccountId, Millis};

use crate::records::{CustomerAccount, CustomerAccountSortName};
use crate::store::{OpportunityCursor, StoreError};

/// Customer accounts inside one transaction.
pub trait CustomerAccountsTx {
    fn customer_account(
        &mut self,
        catalog: Catalog,
        id: &CustomerAccountId,
    ) -> Result<Option<CustomerAccount>, StoreError>;
    /// Store a new customer account; an id already stored in its catalog is
    /// `StoreError::Conflict` (the call runs again with fresh ids).
    fn insert_customer_account(&mut self, account: &CustomerAccount) -> Result<(), StoreError>;
    /// Replace the stored customer account if its `last_modified` is still
    /// `expected`; answers whether it did (`false`: another write came first).
    fn update_customer_account(&mut self, account: &CustomerAccount, expected: Millis) -> Result<bool, StoreError>;
    /// Delete a customer account; answers whether there was one.
    fn delete_customer_account(&mut self, catalog: Catalog, id: &CustomerAccountId) -> Result<bool, StoreError>;
    /// The next `query.limit` customer accounts of an owner in one catalog,
    /// in the query's order, after its cursor.
    fn customer_accounts(&mut self, query: &CustomerAccountQuery) -> Result<Vec<CustomerAccount>, StoreError>;
}

/// A scan of an owner's customer accounts in one catalog, in one order
/// (ties by id ascending), from after a keyset position.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerAccountQuery {
    pub catalog: Catalog,
    pub owner: AccountId,
    pub sort: CustomerAccountSortName,
    pub descending: bool,
    /// The sort value and id of the last account already read (the cursor
    /// shape opportunities use).
    pub after: Option<OpportunityCursor>,
    pub limit: usize,
}
