//! Engagements of the Selling API (docs/behaviour.md#engagements):
//! CreateEngagement, GetEngagement, ListEngagements, ListEngagementMembers,
//! CreateEngagementContext and UpdateEngagementContext. An engagement is
//! shared by its members: its creator, and each partner that accepted an
//! invitation to it. Anyone else is told it does not exist.

pub mod from_opportunity;
pub mod groups;
pub mod invitations;
pub mod opportunity_tasks;
pub mod prospecting;
pub mod search;
pub mod jobs;
pub mod snapshots;
pub mod tasks;

use pcentral_model::selling::{self, SortOrder, ValidationExceptionErrorCode as Code};
use pcentral_model::{AccountId, Catalog, EngagementId, Timestamp};
use serde_json::Value;

use crate::ctx::Ctx;
use crate::opportunities::document::{conflict, field, invalid, not_found, output, to_json};
use crate::pagination::Binding;
use crate::partners::PublishedProfile;
use crate::records::{ContextType, Engagement, EngagementContext, EngagementMembership};
use crate::store::{EngagementCursor, EngagementQuery, MemberCursor, OpResult};

/// Page sizes when `MaxResults` is absent (the model's defaults).
const DEFAULT_ENGAGEMENTS_PAGE: usize = 20;
const DEFAULT_MEMBERS_PAGE: usize = 5;

/// How many contexts one engagement holds at most (docs/compat.md#engagements).
pub const MAX_CONTEXTS: usize = 20;

fn arn(ctx: &Ctx<'_>, e: &Engagement) -> String {
    crate::arn::engagement(&ctx.caller.region, e.catalog, &e.id)
}

/// The engagement id an `EngagementArnOrIdentifier` names: the id, or the
/// last path segment of an engagement ARN.
pub fn engagement_id(identifier: &str) -> Option<EngagementId> {
    let id = match identifier.strip_prefix("arn:") {
        Some(rest) => rest.rsplit_once("/engagement/").map(|(_, id)| id)?,
        None => identifier,
    };
    EngagementId::parse(id).ok()
}

/// The engagement `identifier` names if the caller is a member of it;
/// anything else (none, or someone else's) is the same ResourceNotFoundException.
pub fn visible(ctx: &mut Ctx<'_>, catalog: Catalog, identifier: &str) -> OpResult<Engagement> {
    let missing = || not_found(format!("Engagement {identifier} was not found in catalog {catalog}"));
    let Some(id) = engagement_id(identifier) else {
        return Err(missing().into());
    };
    if ctx.tx.engagement_member(catalog, &id, &ctx.caller.account)?.is_none() {
        return Err(missing().into());
    }
    ctx.tx.engagement(catalog, &id)?.ok_or_else(|| missing().into())
}

/// The union member `payload` (a payload union as JSON) sets.
fn payload_type(payload: &Value) -> Option<&str> {
    payload.as_object().and_then(|m| m.keys().next()).map(String::as_str)
}

/// The field error when `payload` is not of `context_type`.
fn check_payload(name: &str, context_type: ContextType, payload: &Value) -> Option<pcentral_model::FieldError> {
    let given = payload_type(payload)?;
    (given != context_type.as_str()).then(|| {
        field(name, Code::InvalidValue, format!("{name} is a {given} payload; Type says {}", context_type.as_str()))
    })
}

/// The next last-modified time: service time, always later than the previous one.
fn next_modified(e: &Engagement, now: pcentral_model::Millis) -> pcentral_model::Millis {
    now.max(e.modified_at.saturating_add(1))
}

fn context_view(c: &EngagementContext) -> Value {
    serde_json::json!({"Id": c.id.to_string(), "Type": c.context_type, "Payload": c.payload})
}

