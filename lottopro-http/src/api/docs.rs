//! `GET /openapi.json`: the OpenAPI document of every route (built by
//! `crate::app::openapi`), and `GET /docs`, an explorer of it: every
//! operation with its parameters and an example body, and a form that sends
//! the request here and shows the answer. The explorer is a page and a
//! script of this service (no CDN; the page's policy allows this origin
//! only); it is on in development (`DEBUG=true`) and opt-in otherwise
//! (`API_DOCS=true`), since a public service need not advertise its admin
//! routes.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::{ApiError, AppState, Problem};

const DOCS_JS: &str = include_str!("static/docs.js");

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(openapi_json))
        .routes(routes!(docs_page))
        .routes(routes!(docs_js))
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "service",
    responses((status = 200, description = "the OpenAPI 3.1 document of every route", body = Object)))]
async fn openapi_json(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(state.openapi().clone())
}

/// The API explorer (when `API_DOCS` is on; `DEBUG` turns it on).
#[utoipa::path(get, path = "/docs", tag = "service",
    responses((status = 200, description = "the explorer page", content_type = "text/html"),
              (status = 404, description = "the explorer is off (API_DOCS=false)", body = Problem, content_type = "application/problem+json")))]
async fn docs_page(State(state): State<AppState>) -> Response {
    if !state.options().api_docs {
        return explorer_off();
    }
    Html(concat!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">"#,
        r#"<title>LottoPro API</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/static/style.css"><script src="/static/docs.js" defer></script></head>"#,
        r#"<body><header><p class="brand"><a href="/">LottoPro</a> <span class="tagline" id="api-version"></span></p></header><main id="main"><h1>API</h1>"#,
        r#"<p class="note">Every operation of <a href="/openapi.json">/openapi.json</a>. Open one to send it to this service.</p><div id="operations"></div></main></body></html>"#
    ))
    .into_response()
}

/// The explorer's script.
#[utoipa::path(get, path = "/static/docs.js", tag = "service",
    responses((status = 200, description = "JavaScript", content_type = "text/javascript"),
              (status = 404, description = "the explorer is off", body = Problem, content_type = "application/problem+json")))]
async fn docs_js(State(state): State<AppState>) -> Response {
    if !state.options().api_docs {
        return explorer_off();
    }
    let mut r = DOCS_JS.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    r
}

/// The answer while the explorer is off: what to set to turn it on.
fn explorer_off() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "Not found",
        "the API explorer is off: start the service with API_DOCS=true (or DEBUG=true)",
    )
    .into_response()
}
