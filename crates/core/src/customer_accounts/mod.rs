//! Customer accounts of the Selling API (docs/behaviour.md#customer-accounts):
//! CreateCustomerAccount, GetCustomerAccount, UpdateCustomerAccount,
//! DeleteCustomerAccount here; SearchCustomerAccounts and
//! GetCustomerAccountStatistics (filters, sort, pages, counts) in
//! [`search`]. A customer account belongs to the account that created it,
//! in the catalog it was created in: nobody else sees it.
//!
//! [`new_customer_account`] and [`replace_data`] (with [`check_data`]) are what a
//! request does to one record; a bulk job calls them (and the store's
//! one-record methods) in a loop inside its transaction.

pub mod filter;
pub mod search;

use pcentral_model::selling::{self, ValidationExceptionErrorCode as Code};
use pcentral_model::{AccountId, Catalog, CustomerAccountId, FieldError, Millis, Timestamp};

use crate::ctx::{new_id, Ctx, Ids};
use crate::opportunities::document::{conflict, field, invalid, output, refused, time, to_json};
use crate::opportunities::tags::reserved_key_errors;
use crate::records::{check_data, CustomerAccount, CustomerAccountData, EnrichmentStatus};
use crate::store::OpResult;

fn data_faults(data: &CustomerAccountData) -> Vec<FieldError> {
    match check_data(data) {
        Ok(()) => Vec::new(),
        Err(problem) => vec![field("Account.CompanyName", Code::InvalidValue, problem)],
    }
}

/// The faults of a create request's tags: keys AWS reserves, and a key given twice.
fn tag_faults(tags: &[(String, String)]) -> Vec<FieldError> {
    let mut faults = reserved_key_errors("Tags", tags.iter().map(|(k, _)| k.as_str()));
    for (i, (key, _)) in tags.iter().enumerate() {
        if tags[..i].iter().any(|(k, _)| k == key) {
            faults.push(field(
                &format!("Tags[{i}].Key"),
                Code::DuplicateKeyValue,
                format!("Tags[{i}].Key {key} is given more than once"),
            ));
        }
    }
    faults
}

/// A new customer account of `owner` (status `PENDING`, created now), or
/// the ValidationException that refuses it.
pub fn new_customer_account(
    ids: &mut dyn Ids,
    owner: &AccountId,
    now: Millis,
    req: &selling::CreateCustomerAccountRequest,
) -> OpResult<CustomerAccount> {
    let tags: Vec<(String, String)> = req.tags.iter().flatten().map(|t| (t.key.clone(), t.value.clone())).collect();
    let mut faults = data_faults(&req.account);
    faults.extend(tag_faults(&tags));
    if !faults.is_empty() {
        return Err(invalid(faults).into());
    }
    Ok(CustomerAccount {
        catalog: req.catalog,
        id: new_id(ids),
        owner: owner.clone(),
        created_at: now,
        last_modified: now,
        account: req.account.clone(),
        partner_account_identifier: req.partner_account_identifier.clone(),
        enrichment_status: EnrichmentStatus::Pending,
        enrichment: None,
        reason_code: None,
        message: None,
        existing_customer_account: None,
        import_id: None,
        tags,
    })
}

/// UpdateCustomerAccount's replacement of `a`: the request's `Account` and
/// `PartnerAccountIdentifier` (an omitted one is cleared), modified `now`.
/// Refused, `a` is unchanged.
pub fn replace_data(
    a: &mut CustomerAccount,
    data: &CustomerAccountData,
    partner_account_identifier: Option<&str>,
    now: Millis,
) -> OpResult<()> {
    let faults = data_faults(data);
    if !faults.is_empty() {
        return Err(invalid(faults).into());
    }
    a.account = data.clone();
    a.partner_account_identifier = partner_account_identifier.map(str::to_string);
    // Always later than the previous change, so a date read before it is stale after it.
    a.last_modified = now.max(a.last_modified.saturating_add(1));
    Ok(())
}

/// `arn:aws:partnercentral:{region}:{owner}:catalog/{catalog}/customer-account/{id}`.
pub fn arn(region: &str, a: &CustomerAccount) -> String {
    format!("arn:aws:partnercentral:{region}:{}:catalog/{}/customer-account/{}", a.owner, a.catalog, a.id)
}

/// The id an `Identifier` (an id, or an ARN) names for the caller in
/// `catalog`: `None` when it names anything else (another account's, another
/// catalog's, not a customer account).
fn named_id(ctx: &Ctx<'_>, catalog: Catalog, identifier: &str) -> Option<CustomerAccountId> {
    let id = if identifier.starts_with("arn:") {
        let parts: Vec<&str> = identifier.splitn(6, ':').collect();
        let ["arn", _, "partnercentral", _, account, resource] = parts.as_slice() else {
            return None;
        };
        let segments: Vec<&str> = resource.split('/').collect();
        let ["catalog", named_catalog, "customer-account", id] = segments.as_slice() else {
            return None;
        };
        if *account != ctx.caller.account.as_str() || *named_catalog != catalog.as_str() {
            return None;
        }
        *id
    } else {
        identifier
    };
    CustomerAccountId::parse(id).ok()
}

/// The caller's customer account `identifier` in `catalog`, if there is one.
fn find(ctx: &mut Ctx<'_>, catalog: Catalog, identifier: &str) -> OpResult<Option<CustomerAccount>> {
    let Some(id) = named_id(ctx, catalog, identifier) else {
        return Ok(None);
    };
    Ok(ctx.tx.customer_account(catalog, &id)?.filter(|a| a.owner == ctx.caller.account))
}

fn missing(catalog: Catalog, identifier: &str) -> String {
    format!("Customer account {identifier} was not found in catalog {catalog}")
}

