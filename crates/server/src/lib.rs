//! The pcentral server and its command line. Modules are listed from the
//! bottom up; each uses only those above it (`tests/layers.rs` checks it):
//!
//! * [`url`]: percent-encoding and decoding of paths and query strings.
//! * [`log_writer`]: the log's writer: lines gathered in a buffer, written
//!   by one thread.
//! * [`gate`]: who may reach the admin API and the console, under which
//!   host name, from which page.
//! * [`settings`]: the settings `serve` starts with, declared once.
//! * [`sigv4`]: Signature Version 4 verification over the raw request.
//! * [`json_body`]: strict awsJson1.0 body reading.
//! * [`credentials`]: the access-key → account rule and registered key pairs.
//! * [`observe`]: this node's recent requests log and Prometheus metrics.
//! * [`authorize`]: IAM users' policies on the request path: the action,
//!   resource and context of a call, and the parsed policies per user version.
//! * [`app`]: what every handler shares (store, credential rule, settings).
//! * [`faults`]: fault-injection rules applied around each API call.
//! * [`worker`]: the background worker: Expired sweep, retention and webhook
//!   delivery.
//! * [`admin`]: the developer tools under `/_pcentral/`.
//! * [`console`]: the web console under `/_pcentral/ui/`: server-rendered
//!   pages over the store, controls calling the admin API.
//! * [`api`]: one API call: authenticate, route on `X-Amz-Target`, read and
//!   validate the body, run the operation in a store transaction, encode.
//! * [`http`]: the listener; sends each request to the API, the admin API or
//!   the console.
//! * [`startup`]: starting a node (checks, data directory lock, store, seed,
//!   listener), shared by `pcentral serve` and in-process tests.
//! * [`cli`]: `pcentral serve`, `pcentral health` and the admin subcommands.

pub mod url;
pub mod log_writer;
pub mod log_format;
pub mod gate;
pub mod proxies;
pub mod settings;
pub mod sigv4;
pub mod json_body;
pub mod credentials;
pub mod observe;
pub mod throttle;
pub mod authorize;
pub mod app;
pub mod faults;
pub mod worker;
pub mod admin;
pub mod console;
pub mod api;
pub mod http;
pub mod startup;
pub mod cli;
