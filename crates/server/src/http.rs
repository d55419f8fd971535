//! The HTTP listener: reads each request (at most 1 MiB of body), sends it to
//! the API or the admin API, and writes the answer with `x-amzn-RequestId`
//! and an accurate `Date`. One log line (span) per request.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE, DATE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use pcentral_model::{ApiError, ErrorKind};
use tokio::net::TcpListener;
use tracing::Instrument;

use crate::admin;
use crate::api::{self, OwnedRequest, Reply, MAX_BODY};
use crate::app::{admin_allowed, AppState};
use crate::console;
use crate::observe::RequestEntry;

/// Serve until `shutdown` completes, then let in-flight requests finish.
pub async fn serve(listener: TcpListener, state: Arc<AppState>, shutdown: impl std::future::Future<Output = ()>) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, remote) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let state = state.clone();
                let service = service_fn(move |req| {
                    let state = state.clone();
                    async move { Ok::<_, Infallible>(respond(state, req, remote).await) }
                });
                let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, "connection closed with error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
}

/// Answer one request inside its own span (`request` with the request id), so
/// that every log line about it carries the id.
async fn respond(state: Arc<AppState>, req: Request<Incoming>, remote: SocketAddr) -> Response<Full<Bytes>> {
    let request_id = uuid::Uuid::new_v4().to_string();
    let span = tracing::info_span!("request", request_id = %request_id);
    respond_in_span(state, req, remote, request_id).instrument(span).await
}

async fn respond_in_span(
    state: Arc<AppState>,
    req: Request<Incoming>,
    remote: SocketAddr,
    request_id: String,
) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let is_api = parts.headers.contains_key("x-amz-target");
    let path = parts.uri.path().to_string();
    let body = read_body(body).await;
    let Some(body) = body else {
        let e =
            ApiError::new(ErrorKind::RequestEntityTooLarge, format!("Request body is larger than {MAX_BODY} bytes"));
        return finish(&state, Reply::error(&e), &request_id, started, api::CallInfo::default());
    };

    if !is_api && path.starts_with("/_pcentral/") {
        let presented = console::presented_token(&parts.headers);
        let allowed = admin_allowed(remote.ip(), state.admin_token.as_deref(), presented.as_deref());
        if console::is_console_path(&path) {
            let state = state.clone();
            let request = console::Request {
                method: parts.method.to_string(),
                path: path.clone(),
                query: parts.uri.query().unwrap_or_default().to_string(),
                body: body.to_vec(),
                remote: remote.ip(),
                allowed,
            };
            let page = tokio::task::spawn_blocking(move || console::handle(&state, &request))
                .await
                .unwrap_or_else(|e| console::Reply::failure(&format!("console worker failed: {e}")));
            tracing::info!(method = %parts.method, path, status = page.status, latency_ms = started.elapsed().as_secs_f64() * 1000.0, "console");
            return console_response(page, &request_id);
        }
        let reply = if allowed {
            let state = state.clone();
            let method = parts.method.to_string();
            let query = parts.uri.query().unwrap_or_default().to_string();
            let path = path.clone();
            tokio::task::spawn_blocking(move || admin::handle(&state, &method, &path, &query, &body))
                .await
                .unwrap_or_else(|e| Err(admin::AdminError::Internal(format!("admin worker failed: {e}"))))
        } else {
            Err(admin::AdminError::Forbidden(
                "admin API: loopback only, or send x-pcentral-admin-token (or the console's sign-in cookie)".into(),
            ))
        };
        let status = reply.as_ref().map_or_else(admin::AdminError::status, |_| 200);
        tracing::info!(method = %parts.method, path, status, latency_ms = started.elapsed().as_secs_f64() * 1000.0, "admin");
        return match reply {
            Ok(admin::AdminBody::Text(text)) => text_response(200, &text, &request_id),
            Ok(admin::AdminBody::Json(body)) => response(200, &body, "application/json", &request_id, None),
            Err(e) => {
                response(e.status(), &serde_json::json!({"error": e.message()}), "application/json", &request_id, None)
            }
        };
    }

    let owned = OwnedRequest {
        method: parts.method.to_string(),
        path: path.clone(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: body.to_vec(),
    };
    let (reply, info) = api::handle(state.clone(), owned).await;
    finish(&state, reply, &request_id, started, info)
}

/// Read the body, keeping at most `MAX_BODY` bytes. A larger body is drained
/// (up to a bound) before the 413 answer, so that a client still writing reads
/// the answer instead of a broken connection.
async fn read_body(mut body: Incoming) -> Option<Bytes> {
    const DRAIN_LIMIT: usize = 64 * 1024 * 1024;
    let mut kept = bytes::BytesMut::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { return None };
        if let Ok(data) = frame.into_data() {
            seen += data.len();
            if seen <= MAX_BODY {
                kept.extend_from_slice(&data);
            } else if seen > DRAIN_LIMIT {
                break;
            }
        }
    }
    (seen <= MAX_BODY).then(|| kept.freeze())
}

fn finish(
    state: &AppState,
    reply: Reply,
    request_id: &str,
    started: Instant,
    info: api::CallInfo,
) -> Response<Full<Bytes>> {
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(
        account = info.account.as_deref().unwrap_or("-"),
        operation = info.operation.as_deref().unwrap_or("-"),
        status = reply.status,
        error = reply.error_type.unwrap_or("-"),
        latency_ms,
        "api"
    );
    state.observe.record(
        RequestEntry {
            time: pcentral_model::timestamp::format(crate::app::wall_ms()),
            request_id: request_id.to_string(),
            account: info.account,
            operation: info.operation,
            status: reply.status,
            error_type: reply.error_type.map(str::to_string),
            latency_ms,
            replayed: info.replayed,
        },
        info.store_error,
    );
    response(reply.status, &reply.body, "application/x-amz-json-1.0", request_id, reply.error_type)
}

/// A console page or asset, with its own headers (content security policy, cookies).
fn console_response(page: console::Reply, request_id: &str) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(page.body)));
    *resp.status_mut() = StatusCode::from_u16(page.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = resp.headers_mut();
    for (name, value) in page.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.append(name, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", v);
    }
    if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(SystemTime::now())) {
        headers.insert(DATE, v);
    }
    resp
}

fn text_response(status: u16, text: &str, request_id: &str) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(text.to_string())));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = resp.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", v);
    }
    if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(SystemTime::now())) {
        headers.insert(DATE, v);
    }
    resp
}

fn response(
    status: u16,
    body: &serde_json::Value,
    content_type: &'static str,
    request_id: &str,
    error_type: Option<&'static str>,
) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = resp.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", v);
    }
    if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(SystemTime::now())) {
        headers.insert(DATE, v);
    }
    if let Some(t) = error_type {
        headers.insert("x-amzn-ErrorType", HeaderValue::from_static(t));
    }
    resp
}
