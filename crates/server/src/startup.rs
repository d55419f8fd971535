//! Starting a node: the one path that `pcentral serve` and in-process tests
//! (`pcentral-testing`) take. [`begin`] binds the listen address first (a
//! taken address is refused before anything is created), checks the data
//! directory, and returns while the node starts in the background: it opens
//! and migrates the store (taking the data directory's lock on SQLite),
//! loads `--seed`, and then serves until [`Running::stop`]. While it starts,
//! every request is answered 503 at once (`http::answer_starting`), and a
//! stop ends the start cleanly (a seed being loaded stores nothing).
//! [`start`] is [`begin`] and [`Running::ready`].

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::AppState;
use crate::credentials::{CredentialRule, ServerKey};
use crate::settings::{Listen, NodeSettings, Settings, Start};
use pcentral_store::files;

/// Name of the lock file in a SQLite data directory.
pub const LOCK_FILE: &str = "pcentral.lock";

/// Where a node is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    /// Opening the store, loading the seed: every request is answered 503.
    Starting,
    /// Serving.
    Ready,
    /// It could not start (why).
    Failed(String),
    /// Stopped (before it was ready, or after).
    Stopped,
}

/// A node, starting or serving, until stopped.
pub struct Running {
    /// The addresses the listener is bound to (the port chosen when `listen` said port 0).
    addrs: Vec<SocketAddr>,
    endpoint: String,
    stop: watch::Sender<bool>,
    phase: watch::Receiver<Phase>,
    done: JoinHandle<()>,
}

impl Running {
    /// The first address the listener is bound to (with the port chosen when `listen` said port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addrs.first().copied().unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Every address the listener is bound to (two for `localhost` on most machines).
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// `http://ADDRESS:PORT` of this node (`http://localhost:PORT` when it listens on `localhost`).
    pub fn endpoint(&self) -> String {
        self.endpoint.clone()
    }

    /// Wait until the node serves; the error says why it did not start.
    pub async fn ready(&mut self) -> Result<(), String> {
        let phase = self.phase.wait_for(|p| *p != Phase::Starting).await.map(|p| p.clone());
        match phase {
            Ok(Phase::Ready) => Ok(()),
            Ok(Phase::Failed(why)) => Err(why),
            Ok(Phase::Stopped | Phase::Starting) | Err(_) => Err("the node stopped before it was ready".into()),
        }
    }

    /// Stop: while starting, end the start (a seed being loaded stores
    /// nothing); while serving, stop accepting connections and let requests
    /// in flight finish. Then stop the events worker, close the store and
    /// release the data directory's lock.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        let _ = (&mut self.done).await;
    }
}

/// Start a node with `start`'s settings and return once it answers requests.
pub async fn start(start: Start) -> Result<Running, String> {
    let mut running = begin(start).await?;
    match running.ready().await {
        Ok(()) => Ok(running),
        Err(why) => {
            running.stop().await;
            Err(why)
        }
    }
}

