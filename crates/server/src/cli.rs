//! The `pcentral` command line: `serve`, `health`, and one subcommand per
//! admin endpoint (`clock`, `outbox`, `credentials`, `settings`, `faults`, …),
//! which call a running server over HTTP and print its JSON answer.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::{json, Value};

use crate::settings::{LogFormat, Start};

#[derive(Parser)]
#[command(name = "pcentral", version, about = "A self-hostable AWS Partner Central Account API")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the server; prints `pcentral listening on http://ADDRESS:PORT` once it answers.
    Serve(Box<ServeArgs>),
    /// Check that a server is up and its store answers: exit status 0 when ready, 1 otherwise.
    Health {
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Configure accounts: display names and seller profiles (shared by every node).
    Accounts {
        #[command(subcommand)]
        action: AccountsAction,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Delete data: every business record, one account's, or one catalog's.
    Reset {
        /// Only this account's records (in both catalogs unless --catalog).
        #[arg(long)]
        account: Option<String>,
        /// Only this catalog's records.
        #[arg(long)]
        catalog: Option<String>,
        /// Also registered credentials, accounts, settings, fault rules and the clock.
        #[arg(long, conflicts_with_all = ["account", "catalog"])]
        everything: bool,
        /// With --everything: leave the service clock where it is.
        #[arg(long, requires = "everything")]
        keep_clock: bool,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Print every stored record as a JSON fixture (`> fixture.json`).
    Export {
        /// Also registered secrets (decrypted) and live email codes.
        #[arg(long)]
        include_secrets: bool,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Load a JSON fixture (the format `export` writes) into the running server.
    Seed {
        /// The fixture file (JSON).
        file: PathBuf,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// The API requests this node answered recently.
    Requests {
        #[command(subcommand)]
        action: RequestsAction,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// This node's metrics (Prometheus text format).
    Metrics {
        #[command(subcommand)]
        action: MetricsAction,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Show or move the service clock.
    Clock {
        #[command(subcommand)]
        action: ClockAction,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Read the events recorded for invitations and connections (shared by every node).
    Events {
        #[command(subcommand)]
        action: EventsAction,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Read the outbox of verification codes "sent".
    Outbox {
        #[command(subcommand)]
        action: OutboxAction,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Register key pairs for accounts.
    Credentials {
        #[command(subcommand)]
        action: CredentialsAction,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Show or change service settings (shared by every node).
    Settings {
        #[command(subcommand)]
        action: SettingsAction,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Inject faults into API calls (shared by every node).
    Faults {
        #[command(subcommand)]
        action: FaultsAction,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Force the outcome of an account's business or registrant verification.
    Verification {
        #[command(subcommand)]
        action: VerificationAction,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Hold or force the outcome of profile update tasks and qualifications tasks.
    Tasks {
        #[command(subcommand)]
        action: TasksAction,
        #[command(flatten)]
        admin: AdminArgs,
    },
}

#[derive(Subcommand)]
pub enum TasksAction {
    /// Hold an IN_PROGRESS profile update task, or end it SUCCEEDED or FAILED now.
    ForceProfile {
        /// The partner id (`Id` in the StartProfileUpdateTask answer).
        #[arg(long)]
        partner_id: String,
        /// The task id (`TaskId` in the StartProfileUpdateTask answer).
        #[arg(long)]
        task_id: String,
        /// IN_PROGRESS holds the task; SUCCEEDED or FAILED end it now.
        #[arg(long, value_parser = ["IN_PROGRESS", "SUCCEEDED", "FAILED"])]
        status: String,
        /// For FAILED: the ProfileValidationErrorReason to report (default INVALID_CONTENT).
        #[arg(long)]
        reason: Option<String>,
        /// For FAILED: the message to report.
        #[arg(long)]
        message: Option<String>,
    },
    /// Hold an IN_PROGRESS qualifications task, or complete it now.
    ForceQualifications {
        /// The task's catalog: AWS or Sandbox.
        #[arg(long)]
        catalog: String,
        /// The task id (`TaskId` in the Start…Task answer): `pqatask-…` or `pqdtask-…`.
        #[arg(long)]
        task_id: String,
        /// `hold` keeps the task IN_PROGRESS; `complete` ends it now.
        #[arg(long, value_parser = ["complete", "hold"])]
        action: String,
    },
}

/// The options every command but `serve` takes: which server to talk to.
#[derive(Args)]
pub struct AdminArgs {
    /// URL of the running server.
    #[arg(
        long,
        env = "PCENTRAL_ENDPOINT",
        default_value = "http://127.0.0.1:4599",
        global = true,
        help_heading = GLOBAL_OPTIONS
    )]
    pub endpoint: String,
    /// Admin token, needed when the server is not on this machine.
    #[arg(long, env = "PCENTRAL_ADMIN_TOKEN", global = true, hide_env_values = true, help_heading = GLOBAL_OPTIONS)]
    pub admin_token: Option<String>,
}

/// The help heading of [`AdminArgs`], apart from each command's own options.
pub const GLOBAL_OPTIONS: &str = "Global options";

#[derive(Subcommand)]
pub enum AccountsAction {
    /// Create or update an account's display name and seller profile.
    Create {
        /// The 12-digit account id.
        #[arg(long)]
        account: String,
        /// `Account.Name` shown to the other side of a connection (1-80 characters).
        #[arg(long)]
        display_name: Option<String>,
        /// AWS Marketplace seller profile id (`[a-zA-Z0-9-]{1,50}`).
        #[arg(long, requires = "seller_profile_name")]
        seller_profile_id: Option<String>,
        /// Seller profile name (1-80 characters).
        #[arg(long, requires = "seller_profile_id")]
        seller_profile_name: Option<String>,
    },
    /// List configured accounts.
    List,
    /// Remove an account's configuration and its registered key pairs.
    Delete {
        /// The 12-digit account id.
        account: String,
    },
}

#[derive(Subcommand)]
pub enum RequestsAction {
    /// Recent API requests, newest first.
    List {
        /// At most this many.
        #[arg(long)]
        limit: Option<usize>,
    },
}

#[derive(Subcommand)]
pub enum MetricsAction {
    /// Print the metrics.
    Show,
}

#[derive(Subcommand)]
pub enum ClockAction {
    /// Print service time.
    Show,
    /// Move service time forward, e.g. `31d`, `2h`, `90m`, `3600s`.
    Advance {
        /// How far: a number with `s`, `m`, `h` or `d`, e.g. `31m`.
        by: String,
    },
    /// Set service time (RFC 3339); it never moves backwards.
    Set {
        /// The new service time, e.g. `2030-01-01T00:00:00Z`.
        to: String,
    },
}

#[derive(Subcommand)]
pub enum EventsAction {
    /// List events with their delivery state, oldest first.
    List {
        /// Only events sent to this account.
        #[arg(long)]
        account: Option<String>,
        /// Only this detail-type, e.g. "Partner Connection Invitation Received".
        #[arg(long = "type")]
        detail_type: Option<String>,
        /// Only events after this sequence number.
        #[arg(long)]
        after: Option<i64>,
    },
}

#[derive(Subcommand)]
pub enum OutboxAction {
    /// List messages, oldest first.
    List {
        /// Only messages to this address.
        #[arg(long)]
        address: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum CredentialsAction {
    /// Create a key pair for an account; prints the secret once.
    Create {
        /// The 12-digit account id the key pair signs for.
        #[arg(long)]
        account: String,
    },
    /// List registered key ids and their accounts.
    List,
}

#[derive(Subcommand)]
pub enum SettingsAction {
    /// Print the settings in force.
    Show,
    /// Change settings: `NAME=VALUE` pairs, e.g. `profile_task_delay_seconds=60`.
    Set {
        /// One or more `NAME=VALUE` pairs; names as in `settings show` (`-` or `_`).
        #[arg(value_name = "NAME=VALUE", required = true)]
        pairs: Vec<String>,
    },
}

#[derive(Subcommand)]
pub enum FaultsAction {
    /// List the rules in force.
    List,
    /// Add a rule; prints it with its id.
    Add {
        /// What a matching call gets.
        #[arg(long, value_enum)]
        kind: FaultKindArg,
        /// Only this operation (e.g. AcceptConnectionInvitation); default: every operation.
        #[arg(long)]
        operation: Option<String>,
        /// Only calls from this account; default: every account.
        #[arg(long)]
        account: Option<String>,
        /// Fire this many times, then go away; default: until removed.
        #[arg(long)]
        remaining: Option<u64>,
        /// Chance (0 to 1) that a matching call is hit; default: always.
        #[arg(long)]
        probability: Option<f64>,
        /// For `--kind delay`: milliseconds to wait.
        #[arg(long)]
        delay_ms: Option<u64>,
    },
    /// Remove one rule by id.
    Remove {
        /// The rule's id (`fault-…`, as `faults add` and `faults list` print it).
        id: String,
    },
    /// Remove every rule.
    Clear,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FaultKindArg {
    /// ThrottlingException (429) instead of running the operation.
    ThrottleBefore,
    /// InternalServerException (500) instead of running the operation.
    InternalBefore,
    /// Run and commit the operation, then answer InternalServerException (500).
    InternalAfterCommit,
    /// Wait `--delay-ms`, then carry on.
    Delay,
}

impl FaultKindArg {
    fn wire(self) -> &'static str {
        match self {
            FaultKindArg::ThrottleBefore => "throttle_before",
            FaultKindArg::InternalBefore => "internal_before",
            FaultKindArg::InternalAfterCommit => "internal_after_commit",
            FaultKindArg::Delay => "delay",
        }
    }
}

#[derive(Subcommand)]
pub enum VerificationAction {
    /// Set a verification's outcome, creating the record when there is none.
    Force {
        /// The 12-digit account.
        #[arg(long)]
        account: String,
        /// BUSINESS_VERIFICATION or REGISTRANT_VERIFICATION.
        #[arg(long = "type", value_parser = ["BUSINESS_VERIFICATION", "REGISTRANT_VERIFICATION"])]
        verification_type: String,
        /// SUCCEEDED, FAILED or REJECTED.
        #[arg(long, value_parser = ["SUCCEEDED", "FAILED", "REJECTED"])]
        status: String,
        /// VerificationStatusReason to report.
        #[arg(long)]
        reason: Option<String>,
        /// The verified legal name (business only; CreatePartner in catalog AWS must use it).
        #[arg(long)]
        legal_name: Option<String>,
    },
}

/// `pcentral serve`'s arguments: one flag per setting (see `settings.rs`),
/// resolved with the environment and the config file while parsing.
pub struct ServeArgs {
    pub start: Start,
}

impl clap::FromArgMatches for ServeArgs {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        Start::resolve(matches)
            .map(|start| ServeArgs { start })
            .map_err(|e| clap::Error::raw(clap::error::ErrorKind::ValueValidation, format!("{e}\n")))
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for ServeArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        crate::settings::add_flags(cmd)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        crate::settings::add_flags(cmd)
    }
}

/// Run `pcentral serve` until SIGINT or SIGTERM. Once the node answers
/// requests, prints one line to stdout, `pcentral listening on
/// http://ADDRESS:PORT`, with the port bound (useful with `--listen
/// 127.0.0.1:0`); everything else goes to the log on stderr. The signals
/// are caught from the start: one while the node starts (loading `--seed`)
/// or right after the line stops it cleanly.
pub async fn serve(args: ServeArgs) -> Result<(), String> {
    init_logging(args.start.node.log_format);
    let signalled = shutdown_signal().map_err(|e| format!("cannot catch SIGINT and SIGTERM: {e}"))?;
    tokio::pin!(signalled);
    let mut running = crate::startup::begin(args.start).await?;
    let ready = tokio::select! {
        ready = running.ready() => ready,
        () = &mut signalled => {
            running.stop().await;
            return Ok(());
        }
    };
    if let Err(why) = ready {
        running.stop().await;
        return Err(why);
    }
    let mut out = std::io::stdout().lock();
    // A closed stdout does not stop the server.
    let _ = writeln!(out, "{}", listening_line(&running.endpoint())).and_then(|()| out.flush());
    drop(out);
    signalled.await;
    running.stop().await;
    Ok(())
}

/// The line `serve` prints once it answers requests.
pub fn listening_line(endpoint: &str) -> String {
    format!("pcentral listening on {endpoint}")
}

/// Catch SIGINT and SIGTERM from now on; completes at the first one.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {},
                _ = terminate.recv() => {},
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PCENTRAL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colour codes only for a terminal: a log file or a pipe gets plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// What an admin subcommand sends.
enum Upload {
    Nothing,
    Json(Value),
    /// A fixture file, streamed as it is read.
    Fixture(PathBuf),
}

/// Run an admin subcommand against a running server and write its answer to
/// `out`: JSON pretty-printed (an export as it arrives), text as it is.
pub fn admin_command(command: Command, out: &mut dyn Write) -> Result<(), String> {
    let streams_answer = matches!(command, Command::Export { .. });
    let (admin, method, path, body) = match command {
        Command::Serve(_) => return Err("serve is not an admin command".into()),
        Command::Health { admin } => (admin, "GET", "/_pcentral/health".into(), Upload::Nothing),
        Command::Accounts { action, admin } => match action {
            AccountsAction::Create { account, display_name, seller_profile_id, seller_profile_name } => {
                let mut body = json!({ "account": account });
                if let Some(n) = display_name {
                    body["display_name"] = json!(n);
                }
                if let (Some(id), Some(name)) = (seller_profile_id, seller_profile_name) {
                    body["seller_profile"] = json!({"id": id, "name": name});
                }
                (admin, "POST", "/_pcentral/accounts".into(), Upload::Json(body))
            }
            AccountsAction::List => (admin, "GET", "/_pcentral/accounts".into(), Upload::Nothing),
            AccountsAction::Delete { account } => {
                (admin, "DELETE", format!("/_pcentral/accounts/{}", encode_query_value(&account)), Upload::Nothing)
            }
        },
        Command::Reset { account, catalog, everything, keep_clock, admin } => {
            let mut body = json!({});
            if let Some(a) = account {
                body["account"] = json!(a);
            }
            if let Some(c) = catalog {
                body["catalog"] = json!(c);
            }
            if everything {
                body["everything"] = json!(true);
            }
            if keep_clock {
                body["keep_clock"] = json!(true);
            }
            (admin, "POST", "/_pcentral/reset".into(), Upload::Json(body))
        }
        Command::Export { include_secrets, admin } => {
            let path = if include_secrets { "/_pcentral/export?include_secrets=true" } else { "/_pcentral/export" };
            (admin, "GET", path.to_string(), Upload::Nothing)
        }
        Command::Seed { file, admin } => (admin, "POST", "/_pcentral/seed".into(), Upload::Fixture(file)),
        Command::Requests { action: RequestsAction::List { limit }, admin } => {
            let path = match limit {
                Some(n) => format!("/_pcentral/requests?limit={n}"),
                None => "/_pcentral/requests".into(),
            };
            (admin, "GET", path, Upload::Nothing)
        }
        Command::Metrics { action: MetricsAction::Show, admin } => {
            (admin, "GET", "/_pcentral/metrics".into(), Upload::Nothing)
        }
        Command::Clock { action, admin } => match action {
            ClockAction::Show => (admin, "GET", "/_pcentral/clock".to_string(), Upload::Nothing),
            ClockAction::Advance { by } => {
                (admin, "POST", "/_pcentral/clock/advance".into(), Upload::Json(json!({ "by": by })))
            }
            ClockAction::Set { to } => {
                (admin, "POST", "/_pcentral/clock/set".into(), Upload::Json(json!({ "to": to })))
            }
        },
        Command::Events { action: EventsAction::List { account, detail_type, after }, admin } => {
            let filters = [("account", account), ("type", detail_type), ("after", after.map(|n| n.to_string()))];
            let query: Vec<String> = filters
                .into_iter()
                .filter_map(|(name, value)| value.map(|v| format!("{name}={}", encode_query_value(&v))))
                .collect();
            let path = if query.is_empty() {
                "/_pcentral/events".to_string()
            } else {
                format!("/_pcentral/events?{}", query.join("&"))
            };
            (admin, "GET", path, Upload::Nothing)
        }
        Command::Outbox { action: OutboxAction::List { address }, admin } => {
            let path = match address {
                Some(a) => format!("/_pcentral/outbox?address={}", encode_query_value(&a)),
                None => "/_pcentral/outbox".into(),
            };
            (admin, "GET", path, Upload::Nothing)
        }
        Command::Credentials { action, admin } => match action {
            CredentialsAction::Create { account } => {
                (admin, "POST", "/_pcentral/credentials".into(), Upload::Json(json!({ "account": account })))
            }
            CredentialsAction::List => (admin, "GET", "/_pcentral/credentials".into(), Upload::Nothing),
        },
        Command::Settings { action, admin } => match action {
            SettingsAction::Show => (admin, "GET", "/_pcentral/settings".into(), Upload::Nothing),
            SettingsAction::Set { pairs } => {
                let mut changes = serde_json::Map::new();
                for pair in pairs {
                    let (k, v) = pair.split_once('=').ok_or_else(|| format!("expected NAME=VALUE, got {pair}"))?;
                    let value = serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_string()));
                    changes.insert(k.to_string(), value);
                }
                (admin, "POST", "/_pcentral/settings".into(), Upload::Json(Value::Object(changes)))
            }
        },
        Command::Faults { action, admin } => match action {
            FaultsAction::List => (admin, "GET", "/_pcentral/faults".into(), Upload::Nothing),
            FaultsAction::Add { kind, operation, account, remaining, probability, delay_ms } => {
                let mut rule = serde_json::Map::new();
                rule.insert("kind".into(), json!(kind.wire()));
                let optional = [
                    ("operation", operation.map(Value::from)),
                    ("account", account.map(Value::from)),
                    ("remaining", remaining.map(Value::from)),
                    ("probability", probability.map(Value::from)),
                    ("delay_ms", delay_ms.map(Value::from)),
                ];
                for (name, value) in optional {
                    if let Some(v) = value {
                        rule.insert(name.into(), v);
                    }
                }
                (admin, "POST", "/_pcentral/faults".into(), Upload::Json(Value::Object(rule)))
            }
            FaultsAction::Remove { id } => {
                (admin, "DELETE", format!("/_pcentral/faults/{}", encode_query_value(&id)), Upload::Nothing)
            }
            FaultsAction::Clear => (admin, "DELETE", "/_pcentral/faults".into(), Upload::Nothing),
        },
        Command::Tasks { action, admin } => match action {
            TasksAction::ForceProfile { partner_id, task_id, status, reason, message } => {
                let mut body = json!({"partner_id": partner_id, "task_id": task_id, "status": status});
                if let Some(r) = reason {
                    body["reason"] = json!(r);
                }
                if let Some(m) = message {
                    body["message"] = json!(m);
                }
                (admin, "POST", "/_pcentral/profile-tasks/force".into(), Upload::Json(body))
            }
            TasksAction::ForceQualifications { catalog, task_id, action } => {
                let body = json!({"catalog": catalog, "task_id": task_id, "action": action});
                (admin, "POST", "/_pcentral/qualifications-tasks/force".into(), Upload::Json(body))
            }
        },
        Command::Verification { action, admin } => match action {
            VerificationAction::Force { account, verification_type, status, reason, legal_name } => {
                let mut body = json!({"account": account, "type": verification_type, "status": status});
                if let Some(r) = reason {
                    body["reason"] = json!(r);
                }
                if let Some(n) = legal_name {
                    body["legal_name"] = json!(n);
                }
                (admin, "POST", "/_pcentral/verification".into(), Upload::Json(body))
            }
        },
    };
    let url = format!("{}{}", admin.endpoint.trim_end_matches('/'), path);
    let moves_a_fixture = streams_answer || matches!(body, Upload::Fixture(_));
    let mut req = admin_request(method, &url, moves_a_fixture);
    if let Some(token) = &admin.admin_token {
        req = req.set("x-pcentral-admin-token", token);
    }
    let result = match body {
        Upload::Nothing => req.call(),
        Upload::Json(b) => req.send_json(b),
        Upload::Fixture(file) => {
            let opened = std::fs::File::open(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let size = opened.metadata().map(|m| m.len()).ok();
            let reader = Progress::new("seed: sent", size, std::io::BufReader::with_capacity(256 * 1024, opened));
            let req = match size {
                Some(n) => req.set("content-length", &n.to_string()),
                None => req,
            };
            req.send(reader)
        }
    };
    let written = |e: std::io::Error| format!("cannot write the answer: {e}");
    match result {
        Ok(resp) if streams_answer => {
            let size = resp.header("content-length").and_then(|n| n.parse().ok());
            let body = Progress::new("export: received", size, resp.into_reader());
            let mut reader = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(256 * 1024, body));
            let mut pretty = serde_json::Serializer::pretty(std::io::BufWriter::new(&mut *out));
            serde_transcode::transcode(&mut reader, &mut pretty)
                .and_then(|()| reader.end())
                .map_err(|e| format!("the export stopped: {e} (the output is incomplete)"))?;
            let mut rest = pretty.into_inner();
            rest.write_all(b"\n").and_then(|()| rest.flush()).map_err(written)
        }
        Ok(resp) if resp.content_type().starts_with("text/plain") => {
            let text = resp.into_string().map_err(|e| format!("unreadable answer: {e}"))?;
            out.write_all(text.as_bytes()).map_err(written)
        }
        Ok(resp) => {
            let answer = resp.into_json::<Value>().map_err(|e| format!("unreadable answer: {e}"))?;
            let text = serde_json::to_string_pretty(&answer).map_err(|e| format!("unreadable answer: {e}"))?;
            writeln!(out, "{text}").map_err(written)
        }
        Err(ureq::Error::Status(code, resp)) => {
            let body: Value = resp.into_json().unwrap_or(Value::Null);
            let message = body.get("error").and_then(Value::as_str).unwrap_or("request failed").to_string();
            Err(format!("{code}: {message}"))
        }
        Err(ureq::Error::Transport(t)) => {
            let cause = std::error::Error::source(&t).map(|c| format!(": {c}")).unwrap_or_default();
            Err(format!("cannot reach {url}: {}{cause}", t.kind()))
        }
    }
}

/// A reader that reports how much went through it on stderr, once a second,
/// when stderr is a terminal (a script's output stays clean).
struct Progress<R> {
    what: &'static str,
    /// The whole size, when known.
    size: Option<u64>,
    done: u64,
    inner: R,
    /// When the last report was written; `None` when nothing is reported.
    reported: Option<std::time::Instant>,
}

impl<R> Progress<R> {
    fn new(what: &'static str, size: Option<u64>, inner: R) -> Progress<R> {
        let reported = std::io::stderr().is_terminal().then(std::time::Instant::now);
        Progress { what, size, done: 0, inner, reported }
    }

    fn report(&self) {
        let mb = |n: u64| n as f64 / 1_000_000.0;
        match self.size {
            Some(size) => eprint!("\r{} {:.1} of {:.1} MB", self.what, mb(self.done), mb(size)),
            None => eprint!("\r{} {:.1} MB", self.what, mb(self.done)),
        }
    }
}

impl<R: Read> Read for Progress<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        if let Some(last) = self.reported {
            if n == 0 {
                self.report();
                eprintln!();
                self.reported = None;
            } else if last.elapsed() >= Duration::from_secs(1) {
                self.report();
                self.reported = Some(std::time::Instant::now());
            }
        }
        Ok(n)
    }
}

/// Headers every admin request of the CLI carries, whatever its method:
/// `Content-Type: application/json` and `x-pcentral-admin: 1` (the admin API
/// may require both on every request but GET and HEAD).
pub const ADMIN_HEADERS: [(&str, &str); 2] = [("content-type", "application/json"), ("x-pcentral-admin", "1")];

/// How long one CLI call may take, connecting included (a fixture's seed or
/// export takes as long as it takes).
const CALL_TIMEOUT: Duration = Duration::from_secs(60);

fn admin_request(method: &str, url: &str, moves_a_fixture: bool) -> ureq::Request {
    let builder = ureq::AgentBuilder::new().timeout_connect(Duration::from_secs(5));
    let agent = if moves_a_fixture { builder } else { builder.timeout(CALL_TIMEOUT) }.build();
    ADMIN_HEADERS.iter().fold(agent.request(method, url), |req, (name, value)| req.set(name, value))
}

fn encode_query_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// `path: argument` for every argument below `cmd` without help text,
    /// and for every admin option not under the global heading.
    fn undocumented(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        if cmd.get_about().is_none() && !path.is_empty() {
            out.push(format!("{path}: no description"));
        }
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if arg.get_help().is_none() {
                out.push(format!("{path}: {id} has no help"));
            }
            if arg.is_global_set() && arg.get_help_heading() != Some(GLOBAL_OPTIONS) {
                out.push(format!("{path}: {id} is not under {GLOBAL_OPTIONS:?}"));
            }
        }
        for sub in cmd.get_subcommands() {
            undocumented(sub, format!("{path} {}", sub.get_name()).trim(), out);
        }
    }

    #[test]
    fn every_command_and_argument_has_help() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        undocumented(&cmd, "", &mut missing);
        assert!(missing.is_empty(), "{}", missing.join("\n"));
    }

    #[test]
    fn admin_requests_say_json_and_admin() {
        assert!(ADMIN_HEADERS.contains(&("content-type", "application/json")));
        assert!(ADMIN_HEADERS.contains(&("x-pcentral-admin", "1")));
        assert_eq!(listening_line("http://127.0.0.1:4599"), "pcentral listening on http://127.0.0.1:4599");
    }
}
