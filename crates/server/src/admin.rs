//! The admin API under `/_pcentral/`: plain JSON over HTTP, one place for the
//! developer tools. Each endpoint reads its JSON into a typed command, runs
//! the core's tool in a store transaction, and writes the result as JSON;
//! every refusal is an [`AdminError`], mapped to a status in one place. Each
//! endpoint has a CLI subcommand (see `cli.rs`); the README lists them all.

use pcentral_core::clock;
use pcentral_core::fixtures;
use pcentral_core::profiles::TaskOutcome;
use pcentral_core::qualifications::TaskAction;
use pcentral_core::records::{
    AccountRecord, DetailType, EventFilter, FaultKind, FaultRule, StoredEvent, VerificationOutcome,
};
use pcentral_core::settings::Duration;
use pcentral_core::store::{read, write, ResetScope, Tx};
use pcentral_core::tools::ToolError;
use pcentral_core::verification::{ForceVerification, VerificationResult};
use pcentral_core::{Failure, OpResult, Settings};
use pcentral_model::wire::{ProfileValidationErrorReason, VerificationType};
use pcentral_model::{timestamp, AccountId, Catalog, Operation, PartnerId, ProfileTaskId};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::io::{Read, Seek, Write};

use crate::app::{wall_ms, AppState, RandomIds};
use crate::credentials::new_key_pair;

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

type Answer = Result<AdminBody, AdminError>;

/// One admin endpoint, as `GET /_pcentral/` lists it.
pub struct Endpoint {
    pub method: &'static str,
    /// The path; `{name}` stands for a part the caller fills in, `?…` for optional query parameters.
    pub path: &'static str,
    /// The CLI command that calls it, if any.
    pub cli: Option<&'static str>,
    pub description: &'static str,
}

const fn endpoint(
    method: &'static str,
    path: &'static str,
    cli: Option<&'static str>,
    description: &'static str,
) -> Endpoint {
    Endpoint { method, path, cli, description }
}

/// Every admin endpoint, in the README's order (`GET /_pcentral/` answers this list).
#[rustfmt::skip]
pub const ENDPOINTS: &[Endpoint] = &[
    endpoint("GET", "/_pcentral/", None, "this list of admin endpoints"),
    endpoint("GET", "/_pcentral/health", Some("pcentral health"), "liveness and readiness (open to every caller); for admitted callers also version, backend, credentials rule"),
    endpoint("GET", "/_pcentral/clock", Some("pcentral clock show"), "service time and its offset from the wall clock"),
    endpoint("POST", "/_pcentral/clock/advance", Some("pcentral clock advance"), "move service time forward"),
    endpoint("POST", "/_pcentral/clock/set", Some("pcentral clock set"), "jump forward to a time"),
    endpoint("GET", "/_pcentral/outbox?address", Some("pcentral outbox list"), "verification codes sent"),
    endpoint("GET", "/_pcentral/events?account&type&after", Some("pcentral events list"), "recorded events with their delivery state"),
    endpoint("POST", "/_pcentral/credentials", Some("pcentral credentials create"), "register a key pair"),
    endpoint("GET", "/_pcentral/credentials", Some("pcentral credentials list"), "registered key ids"),
    endpoint("GET", "/_pcentral/settings", Some("pcentral settings show"), "settings in force"),
    endpoint("POST", "/_pcentral/settings", Some("pcentral settings set"), "change settings"),
    endpoint("GET", "/_pcentral/faults", Some("pcentral faults list"), "fault-injection rules in force"),
    endpoint("POST", "/_pcentral/faults", Some("pcentral faults add"), "add a fault rule"),
    endpoint("DELETE", "/_pcentral/faults/{id}", Some("pcentral faults remove"), "remove one fault rule"),
    endpoint("DELETE", "/_pcentral/faults", Some("pcentral faults clear"), "remove every fault rule"),
    endpoint("POST", "/_pcentral/verification", Some("pcentral verification force"), "force a verification outcome"),
    endpoint("GET", "/_pcentral/verification/complete/{token}", None, "the registrant completion URL"),
    endpoint("POST", "/_pcentral/profile-tasks/force", Some("pcentral tasks force-profile"), "hold or end a profile update task"),
    endpoint("POST", "/_pcentral/qualifications-tasks/force", Some("pcentral tasks force-qualifications"), "hold or complete a qualifications task"),
    endpoint("POST", "/_pcentral/accounts", Some("pcentral accounts create"), "configure how an account appears"),
    endpoint("GET", "/_pcentral/accounts", Some("pcentral accounts list"), "configured accounts"),
    endpoint("DELETE", "/_pcentral/accounts/{account}", Some("pcentral accounts delete"), "remove an account's configuration"),
    endpoint("POST", "/_pcentral/reset", Some("pcentral reset"), "delete data"),
    endpoint("GET", "/_pcentral/export?include_secrets", Some("pcentral export"), "every stored record as a JSON fixture"),
    endpoint("POST", "/_pcentral/seed", Some("pcentral seed"), "load a fixture in one transaction"),
    endpoint("GET", "/_pcentral/requests?limit", Some("pcentral requests list"), "this node's recent API requests"),
    endpoint("GET", "/_pcentral/metrics", Some("pcentral metrics show"), "this node's metrics (Prometheus text)"),
];

