//! Partner registration: SendEmailVerificationCode, CreatePartner, GetPartner,
//! ListPartners (docs/behaviour.md#partners, docs/behaviour.md#email-verification-codes).

use pcentral_model::account::{self, ConflictExceptionReason, FieldValidationCode};
use pcentral_model::{ApiError, Catalog, FieldError, Timestamp};

use crate::ctx::{new_id, Ctx};
use crate::partners::{
    alliance_lead, alliance_lead_view, consume_email_code, draft_profile, legal_name_key, own_partner, partner_arn,
    PublishedProfile,
};
use crate::quotas;
use crate::records::{EmailCode, OutboxBody, OutboxKind, OutboxMessage, Partner};
use crate::settings::{ms, MINUTE_MS};
use crate::store::OpResult;
use crate::tags;

pub fn send_email_verification_code(
    ctx: &mut Ctx<'_>,
    req: account::SendEmailVerificationCodeRequest,
) -> OpResult<account::SendEmailVerificationCodeResponse> {
    if req.catalog == Catalog::Sandbox {
        // Sandbox sends nothing and accepts any 6 digits.
        return Ok(account::SendEmailVerificationCodeResponse {});
    }
    let address = req.email.to_lowercase();
    quotas::spend(ctx, req.catalog, quotas::EMAIL_CODES, &address)?;
    let code = ctx.ids.code();
    ctx.tx.put_email_code(&EmailCode {
        catalog: req.catalog,
        address: address.clone(),
        code: code.clone(),
        sent_at: ctx.now,
        expires_at: ctx.now + ms(ctx.settings.email_code_validity_minutes, MINUTE_MS),
    })?;
    ctx.tx.append_outbox(&OutboxMessage {
        id: 0,
        sent_at: ctx.now,
        catalog: req.catalog,
        address: req.email,
        kind: OutboxKind::EmailVerificationCode,
        code: Some(code),
        body: OutboxBody { subject: "Your AWS Partner Central verification code".into() },
    })?;
    Ok(account::SendEmailVerificationCodeResponse {})
}

pub fn create_partner(
    ctx: &mut Ctx<'_>,
    req: account::CreatePartnerRequest,
) -> OpResult<account::CreatePartnerResponse> {
    let tags: Vec<(String, String)> = req.tags.unwrap_or_default().into_iter().map(|t| (t.key, t.value)).collect();
    if req.catalog == Catalog::Sandbox && !tags.is_empty() && !ctx.settings.sandbox_allow_tags {
        // The Sandbox testing guide says tags are not used there (docs/compat.md#partners-and-profiles).
        let e = ApiError::field(
            "Tags",
            FieldValidationCode::InvalidValue,
            "Tags are not supported in catalog Sandbox; create the partner without Tags, or tag it with TagResource",
        );
        return Err(e.decided_by("sandbox_allow_tags").into());
    }
    let reserved: Vec<FieldError> = tags::reserved_key_errors("Tags", tags.iter().map(|(k, _)| k.as_str()));
    if !reserved.is_empty() {
        return Err(ApiError::fields(reserved).into());
    }
    if ctx.tx.partner_by_account(req.catalog, &ctx.caller.account)?.is_some() {
        return Err(ApiError::conflict(
            ConflictExceptionReason::DuplicatePartner,
            format!("Account {} already has a partner in catalog {}", ctx.caller.account, req.catalog),
        )
        .into());
    }
    if ctx.tx.partner_by_legal_name(req.catalog, &legal_name_key(&req.legal_name))?.is_some() {
        return Err(ApiError::conflict(
            ConflictExceptionReason::DuplicatePartner,
            format!("A partner with legal name {:?} already exists in catalog {}", req.legal_name, req.catalog),
        )
        .into());
    }
    consume_email_code(ctx, req.catalog, &req.alliance_lead_contact.email, &req.email_verification_code)?;
    if req.catalog == Catalog::Aws && ctx.settings.require_verification_for_aws_catalog {
        crate::verification::check_for_partner(ctx, &req.legal_name)?;
    }
    let partner = Partner {
        catalog: req.catalog,
        account: ctx.caller.account.clone(),
        id: new_id(ctx.ids),
        draft: draft_profile(&req.legal_name, req.primary_solution_type),
        legal_name: req.legal_name,
        created_at: ctx.now,
        alliance_lead: alliance_lead(req.alliance_lead_contact),
        profile_id: new_id(ctx.ids),
        visibility: None,
        domains: Vec::new(),
        tags,
    };
    ctx.tx.insert_partner(&partner)?;
    let view = partner_view(ctx, &partner, &PublishedProfile::Draft);
    Ok(account::CreatePartnerResponse {
        catalog: view.catalog,
        arn: view.arn,
        id: view.id,
        legal_name: view.legal_name,
        created_at: view.created_at,
        profile: view.profile,
        aws_training_certification_email_domains: view.aws_training_certification_email_domains,
        alliance_lead_contact: alliance_lead_view(&partner.alliance_lead),
    })
}

/// The GetPartner view of a partner.
fn partner_view(ctx: &Ctx<'_>, partner: &Partner, profile: &PublishedProfile) -> account::GetPartnerResponse {
    let domains = partner
        .domains
        .iter()
        .map(|d| account::PartnerDomain {
            domain_name: d.domain_name.clone(),
            registered_at: Timestamp(d.registered_at),
        })
        .collect();
    account::GetPartnerResponse {
        catalog: partner.catalog,
        arn: partner_arn(&ctx.caller.region, partner),
        id: partner.id.clone(),
        legal_name: partner.legal_name.clone(),
        created_at: Timestamp(partner.created_at),
        profile: profile.view(partner),
        aws_training_certification_email_domains: Some(domains),
    }
}

pub fn get_partner(ctx: &mut Ctx<'_>, req: account::GetPartnerRequest) -> OpResult<account::GetPartnerResponse> {
    let partner = own_partner(ctx, req.catalog, &req.identifier)?;
    let profile = PublishedProfile::load(ctx.tx, &partner, ctx.now)?;
    Ok(partner_view(ctx, &partner, &profile))
}

pub fn list_partners(ctx: &mut Ctx<'_>, req: account::ListPartnersRequest) -> OpResult<account::ListPartnersResponse> {
    if req.next_token.is_some() {
        // A caller has at most one partner per catalog, so no page ever has a next token.
        return Err(ApiError::field(
            "NextToken",
            FieldValidationCode::InvalidValue,
            "NextToken is not valid for this request",
        )
        .into());
    }
    let summaries = ctx
        .tx
        .partner_by_account(req.catalog, &ctx.caller.account)?
        .iter()
        .map(|p| account::PartnerSummary {
            catalog: p.catalog,
            arn: partner_arn(&ctx.caller.region, p),
            id: p.id.clone(),
            legal_name: p.legal_name.clone(),
            created_at: Timestamp(p.created_at),
        })
        .collect();
    Ok(account::ListPartnersResponse { partner_summary_list: summaries, next_token: None })
}
