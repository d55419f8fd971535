//! The tools `scripts/bench` drives (a benchmark that prints figures, not a
//! test):
//!
//! * `call ENDPOINT ACCOUNT OPERATION JSON` — one signed API call; prints the
//!   answer's body exactly as sent (what the bare baseline answers with).
//!   OPERATION is an Account API operation (`GetConnection`) or a whole
//!   `X-Amz-Target` of another service (`AWSPartnerCentralSelling.GetOpportunity`);
//!   the request is signed for the service that target names, as everywhere below;
//! * `presign ENDPOINT ACCOUNT OPERATION JSON` — a wrk Lua script that replays
//!   one SigV4-signed API request (valid for the 15 minutes of allowed skew);
//!   ACCOUNT may also be a registered key pair, `KEY_ID:SECRET` (an IAM user's);
//! * `fixture TOTAL MINE` — a fixture (the `pcentral export` format) with
//!   TOTAL connections, MINE of them held by account 111111111111, written to
//!   stdout as it is made;
//! * `opportunities TOTAL MINE` — a fixture with TOTAL opportunities of the
//!   Selling API (catalog Sandbox, a full document each), MINE of them owned by
//!   account 111111111111 and the others spread over accounts holding 1,000
//!   each, ids `O` and 13 digits counting from 0;
//! * `walk ENDPOINT ACCOUNT PAGES [OPERATION]` — follow a list's pages (100
//!   items each; ListConnections unless OPERATION names another) and print the
//!   NextToken after PAGES pages (a page from the middle);
//! * `writers ENDPOINT THREADS SECONDS` — durable writes: THREADS clients each
//!   changing their connection preferences (a new Revision every call, so
//!   every write changes state), keep-alive, freshly signed; prints req/s and
//!   latency percentiles;
//! * `fsync DIR SECONDS` — how many write+fsync rounds per second the disk
//!   under DIR does (the figure group commit is compared with);
//! * `churn ENDPOINT THREADS SECONDS` — a write load that leaves records
//!   retention deletes: SendEmailVerificationCode (catalog AWS) to a new
//!   address every call (an email code, quota usage and an outbox message).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime};

use pcentral_server::sigv4::{authorization_header, format_amz_date, RequestParts};
use serde_json::{json, Value};

/// One keep-alive HTTP/1.1 connection.
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
        let (headers, body) = signed(&self.host, account, operation, input);
        let (status, bytes) = self.send("POST", "/", &headers, &body);
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }
}

/// The headers and body of a signed API request to `host`.
fn signed(host: &str, account: &str, operation: &str, input: &Value) -> (Vec<(String, String)>, Vec<u8>) {
    let body = input.to_string().into_bytes();
    let secs = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    let amz_date = format_amz_date(secs as i64);
    let mut headers = vec![
        ("host".to_string(), host.to_string()),
        ("content-type".to_string(), "application/x-amz-json-1.0".to_string()),
        ("x-amz-date".to_string(), amz_date.clone()),
        ("x-amz-target".to_string(), target(operation)),
    ];
    let map: hyper::HeaderMap = headers.iter().map(|(n, v)| (n.parse().unwrap(), v.parse().unwrap())).collect();
    let parts = RequestParts { method: "POST", path: "/", query: "", headers: &map, body: &body };
    // ACCOUNT is a 12-digit account (the local convention: key id = account,
    // any secret) or a registered key pair written `KEY_ID:SECRET`.
    let (key, secret) = account.split_once(':').unwrap_or((account, "test"));
    let auth = authorization_header(&parts, key, secret, "us-east-1", &amz_date);
    headers.push(("authorization".to_string(), auth));
    (headers, body)
}

/// The `X-Amz-Target` of `operation`: an Account API operation by its name,
/// or any service's operation as a whole target (`Prefix.Operation`).
fn target(operation: &str) -> String {
    if operation.contains('.') {
        operation.to_string()
    } else {
        format!("PartnerCentralAccount.{operation}")
    }
}

fn host_of(endpoint: &str) -> String {
    endpoint.trim_start_matches("http://").trim_end_matches('/').to_string()
}

/// A wrk script replaying one signed request (wrk sets Host from the URL).
fn presign(endpoint: &str, account: &str, operation: &str, input: &str) {
    let input: Value = serde_json::from_str(input).expect("JSON input");
    let (headers, body) = signed(&host_of(endpoint), account, operation, &input);
    println!("wrk.method = \"POST\"");
    println!("wrk.body = {}", lua_string(std::str::from_utf8(&body).unwrap()));
    for (k, v) in headers.iter().filter(|(k, _)| k != "host") {
        println!("wrk.headers[{}] = {}", lua_string(k), lua_string(v));
    }
}

fn lua_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The measured account, and the accounts on the other side of its connections.
const MINE: u64 = 111_111_111_111;