/// Bind the listen address and start the node in the background: it answers
/// 503 until it is ready ([`Running::ready`]).
pub async fn begin(start: Start) -> Result<Running, String> {
    let Start { node, shared } = start;
    // The port first: a taken address is refused before anything is created.
    let sockets = bind(node.listen).await?;
    let addrs: Vec<SocketAddr> = sockets.iter().filter_map(|s| s.local_addr().ok()).collect();
    let port = addrs.first().map_or(0, SocketAddr::port);
    let endpoint = node.listen.endpoint(port);
    not_a_file(&node.data_dir)?;
    let listed: Vec<String> = addrs.iter().map(SocketAddr::to_string).collect();
    let address = listed.join(", ");
    tracing::info!(address = %address, "pcentral starting");
    let limits = limits(&node);
    let header_timeout = limits.header_timeout;
    let listener = crate::http::Listener::new(sockets, limits.max_connections);
    let (stop, mut stopping) = watch::channel(false);
    let (phase_tx, phase) = watch::channel(Phase::Starting);
    let first = addrs.first().copied().unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], port)));
    let stop_seed = stopping.clone();
    let done = tokio::spawn(async move {
        let mut preparing =
            tokio::task::spawn_blocking(move || prepare(node, shared, first, limits, &|| *stop_seed.borrow()));
        // Answer "starting" until the node is prepared, or a stop is asked for.
        let prepared = tokio::select! {
            prepared = &mut preparing => Some(prepared),
            _ = stopping.wait_for(|stop| *stop) => None,
            () = crate::http::answer_starting(&listener, header_timeout) => None,
        };
        let prepared = match prepared {
            Some(prepared) => prepared,
            // Stopping: a seed being loaded sees it and stores nothing.
            None => preparing.await,
        };
        let prepared = prepared.unwrap_or_else(|e| Err(format!("start: {e}")));
        let asked_to_stop = *stopping.borrow();
        let (state, lock) = match prepared {
            Ok(prepared) if !asked_to_stop => prepared,
            Ok((state, lock)) => {
                close(state, lock).await;
                let _ = phase_tx.send(Phase::Stopped);
                return;
            }
            Err(why) if asked_to_stop => {
                tracing::info!(%why, "stopped while starting");
                tracing::info!("pcentral stopped");
                let _ = phase_tx.send(Phase::Stopped);
                return;
            }
            Err(why) => {
                let _ = phase_tx.send(Phase::Failed(why));
                return;
            }
        };
        tracing::info!(address = %address, backend = state.store.backend_name(), "pcentral listening");
        let _ = phase_tx.send(Phase::Ready);
        // The events worker (Expired sweep, webhook delivery) runs until the listener stops.
        let (stop_events, events_stopped) = watch::channel(false);
        let events_worker = tokio::spawn(crate::worker::run(state.clone(), events_stopped));
        crate::http::serve(listener, state.clone(), async {
            let _ = stopping.wait_for(|stop| *stop).await;
        })
        .await;
        let _ = stop_events.send(true);
        let _ = events_worker.await;
        close(state, lock).await;
        let _ = phase_tx.send(Phase::Stopped);
    });
    Ok(Running { addrs, endpoint, stop, phase, done })
}

/// Close the store off the async workers (the PostgreSQL client shuts down a
/// runtime of its own), and only then let another process open the data
/// directory.
async fn close(state: Arc<AppState>, lock: Option<DataDirLock>) {
    let _ = tokio::task::spawn_blocking(move || drop(state)).await;
    drop(lock);
    tracing::info!("pcentral stopped");
}

/// Bind every address of `listen`. With port 0 and several addresses
/// (`localhost`), the system picks the port for the first and the others
/// take the same one (another pick when it is taken there). An address past
/// the first that this machine does not have (::1 without IPv6) is left out.
async fn bind(listen: Listen) -> Result<Vec<TcpListener>, String> {
    const PICKS: usize = 8;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut sockets: Vec<TcpListener> = Vec::new();
        let mut port = listen.port();
        let mut taken = None;
        for ip in listen.ips() {
            let addr = SocketAddr::new(ip, port);
            match TcpListener::bind(addr).await {
                Ok(socket) => {
                    port = socket.local_addr().map_err(|e| format!("listen {addr}: {e}"))?.port();
                    sockets.push(socket);
                }
                Err(e) if sockets.is_empty() => return Err(listen_error(addr, &e)),
                Err(e) if e.kind() == ErrorKind::AddrInUse => {
                    taken = Some(listen_error(addr, &e));
                    break;
                }
                Err(e) => tracing::warn!(address = %addr, error = %e, "cannot listen on this address; left out"),
            }
        }
        match taken {
            None => return Ok(sockets),
            Some(e) if listen.port() != 0 || attempt == PICKS => return Err(e),
            Some(_) => continue,
        }
    }
}

