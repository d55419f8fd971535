//! Starting a node: the one path that `pcentral serve` and in-process tests
//! (`pcentral-testing`) take. [`start`] checks what it can before it creates
//! anything (the listen address is free, the data directory is a directory,
//! the database is writable), takes the data directory's lock (SQLite), opens
//! the store, loads `--seed`, and serves until [`Running::stop`].

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::app::AppState;
use crate::credentials::{CredentialRule, ServerKey};
use crate::settings::Start;
use pcentral_store::files;

/// Name of the lock file in a SQLite data directory.
pub const LOCK_FILE: &str = "pcentral.lock";

/// A node that serves until stopped.
pub struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: JoinHandle<()>,
}

impl Running {
    /// The address the listener is bound to (with the port chosen when `listen` said port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDRESS:PORT` of this node.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop accepting connections, let requests in flight finish, stop the
    /// events worker, close the store and release the data directory's lock.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.done).await;
    }
}

/// Start a node with `start`'s settings and return once it answers requests.
pub async fn start(start: Start) -> Result<Running, String> {
    let Start { node, shared } = start;
    // The port first: a taken address is refused before anything is created.
    let listener = tokio::net::TcpListener::bind(node.listen).await.map_err(|e| listen_error(node.listen, &e))?;
    let addr = listener.local_addr().map_err(|e| format!("listen: {e}"))?;
    not_a_file(&node.data_dir)?;
    let (store, lock): (Arc<dyn pcentral_core::Store>, Option<DataDirLock>) = match node.database.clone() {
        // The PostgreSQL client blocks: connect and migrate off the async workers.
        Some(url) => {
            let pool_size = u32::try_from(node.database_pool_size).unwrap_or(u32::MAX);
            let store = tokio::task::spawn_blocking(move || pcentral_store::PostgresStore::open(&url, pool_size))
                .await
                .map_err(|e| format!("database: {e}"))?
                .map_err(|e| format!("database: {e}"))?;
            (Arc::new(store), None)
        }
        None => {
            let dir = node.data_dir.clone();
            let (store, lock) = tokio::task::spawn_blocking(move || open_sqlite(&dir))
                .await
                .map_err(|e| format!("data-dir: {e}"))??;
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
    let loopback = node.listen.ip().is_loopback();
    let credentials = CredentialRule { local_convention: loopback || node.allow_local_credentials, key };
    tracing::info!(address = %addr, backend = store.backend_name(), "pcentral listening");
    tracing::info!(rule = %credentials.describe(), "credentials");
    let state = Arc::new(AppState {
        store,
        credentials,
        settings: shared,
        admin_token: node.admin_token.token().map(str::to_string),
        admin_hosts: crate::gate::AdminHosts { listen: addr, allowed: node.allowed_hosts.0.clone() },
        limits: limits(&node),
        store_slots: node.database.is_some().then(|| {
            let slots =
                usize::try_from(node.database_pool_size).unwrap_or(1).clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
            Arc::new(tokio::sync::Semaphore::new(slots))
        }),
        observe: crate::observe::Observer::new(usize::try_from(node.requests_log_size).unwrap_or(usize::MAX)),
    });
    if let Some(path) = &node.seed {
        let state = state.clone();
        let path = path.clone();
        tokio::task::spawn_blocking(move || crate::admin::seed_at_start(&state, &path))
            .await
            .map_err(|e| format!("seed: {e}"))??;
    }
    let (stop, stopped) = oneshot::channel::<()>();
    let done = tokio::spawn(async move {
        // The events worker (Expired sweep, webhook delivery) runs until the listener stops.
        let (stop_events, events_stopped) = tokio::sync::watch::channel(false);
        let events_worker = tokio::spawn(crate::worker::run(state.clone(), events_stopped));
        crate::http::serve(listener, state.clone(), async {
            let _ = stopped.await;
        })
        .await;
        let _ = stop_events.send(true);
        let _ = events_worker.await;
        // Close the store off the async workers: the PostgreSQL client shuts down a runtime of its own.
        let _ = tokio::task::spawn_blocking(move || drop(state)).await;
        // Only now may another process open the data directory.
        drop(lock);
        tracing::info!("pcentral stopped");
    });
    Ok(Running { addr, stop: Some(stop), done })
}

/// The HTTP limits of `node`'s settings.
fn limits(node: &crate::settings::NodeSettings) -> crate::app::Limits {
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
