//! Partners (one per account per catalog), their profile update tasks, the
//! email verification codes sent to their addresses, and the outbox of
//! everything "sent".

use pcentral_model::{AccountId, Catalog, PartnerId, ProfileId};

use crate::records::{EmailCode, OutboxMessage, Partner, ProfileTask};
use crate::store::StoreError;

/// Partners, profile tasks, email codes and the outbox inside one transaction.
pub trait PartnersTx {
    // Partners (one per account per catalog).
    fn partner_by_account(&mut self, catalog: Catalog, account: &AccountId) -> Result<Option<Partner>, StoreError>;
    fn partner_by_id(&mut self, catalog: Catalog, id: &PartnerId) -> Result<Option<Partner>, StoreError>;
    /// The partner whose legal name has this key (see [`crate::partners::legal_name_key`]).
    fn partner_by_legal_name(&mut self, catalog: Catalog, legal_name_key: &str) -> Result<Option<Partner>, StoreError>;
    /// The partner that reserved `profile_id` (published or not).
    fn partner_by_profile_id(
        &mut self,
        catalog: Catalog,
        profile_id: &ProfileId,
    ) -> Result<Option<Partner>, StoreError>;
    fn insert_partner(&mut self, partner: &Partner) -> Result<(), StoreError>;
    /// Also keeps the index of `partner.domains`: a domain belongs to at most
    /// one partner per catalog (a second owner is `StoreError::Conflict`).
    fn update_partner(&mut self, partner: &Partner) -> Result<(), StoreError>;
    /// The partner in `catalog` that linked `domain` (lower-case).
    fn partner_id_by_domain(&mut self, catalog: Catalog, domain: &str) -> Result<Option<PartnerId>, StoreError>;

    // Profile update tasks.
    /// Every task of the partner, oldest first.
    fn profile_tasks(&mut self, partner_id: &PartnerId) -> Result<Vec<ProfileTask>, StoreError>;
    fn insert_profile_task(&mut self, task: &ProfileTask) -> Result<(), StoreError>;
    fn update_profile_task(&mut self, task: &ProfileTask) -> Result<(), StoreError>;

    // Email verification codes (one live code per catalog and address).
    fn email_code(&mut self, catalog: Catalog, address: &str) -> Result<Option<EmailCode>, StoreError>;
    fn put_email_code(&mut self, code: &EmailCode) -> Result<(), StoreError>;
    fn delete_email_code(&mut self, catalog: Catalog, address: &str) -> Result<(), StoreError>;

    // Outbox of everything "sent".
    fn append_outbox(&mut self, message: &OutboxMessage) -> Result<(), StoreError>;
    /// Messages, oldest first, optionally only those to `address` (case-insensitive).
    fn outbox(&mut self, address: Option<&str>) -> Result<Vec<OutboxMessage>, StoreError>;

    // Admin-wide lists of the web console (see [`crate::store`]).
    /// One page of a catalog's partners in legal-name order.
    fn admin_partners(&mut self, query: &AdminPartnerQuery) -> Result<Vec<Partner>, StoreError>;
    /// One page of a catalog's profile update tasks, newest first.
    fn admin_profile_tasks(&mut self, query: &AdminProfileTaskQuery) -> Result<Vec<ListedProfileTask>, StoreError>;
}

/// One page of a catalog's partners, in legal-name order.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminPartnerQuery {
    pub catalog: Catalog,
    pub account: Option<AccountId>,
    /// Only legal names containing this text (compared as legal-name keys,
    /// see [`crate::partners::legal_name_key`]).
    pub name: Option<String>,
    /// The legal-name key of the last partner of the previous page.
    pub after: Option<String>,
    pub limit: usize,
}

/// One page of a catalog's profile update tasks, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminProfileTaskQuery {
    pub catalog: Catalog,
    /// The tasks of this account's partner; `None`: every partner's.
    pub account: Option<AccountId>,
    /// The sequence number of the last task of the previous page.
    pub before: Option<i64>,
    pub limit: usize,
}

/// A profile update task with its store sequence number (the list order).
#[derive(Debug, Clone, PartialEq)]
pub struct ListedProfileTask {
    pub seq: i64,
    pub task: ProfileTask,
}
