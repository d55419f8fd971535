//! Trusted proxies (docs/security.md#iam-users-and-policies): the addresses of
//! reverse proxies in front of a node, whose `X-Forwarded-For` names the
//! client (`aws:SourceIp`) and whose `X-Forwarded-Proto: https` says the
//! client reached the proxy over TLS (`aws:SecureTransport`). A request from
//! any other peer is taken as it arrived: its forwarding headers are ignored.

use std::net::IpAddr;

use pcentral_core::settings::SettingValue;

/// An address block: an address and how many leading bits of it count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    bits: u8,
}

impl Cidr {
    /// `10.0.0.0/8`, `fd00::/8`, or one address (all its bits).
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let (addr, bits) = match text.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (text, None),
        };
        let addr: IpAddr = addr.trim().parse().map_err(|_| format!("{text:?} is not an address or CIDR block"))?;
        let addr = canonical(addr);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            None => max,
            Some(b) => b
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {max}"))?,
        };
        Ok(Cidr { addr, bits })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_eq(&net.octets(), &ip.octets(), self.bits),
            (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_eq(&net.octets(), &ip.octets(), self.bits),
            _ => false,
        }
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.bits)
    }
}

/// An IPv4 address mapped into IPv6 (`::ffff:a.b.c.d`) as the IPv4 address it is.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let whole = usize::from(bits / 8);
    let rest = bits % 8;
    if a[..whole] != b[..whole] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[whole] & mask) == (b[whole] & mask)
}

/// The trusted proxies setting: CIDR blocks, comma-separated (empty: none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<Cidr>);

/// Who a request comes from, as the call's conditions see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// `aws:SourceIp`.
    pub ip: IpAddr,
    /// `aws:SecureTransport`.
    pub secure: bool,
}

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    /// The client of a request that arrived from `peer` with these headers
    /// (names lower-case). From a trusted peer, the client is the last address
    /// of `X-Forwarded-For` (all of its fields, in order) that is not itself a
    /// trusted proxy, read from the right (the leftmost when all are trusted;
    /// the peer when the header is absent or a value in the way is not an
    /// address), and the transport is secure when the last value of
    /// `X-Forwarded-Proto` (the one the nearest proxy set) is `https`.
    pub fn client(&self, peer: IpAddr, headers: &hyper::HeaderMap) -> Client {
        let peer = canonical(peer);
        let plain = Client { ip: peer, secure: false };
        if !self.trusts(peer) {
            return plain;
        }
        let values = |name: &str| -> Vec<String> {
            let mut parts = Vec::new();
            for value in headers.get_all(name) {
                parts.extend(String::from_utf8_lossy(value.as_bytes()).split(',').map(|p| p.trim().to_string()));
            }
            parts
        };
        let mut ip = peer;
        for hop in values("x-forwarded-for").iter().rev() {
            let Ok(addr) = hop.parse::<IpAddr>() else { break };
            ip = canonical(addr);
            if !self.trusts(ip) {
                break;
            }
        }
        let secure = values("x-forwarded-proto").last().is_some_and(|p| p.eq_ignore_ascii_case("https"));
        Client { ip, secure }
    }
}

impl SettingValue for TrustedProxies {
    const KIND: &'static str = "addresses or CIDR blocks, comma-separated";
    const VALUE_NAME: &'static str = "CIDR,…";
    fn parse_setting(text: &str) -> Result<Self, String> {
        text.split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(Cidr::parse)
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
    fn render_setting(&self) -> String {
        self.0.iter().map(Cidr::to_string).collect::<Vec<_>>().join(",")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn proxies(text: &str) -> TrustedProxies {
        TrustedProxies::parse_setting(text).unwrap()
    }

    fn h(pairs: &[(&'static str, &'static str)]) -> hyper::HeaderMap {
        let mut map = hyper::HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, hyper::header::HeaderValue::from_static(value));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn blocks_parse_and_match() {
        let p = proxies("10.0.0.0/8, 192.168.1.7, fd00::/8");
        assert_eq!(p.render_setting(), "10.0.0.0/8,192.168.1.7/32,fd00::/8");
        assert!(p.trusts(ip("10.200.3.4")) && p.trusts(ip("::ffff:10.1.1.1")) && p.trusts(ip("fd12::1")));
        assert!(!p.trusts(ip("11.0.0.1")) && !p.trusts(ip("192.168.1.8")) && !p.trusts(ip("fe80::1")));
        assert!(proxies("10.1.2.3/12").trusts(ip("10.15.255.255")));
        assert!(!proxies("10.1.2.3/12").trusts(ip("10.16.0.0")));
        assert!(proxies("0.0.0.0/0").trusts(ip("203.0.113.9")));
        assert_eq!(proxies(""), TrustedProxies::default());
        for bad in ["10.0.0.0/33", "fd00::/129", "example.com", "10.0.0.0/x", "10.0.0/8"] {
            assert!(TrustedProxies::parse_setting(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_sends() {
        let p = proxies("10.0.0.0/8");
        let got =
            p.client(ip("203.0.113.9"), &h(&[("x-forwarded-for", "198.51.100.1"), ("x-forwarded-proto", "https")]));
        assert_eq!(got, Client { ip: ip("203.0.113.9"), secure: false });
        let none = TrustedProxies::default();
        let got =
            none.client(ip("127.0.0.1"), &h(&[("x-forwarded-for", "198.51.100.1"), ("x-forwarded-proto", "https")]));
        assert_eq!(got, Client { ip: ip("127.0.0.1"), secure: false });
    }

    #[test]
    fn a_trusted_peer_names_the_client_from_the_right() {
        let p = proxies("10.0.0.0/8,127.0.0.1");
        let peer = ip("::ffff:127.0.0.1");
        // Spoofed leftmost entry, then the real client, then a second trusted proxy.
        let headers = h(&[
            ("x-forwarded-for", "1.2.3.4, 198.51.100.1"),
            ("X-Forwarded-For", "10.0.0.2"),
            ("x-forwarded-proto", "http, https"),
        ]);
        assert_eq!(p.client(peer, &headers), Client { ip: ip("198.51.100.1"), secure: true });
        assert_eq!(p.client(peer, &h(&[])), Client { ip: ip("127.0.0.1"), secure: false });
        assert_eq!(p.client(peer, &h(&[("x-forwarded-for", "10.0.0.9")])).ip, ip("10.0.0.9"));
        assert_eq!(p.client(peer, &h(&[("x-forwarded-for", "garbage, 10.0.0.9")])).ip, ip("10.0.0.9"));
        assert_eq!(p.client(peer, &h(&[("x-forwarded-for", "::ffff:198.51.100.2")])).ip, ip("198.51.100.2"));
        assert!(!p.client(peer, &h(&[("x-forwarded-proto", "https, http")])).secure);
        assert!(p.client(peer, &h(&[("x-forwarded-proto", "HTTPS")])).secure);
    }
}
