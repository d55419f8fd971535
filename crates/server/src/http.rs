//! The HTTP listener: accepts connections (at most `max_connections` at
//! once, backing off when the system refuses more), reads each request's
//! head within the header timeout, checks it (the API's signature head, the
//! admin gate) before reading its body, reads the body within the body
//! timeout and the shared body memory budget (at most 1 MiB, except a
//! fixture upload), sends it to the API, the admin API or the console, and
//! writes the answer with `x-amzn-RequestId` and an accurate `Date`. One log
//! line (span) per request. The two admin calls that move whole fixtures
//! stream: an upload to `/_pcentral/seed` is spooled to a temporary file as
//! it arrives and stored from there, and `/_pcentral/export` is sent as the
//! store reads it, so neither holds a fixture in memory. docs/security.md
//! has every limit. While the node starts, [`answer_starting`] answers every
//! request at once with 503 and closes its connection.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::{Frame, Incoming};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, DATE, RETRY_AFTER};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use pcentral_model::{ApiError, ErrorKind, Operation};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::OwnedSemaphorePermit;
use tracing::Instrument;

use crate::admin::{self, AdminError};
use crate::api::{self, Reply, MAX_BODY};
use crate::app::{AppState, Held, Limits};
use crate::console;
use crate::gate;
use crate::observe::{self, RequestEntry};
use pcentral_core::bulk_jobs::{self, REPORT_PATH};

/// A response body: whole, or streamed as it is produced (an export).
pub type Body = BoxBody<Bytes, std::io::Error>;

/// The largest fixture `/_pcentral/seed` takes (spooled to a temporary file).
pub const MAX_FIXTURE_BYTES: u64 = 4 << 30;

/// The most a connection's read buffer holds (hyper's default is about
/// 400 KiB). A request head must fit in it: hyper answers 431 when it holds
/// this much and no whole head (it checks between reads, so a head of up to
/// twice this size may pass). A body is read through it in pieces of at most
/// this size; each connection reading a body keeps a buffer that grows to
/// this size, outside the body memory budget, so it is kept small.
const READ_BUFFER_BYTES: usize = 64 * 1024;

fn whole(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed()
}

/// The sockets a node listens on (one per address: `localhost` may be two)
/// and its connection slots, shared by the starting node and the serving
/// one: at most `max_connections` connections at once; beyond that,
/// clients wait in the system's queue.
pub struct Listener {
    sockets: Vec<TcpListener>,
    slots: Arc<tokio::sync::Semaphore>,
}

impl Listener {
    pub fn new(sockets: Vec<TcpListener>, max_connections: usize) -> Listener {
        let slots = Arc::new(tokio::sync::Semaphore::new(max_connections.min(tokio::sync::Semaphore::MAX_PERMITS)));
        Listener { sockets, slots }
    }

    /// The next connection on any of the sockets.
    async fn accept(&self) -> std::io::Result<(TcpStream, SocketAddr)> {
        std::future::poll_fn(|cx| {
            for socket in &self.sockets {
                if let Poll::Ready(accepted) = socket.poll_accept(cx) {
                    return Poll::Ready(accepted);
                }
            }
            Poll::Pending
        })
        .await
    }

    /// Accept connections until `shutdown` completes, handing each to
    /// `serve_one` with the connection slot it holds until it closes.
    async fn accept_until(
        &self,
        shutdown: impl std::future::Future<Output = ()>,
        mut serve_one: impl FnMut(TcpStream, SocketAddr, OwnedSemaphorePermit),
    ) {
        let mut refusals = AcceptBackoff::default();
        tokio::pin!(shutdown);
        loop {
            // A free connection slot first: beyond the limit, clients wait in the system's queue.
            let slot = tokio::select! {
                slot = self.slots.clone().acquire_owned() => match slot {
                    Ok(slot) => slot,
                    Err(_) => break,
                },
                () = &mut shutdown => break,
            };
            let accepted = tokio::select! {
                accepted = self.accept() => accepted,
                () = &mut shutdown => break,
            };
            match accepted {
                Ok((stream, remote)) => {
                    refusals.reset();
                    let _ = stream.set_nodelay(true);
                    serve_one(stream, remote, slot);
                }
                Err(e) => {
                    // Out of file descriptors, for instance: wait before trying again.
                    let pause = refusals.failed(&e);
                    tokio::select! {
                        () = tokio::time::sleep(pause) => {}
                        () = &mut shutdown => break,
                    }
                }
            }
        }
    }
}

