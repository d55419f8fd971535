//! Qualifications association (docs/behaviour.md#qualifications): a
//! subsidiary that accepted a SUBSIDIARY connection from its primary partner
//! associates with it (and later leaves) through tasks that always succeed.
//! Every check runs when a task starts.
//!
//! Outcomes are derived: a task is SUCCEEDED from its due time on, and the
//! associations are the stored ones plus the effects of every task that is
//! due, applied in due-time order ([`QualState::derive`]), so every party sees
//! the same state without anyone polling. Reads never write; writes (the
//! Start operations and CancelConnection) first store what became due
//! ([`materialize`]), which keeps the store's "one open task per partner"
//! constraint meaningful.
//!
//! A task only changes its owner's association and its primary's group, so
//! the state is loaded for the accounts a call is about (the caller and the
//! primary partner), never for the whole catalog.

use std::collections::BTreeMap;

use pcentral_model::account::{
    self, BusinessValidationCode, ConflictExceptionReason, FieldValidationCode, QualificationsAssociationStatus,
    QualificationsAssociationTaskStatus, QualificationsDisassociationTaskStatus, ResourceNotFoundExceptionReason,
};
use pcentral_model::{
    AccountId, ApiError, AssociationTaskId, Catalog, DisassociationTaskId, Millis, PartnerId, ProfileId, Timestamp,
};

use crate::ctx::{new_id, Ctx};
use crate::partners::{own_partner, own_published_partner, partner_arn, published_partner_of, publisher_of};
use crate::records::{
    ConnectionTypeEntry, Partner, QualificationsAssociation, QualificationsGroup, QualificationsTask,
    QualificationsTaskId, QualificationsTaskKind,
};
use crate::settings::{ms, SubsidiaryCancel, SECOND_MS};
use crate::store::{OpResult, QualificationsRecords, Tx};
use crate::tools::ToolError;

/// Whether `task` has succeeded at `now`, and when it ended.
pub fn task_ended(task: &QualificationsTask, now: Millis) -> Option<Millis> {
    match task.ended_at {
        Some(at) => Some(at),
        None if task.due_at <= now => Some(task.due_at),
        None => None,
    }
}

/// What an admin does to an IN_PROGRESS qualifications task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskAction {
    /// Keep it IN_PROGRESS until completed by an admin or settled by a SUBSIDIARY cancel.
    Hold,
    /// Complete it now: its effect applies from this service time on.
    Complete,
}

/// Admin: apply `action` to the IN_PROGRESS task `task_id` of `catalog`.
pub fn force_task(
    tx: &mut dyn Tx,
    now: Millis,
    catalog: Catalog,
    task_id: &QualificationsTaskId,
    action: TaskAction,
) -> OpResult<()> {
    let Some(mut task) = tx.qualifications_task(catalog, task_id)?.filter(|t| t.ended_at.is_none()) else {
        return Err(ToolError::NotFound(format!("no open qualifications task {task_id} in catalog {catalog}")).into());
    };
    if task_ended(&task, now).is_some() {
        return Err(ToolError::Conflict(
            "the task has already ended (SUCCEEDED); only an IN_PROGRESS task can be forced".into(),
        )
        .into());
    }
    task.due_at = match action {
        TaskAction::Hold => Millis::MAX,
        TaskAction::Complete => now,
    };
    tx.update_qualifications_task(&task)?;
    Ok(())
}

/// The qualifications state around some accounts at a service time.
#[derive(Debug, Clone, Default)]
pub struct QualState {
    /// Current associations, oldest first.
    pub associations: Vec<QualificationsAssociation>,
    /// Primary account → time of the group's last join or leave.
    pub groups: BTreeMap<AccountId, Millis>,
    /// Tasks still in progress.
    pub open: Vec<QualificationsTask>,
    /// Tasks that ended but whose outcome is not stored yet (`ended_at` set).
    pub settled: Vec<QualificationsTask>,
    stored_associations: Vec<QualificationsAssociation>,
    stored_groups: BTreeMap<AccountId, Millis>,
}

