//! Partner registration: SendEmailVerificationCode, CreatePartner, GetPartner,
//! ListPartners; resolving a caller's own partner; email code checks.

use pcentral_model::{timestamp, ApiError, FieldCode};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::operations::{parse, Ctx, ResourceRequest};
use crate::profiles::{profile_view, PublishedProfile};
use crate::quotas::{check_rolling_quota, record};
use crate::settings::{ms, MINUTE_MS};
use crate::store::{AllianceLeadContact, EmailCode, OpResult, OutboxMessage, Partner, ProfileContent};

/// Placeholder URL for the required members of a draft profile (SEMANTICS §12 Q5).
pub const DRAFT_URL: &str = "https://example.invalid";

/// The partner ARN as seen from `region`.
pub fn partner_arn(region: &str, partner: &Partner) -> String {
    format!("arn:aws:partnercentral:{region}:{}:catalog/{}/partner/{}", partner.account, partner.catalog, partner.id)
}

/// Key under which legal names are unique in a catalog (case-insensitive).
pub fn legal_name_key(legal_name: &str) -> String {
    legal_name.trim().to_lowercase()
}

fn partner_not_found(identifier: &str) -> ApiError {
    ApiError::not_found("PARTNER_NOT_FOUND", format!("Partner {identifier} not found"))
}

/// The caller's partner named by `identifier` (a partner id or ARN) in `catalog`.
/// Anything else, including another account's partner, is PARTNER_NOT_FOUND.
pub fn own_partner(ctx: &mut Ctx<'_>, catalog: &str, identifier: &str) -> OpResult<Partner> {
    let id = match identifier.strip_prefix("arn:") {
        Some(rest) => {
            // arn:<partition>:partnercentral:<region>:<account>:catalog/<catalog>/partner/<id>
            let parts: Vec<&str> = rest.splitn(5, ':').collect();
            let resource = parts.get(4).copied().unwrap_or_default();
            let account = parts.get(3).copied().unwrap_or_default();
            let expected_prefix = format!("catalog/{catalog}/partner/");
            match resource.strip_prefix(&expected_prefix) {
                Some(id) if account == ctx.caller.account => id.to_string(),
                _ => return Err(partner_not_found(identifier).into()),
            }
        }
        None => identifier.to_string(),
    };
    match ctx.tx.partner_by_id(catalog, &id)? {
        Some(p) if p.account == ctx.caller.account => Ok(p),
        _ => Err(partner_not_found(identifier).into()),
    }
}

/// Check (and, in catalog AWS, consume) the email verification code for `email`.
/// Sandbox accepts any 6 digits (the model already checked the format).
pub fn consume_email_code(ctx: &mut Ctx<'_>, catalog: &str, email: &str, code: &str) -> OpResult<()> {
    if catalog != "AWS" {
        return Ok(());
    }
    let address = email.to_lowercase();
    match ctx.tx.email_code(catalog, &address)? {
        Some(stored) if stored.code == code && stored.expires_at > ctx.now => {
            ctx.tx.delete_email_code(catalog, &address)?;
            Ok(())
        }
        _ => Err(ApiError::field(
            "EmailVerificationCode",
            FieldCode::InvalidValue,
            format!("The verification code for {email} is wrong or has expired"),
        )
        .into()),
    }
}

/// Usage kind counted for verification codes.
pub const EMAIL_CODE_USAGE: &str = "email_code";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendEmailVerificationCodeRequest {
    catalog: String,
    email: String,
}

pub fn send_email_verification_code(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: SendEmailVerificationCodeRequest = parse(input)?;
    if req.catalog != "AWS" {
        // Sandbox sends nothing and accepts any 6 digits.
        return Ok(json!({}));
    }
    let address = req.email.to_lowercase();
    check_rolling_quota(
        ctx,
        &req.catalog,
        EMAIL_CODE_USAGE,
        &address,
        ctx.settings.email_codes_per_day,
        "LIMIT_EXCEEDED_NUMBER_OF_EMAIL",
        &format!("Too many verification codes sent to {} in the last 24 hours", req.email),
    )?;
    let code = ctx.ids.code();
    ctx.tx.put_email_code(&EmailCode {
        catalog: req.catalog.clone(),
        address: address.clone(),
        code: code.clone(),
        sent_at: ctx.now,
        expires_at: ctx.now + ms(ctx.settings.email_code_validity_minutes, MINUTE_MS),
    })?;
    ctx.tx.append_outbox(&OutboxMessage {
        id: 0,
        sent_at: ctx.now,
        catalog: req.catalog.clone(),
        address: req.email.clone(),
        kind: "EMAIL_VERIFICATION_CODE".into(),
        code: Some(code),
        body: json!({"Subject": "Your AWS Partner Central verification code"}),
    })?;
    record(ctx, &req.catalog, EMAIL_CODE_USAGE, &address)?;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreatePartnerRequest {
    catalog: String,
    legal_name: String,
    primary_solution_type: String,
    alliance_lead_contact: AllianceLeadContact,
    email_verification_code: String,
    #[serde(default)]
    tags: Option<Vec<crate::tags::TagInput>>,
}

/// The FieldValidationErrors for reserved tag keys (starting with `aws:`), named `{member}[i].Key`.
pub fn tag_key_errors<'a>(member: &str, keys: impl Iterator<Item = &'a str>) -> Vec<pcentral_model::FieldError> {
    keys.enumerate()
        .filter(|(_, k)| k.to_lowercase().starts_with("aws:"))
        .map(|(i, _)| {
            pcentral_model::FieldError::new(
                &format!("{member}[{i}].Key"),
                FieldCode::InvalidValue,
                "Tag keys starting with aws: are reserved".into(),
            )
        })
        .collect()
}

