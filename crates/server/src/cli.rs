//! The `pcentral` command line: `serve`, `health`, and one subcommand per
//! admin endpoint (`clock`, `outbox`, `credentials`, `settings`, `faults`, …),
//! which call a running server over HTTP and print its JSON answer.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use pcentral_core::records::{FaultKind, VerificationOutcome};
use pcentral_model::account::VerificationType;
use serde::Serialize;
use serde_json::{json, Value};

use crate::admin::{self, ForcedTaskStatus, Handler, QualificationsTaskAction, Route};

mod selling;
use crate::settings::{LogFormat, Start};
pub use selling::{AwsAction, EngagementGroupsAction};

#[derive(Parser)]
#[command(name = "pcentral", version, about = "A self-hostable AWS Partner Central Account API")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Read the command line, or exit with clap's message (help, version, or a
/// refusal followed by the usage of the subcommand it concerns).
pub fn parse() -> Cli {
    let mut cmd = Cli::command();
    cmd.build();
    let mut cmd = wrap_usage(cmd);
    let matches = cmd.get_matches_mut();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| {
        // Checks made after parsing (a `serve` setting from its flag, its
        // environment variable or the config file) concern the subcommand
        // given, not `pcentral` as a whole.
        let mut concerned = cmd;
        let mut given = &matches;
        while let Some((name, sub)) = given.subcommand() {
            let Some(next) = concerned.find_subcommand(name).cloned() else { break };
            concerned = next;
            given = sub;
        }
        e.format(&mut concerned).exit()
    })
}

/// The widest usage line `--help` and refusals show. Clap wraps help text
/// to the terminal (at 100 columns when there is none) but never a usage line.
const USAGE_WIDTH: usize = 100;

