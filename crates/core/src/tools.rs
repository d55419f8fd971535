//! What the developer tools (the admin API's typed commands in each resource
//! module) answer when they refuse: one error type, which the server maps to
//! an HTTP status in one place.

use std::fmt;

/// Why a developer tool refused a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolError {
    /// The command is malformed; the message names the field and what it takes.
    Invalid(String),
    /// The command names a record that does not exist.
    NotFound(String),
    /// The record is not in a state the command applies to.
    Conflict(String),
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ToolError::Invalid(m) | ToolError::NotFound(m) | ToolError::Conflict(m) => f.write_str(m),
        }
    }
}
