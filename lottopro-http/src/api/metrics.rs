//! `GET /metrics`: the Prometheus text of `crate::telemetry::monitor`.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::PrometheusHandle;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::{Admin, AppState, Problem};
use crate::telemetry::monitor::prometheus;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(prometheus_text))
}

/// Prometheus metrics: requests and latency histograms per matched route,
/// engine operations, cache lookups per tier, whether Redis answers, the
/// latest stored draw and the last backup that worked. Behind the admin token, like
/// the other operator routes: the figures tell how the service is used
/// and attacked (Prometheus sends it as a bearer credential).
#[utoipa::path(get, path = "/metrics", tag = "service", security(("admin" = [])),
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain; version=0.0.4"),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json")))]
async fn prometheus_text(_: Admin, State(state): State<AppState>) -> Response {
    // The latest stored draw, for the `DrawNotSynced` alert rule
    // (deploy/prometheus/alerts.yml).
    if let Some(draw) = state.engine.history().latest() {
        let at = draw.date().days_since_epoch() * 86_400 + crate::sync::DRAW_UTC_SECS;
        metrics::gauge!("lottopro_latest_draw_timestamp_seconds").set(at as f64);
        metrics::gauge!("lottopro_latest_round").set(f64::from(draw.round()));
    }
    // The last backup that worked, whichever process took it, for the
    // `BackupStale` alert rule.
    if let Some(store) = state.store.clone()
        && let Ok(Ok(Some(at))) = tokio::task::spawn_blocking(move || store.last_backup()).await
    {
        metrics::gauge!("lottopro_backup_last_success_timestamp_seconds").set(at as f64);
    }
    let text = prometheus()
        .map(PrometheusHandle::render)
        .unwrap_or_default();
    let mut r = text.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r
}
