//! The settings `pcentral serve` starts with, declared once: this node's own
//! settings ([`NodeSettings`]) and the service settings every node shares
//! (`pcentral_core::Settings`). Both tables drive the `serve` flags, their
//! `PCENTRAL_*` environment variables, the TOML config file, `--help` and the
//! README's settings table; [`Start::resolve`] is the one place where the
//! sources meet: a flag beats its environment variable, which beats the
//! config file, which beats the default.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command};
use pcentral_core::settings::{Scope, SettingValue, Spec};
pub use pcentral_core::Settings;

use crate::proxies::TrustedProxies;

/// How the server logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        })
    }
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("expected text or json, got {other}")),
        }
    }
}

impl SettingValue for LogFormat {
    const KIND: &'static str = "text or json";
    const VALUE_NAME: &'static str = "text|json";
    fn parse_setting(text: &str) -> Result<Self, String> {
        text.trim().parse()
    }
    fn render_setting(&self) -> String {
        self.to_string()
    }
}

/// The admin token: unset, or a non-empty token. An empty one is refused
/// (it would let anyone presenting an empty header in).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AdminToken {
    #[default]
    Unset,
    Token(String),
}

impl AdminToken {
    pub fn token(&self) -> Option<&str> {
        match self {
            AdminToken::Unset => None,
            AdminToken::Token(t) => Some(t),
        }
    }
}

impl SettingValue for AdminToken {
    const KIND: &'static str = "a token";
    const VALUE_NAME: &'static str = "TOKEN";
    fn parse_setting(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Err("an empty token would let anyone in; give one or leave the setting out".into());
        }
        Ok(AdminToken::Token(text.to_string()))
    }
    fn render_setting(&self) -> String {
        self.token().unwrap_or_default().to_string()
    }
}

/// Host names, comma-separated (lower-cased; a port, when given, is ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostList(pub Vec<String>);

impl SettingValue for HostList {
    const KIND: &'static str = "host names, comma-separated";
    const VALUE_NAME: &'static str = "HOST,…";
    fn parse_setting(text: &str) -> Result<Self, String> {
        let mut hosts = Vec::new();
        for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if name.contains(['/', '@', ' ']) {
                return Err(format!("{name:?} is not a host name"));
            }
            hosts.push(crate::gate::host_name(name).to_string());
        }
        Ok(HostList(hosts))
    }
    fn render_setting(&self) -> String {
        self.0.join(",")
    }
}

/// Where a node listens: an IP address and port, or `localhost` and a port
/// (127.0.0.1 and ::1, on one port; ::1 is left out on a machine without it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listen {
    Address(SocketAddr),
    Localhost(u16),
}

impl Listen {
    /// Whether only this machine can connect.
    pub fn is_loopback(self) -> bool {
        match self {
            Listen::Address(addr) => addr.ip().is_loopback(),
            Listen::Localhost(_) => true,
        }
    }

    /// The addresses to listen on: `localhost` is both loopback addresses,
    /// whatever this machine's resolver says about the name.
    pub fn ips(self) -> Vec<IpAddr> {
        match self {
            Listen::Address(addr) => vec![addr.ip()],
            Listen::Localhost(_) => vec![Ipv4Addr::LOCALHOST.into(), Ipv6Addr::LOCALHOST.into()],
        }
    }

    /// The port asked for (0: the system picks one).
    pub fn port(self) -> u16 {
        match self {
            Listen::Address(addr) => addr.port(),
            Listen::Localhost(port) => port,
        }
    }

    /// The node's URL once bound to `port`: the name given (`localhost`), or the address.
    pub fn endpoint(self, port: u16) -> String {
        match self {
            Listen::Address(addr) => format!("http://{}", SocketAddr::new(addr.ip(), port)),
            Listen::Localhost(_) => format!("http://localhost:{port}"),
        }
    }
}

impl fmt::Display for Listen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Listen::Address(addr) => write!(f, "{addr}"),
            Listen::Localhost(port) => write!(f, "localhost:{port}"),
        }
    }
}

