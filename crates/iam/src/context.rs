//! The request context: the condition keys a request carries and their
//! values (as text, the way IAM's request context holds them). Keys compare
//! without regard to case, values with it.

use std::borrow::Cow;

/// The values of one key: most keys have one, so it is kept without a list.
/// A value is borrowed from the request where it is only compared.
#[derive(Debug, Clone)]
enum Values<'v> {
    One(Cow<'v, str>),
    Many(Vec<Cow<'v, str>>),
}

impl<'v> Values<'v> {
    fn as_slice(&self) -> &[Cow<'v, str>] {
        match self {
            Values::One(value) => std::slice::from_ref(value),
            Values::Many(values) => values,
        }
    }
}

impl PartialEq for Values<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

/// Condition keys and their values for one request. A request carries a
/// dozen keys, so they are kept in a list and found by comparing names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context<'v> {
    values: Vec<(Cow<'static, str>, Values<'v>)>,
}

impl<'v> Context<'v> {
    pub fn new() -> Context<'v> {
        Context::default()
    }

    /// Set a single-valued key (`aws:username`, `partnercentral:Catalog`).
    pub fn set(&mut self, key: impl Into<Cow<'static, str>>, value: impl Into<Cow<'v, str>>) {
        self.put(key.into(), Values::One(value.into()));
    }

    /// Set a multi-valued key (`aws:TagKeys`); an empty list is kept (present, no values).
    pub fn set_all<V: Into<Cow<'v, str>>>(&mut self, key: impl Into<Cow<'static, str>>, values: Vec<V>) {
        self.put(key.into(), Values::Many(values.into_iter().map(Into::into).collect()));
    }

    fn put(&mut self, key: Cow<'static, str>, values: Values<'v>) {
        match self.values.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(&key)) {
            Some((_, old)) => *old = values,
            None => self.values.push((key, values)),
        }
    }

    /// [`Context::set`], for building a context in one expression.
    pub fn with(mut self, key: impl Into<Cow<'static, str>>, value: impl Into<Cow<'v, str>>) -> Context<'v> {
        self.set(key, value);
        self
    }

    /// The values of `key`, if the request carries it.
    pub fn get(&self, key: &str) -> Option<&[Cow<'v, str>]> {
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
    pub fn entries(&self) -> Vec<(&str, &[Cow<'v, str>])> {
        let mut out: Vec<(&str, &[Cow<'v, str>])> =
            self.values.iter().map(|(k, v)| (k.as_ref(), v.as_slice())).collect();
        out.sort();
        out
    }
}
