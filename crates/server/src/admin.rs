//! The admin API under `/_pcentral/`: plain JSON over HTTP, one place for the
//! developer tools. Each endpoint has a CLI subcommand (see `cli.rs`).
//!
//! | method and path | what it does |
//! |---|---|
//! | `GET /_pcentral/health` | liveness and readiness, version, backend, credential rule |
//! | `GET /_pcentral/clock` | service time and its offset from the wall clock |
//! | `POST /_pcentral/clock/advance` `{"by": "31d"}` | move service time forward |
//! | `POST /_pcentral/clock/set` `{"to": "<RFC 3339>"}` | set service time (never backwards) |
//! | `GET /_pcentral/outbox[?address=A]` | every verification code "sent" |
//! | `GET /_pcentral/credentials` | registered key pairs, without secrets |
//! | `POST /_pcentral/credentials` `{"account": "…"}` | register a key pair (answers the secret once) |
//! | `GET /_pcentral/events[?account=A&type=T&after=SEQ&limit=N]` | recorded events with their delivery state, oldest first |
//! | `GET /_pcentral/settings` | settings in force |
//! | `POST /_pcentral/settings` `{"name": value, …}` | change settings for every node |
//! | `POST /_pcentral/profile-tasks/force` | hold a profile update task, or end it SUCCEEDED / FAILED now |
//! | `POST /_pcentral/qualifications-tasks/force` | hold a qualifications task, or complete it now |
//! | `POST /_pcentral/verification` `{"account", "type", "status", "reason"?, "legal_name"?}` | force a verification outcome |
//! | `GET /_pcentral/verification/complete/{token}` | the registrant completion link handed out by StartVerification |
//! | `GET /_pcentral/faults` | fault-injection rules in force |
//! | `POST /_pcentral/faults` `{"kind": "…", "operation": …, "account": …, "remaining": n, "probability": p, "delay_ms": ms}` | add a rule (answers it with its id) |
//! | `DELETE /_pcentral/faults/<id>` | remove one rule |
//! | `DELETE /_pcentral/faults` | remove every rule |
//! | `GET /_pcentral/accounts`, `POST` `{"account", "display_name"?, "seller_profile"?}`, `DELETE …/<id>` | configured accounts |
//! | `POST /_pcentral/reset` `{"account"?, "catalog"?, "everything"?}` | delete data |
//! | `GET /_pcentral/export[?include_secrets=true]` | every stored record as a fixture |
//! | `POST /_pcentral/seed` (a fixture) | load a fixture in one transaction (400 naming the record on conflict) |
//! | `GET /_pcentral/requests[?limit=N]` | this node's recent API requests, newest first |
//! | `GET /_pcentral/metrics` | this node's metrics, Prometheus text format |

use pcentral_core::operations::service_now;
use pcentral_core::store::{read, write, OpResult, Tx};
use pcentral_core::{Failure, Settings};
use pcentral_model::timestamp;
use serde_json::{json, Value};

use crate::app::{wall_ms, AppState, RandomIds};
use crate::credentials::new_key_pair;
use crate::faults;

/// An admin answer: status and JSON body.
pub struct AdminReply {
    pub status: u16,
    pub body: Value,
}

fn ok(body: Value) -> AdminReply {
    AdminReply { status: 200, body }
}

fn bad(status: u16, message: impl Into<String>) -> AdminReply {
    AdminReply { status, body: json!({"error": message.into()}) }
}

