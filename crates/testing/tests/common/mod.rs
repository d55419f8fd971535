//! What the Rust SDK suites share: clients of both services signed with a
//! given key pair (one attempt each, so a refusal is seen as it is), and new
//! accounts of their own.

#![allow(dead_code)]

use aws_sdk_partnercentralaccount as pa;
use aws_sdk_partnercentralselling as ps;

/// A Selling API client for `endpoint`, signed with `key` and `secret`.
pub fn selling(endpoint: &str, key: &str, secret: &str) -> ps::Client {
    let config = ps::Config::builder()
        .behavior_version(ps::config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(ps::config::Region::new("us-east-1"))
        .credentials_provider(ps::config::Credentials::new(key, secret, None, None, "pcentral-test"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .retry_config(ps::config::retry::RetryConfig::standard().with_max_attempts(1))
        .build();
    ps::Client::from_conf(config)
}

/// An Account API client for `endpoint`, signed with `key` and `secret`.
pub fn account(endpoint: &str, key: &str, secret: &str) -> pa::Client {
    let config = pa::Config::builder()
        .behavior_version(pa::config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(pa::config::Region::new("us-east-1"))
        .credentials_provider(pa::config::Credentials::new(key, secret, None, None, "pcentral-test"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .retry_config(pa::config::retry::RetryConfig::standard().with_max_attempts(1))
        .build();
    pa::Client::from_conf(config)
}

/// A 12-digit account no other test uses (not the three the fixtures name).
pub fn new_account() -> String {
    loop {
        let n: u64 = rand::random::<u64>() % 900_000_000_000 + 100_000_000_000;
        let s = n.to_string();
        if !["111111111111", "222222222222", "333333333333"].contains(&s.as_str()) {
            return s;
        }
    }
}
