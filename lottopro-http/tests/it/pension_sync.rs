//! `sync` of Pension Lottery 720+ against a local stand-in that replays the
//! official results endpoint (`/pt720/selectPstPt720WnList.do`): every round
//! in one answer, newest first, from the bundled history plus two synthetic
//! but valid Thursdays after it (328, 329).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use http_body_util::BodyExt;
use lottopro_core::pension::{self, Digits, Group, PensionDraw, PensionHistory};
use lottopro_core::{Date, Engine};
use lottopro_http::app::{AppState, app};
use lottopro_http::store::Store;
use lottopro_http::sync::{DrawSource, SyncConfig, SyncReport, Syncer};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::common::real_history;
use crate::sync::config;

/// How the stand-in answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    /// An HTML page with status 200.
    Html,
    /// Cut-off JSON.
    Malformed,
    /// Round 300 answered with other digits than were drawn.
    Rewritten,
    /// Round 328 left out.
    Gap,
    /// Round 328 on a Wednesday.
    Wednesday,
    /// Round 329's digits as a JSON number.
    NumberDigits,
    /// `{"data": {"result": []}}`.
    Empty,
}

struct Replay {
    mode: Mode,
    referers: Vec<String>,
}

type Shared = Arc<Mutex<Replay>>;

/// The bundled history and two more valid Thursdays.
fn published() -> Vec<PensionDraw> {
    let mut draws = pension::bundled().draws().to_vec();
    let next = |round: u32, date: &str, group: u8, digits: u32, bonus: u32| {
        PensionDraw::new(
            round,
            Date::parse(date).unwrap(),
            Group::new(group).unwrap(),
            Digits::new(digits).unwrap(),
            Digits::new(bonus).unwrap(),
        )
        .unwrap()
    };
    draws.push(next(328, "2026-08-13", 2, 40_517, 903_118));
    draws.push(next(329, "2026-08-20", 5, 771_204, 6_009));
    draws
}

fn row(d: &PensionDraw, mode: Mode) -> Value {
    let mut date = d.date().to_string().replace('-', "");
    let mut digits = json!(d.digits().to_string());
    if mode == Mode::Wednesday && d.round() == 328 {
        date = "20260812".into();
    }
    if mode == Mode::Rewritten && d.round() == 300 {
        digits = json!("123456");
    }
    if mode == Mode::NumberDigits && d.round() == 329 {
        digits = json!(d.digits().get());
    }
    json!({
        "psltEpsd": d.round(),
        "psltRflYmd": date,
        "wnBndNo": d.group().to_string(),
        "wnRnkVl": digits,
        "bnsRnkVl": d.bonus().to_string(),
    })
}

async fn endpoint(State(s): State<Shared>, headers: HeaderMap) -> Response {
    let mode = {
        let mut r = s.lock().unwrap();
        let referer = headers
            .get("referer")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        r.referers.push(referer.to_owned());
        r.mode
    };
    let rows: Vec<Value> = published()
        .iter()
        .rev()
        .filter(|d| !(mode == Mode::Gap && d.round() == 328))
        .map(|d| row(d, mode))
        .collect();
    match mode {
        Mode::Html => {
            Html("<!DOCTYPE html><html><body>요청이 차단되었습니다</body></html>").into_response()
        }
        Mode::Malformed => "{\"data\": {\"result\": [{\"psltEpsd\": 32".into_response(),
        Mode::Empty => json!({"data": {"result": []}}).to_string().into_response(),
        _ => json!({"resultCode": null, "resultMessage": null, "data": {"result": rows}})
            .to_string()
            .into_response(),
    }
}

async fn replay(mode: Mode) -> (String, Shared) {
    let state = Arc::new(Mutex::new(Replay {
        mode,
        referers: vec![],
    }));
    let app = Router::new()
        .route("/pt720/selectPstPt720WnList.do", get(endpoint))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}"), state)
}