/// Handle an admin call (access is checked by the caller).
pub fn handle(state: &AppState, method: &str, path: &str, query: &str, body: &[u8]) -> AdminReply {
    let input: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return bad(400, format!("request body is not JSON: {e}")),
        }
    };
    let route = path.trim_end_matches('/');
    let result = match (method, route) {
        ("GET", "/_pcentral/health") => health(state),
        ("GET", "/_pcentral/clock") => read(state.store.as_ref(), |tx| clock_view(tx)).map(ok),
        ("POST", "/_pcentral/clock/advance") => advance_clock(state, &input),
        ("POST", "/_pcentral/clock/set") => set_clock(state, &input),
        ("GET", "/_pcentral/outbox") => {
            let address = query_param(query, "address");
            read(state.store.as_ref(), |tx| {
                let messages: Vec<Value> = tx
                    .outbox(address.as_deref())?
                    .into_iter()
                    .map(|m| {
                        json!({"id": m.id, "sent_at": timestamp::format(m.sent_at), "catalog": m.catalog,
                               "address": m.address, "kind": m.kind, "code": m.code, "body": m.body})
                    })
                    .collect();
                Ok(json!({ "messages": messages }))
            })
            .map(ok)
        }
        ("GET", "/_pcentral/credentials") => read(state.store.as_ref(), |tx| {
            let list: Vec<Value> = tx
                .credentials()?
                .into_iter()
                .map(|c| json!({"access_key_id": c.access_key_id, "account": c.account, "created_at": timestamp::format(c.created_at)}))
                .collect();
            Ok(json!({ "credentials": list }))
        })
        .map(ok),
        ("POST", "/_pcentral/credentials") => create_credentials(state, &input),
        ("GET", "/_pcentral/events") => crate::events::list(state, query),
        ("GET", "/_pcentral/settings") => {
            read(state.store.as_ref(), |tx| Ok(json!(effective_settings(state, tx)?))).map(ok)
        }
        ("POST", "/_pcentral/settings") => update_settings(state, &input),
        (_, r) if r == "/_pcentral/faults" || r.starts_with("/_pcentral/faults/") => faults_endpoint(state, method, r, &input),
        ("POST", "/_pcentral/verification") => force_verification(state, &input),
        ("POST", "/_pcentral/profile-tasks/force") => force_profile_task(state, &input),
        ("POST", "/_pcentral/qualifications-tasks/force") => force_qualifications_task(state, &input),
        ("GET", r) if r.starts_with(pcentral_core::verification::COMPLETION_PATH) => {
            complete_verification(state, &r[pcentral_core::verification::COMPLETION_PATH.len()..])
        }
        ("GET", "/_pcentral/accounts") => {
            read(state.store.as_ref(), |tx| Ok(json!({ "accounts": tx.accounts()? }))).map(ok)
        }
        ("POST", "/_pcentral/accounts") => put_account(state, &input),
        ("DELETE", r) if r.starts_with("/_pcentral/accounts/") => {
            let account = crate::sigv4::form_decode(&r["/_pcentral/accounts/".len()..]);
            write(state.store.as_ref(), |tx| Ok(tx.delete_account(&account)?)).map(|removed| {
                if removed {
                    ok(json!({ "removed": account }))
                } else {
                    bad(404, format!("no account {account} is configured"))
                }
            })
        }
        ("POST", "/_pcentral/reset") => reset(state, &input),
        ("GET", "/_pcentral/export") => {
            let include_secrets = query_param(query, "include_secrets").is_some_and(|v| v == "true" || v == "1");
            export(state, include_secrets).map(ok)
        }
        ("POST", "/_pcentral/seed") => seed(state, &input).map(|loaded| match loaded {
            Ok(counts) => ok(counts),
            Err(message) => bad(400, message),
        }),
        ("GET", "/_pcentral/requests") => {
            let limit = query_param(query, "limit").and_then(|l| l.parse().ok()).unwrap_or(usize::MAX);
            Ok(ok(json!({ "requests": state.observe.recent(limit) })))
        }
        ("GET", "/_pcentral/metrics") => Ok(ok(Value::String(state.observe.prometheus()))),
        _ => Ok(bad(404, format!("no admin endpoint {method} {path}"))),
    };
    result.unwrap_or_else(|f| bad(500, f.into_api_error().message))
}

