//! Tags on partners (the only taggable resource): TagResource, UntagResource,
//! ListTagsForResource (docs/behaviour.md#tags). The catalog and the partner
//! come from the ARN; the ARN's partition and region are not compared.

use pcentral_model::account::{self, FieldValidationCode, ResourceNotFoundExceptionReason};
use pcentral_model::{ApiError, Catalog, FieldError};

use crate::arn;
use crate::ctx::Ctx;
use crate::records::Partner;
use crate::store::OpResult;

/// Tags a resource may carry (the model's TagList maximum).
pub const MAX_TAGS: usize = 200;

/// The FieldValidationErrors for reserved tag keys (starting with `aws:`), named `{member}[i].Key`.
pub fn reserved_key_errors<'a>(member: &str, keys: impl Iterator<Item = &'a str>) -> Vec<FieldError> {
    keys.enumerate()
        .filter(|(_, k)| k.to_lowercase().starts_with("aws:"))
        .map(|(i, _)| {
            FieldError::new(
                &format!("{member}[{i}].Key"),
                FieldValidationCode::InvalidValue,
                format!("{member}[{i}].Key starts with aws:, which is reserved for AWS"),
            )
        })
        .collect()
}

fn arn_error(arn: &str) -> FieldError {
    FieldError::new(
        "ResourceArn",
        FieldValidationCode::InvalidValue,
        format!("ResourceArn {arn} is not a partner ARN; only partners can be tagged"),
    )
}

/// The caller's partner named by a partner ARN; anything else well-formed is PARTNER_NOT_FOUND.
fn tagged_partner(ctx: &mut Ctx<'_>, resource_arn: &str) -> OpResult<Partner> {
    let not_found = || {
        ApiError::not_found(
            ResourceNotFoundExceptionReason::PartnerNotFound,
            format!("Partner {resource_arn} not found"),
        )
    };
    let Some(named) = arn::parse_partner(resource_arn) else {
        return Err(ApiError::fields(vec![arn_error(resource_arn)]).into());
    };
    let Ok(catalog) = named.catalog.parse::<Catalog>() else {
        return Err(not_found().into());
    };
    if named.account != ctx.caller.account.as_str() {
        return Err(not_found().into());
    }
    match ctx.tx.partner_by_id(catalog, &named.id)? {
        Some(p) if p.account == ctx.caller.account => Ok(p),
        _ => Err(not_found().into()),
    }
}

pub fn tag_resource(ctx: &mut Ctx<'_>, req: account::TagResourceRequest) -> OpResult<account::TagResourceResponse> {
    // Every input fault at once: the ARN's kind and reserved keys.
    let mut faults = Vec::new();
    if arn::parse_partner(&req.resource_arn).is_none() {
        faults.push(arn_error(&req.resource_arn));
    }
    faults.extend(reserved_key_errors("Tags", req.tags.iter().map(|t| t.key.as_str())));
    if !faults.is_empty() {
        return Err(ApiError::fields(faults).into());
    }
    let mut partner = tagged_partner(ctx, &req.resource_arn)?;
    for tag in req.tags {
        match partner.tags.iter_mut().find(|(k, _)| *k == tag.key) {
            Some(existing) => existing.1 = tag.value,
            None => partner.tags.push((tag.key, tag.value)),
        }
    }
    if partner.tags.len() > MAX_TAGS {
        return Err(ApiError::field(
            "Tags",
            FieldValidationCode::TooManyValues,
            format!("Tags would give the partner {} tags; at most {MAX_TAGS} are allowed", partner.tags.len()),
        )
        .into());
    }
    ctx.tx.update_partner(&partner)?;
    Ok(account::TagResourceResponse {})
}

pub fn untag_resource(
    ctx: &mut Ctx<'_>,
    req: account::UntagResourceRequest,
) -> OpResult<account::UntagResourceResponse> {
    let mut partner = tagged_partner(ctx, &req.resource_arn)?;
    let before = partner.tags.len();
    partner.tags.retain(|(k, _)| !req.tag_keys.contains(k));
    if partner.tags.len() != before {
        ctx.tx.update_partner(&partner)?;
    }
    Ok(account::UntagResourceResponse {})
}

pub fn list_tags_for_resource(
    ctx: &mut Ctx<'_>,
    req: account::ListTagsForResourceRequest,
) -> OpResult<account::ListTagsForResourceResponse> {
    let partner = tagged_partner(ctx, &req.resource_arn)?;
    let tags = partner.tags.iter().map(|(k, v)| account::Tag { key: k.clone(), value: v.clone() }).collect();
    Ok(account::ListTagsForResourceResponse { resource_arn: req.resource_arn, tags: Some(tags) })
}