fn store(name: &str) -> Arc<Store> {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("pension-sync-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    Arc::new(Store::open(&dir.join("lp.db")).unwrap())
}

async fn run(store: &Arc<Store>, config: SyncConfig) -> SyncReport {
    Syncer::new(config)
        .unwrap()
        .sync_pension(store)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_replayed_endpoint_extends_the_720_history() {
    let (base, state) = replay(Mode::Normal).await;
    let s = store("normal");
    let r = run(&s, config(&base, &[DrawSource::Api])).await;
    assert_eq!(
        (r.added.clone(), r.source, r.latest_round),
        (vec![328, 329], Some("api"), Some(329)),
        "{r:?}"
    );
    assert!(r.failures.is_empty());
    let h: PensionHistory = s.pension_history().unwrap();
    assert_eq!(h.draws(), &published()[..]);
    assert_eq!(h.require(329).unwrap().bonus().to_string(), "006009");
    assert_eq!(
        state.lock().unwrap().referers,
        vec!["https://www.dhlottery.co.kr/pt720/result".to_owned()]
    );
    // Up to date: asking again adds nothing and is not a failure.
    let again = run(&s, config(&base, &[DrawSource::Api])).await;
    assert_eq!(
        (again.added.len(), again.source, again.failed()),
        (0, Some("api"), false)
    );
    // Lotto's draws are another game's: untouched.
    assert!(
        s.history(&lottopro_core::GameSpec::kr645())
            .unwrap()
            .is_empty()
    );

    // The service serves what sync stored.
    let app_state = AppState::new(Arc::new(Engine::new(real_history(5))), None);
    app_state.set_pension(h);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/pension/check")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({"ticket": "2조 040517", "round": 328}).to_string(),
        ))
        .unwrap();
    let resp = app(app_state).oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["rank"], "first");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_answer_is_refused_and_nothing_is_stored() {
    for (mode, reason) in [
        (Mode::Html, "HTML page instead of JSON"),
        (Mode::Malformed, "malformed JSON"),
        (Mode::Empty, "the result list is empty"),
        (
            Mode::Rewritten,
            "round 300: the answer differs from the stored draw",
        ),
        (Mode::Gap, "round 328 is missing"),
        (Mode::Wednesday, "round 328: 2026-08-12 is not a Thursday"),
        (Mode::NumberDigits, "round 329: wnRnkVl"),
    ] {
        let (base, _) = replay(mode).await;
        let s = store(&format!("{mode:?}"));
        let r = run(&s, config(&base, &[DrawSource::Api, DrawSource::Mirror])).await;
        assert!(r.failed() && r.added.is_empty(), "{mode:?}: {r:?}");
        let reasons: Vec<(&str, &str)> = r
            .failures
            .iter()
            .map(|f| (f.source, f.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), 2, "{mode:?}: {reasons:?}");
        assert!(
            reasons[0].0 == "api" && reasons[0].1.contains(reason),
            "{mode:?}: {reasons:?}"
        );
        assert_eq!(
            reasons[1],
            ("mirror", "the mirror source publishes no 720+ results")
        );
        // Only the bundled history, which an empty store takes first.
        assert_eq!(s.pension_history().unwrap(), pension::bundled(), "{mode:?}");
        assert_eq!(r.latest_round, Some(327));
    }
}

#[test]
fn the_command_line_syncs_720_from_the_stand_in() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (base, _) = runtime.block_on(replay(Mode::Normal));
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("pension-sync-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("lp.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lottopro"))
        .args([
            "sync",
            "--game",
            "kr720",
            "--sources",
            "api",
            "--delay",
            "0",
            "--json",
        ])
        .args(["--db", db.to_str().unwrap(), "--api-base", &base])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["added"].clone(), v["latest_round"].clone()),
        (json!([328, 329]), json!(329))
    );
    drop(runtime);
}

/// The service's own sync (what its Thursday schedule runs): the new rounds
/// are served at once, and a second replica on the same store picks them up
/// from the store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_serves_the_720_rounds_its_sync_stores() {
    let (base, _) = replay(Mode::Normal).await;
    let s = store("service");
    let options = lottopro_http::app::Options {
        sync: config(&base, &[DrawSource::Api]),
        ..Default::default()
    };
    let engine = || Arc::new(Engine::new(real_history(5)));
    let leader = AppState::with_options(engine(), Some(s.clone()), options);
    let follower = AppState::new(engine(), Some(s.clone()));
    let bundled = pension::bundled().len();
    assert_eq!(leader.pension().len(), bundled);

    let r = lottopro_http::server::sync_pension_now(&leader)
        .await
        .unwrap();
    assert_eq!(r.added, vec![328, 329]);
    assert_eq!(leader.pension().latest().map(PensionDraw::round), Some(329));

    assert_eq!(follower.pension().len(), bundled);
    let following = tokio::spawn(lottopro_http::server::follow_store(
        follower.clone(),
        std::time::Duration::from_millis(50),
    ));
    for _ in 0..100 {
        if follower.pension().len() > bundled {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    following.abort();
    assert_eq!(
        follower.pension().latest().map(PensionDraw::round),
        Some(329)
    );
}
