//! The parts of the OpenAPI document that belong to no handler: the title,
//! the admin security scheme and the problem schema every error response
//! uses. Paths come from the handlers' `#[utoipa::path]` attributes as the
//! router registers them (see [`super::app`]), so the router and
//! `GET /openapi.json` are built from the same list and cannot drift apart.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::Problem;

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
