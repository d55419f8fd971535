//! What one node remembers about the API requests it answered: the recent
//! requests log (`GET /_pcentral/requests`) and Prometheus metrics
//! (`GET /_pcentral/metrics`). Both live in process memory on purpose: they
//! describe this node, and losing them on restart is harmless.

use std::collections::VecDeque;
use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use serde::Serialize;

/// Upper bounds (seconds) of the request duration histogram.
pub const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// Default size of the recent requests log.
pub const DEFAULT_LOG_SIZE: usize = 200;

/// One answered API request.
#[derive(Debug, Clone, Serialize)]
pub struct RequestEntry {
    /// Wall-clock time the answer was sent (listed in RFC 3339; formatted
    /// only when listed, not on every request).
    #[serde(serialize_with = "rfc3339")]
    pub time: pcentral_model::Millis,
    pub request_id: String,
    pub account: Option<String>,
    /// The service of that operation (`partnercentral-account`, …; none with the operation).
    pub service: Option<&'static str>,
    /// The operation the request's `X-Amz-Target` names (none when the model
    /// has no such operation), whether or not the request got to run it.
    pub operation: Option<&'static str>,
    pub status: u16,
    pub error_type: Option<&'static str>,
    /// Milliseconds, listed rounded to the microsecond (metrics keep the full figure).
    #[serde(serialize_with = "microseconds")]
    pub latency_ms: f64,
    /// The answer was replayed for a repeated ClientToken.
    pub replayed: bool,
    /// For a key of an IAM user: the decision on the call and the statement that made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iam: Option<String>,
}

fn rfc3339<S: serde::Serializer>(time: &pcentral_model::Millis, out: S) -> Result<S::Ok, S::Error> {
    out.serialize_str(&pcentral_model::timestamp::format(*time))
}

/// Milliseconds rounded to the microsecond, as the log lines and the requests
/// list show a latency: `0.065`, never `0.06546300000000001` (at most three
/// decimals, since the division is correctly rounded). Still a number, so the
/// JSON log and the JSON list keep one.
pub fn to_the_microsecond(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

fn microseconds<S: serde::Serializer>(ms: &f64, out: S) -> Result<S::Ok, S::Error> {
    out.serialize_f64(to_the_microsecond(*ms))
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    service: &'static str,
    operation: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    service: &'static str,
    operation: &'static str,
}

/// The metrics, registered once.
struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<OperationLabels, Histogram>,
    store_errors: Counter,
    replays: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let durations =
            Family::<OperationLabels, Histogram>::new_with_constructor(|| Histogram::new(BUCKETS.iter().copied()));
        let store_errors = Counter::default();
        let replays = Counter::default();
        registry.register(
            "pcentral_requests",
            "API requests answered by this node, by service, operation and HTTP status",
            requests.clone(),
        );
        registry.register(
            "pcentral_request_duration_seconds",
            "Time to answer an API request, by service and operation",
            durations.clone(),
        );
        registry.register(
            "pcentral_store_errors",
            "API requests that failed because of a storage error",
            store_errors.clone(),
        );
        registry.register(
            "pcentral_idempotent_replays",
            "Answers replayed for a repeated ClientToken",
            replays.clone(),
        );
        Metrics { registry, requests, durations, store_errors, replays }
    }
}

/// The node's request log and metrics.
pub struct Observer {
    capacity: usize,
    log: Mutex<VecDeque<RequestEntry>>,
    metrics: Metrics,
}

impl Default for Observer {
    fn default() -> Self {
        Observer::new(DEFAULT_LOG_SIZE)
    }
}

impl Observer {
    /// An observer keeping the last `capacity` requests.
    pub fn new(capacity: usize) -> Observer {
        Observer { capacity, log: Mutex::new(VecDeque::new()), metrics: Metrics::default() }
    }