impl SettingValue for Listen {
    const KIND: &'static str = "an address such as 127.0.0.1:4599, [::1]:4599, 0.0.0.0:4599 or localhost:4599";
    const VALUE_NAME: &'static str = "ADDRESS";
    fn parse_setting(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(addr) = text.parse::<SocketAddr>() {
            return Ok(Listen::Address(addr));
        }
        match text.rsplit_once(':') {
            Some((host, port)) if host.eq_ignore_ascii_case("localhost") => {
                port.parse().map(Listen::Localhost).map_err(|_| format!("{port:?} is not a port (0 to 65535)"))
            }
            _ => Err(format!("{text:?}: give an IP address and a port, or localhost and a port")),
        }
    }
    fn render_setting(&self) -> String {
        self.to_string()
    }
}

fn default_listen() -> Listen {
    Listen::Address(SocketAddr::from(([127, 0, 0, 1], 4599)))
}

pcentral_core::settings! {
    /// The settings of one node: given at start, never stored.
    #[derive(Debug, Clone, PartialEq)]
    pub struct NodeSettings (Scope::Node) {
        /// Address to listen on: an IP address and port, or localhost:PORT (every loopback address, one port).
        listen: Listen = default_listen(),
        /// Directory of the SQLite database and the server key file.
        data_dir: PathBuf = PathBuf::from(".pcentral"),
        /// PostgreSQL URL (postgres://user:password@host:port/database) instead of SQLite; every node of a deployment uses the same URL and server key.
        [secret] database: Option<String> = None,
        /// Connections to PostgreSQL this node keeps open; a call waits for a free one when all are busy.
        database_pool_size: u64 = 8,
        /// Accept the local credentials convention (secret `test`) even when listening beyond loopback.
        allow_local_credentials: bool = false,
        /// Key that encrypts registered secrets (base64, 32 bytes); default: server.key in the data directory.
        [secret] server_key: Option<String> = None,
        /// Token that admin calls from beyond loopback must send in x-pcentral-admin-token (not empty).
        [secret] admin_token: AdminToken = AdminToken::Unset,
        /// Host names the admin API and the console answer to besides loopback names and the listen address (comma-separated).
        allowed_hosts: HostList = HostList::default(),
        /// Addresses or CIDR blocks of reverse proxies (comma-separated) whose X-Forwarded-For names the client for aws:SourceIp and whose X-Forwarded-Proto https makes aws:SecureTransport true.
        trusted_proxies: TrustedProxies = TrustedProxies::default(),
        /// Concurrent HTTP connections this node serves; further clients wait in the system's queue until one closes.
        max_connections: u64 = 1024,
        /// Seconds a connection may take to send a request's headers, counted from when it opened or answered its previous request (so idle keep-alive connections close after it too).
        header_timeout_seconds: u64 = 15,
        /// Seconds a request may take to send its body (a fixture upload: the longest pause in it).
        body_timeout_seconds: u64 = 30,
        /// MiB of request bodies all connections together may hold in memory; a request beyond it is answered 503 before its body is read.
        body_memory_limit_mib: u64 = 64,
        /// Seconds a stopping node (SIGTERM, SIGINT) lets requests in flight finish before it closes what is left.
        shutdown_grace_seconds: u64 = 10,
        /// Log format: text or json (one line per request; PCENTRAL_LOG sets the level).
        log_format: LogFormat = LogFormat::Text,
        /// TOML file of settings (names as the flags, `-` or `_`); flags and environment variables win over it.
        config: Option<PathBuf> = None,
        /// JSON fixture (as written by pcentral export) loaded at start when the database holds no records yet.
        seed: Option<PathBuf> = None,
        /// How many recent API requests this node keeps for pcentral requests list.
        requests_log_size: u64 = 200,
    }
}

/// Every setting `serve` takes: this node's, then the shared ones.
pub fn all_specs() -> impl Iterator<Item = &'static Spec> {
    NodeSettings::SPECS.iter().chain(Settings::SPECS.iter())
}

/// The default of a setting, as text.
pub fn default_text(spec: &Spec) -> String {
    NodeSettings::default().get(spec.name).or_else(|| Settings::default().get(spec.name)).unwrap_or_default()
}

