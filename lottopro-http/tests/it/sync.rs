//! `lottopro sync` against a real local HTTP server (axum on loopback) that
//! replays the response formats of the three sources: the official 2026
//! endpoint, the legacy endpoint and the public mirror. The rows are the
//! real history of `lottopro-core/data`, plus three synthetic but valid rounds
//! after it (1246–1248) to stand for the next Saturdays.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use lottopro_core::{Date, Draw, GameSpec, History};
use lottopro_http::store::Store;
use lottopro_http::sync::{DrawSource, SyncConfig, SyncReport, Syncer};
use serde_json::{Value, json};

use crate::common::{data_file, real_history};

/// How one source misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    /// An HTML page with status 200: what a blocked client gets.
    Html,
    /// Answers after the client's timeout.
    Slow,
    /// Cut-off JSON.
    Malformed,
    /// Round 1247 has a number twice.
    Duplicate,
    /// Round 1247 is missing from the answers.
    Gap,
    /// A redirect to another host.
    Redirect,
    /// Three megabytes of padding.
    Huge,
}

struct Replay {
    draws: Vec<Draw>,
    api: Mode,
    legacy: Mode,
    mirror: Mode,
    requests: Vec<String>,
}

type Shared = Arc<Mutex<Replay>>;

/// Counts a request to `source` and returns how it behaves and what it holds.
fn take(s: &Shared, source: &str) -> (Mode, Vec<Draw>) {
    let mut r = s.lock().unwrap();
    r.requests.push(source.into());
    let mode = match source {
        "api" => r.api,
        "legacy" => r.legacy,
        _ => r.mirror,
    };
    (mode, r.draws.clone())
}

/// A round number from a query parameter.
fn round_in(q: &[(String, String)], key: &str) -> u32 {
    q.iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
}

fn real() -> History {
    real_history(u32::MAX)
}

/// The real history and three more valid Saturdays.
fn published() -> Vec<Draw> {
    let h = real();
    let g = h.game().clone();
    let mut draws = h.draws().to_vec();
    let extra = [
        [3, 9, 14, 27, 38, 41],
        [1, 12, 19, 22, 30, 44],
        [6, 7, 18, 29, 35, 40],
    ];
    for (i, numbers) in extra.iter().enumerate() {
        let round = 1246 + i as u32;
        let date = Date::parse("2026-10-17")
            .unwrap()
            .add_days(7 * i as i64)
            .unwrap();
        let d = Draw::new(&g, round, date, numbers, &[45]).unwrap();
        draws.push(d);
    }
    draws
}

/// The order a replayed draw's numbers "came out": a fixed shuffle.
fn drawn_order(d: &Draw) -> Vec<u8> {
    let n = d.numbers().to_vec();
    vec![n[3], n[0], n[5], n[1], n[4], n[2]]
}

fn api_row(d: &Draw, mode: Mode) -> Value {
    let order = drawn_order(d);
    let mut row = json!({
        "ltEpsd": d.round(),
        "bnsWnNo": d.bonus().to_vec()[0],
        "ltRflYmd": d.date().to_string().replace('-', ""),
        "rlvtEpsdSumNtslAmt": d.total_sales().map(|m| m.get()),
        "wholEpsdSumNtslAmt": d.total_sales().map(|m| m.get()),
    });
    for (i, n) in order.iter().enumerate() {
        row[format!("tm{}WnNo", i + 1)] = json!(n);
    }
    if mode == Mode::Duplicate && d.round() == 1247 {
        row["tm2WnNo"] = row["tm1WnNo"].clone();
    }
    for r in d.results() {
        row[format!("rnk{}WnNope", r.rank)] = json!(r.winners);
        row[format!("rnk{}WnAmt", r.rank)] = json!(r.prize_each.get());
        row[format!("rnk{}SumWnAmt", r.rank)] = json!(r.winners * r.prize_each.get());
    }
    row
}

