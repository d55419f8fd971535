//! AWS Signature Version 4 verification (header-based, `AWS4-HMAC-SHA256`)
//! for the services pcentral serves: a request's credential scope must name
//! the signing name of the service its `X-Amz-Target` routes to ([`service_of`]).
//!
//! The flow used by the server is:
//! 1. [`parse_authorization`] extracts the `Authorization` header
//!    ([`AuthError::MissingToken`] when absent, [`AuthError::Incomplete`] when malformed);
//! 2. the caller looks up the secret of `credential.access_key_id`
//!    (answering [`AuthError::UnrecognizedClient`] itself when the key is unknown);
//!    every error names the [`Check`] that failed, for the server's log;
//! 3. [`verify`] checks the scope, the clock skew, the `x-amz-content-sha256`
//!    header and finally the signature (compared in constant time).
//!
//! [`authorization_header`] produces a header value for a request, using the
//! same canonicalisation code as [`verify`]; it is meant for tests and for the
//! project's own test clients.
//!
//! Canonicalisation follows the defaults of the AWS SDKs for non-S3 services:
//! the URI path is normalised (dot segments and empty segments removed) and each
//! segment is encoded again (so a received `%20` becomes `%2520`), query
//! parameters are decoded, re-encoded and sorted, and only the headers listed in
//! `SignedHeaders` are canonicalised (values trimmed of spaces, internal runs of
//! spaces collapsed, repeated headers joined with `,`).

use std::borrow::Cow;

use hyper::HeaderMap;
use pcentral_model::{ApiError, ErrorKind, Service};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::url;

/// The only supported signing algorithm.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The last element of a credential scope.
pub const TERMINATOR: &str = "aws4_request";
/// Allowed difference between `X-Amz-Date` and the wall clock, in seconds.
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// Headers never signed by [`authorization_header`] (the same default
/// exclusions as the AWS SDKs: the signature itself and headers that proxies
/// or HTTP stacks commonly rewrite).
const UNSIGNED_HEADERS: [&str; 4] = ["authorization", "user-agent", "x-amzn-trace-id", "transfer-encoding"];

const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. \
Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// Failure of authentication; each maps to an AWS error type, HTTP status and
/// message (the wording clients expect), and names the [`Check`] that failed,
/// for the server's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// No Authorization header at all.
    MissingToken,
    /// Authorization present but malformed, missing parts, or not signing
    /// what it must.
    Incomplete(Check, String),
    /// Signature mismatch, bad content hash, wrong scope, clock skew
    /// ("Signature expired: ..." / "Signature not yet current: ...").
    InvalidSignature(Check, String),
    /// Key id not known, or not usable this way (the caller decides this, not this module).
    UnrecognizedClient(Check),
}

/// Which check refused a request. Named in the server's log, never sent to
/// the client (whose message keeps AWS's wording).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// No `Authorization` header.
    MissingAuthorization,
    /// `Authorization` or `X-Amz-Date` not in the expected form.
    Malformed,
    /// `host`, `x-amz-date` or a sent `x-amz-security-token` not among the signed headers.
    UnsignedRequiredHeader,
    /// A header listed in `SignedHeaders` is not in the request.
    MissingSignedHeader,
    /// The credential scope names another service, or another date than `X-Amz-Date`.
    CredentialScope,
    /// `X-Amz-Date` more than 15 minutes from the server's clock.
    ClockSkew,
    /// `x-amz-content-sha256` is not the body's hash.
    ContentHash,
    /// The signature is not the one the secret gives.
    SignatureMismatch,
    /// The access key id is not known.
    UnknownKey,
    /// A session token came with a registered key pair.
    SessionToken,
}

impl Check {
    /// How the server's log names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::MissingAuthorization => "missing Authorization header",
            Check::Malformed => "malformed Authorization or X-Amz-Date",
            Check::UnsignedRequiredHeader => "required header not signed",
            Check::MissingSignedHeader => "missing signed header",
            Check::CredentialScope => "credential scope",
            Check::ClockSkew => "clock skew",
            Check::ContentHash => "content hash",
            Check::SignatureMismatch => "signature mismatch",
            Check::UnknownKey => "unknown access key",
            Check::SessionToken => "session token with a registered key",
        }
    }
}