/// Everything a node does before it serves, on a blocking thread: open (and
/// migrate) the store, taking the data directory's lock on SQLite, load the
/// server key, and load `--seed` (stopped early when `stopping` says so,
/// storing nothing).
fn prepare(
    node: NodeSettings,
    shared: Settings,
    listen: SocketAddr,
    limits: crate::app::Limits,
    stopping: &dyn Fn() -> bool,
) -> Result<(Arc<AppState>, Option<DataDirLock>), String> {
    let (store, lock): (Arc<dyn pcentral_core::Store>, Option<DataDirLock>) = match node.database.clone() {
        Some(url) => {
            let pool_size = u32::try_from(node.database_pool_size).unwrap_or(u32::MAX);
            let store = pcentral_store::PostgresStore::open(&url, pool_size).map_err(|e| format!("database: {e}"))?;
            (Arc::new(store), None)
        }
        None => {
            let (store, lock) = open_sqlite(&node.data_dir)?;
            (Arc::new(store), Some(lock))
        }
    };
    let key = match &node.server_key {
        Some(text) => ServerKey::from_base64(text).map_err(|e| format!("server-key: {e}"))?,
        None => ServerKey::load_or_create(&node.data_dir).map_err(|e| format!("server-key: {e}"))?,
    };
    if node.database.is_none() || node.server_key.is_none() {
        warn_if_exposed(&node.data_dir);
    }
    let credentials =
        CredentialRule { local_convention: node.listen.is_loopback() || node.allow_local_credentials, key };
    tracing::info!(rule = %credentials.describe(), "credentials");
    let state = Arc::new(AppState {
        store,
        credentials,
        keys: Default::default(),
        settings: shared,
        admin_token: node.admin_token.token().map(str::to_string),
        admin_hosts: crate::gate::AdminHosts { listen, allowed: node.allowed_hosts.0.clone() },
        limits,
        store_slots: node.database.is_some().then(|| {
            let slots =
                usize::try_from(node.database_pool_size).unwrap_or(1).clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
            Arc::new(tokio::sync::Semaphore::new(slots))
        }),
        observe: crate::observe::Observer::new(usize::try_from(node.requests_log_size).unwrap_or(usize::MAX)),
        throttle: Default::default(),
        policies: crate::authorize::PolicyCache::default(),
        trusted_proxies: node.trusted_proxies.clone(),
    });
    if let Some(path) = &node.seed {
        crate::admin::seed_at_start(&state, path, stopping)?;
    }
    Ok((state, lock))
}

/// The HTTP limits of `node`'s settings.
fn limits(node: &NodeSettings) -> crate::app::Limits {
    let seconds = std::time::Duration::from_secs;
    crate::app::Limits {
        max_connections: usize::try_from(node.max_connections).unwrap_or(usize::MAX).max(1),
        header_timeout: seconds(node.header_timeout_seconds.max(1)),
        body_timeout: seconds(node.body_timeout_seconds.max(1)),
        body_memory: Arc::new(crate::app::BodyBudget::new(node.body_memory_limit_mib.saturating_mul(1024 * 1024))),
        shutdown_grace: seconds(node.shutdown_grace_seconds),
    }
}

fn listen_error(addr: SocketAddr, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::AddrInUse => format!("listen {addr}: the address is in use (is another server running there?)"),
        _ => format!("listen {addr}: {e}"),
    }
}

/// `--data-dir` must name a directory, or nothing yet.
fn not_a_file(dir: &Path) -> Result<(), String> {
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => Err(format!("data-dir {}: not a directory", dir.display())),
        _ => Ok(()),
    }
}

/// Check that the database can be written, take the directory's lock, then open the store.
fn open_sqlite(dir: &Path) -> Result<(pcentral_store::SqliteStore, DataDirLock), String> {
    writable_database(dir)?;
    files::create_private_dir(dir).map_err(|e| format!("data-dir {}: cannot create it: {e}", dir.display()))?;
    let lock = DataDirLock::acquire(dir)?;
    let store = pcentral_store::SqliteStore::open(dir).map_err(|e| format!("data-dir {}: {e}", dir.display()))?;
    Ok((store, lock))
}

