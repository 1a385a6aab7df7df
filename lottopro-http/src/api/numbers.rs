//! Saved numbers: `POST/GET /api/numbers`, `DELETE /api/numbers/{id}`,
//! owned by the client token (see `crate::app::client`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use lottopro_core::Error;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::client::Client;
use crate::app::ids::{IdKind, PublicIds};
use crate::app::{ApiError, ApiJson, AppState, Problem, on_store, ticket_from};
use crate::store::SavedNumbers;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, save))
        .routes(routes!(remove))
}

/// `{"numbers": [3, 11, 17, 25, 33, 41]}` or `{"ticket": "3 11 17 25 33 41"}`, and an optional label.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct SaveBody {
    /// The ticket's numbers (or give `ticket`).
    numbers: Option<Vec<u8>>,
    /// The ticket as text.
    ticket: Option<String>,
    /// A label, at most 100 characters.
    #[serde(default)]
    label: String,
    /// The round it is for, checked when that draw arrives (default: the
    /// next draw).
    round: Option<u32>,
}

/// Saves a ticket for a round: the next draw's unless given, and at most a
/// few rounds ahead of it (an error says which). Saving the same ticket for
/// the same round again stores nothing and answers the one held. The first save issues the client token (in the body, the
/// `X-Client-Token` header and the `lottopro_token` cookie); send it back to
/// see and delete your tickets.
#[utoipa::path(post, path = "/api/numbers", tag = "saved numbers", request_body = SaveBody,
    params(("x-client-token" = Option<String>, Header, description = "the client token, if you have one")),
    responses((status = 201, description = "the saved ticket and the token", body = Saved),
              (status = 200, description = "the same ticket for the same round is saved already: it is answered as held", body = Saved),
              (status = 400, description = "a bad ticket, label or token", body = Problem, content_type = "application/problem+json"),
              (status = 409, description = "a round more than four after the next draw: not open for tickets yet", body = Problem, content_type = "application/problem+json"),
              (status = 422, description = "more than 1,000 saved tickets", body = Problem, content_type = "application/problem+json"),
              (status = 429, description = "rate limit (RATE_LIMIT_SAVE_NUMBERS); see Retry-After", body = Problem, content_type = "application/problem+json"),
              (status = 503, description = "the service runs without a database", body = Problem, content_type = "application/problem+json")))]
async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(b): ApiJson<SaveBody>,
) -> Result<Response, ApiError> {
    let game = state.engine.game();
    let ticket = ticket_from(&game, b.numbers, b.ticket)?;
    if b.round == Some(0) {
        return Err(lottopro_core::Error::invalid("round", "must be 1 or more").into());
    }
    let client = Client::or_issue(&headers, &state).await?;
    let owner = client.owner(&state.options().secret);
    let label = b.label;
    // The next draw's round unless given; none while the service holds no
    // draws to count from.
    let round = b.round.or_else(|| crate::app::upcoming_round(&state));
    if let Some(r) = round {
        state
            .engine
            .history()
            .saveable_round(r, crate::app::unix_now())?;
    }
    let (mut saved, created) = on_store(&state, move |s| {
        match s.save_numbers(&owner, &game, &ticket, &label, round)? {
            Some(new) => Ok((new, true)),
            // The same ticket for the same round is held already: saving is
            // idempotent, and the answer is the ticket as held.
            None => s
                .saved_numbers(&owner)?
                .into_iter()
                .find(|h| h.round == round && h.numbers == ticket.to_string())
                .map(|h| (h, false))
                .ok_or_else(|| Error::NotFound("the ticket was deleted meanwhile".into())),
        }
    })
    .await?;
    saved.id = ids(&state).public(saved.id);
    let mut response = (
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(Saved {
            saved,
            duplicate: !created,
            token: client.token().to_owned(),
        }),
    )
        .into_response();
    client.attach(&mut response);
    Ok(response)
}

/// The client's saved tickets, oldest first (none without a token).
#[utoipa::path(get, path = "/api/numbers", tag = "saved numbers",
    params(("x-client-token" = Option<String>, Header, description = "the client token")),
    responses((status = 200, description = "the saved tickets", body = SavedList),
              (status = 400, description = "a malformed token", body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<SavedList>, ApiError> {
    let Some(client) = Client::from_headers(&headers, &state).await? else {
        return Ok(Json(SavedList {
            numbers: Vec::new(),
        }));
    };
    let owner = client.owner(&state.options().secret);
    let mut numbers = on_store(&state, move |s| s.saved_numbers(&owner)).await?;
    let ids = ids(&state);
    for n in &mut numbers {
        n.id = ids.public(n.id);
    }
    Ok(Json(SavedList { numbers }))
}

/// Saved-ticket ids as clients see them (see `crate::app::ids`).
fn ids(state: &AppState) -> PublicIds {
    PublicIds::new(&state.options().secret, IdKind::Saved)
}

/// A ticket just saved, and the client token that owns it.
#[derive(Serialize, ToSchema)]
struct Saved {
    /// The saved ticket.
    saved: SavedNumbers,
    /// Whether the same ticket for the same round was held already (then
    /// nothing was stored, and the status is 200 instead of 201).
    duplicate: bool,
    /// The client token: send it back to see and delete your tickets.
    token: String,
}

/// A client's saved tickets.
#[derive(Serialize, ToSchema)]
struct SavedList {
    /// Oldest first.
    numbers: Vec<SavedNumbers>,
}

/// Deletes one of the client's saved tickets.
#[utoipa::path(delete, path = "/api/numbers/{id}", tag = "saved numbers",
    params(("id" = i64, Path, description = "the saved ticket's id"),
           ("x-client-token" = String, Header, description = "the client token")),
    responses((status = 204, description = "deleted"),
              (status = 400, description = "not an id, or a malformed token", body = Problem, content_type = "application/problem+json"),
              (status = 404, description = "no such ticket for this client", body = Problem, content_type = "application/problem+json")))]
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
    let client = Client::from_headers(&headers, &state)
        .await?
        .ok_or_else(not_found)?;
    let row = ids(&state).row(id).ok_or_else(not_found)?;
    let owner = client.owner(&state.options().secret);
    if on_store(&state, move |s| s.delete_numbers(&owner, row)).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}