impl QualState {
    /// Apply every open task that is due at `now` to the stored records.
    pub fn derive(records: QualificationsRecords, now: Millis) -> QualState {
        let QualificationsRecords { associations, groups, mut open_tasks } = records;
        let groups: BTreeMap<AccountId, Millis> =
            groups.into_iter().map(|g| (g.primary_account, g.updated_at)).collect();
        let mut state = QualState {
            associations: associations.clone(),
            groups: groups.clone(),
            stored_associations: associations,
            stored_groups: groups,
            ..QualState::default()
        };
        open_tasks.sort_by_key(|t| t.due_at); // stable: start order among equal due times
        for task in open_tasks {
            if task.due_at <= now {
                state.settle(task, None);
            } else {
                state.open.push(task);
            }
        }
        state
    }

    /// End `task` at `at` (default: its due time) and apply its effect.
    fn settle(&mut self, mut task: QualificationsTask, at: Option<Millis>) {
        let at = at.unwrap_or(task.due_at);
        task.ended_at = Some(at);
        match task.kind() {
            QualificationsTaskKind::Association => {
                if self.association_of(&task.owner_account).is_none() {
                    self.associations.push(QualificationsAssociation {
                        catalog: task.catalog,
                        subsidiary_account: task.owner_account.clone(),
                        subsidiary_partner_id: task.owner_partner_id.clone(),
                        subsidiary_profile_id: task.owner_profile_id.clone(),
                        primary_account: task.primary_account.clone(),
                        primary_partner_id: task.primary_partner_id.clone(),
                        primary_profile_id: task.primary_profile_id.clone(),
                        associated_at: at,
                    });
                    self.groups.insert(task.primary_account.clone(), at);
                }
            }
            QualificationsTaskKind::Disassociation => self.leave(&task.owner_account, at),
        }
        self.settled.push(task);
    }

    /// Remove `subsidiary` from its group at `at`; an emptied group disappears.
    fn leave(&mut self, subsidiary: &AccountId, at: Millis) {
        let Some(primary) = self.association_of(subsidiary).map(|a| a.primary_account.clone()) else {
            return;
        };
        self.associations.retain(|a| &a.subsidiary_account != subsidiary);
        if self.members_of(&primary).is_empty() {
            self.groups.remove(&primary);
        } else {
            self.groups.insert(primary, at);
        }
    }

    /// The association of `subsidiary`, if it is associated.
    pub fn association_of(&self, subsidiary: &AccountId) -> Option<&QualificationsAssociation> {
        self.associations.iter().find(|a| &a.subsidiary_account == subsidiary)
    }

    /// The subsidiaries associated with `primary`, oldest first.
    pub fn members_of(&self, primary: &AccountId) -> Vec<&QualificationsAssociation> {
        let mut members: Vec<_> = self.associations.iter().filter(|a| &a.primary_account == primary).collect();
        members.sort_by_key(|a| a.associated_at);
        members
    }

    /// The open task of the partner `partner_id`, of either kind.
    pub fn open_task_of(&self, partner_id: &PartnerId) -> Option<&QualificationsTask> {
        self.open.iter().find(|t| &t.owner_partner_id == partner_id)
    }

    /// Association tasks in flight towards `primary`.
    fn joining(&self, primary: &AccountId) -> usize {
        self.open
            .iter()
            .filter(|t| t.kind() == QualificationsTaskKind::Association && &t.primary_account == primary)
            .count()
    }
}

/// The state around `accounts` in `catalog` at `now` (writes nothing).
pub fn load(tx: &mut dyn Tx, catalog: Catalog, accounts: &[&AccountId], now: Millis) -> OpResult<QualState> {
    Ok(QualState::derive(tx.qualifications_of(catalog, accounts)?, now))
}

/// Store what `state` changed: settled tasks, associations and groups.
fn save(tx: &mut dyn Tx, catalog: Catalog, mut state: QualState) -> OpResult<QualState> {
    for task in state.settled.drain(..) {
        tx.update_qualifications_task(&task)?;
    }
    for old in &state.stored_associations {
        if !state.associations.iter().any(|a| a == old) {
            tx.delete_qualifications_association(catalog, &old.subsidiary_account)?;
        }
    }
    for new in &state.associations {
        if !state.stored_associations.iter().any(|a| a == new) {
            tx.insert_qualifications_association(new)?;
        }
    }
    for primary in state.stored_groups.keys() {
        if !state.groups.contains_key(primary) {
            tx.delete_qualifications_group(catalog, primary)?;
        }
    }
    for (primary, at) in &state.groups {
        if state.stored_groups.get(primary) != Some(at) {
            tx.put_qualifications_group(&QualificationsGroup {
                catalog,
                primary_account: primary.clone(),
                updated_at: *at,
            })?;
        }
    }
    state.stored_associations = state.associations.clone();
    state.stored_groups = state.groups.clone();
    Ok(state)
}