fn endpoint_list() -> Value {
    let list: Vec<Value> = ENDPOINTS
        .iter()
        .map(|e| json!({"method": e.method, "path": e.path, "cli": e.cli, "description": e.description}))
        .collect();
    json!({ "endpoints": list })
}

fn json_answer(value: Value) -> Answer {
    Ok(AdminBody::Json(value))
}

/// Read a JSON body into a command type; the message names what is wrong.
fn command<T: DeserializeOwned>(input: &Value, shape: &str) -> Result<T, AdminError> {
    serde_json::from_value(input.clone()).map_err(|e| AdminError::BadRequest(format!("expected {shape}: {e}")))
}

/// Handle an admin call (access is checked by the caller) other than the two
/// that stream ([`export`] and [`seed`], which the listener calls itself).
pub fn handle(state: &AppState, method: &str, path: &str, query: &str, body: &[u8]) -> Answer {
    let input: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|e| AdminError::BadRequest(format!("request body is not JSON: {e}")))?
    };
    let store = state.store.as_ref();
    let route = path.trim_end_matches('/');
    match (method, route) {
        ("GET", "/_pcentral") => json_answer(endpoint_list()),
        ("GET", "/_pcentral/clock") => json_answer(clock_view(read(store, |tx| clock::show(tx, wall_ms()))?)),
        ("POST", "/_pcentral/clock/advance") => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Advance {
                by: Duration,
            }
            let Advance { by } = command(&input, r#"{"by": "31d"} (a duration such as 90s, 15m, 2h or 31d)"#)?;
            let by = i64::try_from(by.0.as_millis()).unwrap_or(i64::MAX);
            json_answer(clock_view(write(store, |tx| clock::advance(tx, wall_ms(), by))?))
        }
        ("POST", "/_pcentral/clock/set") => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Set {
                to: String,
            }
            let Set { to } = command(&input, r#"{"to": "2030-01-01T00:00:00Z"}"#)?;
            let Some(to) = timestamp::parse(&to) else {
                return Err(AdminError::BadRequest(
                    "\"to\" must be an RFC 3339 time such as 2030-01-01T00:00:00Z".into(),
                ));
            };
            json_answer(clock_view(write(store, |tx| clock::set(tx, wall_ms(), to))?))
        }
        ("GET", "/_pcentral/outbox") => {
            let address = query_param(query, "address");
            let messages = read(store, |tx| Ok(tx.outbox(address.as_deref())?))?;
            let messages: Vec<Value> = messages
                .into_iter()
                .map(|m| {
                    json!({"id": m.id, "sent_at": timestamp::format(m.sent_at), "catalog": m.catalog,
                           "address": m.address, "kind": m.kind, "code": m.code, "body": m.body})
                })
                .collect();
            json_answer(json!({ "messages": messages }))
        }
        ("GET", "/_pcentral/credentials") => {
            let list: Vec<Value> = read(store, |tx| Ok(tx.credentials()?))?
                .into_iter()
                .map(|c| json!({"access_key_id": c.access_key_id, "account": c.account, "created_at": timestamp::format(c.created_at)}))
                .collect();
            json_answer(json!({ "credentials": list }))
        }
        ("POST", "/_pcentral/credentials") => {
            #[derive(Deserialize)]
            struct Create {
                account: AccountId,
            }
            let Create { account } = command(&input, r#"{"account": "<12-digit AWS account id>"}"#)?;
            let (record, secret) = new_key_pair(&state.credentials.key, &account, wall_ms());
            write(store, |tx| Ok(tx.insert_credential(&record)?))?;
            json_answer(json!({"access_key_id": record.access_key_id, "secret_access_key": secret, "account": account}))
        }
        ("GET", "/_pcentral/events") => events(state, query),
        ("GET", "/_pcentral/settings") => json_answer(json!(read(store, |tx| effective_settings(state, tx))?.masked())),
        ("POST", "/_pcentral/settings") => update_settings(state, &input),
        ("GET", "/_pcentral/faults") => json_answer(json!({ "faults": read(store, |tx| Ok(tx.fault_rules()?))? })),
        ("POST", "/_pcentral/faults") => add_fault(state, &input),
        ("DELETE", "/_pcentral/faults") => {
            json_answer(json!({ "removed": write(store, |tx| pcentral_core::faults::clear(tx))? }))
        }
        ("DELETE", r) if r.starts_with("/_pcentral/faults/") => {
            let id = crate::sigv4::form_decode(&r["/_pcentral/faults/".len()..]);
            write(store, |tx| pcentral_core::faults::remove(tx, &id))?;
            json_answer(json!({ "removed": 1, "id": id }))
        }
        ("POST", "/_pcentral/verification") => force_verification(state, &input),
        ("POST", "/_pcentral/profile-tasks/force") => force_profile_task(state, &input),
        ("POST", "/_pcentral/qualifications-tasks/force") => force_qualifications_task(state, &input),
        ("GET", r) if r.starts_with(pcentral_core::verification::COMPLETION_PATH) => {
            let token = &r[pcentral_core::verification::COMPLETION_PATH.len()..];
            let done = write(store, |tx| {
                let (now, service) = clock::service_now(tx, wall_ms())?;
                pcentral_core::verification::complete_by_token(tx, token, now, &service.settings_or(&state.settings))
            })?;
            json_answer(json!({
                "message": "Verification step completed; you can close this page.",
                "verification": {"account": done.account, "verification_type": done.verification_type,
                                 "status": done.state.status},
            }))
        }
        ("GET", "/_pcentral/accounts") => json_answer(json!({ "accounts": read(store, |tx| Ok(tx.accounts()?))? })),
        ("POST", "/_pcentral/accounts") => {
            let record: AccountRecord =
                command(&input, r#"{"account", "display_name"?, "seller_profile"?: {"id", "name"}}"#)?;
            pcentral_core::accounts::validate(&record)?;
            write(store, |tx| Ok(tx.put_account(&record)?))?;
            json_answer(json!(record))
        }
        ("DELETE", r) if r.starts_with("/_pcentral/accounts/") => {
            let text = crate::sigv4::form_decode(&r["/_pcentral/accounts/".len()..]);
            let account = AccountId::parse(&text).map_err(|e| AdminError::BadRequest(e.to_string()))?;
            if write(store, |tx| Ok(tx.delete_account(&account)?))? {
                json_answer(json!({ "removed": account }))
            } else {
                Err(AdminError::NotFound(format!("no account {account} is configured")))
            }
        }
        ("POST", "/_pcentral/reset") => reset(state, &input),
        ("GET", "/_pcentral/requests") => {
            let limit = query_param(query, "limit").and_then(|l| l.parse().ok()).unwrap_or(usize::MAX);
            json_answer(json!({ "requests": state.observe.recent(limit) }))
        }
        ("GET", "/_pcentral/metrics") => Ok(AdminBody::Text(state.observe.prometheus())),
        _ => Err(AdminError::NotFound(format!("no admin endpoint {method} {path}"))),
    }
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
        "model": {"botocore": pcentral_model::model().botocore_version, "operations": Operation::ALL.len()},
        "credentials": state.credentials.describe(),
    }))
}

