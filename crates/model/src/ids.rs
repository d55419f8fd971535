//! Validated identifiers and the catalog: parsed once at the boundary (the
//! wire, the admin API, a fixture, a stored row), then passed around as types
//! that cannot hold anything else. See docs/behaviour.md#identifiers-and-arns.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A value outside a closed set: names the set and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
    pub allowed: Vec<&'static str>,
}

impl UnknownValue {
    pub fn new(kind: &'static str, value: &str, allowed: &[&'static str]) -> UnknownValue {
        UnknownValue { kind, value: value.to_string(), allowed: allowed.to_vec() }
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a {}; expected one of: {}", self.value, self.kind, self.allowed.join(", "))
    }
}

impl std::error::Error for UnknownValue {}

/// A malformed identifier: names the kind and the expected form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdError {
    pub kind: &'static str,
    pub value: String,
    pub expected: &'static str,
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a {}: expected {}", self.value, self.kind, self.expected)
    }
}

impl std::error::Error for IdError {}

/// The catalogs pcentral serves. The model only constrains the format of a
/// catalog; any other well-formed value is refused by validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Catalog {
    #[serde(rename = "AWS")]
    Aws,
    #[serde(rename = "Sandbox")]
    Sandbox,
}

impl Catalog {
    pub const ALL: [Catalog; 2] = [Catalog::Aws, Catalog::Sandbox];

    pub fn as_str(self) -> &'static str {
        match self {
            Catalog::Aws => "AWS",
            Catalog::Sandbox => "Sandbox",
        }
    }
}

impl fmt::Display for Catalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Catalog {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Catalog::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownValue::new("catalog", s, &Catalog::ALL.map(Catalog::as_str)))
    }
}

/// A 12-digit AWS account id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(String);