/// Serve until `shutdown` completes, then let requests in flight finish for
/// up to the shutdown grace period, and close what is left.
pub async fn serve(listener: Listener, state: Arc<AppState>, shutdown: impl std::future::Future<Output = ()>) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    listener
        .accept_until(shutdown, |stream, remote, slot| {
            let state = state.clone();
            let header_timeout = state.limits.header_timeout;
            let service = service_fn(move |req| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(respond(state, req, remote).await) }
            });
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .max_buf_size(READ_BUFFER_BYTES)
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            let conn = graceful.watch(conn);
            tokio::spawn(async move {
                if let Err(e) = conn.await {
                    tracing::debug!(error = %e, "connection closed with error");
                }
                drop(slot);
            });
        })
        .await;
    drop(listener);
    let grace = state.limits.shutdown_grace;
    if tokio::time::timeout(grace, graceful.shutdown()).await.is_err() {
        tracing::warn!(
            grace_seconds = grace.as_secs(),
            "requests still in flight after the grace period: closing them"
        );
    }
}

/// While the node starts (opens and migrates its store, loads `--seed`):
/// answer every request at once with 503 and `Retry-After` (the API with
/// its retryable server error, health with `{"status": "starting"}`), read
/// no body, and close the connection after the answer, so that callers who
/// poll cost nothing while they wait. Runs until dropped.
pub async fn answer_starting(listener: &Listener, header_timeout: Duration) {
    listener
        .accept_until(std::future::pending(), |stream, _remote, slot| {
            let service = service_fn(|req| async move { Ok::<_, Infallible>(starting_answer(&req)) });
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .max_buf_size(READ_BUFFER_BYTES)
                .header_read_timeout(header_timeout)
                .keep_alive(false)
                .serve_connection(TokioIo::new(stream), service);
            tokio::spawn(async move {
                if let Err(e) = conn.await {
                    tracing::debug!(error = %e, "connection closed with error");
                }
                drop(slot);
            });
        })
        .await;
}

/// What a starting node answers to `req` (docs/compat.md, Starting).
fn starting_answer(req: &Request<Incoming>) -> Response<Body> {
    const STARTING: &str = "pcentral is starting (opening its store, loading its seed); try again shortly";
    let path = req.uri().path();
    let tools = !req.headers().contains_key("x-amz-target") && path.starts_with("/_pcentral/");
    let answer = if tools && path.trim_end_matches('/') == admin::HEALTH.path {
        json_response(503, &serde_json::json!({"status": "starting", "error": STARTING}))
    } else if tools && console::is_console_path(path) {
        let mut resp = Response::new(whole(format!("{STARTING}.\n")));
        *resp.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        with_headers(resp, "text/plain; charset=utf-8", None)
    } else if tools {
        json_response(503, &serde_json::json!({"error": STARTING}))
    } else {
        api_response(Reply::error(&ApiError::starting()))
    };
    let mut answer = with_request_id(answer, &new_request_id());
    answer.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static("1"));
    answer
}

/// How the accept loop backs off while the system refuses connections: the
/// pause doubles from 10 ms to 1 s, and the refusal is logged at most once
/// every 10 s, with how many were not logged.
#[derive(Debug, Default)]
struct AcceptBackoff {
    pause: Duration,
    last_logged: Option<Instant>,
    unlogged: u64,
}

impl AcceptBackoff {
    const FIRST: Duration = Duration::from_millis(10);
    const MOST: Duration = Duration::from_secs(1);
    const LOG_EVERY: Duration = Duration::from_secs(10);

    fn failed(&mut self, e: &std::io::Error) -> Duration {
        self.pause = (self.pause * 2).clamp(Self::FIRST, Self::MOST);
        if self.last_logged.is_none_or(|at| at.elapsed() >= Self::LOG_EVERY) {
            tracing::warn!(error = %e, not_logged_since = self.unlogged, "accept failed; backing off");
            self.last_logged = Some(Instant::now());
            self.unlogged = 0;
        } else {
            self.unlogged += 1;
        }
        self.pause
    }

