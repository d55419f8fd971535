//! Who is calling: the access-key → account rule, registered key pairs, and
//! the server key that encrypts their secrets at rest.
//!
//! The rule (DECISIONS.md):
//! * a registered key pair (created with `pcentral credentials create`) is
//!   always accepted and maps to its account;
//! * under the local convention (on by default on loopback), a 12-digit key id
//!   with secret `test` is that account, and any other key id with secret
//!   `test` is account `000000000000`;
//! * otherwise the key is unknown (UnrecognizedClientException).
//!
//! Signatures are verified in every case.

use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use pcentral_core::store::{StoredCredential, Tx};
use pcentral_core::{Failure, StoreError};
use rand::{Rng, RngCore};

use crate::sigv4::{self, AuthError, RequestParts};

/// Secret of the local credentials convention.
pub const LOCAL_SECRET: &str = "test";
/// Account of non-numeric key ids under the local convention.
pub const DEFAULT_ACCOUNT: &str = "000000000000";
/// Name of the server key file in the data directory.
pub const KEY_FILE: &str = "server.key";

/// The key that encrypts registered secrets. Shared by every node of a deployment.
#[derive(Clone)]
pub struct ServerKey(Key);

impl ServerKey {
    /// From base64 text (32 bytes).
    pub fn from_base64(text: &str) -> Result<ServerKey, String> {
        let bytes = B64.decode(text.trim()).map_err(|e| format!("server key is not base64: {e}"))?;
        if bytes.len() != 32 {
            return Err(format!("server key must be 32 bytes, got {}", bytes.len()));
        }
        Ok(ServerKey(*Key::from_slice(&bytes)))
    }

    /// Read `<data_dir>/server.key`, creating it with a fresh random key if missing.
    pub fn load_or_create(data_dir: &Path) -> Result<ServerKey, String> {
        let path = data_dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_base64(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
                let mut bytes = [0u8; 32];
                rand::thread_rng().fill_bytes(&mut bytes);
                let text = B64.encode(bytes);
                write_private(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                Self::from_base64(&text)
            }
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    pub fn encrypt(&self, secret: &str) -> String {
        let cipher = ChaCha20Poly1305::new(&self.0);
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        // Encryption with a valid key and nonce cannot fail for in-memory data.
        let sealed = cipher.encrypt(Nonce::from_slice(&nonce), secret.as_bytes()).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        B64.encode(out)
    }

    pub fn decrypt(&self, stored: &str) -> Option<String> {
        let bytes = B64.decode(stored).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(12);
        let plain = ChaCha20Poly1305::new(&self.0).decrypt(Nonce::from_slice(nonce), sealed).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// A new registered key pair for `account`: (stored record, plain secret).
pub fn new_key_pair(key: &ServerKey, account: &str, now: i64) -> (StoredCredential, String) {
    const ALPHANUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const SECRET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut rng = rand::thread_rng();
    let access_key_id: String =
        "PCAK".chars().chain((0..16).map(|_| ALPHANUM[rng.gen_range(0..ALPHANUM.len())] as char)).collect();
    let secret: String = (0..40).map(|_| SECRET[rng.gen_range(0..SECRET.len())] as char).collect();
    let record = StoredCredential {
        access_key_id,
        account: account.to_string(),
        secret_encrypted: key.encrypt(&secret),
        created_at: now,
    };
    (record, secret)
}

/// How the server maps keys to accounts.
#[derive(Clone)]
pub struct CredentialRule {
    /// Whether the local `test`-secret convention is accepted.
    pub local_convention: bool,
    pub key: ServerKey,
}

impl CredentialRule {
    /// A one-line description, shown by the health endpoint and logged at start.
    pub fn describe(&self) -> String {
        if self.local_convention {
            format!(
                "registered key pairs map to their account; otherwise secret '{LOCAL_SECRET}' with a 12-digit key id is that account, and any other key id is account {DEFAULT_ACCOUNT}"
            )
        } else {
            "only registered key pairs are accepted (pcentral credentials create)".to_string()
        }
    }
}

/// The authenticated caller of a request.
pub struct Authenticated {
    pub account: String,
    pub region: String,
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Authenticate a request. `lookup` reads a registered credential by key id.
pub fn authenticate(
    rule: &CredentialRule,
    req: &RequestParts<'_>,
    wall_now_unix: i64,
    lookup: impl FnOnce(&str) -> Result<Option<StoredCredential>, Failure>,
) -> Result<Result<Authenticated, AuthError>, Failure> {
    let auth = match sigv4::parse_authorization(req) {
        Ok(a) => a,
        Err(e) => return Ok(Err(e)),
    };
    let key_id = auth.credential.access_key_id.clone();
    let region = auth.credential.region.clone();
    // 12-digit ids are never registered keys (those start with PCAK), so they skip the lookup.
    let registered = if rule.local_convention && is_account_id(&key_id) { None } else { lookup(&key_id)? };
    let (account, secret) = match registered {
        Some(cred) => {
            if req.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("x-amz-security-token")) {
                return Ok(Err(AuthError::UnrecognizedClient));
            }
            let Some(secret) = rule.key.decrypt(&cred.secret_encrypted) else {
                return Err(Failure::Store(StoreError::Backend(
                    "a registered secret cannot be decrypted with this server key".into(),
                )));
            };
            (cred.account, secret)
        }
        None if rule.local_convention => {
            let account = if is_account_id(&key_id) { key_id.clone() } else { DEFAULT_ACCOUNT.to_string() };
            (account, LOCAL_SECRET.to_string())
        }
        None => return Ok(Err(AuthError::UnrecognizedClient)),
    };
    Ok(sigv4::verify(req, &auth, &secret, wall_now_unix).map(|()| Authenticated { account, region }))
}

/// Read a credential inside a transaction.
pub fn lookup_in(tx: &mut dyn Tx, key_id: &str) -> Result<Option<StoredCredential>, Failure> {
    Ok(tx.credential(key_id)?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn secrets_round_trip_and_do_not_appear_in_storage() {
        let key = ServerKey::from_base64(&B64.encode([7u8; 32])).unwrap();
        let (record, secret) = new_key_pair(&key, "333333333333", 0);
        assert!(record.access_key_id.starts_with("PCAK"));
        assert!(!record.secret_encrypted.contains(&secret));
        assert_eq!(key.decrypt(&record.secret_encrypted).unwrap(), secret);
        let other = ServerKey::from_base64(&B64.encode([8u8; 32])).unwrap();
        assert_eq!(other.decrypt(&record.secret_encrypted), None);
    }

    #[test]
    fn server_key_file_is_created_once() {
        let dir = tempfile::tempdir().unwrap();
        let a = ServerKey::load_or_create(dir.path()).unwrap();
        let b = ServerKey::load_or_create(dir.path()).unwrap();
        let sealed = a.encrypt("s");
        assert_eq!(b.decrypt(&sealed).unwrap(), "s");
    }
}
