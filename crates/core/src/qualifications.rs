//! Qualifications association (SEMANTICS §14): a subsidiary that accepted a
//! SUBSIDIARY connection from its primary partner associates with it (and
//! later leaves) through tasks that always succeed. Every check runs when a
//! task starts.
//!
//! Outcomes are derived: a task is SUCCEEDED from its due time on, and the
//! associations of a catalog are the stored ones plus the effects of every
//! task that is due, applied in due-time order ([`QualState::derive`]), so
//! every party sees the same state without anyone polling. Reads never
//! write; writes (the Start operations and CancelConnection) first store what
//! became due ([`materialize`]), which keeps the store's "one open task per
//! partner" constraint meaningful.

use std::collections::BTreeMap;

use pcentral_model::{timestamp, ApiError, FieldCode, Millis};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::operations::{parse, Ctx, ResourceRequest};
use crate::partners::{own_partner, partner_arn};
use crate::profiles::PublishedProfile;
use crate::settings::{ms, SubsidiaryCancel, SECOND_MS};
use crate::store::{OpResult, Partner, QualificationsAssociation, QualificationsGroup, QualificationsTask};

pub const ASSOCIATION: &str = "ASSOCIATION";
pub const DISASSOCIATION: &str = "DISASSOCIATION";

/// Status and end time of `task` at `now`.
pub fn task_status(task: &QualificationsTask, now: Millis) -> (&'static str, Option<Millis>) {
    match task.ended_at {
        Some(at) => ("SUCCEEDED", Some(at)),
        None if task.due_at <= now => ("SUCCEEDED", Some(task.due_at)),
        None => ("IN_PROGRESS", None),
    }
}

/// Admin: `complete` an IN_PROGRESS qualifications task now (its effect
/// applies from this service time on), or `hold` it (it will not complete on
/// its own until completed by an admin or settled by a SUBSIDIARY cancel).
pub fn force_task(
    tx: &mut dyn crate::store::Tx,
    now: Millis,
    catalog: &str,
    task_id: &str,
    action: &str,
) -> OpResult<Result<(), crate::profiles::ForceError>> {
    use crate::profiles::ForceError;
    let Some(mut task) = tx.open_qualifications_tasks(catalog)?.into_iter().find(|t| t.task_id == task_id) else {
        return Ok(Err(ForceError::NotFound(format!("no open qualifications task {task_id} in catalog {catalog}"))));
    };
    let (status, _) = task_status(&task, now);
    if status != "IN_PROGRESS" {
        return Ok(Err(ForceError::Ended(status.to_string())));
    }
    task.due_at = if action == "hold" { Millis::MAX } else { now };
    tx.update_qualifications_task(&task)?;
    Ok(Ok(()))
}

/// The qualifications state of one catalog at a service time.
#[derive(Debug, Clone, Default)]
pub struct QualState {
    /// Current associations, oldest first.
    pub associations: Vec<QualificationsAssociation>,
    /// Primary account → time of the group's last join or leave.
    pub groups: BTreeMap<String, Millis>,
    /// Tasks still in progress.
    pub open: Vec<QualificationsTask>,
    /// Tasks that ended but whose outcome is not stored yet (`ended_at` set).
    pub settled: Vec<QualificationsTask>,
    stored_associations: Vec<QualificationsAssociation>,
    stored_groups: BTreeMap<String, Millis>,
}

