//! The Selling API's tags, on opportunities: TagResource, UntagResource,
//! ListTagsForResource for `arn:aws:partnercentral:<region>:<account>:catalog/<Catalog>/opportunity/<id>`
//! (docs/behaviour.md#opportunity-tags). The ARN's partition and region are
//! not compared; its account and catalog are.

use pcentral_model::selling::{self, ValidationExceptionErrorCode as Code};
use pcentral_model::{Catalog, FieldError, OpportunityId};

use super::document::{field, invalid, not_found};
use crate::ctx::Ctx;
use crate::records::Opportunity;
use crate::store::{OpResult, StoreError};

/// Tags an opportunity may carry (the model's TagList maximum).
pub const MAX_TAGS: usize = 200;

/// The errors for reserved tag keys (starting with `aws:`, any case), named `{member}[i].Key`.
pub fn reserved_key_errors<'a>(member: &str, keys: impl Iterator<Item = &'a str>) -> Vec<FieldError> {
    keys.enumerate()
        .filter(|(_, k)| k.to_lowercase().starts_with("aws:"))
        .map(|(i, _)| {
            field(
                &format!("{member}[{i}].Key"),
                Code::InvalidValue,
                format!("{member}[{i}].Key starts with aws:, which is reserved for AWS"),
            )
        })
        .collect()
}

/// What an opportunity ARN names: (account, catalog, id), each as written.
fn parse(arn: &str) -> Option<(&str, &str, &str)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ["arn", _, "partnercentral", _, account, resource] = parts.as_slice() else {
        return None;
    };
    let segments: Vec<&str> = resource.split('/').collect();
    let ["catalog", catalog, "opportunity", id] = segments.as_slice() else {
        return None;
    };
    Some((account, catalog, id))
}

fn arn_error(arn: &str) -> FieldError {
    field(
        "ResourceArn",
        Code::InvalidValue,
        format!("ResourceArn {arn} is not an opportunity ARN; only opportunities can be tagged"),
    )
}

/// The caller's opportunity named by `arn`; anything else well-formed is not found.
fn tagged(ctx: &mut Ctx<'_>, arn: &str) -> OpResult<Opportunity> {
    let missing = || not_found("The opportunity that ResourceArn names was not found".to_string());
    let Some((account, catalog, id)) = parse(arn) else {
        return Err(invalid(vec![arn_error(arn)]).into());
    };
    let (Ok(catalog), Ok(id)) = (catalog.parse::<Catalog>(), OpportunityId::parse(id)) else {
        return Err(missing().into());
    };
    if account != ctx.caller.account.as_str() {
        return Err(missing().into());
    }
    match ctx.tx.opportunity(catalog, &id)? {
        Some(o) if o.owner == ctx.caller.account => Ok(o),
        _ => Err(missing().into()),
    }
}

/// Store changed tags. Tags are not the opportunity's content: its
/// LastModifiedDate stays, and no event is recorded.
fn save(ctx: &mut Ctx<'_>, o: &Opportunity) -> OpResult<()> {
    if ctx.tx.update_opportunity(o, o.last_modified)? {
        return Ok(());
    }
    Err(StoreError::Conflict.into())
}

pub fn tag_resource(ctx: &mut Ctx<'_>, req: selling::TagResourceRequest) -> OpResult<selling::TagResourceResponse> {
    let mut faults = Vec::new();
    if parse(&req.resource_arn).is_none() {
        faults.push(arn_error(&req.resource_arn));
    }
    faults.extend(reserved_key_errors("Tags", req.tags.iter().map(|t| t.key.as_str())));
    if !faults.is_empty() {
        return Err(invalid(faults).into());
    }
    let mut o = tagged(ctx, &req.resource_arn)?;
    for tag in req.tags {
        match o.tags.iter_mut().find(|(k, _)| *k == tag.key) {
            Some(existing) => existing.1 = tag.value,
            None => o.tags.push((tag.key, tag.value)),
        }
    }
    if o.tags.len() > MAX_TAGS {
        return Err(invalid(vec![field(
            "Tags",
            Code::TooManyValues,
            format!("Tags would give the opportunity {} tags; at most {MAX_TAGS} are allowed", o.tags.len()),
        )])
        .into());
    }
    save(ctx, &o)?;
    Ok(selling::TagResourceResponse {})
}

pub fn untag_resource(
    ctx: &mut Ctx<'_>,
    req: selling::UntagResourceRequest,
) -> OpResult<selling::UntagResourceResponse> {
    let mut o = tagged(ctx, &req.resource_arn)?;
    let before = o.tags.len();
    o.tags.retain(|(k, _)| !req.tag_keys.contains(k));
    if o.tags.len() != before {
        save(ctx, &o)?;
    }
    Ok(selling::UntagResourceResponse {})
}

pub fn list_tags_for_resource(
    ctx: &mut Ctx<'_>,
    req: selling::ListTagsForResourceRequest,
) -> OpResult<selling::ListTagsForResourceResponse> {
    let o = tagged(ctx, &req.resource_arn)?;
    let tags = o.tags.iter().map(|(k, v)| selling::Tag { key: k.clone(), value: v.clone() }).collect();
    Ok(selling::ListTagsForResourceResponse { tags })
}
