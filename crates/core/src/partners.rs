//! The partner record and what every partner operation shares: finding the
//! caller's own partner, the profile derived from its update tasks, email
//! code checks, and the wire forms of profile content
//! (docs/behaviour.md#partners, docs/behaviour.md#profiles).
//!
//! Task outcomes are derived from the stored task and service time, never
//! written back: a task is SUCCEEDED from its due time on (unless cancelled or
//! forced first), and the published profile is the content of the latest
//! succeeded task, with `Headquarters` kept from the latest task that set it.

use pcentral_model::account::{
    self, FieldValidationCode, IndustrySegment, ProfileTaskStatus, ResourceNotFoundExceptionReason,
};
use pcentral_model::{AccountId, ApiError, Catalog, Millis, PartnerId, ProfileId};

use crate::arn;
use crate::ctx::Ctx;
use crate::records::{AllianceLead, Headquarters, LocalizedContent, Partner, ProfileContent, ProfileTask};
use crate::store::{OpResult, StoreError, Tx};

/// Placeholder URL for the required members of a draft profile (docs/behaviour.md#partners).
pub const DRAFT_URL: &str = "https://example.invalid";
/// Locale of a draft profile.
pub const DRAFT_LOCALE: &str = "en-US";

/// The partner ARN as seen from `region`.
pub fn partner_arn(region: &str, partner: &Partner) -> String {
    arn::partner(region, &partner.account, partner.catalog, &partner.id)
}

/// Key under which legal names are unique in a catalog (case-insensitive).
pub fn legal_name_key(legal_name: &str) -> String {
    legal_name.trim().to_lowercase()
}

/// The draft profile a new partner gets (docs/behaviour.md#partners).
pub fn draft_profile(legal_name: &str, primary_solution_type: account::PrimarySolutionType) -> ProfileContent {
    ProfileContent {
        display_name: legal_name.to_string(),
        description: legal_name.to_string(),
        website_url: DRAFT_URL.into(),
        logo_url: DRAFT_URL.into(),
        primary_solution_type,
        industry_segments: vec![IndustrySegment::Other],
        translation_source_locale: DRAFT_LOCALE.into(),
        localized_contents: None,
        headquarters: None,
    }
}

fn partner_not_found(identifier: &str) -> ApiError {
    ApiError::not_found(ResourceNotFoundExceptionReason::PartnerNotFound, format!("Partner {identifier} not found"))
}

/// The caller's partner named by `identifier` (a partner id or ARN) in
/// `catalog`. Anything else, including another account's partner, is
/// PARTNER_NOT_FOUND (docs/behaviour.md#isolation).
pub fn own_partner(ctx: &mut Ctx<'_>, catalog: Catalog, identifier: &str) -> OpResult<Partner> {
    let id = if identifier.starts_with("arn:") {
        match arn::parse_partner(identifier) {
            Some(a) if a.account == ctx.caller.account.as_str() && a.catalog == catalog.as_str() => a.id,
            _ => return Err(partner_not_found(identifier).into()),
        }
    } else {
        PartnerId::parse(identifier).map_err(|_| partner_not_found(identifier))?
    };
    match ctx.tx.partner_by_id(catalog, &id)? {
        Some(p) if p.account == ctx.caller.account => Ok(p),
        _ => Err(partner_not_found(identifier).into()),
    }
}

/// The caller's partner with a published profile (PARTNER_PROFILE_NOT_FOUND without one).
pub fn own_published_partner(ctx: &mut Ctx<'_>, catalog: Catalog, identifier: &str) -> OpResult<Partner> {
    let partner = own_partner(ctx, catalog, identifier)?;
    if !PublishedProfile::load(ctx.tx, &partner, ctx.now)?.is_published() {
        return Err(ApiError::not_found(
            ResourceNotFoundExceptionReason::PartnerProfileNotFound,
            format!("Partner {} has no published profile yet; run StartProfileUpdateTask first", partner.id),
        )
        .into());
    }
    Ok(partner)
}

/// The partner of `account` in `catalog` if its profile is published.
pub fn published_partner_of(
    tx: &mut dyn Tx,
    catalog: Catalog,
    account: &AccountId,
    now: Millis,
) -> OpResult<Option<Partner>> {
    match tx.partner_by_account(catalog, account)? {
        Some(p) if PublishedProfile::load(tx, &p, now)?.is_published() => Ok(Some(p)),
        _ => Ok(None),
    }
}

/// The partner that published profile `profile_id` in `catalog`, if any.
pub fn publisher_of(
    tx: &mut dyn Tx,
    catalog: Catalog,
    profile_id: &ProfileId,
    now: Millis,
) -> OpResult<Option<Partner>> {
    match tx.partner_by_profile_id(catalog, profile_id)? {
        Some(p) if PublishedProfile::load(tx, &p, now)?.is_published() => Ok(Some(p)),
        _ => Ok(None),
    }
}

/// Check (and, in catalog AWS, consume) the email verification code for
/// `email`. Sandbox accepts any 6 digits (the model already checked the
/// format) (docs/behaviour.md#email-verification-codes).
pub fn consume_email_code(ctx: &mut Ctx<'_>, catalog: Catalog, email: &str, code: &str) -> OpResult<()> {
    if catalog == Catalog::Sandbox {
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
            FieldValidationCode::InvalidValue,
            format!("EmailVerificationCode is not the code last sent to {email}, or it has expired"),
        )
        .into()),
    }
}

/// Status and end time of a profile update task at a given service time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskState {
    pub status: ProfileTaskStatus,
    pub ended_at: Option<Millis>,
}

