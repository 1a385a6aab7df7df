//! Hostile input against the running service (a real `lottopro serve`):
//! each bad request gets the right 4xx and a problem+json body naming what
//! was wrong, never a 5xx, and nothing is stored. Plus the admin routes,
//! the security headers and CORS.

use std::io::{Read, Write};
use std::path::PathBuf;

use serde_json::Value;

use crate::common::{Server, data_file};

const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const ADMIN: &str = "hostile-admin-token-0123456789abcd";

/// One raw HTTP/1.1 exchange: `(status, head, body)`.
fn raw(server: &Server, request: &[u8]) -> (u16, String, Vec<u8>) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    // The server may answer (and close) before it has read a huge body.
    let _ = s.write_all(request);
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(bytes.len());
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let body = bytes.get(split + 4..).unwrap_or_default().to_vec();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head, body)
}

/// A fresh folder for one test's server, and the database path in it.
fn fresh_db(name: &str) -> (PathBuf, String) {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("lp.db").to_string_lossy().into_owned();
    (dir, db)
}

fn http(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

const JSON: (&str, &str) = ("Content-Type", "application/json");
const CLIENT: (&str, &str) = ("X-Client-Token", TOKEN);

#[test]
fn hostile_requests_get_clear_4xx_and_change_nothing() {
    let (_, db) = fresh_db("hostile");
    let server = Server::start(
        &["--db", &db, "--history", &data_file("kr_lotto_645.csv")],
        &[("ADMIN_TOKEN", ADMIN), ("RATE_LIMIT_ENABLED", "false")],
    );
    let long = "x".repeat(200 * 1024);
    let huge = format!("{{\"model\": \"{}\"}}", "x".repeat(10 * 1024 * 1024));
    let long_label = format!(
        r#"{{"ticket": "1 2 3 4 5 6", "label": "{}"}}"#,
        "x".repeat(101)
    );
    let sql = r#"{"ticket": "1 2 3 4 5 6 7", "label": "'); DROP TABLE saved_numbers; --"}"#;
    // (what, request bytes, status, field named in the problem)
    let table: Vec<(&str, Vec<u8>, u16, Option<&str>)> = vec![
        (
            "malformed JSON",
            http("POST", "/api/predict", &[JSON, CLIENT], b"{not json"),
            400,
            Some("body"),
        ),
        (
            "a string for a number",
            http(
                "POST",
                "/api/predict",
                &[JSON, CLIENT],
                br#"{"count": "five"}"#,
            ),
            422,
            Some("body"),
        ),
        (
            "an unknown field",
            http(
                "POST",
                "/api/predict",
                &[JSON, CLIENT],
                br#"{"colour": "red"}"#,
            ),
            422,
            Some("body"),
        ),
        (
            "seven numbers to include",
            http(
                "POST",
                "/api/predict",
                &[JSON, CLIENT],
                br#"{"user_numbers": [1,2,3,4,5,6,7]}"#,
            ),
            400,
            Some("user_numbers"),
        ),
        (
            "number 0",
            http(
                "POST",
                "/api/predict",
                &[JSON, CLIENT],
                br#"{"user_numbers": [0]}"#,
            ),
            400,
            Some("user_numbers[0]"),
        ),
        (
            "number 46",
            http(
                "POST",
                "/api/predict",
                &[JSON, CLIENT],
                br#"{"user_numbers": [46]}"#,
            ),
            400,
            Some("user_numbers[0]"),
        ),
        (
            "a number twice",
            http(
                "POST",
                "/api/predict",
                &[JSON, CLIENT],
                br#"{"user_numbers": [7, 7]}"#,
            ),
            400,
            Some("user_numbers"),
        ),
        (
            "include and exclude the same",
            http(
                "POST",
                "/api/predict",
                &[JSON, CLIENT],
                br#"{"user_numbers": [7], "exclude": [7]}"#,
            ),
            400,
            Some("exclude"),
        ),
        (
            "101 tickets",
            http(
                "POST",
                "/api/predict",
                &[JSON, CLIENT],
                br#"{"count": 101}"#,
            ),
            422,
            Some("count"),
        ),
        (
            "a count of 2^63",
            http(
                "POST",
                "/api/predict",
                &[JSON, CLIENT],
                br#"{"count": 9223372036854775807}"#,
            ),
            422,
            Some("count"),
        ),
        (
            "an unknown model",
            http(
                "POST",
                "/api/predict",
                &[JSON, CLIENT],
                br#"{"model": "oracle"}"#,
            ),
            400,
            Some("model"),
        ),
        (
            "a 10 MB body",
            http("POST", "/api/predict", &[JSON, CLIENT], huge.as_bytes()),
            413,
            Some("body"),
        ),
        (
            "not JSON at all",
            http(
                "POST",
                "/api/predict",
                &[("Content-Type", "text/plain"), CLIENT],
                b"hello",
            ),
            415,
            Some("body"),
        ),
        (
            "non-UTF-8 bytes",
            http(
                "POST",
                "/api/numbers",
                &[JSON, CLIENT],
                b"{\"ticket\": \"\xff\xfe 1 2\"}",
            ),
            400,
            Some("body"),
        ),
        (
            "a negative amount",
            http("POST", "/api/tax", &[JSON], br#"{"amount": -5}"#),
            400,
            Some("amount"),
        ),
        (
            "an absurd amount",
            http("POST", "/api/tax", &[JSON], br#"{"amount": "1e400"}"#),
            400,
            Some("amount"),
        ),
        (
            "an amount past u64",
            http(
                "POST",
                "/api/tax",
                &[JSON],
                br#"{"amount": "99999999999999999999999"}"#,
            ),
            400,
            Some("amount"),
        ),
        (
            "seven numbers to check",
            http(
                "POST",
                "/api/check",
                &[JSON],
                br#"{"numbers": [1,2,3,4,5,6,7], "round": 1}"#,
            ),
            400,
            Some("numbers"),
        ),
        (
            "a round that is text",
            http(
                "POST",
                "/api/check",
                &[JSON],
                br#"{"numbers": [1,2,3,4,5,6], "round": "one"}"#,
            ),
            422,
            Some("body"),
        ),
        (
            "a round never drawn",
            http(
                "POST",
                "/api/check",
                &[JSON],
                br#"{"numbers": [1,2,3,4,5,6], "round": 99999}"#,
            ),
            404,
            None,
        ),
        (
            "a billion trials",
            http(
                "POST",
                "/api/simulate",
                &[JSON],
                br#"{"trials": 1000000000}"#,
            ),
            422,
            Some("trials"),
        ),
        (
            "an unknown strategy",
            http(
                "POST",
                "/api/simulate",
                &[JSON],
                br#"{"strategy": "martingale"}"#,
            ),
            400,
            Some("strategy"),
        ),
        (
            "an unknown game",
            http("GET", "/api/odds?game=moon", &[], b""),
            400,
            Some("game"),
        ),
        (
            "path traversal as a game",
            http("GET", "/api/odds?game=..%2F..%2Fetc%2Fpasswd", &[], b""),
            400,
            Some("game"),
        ),
        (
            "path traversal as a round",
            http("GET", "/api/draws/..%2F..%2Fetc%2Fpasswd", &[], b""),
            400,
            Some("round"),
        ),
        (
            "a page of 100,000 draws",
            http("GET", "/api/draws?limit=100000", &[], b""),
            422,
            Some("limit"),
        ),
        (
            "a negative page size",
            http("GET", "/api/draws?limit=-1", &[], b""),
            400,
            Some("limit"),
        ),
        (
            "an unknown backtest model",
            http("GET", "/api/backtest?model=oracle", &[], b""),
            400,
            Some("model"),
        ),
        (
            "a script as QR numbers",
            http("GET", "/api/qr?numbers=%3Cscript%3E", &[], b""),
            400,
            None,
        ),
        (
            "SQL in a label with a bad ticket",
            http("POST", "/api/numbers", &[JSON, CLIENT], sql.as_bytes()),
            400,
            Some("numbers"),
        ),
        (
            "a 101-character label",
            http(
                "POST",
                "/api/numbers",
                &[JSON, CLIENT],
                long_label.as_bytes(),
            ),
            400,
            Some("label"),
        ),
        (
            "a control character in a label",
            http(
                "POST",
                "/api/numbers",
                &[JSON, CLIENT],
                br#"{"ticket": "1 2 3 4 5 6", "label": "a\u0000b"}"#,
            ),
            400,
            Some("label"),
        ),
        (
            "a malformed client token",
            http(
                "POST",
                "/api/numbers",
                &[JSON, ("X-Client-Token", "../../etc/passwd")],
                br#"{"ticket": "1 2 3 4 5 6"}"#,
            ),
            400,
            Some("x-client-token"),
        ),
        (
            "a saved id that is text",
            http("DELETE", "/api/numbers/abc", &[CLIENT], b""),
            400,
            Some("id"),
        ),
        (
            "admin without a token",
            http("GET", "/admin/performance", &[], b""),
            401,
            None,
        ),
        (
            "admin with a wrong token",
            http(
                "GET",
                "/admin/performance",
                &[("Authorization", "Bearer not-the-admin-token")],
                b"",
            ),
            401,
            None,
        ),
        (
            "admin token in the query string",
            http(
                "GET",
                &format!("/admin/performance?token={ADMIN}&access_token={ADMIN}"),
                &[],
                b"",
            ),
            401,
            None,
        ),
        (
            "admin clear without a token",
            http("POST", "/admin/cache/clear", &[], b""),
            401,
            None,
        ),
        (
            "a 200 KB header",
            http(
                "POST",
                "/api/numbers",
                &[JSON, CLIENT, ("X-Long", &long)],
                br#"{"ticket": "1 2 3 4 5 6"}"#,
            ),
            431,
            Some("headers"),
        ),
    ];
    assert!(table.len() >= 30);
    for (what, request, status, field) in &table {
        let (got, head, body) = raw(&server, request);
        assert_eq!(
            got,
            *status,
            "{what}: {head}\n{}",
            String::from_utf8_lossy(&body)
        );
        assert!(
            head.to_ascii_lowercase()
                .contains("content-type: application/problem+json"),
            "{what}: {head}"
        );
        let problem: Value =
            serde_json::from_slice(&body).unwrap_or_else(|_| panic!("{what}: not JSON"));
        assert_eq!(problem["status"], *status, "{what}");
        assert!(
            problem["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{what}"
        );
        if let Some(f) = field {
            assert_eq!(problem["field"], *f, "{what}: {problem}");
        }
    }
    // Nothing was stored by any of them.
    let (_, listed) = server.json("GET", "/api/numbers", &[CLIENT], "").unwrap();
    assert_eq!(listed["numbers"], serde_json::json!([]));
    let (_, history) = server
        .json("GET", "/api/predictions", &[CLIENT], "")
        .unwrap();
    assert_eq!(history["predictions"], serde_json::json!([]));
    // SQL in a label is only text: stored verbatim, and the table is intact.
    let label = "'); DROP TABLE saved_numbers; --";
    let body = serde_json::json!({"ticket": "1 2 3 4 5 6", "label": label}).to_string();
    let (status, saved) = server
        .json("POST", "/api/numbers", &[CLIENT], &body)
        .unwrap();
    assert_eq!(status, 201);
    // The made-up token opened nothing: the save got a token of its own.
    let issued = saved["token"].as_str().unwrap().to_owned();
    assert_ne!(issued, TOKEN);
    let (_, listed) = server
        .json("GET", "/api/numbers", &[("X-Client-Token", &issued)], "")
        .unwrap();
    assert_eq!(listed["numbers"][0]["label"], label);
    let (_, listed) = server.json("GET", "/api/numbers", &[CLIENT], "").unwrap();
    assert_eq!(listed["numbers"], serde_json::json!([]));
    let (_, health) = server.json("GET", "/api/health", &[], "").unwrap();
    assert_eq!(health["draws"], 1245);
}

#[test]
fn html_pages_carry_security_headers_and_cors_is_closed_unless_configured() {
    let (_, db) = fresh_db("headers");
    let closed = Server::start(&["--db", &db], &[]);
    let (status, head, _) = raw(&closed, &http("GET", "/", &[], b""));
    assert_eq!(status, 200);
    let head = head.to_ascii_lowercase();
    for h in [
        "content-security-policy: default-src 'none'; script-src 'self'",
        "x-content-type-options: nosniff",
        "referrer-policy: no-referrer",
        "x-frame-options: deny",
    ] {
        assert!(head.contains(h), "missing {h}: {head}");
    }
    let origin = ("Origin", "https://elsewhere.example");
    let (_, head, _) = raw(&closed, &http("GET", "/api/health", &[origin], b""));
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("access-control-allow-origin"),
        "{head}"
    );
    drop(closed);

    let open = Server::start(&["--db", &db], &[("CORS_ORIGINS", "https://app.example")]);
    let (_, head, _) = raw(
        &open,
        &http(
            "GET",
            "/api/health",
            &[("Origin", "https://app.example")],
            b"",
        ),
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("access-control-allow-origin: https://app.example"),
        "{head}"
    );
    let (_, head, _) = raw(&open, &http("GET", "/api/health", &[origin], b""));
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("access-control-allow-origin"),
        "{head}"
    );
}

/// SIGTERM lets the requests in flight finish, then the service exits 0.
#[test]
fn sigterm_drains_requests_in_flight() {
    let (_, db) = fresh_db("drain");
    let server = Server::start(&["--db", &db], &[]);
    let port = server.port;
    // A simulation long enough to be in flight when the signal arrives.
    let body = br#"{"trials": 1000, "draws": 5200, "tickets_per_draw": 5, "method": "per-ticket"}"#;
    let request = http("POST", "/api/simulate", &[JSON], body);
    let started = std::time::Instant::now();
    let in_flight = std::thread::spawn(move || {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(&request).unwrap();
        let mut bytes = Vec::new();
        s.read_to_end(&mut bytes).unwrap();
        (
            String::from_utf8_lossy(&bytes).into_owned(),
            started.elapsed(),
        )
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let status = server.terminate();
    let (answer, took) = in_flight.join().unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "{}",
        &answer[..answer.len().min(300)]
    );
    assert!(
        answer.contains("\"trials\":1000") || answer.contains("mean_net"),
        "a full report"
    );
    assert!(
        took.as_millis() >= 300,
        "the request was in flight when SIGTERM came ({took:?})"
    );
    assert!(status.success(), "exit status {status}");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "no longer listening"
    );
}

/// A write whose Origin is another site is refused before any handler runs:
/// 403, nothing saved, no token cookie issued. The service's own origin and
/// requests without one (curl) are served.
#[test]
fn cross_site_writes_are_refused() {
    let (_, db) = fresh_db("xsite");
    let server = Server::start(&["--db", &db], &[]);
    let body = br#"{"ticket": "1 2 3 4 5 6"}"#;
    let (status, head, answer) = raw(
        &server,
        &http(
            "POST",
            "/api/numbers",
            &[JSON, ("Origin", "http://evil.example")],
            body,
        ),
    );
    let answer = String::from_utf8_lossy(&answer);
    assert_eq!(status, 403, "{answer}");
    assert!(answer.contains("Cross-site request"), "{answer}");
    assert!(!head.to_ascii_lowercase().contains("set-cookie"), "{head}");
    let (status, _, _) = raw(
        &server,
        &http(
            "POST",
            "/ui/saved",
            &[("Sec-Fetch-Site", "cross-site")],
            b"ticket=1+2+3+4+5+6",
        ),
    );
    assert_eq!(status, 403);
    // `http` sends `Host: localhost`.
    let (status, _, _) = raw(
        &server,
        &http(
            "POST",
            "/api/numbers",
            &[JSON, ("Origin", "http://localhost")],
            body,
        ),
    );
    assert_eq!(status, 201, "the service's own pages may write");
    let (status, _, _) = raw(&server, &http("POST", "/api/numbers", &[JSON], body));
    assert_eq!(status, 201, "a request without an Origin is no browser's");
}

/// Reads from `s` until the server closes it; returns how long that took
/// (or `None` if it was still open after `limit`).
fn closed_within(
    s: &mut std::net::TcpStream,
    limit: std::time::Duration,
) -> Option<std::time::Duration> {
    let started = std::time::Instant::now();
    s.set_read_timeout(Some(std::time::Duration::from_millis(100)))
        .unwrap();
    let mut buf = [0u8; 4096];
    while started.elapsed() < limit {
        match s.read(&mut buf) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return Some(started.elapsed()),
        }
    }
    None
}

/// A client trickling its headers, one trickling its body and one saying
/// nothing are each closed within their timeout; at the connection cap a
/// fresh connection is still served, because the idlest one is closed to
/// make room.
#[test]
fn slow_and_idle_connections_are_closed_and_the_cap_makes_room() {
    use std::time::Duration;
    let (_, db) = fresh_db("conns");
    let server = Server::start(
        &["--db", &db],
        &[
            ("HEADER_TIMEOUT", "2"),
            ("BODY_TIMEOUT", "2"),
            ("MAX_CONNECTIONS", "4"),
        ],
    );
    let connect = || std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();

    let mut idle = connect();
    let took =
        closed_within(&mut idle, Duration::from_secs(10)).expect("an idle connection is closed");
    assert!(took < Duration::from_secs(4), "idle closed after {took:?}");

    let mut slow_head = connect();
    slow_head
        .write_all(b"GET /api/health HTTP/1.1\r\n")
        .unwrap();
    let mut writer = slow_head.try_clone().unwrap();
    let trickle = std::thread::spawn(move || {
        for i in 0..10 {
            std::thread::sleep(Duration::from_millis(500));
            if writer
                .write_all(format!("X-Slow-{i}: 1\r\n").as_bytes())
                .is_err()
            {
                return;
            }
        }
    });
    let took = closed_within(&mut slow_head, Duration::from_secs(10))
        .expect("a client trickling its headers is closed");
    assert!(
        took < Duration::from_secs(4),
        "slow headers closed after {took:?}"
    );
    trickle.join().unwrap();

    let mut slow_body = connect();
    slow_body
        .write_all(b"POST /api/tax HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    let took = closed_within(&mut slow_body, Duration::from_secs(10))
        .expect("a trickled body ends the request");
    assert!(
        took < Duration::from_secs(4),
        "slow body answered after {took:?}"
    );

    // A body that sends a byte every half second never lets an idle
    // timeout fire; its pace (far under 4 KiB/s) ends it after its grace.
    let mut paced = connect();
    paced
        .write_all(b"POST /api/tax HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    let mut writer = paced.try_clone().unwrap();
    let trickle = std::thread::spawn(move || {
        for _ in 0..40 {
            std::thread::sleep(Duration::from_millis(500));
            if writer.write_all(b" ").is_err() {
                return;
            }
        }
    });
    let took = closed_within(&mut paced, Duration::from_secs(15))
        .expect("a body trickled at a steady pace is cut off");
    assert!(
        took < Duration::from_secs(5),
        "trickled body answered after {took:?}"
    );
    trickle.join().unwrap();

    // Four idle connections fill the cap; a fifth is still served.
    let mut held: Vec<_> = (0..4).map(|_| connect()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let (status, _, _) = raw(&server, &http("GET", "/api/health", &[], b""));
    assert_eq!(status, 200, "a fresh connection is served at the cap");
    let closed = held
        .iter_mut()
        .map(|s| closed_within(s, Duration::from_millis(300)).is_some())
        .filter(|c| *c)
        .count();
    assert!(closed >= 1, "the idlest held connection made room");
}

/// An alert that cannot be delivered is logged without the webhook's URL
/// (its path is the secret), and the log and database files are not
/// readable by other users.
#[test]
fn secrets_stay_out_of_the_logs_and_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, db) = fresh_db("secrets");
    let logs = dir.join("logs");
    let server = Server::start(
        &["--db", &db],
        &[
            (
                "SLACK_WEBHOOK_URL",
                "http://127.0.0.1:9/services/T000/B000/XSECRETWEBHOOKX",
            ),
            ("THRESHOLD_CPU_USAGE", "0"),
            ("THRESHOLD_MEMORY_USAGE", "0"),
            ("MONITOR_INTERVAL", "1"),
            ("ALERT_COOLDOWN", "0"),
            ("LOG_DIR", logs.to_str().unwrap()),
        ],
    );
    let read_all = || {
        let mut text = String::new();
        for entry in walk(&logs) {
            text.push_str(&std::fs::read_to_string(&entry).unwrap_or_default());
        }
        text
    };
    let started = std::time::Instant::now();
    while !read_all().contains("alert not delivered") {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "no failed delivery logged: {}",
            read_all()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let text = read_all();
    assert!(
        !text.contains("XSECRETWEBHOOKX"),
        "the webhook's path leaked: {text}"
    );
    assert!(!text.contains("/services/"), "{text}");
    for file in walk(&logs).into_iter().chain([PathBuf::from(&db)]) {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o007, 0, "{} is {mode:o}", file.display());
    }
    drop(server);
}

/// Every file under `dir`, recursively.
fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Behind one trusted proxy that appends the address it saw, what the
/// client wrote to X-Forwarded-For itself does not buy a fresh allowance,
/// and the addresses of one IPv6 /64 share one.
#[test]
fn forwarded_addresses_the_client_wrote_do_not_reset_its_limit() {
    let (_, db) = fresh_db("xff");
    let server = Server::start(
        &["--db", &db],
        &[("TRUST_PROXY", "1"), ("RATE_LIMIT_PREDICT", "3/hour")],
    );
    let predict = |xff: &str| {
        raw(
            &server,
            &http(
                "POST",
                "/api/predict",
                &[JSON, ("X-Forwarded-For", xff)],
                br#"{"count": 1}"#,
            ),
        )
        .0
    };
    let statuses: Vec<u16> = (1..=6)
        .map(|n| predict(&format!("203.0.113.{n}, 198.51.100.7")))
        .collect();
    assert_eq!(
        statuses,
        [200, 200, 200, 429, 429, 429],
        "keyed by what the proxy saw"
    );
    let v6: Vec<u16> = (1..=4)
        .map(|n| predict(&format!("2001:db8:5:6::{n}")))
        .collect();
    assert_eq!(v6, [200, 200, 200, 429], "one /64, one allowance");
    assert_eq!(predict("2001:db8:5:7::1"), 200, "another /64");
}

/// Personal answers are never cached and vary by the client's headers;
/// admin answers carry no CORS headers even when CORS_ORIGINS allows an
/// origin elsewhere.
#[test]
fn personal_data_is_not_cached_and_admin_routes_have_no_cors() {
    let (_, db) = fresh_db("private");
    let server = Server::start(
        &["--db", &db],
        &[
            ("CORS_ORIGINS", "https://app.example"),
            ("ADMIN_TOKEN", "an-admin-token-0123456789abcdef0"),
        ],
    );
    for path in ["/api/numbers", "/api/predictions", "/ui/saved", "/"] {
        let (status, head, _) = raw(&server, &http("GET", path, &[], b""));
        let head = head.to_ascii_lowercase();
        assert_eq!(status, 200, "{path}");
        assert!(head.contains("cache-control: no-store"), "{path}: {head}");
        assert!(
            head.contains("vary: cookie, x-client-token"),
            "{path}: {head}"
        );
    }
    let origin = ("Origin", "https://app.example");
    let (_, head, _) = raw(&server, &http("GET", "/api/health", &[origin], b""));
    assert!(
        head.to_ascii_lowercase()
            .contains("access-control-allow-origin"),
        "{head}"
    );
    let auth = ("Authorization", "Bearer an-admin-token-0123456789abcdef0");
    let (status, head, _) = raw(
        &server,
        &http("GET", "/admin/cache/info", &[origin, auth], b""),
    );
    assert_eq!(status, 200);
    assert!(
        !head.to_ascii_lowercase().contains("\naccess-control-"),
        "{head}"
    );
}

/// Behind a trusted proxy that terminated TLS, the token cookie is `Secure`
/// and `__Host-` prefixed and HSTS is sent; without a trusted proxy the
/// client's own `X-Forwarded-Proto` changes nothing.
#[test]
fn over_tls_the_cookie_is_secure_and_hsts_is_sent() {
    let (_, db) = fresh_db("tls");
    let proxied = Server::start(&["--db", &db], &[("TRUST_PROXY", "1")]);
    let https = ("X-Forwarded-Proto", "https");
    let body = br#"{"ticket": "1 2 3 4 5 6"}"#;
    let (status, head, _) = raw(
        &proxied,
        &http("POST", "/api/numbers", &[JSON, https], body),
    );
    assert_eq!(status, 201);
    let lower = head.to_ascii_lowercase();
    assert!(
        lower.contains("strict-transport-security: max-age="),
        "{head}"
    );
    let cookie = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .expect("a token cookie");
    assert!(
        cookie.contains("__Host-lottopro_token=") && cookie.contains("; Secure"),
        "{cookie}"
    );
    let token = cookie.split('=').nth(1).unwrap().split(';').next().unwrap();
    let sent = format!("__Host-lottopro_token={token}");
    let (_, _, listed) = raw(
        &proxied,
        &http("GET", "/api/numbers", &[("Cookie", &sent)], b""),
    );
    assert!(
        String::from_utf8_lossy(&listed).contains("1 2 3 4 5 6"),
        "the TLS cookie is read"
    );
    // The same token planted as the plain cookie is not read over TLS: the
    // request is a new client's.
    let planted = format!("lottopro_token={token}");
    let (_, head, listed) = raw(
        &proxied,
        &http("GET", "/api/numbers", &[("Cookie", &planted), https], b""),
    );
    assert!(
        !String::from_utf8_lossy(&listed).contains("1 2 3 4 5 6"),
        "a planted plain cookie is not read over TLS"
    );
    assert!(!head.contains(token), "{head}");
    // A malformed cookie does not stop a save: a fresh token replaces it.
    let (status, head, _) = raw(
        &proxied,
        &http(
            "POST",
            "/api/numbers",
            &[JSON, https, ("Cookie", "__Host-lottopro_token=not-a-token")],
            body,
        ),
    );
    assert_eq!(status, 201, "{head}");
    assert!(head.contains("__Host-lottopro_token="), "{head}");
    drop(proxied);

    let (_, db) = fresh_db("plain");
    let direct = Server::start(&["--db", &db], &[]);
    let (_, head, _) = raw(&direct, &http("POST", "/api/numbers", &[JSON, https], body));
    let lower = head.to_ascii_lowercase();
    assert!(
        !lower.contains("strict-transport-security") && !lower.contains("__host-"),
        "{head}"
    );
}