/// The caller's customer account, or ResourceNotFoundException (the same
/// for anyone else's: it reveals nothing).
pub(crate) fn owned(ctx: &mut Ctx<'_>, catalog: Catalog, identifier: &str) -> OpResult<CustomerAccount> {
    find(ctx, catalog, identifier)?
        .ok_or_else(|| crate::opportunities::document::not_found(missing(catalog, identifier)).into())
}

/// The whole customer account as GetCustomerAccount shows it; summaries
/// read their members from it.
pub fn view(region: &str, a: &CustomerAccount) -> OpResult<serde_json::Value> {
    let mut v = serde_json::Map::new();
    v.insert("Arn".into(), serde_json::json!(arn(region, a)));
    v.insert("Id".into(), serde_json::json!(a.id));
    v.insert("Catalog".into(), serde_json::json!(a.catalog));
    v.insert("EnrichmentStatus".into(), serde_json::json!(a.enrichment_status));
    if let Some(p) = &a.partner_account_identifier {
        v.insert("PartnerAccountIdentifier".into(), serde_json::json!(p));
    }
    v.insert("CreatedDate".into(), time(a.created_at));
    v.insert("LastModifiedDate".into(), time(a.last_modified));
    if a.enrichment_status == EnrichmentStatus::Enriched {
        if let Some(e) = &a.enrichment {
            v.insert("AwsEnrichment".into(), to_json(e)?);
        }
    }
    if let Some(r) = a.reason_code {
        v.insert("ReasonCode".into(), serde_json::json!(r));
    }
    if let Some(m) = &a.message {
        v.insert("Message".into(), serde_json::json!(m));
    }
    if let Some(existing) = &a.existing_customer_account {
        let other = CustomerAccount { id: existing.clone(), ..a.clone() };
        v.insert("ExistingCustomerAccountArn".into(), serde_json::json!(arn(region, &other)));
    }
    v.insert("Account".into(), to_json(&a.account)?);
    v.insert("CustomerAccount".into(), serde_json::json!({"CompanyName": a.account.company_name}));
    if !a.tags.is_empty() {
        let tags: Vec<_> = a.tags.iter().map(|(k, val)| serde_json::json!({"Key": k, "Value": val})).collect();
        v.insert("Tags".into(), serde_json::json!(tags));
    }
    Ok(serde_json::Value::Object(v))
}

pub fn create_customer_account(
    ctx: &mut Ctx<'_>,
    req: selling::CreateCustomerAccountRequest,
) -> OpResult<selling::CreateCustomerAccountResponse> {
    create(ctx, req, None)
}

/// CreateCustomerAccount, by a request or by a row of the bulk job `import_id`.
pub(crate) fn create(
    ctx: &mut Ctx<'_>,
    req: selling::CreateCustomerAccountRequest,
    import_id: Option<String>,
) -> OpResult<selling::CreateCustomerAccountResponse> {
    let mut a = new_customer_account(ctx.ids, &ctx.caller.account, ctx.now, &req)?;
    a.import_id = import_id;
    ctx.tx.insert_customer_account(&a)?;
    Ok(selling::CreateCustomerAccountResponse {
        arn: arn(&ctx.caller.region, &a),
        id: a.id.to_string(),
        status: a.enrichment_status,
        catalog: a.catalog,
        partner_account_identifier: a.partner_account_identifier,
        created_date: Timestamp(a.created_at),
    })
}

pub fn get_customer_account(
    ctx: &mut Ctx<'_>,
    req: selling::GetCustomerAccountRequest,
) -> OpResult<selling::GetCustomerAccountResponse> {
    let a = owned(ctx, req.catalog, &req.identifier)?;
    output(view(&ctx.caller.region, &a)?)
}

pub fn update_customer_account(
    ctx: &mut Ctx<'_>,
    req: selling::UpdateCustomerAccountRequest,
) -> OpResult<selling::UpdateCustomerAccountResponse> {
    let mut a = owned(ctx, req.catalog, &req.identifier)?;
    let expected = req.last_modified_date.0;
    let (id, stored) = (a.id.clone(), a.last_modified);
    let stale = || {
        conflict(format!(
            "Customer account {id} was modified at {}, not at the LastModifiedDate given ({}); read it again and retry",
            pcentral_model::timestamp::format(stored),
            pcentral_model::timestamp::format(expected)
        ))
    };
    if stored != expected {
        return Err(stale().into());
    }
    replace_data(&mut a, &req.account, req.partner_account_identifier.as_deref(), ctx.now)?;
    if !ctx.tx.update_customer_account(&a, expected)? {
        return Err(stale().into());
    }
    Ok(selling::UpdateCustomerAccountResponse {
        arn: arn(&ctx.caller.region, &a),
        id: a.id.to_string(),
        status: a.enrichment_status,
        catalog: a.catalog,
        partner_account_identifier: a.partner_account_identifier,
        created_date: Timestamp(a.created_at),
        last_modified_date: Timestamp(a.last_modified),
    })
}

pub fn delete_customer_account(
    ctx: &mut Ctx<'_>,
    req: selling::DeleteCustomerAccountRequest,
) -> OpResult<selling::DeleteCustomerAccountResponse> {
    // DeleteCustomerAccount lists no ResourceNotFoundException: an account
    // the caller does not have is a refused Identifier.
    let Some(a) = find(ctx, req.catalog, &req.identifier)? else {
        let message = format!("Identifier {} names no customer account in catalog {}", req.identifier, req.catalog);
        return Err(refused(vec![field("Identifier", Code::InvalidValue, message)]).into());
    };
    ctx.tx.delete_customer_account(a.catalog, &a.id)?;
    Ok(selling::DeleteCustomerAccountResponse {})
}
