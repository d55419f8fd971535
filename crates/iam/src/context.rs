//! The request context: the condition keys a request carries and their
//! values (as text, the way IAM's request context holds them). Keys compare
//! without regard to case, values with it.

use std::borrow::Cow;

/// Condition keys and their values for one request. A request carries a
/// dozen keys, so they are kept in a list and found by comparing names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    values: Vec<(Cow<'static, str>, Vec<String>)>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// Set a single-valued key (`aws:username`, `partnercentral:Catalog`).
    pub fn set(&mut self, key: impl Into<Cow<'static, str>>, value: impl Into<String>) {
        self.set_all(key, vec![value.into()]);
    }

    /// Set a multi-valued key (`aws:TagKeys`); an empty list is kept (present, no values).
    pub fn set_all(&mut self, key: impl Into<Cow<'static, str>>, values: Vec<String>) {
        let key = key.into();
        match self.values.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(&key)) {
            Some((_, old)) => *old = values,
            None => self.values.push((key, values)),
        }
    }

    /// [`Context::set`], for building a context in one expression.
    pub fn with(mut self, key: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Context {
        self.set(key, value);
        self
    }

    /// The values of `key`, if the request carries it.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.values.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_slice())
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
        let mut out: Vec<(&str, &[String])> = self.values.iter().map(|(k, v)| (k.as_ref(), v.as_slice())).collect();
        out.sort();
        out
    }
}
