//! pcentral in process, for Rust tests.
//!
//! [`Server::start`] runs the startup path of `pcentral serve`
//! (`pcentral_server::startup::start`) on `127.0.0.1`, port 0, with a fresh
//! temporary data directory (SQLite), on a Tokio runtime of its own in a
//! background thread, so that it works from plain `#[test]` functions and
//! from any async runtime alike. Dropping the [`Server`] stops it and removes
//! the directory.
//!
//! Pointing an AWS SDK at it stays in the test: use [`Server::endpoint`] as
//! the endpoint URL, any region, and an access key id of 12 digits (the
//! account) with the secret [`SECRET`] (the README shows this example):
//!
//! ```
//! let server = pcentral_testing::Server::start().expect("pcentral starts");
//! let config = aws_sdk_partnercentralaccount::Config::builder()
//!     .behavior_version_latest()
//!     .endpoint_url(server.endpoint())
//!     .region(aws_sdk_partnercentralaccount::config::Region::new("us-east-1"))
//!     .credentials_provider(aws_sdk_partnercentralaccount::config::Credentials::new(
//!         "111111111111", pcentral_testing::SECRET, None, None, "test"))
//!     .build();
//! # assert_eq!(config.region().map(|r| r.as_ref()), Some("us-east-1"));
//! ```

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

use pcentral_server::settings::{NodeSettings, Start};
use serde_json::Value;

/// The secret of the local credentials convention.
pub const SECRET: &str = "test";

/// A pcentral node serving on a free loopback port until dropped.
pub struct Server {
    addr: SocketAddr,
    endpoint: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    dir: tempfile::TempDir,
}

impl Server {
    /// Start a node with the default settings.
    pub fn start() -> Result<Server, String> {
        Server::start_with(|_| {})
    }

    /// Start a node with the default settings as changed by `configure`
    /// (for example `|s| s.shared.profile_task_delay_seconds = 5`). The
    /// listen address and the data directory are set before `configure`
    /// runs; a test may change them.
    pub fn start_with(configure: impl FnOnce(&mut Start)) -> Result<Server, String> {
        let dir = tempfile::Builder::new()
            .prefix("pcentral-testing-")
            .tempdir()
            .map_err(|e| format!("cannot create a temporary data directory: {e}"))?;
        let mut start = Start {
            node: NodeSettings {
                listen: pcentral_server::settings::Listen::Address(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
                data_dir: dir.path().to_path_buf(),
                ..NodeSettings::default()
            },
            shared: pcentral_server::settings::Settings::default(),
        };
        configure(&mut start);
        let (ready, started) = std::sync::mpsc::channel::<Result<SocketAddr, String>>();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("pcentral-testing".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready.send(Err(format!("cannot start a Tokio runtime: {e}")));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match pcentral_server::startup::start(start).await {
                        Ok(running) => {
                            let _ = ready.send(Ok(running.local_addr()));
                            let _ = stopped.await;
                            running.stop().await;
                        }
                        Err(e) => {
                            let _ = ready.send(Err(e));
                        }
                    }
                });
            })
            .map_err(|e| format!("cannot start the server thread: {e}"))?;
        let addr = match started.recv() {
            Ok(result) => result?,
            Err(_) => return Err("the server thread ended before the server started".into()),
        };
        Ok(Server { addr, endpoint: format!("http://{addr}"), stop: Some(stop), thread: Some(thread), dir })
    }

    /// `http://127.0.0.1:PORT`: the endpoint URL for AWS clients and the admin API.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The node's data directory (removed when the server is dropped).
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Call the admin API (`path` starts with `/_pcentral/`) and return its
    /// JSON answer; a status other than 200 is an error naming it. Blocking:
    /// from async code, expect it to hold the calling thread for the call.
    pub fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(60)).build();
        let req = agent
            .request(method, &format!("{}{path}", self.endpoint))
            .set("content-type", "application/json")
            .set("x-pcentral-admin", "1");
        let answer = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        match answer {
            Ok(resp) => resp.into_json::<Value>().map_err(|e| format!("{method} {path}: unreadable answer: {e}")),
            Err(ureq::Error::Status(code, resp)) => {
                Err(format!("{method} {path}: {code} {}", resp.into_string().unwrap_or_default()))
            }
            Err(e) => Err(format!("{method} {path}: {e}")),
        }
    }

    /// Stop the server (as dropping it does) and wait until it has stopped.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut_down();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn serves_on_a_free_port_and_stops_on_drop() {
        let server = Server::start().unwrap();
        assert!(server.addr().ip().is_loopback());
        assert_ne!(server.addr().port(), 0);
        let health = server.admin("GET", "/_pcentral/health", None).unwrap();
        assert_eq!(health["status"], "ok");
        assert_eq!(health["backend"], "sqlite");
        let (addr, dir) = (server.addr(), server.data_dir().to_path_buf());
        assert!(dir.join(pcentral_server::startup::LOCK_FILE).is_file());
        drop(server);
        assert!(std::net::TcpStream::connect(addr).is_err(), "the listener is closed");
        assert!(!dir.exists(), "the data directory is removed");
    }

    /// The permission bits of `path`.
    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    /// Each file in `dir` with its permission bits, by name.
    #[cfg(unix)]
    fn file_modes(dir: &Path) -> Vec<(String, u32)> {
        let mut files: Vec<(String, u32)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), mode(&p)))
            .collect();
        files.sort();
        files
    }

    #[test]
    #[cfg(unix)]
    fn the_data_directory_and_every_file_in_it_are_private() {
        let top = tempfile::tempdir().unwrap();
        let dir = top.path().join("fresh");
        let server = Server::start_with(|s| s.node.data_dir = dir.clone()).unwrap();
        // A write, so that SQLite's -wal file exists too.
        server.admin("POST", "/_pcentral/credentials", Some(serde_json::json!({"account": "111111111111"}))).unwrap();
        assert_eq!(mode(&dir), 0o700, "the data directory is created 0700");
        let running = file_modes(&dir);
        let names: Vec<&str> = running.iter().map(|(n, _)| n.as_str()).collect();
        for expected in ["pcentral.db", "pcentral.db-wal", "pcentral.lock", "server.key"] {
            assert!(names.contains(&expected), "{expected} in {running:?}");
        }
        assert!(running.iter().all(|(_, m)| *m == 0o600), "every file is 0600 while it runs: {running:?}");
        server.stop();
        let stopped = file_modes(&dir);
        assert!(stopped.iter().all(|(_, m)| *m == 0o600), "every file is 0600 after a stop: {stopped:?}");
    }

    #[test]
    fn settings_and_refusals_come_from_the_production_startup() {
        let server = Server::start_with(|s| s.shared.email_codes_per_day = 2).unwrap();
        let settings = server.admin("GET", "/_pcentral/settings", None).unwrap();
        assert_eq!(settings["email_codes_per_day"], 2);
        // A second node on the same data directory is refused, as `pcentral serve` refuses it.
        let dir = server.data_dir().to_path_buf();
        let refused = Server::start_with(|s| s.node.data_dir = dir).err().unwrap();
        assert!(refused.contains("is in use"), "{refused}");
    }
}