async fn misbehave(mode: Mode) -> Option<Response> {
    match mode {
        Mode::Html => Some(
            Html("<!DOCTYPE html><html><body>요청이 차단되었습니다</body></html>").into_response(),
        ),
        Mode::Slow => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Some(json!({"data": {"list": []}}).to_string().into_response())
        }
        Mode::Malformed => {
            Some("{\"resultCode\": \"0\", \"data\": {\"list\": [{\"ltEpsd\": 12".into_response())
        }
        Mode::Redirect => Some(
            (
                axum::http::StatusCode::FOUND,
                [(
                    axum::http::header::LOCATION,
                    "http://evil.example/draws.json",
                )],
            )
                .into_response(),
        ),
        Mode::Huge => Some(" ".repeat(3 * 1024 * 1024).into_response()),
        _ => None,
    }
}

async fn api(State(s): State<Shared>, Query(q): Query<Vec<(String, String)>>) -> Response {
    let (mode, draws) = take(&s, "api");
    if let Some(r) = misbehave(mode).await {
        return r;
    }
    let round = round_in(&q, "srchLtEpsd");
    let latest = draws.last().map_or(0, Draw::round);
    // Up to ten rows around the round, newest first; nothing for a future round.
    let list: Vec<Value> = if round > latest {
        vec![]
    } else {
        draws
            .iter()
            .rev()
            .filter(|d| d.round() + 4 >= round && d.round() <= round + 5)
            .filter(|d| !(mode == Mode::Gap && d.round() == 1247))
            .map(|d| api_row(d, mode))
            .collect()
    };
    json!({"resultCode": "0000", "resultMessage": "success", "data": {"list": list}})
        .to_string()
        .into_response()
}

async fn legacy(State(s): State<Shared>, Query(q): Query<Vec<(String, String)>>) -> Response {
    let (mode, draws) = take(&s, "legacy");
    if let Some(r) = misbehave(mode).await {
        return r;
    }
    let round = round_in(&q, "drwNo");
    let Some(d) = draws.iter().find(|d| d.round() == round) else {
        return json!({"returnValue": "fail"}).to_string().into_response();
    };
    let n = d.numbers().to_vec();
    let first = d.result(1);
    json!({
        "returnValue": "success", "drwNo": d.round(), "drwNoDate": d.date().to_string(),
        "drwtNo1": n[0], "drwtNo2": n[1], "drwtNo3": n[2], "drwtNo4": n[3], "drwtNo5": n[4], "drwtNo6": n[5],
        "bnusNo": d.bonus().to_vec()[0],
        "totSellamnt": d.total_sales().map(|m| m.get()),
        "firstWinamnt": first.map(|r| r.prize_each.get()),
        "firstPrzwnerCo": first.map(|r| r.winners),
    })
    .to_string()
    .into_response()
}

async fn mirror(State(s): State<Shared>, Path(file): Path<String>) -> Response {
    let (mode, draws) = take(&s, "mirror");
    if let Some(r) = misbehave(mode).await {
        return r;
    }
    let round: u32 = file.trim_end_matches(".json").parse().unwrap_or(0);
    let Some(d) = draws.iter().find(|d| d.round() == round) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let divisions: Vec<Value> = (1..=5)
        .map(|rank| match d.result(rank) {
            Some(r) if r.winners > 0 => json!({"prize": r.prize_each.get(), "winners": r.winners}),
            _ => json!({}),
        })
        .collect();
    json!({
        "draw_no": d.round(), "numbers": d.numbers().to_vec(), "bonus_no": d.bonus().to_vec()[0],
        "date": format!("{}T00:00:00Z", d.date()), "divisions": divisions,
        "total_sales_amount": d.total_sales().map(|m| m.get()), "winners_combination": {},
    })
    .to_string()
    .into_response()
}

