//! Admin routes, behind `Authorization: Bearer <ADMIN_TOKEN>` (see
//! `crate::app::Admin`): performance figures and their export, cache
//! information and clearing, and a sync on demand.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lottopro_core::Engine;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::{Admin, ApiError, ApiQuery, AppState, Problem, blocking, require_store};
use crate::sync::SyncReport;
use crate::telemetry::alerts::SystemSample;
use crate::telemetry::monitor::{Bucket, Performance};
use lottopro_core::cache::CacheStats;
use serde::Serialize;
use utoipa::ToSchema;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(performance))
        .routes(routes!(export))
        .routes(routes!(cache_info))
        .routes(routes!(cache_clear))
        .routes(routes!(sync))
}

/// Request counts, error rate and latency percentiles per route and per
/// engine operation, cache hits per tier, and the alert thresholds.
#[utoipa::path(get, path = "/admin/performance", tag = "admin", security(("admin" = [])),
    responses((status = 200, description = "the performance figures", body = PerformanceReport),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json")))]
async fn performance(_: Admin, State(state): State<AppState>) -> Json<PerformanceReport> {
    Json(PerformanceReport {
        performance: state.monitor().performance(state.engine.metrics()),
        cache: state.engine.cache_stats(),
        rate_limits: state.rate_limit_status(),
    })
}

/// The service's figures with its cache's.
#[derive(Serialize, ToSchema)]
struct PerformanceReport {
    #[serde(flatten)]
    performance: Performance,
    /// The cache tiers (`null` without a cache).
    cache: Option<CacheStats>,
    /// Where the rate-limit buckets live.
    rate_limits: crate::app::limit::SharedStatus,
}

/// The time series of `/admin/performance/export?format=json`.
#[derive(Serialize, ToSchema)]
struct Export {
    /// Seconds per bucket.
    bucket_secs: u64,
    /// Requests per bucket, oldest first.
    buckets: Vec<Bucket>,
    /// System readings, oldest first.
    system: Vec<SystemSample>,
}

/// What `/admin/cache/info` answers.
#[derive(Serialize, ToSchema)]
struct CacheInfo {
    /// The cache tiers (`null` without a cache).
    cache: Option<CacheStats>,
    /// Whether a tier is failing.
    degraded: bool,
}

/// What `/admin/cache/clear` answers.
#[derive(Serialize, ToSchema)]
struct Cleared {
    /// Always true: every tier was emptied.
    cleared: bool,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportQuery {
    /// json (default: both series) or csv.
    #[param(inline)]
    format: Option<ExportFormat>,
    /// For csv: requests (default; 10-s buckets) or system (readings).
    #[param(inline)]
    series: Option<ExportSeries>,
}

/// The export's format.
#[derive(Deserialize, ToSchema, Clone, Copy, Default)]
#[serde(rename_all = "lowercase")]
enum ExportFormat {
    #[default]
    Json,
    Csv,
}

/// The series a CSV export holds.
#[derive(Deserialize, ToSchema, Clone, Copy, Default)]
#[serde(rename_all = "lowercase")]
enum ExportSeries {
    #[default]
    Requests,
    System,
}

/// The time series kept in memory: requests in 360 buckets of 10 s (the
/// last hour) and the last 360 system readings.
#[utoipa::path(get, path = "/admin/performance/export", tag = "admin", security(("admin" = [])),
    params(ExportQuery),
    responses((status = 200, description = "the buckets as JSON (format=json, the default) or CSV (format=csv)", content(
                  (Export = "application/json"),
                  (String = "text/csv"))),
              (status = 400, description = "unknown format", body = Problem, content_type = "application/problem+json"),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json")))]
async fn export(
    _: Admin,
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let series = state.monitor().series();
    let system = state.monitor().system_samples();
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
    match (q.format.unwrap_or_default(), q.series.unwrap_or_default()) {
        (ExportFormat::Json, _) => Ok(Json(Export {
            bucket_secs: crate::telemetry::monitor::BUCKET_SECS,
            buckets: series,
            system,
        })
        .into_response()),
        (ExportFormat::Csv, ExportSeries::Requests) => {
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
        (ExportFormat::Csv, ExportSeries::System) => {
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
    }
}

/// The cache: kind, entries, hits and misses per tier, degraded or not.
#[utoipa::path(get, path = "/admin/cache/info", tag = "admin", security(("admin" = [])),
    responses((status = 200, description = "cache statistics", body = CacheInfo),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json")))]
async fn cache_info(_: Admin, State(state): State<AppState>) -> Result<Json<CacheInfo>, ApiError> {
    let cache = blocking(&state, |e| Ok(e.cache_stats())).await?;
    Ok(Json(CacheInfo {
        cache,
        degraded: state.engine.cache_degraded(),
    }))
}

/// Empties the cache (every tier).
#[utoipa::path(post, path = "/admin/cache/clear", tag = "admin", security(("admin" = [])),
    responses((status = 200, description = "cleared", body = Cleared),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json")))]
async fn cache_clear(_: Admin, State(state): State<AppState>) -> Result<Json<Cleared>, ApiError> {
    blocking(&state, Engine::clear_cache).await?;
    tracing::info!(target: "cache", "cache cleared by an admin");
    Ok(Json(Cleared { cleared: true }))
}

/// Fetches the draws the database lacks now (see `lottopro sync`).
#[utoipa::path(post, path = "/admin/sync", tag = "admin", security(("admin" = [])),
    responses((status = 200, description = "added rounds, the source, the latest round and any failed sources", body = SyncReport),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json"),
              (status = 502, description = "every source failed", body = SyncReport),
              (status = 503, description = "the service runs without a database", body = Problem, content_type = "application/problem+json")))]
async fn sync(_: Admin, State(state): State<AppState>) -> Result<Response, ApiError> {
    require_store(&state)?;
    let report = crate::server::sync_now(&state).await?;
    let status = if report.failed() {
        StatusCode::BAD_GATEWAY
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)).into_response())
}
