//! Training/certification email domains: AssociateAwsTrainingCertificationEmailDomain
//! and DisassociateAwsTrainingCertificationEmailDomain.
//!
//! The domain is the lower-cased part of the verified address after `@`. A
//! domain belongs to at most one partner per catalog (the store's index backs
//! this), free-mail domains are refused, and associating a domain the partner
//! already has succeeds without changing it.

use pcentral_model::ApiError;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::operations::{parse, Ctx};
use crate::partners::{consume_email_code, own_partner};
use crate::store::{OpResult, PartnerDomain};

/// Public mailbox providers whose domains prove no company (fixed list; see docs/compat.md).
pub const FREE_MAIL_DOMAINS: &[&str] = &[
    "aol.com",
    "gmail.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hotmail.com",
    "icloud.com",
    "live.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "outlook.com",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "yahoo.com",
    "yandex.com",
    "yandex.ru",
    "zoho.com",
];

/// The lower-cased domain of an email address.
pub fn domain_of(email: &str) -> String {
    email.rsplit_once('@').map_or(email, |(_, d)| d).to_lowercase()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AssociateRequest {
    catalog: String,
    identifier: String,
    email: String,
    email_verification_code: String,
}

pub fn associate_aws_training_certification_email_domain(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: AssociateRequest = parse(input)?;
    let mut partner = own_partner(ctx, &req.catalog, &req.identifier)?;
    consume_email_code(ctx, &req.catalog, &req.email, &req.email_verification_code)?;
    let domain = domain_of(&req.email);
    if FREE_MAIL_DOMAINS.contains(&domain.as_str()) {
        return Err(ApiError::business(
            "INCOMPATIBLE_DOMAIN",
            format!("{domain} is a public email domain and cannot be linked to a partner"),
        )
        .into());
    }
    match ctx.tx.partner_id_by_domain(&req.catalog, &domain)? {
        Some(owner) if owner == partner.id => return Ok(json!({})),
        Some(_) => {
            return Err(ApiError::business(
                "INCOMPATIBLE_DOMAIN",
                format!("{domain} is already linked to another partner in catalog {}", req.catalog),
            )
            .into())
        }
        None => {}
    }
    let limit = ctx.settings.training_domains_per_partner;
    if partner.domains.len() as u64 >= limit {
        return Err(ApiError::quota(
            "LIMIT_EXCEEDED_NUMBER_OF_DOMAIN",
            format!("Partner {} already has {limit} training email domains (limit {limit})", partner.id),
        )
        .into());
    }
    partner.domains.push(PartnerDomain { domain_name: domain, registered_at: ctx.now });
    ctx.tx.update_partner(&partner)?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DisassociateRequest {
    catalog: String,
    identifier: String,
    domain_name: String,
}

pub fn disassociate_aws_training_certification_email_domain(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: DisassociateRequest = parse(input)?;
    let mut partner = own_partner(ctx, &req.catalog, &req.identifier)?;
    let wanted = req.domain_name.to_lowercase();
    let before = partner.domains.len();
    partner.domains.retain(|d| d.domain_name != wanted);
    if partner.domains.len() == before {
        return Err(ApiError::not_found(
            "PARTNER_DOMAIN_NOT_FOUND",
            format!("Domain {} is not linked to partner {}", req.domain_name, partner.id),
        )
        .into());
    }
    ctx.tx.update_partner(&partner)?;
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_is_the_lower_cased_part_after_the_at() {
        assert_eq!(domain_of("Ana@Sub.Example.COM"), "sub.example.com");
        assert!(FREE_MAIL_DOMAINS.contains(&domain_of("x@GMail.com").as_str()));
    }
}
