//! Keyset pagination for ListConnectionInvitations and ListConnections
//! (docs/behaviour.md#listing-and-pagination).
//!
//! Items are ordered by creation time descending, ties by id ascending. A
//! `NextToken` is self-contained and valid on any node: the cursor (creation
//! time and id of the last item returned) in base64url JSON, followed by an
//! HMAC-SHA256 over the operation, the caller's account, a hash of the
//! request's filters and the cursor, keyed with the service's pagination key
//! ([`crate::records::ServiceState::pagination_key`]). A token that does not
//! verify (malformed, tampered, issued to another account or operation, or
//! sent with other filters) is `ValidationException`, field `NextToken`,
//! `INVALID_VALUE`. The same token always names the same position, so it
//! returns the same page while the data is unchanged.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use pcentral_model::selling::ValidationExceptionErrorCode;
use pcentral_model::{AccountId, ApiError, FieldValidationCode, Operation, OperationInput, Service};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use sha2::Sha256;

use crate::fingerprint::fingerprint;
use crate::store::{Failure, OpResult, StoreError};

type HmacSha256 = Hmac<Sha256>;

/// What a token is bound to.
#[derive(Debug, Clone)]
pub struct Binding<'a> {
    /// The pagination key (hex) from the service state.
    pub key: &'a str,
    pub operation: Operation,
    pub account: &'a AccountId,
    /// [`filter_hash`] of the request.
    pub filters: String,
}

impl<'a> Binding<'a> {
    /// The binding of a list request from `account`: its operation (which
    /// the request's type names), the caller and the request's filters.
    pub fn of<R: OperationInput + Serialize>(key: &'a str, account: &'a AccountId, request: &R) -> Binding<'a> {
        Binding { key, operation: R::OPERATION, account, filters: filter_hash(request) }
    }

    /// The page of the `size + 1` rows a store query returned, and the token
    /// of the next page (when there was one row more), whose position `key`
    /// takes from the page's last row.
    pub fn page<T, C: Serialize>(
        &self,
        rows: Vec<T>,
        size: usize,
        key: impl Fn(&T) -> C,
    ) -> OpResult<(Vec<T>, Option<String>)> {
        let (page, next) = split_page(rows, size, key);
        let token = next.map(|cursor| encode(self, &cursor)).transpose()?;
        Ok((page, token))
    }

    /// The position a request's `NextToken` resumes from (none: the first page).
    pub fn resume<C: DeserializeOwned>(&self, token: Option<&str>) -> OpResult<Option<C>> {
        token.map(|t| decode(self, t)).transpose()
    }

    /// For a list paged by position (sorted in memory): how many rows came
    /// before the page a request's `NextToken` resumes at (0: the first page).
    pub fn position(&self, token: Option<&str>) -> OpResult<usize> {
        Ok(self.resume::<Position>(token)?.map_or(0, |p| p.offset))
    }

    /// The page of the sorted `rows` that starts after `skip` of them (see
    /// [`Binding::position`]), and the next page's token.
    pub fn page_at<T>(&self, rows: Vec<T>, skip: usize, size: usize) -> OpResult<(Vec<T>, Option<String>)> {
        let numbered: Vec<(usize, T)> = rows.into_iter().enumerate().skip(skip).take(size + 1).collect();
        let (page, token) = self.page(numbered, size, |(i, _)| Position { offset: i + 1 })?;
        Ok((page.into_iter().map(|(_, row)| row).collect(), token))
    }
}

/// A position in a list sorted in memory: how many rows came before.
#[derive(Serialize, serde::Deserialize)]
struct Position {
    #[serde(rename = "o")]
    offset: usize,
}

/// Hash of a request's filters: every member except `NextToken` and
/// `MaxResults`, with empty lists counting as absent (they mean "no filter").
pub fn filter_hash<R: Serialize>(request: &R) -> String {
    let mut filters = serde_json::to_value(request).unwrap_or(Value::Null);
    if let Some(map) = filters.as_object_mut() {
        map.remove("NextToken");
        map.remove("MaxResults");
        map.retain(|_, v| !matches!(v, Value::Array(items) if items.is_empty()));
    }
    fingerprint(&filters)
}

fn mac(binding: &Binding<'_>, payload: &str) -> OpResult<HmacSha256> {
    if binding.key.is_empty() {
        return Err(Failure::Store(StoreError::Backend("pagination key missing from service state".into())));
    }
    let mut mac = HmacSha256::new_from_slice(binding.key.as_bytes())
        .map_err(|e| Failure::Store(StoreError::Backend(format!("pagination key: {e}"))))?;
    for part in [binding.operation.name(), binding.account.as_str(), binding.filters.as_str(), payload] {
        mac.update(part.as_bytes());
        mac.update(&[0]);
    }
    Ok(mac)
}

/// The token that resumes after `cursor` (a [`crate::store::Cursor`], or another list's
/// position such as [`crate::store::OpportunityCursor`]).
pub fn encode<C: Serialize>(binding: &Binding<'_>, cursor: &C) -> OpResult<String> {
    let json = serde_json::to_vec(cursor).map_err(|e| Failure::Store(StoreError::Backend(e.to_string())))?;
    let payload = URL_SAFE_NO_PAD.encode(json);
    let tag = mac(binding, &payload)?.finalize().into_bytes();
    Ok(format!("{payload}.{}", URL_SAFE_NO_PAD.encode(tag)))
}

