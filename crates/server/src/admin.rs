//! The admin API under `/_pcentral/`: plain JSON over HTTP, one place for the
//! developer tools. Each endpoint reads its JSON into a typed command, runs
//! the core's tool in a store transaction, and writes the result as JSON;
//! every refusal is an [`AdminError`], mapped to a status in one place.
//! [`ROUTES`] declares every endpoint once: the listener dispatches on it,
//! `GET /_pcentral/` lists it, the CLI (`cli.rs`) builds its requests from it
//! and a test checks the README's table against it.

use pcentral_core::clock;
use pcentral_core::engagements::tasks::{force_task, Runner};
use pcentral_core::fixtures;
use pcentral_core::profiles::TaskOutcome;
use pcentral_core::qualifications::TaskAction;
use pcentral_core::records::{
    AccountRecord, DetailType, EventFilter, FaultKind, FaultRule, FaultRuleDoc, StoredEvent, VerificationOutcome,
};
use pcentral_core::settings::Duration;
use pcentral_core::store::{read, write, ResetScope, Tx};
use pcentral_core::tools::ToolError;
use pcentral_core::verification::{ForceVerification, VerificationResult};
use pcentral_core::{Failure, OpResult, Settings};
use pcentral_model::account::{ProfileValidationErrorReason, VerificationType};
use pcentral_model::{timestamp, AccountId, Catalog, Operation, PartnerId, ProfileTaskId, Service};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::io::{Read, Seek, Write};

use crate::app::{wall_ms, AppState, RandomIds};

pub mod aws;
use crate::url;

mod iam;

/// What an admin endpoint answers.
pub enum AdminBody {
    Json(Value),
    /// Plain text (the Prometheus metrics).
    Text(String),
}

/// Why an admin request was refused; [`AdminError::status`] is the one mapping to HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminError {
    /// Malformed request; the message names the field and what it takes.
    BadRequest(String),
    /// The caller may not use the admin API.
    Forbidden(String),
    NotFound(String),
    Conflict(String),
    /// The request body is larger than the endpoint takes.
    TooLarge(String),
    /// The node cannot serve (the store does not answer).
    Unavailable(String),
    Internal(String),
}

impl AdminError {
    pub fn status(&self) -> u16 {
        match self {
            AdminError::BadRequest(_) => 400,
            AdminError::Forbidden(_) => 403,
            AdminError::NotFound(_) => 404,
            AdminError::Conflict(_) => 409,
            AdminError::TooLarge(_) => 413,
            AdminError::Internal(_) => 500,
            AdminError::Unavailable(_) => 503,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            AdminError::BadRequest(m)
            | AdminError::Forbidden(m)
            | AdminError::NotFound(m)
            | AdminError::Conflict(m)
            | AdminError::TooLarge(m)
            | AdminError::Unavailable(m)
            | AdminError::Internal(m) => m,
        }
    }
}

impl From<ToolError> for AdminError {
    fn from(e: ToolError) -> Self {
        match e {
            ToolError::Invalid(m) => AdminError::BadRequest(m),
            ToolError::NotFound(m) => AdminError::NotFound(m),
            ToolError::Conflict(m) => AdminError::Conflict(m),
        }
    }
}

impl From<Failure> for AdminError {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Tool(e) => e.into(),
            Failure::Api(e) => AdminError::BadRequest(e.message),
            Failure::Store(e) => {
                tracing::error!(error = %e, "admin: storage failed");
                AdminError::Internal("storage failed; nothing was changed".into())
            }
        }
    }
}

pub(crate) type Answer = Result<AdminBody, AdminError>;

/// The methods the admin API answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// What a route's request carries to its tool.
pub struct Call<'a> {
    /// The part of the path `{…}` stands for, decoded; empty when the route has none.
    pub segment: &'a str,
    /// The raw query string.
    pub query: &'a str,
    /// The JSON body (`{}` when the body is empty).
    pub input: Value,
}

/// A tool that answers from its request, read whole.
pub type Run = fn(&AppState, &Call<'_>) -> Answer;

/// How the listener serves a route.
#[derive(Clone, Copy)]
pub enum Handler {
    /// Read the (small) body, then run the tool on the blocking pool: [`call`].
    Call(Run),
    /// The health check, open to every caller: [`health`].
    Health,
    /// The fixture upload, spooled to a file as it arrives: [`seed`].
    Seed,
    /// The fixture download, written as the store reads it: [`export`].
    Export,
}

/// One admin endpoint. [`ROUTES`] is the one list the listener dispatches
/// on, `GET /_pcentral/` answers, the CLI builds its requests from and the
/// README's table is checked against.
pub struct Route {
    pub method: Method,
    /// The path as listed: `{name}` (at the end) stands for the rest of the
    /// path, which the caller fills in; `?a&b` names optional query parameters.
    pub path: &'static str,
    /// The CLI command that calls it, if any.
    pub cli: Option<&'static str>,
    pub description: &'static str,
    pub handler: Handler,
}

impl Route {
    /// The path without its listed query parameters or a trailing `/`.
    fn pattern(&self) -> &'static str {
        let path = self.path.split_once('?').map_or(self.path, |(path, _)| path);
        path.trim_end_matches('/')
    }

    /// The fixed part of the path before its `{name}` part, if it has one.
    fn prefix(&self) -> Option<&'static str> {
        let pattern = self.pattern();
        pattern.find('{').map(|i| &pattern[..i])
    }

    /// The request target that calls this route: `segment` (encoded) in place
    /// of its `{name}` part, then the `query` pairs (values encoded).
    pub fn target(&self, segment: &str, query: &[(&str, String)]) -> String {
        let path = match self.prefix() {
            Some(prefix) => format!("{prefix}{}", url::encode(segment)),
            None if self.pattern().is_empty() => "/".to_string(),
            None => self.pattern().to_string(),
        };
        let query = url::query_string(query.iter().map(|(k, v)| (*k, v.clone())));
        if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }
    }

    /// The decoded `{name}` part when `path` (without a trailing `/`) is this route's.
    fn matches(&self, path: &str) -> Option<String> {
        match self.prefix() {
            Some(prefix) => path.strip_prefix(prefix).filter(|rest| !rest.is_empty()).map(url::decode),
            None => (path == self.pattern()).then(String::new),
        }
    }
}