/// Stream a fixture with `total` connections, `mine` of them held by
/// account 111111111111; the others pair up accounts of their own.
fn fixture(total: u64, mine: u64) {
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, out.lock());
    // Creation times one millisecond apart, oldest first, from 2026-01-01.
    let base: i64 = 1_767_225_600_000;
    write!(out, "{{\"version\":1,\"connections\":[").unwrap();
    for n in 0..total {
        let (a, b) =
            if n < mine { (MINE, 200_000_000_000 + n) } else { (300_000_000_000 + 2 * n, 300_000_000_001 + 2 * n) };
        let created = base + n as i64;
        if n > 0 {
            out.write_all(b",").unwrap();
        }
        write!(
            out,
            "{{\"catalog\":\"Sandbox\",\"id\":\"pac-{n:013}\",\"participants\":[\"{a:012}\",\"{b:012}\"],\
             \"created_at\":{created},\"updated_at\":{created},\"types\":{{\"OPPORTUNITY_COLLABORATION\":\
             {{\"created_at\":{created},\"inviter_account\":\"{a:012}\",\"inviter_email\":\"a@bench.example\",\
             \"inviter_name\":\"Bench\",\"status\":\"ACTIVE\",\"canceled_at\":null,\"canceled_by\":null,\
             \"cancel_reason\":null}}}}}}"
        )
        .unwrap();
    }
    writeln!(out, "]}}").unwrap();
}

/// Stream a fixture with `total` opportunities, `mine` of them owned by
/// account 111111111111, the others by accounts holding 1,000 each.
fn opportunities(total: u64, mine: u64) {
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, out.lock());
    // Created one millisecond apart, oldest first, from 2026-01-01.
    let base: i64 = 1_767_225_600_000;
    let stages = ["Prospect", "Qualified", "Technical Validation", "Business Validation", "Committed"];
    write!(out, "{{\"version\":1,\"opportunities\":[").unwrap();
    for n in 0..total {
        let owner = if n < mine { MINE } else { 400_000_000_000 + (n - mine) / 1000 };
        let created = base + n as i64;
        let stage = stages[(n % stages.len() as u64) as usize];
        let company = format!("Customer {:06}", (n * 7919) % 1_000_000);
        let close = format!("2027-{:02}-{:02}", n % 12 + 1, n % 28 + 1);
        let body = json!({
            "Customer": {"Account": {"CompanyName": company, "Industry": "Software and Internet",
                                     "WebsiteUrl": "https://customer.example",
                                     "Address": {"CountryCode": "US", "PostalCode": "99502",
                                                 "StateOrRegion": "Alaska", "City": "Anchorage"}},
                         "Contacts": [{"Email": "buyer@customer.example", "FirstName": "Bo", "LastName": "Yer",
                                       "BusinessTitle": "CIO"}]},
            "Project": {"Title": format!("Migration {n}"),
                        "CustomerBusinessProblem": "Their data centre lease ends next year.",
                        "DeliveryModels": ["SaaS or PaaS"],
                        "ExpectedCustomerSpend": [{"Amount": "5000", "CurrencyCode": "USD", "Frequency": "Monthly",
                                                   "TargetCompany": "AWS"}]},
            "LifeCycle": {"Stage": stage, "TargetCloseDate": close, "NextSteps": "Call them"},
            "Marketing": {"Source": "None"},
            "OpportunityType": "Net New Business",
            "PrimaryNeedsFromAws": ["Co-Sell - Architectural Validation"],
            "PartnerOpportunityIdentifier": format!("crm-{n}"),
        });
        let record = json!({
            "catalog": "Sandbox", "id": format!("O{n:013}"), "owner": format!("{owner:012}"),
            "created_at": created, "last_modified": created, "origin": "Partner Referral",
            "review_status": "Pending Submission", "stage": stage, "customer_company_name": company,
            "target_close_date": close, "title": format!("Migration {n}"), "body": body,
        });
        if n > 0 {
            out.write_all(b",").unwrap();
        }
        serde_json::to_writer(&mut out, &record).unwrap();
    }
    writeln!(out, "]}}").unwrap();
}

