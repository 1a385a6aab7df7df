//! The HTTP API, driven through the router with `oneshot` (no socket).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use lottopro_core::{Engine, GameSpec, History};
use lottopro_http::app::{AppState, app};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::common::real_history;

fn real() -> AppState {
    AppState::new(Arc::new(Engine::new(real_history(u32::MAX))), None)
}

fn empty() -> AppState {
    AppState::new(
        Arc::new(Engine::new(History::empty(GameSpec::kr645()))),
        None,
    )
}

async fn call(
    state: &AppState,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, String, Value) {
    let (status, headers, body) = with_token(state, method, uri, None, body).await;
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, ctype, body)
}

async fn raw(state: &AppState, req: Request<Body>) -> (StatusCode, String, Value) {
    let resp = app(state.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        ctype,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A problem+json error with this status naming this field.
fn assert_problem(
    (status, ctype, body): (StatusCode, String, Value),
    want: StatusCode,
    field: &str,
) {
    assert_eq!(status, want, "{body}");
    assert_eq!(ctype, "application/problem+json");
    assert_eq!(body["status"], want.as_u16());
    assert_eq!(body["field"], field, "{body}");
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
}

#[tokio::test]
async fn health_games_odds_and_tax() {
    let s = real();
    let (st, _, v) = call(&s, Method::GET, "/api/health", None).await;
    assert_eq!(
        (st, v["status"].as_str(), v["draws"].as_u64()),
        (StatusCode::OK, Some("ok"), Some(1245))
    );
    let (_, _, v) = call(&s, Method::GET, "/api/games", None).await;
    assert_eq!(v.as_array().unwrap().len(), 8);
    let (_, _, v) = call(&s, Method::GET, "/api/odds?game=powerball", None).await;
    assert_eq!(v["tiers"][0]["one_in"], 292_201_338.0);
    let (_, _, v) = call(&s, Method::GET, "/api/odds", None).await;
    assert_eq!(v["total_combinations"], 8_145_060);
    assert_problem(
        call(&s, Method::GET, "/api/odds?game=moon", None).await,
        StatusCode::BAD_REQUEST,
        "game",
    );
    let (_, _, v) = call(
        &s,
        Method::POST,
        "/api/tax",
        Some(json!({"amount": 1_000_000_000})),
    )
    .await;
    assert_eq!(v["tax"], 296_999_670);
    let (_, _, v) = call(
        &s,
        Method::POST,
        "/api/tax",
        Some(json!({"amount": "2,000,001"})),
    )
    .await;
    assert_eq!(v["tax"], 439_780);
    assert_problem(
        call(&s, Method::POST, "/api/tax", Some(json!({"amount": -5}))).await,
        StatusCode::BAD_REQUEST,
        "amount",
    );
    assert_problem(
        call(&s, Method::POST, "/api/tax", Some(json!({"amount": 1.5}))).await,
        StatusCode::BAD_REQUEST,
        "amount",
    );
    assert_problem(
        call(&s, Method::POST, "/api/tax", Some(json!({"amount": [1]}))).await,
        StatusCode::BAD_REQUEST,
        "amount",
    );
}

#[tokio::test]
async fn predictions_carry_their_backtest() {
    let s = real();
    let body =
        json!({"user_numbers": [7, 13], "exclude": [1], "model": "trend", "count": 3, "seed": 5});
    let (st, _, v) = call(&s, Method::POST, "/api/predict", Some(body.clone())).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["tickets"].as_array().unwrap().len(), 3);
    for t in v["tickets"].as_array().unwrap() {
        let nums: Vec<u64> = t["numbers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .collect();
        assert!(nums.contains(&7) && nums.contains(&13) && !nums.contains(&1));
    }
    let b = &v["backtest"];
    assert_eq!(
        (b["rounds"].as_u64(), b["chance_mean_matches"].as_f64()),
        (Some(1145), Some(0.8))
    );
    assert!(b["p_value"].is_f64() && b["significant"].is_boolean());
    assert_eq!(
        call(&s, Method::POST, "/api/predict", Some(body)).await.2["tickets"],
        v["tickets"]
    );
    // Errors, each naming its field.
    assert_problem(
        call(&s, Method::POST, "/api/predict", Some(json!({"count": 0}))).await,
        StatusCode::BAD_REQUEST,
        "count",
    );
    assert_problem(
        call(
            &s,
            Method::POST,
            "/api/predict",
            Some(json!({"count": 101})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "count",
    );
    assert_problem(
        call(
            &s,
            Method::POST,
            "/api/predict",
            Some(json!({"model": "neural"})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "model",
    );
    assert_problem(
        call(
            &s,
            Method::POST,
            "/api/predict",
            Some(json!({"user_numbers": [46]})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "user_numbers[0]",
    );
    assert_problem(
        call(
            &s,
            Method::POST,
            "/api/predict",
            Some(json!({"user_numbers": [7], "exclude": [7]})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "exclude",
    );
    assert_problem(
        call(
            &s,
            Method::POST,
            "/api/predict",
            Some(json!({"colour": "red"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
    );
    assert_problem(
        call(
            &s,
            Method::POST,
            "/api/predict",
            Some(json!({"user_numbers": [300]})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
    );
    let bad = Request::post("/api/predict")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    assert_problem(raw(&s, bad).await, StatusCode::BAD_REQUEST, "body");
    let huge = Request::post("/api/predict")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(format!(
            "{{\"model\": \"{}\"}}",
            "x".repeat(10 * 1024 * 1024)
        )))
        .unwrap();
    assert_problem(raw(&s, huge).await, StatusCode::PAYLOAD_TOO_LARGE, "body");
}

#[tokio::test]
async fn checks_simulations_and_backtests() {
    let s = real();
    let (st, _, v) = call(
        &s,
        Method::POST,
        "/api/check",
        Some(json!({"ticket": "4 5 25 28 32 12", "round": 1245})),
    )
    .await;
    assert_eq!(
        (st, v["rank"].as_u64(), v["prize"].as_u64()),
        (StatusCode::OK, Some(2), Some(55_064_392))
    );
    let (_, _, v) = call(
        &s,
        Method::POST,
        "/api/check",
        Some(json!({"numbers": [4, 5, 25, 28, 32, 42], "round": 1245})),
    )
    .await;
    assert_eq!(v["rank"], 1);
    assert_problem(
        call(
            &s,
            Method::POST,
            "/api/check",
            Some(json!({"numbers": [1, 2, 3], "round": 1})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "numbers",
    );
    assert_problem(
        call(&s, Method::POST, "/api/check", Some(json!({"round": 1}))).await,
        StatusCode::BAD_REQUEST,
        "numbers",
    );
    let (st, _, v) = call(
        &s,
        Method::POST,
        "/api/check",
        Some(json!({"ticket": "1 2 3 4 5 6", "round": 9999})),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "{v}");

    let (st, _, v) = call(
        &s,
        Method::POST,
        "/api/simulate",
        Some(json!({"draws": 520, "trials": 100, "seed": 1})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(v["exact_ev_per_ticket"].as_f64().unwrap() > 400.0);
    let (_, _, v) = call(&s, Method::POST, "/api/simulate", Some(json!({"strategy": "fixed", "tickets": "1 2 3 4 5 6", "draws": 10, "trials": 5, "prizes": {"1": 2_000_000_000}}))).await;
    assert_eq!(v["method"], "per_ticket");
    assert_problem(
        call(
            &s,
            Method::POST,
            "/api/simulate",
            Some(json!({"trials": 1_000_000})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "trials",
    );
    assert_problem(
        call(
            &s,
            Method::POST,
            "/api/simulate",
            Some(json!({"strategy": "oracle"})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "strategy",
    );
    assert_problem(
        call(
            &s,
            Method::POST,
            "/api/simulate",
            Some(json!({"prizes": {"9": 1}})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "prize",
    );

    let (st, _, v) = call(
        &s,
        Method::GET,
        "/api/backtest?model=frequency,random&warmup=1100",
        None,
    )
    .await;
    assert_eq!(
        (st, v["models"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(2))
    );
    // A model list is a set: a name repeated any number of times is run
    // once, and the parameter itself may be given once.
    let repeated = format!(
        "/api/backtest?warmup=1100&model={}",
        ["random"; 500].join(",")
    );
    let (st, _, v) = call(&s, Method::GET, &repeated, None).await;
    assert_eq!(
        (st, v["models"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(1))
    );
    assert_problem(
        call(
            &s,
            Method::GET,
            "/api/backtest?model=random&model=random",
            None,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "query",
    );
    assert_problem(
        call(&s, Method::GET, "/api/backtest?model=neural", None).await,
        StatusCode::BAD_REQUEST,
        "model",
    );
    assert_problem(
        call(&s, Method::GET, "/api/backtest?warmup=lots", None).await,
        StatusCode::BAD_REQUEST,
        "warmup",
    );
}

#[tokio::test]
async fn draws_and_stats() {
    let s = real();
    let (_, _, v) = call(&s, Method::GET, "/api/draws?from=1&limit=2", None).await;
    assert_eq!(
        (v["total"].as_u64(), v["draws"][1]["round"].as_u64()),
        (Some(1245), Some(2))
    );
    let (_, _, v) = call(&s, Method::GET, "/api/draws", None).await;
    assert_eq!(v["draws"].as_array().unwrap().len(), 50);
    let (_, _, v) = call(&s, Method::GET, "/api/draws/latest", None).await;
    assert_eq!(v["round"], 1245);
    let (_, _, v) = call(&s, Method::GET, "/api/draws/1", None).await;
    assert_eq!(v["numbers"], json!([10, 23, 29, 33, 37, 40]));
    assert_problem(
        call(&s, Method::GET, "/api/draws?limit=501", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "limit",
    );
    assert_problem(
        call(&s, Method::GET, "/api/draws/abc", None).await,
        StatusCode::BAD_REQUEST,
        "round",
    );
    let (st, _, _) = call(&s, Method::GET, "/api/draws/9999", None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _, v) = call(&s, Method::GET, "/api/stats?window=20&top=3", None).await;
    assert_eq!(
        (st, v["hot"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(3))
    );
}

/// Without draws, routes that need none still work and the others say how to load them.
#[tokio::test]
async fn an_empty_history_answers_409_where_draws_are_needed() {
    let s = empty();
    assert_eq!(
        call(&s, Method::GET, "/api/odds", None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        call(&s, Method::POST, "/api/tax", Some(json!({"amount": 5000})))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        call(
            &s,
            Method::POST,
            "/api/simulate",
            Some(json!({"draws": 10, "trials": 10}))
        )
        .await
        .0,
        StatusCode::OK
    );
    let (st, _, v) = call(
        &s,
        Method::POST,
        "/api/predict",
        Some(json!({"count": 1, "seed": 1})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(v["backtest"].is_null());
    for (method, uri, body) in [
        (Method::GET, "/api/stats", None),
        (Method::GET, "/api/backtest", None),
        (Method::GET, "/api/draws/latest", None),
        (
            Method::POST,
            "/api/check",
            Some(json!({"ticket": "1 2 3 4 5 6", "round": 1})),
        ),
    ] {
        let (st, ctype, v) = call(&s, method, uri, body).await;
        assert_eq!(
            (st, ctype.as_str()),
            (StatusCode::CONFLICT, "application/problem+json"),
            "{uri}"
        );
        assert!(
            v["detail"].as_str().unwrap().contains("--history"),
            "{uri}: {v}"
        );
    }
}

fn with_store(name: &str) -> AppState {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("api-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store = lottopro_http::store::Store::open(&dir.join("lp.db")).unwrap();
    AppState::new(
        Arc::new(Engine::new(History::empty(GameSpec::kr645()))),
        Some(Arc::new(store)),
    )
}

async fn with_token(
    state: &AppState,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = token {
        req = req.header("x-client-token", t);
    }
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let resp = app(state.clone())
        .oneshot(req.body(body).unwrap())
        .await
        .unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// `HMAC-SHA256(secret, token)` in hex: the owner key the service stores
/// a token's rows under.
fn owner_of(secret: &[u8], token: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(token.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn only_tokens_the_server_issued_open_anything() {
    let s = with_store("issued");
    let store = s.store.clone().unwrap();
    let g = GameSpec::kr645();
    let ticket = lottopro_core::Ticket::parse(&g, "7 8 9 10 11 12").unwrap();
    // A token from before tokens were tagged keeps the rows it owns.
    let legacy = "00112233445566778899aabbccddeeff";
    store
        .save_numbers(
            &owner_of(&s.options().secret, legacy),
            &g,
            &ticket,
            "from before",
            None,
        )
        .unwrap();
    let (_, _, v) = with_token(&s, Method::GET, "/api/numbers", Some(legacy), None).await;
    assert_eq!(v["numbers"][0]["label"], "from before", "{v}");
    let (st, headers, v) = with_token(
        &s,
        Method::POST,
        "/api/numbers",
        Some(legacy),
        Some(json!({"ticket": "1 2 3 4 5 6"})),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(v["token"], legacy);
    assert!(
        headers.get(header::SET_COOKIE).is_none(),
        "kept, not replaced"
    );
    // A token this server did not issue: one made up in the old form, one
    // in the new form, one issued by another server (another secret).
    let elsewhere = with_store("elsewhere");
    let (_, _, v) = with_token(
        &elsewhere,
        Method::POST,
        "/api/numbers",
        None,
        Some(json!({"ticket": "1 2 3 4 5 6"})),
    )
    .await;
    let foreign = v["token"].as_str().unwrap().to_owned();
    for made_up in [
        "0123456789abcdef0123456789abcdef",
        &"0".repeat(64),
        &foreign,
    ] {
        let (st, _, v) = with_token(&s, Method::GET, "/api/numbers", Some(made_up), None).await;
        assert_eq!(
            (st, &v["numbers"]),
            (StatusCode::OK, &json!([])),
            "{made_up}"
        );
        // A write is a new client's: it gets a fresh token, not the one sent.
        let (st, headers, v) = with_token(
            &s,
            Method::POST,
            "/api/numbers",
            Some(made_up),
            Some(json!({"ticket": "1 2 3 4 5 6"})),
        )
        .await;
        assert_eq!(st, StatusCode::CREATED);
        let fresh = v["token"].as_str().unwrap();
        assert_ne!(fresh, made_up);
        assert!(
            headers[header::SET_COOKIE]
                .to_str()
                .unwrap()
                .contains(fresh)
        );
        let (_, _, v) = with_token(&s, Method::GET, "/api/numbers", Some(made_up), None).await;
        assert_eq!(v["numbers"], json!([]), "{made_up} still opens nothing");
        let (_, _, v) = with_token(&s, Method::GET, "/api/numbers", Some(fresh), None).await;
        assert_eq!(v["numbers"].as_array().unwrap().len(), 1);
    }
    // The legacy client's two tickets are untouched by all of it.
    let (_, _, v) = with_token(&s, Method::GET, "/api/numbers", Some(legacy), None).await;
    assert_eq!(v["numbers"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn saved_numbers_belong_to_a_client_token() {
    let s = with_store("numbers");
    let (st, headers, v) = with_token(
        &s,
        Method::POST,
        "/api/numbers",
        None,
        Some(json!({"numbers": [41, 3, 17, 25, 33, 11], "label": "birthdays"})),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let token = v["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 64);
    assert_eq!(headers["x-client-token"], token.as_str());
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with(&format!("lottopro_token={token}")) && cookie.contains("HttpOnly"));
    assert_eq!(v["saved"]["numbers"], "3 11 17 25 33 41");
    // The same client adds a second ticket; another client sees nothing.
    let (st, _, _) = with_token(
        &s,
        Method::POST,
        "/api/numbers",
        Some(&token),
        Some(json!({"ticket": "1,2,3,4,5,6"})),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, _, v) = with_token(&s, Method::GET, "/api/numbers", Some(&token), None).await;
    assert_eq!(v["numbers"].as_array().unwrap().len(), 2);
    // Ids are opaque: two saves in a row are not neighbours.
    let ids: Vec<i64> = (0..2)
        .map(|i| v["numbers"][i]["id"].as_i64().unwrap())
        .collect();
    assert!((ids[0] - ids[1]).abs() > 1_000, "{ids:?}");
    let other = "0123456789abcdef0123456789abcdef";
    assert_eq!(
        with_token(&s, Method::GET, "/api/numbers", Some(other), None)
            .await
            .2["numbers"],
        json!([])
    );
    assert_eq!(
        with_token(&s, Method::GET, "/api/numbers", None, None)
            .await
            .2["numbers"],
        json!([])
    );
    // A cookie works as well as the header.
    let req = Request::get("/api/numbers")
        .header(
            header::COOKIE,
            format!("theme=dark; lottopro_token={token}"),
        )
        .body(Body::empty())
        .unwrap();
    assert_eq!(raw(&s, req).await.2["numbers"].as_array().unwrap().len(), 2);
    // Deleting: not someone else's, not twice.
    let id = v["numbers"][0]["id"].as_i64().unwrap();
    assert_eq!(
        with_token(
            &s,
            Method::DELETE,
            &format!("/api/numbers/{id}"),
            Some(other),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        with_token(
            &s,
            Method::DELETE,
            &format!("/api/numbers/{id}"),
            Some(&token),
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        with_token(
            &s,
            Method::DELETE,
            &format!("/api/numbers/{id}"),
            Some(&token),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    // Bad input changes nothing.
    for (body, field) in [
        (json!({"numbers": [1, 2, 3]}), "numbers"),
        (json!({"numbers": [1, 2, 3, 4, 5, 46]}), "numbers[5]"),
        (
            json!({"ticket": "1 2 3 4 5 6", "label": "x".repeat(101)}),
            "label",
        ),
        (json!({}), "numbers"),
    ] {
        let (st, _, v) =
            with_token(&s, Method::POST, "/api/numbers", Some(&token), Some(body)).await;
        assert_eq!(
            (st, v["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some(field)),
            "{v}"
        );
    }
    assert_eq!(
        with_token(&s, Method::GET, "/api/numbers", Some(&token), None)
            .await
            .2["numbers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let (st, _, v) = with_token(&s, Method::GET, "/api/numbers", Some("not-a-token"), None).await;
    assert_eq!(
        (st, v["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("x-client-token"))
    );
    assert_eq!(
        with_token(&s, Method::DELETE, "/api/numbers/abc", Some(&token), None)
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    // Without a store the routes say so.
    assert_eq!(
        with_token(
            &empty(),
            Method::POST,
            "/api/numbers",
            None,
            Some(json!({"ticket": "1 2 3 4 5 6"}))
        )
        .await
        .0,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn popularity_and_wheels() {
    let s = real();
    // The anti-popular strategy is a model like the others, with its
    // backtest (chance-level: it changes what a win is worth, not how often).
    let (st, _, v) = call(
        &s,
        Method::POST,
        "/api/predict",
        Some(json!({"model": "anti-popular", "count": 2, "user_numbers": [40], "seed": 3})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["model"], "anti-popular");
    assert!(
        v["tickets"][0]["numbers"]
            .as_array()
            .unwrap()
            .contains(&json!(40))
    );
    assert_eq!(v["backtest"]["rounds"], 1145);
    let (st, _, pattern) = call(
        &s,
        Method::POST,
        "/api/popularity",
        Some(json!({"ticket": "1 2 3 4 5 6"})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{pattern}");
    let (_, _, plain) = call(
        &s,
        Method::POST,
        "/api/popularity",
        Some(json!({"numbers": [3, 11, 17, 25, 33, 41], "sales": 120_000_000_000u64})),
    )
    .await;
    let co = |v: &Value| v["expected_co_winners"]["1"].as_f64().unwrap();
    assert!(co(&pattern) > 5.0 * co(&plain), "{pattern} {plain}");
    assert!(pattern["ev_per_ticket"].as_f64() < plain["ev_per_ticket"].as_f64());
    assert_eq!(plain["sales"], 120_000_000_000u64);
    assert_eq!(pattern["win_probability"], plain["win_probability"]);
    assert!(
        pattern["note"]
            .as_str()
            .unwrap()
            .contains("never the probability")
    );
    assert_problem(
        call(
            &s,
            Method::POST,
            "/api/popularity",
            Some(json!({"numbers": [1, 2, 3, 4, 5, 46]})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "numbers[5]",
    );
    let (st, _, e) = call(&s, Method::GET, "/api/popularity/evaluation", None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(e["test_draws"], 245);
    assert!(e["combined_p_value"].as_f64().unwrap() < 0.005, "{e}");
    assert!(e["second"]["chosen_draws"].as_u64().unwrap() > 200, "{e}");
    let (st, _, d) = call(
        &s,
        Method::GET,
        "/api/popularity/distribution?sales=102804882000",
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{d}");
    for key in [
        "never_bought",
        "bought_once",
        "bought_50_or_more",
        "max_bought",
    ] {
        let (lo, est, hi) = (
            d[key]["low"].as_f64().unwrap(),
            d[key]["estimate"].as_f64().unwrap(),
            d[key]["high"].as_f64().unwrap(),
        );
        assert!(lo <= est && est <= hi, "{key}: {d}");
    }
    assert_problem(
        call(
            &s,
            Method::GET,
            "/api/popularity/distribution?sales=0",
            None,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "sales",
    );

    let (st, _, w) = call(
        &s,
        Method::POST,
        "/api/wheel",
        Some(json!({"numbers": [1, 5, 9, 13, 17, 21, 26, 30], "guarantee": "3if4"})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{w}");
    assert_eq!(w["verified"], true);
    assert_eq!(w["guarantee"], json!({"t": 3, "m": 4}));
    let n = w["tickets"].as_array().unwrap().len() as u64;
    assert_eq!(w["cost"], 1_000 * n);
    // Weighted: the same design relabelled onto what others avoid, the same
    // guarantee, and what it gains per ticket with its interval.
    let (st, _, weighted) = call(
        &s,
        Method::POST,
        "/api/wheel",
        Some(json!({"numbers": [1, 5, 9, 13, 17, 21, 26, 30], "guarantee": "3if4", "weighted": true})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{weighted}");
    assert_eq!(weighted["verified"], true);
    assert_eq!(weighted["guarantee"], w["guarantee"]);
    assert_eq!(weighted["tickets"].as_array().unwrap().len() as u64, n);
    assert!(w["popularity"].is_null());
    let gain = &weighted["popularity"]["gain_per_ticket"];
    let (low, mid, high) = (
        gain["low"].as_f64().unwrap(),
        gain["estimate"].as_f64().unwrap(),
        gain["high"].as_f64().unwrap(),
    );
    assert!(low <= mid && mid <= high && mid >= 0.0, "{gain}");
    for (body, status) in [
        (
            json!({"numbers": [1, 5, 9, 13, 17, 21, 26, 30], "guarantee": "3if4", "sales": 100}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"numbers": [1, 5, 9, 13, 17, 21, 26, 30], "guarantee": "3if4", "weighted": true, "sales": 0}),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        assert_problem(
            call(&s, Method::POST, "/api/wheel", Some(body)).await,
            status,
            "sales",
        );
    }
    let (_, _, full) = call(
        &s,
        Method::POST,
        "/api/wheel",
        Some(json!({"full_pool": true, "guarantee": "2"})),
    )
    .await;
    assert_eq!(full["tickets"].as_array().unwrap().len(), 15);
    assert_eq!(full["draws_checked"], 8_145_060);
    for (body, field) in [
        (
            json!({"numbers": [1, 2, 3, 4, 5, 6, 7], "guarantee": "5if4"}),
            "guarantee",
        ),
        (
            json!({"numbers": [1, 2, 3], "guarantee": "2if2"}),
            "numbers",
        ),
        (json!({"guarantee": "3if4"}), "numbers"),
        (json!({"full_pool": true, "guarantee": "3if4"}), "guarantee"),
        (
            json!({"full_pool": true, "numbers": [1, 2, 3, 4, 5, 6], "guarantee": "2"}),
            "full_pool",
        ),
    ] {
        let r = call(&s, Method::POST, "/api/wheel", Some(body.clone())).await;
        assert_eq!(r.0, StatusCode::BAD_REQUEST, "{body}: {}", r.2);
        assert!(
            r.2["field"].as_str().unwrap_or_default().starts_with(field),
            "{body}: {}",
            r.2
        );
    }
    let unknown = json!({"numbers": [1, 2, 3, 4, 5, 6, 7], "guarantee": "3if4", "extra": 1});
    assert_problem(
        call(&s, Method::POST, "/api/wheel", Some(unknown)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "body",
    );
    let many: Vec<u8> = (1..=30).collect();
    let r = call(
        &s,
        Method::POST,
        "/api/wheel",
        Some(json!({"numbers": many, "guarantee": "3if4"})),
    )
    .await;
    assert_eq!(r.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.2);
    assert_eq!(r.2["field"], "numbers");
}