/// The status of `task` at `now`.
pub fn task_state(task: &ProfileTask, now: Millis) -> TaskState {
    if let Some(at) = task.canceled_at {
        return TaskState { status: ProfileTaskStatus::Canceled, ended_at: Some(at) };
    }
    if let Some(f) = &task.forced {
        return TaskState { status: ProfileTaskStatus::Failed, ended_at: Some(f.at) };
    }
    match task.due_at {
        Some(due) if due <= now => TaskState { status: ProfileTaskStatus::Succeeded, ended_at: Some(due) },
        _ => TaskState { status: ProfileTaskStatus::InProgress, ended_at: None },
    }
}

/// The profile as the world sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum PublishedProfile {
    /// No task has succeeded yet: the draft made at creation, without ProfileId.
    Draft,
    /// The content of the latest succeeded task.
    Published(Box<ProfileContent>),
}

impl PublishedProfile {
    /// Derive the profile from the partner's tasks at `now`.
    pub fn derive(tasks: &[ProfileTask], now: Millis) -> PublishedProfile {
        let mut published: Option<ProfileContent> = None;
        let mut headquarters = None;
        for task in tasks {
            if task_state(task, now).status == ProfileTaskStatus::Succeeded {
                if task.details.headquarters.is_some() {
                    headquarters = task.details.headquarters.clone();
                }
                published = Some(task.details.clone());
            }
        }
        match published {
            Some(mut content) => {
                content.headquarters = headquarters;
                PublishedProfile::Published(Box::new(content))
            }
            None => PublishedProfile::Draft,
        }
    }

    pub fn load(tx: &mut dyn Tx, partner: &Partner, now: Millis) -> Result<PublishedProfile, StoreError> {
        let tasks = tx.profile_tasks(&partner.id)?;
        Ok(Self::derive(&tasks, now))
    }

    pub fn is_published(&self) -> bool {
        matches!(self, PublishedProfile::Published(_))
    }

    /// The `Profile` member of a partner's views.
    pub fn view(&self, partner: &Partner) -> account::PartnerProfile {
        match self {
            PublishedProfile::Draft => partner_profile(&partner.draft, None),
            PublishedProfile::Published(content) => partner_profile(content, Some(partner.profile_id.clone())),
        }
    }
}

fn localized_view(items: &Option<Vec<LocalizedContent>>) -> Option<Vec<account::LocalizedContent>> {
    items.as_ref().map(|items| {
        items
            .iter()
            .map(|c| account::LocalizedContent {
                display_name: c.display_name.clone(),
                description: c.description.clone(),
                website_url: c.website_url.clone(),
                logo_url: c.logo_url.clone(),
                locale: c.locale.clone(),
            })
            .collect()
    })
}

fn headquarters_view(h: &Option<Headquarters>) -> Option<account::Headquarters> {
    h.as_ref().map(|h| account::Headquarters {
        country_code: h.country_code.clone(),
        subdivision_code: h.subdivision_code.clone(),
    })
}

/// Profile content as a `PartnerProfile` (with its id once published).
pub fn partner_profile(c: &ProfileContent, profile_id: Option<ProfileId>) -> account::PartnerProfile {
    account::PartnerProfile {
        display_name: c.display_name.clone(),
        description: c.description.clone(),
        website_url: c.website_url.clone(),
        logo_url: c.logo_url.clone(),
        primary_solution_type: c.primary_solution_type,
        industry_segments: c.industry_segments.clone(),
        translation_source_locale: c.translation_source_locale.clone(),
        localized_contents: localized_view(&c.localized_contents),
        headquarters: headquarters_view(&c.headquarters),
        profile_id,
    }
}

/// Profile content as `TaskDetails`.
pub fn task_details(c: &ProfileContent) -> account::TaskDetails {
    account::TaskDetails {
        display_name: c.display_name.clone(),
        description: c.description.clone(),
        website_url: c.website_url.clone(),
        logo_url: c.logo_url.clone(),
        primary_solution_type: c.primary_solution_type,
        industry_segments: c.industry_segments.clone(),
        translation_source_locale: c.translation_source_locale.clone(),
        localized_contents: localized_view(&c.localized_contents),
        headquarters: headquarters_view(&c.headquarters),
    }
}

/// `TaskDetails` as stored profile content.
pub fn profile_content(d: account::TaskDetails) -> ProfileContent {
    ProfileContent {
        display_name: d.display_name,
        description: d.description,
        website_url: d.website_url,
        logo_url: d.logo_url,
        primary_solution_type: d.primary_solution_type,
        industry_segments: d.industry_segments,
        translation_source_locale: d.translation_source_locale,
        localized_contents: d.localized_contents.map(|items| {
            items
                .into_iter()
                .map(|c| LocalizedContent {
                    display_name: c.display_name,
                    description: c.description,
                    website_url: c.website_url,
                    logo_url: c.logo_url,
                    locale: c.locale,
                })
                .collect()
        }),
        headquarters: d
            .headquarters
            .map(|h| Headquarters { country_code: h.country_code, subdivision_code: h.subdivision_code }),
    }
}

/// The alliance lead as the wire sends it.
pub fn alliance_lead_view(a: &AllianceLead) -> account::AllianceLeadContact {
    account::AllianceLeadContact {
        first_name: a.first_name.clone(),
        last_name: a.last_name.clone(),
        email: a.email.clone(),
        business_title: a.business_title.clone(),
    }
}

/// A wire alliance lead contact as stored.
pub fn alliance_lead(a: account::AllianceLeadContact) -> AllianceLead {
    AllianceLead { first_name: a.first_name, last_name: a.last_name, email: a.email, business_title: a.business_title }
}
