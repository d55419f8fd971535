//! Resource snapshots of the Selling API (docs/behaviour.md#resource-snapshots):
//! CreateResourceSnapshot, GetResourceSnapshot, ListResourceSnapshots and
//! ListEngagementResourceAssociations. The owner of an opportunity who is a
//! member of an engagement takes immutable snapshots of it there, revision
//! 1, 2, …; every member of the engagement reads them. The first snapshot of
//! a resource in an engagement associates the two. Anyone who is not a
//! member is told the engagement does not exist.

use pcentral_model::selling::{self, ValidationExceptionErrorCode as Code};
use pcentral_model::{AccountId, OpportunityId};
use serde_json::{json, Value};

use super::visible;
use crate::ctx::Ctx;
use crate::opportunities::document::{field, invalid, not_found, output, owned, to_json};
use crate::pagination::{selling_page_size, Binding};
use crate::records::{Engagement, EngagementResource, ResourceSnapshot, ResourceType, OPPORTUNITY_SUMMARY};
use crate::store::{AssociationQuery, EngagementCursor, OpResult, SnapshotKey, SnapshotQuery};

/// How many member accounts a snapshot names as its targets at most (the model's limit).
const MAX_TARGETS: usize = 10;

/// The template a snapshot of `resource_type` is taken with, or the refusal naming it.
pub fn check_template(resource_type: ResourceType, template: &str) -> OpResult<()> {
    match resource_type {
        ResourceType::Opportunity if template == OPPORTUNITY_SUMMARY => Ok(()),
        ResourceType::Opportunity => Err(invalid(vec![field(
            "ResourceSnapshotTemplateIdentifier",
            Code::InvalidValue,
            format!(
                "ResourceSnapshotTemplateIdentifier {template} is not a template of {}; the template is {OPPORTUNITY_SUMMARY}",
                resource_type.as_str()
            ),
        )])
        .into()),
    }
}

/// The `OpportunitySummary` payload of an opportunity as its owner sees it now.
fn opportunity_summary(ctx: &Ctx<'_>, o: &crate::records::Opportunity) -> OpResult<Value> {
    let mut v = crate::opportunities::document::view_json(ctx, o.clone())?;
    if let Some(map) = v.as_object_mut() {
        if let Some(life) = map.remove("LifeCycle") {
            map.insert("Lifecycle".into(), life);
        }
    }
    let summary: selling::OpportunitySummaryView = output(v)?;
    Ok(json!({ OPPORTUNITY_SUMMARY: to_json(&summary)? }))
}

/// Take the next snapshot of the caller's opportunity `resource` in `e`
/// with the template, associating the two on the first one.
pub fn take_snapshot(
    ctx: &mut Ctx<'_>,
    e: &Engagement,
    resource: &crate::records::Opportunity,
    template: &str,
) -> OpResult<ResourceSnapshot> {
    let key = SnapshotKey {
        catalog: e.catalog,
        engagement_id: e.id.clone(),
        resource_type: ResourceType::Opportunity,
        resource_id: resource.id.clone(),
        template: template.to_string(),
    };
    let latest = ctx.tx.resource_snapshot(&key, None)?.map(|s| s.revision).unwrap_or(0);
    let snapshot = ResourceSnapshot {
        catalog: e.catalog,
        engagement_id: e.id.clone(),
        resource_type: ResourceType::Opportunity,
        resource_id: resource.id.clone(),
        template: template.to_string(),
        revision: latest.saturating_add(1),
        created_by: ctx.caller.account.clone(),
        created_at: ctx.now,
        payload: opportunity_summary(ctx, resource)?,
    };
    ctx.tx.insert_resource_snapshot(&snapshot)?;
    ctx.tx.insert_engagement_resource(&EngagementResource {
        catalog: e.catalog,
        engagement_id: e.id.clone(),
        resource_type: ResourceType::Opportunity,
        resource_id: resource.id.clone(),
        created_by: ctx.caller.account.clone(),
        created_at: ctx.now,
    })?;
    Ok(snapshot)
}

