//! A storage failure never reaches a client with its details: the API, the
//! admin API and the console answer a generic message, and the details
//! (here a file path, as SQLite reports "unable to open database file" when
//! the process runs out of file descriptors) go to the log only. Driven
//! through each surface's handler over a store that always fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use pcentral_core::store::{OpResult, Store, TxBody};
use pcentral_core::{Failure, Settings, StoreError};
use std::time::Duration;

use pcentral_server::api::{self, Head, OwnedRequest};
use pcentral_server::app::{AppState, BodyBudget, Limits};
use pcentral_server::credentials::{CredentialRule, ServerKey};
use pcentral_server::{admin, console, observe, sigv4, worker};

/// What the failing store says: a path no client may see.
const DETAIL: &str = "unable to open database file: /srv/private/pcentral/pcentral.db";

/// A store whose every transaction fails as a full file table makes SQLite fail.
struct FailingStore;

impl Store for FailingStore {
    fn read(&self, _body: &mut TxBody<'_>) -> OpResult<()> {
        Err(Failure::Store(StoreError::Backend(DETAIL.into())))
    }
    fn write(&self, _body: &mut TxBody<'_>) -> OpResult<()> {
        Err(Failure::Store(StoreError::Backend(DETAIL.into())))
    }
    fn backend_name(&self) -> &'static str {
        "failing"
    }
    fn reads_are_local(&self) -> bool {
        // Reads run on the calling thread, so that the log capture below sees them.
        true
    }
}

fn state() -> Arc<AppState> {
    Arc::new(AppState {
        store: Arc::new(FailingStore),
        credentials: CredentialRule {
            local_convention: true,
            key: ServerKey::from_base64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").unwrap(),
        },
        keys: Default::default(),
        settings: Settings::default(),
        admin_token: None,
        admin_hosts: pcentral_server::gate::AdminHosts {
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], 4599)),
            allowed: Vec::new(),
        },
        limits: Limits {
            max_connections: 16,
            header_timeout: Duration::from_secs(5),
            body_timeout: Duration::from_secs(5),
            body_memory: Arc::new(BodyBudget::new(1 << 20)),
            shutdown_grace: Duration::from_secs(1),
        },
        store_slots: None,
        observe: observe::Observer::new(10),
        throttle: Default::default(),
        policies: pcentral_server::authorize::PolicyCache::default(),
        trusted_proxies: Default::default(),
    })
}

/// What a client could learn: none of the failure's details.
#[track_caller]
fn generic(answer: &str) {
    assert!(
        !answer.contains("/srv/private") && !answer.contains("pcentral.db"),
        "a detail reached the client: {answer}"
    );
    assert!(!answer.contains("unable to open"), "a detail reached the client: {answer}");
}

/// Log lines written while `body` runs on this thread.
fn logged(body: impl FnOnce()) -> String {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl Write for Buffer {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
    tracing::subscriber::with_default(subscriber, body);
    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    text
}

/// A ListPartners request signed by `key` with `secret`, now.
fn list_partners(key: &str, secret: &str) -> OwnedRequest {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let amz_date = sigv4::format_amz_date(i64::try_from(now).unwrap());
    let body = br#"{"Catalog":"Sandbox"}"#.to_vec();
    let mut headers = hyper::HeaderMap::new();
    for (name, value) in [
        ("host", "127.0.0.1:4599"),
        ("x-amz-date", &amz_date),
        ("x-amz-target", "PartnerCentralAccount.ListPartners"),
        ("content-type", "application/x-amz-json-1.0"),
    ] {
        headers.insert(name, value.parse().unwrap());
    }
    let parts = sigv4::RequestParts { method: "POST", path: "/", query: "", headers: &headers, body: &body };
    let authorization = sigv4::authorization_header(&parts, key, secret, "us-east-1", &amz_date);
    headers.insert("authorization", authorization.parse().unwrap());
    OwnedRequest {
        head: Head { method: "POST".into(), path: "/".into(), query: String::new(), headers },
        body: body.into(),
        remote: None,
        secure: false,
    }
}

/// The request through both of the API's steps: its head, then with its body.
fn call(state: &Arc<AppState>, request: OwnedRequest) -> api::Reply {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let (head, claimed) = api::admit(state, request.head).await;
        match claimed {
            Ok(claimed) => {
                api::handle(
                    state.clone(),
                    claimed,
                    OwnedRequest { head, body: request.body, remote: request.remote, secure: request.secure },
                )
                .await
                .0
            }
            Err(e) => api::Reply::error(&e),
        }
    })
}

