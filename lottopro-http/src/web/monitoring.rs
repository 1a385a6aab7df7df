//! The operator's monitoring page and its live charts.

use std::fmt::Write;

use axum::extract::State;
use axum::response::Html;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::chart;
use crate::app::{Admin, AppState, Problem};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(monitoring_page))
        .routes(routes!(monitoring_charts))
}

/// The live monitoring page. It holds no figures itself: its script asks
/// for the admin token and polls `/admin/monitoring/charts` with it.
#[utoipa::path(get, path = "/admin/monitoring", tag = "admin",
    responses((status = 200, description = "the page (figures load with the admin token)", content_type = "text/html")))]
async fn monitoring_page() -> Html<&'static str> {
    Html(concat!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">"#,
        r#"<title>LottoPro · monitoring</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/static/style.css"><script src="/static/monitoring.js" defer></script></head>"#,
        r#"<body><header><h1>LottoPro monitoring</h1><p class="tagline">Requests, latency, CPU and memory of this replica, refreshed every 2 s.</p></header><main>"#,
        r#"<section><form id="token-form"><label>Admin token <input id="token" name="token" type="password" autocomplete="off" required></label><button type="submit">Show</button></form><p id="monitoring-status" class="muted" aria-live="polite"></p></section>"#,
        r#"<div id="monitoring-charts"></div></main></body></html>"#
    ))
}

/// The monitoring page's figures and charts, as an HTML fragment.
#[utoipa::path(get, path = "/admin/monitoring/charts", tag = "admin", security(("admin" = [])),
    responses((status = 200, description = "an HTML fragment with the figures and SVG charts", content_type = "text/html"),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json")))]
async fn monitoring_charts(_: Admin, State(state): State<AppState>) -> Html<String> {
    Html(monitoring_fragment(&state))
}

pub(super) fn monitoring_fragment(state: &AppState) -> String {
    let monitor = state.monitor();
    let p = monitor.performance(state.engine.metrics());
    let series = monitor.series();
    let system = monitor.system_samples();
    let p95 = p.routes.iter().map(|r| r.p95_ms).fold(0.0, f64::max);
    let latest = system.last().copied().unwrap_or_default();
    let requests: Vec<f64> = series.iter().map(|b| b.requests as f64).collect();
    let latency: Vec<f64> = series.iter().map(|b| b.mean_ms).collect();
    let cpu: Vec<f64> = system.iter().map(|s| s.cpu_percent).collect();
    let memory: Vec<f64> = system.iter().map(|s| s.memory_percent).collect();
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<section><table class="figures"><tr><td>Uptime</td><td id="m-uptime">{} s</td></tr><tr><td>Requests</td><td id="m-requests">{}</td></tr><tr><td>Errors (5xx)</td><td id="m-errors">{:.2} %</td></tr><tr><td>Slowest route p95</td><td id="m-p95">{:.2} ms</td></tr><tr><td>Process memory</td><td id="m-rss">{:.1} MB</td></tr><tr><td>Machine CPU / memory</td><td id="m-system">{:.1} % / {:.1} %</td></tr><tr><td>Alerts</td><td id="m-alerts">{}</td></tr></table></section>"#,
        p.uptime_secs,
        p.requests,
        p.error_rate_percent,
        p95,
        latest.process_rss_bytes as f64 / 1e6,
        latest.cpu_percent,
        latest.memory_percent,
        if p.alerts.is_empty() {
            "none".to_owned()
        } else {
            p.alerts.join(", ")
        }
    );
    let _ = write!(
        h,
        r#"<section class="cols"><div>{}</div><div>{}</div><div>{}</div><div>{}</div></section>"#,
        chart::line("requests-chart", "requests per 10 s", &requests, None, ""),
        chart::line("latency-chart", "mean latency", &latency, None, " ms"),
        chart::line("cpu-chart", "machine CPU", &cpu, Some(100.0), " %"),
        chart::line("memory-chart", "machine memory", &memory, Some(100.0), " %"),
    );
    h
}