const fn route(
    method: Method,
    path: &'static str,
    cli: Option<&'static str>,
    handler: Handler,
    description: &'static str,
) -> Route {
    Route { method, path, cli, description, handler }
}

use Method::{Delete, Get, Post};

#[rustfmt::skip]
pub static INDEX: Route = route(Get, "/_pcentral/", None, Handler::Call(index), "this list of admin endpoints");
#[rustfmt::skip]
pub static HEALTH: Route = route(Get, "/_pcentral/health", Some("pcentral health"), Handler::Health, "liveness and readiness (open to every caller); for admitted callers also version, backend, credentials rule");
#[rustfmt::skip]
pub static CLOCK_SHOW: Route = route(Get, "/_pcentral/clock", Some("pcentral clock show"), Handler::Call(clock_show), "service time and its offset from the wall clock");
#[rustfmt::skip]
pub static CLOCK_ADVANCE: Route = route(Post, "/_pcentral/clock/advance", Some("pcentral clock advance"), Handler::Call(clock_advance), "move service time forward");
#[rustfmt::skip]
pub static CLOCK_SET: Route = route(Post, "/_pcentral/clock/set", Some("pcentral clock set"), Handler::Call(clock_set), "jump forward to a time");
#[rustfmt::skip]
pub static OUTBOX_LIST: Route = route(Get, "/_pcentral/outbox?address", Some("pcentral outbox list"), Handler::Call(outbox), "verification codes sent");
#[rustfmt::skip]
pub static EVENTS_LIST: Route = route(Get, "/_pcentral/events?account&type&after", Some("pcentral events list"), Handler::Call(events), "recorded events with their delivery state");
#[rustfmt::skip]
pub static CREDENTIALS_CREATE: Route = route(Post, "/_pcentral/credentials", Some("pcentral credentials create"), Handler::Call(iam::create_credentials), "register a key pair (for an IAM user, with its policies)");
#[rustfmt::skip]
pub static CREDENTIALS_LIST: Route = route(Get, "/_pcentral/credentials", Some("pcentral credentials list"), Handler::Call(credentials), "registered key ids");
#[rustfmt::skip]
pub static IAM_USERS_PUT: Route = route(Post, "/_pcentral/iam/users", Some("pcentral iam users put"), Handler::Call(iam::put_user), "create an IAM user or replace its policies");
#[rustfmt::skip]
pub static IAM_USERS_LIST: Route = route(Get, "/_pcentral/iam/users", Some("pcentral iam users list"), Handler::Call(iam::users), "IAM users and their policies");
#[rustfmt::skip]
pub static IAM_USERS_DELETE: Route = route(Post, "/_pcentral/iam/users/delete", Some("pcentral iam users delete"), Handler::Call(iam::delete_user), "remove an IAM user");
#[rustfmt::skip]
pub static IAM_SIMULATE: Route = route(Post, "/_pcentral/iam/simulate", Some("pcentral iam simulate"), Handler::Call(iam::simulate), "decide actions for a user or policies, as IAM's simulator");
#[rustfmt::skip]
pub static SETTINGS_SHOW: Route = route(Get, "/_pcentral/settings", Some("pcentral settings show"), Handler::Call(settings), "settings in force");
#[rustfmt::skip]
pub static SETTINGS_SET: Route = route(Post, "/_pcentral/settings", Some("pcentral settings set"), Handler::Call(update_settings), "change settings");
#[rustfmt::skip]
pub static FAULTS_LIST: Route = route(Get, "/_pcentral/faults", Some("pcentral faults list"), Handler::Call(faults), "fault-injection rules in force");
#[rustfmt::skip]
pub static FAULTS_ADD: Route = route(Post, "/_pcentral/faults", Some("pcentral faults add"), Handler::Call(add_fault), "add a fault rule");
#[rustfmt::skip]
pub static FAULTS_REMOVE: Route = route(Delete, "/_pcentral/faults/{id}", Some("pcentral faults remove"), Handler::Call(remove_fault), "remove one fault rule");
#[rustfmt::skip]
pub static FAULTS_CLEAR: Route = route(Delete, "/_pcentral/faults", Some("pcentral faults clear"), Handler::Call(clear_faults), "remove every fault rule");
#[rustfmt::skip]
pub static VERIFICATION_FORCE: Route = route(Post, "/_pcentral/verification", Some("pcentral verification force"), Handler::Call(force_verification), "force a verification outcome");
#[rustfmt::skip]
pub static VERIFICATION_COMPLETE: Route = route(Get, "/_pcentral/verification/complete/{token}", None, Handler::Call(complete_verification), "the registrant completion URL");
#[rustfmt::skip]
pub static PROFILE_TASK_FORCE: Route = route(Post, "/_pcentral/profile-tasks/force", Some("pcentral tasks force-profile"), Handler::Call(force_profile_task), "hold or end a profile update task");
#[rustfmt::skip]
pub static QUALIFICATIONS_TASK_FORCE: Route = route(Post, "/_pcentral/qualifications-tasks/force", Some("pcentral tasks force-qualifications"), Handler::Call(force_qualifications_task), "hold or complete a qualifications task");
#[rustfmt::skip]
pub static ENGAGEMENT_TASK_FORCE: Route = route(Post, "/_pcentral/engagement-tasks/force", Some("pcentral tasks force-engagement"), Handler::Call(force_engagement_task), "hold or complete a Selling task (accepting an invitation, an opportunity from an engagement)");
#[rustfmt::skip]
pub static AWS_REVIEW: Route = route(Post, "/_pcentral/aws/review", Some("pcentral aws review"), Handler::Call(aws::review), "act as AWS: review a submitted opportunity (Approved, Action Required, Rejected)");
#[rustfmt::skip]
pub static AWS_REFER: Route = route(Post, "/_pcentral/aws/referrals", Some("pcentral aws refer"), Handler::Call(aws::refer), "act as AWS: send an AWS referral (an engagement invitation with an opportunity)");
#[rustfmt::skip]
pub static AWS_EXPIRE: Route = route(Post, "/_pcentral/aws/expire-invitations", Some("pcentral aws expire"), Handler::Call(aws::expire), "act as AWS: expire one pending engagement invitation, or all an account received");
#[rustfmt::skip]
pub static BULK_JOB_FORCE: Route = route(Post, "/_pcentral/bulk-jobs/force", Some("pcentral tasks force-bulk-job"), Handler::Call(force_bulk_job), "hold or run a Selling bulk job");
#[rustfmt::skip]
pub static BULK_FILES_PUT: Route = route(Post, "/_pcentral/bulk-files", Some("pcentral bulk-files put"), Handler::Call(put_bulk_file), "store a bulk job's input file under its s3:// URI");
pub static PROSPECTING_TASK_COMPLETE: Route = route(
    Post,
    "/_pcentral/prospecting-tasks/complete",
    Some("pcentral tasks complete-prospecting"),
    Handler::Call(complete_prospecting_task),
    "as AWS: report one engagement's prospecting result or failure",
);
#[rustfmt::skip]
pub static ENGAGEMENT_GROUP_CREATE: Route = route(Post, "/_pcentral/engagement-groups", Some("pcentral engagement-groups create"), Handler::Call(create_engagement_group), "as AWS: make an engagement group for a partner account");
#[rustfmt::skip]
pub static ENGAGEMENT_GROUP_DELETE: Route = route(Post, "/_pcentral/engagement-groups/delete", Some("pcentral engagement-groups delete"), Handler::Call(delete_engagement_group), "as AWS: delete an engagement group");
#[rustfmt::skip]
pub static ACCOUNTS_CREATE: Route = route(Post, "/_pcentral/accounts", Some("pcentral accounts create"), Handler::Call(create_account), "configure how an account appears");
#[rustfmt::skip]
pub static ACCOUNTS_LIST: Route = route(Get, "/_pcentral/accounts", Some("pcentral accounts list"), Handler::Call(accounts), "configured accounts");
#[rustfmt::skip]
pub static ACCOUNTS_DELETE: Route = route(Delete, "/_pcentral/accounts/{account}", Some("pcentral accounts delete"), Handler::Call(delete_account), "remove an account's configuration");
#[rustfmt::skip]
pub static RESET: Route = route(Post, "/_pcentral/reset", Some("pcentral reset"), Handler::Call(reset), "delete data");
#[rustfmt::skip]
pub static EXPORT: Route = route(Get, "/_pcentral/export?include_secrets", Some("pcentral export"), Handler::Export, "every stored record as a JSON fixture");
#[rustfmt::skip]
pub static SEED: Route = route(Post, "/_pcentral/seed", Some("pcentral seed"), Handler::Seed, "load a fixture in one transaction");
#[rustfmt::skip]
pub static REQUESTS_LIST: Route = route(Get, "/_pcentral/requests?limit", Some("pcentral requests list"), Handler::Call(requests), "this node's recent API requests");
#[rustfmt::skip]
pub static METRICS_SHOW: Route = route(Get, "/_pcentral/metrics", Some("pcentral metrics show"), Handler::Call(metrics), "this node's metrics (Prometheus text)");

