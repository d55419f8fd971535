//! The HTTP listener: reads each request (at most 1 MiB of body, except a
//! fixture upload), sends it to the API or the admin API, and writes the
//! answer with `x-amzn-RequestId` and an accurate `Date`. One log line (span)
//! per request. The two admin calls that move whole fixtures stream: an
//! upload to `/_pcentral/seed` is spooled to a temporary file as it arrives
//! and stored from there, and `/_pcentral/export` is sent as the store reads
//! it, so neither holds a fixture in memory.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::{Frame, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE, DATE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use pcentral_model::{ApiError, ErrorKind};
use tokio::net::TcpListener;
use tracing::Instrument;

use crate::admin::{self, AdminError};
use crate::api::{self, OwnedRequest, Reply, MAX_BODY};
use crate::app::{admin_allowed, AppState};
use crate::console;
use crate::observe::RequestEntry;

/// A response body: whole, or streamed as it is produced (an export).
pub type Body = BoxBody<Bytes, std::io::Error>;

/// The largest fixture `/_pcentral/seed` takes (spooled to a temporary file).
pub const MAX_FIXTURE_BYTES: u64 = 4 << 30;

fn whole(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed()
}

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
async fn respond(state: Arc<AppState>, req: Request<Incoming>, remote: SocketAddr) -> Response<Body> {
    // A version 4 UUID from the thread's generator (no system call per request).
    let request_id = uuid::Builder::from_random_bytes(rand::random()).into_uuid().to_string();
    let span = tracing::info_span!("request", request_id = %request_id);
    respond_in_span(state, req, remote, request_id).instrument(span).await
}

async fn respond_in_span(
    state: Arc<AppState>,
    req: Request<Incoming>,
    remote: SocketAddr,
    request_id: String,
) -> Response<Body> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let is_api = parts.headers.contains_key("x-amz-target");
    let path = parts.uri.path().to_string();
    if !is_api && console::is_console_path(&path) {
        let page = console_request(state, &parts, body, remote).await;
        tracing::info!(method = %parts.method, path, status = page.status().as_u16(), latency_ms = started.elapsed().as_secs_f64() * 1000.0, "console");
        return with_request_id(page, &request_id);
    }
    if !is_api && path.starts_with("/_pcentral/") {
        let reply = admin_request(state, &parts, body, remote).await;
        let status = reply.as_ref().map_or_else(AdminError::status, |r| r.status().as_u16());
        tracing::info!(method = %parts.method, path, status, latency_ms = started.elapsed().as_secs_f64() * 1000.0, "admin");
        let answer = reply.unwrap_or_else(|e| json_response(e.status(), &serde_json::json!({"error": e.message()})));
        return with_request_id(answer, &request_id);
    }
    let Some(body) = read_body(body).await else {
        let e =
            ApiError::new(ErrorKind::RequestEntityTooLarge, format!("Request body is larger than {MAX_BODY} bytes"));
        return finish(&state, Reply::error(&e), &request_id, started, api::CallInfo::default());
    };
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

/// A console page: the console itself answers callers without admin access
/// (with its sign-in form).
async fn console_request(
    state: Arc<AppState>,
    parts: &hyper::http::request::Parts,
    body: Incoming,
    remote: SocketAddr,
) -> Response<Body> {
    let presented = console::presented_token(&parts.headers);
    let allowed = admin_allowed(remote.ip(), state.admin_token.as_deref(), presented.as_deref());
    let Some(body) = read_body(body).await else {
        let e = AdminError::TooLarge(format!("request body is larger than {MAX_BODY} bytes"));
        return json_response(e.status(), &serde_json::json!({"error": e.message()}));
    };
    let request = console::Request {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        body: body.to_vec(),
        remote: remote.ip(),
        allowed,
    };
    let page = tokio::task::spawn_blocking(move || console::handle(&state, &request))
        .await
        .unwrap_or_else(|e| console::Reply::failure(&format!("console worker failed: {e}")));
    console_response(page)
}

