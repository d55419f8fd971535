//! Accounts configured by an admin: a display name and an AWS Marketplace
//! seller profile, which decide how an account without a published partner
//! profile appears to the other side of a connection (SEMANTICS §7, §12 Q19).

use pcentral_model::model;
use pcentral_model::shapes::Shape;

use crate::store::{AccountRecord, SellerProfile};

/// Whether `value` fits the string shape `shape` of the model (length in
/// code points, then pattern).
fn fits(shape: &str, value: &str) -> bool {
    match model().shape(shape) {
        Some(Shape::String { min, max, pattern, .. }) => {
            let len = i64::try_from(value.chars().count()).unwrap_or(i64::MAX);
            min.is_none_or(|m| len >= m)
                && max.is_none_or(|m| len <= m)
                && pattern.as_ref().is_none_or(|p| p.is_match(value))
        }
        _ => false,
    }
}

/// Check an account record against the shapes it is rendered into
/// (`AccountSummary.Name`, `SellerProfileSummary`); the message names the
/// offending field.
pub fn validate(record: &AccountRecord) -> Result<(), String> {
    if record.account.len() != 12 || !record.account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("account: {:?} is not a 12-digit AWS account id", record.account));
    }
    if let Some(name) = &record.display_name {
        if !fits("UnicodeString", name) {
            return Err("display_name: must be 1 to 80 printable characters".into());
        }
    }
    if let Some(SellerProfile { id, name }) = &record.seller_profile {
        if !fits("SellerProfileId", id) {
            return Err(format!("seller_profile.id: {id:?} must match [a-zA-Z0-9-]{{1,50}}"));
        }
        if !fits("UnicodeString", name) {
            return Err("seller_profile.name: must be 1 to 80 printable characters".into());
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn record(display: Option<&str>, seller: Option<(&str, &str)>) -> AccountRecord {
        AccountRecord {
            account: "111111111111".into(),
            display_name: display.map(str::to_string),
            seller_profile: seller.map(|(id, name)| SellerProfile { id: id.into(), name: name.into() }),
        }
    }

    #[test]
    fn validation_follows_the_model_shapes() {
        assert!(validate(&record(Some("Alpha"), Some(("seller-1", "Alpha Seller")))).is_ok());
        assert!(validate(&record(None, None)).is_ok());
        assert!(validate(&record(Some(""), None)).unwrap_err().starts_with("display_name"));
        assert!(validate(&record(Some(&"x".repeat(81)), None)).unwrap_err().starts_with("display_name"));
        assert!(validate(&record(None, Some(("bad id", "N")))).unwrap_err().starts_with("seller_profile.id"));
        assert!(validate(&record(None, Some((&"a".repeat(51), "N")))).unwrap_err().starts_with("seller_profile.id"));
        assert!(validate(&record(None, Some(("ok", "")))).unwrap_err().starts_with("seller_profile.name"));
        let mut bad = record(None, None);
        bad.account = "12".into();
        assert!(validate(&bad).unwrap_err().starts_with("account"));
    }
}
