//! Settings, declared once. The [`settings!`] macro turns one declaration per
//! setting (name, type, default, help text) into the struct, its defaults,
//! and a table of [`Spec`]s that drives everything else: the `serve` flags
//! and their `PCENTRAL_*` environment variables, the config file, `pcentral
//! settings set`, `--help` and the README's settings table (a test keeps the
//! README in step with the table).
//!
//! Two tables use the macro: the service settings below ([`Settings`],
//! [`Scope::Shared`]: the same for every node, stored in the database when
//! changed at run time), and the server's per-node settings (listen address,
//! data directory, limits), declared next to the code that uses them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use pcentral_model::timestamp::Millis;

/// Where a setting applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One process: given at start (flag, environment, config file).
    Node,
    /// The whole service: every node uses the stored value once it is changed
    /// at run time (`pcentral settings set`).
    Shared,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Node => "node",
            Scope::Shared => "shared",
        }
    }
}

/// How one setting is spelled, documented and parsed.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// `snake_case` name; the flag is `--kebab-case`, the variable `PCENTRAL_UPPER_CASE`.
    pub name: &'static str,
    /// One-line help (the field's doc comment).
    pub help: &'static str,
    pub scope: Scope,
    /// Whether the value is secret (hidden in `--help` and in logs).
    pub secret: bool,
    /// What kind of value it takes, for messages.
    pub value_kind: &'static str,
    /// The placeholder of its value in `--help` (`N`, `ADDRESS`, …).
    pub value_name: &'static str,
    /// Whether it is a switch: `--flag` alone means `true`.
    pub switch: bool,
}

impl Spec {
    /// `--profile-task-delay-seconds`.
    pub fn flag(&self) -> String {
        self.name.replace('_', "-")
    }

    /// `PCENTRAL_PROFILE_TASK_DELAY_SECONDS`.
    pub fn env(&self) -> String {
        format!("PCENTRAL_{}", self.name.to_ascii_uppercase())
    }

    /// Whether `name` (with `-` or `_`) names this setting.
    pub fn is_named(&self, name: &str) -> bool {
        name.replace('-', "_") == self.name
    }
}

/// A type a setting can have: parsed from and rendered to text (flags,
/// environment variables, config files and the admin API all go through text).
pub trait SettingValue: Sized {
    /// What the value looks like, for messages.
    const KIND: &'static str;
    /// Its placeholder in `--help`.
    const VALUE_NAME: &'static str;
    /// Whether a bare `--flag` means `true`.
    const SWITCH: bool = false;
    fn parse_setting(text: &str) -> Result<Self, String>;
    fn render_setting(&self) -> String;
}

macro_rules! from_str_setting {
    ($ty:ty, $kind:literal, $name:literal) => {
        impl SettingValue for $ty {
            const KIND: &'static str = $kind;
            const VALUE_NAME: &'static str = $name;
            fn parse_setting(text: &str) -> Result<Self, String> {
                text.trim().parse().map_err(|e| format!("expected {}, got {text:?} ({e})", $kind))
            }
            fn render_setting(&self) -> String {
                self.to_string()
            }
        }
    };
}

from_str_setting!(u64, "a whole number", "N");
from_str_setting!(std::net::SocketAddr, "an address such as 127.0.0.1:4599", "ADDRESS");

impl SettingValue for bool {
    const KIND: &'static str = "true or false";
    const VALUE_NAME: &'static str = "true|false";
    const SWITCH: bool = true;
    fn parse_setting(text: &str) -> Result<Self, String> {
        match text.trim() {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(format!("expected true or false, got {other:?}")),
        }
    }
    fn render_setting(&self) -> String {
        self.to_string()
    }
}

impl SettingValue for String {
    const KIND: &'static str = "text";
    const VALUE_NAME: &'static str = "TEXT";
    fn parse_setting(text: &str) -> Result<Self, String> {
        Ok(text.to_string())
    }
    fn render_setting(&self) -> String {
        self.clone()
    }
}

impl SettingValue for std::path::PathBuf {
    const KIND: &'static str = "a path";
    const VALUE_NAME: &'static str = "PATH";
    fn parse_setting(text: &str) -> Result<Self, String> {
        Ok(text.into())
    }
    fn render_setting(&self) -> String {
        self.display().to_string()
    }
}

/// An optional value: empty text means none.
impl<T: SettingValue> SettingValue for Option<T> {
    const KIND: &'static str = T::KIND;
    const VALUE_NAME: &'static str = T::VALUE_NAME;
    fn parse_setting(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            Ok(None)
        } else {
            T::parse_setting(text).map(Some)
        }
    }
    fn render_setting(&self) -> String {
        self.as_ref().map(T::render_setting).unwrap_or_default()
    }
}