/// Warn about what in the data directory other users may read, write or
/// enter: pcentral makes its own files private where it may, and leaves the
/// mode of a directory it did not create to its owner.
fn warn_if_exposed(dir: &Path) {
    match files::exposed(dir) {
        Ok(found) => {
            for (path, mode) in found {
                let (what, fix) = if path == dir {
                    ("the data directory", "chmod 700")
                } else {
                    ("a file of the data directory that this process could not make private,", "chmod 600")
                };
                let path = path.display();
                tracing::warn!(
                    "other users have access to {what} {path} (mode {mode:04o}), which holds secrets: `{fix} {path}` makes it private"
                );
            }
        }
        Err(e) => tracing::warn!(dir = %dir.display(), error = %e, "cannot check the data directory's permissions"),
    }
}

/// An existing database file that this process cannot write would answer
/// every write with an error: refuse it at start instead.
fn writable_database(dir: &Path) -> Result<(), String> {
    let db = dir.join(pcentral_store::sqlite::DB_FILE);
    match OpenOptions::new().read(true).write(true).open(&db) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) if matches!(e.kind(), ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem) => Err(format!(
            "database {} is read-only for this process: {e}. pcentral needs to write it: \
             give this user write access to it, or start from a copy",
            db.display()
        )),
        Err(e) => Err(format!("database {}: {e}", db.display())),
    }
}

/// The lock a `pcentral serve` on SQLite holds on its data directory for as
/// long as it runs (an advisory file lock, released by the system when the
/// process ends, however it ends), so that a second server on the same
/// directory is refused instead of sharing the database file.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    path: PathBuf,
}

impl DataDirLock {
    /// Take the lock of `dir` (which must exist), or say who holds it.
    pub fn acquire(dir: &Path) -> Result<DataDirLock, String> {
        let path = dir.join(LOCK_FILE);
        let mut file = files::private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| writable_dir_error(dir, &path, &e))?;
        let _ = files::make_private(&path);
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = match holder.trim() {
                    "" => "another process".to_string(),
                    pid => format!("another process (pid {pid})"),
                };
                return Err(format!(
                    "data-dir {} is in use: {holder} holds {}. Two servers cannot share one SQLite data \
                     directory; stop the other one, or give this one its own --data-dir",
                    dir.display(),
                    path.display()
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(format!("cannot lock {}: {e}", path.display())),
        }
        // Who holds the lock, for the message a second server prints.
        let _ = file.set_len(0).and_then(|()| file.rewind()).and_then(|()| writeln!(file, "{}", std::process::id()));
        Ok(DataDirLock { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn writable_dir_error(dir: &Path, path: &Path, e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
            format!("data-dir {} is read-only for this process: {e}. pcentral needs to write there", dir.display())
        }
        _ => format!("cannot open {}: {e}", path.display()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_directory_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = DataDirLock::acquire(dir.path()).unwrap();
        let pid = std::fs::read_to_string(first.path()).unwrap();
        assert_eq!(pid.trim(), std::process::id().to_string());
        let refused = DataDirLock::acquire(dir.path()).unwrap_err();
        assert!(refused.contains("is in use"), "{refused}");
        assert!(refused.contains(&format!("pid {}", std::process::id())), "{refused}");
        drop(first);
        DataDirLock::acquire(dir.path()).unwrap();
    }

    #[test]
    fn a_file_is_not_a_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain");
        std::fs::write(&file, "x").unwrap();
        assert!(not_a_file(&file).unwrap_err().ends_with("not a directory"));
        assert!(not_a_file(dir.path()).is_ok());
        assert!(not_a_file(&dir.path().join("missing")).is_ok());
    }
}
