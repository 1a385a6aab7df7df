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

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(performance))
        .routes(routes!(export))
        .routes(routes!(cache_info))
        .routes(routes!(cache_clear))
}

/// Proof that the request carried the admin token: every admin handler
/// takes one, so none can run without the check.
pub(super) struct Admin;

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
    /// json (default) or csv.
    format: Option<String>,
}

/// The time series kept in memory (360 buckets of 10 s: the last hour).
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
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(json!({
            "bucket_secs": super::monitor::BUCKET_SECS,
            "buckets": series,
        }))
        .into_response()),
        "csv" => {
            let mut out =
                String::from("start,requests,client_errors,server_errors,mean_ms,max_ms\n");
            for b in &series {
                out.push_str(&format!(
                    "{},{},{},{},{:.3},{:.3}\n",
                    b.start, b.requests, b.client_errors, b.server_errors, b.mean_ms, b.max_ms
                ));
            }
            let mut r = out.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            r.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"performance.csv\""),
            );
            Ok(r)
        }
        other => Err(ApiError::from(Error::invalid(
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
    Ok(Json(json!({ "cleared": true })))
}