#[test]
fn the_api_answers_a_generic_internal_error_and_logs_the_details() {
    let state = state();
    // An operation's transaction fails, and so does the lookup of a registered key.
    for (key, secret) in [("111111111111", "test"), ("PCAKEXAMPLEEXAMPLE00", "its-secret")] {
        let mut reply = None;
        let log = logged(|| reply = Some(call(&state, list_partners(key, secret))));
        let reply = reply.unwrap();
        assert_eq!((reply.status, reply.error_type), (500, Some("InternalServerException")), "{key}");
        generic(&String::from_utf8_lossy(reply.body.as_bytes()));
        assert!(log.contains(DETAIL), "{key}: the log has the details: {log}");
    }
}

#[test]
fn the_admin_api_answers_a_generic_error_and_logs_the_details() {
    let state = state();
    for (method, path, status) in [
        ("GET", "/_pcentral/clock", 500),
        ("POST", "/_pcentral/clock/advance", 500),
        ("GET", "/_pcentral/settings", 500),
    ] {
        let body: &[u8] = if method == "POST" { br#"{"by": "1h"}"# } else { b"" };
        let mut answer = None;
        let found = admin::find(method, path).unwrap();
        let admin::Handler::Call(run) = found.route.handler else { panic!("{method} {path} streams") };
        let log = logged(|| answer = Some(admin::call(&state, run, &found.segment, "", body)));
        let Some(Err(e)) = answer else { panic!("{method} {path} answered") };
        assert_eq!(e.status(), status, "{method} {path}: {e:?}");
        generic(e.message());
        assert!(log.contains(DETAIL), "{method} {path}: the log has the details: {log}");
    }
    for details in [false, true] {
        let mut answer = None;
        let log = logged(|| answer = Some(admin::health(&state, details)));
        let Some(Err(e)) = answer else { panic!("health answered") };
        assert_eq!(e.status(), 503);
        generic(e.message());
        assert!(log.contains(DETAIL), "health: the log has the details: {log}");
    }
    let mut out = Vec::new();
    let e = admin::export(&state, true, &mut out).unwrap_err();
    generic(e.message());
    generic(&String::from_utf8_lossy(&out));
}

#[test]
fn the_console_answers_a_generic_page_and_logs_the_details() {
    let state = state();
    for path in ["/_pcentral/ui/", "/_pcentral/ui/catalogs/Sandbox/graph", "/_pcentral/ui/events"] {
        let request = console::Request {
            method: "GET".into(),
            path: path.into(),
            query: String::new(),
            body: Vec::new(),
            remote: std::net::IpAddr::from([127, 0, 0, 1]),
            allowed: true,
        };
        let mut reply = None;
        let log = logged(|| reply = Some(console::handle(&state, &request)));
        let reply = reply.unwrap();
        assert_eq!(reply.status, 500, "{path}");
        generic(&String::from_utf8_lossy(&reply.body));
        assert!(log.contains(DETAIL), "{path}: the log has the details: {log}");
    }
}

#[test]
fn the_background_worker_logs_the_details() {
    // The worker has no client; what it reports is what its log line says.
    let reported = worker::tick(&state(), true).unwrap_err();
    assert!(reported.contains(DETAIL), "{reported}");
}
