//! The opportunity document and its views: which request members an
//! opportunity keeps, the columns derived from them, and the JSON every
//! output type is read from (docs/behaviour.md#opportunities).

use pcentral_model::selling::ValidationExceptionErrorCode as Code;
use pcentral_model::{timestamp, ApiError, Catalog, ErrorKind, FieldError, Millis, OpportunityId, Service};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::ctx::{Ctx, Ids};
use crate::records::{Opportunity, RelatedEntityType, ReviewStatus, Stage};
use crate::store::OpResult;

/// The members UpdateOpportunity replaces: an omitted one is cleared.
pub const UPDATE_MEMBERS: [&str; 9] = [
    "PrimaryNeedsFromAws",
    "NationalSecurity",
    "PartnerOpportunityIdentifier",
    "Customer",
    "Project",
    "OpportunityType",
    "Marketing",
    "SoftwareRevenue",
    "LifeCycle",
];

/// What CreateOpportunity keeps besides [`UPDATE_MEMBERS`] (UpdateOpportunity has no such member).
pub const CREATE_ONLY_MEMBERS: [&str; 1] = ["OpportunityTeam"];

/// `LifeCycle` members AWS's review writes: kept in the record, never in the document.
const REVIEW_MEMBERS: [&str; 3] = ["ReviewStatus", "ReviewComments", "ReviewStatusReason"];

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

/// The members of `request` (a request as JSON) that the document keeps,
/// without the review members of `LifeCycle`.
pub fn document_of(request: &Value, members: &[&str]) -> Map<String, Value> {
    let mut body = Map::new();
    for member in members {
        if let Some(v) = request.get(*member).filter(|v| !v.is_null()) {
            body.insert((*member).to_string(), v.clone());
        }
    }
    if let Some(Value::Object(life)) = body.get_mut("LifeCycle") {
        for m in REVIEW_MEMBERS {
            life.remove(m);
        }
    }
    body
}

fn text_at(body: &Value, path: &[&str]) -> Option<String> {
    path.iter().try_fold(body, |v, k| v.get(k)).and_then(Value::as_str).map(str::to_string)
}

/// Refresh the columns of `o` that are read from its document.
pub fn derive_columns(o: &mut Opportunity) {
    o.stage = text_at(&o.body, &["LifeCycle", "Stage"]).and_then(|s| s.parse::<Stage>().ok());
    o.customer_company_name = text_at(&o.body, &["Customer", "Account", "CompanyName"]);
    o.target_close_date = text_at(&o.body, &["LifeCycle", "TargetCloseDate"]);
    o.title = text_at(&o.body, &["Project", "Title"]);
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
/// becomes the view without a copy: answers build one per opportunity shown).
pub fn view(ctx: &Ctx<'_>, o: Opportunity) -> Value {
    let arn = arn(ctx, &o);
    let mut v = match o.body {
        Value::Object(members) => members,
        _ => Map::new(),
    };
    v.insert("Catalog".into(), json!(o.catalog));
    v.insert("Id".into(), json!(o.id));
    v.insert("Arn".into(), json!(arn));
    v.insert("LastModifiedDate".into(), time(o.last_modified));
    v.insert("CreatedDate".into(), time(o.created_at));
    let related: Map<String, Value> = o.related.iter().map(|(k, ids)| (k.as_str().to_string(), json!(ids))).collect();
    v.insert("RelatedEntityIdentifiers".into(), Value::Object(related));
    let review = [
        ("ReviewStatus", o.review_status.map(|s| s.as_str().to_string())),
        ("ReviewComments", o.review_comments),
        ("ReviewStatusReason", o.review_status_reason),
    ];
    if review.iter().any(|(_, x)| x.is_some()) || v.contains_key("LifeCycle") {
        let life = v.entry("LifeCycle").or_insert_with(|| json!({}));
        if let Value::Object(life) = life {
            for (k, x) in review {
                if let Some(x) = x {
                    life.insert(k.into(), json!(x));
                }
            }
        }
    }
    Value::Object(v)
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