/// Tag keys starting with `aws:` are reserved.
pub fn check_tag_keys<'a>(member: &str, keys: impl Iterator<Item = &'a str>) -> OpResult<()> {
    let bad = tag_key_errors(member, keys);
    if bad.is_empty() {
        Ok(())
    } else {
        Err(ApiError::fields(bad).into())
    }
}

pub fn create_partner(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: CreatePartnerRequest = parse(input)?;
    let tags: Vec<(String, String)> = req.tags.unwrap_or_default().into_iter().map(|t| (t.key, t.value)).collect();
    check_tag_keys("Tags", tags.iter().map(|(k, _)| k.as_str()))?;
    if ctx.tx.partner_by_account(&req.catalog, &ctx.caller.account)?.is_some() {
        return Err(ApiError::conflict(
            "DUPLICATE_PARTNER",
            format!("Account {} already has a partner in catalog {}", ctx.caller.account, req.catalog),
        )
        .into());
    }
    if ctx.tx.partner_by_legal_name(&req.catalog, &legal_name_key(&req.legal_name))?.is_some() {
        return Err(ApiError::conflict(
            "DUPLICATE_PARTNER",
            format!("A partner with legal name {:?} already exists in catalog {}", req.legal_name, req.catalog),
        )
        .into());
    }
    consume_email_code(ctx, &req.catalog, &req.alliance_lead_contact.email, &req.email_verification_code)?;
    if req.catalog == "AWS" && ctx.settings.require_verification_for_aws_catalog {
        crate::verification::check_for_partner(ctx, &req.legal_name)?;
    }
    let partner = Partner {
        catalog: req.catalog.clone(),
        account: ctx.caller.account.clone(),
        id: ctx.ids.id("partner-"),
        legal_name: req.legal_name.clone(),
        created_at: ctx.now,
        alliance_lead: req.alliance_lead_contact,
        draft: ProfileContent {
            display_name: req.legal_name.clone(),
            description: req.legal_name,
            website_url: DRAFT_URL.into(),
            logo_url: DRAFT_URL.into(),
            primary_solution_type: req.primary_solution_type,
            industry_segments: vec!["OTHER".into()],
            translation_source_locale: "en-US".into(),
            localized_contents: None,
            headquarters: None,
        },
        profile_id: ctx.ids.id("pprofile-"),
        visibility: None,
        domains: Vec::new(),
        tags,
    };
    ctx.tx.insert_partner(&partner)?;
    let mut out = partner_view(ctx, &partner, &PublishedProfile::Draft);
    out["AllianceLeadContact"] = json!(partner.alliance_lead);
    Ok(out)
}

/// The GetPartner view of a partner.
pub fn partner_view(ctx: &Ctx<'_>, partner: &Partner, profile: &PublishedProfile) -> Value {
    let domains: Vec<Value> = partner
        .domains
        .iter()
        .map(|d| json!({"DomainName": d.domain_name, "RegisteredAt": timestamp::format(d.registered_at)}))
        .collect();
    json!({
        "Catalog": partner.catalog,
        "Arn": partner_arn(&ctx.caller.region, partner),
        "Id": partner.id,
        "LegalName": partner.legal_name,
        "CreatedAt": timestamp::format(partner.created_at),
        "Profile": profile_view(partner, profile),
        "AwsTrainingCertificationEmailDomains": domains,
    })
}

pub fn get_partner(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: ResourceRequest = parse(input)?;
    let partner = own_partner(ctx, &req.catalog, &req.identifier)?;
    let profile = PublishedProfile::load(ctx, &partner)?;
    Ok(partner_view(ctx, &partner, &profile))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListPartnersRequest {
    catalog: String,
    next_token: Option<String>,
}

pub fn list_partners(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: ListPartnersRequest = parse(input)?;
    if req.next_token.is_some() {
        // A caller has at most one partner per catalog, so no page ever has a next token.
        return Err(
            ApiError::field("NextToken", FieldCode::InvalidValue, "NextToken is not valid for this request").into()
        );
    }
    let summaries: Vec<Value> = ctx
        .tx
        .partner_by_account(&req.catalog, &ctx.caller.account)?
        .iter()
        .map(|p| {
            json!({
                "Catalog": p.catalog,
                "Arn": partner_arn(&ctx.caller.region, p),
                "Id": p.id,
                "LegalName": p.legal_name,
                "CreatedAt": timestamp::format(p.created_at),
            })
        })
        .collect();
    Ok(json!({ "PartnerSummaryList": summaries }))
}