    /// Record an answered API request; `store_error` when storage failed under it.
    pub fn record(&self, entry: RequestEntry, store_error: bool) {
        let m = &self.metrics;
        let operation = entry.operation.unwrap_or("unknown");
        let service = entry.service.unwrap_or("unknown");
        m.requests.get_or_create(&RequestLabels { service, operation, status: entry.status }).inc();
        m.durations.get_or_create(&OperationLabels { service, operation }).observe(entry.latency_ms / 1000.0);
        if store_error {
            m.store_errors.inc();
        }
        if entry.replayed {
            m.replays.inc();
        }
        if self.capacity == 0 {
            return;
        }
        if let Ok(mut log) = self.log.lock() {
            while log.len() >= self.capacity {
                log.pop_front();
            }
            log.push_back(entry);
        }
    }

    /// The most recent `limit` requests, newest first.
    pub fn recent(&self, limit: usize) -> Vec<RequestEntry> {
        match self.log.lock() {
            Ok(log) => log.iter().rev().take(limit).cloned().collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The metrics in the Prometheus text exposition format (version 0.0.4).
    pub fn prometheus(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.metrics.registry);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(operation: &'static str, status: u16, latency_ms: f64, replayed: bool) -> RequestEntry {
        RequestEntry {
            time: 1_893_456_000_000, // 2030-01-01T00:00:00Z
            request_id: "r".into(),
            account: Some("111111111111".into()),
            service: Some("partnercentral-account"),
            operation: Some(operation),
            status,
            error_type: None,
            latency_ms,
            replayed,
            iam: None,
        }
    }

    #[test]
    fn latencies_are_listed_to_the_microsecond() {
        let listed = serde_json::to_value(entry("GetPartner", 200, 0.412_374_9, false)).unwrap_or_default();
        assert_eq!(listed["latency_ms"].to_string(), "0.412");
        let listed = serde_json::to_value(entry("GetPartner", 200, 0.1 + 0.2, false)).unwrap_or_default();
        assert_eq!(listed["latency_ms"].to_string(), "0.3");
        let listed = serde_json::to_value(entry("GetPartner", 200, 12.0, false)).unwrap_or_default();
        assert_eq!(listed["latency_ms"].to_string(), "12.0");
    }

    #[test]
    fn log_keeps_the_newest_and_metrics_count() {
        let o = Observer::new(2);
        o.record(entry("GetPartner", 200, 0.5, false), false);
        o.record(entry("CreatePartner", 200, 30.0, true), false);
        o.record(entry("GetPartner", 404, 7000.0, false), true);
        let recent = o.recent(10);
        assert_eq!(recent.len(), 2);
        assert_eq!(recent[0].status, 404);
        assert_eq!(o.recent(1).len(), 1);
        let text = o.prometheus();
        assert!(text.contains(
            "pcentral_requests_total{service=\"partnercentral-account\",operation=\"GetPartner\",status=\"200\"} 1\n"
        ));
        assert!(text.contains(
            "pcentral_requests_total{service=\"partnercentral-account\",operation=\"GetPartner\",status=\"404\"} 1\n"
        ));
        assert!(text.contains("pcentral_request_duration_seconds_bucket{service=\"partnercentral-account\",operation=\"GetPartner\",le=\"0.001\"} 1\n"));
        assert!(text.contains("pcentral_request_duration_seconds_bucket{service=\"partnercentral-account\",operation=\"GetPartner\",le=\"5\"} 1\n"));
        assert!(text.contains("pcentral_request_duration_seconds_bucket{service=\"partnercentral-account\",operation=\"GetPartner\",le=\"+Inf\"} 2\n"));
        assert!(text.contains("pcentral_request_duration_seconds_count{service=\"partnercentral-account\",operation=\"CreatePartner\"} 1\n"));
        assert!(text.contains("pcentral_store_errors_total 1\n"));
        assert!(text.contains("pcentral_idempotent_replays_total 1\n"));
    }
}