impl AuthError {
    /// The error kind answered for it (each is a 403).
    pub fn kind(&self) -> ErrorKind {
        match self {
            AuthError::MissingToken => ErrorKind::MissingAuthenticationToken,
            AuthError::Incomplete(..) => ErrorKind::IncompleteSignature,
            AuthError::InvalidSignature(..) => ErrorKind::InvalidSignature,
            AuthError::UnrecognizedClient(_) => ErrorKind::UnrecognizedClient,
        }
    }

    /// The check that failed.
    pub fn check(&self) -> Check {
        match self {
            AuthError::MissingToken => Check::MissingAuthorization,
            AuthError::Incomplete(c, _) | AuthError::InvalidSignature(c, _) | AuthError::UnrecognizedClient(c) => *c,
        }
    }

    /// The human-readable message.
    pub fn message(&self) -> String {
        match self {
            AuthError::MissingToken => "Missing Authentication Token".to_string(),
            AuthError::Incomplete(_, m) | AuthError::InvalidSignature(_, m) => m.clone(),
            AuthError::UnrecognizedClient(_) => "The security token included in the request is invalid.".to_string(),
        }
    }
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind().type_name(), self.message())
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> ApiError {
        ApiError::new(e.kind(), e.message())
    }
}

impl std::error::Error for AuthError {}

/// The credential part of the Authorization header:
/// `<access_key_id>/<date>/<region>/<service>/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
}

impl Credential {
    /// The credential scope: `<date>/<region>/<service>/aws4_request`.
    pub fn scope(&self) -> String {
        format!("{}/{}/{}/{TERMINATOR}", self.date, self.region, self.service)
    }
}

/// The parsed Authorization header.
#[derive(Debug, Clone)]
pub struct Authorization {
    pub credential: Credential,
    pub signed_headers: SignedHeaders,
    pub signature: String,
}

/// The `SignedHeaders` list as received: header names exactly as listed,
/// in order, separated by `;` (none empty or with whitespace: [`parse_authorization`] checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders(String);

impl SignedHeaders {
    /// The names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.split(';')
    }

    /// Whether `name` is listed (case-insensitive).
    fn has(&self, name: &str) -> bool {
        self.names().any(|h| h.eq_ignore_ascii_case(name))
    }
}

/// A request as received: method, raw path, raw query (without '?', may be
/// empty), headers as (name, value) pairs in any case, raw body bytes.
pub struct RequestParts<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl RequestParts<'_> {
    /// All values of the header `name` (case-insensitive), in order of
    /// appearance; bytes that are not UTF-8 read as U+FFFD.
    fn header_values<'s>(&'s self, name: &str) -> impl Iterator<Item = Cow<'s, str>> + 's {
        self.headers.get_all(name).into_iter().map(text_of)
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers.contains_key(name)
    }

    /// The first value of the header `name`, trimmed as [`trim_spaces`] does (empty when absent).
    fn first_trimmed(&self, name: &str) -> Cow<'_, str> {
        match self.header_values(name).next() {
            Some(Cow::Borrowed(value)) => trim_spaces(value),
            Some(Cow::Owned(value)) => Cow::Owned(trim_spaces(&value).into_owned()),
            None => Cow::Borrowed(""),
        }
    }
}

/// A header value as text; bytes that are not UTF-8 read as U+FFFD (the
/// usual all-UTF-8 value is checked at UTF-8 validation's speed and borrowed).
pub fn text_of(value: &hyper::header::HeaderValue) -> Cow<'_, str> {
    match std::str::from_utf8(value.as_bytes()) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(value.as_bytes()),
    }
}