/// Every admin endpoint, in the README's order.
pub static ROUTES: [&Route; 40] = [
    &INDEX,
    &HEALTH,
    &CLOCK_SHOW,
    &CLOCK_ADVANCE,
    &CLOCK_SET,
    &OUTBOX_LIST,
    &EVENTS_LIST,
    &CREDENTIALS_CREATE,
    &CREDENTIALS_LIST,
    &IAM_USERS_PUT,
    &IAM_USERS_LIST,
    &IAM_USERS_DELETE,
    &IAM_SIMULATE,
    &SETTINGS_SHOW,
    &SETTINGS_SET,
    &FAULTS_LIST,
    &FAULTS_ADD,
    &FAULTS_REMOVE,
    &FAULTS_CLEAR,
    &VERIFICATION_FORCE,
    &VERIFICATION_COMPLETE,
    &PROFILE_TASK_FORCE,
    &QUALIFICATIONS_TASK_FORCE,
    &ENGAGEMENT_TASK_FORCE,
    &AWS_REVIEW,
    &AWS_REFER,
    &AWS_EXPIRE,
    &BULK_JOB_FORCE,
    &BULK_FILES_PUT,
    &PROSPECTING_TASK_COMPLETE,
    &ENGAGEMENT_GROUP_CREATE,
    &ENGAGEMENT_GROUP_DELETE,
    &ACCOUNTS_CREATE,
    &ACCOUNTS_LIST,
    &ACCOUNTS_DELETE,
    &RESET,
    &EXPORT,
    &SEED,
    &REQUESTS_LIST,
    &METRICS_SHOW,
];

/// The route a request is for, with the decoded `{name}` part of its path.
pub struct Found {
    pub route: &'static Route,
    pub segment: String,
}

/// The route of `method` and `path` (a trailing `/` aside); a path with a
/// fixed part wins over a `{name}` part.
pub fn find(method: &str, path: &str) -> Result<Found, AdminError> {
    let trimmed = path.trim_end_matches('/');
    let candidates = || ROUTES.iter().filter(|r| r.method.as_str() == method);
    let fixed = candidates().find(|r| r.prefix().is_none() && r.matches(trimmed).is_some());
    let found = fixed
        .map(|route| Found { route, segment: String::new() })
        .or_else(|| candidates().find_map(|route| route.matches(trimmed).map(|segment| Found { route, segment })));
    found.ok_or_else(|| AdminError::NotFound(format!("no admin endpoint {method} {trimmed}")))
}

/// Run a [`Handler::Call`] tool (access is checked by the caller) on its request.
pub fn call(state: &AppState, run: Run, segment: &str, query: &str, body: &[u8]) -> Answer {
    let input: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|e| AdminError::BadRequest(format!("request body is not JSON: {e}")))?
    };
    run(state, &Call { segment, query, input })
}