fn health(state: &AppState) -> OpResult<AdminReply> {
    // Readiness: the store answers (and so its migrations ran).
    let ready = read(state.store.as_ref(), |tx| Ok(tx.service_state().is_ok()));
    Ok(AdminReply {
        status: if ready.is_ok() { 200 } else { 503 },
        body: json!({
            "status": if ready.is_ok() { "ok" } else { "unavailable" },
            "version": env!("CARGO_PKG_VERSION"),
            "backend": state.store.backend_name(),
            "model": {"botocore": pcentral_model::model().botocore_version, "operations": pcentral_model::model().operations().count()},
            "credentials": state.credentials.describe(),
        }),
    })
}

fn clock_view(tx: &mut dyn Tx) -> OpResult<Value> {
    let wall = wall_ms();
    let (now, _) = service_now(tx, wall)?;
    Ok(json!({"now": timestamp::format(now), "offset_seconds": (now - wall) / 1000}))
}

/// Parse durations like `31d`, `90m`, `3600s`, `2h`, `1h30m`.
pub fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1_000,
            'm' => 60_000,
            'h' => 3_600_000,
            'd' => 86_400_000,
            _ => return None,
        };
        let n: i64 = number.parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
        number.clear();
    }
    if !number.is_empty() {
        return None;
    }
    Some(total)
}

fn move_clock(state: &AppState, by_ms: i64) -> OpResult<AdminReply> {
    write(state.store.as_ref(), |tx| {
        let mut s = tx.service_state()?;
        s.clock_offset_ms = s.clock_offset_ms.saturating_add(by_ms);
        tx.put_service_state(&s)?;
        clock_view(tx)
    })
    .map(ok)
}

fn advance_clock(state: &AppState, input: &Value) -> OpResult<AdminReply> {
    match input.get("by").and_then(Value::as_str).and_then(parse_duration) {
        Some(ms) if ms > 0 => move_clock(state, ms),
        _ => Ok(bad(400, "\"by\" must be a positive duration such as 90s, 15m, 2h or 31d")),
    }
}

fn set_clock(state: &AppState, input: &Value) -> OpResult<AdminReply> {
    let Some(target) = input.get("to").and_then(Value::as_str).and_then(timestamp::parse) else {
        return Ok(bad(400, "\"to\" must be an RFC 3339 time such as 2030-01-01T00:00:00Z"));
    };
    let outcome = write(state.store.as_ref(), |tx| {
        let wall = wall_ms();
        let (now, _) = service_now(tx, wall)?;
        if target < now {
            return Ok(Err(format!(
                "the service clock only moves forward: {} is earlier than now ({})",
                timestamp::format(target),
                timestamp::format(now)
            )));
        }
        let mut s = tx.service_state()?;
        s.clock_offset_ms = target - wall;
        tx.put_service_state(&s)?;
        clock_view(tx).map(Ok)
    })?;
    Ok(match outcome {
        Ok(view) => ok(view),
        Err(message) => bad(400, message),
    })
}

fn create_credentials(state: &AppState, input: &Value) -> OpResult<AdminReply> {
    let account = input.get("account").and_then(Value::as_str).unwrap_or_default().to_string();
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(bad(400, "\"account\" must be a 12-digit AWS account id"));
    }
    let (record, secret) = new_key_pair(&state.credentials.key, &account, wall_ms());
    write(state.store.as_ref(), |tx| Ok(tx.insert_credential(&record)?))?;
    Ok(ok(json!({"access_key_id": record.access_key_id, "secret_access_key": secret, "account": account})))
}