/// `pairs` as a header map, in order (tests build requests this way).
#[cfg(test)]
pub(crate) fn header_map(pairs: &[(String, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        let name = hyper::header::HeaderName::from_bytes(name.as_bytes()).expect("a header name");
        map.append(name, hyper::header::HeaderValue::from_str(value).expect("a header value"));
    }
    map
}

/// The service whose signing name a request's credential scope must name:
/// the one its `X-Amz-Target` prefix routes to. A target that names no
/// served service (answered UnknownOperationException once signed) is held to
/// the first service's, `partnercentral-account`, as before the family.
pub fn service_of(req: &RequestParts) -> Service {
    req.header_values("x-amz-target")
        .next()
        .and_then(|t| t.trim().split_once('.').and_then(|(prefix, _)| Service::from_target_prefix(prefix)))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/// Parse the Authorization header of the request (MissingToken when absent,
/// Incomplete when malformed).
pub fn parse_authorization(req: &RequestParts) -> Result<Authorization, AuthError> {
    let value = req.header_values("authorization").find(|v| !v.trim().is_empty()).ok_or(AuthError::MissingToken)?;
    parse_authorization_value(value.trim())
}

/// Parse an `Authorization` header value.
fn parse_authorization_value(value: &str) -> Result<Authorization, AuthError> {
    let value = value.trim();
    let (algorithm, rest) = value.split_once(|c: char| c.is_ascii_whitespace()).unwrap_or((value, ""));
    if algorithm != ALGORITHM {
        return Err(AuthError::Incomplete(
            Check::Malformed,
            format!(
                "Unsupported authorization algorithm '{algorithm}': only {ALGORITHM} is supported. \
             Authorization={value}"
            ),
        ));
    }

    let mut credential: Option<&str> = None;
    let mut signed_headers: Option<&str> = None;
    let mut signature: Option<&str> = None;
    for part in rest.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let Some((key, val)) = part.split_once('=') else {
            return Err(AuthError::Incomplete(
                Check::Malformed,
                format!(
                    "Authorization header parameter '{part}' is not of the form key=value. \
                 Authorization={value}"
                ),
            ));
        };
        let slot = match key.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            other => {
                return Err(AuthError::Incomplete(
                    Check::Malformed,
                    format!("Unknown Authorization header parameter '{other}'. Authorization={value}"),
                ))
            }
        };
        if slot.is_some() {
            return Err(AuthError::Incomplete(
                Check::Malformed,
                format!(
                    "Authorization header parameter '{}' appears more than once. Authorization={value}",
                    key.trim()
                ),
            ));
        }
        *slot = Some(val.trim());
    }

    let mut missing = String::new();
    for (name, slot) in [("Credential", credential), ("Signature", signature), ("SignedHeaders", signed_headers)] {
        if slot.is_none_or(str::is_empty) {
            missing.push_str(&format!("Authorization header requires '{name}' parameter. "));
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature), true) =
        (credential, signed_headers, signature, missing.is_empty())
    else {
        return Err(AuthError::Incomplete(Check::Malformed, format!("{missing}Authorization={value}")));
    };

    let credential = parse_credential(credential)?;
    let signed_headers = parse_signed_headers(signed_headers)?;
    check_required_signed_headers(&signed_headers)?;
    Ok(Authorization { credential, signed_headers, signature: signature.to_string() })
}

/// Parse `<AKID>/<yyyymmdd>/<region>/<service>/aws4_request`.
fn parse_credential(raw: &str) -> Result<Credential, AuthError> {
    let parts: Vec<&str> = raw.split('/').collect();
    let [access_key_id, date, region, service, terminator] = parts.as_slice() else {
        return Err(AuthError::Incomplete(
            Check::Malformed,
            format!(
                "Credential should be of the form \
             <AccessKeyId>/<YYYYMMDD>/<region>/<service>/{TERMINATOR}, not '{raw}'."
            ),
        ));
    };
    if access_key_id.is_empty() {
        return Err(AuthError::Incomplete(
            Check::Malformed,
            format!("Credential should contain an access key id, not '{raw}'."),
        ));
    }
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AuthError::Incomplete(
            Check::Malformed,
            format!("Credential should be scoped to a valid date (YYYYMMDD), not '{date}'."),
        ));
    }
    if region.is_empty() {
        return Err(AuthError::Incomplete(
            Check::Malformed,
            "Credential should be scoped to a valid region, not ''.".to_string(),
        ));
    }
    if service.is_empty() {
        return Err(AuthError::Incomplete(
            Check::Malformed,
            "Credential should be scoped to a valid service, not ''.".to_string(),
        ));
    }
    if *terminator != TERMINATOR {
        return Err(AuthError::Incomplete(
            Check::Malformed,
            format!("Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{terminator}'."),
        ));
    }
    Ok(Credential {
        access_key_id: (*access_key_id).to_string(),
        date: (*date).to_string(),
        region: (*region).to_string(),
        service: (*service).to_string(),
    })
}

fn parse_signed_headers(raw: &str) -> Result<SignedHeaders, AuthError> {
    if raw.split(';').any(|n| n.is_empty() || n.bytes().any(|b| b.is_ascii_whitespace())) {
        return Err(AuthError::Incomplete(
            Check::Malformed,
            format!("SignedHeaders should be a ';'-separated list of header names, not '{raw}'."),
        ));
    }
    Ok(SignedHeaders(raw.to_string()))
}