/// Take the next snapshot of `resource` in `e` only when it differs from
/// the latest one (a snapshot job's run); answers the new snapshot, if any.
pub fn snapshot_if_changed(
    ctx: &mut Ctx<'_>,
    e: &Engagement,
    resource: &crate::records::Opportunity,
    template: &str,
) -> OpResult<Option<ResourceSnapshot>> {
    let key = SnapshotKey {
        catalog: e.catalog,
        engagement_id: e.id.clone(),
        resource_type: ResourceType::Opportunity,
        resource_id: resource.id.clone(),
        template: template.to_string(),
    };
    let now = opportunity_summary(ctx, resource)?;
    if ctx.tx.resource_snapshot(&key, None)?.is_some_and(|latest| latest.payload == now) {
        return Ok(None);
    }
    take_snapshot(ctx, e, resource, template).map(Some)
}

pub fn create_resource_snapshot(
    ctx: &mut Ctx<'_>,
    req: selling::CreateResourceSnapshotRequest,
) -> OpResult<selling::CreateResourceSnapshotResponse> {
    check_template(req.resource_type, &req.resource_snapshot_template_identifier)?;
    let e = visible(ctx, req.catalog, &req.engagement_identifier)?;
    let o = owned(ctx, req.catalog, &req.resource_identifier)?;
    let s = take_snapshot(ctx, &e, &o, &req.resource_snapshot_template_identifier)?;
    Ok(selling::CreateResourceSnapshotResponse {
        arn: Some(crate::arn::resource_snapshot(&ctx.caller.region, &s)),
        revision: Some(s.revision),
    })
}

/// The accounts of `e`'s members other than `owner`, in joining order.
fn targets(ctx: &mut Ctx<'_>, e: &Engagement, owner: &AccountId) -> OpResult<Vec<String>> {
    let members = ctx.tx.engagement_members(e.catalog, &e.id, None, MAX_TARGETS + 1)?;
    Ok(members.into_iter().filter(|m| &m.account != owner).take(MAX_TARGETS).map(|m| m.account.to_string()).collect())
}

pub fn get_resource_snapshot(
    ctx: &mut Ctx<'_>,
    req: selling::GetResourceSnapshotRequest,
) -> OpResult<selling::GetResourceSnapshotResponse> {
    let e = visible(ctx, req.catalog, &req.engagement_identifier)?;
    let missing = || {
        not_found(format!(
            "No snapshot of {} {} with template {} in engagement {}{}",
            req.resource_type.as_str(),
            req.resource_identifier,
            req.resource_snapshot_template_identifier,
            e.id,
            req.revision.map(|n| format!(" at revision {n}")).unwrap_or_default()
        ))
    };
    let Ok(resource_id) = OpportunityId::parse(&req.resource_identifier) else {
        return Err(missing().into());
    };
    let key = SnapshotKey {
        catalog: e.catalog,
        engagement_id: e.id.clone(),
        resource_type: req.resource_type,
        resource_id,
        template: req.resource_snapshot_template_identifier.clone(),
    };
    let Some(s) = ctx.tx.resource_snapshot(&key, req.revision)? else {
        return Err(missing().into());
    };
    let mut v = json!({
        "Catalog": s.catalog,
        "Arn": crate::arn::resource_snapshot(&ctx.caller.region, &s),
        "CreatedBy": s.created_by,
        "CreatedAt": pcentral_model::timestamp::format(s.created_at),
        "EngagementId": s.engagement_id,
        "ResourceType": s.resource_type,
        "ResourceId": s.resource_id,
        "ResourceSnapshotTemplateName": s.template,
        "Revision": s.revision,
        "Payload": s.payload,
    });
    let targets = targets(ctx, &e, &s.created_by)?;
    if !targets.is_empty() {
        v["TargetMemberAccounts"] = json!(targets);
    }
    output(v)
}

