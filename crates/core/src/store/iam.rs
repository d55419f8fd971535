//! IAM users and their policies (docs/security.md#iam-users-and-policies).

use pcentral_model::AccountId;

use crate::records::IamUser;
use crate::store::StoreError;

/// IAM users inside one transaction.
pub trait IamTx {
    /// The user `name` of `account`, if registered.
    fn iam_user(&mut self, account: &AccountId, name: &str) -> Result<Option<IamUser>, StoreError>;
    /// A number stored with the user that changes whenever its stored
    /// document does (a node keeps its parsed policies while it is the same).
    fn iam_user_fingerprint(&mut self, account: &AccountId, name: &str) -> Result<Option<i64>, StoreError>;
    /// Insert or replace the user `user.account`/`user.name` (the caller sets its version).
    fn put_iam_user(&mut self, user: &IamUser) -> Result<(), StoreError>;
    /// Remove the user; answers whether it existed. Its key pairs stay and are denied everything.
    fn delete_iam_user(&mut self, account: &AccountId, name: &str) -> Result<bool, StoreError>;
    /// Every user, by account then name.
    fn iam_users(&mut self) -> Result<Vec<IamUser>, StoreError>;
}
