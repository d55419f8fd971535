//! Counted ids: what the server draws at random, drawn in order.

use pcentral_core::Ids;
use pcentral_model::IdSuffix;

/// Id suffixes are a 13-digit counter (`partner-0000000000001`, …); codes
/// (6 digits) are derived from it without moving it; event ids count on
/// their own, so that recording events moves no other id.
#[derive(Debug, Default)]
pub struct CountedIds {
    /// The last suffix drawn.
    pub suffixes: u64,
    /// The last event id drawn.
    pub events: u64,
}

impl Ids for CountedIds {
    fn suffix(&mut self) -> IdSuffix {
        self.suffixes += 1;
        IdSuffix::new(&format!("{:013}", self.suffixes)).expect("13 digits")
    }

    fn secret(&mut self) -> String {
        self.suffixes += 1;
        format!("{:064x}", self.suffixes)
    }

    fn code(&mut self) -> String {
        format!("{:06}", 100_000 + self.suffixes % 900_000)
    }

    fn event_id(&mut self) -> String {
        self.events += 1;
        format!("{:032x}", self.events)
    }
}
