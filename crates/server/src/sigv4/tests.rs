//! Signature checks against the `aws-sigv4` crate's signatures (the oracle) and
//! each refusal's check and wording.
#![allow(clippy::unwrap_used)]

use super::*;

const SERVICE: &str = "partnercentral-account";
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use std::time::{Duration, UNIX_EPOCH};

/// 2025-01-01T00:00:00Z
const T0: i64 = 1_735_689_600;
const AKID: &str = "AKIAPCENTRALTEST0001";
const SECRET: &str = "pcentralSecretKey/With+Special=Chars0123";
const TOKEN: &str = "FwoGZXIvYXdzEJr//////////wEaDPCentralSessionToken==";
const HOST: &str = "localhost:4566";

fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn py_headers() -> Vec<(String, String)> {
    h(&[
        ("Host", HOST),
        ("X-Amz-Target", "PartnerCentralAccount.GetPartner"),
        ("Content-Type", "application/x-amz-json-1.0"),
        ("User-Agent", "Boto3/1.35.0 md/Botocore#1.35.0 ua/2.0 os/linux"),
    ])
}

fn js_headers(body: &[u8]) -> Vec<(String, String)> {
    let len = body.len().to_string();
    let sha = Hex::sha256(body).as_str().to_string();
    vec![
        ("host".into(), HOST.into()),
        ("content-type".into(), "application/x-amz-json-1.0".into()),
        ("x-amz-target".into(), "PartnerCentralAccount.ListPartners".into()),
        ("amz-sdk-invocation-id".into(), "6f1d3c2e-8a4b-4c5d-9e6f-0a1b2c3d4e5f".into()),
        ("amz-sdk-request".into(), "attempt=1; max=3".into()),
        ("content-length".into(), len),
        ("x-amz-content-sha256".into(), sha),
        ("x-amz-user-agent".into(), "aws-sdk-js/3.700.0 ua/2.1 os/linux#6.8 lang/js md/nodejs#22.0.0".into()),
        ("user-agent".into(), "aws-sdk-js/3.700.0".into()),
    ]
}

/// Sign with the `aws-sigv4` crate; returns the request headers plus the
/// headers it added (authorization, x-amz-date, x-amz-security-token), and
/// the signature.
#[allow(clippy::too_many_arguments)]
fn oracle(
    path: &str,
    query: &str,
    headers: &[(String, String)],
    body: &[u8],
    service: &str,
    region: &str,
    secret: &str,
    token: Option<&str>,
    unix: i64,
) -> (Vec<(String, String)>, String) {
    let identity: Identity = Credentials::new(AKID, secret, token.map(str::to_string), None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(service)
        .time(UNIX_EPOCH + Duration::from_secs(u64::try_from(unix).unwrap()))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let uri = if query.is_empty() { format!("http://{HOST}{path}") } else { format!("http://{HOST}{path}?{query}") };
    let signable = SignableRequest::new(
        "POST",
        uri,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (instructions, signature) = sign(signable, &params).unwrap().into_parts();
    let mut all = headers.to_vec();
    for (k, v) in instructions.headers() {
        all.push((k.to_string(), v.to_string()));
    }
    (all, signature)
}

fn parts<'a>(path: &'a str, query: &'a str, headers: &[(String, String)], body: &'a [u8]) -> RequestParts<'a> {
    // A test's request lives as long as the test.
    let headers = Box::leak(Box::new(header_map(headers)));
    RequestParts { method: "POST", path, query, headers, body }
}

fn check(req: &RequestParts, secret: &str, now: i64) -> Result<Authorization, AuthError> {
    let auth = parse_authorization(req)?;
    verify(req, &auth, secret, now)?;
    Ok(auth)
}

fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str()).unwrap()
}

fn set_header(headers: &mut [(String, String)], name: &str, value: &str) {
    let entry = headers.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(name)).unwrap();
    entry.1 = value.to_string();
}

fn with_authorization(headers: &[(String, String)], value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> =
        headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("authorization")).cloned().collect();
    out.push(("Authorization".into(), value.into()));
    out
}

fn incomplete_msg(r: Result<Authorization, AuthError>) -> String {
    match r {
        Err(AuthError::Incomplete(_, m)) => m,
        other => panic!("expected Incomplete, got {other:?}"),
    }
}

fn invalid_msg(r: Result<Authorization, AuthError>) -> String {
    match r {
        Err(AuthError::InvalidSignature(_, m)) => m,
        other => panic!("expected InvalidSignature, got {other:?}"),
    }
}

