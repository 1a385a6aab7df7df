//! The player's app: server-rendered pages with SVG charts (`page` lists
//! them: home, statistics, predictions, who shares, wheels, my tickets,
//! past draws, tools), in Korean, English or Japanese (`?lang=ko|en|ja`,
//! remembered in a cookie, else the browser's `Accept-Language`).
//!
//! The pages are HTML from Rust with no template engine and no build step.
//! Their forms post to `/ui/*` routes that answer with an HTML fragment, and
//! `static/app.js` (a few dozen lines) swaps the fragment into the page;
//! all rendering, charts included, stays on the server, where it is tested
//! with the rest of the router. The Content-Security-Policy allows scripts,
//! styles and images from the service itself only.

mod changes;
mod chart;
mod device;
mod draws;
mod forms;
mod monitoring;
mod page;
mod pension;
mod share;
mod slip;
mod stats;
mod text;
mod tickets;
mod tools;
mod transfer;

use std::fmt::Write;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lottopro_core::Money;
use lottopro_core::money::group_thousands;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::{AppState, Limits};
pub(crate) use text::{EN, JA, KO, Text};

const APP_JS: &str = include_str!("static/app.js");
const STYLE_CSS: &str = include_str!("static/style.css");
const FAVICON_SVG: &str = include_str!("static/favicon.svg");
const MONITORING_JS: &str = include_str!("static/monitoring.js");
const MANIFEST: &str = include_str!("static/manifest.webmanifest");
const SERVICE_WORKER: &str = include_str!("static/sw.js");
const ICON_192: &[u8] = include_bytes!("static/icon-192.png");
const ICON_512: &[u8] = include_bytes!("static/icon-512.png");

/// The policy of every HTML page: nothing from elsewhere, no inline script.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Every dashboard route, with the allowances of `limits` on the forms
/// that spend them (shared with `POST /api/predict` and `/api/numbers`).
pub(crate) fn router(limits: &Limits) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(forms::router(limits))
        .merge(page::router())
        .merge(pension::router())
        .merge(monitoring::router())
        .routes(routes!(app_js))
        .routes(routes!(style_css))
        .routes(routes!(favicon))
        .routes(routes!(monitoring_js))
        .routes(routes!(manifest))
        .routes(routes!(service_worker))
        .routes(routes!(icon_192))
        .routes(routes!(icon_512))
}

/// Security headers on every response; the CSP and frame denial on HTML.
pub(crate) async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    response
}

/// The languages of the dashboard.
const LANGUAGES: [&Text; 3] = [&KO, &EN, &JA];

/// The cookie that remembers a language chosen with `?lang=`.
pub(super) const LANG_COOKIE: &str = "lottopro_lang";

/// The language: `?lang=` first, then the cookie a previous choice left,
/// then the first of `Accept-Language` the dashboard speaks, else Korean.
pub(super) fn text_for(lang: Option<&str>, headers: &HeaderMap) -> &'static Text {
    let by_code = |code: &str| LANGUAGES.into_iter().find(|t| t.lang == code);
    if let Some(t) = lang.and_then(by_code) {
        return t;
    }
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == LANG_COOKIE)
        .and_then(|(_, v)| by_code(v));
    if let Some(t) = cookie {
        return t;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept
        .split(',')
        .filter_map(|part| part.split(';').next())
        .filter_map(|tag| tag.trim().get(..2))
        .find_map(|code| by_code(&code.to_ascii_lowercase()))
        .unwrap_or(&KO)
}

/// HTML-escapes text.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn balls(numbers: &[u8]) -> String {
    let mut s = String::from(r#"<span class="balls">"#);
    for &n in numbers {
        let _ = write!(
            s,
            r#"<span class="ball {}">{n}</span>"#,
            chart::ball_class(n)
        );
    }
    s.push_str("</span>");
    s
}

pub(super) fn won(t: &Text, amount: Money) -> String {
    t.money(&group_thousands(amount.get()))
}

pub(super) fn signed_won(t: &Text, v: f64) -> String {
    let sign = if v < 0.0 { "−" } else { "" };
    format!(
        "{sign}{}",
        t.money(&group_thousands(v.abs().round() as u64))
    )
}

#[derive(Deserialize)]
pub(super) struct LangQuery {
    lang: Option<String>,
}