/// Starts the replay server; returns its base URL and the shared state.
async fn replay(api_mode: Mode, legacy_mode: Mode, mirror_mode: Mode) -> (String, Shared) {
    let state = Arc::new(Mutex::new(Replay {
        draws: published(),
        api: api_mode,
        legacy: legacy_mode,
        mirror: mirror_mode,
        requests: vec![],
    }));
    let app = Router::new()
        .route("/lt645/selectPstLt645InfoNew.do", get(api))
        .route("/common.do", get(legacy))
        .route("/results/{file}", get(mirror))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}"), state)
}

pub(crate) fn config(base: &str, sources: &[DrawSource]) -> SyncConfig {
    SyncConfig {
        sources: sources.to_vec(),
        api_base: base.into(),
        legacy_base: base.into(),
        mirror_base: base.into(),
        timeout: Duration::from_millis(500),
        retries: 1,
        backoff: Duration::from_millis(10),
        delay: Duration::ZERO,
        to: None,
    }
}

/// A store holding the real history up to `up_to`.
fn store(name: &str, up_to: u32) -> Arc<Store> {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sync-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let s = Store::open(&dir.join("lp.db")).unwrap();
    s.add(&real_history(up_to)).unwrap();
    Arc::new(s)
}

async fn run(store: &Arc<Store>, config: SyncConfig) -> SyncReport {
    Syncer::new(config)
        .unwrap()
        .sync(store, &GameSpec::kr645())
        .await
        .unwrap()
}