/// GetEngagement's view; summaries read their members from it.
fn view(ctx: &mut Ctx<'_>, e: &Engagement) -> OpResult<Value> {
    let members = ctx.tx.count_engagement_members(e.catalog, &e.id)?;
    let mut v = serde_json::json!({
        "Id": e.id,
        "Arn": arn(ctx, e),
        "CreatedAt": pcentral_model::timestamp::format(e.created_at),
        "CreatedBy": e.created_by,
        "MemberCount": members,
        "ModifiedAt": pcentral_model::timestamp::format(e.modified_at),
        "ModifiedBy": e.modified_by,
        "Contexts": e.contexts.iter().map(context_view).collect::<Vec<_>>(),
        "ContextTypes": e.context_types(),
    });
    if let Some(map) = v.as_object_mut() {
        if let Some(t) = &e.title {
            map.insert("Title".into(), Value::String(t.clone()));
        }
        if let Some(d) = &e.description {
            map.insert("Description".into(), Value::String(d.clone()));
        }
    }
    Ok(v)
}

pub fn create_engagement(
    ctx: &mut Ctx<'_>,
    req: selling::CreateEngagementRequest,
) -> OpResult<selling::CreateEngagementResponse> {
    let given = req.contexts.clone().unwrap_or_default();
    let mut faults = Vec::new();
    let mut contexts = Vec::new();
    if given.len() > MAX_CONTEXTS {
        faults.push(field("Contexts", Code::TooManyValues, format!("Contexts holds at most {MAX_CONTEXTS} contexts")));
    }
    for (i, c) in given.iter().enumerate() {
        let name = format!("Contexts[{i}].Payload");
        let Some(payload) = &c.payload else {
            faults.push(field(&name, Code::RequiredFieldMissing, format!("{name} is required")));
            continue;
        };
        let payload = to_json(payload)?;
        faults.extend(check_payload(&name, c.r#type, &payload));
        contexts.push(EngagementContext {
            id: u16::try_from(i + 1).unwrap_or(u16::MAX),
            context_type: c.r#type,
            payload,
        });
    }
    if !faults.is_empty() {
        return Err(invalid(faults).into());
    }
    let e = Engagement {
        catalog: req.catalog,
        id: EngagementId::with_suffix(&ctx.ids.suffix()),
        title: req.title,
        description: req.description,
        created_at: ctx.now,
        created_by: ctx.caller.account.clone(),
        modified_at: ctx.now,
        modified_by: ctx.caller.account.clone(),
        contexts,
    };
    ctx.tx.insert_engagement(&e)?;
    join(ctx, &e, &ctx.caller.account.clone())?;
    Ok(selling::CreateEngagementResponse {
        id: Some(e.id.to_string()),
        arn: Some(arn(ctx, &e)),
        modified_at: Some(Timestamp(e.modified_at)),
    })
}

/// Make `account` a member of `e` from service time on (nothing when it is one).
pub fn join(ctx: &mut Ctx<'_>, e: &Engagement, account: &AccountId) -> OpResult<()> {
    ctx.tx.insert_engagement_member(&EngagementMembership {
        catalog: e.catalog,
        engagement_id: e.id.clone(),
        account: account.clone(),
        joined_at: ctx.now,
    })?;
    Ok(())
}

pub fn get_engagement(
    ctx: &mut Ctx<'_>,
    req: selling::GetEngagementRequest,
) -> OpResult<selling::GetEngagementResponse> {
    let e = visible(ctx, req.catalog, &req.identifier)?;
    let v = view(ctx, &e)?;
    output(v)
}

fn page_size(max_results: Option<i64>, default: usize) -> usize {
    max_results.and_then(|n| usize::try_from(n).ok()).filter(|n| *n > 0).unwrap_or(default)
}

/// Account ids of a filter; one that is not an account id matches nothing.
fn accounts(ids: Option<&Vec<String>>) -> (Vec<AccountId>, bool) {
    let given = ids.map(Vec::as_slice).unwrap_or_default();
    let parsed: Vec<AccountId> = given.iter().filter_map(|a| AccountId::parse(a).ok()).collect();
    let nothing = !given.is_empty() && parsed.is_empty();
    (parsed, nothing)
}

pub fn list_engagements(
    ctx: &mut Ctx<'_>,
    req: selling::ListEngagementsRequest,
) -> OpResult<selling::ListEngagementsResponse> {
    let size = page_size(req.max_results, DEFAULT_ENGAGEMENTS_PAGE);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after: Option<EngagementCursor> = binding.resume(req.next_token.as_deref())?;
    let empty = || selling::ListEngagementsResponse { engagement_summary_list: vec![], next_token: None };
    let given_ids = req.engagement_identifier.as_deref().unwrap_or_default();
    let identifiers: Vec<EngagementId> = given_ids.iter().filter_map(|i| engagement_id(i)).collect();
    let (created_by, none_created) = accounts(req.created_by.as_ref());
    let (exclude_created_by, _) = accounts(req.exclude_created_by.as_ref());
    if (!given_ids.is_empty() && identifiers.is_empty()) || none_created {
        return Ok(empty());
    }
    let query = EngagementQuery {
        catalog: req.catalog,
        member: ctx.caller.account.clone(),
        identifiers,
        created_by,
        exclude_created_by,
        context_types: req.context_types.clone().unwrap_or_default(),
        exclude_context_types: req.exclude_context_types.clone().unwrap_or_default(),
        descending: req.sort.as_ref().is_none_or(|s| s.sort_order == SortOrder::Descending),
        after,
        limit: size + 1,
    };
    let rows = ctx.tx.list_engagements(&query)?;
    let (page, next_token) =
        binding.page(rows, size, |last| EngagementCursor { created_at: last.created_at, id: last.id.to_string() })?;
    let mut engagement_summary_list = Vec::with_capacity(page.len());
    for e in &page {
        let v = view(ctx, e)?;
        engagement_summary_list.push(output::<selling::EngagementSummary>(v)?);
    }
    Ok(selling::ListEngagementsResponse { engagement_summary_list, next_token })
}

/// How an account is named to the members of an engagement: the display
/// name and website of its published profile in the catalog; without one,
/// its configured display name (else its account id) and no website.
pub fn member_name(ctx: &mut Ctx<'_>, catalog: Catalog, account: &AccountId) -> OpResult<(String, Option<String>)> {
    if let Some(partner) = ctx.tx.partner_by_account(catalog, account)? {
        if let PublishedProfile::Published(content) = PublishedProfile::load(ctx.tx, &partner, ctx.now)? {
            return Ok((content.display_name, Some(content.website_url)));
        }
    }
    let name = ctx.tx.account(account)?.and_then(|a| a.display_name).unwrap_or_else(|| account.to_string());
    Ok((name, None))
}

fn member_view(ctx: &mut Ctx<'_>, m: &EngagementMembership) -> OpResult<selling::EngagementMember> {
    let (name, website) = member_name(ctx, m.catalog, &m.account)?;
    Ok(selling::EngagementMember {
        company_name: Some(name),
        website_url: website,
        account_id: Some(m.account.to_string()),
    })
}

pub fn list_engagement_members(
    ctx: &mut Ctx<'_>,
    req: selling::ListEngagementMembersRequest,
) -> OpResult<selling::ListEngagementMembersResponse> {
    let size = page_size(req.max_results, DEFAULT_MEMBERS_PAGE);
    let binding = Binding::of(ctx.pagination_key, &ctx.caller.account, &req);
    let after: Option<MemberCursor> = binding.resume(req.next_token.as_deref())?;
    let e = visible(ctx, req.catalog, &req.identifier)?;
    let rows = ctx.tx.engagement_members(e.catalog, &e.id, after.as_ref(), size + 1)?;
    let (page, next_token) = binding
        .page(rows, size, |last| MemberCursor { joined_at: last.joined_at, account: last.account.to_string() })?;
    let mut engagement_member_list = Vec::with_capacity(page.len());
    for m in &page {
        engagement_member_list.push(member_view(ctx, m)?);
    }
    Ok(selling::ListEngagementMembersResponse { engagement_member_list, next_token })
}

/// Store `e` changed by the caller at service time; `Conflict` (the call
/// runs again) when another write came first.
fn save(ctx: &mut Ctx<'_>, e: &mut Engagement) -> OpResult<()> {
    let expected = e.modified_at;
    e.modified_at = next_modified(e, ctx.now);
    e.modified_by = ctx.caller.account.clone();
    if !ctx.tx.update_engagement(e, expected)? {
        return Err(crate::store::StoreError::Conflict.into());
    }
    Ok(())
}

pub fn create_engagement_context(
    ctx: &mut Ctx<'_>,
    req: selling::CreateEngagementContextRequest,
) -> OpResult<selling::CreateEngagementContextResponse> {
    let payload = to_json(&req.payload)?;
    if let Some(f) = check_payload("Payload", req.r#type, &payload) {
        return Err(invalid(vec![f]).into());
    }
    let mut e = visible(ctx, req.catalog, &req.engagement_identifier)?;
    if e.contexts.len() >= MAX_CONTEXTS {
        return Err(crate::opportunities::document::refused(vec![field(
            "EngagementIdentifier",
            Code::TooManyValues,
            format!("EngagementIdentifier {} names an engagement that holds {MAX_CONTEXTS} contexts already", e.id),
        )])
        .into());
    }
    let id = e.contexts.iter().map(|c| c.id).max().unwrap_or(0).saturating_add(1);
    e.contexts.push(EngagementContext { id, context_type: req.r#type, payload });
    save(ctx, &mut e)?;
    Ok(selling::CreateEngagementContextResponse {
        engagement_id: Some(e.id.to_string()),
        engagement_arn: Some(arn(ctx, &e)),
        engagement_last_modified_at: Some(Timestamp(e.modified_at)),
        context_id: Some(id.to_string()),
    })
}

pub fn update_engagement_context(
    ctx: &mut Ctx<'_>,
    req: selling::UpdateEngagementContextRequest,
) -> OpResult<selling::UpdateEngagementContextResponse> {
    let update = to_json(&req.payload)?;
    if let Some(f) = check_payload("Payload", req.r#type, &update) {
        return Err(invalid(vec![f]).into());
    }
    let mut e = visible(ctx, req.catalog, &req.engagement_identifier)?;
    let expected = req.engagement_last_modified_at.0;
    if e.modified_at != expected {
        return Err(conflict(format!(
            "Engagement {} was modified at {}, not at the EngagementLastModifiedAt given ({}); read it again and retry",
            e.id,
            pcentral_model::timestamp::format(e.modified_at),
            pcentral_model::timestamp::format(expected)
        ))
        .into());
    }
    let context_id = req.context_identifier.clone();
    let engagement = e.id.clone();
    let Some(c) = e.contexts.iter_mut().find(|c| c.id.to_string() == context_id) else {
        return Err(not_found(format!("Context {context_id} was not found in engagement {engagement}")).into());
    };
    if c.context_type != req.r#type {
        return Err(invalid(vec![field(
            "Type",
            Code::InvalidValue,
            format!(
                "Type {} is not the type of context {context_id} ({})",
                req.r#type.as_str(),
                c.context_type.as_str()
            ),
        )])
        .into());
    }
    c.payload = updated_payload(&c.payload, update);
    save(ctx, &mut e)?;
    Ok(selling::UpdateEngagementContextResponse {
        engagement_id: e.id.to_string(),
        engagement_arn: arn(ctx, &e),
        engagement_last_modified_at: Timestamp(e.modified_at),
        context_id,
    })
}

/// A context's payload after an update: the update's members replace the
/// stored ones, except a lead's `Interaction`, which joins its `Interactions`.
fn updated_payload(stored: &Value, update: Value) -> Value {
    let Some(("Lead", Value::Object(mut lead))) =
        update.as_object().and_then(|m| m.iter().next()).map(|(k, v)| (k.as_str(), v.clone()))
    else {
        return update;
    };
    let mut interactions: Vec<Value> =
        stored.pointer("/Lead/Interactions").and_then(Value::as_array).cloned().unwrap_or_default();
    if let Some(i) = lead.remove("Interaction") {
        interactions.push(i);
    }
    lead.insert("Interactions".into(), Value::Array(interactions));
    serde_json::json!({ "Lead": lead })
}
