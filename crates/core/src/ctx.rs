//! The call context at the bottom of the core: who is calling, where fresh
//! identifiers come from, and what one operation works with.

use pcentral_model::{AccountId, IdSuffix, Millis, PrefixedId};

use crate::settings::Settings;
use crate::store::Tx;

/// Source of fresh identifiers and codes (random in the server, counted in tests).
pub trait Ids {
    /// 13 letters or digits for a new identifier. The server draws them from
    /// `[a-z2-7]` (lower-case base32), which fits every id pattern of the model.
    fn suffix(&mut self) -> IdSuffix;
    /// An unguessable secret of 64 hex digits (256 bits; the server draws
    /// them from a CSPRNG): the token of a bulk job's report URL.
    fn secret(&mut self) -> String;
    /// A 6-digit numeric code.
    fn code(&mut self) -> String;
    /// 32 hex digits for an event id (`events::uuid_like`). The server draws
    /// them at random; this default derives them from [`Ids::suffix`].
    fn event_id(&mut self) -> String {
        use sha2::{Digest, Sha256};
        let seed = self.suffix();
        hex::encode(&Sha256::digest(seed.as_str().as_bytes())[..16])
    }
}

/// A fresh identifier of kind `T`.
pub fn new_id<T: PrefixedId>(ids: &mut dyn Ids) -> T {
    T::with_suffix(&ids.suffix())
}

/// Who is calling, and from where.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: AccountId,
    /// Region of the request's SigV4 credential scope (used in ARNs).
    pub region: String,
    /// Base URL of this server as the client reached it (`http://<Host>`),
    /// for links pcentral hands out (the registrant verification URL).
    pub endpoint: String,
}

/// Everything an operation handler works with.
pub struct Ctx<'a> {
    pub tx: &'a mut dyn Tx,
    pub ids: &'a mut dyn Ids,
    pub caller: &'a Caller,
    /// Service time of this request.
    pub now: Millis,
    pub settings: &'a Settings,
    /// The key that signs page tokens (shared by every node).
    pub pagination_key: &'a str,
}
