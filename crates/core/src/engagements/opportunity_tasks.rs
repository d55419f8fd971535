//! StartOpportunityFromEngagementTask and ListOpportunityFromEngagementTasks
//! (docs/behaviour.md#engagement-tasks): a member of an engagement makes its
//! own opportunity from one of the engagement's lead contexts. The task is
//! stored, run and forced like every Selling task (`super::tasks`); this
//! module holds what is its own: who may start it, its steps and its views.

use pcentral_model::selling::{self, ReasonCode, SortOrder};
use pcentral_model::{ErrorKind, Operation, OpportunityId, Timestamp};
use serde_json::{json, Map, Value};

use super::tasks::{page_tasks, reason_of, start_task, Outcome, TaskFilter, TaskPage};
use super::{engagement_id, visible};
use crate::ctx::Ctx;
use crate::records::{ContextType, EngagementTask, EngagementTaskKind};
use crate::store::{Failure, OpResult};

const KIND: &str = "opportunity-from-engagement-task";

/// The `QualificationStatus` of a lead that may not become an opportunity (compared ignoring case).
const DISQUALIFIED: &str = "Disqualified";

fn arn(t: &EngagementTask) -> String {
    crate::arn::engagement_task(&t.region, &t.account, t.catalog, KIND, &t.id)
}

fn summary(t: &EngagementTask) -> selling::ListOpportunityFromEngagementTaskSummary {
    selling::ListOpportunityFromEngagementTaskSummary {
        task_id: Some(t.id.to_string()),
        task_arn: Some(arn(t)),
        start_time: Some(Timestamp(t.started_at)),
        task_status: Some(t.status),
        message: t.message.clone(),
        reason_code: t.reason_code,
        opportunity_id: t.opportunity_id.as_ref().map(ToString::to_string),
        // Resource snapshots are not made by this task (docs/compat.md).
        resource_snapshot_job_id: None,
        engagement_id: t.engagement_id.as_ref().map(ToString::to_string),
        context_id: t.context_id.map(|c| c.to_string()),
    }
}

pub fn start_opportunity_from_engagement_task(
    ctx: &mut Ctx<'_>,
    req: selling::StartOpportunityFromEngagementTaskRequest,
) -> OpResult<selling::StartOpportunityFromEngagementTaskResponse> {
    // Only a member starts it; anyone else is told the engagement does not exist.
    let e = visible(ctx, req.catalog, &req.identifier)?;
    // The model's pattern makes it a positive number; one past u16 names no context either.
    let context = req.context_identifier.parse::<u16>().unwrap_or(0);
    let tags = req.tags.iter().flatten().map(|t| (t.key.clone(), t.value.clone())).collect();
    let task = start_task(ctx, req.catalog, EngagementTaskKind::OpportunityFromEngagement, tags, |t| {
        t.engagement_id = Some(e.id.clone());
        t.context_id = Some(context);
    })?;
    let s = summary(&task);
    Ok(selling::StartOpportunityFromEngagementTaskResponse {
        task_id: s.task_id,
        task_arn: s.task_arn,
        start_time: s.start_time,
        task_status: s.task_status,
        message: s.message,
        reason_code: s.reason_code,
        opportunity_id: s.opportunity_id,
        resource_snapshot_job_id: s.resource_snapshot_job_id,
        engagement_id: s.engagement_id,
        // As given, even when it names no context (the task then fails with ContextNotFound).
        context_id: Some(req.context_identifier),
    })
}