impl QualState {
    /// Apply every task of `open_tasks` that is due at `now` to the stored state.
    pub fn derive(
        associations: Vec<QualificationsAssociation>,
        groups: Vec<QualificationsGroup>,
        mut open_tasks: Vec<QualificationsTask>,
        now: Millis,
    ) -> QualState {
        let groups: BTreeMap<String, Millis> = groups.into_iter().map(|g| (g.primary_account, g.updated_at)).collect();
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
        if task.kind == ASSOCIATION {
            if self.association_of(&task.owner_account).is_none() {
                self.associations.push(QualificationsAssociation {
                    catalog: task.catalog.clone(),
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
        } else {
            self.leave(&task.owner_account, at);
        }
        self.settled.push(task);
    }

    /// Remove `subsidiary` from its group at `at`; an emptied group disappears.
    fn leave(&mut self, subsidiary: &str, at: Millis) {
        let Some(primary) = self.association_of(subsidiary).map(|a| a.primary_account.clone()) else {
            return;
        };
        self.associations.retain(|a| a.subsidiary_account != subsidiary);
        if self.members_of(&primary).is_empty() {
            self.groups.remove(&primary);
        } else {
            self.groups.insert(primary, at);
        }
    }

    /// The association of `subsidiary`, if it is associated.
    pub fn association_of(&self, subsidiary: &str) -> Option<&QualificationsAssociation> {
        self.associations.iter().find(|a| a.subsidiary_account == subsidiary)
    }

    /// The subsidiaries associated with `primary`, oldest first.
    pub fn members_of(&self, primary: &str) -> Vec<&QualificationsAssociation> {
        let mut members: Vec<_> = self.associations.iter().filter(|a| a.primary_account == primary).collect();
        members.sort_by_key(|a| a.associated_at);
        members
    }

    /// The open task of the partner `partner_id`, of either kind.
    pub fn open_task_of(&self, partner_id: &str) -> Option<&QualificationsTask> {
        self.open.iter().find(|t| t.owner_partner_id == partner_id)
    }
}

/// The state of `catalog` at `ctx.now` (reads nothing back into the store).
pub fn load(ctx: &mut Ctx<'_>, catalog: &str) -> OpResult<QualState> {
    let associations = ctx.tx.qualifications_associations(catalog)?;
    let groups = ctx.tx.qualifications_groups(catalog)?;
    let open = ctx.tx.open_qualifications_tasks(catalog)?;
    Ok(QualState::derive(associations, groups, open, ctx.now))
}

/// Store what `state` changed: settled tasks, associations and groups.
fn save(ctx: &mut Ctx<'_>, catalog: &str, mut state: QualState) -> OpResult<QualState> {
    for task in state.settled.drain(..) {
        ctx.tx.update_qualifications_task(&task)?;
    }
    for old in &state.stored_associations {
        if !state.associations.iter().any(|a| a == old) {
            ctx.tx.delete_qualifications_association(catalog, &old.subsidiary_account)?;
        }
    }
    for new in &state.associations {
        if !state.stored_associations.iter().any(|a| a == new) {
            ctx.tx.insert_qualifications_association(new)?;
        }
    }
    for primary in state.stored_groups.keys() {
        if !state.groups.contains_key(primary) {
            ctx.tx.delete_qualifications_group(catalog, primary)?;
        }
    }
    for (primary, at) in &state.groups {
        if state.stored_groups.get(primary) != Some(at) {
            ctx.tx.put_qualifications_group(&QualificationsGroup {
                catalog: catalog.to_string(),
                primary_account: primary.clone(),
                updated_at: *at,
            })?;
        }
    }
    state.stored_associations = state.associations.clone();
    state.stored_groups = state.groups.clone();
    Ok(state)
}

/// Derive the catalog's state and store what became due (writes only).
pub fn materialize(ctx: &mut Ctx<'_>, catalog: &str) -> OpResult<QualState> {
    let state = load(ctx, catalog)?;
    save(ctx, catalog, state)
}

/// What CancelConnection on the ACTIVE SUBSIDIARY type between `a` and `b`
/// does first (SEMANTICS §14.7), per `qualifications_on_subsidiary_cancel`.
pub fn on_subsidiary_cancel(ctx: &mut Ctx<'_>, catalog: &str, a: &str, b: &str) -> OpResult<()> {
    let mode = ctx.settings.qualifications_on_subsidiary_cancel;
    if mode == SubsidiaryCancel::Keep {
        return Ok(());
    }
    let mut state = materialize(ctx, catalog)?;
    let between = |x: &str, y: &str| (x == a && y == b) || (x == b && y == a);
    let in_flight: Vec<QualificationsTask> =
        state.open.iter().filter(|t| between(&t.owner_account, &t.primary_account)).cloned().collect();
    let associated: Vec<String> = state
        .associations
        .iter()
        .filter(|x| between(&x.subsidiary_account, &x.primary_account))
        .map(|x| x.subsidiary_account.clone())
        .collect();
    if in_flight.is_empty() && associated.is_empty() {
        return Ok(());
    }
    if mode == SubsidiaryCancel::Block {
        return Err(ApiError::conflict(
            "INCOMPATIBLE_CONNECTION_STATE",
            "The two accounts are linked by a qualifications association (or a task in flight); \
             the subsidiary must disassociate before the SUBSIDIARY connection is cancelled",
        )
        .into());
    }
    // Dissolve: tasks in flight end now with their effect, then the association goes.
    let now = ctx.now;
    state.open.retain(|t| !in_flight.iter().any(|f| f.task_id == t.task_id));
    for task in in_flight {
        state.settle(task, Some(now));
    }
    let subsidiaries: Vec<String> = state
        .associations
        .iter()
        .filter(|x| between(&x.subsidiary_account, &x.primary_account))
        .map(|x| x.subsidiary_account.clone())
        .collect();
    for subsidiary in subsidiaries {
        state.leave(&subsidiary, now);
    }
    save(ctx, catalog, state)?;
    Ok(())
}

fn incompatible_primary(message: impl Into<String>) -> ApiError {
    ApiError::business("INCOMPATIBLE_PRIMARY_PARTNER", message)
}

fn partner_ref(profile_id: &str, account_id: &str) -> Value {
    json!({"ProfileId": profile_id, "AccountId": account_id})
}

/// `{ProfileId?, AccountId?}` as given in a request.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PartnerRefInput {
    profile_id: Option<String>,
    account_id: Option<String>,
}

impl PartnerRefInput {
    /// At least one member must be set (the model cannot say so).
    fn check(&self, member: &str) -> OpResult<()> {
        if self.profile_id.is_none() && self.account_id.is_none() {
            return Err(ApiError::field(
                member,
                FieldCode::RequiredFieldMissing,
                format!("{member} needs a ProfileId or an AccountId"),
            )
            .into());
        }
        Ok(())
    }

    fn names(&self, account: &str, profile_id: &str) -> bool {
        self.account_id.as_deref() == Some(account) || self.profile_id.as_deref() == Some(profile_id)
    }
}

fn task_conflict(task: &QualificationsTask) -> ApiError {
    ApiError::conflict(
        "INCOMPATIBLE_QUALIFICATIONS_ASSOCIATION_TASK_STATE",
        format!("Qualifications task {} is still in progress", task.task_id),
    )
}

/// The caller's partner with its published profile id (PARTNER_PROFILE_NOT_FOUND without one).
fn published_own_partner(ctx: &mut Ctx<'_>, catalog: &str, identifier: &str) -> OpResult<Partner> {
    let partner = own_partner(ctx, catalog, identifier)?;
    if !PublishedProfile::load(ctx, &partner)?.is_published() {
        return Err(ApiError::not_found(
            "PARTNER_PROFILE_NOT_FOUND",
            format!("Partner {} has no published profile yet", partner.id),
        )
        .into());
    }
    Ok(partner)
}

/// The partner of `account` in `catalog` if its profile is published.
fn published_partner_of(ctx: &mut Ctx<'_>, catalog: &str, account: &str) -> OpResult<Option<Partner>> {
    match ctx.tx.partner_by_account(catalog, account)? {
        Some(p) if PublishedProfile::load(ctx, &p)?.is_published() => Ok(Some(p)),
        _ => Ok(None),
    }
}

fn task_view(ctx: &Ctx<'_>, partner: &Partner, task: &QualificationsTask, member: &str, with_end: bool) -> Value {
    let (status, ended) = task_status(task, ctx.now);
    let mut v = json!({
        "Catalog": partner.catalog,
        "Arn": partner_arn(&ctx.caller.region, partner),
        "Id": partner.id,
        "TaskId": task.task_id,
        "Status": if with_end { status } else { "IN_PROGRESS" },
        "StartedAt": timestamp::format(task.started_at),
    });
    v[member] = partner_ref(&task.primary_profile_id, &task.primary_account);
    if let (true, Some(at)) = (with_end, ended) {
        v["EndedAt"] = json!(timestamp::format(at));
    }
    v
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StartAssociationRequest {
    catalog: String,
    identifier: String,
    primary_partner: PartnerRefInput,
}

pub fn start_qualifications_association_task(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: StartAssociationRequest = parse(input)?;
    req.primary_partner.check("PrimaryPartner")?;
    let catalog = req.catalog.as_str();
    let partner = published_own_partner(ctx, catalog, &req.identifier)?;
    let caller = ctx.caller.account.clone();
    let state = materialize(ctx, catalog)?;
    if let Some(task) = state.open_task_of(&partner.id) {
        return Err(task_conflict(task).into());
    }
    // a. Not oneself.
    let wanted = &req.primary_partner;
    if wanted.names(&caller, &partner.profile_id) {
        return Err(incompatible_primary("A partner cannot be its own primary partner").into());
    }
    // b, c. Resolve the primary's account.
    let primary_account = match (&wanted.profile_id, &wanted.account_id) {
        (Some(profile_id), account) => {
            let owner = match ctx.tx.partner_by_profile_id(catalog, profile_id)? {
                Some(p) if PublishedProfile::load(ctx, &p)?.is_published() => p,
                _ => {
                    return Err(incompatible_primary(format!(
                        "No published partner profile {profile_id} in catalog {catalog}"
                    ))
                    .into())
                }
            };
            if account.as_ref().is_some_and(|a| *a != owner.account) {
                return Err(incompatible_primary("ProfileId and AccountId name different partners").into());
            }
            owner.account
        }
        (None, account) => account.clone().unwrap_or_default(),
    };
    // d, e. An ACTIVE SUBSIDIARY link that the primary sent.
    let link = ctx
        .tx
        .live_connection_between(catalog, &caller, &primary_account)?
        .and_then(|c| c.types.get("SUBSIDIARY").filter(|e| e.status == "ACTIVE").cloned());
    let Some(link) = link else {
        return Err(ApiError::business(
            "MISSING_ACTIVE_SUBSIDIARY_CONNECTION",
            format!("Account {caller} has no ACTIVE SUBSIDIARY connection with {primary_account}"),
        )
        .into());
    };
    if link.inviter_account == caller {
        return Err(ApiError::business(
            "INCOMPATIBLE_SUBSIDIARY_CONNECTION",
            format!("Account {caller} sent the SUBSIDIARY invitation, so it is the primary side of that link"),
        )
        .into());
    }
    // f. The primary is a partner with a published profile.
    let Some(primary) = published_partner_of(ctx, catalog, &primary_account)? else {
        return Err(incompatible_primary(format!(
            "Account {primary_account} has no partner with a published profile in catalog {catalog}"
        ))
        .into());
    };
    // g. One association per subsidiary.
    if let Some(existing) = state.association_of(&caller) {
        return Err(ApiError::business(
            "QUALIFICATIONS_ASSOCIATION_EXISTS",
            format!("Partner {} is already associated with {}", partner.id, existing.primary_account),
        )
        .into());
    }
    // h, i. No chains.
    let caller_is_primary = !state.members_of(&caller).is_empty()
        || state.open.iter().any(|t| t.kind == ASSOCIATION && t.primary_account == caller);
    if caller_is_primary {
        return Err(incompatible_primary(format!(
            "Partner {} is itself a primary partner and cannot be associated under another",
            partner.id
        ))
        .into());
    }
    if state.association_of(&primary_account).is_some() {
        return Err(incompatible_primary(format!(
            "Account {primary_account} is associated as a subsidiary and cannot be a primary partner"
        ))
        .into());
    }
    // j. The group's size, counting tasks in flight.
    let limit = ctx.settings.qualifications_max_associated_partners;
    let taken = state.members_of(&primary_account).len()
        + state.open.iter().filter(|t| t.kind == ASSOCIATION && t.primary_account == primary_account).count();
    if taken as u64 >= limit {
        return Err(ApiError::business(
            "QUALIFICATIONS_ASSOCIATION_LIMIT_EXCEEDED",
            format!("Primary partner {primary_account} already has {limit} associated partners (limit {limit})"),
        )
        .into());
    }
    let task = QualificationsTask {
        catalog: catalog.to_string(),
        kind: ASSOCIATION.into(),
        task_id: ctx.ids.id("pqatask-"),
        owner_account: caller,
        owner_partner_id: partner.id.clone(),
        owner_profile_id: partner.profile_id.clone(),
        primary_account: primary.account.clone(),
        primary_partner_id: primary.id.clone(),
        primary_profile_id: primary.profile_id.clone(),
        started_at: ctx.now,
        due_at: ctx.now + ms(ctx.settings.qualifications_task_delay_seconds, SECOND_MS),
        ended_at: None,
    };
    ctx.tx.insert_qualifications_task(&task)?;
    Ok(task_view(ctx, &partner, &task, "PrimaryPartner", false))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StartDisassociationRequest {
    catalog: String,
    identifier: String,
    associated_partner: PartnerRefInput,
}

pub fn start_qualifications_disassociation_task(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: StartDisassociationRequest = parse(input)?;
    req.associated_partner.check("AssociatedPartner")?;
    let catalog = req.catalog.as_str();
    let partner = own_partner(ctx, catalog, &req.identifier)?;
    let caller = ctx.caller.account.clone();
    let state = materialize(ctx, catalog)?;
    if let Some(task) = state.open_task_of(&partner.id) {
        return Err(task_conflict(task).into());
    }
    let named = &req.associated_partner;
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
            "QUALIFICATIONS_ASSOCIATION_NOT_FOUND",
            format!("Partner {} is not associated with a primary partner", partner.id),
        )
        .into());
    };
    let account_ok = named.account_id.as_ref().is_none_or(|a| *a == association.primary_account);
    let profile_ok = named.profile_id.as_ref().is_none_or(|p| *p == association.primary_profile_id);
    if !(account_ok && profile_ok) {
        return Err(incompatible_primary("AssociatedPartner is not the current primary partner").into());
    }
    let task = QualificationsTask {
        catalog: catalog.to_string(),
        kind: DISASSOCIATION.into(),
        task_id: ctx.ids.id("pqdtask-"),
        owner_account: caller,
        owner_partner_id: partner.id.clone(),
        owner_profile_id: partner.profile_id.clone(),
        primary_account: association.primary_account,
        primary_partner_id: association.primary_partner_id,
        primary_profile_id: association.primary_profile_id,
        started_at: ctx.now,
        due_at: ctx.now + ms(ctx.settings.qualifications_task_delay_seconds, SECOND_MS),
        ended_at: None,
    };
    ctx.tx.insert_qualifications_task(&task)?;
    Ok(task_view(ctx, &partner, &task, "AssociatedPartner", false))
}

fn latest_task(ctx: &mut Ctx<'_>, input: Value, kind: &str) -> OpResult<(Partner, Option<QualificationsTask>)> {
    let req: ResourceRequest = parse(input)?;
    let partner = own_partner(ctx, &req.catalog, &req.identifier)?;
    let task = ctx.tx.qualifications_tasks_of(&req.catalog, &partner.id, kind)?.pop();
    Ok((partner, task))
}

pub fn get_qualifications_association_task(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    match latest_task(ctx, input, ASSOCIATION)? {
        (partner, Some(task)) => Ok(task_view(ctx, &partner, &task, "PrimaryPartner", true)),
        (partner, None) => Err(ApiError::not_found(
            "QUALIFICATIONS_ASSOCIATION_TASK_NOT_FOUND",
            format!("Partner {} never started a qualifications association task", partner.id),
        )
        .into()),
    }
}

pub fn get_qualifications_disassociation_task(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    match latest_task(ctx, input, DISASSOCIATION)? {
        (partner, Some(task)) => Ok(task_view(ctx, &partner, &task, "AssociatedPartner", true)),
        (partner, None) => Err(ApiError::not_found(
            "QUALIFICATIONS_DISASSOCIATION_TASK_NOT_FOUND",
            format!("Partner {} never started a qualifications disassociation task", partner.id),
        )
        .into()),
    }
}

pub fn get_qualifications_association_details(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: ResourceRequest = parse(input)?;
    let partner = own_partner(ctx, &req.catalog, &req.identifier)?;
    let state = load(ctx, &req.catalog)?;
    let caller = ctx.caller.account.clone();
    let mut out = json!({
        "Catalog": partner.catalog,
        "Arn": partner_arn(&ctx.caller.region, &partner),
        "Id": partner.id,
        "Status": "NOT_ASSOCIATED",
    });
    let primary = match state.association_of(&caller) {
        Some(a) => Some((a.primary_account.clone(), a.primary_profile_id.clone())),
        None if !state.members_of(&caller).is_empty() => Some((caller.clone(), partner.profile_id.clone())),
        None => None,
    };
    if let Some((primary_account, primary_profile_id)) = primary {
        let members: Vec<Value> = state
            .members_of(&primary_account)
            .iter()
            .map(|a| partner_ref(&a.subsidiary_profile_id, &a.subsidiary_account))
            .collect();
        out["Status"] = json!("ASSOCIATED");
        out["PrimaryPartner"] = partner_ref(&primary_profile_id, &primary_account);
        out["AssociatedPartners"] = json!(members);
        if let Some(at) = state.groups.get(&primary_account) {
            out["UpdatedAt"] = json!(timestamp::format(*at));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(kind: &str, owner: &str, primary: &str, started_at: Millis, due_at: Millis) -> QualificationsTask {
        QualificationsTask {
            catalog: "Sandbox".into(),
            kind: kind.into(),
            task_id: format!("t-{owner}-{started_at}"),
            owner_account: owner.into(),
            owner_partner_id: format!("partner-{owner}"),
            owner_profile_id: format!("pprofile-{owner}"),
            primary_account: primary.into(),
            primary_partner_id: format!("partner-{primary}"),
            primary_profile_id: format!("pprofile-{primary}"),
            started_at,
            due_at,
            ended_at: None,
        }
    }

    #[test]
    fn due_tasks_apply_in_due_order_and_others_stay_open() {
        let tasks = vec![
            task(ASSOCIATION, "s1", "p", 10, 10),
            task(ASSOCIATION, "s2", "p", 20, 50),
            task(ASSOCIATION, "s3", "p", 30, 30),
        ];
        let state = QualState::derive(vec![], vec![], tasks.clone(), 40);
        let members: Vec<&str> = state.members_of("p").iter().map(|a| a.subsidiary_account.as_str()).collect();
        assert_eq!(members, ["s1", "s3"]);
        assert_eq!(state.groups.get("p"), Some(&30));
        assert_eq!(state.open.len(), 1);
        assert_eq!(state.settled.iter().map(|t| t.ended_at).collect::<Vec<_>>(), [Some(10), Some(30)]);
        assert_eq!(task_status(&tasks[1], 40), ("IN_PROGRESS", None));
        assert_eq!(task_status(&tasks[1], 50), ("SUCCEEDED", Some(50)));
    }

    #[test]
    fn leaving_the_last_member_removes_the_group() {
        let joined = QualState::derive(vec![], vec![], vec![task(ASSOCIATION, "s1", "p", 10, 10)], 10);
        let groups: Vec<QualificationsGroup> = joined
            .groups
            .iter()
            .map(|(k, v)| QualificationsGroup { catalog: "Sandbox".into(), primary_account: k.clone(), updated_at: *v })
            .collect();
        let left =
            QualState::derive(joined.associations.clone(), groups, vec![task(DISASSOCIATION, "s1", "p", 20, 25)], 30);
        assert!(left.associations.is_empty());
        assert!(left.groups.is_empty());
    }
}
