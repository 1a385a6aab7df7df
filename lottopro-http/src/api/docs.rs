//! The OpenAPI document, `GET /openapi.json`.
//!
//! Paths come from the handlers' `#[utoipa::path]` attributes as the
//! router registers them (see [`super::app`]); this module adds the parts
//! that belong to no handler: the title, the admin security scheme and the
//! problem schema every error response uses.

use std::sync::OnceLock;

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;

/// An error response, `application/problem+json` (RFC 9457).
#[derive(ToSchema)]
#[allow(dead_code)] // documents the body ApiError writes
pub(crate) struct Problem {
    /// Always `about:blank`.
    #[schema(rename = "type")]
    kind: String,
    /// A short summary, e.g. "Invalid input".
    title: String,
    /// The HTTP status.
    status: u16,
    /// What was wrong, for a person.
    detail: String,
    /// The request field at fault, when there is one.
    field: Option<String>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LottoPro",
        description = "Lottery analytics with honest numbers: exact odds, tax, statistics beside \
                       chance, predictions beside their walk-forward backtest, simulations. \
                       No model can predict a fair draw, and this API never claims one does."
    ),
    components(schemas(Problem)),
    modifiers(&AdminScheme),
)]
struct Base;

struct AdminScheme;

impl Modify for AdminScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "admin",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("ADMIN_TOKEN"))
                    .build(),
            ),
        );
    }
}

/// The document before any path is added.
pub(super) fn base() -> utoipa::openapi::OpenApi {
    Base::openapi()
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(openapi_json))
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "service",
    responses((status = 200, description = "the OpenAPI 3.1 document of every route", body = serde_json::Value)))]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    Json(DOC.get_or_init(super::openapi).clone())
}
