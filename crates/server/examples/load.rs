//! A small load generator for `scripts/bench`: keep-alive HTTP/1.1 over
//! loopback, every API request freshly SigV4-signed like a real client.
//!
//! Usage: `load <endpoint> <scenario> <threads> <requests-per-thread>`.
//! Scenarios: `baseline` (an admin path that touches nothing: the HTTP stack),
//! `get-partner` (a read), `update-preferences` (a write transaction),
//! `list-connections` (a paginated read). Prints one line of figures.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Instant, SystemTime};

use pcentral_server::sigv4::{authorization_header, format_amz_date, RequestParts};
use serde_json::{json, Value};

struct Conn {
    host: String,
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn open(host: &str) -> Conn {
        let stream = TcpStream::connect(host).expect("connect");
        stream.set_nodelay(true).unwrap();
        Conn { host: host.to_string(), reader: BufReader::new(stream.try_clone().unwrap()), writer: stream }
    }

    /// Send one request and read the answer: (status, body).
    fn send(&mut self, method: &str, path: &str, headers: &[(String, String)], body: &[u8]) -> (u16, Vec<u8>) {
        let mut req = format!("{method} {path} HTTP/1.1\r\n");
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
        self.writer.write_all(req.as_bytes()).unwrap();
        self.writer.write_all(body).unwrap();
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line).unwrap();
        let status: u16 = status_line.split_whitespace().nth(1).unwrap().parse().unwrap();
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap();
                }
            }
        }
        let mut out = vec![0; len];
        self.reader.read_exact(&mut out).unwrap();
        (status, out)
    }

    fn api(&mut self, account: &str, operation: &str, input: &Value) -> (u16, Value) {
        let body = input.to_string().into_bytes();
        let amz_date = amz_date();
        let mut headers = vec![
            ("host".to_string(), self.host.clone()),
            ("content-type".to_string(), "application/x-amz-json-1.0".to_string()),
            ("x-amz-date".to_string(), amz_date.clone()),
            ("x-amz-target".to_string(), format!("PartnerCentralAccount.{operation}")),
        ];
        let parts = RequestParts { method: "POST", path: "/", query: "", headers: &headers, body: &body };
        let auth = authorization_header(&parts, account, "test", "us-east-1", &amz_date);
        headers.push(("authorization".to_string(), auth));
        let (status, bytes) = self.send("POST", "/", &headers, &body);
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }
}

fn amz_date() -> String {
    let secs = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    format_amz_date(secs as i64)
}

/// Give `account` a partner with a published profile in Sandbox; returns its id.
fn setup_partner(conn: &mut Conn, account: &str) -> String {
    let (_, p) = conn.api(
        account,
        "CreatePartner",
        &json!({"Catalog": "Sandbox", "LegalName": format!("Bench {account}"), "PrimarySolutionType": "SOFTWARE_PRODUCTS",
                "AllianceLeadContact": {"FirstName": "B", "LastName": "B", "Email": "b@bench.example", "BusinessTitle": "CTO"},
                "EmailVerificationCode": "123456"}),
    );
    let id = match p.get("Id").and_then(Value::as_str) {
        Some(id) => id.to_string(),
        None => {
            let (_, list) = conn.api(account, "ListPartners", &json!({"Catalog": "Sandbox"}));
            list["PartnerSummaryList"][0]["Id"].as_str().expect("a partner").to_string()
        }
    };
    conn.api(
        account,
        "StartProfileUpdateTask",
        &json!({"Catalog": "Sandbox", "Identifier": id, "TaskDetails": {"DisplayName": "Bench", "Description": "Bench",
               "WebsiteUrl": "https://bench.example", "LogoUrl": "https://bench.example/l.png",
               "PrimarySolutionType": "SOFTWARE_PRODUCTS", "IndustrySegments": ["OTHER"], "TranslationSourceLocale": "en-US"}}),
    );
    id
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!(
            "usage: load <endpoint> <baseline|get-partner|update-preferences|list-connections> <threads> <requests>"
        );
        std::process::exit(2);
    }
    let host = args[1].trim_start_matches("http://").trim_end_matches('/').to_string();
    let scenario = args[2].clone();
    let threads: usize = args[3].parse().unwrap();
    let per_thread: usize = args[4].parse().unwrap();

    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let host = host.clone();
            let scenario = scenario.clone();
            std::thread::spawn(move || {
                let account = format!("{:012}", 900_000_000_000u64 + t as u64);
                let mut conn = Conn::open(&host);
                let partner = setup_partner(&mut conn, &account);
                let mut revision = conn.api(&account, "GetConnectionPreferences", &json!({"Catalog": "Sandbox"})).1
                    ["Revision"]
                    .as_i64()
                    .unwrap_or(0);
                let mut latencies = Vec::with_capacity(per_thread);
                let mut failures = 0usize;
                for _ in 0..per_thread {
                    let t0 = Instant::now();
                    let status = match scenario.as_str() {
                        "baseline" => {
                            conn.send("GET", "/_pcentral/nothing-here", &[("host".into(), host.clone())], b"").0
                        }
                        "get-partner" => {
                            conn.api(&account, "GetPartner", &json!({"Catalog": "Sandbox", "Identifier": partner})).0
                        }
                        "list-connections" => {
                            conn.api(&account, "ListConnections", &json!({"Catalog": "Sandbox", "MaxResults": 20})).0
                        }
                        "update-preferences" => {
                            let (status, _) = conn.api(
                                &account,
                                "UpdateConnectionPreferences",
                                &json!({"Catalog": "Sandbox", "Revision": revision, "AccessType": "ALLOW_ALL"}),
                            );
                            revision += 1;
                            status
                        }
                        other => panic!("unknown scenario {other}"),
                    };
                    latencies.push(t0.elapsed().as_secs_f64() * 1000.0);
                    let expected = if scenario == "baseline" { 404 } else { 200 };
                    if status != expected {
                        failures += 1;
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut failures = 0;
    for h in handles {
        let (l, f) = h.join().unwrap();
        all.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pct = |p: f64| all[((all.len() as f64 - 1.0) * p) as usize];
    println!(
        "{scenario:<20} {threads:>3} threads {:>7} requests {:>9.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   failures {failures}",
        all.len(),
        all.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
    );
}
