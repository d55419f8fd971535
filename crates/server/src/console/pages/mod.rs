//! The console's pages, by resource family. Each family's module has its
//! list and record pages and the rows and sections other pages reuse (the
//! graph shows a record's sections beside it); a family uses the shared
//! parts (`common`, `list`, `view`) and other families' rows, never the graph.

pub mod accounts;
pub mod connections;
pub mod engagements;
pub mod overview;
pub mod partners;
pub mod tools;