/// `host` and `x-amz-date` must always be signed.
fn check_required_signed_headers(signed_headers: &SignedHeaders) -> Result<(), AuthError> {
    for (name, display) in [("host", "Host"), ("x-amz-date", "X-Amz-Date")] {
        if !signed_headers.has(name) {
            return Err(AuthError::Incomplete(
                Check::UnsignedRequiredHeader,
                format!("'{display}' must be a 'SignedHeader' in the AWS Authorization."),
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------

/// Verify the request against `secret`, given the wall-clock time now (unix
/// seconds): [`verify_head`], then [`verify_body`].
pub fn verify(req: &RequestParts, auth: &Authorization, secret: &str, wall_now_unix: i64) -> Result<(), AuthError> {
    verify_head(req, auth, wall_now_unix)?;
    verify_body(req, auth, secret)
}

/// The checks that need no body and no secret (run before the body is
/// read): the scope, the signed headers, the date and its skew (±15 min).
pub fn verify_head(req: &RequestParts, auth: &Authorization, wall_now_unix: i64) -> Result<(), AuthError> {
    check_required_signed_headers(&auth.signed_headers)?;
    if auth.signed_headers.names().any(str::is_empty) {
        return Err(AuthError::Incomplete(
            Check::Malformed,
            "SignedHeaders contains an empty header name.".to_string(),
        ));
    }
    let service = service_of(req).signing_name();
    if auth.credential.service != service {
        return Err(AuthError::InvalidSignature(
            Check::CredentialScope,
            format!("Credential should be scoped to correct service: '{service}'."),
        ));
    }

    // Every signed header must be present in the request.
    if let Some(absent) = auth.signed_headers.names().find(|h| !req.has_header(h)) {
        return Err(AuthError::Incomplete(
            Check::MissingSignedHeader,
            format!("Header '{absent}' is listed in SignedHeaders but is not present in the request."),
        ));
    }
    // A session token, and the target that names the operation (unsigned,
    // it could be swapped for another), must be covered by the signature.
    for (name, display) in [("x-amz-security-token", "X-Amz-Security-Token"), ("x-amz-target", "X-Amz-Target")] {
        if req.has_header(name) && !auth.signed_headers.has(name) {
            return Err(AuthError::Incomplete(
                Check::UnsignedRequiredHeader,
                format!("'{display}' must be a 'SignedHeader' in the AWS Authorization."),
            ));
        }
    }

    // Request time.
    let amz_date = req.first_trimmed("x-amz-date");
    let Some(request_unix) = parse_amz_date(&amz_date) else {
        return Err(AuthError::Incomplete(
            Check::Malformed,
            format!("X-Amz-Date must be in the ISO-8601 basic format YYYYMMDD'T'HHMMSS'Z', not '{amz_date}'."),
        ));
    };
    let amz_day = amz_date.get(..8).unwrap_or_default();
    if auth.credential.date != amz_day {
        return Err(AuthError::InvalidSignature(
            Check::CredentialScope,
            format!(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: \
             '{}' != '{amz_day}', from '{amz_date}'.",
                auth.credential.date
            ),
        ));
    }
    check_skew(&amz_date, request_unix, wall_now_unix)?;
    Ok(())
}

/// The checks of the body: the content hash header and the signature.
pub fn verify_body(req: &RequestParts, auth: &Authorization, secret: &str) -> Result<(), AuthError> {
    let amz_date = req.first_trimmed("x-amz-date");
    // Payload hash.
    let payload_hash = Hex::sha256(req.body);
    if req.header_values("x-amz-content-sha256").any(|v| v.trim() != payload_hash.as_str()) {
        return Err(AuthError::InvalidSignature(
            Check::ContentHash,
            "The provided 'x-amz-content-sha256' header does not match what was computed.".to_string(),
        ));
    }

    let expected =
        compute_signature(req, &auth.signed_headers, &auth.credential, &amz_date, secret, payload_hash.as_str());
    if bool::from(expected.as_str().as_bytes().ct_eq(auth.signature.as_bytes())) {
        Ok(())
    } else {
        Err(AuthError::InvalidSignature(Check::SignatureMismatch, SIGNATURE_MISMATCH.to_string()))
    }
}

fn check_skew(amz_date: &str, request_unix: i64, now: i64) -> Result<(), AuthError> {
    let earliest = now.saturating_sub(MAX_SKEW_SECS);
    let latest = now.saturating_add(MAX_SKEW_SECS);
    if request_unix < earliest {
        return Err(AuthError::InvalidSignature(
            Check::ClockSkew,
            format!(
                "Signature expired: {amz_date} is now earlier than {} ({} - 15 min.)",
                format_amz_date(earliest),
                format_amz_date(now)
            ),
        ));
    }
    if request_unix > latest {
        return Err(AuthError::InvalidSignature(
            Check::ClockSkew,
            format!(
                "Signature not yet current: {amz_date} is still later than {} ({} + 15 min.)",
                format_amz_date(latest),
                format_amz_date(now)
            ),
        ));
    }
    Ok(())
}

/// Parse `YYYYMMDDTHHMMSSZ` into unix seconds.
fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = b.get(range)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(digits.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = time::Month::try_from(u8::try_from(num(4..6)?).ok()?).ok()?;
    let day = u8::try_from(num(6..8)?).ok()?;
    let hour = u8::try_from(num(9..11)?).ok()?;
    let minute = u8::try_from(num(11..13)?).ok()?;
    let second = u8::try_from(num(13..15)?).ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    let clock = time::Time::from_hms(hour, minute, second).ok()?;
    Some(time::PrimitiveDateTime::new(date, clock).assume_utc().unix_timestamp())
}

/// Format unix seconds as `YYYYMMDDTHHMMSSZ`.
pub fn format_amz_date(unix: i64) -> String {
    match time::OffsetDateTime::from_unix_timestamp(unix) {
        Ok(t) => format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        Err(_) => unix.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Signing (shared by `verify` and `authorization_header`)
// ---------------------------------------------------------------------------

/// Produce the `Authorization` header value for `req`, signing every header of
/// `req` (names lowercased, sorted, deduplicated) except `authorization`,
/// `user-agent`, `x-amzn-trace-id` and `transfer-encoding`, like the AWS SDKs.
///
/// `req` should already carry `host` and `x-amz-date: <amz_date>` (and
/// `x-amz-security-token` when using temporary credentials) for the result to
/// verify.
pub fn authorization_header(
    req: &RequestParts,
    access_key_id: &str,
    secret: &str,
    region: &str,
    amz_date: &str,
) -> String {
    let mut signed_headers: Vec<String> = req
        .headers
        .keys()
        .map(|n| n.as_str().to_string())
        .filter(|n| !UNSIGNED_HEADERS.contains(&n.as_str()))
        .collect();
    signed_headers.sort();
    signed_headers.dedup();
    let signed_headers = SignedHeaders(signed_headers.join(";"));

    let credential = Credential {
        access_key_id: access_key_id.to_string(),
        date: amz_date.get(..8).unwrap_or(amz_date).to_string(),
        region: region.to_string(),
        service: service_of(req).signing_name().to_string(),
    };
    let payload_hash = Hex::sha256(req.body);
    let signature = compute_signature(req, &signed_headers, &credential, amz_date, secret, payload_hash.as_str());
    format!(
        "{ALGORITHM} Credential={access_key_id}/{}, SignedHeaders={}, Signature={}",
        credential.scope(),
        signed_headers.0,
        signature.as_str()
    )
}

/// Lowercase hex signature of the request for the given scope and time.
///
/// Everything a request is checked against is written into one buffer
/// (canonical request, then string to sign) and digests stay on the stack:
/// this runs for every API call.
fn compute_signature(
    req: &RequestParts,
    signed_headers: &SignedHeaders,
    credential: &Credential,
    amz_date: &str,
    secret: &str,
    payload_hash: &str,
) -> Hex {
    let mut text = String::with_capacity(512);
    write_canonical_request(&mut text, req, signed_headers, payload_hash);
    let creq_hash = Hex::sha256(text.as_bytes());
    text.clear();
    for part in [ALGORITHM, "\n", amz_date, "\n"] {
        text.push_str(part);
    }
    let scope_start = text.len();
    for part in [&credential.date, "/", &credential.region, "/", &credential.service, "/", TERMINATOR] {
        text.push_str(part);
    }
    let scope_end = text.len();
    text.push('\n');
    text.push_str(creq_hash.as_str());
    let key = cached_signing_key(secret, &text[scope_start..scope_end], credential);
    Hex::of(&hmac_sha256(&key, text.as_bytes()))
}

/// [`signing_key`], remembered: a credential's key changes once a day, so
/// most requests skip its four HMACs. Kept by secret, then by scope; the
/// memory is bounded (it starts over past 4096 secrets or 8 scopes of one
/// secret) and holds nothing the process does not hold already.
fn cached_signing_key(secret: &str, scope: &str, credential: &Credential) -> [u8; 32] {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    type Scopes = Vec<(String, [u8; 32])>;
    static KEYS: LazyLock<Mutex<HashMap<String, Scopes>>> = LazyLock::new(|| Mutex::new(HashMap::new()));
    let known = KEYS.lock().ok().and_then(|keys| {
        keys.get(secret).and_then(|scopes| scopes.iter().find(|(s, _)| s == scope).map(|(_, key)| *key))
    });
    if let Some(key) = known {
        return key;
    }
    let key = signing_key(secret, &credential.date, &credential.region, &credential.service);
    if let Ok(mut keys) = KEYS.lock() {
        if keys.len() >= 4096 {
            keys.clear();
        }
        let scopes = keys.entry(secret.to_string()).or_default();
        if scopes.len() >= 8 {
            scopes.clear();
        }
        scopes.push((scope.to_string(), key));
    }
    key
}

/// Write the canonical request into `out`. Headers listed in
/// `signed_headers` but absent from the request get an empty value (`verify`
/// rejects such requests beforehand).
fn write_canonical_request(out: &mut String, req: &RequestParts, signed_headers: &SignedHeaders, payload_hash: &str) {
    out.push_str(req.method);
    out.push('\n');
    if req.path == "/" {
        out.push('/');
    } else {
        out.push_str(&canonical_path(req.path));
    }
    out.push('\n');
    if !req.query.is_empty() {
        out.push_str(&canonical_query(req.query));
    }
    out.push('\n');
    for name in signed_headers.names() {
        out.push_str(name);
        out.push(':');
        for (i, value) in req.header_values(name).enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_trimmed(out, &value);
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed_headers.0);
    out.push('\n');
    out.push_str(payload_hash);
}

fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, TERMINATOR.as_bytes())
}

/// HMAC-SHA256 (RFC 2104); infallible for any key length.
fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block_key = [0u8; BLOCK];
    if key.len() > BLOCK {
        block_key[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block_key.map(|b| b ^ 0x36));
    inner.update(data);
    let inner_hash = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(block_key.map(|b| b ^ 0x5c));
    outer.update(inner_hash);
    outer.finalize().into()
}

/// A 32-byte digest in lowercase hex, on the stack.
struct Hex([u8; 64]);

impl Hex {
    fn of(digest: &[u8; 32]) -> Hex {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0u8; 64];
        for (pair, byte) in text.chunks_exact_mut(2).zip(digest) {
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0x0f)];
        }
        Hex(text)
    }

    fn sha256(data: &[u8]) -> Hex {
        Hex::of(&Sha256::digest(data).into())
    }

    fn as_str(&self) -> &str {
        // Only hex digits are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// Trim leading/trailing spaces and collapse internal runs of spaces into one
/// (borrowed when there is nothing to change).
fn trim_spaces(value: &str) -> Cow<'_, str> {
    if !value.starts_with(' ') && !value.ends_with(' ') && !value.contains("  ") {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    push_trimmed(&mut out, value);
    Cow::Owned(out)
}

/// [`trim_spaces`], written at the end of `out`.
fn push_trimmed(out: &mut String, value: &str) {
    for (i, word) in value.split(' ').filter(|w| !w.is_empty()).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// Normalised, re-encoded path (non-S3 rules).
fn canonical_path(path: &str) -> String {
    url::encode_path(&normalize_path(path))
}

/// Remove empty and dot segments (RFC 3986 §5.2.4), keeping a trailing slash.
fn normalize_path(path: &str) -> String {
    if path.is_empty() {
        return "/".to_string();
    }
    let absolute = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
    if !absolute.contains('.') && !absolute.contains("//") {
        return absolute;
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in absolute.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = format!("/{}", segments.join("/"));
    let trailing = ["/", "/.", "/..", "/./", "/../"].iter().any(|s| absolute.ends_with(s));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Sorted `key=value` pairs, each decoded then percent-encoded again.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> =
        url::query_pairs(query).map(|(k, v)| (url::encode(&k), url::encode(&v))).collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests;
