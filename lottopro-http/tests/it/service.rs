//! The service around the API: prediction history, rate limits, admin
//! routes, metrics, QR codes, the OpenAPI document and the dashboard, all
//! through one router built once per test (as `lottopro serve` builds it).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use lottopro_core::{Engine, GameSpec, History};
use lottopro_http::app::{AppState, Options, app, openapi};
use lottopro_http::config::Rate;
use lottopro_http::store::Store;
use lottopro_http::telemetry::monitor;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::common::real_history;

const ADMIN: &str = "admin-token-for-tests-0123456789";

fn temp_store(name: &str) -> Arc<Store> {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("service-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    Arc::new(Store::open(&dir.join("lp.db")).unwrap())
}

fn options() -> Options {
    Options {
        admin_token: Some(ADMIN.into()),
        ..Options::default()
    }
}

/// One router, as a running service has.
struct Service {
    router: Router,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
    fn header(&self, name: header::HeaderName) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }
    fn content_type(&self) -> String {
        self.header(header::CONTENT_TYPE)
    }
}

impl Service {
    fn new(history: History, store: Option<Arc<Store>>, options: Options) -> Service {
        let engine = monitor::instrumented(Engine::builder(history)).build();
        let state = AppState::with_options(Arc::new(engine), store, options);
        state.sample_system(&std::env::temp_dir());
        Service { router: app(state) }
    }

    async fn send(&self, req: Request<Body>) -> Answer {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Answer {
            status,
            headers,
            bytes,
        }
    }

    async fn get(&self, uri: &str, headers: &[(&str, &str)]) -> Answer {
        let mut req = Request::get(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    async fn post_json(&self, uri: &str, body: &Value, headers: &[(&str, &str)]) -> Answer {
        let mut req = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }

    async fn post_form(&self, uri: &str, form: &str, headers: &[(&str, &str)]) -> Answer {
        let mut req =
            Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(form.to_owned())).unwrap())
            .await
    }
}

impl Service {
    /// A multipart form post (as a browser sends a form with a file):
    /// each part is a name, a file name for files, and the bytes.
    async fn post_multipart(
        &self,
        uri: &str,
        parts: &[(&str, Option<&str>, &[u8])],
        headers: &[(&str, &str)],
    ) -> Answer {
        let boundary = "lottopro-test-boundary-7f3a";
        let mut body = Vec::new();
        for (name, file, bytes) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file {
                Some(f) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut req = Request::post(uri).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }
}

/// The token cookie a response set, as the next request sends it.
fn token_cookie(a: &Answer) -> String {
    let c = a.header(header::SET_COOKIE);
    assert!(c.starts_with("lottopro_token="), "{c}");
    c.split(';').next().unwrap().to_owned()
}

fn assert_problem(a: &Answer, status: StatusCode, field: Option<&str>) {
    assert_eq!(a.status, status, "{}", a.text());
    assert_eq!(a.content_type(), "application/problem+json");
    let v = a.json();
    assert_eq!(v["status"], status.as_u16());
    if let Some(f) = field {
        assert_eq!(v["field"], f, "{v}");
    }
    assert!(v["detail"].as_str().is_some_and(|d| !d.is_empty()));
}

#[tokio::test]
async fn predictions_are_kept_and_scored_once_their_round_is_drawn() {
    let store = temp_store("history");
    let before = real_history(1244);
    store.add(&before).unwrap();
    let s = Service::new(before, Some(store.clone()), options());
    let a = s
        .post_json(
            "/api/predict",
            &json!({"model": "trend", "count": 3, "seed": 7, "user_numbers": [12]}),
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let v = a.json();
    assert_eq!(v["target_round"], 1245);
    let token = v["token"].as_str().unwrap().to_owned();
    assert_eq!(a.header("x-client-token".parse().unwrap()), token);
    assert!(a.header(header::SET_COOKIE).starts_with("lottopro_token="));
    let tickets: Vec<Vec<u64>> = v["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            t["numbers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_u64().unwrap())
                .collect()
        })
        .collect();
    assert!(tickets.iter().all(|t| t.contains(&12)));

    // Not drawn yet: listed without a score; other clients see nothing.
    let listed = s
        .get("/api/predictions", &[("x-client-token", &token)])
        .await
        .json();
    assert_eq!(listed["predictions"].as_array().unwrap().len(), 1);
    assert_eq!(listed["predictions"][0]["target_round"], 1245);
    assert!(listed["predictions"][0]["score"].is_null());
    assert_eq!(listed["chance_mean_matches"], 0.8);
    let other = s
        .get(
            "/api/predictions",
            &[("x-client-token", "0123456789abcdef0123456789abcdef")],
        )
        .await
        .json();
    assert!(other["predictions"].as_array().unwrap().is_empty());