/// `cmd` (built, so that each subcommand knows its full name) and its
/// subcommands, each usage line wider than [`USAGE_WIDTH`] broken before an
/// argument, continuation lines indented under the command.
fn wrap_usage(mut cmd: clap::Command) -> clap::Command {
    const TITLE: &str = "Usage: ";
    let usage = cmd.render_usage().to_string();
    let text = usage.strip_prefix(TITLE).unwrap_or(&usage).trim_end();
    if TITLE.len() + text.len() > USAGE_WIDTH && !text.contains('\n') {
        // An option stays with its value: `--task-id <TASK_ID>`.
        let mut items: Vec<String> = Vec::new();
        for word in text.split(' ') {
            match items.last_mut() {
                Some(last) if word.starts_with('<') && last.starts_with("--") => {
                    last.push(' ');
                    last.push_str(word);
                }
                _ => items.push(word.to_string()),
            }
        }
        let mut lines: Vec<String> = Vec::new();
        for item in items {
            match lines.last_mut() {
                Some(line) if TITLE.len() + line.len() + 1 + item.len() <= USAGE_WIDTH => {
                    line.push(' ');
                    line.push_str(&item);
                }
                _ => lines.push(item),
            }
        }
        cmd = cmd.override_usage(lines.join(&format!("\n{}", " ".repeat(TITLE.len()))));
    }
    cmd.mut_subcommands(wrap_usage)
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
    /// IAM users, their policies, and the policy simulator.
    Iam {
        #[command(subcommand)]
        action: IamAction,
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
    /// Input files of Selling bulk jobs (what their s3:// FileURI names).
    BulkFiles {
        #[command(subcommand)]
        action: BulkFilesAction,
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
    /// Act as AWS in the Selling API: review opportunities, send AWS referrals, expire invitations.
    Aws {
        #[command(subcommand)]
        action: AwsAction,
        #[command(flatten)]
        admin: AdminArgs,
    },
    /// Play AWS's side: make or delete the engagement groups ListEngagementGroups lists.
    EngagementGroups {
        #[command(subcommand)]
        action: EngagementGroupsAction,
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
        #[arg(long, value_parser = wire_values(&ForcedTaskStatus::ALL))]
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
        #[arg(long, value_parser = wire_values(&QualificationsTaskAction::ALL))]
        action: String,
    },
    /// Hold an IN_PROGRESS Selling task (StartEngagementByAcceptingInvitationTask), or complete it now.
    ForceEngagement {
        /// The task's catalog: AWS or Sandbox.
        #[arg(long)]
        catalog: String,
        /// The task id (`TaskId` in the Start…Task answer): `task-…`.
        #[arg(long)]
        task_id: String,
        /// `hold` keeps the task IN_PROGRESS; `complete` runs it now.
        #[arg(long, value_parser = wire_values(&QualificationsTaskAction::ALL))]
        action: String,
    },
    /// Hold a SUBMITTED Selling bulk job (StartOpportunityBulkJob), or run it now.
    ForceBulkJob {
        /// The job's catalog: AWS or Sandbox.
        #[arg(long)]
        catalog: String,
        /// The job id (`JobId` in the Start…BulkJob answer): `bulkjob-…`.
        #[arg(long)]
        job_id: String,
        /// `hold` keeps the job SUBMITTED; `complete` runs it now.
        #[arg(long, value_parser = wire_values(&QualificationsTaskAction::ALL))]
        action: String,
    },
    /// As AWS: report one engagement's outcome of a StartProspectingFromEngagementTask task.
    CompleteProspecting {
        /// The task's catalog: AWS or Sandbox.
        #[arg(long)]
        catalog: String,
        /// The task id (`TaskId` in the StartProspectingFromEngagementTask answer): `task-…`.
        #[arg(long)]
        task_id: String,
        /// One of the task's engagements (`eng-…`).
        #[arg(long)]
        engagement_id: String,
        /// The result, JSON: `{"Customer": {…}, "Insights": {…}}` as the model shapes a ProspectingResult.
        #[arg(long, conflicts_with_all = ["failure_reason", "message"])]
        result: Option<String>,
        /// Or the failure's reason code (with --message).
        #[arg(long, requires = "message")]
        failure_reason: Option<String>,
        /// Or the failure's message (with --failure-reason).
        #[arg(long, requires = "failure_reason")]
        message: Option<String>,
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
        /// The IAM user the key belongs to (created without policies when new): its policies decide each call.
        #[arg(long)]
        user: Option<String>,
    },
    /// List registered key ids and their accounts.
    List,
}

#[derive(Subcommand)]
pub enum IamAction {
    /// IAM users and their policies.
    Users {
        #[command(subcommand)]
        action: IamUsersAction,
    },
    /// Decide actions for a user or for policies, as IAM's policy simulator does.
    Simulate {
        /// The 12-digit account of a stored user to simulate.
        #[arg(long)]
        account: Option<String>,
        /// The stored user's name (with --account), instead of policy files.
        #[arg(long)]
        user: Option<String>,
        /// A policy document file (its name, without extension, names the policy); repeatable.
        #[arg(long = "policy-file")]
        policy_files: Vec<PathBuf>,
        /// An AWS managed policy by name; repeatable.
        #[arg(long = "managed-policy")]
        managed_policies: Vec<String>,
        /// An action to decide (`partnercentral:CreateOpportunity`); repeatable.
        #[arg(long = "action", required = true)]
        actions: Vec<String>,
        /// A resource ARN (default `*`); repeatable.
        #[arg(long = "resource")]
        resources: Vec<String>,
        /// A context key and its value, `partnercentral:Catalog=Sandbox`; repeatable.
        #[arg(long = "context", value_parser = setting_pair)]
        context: Vec<SettingPair>,
    },
}

#[derive(Subcommand)]
pub enum IamUsersAction {
    /// Create a user or replace its policies.
    Put {
        /// The 12-digit account the user belongs to.
        #[arg(long)]
        account: String,
        /// The user's name (1 to 64 letters, digits or +=,.@_-).
        #[arg(long)]
        user: String,
        /// A policy document file (its name, without extension, names the policy); repeatable.
        #[arg(long = "policy-file")]
        policy_files: Vec<PathBuf>,
        /// An AWS managed policy by name (`AWSPartnerCentralSandboxFullAccess`); repeatable.
        #[arg(long = "managed-policy")]
        managed_policies: Vec<String>,
    },
    /// List users and their policies.
    List,
    /// Remove a user (its keys are then denied everything).
    Delete {
        /// The 12-digit account the user belongs to.
        #[arg(long)]
        account: String,
        /// The user's name (1 to 64 letters, digits or +=,.@_-).
        #[arg(long)]
        user: String,
    },
}

/// Inline policies from files: each named by its file name without extension, its text sent as
/// given (the server reports a malformed one with its line and column).
fn policy_files(files: &[PathBuf]) -> Result<Value, String> {
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let name = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        out.push(json!({"name": name, "document": text}));
    }
    Ok(Value::Array(out))
}

#[derive(Subcommand)]
pub enum SettingsAction {
    /// Print the settings in force.
    Show,
    /// Change settings: `NAME=VALUE` pairs, e.g. `profile_task_delay_seconds=60`.
    Set {
        /// One or more `NAME=VALUE` pairs; names as in `settings show` (`-` or `_`).
        #[arg(value_name = "NAME=VALUE", required = true, value_parser = setting_pair)]
        pairs: Vec<SettingPair>,
    },
}

/// One `NAME=VALUE` of `settings set`.
#[derive(Clone)]
pub struct SettingPair {
    name: String,
    /// The value as JSON when it reads as JSON (a number, a boolean), else as text.
    value: Value,
}

fn setting_pair(text: &str) -> Result<SettingPair, String> {
    let (name, value) = text.split_once('=').ok_or_else(|| format!("expected NAME=VALUE, got {text}"))?;
    let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()));
    Ok(SettingPair { name: name.to_string(), value })
}

