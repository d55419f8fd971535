//! One API call, start to finish: check the request's head before its body
//! is read ([`admit`]: the signature's form, the key, the signed headers, the
//! scope (its service must be the signing name of the service the target
//! routes to), the date), then with the body check the signature, route on
//! `X-Amz-Target` (its prefix picks the service, the rest the operation of
//! that service's model), validate the body against that model, run the
//! operation from the service's handler table in one store transaction, and
//! encode the answer ([`handle`]). The protocol (awsJson1.0) is the same for
//! every service; only the table row differs.

use std::borrow::Cow;
use std::sync::Arc;

use hyper::HeaderMap;
use pcentral_core::store::{read, write};
use pcentral_core::{Caller, Failure};
use pcentral_model::{check_input, ApiError, ErrorKind, Operation, WireJson};
use serde_json::Value;

use crate::app::{AppState, RandomIds};
use crate::credentials::{authorization, claim, confirm, needs_lookup, Claimed};
use crate::faults;
use crate::json_body;
use crate::sigv4::RequestParts;
use pcentral_core::faults as fault;

/// Largest accepted request body.
pub const MAX_BODY: usize = 1024 * 1024;

/// What the HTTP layer sends back.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// The body's JSON text, sent as it is.
    pub body: WireJson,
    /// `x-amzn-ErrorType` for error answers.
    pub error_type: Option<&'static str>,
}

impl Reply {
    pub fn ok(body: WireJson) -> Reply {
        Reply { status: 200, body, error_type: None }
    }

    pub fn error(e: &ApiError) -> Reply {
        Reply { status: e.status(), body: WireJson::of_value(&e.body()), error_type: Some(e.kind.type_name()) }
    }
}

/// Facts about a call for logs.
#[derive(Debug, Default, Clone)]
pub struct CallInfo {
    pub account: Option<String>,
    /// The operation the request's `X-Amz-Target` names, when the model has
    /// it; known from the head, so a request refused before it runs (its
    /// signature, its body) is logged with it too.
    pub operation: Option<Operation>,
    /// The answer was replayed for a repeated ClientToken.
    pub replayed: bool,
    /// Storage failed under the call.
    pub store_error: bool,
    /// For a key of an IAM user: the decision and the statement that made it.
    pub iam: Option<String>,
}

/// The operation named by an `X-Amz-Target` value, if the model has it.
pub fn operation_of(target: Option<&str>) -> Result<Operation, ApiError> {
    let unknown = |t: &str| ApiError::new(ErrorKind::UnknownOperation, format!("Unknown operation {t}"));
    let target = target.ok_or_else(|| unknown("(no X-Amz-Target header)"))?;
    Operation::from_target(target).ok_or_else(|| unknown(target))
}

/// The checks of a request's head that need no body (a registered key is
/// looked up in the store: on the blocking pool unless the store is local).
pub async fn admit(state: &Arc<AppState>, head: Head) -> (Head, Result<Claimed, ApiError>) {
    let auth = match authorization(&head.parts(&[])) {
        Ok(auth) => auth,
        Err(refusal) => return (head, Err(refusal.into())),
    };
    let inline = state.store.reads_are_local() || !needs_lookup(&state.credentials, &auth);
    let check = |state: &AppState, head: &Head, auth| {
        let wall = crate::app::wall_ms() / 1000;
        claim(&state.credentials, &head.parts(&[]), auth, wall, |key_id| {
            state.keys.find(state.store.as_ref(), &state.credentials, key_id)
        })
        .map_err(ApiError::from)
    };
    if inline {
        let result = check(state, &head, auth);
        return (head, result);
    }
    let moved = state.clone();
    tokio::task::spawn_blocking(move || {
        let result = check(&moved, &head, auth);
        (head, result)
    })
    .await
    .unwrap_or_else(|e| {
        let empty =
            Head { method: String::new(), path: String::new(), query: String::new(), headers: HeaderMap::new() };
        (empty, Err(worker_failed(&e)))
    })
}