/// `/_pcentral/faults[/<id>]`: list, add, remove one, remove all.
fn faults_endpoint(state: &AppState, method: &str, route: &str, input: &Value) -> OpResult<AdminReply> {
    let store = state.store.as_ref();
    match (method, route.strip_prefix("/_pcentral/faults").unwrap_or_default()) {
        ("GET", "") => read(store, |tx| Ok(json!({ "faults": tx.service_state()?.faults }))).map(ok),
        ("POST", "") => {
            let id = format!("fault-{}", uuid::Uuid::new_v4().simple());
            match faults::rule_from_input(input, id) {
                Ok(rule) => write(store, |tx| faults::add(tx, &rule)).map(|r| ok(json!(r))),
                Err(message) => Ok(bad(400, message)),
            }
        }
        ("DELETE", "") => write(store, |tx| faults::clear(tx)).map(|n| ok(json!({ "removed": n }))),
        ("DELETE", rest) if rest.len() > 1 => {
            let id = crate::sigv4::form_decode(&rest[1..]);
            let removed = write(store, |tx| faults::remove(tx, &id))?;
            Ok(if removed { ok(json!({ "removed": 1, "id": id })) } else { bad(404, format!("no fault rule {id}")) })
        }
        _ => Ok(bad(404, format!("no admin endpoint {method} {route}"))),
    }
}

fn effective_settings(state: &AppState, tx: &mut dyn Tx) -> Result<Settings, Failure> {
    Ok(tx.service_state()?.settings.unwrap_or_else(|| state.settings.clone()))
}

fn update_settings(state: &AppState, input: &Value) -> OpResult<AdminReply> {
    let Some(changes) = input.as_object() else {
        return Ok(bad(400, "settings must be a JSON object"));
    };
    let outcome = write(state.store.as_ref(), |tx| {
        let mut merged = json!(effective_settings(state, tx)?);
        for (k, v) in changes {
            merged[k] = v.clone();
        }
        match serde_json::from_value::<Settings>(merged) {
            Ok(settings) => {
                let mut s = tx.service_state()?;
                s.settings = Some(settings.clone());
                tx.put_service_state(&s)?;
                Ok(Ok(json!(settings)))
            }
            Err(e) => Ok(Err(format!("invalid settings: {e}"))),
        }
    })?;
    Ok(match outcome {
        Ok(view) => ok(view),
        Err(message) => bad(400, message),
    })
}

fn force_verification(state: &AppState, input: &Value) -> OpResult<AdminReply> {
    let text = |name: &str| input.get(name).and_then(Value::as_str).map(str::to_string);
    let outcome = write(state.store.as_ref(), |tx| {
        let (now, _) = service_now(tx, wall_ms())?;
        pcentral_core::verification::force(
            tx,
            &mut RandomIds,
            &text("account").unwrap_or_default(),
            &text("type").unwrap_or_default(),
            &text("status").unwrap_or_default(),
            text("reason"),
            text("legal_name"),
            now,
        )
    })?;
    Ok(match outcome {
        Ok(view) => ok(view),
        Err(message) => bad(400, message),
    })
}

fn force_error(e: pcentral_core::profiles::ForceError) -> AdminReply {
    match e {
        pcentral_core::profiles::ForceError::NotFound(message) => bad(404, message),
        pcentral_core::profiles::ForceError::Ended(status) => {
            bad(409, format!("the task has already ended ({status}); only an IN_PROGRESS task can be forced"))
        }
    }
}

/// `{"partner_id", "task_id", "status": "IN_PROGRESS" (hold) | "SUCCEEDED" | "FAILED", "reason"?, "message"?}`
fn force_profile_task(state: &AppState, input: &Value) -> OpResult<AdminReply> {
    let text = |name: &str| input.get(name).and_then(Value::as_str).map(str::to_string);
    let (Some(partner_id), Some(task_id), Some(status)) = (text("partner_id"), text("task_id"), text("status")) else {
        return Ok(bad(400, "\"partner_id\", \"task_id\" and \"status\" are required"));
    };
    if !["IN_PROGRESS", "SUCCEEDED", "FAILED"].contains(&status.as_str()) {
        return Ok(bad(400, "\"status\" must be IN_PROGRESS (hold), SUCCEEDED or FAILED"));
    }
    let reason = text("reason");
    let known_reasons = match pcentral_model::model().shape("ProfileValidationErrorReason") {
        Some(pcentral_model::shapes::Shape::String { enum_values: Some(values), .. }) => values.clone(),
        _ => Vec::new(),
    };
    if let Some(r) = reason.as_deref().filter(|r| !known_reasons.iter().any(|k| k == r)) {
        return Ok(bad(400, format!("\"reason\" {r} is not one of: {}", known_reasons.join(", "))));
    }
    let outcome = write(state.store.as_ref(), |tx| {
        let (now, _) = service_now(tx, wall_ms())?;
        pcentral_core::profiles::force_task(tx, now, &partner_id, &task_id, &status, reason.clone(), text("message"))
    })?;
    Ok(match outcome {
        Ok(()) => ok(json!({"partner_id": partner_id, "task_id": task_id, "status": status})),
        Err(e) => force_error(e),
    })
}

