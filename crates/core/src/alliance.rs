//! The alliance lead contact of a partner: GetAllianceLeadContact and
//! PutAllianceLeadContact (docs/behaviour.md#alliance-lead-contact). A new
//! email address needs a verification code sent to it (any 6 digits in
//! Sandbox); the same address, in any case, needs none.

use pcentral_model::account::{self, FieldValidationCode};
use pcentral_model::ApiError;

use crate::ctx::Ctx;
use crate::partners::{alliance_lead, alliance_lead_view, consume_email_code, own_partner, partner_arn};
use crate::records::Partner;
use crate::store::OpResult;

fn contact_view(ctx: &Ctx<'_>, partner: Partner) -> account::GetAllianceLeadContactResponse {
    account::GetAllianceLeadContactResponse {
        catalog: partner.catalog,
        arn: partner_arn(&ctx.caller.region, &partner),
        alliance_lead_contact: alliance_lead_view(&partner.alliance_lead),
        id: partner.id,
    }
}

pub fn get_alliance_lead_contact(
    ctx: &mut Ctx<'_>,
    req: account::GetAllianceLeadContactRequest,
) -> OpResult<account::GetAllianceLeadContactResponse> {
    let partner = own_partner(ctx, req.catalog, &req.identifier)?;
    Ok(contact_view(ctx, partner))
}

pub fn put_alliance_lead_contact(
    ctx: &mut Ctx<'_>,
    req: account::PutAllianceLeadContactRequest,
) -> OpResult<account::PutAllianceLeadContactResponse> {
    let mut partner = own_partner(ctx, req.catalog, &req.identifier)?;
    let new_email = &req.alliance_lead_contact.email;
    if !new_email.eq_ignore_ascii_case(&partner.alliance_lead.email) {
        let Some(code) = req.email_verification_code.as_deref() else {
            return Err(ApiError::field(
                "EmailVerificationCode",
                FieldValidationCode::RequiredFieldMissing,
                format!("EmailVerificationCode is required to change the alliance lead email to {new_email}"),
            )
            .into());
        };
        consume_email_code(ctx, req.catalog, new_email, code)?;
    }
    partner.alliance_lead = alliance_lead(req.alliance_lead_contact);
    ctx.tx.update_partner(&partner)?;
    Ok(contact_view(ctx, partner).into())
}
