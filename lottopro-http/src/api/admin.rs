//! Admin routes, behind `Authorization: Bearer <ADMIN_TOKEN>`:
//! performance figures and their export, cache information and clearing.
//!
//! The token is read from the `Authorization` header only, never from a
//! query string or cookie (URLs end up in logs and browser history), and is
//! compared in constant time. Without `ADMIN_TOKEN` the routes answer 401.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lottopro_core::{Engine, Error};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::client::same_secret;
use super::docs::Problem;
use super::{ApiError, ApiQuery, AppState, blocking};
use crate::sync::{Next, SyncReport, Syncer, plan};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(performance))
        .routes(routes!(export))
        .routes(routes!(cache_info))
        .routes(routes!(cache_clear))
        .routes(routes!(sync))
}

/// Proof that the request carried the admin token: every admin handler
/// takes one, so none can run without the check.
pub(crate) struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Admin, Response> {
        let Some(expected) = state.options.admin_token.as_deref() else {
            return Err(unauthorized(
                "the admin routes are off: no ADMIN_TOKEN is set",
            ));
        };
        let given = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        match given {
            Some(token) if same_secret(token.as_bytes(), expected.as_bytes()) => Ok(Admin),
            Some(_) => Err(unauthorized("the bearer token is not the admin token")),
            None => Err(unauthorized("send Authorization: Bearer <ADMIN_TOKEN>")),
        }
    }
}

fn unauthorized(detail: &str) -> Response {
    let mut r = ApiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", detail).into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"lottopro admin\""),
    );
    r
}

/// Request counts, error rate and latency percentiles per route and per
/// engine operation, cache hits per tier, and the alert thresholds.
#[utoipa::path(get, path = "/admin/performance", tag = "admin", security(("admin" = [])),
    responses((status = 200, description = "the performance figures", body = serde_json::Value),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json")))]
async fn performance(_: Admin, State(state): State<AppState>) -> Json<Value> {
    let mut v = serde_json::to_value(state.monitor.performance(state.engine.metrics()))
        .unwrap_or(Value::Null);
    v["cache"] = serde_json::to_value(state.engine.cache_stats()).unwrap_or(Value::Null);
    Json(v)
}

#[derive(Deserialize, IntoParams)]
struct ExportQuery {
    /// json (default: both series) or csv.
    format: Option<String>,
    /// For csv: requests (default; 10-s buckets) or system (readings).
    series: Option<String>,
}

/// The time series kept in memory: requests in 360 buckets of 10 s (the
/// last hour) and the last 360 system readings.
#[utoipa::path(get, path = "/admin/performance/export", tag = "admin", security(("admin" = [])),
    params(ExportQuery),
    responses((status = 200, description = "the buckets as JSON or CSV", content_type = "text/csv"),
              (status = 400, description = "unknown format", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json")))]
async fn export(
    _: Admin,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let series = state.monitor.series();
    let system = state
        .monitor
        .system
        .lock()
        .ok()
        .and_then(|s| s.as_ref().map(crate::monitoring::SystemSampler::samples))
        .unwrap_or_default();
    let csv = |text: String, name: &'static str| {
        let mut r = text.into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        r.headers_mut()
            .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(name));
        r
    };
    match (
        q.format.as_deref().unwrap_or("json"),
        q.series.as_deref().unwrap_or("requests"),
    ) {
        ("json", _) => Ok(Json(json!({
            "bucket_secs": super::monitor::BUCKET_SECS,
            "buckets": series,
            "system": system,
        }))
        .into_response()),
        ("csv", "requests") => {
            let mut out =
                String::from("start,requests,client_errors,server_errors,mean_ms,max_ms\n");
            for b in &series {
                out.push_str(&format!(
                    "{},{},{},{},{:.3},{:.3}\n",
                    b.start, b.requests, b.client_errors, b.server_errors, b.mean_ms, b.max_ms
                ));
            }
            Ok(csv(out, "attachment; filename=\"performance.csv\""))
        }
        ("csv", "system") => {
            let mut out = String::from(
                "at,cpu_percent,memory_percent,process_cpu_percent,process_rss_bytes,data_dir_bytes,disk_percent\n",
            );
            for s in &system {
                out.push_str(&format!(
                    "{},{:.2},{:.2},{:.2},{},{},{:.2}\n",
                    s.at,
                    s.cpu_percent,
                    s.memory_percent,
                    s.process_cpu_percent,
                    s.process_rss_bytes,
                    s.data_dir_bytes,
                    s.disk_percent
                ));
            }
            Ok(csv(out, "attachment; filename=\"system.csv\""))
        }
        ("csv", other) => Err(ApiError::from(Error::invalid(
            "series",
            format!("'{other}' is not requests or system"),
        ))),
        (other, _) => Err(ApiError::from(Error::invalid(
            "format",
            format!("'{other}' is not json or csv"),
        ))),
    }
}

/// The cache: kind, entries, hits and misses per tier, degraded or not.
#[utoipa::path(get, path = "/admin/cache/info", tag = "admin", security(("admin" = [])),
    responses((status = 200, description = "cache statistics", body = serde_json::Value),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json")))]
async fn cache_info(_: Admin, State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let stats = blocking(&state, |e| Ok(e.cache_stats())).await?;
    Ok(Json(json!({
        "cache": stats,
        "degraded": state.engine.cache_degraded(),
    })))
}

/// Empties the cache (every tier).
#[utoipa::path(post, path = "/admin/cache/clear", tag = "admin", security(("admin" = [])),
    responses((status = 200, description = "cleared", body = serde_json::Value),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json")))]
async fn cache_clear(_: Admin, State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    blocking(&state, Engine::clear_cache).await?;
    tracing::info!(target: "cache", "cache cleared by an admin");
    Ok(Json(json!({ "cleared": true })))
}

/// Fetches the draws the database lacks now (see `lottopro sync`).
#[utoipa::path(post, path = "/admin/sync", tag = "admin", security(("admin" = [])),
    responses((status = 200, description = "added rounds, the source, the latest round and any failed sources", body = serde_json::Value),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json"),
              (status = 502, description = "every source failed", body = serde_json::Value),
              (status = 503, description = "the service runs without a database", body = Problem, content_type = "application/problem+json")))]
async fn sync(_: Admin, State(state): State<AppState>) -> Result<Response, ApiError> {
    super::require_store(&state)?;
    let report = sync_now(&state).await?;
    let status = if report.failed() {
        StatusCode::BAD_GATEWAY
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)).into_response())
}