const BODY: &[u8] = br#"{"Catalog":"AWS","Identifier":"pa-123"}"#;

#[test]
fn oracle_py_header_set_regions_paths_tokens() {
    for region in ["us-east-1", "eu-west-2", "ap-southeast-2", "cn-north-1"] {
        for path in ["/", "/some/prefix", "/some/prefix/"] {
            for token in [None, Some(TOKEN)] {
                let headers = py_headers();
                let (signed, _) = oracle(path, "", &headers, BODY, SERVICE, region, SECRET, token, T0);
                let req = parts(path, "", &signed, BODY);
                let auth = check(&req, SECRET, T0 + 30).unwrap_or_else(|e| panic!("{region} {path} {token:?}: {e}"));
                assert_eq!(
                    auth.credential,
                    Credential {
                        access_key_id: AKID.into(),
                        date: "20250101".into(),
                        region: region.into(),
                        service: SERVICE.into(),
                    }
                );
                let mut expected = vec!["content-type", "host", "x-amz-date"];
                if token.is_some() {
                    expected.push("x-amz-security-token");
                }
                expected.push("x-amz-target");
                assert_eq!(auth.signed_headers.names().collect::<Vec<_>>(), expected);
                assert_eq!(auth.signature.len(), 64);
            }
        }
    }
}

#[test]
fn oracle_js_header_set() {
    for token in [None, Some(TOKEN)] {
        let headers = js_headers(BODY);
        let (signed, _) = oracle("/", "", &headers, BODY, SERVICE, "us-west-2", SECRET, token, T0);
        let req = parts("/", "", &signed, BODY);
        let auth = check(&req, SECRET, T0).unwrap();
        let mut expected = vec![
            "amz-sdk-invocation-id",
            "amz-sdk-request",
            "content-length",
            "content-type",
            "host",
            "x-amz-content-sha256",
            "x-amz-date",
        ];
        if token.is_some() {
            expected.push("x-amz-security-token");
        }
        expected.extend(["x-amz-target", "x-amz-user-agent"]);
        assert_eq!(auth.signed_headers.names().collect::<Vec<_>>(), expected);
    }
}

#[test]
fn oracle_double_spaces_and_unicode_body() {
    let body = "{\"Name\":\"Ünïcødé  ☃ 名前 🚀\",\"Note\":\"a  b\"}".as_bytes();
    let mut headers = js_headers(body);
    headers.push(("X-Custom-Spaces".into(), "  a  b   c  ".into()));
    set_header(&mut headers, "amz-sdk-request", "attempt=1;   max=3");
    let (signed, _) = oracle("/some/prefix/", "", &headers, body, SERVICE, "eu-central-1", SECRET, Some(TOKEN), T0);
    let req = parts("/some/prefix/", "", &signed, body);
    check(&req, SECRET, T0).unwrap();
}

#[test]
fn oracle_repeated_header_and_mixed_case_names() {
    let mut headers = py_headers();
    headers.push(("X-Repeat".into(), "one".into()));
    headers.push(("x-repeat".into(), " two  too ".into()));
    let (signed, _) = oracle("/", "", &headers, BODY, SERVICE, "us-east-1", SECRET, None, T0);
    let req = parts("/", "", &signed, BODY);
    let auth = check(&req, SECRET, T0).unwrap();
    assert!(auth.signed_headers.names().any(|h| h == "x-repeat"));
}

#[test]
fn oracle_unusual_paths_and_query() {
    let cases = [
        ("/a%20b/c", ""),
        ("/a/./b/../c", ""),
        ("//double//slash/", ""),
        ("/some/prefix", "b=2&a=1&c=x%2Fy&d=hello+world&e&a=0"),
        ("/", "Action=Get%20It&z=%E2%98%83&empty="),
    ];
    for (path, query) in cases {
        let headers = py_headers();
        let (signed, _) = oracle(path, query, &headers, BODY, SERVICE, "us-east-1", SECRET, None, T0);
        let req = parts(path, query, &signed, BODY);
        check(&req, SECRET, T0).unwrap_or_else(|e| panic!("{path}?{query}: {e}"));
    }
}

