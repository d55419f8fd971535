//! The gate in front of the admin API and the web console (docs/security.md):
//! who may call them, under which host name, and from which page.
//!
//! * **Host**: the `Host` of a request under `/_pcentral/` must be a loopback
//!   name (`localhost`, 127.0.0.0/8, `::1`, any port), the address the node
//!   listens on, or one of `--allowed-hosts`. A page served from another name
//!   that resolves to this machine (DNS rebinding) is refused.
//! * **Origin**: a request carrying an `Origin` must come from a page of this
//!   very host (scheme://host:port equal to the `Host` it was sent to).
//! * **Access**: loopback peers, or callers presenting the admin token (in
//!   `x-pcentral-admin-token`, or the console's sign-in cookie).
//! * **Intent**: an admin call other than GET and HEAD must say it is one:
//!   `Content-Type: application/json` and `x-pcentral-admin: 1`. A browser
//!   cannot send either across sites without a CORS preflight, which the
//!   admin API never grants, so a page elsewhere cannot make one (CSRF).
//!
//! `GET /_pcentral/health` is open to everyone (a load balancer's probe):
//! without access it answers only whether the node is ready.

use std::net::{IpAddr, SocketAddr};

use hyper::header::{CONTENT_TYPE, HOST, ORIGIN};
use hyper::http::request::Parts;

/// The header an admin call other than GET and HEAD carries, with value `1`.
pub const INTENT_HEADER: &str = "x-pcentral-admin";

/// The host names the admin API answers to besides loopback names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminHosts {
    /// The address this node listens on (its IP counts when it is not 0.0.0.0 or ::).
    pub listen: SocketAddr,
    /// `--allowed-hosts`, lower-cased, without ports.
    pub allowed: Vec<String>,
}

/// Why the gate refused a request (answered 403 with this message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// The host name of a `Host` value or a setting: lower-cased, without a
/// port, an IPv6 address without its brackets.
pub fn host_name(value: &str) -> String {
    let value = value.trim();
    let name = match value.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None if value.matches(':').count() > 1 => value, // a bare IPv6 address
        None => value.split(':').next().unwrap_or_default(),
    };
    name.to_ascii_lowercase()
}

impl AdminHosts {
    /// Whether a request sent to `host` (its `Host` header) may reach the admin API or the console.
    pub fn allows(&self, host: Option<&str>) -> bool {
        let Some(host) = host else { return false };
        let name = host_name(host);
        if name == "localhost" || name.ends_with(".localhost") {
            return true;
        }
        if let Ok(ip) = name.parse::<IpAddr>() {
            let listen = self.listen.ip();
            if ip.is_loopback() || (!listen.is_unspecified() && ip == listen) {
                return true;
            }
        }
        self.allowed.contains(&name)
    }
}

/// Whether `origin` (an `Origin` header, if any) is a page of `host` (the
/// `Host` header the request was sent to).
pub fn same_origin(origin: Option<&str>, host: Option<&str>) -> bool {
    let Some(origin) = origin else { return true };
    let (Some((scheme, authority)), Some(host)) = (origin.trim().split_once("://"), host) else {
        return false; // "null" (a sandboxed or file: page) or no Host
    };
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => ":80",
        "https" => ":443",
        _ => return false,
    };
    let plain = |a: &str| {
        let a = a.trim().to_ascii_lowercase();
        a.strip_suffix(default_port).map(str::to_string).unwrap_or(a)
    };
    plain(authority) == plain(host)
}

/// Whether a call by `method` declares itself an admin call (GET and HEAD need not).
pub fn declares_intent(parts: &Parts) -> bool {
    if matches!(parts.method.as_str(), "GET" | "HEAD") {
        return true;
    }
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let json = header(CONTENT_TYPE.as_str())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"));
    json && header(INTENT_HEADER).is_some_and(|v| v.trim() == "1")
}

/// Admin calls (and the console) answer on loopback, or to callers presenting
/// the configured admin token.
pub fn admitted(remote: IpAddr, configured_token: Option<&str>, presented: Option<&str>) -> bool {
    remote.is_loopback() || token_matches(configured_token, presented)
}

/// Whether `presented` is the configured admin token (compared in constant
/// time; an empty token never matches).
pub fn token_matches(configured_token: Option<&str>, presented: Option<&str>) -> bool {
    use subtle::ConstantTimeEq;
    matches!((configured_token, presented),
        (Some(want), Some(got)) if !want.is_empty() && bool::from(want.as_bytes().ct_eq(got.as_bytes())))
}