/// Syncs the store, then moves the engine onto the new history (new
/// draws change the history epoch, so no cached result is stale; the
/// `history` tag is dropped to free the old ones). Predictions for the new
/// rounds are scored by the store as the draws are added.
pub async fn sync_now(state: &AppState) -> lottopro_core::Result<SyncReport> {
    let Some(store) = state.store.clone() else {
        return Err(Error::invalid("db", "the service runs without a database"));
    };
    let game = state.engine.game();
    let syncer = Syncer::new(state.options.sync.clone())?;
    let report = syncer.sync(&store, &game).await?;
    if report.latest_round != state.engine.history().latest_round() {
        let engine = state.engine.clone();
        tokio::task::spawn_blocking(move || {
            let history = store.history(&game)?;
            engine.replace_history(history);
            engine.invalidate("history");
            tracing::info!(target: "cache", tag = "history", "invalidated after new draws");
            Ok::<_, Error>(())
        })
        .await
        .map_err(|e| Error::Io(std::io::Error::other(e)))??;
    }
    Ok(report)
}

/// The service's sync schedule (see `sync::plan`): runs until the process ends.
pub async fn scheduled_sync(state: AppState) {
    let mut last_attempt = None;
    loop {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let latest = state
            .engine
            .history()
            .latest()
            .map(lottopro_core::Draw::date);
        match plan(now, latest, last_attempt) {
            Next::SyncNow => {
                last_attempt = Some(now);
                match sync_now(&state).await {
                    Ok(r) if !r.added.is_empty() => tracing::info!(
                        added = ?r.added,
                        source = r.source.unwrap_or("?"),
                        "sync added rounds"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "sync failed"),
                }
            }
            // Wake at least hourly, so a changed clock or history is seen.
            Next::Wait(secs) => {
                let secs = u64::try_from(secs.clamp(1, 3_600)).unwrap_or(3_600);
                tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
            }
        }
    }
}

/// Keeps the engine on the stored draws when another replica sharing the
/// database adds some: every `every`, compares the latest stored round with
/// the engine's and reloads when they differ. Runs until the process ends.
pub async fn follow_store(state: AppState, every: std::time::Duration) {
    let Some(store) = state.store.clone() else {
        return;
    };
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let (store, engine) = (store.clone(), state.engine.clone());
        let _ = tokio::task::spawn_blocking(move || {
            let game = engine.game();
            if store.latest_round(&game)? != engine.history().latest_round() {
                engine.replace_history(store.history(&game)?);
                engine.invalidate("history");
                tracing::info!(target: "cache", "draws added by another replica: history reloaded");
            }
            Ok::<_, Error>(())
        })
        .await;
    }
}
