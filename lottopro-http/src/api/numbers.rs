//! Saved numbers: `POST/GET /api/numbers`, `DELETE /api/numbers/{id}`.
//!
//! Tickets belong to an unguessable client token (128 random bits from the
//! OS-seeded CSPRNG) issued on the first save and sent back by the client in
//! the `X-Client-Token` header or the `lottopro_token` cookie. The token is
//! the only credential, so it is never logged and never appears in a URL.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use axum::{Json, Router};
use lottopro_core::Error;
use rand::RngExt;
use serde::Deserialize;
use serde_json::json;

use super::{ApiError, ApiJson, AppState, ticket_from};
use crate::store::Store;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/numbers", get(list).post(save))
        .route("/api/numbers/{id}", delete(remove))
}

const TOKEN_HEADER: &str = "x-client-token";
const TOKEN_COOKIE: &str = "lottopro_token";

/// The client's token, if it sent a well-formed one; an error for a malformed one.
fn token(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let from_header = headers
        .get(TOKEN_HEADER)
        .map(|v| v.to_str().unwrap_or("").to_owned());
    let from_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|c| c.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == TOKEN_COOKIE)
        .map(|(_, v)| v.to_owned());
    match from_header.or(from_cookie) {
        None => Ok(None),
        Some(t)
            if t.len() == 32
                && t.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) =>
        {
            Ok(Some(t))
        }
        Some(_) => Err(ApiError::from(Error::InvalidInput {
            field: TOKEN_HEADER.into(),
            message: "is not a client token (32 lowercase hex digits)".into(),
        })),
    }
}

fn store(state: &AppState) -> Result<std::sync::Arc<Store>, ApiError> {
    state.store.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "No store",
            "this service runs without a database",
        )
    })
}

async fn on_store<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Store) -> lottopro_core::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    let s = store(state)?;
    match tokio::task::spawn_blocking(move || f(&s)).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => Err(ApiError::internal(e)),
    }
}

/// `{"numbers": [3, 11, 17, 25, 33, 41]}` or `{"ticket": "3 11 17 25 33 41"}`, and an optional label.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SaveBody {
    numbers: Option<Vec<u8>>,
    ticket: Option<String>,
    #[serde(default)]
    label: String,
}

async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SaveBody>,
) -> Result<Response, ApiError> {
    let game = state.engine.game();
    let ticket = ticket_from(&game, b.numbers, b.ticket)?;
    let owner = match token(&headers)? {
        Some(t) => t,
        None => format!("{:032x}", rand::rng().random::<u128>()),
    };
    let label = b.label;
    let who = owner.clone();
    let saved = on_store(&state, move |s| {
        s.save_numbers(&who, &game, &ticket, &label)
    })
    .await?;
    let mut response = (
        StatusCode::CREATED,
        Json(json!({ "saved": saved, "token": owner })),
    )
        .into_response();
    let cookie =
        format!("{TOKEN_COOKIE}={owner}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000");
    if let (Ok(c), Ok(t)) = (
        HeaderValue::from_str(&cookie),
        HeaderValue::from_str(&owner),
    ) {
        response.headers_mut().insert(header::SET_COOKIE, c);
        response.headers_mut().insert(TOKEN_HEADER, t);
    }
    Ok(response)
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Some(owner) = token(&headers)? else {
        return Ok(Json(json!({ "numbers": [] })));
    };
    let saved = on_store(&state, move |s| s.saved_numbers(&owner)).await?;
    Ok(Json(json!({ "numbers": saved })))
}

async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: i64 = id.parse().map_err(|_| {
        ApiError::from(Error::InvalidInput {
            field: "id".into(),
            message: format!("'{id}' is not a saved-ticket id"),
        })
    })?;
    let not_found = || {
        ApiError::from(Error::NotFound(format!(
            "no saved ticket {id} for this client"
        )))
    };
    let owner = token(&headers)?.ok_or_else(not_found)?;
    if on_store(&state, move |s| s.delete_numbers(&owner, id)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}
