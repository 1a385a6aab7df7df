//! Pension Lottery 720+ on the command line and the JSON API: odds, taxes,
//! checks and statistics, each the core's answer, and bad input refused
//! naming its field.

use std::process::Command;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use lottopro_core::Engine;
use lottopro_http::app::{AppState, app};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::common::real_history;

/// A known ticket for every prize against a bundled draw: (round, ticket,
/// rank, bonus, won before tax).
const KNOWN: [(u32, &str, Option<&str>, bool, u64); 9] = [
    (100, "4조 419399", Some("first"), false, 1_680_000_000),
    (100, "1조 419399", Some("second"), false, 120_000_000),
    (101, "2조 968561", Some("third"), false, 1_000_000),
    (200, "5조 106362", Some("fourth"), false, 100_000),
    (201, "3조 000675", Some("fifth"), false, 50_000),
    (326, "2조 000033", Some("sixth"), false, 5_000),
    (327, "3조 999990", Some("seventh"), false, 1_000),
    (327, "5조 727161", None, true, 120_000_000),
    (1, "1조 000000", None, false, 0),
];

fn lottopro(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lottopro"))
        .args(args)
        .output()
        .expect("run lottopro");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn cli_json(args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let (code, out, err) = lottopro(&all);
    assert_eq!(code, Some(0), "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn state() -> AppState {
    AppState::new(Arc::new(Engine::new(real_history(10))), None)
}

/// `body` with its content type, through the router: status and bytes.
async fn send(
    s: &AppState,
    method: Method,
    uri: &str,
    body: Option<(&str, String)>,
) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    let body = match body {
        Some((ctype, b)) => {
            req = req.header(header::CONTENT_TYPE, ctype);
            Body::from(b)
        }
        None => Body::empty(),
    };
    let resp = app(s.clone())
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, bytes.to_vec())
}