    fn reset(&mut self) {
        self.pause = Duration::ZERO;
    }
}

/// A version 4 UUID from the thread's generator (no system call per request),
/// written into a buffer on the stack.
fn new_request_id() -> String {
    let mut text = uuid::Uuid::encode_buffer();
    uuid::Builder::from_random_bytes(rand::random()).into_uuid().hyphenated().encode_lower(&mut text).to_string()
}

/// Answer one request inside its own span (`request` with the request id), so
/// that every log line about it carries the id; or, when the text log writes
/// the id itself, with the id in its lines (`log_format::RequestId`).
async fn respond(state: Arc<AppState>, req: Request<Incoming>, remote: SocketAddr) -> Response<Body> {
    let request_id = new_request_id();
    let response = match crate::log_format::RequestId::for_lines(&request_id) {
        Some(id) => id.scope(respond_in_span(state, req, remote, request_id)).await,
        None => {
            let span = tracing::info_span!("request", request_id = %request_id);
            respond_in_span(state, req, remote, request_id).instrument(span).await
        }
    };
    // Let the other requests that are ready be answered before this answer
    // is written: the answers of a burst then leave together, so the kernel
    // wakes a client that waits for them once rather than once per answer,
    // work done on this node's core (alternated processes at 64 connections:
    // 2 to 4 % more requests a second; the same rate at one connection).
    tokio::task::yield_now().await;
    response
}

async fn respond_in_span(
    state: Arc<AppState>,
    req: Request<Incoming>,
    remote: SocketAddr,
    request_id: String,
) -> Response<Body> {
    let started = Instant::now();
    let (mut parts, body) = req.into_parts();
    let is_api = parts.headers.contains_key("x-amz-target");
    let path = parts.uri.path().to_string();
    if !is_api && path.starts_with("/_pcentral/") {
        let reply = tools_request(state, &parts, body, remote).await;
        let status = reply.as_ref().map_or_else(AdminError::status, |r| r.status().as_u16());
        // A report URL's token is its access: it stays out of the log.
        let path = if path.starts_with(REPORT_PATH) { format!("{REPORT_PATH}…") } else { path };
        tracing::info!(method = %parts.method, path, status, latency_ms = observe::to_the_microsecond(started.elapsed().as_secs_f64() * 1000.0), "admin");
        let answer = reply.unwrap_or_else(|e| json_response(e.status(), &serde_json::json!({"error": e.message()})));
        return with_request_id(answer, &request_id);
    }
    let target = parts.headers.get("x-amz-target").and_then(|v| v.to_str().ok());
    let operation = api::operation_of(target).ok();
    let refuse = |state: &AppState, e: ApiError| {
        let info = api::CallInfo { operation, ..api::CallInfo::default() };
        finish(state, Reply::error(&e), &request_id, started, info)
    };
    if !origin_form(&parts) {
        let e =
            ApiError::new(ErrorKind::BadRequest, "The request target must be a path starting with '/'.".to_string());
        return refuse(&state, e);
    }
    let declared = declared_length(&parts);
    let (head, claimed) = api::admit(&state, api::Head::take(&mut parts)).await;
    let claimed = match claimed {
        Ok(c) => c,
        Err(e) => return refuse(&state, e),
    };
    let mut held = Held::default();
    let body = match read_body(body, declared, &state.limits, &mut held).await {
        Ok(b) => b,
        Err(unread) => return refuse(&state, unread.api_error()),
    };
    let client = state.trusted_proxies.client(remote.ip(), &head.headers);
    let request = api::OwnedRequest { head, body, remote: Some(client.ip), secure: client.secure };
    let (reply, info) = api::handle(state.clone(), claimed, request).await;
    let answer = finish(&state, reply, &request_id, started, info);
    drop(held);
    answer
}

/// Whether the request target is origin-form (a path): `http://host/…`,
/// `host:port` and `*` targets are refused.
fn origin_form(parts: &hyper::http::request::Parts) -> bool {
    parts.uri.scheme().is_none() && parts.uri.authority().is_none() && parts.uri.path().starts_with('/')
}

