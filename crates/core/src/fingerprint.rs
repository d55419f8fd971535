//! The canonical hash of a request: what a ClientToken's stored answer is
//! bound to (docs/behaviour.md#idempotency), and what a page token's filters
//! are bound to.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Hash of the request without its ClientToken and without nulls (which count
/// as absent). serde_json's map is ordered by key, so this is canonical.
pub fn fingerprint(input: &Value) -> String {
    fn canonical(v: &Value) -> Value {
        match v {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(k, v)| !v.is_null() && k.as_str() != "ClientToken")
                    .map(|(k, v)| (k.clone(), canonical(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
            other => other.clone(),
        }
    }
    hex::encode(Sha256::digest(canonical(input).to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fingerprint_ignores_token_nulls_and_member_order() {
        let a = fingerprint(&json!({"Catalog": "AWS", "ClientToken": "a", "X": null, "N": {"b": 1, "a": 2}}));
        let b = fingerprint(&json!({"N": {"a": 2, "b": 1}, "Catalog": "AWS", "ClientToken": "b"}));
        assert_eq!(a, b);
        assert_ne!(a, fingerprint(&json!({"Catalog": "Sandbox"})));
    }
}
