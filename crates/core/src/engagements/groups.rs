//! Engagement groups (docs/behaviour.md#engagement-groups): ListEngagementGroups,
//! the `GroupId` of SearchEngagements, and AWS's side of them, which the admin
//! API plays ([`create_group`], [`delete_group`]). A group is a set of
//! engagements AWS curates for one partner account in one catalog; the
//! account lists it, and sees those of its engagements it is a member of.

use std::cmp::Ordering;

use pcentral_model::selling::{self, EngagementGroupSortName, SortOrder};
use pcentral_model::{AccountId, Catalog, EngagementId, Millis, Timestamp};
use serde::Deserialize;

use crate::ctx::{Ctx, Ids};
use crate::pagination::{self, Binding};
use crate::records::{EngagementGroup, EngagementGroupId, ReadinessLevel};
use crate::store::{OpResult, Tx};
use crate::tools::ToolError;

/// The longest name and description the model allows.
const NAME_MAX: usize = 255;
const DESCRIPTION_MAX: usize = 2048;

/// The group id an `EngagementGroupArnOrIdentifier` names: the id, or the
/// last path segment of an ARN.
fn group_id(identifier: &str) -> Option<EngagementGroupId> {
    EngagementGroupId::parse(identifier.rsplit('/').next().unwrap_or(identifier)).ok()
}

fn arn(region: &str, g: &EngagementGroup) -> String {
    format!("arn:aws:partnercentral:{region}::catalog/{}/engagement-group/{}", g.catalog, g.id)
}

/// The group's engagements `account` is a member of.
fn visible_engagements(tx: &mut dyn Tx, g: &EngagementGroup, account: &AccountId) -> OpResult<Vec<EngagementId>> {
    let mut seen = Vec::new();
    for id in &g.engagements {
        if tx.engagement_member(g.catalog, id, account)?.is_some() {
            seen.push(id.clone());
        }
    }
    Ok(seen)
}

/// The engagements of the caller's group `identifier` it is a member of; a
/// group that is not the caller's (or none) holds none.
pub(super) fn group_engagements(ctx: &mut Ctx<'_>, catalog: Catalog, identifier: &str) -> OpResult<Vec<EngagementId>> {
    let Some(id) = group_id(identifier) else { return Ok(vec![]) };
    match ctx.tx.engagement_group(catalog, &id)? {
        Some(g) if g.account == ctx.caller.account => visible_engagements(ctx.tx, &g, &ctx.caller.account),
        _ => Ok(vec![]),
    }
}

pub fn list_engagement_groups(
    ctx: &mut Ctx<'_>,
    req: selling::ListEngagementGroupsRequest,
) -> OpResult<selling::ListEngagementGroupsResponse> {
    let size = pagination::selling_page_size(req.max_results);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let skip = binding.position(req.next_token.as_deref())?;
    let wanted: Vec<Option<EngagementGroupId>> =
        req.engagement_group_identifiers.iter().flatten().map(|i| group_id(i)).collect();
    let mut rows: Vec<(EngagementGroup, usize)> = Vec::new();
    for g in ctx.tx.engagement_groups(req.catalog, &ctx.caller.account)? {
        let keep = (wanted.is_empty() || wanted.iter().any(|w| w.as_ref() == Some(&g.id)))
            && req.readiness_level.is_none_or(|r| g.readiness_level == Some(r));
        if keep {
            let count = visible_engagements(ctx.tx, &g, &ctx.caller.account)?.len();
            rows.push((g, count));
        }
    }
    // AWS documents no default order: most recently updated first.
    let (sort_by, descending) = match &req.sort {
        Some(s) => (s.sort_by, s.sort_order == SortOrder::Descending),
        None => (EngagementGroupSortName::Updatedat, true),
    };
    rows.sort_by(|(a, ca), (b, cb)| {
        let o = match sort_by {
            EngagementGroupSortName::Count => ca.cmp(cb),
            EngagementGroupSortName::Updatedat => a.updated_at.cmp(&b.updated_at),
        };
        let o = if descending { o.reverse() } else { o };
        if o == Ordering::Equal {
            a.id.cmp(&b.id)
        } else {
            o
        }
    });
    let (page, next_token) = binding.page_at(rows, skip, size)?;
    let summaries = page
        .into_iter()
        .map(|(g, count)| selling::EngagementGroupSummary {
            arn: Some(arn(&ctx.caller.region, &g)),
            catalog: Some(g.catalog),
            count: Some(i64::try_from(count).unwrap_or(i64::MAX)),
            readiness_level: g.readiness_level,
            updated_at: Some(Timestamp(g.updated_at)),
            id: g.id.to_string(),
            name: Some(g.name),
            description: g.description,
        })
        .collect();
    Ok(selling::ListEngagementGroupsResponse { engagement_group_summaries: Some(summaries), next_token })
}

/// What AWS's side gives to make a group (the admin API's body).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    pub catalog: Catalog,
    pub account: AccountId,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub readiness_level: Option<ReadinessLevel>,
    #[serde(default)]
    pub engagements: Vec<String>,
}

/// Admin (AWS's side): make a group for `g.account` of engagements of its
/// catalog; every engagement must exist. Nothing is stored on refusal.
pub fn create_group(tx: &mut dyn Tx, ids: &mut dyn Ids, now: Millis, g: NewGroup) -> OpResult<EngagementGroup> {
    let name = g.name.trim();
    if name.is_empty() || g.name.chars().count() > NAME_MAX {
        return Err(ToolError::Invalid(format!("\"name\": 1 to {NAME_MAX} characters, not blank")).into());
    }
    if let Some(d) = &g.description {
        if d.trim().is_empty() || d.chars().count() > DESCRIPTION_MAX {
            return Err(
                ToolError::Invalid(format!("\"description\": 1 to {DESCRIPTION_MAX} characters, not blank")).into()
            );
        }
    }
    let mut engagements: Vec<EngagementId> = Vec::new();
    for e in &g.engagements {
        let id = EngagementId::parse(e).map_err(|err| ToolError::Invalid(format!("\"engagements\": {err}")))?;
        if tx.engagement(g.catalog, &id)?.is_none() {
            return Err(ToolError::NotFound(format!("no engagement {id} in catalog {}", g.catalog)).into());
        }
        if !engagements.contains(&id) {
            engagements.push(id);
        }
    }
    let group = EngagementGroup {
        catalog: g.catalog,
        id: EngagementGroupId::with_suffix(&ids.suffix()),
        account: g.account,
        name: g.name,
        description: g.description,
        readiness_level: g.readiness_level,
        engagements,
        updated_at: now,
    };
    tx.insert_engagement_group(&group)?;
    Ok(group)
}

/// Admin (AWS's side): delete the group `id` of `catalog`.
pub fn delete_group(tx: &mut dyn Tx, catalog: Catalog, id: &str) -> OpResult<()> {
    let id = EngagementGroupId::parse(id).map_err(|e| ToolError::Invalid(format!("\"id\": {e}")))?;
    if !tx.delete_engagement_group(catalog, &id)? {
        return Err(ToolError::NotFound(format!("no engagement group {id} in catalog {catalog}")).into());
    }
    Ok(())
}