/// Handle an API request admitted by [`admit`], its body read (and within
/// the size limit). Signature checks, JSON and storage are synchronous: a
/// read on a local store runs right here (it never waits long); anything
/// else moves to a blocking thread, so that no async worker waits for a disk
/// or a network. A delay injected by a fault rule is waited out here, before
/// answering.
pub async fn handle(state: Arc<AppState>, claimed: Claimed, req: OwnedRequest) -> (Reply, CallInfo) {
    let operation = operation_of(req.head.header("x-amz-target").as_deref());
    let readonly = operation.as_ref().is_ok_and(|o| pcentral_core::operations::reads_only(*o));
    let (reply, info, delay_ms) = if readonly && state.store.reads_are_local() {
        answer(&state, &claimed, &req, operation)
    } else {
        // Wait for a store connection in arrival order (a remote store's pool
        // would let late callers overtake early ones), then move to a thread.
        let _slot = match &state.store_slots {
            Some(slots) => slots.clone().acquire_owned().await.ok(),
            None => None,
        };
        tokio::task::spawn_blocking(move || answer(&state, &claimed, &req, operation))
            .await
            .unwrap_or_else(|e| (Reply::error(&worker_failed(&e)), CallInfo::default(), 0))
    };
    if delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
    }
    (reply, info)
}

/// A worker thread that failed (panicked): the details go to the log, the
/// client gets the generic internal error.
fn worker_failed(e: &tokio::task::JoinError) -> ApiError {
    tracing::error!(error = %e, "API worker failed");
    ApiError::internal("Internal error")
}

/// The reply, what the logs record, and the delay fault rules asked for.
/// `operation`: what the request's `X-Amz-Target` names ([`operation_of`]).
fn answer(
    state: &AppState,
    claimed: &Claimed,
    req: &OwnedRequest,
    operation: Result<Operation, ApiError>,
) -> (Reply, CallInfo, u64) {
    let mut info = CallInfo { operation: operation.as_ref().ok().copied(), ..CallInfo::default() };
    let (result, delay_ms) = process(state, claimed, req, operation, &mut info);
    let reply = match result {
        Ok(body) => Reply::ok(body),
        Err(e) => Reply::error(&e),
    };
    (reply, info, delay_ms)
}

/// A request's method, target and headers as received, owned so that they
/// can move to a blocking thread.
pub struct Head {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
}

impl Head {
    /// The head of `parts`, whose headers move here (left empty in `parts`).
    pub fn take(parts: &mut hyper::http::request::Parts) -> Head {
        Head {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().unwrap_or_default().to_string(),
            headers: std::mem::take(&mut parts.headers),
        }
    }

    fn parts<'a>(&'a self, body: &'a [u8]) -> RequestParts<'a> {
        RequestParts { method: &self.method, path: &self.path, query: &self.query, headers: &self.headers, body }
    }

    /// The first value of the header `name`; bytes that are not UTF-8 read as U+FFFD.
    fn header(&self, name: &str) -> Option<Cow<'_, str>> {
        self.headers.get(name).map(crate::sigv4::text_of)
    }
}

/// A whole request: its head and its body.
pub struct OwnedRequest {
    pub head: Head,
    /// As read from the connection (not copied).
    pub body: bytes::Bytes,
    /// The client's address (`aws:SourceIp`): the peer's, or the one a trusted proxy forwarded.
    pub remote: Option<std::net::IpAddr>,
    /// Whether a trusted proxy says the client used TLS (`aws:SecureTransport`).
    pub secure: bool,
}