/// Derive the state around `accounts` and store what became due (writes only).
pub fn materialize(ctx: &mut Ctx<'_>, catalog: Catalog, accounts: &[&AccountId]) -> OpResult<QualState> {
    let state = load(ctx.tx, catalog, accounts, ctx.now)?;
    save(ctx.tx, catalog, state)
}

/// What CancelConnection on the ACTIVE SUBSIDIARY type between `a` and `b`
/// does first, per `qualifications_on_subsidiary_cancel`.
pub fn on_subsidiary_cancel(ctx: &mut Ctx<'_>, catalog: Catalog, a: &AccountId, b: &AccountId) -> OpResult<()> {
    let mode = ctx.settings.qualifications_on_subsidiary_cancel;
    if mode == SubsidiaryCancel::Keep {
        return Ok(());
    }
    let mut state = materialize(ctx, catalog, &[a, b])?;
    let between = |x: &AccountId, y: &AccountId| (x == a && y == b) || (x == b && y == a);
    let in_flight: Vec<QualificationsTask> =
        state.open.iter().filter(|t| between(&t.owner_account, &t.primary_account)).cloned().collect();
    let associated = state.associations.iter().any(|x| between(&x.subsidiary_account, &x.primary_account));
    if in_flight.is_empty() && !associated {
        return Ok(());
    }
    if mode == SubsidiaryCancel::Block {
        let e = ApiError::conflict(
            ConflictExceptionReason::IncompatibleConnectionState,
            "The two accounts are linked by a qualifications association (or a task in flight); \
             the subsidiary must disassociate before the SUBSIDIARY connection is cancelled",
        );
        return Err(e.decided_by("qualifications_on_subsidiary_cancel").into());
    }
    // Dissolve: tasks in flight end now with their effect, then the association goes.
    let now = ctx.now;
    state.open.retain(|t| !in_flight.iter().any(|f| f.task_id == t.task_id));
    for task in in_flight {
        state.settle(task, Some(now));
    }
    let subsidiaries: Vec<AccountId> = state
        .associations
        .iter()
        .filter(|x| between(&x.subsidiary_account, &x.primary_account))
        .map(|x| x.subsidiary_account.clone())
        .collect();
    for subsidiary in subsidiaries {
        state.leave(&subsidiary, now);
    }
    save(ctx.tx, catalog, state)?;
    Ok(())
}

fn incompatible_primary(message: impl Into<String>) -> ApiError {
    ApiError::business(BusinessValidationCode::IncompatiblePrimaryPartner, message)
}

fn partner_ref(profile_id: &ProfileId, account: &AccountId) -> account::QualificationsAssociationPartner {
    account::QualificationsAssociationPartner {
        profile_id: Some(profile_id.clone()),
        account_id: Some(account.clone()),
    }
}

/// A `{ProfileId?, AccountId?}` of a request, at least one of them set.
enum PartnerRef {
    Profile(ProfileId, Option<AccountId>),
    Account(AccountId),
}

impl PartnerRef {
    /// At least one member must be set (the model cannot say so).
    fn of(member: &str, given: account::QualificationsAssociationPartner) -> OpResult<PartnerRef> {
        match (given.profile_id, given.account_id) {
            (Some(profile), account) => Ok(PartnerRef::Profile(profile, account)),
            (None, Some(account)) => Ok(PartnerRef::Account(account)),
            (None, None) => Err(ApiError::field(
                member,
                FieldValidationCode::RequiredFieldMissing,
                format!("{member} needs a ProfileId or an AccountId"),
            )
            .into()),
        }
    }

