//! Percent-encoding and decoding of URL parts, in one place: the CLI's
//! admin requests and the console's links encode with it, the admin API and
//! the console read query strings with it, SigV4 builds its canonical
//! request with it.

/// Whether `b` is an RFC 3986 unreserved character (never encoded).
fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn encode_bytes(text: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encode one query value or path segment: every byte but the
/// unreserved characters, with uppercase hex digits.
pub fn encode(text: &str) -> String {
    encode_bytes(text, unreserved)
}

/// Percent-encode a path as [`encode`] does, but leave its `/` separators.
pub fn encode_path(path: &str) -> String {
    encode_bytes(path, |b| unreserved(b) || b == b'/')
}

/// Decode `application/x-www-form-urlencoded` text: `+` is a space, `%XX`
/// a byte; a `%` without two hex digits stays as it is, and bytes that are
/// not UTF-8 become U+FFFD.
pub fn decode(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = b.get(i + 1).and_then(|c| char::from(*c).to_digit(16));
                let lo = b.get(i + 2).and_then(|c| char::from(*c).to_digit(16));
                match (hi, lo) {
                    (Some(hi), Some(lo)) => {
                        // Both digits are < 16, so the value fits in a byte.
                        out.push(u8::try_from(hi * 16 + lo).unwrap_or_default());
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `name=value` pairs of a query string, decoded, in order (a pair
/// without `=` has an empty value; empty pairs are skipped).
pub fn query_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k), decode(v))
    })
}

/// The decoded value of the first `name` in a query string.
pub fn query_param(query: &str, name: &str) -> Option<String> {
    query_pairs(query).find_map(|(k, v)| (k == name).then_some(v))
}

/// A query string of the `(name, value)` pairs, each value encoded; empty
/// when there are none.
pub fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> String {
    pairs.into_iter().map(|(k, v)| format!("{k}={}", encode(&v))).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_keeps_only_unreserved_characters() {
        assert_eq!(encode("a b/c@d~e-f_g.h+%"), "a%20b%2Fc%40d~e-f_g.h%2B%25");
        assert_eq!(encode_path("/a b/ü"), "/a%20b/%C3%BC");
    }

    #[test]
    fn decoding_reads_form_encoding() {
        assert_eq!(decode("a+b%2Fc%40"), "a b/c@");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%C3%BC"), "ü");
    }

    #[test]
    fn what_is_encoded_decodes_to_itself() {
        for text in ["", "plain", "a b+c&d=e", "Partner Connection Invitation Received", "ü/€?#%"] {
            assert_eq!(decode(&encode(text)), text);
        }
    }

    #[test]
    fn query_params_are_decoded() {
        assert_eq!(query_param("address=a%40b.com&x=1", "address").as_deref(), Some("a@b.com"));
        assert_eq!(query_param("x=1", "address"), None);
        assert_eq!(query_param("flag&x=1", "flag").as_deref(), Some(""));
        assert_eq!(query_string([("type", "A B".to_string()), ("after", "3".to_string())]), "type=A%20B&after=3");
        assert_eq!(query_string([]), "");
    }
}