/// Add one flag per setting to the `serve` command.
pub fn add_flags(mut cmd: Command) -> Command {
    for spec in all_specs() {
        let default = default_text(spec);
        let help = if default.is_empty() || spec.secret {
            spec.help.to_string()
        } else {
            format!("{} [default: {default}]", spec.help)
        };
        let mut arg = Arg::new(spec.name)
            .long(spec.flag())
            .env(spec.env())
            .help(help)
            .value_name(spec.value_name)
            .hide_env_values(spec.secret)
            .action(ArgAction::Set)
            .help_heading(match spec.scope {
                Scope::Node => "Node settings",
                Scope::Shared => "Service settings (shared by every node; `pcentral settings set` changes them)",
            });
        if spec.switch {
            arg = arg.num_args(0..=1).default_missing_value("true");
        }
        cmd = cmd.arg(arg);
    }
    cmd
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env,
    /// The config file, at this line.
    File(PathBuf, usize),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Env => f.write_str("environment variable"),
            Source::File(path, line) => write!(f, "config {}:{line}", path.display()),
        }
    }
}

/// The settings `serve` starts with.
#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    pub node: NodeSettings,
    pub shared: Settings,
}

impl Start {
    /// The settings given by `matches` (flags and environment variables)
    /// and by the config file they name, over the defaults. Errors name the
    /// setting and where its value came from.
    pub fn resolve(matches: &ArgMatches) -> Result<Start, String> {
        let mut given: BTreeMap<&'static str, (String, Source)> = BTreeMap::new();
        for spec in all_specs() {
            let source = match matches.value_source(spec.name) {
                Some(ValueSource::CommandLine) => Source::Flag,
                Some(ValueSource::EnvVariable) => Source::Env,
                _ => continue,
            };
            if let Some(value) = matches.get_one::<String>(spec.name) {
                given.insert(spec.name, (value.clone(), source));
            }
        }
        if let Some((path, _)) = given.get("config") {
            let path = PathBuf::from(path);
            for (name, value, line) in read_config(&path)? {
                given.entry(name).or_insert((value, Source::File(path.clone(), line)));
            }
        }
        let mut start = Start { node: NodeSettings::default(), shared: Settings::default() };
        for (name, (value, source)) in given {
            let set = match NodeSettings::SPECS.iter().any(|s| s.name == name) {
                true => start.node.set(name, &value),
                false => start.shared.set(name, &value),
            };
            set.map_err(|e| format!("{source}: {e}"))?;
        }
        Ok(start)
    }
}

/// The settings of a TOML config file: `(name, value as text, line)`.
/// Names may use `-` or `_`; an unknown name, a nested table or a value that
/// is not a string, number or boolean is refused, naming the line.
fn read_config(path: &Path) -> Result<Vec<(&'static str, String, usize)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("config {}: {e}", path.display()))?;
    parse_config(&text).map_err(|e| format!("config {}: {e}", path.display()))
}

/// See [`read_config`].
pub fn parse_config(text: &str) -> Result<Vec<(&'static str, String, usize)>, String> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| not_toml(text, &e))?;
    let mut out = Vec::new();
    for (key, value) in table {
        let line = line_of(text, &key);
        let Some(spec) = all_specs().find(|s| s.is_named(&key)) else {
            return Err(format!("line {line}: unknown setting {key:?} (see pcentral serve --help)"));
        };
        if spec.name == "config" {
            return Err(format!("line {line}: a config file cannot name another config file"));
        }
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => {
                return Err(format!("line {line}: setting {key:?} takes {}, not {}", spec.value_kind, other.type_str()))
            }
        };
        out.push((spec.name, text, line));
    }
    Ok(out)
}

/// The first line that starts with `key` (for messages).
fn line_of(text: &str, key: &str) -> usize {
    text.lines().position(|l| l.trim_start().starts_with(key)).map_or(1, |i| i + 1)
}

/// What to change in a file that is not TOML: files of the earlier
/// `name = value` format are TOML once their text values are quoted.
fn not_toml(text: &str, e: &toml::de::Error) -> String {
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.parse::<toml::Table>().is_ok() {
            continue;
        }
        if let Some((name, value)) = line.split_once('=') {
            let (name, value) = (name.trim(), value.split(" #").next().unwrap_or_default().trim());
            let quoted = format!("{name} = {:?}", value);
            if quoted.parse::<toml::Table>().is_ok() {
                return format!("line {}: {name:?} needs a TOML value; quote it: {quoted}", i + 1);
            }
        }
        return format!("line {}: not TOML ({})", i + 1, e.message());
    }
    e.to_string()
}

