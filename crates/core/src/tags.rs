//! Tags on partners (the only taggable resource): TagResource, UntagResource,
//! ListTagsForResource. The catalog and the partner come from the ARN; the
//! ARN's partition and region are not compared (as for partner identifiers).

use pcentral_model::{ApiError, FieldCode, FieldError, CATALOGS};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::operations::{parse, Ctx};
use crate::partners::tag_key_errors;
use crate::store::{OpResult, Partner};

/// Tags a resource may carry (the model's TagList maximum).
pub const MAX_TAGS: usize = 200;

/// The (account, catalog, partner id) of a partner ARN, or `None` when the
/// ARN (already matching `TaggableResourceArn`) names something else.
pub fn parse_partner_arn(arn: &str) -> Option<(&str, &str, &str)> {
    // arn:<partition>:partnercentral:<region>:<account>:catalog/<catalog>/partner/<id>
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, _, _, _, account, resource] = parts.as_slice() else {
        return None;
    };
    let segments: Vec<&str> = resource.split('/').collect();
    let ["catalog", catalog, "partner", id] = segments.as_slice() else {
        return None;
    };
    let id_ok = id
        .strip_prefix("partner-")
        .is_some_and(|rest| rest.len() == 13 && rest.bytes().all(|b| b.is_ascii_alphanumeric()));
    let catalog_ok = !catalog.is_empty() && catalog.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_');
    (id_ok && catalog_ok).then_some((*account, *catalog, *id))
}

fn arn_error(arn: &str) -> FieldError {
    FieldError::new(
        "ResourceArn",
        FieldCode::InvalidValue,
        format!("{arn} is not a partner ARN; only partners can be tagged"),
    )
}

/// The caller's partner named by a partner ARN; anything else well-formed is PARTNER_NOT_FOUND.
fn tagged_partner(ctx: &mut Ctx<'_>, arn: &str) -> OpResult<Partner> {
    let not_found = || ApiError::not_found("PARTNER_NOT_FOUND", format!("Partner {arn} not found"));
    let Some((account, catalog, id)) = parse_partner_arn(arn) else {
        return Err(ApiError::fields(vec![arn_error(arn)]).into());
    };
    if account != ctx.caller.account || !CATALOGS.contains(&catalog) {
        return Err(not_found().into());
    }
    match ctx.tx.partner_by_id(catalog, id)? {
        Some(p) if p.account == ctx.caller.account => Ok(p),
        _ => Err(not_found().into()),
    }
}

/// A `Tag` of a request (TagResource, CreatePartner).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagInput {
    pub key: String,
    pub value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagResourceRequest {
    resource_arn: String,
    tags: Vec<TagInput>,
}

pub fn tag_resource(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: TagResourceRequest = parse(input)?;
    // Every input fault at once: the ARN's kind and reserved keys.
    let mut faults = Vec::new();
    if parse_partner_arn(&req.resource_arn).is_none() {
        faults.push(arn_error(&req.resource_arn));
    }
    faults.extend(tag_key_errors("Tags", req.tags.iter().map(|t| t.key.as_str())));
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
            FieldCode::TooManyValues,
            format!("A partner can have at most {MAX_TAGS} tags; this request would make {}", partner.tags.len()),
        )
        .into());
    }
    ctx.tx.update_partner(&partner)?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UntagResourceRequest {
    resource_arn: String,
    tag_keys: Vec<String>,
}

pub fn untag_resource(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: UntagResourceRequest = parse(input)?;
    let mut partner = tagged_partner(ctx, &req.resource_arn)?;
    let before = partner.tags.len();
    partner.tags.retain(|(k, _)| !req.tag_keys.contains(k));
    if partner.tags.len() != before {
        ctx.tx.update_partner(&partner)?;
    }
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListTagsForResourceRequest {
    resource_arn: String,
}

pub fn list_tags_for_resource(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: ListTagsForResourceRequest = parse(input)?;
    let partner = tagged_partner(ctx, &req.resource_arn)?;
    let tags: Vec<Value> = partner.tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect();
    Ok(json!({"ResourceArn": req.resource_arn, "Tags": tags}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_partner_arns_parse() {
        let arn = "arn:aws:partnercentral:us-east-1:111111111111:catalog/AWS/partner/partner-0123456789abc";
        assert_eq!(parse_partner_arn(arn), Some(("111111111111", "AWS", "partner-0123456789abc")));
        for bad in [
            "arn:aws:partnercentral:us-east-1:111111111111:catalog/AWS/partner-0123456789abc",
            "arn:aws:partnercentral:us-east-1:111111111111:catalog/AWS/connection-preferences",
            "arn:aws:partnercentral:us-east-1:111111111111:catalog/AWS/partner/partner-short",
            "arn:aws:partnercentral:us-east-1:111111111111:catalog/AWS/partner/partner-0123456789abc/x",
        ] {
            assert_eq!(parse_partner_arn(bad), None, "{bad}");
        }
    }
}