/// `GET /_pcentral/`: the admin endpoints and the API services served.
fn index(_: &AppState, _: &Call<'_>) -> Answer {
    let mut list = endpoint_list();
    list["services"] = services_served();
    json_answer(list)
}

fn endpoint_list() -> Value {
    let list: Vec<Value> = ROUTES
        .iter()
        .map(|e| json!({"method": e.method.as_str(), "path": e.path, "cli": e.cli, "description": e.description}))
        .collect();
    json!({ "endpoints": list })
}

pub(crate) fn json_answer(value: Value) -> Answer {
    Ok(AdminBody::Json(value))
}

/// Read a JSON body into a command type; the message names what is wrong.
pub(crate) fn command<T: DeserializeOwned>(input: &Value, shape: &str) -> Result<T, AdminError> {
    serde_json::from_value(input.clone()).map_err(|e| AdminError::BadRequest(format!("expected {shape}: {e}")))
}

fn clock_show(state: &AppState, _: &Call<'_>) -> Answer {
    json_answer(clock_view(read(state.store.as_ref(), |tx| clock::show(tx, wall_ms()))?))
}

/// `{"by": "31d"}`.
fn clock_advance(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Advance {
        by: Duration,
    }
    let Advance { by } = command(&call.input, r#"{"by": "31d"} (a duration such as 90s, 15m, 2h or 31d)"#)?;
    let by = i64::try_from(by.0.as_millis()).unwrap_or(i64::MAX);
    json_answer(clock_view(write(state.store.as_ref(), |tx| clock::advance(tx, wall_ms(), by))?))
}

/// `{"to": "2030-01-01T00:00:00Z"}`.
fn clock_set(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Set {
        to: String,
    }
    let Set { to } = command(&call.input, r#"{"to": "2030-01-01T00:00:00Z"}"#)?;
    let Some(to) = timestamp::parse(&to) else {
        return Err(AdminError::BadRequest("\"to\" must be an RFC 3339 time such as 2030-01-01T00:00:00Z".into()));
    };
    json_answer(clock_view(write(state.store.as_ref(), |tx| clock::set(tx, wall_ms(), to))?))
}

/// `GET /_pcentral/outbox[?address=A]`.
fn outbox(state: &AppState, call: &Call<'_>) -> Answer {
    let address = url::query_param(call.query, "address");
    let messages = read(state.store.as_ref(), |tx| Ok(tx.outbox(address.as_deref())?))?;
    let messages: Vec<Value> = messages
        .into_iter()
        .map(|m| {
            json!({"id": m.id, "sent_at": timestamp::format(m.sent_at), "catalog": m.catalog,
                   "address": m.address, "kind": m.kind, "code": m.code, "body": m.body})
        })
        .collect();
    json_answer(json!({ "messages": messages }))
}

fn credentials(state: &AppState, _: &Call<'_>) -> Answer {
    let list: Vec<Value> = read(state.store.as_ref(), |tx| Ok(tx.credentials()?))?
        .into_iter()
        .map(|c| json!({"access_key_id": c.access_key_id, "account": c.account, "created_at": timestamp::format(c.created_at)}))
        .collect();
    json_answer(json!({ "credentials": list }))
}

fn settings(state: &AppState, _: &Call<'_>) -> Answer {
    json_answer(json!(read(state.store.as_ref(), |tx| effective_settings(state, tx))?.masked()))
}

fn faults(state: &AppState, _: &Call<'_>) -> Answer {
    json_answer(json!({ "faults": read(state.store.as_ref(), |tx| Ok(tx.fault_rules()?))? }))
}

fn remove_fault(state: &AppState, call: &Call<'_>) -> Answer {
    write(state.store.as_ref(), |tx| pcentral_core::faults::remove(tx, call.segment))?;
    json_answer(json!({ "removed": 1, "id": call.segment }))
}

fn clear_faults(state: &AppState, _: &Call<'_>) -> Answer {
    json_answer(json!({ "removed": write(state.store.as_ref(), |tx| pcentral_core::faults::clear(tx))? }))
}

/// The page a registrant opens to complete their verification step.
fn complete_verification(state: &AppState, call: &Call<'_>) -> Answer {
    let done = write(state.store.as_ref(), |tx| {
        let (now, service) = clock::service_now(tx, wall_ms())?;
        pcentral_core::verification::complete_by_token(tx, call.segment, now, service.settings_or(&state.settings))
    })?;
    json_answer(json!({
        "message": "Verification step completed; you can close this page.",
        "verification": {"account": done.account, "verification_type": done.verification_type,
                         "status": done.state.status},
    }))
}

fn accounts(state: &AppState, _: &Call<'_>) -> Answer {
    json_answer(json!({ "accounts": read(state.store.as_ref(), |tx| Ok(tx.accounts()?))? }))
}

/// `{"account", "display_name"?, "seller_profile"?: {"id", "name"}}`: create or replace.
fn create_account(state: &AppState, call: &Call<'_>) -> Answer {
    let record: AccountRecord =
        command(&call.input, r#"{"account", "display_name"?, "seller_profile"?: {"id", "name"}}"#)?;
    pcentral_core::accounts::validate(&record)?;
    write(state.store.as_ref(), |tx| Ok(tx.put_account(&record)?))?;
    json_answer(json!(record))
}

fn delete_account(state: &AppState, call: &Call<'_>) -> Answer {
    let account = AccountId::parse(call.segment).map_err(|e| AdminError::BadRequest(e.to_string()))?;
    if write(state.store.as_ref(), |tx| Ok(tx.delete_account(&account)?))? {
        json_answer(json!({ "removed": account }))
    } else {
        Err(AdminError::NotFound(format!("no account {account} is configured")))
    }
}

/// `GET /_pcentral/requests[?limit=N]`, newest first.
fn requests(state: &AppState, call: &Call<'_>) -> Answer {
    let limit = url::query_param(call.query, "limit").and_then(|l| l.parse().ok()).unwrap_or(usize::MAX);
    json_answer(json!({ "requests": state.observe.recent(limit) }))
}

fn metrics(state: &AppState, _: &Call<'_>) -> Answer {
    Ok(AdminBody::Text(state.observe.prometheus()))
}

/// `GET /_pcentral/health`, open to every caller (a load balancer's probe):
/// liveness and readiness (the store answers, so its migrations ran); with
/// `details` (a caller the admin gate admits), also the version, backend,
/// model and credentials rule.
pub fn health(state: &AppState, details: bool) -> Result<Value, AdminError> {
    read(state.store.as_ref(), |tx| Ok(tx.service_state()?)).map_err(|f| {
        tracing::error!(error = %f.log_detail(), "health: the store does not answer");
        AdminError::Unavailable("the store does not answer".into())
    })?;
    if !details {
        return Ok(json!({"status": "ok"}));
    }
    Ok(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "backend": state.store.backend_name(),
        "model": model_info(),
        "credentials": state.credentials.describe(),
    }))
}

/// The models served: botocore version and operation count (all services),
/// and the services ([`services_served`]). All of it comes from the tables the
/// build generates: answering does not load a model.
fn model_info() -> Value {
    json!({
        "botocore": Service::Account.botocore_version(),
        "operations": Operation::all().len(),
        "services": services_served(),
    })
}

/// Per service: its name (the signing name), API version, `X-Amz-Target`
/// prefix, operation count and how many of them are built.
fn services_served() -> Value {
    let services: Vec<Value> = Service::ALL
        .into_iter()
        .map(|s| {
            let operations = s.operations();
            let built = operations.iter().filter(|op| pcentral_core::operations::is_served(**op)).count();
            json!({"name": s.name(), "api_version": s.api_version(), "target_prefix": s.target_prefix(),
                   "operations": operations.len(), "built": built})
        })
        .collect();
    Value::Array(services)
}

fn clock_view(view: clock::ClockView) -> Value {
    json!({"now": timestamp::format(view.now), "offset_seconds": view.offset_seconds})
}

/// `GET /_pcentral/events[?account=A&type=DETAIL-TYPE&after=SEQ&limit=N]`, oldest first.
fn events(state: &AppState, call: &Call<'_>) -> Answer {
    /// Events one listing answers at most unless `limit` says otherwise.
    const LIST_LIMIT: usize = 1000;
    let param = |name: &str| url::query_param(call.query, name).filter(|v| !v.is_empty());
    let bad = |m: String| AdminError::BadRequest(m);
    let after = param("after")
        .map(|v| v.parse::<i64>())
        .transpose()
        .map_err(|_| bad("\"after\" must be an event sequence number".into()))?;
    let limit = match param("limit").map(|v| v.parse::<usize>()) {
        None => LIST_LIMIT,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => return Err(bad("\"limit\" must be a positive number".into())),
    };
    let detail_type = param("type")
        .map(|t| t.parse::<DetailType>())
        .transpose()
        .map_err(|e| bad(format!("unknown event type: {e}")))?;
    let account =
        param("account").map(|a| AccountId::parse(&a)).transpose().map_err(|e| bad(format!("\"account\": {e}")))?;
    let filter = EventFilter { account, detail_type, after, limit: Some(limit) };
    let events = read(state.store.as_ref(), |tx| Ok(tx.events(&filter)?))?;
    json_answer(json!({ "events": events.iter().map(event_view).collect::<Vec<_>>() }))
}

/// The admin view of a stored event: `{"seq", "service", "event", "delivery"}`.
pub fn event_view(e: &StoredEvent) -> Value {
    let at = |t: Option<i64>| t.map(timestamp::format);
    let state = e.delivery.state();
    json!({
        "seq": e.seq,
        "service": e.detail_type.service(),
        "event": e.event,
        "delivery": {
            "state": state,
            "attempts": e.delivery.attempts,
            "next_attempt_at": at(e.delivery.next_attempt_at),
            "delivered_at": at(e.delivery.delivered_at),
            "last_error": e.delivery.last_error,
        },
    })
}

fn effective_settings(state: &AppState, tx: &mut dyn Tx) -> OpResult<Settings> {
    Ok(tx.service_state()?.settings_or(&state.settings).clone())
}

/// `{"name": value, …}`: each value as JSON (number, boolean or string); `-` and `_` spellings both work.
/// Answers the settings as shown (secrets masked); a masked value given back
/// keeps the stored secret it stands for (`Settings::unmasked`).
fn update_settings(state: &AppState, call: &Call<'_>) -> Answer {
    let Some(changes) = call.input.as_object() else {
        return Err(AdminError::BadRequest("settings must be a JSON object".into()));
    };
    let settings = write(state.store.as_ref(), |tx| {
        let before = effective_settings(state, tx)?;
        let mut settings = before.clone();
        for (name, value) in changes {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            settings.set(name, &text).map_err(|e| ToolError::Invalid(format!("invalid settings: {e}")))?;
        }
        let settings = settings.unmasked(&before).map_err(|e| ToolError::Invalid(format!("invalid settings: {e}")))?;
        let mut service = std::sync::Arc::unwrap_or_clone(tx.service_state()?);
        service.settings = Some(settings.clone());
        tx.put_service_state(&service)?;
        Ok(settings)
    })?;
    json_answer(json!(settings.masked()))
}

/// `{"kind", "service"?, "operation"?, "account"?, "remaining"?, "probability"?, "delay_ms"?}`
/// (`service` defaults to `partnercentral-account`; `operation` is named in it).
fn add_fault(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct NewRule {
        kind: FaultKind,
        #[serde(default)]
        service: Service,
        operation: Option<String>,
        account: Option<AccountId>,
        remaining: Option<u64>,
        probability: Option<f64>,
        delay_ms: Option<u64>,
    }
    let r: NewRule = command(
        &call.input,
        "a fault rule: kind (throttle_before, internal_before, internal_after_commit, delay), and optionally \
         service (partnercentral-account, partnercentral-selling), operation, account, remaining, probability, delay_ms",
    )?;
    let rule = FaultRule::try_from(FaultRuleDoc {
        id: format!("fault-{}", uuid::Uuid::new_v4().simple()),
        service: r.service,
        operation: r.operation,
        account: r.account,
        kind: r.kind,
        remaining: r.remaining,
        probability: r.probability,
        delay_ms: r.delay_ms,
    })
    .map_err(AdminError::BadRequest)?;
    json_answer(json!(write(state.store.as_ref(), |tx| pcentral_core::faults::add(tx, rule.clone()))?))
}

fn verification_view(v: &VerificationResult) -> Value {
    json!({"account": v.account, "verification_type": v.verification_type, "status": v.state.status,
           "reason": v.state.reason})
}

/// `{"account", "type", "status", "reason"?, "legal_name"?}`.
fn force_verification(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Force {
        account: AccountId,
        #[serde(rename = "type")]
        verification_type: VerificationType,
        status: VerificationOutcome,
        reason: Option<String>,
        legal_name: Option<String>,
    }
    let f: Force = command(
        &call.input,
        r#"{"account", "type": BUSINESS_VERIFICATION | REGISTRANT_VERIFICATION, "status": SUCCEEDED | FAILED | REJECTED, "reason"?, "legal_name"?}"#,
    )?;
    let forced = ForceVerification {
        account: f.account,
        verification_type: f.verification_type,
        outcome: f.status,
        reason: f.reason,
        legal_name: f.legal_name,
    };
    let result = write(state.store.as_ref(), |tx| {
        let (now, _) = clock::service_now(tx, wall_ms())?;
        pcentral_core::verification::force(tx, &mut RandomIds, forced.clone(), now)
    })?;
    json_answer(verification_view(&result))
}

/// The states `POST /_pcentral/profile-tasks/force` puts a profile update
/// task in (named as the task's status then reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ForcedTaskStatus {
    /// Hold it IN_PROGRESS.
    InProgress,
    Succeeded,
    Failed,
}