fn clock_view(view: clock::ClockView) -> Value {
    json!({"now": timestamp::format(view.now), "offset_seconds": view.offset_seconds})
}

/// `GET /_pcentral/events[?account=A&type=DETAIL-TYPE&after=SEQ&limit=N]`, oldest first.
fn events(state: &AppState, query: &str) -> Answer {
    /// Events one listing answers at most unless `limit` says otherwise.
    const LIST_LIMIT: usize = 1000;
    let param = |name: &str| query_param(query, name).filter(|v| !v.is_empty());
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

/// The admin view of a stored event: `{"seq", "event", "delivery"}`.
pub fn event_view(e: &StoredEvent) -> Value {
    let at = |t: Option<i64>| t.map(timestamp::format);
    let state = e.delivery.state();
    json!({
        "seq": e.seq,
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
    Ok(tx.service_state()?.settings_or(&state.settings))
}

/// `{"name": value, …}`: each value as JSON (number, boolean or string); `-` and `_` spellings both work.
/// Answers the settings as shown (secrets masked); a masked value given back
/// keeps the stored secret it stands for (`Settings::unmasked`).
fn update_settings(state: &AppState, input: &Value) -> Answer {
    let Some(changes) = input.as_object() else {
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
        let mut service = tx.service_state()?;
        service.settings = Some(settings.clone());
        tx.put_service_state(&service)?;
        Ok(settings)
    })?;
    json_answer(json!(settings.masked()))
}

/// `{"kind", "operation"?, "account"?, "remaining"?, "probability"?, "delay_ms"?}`.
fn add_fault(state: &AppState, input: &Value) -> Answer {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct NewRule {
        kind: FaultKind,
        operation: Option<Operation>,
        account: Option<AccountId>,
        remaining: Option<u64>,
        probability: Option<f64>,
        delay_ms: Option<u64>,
    }
    let r: NewRule = command(
        input,
        "a fault rule: kind (throttle_before, internal_before, internal_after_commit, delay), and optionally \
         operation, account, remaining, probability, delay_ms",
    )?;
    let rule = FaultRule {
        id: format!("fault-{}", uuid::Uuid::new_v4().simple()),
        operation: r.operation,
        account: r.account,
        kind: r.kind,
        remaining: r.remaining,
        probability: r.probability,
        delay_ms: r.delay_ms,
    };
    json_answer(json!(write(state.store.as_ref(), |tx| pcentral_core::faults::add(tx, rule.clone()))?))
}

fn verification_view(v: &VerificationResult) -> Value {
    json!({"account": v.account, "verification_type": v.verification_type, "status": v.state.status,
           "reason": v.state.reason})
}

/// `{"account", "type", "status", "reason"?, "legal_name"?}`.
fn force_verification(state: &AppState, input: &Value) -> Answer {
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
        input,
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

/// `{"partner_id", "task_id", "status": "IN_PROGRESS" (hold) | "SUCCEEDED" | "FAILED", "reason"?, "message"?}`
fn force_profile_task(state: &AppState, input: &Value) -> Answer {
    #[derive(Deserialize, Clone, Copy)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    enum Status {
        InProgress,
        Succeeded,
        Failed,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Force {
        partner_id: PartnerId,
        task_id: ProfileTaskId,
        status: Status,
        reason: Option<ProfileValidationErrorReason>,
        message: Option<String>,
    }
    let f: Force = command(
        input,
        r#"{"partner_id", "task_id", "status": IN_PROGRESS (hold) | SUCCEEDED | FAILED, "reason"?, "message"?}"#,
    )?;
    let outcome = match f.status {
        Status::InProgress => TaskOutcome::Hold,
        Status::Succeeded => TaskOutcome::Succeed,
        Status::Failed => TaskOutcome::Fail { reason: f.reason, message: f.message.clone() },
    };
    write(state.store.as_ref(), |tx| {
        let (now, _) = clock::service_now(tx, wall_ms())?;
        pcentral_core::profiles::force_task(tx, now, &f.partner_id, &f.task_id, outcome.clone())
    })?;
    json_answer(json!({"partner_id": f.partner_id, "task_id": f.task_id, "status": input["status"]}))
}

/// `{"catalog", "task_id", "action": "complete" | "hold"}`
fn force_qualifications_task(state: &AppState, input: &Value) -> Answer {
    #[derive(Deserialize, Clone, Copy)]
    #[serde(rename_all = "lowercase")]
    enum Action {
        Complete,
        Hold,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Force {
        catalog: Catalog,
        task_id: String,
        action: Action,
    }
    let f: Force = command(input, r#"{"catalog", "task_id", "action": complete | hold}"#)?;
    let action = match f.action {
        Action::Complete => TaskAction::Complete,
        Action::Hold => TaskAction::Hold,
    };
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
    json_answer(json!({"catalog": f.catalog, "task_id": f.task_id, "action": input["action"]}))
}

/// `{}` (every business record), `{"account"}`, `{"catalog"}`, both, or `{"everything": true}`.
fn reset(state: &AppState, input: &Value) -> Answer {
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
    let r: Reset = command(input, r#"{} or {"account"?, "catalog"?} or {"everything": true, "keep_clock"?: true}"#)?;
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
    query_param(query, "include_secrets").is_some_and(|v| v == "true" || v == "1")
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
            settings: &settings,
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

/// The decoded value of `name` in a query string.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (crate::sigv4::form_decode(k) == name).then(|| crate::sigv4::form_decode(v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn query_params_are_decoded() {
        assert_eq!(query_param("address=a%40b.com&x=1", "address").as_deref(), Some("a@b.com"));
        assert_eq!(query_param("x=1", "address"), None);
    }
}
