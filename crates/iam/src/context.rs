//! The request context: the condition keys a request carries and their
//! values (as text, the way IAM's request context holds them). Keys compare
//! without regard to case, values with it.

use std::collections::HashMap;

/// Condition keys and their values for one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    values: HashMap<String, Vec<String>>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// Set a single-valued key (`aws:username`, `partnercentral:Catalog`).
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.values.insert(key.to_ascii_lowercase(), vec![value.into()]);
    }

    /// Set a multi-valued key (`aws:TagKeys`); an empty list is kept (present, no values).
    pub fn set_all(&mut self, key: &str, values: Vec<String>) {
        self.values.insert(key.to_ascii_lowercase(), values);
    }

    /// [`Context::set`], for building a context in one expression.
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Context {
        self.set(key, value);
        self
    }

    /// The values of `key`, if the request carries it.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        match self.values.get(key) {
            Some(values) => Some(values),
            None => self.values.get(&key.to_ascii_lowercase()).map(Vec::as_slice),
        }
    }

    /// The value of a single-valued key (what a policy variable can take).
    pub fn single(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            [one] => Some(one),
            _ => None,
        }
    }

    /// Every key and its values, keys sorted (for logs and the simulator).
    pub fn entries(&self) -> Vec<(&str, &[String])> {
        let mut out: Vec<(&str, &[String])> = self.values.iter().map(|(k, v)| (k.as_str(), v.as_slice())).collect();
        out.sort();
        out
    }
}