impl ForcedTaskStatus {
    pub const ALL: [ForcedTaskStatus; 3] =
        [ForcedTaskStatus::InProgress, ForcedTaskStatus::Succeeded, ForcedTaskStatus::Failed];
}

/// `{"partner_id", "task_id", "status": "IN_PROGRESS" (hold) | "SUCCEEDED" | "FAILED", "reason"?, "message"?}`
fn force_profile_task(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Force {
        partner_id: PartnerId,
        task_id: ProfileTaskId,
        status: ForcedTaskStatus,
        reason: Option<ProfileValidationErrorReason>,
        message: Option<String>,
    }
    let f: Force = command(
        &call.input,
        r#"{"partner_id", "task_id", "status": IN_PROGRESS (hold) | SUCCEEDED | FAILED, "reason"?, "message"?}"#,
    )?;
    let outcome = match f.status {
        ForcedTaskStatus::InProgress => TaskOutcome::Hold,
        ForcedTaskStatus::Succeeded => TaskOutcome::Succeed,
        ForcedTaskStatus::Failed => TaskOutcome::Fail { reason: f.reason, message: f.message.clone() },
    };
    write(state.store.as_ref(), |tx| {
        let (now, _) = clock::service_now(tx, wall_ms())?;
        pcentral_core::profiles::force_task(tx, now, &f.partner_id, &f.task_id, outcome.clone())
    })?;
    json_answer(json!({"partner_id": f.partner_id, "task_id": f.task_id, "status": f.status}))
}

