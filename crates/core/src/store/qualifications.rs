//! Qualifications tasks, associations and groups.

use pcentral_model::{AccountId, Catalog, PartnerId};

use crate::records::{
    QualificationsAssociation, QualificationsGroup, QualificationsTask, QualificationsTaskId, QualificationsTaskKind,
};
use crate::store::StoreError;

/// Qualifications records inside one transaction.
pub trait QualificationsTx {
    // Qualifications tasks, associations and groups. A backend keeps at most
    // one open task (`ended_at` unset) per partner: a second one is
    // `StoreError::Conflict`.
    /// The partner's tasks of `kind`, oldest first.
    fn qualifications_tasks_of(
        &mut self,
        catalog: Catalog,
        owner_partner_id: &PartnerId,
        kind: QualificationsTaskKind,
    ) -> Result<Vec<QualificationsTask>, StoreError>;
    /// The task `task_id` of `catalog`.
    fn qualifications_task(
        &mut self,
        catalog: Catalog,
        task_id: &QualificationsTaskId,
    ) -> Result<Option<QualificationsTask>, StoreError>;
    /// The records that involve any of `accounts` in `catalog`: associations
    /// and open tasks (outcome not stored yet) where one of them is the
    /// subsidiary or the primary, and the groups they lead; oldest first.
    fn qualifications_of(
        &mut self,
        catalog: Catalog,
        accounts: &[&AccountId],
    ) -> Result<QualificationsRecords, StoreError>;
    fn insert_qualifications_task(&mut self, task: &QualificationsTask) -> Result<(), StoreError>;
    fn update_qualifications_task(&mut self, task: &QualificationsTask) -> Result<(), StoreError>;
    /// At most one association per subsidiary.
    fn insert_qualifications_association(&mut self, association: &QualificationsAssociation) -> Result<(), StoreError>;
    fn delete_qualifications_association(
        &mut self,
        catalog: Catalog,
        subsidiary_account: &AccountId,
    ) -> Result<(), StoreError>;
    /// Insert or replace the group of (catalog, primary account).
    fn put_qualifications_group(&mut self, group: &QualificationsGroup) -> Result<(), StoreError>;
    fn delete_qualifications_group(&mut self, catalog: Catalog, primary_account: &AccountId) -> Result<(), StoreError>;

    // Admin-wide list of the web console (see [`crate::store`]).
    /// One page of the subsidiaries of a catalog that have a stored
    /// qualifications association or an open task, in account order (their
    /// state is then [`QualificationsTx::qualifications_of`] them, derived at service time).
    fn admin_qualifications_subsidiaries(
        &mut self,
        query: &AdminAssociationQuery,
    ) -> Result<Vec<AccountId>, StoreError>;
}

/// The qualifications records that involve some accounts (see [`QualificationsTx::qualifications_of`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QualificationsRecords {
    pub associations: Vec<QualificationsAssociation>,
    pub groups: Vec<QualificationsGroup>,
    pub open_tasks: Vec<QualificationsTask>,
}

/// One page of a catalog's qualifications subsidiaries, in account order.
#[derive(Debug, Clone, PartialEq)]
pub struct AdminAssociationQuery {
    pub catalog: Catalog,
    /// Associated with (or in a task towards) this primary account.
    pub primary: Option<AccountId>,
    pub subsidiary: Option<AccountId>,
    /// The last subsidiary of the previous page.
    pub after: Option<AccountId>,
    pub limit: usize,
}