/// A duration written like `30s`, `5m` or `1h 30m`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Duration(pub std::time::Duration);

impl TryFrom<String> for Duration {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Duration::parse_setting(&text)
    }
}

impl From<Duration> for String {
    fn from(d: Duration) -> String {
        d.render_setting()
    }
}

impl SettingValue for Duration {
    const KIND: &'static str = "a duration such as 30s, 5m or 1h";
    const VALUE_NAME: &'static str = "DURATION";
    fn parse_setting(text: &str) -> Result<Self, String> {
        humantime::parse_duration(text.trim())
            .map(Duration)
            .map_err(|e| format!("expected a duration such as 30s, 5m or 1h, got {text:?} ({e})"))
    }
    fn render_setting(&self) -> String {
        humantime::format_duration(self.0).to_string()
    }
}

/// Declares a settings struct and its table of [`Spec`]s. Each field is
/// `/// help` `name: Type = default,`; `[secret]` before the name hides its
/// value. Generates `Default`, `SPECS`, `set` (by name, from text) and `get`.
#[macro_export]
macro_rules! settings {
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($scope:expr) {
            $(
                $(#[doc = $doc:literal])+
                $([$flag:ident])? $field:ident : $ty:ty = $default:expr,
            )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[doc = $doc])+ pub $field: $ty, )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name { $( $field: $default, )* }
            }
        }

        impl $name {
            /// One entry per setting, in declaration order.
            pub const SPECS: &'static [$crate::settings::Spec] = &[
                $( $crate::settings::Spec {
                    name: stringify!($field),
                    help: $crate::settings::first_doc_line(&[$($doc),+]),
                    scope: $scope,
                    secret: $crate::settings!(@secret $($flag)?),
                    value_kind: <$ty as $crate::settings::SettingValue>::KIND,
                    value_name: <$ty as $crate::settings::SettingValue>::VALUE_NAME,
                    switch: <$ty as $crate::settings::SettingValue>::SWITCH,
                }, )*
            ];

            /// Set the setting `name` (`-` or `_` spelling) from text.
            pub fn set(&mut self, name: &str, text: &str) -> Result<(), String> {
                let name = name.replace('-', "_");
                match name.as_str() {
                    $( stringify!($field) => {
                        self.$field = <$ty as $crate::settings::SettingValue>::parse_setting(text)
                            .map_err(|e| format!("{}: {e}", stringify!($field)))?;
                        Ok(())
                    } )*
                    other => Err(format!("unknown setting {other:?}")),
                }
            }

            /// The value of setting `name` as text.
            pub fn get(&self, name: &str) -> Option<String> {
                let name = name.replace('-', "_");
                match name.as_str() {
                    $( stringify!($field) => Some($crate::settings::SettingValue::render_setting(&self.$field)), )*
                    _ => None,
                }
            }
        }
    };
    (@secret secret) => { true };
    (@secret) => { false };
}

