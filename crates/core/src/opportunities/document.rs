//! The opportunity document ([`Document`]) and its views: the columns
//! derived from it, what a review status lets UpdateOpportunity change, and
//! the whole opportunity as GetOpportunity answers it, from which the other
//! answers take their members (docs/behaviour.md#opportunities).

use std::collections::BTreeMap;

use pcentral_model::selling::{self, ValidationExceptionErrorCode as Code};
use pcentral_model::{timestamp, ApiError, Catalog, ErrorKind, FieldError, Millis, OpportunityId, Service, Timestamp};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::ctx::{Ctx, Ids};
use crate::records::{Document, Opportunity, RelatedEntityType, ReviewStatus};
use crate::store::OpResult;

/// The fields UpdateOpportunity may change while the review status is
/// Action Required (paths into the document; a prefix covers what is under it).
pub const ACTION_REQUIRED_EDITABLE: [&str; 8] = [
    "Customer.Account.Address.City",
    "Customer.Account.Address.CountryCode",
    "Customer.Account.Address.PostalCode",
    "Customer.Account.Address.StateOrRegion",
    "Customer.Account.Address.StreetAddress",
    "Customer.Account.WebsiteUrl",
    "LifeCycle.TargetCloseDate",
    "Project.ExpectedCustomerSpend",
];

/// The fields that stay as AWS approved them (the part of AWS's list the
/// developer guide's "Working with opportunity updates" page shows).
pub const LOCKED_AFTER_APPROVAL: [&str; 4] = [
    "Customer.Account.Address.CountryCode",
    "Customer.Account.Address.PostalCode",
    "Customer.Account.Industry",
    "Customer.Account.WebsiteUrl",
];

/// Also editable under Action Required.
pub const ACTION_REQUIRED_EDITABLE_MORE: [&str; 2] =
    ["Project.CustomerBusinessProblem", "PartnerOpportunityIdentifier"];

fn unwritable(e: serde_json::Error) -> ApiError {
    ApiError::internal(format!("Unwritable opportunity: {e}"))
}

/// `value` as JSON.
pub fn to_json(value: &impl Serialize) -> OpResult<Value> {
    serde_json::to_value(value).map_err(|e| unwritable(e).into())
}

/// The output type `T` read from `view` (members `T` lacks are dropped, so
/// an answer carries exactly the members of its shape).
pub fn output<T: DeserializeOwned>(view: Value) -> OpResult<T> {
    serde_json::from_value(view).map_err(|e| unwritable(e).into())
}

/// `life` as the document keeps it: without the members AWS's review
/// writes (the record's columns hold those).
pub fn partner_life_cycle(life: selling::LifeCycle) -> selling::LifeCycle {
    selling::LifeCycle { review_status: None, review_comments: None, review_status_reason: None, ..life }
}

/// A lifecycle with nothing in it.
pub fn empty_life_cycle() -> selling::LifeCycle {
    selling::LifeCycle {
        stage: None,
        closed_lost_reason: None,
        next_steps: None,
        target_close_date: None,
        review_status: None,
        review_comments: None,
        review_status_reason: None,
        next_steps_history: None,
    }
}

/// Refresh the columns of `o` that are read from its document.
pub fn derive_columns(o: &mut Opportunity) {
    let life = o.body.life_cycle.as_ref();
    o.stage = life.and_then(|l| l.stage);
    o.target_close_date = life.and_then(|l| l.target_close_date.clone());
    o.customer_company_name = o.body.customer.as_ref().and_then(|c| c.account.as_ref()).map(|a| a.company_name.clone());
    o.title = o.body.project.as_ref().and_then(|p| p.title.clone());
}

