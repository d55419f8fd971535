//! The alliance lead contact of a partner: GetAllianceLeadContact and
//! PutAllianceLeadContact. A new email address needs a verification code sent
//! to it (any 6 digits in Sandbox); the same address, in any case, needs none.

use pcentral_model::{ApiError, FieldCode};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::operations::{parse, Ctx, ResourceRequest};
use crate::partners::{consume_email_code, own_partner, partner_arn};
use crate::store::{AllianceLeadContact, OpResult, Partner};

fn contact_view(ctx: &Ctx<'_>, partner: &Partner) -> Value {
    json!({
        "Catalog": partner.catalog,
        "Arn": partner_arn(&ctx.caller.region, partner),
        "Id": partner.id,
        "AllianceLeadContact": partner.alliance_lead,
    })
}

pub fn get_alliance_lead_contact(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: ResourceRequest = parse(input)?;
    let partner = own_partner(ctx, &req.catalog, &req.identifier)?;
    Ok(contact_view(ctx, &partner))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PutAllianceLeadContactRequest {
    catalog: String,
    identifier: String,
    alliance_lead_contact: AllianceLeadContact,
    email_verification_code: Option<String>,
}

pub fn put_alliance_lead_contact(ctx: &mut Ctx<'_>, input: Value) -> OpResult<Value> {
    let req: PutAllianceLeadContactRequest = parse(input)?;
    let mut partner = own_partner(ctx, &req.catalog, &req.identifier)?;
    let new_email = &req.alliance_lead_contact.email;
    if !new_email.eq_ignore_ascii_case(&partner.alliance_lead.email) {
        let Some(code) = req.email_verification_code.as_deref() else {
            return Err(ApiError::field(
                "EmailVerificationCode",
                FieldCode::RequiredFieldMissing,
                format!("A verification code sent to {new_email} is required to change the alliance lead email"),
            )
            .into());
        };
        consume_email_code(ctx, &req.catalog, new_email, code)?;
    }
    partner.alliance_lead = req.alliance_lead_contact;
    ctx.tx.update_partner(&partner)?;
    Ok(contact_view(ctx, &partner))
}