#[derive(Subcommand)]
pub enum BulkFilesAction {
    /// Store a local CSV file as the file a bulk job's FileURI names.
    Put {
        /// The URI jobs name it by: s3://<bucket>/<key>.
        #[arg(long)]
        uri: String,
        /// The local file to upload.
        #[arg(long)]
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
pub enum FaultsAction {
    /// List the rules in force.
    List,
    /// Add a rule; prints it with its id.
    Add {
        /// What a matching call gets.
        #[arg(long, value_parser = fault_kinds())]
        kind: String,
        /// The service whose calls it hits; default: partnercentral-account.
        #[arg(long, value_parser = wire_values(&pcentral_model::Service::ALL))]
        service: Option<String>,
        /// Only this operation of the service (e.g. AcceptConnectionInvitation); default: every operation.
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

/// `--kind`'s values: the fault kinds, `-` for `_` (`faults add` turns them back).
fn fault_kinds() -> PossibleValuesParser {
    PossibleValuesParser::new(FaultKind::ALL.map(|kind| {
        let help = match kind {
            FaultKind::ThrottleBefore => "ThrottlingException (429) instead of running the operation",
            FaultKind::InternalBefore => "InternalServerException (500) instead of running the operation",
            FaultKind::InternalAfterCommit => "Run and commit the operation, then answer InternalServerException (500)",
            FaultKind::Delay => "Wait `--delay-ms`, then carry on",
        };
        PossibleValue::new(kind.as_str().replace('_', "-")).help(help)
    }))
}

/// The values of a closed set as the admin API reads them (their JSON names).
fn wire_values<T: Serialize>(values: &[T]) -> PossibleValuesParser {
    let names = values.iter().filter_map(|v| serde_json::to_value(v).ok()?.as_str().map(String::from));
    PossibleValuesParser::new(names.map(PossibleValue::new))
}

#[derive(Subcommand)]
pub enum VerificationAction {
    /// Set a verification's outcome, creating the record when there is none.
    Force {
        /// The 12-digit account.
        #[arg(long)]
        account: String,
        /// BUSINESS_VERIFICATION or REGISTRANT_VERIFICATION.
        #[arg(long = "type", value_parser = wire_values(&VerificationType::ALL))]
        verification_type: String,
        /// SUCCEEDED, FAILED or REJECTED.
        #[arg(long, value_parser = wire_values(&VerificationOutcome::ALL))]
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
            .map_err(|e| clap::Error::raw(clap::error::ErrorKind::ValueValidation, e.to_string()))
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
    // Dropped on every way out of `serve`: writes the log's last lines.
    let _log = init_logging(args.start.node.log_format)?;
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

/// The log goes to stderr through [`crate::log_writer`]: a request appends its
/// line and goes on; the guard writes the last lines when `serve` ends.
fn init_logging(format: LogFormat) -> Result<crate::log_writer::LogGuard, String> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let (writer, guard) = crate::log_writer::LogWriter::start(Box::new(std::io::stderr()), crate::log_writer::CAPACITY)
        .map_err(|e| format!("cannot start the log's writer: {e}"))?;
    // Colour codes only for a terminal: a log file or a pipe gets plain text,
    // the same lines written by pcentral's own formatter (`log_format`).
    let terminal = std::io::stderr().is_terminal();
    let lines = tracing_subscriber::fmt::layer().with_writer(writer).with_ansi(terminal);
    let lines = match format {
        LogFormat::Text if terminal => lines.boxed(),
        LogFormat::Text => lines.fmt_fields(crate::log_format::Line).event_format(crate::log_format::Line).boxed(),
        LogFormat::Json => lines.json().boxed(),
    };
    let directives = std::env::var("PCENTRAL_LOG").ok();
    if matches!(format, LogFormat::Text) && !terminal {
        crate::log_format::write_request_ids(directives.as_deref());
    }
    tracing_subscriber::registry()
        .with(crate::log_format::filter(directives.as_deref()))
        .with(lines)
        .try_init()
        .map_err(|e| format!("cannot start the log: {e}"))?;
    Ok(guard)
}

/// What an admin subcommand sends.
enum Upload {
    Nothing,
    Json(Value),
    /// A fixture file, streamed as it is read.
    Fixture(PathBuf),
    /// A bulk job's input file, read when sent, as `{"uri", "content"}`.
    BulkFile {
        uri: String,
        file: PathBuf,
    },
}

/// The admin request a subcommand makes: its route (method and path come
/// from the route table, `admin::ROUTES`), what fills the route's `{name}`
/// part and query, and what it sends.
struct Plan {
    admin: AdminArgs,
    route: &'static Route,
    segment: String,
    query: Vec<(&'static str, String)>,
    upload: Upload,
}

impl Plan {
    fn new(admin: AdminArgs, route: &'static Route, upload: Upload) -> Plan {
        Plan { admin, route, segment: String::new(), query: Vec::new(), upload }
    }

    /// Fill the route's `{name}` part.
    fn segment(self, segment: String) -> Plan {
        Plan { segment, ..self }
    }

    /// Add `name=value` to the query when there is a value.
    fn query(mut self, name: &'static str, value: Option<String>) -> Plan {
        self.query.extend(value.map(|v| (name, v)));
        self
    }

    fn target(&self) -> String {
        self.route.target(&self.segment, &self.query)
    }
}

/// A JSON object of the fields that have a value.
fn fields<const N: usize>(fields: [(&str, Option<Value>); N]) -> Value {
    Value::Object(fields.into_iter().filter_map(|(name, value)| value.map(|v| (name.to_string(), v))).collect())
}

/// The request an admin subcommand makes.
fn plan(command: Command) -> Result<Plan, String> {
    let s = |v: String| Some(Value::from(v));
    let plan = match command {
        Command::Serve(_) => return Err("serve is not an admin command".into()),
        Command::Health { admin } => Plan::new(admin, &admin::HEALTH, Upload::Nothing),
        Command::Accounts { action, admin } => match action {
            AccountsAction::Create { account, display_name, seller_profile_id, seller_profile_name } => {
                let seller_profile = match (seller_profile_id, seller_profile_name) {
                    (Some(id), Some(name)) => Some(json!({"id": id, "name": name})),
                    _ => None,
                };
                let body = fields([
                    ("account", s(account)),
                    ("display_name", display_name.and_then(s)),
                    ("seller_profile", seller_profile),
                ]);
                Plan::new(admin, &admin::ACCOUNTS_CREATE, Upload::Json(body))
            }
            AccountsAction::List => Plan::new(admin, &admin::ACCOUNTS_LIST, Upload::Nothing),
            AccountsAction::Delete { account } => {
                Plan::new(admin, &admin::ACCOUNTS_DELETE, Upload::Nothing).segment(account)
            }
        },
        Command::Reset { account, catalog, everything, keep_clock, admin } => {
            let flag = |on: bool| on.then_some(Value::Bool(true));
            let body = fields([
                ("account", account.and_then(s)),
                ("catalog", catalog.and_then(s)),
                ("everything", flag(everything)),
                ("keep_clock", flag(keep_clock)),
            ]);
            Plan::new(admin, &admin::RESET, Upload::Json(body))
        }
        Command::Export { include_secrets, admin } => Plan::new(admin, &admin::EXPORT, Upload::Nothing)
            .query("include_secrets", include_secrets.then(|| "true".to_string())),
        Command::Seed { file, admin } => Plan::new(admin, &admin::SEED, Upload::Fixture(file)),
        Command::Requests { action: RequestsAction::List { limit }, admin } => {
            Plan::new(admin, &admin::REQUESTS_LIST, Upload::Nothing).query("limit", limit.map(|n| n.to_string()))
        }
        Command::Metrics { action: MetricsAction::Show, admin } => {
            Plan::new(admin, &admin::METRICS_SHOW, Upload::Nothing)
        }
        Command::Clock { action, admin } => match action {
            ClockAction::Show => Plan::new(admin, &admin::CLOCK_SHOW, Upload::Nothing),
            ClockAction::Advance { by } => Plan::new(admin, &admin::CLOCK_ADVANCE, Upload::Json(json!({ "by": by }))),
            ClockAction::Set { to } => Plan::new(admin, &admin::CLOCK_SET, Upload::Json(json!({ "to": to }))),
        },
        Command::Events { action: EventsAction::List { account, detail_type, after }, admin } => {
            Plan::new(admin, &admin::EVENTS_LIST, Upload::Nothing)
                .query("account", account)
                .query("type", detail_type)
                .query("after", after.map(|n| n.to_string()))
        }
        Command::Outbox { action: OutboxAction::List { address }, admin } => {
            Plan::new(admin, &admin::OUTBOX_LIST, Upload::Nothing).query("address", address)
        }
        Command::Iam { action, admin } => match action {
            IamAction::Users {
                action: IamUsersAction::Put { account, user, policy_files: files, managed_policies },
            } => {
                let body = json!({"account": account, "user": user, "policies": policy_files(&files)?,
                                  "managed_policies": managed_policies});
                Plan::new(admin, &admin::IAM_USERS_PUT, Upload::Json(body))
            }
            IamAction::Users { action: IamUsersAction::List } => {
                Plan::new(admin, &admin::IAM_USERS_LIST, Upload::Nothing)
            }
            IamAction::Users { action: IamUsersAction::Delete { account, user } } => {
                Plan::new(admin, &admin::IAM_USERS_DELETE, Upload::Json(json!({"account": account, "user": user})))
            }
            IamAction::Simulate {
                account,
                user,
                policy_files: files,
                managed_policies,
                actions,
                resources,
                context,
            } => {
                let given = !files.is_empty() || !managed_policies.is_empty();
                let context: serde_json::Map<String, Value> =
                    context.into_iter().map(|SettingPair { name, value }| (name, value)).collect();
                let body = fields([
                    ("account", account.and_then(s)),
                    ("user", user.and_then(s)),
                    ("policies", if given { Some(policy_files(&files)?) } else { None }),
                    ("managed_policies", given.then(|| json!(managed_policies))),
                    ("actions", Some(json!(actions))),
                    ("resources", Some(json!(resources))),
                    ("context", Some(Value::Object(context))),
                ]);
                Plan::new(admin, &admin::IAM_SIMULATE, Upload::Json(body))
            }
        },
        Command::Credentials { action, admin } => match action {
            CredentialsAction::Create { account, user } => {
                let body = fields([("account", s(account)), ("user", user.and_then(s))]);
                Plan::new(admin, &admin::CREDENTIALS_CREATE, Upload::Json(body))
            }
            CredentialsAction::List => Plan::new(admin, &admin::CREDENTIALS_LIST, Upload::Nothing),
        },
        Command::Settings { action, admin } => match action {
            SettingsAction::Show => Plan::new(admin, &admin::SETTINGS_SHOW, Upload::Nothing),
            SettingsAction::Set { pairs } => {
                let changes = pairs.into_iter().map(|SettingPair { name, value }| (name, value)).collect();
                Plan::new(admin, &admin::SETTINGS_SET, Upload::Json(Value::Object(changes)))
            }
        },
        Command::Faults { action, admin } => match action {
            FaultsAction::List => Plan::new(admin, &admin::FAULTS_LIST, Upload::Nothing),
            FaultsAction::Add { kind, service, operation, account, remaining, probability, delay_ms } => {
                let rule = fields([
                    ("kind", Some(Value::from(kind.replace('-', "_")))),
                    ("service", service.and_then(s)),
                    ("operation", operation.and_then(s)),
                    ("account", account.and_then(s)),
                    ("remaining", remaining.map(Value::from)),
                    ("probability", probability.map(Value::from)),
                    ("delay_ms", delay_ms.map(Value::from)),
                ]);
                Plan::new(admin, &admin::FAULTS_ADD, Upload::Json(rule))
            }
            FaultsAction::Remove { id } => Plan::new(admin, &admin::FAULTS_REMOVE, Upload::Nothing).segment(id),
            FaultsAction::Clear => Plan::new(admin, &admin::FAULTS_CLEAR, Upload::Nothing),
        },
        Command::Tasks { action, admin } => match action {
            TasksAction::ForceProfile { partner_id, task_id, status, reason, message } => {
                let body = fields([
                    ("partner_id", s(partner_id)),
                    ("task_id", s(task_id)),
                    ("status", s(status)),
                    ("reason", reason.and_then(s)),
                    ("message", message.and_then(s)),
                ]);
                Plan::new(admin, &admin::PROFILE_TASK_FORCE, Upload::Json(body))
            }
            TasksAction::ForceQualifications { catalog, task_id, action } => {
                let body = json!({"catalog": catalog, "task_id": task_id, "action": action});
                Plan::new(admin, &admin::QUALIFICATIONS_TASK_FORCE, Upload::Json(body))
            }
            TasksAction::ForceEngagement { catalog, task_id, action } => {
                let body = json!({"catalog": catalog, "task_id": task_id, "action": action});
                Plan::new(admin, &admin::ENGAGEMENT_TASK_FORCE, Upload::Json(body))
            }
            TasksAction::ForceBulkJob { catalog, job_id, action } => {
                let body = json!({"catalog": catalog, "job_id": job_id, "action": action});
                Plan::new(admin, &admin::BULK_JOB_FORCE, Upload::Json(body))
            }
            TasksAction::CompleteProspecting { catalog, task_id, engagement_id, result, failure_reason, message } => {
                let mut body = json!({"catalog": catalog, "task_id": task_id, "engagement_id": engagement_id});
                if let Some(r) = result {
                    body["result"] = serde_json::from_str(&r).map_err(|e| format!("--result is not JSON: {e}"))?;
                }
                if let (Some(reason), Some(m)) = (failure_reason, message) {
                    body["failure"] = json!({"reason_code": reason, "message": m});
                }
                Plan::new(admin, &admin::PROSPECTING_TASK_COMPLETE, Upload::Json(body))
            }
        },
        Command::BulkFiles { action, admin } => match action {
            BulkFilesAction::Put { uri, file } => {
                Plan::new(admin, &admin::BULK_FILES_PUT, Upload::BulkFile { uri, file })
            }
        },
        Command::Aws { action, admin } => action.plan(admin),
        Command::EngagementGroups { action, admin } => action.plan(admin),
        Command::Verification { action, admin } => match action {
            VerificationAction::Force { account, verification_type, status, reason, legal_name } => {
                let body = fields([
                    ("account", s(account)),
                    ("type", s(verification_type)),
                    ("status", s(status)),
                    ("reason", reason.and_then(s)),
                    ("legal_name", legal_name.and_then(s)),
                ]);
                Plan::new(admin, &admin::VERIFICATION_FORCE, Upload::Json(body))
            }
        },
    };
    Ok(plan)
}

/// Run an admin subcommand against a running server and write its answer to
/// `out`: JSON pretty-printed (an export as it arrives), text as it is.
pub fn admin_command(command: Command, out: &mut dyn Write) -> Result<(), String> {
    let plan = plan(command)?;
    let streams_answer = matches!(plan.route.handler, Handler::Export);
    let moves_a_fixture = matches!(plan.route.handler, Handler::Export | Handler::Seed);
    let url = format!("{}{}", plan.admin.endpoint.trim_end_matches('/'), plan.target());
    let mut req = admin_request(plan.route.method.as_str(), &url, moves_a_fixture);
    if let Some(token) = &plan.admin.admin_token {
        req = req.set("x-pcentral-admin-token", token);
    }
    let result = match plan.upload {
        Upload::Nothing => req.call(),
        Upload::Json(b) => req.send_json(b),
        Upload::BulkFile { uri, file } => {
            let content = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            req.send_json(json!({"uri": uri, "content": content}))
        }
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

    /// `path`'s subcommand, if there is one.
    fn subcommand<'a>(cmd: &'a clap::Command, path: &[&str]) -> Option<&'a clap::Command> {
        path.iter().try_fold(cmd, |cmd, name| cmd.find_subcommand(name))
    }

    /// A command line calling `path` with each required argument given.
    fn sample_args(cmd: &clap::Command, path: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = std::iter::once("pcentral").chain(path.iter().copied()).map(String::from).collect();
        let Some(sub) = subcommand(cmd, path) else { return args };
        for arg in sub.get_arguments().filter(|a| a.is_required_set()) {
            let value = arg.get_possible_values().first().map_or("x=1".to_string(), |v| v.get_name().to_string());
            args.extend(arg.get_long().map(|long| format!("--{long}")));
            args.push(value);
        }
        args
    }

    /// The leaf subcommands below `cmd`, as paths.
    fn leaves(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        if !cmd.has_subcommands() {
            out.push(path);
            return;
        }
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut path = path.clone();
            path.push(sub.get_name().to_string());
            leaves(sub, path, out);
        }
    }

    #[test]
    fn each_admin_command_calls_the_route_that_names_it() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut named = Vec::new();
        for route in admin::ROUTES.iter().filter(|r| r.cli.is_some()) {
            let words: Vec<&str> = route.cli.unwrap_or_default().split(' ').skip(1).collect();
            assert!(subcommand(&cmd, &words).is_some(), "{}: no such command", route.path);
            let args = sample_args(&cmd, &words);
            let parsed = Cli::try_parse_from(&args).map_err(|e| format!("{args:?}: {e}"));
            let plan = parsed.and_then(|cli| plan(cli.command)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((plan.route.method, plan.route.path), (route.method, route.path), "{args:?}");
            named.push(words.join(" "));
        }
        let mut every = Vec::new();
        leaves(&cmd, Vec::new(), &mut every);
        let every: Vec<String> = every.iter().map(|p| p.join(" ")).filter(|p| p != "serve").collect();
        let unnamed: Vec<&String> = every.iter().filter(|p| !named.contains(p)).collect();
        assert!(unnamed.is_empty(), "admin commands no route names: {unnamed:?}");
    }

    #[test]
    fn requests_fill_the_route_with_encoded_values() {
        let target = |argv: &[&str]| Cli::try_parse_from(argv).map_err(|e| e.to_string()).and_then(|c| plan(c.command));
        let cases: [(&[&str], &str); 5] = [
            (&["pcentral", "faults", "remove", "fault a/b"], "/_pcentral/faults/fault%20a%2Fb"),
            (&["pcentral", "accounts", "delete", "111111111111"], "/_pcentral/accounts/111111111111"),
            (&["pcentral", "outbox", "list", "--address", "a@b.c"], "/_pcentral/outbox?address=a%40b.c"),
            (
                &["pcentral", "events", "list", "--type", "Partner Connection Cancelled", "--after", "3"],
                "/_pcentral/events?type=Partner%20Connection%20Cancelled&after=3",
            ),
            (&["pcentral", "export", "--include-secrets"], "/_pcentral/export?include_secrets=true"),
        ];
        for (argv, expected) in cases {
            assert_eq!(target(argv).map(|p| p.target()).as_deref(), Ok(expected), "{argv:?}");
        }
    }

    #[test]
    fn usage_lines_fit_the_width() {
        fn check(cmd: &mut clap::Command) {
            let usage = cmd.render_usage().to_string();
            assert!(usage.lines().all(|l| l.len() <= USAGE_WIDTH), "{usage}");
            for sub in cmd.get_subcommands_mut() {
                check(sub);
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        check(&mut wrap_usage(cmd));
    }

    #[test]
    fn admin_requests_say_json_and_admin() {
        assert!(ADMIN_HEADERS.contains(&("content-type", "application/json")));
        assert!(ADMIN_HEADERS.contains(&("x-pcentral-admin", "1")));
        assert_eq!(listening_line("http://127.0.0.1:4599"), "pcentral listening on http://127.0.0.1:4599");
    }
}