/// The first line of a doc comment, trimmed (the macro's help text).
pub const fn first_doc_line(lines: &[&'static str]) -> &'static str {
    let line = lines[0];
    trim_leading_space(line)
}

const fn trim_leading_space(s: &'static str) -> &'static str {
    match s.as_bytes() {
        [b' ', rest @ ..] => match std::str::from_utf8(rest) {
            Ok(t) => t,
            Err(_) => s,
        },
        _ => s,
    }
}

settings! {
    /// Settings that shape service behaviour, the same for every node. Field
    /// names are the names users set.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct Settings (Scope::Shared) {
        /// Service seconds a profile update task takes to succeed.
        profile_task_delay_seconds: u64 = 0,
        /// Minutes an emailed verification code stays valid.
        email_code_validity_minutes: u64 = 30,
        /// Hours a ClientToken's answer is replayed.
        idempotency_retention_hours: u64 = 24,
        /// Verification codes per address per rolling 24 h (catalog AWS).
        email_codes_per_day: u64 = 5,
        /// Profile update tasks started per partner per rolling 24 h.
        profile_tasks_per_day: u64 = 10,
        /// Profile visibility updates per partner per rolling 24 h.
        visibility_updates_per_day: u64 = 5,
        /// Days a connection invitation stays PENDING before it expires.
        invitation_lifetime_days: u64 = 30,
        /// Connection invitations per sending account per rolling 24 h.
        connection_invitations_per_day: u64 = 50,
        /// Open (PENDING) connection invitations per sending account.
        open_connection_invitations: u64 = 1000,
        /// Connections with an ACTIVE type per account (checked at Accept).
        active_connections: u64 = 1000,
        /// Training/certification email domains per partner.
        training_domains_per_partner: u64 = 50,
        /// Service seconds a verification takes to succeed once in progress.
        verification_delay_seconds: u64 = 0,
        /// Whether CreatePartner in catalog AWS requires SUCCEEDED business and registrant verification.
        require_verification_for_aws_catalog: bool = true,
        /// Whether CreatePartner in catalog Sandbox accepts Tags (the Sandbox guide says tags are not used there).
        sandbox_allow_tags: bool = false,
        /// Service seconds a qualifications (dis)association task takes to succeed.
        qualifications_task_delay_seconds: u64 = 0,
        /// What cancelling a SUBSIDIARY connection does to a qualifications association: dissolve, keep or block.
        qualifications_on_subsidiary_cancel: SubsidiaryCancel = SubsidiaryCancel::Dissolve,
        /// Subsidiaries (associated or in flight) per primary partner.
        qualifications_max_associated_partners: u64 = 6,
        /// Service days recorded events (once delivered, given up, or with no webhook) and outbox messages are kept.
        log_retention_days: u64 = 7,
        /// URL every recorded event is POSTed to (JSON, retried with backoff); empty: no delivery.
        events_webhook_url: String = String::new(),
    }
}

/// What CancelConnection on a SUBSIDIARY type does to a qualifications
/// association (or task in flight) between the two accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubsidiaryCancel {
    /// Settle tasks in flight, then remove the association.
    Dissolve,
    /// Leave the association until the subsidiary disassociates.
    Keep,
    /// Refuse the cancel (ConflictException INCOMPATIBLE_CONNECTION_STATE).
    Block,
}

impl SubsidiaryCancel {
    pub const ALL: [SubsidiaryCancel; 3] =
        [SubsidiaryCancel::Dissolve, SubsidiaryCancel::Keep, SubsidiaryCancel::Block];

    pub fn as_str(self) -> &'static str {
        match self {
            SubsidiaryCancel::Dissolve => "dissolve",
            SubsidiaryCancel::Keep => "keep",
            SubsidiaryCancel::Block => "block",
        }
    }
}

impl fmt::Display for SubsidiaryCancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SubsidiaryCancel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SubsidiaryCancel::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("expected dissolve, keep or block, got {s}"))
    }
}

from_str_setting!(SubsidiaryCancel, "dissolve, keep or block", "dissolve|keep|block");

pub const SECOND_MS: Millis = 1_000;
pub const MINUTE_MS: Millis = 60 * SECOND_MS;
pub const HOUR_MS: Millis = 60 * MINUTE_MS;
pub const DAY_MS: Millis = 24 * HOUR_MS;

/// A setting in some unit as milliseconds, saturating.
pub fn ms(value: u64, unit_ms: Millis) -> Millis {
    i64::try_from(value).unwrap_or(i64::MAX / unit_ms).saturating_mul(unit_ms)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_parses_and_renders_every_setting() {
        let mut s = Settings::default();
        assert_eq!(Settings::SPECS.len(), 19);
        for spec in Settings::SPECS {
            assert_eq!(spec.scope, Scope::Shared);
            assert!(!spec.help.is_empty() && !spec.help.starts_with(' '), "{}", spec.name);
            let value = s.get(spec.name).unwrap();
            s.set(&spec.flag(), &value).unwrap();
        }
        assert_eq!(s, Settings::default());
        s.set("profile-task-delay-seconds", "60").unwrap();
        s.set("qualifications_on_subsidiary_cancel", "block").unwrap();
        assert_eq!(
            (s.profile_task_delay_seconds, s.qualifications_on_subsidiary_cancel),
            (60, SubsidiaryCancel::Block)
        );
        assert!(s.set("profile_task_delay_seconds", "soon").unwrap_err().starts_with("profile_task_delay_seconds:"));
        assert!(s.set("nope", "1").is_err());
        let spec = Settings::SPECS.iter().find(|s| s.name == "require_verification_for_aws_catalog").unwrap();
        assert_eq!(
            (spec.flag(), spec.env(), spec.switch),
            (
                "require-verification-for-aws-catalog".to_string(),
                "PCENTRAL_REQUIRE_VERIFICATION_FOR_AWS_CATALOG".to_string(),
                true
            )
        );
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(Duration::parse_setting("31m").unwrap().0.as_secs(), 31 * 60);
        assert_eq!(Duration::parse_setting("1h30m").unwrap().0.as_secs(), 90 * 60);
        assert_eq!(Duration::parse_setting("2d").unwrap().0.as_secs(), 2 * 86_400);
        assert!(Duration::parse_setting("soon").is_err());
    }
}