/// The dashboard's script.
#[utoipa::path(get, path = "/static/app.js", tag = "dashboard",
    responses((status = 200, description = "JavaScript", content_type = "text/javascript")))]
async fn app_js() -> Response {
    asset(APP_JS, "text/javascript; charset=utf-8")
}

/// The dashboard's style sheet.
#[utoipa::path(get, path = "/static/style.css", tag = "dashboard",
    responses((status = 200, description = "CSS", content_type = "text/css")))]
async fn style_css() -> Response {
    asset(STYLE_CSS, "text/css; charset=utf-8")
}

/// The monitoring page's script.
#[utoipa::path(get, path = "/static/monitoring.js", tag = "dashboard",
    responses((status = 200, description = "JavaScript", content_type = "text/javascript")))]
async fn monitoring_js() -> Response {
    asset(MONITORING_JS, "text/javascript; charset=utf-8")
}
/// The dashboard's icon.
#[utoipa::path(get, path = "/static/favicon.svg", tag = "dashboard",
    responses((status = 200, description = "SVG", content_type = "image/svg+xml")))]
async fn favicon() -> Response {
    asset(FAVICON_SVG, "image/svg+xml")
}

/// The web app manifest: the dashboard installs to a phone's home screen.
#[utoipa::path(get, path = "/manifest.webmanifest", tag = "dashboard",
    responses((status = 200, description = "the web app manifest", content_type = "application/manifest+json")))]
async fn manifest() -> Response {
    asset(MANIFEST, "application/manifest+json")
}

/// The service worker (see `static/sw.js`), at the root so that its scope is
/// the whole dashboard; never cached by HTTP, so that a new version installs
/// on the next visit.
#[utoipa::path(get, path = "/sw.js", tag = "dashboard",
    responses((status = 200, description = "JavaScript", content_type = "text/javascript")))]
async fn service_worker() -> Response {
    let body = SERVICE_WORKER.replace("__VERSION__", env!("CARGO_PKG_VERSION"));
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

/// The app icon, 192 px.
#[utoipa::path(get, path = "/static/icon-192.png", tag = "dashboard",
    responses((status = 200, description = "PNG", content_type = "image/png")))]
async fn icon_192() -> Response {
    asset(ICON_192, "image/png")
}

/// The app icon, 512 px.
#[utoipa::path(get, path = "/static/icon-512.png", tag = "dashboard",
    responses((status = 200, description = "PNG", content_type = "image/png")))]
async fn icon_512() -> Response {
    asset(ICON_512, "image/png")
}

fn asset<B: IntoResponse>(body: B, mime: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn the_language_follows_the_query_then_the_browser() {
        let mut h = HeaderMap::new();
        assert_eq!(text_for(None, &h).lang, "ko");
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-US,en;q=0.9,ko;q=0.8"),
        );
        assert_eq!(text_for(None, &h).lang, "en");
        assert_eq!(text_for(Some("ko"), &h).lang, "ko");
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("ko-KR,ko;q=0.9,en;q=0.5"),
        );
        assert_eq!(text_for(None, &h).lang, "ko");
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("ja-JP,ja;q=0.9,en;q=0.5"),
        );
        assert_eq!(text_for(None, &h).lang, "ja");
        assert_eq!(text_for(Some("xx"), &h).lang, "ja");
        // A choice made with ?lang= is remembered in the cookie.
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("other=1; lottopro_lang=en"),
        );
        assert_eq!(text_for(None, &h).lang, "en");
        assert_eq!(text_for(Some("ko"), &h).lang, "ko");
    }

    #[test]
    fn every_language_names_every_model_and_writes_money_its_way() {
        for t in LANGUAGES {
            for m in lottopro_core::Model::ALL {
                assert!(!t.model_name(m).is_empty(), "{} {m}", t.lang);
                assert!(t.model_explanation(m).len() > 40, "{} {m}", t.lang);
            }
        }
        let amount = Money::new(1000, "amount").unwrap();
        assert_eq!(won(&KO, amount), "1,000원");
        assert_eq!(won(&EN, amount), "₩1,000");
        assert_eq!(won(&JA, amount), "1,000ウォン");
        assert_eq!(signed_won(&EN, -2500.0), "−₩2,500");
    }
}