fn process(
    state: &AppState,
    claimed: &Claimed,
    req: &OwnedRequest,
    operation: Result<Operation, ApiError>,
    info: &mut CallInfo,
) -> (Result<WireJson, ApiError>, u64) {
    let checked = authenticate_and_route(claimed, req, operation).and_then(|(caller, operation, user)| {
        info.account = Some(caller.account.to_string());
        let input = json_body::parse(&req.body).map_err(ApiError::serialization)?;
        check_input(operation, &input)?;
        // An operation not built yet says so where it would run (after the
        // fault rules): `pcentral_core::execute`.
        Ok((caller, operation, input, user))
    });
    match checked {
        Ok((caller, operation, input, user)) => {
            // A key of an IAM user: its policies decide the call inside the
            // operation's transaction, before anything else runs
            // (docs/security.md#iam-users-and-policies).
            let gate = user.as_deref().map(|user| {
                let who = crate::authorize::Principal {
                    account: &caller.account,
                    user,
                    region: &caller.region,
                    source_ip: req.remote,
                    secure: req.secure,
                };
                crate::authorize::Gate::new(&state.policies, state.store.commits(), who, operation, &input)
            });
            let answer = run_operation(state, &caller, operation, &input, gate.as_ref(), info);
            info.iam = gate.as_ref().and_then(crate::authorize::Gate::line);
            answer
        }
        Err(e) => (Err(e), 0),
    }
}

fn authenticate_and_route(
    claimed: &Claimed,
    req: &OwnedRequest,
    operation: Result<Operation, ApiError>,
) -> Result<(Caller, Operation, Option<String>), ApiError> {
    let who = confirm(claimed, &req.head.parts(&req.body))?;
    let operation = operation?;
    let endpoint = format!("http://{}", req.head.header("host").as_deref().unwrap_or("127.0.0.1:4599"));
    Ok((Caller { account: who.account, region: who.region, endpoint }, operation, who.user))
}

/// What one call's transaction decided.
enum Ran {
    /// A fault rule answers instead of the operation.
    Refused(ApiError),
    /// The operation ran; a fault rule may answer an error after its commit.
    Done(pcentral_core::Outcome, Option<ApiError>),
    /// A fault rule with a count matches: it is counted in its own transaction first.
    Counted,
}

/// What one transaction of a call answers: how it ran, and the delay (ms)
/// the fault rules ask for.
type Attempt = pcentral_core::OpResult<(Ran, u64)>;

/// Run the operation in one transaction (a read transaction for read-only
/// operations), the fault rules read and applied in that same transaction;
/// answers the result and the delay the rules ask for.
fn run_operation(
    state: &AppState,
    caller: &Caller,
    operation: Operation,
    input: &Value,
    gate: Option<&crate::authorize::Gate<'_>>,
    info: &mut CallInfo,
) -> (Result<WireJson, ApiError>, u64) {
    let wall = crate::app::wall_ms();
    let settings = &state.settings;
    let account = &caller.account;
    let execute = |tx: &mut dyn pcentral_core::Tx| {
        pcentral_core::execute(tx, &mut RandomIds, caller, operation, input, wall, settings)
    };
    // The throttling decision, taken once per call (a transaction run again keeps it).
    let decided: std::cell::RefCell<Option<Result<(), ApiError>>> = std::cell::RefCell::new(None);
    let throttled = |tx: &mut dyn pcentral_core::Tx| -> pcentral_core::OpResult<Option<ApiError>> {
        if let Some(d) = decided.borrow().as_ref() {
            return Ok(d.clone().err());
        }
        let (now, service) = pcentral_core::clock::service_now(tx, wall)?;
        let d = state.throttle.admit(service.settings_or(settings), operation, account, now);
        *decided.borrow_mut() = Some(d.clone());
        Ok(d.err())
    };
    let allowed = |tx: &mut dyn pcentral_core::Tx| -> pcentral_core::OpResult<Option<ApiError>> {
        match gate {
            Some(gate) => gate.check(tx, wall),
            None => Ok(None),
        }
    };
    let in_one = |tx: &mut dyn pcentral_core::Tx| {
        if let Some(e) = allowed(tx)? {
            return Ok((Ran::Refused(e), 0));
        }
        let rules = tx.fault_rules()?;
        if rules.iter().any(|r| fault::matches(r, operation, account) && r.remaining.is_some()) {
            return Ok((Ran::Counted, 0));
        }
        let (plan, _) = fault::plan(&rules, operation, account, faults::random_roll);
        if let Some(e) = plan.before {
            return Ok((Ran::Refused(e), plan.delay_ms));
        }
        if let Some(e) = throttled(tx)? {
            return Ok((Ran::Refused(e), plan.delay_ms));
        }
        Ok((Ran::Done(execute(tx)?, plan.after_commit), plan.delay_ms))
    };
    let store = state.store.as_ref();
    let transaction = |body: &dyn Fn(&mut dyn pcentral_core::Tx) -> Attempt| {
        if pcentral_core::operations::reads_only(operation) {
            read(store, body)
        } else {
            write(store, body)
        }
    };
    let counted = || -> Attempt {
        // Rare (tests that count a rule's firings): count it down, then run;
        // a call its policies refuse counts nothing down.
        if let Some(e) = read(store, allowed)? {
            return Ok((Ran::Refused(e), 0));
        }
        let plan = faults::plan_for_call(store, operation, account)?;
        if let Some(e) = plan.before {
            return Ok((Ran::Refused(e), plan.delay_ms));
        }
        let (ran, _) = transaction(&|tx| match throttled(tx)? {
            Some(e) => Ok((Ran::Refused(e), 0)),
            None => Ok((Ran::Done(execute(tx)?, plan.after_commit.clone()), 0)),
        })?;
        Ok((ran, plan.delay_ms))
    };
    let ran = match transaction(&in_one) {
        Ok((Ran::Counted, _)) => counted(),
        other => other,
    };
    match ran {
        Ok((Ran::Done(outcome, after_commit), delay)) => {
            info.replayed = outcome.replayed;
            (after_commit.map_or(Ok(outcome.response), Err), delay)
        }
        Ok((Ran::Refused(e), delay)) => (Err(e), delay),
        Ok((Ran::Counted, delay)) => (Err(ApiError::internal("fault rules changed during the call")), delay),
        Err(f) => (Err(failed(operation, f, info)), 0),
    }
}