/// `{"catalog", "task_id", "action": "complete" | "hold"}`
fn force_qualifications_task(state: &AppState, input: &Value) -> OpResult<AdminReply> {
    let text = |name: &str| input.get(name).and_then(Value::as_str).map(str::to_string);
    let (Some(catalog), Some(task_id), Some(action)) = (text("catalog"), text("task_id"), text("action")) else {
        return Ok(bad(400, "\"catalog\", \"task_id\" and \"action\" are required"));
    };
    if action != "complete" && action != "hold" {
        return Ok(bad(400, "\"action\" must be complete or hold"));
    }
    let outcome = write(state.store.as_ref(), |tx| {
        let (now, _) = service_now(tx, wall_ms())?;
        pcentral_core::qualifications::force_task(tx, now, &catalog, &task_id, &action)
    })?;
    Ok(match outcome {
        Ok(()) => ok(json!({"catalog": catalog, "task_id": task_id, "action": action})),
        Err(e) => force_error(e),
    })
}

fn complete_verification(state: &AppState, token: &str) -> OpResult<AdminReply> {
    let outcome = write(state.store.as_ref(), |tx| {
        let (now, stored) = service_now(tx, wall_ms())?;
        let settings = stored.unwrap_or_else(|| state.settings.clone());
        pcentral_core::verification::complete_by_token(tx, token, now, &settings)
    })?;
    Ok(match outcome {
        Ok(view) => {
            ok(json!({"message": "Verification step completed; you can close this page.", "verification": view}))
        }
        Err(message) => bad(if message.starts_with("unknown") { 404 } else { 409 }, message),
    })
}

/// `{"account", "display_name"?, "seller_profile"?: {"id", "name"}}`: create or replace.
fn put_account(state: &AppState, input: &Value) -> OpResult<AdminReply> {
    let record: pcentral_core::store::AccountRecord = match serde_json::from_value(input.clone()) {
        Ok(r) => r,
        Err(e) => {
            return Ok(bad(
                400,
                format!("expected {{\"account\", \"display_name\"?, \"seller_profile\"?: {{\"id\", \"name\"}}}}: {e}"),
            ))
        }
    };
    if let Err(message) = pcentral_core::accounts::validate(&record) {
        return Ok(bad(400, message));
    }
    write(state.store.as_ref(), |tx| Ok(tx.put_account(&record)?))?;
    Ok(ok(json!(record)))
}

/// `{}` (every business record), `{"account"}`, `{"catalog"}`, both, or `{"everything": true}`.
fn reset(state: &AppState, input: &Value) -> OpResult<AdminReply> {
    let Some(fields) = input.as_object() else {
        return Ok(bad(400, "expected a JSON object"));
    };
    if let Some(unknown) = fields.keys().find(|k| !["account", "catalog", "everything"].contains(&k.as_str())) {
        return Ok(bad(400, format!("unknown reset option {unknown:?} (account, catalog, everything)")));
    }
    let text = |name: &str| input.get(name).and_then(Value::as_str).map(str::to_string);
    let scope = pcentral_core::store::ResetScope {
        account: text("account"),
        catalog: text("catalog"),
        everything: input.get("everything").and_then(Value::as_bool).unwrap_or(false),
    };
    if let Some(a) = &scope.account {
        if a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(bad(400, "\"account\" must be a 12-digit AWS account id"));
        }
    }
    if let Some(c) = &scope.catalog {
        if !pcentral_model::CATALOGS.contains(&c.as_str()) {
            return Ok(bad(400, format!("\"catalog\" must be one of {}", pcentral_model::CATALOGS.join(", "))));
        }
    }
    if scope.everything && (scope.account.is_some() || scope.catalog.is_some()) {
        return Ok(bad(400, "\"everything\" cannot be combined with \"account\" or \"catalog\""));
    }
    write(state.store.as_ref(), |tx| Ok(tx.reset(&scope)?))?;
    Ok(ok(json!({"reset": {"account": scope.account, "catalog": scope.catalog, "everything": scope.everything}})))
}

