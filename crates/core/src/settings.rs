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
    /// Whether the value is or holds a secret: its value is hidden in
    /// `--help` and the README's table (the `[secret]` marker, or a type
    /// whose secret parts are masked, [`SettingValue::SECRET`]).
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
pub trait SettingValue: Sized + Clone {
    /// What the value looks like, for messages.
    const KIND: &'static str;
    /// Its placeholder in `--help`.
    const VALUE_NAME: &'static str;
    /// Whether a bare `--flag` means `true`.
    const SWITCH: bool = false;
    /// Whether values may hold secrets that [`SettingValue::masked`] masks.
    const SECRET: bool = false;
    fn parse_setting(text: &str) -> Result<Self, String>;
    fn render_setting(&self) -> String;

    /// The value as it is shown (the settings answer, `pcentral settings
    /// show`, an export without secrets): its secret parts masked.
    fn masked(&self) -> Self {
        self.clone()
    }

    /// A value given back (a fixture, `pcentral settings set`) that may be
    /// a masked one: as it is when nothing in it is masked; the `stored`
    /// value when it is how `stored` is shown (so the secret stays);
    /// otherwise refused, since the secret it stood for is not known here.
    fn unmasked(self, stored: &Self) -> Result<Self, String> {
        let _ = stored;
        Ok(self)
    }
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

/// What a masked secret reads as.
pub const MASK: &str = "***";

/// A URL that may carry credentials, such as a webhook's: the password of
/// its user information (`https://user:password@host/`, or the user alone
/// when it has no password, often a token), every query value (signed URLs
/// and tokens live there, and which values are secret cannot be told), and a
/// fragment are secret; `masked` shows them as [`MASK`] and keeps the rest.
/// Text that is not `scheme://…` is secret as a whole. `Debug` shows it
/// masked too, so that it cannot reach a log. Stored and serialised as the
/// whole text.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretUrl(String);

impl SecretUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL with its secret parts as [`MASK`] (see [`mask_url`]).
    pub fn masked_text(&self) -> String {
        mask_url(&self.0)
    }
}

impl From<&str> for SecretUrl {
    fn from(text: &str) -> Self {
        SecretUrl(text.to_string())
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretUrl({:?})", self.masked_text())
    }
}

impl SettingValue for SecretUrl {
    const KIND: &'static str = "a URL";
    const VALUE_NAME: &'static str = "URL";
    const SECRET: bool = true;
    fn parse_setting(text: &str) -> Result<Self, String> {
        Ok(SecretUrl(text.to_string()))
    }
    fn render_setting(&self) -> String {
        self.0.clone()
    }
    fn masked(&self) -> Self {
        SecretUrl(self.masked_text())
    }
    fn unmasked(self, stored: &Self) -> Result<Self, String> {
        if !url_parts(self.0.trim()).iter().any(|(part, secret)| *secret && *part == MASK) {
            return Ok(self);
        }
        if self.0.trim() == stored.masked_text() {
            return Ok(stored.clone());
        }
        Err(format!(
            "{:?} is masked ({MASK} stands for a secret part, as the settings answer and exports without \
             secrets show it) and is not how the stored value is shown; give the whole URL (a fixture: export \
             it with include_secrets=true)",
            self.0
        ))
    }
}

/// `url` with its secret parts (see [`SecretUrl`]) replaced by [`MASK`];
/// leading and trailing white space is left out. Safe for anything that
/// shows a configured URL: messages, logs, answers.
pub fn mask_url(url: &str) -> String {
    url_parts(url.trim()).into_iter().map(|(part, secret)| if secret { MASK } else { part }).collect()
}

