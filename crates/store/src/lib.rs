//! Storage backends behind the core's [`pcentral_core::Store`] interface.
//!
//! * [`sqlite`]: the embedded default, one file in the data directory.
//!
//! Every backend passes the same conformance suite (`tests/conformance.rs`).

pub mod sqlite;

pub use sqlite::SqliteStore;