async fn call(s: &AppState, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let (status, bytes) = send(
        s,
        method,
        uri,
        body.map(|b| ("application/json", b.to_string())),
    )
    .await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn assert_field((status, body): (StatusCode, Value), want: StatusCode, field: &str) {
    assert_eq!(
        (status, body["field"].as_str()),
        (want, Some(field)),
        "{body}"
    );
}

#[test]
fn the_command_line_lists_counts_taxes_checks_and_counts_digits() {
    let games = cli_json(&["games"]);
    let last = games["games"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["id"].as_str(), last["tiers"].as_u64()),
        (Some("kr720"), Some(8))
    );

    let odds = cli_json(&["odds", "--game", "kr720"]);
    let games: Vec<u64> = odds["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["games"].as_u64().unwrap())
        .collect();
    assert_eq!(games, [1, 4, 45, 450, 4_500, 45_000, 450_000, 5]);
    assert_eq!(odds["total_games"], 5_000_000);

    let tax = cli_json(&["tax", "--game", "kr720", "--rate", "0.05"]);
    assert_eq!(tax["prizes"][0]["payment_tax"]["tax"], 1_540_000);
    assert_eq!(tax["prizes"][0]["payment_tax"]["net"], 5_460_000);
    assert_eq!(tax["annual_rate"], 0.05);
    assert!(
        tax["prizes"][0]["present_value_net"].as_u64()
            < cli_json(&["tax", "--game", "kr720"])["prizes"][0]["present_value_net"].as_u64()
    );

    for (round, ticket, rank, bonus, won) in KNOWN {
        let c = cli_json(&[
            "check",
            "--game",
            "kr720",
            "--round",
            &round.to_string(),
            "--ticket",
            ticket,
        ]);
        assert_eq!(
            (
                c["rank"].as_str(),
                c["bonus"].as_bool(),
                c["gross_total"].as_u64()
            ),
            (rank, Some(bonus), Some(won)),
            "{round} {ticket}"
        );
    }
    let (code, text, _) = lottopro(&[
        "check",
        "--game",
        "kr720",
        "--round",
        "100",
        "--ticket",
        "all 419399",
    ]);
    assert_eq!(code, Some(0));
    assert_eq!(text.matches("→ 2nd").count(), 4, "{text}");
    assert_eq!(text.matches("→ 1st").count(), 1, "{text}");

    let stats = cli_json(&["stats", "--game", "kr720", "--last", "10"]);
    assert_eq!(stats["draws"], 10);
    let (_, text, _) = lottopro(&["stats", "--game", "kr720"]);
    assert!(text.contains("No digit is due"), "{text}");
}

#[test]
fn bad_720_input_on_the_command_line_names_its_field() {
    for (args, message) in [
        (
            vec![
                "check",
                "--game",
                "kr720",
                "--round",
                "1",
                "--ticket",
                "6조 123456",
            ],
            "group",
        ),
        (
            vec![
                "check",
                "--game",
                "kr720",
                "--round",
                "1",
                "--ticket",
                "1조 12345",
            ],
            "digits: ",
        ),
        (
            vec![
                "check",
                "--game",
                "kr720",
                "--round",
                "9999",
                "--ticket",
                "1조 123456",
            ],
            "round 9999",
        ),
        (
            vec![
                "check", "--game", "kr720", "--round", "1", "--ticket", "1 123456", "--prizes",
                "p.csv",
            ],
            "prizes",
        ),
        (vec!["tax", "--game", "kr720", "1000000"], "amount"),
        (vec!["tax", "--game", "kr720", "--rate", "2"], "rate"),
        (vec!["tax", "--game", "kr720", "--rate", "x"], "rate"),
        (vec!["tax"], "amount"),
        (vec!["stats", "--game", "kr720", "--last", "0"], "last"),
        (
            vec!["predict", "--game", "kr720"],
            "game: this command is for games of numbers",
        ),
        (vec!["odds", "--game", "kr721"], "kr720"),
    ] {
        let (code, out, err) = lottopro(&args);
        assert_eq!(code, Some(1), "{args:?}: {err}");
        assert!(out.is_empty() && err.contains(message), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[tokio::test]
async fn the_api_answers_720_on_its_own_routes() {
    let s = state();
    let (st, odds) = call(&s, Method::GET, "/api/pension/odds", None).await;
    assert_eq!(
        (st, odds["ranked_games"].as_u64()),
        (StatusCode::OK, Some(500_000))
    );
    let (st, tax) = call(&s, Method::GET, "/api/pension/tax?rate=0.05", None).await;
    assert_eq!(
        (
            st,
            tax["prizes"][1]["payment_tax"]["tax"].as_u64(),
            tax["annual_rate"].as_f64()
        ),
        (StatusCode::OK, Some(220_000), Some(0.05))
    );
    for (round, ticket, rank, bonus, won) in KNOWN {
        let (st, c) = call(
            &s,
            Method::POST,
            "/api/pension/check",
            Some(json!({"ticket": ticket, "round": round})),
        )
        .await;
        assert_eq!(
            (
                st,
                c["rank"].as_str(),
                c["bonus"].as_bool(),
                c["gross_total"].as_u64()
            ),
            (StatusCode::OK, rank, Some(bonus), Some(won)),
            "{round} {ticket}"
        );
    }
    let (st, stats) = call(&s, Method::GET, "/api/pension/stats?last=20", None).await;
    assert_eq!((st, stats["draws"].as_u64()), (StatusCode::OK, Some(20)));
}

#[tokio::test]
async fn bad_720_requests_are_problems_naming_the_field() {
    let s = state();
    let check = |body: Value| call(&s, Method::POST, "/api/pension/check", Some(body));
    assert_field(
        check(json!({"ticket": "1조 12345", "round": 1})).await,
        StatusCode::BAD_REQUEST,
        "digits",
    );
    assert_field(
        check(json!({"ticket": "0조 123456", "round": 1})).await,
        StatusCode::BAD_REQUEST,
        "group",
    );
    let (st, _) = check(json!({"ticket": "1조 123456", "round": 9999})).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_field(
        call(&s, Method::GET, "/api/pension/tax?rate=1.5", None).await,
        StatusCode::BAD_REQUEST,
        "rate",
    );
    assert_field(
        call(&s, Method::GET, "/api/pension/stats?last=0", None).await,
        StatusCode::BAD_REQUEST,
        "last",
    );
    assert_field(
        call(&s, Method::GET, "/api/odds?game=kr720", None).await,
        StatusCode::BAD_REQUEST,
        "game",
    );
    // The routes are in the OpenAPI document, typed by the core's schemas.
    let (_, doc) = call(&s, Method::GET, "/openapi.json", None).await;
    for path in [
        "/api/pension/odds",
        "/api/pension/tax",
        "/api/pension/check",
        "/api/pension/stats",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["components"]["schemas"]["PensionTicketCheck"].is_object());
}

async fn page(s: &AppState, method: Method, uri: &str, form: Option<&str>) -> (StatusCode, String) {
    let body = form.map(|f| ("application/x-www-form-urlencoded", f.to_owned()));
    let (status, bytes) = send(s, method, uri, body).await;
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_tools_page_shows_720_odds_and_checks_a_ticket_in_three_languages() {
    let s = state();
    for (lang, title, first, annuity) in [
        ("ko", "연금복권720+", "1등", "월 7,000,000원 × 240개월"),
        (
            "en",
            "Pension Lottery 720+",
            "1st",
            "₩7,000,000 a month for 240 months",
        ),
        ("ja", "年金宝くじ720+", "1等", "月7,000,000ウォン × 240か月"),
    ] {
        let (st, html) = page(&s, Method::GET, &format!("/tools?lang={lang}"), None).await;
        assert_eq!(st, StatusCode::OK);
        let section = &html[html
            .find(r#"<section id="pension">"#)
            .expect("the 720+ section")..];
        assert!(
            section.contains(title) && section.contains(annuity),
            "{lang}: {section}"
        );
        assert!(
            section.contains("1 / 5,000,000") && section.contains("1 / 11"),
            "{lang}"
        );
        assert!(
            section.contains(r#"action="/ui/pension/check?lang="#),
            "{lang}"
        );

        let (st, frag) = page(
            &s,
            Method::POST,
            &format!("/ui/pension/check?lang={lang}"),
            Some("ticket=all+419399&round=100"),
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{frag}");
        assert_eq!(frag.matches("<li>").count(), 5, "{frag}");
        assert!(
            frag.contains(&format!("4조 419399: {first}")),
            "{lang}: {frag}"
        );
        assert!(frag.contains("2,160,000,000"), "{lang}: {frag}");
    }
    let (st, frag) = page(
        &s,
        Method::POST,
        "/ui/pension/check?lang=en",
        Some("ticket=1+12345&round=1"),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        frag.contains("class=\"error\"") && frag.contains("digits"),
        "{frag}"
    );
    let (st, _) = page(
        &s,
        Method::POST,
        "/ui/pension/check?lang=en",
        Some("ticket=1+123456&round=x"),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
}