/// `url` cut into parts, each marked secret or not; the parts joined are `url`.
fn url_parts(url: &str) -> Vec<(&str, bool)> {
    let mut parts = Vec::new();
    let Some((scheme, rest)) = url.split_once("://") else {
        return if url.is_empty() { Vec::new() } else { vec![(url, true)] };
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return vec![(url, true)];
    }
    parts.push((&url[..scheme.len() + 3], false));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, _)) => {
            let host = &authority[userinfo.len()..];
            match userinfo.split_once(':') {
                Some((user, password)) => {
                    parts.push((&userinfo[..user.len() + 1], false));
                    parts.push((password, !password.is_empty()));
                }
                None => parts.push((userinfo, !userinfo.is_empty())),
            }
            parts.push((host, false));
        }
        None => parts.push((authority, false)),
    }
    let (before_fragment, fragment) = match tail.find('#') {
        Some(i) => tail.split_at(i),
        None => (tail, ""),
    };
    match before_fragment.split_once('?') {
        Some((path, query)) => {
            parts.push((&before_fragment[..path.len() + 1], false));
            for (i, pair) in query.split('&').enumerate() {
                if i > 0 {
                    parts.push(("&", false));
                }
                match pair.split_once('=') {
                    Some((name, value)) => {
                        parts.push((&pair[..name.len() + 1], false));
                        parts.push((value, !value.is_empty()));
                    }
                    None => parts.push((pair, !pair.is_empty())),
                }
            }
        }
        None => parts.push((before_fragment, false)),
    }
    if let Some(text) = fragment.strip_prefix('#') {
        parts.push(("#", false));
        parts.push((text, !text.is_empty()));
    }
    parts.retain(|(part, _)| !part.is_empty());
    parts
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
                    secret: $crate::settings!(@secret $($flag)?)
                        || <$ty as $crate::settings::SettingValue>::SECRET,
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

            /// These settings as they are shown: every value's secret parts
            /// masked ([`SettingValue::masked`](crate::settings::SettingValue::masked)).
            pub fn masked(&self) -> Self {
                $name { $( $field: $crate::settings::SettingValue::masked(&self.$field), )* }
            }

            /// These settings, given back, with each masked value that is how
            /// the `stored` one is shown replaced by the stored one; a masked
            /// value that is not is refused, naming its setting
            /// ([`SettingValue::unmasked`](crate::settings::SettingValue::unmasked)).
            pub fn unmasked(self, stored: &Self) -> Result<Self, String> {
                Ok($name { $(
                    $field: $crate::settings::SettingValue::unmasked(self.$field, &stored.$field)
                        .map_err(|e| format!("{}: {e}", stringify!($field)))?,
                )* })
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
        /// Days an engagement invitation (Selling API) stays PENDING before it expires.
        engagement_invitation_lifetime_days: u64 = 15,
        /// Service seconds a Selling task (StartEngagementByAcceptingInvitationTask, StartOpportunityFromEngagementTask, StartEngagementFromOpportunityTask) takes to run.
        engagement_task_delay_seconds: u64 = 0,
        /// Whether Selling API calls are throttled at AWS's documented rates per account (per node).
        selling_throttling: bool = false,
        /// Requests per minute every throttled Selling quota group allows instead of AWS's rates (0: AWS's).
        selling_throttling_rate_per_minute: u64 = 0,
        /// Service seconds a Selling bulk job (StartOpportunityBulkJob, StartCustomerAccountBulkJob) waits before it runs.
        bulk_job_delay_seconds: u64 = 0,
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
        events_webhook_url: SecretUrl = SecretUrl::default(),
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
        assert_eq!(Settings::SPECS.len(), 24);
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
    fn a_urls_password_query_values_and_fragment_are_masked() {
        for (url, shown) in [
            ("", ""),
            ("http://127.0.0.1:9/hook", "http://127.0.0.1:9/hook"),
            (
                "https://user:pass@hooks.example/x?token=t0k&env=ci",
                "https://user:***@hooks.example/x?token=***&env=***",
            ),
            ("https://t0ken@hooks.example/", "https://***@hooks.example/"),
            ("https://user:@hooks.example", "https://user:@hooks.example"),
            ("https://u:p@ss@hooks.example:8443/a@b", "https://u:***@hooks.example:8443/a@b"),
            ("https://h.example/x?flag&empty=&k=v#frag", "https://h.example/x?***&empty=&k=***#***"),
            ("  https://u:p@h.example  ", "https://u:***@h.example"),
            ("user:pass@h.example/x", "***"),
            ("1http://u:p@h.example", "***"),
        ] {
            assert_eq!(mask_url(url), shown, "{url}");
            assert_eq!(mask_url(shown), shown, "masking is idempotent: {shown}");
        }
        let url = SecretUrl::from("https://user:pass@h.example/?t=secret");
        assert!(!format!("{url:?}").contains("pass") && !format!("{url:?}").contains("secret"));
    }

    #[test]
    fn settings_show_masked_and_a_masked_value_given_back_keeps_the_stored_one() {
        let spec = Settings::SPECS.iter().find(|s| s.name == "events_webhook_url").unwrap();
        assert!(spec.secret, "hidden in --help");
        let mut stored = Settings::default();
        stored.set("events_webhook_url", "https://user:pass@h.example/?t=secret").unwrap();
        stored.profile_task_delay_seconds = 5;
        let shown = stored.masked();
        assert_eq!(shown.events_webhook_url.as_str(), "https://user:***@h.example/?t=***");
        assert_eq!(shown.profile_task_delay_seconds, 5);
        assert_eq!(shown.clone().unmasked(&stored).unwrap(), stored, "the stored secret stays");
        let mut plain = shown.clone();
        plain.set("events_webhook_url", "https://other:word@h.example/").unwrap();
        assert_eq!(plain.clone().unmasked(&stored).unwrap(), plain, "a whole URL is taken as it is");
        let refused = shown.unmasked(&Settings::default()).unwrap_err();
        assert!(refused.starts_with("events_webhook_url:") && refused.contains("include_secrets"), "{refused}");
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(Duration::parse_setting("31m").unwrap().0.as_secs(), 31 * 60);
        assert_eq!(Duration::parse_setting("1h30m").unwrap().0.as_secs(), 90 * 60);
        assert_eq!(Duration::parse_setting("2d").unwrap().0.as_secs(), 2 * 86_400);
        assert!(Duration::parse_setting("soon").is_err());
    }
}