/// The README's settings table, generated from the two tables (a test keeps
/// the README in step with it).
pub fn readme_table() -> String {
    let mut out = String::from("| flag | default | scope | meaning |\n|---|---|---|---|\n");
    for spec in all_specs() {
        let default = default_text(spec);
        let default = if default.is_empty() || spec.secret { "none".to_string() } else { format!("`{default}`") };
        out.push_str(&format!("| `--{}` | {default} | {} | {} |\n", spec.flag(), spec.scope.as_str(), spec.help));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn config_files_are_toml_with_either_spelling() {
        let text = "# settings\nlisten = \"127.0.0.1:4599\"  # where\nprofile-task-delay-seconds = 5\nallow_local_credentials = true\n";
        let parsed = parse_config(text).unwrap();
        let pairs: Vec<(&str, &str, usize)> = parsed.iter().map(|(n, v, l)| (*n, v.as_str(), *l)).collect();
        assert_eq!(
            pairs,
            [
                ("allow_local_credentials", "true", 4),
                ("listen", "127.0.0.1:4599", 2),
                ("profile_task_delay_seconds", "5", 3)
            ]
        );
    }

    #[test]
    fn listen_takes_an_address_or_localhost() {
        let parse = <Listen as SettingValue>::parse_setting;
        assert_eq!(parse("127.0.0.1:0").unwrap(), Listen::Address(SocketAddr::from(([127, 0, 0, 1], 0))));
        assert_eq!(parse("[::1]:4599").unwrap().to_string(), "[::1]:4599");
        assert_eq!(parse("localhost:4601").unwrap(), Listen::Localhost(4601));
        assert_eq!(parse("LocalHost:0").unwrap().to_string(), "localhost:0");
        assert!(parse("localhost:http").unwrap_err().contains("not a port"));
        assert!(parse("example.com:4599").unwrap_err().contains("localhost and a port"));
        assert!(parse("localhost").is_err());
        assert_eq!(Listen::Localhost(0).ips(), [IpAddr::from(Ipv4Addr::LOCALHOST), IpAddr::from(Ipv6Addr::LOCALHOST)]);
        assert_eq!(Listen::Localhost(0).endpoint(4601), "http://localhost:4601");
        assert_eq!(parse("127.0.0.1:0").unwrap().endpoint(4601), "http://127.0.0.1:4601");
    }

    #[test]
    fn earlier_files_are_told_what_to_change() {
        let e = parse_config("listen = 127.0.0.1:4599\n").unwrap_err();
        assert_eq!(e, "line 1: \"listen\" needs a TOML value; quote it: listen = \"127.0.0.1:4599\"");
        assert!(parse_config("no-such-setting = 1").unwrap_err().contains("no-such-setting"));
        assert!(parse_config("listen").unwrap_err().contains("line 1"));
        assert!(parse_config("config = \"x\"").unwrap_err().contains("another config file"));
        assert!(parse_config("[section]\nx = 1").unwrap_err().contains("section"));
    }

    #[test]
    fn every_setting_has_a_flag_and_a_default() {
        let cmd = add_flags(Command::new("serve"));
        for spec in all_specs() {
            let arg = cmd.get_arguments().find(|a| a.get_id() == spec.name).unwrap();
            assert_eq!(arg.get_long(), Some(spec.flag().as_str()));
        }
        assert_eq!(default_text(NodeSettings::SPECS.iter().find(|s| s.name == "listen").unwrap()), "127.0.0.1:4599");
        assert_eq!(default_text(Settings::SPECS.iter().find(|s| s.name == "email_codes_per_day").unwrap()), "5");
    }

    #[test]
    fn flags_beat_the_environment_and_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.toml");
        std::fs::write(&file, "profile_task_delay_seconds = 5\nemail_code_validity_minutes = 12\n").unwrap();
        let cmd = add_flags(Command::new("serve"));
        let m = cmd
            .try_get_matches_from([
                "serve",
                "--config",
                file.to_str().unwrap(),
                "--email-code-validity-minutes",
                "9",
                "--allow-local-credentials",
            ])
            .unwrap();
        let start = Start::resolve(&m).unwrap();
        assert_eq!(start.shared.profile_task_delay_seconds, 5);
        assert_eq!(start.shared.email_code_validity_minutes, 9);
        assert!(start.node.allow_local_credentials);
        let cmd = add_flags(Command::new("serve"));
        let m = cmd.try_get_matches_from(["serve", "--profile-task-delay-seconds", "soon"]).unwrap();
        assert!(Start::resolve(&m).unwrap_err().starts_with("flag: profile_task_delay_seconds"));
    }
}