#[test]
fn canonical_path_and_query_rules() {
    assert_eq!(canonical_path(""), "/");
    assert_eq!(canonical_path("/"), "/");
    assert_eq!(canonical_path("/some/prefix"), "/some/prefix");
    assert_eq!(canonical_path("/some/prefix/"), "/some/prefix/");
    assert_eq!(canonical_path("/a%20b"), "/a%2520b");
    assert_eq!(canonical_path("/a/./b/../c/."), "/a/c/");
    assert_eq!(canonical_path("//x//y"), "/x/y");
    assert_eq!(canonical_query(""), "");
    assert_eq!(canonical_query("b=2&a=1&c=x%2Fy&d=a+b"), "a=1&b=2&c=x%2Fy&d=a%20b");
    assert_eq!(trim_spaces("  a  b   c "), "a b c");
}

#[test]
fn tampered_body_fails() {
    let (signed, _) = oracle("/", "", &py_headers(), BODY, SERVICE, "us-east-1", SECRET, None, T0);
    let other = br#"{"Catalog":"Sandbox","Identifier":"pa-123"}"#;
    let req = parts("/", "", &signed, other);
    assert_eq!(invalid_msg(check(&req, SECRET, T0)), SIGNATURE_MISMATCH);
}

#[test]
fn tampered_signed_header_fails_but_unsigned_header_is_ignored() {
    let (signed, _) = oracle("/", "", &py_headers(), BODY, SERVICE, "us-east-1", SECRET, None, T0);
    // user-agent is not signed: changing it keeps the request valid.
    let mut ua = signed.clone();
    set_header(&mut ua, "user-agent", "something-else");
    check(&parts("/", "", &ua, BODY), SECRET, T0).unwrap();

    let mut tampered = signed.clone();
    set_header(&mut tampered, "x-amz-target", "PartnerCentralAccount.DeletePartner");
    assert_eq!(invalid_msg(check(&parts("/", "", &tampered, BODY), SECRET, T0)), SIGNATURE_MISMATCH);

    // A different path is a different request too.
    assert_eq!(invalid_msg(check(&parts("/other", "", &signed, BODY), SECRET, T0)), SIGNATURE_MISMATCH);
}

#[test]
fn signed_header_missing_from_request() {
    let (signed, _) = oracle("/", "", &py_headers(), BODY, SERVICE, "us-east-1", SECRET, None, T0);
    let auth = header_value(&signed, "authorization")
        .replace("SignedHeaders=content-type;host;", "SignedHeaders=content-type;host;x-extra;");
    let headers = with_authorization(&signed, &auth);
    let msg = incomplete_msg(check(&parts("/", "", &headers, BODY), SECRET, T0));
    assert!(msg.contains("x-extra"), "{msg}");

    // Removing a signed header from the request is the same failure.
    let without: Vec<(String, String)> =
        signed.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("x-amz-target")).cloned().collect();
    let msg = incomplete_msg(check(&parts("/", "", &without, BODY), SECRET, T0));
    assert!(msg.contains("x-amz-target"), "{msg}");
}

#[test]
fn each_refusal_names_the_check_that_failed() {
    let checked = |headers: &[(String, String)], body: &[u8], secret: &str| {
        check(&parts("/", "", headers, body), secret, T0).map(|_| ()).map_err(|e| e.check())
    };
    let (signed, _) = oracle("/", "", &py_headers(), BODY, SERVICE, "us-east-1", SECRET, None, T0);
    assert_eq!(checked(&signed, BODY, "not-the-secret"), Err(Check::SignatureMismatch));
    let without: Vec<(String, String)> =
        signed.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("x-amz-target")).cloned().collect();
    assert_eq!(checked(&without, BODY, SECRET), Err(Check::MissingSignedHeader));
    let unsigned_host = with_authorization(
        &signed,
        &header_value(&signed, "authorization")
            .replace("SignedHeaders=content-type;host;", "SignedHeaders=content-type;"),
    );
    assert_eq!(checked(&unsigned_host, BODY, SECRET), Err(Check::UnsignedRequiredHeader));
    let mut with_token = signed.clone();
    with_token.push(("X-Amz-Security-Token".into(), TOKEN.into()));
    assert_eq!(checked(&with_token, BODY, SECRET), Err(Check::UnsignedRequiredHeader));
    let (other_service, _) = oracle("/", "", &py_headers(), BODY, "execute-api", "us-east-1", SECRET, None, T0);
    assert_eq!(checked(&other_service, BODY, SECRET), Err(Check::CredentialScope));
    let (old, _) = oracle("/", "", &py_headers(), BODY, SERVICE, "us-east-1", SECRET, None, T0 - 20 * 60);
    assert_eq!(checked(&old, BODY, SECRET), Err(Check::ClockSkew));
    let (hashed, _) = oracle("/", "", &js_headers(BODY), BODY, SERVICE, "us-east-1", SECRET, None, T0);
    assert_eq!(checked(&hashed, b"{}", SECRET), Err(Check::ContentHash));
    assert_eq!(checked(&with_authorization(&signed, "AWS4-HMAC-SHA256"), BODY, SECRET), Err(Check::Malformed));
    assert_eq!(
        parse_authorization(&parts("/", "", &py_headers(), BODY)).map(|_| ()).map_err(|e| e.check()),
        Err(Check::MissingAuthorization)
    );
}