impl AccountId {
    pub fn parse(s: &str) -> Result<AccountId, IdError> {
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(AccountId(s.to_string()))
        } else {
            Err(IdError { kind: "AWS account id", value: s.to_string(), expected: "12 digits" })
        }
    }

    /// Whether `s` has the form of an account id.
    pub fn is_account_id(s: &str) -> bool {
        Self::parse(s).is_ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The 13 letters or digits after an identifier's prefix, as pcentral draws them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdSuffix(String);

impl IdSuffix {
    pub const LEN: usize = 13;

    /// `Some` when `s` is exactly 13 ASCII letters or digits.
    pub fn new(s: &str) -> Option<IdSuffix> {
        (s.len() == Self::LEN && s.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| IdSuffix(s.to_string()))
    }

    /// A suffix of lower-case base32 characters (`a`–`z`, `2`–`7`), one per
    /// value, each taken modulo 32: what pcentral draws at random.
    pub fn from_base32(values: [u8; Self::LEN]) -> IdSuffix {
        const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
        IdSuffix(values.iter().map(|v| ALPHABET[usize::from(v % 32)] as char).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An identifier kind written as a fixed prefix and 13 letters or digits.
pub trait PrefixedId: Sized {
    const PREFIX: &'static str;
    /// The id with this suffix.
    fn with_suffix(suffix: &IdSuffix) -> Self;
}

macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<$name, IdError> {
                match s.strip_prefix($prefix).and_then(IdSuffix::new) {
                    Some(_) => Ok($name(s.to_string())),
                    None => Err(IdError {
                        kind: $kind,
                        value: s.to_string(),
                        expected: concat!($prefix, " followed by 13 letters or digits"),
                    }),
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl PrefixedId for $name {
            const PREFIX: &'static str = $prefix;
            fn with_suffix(suffix: &IdSuffix) -> Self {
                $name(format!("{}{}", $prefix, suffix.as_str()))
            }
        }

        string_newtype!($name);
    };
}

/// The conversions of an id held as its text: to and from `String` and
/// `&str` (checked by the type's `parse`), Display, comparisons with text,
/// and serde as a JSON string, written from the held text and read from the
/// input's text without an intermediate `String`.
macro_rules! string_newtype {
    ($name:ident) => {
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
                out.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(input: D) -> Result<Self, D::Error> {
                struct Text;
                impl serde::de::Visitor<'_> for Text {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$name, E> {
                        $name::parse(text).map_err(E::custom)
                    }
                }
                input.deserialize_str(Text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                $name::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                $name::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

string_newtype!(AccountId);

prefixed_id!(
    /// A partner: `partner-` and 13 letters or digits.
    PartnerId, "partner-", "partner id"
);
prefixed_id!(
    /// A partner profile: `pprofile-` and 13 letters or digits.
    ProfileId, "pprofile-", "partner profile id"
);
prefixed_id!(
    /// A profile update task: `pprofiletask-` and 13 letters or digits.
    ProfileTaskId, "pprofiletask-", "profile task id"
);
prefixed_id!(
    /// A connection invitation: `pacinv-` and 13 letters or digits.
    InvitationId, "pacinv-", "connection invitation id"
);
prefixed_id!(
    /// A connection: `pac-` and 13 letters or digits.
    ConnectionId, "pac-", "connection id"
);
prefixed_id!(
    /// A qualifications association task: `pqatask-` and 13 letters or digits.
    AssociationTaskId, "pqatask-", "qualifications association task id"
);
prefixed_id!(
    /// An engagement invitation of the Selling API: `engi-` and 13 letters or digits.
    EngagementInvitationId, "engi-", "engagement invitation id"
);
/// A task of the Selling API: `task-` and 13 letters or digits
/// (StartEngagementByAcceptingInvitationTask …, the model's `TaskIdentifier`),
/// or 14 lower-case letters or digits (StartProspectingFromEngagementTask,
/// its `ProspectingTaskIdentifier`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EngagementTaskId(String);

impl EngagementTaskId {
    pub fn parse(s: &str) -> Result<EngagementTaskId, IdError> {
        let fits = match s.strip_prefix("task-") {
            Some(rest) if rest.len() == 14 => rest.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()),
            Some(rest) => IdSuffix::new(rest).is_some(),
            None => false,
        };
        if fits {
            Ok(EngagementTaskId(s.to_string()))
        } else {
            Err(IdError {
                kind: "task id",
                value: s.to_string(),
                expected: "task- followed by 13 letters or digits, or 14 lower-case letters or digits",
            })
        }
    }

    /// A prospecting task's id of a fresh suffix: `task-0` and the suffix, lower-cased (14 characters).
    pub fn prospecting(suffix: &IdSuffix) -> EngagementTaskId {
        EngagementTaskId(format!("task-0{}", suffix.as_str().to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PrefixedId for EngagementTaskId {
    const PREFIX: &'static str = "task-";
    fn with_suffix(suffix: &IdSuffix) -> Self {
        EngagementTaskId(format!("task-{}", suffix.as_str()))
    }
}

string_newtype!(EngagementTaskId);
prefixed_id!(
    /// A resource snapshot job of the Selling API: `job-` and 13 letters or digits.
    ResourceSnapshotJobId, "job-", "resource snapshot job id"
);
prefixed_id!(
    /// A bulk job of the Selling API (opportunities or customer accounts): `bulkjob-` and 13 letters or digits.
    BulkJobId, "bulkjob-", "bulk job id"
);
prefixed_id!(
    /// A qualifications disassociation task: `pqdtask-` and 13 letters or digits.
    DisassociationTaskId, "pqdtask-", "qualifications disassociation task id"
);
prefixed_id!(
    /// A customer account of the Selling API: `cust-acc-` and 13 letters or digits.
    CustomerAccountId, "cust-acc-", "customer account id"
);

/// An opportunity of the Selling API: `O` and 1 to 19 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OpportunityId(String);

impl OpportunityId {
    pub fn parse(s: &str) -> Result<OpportunityId, IdError> {
        match s.strip_prefix('O') {
            Some(digits) if (1..=19).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(OpportunityId(s.to_string()))
            }
            _ => {
                Err(IdError { kind: "opportunity id", value: s.to_string(), expected: "O followed by 1 to 19 digits" })
            }
        }
    }

    /// The id whose digits are `number`, written with 13 digits (leading zeros kept).
    pub fn from_number(number: u64) -> OpportunityId {
        OpportunityId(format!("O{:013}", number % 10_000_000_000_000))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(OpportunityId);

/// An engagement of the Selling API: `eng-` and 14 lower-case letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EngagementId(String);

impl EngagementId {
    pub fn parse(s: &str) -> Result<EngagementId, IdError> {
        match s.strip_prefix("eng-") {
            Some(rest) if rest.len() == 14 && rest.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()) => {
                Ok(EngagementId(s.to_string()))
            }
            _ => Err(IdError {
                kind: "engagement id",
                value: s.to_string(),
                expected: "eng- followed by 14 lower-case letters or digits",
            }),
        }
    }

    /// The id of a fresh suffix: `eng-0` and the suffix (13 characters of
    /// `[a-z2-7]` after a zero make the 14 the pattern asks for).
    pub fn with_suffix(suffix: &IdSuffix) -> EngagementId {
        EngagementId(format!("eng-0{}", suffix.as_str().to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(EngagementId);

/// A partner solution of the Selling API: `S-` and 1 to 19 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SolutionId(String);

impl SolutionId {
    pub fn parse(s: &str) -> Result<SolutionId, IdError> {
        match s.strip_prefix("S-") {
            Some(digits) if (1..=19).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(SolutionId(s.to_string()))
            }
            _ => Err(IdError { kind: "solution id", value: s.to_string(), expected: "S- followed by 1 to 19 digits" }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(SolutionId);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_once_and_keep_their_form() {
        assert!(AccountId::parse("111111111111").is_ok());
        for bad in ["11111111111", "1111111111111", "11111111111a", ""] {
            assert!(AccountId::parse(bad).is_err(), "{bad}");
        }
        let id = PartnerId::parse("partner-0123456789abc").unwrap();
        assert_eq!(id.as_str(), "partner-0123456789abc");
        for bad in ["partner-0123456789ab", "partner-0123456789abcd", "pprofile-0123456789abc", "partner-0123456789ab_"]
        {
            assert!(PartnerId::parse(bad).is_err(), "{bad}");
        }
        let suffix = IdSuffix::new("abcdefghij234").unwrap();
        assert_eq!(ConnectionId::with_suffix(&suffix).as_str(), "pac-abcdefghij234");
        assert!(IdSuffix::new("abc").is_none());
        assert_eq!(IdSuffix::from_base32([0, 1, 25, 26, 31, 32, 255, 0, 0, 0, 0, 0, 0]).as_str(), "abz27a7aaaaaa");
        let json: InvitationId = serde_json::from_str("\"pacinv-0123456789abc\"").unwrap();
        assert_eq!(serde_json::to_string(&json).unwrap(), "\"pacinv-0123456789abc\"");
        // Read from text with escapes and from an owned value; refused with the id's own error.
        let escaped: AccountId = serde_json::from_str("\"1111\\u00311111111\"").unwrap();
        assert_eq!(escaped.as_str(), "111111111111");
        let owned: OpportunityId = serde_json::from_value(serde_json::json!("O1234567890123")).unwrap();
        assert_eq!(owned.as_str(), "O1234567890123");
        let refused = serde_json::from_str::<AccountId>("\"12\"").unwrap_err().to_string();
        assert!(refused.starts_with("\"12\" is not a AWS account id: expected 12 digits"), "{refused}");
        let not_text = serde_json::from_str::<AccountId>("12").unwrap_err().to_string();
        assert!(not_text.starts_with("invalid type: integer `12`, expected a string"), "{not_text}");
        assert!(serde_json::from_str::<InvitationId>("\"pac-0123456789abc\"").is_err());
    }

    #[test]
    fn catalogs_are_a_closed_set() {
        assert_eq!("Sandbox".parse::<Catalog>(), Ok(Catalog::Sandbox));
        let err = "sandbox".parse::<Catalog>().unwrap_err();
        assert_eq!(err.to_string(), "\"sandbox\" is not a catalog; expected one of: AWS, Sandbox");
        assert_eq!(serde_json::to_string(&Catalog::Aws).unwrap(), "\"AWS\"");
    }
}