/// A request under `/_pcentral/`: the health check (open to every caller;
/// details for admitted ones), then the gate (docs/security.md): the Host and
/// Origin checks, then the console (which answers callers without access
/// with its sign-in form) or the admin API (access, then a declared intent
/// for anything but GET and HEAD). All of it before the body is read.
async fn tools_request(
    state: Arc<AppState>,
    parts: &hyper::http::request::Parts,
    body: Incoming,
    remote: SocketAddr,
) -> Result<Response<Body>, AdminError> {
    let presented = console::presented_token(&parts.headers);
    let admitted = gate::admitted(remote.ip(), state.admin_token.as_deref(), presented.as_deref());
    let site = gate::check_site(parts, &state.admin_hosts);
    let path = parts.uri.path().trim_end_matches('/');
    if path == admin::HEALTH.path && matches!(parts.method.as_str(), "GET" | "HEAD") {
        let details = admitted && site.is_ok();
        return blocking(move || admin::health(&state, details)).await.map(|v| json_response(200, &v));
    }
    if let Some(token) = parts.uri.path().strip_prefix(REPORT_PATH) {
        if matches!(parts.method.as_str(), "GET" | "HEAD") {
            // Outside the gate: whoever holds the URL reads it (docs/security.md).
            return report_response(state, token.to_string()).await;
        }
    }
    site.map_err(|gate::Refused(why)| AdminError::Forbidden(why))?;
    if console::is_console_path(parts.uri.path()) {
        return Ok(console_request(state, parts, body, remote, admitted).await);
    }
    if !admitted {
        return Err(AdminError::Forbidden(
            "admin API: loopback only, or send x-pcentral-admin-token (or the console's sign-in cookie)".into(),
        ));
    }
    if !gate::declares_intent(parts) {
        return Err(AdminError::Forbidden(format!(
            "admin API: a {} must send Content-Type: application/json and {}: 1",
            parts.method,
            gate::INTENT_HEADER
        )));
    }
    admin_request(state, parts, body).await
}

/// `GET /_pcentral/reports/<token>`: a bulk job's report, while the URL's
/// time (service time) lasts.
async fn report_response(state: Arc<AppState>, token: String) -> Result<Response<Body>, AdminError> {
    let report = blocking(move || {
        Ok(pcentral_core::store::read(state.store.as_ref(), |tx| {
            let (now, _) = pcentral_core::clock::service_now(tx, crate::app::wall_ms())?;
            bulk_jobs::report(tx, now, &token)
        })?)
    })
    .await?;
    match report {
        bulk_jobs::Report::Csv(text) => {
            let resp = Response::new(whole(text));
            Ok(with_headers(resp, "text/csv; charset=utf-8", None))
        }
        bulk_jobs::Report::Expired => Err(AdminError::Forbidden("the report URL has expired".into())),
        bulk_jobs::Report::Unknown => Err(AdminError::NotFound("no report has this URL".into())),
    }
}

/// A console page: the console itself answers callers without admin access
/// (with its sign-in form).
async fn console_request(
    state: Arc<AppState>,
    parts: &hyper::http::request::Parts,
    body: Incoming,
    remote: SocketAddr,
    allowed: bool,
) -> Response<Body> {
    let mut held = Held::default();
    let body = match read_body(body, declared_length(parts), &state.limits, &mut held).await {
        Ok(b) => b,
        Err(unread) => {
            let e = unread.api_error();
            return json_response(e.status(), &serde_json::json!({"error": e.message}));
        }
    };
    let request = console::Request {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        body: body.to_vec(),
        remote: remote.ip(),
        allowed,
    };
    let page = tokio::task::spawn_blocking(move || console::handle(&state, &request)).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "console worker failed");
        console::PageReply::failure("Internal error")
    });
    console_response(page)
}