#[test]
fn clock_skew_both_directions() {
    let (signed, _) = oracle("/", "", &py_headers(), BODY, SERVICE, "us-east-1", SECRET, None, T0);
    let req = parts("/", "", &signed, BODY);
    // Exactly at the limits is accepted.
    check(&req, SECRET, T0 + MAX_SKEW_SECS).unwrap();
    check(&req, SECRET, T0 - MAX_SKEW_SECS).unwrap();

    assert_eq!(
        invalid_msg(check(&req, SECRET, T0 + 20 * 60)),
        "Signature expired: 20250101T000000Z is now earlier than 20250101T000500Z \
         (20250101T002000Z - 15 min.)"
    );
    assert_eq!(
        invalid_msg(check(&req, SECRET, T0 + MAX_SKEW_SECS + 1)),
        "Signature expired: 20250101T000000Z is now earlier than 20250101T000001Z \
         (20250101T001501Z - 15 min.)"
    );

    let (future, _) = oracle("/", "", &py_headers(), BODY, SERVICE, "us-east-1", SECRET, None, T0 + 30 * 60);
    let req = parts("/", "", &future, BODY);
    assert_eq!(
        invalid_msg(check(&req, SECRET, T0)),
        "Signature not yet current: 20250101T003000Z is still later than 20250101T001500Z \
         (20250101T000000Z + 15 min.)"
    );
}

#[test]
fn scope_date_must_match_amz_date() {
    let mut headers = py_headers();
    headers.push(("X-Amz-Date".into(), "20250101T000000Z".into()));
    let req = parts("/", "", &headers, BODY);
    let value =
        authorization_header(&req, AKID, SECRET, "us-east-1", "20250101T000000Z").replace("/20250101/", "/20250102/");
    let headers = with_authorization(&headers, &value);
    let msg = invalid_msg(check(&parts("/", "", &headers, BODY), SECRET, T0));
    assert!(msg.contains("'20250102' != '20250101'"), "{msg}");
}

#[test]
fn wrong_service_wrong_secret_wrong_region_fail() {
    let (signed, _) = oracle("/", "", &py_headers(), BODY, "execute-api", "us-east-1", SECRET, None, T0);
    let msg = invalid_msg(check(&parts("/", "", &signed, BODY), SECRET, T0));
    assert!(msg.contains("correct service"), "{msg}");

    let (signed, _) = oracle("/", "", &py_headers(), BODY, SERVICE, "us-east-1", SECRET, None, T0);
    let req = parts("/", "", &signed, BODY);
    assert_eq!(invalid_msg(check(&req, "not-the-secret", T0)), SIGNATURE_MISMATCH);

    // Region changed in the scope after signing.
    let value = header_value(&signed, "authorization").replace("/us-east-1/", "/us-east-2/");
    let headers = with_authorization(&signed, &value);
    assert_eq!(invalid_msg(check(&parts("/", "", &headers, BODY), SECRET, T0)), SIGNATURE_MISMATCH);
}

#[test]
fn the_scope_must_name_the_routed_services_signing_name() {
    // The answer to a request for `target` signed for `service`.
    let answer = |target: &str, service: &str| {
        let mut headers = py_headers();
        set_header(&mut headers, "x-amz-target", target);
        let (signed, _) = oracle("/", "", &headers, BODY, service, "us-east-1", SECRET, None, T0);
        check(&parts("/", "", &signed, BODY), SECRET, T0).map_err(|e| invalid_msg(Err(e)))
    };
    let scoped = |name: &str| Err(format!("Credential should be scoped to correct service: '{name}'."));
    let (account, selling) = ("PartnerCentralAccount.GetPartner", "AWSPartnerCentralSelling.ListOpportunities");
    assert_eq!(answer(selling, SERVICE).map(|_| ()), scoped("partnercentral-selling"));
    assert!(answer(selling, "partnercentral-selling").is_ok());
    assert_eq!(answer(account, "partnercentral-selling").map(|_| ()), scoped("partnercentral-account"));
    // A prefix no service has is held to Account's signing name.
    assert_eq!(answer("Nope.ListOpportunities", "partnercentral-selling").map(|_| ()), scoped(SERVICE));
}