fn export(state: &AppState, include_secrets: bool) -> OpResult<Value> {
    read(state.store.as_ref(), |tx| {
        let (now, _) = service_now(tx, wall_ms())?;
        let fixture = pcentral_core::fixtures::export(tx, now, include_secrets, &|s| state.credentials.key.decrypt(s))?;
        Ok(json!(fixture))
    })
}

/// Load a fixture in one write transaction. `Ok(Err(message))` when it was
/// refused (nothing stored); the message names the offending record.
pub fn seed(state: &AppState, doc: &Value) -> OpResult<Result<Value, String>> {
    let loaded = write(state.store.as_ref(), |tx| {
        let (now, stored) = service_now(tx, wall_ms())?;
        let settings = stored.unwrap_or_else(|| state.settings.clone());
        let fixture = pcentral_core::fixtures::parse(doc.clone(), now, &settings, &mut RandomIds)
            .map_err(pcentral_core::fixtures::refused)?;
        pcentral_core::fixtures::seed(tx, &fixture, &|s| state.credentials.key.encrypt(s))?;
        Ok(json!({
            "seeded": {
                "accounts": fixture.accounts.len(),
                "partners": fixture.partners.len(),
                "profile_tasks": fixture.profile_tasks.len(),
                "invitations": fixture.invitations.len(),
                "connections": fixture.connections.len(),
                "credentials": fixture.credentials.as_ref().map_or(0, Vec::len),
            }
        }))
    });
    match loaded {
        Ok(counts) => Ok(Ok(counts)),
        Err(Failure::Api(e)) => Ok(Err(e.message)),
        Err(other) => Err(other),
    }
}

/// `pcentral serve --seed FILE`: load the fixture when the store holds no records yet
/// (so that a restart, or a second node with the same flag, does not load it twice).
pub fn seed_at_start(state: &AppState, path: &std::path::Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("seed: cannot read {}: {e}", path.display()))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("seed: {} is not JSON: {e}", path.display()))?;
    let empty = read(state.store.as_ref(), |tx| Ok(tx.all_records()? == Default::default()))
        .map_err(|f| format!("seed: {}", f.into_api_error().message))?;
    if !empty {
        tracing::info!(file = %path.display(), "the store already holds records; --seed skipped");
        return Ok(());
    }
    match seed(state, &doc).map_err(|f| format!("seed: {}", f.into_api_error().message))? {
        Ok(counts) => {
            tracing::info!(file = %path.display(), %counts, "fixture loaded");
            Ok(())
        }
        Err(message) => Err(format!("seed {}: {message}", path.display())),
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
    fn durations() {
        assert_eq!(parse_duration("31d"), Some(31 * 86_400_000));
        assert_eq!(parse_duration("90m"), Some(90 * 60_000));
        assert_eq!(parse_duration("1h30m"), Some(90 * 60_000));
        assert_eq!(parse_duration("3600s"), Some(3_600_000));
        for bad in ["", "31", "d", "5w", "-1d"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn query_params_are_decoded() {
        assert_eq!(query_param("address=a%40b.com&x=1", "address").as_deref(), Some("a@b.com"));
        assert_eq!(query_param("x=1", "address"), None);
    }
}