/// An admin call that passed the gate, served as its route says
/// ([`admin::Handler`]): a fixture upload or export streams, any other call
/// reads its body (at most `MAX_BODY` bytes) and runs on the blocking pool.
async fn admin_request(
    state: Arc<AppState>,
    parts: &hyper::http::request::Parts,
    body: Incoming,
) -> Result<Response<Body>, AdminError> {
    let found = admin::find(parts.method.as_str(), parts.uri.path())?;
    let query = parts.uri.query().unwrap_or_default().to_string();
    match found.route.handler {
        admin::Handler::Health => blocking(move || admin::health(&state, true)).await.map(|v| json_response(200, &v)),
        admin::Handler::Seed => {
            let file = spool(body, state.limits.body_timeout).await?;
            let answer = blocking(move || admin::seed(&state, &mut std::io::BufReader::new(file))).await?;
            Ok(json_response(200, &answer))
        }
        admin::Handler::Export => {
            let include_secrets = admin::export_includes_secrets(&query);
            stream_export(state, include_secrets).await
        }
        admin::Handler::Call(run) => {
            let mut held = Held::default();
            let body = read_body(body, declared_length(parts), &state.limits, &mut held).await.map_err(|unread| {
                let e = unread.api_error();
                match unread {
                    Unread::TooLarge => AdminError::TooLarge(e.message),
                    Unread::OverBudget => AdminError::Unavailable(e.message),
                    Unread::TimedOut | Unread::Broken => AdminError::BadRequest(e.message),
                }
            })?;
            let answer = blocking(move || admin::call(&state, run, &found.segment, &query, &body)).await?;
            drop(held);
            match answer {
                admin::AdminBody::Text(text) => Ok(text_response(200, &text)),
                admin::AdminBody::Json(value) => Ok(json_response(200, &value)),
            }
        }
    }
}

/// An admin worker thread that failed (panicked): the details go to the log.
fn admin_worker_failed(e: &tokio::task::JoinError) -> AdminError {
    tracing::error!(error = %e, "admin worker failed");
    AdminError::Internal("internal error".into())
}

/// Run an admin tool on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AdminError> + Send + 'static,
) -> Result<T, AdminError> {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|e| Err(admin_worker_failed(&e)))
}

