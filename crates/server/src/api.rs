//! One API call, start to finish: authenticate the raw request, route on
//! `X-Amz-Target`, read the body, validate it against the model, run the
//! operation in one store transaction, and encode the answer.

use std::sync::Arc;

use pcentral_core::store::{read, write};
use pcentral_core::{Caller, Failure};
use pcentral_model::{check_input, model, ApiError, ErrorKind};
use serde_json::Value;

use crate::app::{AppState, RandomIds};
use crate::credentials::{authenticate, lookup_in};
use crate::faults;
use crate::json_body;
use crate::sigv4::RequestParts;

/// Largest accepted request body.
pub const MAX_BODY: usize = 1024 * 1024;

/// What the HTTP layer sends back.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    /// `x-amzn-ErrorType` for error answers.
    pub error_type: Option<&'static str>,
}

impl Reply {
    pub fn ok(body: Value) -> Reply {
        Reply { status: 200, body, error_type: None }
    }

    pub fn error(e: &ApiError) -> Reply {
        Reply { status: e.status(), body: e.body(), error_type: Some(e.kind.type_name()) }
    }
}

/// Facts about a call for logs.
#[derive(Debug, Default, Clone)]
pub struct CallInfo {
    pub account: Option<String>,
    pub operation: Option<String>,
    /// The answer was replayed for a repeated ClientToken.
    pub replayed: bool,
    /// Storage failed under the call.
    pub store_error: bool,
}

/// The operation named by an `X-Amz-Target` value, if the model has it.
pub fn operation_of(target: Option<&str>) -> Result<String, ApiError> {
    let m = model();
    let unknown = |t: &str| ApiError::new(ErrorKind::UnknownOperation, None, format!("Unknown operation {t}"));
    let target = target.ok_or_else(|| unknown("(no X-Amz-Target header)"))?;
    let name =
        target.strip_prefix(&m.target_prefix).and_then(|rest| rest.strip_prefix('.')).ok_or_else(|| unknown(target))?;
    if m.operation(name).is_none() {
        return Err(unknown(target));
    }
    Ok(name.to_string())
}

/// Handle an API request whose body is already read (and within the size limit).
/// The work runs on a blocking thread: signature checks, JSON and storage are synchronous.
pub async fn handle(state: Arc<AppState>, req: OwnedRequest) -> (Reply, CallInfo) {
    let outcome = tokio::task::spawn_blocking(move || {
        let mut info = CallInfo::default();
        let reply = match process(&state, &req, &mut info) {
            Ok(body) => Reply::ok(body),
            Err(e) => Reply::error(&e),
        };
        (reply, info)
    })
    .await;
    outcome.unwrap_or_else(|e| (Reply::error(&ApiError::internal(format!("worker failed: {e}"))), CallInfo::default()))
}

/// A request as received, owned so that it can move to a blocking thread.
pub struct OwnedRequest {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl OwnedRequest {
    fn parts(&self) -> RequestParts<'_> {
        RequestParts {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            body: &self.body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn process(state: &AppState, req: &OwnedRequest, info: &mut CallInfo) -> Result<Value, ApiError> {
    let (caller, operation) = authenticate_and_route(state, req)?;
    info.account = Some(caller.account.clone());
    info.operation = Some(operation.clone());
    if pcentral_core::handler(&operation).is_none() {
        // An operation not built yet says so whatever its input.
        return Err(pcentral_core::operations::not_implemented(&operation));
    }
    let input = json_body::parse(&req.body).map_err(ApiError::serialization)?;
    check_input(&operation, &input)?;
    let readonly = model().operation(&operation).is_some_and(|op| op.readonly);
    let injected =
        faults::plan_for_call(state.store.as_ref(), &operation, &caller.account).map_err(Failure::into_api_error)?;
    if injected.delay_ms > 0 {
        // A blocking thread: sleeping here holds no async worker.
        std::thread::sleep(std::time::Duration::from_millis(injected.delay_ms));
    }
    if let Some(e) = injected.before {
        return Err(e);
    }
    let result = run_operation(state, &caller, &operation, input, readonly, info)?;
    match injected.after_commit {
        Some(e) => Err(e),
        None => Ok(result),
    }
}

fn authenticate_and_route(state: &AppState, req: &OwnedRequest) -> Result<(Caller, String), ApiError> {
    let wall = crate::app::wall_ms() / 1000;
    let auth = authenticate(&state.credentials, &req.parts(), wall, |key_id| {
        read(state.store.as_ref(), |tx| lookup_in(tx, key_id))
    })
    .map_err(Failure::into_api_error)?;
    let who = auth.map_err(|e| {
        let kind = match e.error_type() {
            "MissingAuthenticationTokenException" => ErrorKind::MissingAuthenticationToken,
            "IncompleteSignatureException" => ErrorKind::IncompleteSignature,
            "UnrecognizedClientException" => ErrorKind::UnrecognizedClient,
            _ => ErrorKind::InvalidSignature,
        };
        ApiError::new(kind, None, e.message())
    })?;
    let operation = operation_of(req.header("x-amz-target"))?;
    let endpoint = format!("http://{}", req.header("host").unwrap_or("127.0.0.1:4599"));
    Ok((Caller { account: who.account, region: who.region, endpoint }, operation))
}

fn run_operation(
    state: &AppState,
    caller: &Caller,
    operation: &str,
    input: Value,
    readonly: bool,
    info: &mut CallInfo,
) -> Result<Value, ApiError> {
    let wall = crate::app::wall_ms();
    let settings = &state.settings;
    let body = |tx: &mut dyn pcentral_core::Tx| {
        pcentral_core::operations::execute(tx, &mut RandomIds, caller, operation, input.clone(), wall, settings)
    };
    let result = if readonly { read(state.store.as_ref(), body) } else { write(state.store.as_ref(), body) };
    info.store_error = matches!(result, Err(Failure::Store(_)));
    result
        .map(|outcome| {
            info.replayed = outcome.replayed;
            outcome.response
        })
        .map_err(|f| {
            let e = f.into_api_error();
            if e.kind == ErrorKind::InternalServer {
                tracing::error!(operation, error = %e.message, "operation failed");
            }
            e
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_uses_the_target_prefix_and_the_model() {
        assert_eq!(operation_of(Some("PartnerCentralAccount.GetConnection")).ok(), Some("GetConnection".to_string()));
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
