//! The operator's monitoring page and its live figures, in the player's
//! three languages: this replica's totals, a table per route (requests,
//! error rate, p50/p95/p99), the cache's hit rate per tier, the alerts with
//! their history, and charts of the last minutes.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Html;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{LangQuery, Text, chart, esc, text_for};
use crate::app::{Admin, AppState, Problem};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(monitoring_page))
        .routes(routes!(monitoring_charts))
}

/// The live monitoring page. It holds no figures itself: its script asks
/// for the admin token and polls `/admin/monitoring/charts` with it.
#[utoipa::path(get, path = "/admin/monitoring", tag = "admin",
    params(("lang" = Option<String>, Query, description = "ko, en or ja (else the cookie, else the browser's language)")),
    responses((status = 200, description = "the page (figures load with the admin token)", content_type = "text/html")))]
async fn monitoring_page(headers: HeaderMap, Query(q): Query<LangQuery>) -> Html<String> {
    let t = text_for(q.lang.as_deref(), &headers);
    Html(format!(
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · LottoPro</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/static/style.css"><script src="/static/monitoring.js" defer></script></head><body><header><p class="brand"><a href="/">LottoPro</a></p><nav class="languages" aria-label="{languages}"><a href="?lang=ko" lang="ko">한국어</a><a href="?lang=en" lang="en">English</a><a href="?lang=ja" lang="ja">日本語</a></nav></header><main id="main"><h1>{title}</h1><p class="tagline">{tagline}</p><section><form id="token-form"><label>{token} <input id="token" name="token" type="password" autocomplete="off" required></label><button type="submit">{show}</button></form><p id="monitoring-status" class="muted" aria-live="polite" data-refused="{refused}" data-updated="{updated}"></p></section><div id="monitoring-charts"></div></main></body></html>"#,
        lang = t.lang,
        title = t.mon_title,
        languages = t.languages,
        tagline = t.mon_tagline,
        token = t.admin_token,
        show = t.show,
        refused = t.token_refused,
        updated = t.updated,
    ))
}

/// The monitoring page's figures and charts, as an HTML fragment.
#[utoipa::path(get, path = "/admin/monitoring/charts", tag = "admin", security(("admin" = [])),
    params(("lang" = Option<String>, Query, description = "ko, en or ja")),
    responses((status = 200, description = "an HTML fragment with the figures and SVG charts", content_type = "text/html"),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json")))]
async fn monitoring_charts(
    _: Admin,
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Html<String> {
    Html(monitoring_fragment(
        &state,
        text_for(q.lang.as_deref(), &headers),
    ))
}

pub(super) fn monitoring_fragment(state: &AppState, t: &Text) -> String {
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
        r#"<section><table class="figures"><tr><td>{}</td><td id="m-uptime">{} s</td></tr><tr><td>{}</td><td id="m-requests">{}</td></tr><tr><td>{}</td><td id="m-errors">{:.2} %</td></tr><tr><td>{}</td><td id="m-p95">{:.2} ms</td></tr><tr><td>{}</td><td id="m-rss">{:.1} MB</td></tr><tr><td>{}</td><td id="m-system">{:.1} % / {:.1} %</td></tr><tr><td>{}</td><td id="m-alerts">{}</td></tr></table></section>"#,
        t.uptime,
        p.uptime_secs,
        t.requests_word,
        p.requests,
        t.errors_5xx,
        p.error_rate_percent,
        t.slowest_p95,
        p95,
        t.process_memory,
        latest.process_rss_bytes as f64 / 1e6,
        t.machine_cpu_memory,
        latest.cpu_percent,
        latest.memory_percent,
        t.alerts_now,
        if p.alerts.is_empty() {
            t.none_word.to_owned()
        } else {
            p.alerts.join(", ")
        }
    );
    // Per route, busiest first.
    let mut routes = p.routes.clone();
    routes.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    let _ = write!(
        h,
        r#"<section id="routes"><h2>{}</h2><table class="stack routes"><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">p50</th><th scope="col">p95</th><th scope="col">p99</th></tr></thead><tbody>"#,
        t.per_route, t.route, t.requests_word, t.error_rate
    );
    for r in &routes {
        let _ = write!(
            h,
            r#"<tr><th scope="row">{}</th><td data-label="{}">{}</td><td data-label="{}">{:.1} %</td><td data-label="p50">{:.2} ms</td><td data-label="p95">{:.2} ms</td><td data-label="p99">{:.2} ms</td></tr>"#,
            esc(&r.name),
            t.requests_word,
            r.count,
            t.error_rate,
            if r.count == 0 {
                0.0
            } else {
                100.0 * r.errors as f64 / r.count as f64
            },
            r.p50_ms,
            r.p95_ms,
            r.p99_ms
        );
    }
    h.push_str("</tbody></table></section>");
    let tiers = p
        .engine
        .as_ref()
        .map(|e| e.cache.clone())
        .unwrap_or_default();
    let _ = write!(
        h,
        r#"<section id="cache"><h2>{}</h2><table class="tiers"><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
        t.cache_tiers, t.cache_tier, t.hits, t.misses, t.hit_rate
    );
    for c in &tiers {
        let lookups = c.hits + c.misses;
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.tier),
            c.hits,
            c.misses,
            if lookups == 0 {
                "—".to_owned()
            } else {
                format!("{:.1} %", 100.0 * c.hits as f64 / lookups as f64)
            }
        );
    }
    h.push_str("</tbody></table></section>");
    let notices = monitor.notices();
    let _ = write!(
        h,
        r#"<section id="alert-history"><h2>{}</h2>"#,
        t.alert_history
    );
    if notices.is_empty() {
        let _ = write!(h, r#"<p class="muted">{}</p>"#, t.no_alerts);
    } else {
        h.push_str("<ul>");
        for (at, n) in &notices {
            let _ = write!(
                h,
                "<li><time>{} UTC</time> · {}</li>",
                utc(*at),
                esc(&n.text())
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>");
    let _ = write!(
        h,
        r#"<section class="cols"><div>{}</div><div>{}</div><div>{}</div><div>{}</div></section>"#,
        chart::line("requests-chart", t.chart_requests, &requests, None, ""),
        chart::line("latency-chart", t.chart_latency, &latency, None, " ms"),
        chart::line("cpu-chart", t.chart_cpu, &cpu, Some(100.0), " %"),
        chart::line("memory-chart", t.chart_memory, &memory, Some(100.0), " %"),
    );
    h
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS` (UTC).
fn utc(at: u64) -> String {
    let day = lottopro_core::date::Date::new(1970, 1, 1)
        .and_then(|d| d.add_days((at / 86_400) as i64))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let s = at % 86_400;
    format!("{day} {:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}