/// Follow a list of `account` (`operation`'s pages of 100) for `pages` pages; print the next token.
fn walk(endpoint: &str, account: &str, pages: usize, operation: &str) {
    let mut conn = Conn::open(&host_of(endpoint));
    let mut token: Option<String> = None;
    for _ in 0..pages {
        let mut input = json!({"Catalog": "Sandbox", "MaxResults": 100});
        if let Some(t) = &token {
            input["NextToken"] = json!(t);
        }
        let (status, page) = conn.api(account, operation, &input);
        assert_eq!(status, 200, "{page}");
        token = page["NextToken"].as_str().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    println!("{}", token.expect("the list has that many pages"));
}

/// What a client of [`clients`] does: `setup` once (answers the first
/// counter), then `call` again and again (answers the next counter). Both get
/// the connection, the account and the client's number.
struct Client {
    setup: fn(&mut Conn, &str, usize) -> u64,
    call: fn(&mut Conn, &str, u64, usize) -> u64,
}

/// Run `threads` clients for `seconds`, each on its own keep-alive
/// connection as account `first_account + t`. Answers every call's latency (ms).
fn clients(endpoint: &str, threads: usize, seconds: u64, first_account: u64, client: Client) -> Vec<f64> {
    let host = host_of(endpoint);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let host = host.clone();
            std::thread::spawn(move || {
                let account = format!("{:012}", first_account + t as u64);
                let mut conn = Conn::open(&host);
                let mut counter = (client.setup)(&mut conn, &account, t);
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let t0 = Instant::now();
                    counter = (client.call)(&mut conn, &account, counter, t);
                    latencies.push(t0.elapsed().as_secs_f64() * 1000.0);
                }
                latencies
            })
        })
        .collect();
    handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
}

/// Durable writes: `threads` clients changing their preferences (a new
/// Revision every call) for `seconds`.
fn writers(endpoint: &str, threads: usize, seconds: u64) {
    let client = Client {
        setup: |conn, account, _| {
            let prefs = conn.api(account, "GetConnectionPreferences", &json!({"Catalog": "Sandbox"})).1;
            prefs["Revision"].as_u64().unwrap_or(0)
        },
        call: |conn, account, revision, _| {
            let input = json!({"Catalog": "Sandbox", "Revision": revision, "AccessType": "ALLOW_ALL"});
            let (status, body) = conn.api(account, "UpdateConnectionPreferences", &input);
            assert_eq!(status, 200, "{body}");
            revision + 1
        },
    };
    let mut all = clients(endpoint, threads, seconds, 900_000_000_000, client);
    all.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pct = |p: f64| all[((all.len() as f64 - 1.0) * p) as usize];
    let rate = all.len() as f64 / seconds as f64;
    println!("{rate:>9.0} writes/s   p50 {:>6.2} ms   p99 {:>6.2} ms", pct(0.50), pct(0.99));
}

/// `threads` clients sending verification codes to new addresses for `seconds`.
fn churn(endpoint: &str, threads: usize, seconds: u64) {
    let client = Client {
        setup: |_, _, _| 0,
        call: |conn, account, sent, t| {
            let input = json!({"Catalog": "AWS", "Email": format!("churn-{t}-{sent}@bench.example")});
            let (status, body) = conn.api(account, "SendEmailVerificationCode", &input);
            assert_eq!(status, 200, "{body}");
            sent + 1
        },
    };
    let all = clients(endpoint, threads, seconds, 800_000_000_000, client);
    println!("{:>9.0} calls/s", all.len() as f64 / seconds as f64);
}

/// Write+fsync rounds per second in `dir`.
fn fsync(dir: &str, seconds: u64) {
    let path = std::path::Path::new(dir).join("bench-fsync.tmp");
    let mut file = std::fs::File::create(&path).unwrap();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut rounds = 0u64;
    while Instant::now() < deadline {
        file.write_all(&[0u8; 4096]).unwrap();
        file.sync_all().unwrap();
        rounds += 1;
    }
    std::fs::remove_file(&path).unwrap();
    println!("{:>9.0} fsyncs/s", rounds as f64 / seconds as f64);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_else(|| usage());
    match arg(1).as_str() {
        "call" => {
            let mut conn = Conn::open(&host_of(&arg(2)));
            let input: Value = serde_json::from_str(&arg(5)).expect("JSON input");
            let (headers, body) = signed(&conn.host, &arg(3), &arg(4), &input);
            let (status, answer) = conn.send("POST", "/", &headers, &body);
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
            std::io::stdout().write_all(&answer).unwrap();
        }
        "presign" => presign(&arg(2), &arg(3), &arg(4), &arg(5)),
        "fixture" => fixture(arg(2).parse().unwrap(), arg(3).parse().unwrap()),
        "opportunities" => opportunities(arg(2).parse().unwrap(), arg(3).parse().unwrap()),
        "walk" => walk(&arg(2), &arg(3), arg(4).parse().unwrap(), args.get(5).map_or("ListConnections", |s| s)),
        "writers" => writers(&arg(2), arg(3).parse().unwrap(), arg(4).parse().unwrap()),
        "fsync" => fsync(&arg(2), arg(3).parse().unwrap()),
        "churn" => churn(&arg(2), arg(3).parse().unwrap(), arg(4).parse().unwrap()),
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!("usage: bench call|presign|fixture|opportunities|walk|writers|fsync|churn … (see the source)");
    std::process::exit(2)
}