/// What `POST /_pcentral/qualifications-tasks/force` does to a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QualificationsTaskAction {
    Complete,
    Hold,
}

impl QualificationsTaskAction {
    pub const ALL: [QualificationsTaskAction; 2] = [QualificationsTaskAction::Complete, QualificationsTaskAction::Hold];

    fn as_task_action(self) -> TaskAction {
        match self {
            QualificationsTaskAction::Complete => TaskAction::Complete,
            QualificationsTaskAction::Hold => TaskAction::Hold,
        }
    }
}

/// The body of the task-forcing commands (qualifications and engagement tasks).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ForceTask {
    catalog: Catalog,
    task_id: String,
    action: QualificationsTaskAction,
}

/// `{"catalog", "task_id", "action": "complete" | "hold"}`
fn force_qualifications_task(state: &AppState, call: &Call<'_>) -> Answer {
    let f: ForceTask = command(&call.input, r#"{"catalog", "task_id", "action": complete | hold}"#)?;
    let action = f.action.as_task_action();
    let kind = if f.task_id.starts_with("pqdtask-") {
        pcentral_core::records::QualificationsTaskKind::Disassociation
    } else {
        pcentral_core::records::QualificationsTaskKind::Association
    };
    let task_id = pcentral_core::records::QualificationsTaskId::parse(kind, &f.task_id)
        .map_err(|e| AdminError::BadRequest(format!("\"task_id\": {e}")))?;
    write(state.store.as_ref(), |tx| {
        let (now, _) = clock::service_now(tx, wall_ms())?;
        pcentral_core::qualifications::force_task(tx, now, f.catalog, &task_id, action)
    })?;
    json_answer(json!({"catalog": f.catalog, "task_id": f.task_id, "action": f.action}))
}

/// `{"catalog", "task_id", "action": "complete" | "hold"}`: a Selling task
/// (StartEngagementByAcceptingInvitationTask); answers its status afterwards.
fn force_engagement_task(state: &AppState, call: &Call<'_>) -> Answer {
    let f: ForceTask = command(&call.input, r#"{"catalog", "task_id", "action": complete | hold}"#)?;
    let action = f.action.as_task_action();
    let task_id = pcentral_model::EngagementTaskId::parse(&f.task_id)
        .map_err(|e| AdminError::BadRequest(format!("\"task_id\": {e}")))?;
    let status = write(state.store.as_ref(), |tx| {
        let (now, service) = clock::service_now(tx, wall_ms())?;
        let settings = service.settings_or(&state.settings);
        let runner = Runner { now, settings, pagination_key: &service.pagination_key };
        force_task(tx, &mut RandomIds, &runner, f.catalog, &task_id, action)
    })?;
    json_answer(json!({"catalog": f.catalog, "task_id": f.task_id, "action": f.action, "status": status}))
}

/// `{"catalog", "job_id", "action": "complete" | "hold"}`: a Selling bulk
/// job (StartOpportunityBulkJob); answers its status afterwards.
fn force_bulk_job(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ForceJob {
        catalog: Catalog,
        job_id: String,
        action: QualificationsTaskAction,
    }
    let f: ForceJob = command(&call.input, r#"{"catalog", "job_id", "action": complete | hold}"#)?;
    let action = f.action.as_task_action();
    let job_id =
        pcentral_model::BulkJobId::parse(&f.job_id).map_err(|e| AdminError::BadRequest(format!("\"job_id\": {e}")))?;
    let status = write(state.store.as_ref(), |tx| {
        let (now, service) = clock::service_now(tx, wall_ms())?;
        let settings = service.settings_or(&state.settings);
        let runner = Runner { now, settings, pagination_key: &service.pagination_key };
        pcentral_core::bulk_jobs::force_bulk_job(tx, &mut RandomIds, &runner, f.catalog, &job_id, action)
    })?;
    json_answer(json!({"catalog": f.catalog, "job_id": f.job_id, "action": f.action, "status": status}))
}

/// `{"uri": "s3://bucket/key", "content": "<CSV text>"}`: the file a bulk
/// job whose FileURI is `uri` reads (docs/compat.md#bulk-jobs).
fn put_bulk_file(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct PutFile {
        uri: String,
        content: String,
    }
    let f: PutFile = command(&call.input, r#"{"uri": "s3://bucket/key", "content"}"#)?;
    let bytes = f.content.len();
    write(state.store.as_ref(), |tx| {
        let (now, _) = clock::service_now(tx, wall_ms())?;
        pcentral_core::bulk_jobs::put_file(tx, now, &f.uri, f.content.clone())
    })?;
    json_answer(json!({"uri": f.uri, "bytes": bytes}))
}

/// `{"catalog", "task_id", "engagement_id", "result": {"Customer", "Insights"}}` or `…, "failure":
/// {"reason_code", "message"}}`: AWS's side reports one engagement of a prospecting task.
fn complete_prospecting_task(state: &AppState, call: &Call<'_>) -> Answer {
    let report: pcentral_core::engagements::prospecting::Report = command(
        &call.input,
        r#"{"catalog", "task_id", "engagement_id", "result": {"Customer"?, "Insights"?} | "failure": {"reason_code", "message"}}"#,
    )?;
    let (catalog, task_id, engagement_id) = (report.catalog, report.task_id.clone(), report.engagement_id.clone());
    let status = write(state.store.as_ref(), |tx| {
        let (now, service) = clock::service_now(tx, wall_ms())?;
        let settings = service.settings_or(&state.settings);
        let runner = Runner { now, settings, pagination_key: &service.pagination_key };
        pcentral_core::engagements::prospecting::complete(tx, &mut RandomIds, &runner, report.clone())
    })?;
    json_answer(json!({"catalog": catalog, "task_id": task_id, "engagement_id": engagement_id, "task_status": status}))
}

/// `{"catalog", "account", "name", "description"?, "readiness_level"?, "engagements"?: [id…]}`:
/// AWS's side makes a group; answers it.
fn create_engagement_group(state: &AppState, call: &Call<'_>) -> Answer {
    let g: pcentral_core::engagements::groups::NewGroup = command(
        &call.input,
        r#"{"catalog", "account", "name", "description"?, "readiness_level"?: SalesReady | MarketingReady | LowPotential, "engagements"?: ["eng-…"]}"#,
    )?;
    let group = write(state.store.as_ref(), |tx| {
        let (now, _) = clock::service_now(tx, wall_ms())?;
        pcentral_core::engagements::groups::create_group(tx, &mut RandomIds, now, g.clone())
    })?;
    json_answer(serde_json::to_value(&group).map_err(|e| AdminError::Internal(e.to_string()))?)
}

/// `{"catalog", "id"}`: AWS's side deletes a group.
fn delete_engagement_group(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Delete {
        catalog: Catalog,
        id: String,
    }
    let d: Delete = command(&call.input, r#"{"catalog", "id": "eng-grp-…"}"#)?;
    write(state.store.as_ref(), |tx| pcentral_core::engagements::groups::delete_group(tx, d.catalog, &d.id))?;
    json_answer(json!({"catalog": d.catalog, "id": d.id, "deleted": true}))
}

/// `{}` (every business record), `{"account"}`, `{"catalog"}`, both, or `{"everything": true}`.
fn reset(state: &AppState, call: &Call<'_>) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Reset {
        account: Option<AccountId>,
        catalog: Option<Catalog>,
        #[serde(default)]
        everything: bool,
        #[serde(default)]
        keep_clock: bool,
    }
    let r: Reset =
        command(&call.input, r#"{} or {"account"?, "catalog"?} or {"everything": true, "keep_clock"?: true}"#)?;
    if r.everything && (r.account.is_some() || r.catalog.is_some()) {
        return Err(AdminError::BadRequest("\"everything\" cannot be combined with \"account\" or \"catalog\"".into()));
    }
    if r.keep_clock && !r.everything {
        return Err(AdminError::BadRequest(
            "\"keep_clock\" goes with \"everything\" (the other scopes never touch the clock)".into(),
        ));
    }
    let scope =
        ResetScope { account: r.account, catalog: r.catalog, everything: r.everything, keep_clock: r.keep_clock };
    write(state.store.as_ref(), |tx| Ok(tx.reset(&scope)?))?;
    let mut answer = json!({"account": scope.account, "catalog": scope.catalog, "everything": scope.everything});
    if scope.keep_clock {
        answer["keep_clock"] = json!(true);
    }
    json_answer(json!({ "reset": answer }))
}

/// `GET /_pcentral/export[?include_secrets=true]`: whether the query asks for secrets.
pub fn export_includes_secrets(query: &str) -> bool {
    url::query_param(query, "include_secrets").is_some_and(|v| v == "true" || v == "1")
}

/// Write the fixture of everything stored to `out` as the store reads it,
/// in one read transaction.
pub fn export(state: &AppState, include_secrets: bool, out: &mut dyn Write) -> Result<(), AdminError> {
    Ok(read(state.store.as_ref(), |tx| {
        let (now, _) = clock::service_now(tx, wall_ms())?;
        fixtures::export(tx, now, include_secrets, &|s| state.credentials.key.decrypt(s), &mut *out)
    })?)
}

/// Store the fixture read from `input` in one write transaction, record by
/// record as it is read; refused as a whole (nothing stored) with a message
/// naming the offending record. `input` is read from its start again when
/// the store retries the transaction. Answers how many records of each list
/// were stored.
pub fn seed<R: Read + Seek>(state: &AppState, input: &mut R) -> Result<Value, AdminError> {
    let counts = write(state.store.as_ref(), |tx| {
        input.rewind().map_err(|e| ToolError::Invalid(format!("fixture: cannot read it again: {e}")))?;
        let (now, service) = clock::service_now(tx, wall_ms())?;
        let settings = service.settings_or(&state.settings);
        let cx = fixtures::SeedContext {
            now,
            settings,
            ids: &mut RandomIds,
            encrypt: &|s| state.credentials.key.encrypt(s),
        };
        fixtures::seed(tx, &mut *input, cx)
    })?;
    let seeded: serde_json::Map<String, Value> =
        counts.by_list().into_iter().map(|(list, n)| (list.into(), n.into())).collect();
    Ok(json!({ "seeded": seeded }))
}

/// `pcentral serve --seed FILE`: load the fixture when the store holds no records yet
/// (so that a restart, or a second node with the same flag, does not load it twice).
/// The load fails, storing nothing, once `stopping` says the node is stopping.
pub fn seed_at_start(state: &AppState, path: &std::path::Path, stopping: &dyn Fn() -> bool) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("seed: cannot read {}: {e}", path.display()))?;
    let holds = read(state.store.as_ref(), |tx| Ok(tx.holds_records()?))
        .map_err(|f| format!("seed: {}", AdminError::from(f).message()))?;
    if holds {
        tracing::info!(file = %path.display(), "the store already holds records; --seed skipped");
        return Ok(());
    }
    let mut input = std::io::BufReader::new(UntilStopped { inner: file, stopping });
    let counts = seed(state, &mut input).map_err(|e| format!("seed {}: {}", path.display(), e.message()))?;
    tracing::info!(file = %path.display(), %counts, "fixture loaded");
    Ok(())
}

/// A fixture that stops being readable once the node is stopping.
struct UntilStopped<'s, R> {
    inner: R,
    stopping: &'s dyn Fn() -> bool,
}

impl<R: Read> Read for UntilStopped<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if (self.stopping)() {
            return Err(std::io::Error::other("the node is stopping"));
        }
        self.inner.read(buf)
    }
}

