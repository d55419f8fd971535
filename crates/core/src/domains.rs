//! Training/certification email domains:
//! AssociateAwsTrainingCertificationEmailDomain and
//! DisassociateAwsTrainingCertificationEmailDomain
//! (docs/behaviour.md#training-email-domains).
//!
//! The domain is the lower-cased part of the verified address after `@`. A
//! domain belongs to at most one partner per catalog (the store's index backs
//! this), free-mail domains are refused, and associating a domain the partner
//! already has succeeds without changing it.

use pcentral_model::account::{
    self, BusinessValidationCode, ResourceNotFoundExceptionReason, ServiceQuotaExceededExceptionReason,
};
use pcentral_model::ApiError;

use crate::ctx::Ctx;
use crate::partners::{consume_email_code, own_partner};
use crate::records::PartnerDomain;
use crate::store::OpResult;

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

pub fn associate_aws_training_certification_email_domain(
    ctx: &mut Ctx<'_>,
    req: account::AssociateAwsTrainingCertificationEmailDomainRequest,
) -> OpResult<account::AssociateAwsTrainingCertificationEmailDomainResponse> {
    let mut partner = own_partner(ctx, req.catalog, &req.identifier)?;
    consume_email_code(ctx, req.catalog, &req.email, &req.email_verification_code)?;
    let domain = domain_of(&req.email);
    if FREE_MAIL_DOMAINS.contains(&domain.as_str()) {
        return Err(ApiError::business(
            BusinessValidationCode::IncompatibleDomain,
            format!("{domain} is a public email domain and cannot be linked to a partner"),
        )
        .into());
    }
    match ctx.tx.partner_id_by_domain(req.catalog, &domain)? {
        Some(owner) if owner == partner.id => {
            return Ok(account::AssociateAwsTrainingCertificationEmailDomainResponse {})
        }
        Some(_) => {
            return Err(ApiError::business(
                BusinessValidationCode::IncompatibleDomain,
                format!("{domain} is already linked to another partner in catalog {}", req.catalog),
            )
            .into())
        }
        None => {}
    }
    let limit = ctx.settings.training_domains_per_partner;
    if partner.domains.len() as u64 >= limit {
        let e = ApiError::quota(
            ServiceQuotaExceededExceptionReason::LimitExceededNumberOfDomain,
            format!("Partner {} already has {limit} training email domains (limit {limit})", partner.id),
        );
        return Err(e.decided_by("training_domains_per_partner").into());
    }
    partner.domains.push(PartnerDomain { domain_name: domain, registered_at: ctx.now });
    ctx.tx.update_partner(&partner)?;
    Ok(account::AssociateAwsTrainingCertificationEmailDomainResponse {})
}

pub fn disassociate_aws_training_certification_email_domain(
    ctx: &mut Ctx<'_>,
    req: account::DisassociateAwsTrainingCertificationEmailDomainRequest,
) -> OpResult<account::DisassociateAwsTrainingCertificationEmailDomainResponse> {
    let mut partner = own_partner(ctx, req.catalog, &req.identifier)?;
    let wanted = req.domain_name.to_lowercase();
    let before = partner.domains.len();
    partner.domains.retain(|d| d.domain_name != wanted);
    if partner.domains.len() == before {
        return Err(ApiError::not_found(
            ResourceNotFoundExceptionReason::PartnerDomainNotFound,
            format!("Domain {} is not linked to partner {}", req.domain_name, partner.id),
        )
        .into());
    }
    ctx.tx.update_partner(&partner)?;
    Ok(account::DisassociateAwsTrainingCertificationEmailDomainResponse {})
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