    fn names(&self, account: &AccountId, profile_id: &ProfileId) -> bool {
        match self {
            PartnerRef::Profile(p, a) => p == profile_id || a.as_ref() == Some(account),
            PartnerRef::Account(a) => a == account,
        }
    }
}

/// The ACTIVE SUBSIDIARY entry of the live connection between `caller` and `other`.
fn active_subsidiary_link(
    ctx: &mut Ctx<'_>,
    catalog: Catalog,
    caller: &AccountId,
    other: &AccountId,
) -> OpResult<Option<ConnectionTypeEntry>> {
    let live = ctx.tx.live_connection_between(catalog, [caller, other])?;
    Ok(live.and_then(|c| {
        c.types
            .get(&account::ConnectionType::Subsidiary)
            .filter(|e| e.status == account::ConnectionTypeStatus::Active)
            .cloned()
    }))
}

fn task_conflict(task: &QualificationsTask) -> ApiError {
    ApiError::conflict(
        ConflictExceptionReason::IncompatibleQualificationsAssociationTaskState,
        format!("Qualifications task {} is still in progress", task.task_id),
    )
}

/// The members every task answer shares.
struct TaskView {
    catalog: Catalog,
    arn: String,
    id: PartnerId,
    started_at: Timestamp,
    other: account::QualificationsAssociationPartner,
    ended_at: Option<Timestamp>,
}

fn task_view(ctx: &Ctx<'_>, partner: &Partner, task: &QualificationsTask) -> TaskView {
    TaskView {
        catalog: partner.catalog,
        arn: partner_arn(&ctx.caller.region, partner),
        id: partner.id.clone(),
        started_at: Timestamp(task.started_at),
        other: partner_ref(&task.primary_profile_id, &task.primary_account),
        ended_at: task_ended(task, ctx.now).map(Timestamp),
    }
}

fn new_task(
    ctx: &mut Ctx<'_>,
    partner: &Partner,
    task_id: QualificationsTaskId,
    primary: (AccountId, PartnerId, ProfileId),
) -> QualificationsTask {
    QualificationsTask {
        catalog: partner.catalog,
        task_id,
        owner_account: partner.account.clone(),
        owner_partner_id: partner.id.clone(),
        owner_profile_id: partner.profile_id.clone(),
        primary_account: primary.0,
        primary_partner_id: primary.1,
        primary_profile_id: primary.2,
        started_at: ctx.now,
        due_at: ctx.now + ms(ctx.settings.qualifications_task_delay_seconds, SECOND_MS),
        ended_at: None,
    }
}