impl<R: Seek> Seek for UntilStopped<'_, R> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcentral_model::account::ProfileTaskStatus;

    #[test]
    fn refusals_map_to_one_status_each() {
        assert_eq!(AdminError::from(ToolError::Invalid("x".into())).status(), 400);
        assert_eq!(AdminError::from(ToolError::NotFound("x".into())).status(), 404);
        assert_eq!(AdminError::from(ToolError::Conflict("x".into())).status(), 409);
        let store = Failure::Store(pcentral_core::StoreError::Backend("/tmp/secret/pcentral.db: locked".into()));
        let e = AdminError::from(store);
        assert_eq!(e.status(), 500);
        assert!(!e.message().contains("/tmp"), "storage details stay in the log: {e:?}");
    }

    #[test]
    fn every_route_is_dispatched_to_itself() {
        for route in ROUTES {
            let target = route.target("a b/c", &[("x", "1".into())]);
            let path = target.split_once('?').map_or(target.as_str(), |(p, _)| p);
            let found = find(route.method.as_str(), path).unwrap_or_else(|e| panic!("{}: {e:?}", route.path));
            assert_eq!((found.route.method, found.route.path), (route.method, route.path), "{target}");
            let expected = if route.prefix().is_some() { "a b/c" } else { "" };
            assert_eq!(found.segment, expected, "{target}");
            assert!(find(route.method.as_str(), &format!("{path}/")).is_ok(), "{target} with a trailing /");
        }
    }

    #[test]
    fn every_route_is_listed_once_in_order() {
        let list = endpoint_list();
        let listed: Vec<(String, String)> = list["endpoints"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| (e["method"].as_str().unwrap_or_default().into(), e["path"].as_str().unwrap_or_default().into()))
            .collect();
        let declared: Vec<(String, String)> =
            ROUTES.iter().map(|r| (r.method.as_str().to_string(), r.path.to_string())).collect();
        assert_eq!(listed, declared);
        let mut unique = declared.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), declared.len(), "a route is declared twice");
    }

    #[test]
    fn requests_off_the_table_are_not_found() {
        for (method, path) in [
            ("GET", "/_pcentral/nothing"),
            ("PUT", "/_pcentral/clock"),
            ("HEAD", "/_pcentral/clock"),
            ("DELETE", "/_pcentral/accounts/"),
            ("GET", "/_pcentral/verification/complete"),
        ] {
            let Err(e) = find(method, path) else { panic!("{method} {path} was found") };
            assert_eq!(e.status(), 404, "{method} {path}");
        }
        // A fixed path wins over a `{name}` part.
        assert_eq!(find("DELETE", "/_pcentral/faults").map(|f| f.route.path).ok(), Some(FAULTS_CLEAR.path));
    }

    #[test]
    fn the_completion_url_is_the_completion_route() {
        let url = pcentral_core::verification::completion_url("http://127.0.0.1:4599", "tok%en");
        let path = url.strip_prefix("http://127.0.0.1:4599").unwrap_or_default();
        let found = find("GET", path).map(|f| (f.route.path, f.segment)).ok();
        assert_eq!(found, Some((VERIFICATION_COMPLETE.path, "tok%en".to_string())));
    }

    #[test]
    fn forced_task_states_are_profile_task_statuses() {
        for status in ForcedTaskStatus::ALL {
            let wire = serde_json::to_value(status).ok();
            let known = wire.as_ref().and_then(Value::as_str).and_then(|s| s.parse::<ProfileTaskStatus>().ok());
            assert!(known.is_some(), "{status:?} is named as a ProfileTaskStatus: {wire:?}");
        }
    }
}
