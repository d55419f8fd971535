//! Storage backends behind the core's [`pcentral_core::Store`] interface.
//!
//! * [`sqlite`]: the embedded default, one file in the data directory.
//! * [`postgres`]: one PostgreSQL database shared by several nodes.
//! * [`files`]: the data directory's files are private to the user pcentral
//!   runs as.
//!
//! Both keep the same tables; [`tx`] implements the typed transaction
//! once over the small [`sql::Db`] interface each backend provides, one file
//! per resource family. Every backend passes the same test suites
//! (`tests/`, one file per core module they exercise).

pub mod files;
mod tx;
pub mod postgres;
mod schema;
pub mod sql;
pub mod sqlite;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