pub fn start_qualifications_association_task(
    ctx: &mut Ctx<'_>,
    req: account::StartQualificationsAssociationTaskRequest,
) -> OpResult<account::StartQualificationsAssociationTaskResponse> {
    let wanted = PartnerRef::of("PrimaryPartner", req.primary_partner)?;
    let catalog = req.catalog;
    let partner = own_published_partner(ctx, catalog, &req.identifier)?;
    let caller = ctx.caller.account.clone();
    if let Some(task) = materialize(ctx, catalog, &[&caller])?.open_task_of(&partner.id) {
        return Err(task_conflict(task).into());
    }
    // a. Not oneself.
    if wanted.names(&caller, &partner.profile_id) {
        return Err(incompatible_primary("A partner cannot be its own primary partner").into());
    }
    // b. Someone the caller has an ACTIVE SUBSIDIARY connection with. A
    // profile id is resolved to its account only to look for that
    // connection: an unknown profile, another account's profile and an
    // account id without the connection all answer alike, so that the
    // answer never ties a profile to an account (docs/behaviour.md#isolation).
    let named_account = match &wanted {
        PartnerRef::Profile(profile_id, _) => publisher_of(ctx.tx, catalog, profile_id, ctx.now)?.map(|p| p.account),
        PartnerRef::Account(account) => Some(account.clone()),
    };
    let linked = match named_account {
        Some(account) => active_subsidiary_link(ctx, catalog, &caller, &account)?.map(|link| (account, link)),
        None => None,
    };
    let Some((primary_account, link)) = linked else {
        return Err(ApiError::business(
            BusinessValidationCode::MissingActiveSubsidiaryConnection,
            format!("Account {caller} has no ACTIVE SUBSIDIARY connection with the partner PrimaryPartner names"),
        )
        .into());
    };
    // c. Both ids of one partner (the connection already shows the caller both).
    if let PartnerRef::Profile(_, Some(account)) = &wanted {
        if *account != primary_account {
            return Err(incompatible_primary("PrimaryPartner's ProfileId and AccountId name different partners").into());
        }
    }
    // d. The primary sent the SUBSIDIARY invitation.
    if link.inviter_account == caller {
        return Err(ApiError::business(
            BusinessValidationCode::IncompatibleSubsidiaryConnection,
            format!("Account {caller} sent the SUBSIDIARY invitation, so it is the primary side of that link"),
        )
        .into());
    }
    // e. The primary is a partner with a published profile.
    let Some(primary) = published_partner_of(ctx.tx, catalog, &primary_account, ctx.now)? else {
        return Err(incompatible_primary("The primary partner has no published profile in this catalog").into());
    };
    let state = materialize(ctx, catalog, &[&caller, &primary_account])?;
    // f. One association per subsidiary.
    if state.association_of(&caller).is_some() {
        return Err(ApiError::business(
            BusinessValidationCode::QualificationsAssociationExists,
            format!(
                "Partner {} is already associated with a primary partner (see GetQualificationsAssociationDetails)",
                partner.id
            ),
        )
        .into());
    }
    // g, h. No chains.
    if !state.members_of(&caller).is_empty() || state.joining(&caller) > 0 {
        return Err(incompatible_primary(format!(
            "Partner {} is itself a primary partner and cannot be associated under another",
            partner.id
        ))
        .into());
    }
    if state.association_of(&primary_account).is_some() {
        return Err(incompatible_primary(
            "The named primary partner is associated as a subsidiary and cannot be a primary partner",
        )
        .into());
    }
    // i. The group's size, counting tasks in flight.
    let limit = ctx.settings.qualifications_max_associated_partners;
    let taken = state.members_of(&primary_account).len() + state.joining(&primary_account);
    if taken as u64 >= limit {
        let e = ApiError::business(
            BusinessValidationCode::QualificationsAssociationLimitExceeded,
            format!("The primary partner already has {limit} associated partners (limit {limit})"),
        );
        return Err(e.decided_by("qualifications_max_associated_partners").into());
    }
    let task_id: AssociationTaskId = new_id(ctx.ids);
    let id = QualificationsTaskId::Association(task_id.clone());
    let task = new_task(ctx, &partner, id, (primary.account, primary.id, primary.profile_id));
    ctx.tx.insert_qualifications_task(&task)?;
    let v = task_view(ctx, &partner, &task);
    Ok(account::StartQualificationsAssociationTaskResponse {
        catalog: v.catalog,
        arn: v.arn,
        id: v.id,
        task_id,
        status: QualificationsAssociationTaskStatus::InProgress,
        primary_partner: v.other,
        started_at: v.started_at,
    })
}

pub fn start_qualifications_disassociation_task(
    ctx: &mut Ctx<'_>,
    req: account::StartQualificationsDisassociationTaskRequest,
) -> OpResult<account::StartQualificationsDisassociationTaskResponse> {
    let named = PartnerRef::of("AssociatedPartner", req.associated_partner)?;
    let catalog = req.catalog;
    let partner = own_partner(ctx, catalog, &req.identifier)?;
    let caller = ctx.caller.account.clone();
    let state = materialize(ctx, catalog, &[&caller])?;
    if let Some(task) = state.open_task_of(&partner.id) {
        return Err(task_conflict(task).into());
    }
    if named.names(&caller, &partner.profile_id) {
        return Err(incompatible_primary("AssociatedPartner names the caller itself").into());
    }
    if !state.members_of(&caller).is_empty() {
        return Err(incompatible_primary(format!(
            "Partner {} is a primary partner; only its subsidiaries can disassociate",
            partner.id
        ))
        .into());
    }
    let Some(association) = state.association_of(&caller).cloned() else {
        return Err(ApiError::business(
            BusinessValidationCode::QualificationsAssociationNotFound,
            format!("Partner {} is not associated with a primary partner", partner.id),
        )
        .into());
    };
    let is_primary = match &named {
        PartnerRef::Profile(p, a) => {
            *p == association.primary_profile_id && a.as_ref().is_none_or(|a| *a == association.primary_account)
        }
        PartnerRef::Account(a) => *a == association.primary_account,
    };
    if !is_primary {
        return Err(incompatible_primary("AssociatedPartner is not the current primary partner").into());
    }
    let task_id: DisassociationTaskId = new_id(ctx.ids);
    let id = QualificationsTaskId::Disassociation(task_id.clone());
    let primary = (association.primary_account, association.primary_partner_id, association.primary_profile_id);
    let task = new_task(ctx, &partner, id, primary);
    ctx.tx.insert_qualifications_task(&task)?;
    let v = task_view(ctx, &partner, &task);
    Ok(account::StartQualificationsDisassociationTaskResponse {
        catalog: v.catalog,
        arn: v.arn,
        id: v.id,
        task_id,
        status: QualificationsDisassociationTaskStatus::InProgress,
        associated_partner: v.other,
        started_at: v.started_at,
    })
}

