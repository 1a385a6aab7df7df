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

/// Every operation that reads a body can answer 415 (the body is not of the
/// declared media type) and 413 (it is larger than the limit) before its
/// handler runs, and a body that parses but does not have the declared
/// shape is a 422: the extractors answer these, so they are documented once,
/// here, rather than on every handler. JSON routes answer problem+json; the
/// dashboard's form routes answer an HTML fragment.
pub(super) fn describe_body_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build()
    };
    let fragment = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content("text/html", ContentBuilder::new().build())
            .build()
    };
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            let Some(body) = &op.request_body else {
                continue;
            };
            let json = match body {
                utoipa::openapi::RefOr::T(b) => {
                    b.content.keys().any(|media| media.contains("json"))
                }
                utoipa::openapi::RefOr::Ref(_) => true,
            };
            let answer = |description: &str| {
                if json {
                    problem(description)
                } else {
                    fragment(description)
                }
            };
            let responses = &mut op.responses.responses;
            responses
                .entry("413".to_owned())
                .or_insert_with(|| answer("the body is larger than the limit").into());
            responses.entry("415".to_owned()).or_insert_with(|| {
                answer("the body is not of the declared media type (Content-Type)").into()
            });
            responses.entry("422".to_owned()).or_insert_with(|| {
                answer("the body parses, but a field is missing or has the wrong type or range")
                    .into()
            });
        }
    }
}