#[test]
fn content_sha256_must_match_body() {
    let mut headers = js_headers(BODY);
    set_header(&mut headers, "x-amz-content-sha256", Hex::sha256(b"{}").as_str());
    let (signed, _) = oracle("/", "", &headers, BODY, SERVICE, "us-east-1", SECRET, None, T0);
    let msg = invalid_msg(check(&parts("/", "", &signed, BODY), SECRET, T0));
    assert!(msg.contains("x-amz-content-sha256"), "{msg}");

    // Matching header but body swapped: also rejected by the hash check.
    let (signed, _) = oracle("/", "", &js_headers(BODY), BODY, SERVICE, "us-east-1", SECRET, None, T0);
    let msg = invalid_msg(check(&parts("/", "", &signed, b"{}"), SECRET, T0));
    assert!(msg.contains("x-amz-content-sha256"), "{msg}");
}

#[test]
fn security_token_must_be_signed() {
    let (mut signed, _) = oracle("/", "", &py_headers(), BODY, SERVICE, "us-east-1", SECRET, None, T0);
    signed.push(("X-Amz-Security-Token".into(), TOKEN.into()));
    let msg = incomplete_msg(check(&parts("/", "", &signed, BODY), SECRET, T0));
    assert!(msg.contains("X-Amz-Security-Token"), "{msg}");
}

#[test]
fn malformed_authorization_headers() {
    let (signed, _) = oracle("/", "", &py_headers(), BODY, SERVICE, "us-east-1", SECRET, None, T0);
    let good = header_value(&signed, "authorization").to_string();
    let (alg_cred, rest) = good.split_once(", SignedHeaders=").unwrap();
    let (sh, sig) = rest.split_once(", Signature=").unwrap();
    let cred = alg_cred.strip_prefix("AWS4-HMAC-SHA256 Credential=").unwrap();

    let try_value = |value: &str| {
        let headers = with_authorization(&signed, value);
        check(&parts("/", "", &headers, BODY), SECRET, T0)
    };

    // Separators without the space are accepted.
    try_value(&format!("AWS4-HMAC-SHA256 Credential={cred},SignedHeaders={sh},Signature={sig}")).unwrap();

    let msg = incomplete_msg(try_value(&format!("AWS4-HMAC-SHA256 SignedHeaders={sh}, Signature={sig}")));
    assert!(msg.contains("requires 'Credential' parameter"), "{msg}");
    let msg = incomplete_msg(try_value(&format!("AWS4-HMAC-SHA256 Credential={cred}, Signature={sig}")));
    assert!(msg.contains("requires 'SignedHeaders' parameter"), "{msg}");
    let msg = incomplete_msg(try_value(&format!("AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders={sh}")));
    assert!(msg.contains("requires 'Signature' parameter"), "{msg}");
    let msg = incomplete_msg(try_value("AWS4-HMAC-SHA256"));
    assert!(msg.contains("'Credential'") && msg.contains("'Signature'") && msg.contains("'SignedHeaders'"), "{msg}");
    let msg =
        incomplete_msg(try_value(&format!("AWS4-HMAC-SHA1 Credential={cred}, SignedHeaders={sh}, Signature={sig}")));
    assert!(msg.contains("AWS4-HMAC-SHA1"), "{msg}");
    incomplete_msg(try_value(&format!("AWS Credential={cred}, SignedHeaders={sh}, Signature={sig}")));

    // Malformed credential scopes.
    for bad in [
        format!("{AKID}/20250101/us-east-1/{SERVICE}"),
        format!("{AKID}/20250101/us-east-1/{SERVICE}/aws4_request/x"),
        format!("/20250101/us-east-1/{SERVICE}/aws4_request"),
        format!("{AKID}/2025011/us-east-1/{SERVICE}/aws4_request"),
        format!("{AKID}/20250101//{SERVICE}/aws4_request"),
        format!("{AKID}/20250101/us-east-1/{SERVICE}/aws5_request"),
    ] {
        incomplete_msg(try_value(&format!("AWS4-HMAC-SHA256 Credential={bad}, SignedHeaders={sh}, Signature={sig}")));
    }

    // SignedHeaders without host / x-amz-date, or with an empty entry.
    let msg = incomplete_msg(try_value(&format!(
        "AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders=content-type;x-amz-date;x-amz-target, Signature={sig}"
    )));
    assert!(msg.contains("'Host'"), "{msg}");
    let msg = incomplete_msg(try_value(&format!(
        "AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders=content-type;host;x-amz-target, Signature={sig}"
    )));
    assert!(msg.contains("'X-Amz-Date'"), "{msg}");
    incomplete_msg(try_value(&format!(
        "AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders=host;;x-amz-date, Signature={sig}"
    )));
    // Garbage parameter.
    incomplete_msg(try_value(&format!(
        "AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders={sh}, Signature={sig}, junk"
    )));
    // Wrong signature value (right shape or not) is a mismatch.
    let flipped: String = sig.chars().map(|c| if c == '0' { '1' } else { '0' }).collect();
    assert_eq!(
        invalid_msg(try_value(&format!("AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders={sh}, Signature={flipped}"))),
        SIGNATURE_MISMATCH
    );
    invalid_msg(try_value(&format!("AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders={sh}, Signature=abc")));
    invalid_msg(try_value(&format!(
        "AWS4-HMAC-SHA256 Credential={cred}, SignedHeaders={sh}, Signature={}",
        sig.to_uppercase()
    )));
}

