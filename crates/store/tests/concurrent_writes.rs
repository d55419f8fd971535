//! Concurrent write transactions: each commits or rolls back on its own, even
//! when they share a commit (SQLite's group commit), and every one that was
//! answered "committed" is stored.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use pcentral_core::records::AccountRecord;
use pcentral_core::store::{self, Failure};
use pcentral_core::tools::ToolError;
use pcentral_model::AccountId;

#[test]
fn a_failing_write_rolls_back_alone_while_the_others_commit() {
    let h = Harness::new(1_780_000_000_000);
    let store = h.store();
    let results: Vec<(u64, bool)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..32u64)
            .map(|n| {
                scope.spawn(move || {
                    let account = AccountId::parse(&format!("{:012}", 500_000_000_000 + n)).unwrap();
                    let record = AccountRecord { account, display_name: Some(format!("n{n}")), seller_profile: None };
                    let result = store::write(store, |tx| {
                        tx.put_account(&record)?;
                        if n % 5 == 0 {
                            // Refused after writing: its write must not survive.
                            return Err(Failure::Tool(ToolError::Invalid(format!("refused {n}"))));
                        }
                        Ok(())
                    });
                    (n, result.is_ok())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let stored: Vec<String> = h.read(|tx| Ok(tx.accounts()?)).into_iter().filter_map(|a| a.display_name).collect();
    for (n, committed) in results {
        assert_eq!(committed, n % 5 != 0, "write {n}");
        assert_eq!(stored.contains(&format!("n{n}")), committed, "write {n}: answered {committed}");
    }
}
