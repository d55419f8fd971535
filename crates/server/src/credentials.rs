//! Who is calling: the access-key → account rule, registered key pairs, and
//! the server key that encrypts their secrets at rest.
//!
//! The rule (docs/behaviour.md#authentication):
//! * a registered key pair (created with `pcentral credentials create`) is
//!   always accepted and maps to its account;
//! * under the local convention (on by default on loopback), a 12-digit key id
//!   with secret `test` is that account, and any other key id with secret
//!   `test` is account `000000000000`;
//! * otherwise the key is unknown (UnrecognizedClientException).
//!
//! Signatures are verified in every case.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use pcentral_core::records::StoredCredential;
use pcentral_core::store::{read, Store};
use pcentral_core::{Failure, StoreError};
use pcentral_model::{AccountId, ApiError};
use pcentral_store::files;
use rand::{Rng, RngCore};

use crate::sigv4::{self, AuthError, Check, RequestParts};

/// Secret of the local credentials convention.
pub const LOCAL_SECRET: &str = "test";
/// Account of non-numeric key ids under the local convention.
pub const DEFAULT_ACCOUNT: &str = "000000000000";

/// [`DEFAULT_ACCOUNT`] as an account id.
fn default_account() -> &'static AccountId {
    static ACCOUNT: std::sync::LazyLock<AccountId> =
        std::sync::LazyLock::new(|| AccountId::parse(DEFAULT_ACCOUNT).expect("a 12-digit constant"));
    &ACCOUNT
}
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

    /// Read `<data_dir>/server.key`, creating it with a fresh random key if
    /// missing. A new key file is private (0600) and appears whole or not at
    /// all: written to a temporary file, flushed to disk, then linked into
    /// place and the directory flushed; when another process created it
    /// first, its key is used. An existing key file readable by others is
    /// made private where this process may.
    pub fn load_or_create(data_dir: &Path) -> Result<ServerKey, String> {
        let path = data_dir.join(KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let _ = files::make_private(&path);
                Self::from_base64(&text)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                files::create_private_dir(data_dir)
                    .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
                let mut bytes = [0u8; 32];
                rand::thread_rng().fill_bytes(&mut bytes);
                let text = B64.encode(bytes);
                match files::write_new_private(&path, text.as_bytes()) {
                    Ok(()) => Self::from_base64(&text),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        let text = std::fs::read_to_string(&path)
                            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                        Self::from_base64(&text)
                    }
                    Err(e) => Err(format!("cannot write {}: {e}", path.display())),
                }
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

/// A new registered key pair for `account` (for IAM user `user`, if any): (stored record, plain secret).
pub fn new_key_pair(key: &ServerKey, account: &AccountId, user: Option<&str>, now: i64) -> (StoredCredential, String) {
    const ALPHANUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const SECRET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut rng = rand::thread_rng();
    let access_key_id: String =
        "PCAK".chars().chain((0..16).map(|_| ALPHANUM[rng.gen_range(0..ALPHANUM.len())] as char)).collect();
    let secret: String = (0..40).map(|_| SECRET[rng.gen_range(0..SECRET.len())] as char).collect();
    let record = StoredCredential {
        access_key_id,
        account: account.clone(),
        secret_encrypted: key.encrypt(&secret),
        created_at: now,
        user: user.map(str::to_string),
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
    pub account: AccountId,
    pub region: String,
    /// The IAM user of a registered key that has one: its policies decide the call.
    pub user: Option<String>,
}

/// Why a request was not authenticated: the client's error, or a failure
/// to read the registered credentials.
#[derive(Debug)]
pub enum Refusal {
    Auth(AuthError),
    Store(Failure),
}

impl From<AuthError> for Refusal {
    fn from(e: AuthError) -> Self {
        Refusal::Auth(e)
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> ApiError {
        match r {
            Refusal::Auth(e) => e.into(),
            Refusal::Store(f) => {
                // The client learns nothing of it; the log gets the details.
                tracing::error!(error = %f.log_detail(), "authentication: reading the registered keys failed");
                f.into_api_error()
            }
        }
    }
}

/// A registered key pair as a request's checks use it: its account, its IAM
/// user and its secret, decrypted.
#[derive(Clone)]
pub struct Registered {
    account: AccountId,
    user: Option<String>,
    secret: String,
}

impl Registered {
    /// `stored`, its secret decrypted with the server key of `rule`.
    fn of(rule: &CredentialRule, stored: StoredCredential) -> Result<Registered, Failure> {
        let Some(secret) = rule.key.decrypt(&stored.secret_encrypted) else {
            return Err(Failure::Store(StoreError::Backend(
                "a registered secret cannot be decrypted with this server key".into(),
            )));
        };
        Ok(Registered { account: stored.account, user: stored.user, secret })
    }
}

/// Registered key pairs as last read from a store that counts its commits
/// ([`Store::commits`]): a key read while the count was `n` is used again,
/// without a read transaction or a decryption, until the store has ended
/// another write batch (any write, so a deleted key or a changed user is
/// never missed). Keys are found by id; the memory is bounded (it starts over
/// past 4096 keys) and holds secrets the process holds anyway (the signing
/// keys made from them). Per node; a store without a count reads every time.
#[derive(Default)]
pub struct KnownKeys(Mutex<HashMap<String, (u64, Registered)>>);

impl KnownKeys {
    /// The registered key pair `key_id` as `store` holds it now.
    pub fn find(&self, store: &dyn Store, rule: &CredentialRule, key_id: &str) -> Result<Option<Registered>, Failure> {
        let Some(commits) = store.commits() else {
            return read_registered(store, rule, key_id);
        };
        let known = self.0.lock().ok().and_then(|keys| match keys.get(key_id) {
            Some((at, key)) if *at == commits => Some(key.clone()),
            _ => None,
        });
        if known.is_some() {
            return Ok(known);
        }
        let found = read_registered(store, rule, key_id)?;
        if let (Some(key), Ok(mut keys)) = (&found, self.0.lock()) {
            if keys.len() >= 4096 {
                keys.clear();
            }
            keys.insert(key_id.to_string(), (commits, key.clone()));
        }
        Ok(found)
    }
}

fn read_registered(store: &dyn Store, rule: &CredentialRule, key_id: &str) -> Result<Option<Registered>, Failure> {
    let stored = read(store, |tx| Ok(tx.credential(key_id)?))?;
    stored.map(|c| Registered::of(rule, c)).transpose()
}

/// Who a request claims to be, once every check that needs no body passed
/// ([`claim`]); [`confirm`] checks the body's hash and the signature.
pub struct Claimed {
    auth: sigv4::Authorization,
    account: AccountId,
    region: String,
    secret: String,
    source: SecretSource,
    user: Option<String>,
}

/// Authenticate a request: [`claim`], then [`confirm`].
pub fn authenticate(
    rule: &CredentialRule,
    req: &RequestParts<'_>,
    wall_now_unix: i64,
    lookup: impl FnOnce(&str) -> Result<Option<Registered>, Failure>,
) -> Result<Authenticated, Refusal> {
    let auth = authorization(req)?;
    let claimed = claim(rule, req, auth, wall_now_unix, lookup)?;
    confirm(&claimed, req)
}

/// The Authorization header of `req`, parsed (a refusal is logged, as in [`claim`]).
pub fn authorization(req: &RequestParts<'_>) -> Result<sigv4::Authorization, Refusal> {
    sigv4::parse_authorization(req).map_err(|e| refused(e, None, None))
}

/// Whether the key of `auth` is looked up in the store: every key but a
/// 12-digit id under the local convention (registered keys start with PCAK,
/// so they are never 12 digits).
pub fn needs_lookup(rule: &CredentialRule, auth: &sigv4::Authorization) -> bool {
    !(rule.local_convention && AccountId::parse(&auth.credential.access_key_id).is_ok())
}

/// The checks of a request's head, run before its body is read, given its
/// parsed Authorization header ([`authorization`]): a known key (`lookup` finds a registered
/// key pair by key id: [`KnownKeys::find`]), the signed headers, the scope and the date. A
/// refusal is logged with the check that failed and, where one helps, a hint
/// ([`hint`]); the client's answer keeps AWS's error type and wording.
pub fn claim(
    rule: &CredentialRule,
    req: &RequestParts<'_>,
    auth: sigv4::Authorization,
    wall_now_unix: i64,
    lookup: impl FnOnce(&str) -> Result<Option<Registered>, Failure>,
) -> Result<Claimed, Refusal> {
    let key_id = auth.credential.access_key_id.clone();
    let region = auth.credential.region.clone();
    let local_account = AccountId::parse(&key_id).ok();
    let registered = if needs_lookup(rule, &auth) { lookup(&key_id).map_err(Refusal::Store)? } else { None };
    let (account, secret, source, user) = match registered {
        Some(key) => {
            if req.headers.contains_key("x-amz-security-token") {
                let e = AuthError::UnrecognizedClient(Check::SessionToken);
                return Err(refused(e, Some(&key_id), Some(SecretSource::Registered)));
            }
            (key.account, key.secret, SecretSource::Registered, key.user)
        }
        None if rule.local_convention => (
            local_account.unwrap_or_else(|| default_account().clone()),
            LOCAL_SECRET.to_string(),
            SecretSource::LocalConvention,
            None,
        ),
        None => {
            let e = AuthError::UnrecognizedClient(Check::UnknownKey);
            return Err(refused(e, Some(&key_id), None));
        }
    };
    sigv4::verify_head(req, &auth, wall_now_unix).map_err(|e| refused(e, Some(&key_id), Some(source)))?;
    Ok(Claimed { auth, account, region, secret, source, user })
}

/// The checks of the body (`req` is the whole request, head as [`claim`]
/// saw it): the content hash header and the signature.
pub fn confirm(claimed: &Claimed, req: &RequestParts<'_>) -> Result<Authenticated, Refusal> {
    sigv4::verify_body(req, &claimed.auth, &claimed.secret)
        .map_err(|e| refused(e, Some(&claimed.auth.credential.access_key_id), Some(claimed.source)))?;
    Ok(Authenticated { account: claimed.account.clone(), region: claimed.region.clone(), user: claimed.user.clone() })
}

/// Where the secret a signature was checked against came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    /// A registered key pair.
    Registered,
    /// The local convention (secret `test`).
    LocalConvention,
}

/// Log a refused authentication: the check that failed, the access key id
/// (never a secret) and a hint when one helps.
fn refused(error: AuthError, key_id: Option<&str>, source: Option<SecretSource>) -> Refusal {
    let hint = hint(&error, key_id, source).unwrap_or_default();
    tracing::warn!(check = %error.check().as_str(), key_id = %key_id.unwrap_or("-"), %hint, "authentication refused");
    Refusal::Auth(error)
}

/// A hint for the server's log about a refused authentication, for the
/// mistakes people make with local credentials.
pub fn hint(error: &AuthError, key_id: Option<&str>, source: Option<SecretSource>) -> Option<String> {
    let key = key_id?;
    let twelve_digits = AccountId::parse(key).is_ok();
    match (error.check(), source) {
        (Check::SignatureMismatch, Some(SecretSource::LocalConvention)) if twelve_digits => Some(format!(
            "under the local convention access key id {key} is account {key} and its secret is {LOCAL_SECRET}"
        )),
        (Check::SignatureMismatch, Some(SecretSource::LocalConvention)) => Some(format!(
            "{key} is not a registered key, so under the local convention it is account {DEFAULT_ACCOUNT} \
             and its secret is {LOCAL_SECRET}"
        )),
        (Check::SignatureMismatch, Some(SecretSource::Registered)) => {
            Some(format!("{key} is a registered key pair: sign with the secret shown when it was created"))
        }
        (Check::UnknownKey, _) if twelve_digits => Some(format!(
            "the local convention is off (listening beyond loopback without --allow-local-credentials), so \
             {key} with secret {LOCAL_SECRET} is not accepted; register a key pair (pcentral credentials create)"
        )),
        (Check::ClockSkew, _) => Some("the client's clock is more than 15 minutes from the server's".into()),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const T0: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z

    /// `check`'s refusal of a request signed with `key`/`secret` at `signed_at`, and its hint.
    fn refusal(rule: &CredentialRule, key: &str, secret: &str, signed_at: i64) -> (AuthError, Option<String>) {
        let amz_date = sigv4::format_amz_date(signed_at);
        let mut headers =
            vec![("Host".to_string(), "127.0.0.1:4599".to_string()), ("X-Amz-Date".to_string(), amz_date.clone())];
        let body = br#"{"Catalog":"AWS"}"#;
        let map = sigv4::header_map(&headers);
        let unsigned = RequestParts { method: "POST", path: "/", query: "", headers: &map, body };
        let authorization = sigv4::authorization_header(&unsigned, key, secret, "us-east-1", &amz_date);
        headers.push(("Authorization".to_string(), authorization));
        let map = sigv4::header_map(&headers);
        let req = RequestParts { method: "POST", path: "/", query: "", headers: &map, body };
        match authenticate(rule, &req, T0, |_| Ok(None)) {
            Err(Refusal::Auth(e)) => {
                let source = rule.local_convention.then_some(SecretSource::LocalConvention);
                let hint = hint(&e, Some(key), source);
                (e, hint)
            }
            Err(Refusal::Store(f)) => panic!("store failure {f:?}"),
            Ok(_) => panic!("{key} with {secret} was accepted"),
        }
    }

    fn rule(local_convention: bool) -> CredentialRule {
        CredentialRule { local_convention, key: ServerKey::from_base64(&B64.encode([7u8; 32])).unwrap() }
    }

    #[test]
    fn refusals_name_the_check_and_keep_the_clients_wording() {
        let (e, hint) = refusal(&rule(true), "123456789012", "wrong", T0);
        assert_eq!(e.check(), Check::SignatureMismatch);
        assert_eq!(e.kind(), pcentral_model::ErrorKind::InvalidSignature);
        assert!(e.message().starts_with("The request signature we calculated does not match"), "{}", e.message());
        let hint = hint.unwrap();
        assert!(hint.contains("123456789012") && hint.contains("its secret is test"), "{hint}");

        let (e, hint) = refusal(&rule(true), "AKIDEXAMPLE", "wrong", T0);
        assert_eq!(e.check(), Check::SignatureMismatch);
        assert!(hint.unwrap().contains("000000000000"));

        let (e, hint) = refusal(&rule(true), "123456789012", "test", T0 - 16 * 60);
        assert_eq!((e.check(), e.kind()), (Check::ClockSkew, pcentral_model::ErrorKind::InvalidSignature));
        assert!(e.message().starts_with("Signature expired:"), "{}", e.message());
        assert!(hint.unwrap().contains("15 minutes"));

        let (e, hint) = refusal(&rule(false), "123456789012", "test", T0);
        assert_eq!((e.check(), e.kind()), (Check::UnknownKey, pcentral_model::ErrorKind::UnrecognizedClient));
        assert_eq!(e.message(), "The security token included in the request is invalid.");
        assert!(hint.unwrap().contains("local convention is off"));
    }

    #[test]
    fn secrets_round_trip_and_do_not_appear_in_storage() {
        let key = ServerKey::from_base64(&B64.encode([7u8; 32])).unwrap();
        let (record, secret) = new_key_pair(&key, &AccountId::parse("333333333333").unwrap(), None, 0);
        assert!(record.access_key_id.starts_with("PCAK"));
        assert!(!record.secret_encrypted.contains(&secret));
        assert_eq!(key.decrypt(&record.secret_encrypted).unwrap(), secret);
        let other = ServerKey::from_base64(&B64.encode([8u8; 32])).unwrap();
        assert_eq!(other.decrypt(&record.secret_encrypted), None);
    }

    #[test]
    fn a_kept_key_is_read_again_after_any_write_so_a_deleted_key_is_refused_at_once() {
        use pcentral_core::store::write;
        let dir = tempfile::tempdir().unwrap();
        let store = pcentral_store::sqlite::SqliteStore::open(dir.path()).unwrap();
        let rule = CredentialRule { local_convention: false, key: ServerKey::load_or_create(dir.path()).unwrap() };
        let account = AccountId::parse("111122223333").unwrap();
        let (stored, secret) = new_key_pair(&rule.key, &account, Some("crm"), 0);
        let id = stored.access_key_id.clone();
        write(&store, |tx| Ok(tx.insert_credential(&stored)?)).unwrap();
        let keys = KnownKeys::default();
        for _ in 0..2 {
            let found = keys.find(&store, &rule, &id).unwrap().unwrap();
            assert_eq!(
                (found.account.as_str(), found.user.as_deref(), found.secret.as_str()),
                ("111122223333", Some("crm"), secret.as_str())
            );
        }
        assert!(keys.find(&store, &rule, "PCAKUNKNOWN").unwrap().is_none());
        write(&store, |tx| Ok(tx.delete_account(&account)?)).unwrap();
        assert!(keys.find(&store, &rule, &id).unwrap().is_none(), "the key deleted with its account is not found");
    }

    #[test]
    fn server_key_file_is_created_once() {
        let dir = tempfile::tempdir().unwrap();
        let a = ServerKey::load_or_create(dir.path()).unwrap();
        let b = ServerKey::load_or_create(dir.path()).unwrap();
        let sealed = a.encrypt("s");
        assert_eq!(b.decrypt(&sealed).unwrap(), "s");
    }

    #[test]
    #[cfg(unix)]
    fn the_server_key_file_is_private_and_written_whole() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let top = tempfile::tempdir().unwrap();
        let dir = top.path().join("data");
        ServerKey::load_or_create(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700, "a data directory made for the key is private");
        let path = dir.join(KEY_FILE);
        assert_eq!(mode(&path), 0o600);
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, [KEY_FILE], "no temporary file is left");
        assert_eq!(B64.decode(std::fs::read_to_string(&path).unwrap()).unwrap().len(), 32);
        // A key file others may read (copied in, or from an earlier release) is made private.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        ServerKey::load_or_create(&dir).unwrap();
        assert_eq!(mode(&path), 0o600);
    }
}
