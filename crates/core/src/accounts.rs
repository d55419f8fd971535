//! Accounts configured by an admin: a display name and an AWS Marketplace
//! seller profile, which decide how an account without a published partner
//! profile appears to the other side of a connection
//! (docs/behaviour.md#what-each-side-sees).

use pcentral_model::shapes::Shape;
use pcentral_model::{model, Service};

use crate::records::{AccountRecord, SellerProfile};
use crate::tools::ToolError;

/// Whether `value` fits the string shape `shape` of the model (length in
/// code points, then pattern).
fn fits(shape: &str, value: &str) -> bool {
    match model(Service::Account).shape(shape) {
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
pub fn validate(record: &AccountRecord) -> Result<(), ToolError> {
    if let Some(name) = &record.display_name {
        if !fits("UnicodeString", name) {
            return Err(ToolError::Invalid("display_name: must be 1 to 80 printable characters".into()));
        }
    }
    if let Some(SellerProfile { id, name }) = &record.seller_profile {
        if !fits("SellerProfileId", id) {
            return Err(ToolError::Invalid(format!("seller_profile.id: {id:?} must match [a-zA-Z0-9-]{{1,50}}")));
        }
        if !fits("UnicodeString", name) {
            return Err(ToolError::Invalid("seller_profile.name: must be 1 to 80 printable characters".into()));
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use pcentral_model::AccountId;

    fn record(display: Option<&str>, seller: Option<(&str, &str)>) -> AccountRecord {
        AccountRecord {
            account: AccountId::parse("111111111111").unwrap(),
            display_name: display.map(str::to_string),
            seller_profile: seller.map(|(id, name)| SellerProfile { id: id.into(), name: name.into() }),
        }
    }

    fn message(r: Result<(), ToolError>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn validation_follows_the_model_shapes() {
        assert!(validate(&record(Some("Alpha"), Some(("seller-1", "Alpha Seller")))).is_ok());
        assert!(validate(&record(None, None)).is_ok());
        assert!(message(validate(&record(Some(""), None))).starts_with("display_name"));
        assert!(message(validate(&record(Some(&"x".repeat(81)), None))).starts_with("display_name"));
        assert!(message(validate(&record(None, Some(("bad id", "N"))))).starts_with("seller_profile.id"));
        assert!(message(validate(&record(None, Some((&"a".repeat(51), "N"))))).starts_with("seller_profile.id"));
        assert!(message(validate(&record(None, Some(("ok", ""))))).starts_with("seller_profile.name"));
    }
}
