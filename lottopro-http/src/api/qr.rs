//! `GET /api/qr`: a QR code of up to five tickets, as SVG (default) or PNG.
//!
//! The code holds plain text a phone shows as is and `lottopro check
//! --ticket` reads line by line:
//!
//! ```text
//! LottoPro kr645 round 1246
//! 3 11 17 25 33 41
//! ```
//!
//! PNG is encoded here from the module matrix (one grey level, 8 pixels per
//! module) with the small `png` crate rather than qrcode's `image` feature,
//! which would pull in a whole image-processing stack for one format.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use lottopro_core::Error;
use lottopro_core::ticket::parse_tickets;
use qrcode::{Color, QrCode};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::{ApiError, ApiQuery, AppState, Problem};

/// The most tickets one code holds (a Korean play slip has five games).
pub const MAX_QR_TICKETS: usize = 5;
/// Pixels per module in PNG output.
const PNG_SCALE: usize = 8;
/// Light modules around the code, as the standard asks.
const QUIET_ZONE: usize = 4;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(qr))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct QrQuery {
    /// One to five tickets as text, separated by ';' (e.g. "3 11 17 25 33 41; 1 2 3 4 5 6").
    numbers: String,
    /// The round the tickets are for (optional, shown in the text).
    #[param(minimum = 0, maximum = 4294967295_u64)]
    round: Option<u32>,
    /// svg (default) or png.
    #[param(pattern = "^(svg|png)$")]
    format: Option<String>,
}

/// A QR code of tickets; no draws needed.
#[utoipa::path(get, path = "/api/qr", tag = "tickets", params(QrQuery),
    responses((status = 200, description = "the code as image/svg+xml (format=svg) or image/png (format=png)", content(
                  (String = "image/svg+xml"),
                  (Vec<u8> = "image/png"))),
              (status = 400, description = "bad tickets or format", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "more than five tickets", body = Problem, content_type = "application/problem+json")))]
async fn qr(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<QrQuery>,
) -> Result<Response, ApiError> {
    let game = state.engine.game();
    let tickets = parse_tickets(&game, &q.numbers.replace(',', " "))?;
    if tickets.is_empty() {
        return Err(ApiError::from(Error::invalid(
            "numbers",
            "give at least one ticket",
        )));
    }
    if tickets.len() > MAX_QR_TICKETS {
        return Err(ApiError::from(Error::Limit {
            field: "numbers".into(),
            value: tickets.len() as u64,
            limit: MAX_QR_TICKETS as u64,
        }));
    }
    let mut text = format!("LottoPro {}", game.id());
    if let Some(r) = q.round {
        text.push_str(&format!(" round {r}"));
    }
    for t in &tickets {
        text.push('\n');
        text.push_str(&t.to_string());
    }
    let code = QrCode::new(text.as_bytes()).map_err(ApiError::internal)?;
    let (body, mime) = match q.format.as_deref().unwrap_or("svg") {
        "svg" => (
            code.render::<qrcode::render::svg::Color<'_>>()
                .quiet_zone(true)
                .min_dimensions(240, 240)
                .build()
                .into_bytes(),
            "image/svg+xml",
        ),
        "png" => (png(&code).map_err(ApiError::internal)?, "image/png"),
        other => {
            return Err(ApiError::from(Error::invalid(
                "format",
                format!("'{other}' is not svg or png"),
            )));
        }
    };
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(response)
}

/// The code as an 8-bit greyscale PNG.
fn png(code: &QrCode) -> Result<Vec<u8>, png::EncodingError> {
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * PNG_SCALE;
    let mut pixels = vec![255u8; side * side];
    for y in 0..modules {
        for x in 0..modules {
            if colors[y * modules + x] == Color::Dark {
                let (px, py) = ((x + QUIET_ZONE) * PNG_SCALE, (y + QUIET_ZONE) * PNG_SCALE);
                for row in py..py + PNG_SCALE {
                    pixels[row * side + px..row * side + px + PNG_SCALE].fill(0);
                }
            }
        }
    }
    let mut out = Vec::new();
    let side = u32::try_from(side).unwrap_or(u32::MAX);
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(out)
}