/// The task's steps, as its starter: read the lead context, then create the
/// opportunity. Every refusal comes before the one write.
pub(super) fn run(ctx: &mut Ctx<'_>, task: &EngagementTask) -> OpResult<Outcome> {
    let (Some(id), Some(context)) = (&task.engagement_id, task.context_id) else {
        return Ok(Outcome::Failed(ReasonCode::Internalerror, "The task names no engagement context".into()));
    };
    // The starter may have left since: then the engagement is not its to read.
    let e = match visible(ctx, task.catalog, id.as_str()) {
        Ok(e) => e,
        Err(Failure::Api(_)) => {
            return Ok(Outcome::Failed(
                ReasonCode::Engagementaccessdenied,
                format!("Engagement {id} is not one the account is a member of"),
            ))
        }
        Err(other) => return Err(other),
    };
    let Some(c) = e.contexts.iter().find(|c| c.id == context) else {
        return Ok(Outcome::Failed(ReasonCode::Contextnotfound, format!("Engagement {id} holds no context {context}")));
    };
    match c.context_type {
        ContextType::Lead => {}
        ContextType::Customerproject => {
            return Ok(Outcome::Failed(
                ReasonCode::Customerprojectcontextnotpermitted,
                format!(
                    "Context {context} is a CustomerProject context: an opportunity is made from a Lead context \
                     (a CustomerProject is shared through an engagement invitation)"
                ),
            ))
        }
        other => {
            return Ok(Outcome::Failed(
                ReasonCode::Engagementvalidationfailed,
                format!(
                    "Context {context} is a {} context: an opportunity is made from a Lead context",
                    other.as_str()
                ),
            ))
        }
    }
    let lead = c.payload.get("Lead").cloned().unwrap_or_else(|| json!({}));
    let status = lead.get("QualificationStatus").and_then(Value::as_str).unwrap_or_default();
    if status.eq_ignore_ascii_case(DISQUALIFIED) {
        return Ok(Outcome::Failed(
            ReasonCode::Disqualifiedleadnotpermitted,
            format!("The lead of context {context} is {status}: a disqualified lead makes no opportunity"),
        ));
    }
    let request = opportunity_request(task, &lead);
    let op = Operation::Selling(selling::Operation::CreateOpportunity);
    if let Err(e) = pcentral_model::validate::check_input(op, &request) {
        let e = pcentral_model::ApiError::from(e);
        return Ok(Outcome::Failed(
            ReasonCode::Opportunityvalidationfailed,
            format!("The lead makes no valid opportunity: {}", e.message),
        ));
    }
    let created = serde_json::from_value::<selling::CreateOpportunityRequest>(request)
        .map_err(|e| pcentral_model::ApiError::internal(format!("The lead makes no opportunity request: {e}")).into())
        .and_then(|req| crate::opportunities::create_opportunity(ctx, req));
    match created {
        Ok(o) => match OpportunityId::parse(&o.id) {
            Ok(id) => Ok(Outcome::Complete(id, None)),
            Err(e) => Err(pcentral_model::ApiError::internal(format!("Unreadable opportunity id: {e}")).into()),
        },
        Err(Failure::Api(e)) => {
            let reason = match e.kind {
                ErrorKind::Validation => ReasonCode::Opportunityvalidationfailed,
                ErrorKind::Conflict => ReasonCode::Opportunityconflict,
                _ => reason_of(&e),
            };
            Ok(Outcome::Failed(reason, e.message))
        }
        Err(other) => Err(other),
    }
}

/// Copy `key` of `from` into `to` when it is a non-empty string.
fn copy(to: &mut Map<String, Value>, from: &Value, key: &str, as_key: &str) {
    if let Some(v) = from.get(key).and_then(Value::as_str).filter(|v| !v.trim().is_empty()) {
        to.insert(as_key.into(), Value::String(v.to_string()));
    }
}

/// Whether `value` is one of the values of the model's enum `E`.
fn is_value<E: serde::de::DeserializeOwned>(value: &str) -> bool {
    serde_json::from_value::<E>(Value::String(value.to_string())).is_ok()
}