#[test]
fn bad_amz_date_is_incomplete() {
    let (mut signed, _) = oracle("/", "", &py_headers(), BODY, SERVICE, "us-east-1", SECRET, None, T0);
    for bad in ["2025-01-01T00:00:00Z", "20251301T000000Z", "20250101T250000Z", ""] {
        set_header(&mut signed, "x-amz-date", bad);
        incomplete_msg(check(&parts("/", "", &signed, BODY), SECRET, T0));
    }
}

#[test]
fn no_authorization_header() {
    let headers = py_headers();
    let req = parts("/", "", &headers, BODY);
    assert_eq!(parse_authorization(&req).unwrap_err(), AuthError::MissingToken);
    let headers = with_authorization(&headers, "   ");
    let req = parts("/", "", &headers, BODY);
    assert_eq!(parse_authorization(&req).unwrap_err(), AuthError::MissingToken);
}

#[test]
fn authorization_header_roundtrip_and_matches_oracle() {
    for (headers, token) in [(py_headers(), None), (js_headers(BODY), Some(TOKEN))] {
        for path in ["/", "/some/prefix", "/some/prefix/"] {
            let (signed, signature) = oracle(path, "", &headers, BODY, SERVICE, "ap-northeast-1", SECRET, token, T0);
            let expected = header_value(&signed, "authorization").to_string();
            let unsigned: Vec<(String, String)> =
                signed.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("authorization")).cloned().collect();
            let req = parts(path, "", &unsigned, BODY);
            let ours = authorization_header(&req, AKID, SECRET, "ap-northeast-1", "20250101T000000Z");
            assert_eq!(ours, expected);
            assert!(ours.ends_with(&signature));

            let with_auth = with_authorization(&unsigned, &ours);
            check(&parts(path, "", &with_auth, BODY), SECRET, T0 - 60).unwrap();
        }
    }
}

#[test]
fn known_vectors() {
    // RFC 4231 test case 2.
    assert_eq!(
        hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    // Long key (RFC 4231 test case 6).
    assert_eq!(
        hex::encode(hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First")),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
    // AWS documentation example of a derived signing key.
    assert_eq!(
        hex::encode(signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")),
        "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    );
    assert_eq!(parse_amz_date("20250101T000000Z"), Some(T0));
    assert_eq!(format_amz_date(T0 + 3661), "20250101T010101Z");
}

#[test]
fn error_mapping() {
    let cases = [
        (AuthError::MissingToken, "MissingAuthenticationTokenException", "Missing Authentication Token"),
        (AuthError::Incomplete(Check::Malformed, "x".into()), "IncompleteSignatureException", "x"),
        (AuthError::InvalidSignature(Check::SignatureMismatch, "y".into()), "InvalidSignatureException", "y"),
        (
            AuthError::UnrecognizedClient(Check::UnknownKey),
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ),
    ];
    for (err, ty, msg) in cases {
        let e = ApiError::from(err);
        assert_eq!((e.kind.type_name(), e.status(), e.message.as_str()), (ty, 403, msg));
    }
}