/// The client's answer for a failed call; storage failures are logged here
/// with their details, which the client never sees.
fn failed(operation: Operation, failure: Failure, info: &mut CallInfo) -> ApiError {
    if let Failure::Store(e) = &failure {
        info.store_error = true;
        tracing::error!(%operation, error = %e, "storage failed");
    }
    let e = failure.into_api_error();
    if let Some(setting) = e.setting {
        tracing::info!(%operation, setting, reason = e.reason.unwrap_or("-"), "refused by a setting");
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcentral_core::operations::{is_served, not_implemented};

    #[test]
    fn the_prefix_picks_the_service_and_names_collide_across_services() {
        use pcentral_model::{account, selling, Service};
        let tag = |prefix: &str| operation_of(Some(&format!("{prefix}.TagResource"))).ok();
        assert_eq!(tag("PartnerCentralAccount"), Some(Operation::Account(account::Operation::TagResource)));
        assert_eq!(tag("AWSPartnerCentralSelling"), Some(Operation::Selling(selling::Operation::TagResource)));
        let list = operation_of(Some("AWSPartnerCentralSelling.ListOpportunities")).ok();
        assert_eq!(list.map(Operation::service), Some(Service::Selling));
        for bad in ["PartnerCentralAccount.ListOpportunities", "AWSPartnerCentralSelling.CreatePartner"] {
            let e = operation_of(Some(bad)).expect_err("not an operation of that service");
            assert_eq!(
                (e.kind, e.message.as_str()),
                (ErrorKind::UnknownOperation, &*format!("Unknown operation {bad}"))
            );
        }
        for op in Service::Selling.operations() {
            if !is_served(op) {
                let e = not_implemented(op);
                assert_eq!((e.status(), e.kind.type_name()), (501, "NotImplementedException"));
                assert!(e.message.starts_with(op.name()), "{}", e.message);
            }
        }
    }

    #[test]
    fn routing_uses_the_target_prefix_and_the_model() {
        assert_eq!(
            operation_of(Some("PartnerCentralAccount.GetConnection")).ok(),
            Some(Operation::Account(pcentral_model::account::Operation::GetConnection))
        );
        for bad in [
            None,
            Some("PartnerCentralAccount.Nope"),
            Some("Other.GetConnection"),
            Some("PartnerCentralAccountGetConnection"),
        ] {
            assert_eq!(operation_of(bad).map_err(|e| e.kind), Err(ErrorKind::UnknownOperation));
        }
    }
}