/// An admin call: refused before its body is read unless the caller may use
/// the admin API (on loopback, with the admin token, or with the console's
/// sign-in cookie); a fixture upload or export streams, any other call reads
/// its body (at most `MAX_BODY` bytes) and runs on the blocking pool.
async fn admin_request(
    state: Arc<AppState>,
    parts: &hyper::http::request::Parts,
    body: Incoming,
    remote: SocketAddr,
) -> Result<Response<Body>, AdminError> {
    let presented = console::presented_token(&parts.headers);
    if !admin_allowed(remote.ip(), state.admin_token.as_deref(), presented.as_deref()) {
        return Err(AdminError::Forbidden(
            "admin API: loopback only, or send x-pcentral-admin-token (or the console's sign-in cookie)".into(),
        ));
    }
    let method = parts.method.as_str();
    let path = parts.uri.path().trim_end_matches('/');
    let query = parts.uri.query().unwrap_or_default().to_string();
    match (method, path) {
        ("POST", "/_pcentral/seed") => {
            let file = spool(body).await?;
            let answer = blocking(move || admin::seed(&state, &mut std::io::BufReader::new(file))).await?;
            Ok(json_response(200, &answer))
        }
        ("GET", "/_pcentral/export") => {
            let include_secrets = admin::export_includes_secrets(&query);
            stream_export(state, include_secrets).await
        }
        _ => {
            let Some(body) = read_body(body).await else {
                return Err(AdminError::TooLarge(format!("request body is larger than {MAX_BODY} bytes")));
            };
            let (method, path) = (method.to_string(), path.to_string());
            match blocking(move || admin::handle(&state, &method, &path, &query, &body)).await? {
                admin::AdminBody::Text(text) => Ok(text_response(200, &text)),
                admin::AdminBody::Json(value) => Ok(json_response(200, &value)),
            }
        }
    }
}

/// Run an admin tool on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AdminError> + Send + 'static,
) -> Result<T, AdminError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(AdminError::Internal(format!("admin worker failed: {e}"))))
}

/// Write an upload to an anonymous temporary file as it arrives (at most
/// [`MAX_FIXTURE_BYTES`]); answers the file, positioned at its start.
async fn spool(mut body: Incoming) -> Result<std::fs::File, AdminError> {
    use tokio::io::AsyncWriteExt;
    let unspooled = |e: std::io::Error| AdminError::Internal(format!("cannot keep the upload on disk: {e}"));
    let file = tokio::task::spawn_blocking(tempfile_in_temp_dir)
        .await
        .map_err(|e| AdminError::Internal(format!("admin worker failed: {e}")))?
        .map_err(unspooled)?;
    let mut spooled = tokio::io::BufWriter::with_capacity(256 * 1024, tokio::fs::File::from_std(file));
    let mut seen = 0u64;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| AdminError::BadRequest(format!("the upload stopped: {e}")))?;
        if let Ok(data) = frame.into_data() {
            seen += data.len() as u64;
            if seen > MAX_FIXTURE_BYTES {
                return Err(AdminError::TooLarge(format!("a fixture is at most {MAX_FIXTURE_BYTES} bytes")));
            }
            spooled.write_all(&data).await.map_err(unspooled)?;
        }
    }
    spooled.flush().await.map_err(unspooled)?;
    Ok(spooled.into_inner().into_std().await)
}

/// An anonymous file in the system's temporary directory (removed when closed).
fn tempfile_in_temp_dir() -> std::io::Result<std::fs::File> {
    tempfile::tempfile()
}

/// Send the export as the store reads it. The first 64 KiB are produced
/// before the answer starts, so a failure before then (the store does not
/// answer) is still an error status; a failure later cuts the body short,
/// which a client sees as an incomplete response, never as a shorter fixture.
async fn stream_export(state: Arc<AppState>, include_secrets: bool) -> Result<Response<Body>, AdminError> {
    let (sender, mut chunks) = tokio::sync::mpsc::channel(4);
    let worker = tokio::task::spawn_blocking(move || {
        let mut out = ChunkWriter { sender, pending: Vec::with_capacity(CHUNK), sent: false };
        let result = admin::export(&state, include_secrets, &mut out);
        if let Err(e) = &result {
            out.abort(e.message());
        }
        result
    });
    let Some(first) = chunks.recv().await else {
        return match worker.await {
            Ok(Err(e)) => Err(e),
            Ok(Ok(())) => Err(AdminError::Internal("the export wrote nothing".into())),
            Err(e) => Err(AdminError::Internal(format!("admin worker failed: {e}"))),
        };
    };
    let first = first.map_err(|e| AdminError::Internal(e.to_string()))?;
    let body = ChunkBody { first: Some(first), chunks };
    Ok(with_headers(Response::new(body.boxed()), "application/json", None))
}

