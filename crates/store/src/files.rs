//! The files of a data directory are private to the user pcentral runs as:
//! the SQLite database (AWS-catalog email codes, the page-token key), its
//! `-wal` and `-shm` files, the lock file and the server key. The directory
//! is created 0700 and every file 0600, set when the file is created, not
//! changed afterwards where pcentral creates it. SQLite creates `-wal` and
//! `-shm` itself, with the mode of the database file (so 0600 too).
//!
//! Files that exist already (from an earlier release, or copied in) are
//! made private when pcentral opens them, where it may change them; an
//! existing directory is left as it is (it may be one the user made for
//! more than pcentral), and [`exposed`] tells the server what to warn about.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Permission bits of the data directory pcentral creates.
pub const DIR_MODE: u32 = 0o700;
/// Permission bits of every file pcentral creates in it.
pub const FILE_MODE: u32 = 0o600;

/// Create `dir` if it does not exist: missing parents as the system's
/// defaults make them, `dir` itself with [`DIR_MODE`]. An existing directory
/// is left as it is.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    match builder.create(dir) {
        // Another process made it in the meantime.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        other => other,
    }
}

/// Open options that create a file with [`FILE_MODE`] (add `create` or `create_new`).
pub fn private_options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options
}

/// Create `path` as an empty file with [`FILE_MODE`] unless it exists.
pub fn create_private_file(path: &Path) -> io::Result<()> {
    match private_options().write(true).create_new(true).open(path) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        other => other.map(drop),
    }
}

/// Take away the group's and others' permissions on `path`, if it has any
/// (the owner's stay as they are). Answers whether it changed the mode; a
/// missing file changes nothing. Fails where this process may not change
/// the mode (it does not own the file).
pub fn make_private(path: &Path) -> io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = match fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        let mode = meta.permissions().mode() & 0o7777;
        if !meta.is_file() || mode & 0o077 == 0 {
            return Ok(false);
        }
        fs::set_permissions(path, fs::Permissions::from_mode(mode & !0o077))?;
        Ok(true)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(false)
    }
}

/// Write `contents` to a new file at `path` with [`FILE_MODE`], so that
/// `path` never exists half-written: written to a temporary file in the same
/// directory, flushed to disk, linked to `path` (which fails with
/// `AlreadyExists` when another process created `path` first, instead of
/// replacing it), and the directory flushed, so that the name survives a
/// crash too. On a file system without hard links the temporary file is
/// renamed instead.
pub fn write_new_private(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!("{name}.tmp-{}-{:016x}", std::process::id(), rand_u64()));
    let written = (|| {
        let mut file = private_options().write(true).create_new(true).open(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        match fs::hard_link(&temp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
            Err(_) if !path.exists() => fs::rename(&temp, path),
            Err(e) => Err(e),
        }
    })();
    let _ = fs::remove_file(&temp);
    written?;
    sync_dir(dir)
}

/// Flush a directory's entries to disk (a file created or renamed in it).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Some randomness for a temporary name (no cryptographic use).
fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    h.finish()
}

/// Whether a file in a data directory is one of pcentral's.
fn is_ours(name: &str) -> bool {
    name.starts_with("pcentral.") || name.starts_with("server.key")
}

/// What in data directory `dir` other users may read, write or enter: the
/// directory itself and pcentral's files in it, each with its permission
/// bits. Empty when all is private (or `dir` does not exist).
pub fn exposed(dir: &Path) -> io::Result<Vec<(PathBuf, u32)>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |meta: &fs::Metadata| meta.permissions().mode() & 0o7777;
        let meta = match fs::metadata(dir) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut found = Vec::new();
        if mode(&meta) & 0o077 != 0 {
            found.push((dir.to_path_buf(), mode(&meta)));
        }
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_file() && is_ours(&entry.file_name().to_string_lossy()) && mode(&meta) & 0o077 != 0 {
                found.push((entry.path(), mode(&meta)));
            }
        }
        found.sort();
        Ok(found)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(Vec::new())
    }
}

#[cfg(all(test, unix))]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_directory_is_0700_and_an_existing_one_is_left_alone() {
        let top = tempfile::tempdir().unwrap();
        let dir = top.path().join("a").join("data");
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o755, "an existing directory keeps its mode");
        assert_eq!(exposed(&dir).unwrap(), vec![(dir.clone(), 0o755)]);
    }

    #[test]
    fn files_are_created_private_and_existing_ones_made_private() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("pcentral.db");
        create_private_file(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        let lock = dir.path().join("pcentral.lock");
        fs::write(&lock, "1").unwrap();
        fs::set_permissions(&lock, fs::Permissions::from_mode(0o664)).unwrap();
        fs::write(dir.path().join("notes.txt"), "not ours").unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(exposed(dir.path()).unwrap(), vec![(lock.clone(), 0o664)], "only pcentral's files count");
        assert!(make_private(&lock).unwrap());
        assert_eq!(mode(&lock), 0o600);
        assert!(!make_private(&lock).unwrap(), "nothing to change the second time");
        assert!(!make_private(&dir.path().join("missing")).unwrap());
        let read_only = dir.path().join("server.key");
        fs::write(&read_only, "k").unwrap();
        fs::set_permissions(&read_only, fs::Permissions::from_mode(0o444)).unwrap();
        make_private(&read_only).unwrap();
        assert_eq!(mode(&read_only), 0o400, "the owner's bits stay");
        assert!(exposed(dir.path()).unwrap().is_empty());
    }

    #[test]
    fn a_new_file_is_written_whole_and_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("server.key");
        write_new_private(&key, b"first").unwrap();
        assert_eq!(fs::read(&key).unwrap(), b"first");
        assert_eq!(mode(&key), 0o600);
        let again = write_new_private(&key, b"second").unwrap_err();
        assert_eq!(again.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&key).unwrap(), b"first", "the first file stays");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["server.key"], "no temporary file is left behind");
    }
}
