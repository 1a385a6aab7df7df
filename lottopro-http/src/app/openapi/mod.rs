//! The parts of the OpenAPI document that belong to no handler: the title,
//! the admin security scheme and the problem schema every error response
//! uses. Paths come from the handlers' `#[utoipa::path]` attributes as the
//! router registers them (see [`super::app`]), so the router and
//! `GET /openapi.json` are built from the same list and cannot drift apart.

use lottopro_core::GameSpec;
use serde_json::{Value, json};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{Problem, client};

mod bodies;
use bodies::GameSchemas;

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
/// shape is a 422; every operation with query parameters answers 400 when
/// one is not of its type. The extractors answer these, so they are
/// documented once, here, rather than on every handler.
pub(super) fn describe_extractor_errors(doc: &mut utoipa::openapi::OpenApi) {
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
        for op in [&mut item.get, &mut item.post, &mut item.delete]
            .into_iter()
            .flatten()
        {
            let has_query = op.parameters.iter().flatten().any(|p| {
                matches!(p, utoipa::openapi::RefOr::T(p)
                    if matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Query))
            });
            if has_query {
                op.responses
                    .responses
                    .entry("400".to_owned())
                    .or_insert_with(|| {
                        problem("a query parameter is not of its declared type or range").into()
                    });
            }
        }
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

/// The parts of the contract a derive cannot state, written into the
/// document for the game the service plays: every number's range, a
/// ticket's size, the enumerations (models, strategies, guarantees, games),
/// the bounds each handler checks, and the bodies whose fields depend on
/// each other (`numbers` or `ticket`, a wheel's guarantee and its numbers,
/// a simulation's strategy and its limits) as `oneOf` branches.
///
/// The rule is that a request the document accepts is never refused as bad
/// input (400 or 422), and a request it refuses is never served: a request
/// may still meet a missing round (404), too short a history (409) or a
/// rate limit (429). Strings with a grammar JSON Schema cannot state (a
/// ticket, a list of tickets, a QR URL) carry a named `format`, described
/// in the schema, and the one cross-field rule no generator can model (a
/// prediction's includes and excludes are disjoint) is written in the
/// body's description; `tests/schemathesis/hooks.py` teaches Schemathesis
/// both.
pub(super) fn refine(doc: &mut Value, game: &GameSpec) {
    let g = GameSchemas::new(game);
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, refine_body) in [
            (
                "CheckBody",
                GameSchemas::check_body as fn(&GameSchemas, &mut Value),
            ),
            ("SaveBody", GameSchemas::save_body),
            ("HistoryCheckBody", GameSchemas::history_check_body),
            ("PopularityBody", GameSchemas::popularity_body),
            ("PredictBody", GameSchemas::predict_body),
            ("SimulateBody", GameSchemas::simulate_body),
            ("WheelBody", GameSchemas::wheel_body),
            ("TaxRequest", GameSchemas::tax_body),
            ("PensionCheckBody", GameSchemas::pension_check_body),
        ] {
            if let Some(body) = schemas.get_mut(name) {
                refine_body(&g, body);
                if let Some(example) = g.example(name) {
                    body["examples"] = json!([example]);
                }
            }
        }
    }
    // A subscription's rules are the subscription check's own patterns.
    for (pointer, pattern) in [
        (
            "/components/schemas/SubscribeBody/properties/endpoint",
            crate::push::ENDPOINT_PATTERN,
        ),
        (
            "/components/schemas/SubscriptionKeys/properties/auth",
            crate::push::AUTH_PATTERN,
        ),
    ] {
        if let Some(schema) = doc.pointer_mut(pointer) {
            schema["pattern"] = pattern.into();
        }
    }
    drop_formats_narrower_than_bounds(doc);
    integer_keys_as_strings(doc);
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(ops) = item.as_object_mut() else {
            continue;
        };
        for op in ops.values_mut() {
            let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            for p in params {
                let name = p["name"].as_str().unwrap_or_default().to_owned();
                let schema = match (path.as_str(), name.as_str()) {
                    (_, client::TOKEN_HEADER) => json!({
                        "type": "string",
                        "pattern": "^([0-9a-f]{32}){1,2}$",
                        "description": "the token as the service issued it: 64 lowercase hex digits (32 from before tokens were tagged); a token the service did not issue counts as none"
                    }),
                    ("/api/qr", "numbers") => g.ticket_list(crate::api::MAX_QR_TICKETS),
                    ("/api/odds", "game") => g.game_id(),
                    _ => continue,
                };
                set_schema(&mut p["schema"], schema);
            }
        }
    }
}

/// Removes `format: int32` / `int64` where the schema's own bounds go past
/// that format's range (a `u32` round up to 4,294,967,295, a `u64` seed):
/// the derive names the nearest signed format, and a validator would read it
/// as a tighter bound than the service has.
fn drop_formats_narrower_than_bounds(v: &mut Value) {
    match v {
        Value::Object(o) => {
            let max = o.get("maximum").and_then(Value::as_u64);
            let too_wide = match o.get("format").and_then(Value::as_str) {
                Some("int32") => max.is_some_and(|m| m > i32::MAX as u64),
                Some("int64") => max.is_some_and(|m| m > i64::MAX as u64),
                _ => false,
            };
            if too_wide {
                o.remove("format");
            }
            o.values_mut().for_each(drop_formats_narrower_than_bounds);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_formats_narrower_than_bounds),
        _ => {}
    }
}

/// A map keyed by integers (ranks) is a JSON object, whose keys are strings
/// of digits; the derive describes the key as an integer.
fn integer_keys_as_strings(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(names) = o.get_mut("propertyNames")
                && names.get("type").and_then(Value::as_str) == Some("integer")
            {
                *names = json!({ "type": "string", "pattern": "^(0|[1-9][0-9]*)$" });
            }
            o.values_mut().for_each(integer_keys_as_strings);
        }
        Value::Array(a) => a.iter_mut().for_each(integer_keys_as_strings),
        _ => {}
    }
}

/// Replaces `slot` with `schema`, keeping the derived description.
fn set_schema(slot: &mut Value, mut schema: Value) {
    if let (Some(d), Some(obj)) = (slot.get("description").cloned(), schema.as_object_mut()) {
        obj.entry("description").or_insert(d);
    }
    *slot = schema;
}

/// `schema`, or null (an optional field: null is read as absent).
fn or_null(schema: &Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

/// The property `name` of an object schema.
fn property<'a>(body: &'a mut Value, name: &str) -> &'a mut Value {
    &mut body["properties"][name]
}