fn latest_task(
    ctx: &mut Ctx<'_>,
    catalog: Catalog,
    identifier: &str,
    kind: QualificationsTaskKind,
) -> OpResult<(Partner, Option<QualificationsTask>)> {
    let partner = own_partner(ctx, catalog, identifier)?;
    let task = ctx.tx.qualifications_tasks_of(catalog, &partner.id, kind)?.pop();
    Ok((partner, task))
}

pub fn get_qualifications_association_task(
    ctx: &mut Ctx<'_>,
    req: account::GetQualificationsAssociationTaskRequest,
) -> OpResult<account::GetQualificationsAssociationTaskResponse> {
    let (partner, task) = latest_task(ctx, req.catalog, &req.identifier, QualificationsTaskKind::Association)?;
    let Some((task, QualificationsTaskId::Association(task_id))) = task.map(|t| (t.clone(), t.task_id)) else {
        return Err(ApiError::not_found(
            ResourceNotFoundExceptionReason::QualificationsAssociationTaskNotFound,
            format!("Partner {} never started a qualifications association task", partner.id),
        )
        .into());
    };
    let v = task_view(ctx, &partner, &task);
    Ok(account::GetQualificationsAssociationTaskResponse {
        catalog: v.catalog,
        arn: v.arn,
        id: v.id,
        task_id,
        status: if v.ended_at.is_some() {
            QualificationsAssociationTaskStatus::Succeeded
        } else {
            QualificationsAssociationTaskStatus::InProgress
        },
        primary_partner: v.other,
        started_at: v.started_at,
        ended_at: v.ended_at,
    })
}

pub fn get_qualifications_disassociation_task(
    ctx: &mut Ctx<'_>,
    req: account::GetQualificationsDisassociationTaskRequest,
) -> OpResult<account::GetQualificationsDisassociationTaskResponse> {
    let (partner, task) = latest_task(ctx, req.catalog, &req.identifier, QualificationsTaskKind::Disassociation)?;
    let Some((task, QualificationsTaskId::Disassociation(task_id))) = task.map(|t| (t.clone(), t.task_id)) else {
        return Err(ApiError::not_found(
            ResourceNotFoundExceptionReason::QualificationsDisassociationTaskNotFound,
            format!("Partner {} never started a qualifications disassociation task", partner.id),
        )
        .into());
    };
    let v = task_view(ctx, &partner, &task);
    Ok(account::GetQualificationsDisassociationTaskResponse {
        catalog: v.catalog,
        arn: v.arn,
        id: v.id,
        task_id,
        status: if v.ended_at.is_some() {
            QualificationsDisassociationTaskStatus::Succeeded
        } else {
            QualificationsDisassociationTaskStatus::InProgress
        },
        associated_partner: v.other,
        started_at: v.started_at,
        ended_at: v.ended_at,
    })
}