/// The checks every request under `/_pcentral/` passes before anything else
/// (the health check excepted): its `Host`, then its `Origin`.
pub fn check_site(parts: &Parts, hosts: &AdminHosts) -> Result<(), Refused> {
    let header = |name: hyper::header::HeaderName| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let host = header(HOST).or_else(|| parts.uri.authority().map(|a| a.as_str()));
    if !hosts.allows(host) {
        return Err(Refused(format!(
            "the admin API answers only to loopback names, the listen address and --allowed-hosts, not Host {:?}",
            host.unwrap_or("")
        )));
    }
    if !same_origin(header(ORIGIN), host) {
        return Err(Refused(format!(
            "the admin API answers only to pages of its own origin, not Origin {:?}",
            header(ORIGIN).unwrap_or("")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(listen: &str, allowed: &[&str]) -> AdminHosts {
        AdminHosts {
            listen: listen.parse().unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 4599))),
            allowed: allowed.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn host_names_lose_ports_brackets_and_case() {
        assert_eq!(host_name("LocalHost:4599"), "localhost");
        assert_eq!(host_name("[::1]:4599"), "::1");
        assert_eq!(host_name("::1"), "::1");
        assert_eq!(host_name("10.0.0.5"), "10.0.0.5");
    }

    #[test]
    fn hosts_are_loopback_names_the_listen_address_or_allowed() {
        let on_loopback = hosts("127.0.0.1:4599", &[]);
        for ok in ["localhost:4599", "127.0.0.1:4599", "127.8.9.10", "[::1]:4599", "app.localhost"] {
            assert!(on_loopback.allows(Some(ok)), "{ok}");
        }
        for refused in ["attacker.example:4599", "10.0.0.5:4599", "", "localhost.attacker.example"] {
            assert!(!on_loopback.allows(Some(refused)), "{refused}");
        }
        assert!(!on_loopback.allows(None));
        let on_lan = hosts("10.0.0.5:4599", &["sandbox.internal"]);
        assert!(on_lan.allows(Some("10.0.0.5:4599")));
        assert!(on_lan.allows(Some("Sandbox.Internal:4599")));
        assert!(!on_lan.allows(Some("10.0.0.6:4599")));
        let everywhere = hosts("0.0.0.0:4599", &[]);
        assert!(!everywhere.allows(Some("0.0.0.0:4599")), "the unspecified address names no host");
    }

    #[test]
    fn an_origin_must_be_the_host_itself() {
        assert!(same_origin(None, Some("localhost:4599")));
        assert!(same_origin(Some("http://localhost:4599"), Some("localhost:4599")));
        assert!(same_origin(Some("http://LOCALHOST:4599"), Some("localhost:4599")));
        assert!(same_origin(Some("http://localhost"), Some("localhost:80")));
        assert!(!same_origin(Some("http://attacker.example"), Some("localhost:4599")));
        assert!(!same_origin(Some("http://localhost:8080"), Some("localhost:4599")));
        assert!(!same_origin(Some("null"), Some("localhost:4599")));
        assert!(!same_origin(Some("file://"), Some("localhost:4599")));
    }

    #[test]
    fn calls_other_than_get_declare_themselves() {
        let request = |method: &str, headers: &[(&str, &str)]| {
            let mut builder = hyper::Request::builder().method(method).uri("/_pcentral/reset");
            for (name, value) in headers {
                builder = builder.header(*name, *value);
            }
            builder.body(()).map(|r| r.into_parts().0)
        };
        let declared = [("content-type", "application/json; charset=utf-8"), ("x-pcentral-admin", "1")];
        for (method, headers, expected) in [
            ("GET", &[][..], true),
            ("HEAD", &[][..], true),
            ("POST", &declared[..], true),
            ("DELETE", &declared[..], true),
            ("POST", &[("content-type", "text/plain")][..], false),
            ("POST", &[("content-type", "application/json")][..], false),
            ("POST", &[("x-pcentral-admin", "1")][..], false),
            ("POST", &[("content-type", "text/plain"), ("x-pcentral-admin", "1")][..], false),
        ] {
            let parts = request(method, headers).expect("a request");
            assert_eq!(declares_intent(&parts), expected, "{method} {headers:?}");
        }
    }

    #[test]
    fn access_needs_loopback_or_the_token_and_an_empty_token_opens_nothing() {
        let loopback = IpAddr::from([127, 0, 0, 1]);
        let remote = IpAddr::from([192, 0, 2, 7]);
        let mapped: IpAddr = IpAddr::from([0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]);
        assert!(admitted(loopback, None, None));
        assert!(admitted(IpAddr::from([0, 0, 0, 0, 0, 0, 0, 1]), None, None));
        assert!(!admitted(mapped, None, None), "an IPv4-mapped peer is not a loopback peer");
        assert!(!admitted(remote, None, Some("anything")));
        assert!(!admitted(remote, Some("s3cret"), None));
        assert!(!admitted(remote, Some("s3cret"), Some("s3cre")));
        assert!(!admitted(remote, Some("s3cret"), Some("S3CRET")));
        assert!(admitted(remote, Some("s3cret"), Some("s3cret")));
        assert!(!admitted(remote, Some(""), Some("")), "an empty token opens nothing");
    }
}