fn summary(ctx: &Ctx<'_>, s: &ResourceSnapshot) -> selling::ResourceSnapshotSummary {
    selling::ResourceSnapshotSummary {
        arn: Some(crate::arn::resource_snapshot(&ctx.caller.region, s)),
        revision: Some(s.revision),
        resource_type: Some(s.resource_type),
        resource_id: Some(s.resource_id.to_string()),
        resource_snapshot_template_name: Some(s.template.clone()),
        created_by: Some(s.created_by.to_string()),
    }
}

/// A filter on an account: `Err(())` when it names no account (it then matches nothing).
fn account_filter(given: Option<&String>) -> Result<Option<AccountId>, ()> {
    given.map(|a| AccountId::parse(a).map_err(|_| ())).transpose()
}

/// A filter on an opportunity: `Err(())` when it names none.
fn resource_filter(given: Option<&String>) -> Result<Option<OpportunityId>, ()> {
    given.map(|r| OpportunityId::parse(r).map_err(|_| ())).transpose()
}

pub fn list_resource_snapshots(
    ctx: &mut Ctx<'_>,
    req: selling::ListResourceSnapshotsRequest,
) -> OpResult<selling::ListResourceSnapshotsResponse> {
    let size = selling_page_size(req.max_results);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after: Option<EngagementCursor> = binding.resume(req.next_token.as_deref())?;
    let e = visible(ctx, req.catalog, &req.engagement_identifier)?;
    let (Ok(created_by), Ok(resource_id)) =
        (account_filter(req.created_by.as_ref()), resource_filter(req.resource_identifier.as_ref()))
    else {
        return Ok(selling::ListResourceSnapshotsResponse { resource_snapshot_summaries: vec![], next_token: None });
    };
    let query = SnapshotQuery {
        catalog: e.catalog,
        engagement_id: e.id.clone(),
        resource_type: req.resource_type,
        resource_id,
        template: req.resource_snapshot_template_identifier.clone(),
        created_by,
        after,
        limit: size + 1,
    };
    let rows = ctx.tx.list_resource_snapshots(&query)?;
    let (page, next_token) =
        binding.page(rows, size, |last| EngagementCursor { created_at: last.created_at, id: last.list_key() })?;
    Ok(selling::ListResourceSnapshotsResponse {
        resource_snapshot_summaries: page.iter().map(|s| summary(ctx, s)).collect(),
        next_token,
    })
}

pub fn list_engagement_resource_associations(
    ctx: &mut Ctx<'_>,
    req: selling::ListEngagementResourceAssociationsRequest,
) -> OpResult<selling::ListEngagementResourceAssociationsResponse> {
    let size = selling_page_size(req.max_results);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after: Option<EngagementCursor> = binding.resume(req.next_token.as_deref())?;
    let engagement_id = match &req.engagement_identifier {
        Some(identifier) => Some(visible(ctx, req.catalog, identifier)?.id),
        None => None,
    };
    let empty = || selling::ListEngagementResourceAssociationsResponse {
        engagement_resource_association_summaries: vec![],
        next_token: None,
    };
    let (Ok(created_by), Ok(resource_id)) =
        (account_filter(req.created_by.as_ref()), resource_filter(req.resource_identifier.as_ref()))
    else {
        return Ok(empty());
    };
    let query = AssociationQuery {
        catalog: req.catalog,
        member: ctx.caller.account.clone(),
        engagement_id,
        resource_type: req.resource_type,
        resource_id,
        created_by,
        after,
        limit: size + 1,
    };
    let rows = ctx.tx.list_engagement_resources(&query)?;
    let (page, next_token) =
        binding.page(rows, size, |last| EngagementCursor { created_at: last.created_at, id: last.list_key() })?;
    Ok(selling::ListEngagementResourceAssociationsResponse {
        engagement_resource_association_summaries: page
            .iter()
            .map(|a| selling::EngagementResourceAssociationSummary {
                catalog: a.catalog,
                engagement_id: Some(a.engagement_id.to_string()),
                resource_type: Some(a.resource_type),
                resource_id: Some(a.resource_id.to_string()),
                created_by: Some(a.created_by.to_string()),
            })
            .collect(),
        next_token,
    })
}
