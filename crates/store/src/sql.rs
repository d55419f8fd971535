//! What the shared transaction code needs from a SQL backend.
//!
//! Every backend stores the same tables (records as JSON documents next to
//! the columns their lookups, filters and constraints need), so the typed
//! [`pcentral_core::Tx`] is implemented once, in [`crate::tx`], over this
//! small interface. Statements are written once, with `?1`, `?2`, …
//! placeholders; a backend rewrites them to its own syntax if it must.

use pcentral_core::StoreError;

/// A statement parameter. Integers are always 64-bit.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(i64),
    OptInt(Option<i64>),
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(s: &'a str) -> Self {
        Param::Text(s)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(s: &'a String) -> Self {
        Param::Text(s)
    }
}

impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(s: Option<&'a str>) -> Self {
        Param::OptText(s)
    }
}

impl From<i64> for Param<'_> {
    fn from(n: i64) -> Self {
        Param::Int(n)
    }
}

impl From<bool> for Param<'_> {
    fn from(b: bool) -> Self {
        Param::Int(i64::from(b))
    }
}

/// One open transaction of a SQL backend.
pub trait Db {
    /// Rows of a query selecting one TEXT column.
    fn texts(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<String>, StoreError>;
    /// Hand each row of a query selecting one TEXT column to `row` as the
    /// backend reads it (without holding every row at once); an error from
    /// `row` stops the query and is answered.
    fn each_text(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        row: &mut dyn FnMut(&str) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
    /// Rows of a query selecting a BIGINT and a TEXT column.
    fn int_texts(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<(i64, String)>, StoreError>;
    /// The single BIGINT of a query such as `SELECT COUNT(*) …`.
    fn int(&mut self, sql: &str, params: &[Param<'_>]) -> Result<i64, StoreError>;
    /// Run a statement; returns the number of rows it changed.
    fn exec(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, StoreError>;
    /// Rows of a query whose columns are BIGINT or TEXT, any of them NULL.
    fn cells(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, StoreError>;
    /// Run several statements without parameters (a migration's SQL).
    fn batch(&mut self, sql: &str) -> Result<(), StoreError>;
}

/// One value of a row read by [`Db::cells`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
}

impl Cell {
    pub fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// Rewrite `?N` placeholders to `$N` (PostgreSQL syntax).
pub fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_mark_numbers_become_dollar_numbers() {
        assert_eq!(
            dollar_placeholders("SELECT doc FROM t WHERE a = ?1 AND b = ?12 AND c = '?'"),
            "SELECT doc FROM t WHERE a = $1 AND b = $12 AND c = '?'"
        );
    }
}