/// A fresh opportunity id: 13 digits drawn from the id source.
pub fn new_opportunity_id(ids: &mut dyn Ids) -> OpportunityId {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(ids.suffix().as_str().as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    OpportunityId::from_number(u64::from_be_bytes(first))
}

/// `arn:aws:partnercentral:{region}:{account}:catalog/{catalog}/opportunity/{id}`.
pub fn arn(ctx: &Ctx<'_>, o: &Opportunity) -> String {
    crate::arn::opportunity(&ctx.caller.region, &o.owner, o.catalog, &o.id)
}

/// Service time as the wire writes it.
pub fn time(ms: Millis) -> Value {
    json!(timestamp::format(ms))
}

/// The whole opportunity as GetOpportunity shows it; lists and summaries
/// read their members from it. It takes the opportunity (its document
/// becomes the answer without a copy: answers build one per opportunity shown).
pub fn view(ctx: &Ctx<'_>, o: Opportunity) -> selling::GetOpportunityResponse {
    let arn = arn(ctx, &o);
    let Document {
        customer,
        life_cycle,
        marketing,
        national_security,
        opportunity_team,
        opportunity_type,
        partner_opportunity_identifier,
        primary_needs_from_aws,
        project,
        software_revenue,
    } = *o.body;
    let reviewed = o.review_status.is_some() || o.review_comments.is_some() || o.review_status_reason.is_some();
    let life_cycle = (reviewed || life_cycle.is_some()).then(|| selling::LifeCycle {
        review_status: o.review_status,
        review_comments: o.review_comments,
        review_status_reason: o.review_status_reason,
        ..life_cycle.unwrap_or_else(empty_life_cycle)
    });
    selling::GetOpportunityResponse {
        catalog: o.catalog,
        primary_needs_from_aws,
        national_security,
        partner_opportunity_identifier,
        customer,
        project,
        opportunity_type,
        marketing,
        software_revenue,
        id: o.id.to_string(),
        arn: Some(arn),
        last_modified_date: Timestamp(o.last_modified),
        created_date: Timestamp(o.created_at),
        related_entity_identifiers: related_identifiers(o.related),
        life_cycle,
        opportunity_team,
    }
}

/// The associated entities as the wire lists them: a member per type with any.
fn related_identifiers(related: BTreeMap<RelatedEntityType, Vec<String>>) -> selling::RelatedEntityIdentifiers {
    let mut out = selling::RelatedEntityIdentifiers {
        aws_marketplace_offers: None,
        aws_marketplace_offer_sets: None,
        solutions: None,
        aws_products: None,
        aws_marketplace_solutions: None,
        aws_marketplace_products: None,
    };
    for (kind, ids) in related {
        let member = match kind {
            RelatedEntityType::Solutions => &mut out.solutions,
            RelatedEntityType::Awsproducts => &mut out.aws_products,
            RelatedEntityType::Awsmarketplaceoffers => &mut out.aws_marketplace_offers,
            RelatedEntityType::Awsmarketplaceoffersets => &mut out.aws_marketplace_offer_sets,
            RelatedEntityType::Awsmarketplacesolutions => &mut out.aws_marketplace_solutions,
            RelatedEntityType::Awsmarketplaceproducts => &mut out.aws_marketplace_products,
        };
        *member = Some(ids);
    }
    out
}

/// [`view`] as JSON, for the answers whose shape is a part of it.
pub fn view_json(ctx: &Ctx<'_>, o: Opportunity) -> OpResult<Value> {
    to_json(&view(ctx, o))
}

/// The caller's opportunity `id` in `catalog`; anyone else's, or none, is
/// the same ResourceNotFoundException (it reveals nothing).
pub fn owned(ctx: &mut Ctx<'_>, catalog: Catalog, id: &str) -> OpResult<Opportunity> {
    let missing = || not_found(format!("Opportunity {id} was not found in catalog {catalog}"));
    let Ok(id) = OpportunityId::parse(id) else {
        return Err(missing().into());
    };
    match ctx.tx.opportunity(catalog, &id)? {
        Some(o) if o.owner == ctx.caller.account => Ok(o),
        _ => Err(missing().into()),
    }
}

pub fn not_found(message: String) -> ApiError {
    ApiError::of(Service::Selling, ErrorKind::ResourceNotFound, message)
}

pub fn conflict(message: String) -> ApiError {
    ApiError::of(Service::Selling, ErrorKind::Conflict, message)
}

/// One failing field.
pub fn field(name: &str, code: Code, message: impl Into<String>) -> FieldError {
    FieldError::new(name, code, message.into())
}

/// ValidationException REQUEST_VALIDATION_FAILED naming every field of `faults`.
pub fn invalid(faults: Vec<FieldError>) -> ApiError {
    ApiError::fields(faults)
}

/// ValidationException BUSINESS_VALIDATION_FAILED naming every field of
/// `faults`: the request is well formed, the opportunity's state refuses it.
pub fn refused(faults: Vec<FieldError>) -> ApiError {
    ApiError::selling_business(faults)
}

/// The next last-modified time: service time, and always later than the
/// previous one, so a date read before a change is stale after it.
pub fn next_modified(o: &Opportunity, now: Millis) -> Millis {
    now.max(o.last_modified.saturating_add(1))
}

/// Whether AWS's review holds the opportunity (no partner change is taken).
pub fn under_review(status: Option<ReviewStatus>) -> bool {
    matches!(status, Some(ReviewStatus::Submitted | ReviewStatus::InReview))
}

/// Paths (dotted) of the leaves where `a` and `b` differ, objects compared
/// member by member, anything else as a whole.
pub fn changed_paths(a: &Value, b: &Value, prefix: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                changed_paths(x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null), &path, out);
            }
        }
        (Value::Object(x), Value::Null) | (Value::Null, Value::Object(x)) => {
            changed_paths(&Value::Object(x.clone()), &json!({}), prefix, out);
        }
        _ if a != b => out.push(prefix.to_string()),
        _ => {}
    }
}

/// Whether `path` is one of `fields` or lies under one of them.
fn covered<'a>(path: &str, mut fields: impl Iterator<Item = &'a &'a str>) -> bool {
    fields.any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('.')))
}

/// Whether `path` may change under Action Required.
pub fn editable_under_action_required(path: &str) -> bool {
    covered(path, ACTION_REQUIRED_EDITABLE.iter().chain(ACTION_REQUIRED_EDITABLE_MORE.iter()))
}

/// Whether `path` may change once AWS approved the opportunity.
pub fn editable_after_approval(path: &str) -> bool {
    !covered(path, LOCKED_AFTER_APPROVAL.iter())
}

/// The identifiers associated with `o` of kind `kind`.
pub fn related(o: &Opportunity, kind: RelatedEntityType) -> &[String] {
    o.related.get(&kind).map(Vec::as_slice).unwrap_or_default()
}