pub fn get_qualifications_association_details(
    ctx: &mut Ctx<'_>,
    req: account::GetQualificationsAssociationDetailsRequest,
) -> OpResult<account::GetQualificationsAssociationDetailsResponse> {
    let partner = own_partner(ctx, req.catalog, &req.identifier)?;
    let caller = ctx.caller.account.clone();
    let mine = load(ctx.tx, req.catalog, &[&caller], ctx.now)?;
    let primary = match mine.association_of(&caller) {
        Some(a) => Some((a.primary_account.clone(), a.primary_profile_id.clone())),
        None if !mine.members_of(&caller).is_empty() => Some((caller.clone(), partner.profile_id.clone())),
        None => None,
    };
    let mut out = account::GetQualificationsAssociationDetailsResponse {
        catalog: partner.catalog,
        arn: partner_arn(&ctx.caller.region, &partner),
        id: partner.id.clone(),
        status: QualificationsAssociationStatus::NotAssociated,
        primary_partner: None,
        associated_partners: None,
        updated_at: None,
    };
    if let Some((primary_account, primary_profile_id)) = primary {
        let group = load(ctx.tx, req.catalog, &[&caller, &primary_account], ctx.now)?;
        let members = group
            .members_of(&primary_account)
            .iter()
            .map(|a| partner_ref(&a.subsidiary_profile_id, &a.subsidiary_account))
            .collect();
        out.status = QualificationsAssociationStatus::Associated;
        out.primary_partner = Some(partner_ref(&primary_profile_id, &primary_account));
        out.associated_partners = Some(members);
        out.updated_at = group.groups.get(&primary_account).map(|at| Timestamp(*at));
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn account(n: u8) -> AccountId {
        AccountId::parse(&format!("{:012}", n)).unwrap()
    }

    fn task(association: bool, owner: u8, primary: u8, started_at: Millis, due_at: Millis) -> QualificationsTask {
        let suffix = format!("{:013}", u64::from(owner) * 1000 + started_at as u64);
        let task_id = if association {
            QualificationsTaskId::Association(format!("pqatask-{suffix}").parse().unwrap())
        } else {
            QualificationsTaskId::Disassociation(format!("pqdtask-{suffix}").parse().unwrap())
        };
        let partner = |n: u8| format!("partner-{:013}", n).parse().unwrap();
        let profile = |n: u8| format!("pprofile-{:013}", n).parse().unwrap();
        QualificationsTask {
            catalog: Catalog::Sandbox,
            task_id,
            owner_account: account(owner),
            owner_partner_id: partner(owner),
            owner_profile_id: profile(owner),
            primary_account: account(primary),
            primary_partner_id: partner(primary),
            primary_profile_id: profile(primary),
            started_at,
            due_at,
            ended_at: None,
        }
    }

    fn records(tasks: Vec<QualificationsTask>) -> QualificationsRecords {
        QualificationsRecords { open_tasks: tasks, ..Default::default() }
    }

    #[test]
    fn due_tasks_apply_in_due_order_and_others_stay_open() {
        let tasks = vec![task(true, 1, 9, 10, 10), task(true, 2, 9, 20, 50), task(true, 3, 9, 30, 30)];
        let state = QualState::derive(records(tasks.clone()), 40);
        let members: Vec<&AccountId> = state.members_of(&account(9)).iter().map(|a| &a.subsidiary_account).collect();
        assert_eq!(members, [&account(1), &account(3)]);
        assert_eq!(state.groups.get(&account(9)), Some(&30));
        assert_eq!(state.open.len(), 1);
        assert_eq!(state.settled.iter().map(|t| t.ended_at).collect::<Vec<_>>(), [Some(10), Some(30)]);
        assert_eq!(task_ended(&tasks[1], 40), None);
        assert_eq!(task_ended(&tasks[1], 50), Some(50));
    }

    #[test]
    fn leaving_the_last_member_removes_the_group() {
        let joined = QualState::derive(records(vec![task(true, 1, 9, 10, 10)]), 10);
        let groups: Vec<QualificationsGroup> = joined
            .groups
            .iter()
            .map(|(k, v)| QualificationsGroup { catalog: Catalog::Sandbox, primary_account: k.clone(), updated_at: *v })
            .collect();
        let left = QualState::derive(
            QualificationsRecords {
                associations: joined.associations.clone(),
                groups,
                open_tasks: vec![task(false, 1, 9, 20, 25)],
            },
            30,
        );
        assert!(left.associations.is_empty());
        assert!(left.groups.is_empty());
    }
}
