//! The pcentral server and its command line.
//!
//! * [`http`]: the listener; sends each request to the API or the admin API.
//! * [`api`]: one API call: authenticate, route on `X-Amz-Target`, read and
//!   validate the body, run the operation in a store transaction, encode.
//! * [`sigv4`]: Signature Version 4 verification over the raw request.
//! * [`credentials`]: the access-key → account rule and registered key pairs.
//! * [`json_body`]: strict awsJson1.0 body reading.
//! * [`admin`]: the developer tools under `/_pcentral/`.
//! * [`faults`]: fault-injection rules applied around each API call.
//! * [`events`]: the events listing, the Expired sweep and webhook delivery.
//! * [`observe`]: this node's recent requests log and Prometheus metrics.
//! * [`cli`]: `pcentral serve` and the admin subcommands.

pub mod admin;
pub mod api;
pub mod app;
pub mod cli;
pub mod credentials;
pub mod events;
pub mod faults;
pub mod http;
pub mod json_body;
pub mod observe;
pub mod sigv4;