fn stored(store: &Store) -> History {
    store.history(&GameSpec::kr645()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_source_brings_the_store_up_to_date_from_its_own_format() {
    let (base, _) = replay(Mode::Normal, Mode::Normal, Mode::Normal).await;
    let all = published();
    for source in [DrawSource::Api, DrawSource::Legacy, DrawSource::Mirror] {
        let s = store(source.as_str(), 1240);
        let r = run(&s, config(&base, &[source])).await;
        assert_eq!(r.added, (1241..=1248).collect::<Vec<_>>(), "{source:?}");
        assert_eq!(r.source, Some(source.as_str()));
        assert_eq!(r.latest_round, Some(1248));
        assert!(r.failures.is_empty(), "{:?}", r.failures);
        let h = stored(&s);
        assert_eq!(h.len(), 1248);
        for (got, want) in h.draws().iter().zip(&all) {
            assert_eq!(
                (got.round(), got.date(), got.numbers(), got.bonus()),
                (want.round(), want.date(), want.numbers(), want.bonus())
            );
        }
        // The official sources report what each rank paid.
        let r1243 = h.get(1243).unwrap();
        let real1243 = all.iter().find(|d| d.round() == 1243).unwrap();
        match source {
            DrawSource::Legacy => assert_eq!(r1243.result(1), real1243.result(1)),
            _ => assert_eq!(r1243.results(), real1243.results()),
        }
        // Only the 2026 endpoint gives the order the balls came out in.
        let order = s.draw_order(h.game(), 1241).unwrap();
        if source == DrawSource::Api {
            assert_eq!(order, Some(drawn_order(h.get(1241).unwrap())));
        } else {
            assert_eq!(order, None);
        }
        // Up to date: asking again adds nothing and is not a failure.
        let again = run(&s, config(&base, &[source])).await;
        assert_eq!(
            (again.added.len(), again.source, again.failed()),
            (0, Some(source.as_str()), false)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_window_and_a_future_round() {
    let (base, state) = replay(Mode::Normal, Mode::Normal, Mode::Normal).await;
    // The full real history, then the next rounds from the local server.
    let s = store("window", 1245);
    let r = run(&s, config(&base, &[DrawSource::Api])).await;
    assert_eq!(r.added, vec![1246, 1247, 1248]);
    let h = stored(&s);
    assert_eq!(h.len(), 1248);
    assert!(
        h.draws()
            .windows(2)
            .all(|w| w[1].round() == w[0].round() + 1
                && w[1].date().days_since_epoch() - w[0].date().days_since_epoch() == 7)
    );
    // One request for the window holding 1246..=1248, one that finds round 1249 empty.
    let asked = state.lock().unwrap().requests.len();
    assert_eq!(asked, 2, "one request per window");
    let r = run(&s, config(&base, &[DrawSource::Api])).await;
    assert_eq!((r.added.len(), r.latest_round), (0, Some(1248)));
}

async fn assert_refused(mode: Mode, source: DrawSource, reason: &str) {
    let modes = match source {
        DrawSource::Api => (mode, Mode::Normal, Mode::Normal),
        DrawSource::Legacy => (Mode::Normal, mode, Mode::Normal),
        DrawSource::Mirror => (Mode::Normal, Mode::Normal, mode),
    };
    let (base, _) = replay(modes.0, modes.1, modes.2).await;
    let s = store(&format!("refuse-{mode:?}-{}", source.as_str()), 1245);
    let before = stored(&s);
    let r = run(&s, config(&base, &[source])).await;
    assert!(r.failed(), "{mode:?}: {r:?}");
    assert!(r.added.is_empty());
    assert_eq!(r.failures.len(), 1);
    assert_eq!(r.failures[0].source, source.as_str());
    assert!(
        r.failures[0].reason.contains(reason),
        "{mode:?}: '{}' does not say '{reason}'",
        r.failures[0].reason
    );
    assert_eq!(stored(&s), before, "{mode:?}: the database is unchanged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_source_changes_nothing_and_says_why() {
    assert_refused(Mode::Html, DrawSource::Api, "HTML page instead of JSON").await;
    assert_refused(Mode::Slow, DrawSource::Api, "timed out").await;
    assert_refused(Mode::Malformed, DrawSource::Api, "malformed JSON").await;
    assert_refused(Mode::Duplicate, DrawSource::Api, "round 1247").await;
    assert_refused(Mode::Gap, DrawSource::Api, "round 1247 is missing").await;
    assert_refused(Mode::Html, DrawSource::Legacy, "HTML").await;
    assert_refused(Mode::Malformed, DrawSource::Mirror, "malformed").await;
    assert_refused(Mode::Redirect, DrawSource::Api, "a redirect; not followed").await;
    assert_refused(Mode::Huge, DrawSource::Api, "larger than 2097152 bytes").await;
}

#[test]
fn sources_are_https_or_a_local_stand_in() {
    let with = |base: &str| SyncConfig {
        api_base: base.into(),
        ..SyncConfig::default()
    };
    assert!(Syncer::new(with("https://www.dhlottery.co.kr")).is_ok());
    assert!(Syncer::new(with("http://127.0.0.1:8080")).is_ok());
    assert!(Syncer::new(with("http://[::1]:8080/x")).is_ok());
    let Err(e) = Syncer::new(with("http://draws.example")) else {
        panic!("plain http to another host is refused");
    };
    assert_eq!(e.field(), Some("LOTTOPRO_API_BASE"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failover_from_the_api_to_the_legacy_endpoint_to_the_mirror() {
    let (base, state) = replay(Mode::Html, Mode::Slow, Mode::Normal).await;
    let s = store("failover", 1245);
    let r = run(
        &s,
        config(
            &base,
            &[DrawSource::Api, DrawSource::Legacy, DrawSource::Mirror],
        ),
    )
    .await;
    assert_eq!(r.added, vec![1246, 1247, 1248]);
    assert_eq!(r.source, Some("mirror"));
    let failed: Vec<(&str, bool)> = r
        .failures
        .iter()
        .map(|f| {
            (
                f.source,
                f.reason.contains("HTML") || f.reason.contains("timed out"),
            )
        })
        .collect();
    assert_eq!(failed, vec![("api", true), ("legacy", true)]);
    assert_eq!(stored(&s).latest_round(), Some(1248));
    // The slow legacy endpoint was retried once before giving up.
    let legacy_asks = state
        .lock()
        .unwrap()
        .requests
        .iter()
        .filter(|r| *r == "legacy")
        .count();
    assert_eq!(legacy_asks, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_syncs_and_exports() {
    let (base, _) = replay(Mode::Normal, Mode::Normal, Mode::Normal).await;
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sync-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("lp.db").to_string_lossy().into_owned();
    let bin = env!("CARGO_BIN_EXE_lottopro");
    let out = tokio::process::Command::new(bin)
        .args([
            "import",
            &data_file("kr_lotto_645.csv"),
            "--prizes",
            &data_file("kr_lotto_645_prizes.csv"),
            "--db",
            &db,
        ])
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    // The exported CSV is the file it was imported from, byte for byte.
    let out = tokio::process::Command::new(bin)
        .args(["export", "--db", &db, "--format", "csv"])
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        out.stdout,
        std::fs::read(data_file("kr_lotto_645.csv")).unwrap()
    );
    let out = tokio::process::Command::new(bin)
        .args([
            "sync",
            "--db",
            &db,
            "--sources",
            "api",
            "--api-base",
            &base,
            "--delay",
            "0",
            "--to",
            "1247",
            "--json",
        ])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["added"], json!([1246, 1247]));
    assert_eq!(v["source"], "api");
    assert_eq!(v["latest_round"], 1247);
    // Every source failing is exit code 1, with the reasons.
    let out = tokio::process::Command::new(bin)
        .args([
            "sync",
            "--db",
            &db,
            "--sources",
            "legacy",
            "--legacy-base",
            "http://127.0.0.1:9",
            "--delay",
            "0",
            "--timeout",
            "0.5",
            "--json",
        ])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["failures"][0]["source"], "legacy");
    assert_eq!(v["latest_round"], 1247);
    let out = tokio::process::Command::new(bin)
        .args(["export", "--db", &db, "--format", "json"])
        .output()
        .await
        .unwrap();
    let exported: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(exported.as_array().unwrap().len(), 1247);
    let out = tokio::process::Command::new(bin)
        .args(["sync", "--db", &db, "--sources", "ftp"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sources"));
}

/// `POST /admin/sync` adds the new rounds, moves the engine onto them and
/// scores the predictions made for them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_syncs_on_request_and_scores_predictions() {
    use axum::body::Body;
    use axum::http::{Request, header};
    use http_body_util::BodyExt;
    use lottopro_http::app::{AppState, Options, app};
    use tower::ServiceExt;

    let (base, _) = replay(Mode::Normal, Mode::Normal, Mode::Normal).await;
    let s = store("service", 1245);
    let engine = Arc::new(lottopro_core::Engine::new(stored(&s)));
    let token = "admin-token-for-tests-0123456789";
    let state = AppState::with_options(
        engine,
        Some(s.clone()),
        Options {
            admin_token: Some(token.into()),
            sync: config(&base, &[DrawSource::Api]),
            ..Options::default()
        },
    );
    let router = app(state);
    let send = |req: Request<Body>| {
        let router = router.clone();
        async move {
            let resp = router.oneshot(req).await.unwrap();
            let status = resp.status();
            let bytes = resp.into_body().collect().await.unwrap().to_bytes();
            (
                status,
                serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null),
            )
        }
    };
    let (status, p) = send(
        Request::post("/api/predict")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"count": 2, "seed": 3}"#))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["target_round"], 1246);
    let client = p["token"].as_str().unwrap().to_owned();
    let (status, _) = send(Request::post("/admin/sync").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, r) = send(
        Request::post("/admin/sync")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["added"], json!([1246, 1247, 1248]));
    let (_, latest) = send(
        Request::get("/api/draws/latest")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(latest["round"], 1248);
    let (_, listed) = send(
        Request::get("/api/predictions")
            .header("x-client-token", &client)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(listed["predictions"][0]["score"]["round"], 1246, "{listed}");
    assert_eq!(listed["scored_tickets"], 2);
}