/// `INVALID_VALUE` on `NextToken`, in the shape of the operation's service.
fn invalid_token(binding: &Binding<'_>) -> Failure {
    let message = "The NextToken is not valid for this request";
    match binding.operation.service() {
        Service::Account => ApiError::field("NextToken", FieldValidationCode::InvalidValue, message),
        Service::Selling => ApiError::field("NextToken", ValidationExceptionErrorCode::InvalidValue, message),
    }
    .into()
}

/// The cursor in `token`, if it verifies against `binding`.
pub fn decode<C: DeserializeOwned>(binding: &Binding<'_>, token: &str) -> OpResult<C> {
    let (payload, tag) = token.split_once('.').ok_or_else(|| invalid_token(binding))?;
    let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid_token(binding))?;
    mac(binding, payload)?.verify_slice(&tag).map_err(|_| invalid_token(binding))?;
    let json = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid_token(binding))?;
    serde_json::from_slice(&json).map_err(|_| invalid_token(binding))
}

/// Page size from `MaxResults`: the model checked 1–100, and an absent one
/// took the Smithy model's default (20) before the handler ran
/// (`pcentral_model::with_defaults`).
pub fn page_size(max_results: Option<i64>) -> OpResult<usize> {
    max_results
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| ApiError::internal("MaxResults has no value and no default").into())
}

/// Page size of the Selling API's lists from `MaxResults`: the model checked
/// 1–100 and documents 20 as the default, which its Smithy traits do not carry.
pub fn selling_page_size(max_results: Option<i64>) -> usize {
    max_results.and_then(|n| usize::try_from(n).ok()).filter(|n| *n > 0).unwrap_or(SELLING_DEFAULT_PAGE)
}

/// Page size of a Selling list when `MaxResults` is absent.
pub const SELLING_DEFAULT_PAGE: usize = 20;

/// Split the `size + 1` rows a store query returned into the page and the
/// cursor of the next page (present when there was one row more).
pub fn split_page<T, C>(mut rows: Vec<T>, size: usize, key: impl Fn(&T) -> C) -> (Vec<T>, Option<C>) {
    if rows.len() <= size {
        return (rows, None);
    }
    rows.truncate(size);
    let next = rows.last().map(key);
    (rows, next)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::Cursor;
    use serde_json::json;

    fn account(s: &str) -> AccountId {
        AccountId::parse(s).unwrap()
    }

    #[test]
    fn token_round_trips_and_is_bound() {
        let a = account("111111111111");
        let b2 = account("222222222222");
        let b = Binding {
            key: "00ff",
            operation: Operation::Account(pcentral_model::account::Operation::ListConnections),
            account: &a,
            filters: filter_hash(&json!({"Catalog": "Sandbox"})),
        };
        let cursor = Cursor { created_at: 42, id: "pac-abc".into() };
        let token = encode(&b, &cursor).unwrap();
        assert!(token.len() <= 2048);
        assert_eq!(decode::<Cursor>(&b, &token).unwrap(), cursor);
        // Other account, other operation, other filters, other key.
        let other_account = Binding { account: &b2, ..b.clone() };
        let other_op = Binding {
            operation: Operation::Account(pcentral_model::account::Operation::ListConnectionInvitations),
            ..b.clone()
        };
        let other_filters = Binding { filters: filter_hash(&json!({"Catalog": "AWS"})), ..b.clone() };
        let other_key = Binding { key: "00fe", ..b.clone() };
        for wrong in [other_account, other_op, other_filters, other_key] {
            assert!(decode::<Cursor>(&wrong, &token).is_err());
        }
        // Tampered payload or tag, garbage.
        let (payload, tag) = token.split_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD.encode(br#"{"c":41,"i":"pac-abc"}"#);
        assert!(decode::<Cursor>(&b, &format!("{forged}.{tag}")).is_err());
        assert!(decode::<Cursor>(&b, &format!("{payload}.{}", URL_SAFE_NO_PAD.encode([0u8; 32]))).is_err());
        assert!(decode::<Cursor>(&b, "garbage").is_err());
    }

    #[test]
    fn filters_ignore_paging_members_and_empty_lists() {
        let a = filter_hash(
            &json!({"Catalog": "AWS", "MaxResults": 1, "NextToken": "x", "OtherParticipantIdentifiers": []}),
        );
        assert_eq!(a, filter_hash(&json!({"Catalog": "AWS", "MaxResults": 5})));
        assert_ne!(a, filter_hash(&json!({"Catalog": "AWS", "Status": "PENDING"})));
    }

    #[test]
    fn a_page_has_a_next_cursor_only_when_more_rows_came() {
        let key = |t: &(i64, &str)| Cursor { created_at: t.0, id: t.1.to_string() };
        let (page, next) = split_page(vec![(5, "b"), (5, "c"), (3, "a")], 2, key);
        assert_eq!(page, vec![(5, "b"), (5, "c")]);
        assert_eq!(next, Some(Cursor { created_at: 5, id: "c".into() }));
        let (page, next) = split_page(vec![(5, "b")], 2, key);
        assert_eq!((page.len(), next), (1, None));
        assert_eq!(page_size(Some(1)).ok(), Some(1));
        assert!(page_size(None).is_err(), "the default comes from the model, not from here");
    }
}