/// Write an upload to an anonymous temporary file as it arrives (at most
/// [`MAX_FIXTURE_BYTES`], no pause longer than `stall`); answers the file,
/// positioned at its start.
async fn spool(mut body: Incoming, stall: Duration) -> Result<std::fs::File, AdminError> {
    use tokio::io::AsyncWriteExt;
    let unspooled = |e: std::io::Error| {
        tracing::error!(error = %e, "seed: cannot keep the upload in a temporary file");
        AdminError::Internal("cannot keep the upload on disk; nothing was changed".into())
    };
    // An anonymous file in the system's temporary directory, removed when closed.
    let file = tokio::task::spawn_blocking(tempfile::tempfile)
        .await
        .map_err(|e| admin_worker_failed(&e))?
        .map_err(unspooled)?;
    let mut spooled = tokio::io::BufWriter::with_capacity(256 * 1024, tokio::fs::File::from_std(file));
    let mut seen = 0u64;
    loop {
        let Ok(next) = tokio::time::timeout(stall, body.frame()).await else {
            return Err(AdminError::BadRequest(format!("the upload paused for more than {} s", stall.as_secs())));
        };
        let Some(frame) = next else { break };
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
            Err(e) => Err(admin_worker_failed(&e)),
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

/// Why a request's body was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unread {
    /// Larger than `MAX_BODY`.
    TooLarge,
    /// Its bytes do not fit in the body memory budget now.
    OverBudget,
    /// It did not arrive within the body timeout.
    TimedOut,
    /// The connection broke while it was read.
    Broken,
}

impl Unread {
    fn api_error(self) -> ApiError {
        match self {
            Unread::TooLarge => {
                ApiError::new(ErrorKind::RequestEntityTooLarge, format!("Request body is larger than {MAX_BODY} bytes"))
            }
            Unread::OverBudget => ApiError::new(
                ErrorKind::ServiceUnavailable,
                "The server holds as many request bodies as it may; try again.".to_string(),
            ),
            Unread::TimedOut => {
                ApiError::new(ErrorKind::RequestTimeout, "The request body did not arrive in time.".to_string())
            }
            Unread::Broken => ApiError::new(ErrorKind::BadRequest, "The request body could not be read.".to_string()),
        }
    }
}

/// Read a body of at most `MAX_BODY` bytes within the body timeout, its
/// bytes held in the shared budget by `held` (until the caller drops it). A
/// declared length is taken from the budget before anything is read, so a
/// request that does not fit is refused unread; a declared length above
/// `MAX_BODY` is read and thrown away (nothing kept) before the refusal.
async fn read_body(
    mut body: Incoming,
    declared: Option<u64>,
    limits: &Limits,
    held: &mut Held,
) -> Result<Bytes, Unread> {
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        // Read it without keeping it (up to a bound, within the body timeout),
        // so that a client still writing reads the 413 instead of a broken pipe.
        const DRAIN_LIMIT: usize = 64 * 1024 * 1024;
        let drain = async {
            let mut seen = 0usize;
            while let Some(Ok(frame)) = body.frame().await {
                seen += frame.data_ref().map_or(0, Bytes::len);
                if seen > DRAIN_LIMIT {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(limits.body_timeout, drain).await;
        return Err(Unread::TooLarge);
    }
    if let Some(n) = declared {
        if !limits.body_memory.take(held, n) {
            return Err(Unread::OverBudget);
        }
    }
    let read = async {
        // The budget pays for the buffer's capacity, not only for the bytes in it: a declared
        // length is allocated once, at its size (already taken above), and never moves; a body
        // without one grows by doubling, each step taken from the budget before it is allocated.
        let mut kept: Vec<u8> = Vec::with_capacity(declared.map_or(0, |n| usize::try_from(n).unwrap_or(0)));
        while let Some(frame) = body.frame().await {
            let Ok(frame) = frame else { return Err(Unread::Broken) };
            if let Ok(data) = frame.into_data() {
                let len = kept.len() + data.len();
                if len > MAX_BODY {
                    return Err(Unread::TooLarge);
                }
                if len > kept.capacity() {
                    let room = len.max(kept.capacity() * 2).min(MAX_BODY);
                    if !limits.body_memory.take(held, (room - kept.capacity()) as u64) {
                        return Err(Unread::OverBudget);
                    }
                    kept.reserve_exact(room - kept.len());
                }
                kept.extend_from_slice(&data);
            }
        }
        Ok(Bytes::from(kept))
    };
    tokio::time::timeout(limits.body_timeout, read).await.unwrap_or(Err(Unread::TimedOut))
}

/// The body length a request's `Content-Length` declares, if any.
fn declared_length(parts: &hyper::http::request::Parts) -> Option<u64> {
    parts.headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok())
}

fn finish(state: &AppState, reply: Reply, request_id: &str, started: Instant, info: api::CallInfo) -> Response<Body> {
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(
        account = info.account.as_deref().unwrap_or("-"),
        service = info.operation.map_or("-", |o| o.service().name()),
        operation = info.operation.map_or("-", Operation::name),
        status = reply.status,
        error = reply.error_type.unwrap_or("-"),
        iam = info.iam.as_deref().unwrap_or("-"),
        latency_ms = observe::to_the_microsecond(latency_ms),
        "api"
    );
    state.observe.record(
        RequestEntry {
            time: crate::app::wall_ms(),
            request_id: request_id.to_string(),
            account: info.account,
            service: info.operation.map(|o| o.service().name()),
            operation: info.operation.map(Operation::name),
            status: reply.status,
            error_type: reply.error_type,
            latency_ms,
            replayed: info.replayed,
            iam: info.iam,
        },
        info.store_error,
    );
    with_request_id(api_response(reply), request_id)
}

/// An API answer: the JSON body, its status and error type.
fn api_response(reply: Reply) -> Response<Body> {
    let mut resp = Response::new(whole(reply.body.into_bytes()));
    *resp.status_mut() = status_code(reply.status);
    with_headers(resp, "application/x-amz-json-1.0", reply.error_type)
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
fn console_response(page: console::PageReply) -> Response<Body> {
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

/// A JSON value's text (the bytes `to_string` gives), written straight into
/// a byte buffer rather than through the formatting machinery.
fn json_bytes(value: &serde_json::Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    // Writing into a Vec cannot fail, and a Value always serialises.
    let _ = serde_json::to_writer(&mut out, value);
    out
}

fn json_response(status: u16, body: &serde_json::Value) -> Response<Body> {
    let mut resp = Response::new(whole(json_bytes(body)));
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_request_span_is_opened_where_the_log_expects_it() {
        assert_eq!(Some(crate::log_format::REQUEST_SPAN_TARGET), module_path!().strip_suffix("::tests"));
    }
}
