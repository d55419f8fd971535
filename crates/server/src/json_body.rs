//! Reading an awsJson1.0 request body: UTF-8, one JSON object, no duplicate
//! keys at any depth. An empty body reads as `{}`.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Parse `body` strictly; the error text becomes a SerializationException message.
pub fn parse(body: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("Request body is not valid UTF-8: {e}"))?;
    if text.trim().is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = de.deserialize_any(StrictVisitor).map_err(|e| format!("Request body is not valid JSON: {e}"))?;
    de.end().map_err(|e| format!("Request body is not valid JSON: {e}"))?;
    if !value.is_object() {
        return Err("Request body must be a JSON object".into());
    }
    Ok(value)
}

struct StrictValue(Value);

impl<'de> de::Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let StrictValue(v) = map.next_value()?;
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate member {key}")));
            }
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn strict_reading() {
        assert_eq!(parse(b"").unwrap(), serde_json::json!({}));
        assert_eq!(parse(b"  ").unwrap(), serde_json::json!({}));
        assert_eq!(parse(br#"{"A": {"B": [1, "x", null]}}"#).unwrap(), serde_json::json!({"A": {"B": [1, "x", null]}}));
        assert!(parse(br#"{"A": 1, "A": 2}"#).unwrap_err().contains("duplicate member A"));
        assert!(parse(br#"{"A": {"B": 1, "B": 1}}"#).unwrap_err().contains("duplicate"));
        assert!(parse(b"[1]").unwrap_err().contains("JSON object"));
        assert!(parse(b"\"x\"").unwrap_err().contains("JSON object"));
        assert!(parse(b"{\"A\": \"\xff\"}").unwrap_err().contains("UTF-8"));
        assert!(parse(b"{").unwrap_err().contains("not valid JSON"));
        assert!(parse(b"{} {}").unwrap_err().contains("not valid JSON"));
    }
}