    // Round 1245 arrives: the prediction is scored against it.
    let full = real_history(1245);
    assert_eq!(store.add(&full).unwrap(), vec![1245]);
    let listed = s
        .get("/api/predictions", &[("x-client-token", &token)])
        .await
        .json();
    let score = &listed["predictions"][0]["score"];
    assert_eq!(score["round"], 1245);
    let drawn: Vec<u64> = score["draw"]["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    let want: Vec<u64> = full
        .get(1245)
        .unwrap()
        .numbers()
        .to_vec()
        .into_iter()
        .map(u64::from)
        .collect();
    assert_eq!(drawn, want);
    for (i, t) in tickets.iter().enumerate() {
        let matches = t.iter().filter(|n| drawn.contains(n)).count() as u64;
        assert_eq!(score["tickets"][i]["matches"], matches, "ticket {i}");
    }
    assert_eq!(listed["scored_tickets"], 3);
}

/// Two replicas configured with one Redis share each client's allowance:
/// 5 predictions a minute across both, then 429 with `Retry-After`; with
/// Redis gone each falls back to its own buckets and says so, and shares
/// again once it is back.
#[tokio::test]
async fn replicas_share_one_allowance_through_redis() {
    let Some((port, redis)) = crate::common::redis_server() else {
        eprintln!(
            "SKIPPED replicas_share_one_allowance_through_redis: redis-server is not installed (.ci/run installs it)"
        );
        return;
    };
    let url = format!("redis://127.0.0.1:{port}/0");
    let replica = || {
        Service::new(
            real_history(1245),
            None,
            Options {
                predict_limit: Some(Rate {
                    count: 5,
                    period: Duration::from_secs(60),
                }),
                shared_limits: Some(url.clone()),
                ..options()
            },
        )
    };
    let (a, b) = (replica(), replica());
    let body = json!({"count": 1, "seed": 1});
    let mut ok = 0;
    let mut refused = Vec::new();
    for i in 0..12 {
        let r = if i % 2 == 0 { &a } else { &b }
            .post_json("/api/predict", &body, &[])
            .await;
        match r.status {
            StatusCode::OK => ok += 1,
            StatusCode::TOO_MANY_REQUESTS => refused.push(r),
            other => panic!("{other}: {}", r.text()),
        }
    }
    assert_eq!(ok, 5, "five across both replicas");
    for r in &refused {
        let retry: u64 = r.header(header::RETRY_AFTER).parse().unwrap();
        assert!(
            (1..=12).contains(&retry),
            "one request back every 12 s: {retry}"
        );
    }
    let bearer = format!("Bearer {ADMIN}");
    let auth = [("authorization", bearer.as_str())];
    let perf = a.get("/admin/performance", &auth).await.json();
    assert_eq!(perf["rate_limits"]["buckets"], "redis", "{perf}");

    // Redis goes away: each replica decides alone, and says so. Its own
    // buckets were charged all along: the outage hands out no fresh allowance.
    drop(redis);
    let r = a.post_json("/api/predict", &body, &[]).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "no fresh allowance"
    );
    let st = a.get("/admin/performance", &auth).await.json()["rate_limits"].clone();
    assert!(
        st["buckets"].as_str().unwrap().starts_with("per-replica"),
        "{st}"
    );
    assert!(st["fallbacks"].as_u64().unwrap() >= 1);
    // Back on the same port: once the limiter's backoff (1 s after the
    // first failure, doubling after each further one) has passed, checks
    // are shared again, and the restarted Redis holds a fresh allowance.
    let _redis = crate::common::redis_server_on(port).expect("redis-server restarts");
    let back = std::time::Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let status = a.post_json("/api/predict", &body, &[]).await.status;
        if status == StatusCode::OK {
            break;
        }
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(
            back.elapsed() < Duration::from_secs(15),
            "still refused 15 s after Redis came back"
        );
    }
    let st = a.get("/admin/performance", &auth).await.json()["rate_limits"].clone();
    assert_eq!(st["buckets"], "redis", "{st}");
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let store = temp_store("limits");
    let hour = Duration::from_secs(3600);
    let s = Service::new(
        real_history(1245),
        Some(store),
        Options {
            predict_limit: Some(Rate {
                count: 2,
                period: hour,
            }),
            save_limit: Some(Rate {
                count: 1,
                period: hour,
            }),
            ..options()
        },
    );
    let body = json!({"count": 1, "seed": 1});
    for _ in 0..2 {
        assert_eq!(
            s.post_json("/api/predict", &body, &[]).await.status,
            StatusCode::OK
        );
    }
    let refused = s.post_json("/api/predict", &body, &[]).await;
    assert_problem(&refused, StatusCode::TOO_MANY_REQUESTS, None);
    let retry: u64 = refused.header(header::RETRY_AFTER).parse().unwrap();
    assert!((1..=1800).contains(&retry), "Retry-After {retry}");
    // The dashboard's prediction form spends the same allowance.
    let ui = s
        .post_form("/ui/predict", "model=frequency&count=1", &[])
        .await;
    assert_eq!(ui.status, StatusCode::TOO_MANY_REQUESTS);
    // So does every route that computes for a while: the allowance is
    // spent before any work starts.
    for path in [
        "/api/backtest?model=random&warmup=1200",
        "/api/popularity/evaluation",
        "/api/popularity/distribution",
    ] {
        let r = s.get(path, &[]).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{path}");
        assert!(!r.header(header::RETRY_AFTER).is_empty(), "{path}");
    }
    let ui = s
        .post_form("/ui/simulate", "tickets_per_draw=1&years=1&trials=10", &[])
        .await;
    assert_eq!(
        ui.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the dashboard's simulation"
    );
    // Other routes are not limited.
    assert_eq!(s.get("/api/stats", &[]).await.status, StatusCode::OK);

    // Saves: one allowed, the second refused; reading is never limited.
    let save = json!({"ticket": "1 2 3 4 5 6"});
    let first = s.post_json("/api/numbers", &save, &[]).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let token = first.json()["token"].as_str().unwrap().to_owned();
    let second = s
        .post_json("/api/numbers", &save, &[("x-client-token", &token)])
        .await;
    assert_problem(&second, StatusCode::TOO_MANY_REQUESTS, None);
    assert!(!second.header(header::RETRY_AFTER).is_empty());
    for _ in 0..3 {
        let listed = s.get("/api/numbers", &[("x-client-token", &token)]).await;
        assert_eq!(listed.status, StatusCode::OK);
        assert_eq!(listed.json()["numbers"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn admin_routes_need_the_bearer_token() {
    let s = Service::new(real_history(1245), None, options());
    s.get("/api/stats", &[]).await;
    s.get("/api/odds?game=moon", &[]).await;
    let routes = [
        (Method::GET, "/admin/performance"),
        (Method::GET, "/admin/performance/export?format=csv"),
        (Method::GET, "/admin/cache/info"),
        (Method::POST, "/admin/cache/clear"),
    ];
    let wrong = format!("Bearer {}x", ADMIN);
    let prefix = format!("Bearer {}", &ADMIN[..ADMIN.len() - 1]);
    let with_query = format!("?token={ADMIN}");
    for (method, uri) in &routes {
        for auth in [
            None,
            Some(wrong.as_str()),
            Some(prefix.as_str()),
            Some("Basic YWRtaW4="),
        ] {
            let mut req = Request::builder().method(method.clone()).uri(*uri);
            if let Some(a) = auth {
                req = req.header(header::AUTHORIZATION, a);
            }
            let a = s.send(req.body(Body::empty()).unwrap()).await;
            assert_problem(&a, StatusCode::UNAUTHORIZED, None);
            assert!(a.header(header::WWW_AUTHENTICATE).starts_with("Bearer"));
        }
        // Never through a query string.
        let uri_q = if uri.contains('?') {
            format!("{uri}&token={ADMIN}")
        } else {
            format!("{uri}{with_query}")
        };
        let req = Request::builder().method(method.clone()).uri(uri_q);
        let a = s.send(req.body(Body::empty()).unwrap()).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let auth = format!("Bearer {ADMIN}");
    let h = [("authorization", auth.as_str())];
    let perf = s.get("/admin/performance", &h).await;
    assert_eq!(perf.status, StatusCode::OK, "{}", perf.text());
    let v = perf.json();
    let names: Vec<&str> = v["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"GET /api/stats"), "{names:?}");
    assert!(names.contains(&"GET /api/odds"), "{names:?}");
    assert!(v["requests"].as_u64().unwrap() >= 2);
    assert_eq!(v["thresholds"]["response_time_secs"], 10.0);
    let ops = v["engine"]["operations"].as_array().unwrap();
    assert!(
        ops.iter().any(|o| o["name"] == "stats" && o["count"] == 1),
        "{ops:?}"
    );

    let csv = s.get("/admin/performance/export?format=csv", &h).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type().starts_with("text/csv"));
    let text = csv.text();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("start,requests,client_errors,server_errors,mean_ms,max_ms")
    );
    let total: u64 = lines
        .map(|l| l.split(',').nth(1).unwrap().parse::<u64>().unwrap())
        .sum();
    assert!(total >= 3, "the series counts the requests so far: {text}");
    let js = s.get("/admin/performance/export", &h).await.json();
    assert_eq!(js["bucket_secs"], 10);
    let reading = &js["system"][0];
    assert!(
        reading["memory_percent"].as_f64().unwrap() > 0.0,
        "{reading}"
    );
    assert!(reading["process_rss_bytes"].as_u64().unwrap() > 1_000_000);
    let sys = s
        .get("/admin/performance/export?format=csv&series=system", &h)
        .await
        .text();
    assert!(sys.starts_with("at,cpu_percent,memory_percent,"));
    assert!(sys.lines().count() >= 2, "{sys}");
    assert_problem(
        &s.get("/admin/performance/export?format=csv&series=disk", &h)
            .await,
        StatusCode::BAD_REQUEST,
        Some("series"),
    );
    assert!(perf.json()["system"]["process_rss_bytes"].as_u64().unwrap() > 0);
    assert_problem(
        &s.get("/admin/performance/export?format=xml", &h).await,
        StatusCode::BAD_REQUEST,
        Some("format"),
    );

    let info = s.get("/admin/cache/info", &h).await.json();
    assert!(
        info["cache"]["tiers"][0]["entries"].as_u64().unwrap() >= 1,
        "{info}"
    );
    let cleared = s
        .send(
            Request::post("/admin/cache/clear")
                .header(header::AUTHORIZATION, &auth)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(cleared.json()["cleared"], true);
    let info = s.get("/admin/cache/info", &h).await.json();
    assert_eq!(info["cache"]["tiers"][0]["entries"], 0, "{info}");

    // Without ADMIN_TOKEN the admin routes are off.
    let off = Service::new(real_history(10), None, Options::default());
    assert_problem(
        &off.get("/admin/performance", &h).await,
        StatusCode::UNAUTHORIZED,
        None,
    );
}

#[tokio::test]
async fn metrics_are_prometheus_text_labelled_by_route() {
    let s = Service::new(real_history(200), None, options());
    s.get("/api/draws/150", &[]).await;
    s.get("/api/draws/99999", &[]).await;
    s.get("/api/stats", &[]).await;
    assert_eq!(
        s.get("/metrics", &[]).await.status,
        StatusCode::UNAUTHORIZED,
        "operators' figures need the admin token"
    );
    let auth = format!("Bearer {ADMIN}");
    let m = s.get("/metrics", &[("authorization", &auth)]).await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.content_type().starts_with("text/plain"));
    let text = m.text();
    // Labelled by the matched route, never the raw path.
    assert!(
        text.contains(
            r#"lottopro_http_requests_total{method="GET",route="/api/draws/{round}",status="2xx"}"#
        ),
        "{text}"
    );
    assert!(text.contains(
        r#"lottopro_http_requests_total{method="GET",route="/api/draws/{round}",status="4xx"}"#
    ));
    assert!(!text.contains("/api/draws/150"));
    assert!(text.contains("lottopro_http_request_duration_seconds_bucket"));
    assert!(
        text.contains(r#"lottopro_engine_operation_duration_seconds_bucket{operation="stats""#)
            || text.contains("lottopro_cache_lookups_total")
    );
    // The latest draw, for the rule that alerts when a Saturday draw is not
    // stored by the end of Sunday: round 200 was drawn on 2006-09-30.
    assert!(text.contains("lottopro_latest_round 200\n"), "{text}");
    let at = lottopro_core::Date::parse("2006-09-30")
        .unwrap()
        .days_since_epoch()
        * 86_400
        + 42_300;
    assert!(
        text.contains(&format!("lottopro_latest_draw_timestamp_seconds {at}\n")),
        "{text}"
    );
}

#[tokio::test]
async fn qr_codes_come_as_svg_or_png() {
    let s = Service::new(History::empty(GameSpec::kr645()), None, options());
    let svg = s
        .get("/api/qr?numbers=3%2011%2017%2025%2033%2041&round=1246", &[])
        .await;
    assert_eq!(svg.status, StatusCode::OK, "{}", svg.text());
    assert_eq!(svg.content_type(), "image/svg+xml");
    assert!(svg.text().contains("<svg"));
    let png = s
        .get(
            "/api/qr?numbers=3,11,17,25,33,41;1,2,3,4,5,6&format=png",
            &[],
        )
        .await;
    assert_eq!(png.content_type(), "image/png");
    assert_eq!(&png.bytes[..8], b"\x89PNG\r\n\x1a\n");
    let six = ["1 2 3 4 5 6"; 6].join(";");
    assert_problem(
        &s.get(&format!("/api/qr?numbers={}", six.replace(' ', "+")), &[])
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("numbers"),
    );
    for bad in ["1+2+3+4+5+46", "1+2+3+4+5", "1+1+2+3+4+5", "x"] {
        let a = s.get(&format!("/api/qr?numbers={bad}"), &[]).await;
        assert_problem(&a, StatusCode::BAD_REQUEST, None);
    }
    assert_problem(
        &s.get("/api/qr?numbers=1+2+3+4+5+6&format=gif", &[]).await,
        StatusCode::BAD_REQUEST,
        Some("format"),
    );
    assert_problem(
        &s.get("/api/qr", &[]).await,
        StatusCode::BAD_REQUEST,
        Some("query"),
    );
}

/// Every route in the OpenAPI document is served by the router, and every
/// endpoint the service promises is in the document.
#[tokio::test]
async fn the_openapi_document_matches_the_router() {
    let doc = openapi(&lottopro_core::GameSpec::kr645());
    let paths = doc["paths"].as_object().unwrap();
    let store = temp_store("openapi");
    let s = Service::new(real_history(1245), Some(store), options());
    let auth = format!("Bearer {ADMIN}");
    let mut seen = Vec::new();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let uri = path.replace("{round}", "1245").replace("{id}", "1");
            let m: Method = method.to_uppercase().parse().unwrap();
            let req = Request::builder()
                .method(m.clone())
                .uri(&uri)
                .header(header::AUTHORIZATION, &auth)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let a = s.send(req).await;
            // A route the router lacks is a bare 404 or 405 without a problem body.
            let unrouted = matches!(
                a.status,
                StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
            ) && a.content_type() != "application/problem+json";
            assert!(
                !unrouted,
                "{m} {uri} is documented but not routed ({})",
                a.status
            );
            seen.push(format!("{} {path}", m.as_str()));
        }
    }
    for promised in [
        "POST /api/predict",
        "GET /api/stats",
        "GET /api/health",
        "GET /api/odds",
        "POST /api/tax",
        "POST /api/check",
        "POST /api/simulate",
        "GET /api/backtest",
        "GET /api/draws",
        "GET /api/draws/latest",
        "GET /api/draws/{round}",
        "POST /api/numbers",
        "GET /api/numbers",
        "DELETE /api/numbers/{id}",
        "GET /api/predictions",
        "GET /api/qr",
        "GET /admin/performance",
        "GET /admin/cache/info",
        "POST /admin/cache/clear",
        "GET /admin/performance/export",
        "GET /metrics",
        "GET /openapi.json",
        "GET /",
    ] {
        assert!(
            seen.contains(&promised.to_owned()),
            "{promised} is not documented"
        );
    }
    // The document the service serves is this one.
    let served = s.get("/openapi.json", &[]).await.json();
    assert_eq!(served, doc);
    assert!(doc["components"]["securitySchemes"]["admin"].is_object());
    // A route nobody documented is not served.
    assert_eq!(
        s.get("/api/secret", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_dashboard_renders_charts_and_answers_its_forms() {
    let store = temp_store("dashboard");
    let s = Service::new(real_history(1245), Some(store), options());
    let page = s.get("/stats?lang=en", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type().starts_with("text/html"));
    let csp = page.header(header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(page.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(page.header(header::REFERRER_POLICY), "no-referrer");
    let html = page.text();
    assert!(html.contains(r#"<svg id="frequency-chart""#));
    // The statistics beyond frequency, each beside chance: carry-over
    // numbers, companion pairs (the top one read against the largest of
    // all 990) with their heat map, and the patterns.
    for want in [
        "Carry-over numbers",
        "largest of all 990",
        r#"<svg id="pairs-chart""#,
        "Odd numbers",
        "Draws with two consecutive numbers",
    ] {
        assert!(html.contains(want), "{want}");
    }
    assert_eq!(html.matches(r#"<rect class="bar b"#).count(), 45);
    assert!(!html.contains("<script>"), "no inline script");
    assert!(html.contains("1245"));
    // The window selector: every figure over the latest 100 draws only.
    let recent = s.get("/stats?last=100&lang=en", &[]).await.text();
    assert!(recent.contains("100 draws (Round 1146–1245)"), "{recent}");
    assert!(recent.contains(r#"<option value="100" selected>"#));
    let bad = s.get("/stats?last=0", &[]).await;
    assert_problem(&bad, StatusCode::BAD_REQUEST, Some("last"));
    // One row per model, each with its backtest line.
    let html = s.get("/predict?lang=en", &[]).await.text();
    assert_eq!(html.matches("mean matches").count(), 7, "{html}");
    let ko = s
        .get("/stats", &[("accept-language", "ko-KR,ko;q=0.9")])
        .await
        .text();
    assert!(ko.contains("번호별 출현 횟수") && ko.contains(r#"lang="ko""#));

    let p = s
        .post_form(
            "/ui/predict?lang=en",
            "model=statistical&count=4&include=7+13&exclude=1",
            &[],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text());
    let frag = p.text();
    assert_eq!(frag.matches("<details>").count(), 4, "{frag}");
    assert!(frag.contains("for round 1246") && frag.contains("mean matches"));
    // Each ticket says why it holds each number, in the page's language.
    assert!(
        frag.contains("(gap z ") && frag.contains("included by you"),
        "{frag}"
    );
    let ko = s
        .post_form("/ui/predict?lang=ko", "model=frequency&count=1", &[])
        .await
        .text();
    assert!(ko.contains("회 출현 (확률상 기대"), "{ko}");
    assert!(p.header(header::SET_COOKIE).starts_with("lottopro_token="));
    let bad = s
        .post_form("/ui/predict?lang=en", "model=frequency&include=46", &[])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("class=\"error\""));
    let bad = s.post_form("/ui/predict", "model=oracle", &[]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let c = s
        .post_form(
            "/ui/check?lang=en",
            "ticket=4+5+25+28+32+12&round=1245",
            &[],
        )
        .await;
    assert!(
        c.text().contains("Rank 2") && c.text().contains("55,064,392"),
        "{}",
        c.text()
    );
    let t = s
        .post_form("/ui/tax?lang=en", "amount=1%2C000%2C000%2C000", &[])
        .await;
    assert!(t.text().contains("296,999,670"), "{}", t.text());
    let t = s.post_form("/ui/tax?lang=en", "amount=-5", &[]).await;
    assert_eq!(t.status, StatusCode::BAD_REQUEST);
    // Who shares a prize: the second model's figures with their intervals.
    let p = s
        .post_form("/ui/popularity?lang=en", "ticket=1+2+3+4+5+6", &[])
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text());
    for want in [
        // The rank with its interval.
        "Popularity rank among all combinations</td><td>5 <span class=\"muted\">(5–",
        "Other players expected on this combination",
        "never the chance of winning",
        "class=\"muted\">(",
    ] {
        assert!(p.text().contains(want), "{want}: {}", p.text());
    }
    let p = s
        .post_form("/ui/popularity?lang=ko", "ticket=1+2+3+4+5+46", &[])
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.text());
    let sim = s
        .post_form(
            "/ui/simulate?lang=en",
            "tickets_per_draw=5&years=10&trials=200",
            &[],
        )
        .await;
    assert_eq!(sim.status, StatusCode::OK, "{}", sim.text());
    assert!(sim.text().contains(r#"<svg id="simulation-chart""#));
    let sim = s
        .post_form(
            "/ui/simulate",
            "tickets_per_draw=5&years=10&trials=1000000",
            &[],
        )
        .await;
    assert_eq!(sim.status, StatusCode::UNPROCESSABLE_ENTITY);

    let saved = s
        .post_form(
            "/ui/saved?lang=en",
            "ticket=3+11+17+25+33+41&label=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            &[],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    let cookie = saved.header(header::SET_COOKIE);
    let cookie = cookie.split(';').next().unwrap().to_owned();
    assert!(
        saved
            .text()
            .contains(r#"src="/api/qr?numbers=3+11+17+25+33+41&amp;round="#)
    );
    assert!(saved.text().contains("&lt;script&gt;") && !saved.text().contains("<script>"));
    // My tickets shows the same list to the cookie's owner.
    let page = s
        .get("/tickets?lang=en", &[("cookie", &cookie)])
        .await
        .text();
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let js = s.get("/static/app.js", &[]).await;
    assert!(js.content_type().starts_with("text/javascript"));
    assert!(js.text().contains("data-target") || js.text().contains("dataset.target"));
}

#[tokio::test]
async fn the_dashboard_without_draws_says_how_to_load_them() {
    let s = Service::new(History::empty(GameSpec::kr645()), None, options());
    let page = s.get("/?lang=en", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("lottopro import"));
    assert!(!page.text().contains("frequency-chart"));
    let c = s
        .post_form("/ui/check", "ticket=1+2+3+4+5+6&round=1", &[])
        .await;
    assert_eq!(c.status, StatusCode::CONFLICT);
    let t = s.post_form("/ui/tax?lang=en", "amount=5000", &[]).await;
    assert_eq!(t.status, StatusCode::OK);
}

const QR_997: &str = "https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q071524404245q151718273144q111215232740q031114212226q2328304042441785483554";

/// The app installs (manifest, icons, service worker, and a policy that
/// lets them load) and speaks Korean, English and Japanese, model names and
/// money included; a language chosen with `?lang=` is remembered.
#[tokio::test]
async fn the_app_installs_and_speaks_three_languages() {
    let s = Service::new(real_history(1245), None, options());
    let page = s.get("/?lang=ja", &[]).await;
    let csp = page.header(header::CONTENT_SECURITY_POLICY);
    assert!(
        csp.contains("manifest-src 'self'") && csp.contains("worker-src 'self'"),
        "{csp}"
    );
    let cookie = page.header(header::SET_COOKIE);
    assert!(cookie.starts_with("lottopro_lang=ja;"), "{cookie}");
    let html = page.text();
    assert!(html.contains(r#"<html lang="ja""#));
    assert!(html.contains(r#"<link rel="manifest" href="/manifest.webmanifest">"#));
    let html = s.get("/predict?lang=ja", &[]).await.text();
    assert!(html.contains("機械学習"));
    assert!(
        s.get("/stats?lang=ja", &[])
            .await
            .text()
            .contains("番号ごとの出現回数")
    );
    // Each model says what it does, beside its backtest.
    assert_eq!(html.matches("<details><summary>").count(), 7);
    assert!(html.contains("すべての組み合わせが同じ確率"));
    // The remembered choice outranks the browser's language.
    let again = s
        .get(
            "/",
            &[
                ("cookie", "lottopro_lang=ja"),
                ("accept-language", "en-US,en"),
            ],
        )
        .await;
    assert!(again.text().contains(r#"<html lang="ja""#));
    assert!(again.header(header::SET_COOKIE).is_empty());
    let tax = s
        .post_form("/ui/tax?lang=ja", "amount=1%2C000%2C000", &[])
        .await;
    assert!(tax.text().contains("1,000,000ウォン"), "{}", tax.text());
    let ko = s.get("/predict?lang=ko", &[]).await.text();
    assert!(ko.contains("머신러닝") && ko.contains("日本語"));
    // Ready without a store or Redis: nothing required is missing.
    let ready = s.get("/api/ready", &[]).await;
    assert_eq!(ready.status, StatusCode::OK);
    let r = ready.json();
    assert_eq!(r["status"], "ready");
    assert_eq!(r["store"]["state"], "absent");
    assert!(r["redis"].is_null());

    let manifest = s.get("/manifest.webmanifest", &[]).await;
    assert_eq!(manifest.content_type(), "application/manifest+json");
    let m = manifest.json();
    assert_eq!(m["start_url"], "/");
    for icon in m["icons"].as_array().unwrap() {
        let png = s.get(icon["src"].as_str().unwrap(), &[]).await;
        assert_eq!(png.content_type(), "image/png");
        assert!(png.bytes.starts_with(b"\x89PNG"));
    }
    let sw = s.get("/sw.js", &[]).await;
    assert!(sw.content_type().starts_with("text/javascript"));
    assert_eq!(sw.header(header::CACHE_CONTROL), "no-cache");
    assert!(sw.text().contains(env!("CARGO_PKG_VERSION")) && !sw.text().contains("__VERSION__"));
}

/// The latest draw with what each rank paid, the next draw, a past draw by
/// its round and "has this ticket ever won?", through the page and the API.
#[tokio::test]
async fn draws_show_their_prizes_and_tickets_their_history() {
    let s = Service::new(real_history(1245), None, options());
    let html = s.get("/?lang=en", &[]).await.text();
    let latest = &html[html.find(r#"<section id="latest">"#).unwrap()..];
    let latest = &latest[..latest.find("</section>").unwrap()];
    // Every rank with its winners and prize (rank 2 paid 55,064,392 won
    // each in draw 1245), then the next draw with its countdown.
    assert_eq!(latest.matches("<tr><td>").count(), 5, "{latest}");
    assert!(latest.contains("₩55,064,392"), "{latest}");
    assert!(
        latest.contains("Next draw") && latest.contains("20:35 UTC+9"),
        "{latest}"
    );
    assert!(latest.contains(r#"data-at=""#));

    let draw = s.post_form("/ui/draw?lang=ko", "round=1", &[]).await;
    assert_eq!(draw.status, StatusCode::OK, "{}", draw.text());
    assert!(draw.text().contains("2002년 12월 7일") && draw.text().contains("원"));
    // Each language writes dates its own way.
    let en = s.post_form("/ui/draw?lang=en", "round=1", &[]).await.text();
    let ja = s.post_form("/ui/draw?lang=ja", "round=1", &[]).await.text();
    assert!(
        en.contains("7 Dec 2002") && ja.contains("2002年12月7日"),
        "{en} {ja}"
    );
    let missing = s.post_form("/ui/draw?lang=en", "round=99999", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text());
    let bad = s.post_form("/ui/draw?lang=en", "round=x", &[]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("round"));

    let ever = s
        .post_form("/ui/ever-won?lang=en", "ticket=4+5+25+28+32+12", &[])
        .await;
    assert_eq!(ever.status, StatusCode::OK, "{}", ever.text());
    assert!(ever.text().contains("Best: rank 2"), "{}", ever.text());
    assert!(ever.text().contains("Round 1245 · Rank 2 · ₩55,064,392"));
    let bad = s
        .post_form("/ui/ever-won?lang=en", "ticket=1+2+3+4+5+46", &[])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let api = s
        .post_json(
            "/api/check/history",
            &json!({"ticket": "4 5 25 28 32 12"}),
            &[],
        )
        .await;
    assert_eq!(api.status, StatusCode::OK);
    let body = api.json();
    assert_eq!(body["draws_checked"], 1245);
    assert_eq!(body["best_rank"], 2);
    assert_eq!(
        body["wins"].as_array().unwrap().last().unwrap()["round"],
        1245
    );
    assert_problem(
        &s.post_json(
            "/api/check/history",
            &json!({"numbers": [1, 2, 3, 4, 5, 6, 7]}),
            &[],
        )
        .await,
        StatusCode::BAD_REQUEST,
        Some("numbers"),
    );
}

/// The page's wheel (verified, with its cost and print button) and the odds
/// of every preset game.
#[tokio::test]
async fn wheels_and_every_games_odds_on_the_page() {
    let s = Service::new(real_history(1245), None, options());
    // Before building, the page learns what a wheel holds and costs: a
    // shipped design exactly, a wheel past the cap refused from its bound,
    // one past a draw's purchase limit warned about.
    let shipped = s
        .get("/ui/wheel/estimate?lang=en&numbers=1+2+3+4+5+6+7+8+9+10+11+12+13+14+15+16+17+18+19+20&guarantee=3if3", &[])
        .await
        .text();
    assert!(
        shipped.contains("73 games · ₩73,000 · 3 matched if 3 drawn"),
        "{shipped}"
    );
    assert!(!shipped.contains("purchase limit"), "{shipped}");
    let costly = s
        .get("/ui/wheel/estimate?lang=en&numbers=1+2+3+4+5+6+7+8+9+10+11+12+13+14+15+16+17+18+19+20+21+22+23+24+25&guarantee=3if3", &[])
        .await
        .text();
    assert!(costly.contains("purchase limit (₩100,000)"), "{costly}");
    assert!(!costly.contains("class=\"error\""), "{costly}");
    let huge = s
        .get("/ui/wheel/estimate?lang=ko&numbers=1+2+3+4+5+6+7+8+9+10+11+12+13+14+15+16+17+18+19+20+21+22+23+24&guarantee=5if5", &[])
        .await
        .text();
    assert!(
        huge.contains("최소") && huge.contains("2,000게임까지만"),
        "{huge}"
    );
    let refused = s
        .post_form(
            "/ui/wheel?lang=en",
            "numbers=1+2+3+4+5+6+7+8+9+10+11+12+13+14+15+16+17+18+19+20+21+22+23+24&guarantee=5if5",
            &[],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    let small = s
        .get(
            "/ui/wheel/estimate?lang=en&numbers=1+2+3+4+5+6+7+8+9+10&guarantee=3if3",
            &[],
        )
        .await
        .text();
    assert!(
        small.contains("10 games · ₩10,000") && !small.contains("purchase limit"),
        "{small}"
    );
    let page = s.get("/tools?lang=en", &[]).await.text();
    assert!(
        page.contains(r#"<option value="powerball">"#),
        "every preset"
    );
    let w = s
        .post_form(
            "/ui/wheel?lang=en",
            "numbers=1+5+9+14+22+27+31+38+42+45&guarantee=3if4",
            &[],
        )
        .await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.text());
    let html = w.text();
    let tickets = html.matches("<li>").count();
    assert!((1..=30).contains(&tickets), "{html}");
    assert!(
        html.contains(&format!("{tickets} tickets · cost ₩{},000", tickets)),
        "{html}"
    );
    assert!(html.contains("Verified over every applicable draw") && html.contains("data-print"));
    assert!(!html.contains("data-weighted"));
    // Weighted, in Korean: as many games, and what a game gains.
    let wheels = s.get("/wheels?lang=ko", &[]).await.text();
    assert!(
        wheels.contains(r#"name="weighted" value="true""#),
        "{wheels}"
    );
    let weighted = s
        .post_form(
            "/ui/wheel?lang=ko",
            "numbers=1+5+9+14+22+27+31+38+42+45&guarantee=3if4&weighted=true",
            &[],
        )
        .await;
    assert_eq!(weighted.status, StatusCode::OK, "{}", weighted.text());
    let html = weighted.text();
    assert_eq!(html.matches("<li>").count(), tickets, "{html}");
    assert!(
        html.contains("data-weighted") && html.contains("다른 사람들이 피하는 조합으로 바꿨습니다"),
        "{html}"
    );
    let bad = s
        .post_form(
            "/ui/wheel?lang=en",
            "numbers=1+2+3+4+5+6+46&guarantee=3if4",
            &[],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.text().contains(r#"data-field="numbers""#),
        "{}",
        bad.text()
    );
    let odds = s.post_form("/ui/odds?lang=en", "game=powerball", &[]).await;
    assert_eq!(odds.status, StatusCode::OK);
    assert_eq!(odds.text().matches("<tr>").count(), 9, "{}", odds.text());
    let none = s.post_form("/ui/odds?lang=en", "game=nope", &[]).await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST, "{}", none.text());
}

/// My tickets: each saved ticket is for a round (the next draw's unless
/// given) and is checked once that round is drawn, after tax, with totals
/// beside what chance expected.
#[tokio::test]
async fn saved_tickets_are_checked_when_their_draw_arrives() {
    let store = temp_store("my-tickets");
    let s = Service::new(real_history(1245), Some(store), options());
    // Round 1245's 2nd prize, then a ticket for the next draw.
    let first = s
        .post_form(
            "/ui/saved?lang=en",
            "ticket=4+5+25+28+32+12&label=second&round=1245",
            &[],
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let cookie = first.header(header::SET_COOKIE);
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let list = s
        .post_form(
            "/ui/saved?lang=en",
            "ticket=1+2+3+4+5+6&label=next",
            &[("cookie", &cookie)],
        )
        .await
        .text();
    // The 2nd prize paid 55,064,392 won; the line shows what the core's
    // tax rule leaves of it.
    assert!(
        list.contains("Rank 2</strong> · 5 matched · bonus matched · after tax ₩"),
        "{list}"
    );
    assert!(!list.contains("55,064,392"), "{list}");
    assert!(list.contains("waiting for the draw"), "{list}");
    assert!(
        list.contains("Drawn tickets 1 · spent ₩1,000 · won after tax ₩"),
        "{list}"
    );
    assert!(list.contains("chance expected ₩"), "{list}");
    let bad = s
        .post_form(
            "/ui/saved?lang=en",
            "ticket=1+2+3+4+5+6&round=x",
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("round"));

    // Through the API: the round it is for, by default the next draw.
    let saved = s
        .post_json("/api/numbers", &json!({"ticket": "7 8 9 10 11 12"}), &[])
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text());
    assert!(saved.json()["saved"]["round"].as_u64().unwrap() > 1245);
    assert_problem(
        &s.post_json(
            "/api/numbers",
            &json!({"ticket": "7 8 9 10 11 12", "round": 0}),
            &[],
        )
        .await,
        StatusCode::BAD_REQUEST,
        Some("round"),
    );
}

#[tokio::test]
async fn tickets_are_checked_from_their_qr_code() {
    let history = real_history(1245);
    let draw = history.get(997).unwrap().numbers().to_vec();
    let s = Service::new(history, None, options());
    let a = s.post_json("/api/check", &json!({"qr": QR_997}), &[]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let v = a.json();
    assert_eq!(v["round"], 997);
    let games = v["games"].as_array().unwrap();
    assert_eq!(games.len(), 5);
    for g in games {
        let numbers: Vec<u8> = g["numbers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap() as u8)
            .collect();
        let matches = numbers.iter().filter(|n| draw.contains(n)).count();
        assert_eq!(g["matches"], matches, "{g}");
        assert_eq!(g["kind"], "q");
    }
    let wrong_host = QR_997.replace("m.dhlottery.co.kr", "m.dhlottery.co.kr.evil.example");
    assert_problem(
        &s.post_json("/api/check", &json!({"qr": wrong_host}), &[])
            .await,
        StatusCode::BAD_REQUEST,
        Some("qr"),
    );
    assert_problem(
        &s.post_json("/api/check", &json!({"qr": QR_997, "round": 997}), &[])
            .await,
        StatusCode::BAD_REQUEST,
        Some("qr"),
    );
    // A slip for a round far beyond the schedule is refused, naming the
    // rounds that can be saved; the coming draw's waits (the whole week is
    // in tests/browser/test_week.py).
    let future = QR_997.replace("v=0997", "v=9300");
    assert_problem(
        &s.post_json("/api/check", &json!({"qr": future}), &[]).await,
        StatusCode::CONFLICT,
        Some("round"),
    );
    let next = lottopro_core::History::bundled()
        .upcoming_round(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64,
        )
        .unwrap();
    let coming = QR_997.replace("v=0997", &format!("v={next:04}"));
    let waiting = s.post_json("/api/check", &json!({"qr": coming}), &[]).await;
    assert_eq!(waiting.status, StatusCode::OK, "{}", waiting.text());
    let w = waiting.json();
    assert_eq!(w["status"]["state"], "waiting", "{w}");
    assert_eq!(w["games"][0]["matches"], serde_json::Value::Null, "{w}");
    assert_eq!(w["cost"], 5000, "{w}");
    // The dashboard's checker takes a pasted QR URL too.
    let form = format!(
        "ticket={}&round=1",
        QR_997.replace('&', "%26").replace('?', "%3F")
    );
    let ui = s.post_form("/ui/check?lang=en", &form, &[]).await;
    assert_eq!(ui.status, StatusCode::OK, "{}", ui.text());
    assert_eq!(ui.text().matches("<li>").count(), 5, "{}", ui.text());
}

/// One typed contract: every JSON answer of the document names a schema
/// (none is a bare value), the result types come from the core's derived
/// schemas, and the fields the document declares are the ones the service
/// sends.
#[tokio::test]
async fn every_json_response_is_typed() {
    let doc = openapi(&lottopro_core::GameSpec::kr645());
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut named = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                let Some(content) = response["content"].as_object() else {
                    continue;
                };
                for (media, body) in content {
                    // The document itself and the web app manifest are
                    // files, not answers of the API.
                    if !media.contains("json")
                        || path == "/openapi.json"
                        || path == "/manifest.webmanifest"
                    {
                        continue;
                    }
                    let schema = &body["schema"];
                    let reference = schema["$ref"]
                        .as_str()
                        .or_else(|| schema["items"]["$ref"].as_str());
                    let Some(reference) = reference else {
                        panic!(
                            "{method} {path} {status} {media} answers an untyped value: {schema}"
                        );
                    };
                    let name = reference.trim_start_matches("#/components/schemas/");
                    assert!(
                        schemas.contains_key(name),
                        "{name} is not in the components"
                    );
                    named.insert(name.to_owned());
                }
            }
        }
    }
    for core in [
        "Stats",
        "PredictionReport",
        "BacktestReport",
        "SimulationReport",
        "TicketPopularity",
        "PopularityEvaluation",
        "Wheel",
        "Odds",
        "TaxAssessment",
        "DrawRecord",
        "GameDef",
        "CheckResult",
        "QrCheck",
    ] {
        assert!(schemas.contains_key(core), "{core} has no schema");
    }
    assert!(named.len() >= 20, "{named:?}");
    // What the service sends is what the document says: the declared
    // properties of a few answers, against a real response.
    let store = temp_store("typed");
    let s = Service::new(real_history(1245), Some(store), options());
    for (uri, name) in [
        ("/api/health", "Health"),
        ("/api/odds", "Odds"),
        ("/api/draws/latest", "DrawRecord"),
        ("/api/stats", "Stats"),
    ] {
        let a = s.get(uri, &[]).await;
        let sent: std::collections::BTreeSet<String> =
            a.json().as_object().unwrap().keys().cloned().collect();
        let declared: std::collections::BTreeSet<String> = schemas[name]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(sent, declared, "{uri} against {name}");
    }
}

/// The document states the served game's ranges: a ticket of the Korean
/// game is six different numbers 1–45, Powerball's main numbers run to 69,
/// and the bodies whose fields depend on each other are `oneOf` branches.
#[test]
fn the_openapi_document_states_the_served_games_rules() {
    let kr = openapi(&lottopro_core::GameSpec::kr645());
    let check = &kr["components"]["schemas"]["CheckBody"];
    let numbers = &check["oneOf"][0]["properties"]["numbers"];
    assert_eq!(
        (
            &numbers["minItems"],
            &numbers["maxItems"],
            &numbers["uniqueItems"],
            &numbers["items"]["maximum"]
        ),
        (&json!(6), &json!(6), &json!(true), &json!(45))
    );
    assert_eq!(check["oneOf"].as_array().unwrap().len(), 3);
    let wheel = &kr["components"]["schemas"]["WheelBody"]["oneOf"];
    // The full-pool designs, then one branch for each m = 1..=6; six drawn
    // numbers among at most 20 of yours keeps the search under its limit.
    assert_eq!(wheel.as_array().unwrap().len(), 7);
    assert_eq!(wheel[6]["properties"]["numbers"]["maxItems"], json!(20));
    let pb = openapi(&lottopro_core::GameSpec::preset("powerball").unwrap());
    assert_eq!(
        pb["components"]["schemas"]["PredictBody"]["properties"]["user_numbers"]["items"]["maximum"],
        json!(69)
    );
    // A u32 round is not described as int32.
    let from = kr["paths"]["/api/draws"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "from")
        .unwrap();
    assert_eq!(from["schema"]["maximum"], json!(u32::MAX));
    assert!(from["schema"].get("format").is_none());
}

/// Wrong admin tokens are logged and limited per client: after 30 in a
/// minute the client is locked out, even with the right token.
#[tokio::test]
async fn wrong_admin_tokens_lock_the_client_out() {
    let s = Service::new(real_history(100), None, options());
    let wrong = format!("Bearer {ADMIN}x");
    for _ in 0..30 {
        let a = s
            .get("/admin/cache/info", &[("authorization", &wrong)])
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let right = format!("Bearer {ADMIN}");
    let locked = s
        .get("/admin/cache/info", &[("authorization", &right)])
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!locked.header(header::RETRY_AFTER).is_empty());
}

/// JSON Schema counts 3.0 as an integer, so every route reads an integral
/// number written with a fraction as the whole number it is, whatever the
/// field's type; a real fraction is still refused.
#[tokio::test]
async fn integral_floats_are_whole_numbers_everywhere() {
    let s = Service::new(real_history(1245), None, options());
    let tax = s
        .post_json("/api/tax", &json!({"amount": 1_000_000_000.0}), &[])
        .await;
    assert_eq!(tax.status, StatusCode::OK);
    assert_eq!(tax.json()["gross"], json!(1_000_000_000));
    let check = s
        .post_json(
            "/api/check",
            &json!({"numbers": [3.0, 11, 17, 25, 33, 41], "round": 1200.0}),
            &[],
        )
        .await;
    assert_eq!(check.status, StatusCode::OK);
    let half = s.post_json("/api/tax", &json!({"amount": 1.5}), &[]).await;
    assert_eq!(half.status, StatusCode::BAD_REQUEST);
}

/// Every page answers in every language with the same navigation, marking
/// itself as the current page.
#[tokio::test]
async fn every_page_has_the_navigation_in_every_language() {
    // The pages are under test, not the work deadline: the first /predict
    // computes every model's backtest, which on a 2-core machine running
    // the rest of the suite took past the default 10 s (a 503).
    let mut relaxed = options();
    relaxed.work.queue_wait = std::time::Duration::from_secs(120);
    relaxed.work.deadline = std::time::Duration::from_secs(120);
    let s = Service::new(real_history(1245), Some(temp_store("pages")), relaxed);
    let pages = [
        "/", "/stats", "/predict", "/share", "/wheels", "/tickets", "/draws", "/tools",
    ];
    for lang in ["ko", "en", "ja"] {
        for page in pages {
            let a = s.get(&format!("{page}?lang={lang}"), &[]).await;
            assert_eq!(a.status, StatusCode::OK, "{page} {lang}");
            let html = a.text();
            assert!(html.contains(&format!(r#"<html lang="{lang}""#)));
            for p in pages {
                assert!(
                    html.contains(&format!(r#"<a href="{p}""#)),
                    "{page} links {p}"
                );
            }
            assert!(
                html.contains(&format!(r#"<a href="{page}" aria-current="page">"#)),
                "{page} {lang}"
            );
            assert_eq!(html.matches("<h1>").count(), 1);
        }
    }
    // Past draws: ten rounds at a time, with the way back and forth.
    let draws = s.get("/draws?round=1000&lang=en", &[]).await.text();
    assert!(draws.contains("<tr><td>1000 ") && draws.contains("<tr><td>991 "));
    assert!(!draws.contains("<tr><td>990 ") && !draws.contains("<tr><td>1001 "));
    assert!(
        draws.contains(r#"href="/draws?round=1010""#)
            && draws.contains(r#"href="/draws?round=990""#)
    );
    let bad = s.get("/draws?round=x", &[]).await;
    assert_problem(&bad, StatusCode::BAD_REQUEST, Some("round"));
    // Who shares: the model's limits, and anti-popular picks with figures.
    let share = s.get("/share?lang=en", &[]).await.text();
    assert!(share.contains("It cannot say") && share.contains("1 in 8,145,060"));
    let picks = s
        .post_form("/ui/anti-popular?lang=en", "count=3", &[])
        .await;
    assert_eq!(picks.status, StatusCode::OK, "{}", picks.text());
    assert_eq!(picks.text().matches("<li>").count(), 3, "{}", picks.text());
    assert!(picks.text().contains("Played as often as a random ticket"));
    let many = s
        .post_form("/ui/anti-popular?lang=en", "count=11", &[])
        .await;
    assert_eq!(
        many.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        many.text()
    );
}

/// A ticket's QR code read from a photo (here the PNG LottoPro makes of two
/// games for round 1245), checked and saved to My tickets; the lottery's
/// own URL pasted; bad uploads refused with the field named.
#[tokio::test]
async fn a_qr_photo_is_checked_and_saved_to_my_tickets() {
    let s = Service::new(real_history(1245), Some(temp_store("qr-photo")), options());
    let png = s
        .get(
            "/api/qr?numbers=4+5+25+28+32+12%3B1+2+3+4+5+6&round=1245&format=png",
            &[],
        )
        .await;
    assert_eq!(png.status, StatusCode::OK, "{}", png.text());
    let a = s
        .post_multipart(
            "/ui/qr?lang=en",
            &[
                ("photo", Some("ticket.png"), &png.bytes),
                ("url", None, b""),
            ],
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let html = a.text();
    assert!(html.contains("Round 1245"), "{html}");
    assert!(
        html.contains("Rank 2</strong> · 5 matched · bonus matched · paid ₩55,064,392"),
        "{html}"
    );
    assert!(html.contains("No prize · 2 matched"), "{html}");
    let cookie = token_cookie(&a);
    let mine = s
        .get("/tickets?lang=en", &[("cookie", &cookie)])
        .await
        .text();
    assert!(mine.contains("<strong>Rank 2</strong>"), "{mine}");
    assert_eq!(
        mine.matches(r#"<span class="label">QR</span>"#).count(),
        2,
        "{mine}"
    );
    // The lottery's URL, pasted, for a round in the history.
    let a = s
        .post_multipart(
            "/ui/qr?lang=en",
            &[("url", None, QR_997.as_bytes())],
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.text().matches("<li>").count(), 5, "{}", a.text());
    // Not an image; nothing at all; a LottoPro code without a round.
    let a = s
        .post_multipart(
            "/ui/qr?lang=en",
            &[("photo", Some("x.png"), b"not an image")],
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("photo"), "{}", a.text());
    let a = s
        .post_multipart("/ui/qr?lang=en", &[("url", None, b"")], &[])
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("photo"), "{}", a.text());
    let a = s
        .post_multipart(
            "/ui/qr?lang=en",
            &[("url", None, b"LottoPro kr645\n1 2 3 4 5 6")],
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("without a round"), "{}", a.text());
    // Nothing was saved by the refused uploads.
    let mine = s
        .get("/tickets?lang=en", &[("cookie", &cookie)])
        .await
        .text();
    assert_eq!(mine.matches(r#"<li class="ticket""#).count(), 7, "{mine}");
}

/// A one-time code attaches a second browser to the first one's tickets and
/// prediction history; the code works once.
#[tokio::test]
async fn a_one_time_code_moves_my_tickets_to_another_device() {
    let s = Service::new(real_history(1245), Some(temp_store("link")), options());
    // Nothing to link before this browser has anything.
    let none = s.post_form("/ui/link?lang=en", "", &[]).await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST, "{}", none.text());
    let saved = s
        .post_form(
            "/ui/saved?lang=en",
            "ticket=3+11+17+25+33+41&label=mine",
            &[],
        )
        .await;
    let a = token_cookie(&saved);
    let predicted = s
        .post_form(
            "/ui/predict?lang=en",
            "model=trend&count=2",
            &[("cookie", &a)],
        )
        .await;
    assert_eq!(predicted.status, StatusCode::OK);
    let page = s.get("/tickets?lang=en", &[("cookie", &a)]).await.text();
    assert!(
        page.contains("Trend · Round 1246 · waiting for the draw"),
        "{page}"
    );

    let link = s
        .post_form(
            "/ui/link?lang=en",
            "",
            &[("cookie", &a), ("host", "lotto.example:8080")],
        )
        .await;
    assert_eq!(link.status, StatusCode::OK, "{}", link.text());
    let html = link.text();
    let code = html
        .split("<strong>")
        .nth(1)
        .and_then(|r| r.split("</strong>").next())
        .unwrap()
        .to_owned();
    assert_eq!(code.len(), 9, "{code}");
    assert!(html.contains("<svg") && !html.contains("<?xml"), "{html}");
    // The second browser: its own (different) token, then the code.
    let b = s
        .post_form(
            "/ui/link/redeem?lang=en",
            &format!("code={}", code.to_lowercase()),
            &[],
        )
        .await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.text());
    assert!(b.text().contains("mine"), "{}", b.text());
    let b_cookie = token_cookie(&b);
    assert_ne!(b_cookie, a);
    let page = s
        .get("/tickets?lang=en", &[("cookie", &b_cookie)])
        .await
        .text();
    assert!(
        page.contains("mine") && page.contains("Trend · Round 1246"),
        "{page}"
    );
    // A save from the second browser shows in the first.
    s.post_form(
        "/ui/saved?lang=en",
        "ticket=1+2+3+4+5+6&label=from-b",
        &[("cookie", &b_cookie)],
    )
    .await;
    let page = s.get("/tickets?lang=en", &[("cookie", &a)]).await.text();
    assert!(page.contains("from-b"), "{page}");
    // The code does not work twice, and a tampered linked token opens nothing.
    let again = s
        .post_form("/ui/link/redeem?lang=en", &format!("code={code}"), &[])
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.text().contains("already used"), "{}", again.text());
    let token = b_cookie.split_once('=').unwrap().1;
    let mut forged = token.to_owned();
    forged.replace_range(0..1, if token.starts_with('0') { "1" } else { "0" });
    let page = s
        .get(
            "/tickets?lang=en",
            &[("cookie", &format!("lottopro_token={forged}"))],
        )
        .await
        .text();
    assert!(!page.contains("mine"), "{page}");
}

/// The monitoring page speaks the three languages, and its figures hold a
/// row per route with its error rate and percentiles, and the cache's hit
/// rate per tier; without the admin token there are no figures.
#[tokio::test]
async fn the_monitoring_page_has_routes_and_cache_tiers_in_three_languages() {
    let s = Service::new(real_history(1245), None, options());
    // The service keeps the last statistics answer it wrote; alternating
    // the window sends the third request to the engine's cache, a hit.
    for window in [20, 21, 20] {
        s.get(&format!("/api/stats?window={window}"), &[]).await;
    }
    s.get("/api/nothing-here", &[]).await;
    let page = s.get("/admin/monitoring?lang=ko", &[]).await.text();
    assert!(
        page.contains(r#"<html lang="ko""#) && page.contains("관리자 토큰"),
        "{page}"
    );
    let none = s.get("/admin/monitoring/charts?lang=en", &[]).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    let auth = format!("Bearer {ADMIN}");
    let en = s
        .get(
            "/admin/monitoring/charts?lang=en",
            &[("authorization", &auth)],
        )
        .await
        .text();
    assert!(
        en.contains(r#"<th scope="row">GET /api/stats</th><td data-label="Requests">3</td><td data-label="Errors (5xx)">0.0 %</td>"#),
        "{en}"
    );
    assert!(
        en.contains("Hit rate") && en.contains("<td>memory</td>"),
        "{en}"
    );
    assert!(en.contains("No alert since the service started."));
    let ja = s
        .get(
            "/admin/monitoring/charts?lang=ja",
            &[("authorization", &auth)],
        )
        .await
        .text();
    assert!(ja.contains("ルート別") && ja.contains("ヒット率"), "{ja}");
}

#[tokio::test]
async fn every_answer_carries_the_request_id_nginx_logged_or_a_new_one() {
    let s = Service::new(History::empty(GameSpec::kr645()), None, options());
    let given = s
        .get("/api/health", &[("X-Request-Id", "4f1c9a2be07d4c1f")])
        .await;
    assert_eq!(
        given.header(header::HeaderName::from_static("x-request-id")),
        "4f1c9a2be07d4c1f"
    );
    let id = |a: &Answer| a.header(header::HeaderName::from_static("x-request-id"));
    let (a, b) = (
        s.get("/api/health", &[]).await,
        s.get("/nowhere", &[]).await,
    );
    assert!(
        !id(&a).is_empty() && id(&a) != id(&b),
        "{} {}",
        id(&a),
        id(&b)
    );
    // Only a plain token is taken over: anything else gets a new id.
    for bad in ["has spaces", "quote\"", &"x".repeat(65)] {
        let answer = s.get("/api/health", &[("X-Request-Id", bad)]).await;
        assert!(!id(&answer).is_empty() && id(&answer) != bad, "{bad}");
    }
}