/// The CreateOpportunity request of the starter's opportunity: the lead's
/// customer, its interactions' contacts, and the latest business problem.
fn opportunity_request(task: &EngagementTask, lead: &Value) -> Value {
    let customer = lead.get("Customer").cloned().unwrap_or_else(|| json!({}));
    let mut account = Map::new();
    copy(&mut account, &customer, "CompanyName", "CompanyName");
    copy(&mut account, &customer, "WebsiteUrl", "WebsiteUrl");
    if let Some(industry) = customer.get("Industry").and_then(Value::as_str).filter(|v| !v.trim().is_empty()) {
        if is_value::<selling::Industry>(industry) {
            account.insert("Industry".into(), json!(industry));
        } else {
            // A lead's industry is free text; an opportunity's is a list with Other.
            account.insert("Industry".into(), json!("Other"));
            account.insert("OtherIndustry".into(), json!(industry));
        }
    }
    let from = customer.get("Address").cloned().unwrap_or_else(|| json!({}));
    let mut address = Map::new();
    copy(&mut address, &from, "City", "City");
    copy(&mut address, &from, "PostalCode", "PostalCode");
    if let Some(c) = from.get("CountryCode").and_then(Value::as_str).filter(|c| is_value::<selling::CountryCode>(c)) {
        address.insert("CountryCode".into(), json!(c));
    }
    if !address.is_empty() {
        account.insert("Address".into(), Value::Object(address));
    }
    let interactions = lead.get("Interactions").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut contacts: Vec<Value> = Vec::new();
    for i in &interactions {
        let Some(c) = i.get("Contact") else { continue };
        let mut contact = Map::new();
        copy(&mut contact, c, "FirstName", "FirstName");
        copy(&mut contact, c, "LastName", "LastName");
        copy(&mut contact, c, "BusinessTitle", "BusinessTitle");
        if let Some(email) = c.get("Email").and_then(Value::as_str) {
            contact.insert("Email".into(), json!(email.to_ascii_lowercase()));
        }
        if let Some(phone) = c.get("Phone").and_then(Value::as_str).filter(|p| p.starts_with('+')) {
            contact.insert("Phone".into(), json!(phone));
        }
        let contact = Value::Object(contact);
        if !contacts.iter().any(|c| c.get("Email") == contact.get("Email")) {
            contacts.push(contact);
        }
    }
    let mut project = Map::new();
    let problem = interactions.iter().rev().find_map(|i| {
        i.get("BusinessProblem").and_then(Value::as_str).filter(|p| !p.trim().is_empty()).map(str::to_string)
    });
    if let Some(p) = problem {
        project.insert("CustomerBusinessProblem".into(), json!(p));
    }
    let mut customer = json!({"Account": account});
    if !contacts.is_empty() {
        customer["Contacts"] = Value::Array(contacts);
    }
    let mut r = json!({
        "Catalog": task.catalog,
        "ClientToken": task.id.to_string(),
        "Customer": customer,
        "OpportunityType": "Net New Business",
    });
    if !project.is_empty() {
        r["Project"] = Value::Object(project);
    }
    r
}

pub fn list_opportunity_from_engagement_tasks(
    ctx: &mut Ctx<'_>,
    req: selling::ListOpportunityFromEngagementTasksRequest,
) -> OpResult<selling::ListOpportunityFromEngagementTasksResponse> {
    let filter = TaskFilter {
        statuses: req.task_status.clone().unwrap_or_default(),
        opportunities: req.opportunity_identifier.clone().unwrap_or_default(),
        engagements: req.engagement_identifier.iter().flatten().map(|i| engagement_id(i)).collect(),
        contexts: req.context_identifier.clone().unwrap_or_default(),
        tasks: TaskFilter::task_ids(&req.task_identifier),
        ..TaskFilter::default()
    };
    let query = TaskPage {
        catalog: req.catalog,
        kind: EngagementTaskKind::OpportunityFromEngagement,
        max_results: req.max_results,
        descending: req.sort.as_ref().is_none_or(|s| s.sort_order == SortOrder::Descending),
        next_token: req.next_token.as_deref(),
    };
    let (rows, next_token) = page_tasks(ctx, &req, &query, |t| filter.matches(t))?;
    Ok(selling::ListOpportunityFromEngagementTasksResponse {
        task_summaries: Some(rows.iter().map(summary).collect()),
        next_token,
    })
}