/// How much of an export is sent at a time.
const CHUNK: usize = 64 * 1024;

/// Hands what is written to the response in chunks of [`CHUNK`] bytes,
/// waiting while the client is slower than the store (the channel is bounded).
struct ChunkWriter {
    sender: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
    pending: Vec<u8>,
    /// Whether a chunk has gone out (an error can then only cut the body).
    sent: bool,
}

impl ChunkWriter {
    fn send(&mut self) -> std::io::Result<()> {
        let chunk = Bytes::from(std::mem::replace(&mut self.pending, Vec::with_capacity(CHUNK)));
        self.sent = true;
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away"))
    }

    /// Cut the body short after a failure (nothing to do before the first chunk).
    fn abort(&mut self, why: &str) {
        if self.sent {
            let _ = self.sender.blocking_send(Err(std::io::Error::other(why.to_string())));
        }
    }
}

impl std::io::Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(data);
        if self.pending.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.pending.is_empty() {
            Ok(())
        } else {
            self.send()
        }
    }
}

/// The body of a streamed export: the chunks as the [`ChunkWriter`] sends them.
struct ChunkBody {
    first: Option<Bytes>,
    chunks: tokio::sync::mpsc::Receiver<std::io::Result<Bytes>>,
}

impl hyper::body::Body for ChunkBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        self.chunks.poll_recv(cx).map(|chunk| chunk.map(|c| c.map(Frame::data)))
    }
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

fn finish(state: &AppState, reply: Reply, request_id: &str, started: Instant, info: api::CallInfo) -> Response<Body> {
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
            time: crate::app::wall_ms(),
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
    let mut resp = Response::new(whole(reply.body.to_string()));
    *resp.status_mut() = status_code(reply.status);
    with_request_id(with_headers(resp, "application/x-amz-json-1.0", reply.error_type), request_id)
}

/// The `Date` header value of this second, formatted once per second per thread.
fn date_now() -> HeaderValue {
    thread_local! {
        static LAST: std::cell::RefCell<(u64, HeaderValue)> =
            const { std::cell::RefCell::new((u64::MAX, HeaderValue::from_static(""))) };
    }
    let now = SystemTime::now();
    let second = now.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != second {
            let formatted = HeaderValue::from_str(&httpdate::fmt_http_date(now));
            *last = (second, formatted.unwrap_or_else(|_| HeaderValue::from_static("")));
        }
        last.1.clone()
    })
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A console page or asset, with its own headers (content security policy, cookies).
fn console_response(page: console::Reply) -> Response<Body> {
    let mut resp = Response::new(whole(page.body));
    *resp.status_mut() = status_code(page.status);
    let headers = resp.headers_mut();
    for (name, value) in page.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.append(name, v);
        }
    }
    headers.insert(DATE, date_now());
    resp
}

fn json_response(status: u16, body: &serde_json::Value) -> Response<Body> {
    let mut resp = Response::new(whole(body.to_string()));
    *resp.status_mut() = status_code(status);
    with_headers(resp, "application/json", None)
}

/// Plain text (the Prometheus metrics).
fn text_response(status: u16, text: &str) -> Response<Body> {
    let mut resp = Response::new(whole(text.to_string()));
    *resp.status_mut() = status_code(status);
    with_headers(resp, "text/plain; version=0.0.4; charset=utf-8", None)
}

/// Content type, `Date`, and the error type of an API error.
fn with_headers(
    mut resp: Response<Body>,
    content_type: &'static str,
    error_type: Option<&'static str>,
) -> Response<Body> {
    let headers = resp.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(DATE, date_now());
    if let Some(t) = error_type {
        headers.insert("x-amzn-ErrorType", HeaderValue::from_static(t));
    }
    resp
}

fn with_request_id(mut resp: Response<Body>, request_id: &str) -> Response<Body> {
    if let Ok(v) = HeaderValue::from_str(request_id) {
        resp.headers_mut().insert("x-amzn-RequestId", v);
    }
    resp
}
