//! Changing a saved ticket from the page: delete (with the undo that
//! restores it), edit its label and round, mark its prize claimed. Each
//! answers the updated list (see `tickets`).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::forms::{Fragment, UiForm};
use super::tickets::{form_id, form_round, known_client, list_response, status};
use super::{LangQuery, esc, text_for};
use crate::app::{ApiError, AppState, on_store};
use axum::routing::post;
use utoipa_axum::router::OpenApiRouter;

/// The routes (the caller adds the save allowance).
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/ui/saved/delete", post(ui_delete))
        .route("/ui/saved/restore", post(ui_restore))
        .route("/ui/saved/edit", post(ui_edit))
        .route("/ui/saved/claim", post(ui_claim))
}

#[derive(Deserialize)]
struct IdForm {
    id: String,
}

/// Dashboard: deletes a ticket; the list answers with an undo.
async fn ui_delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
    UiForm(f): UiForm<IdForm>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let id = form_id(&state, &f.id)?;
        let client = known_client(&state, &headers).await?;
        let owner = client.owner(&state.options().secret);
        let found = on_store(&state, move |store| store.delete_numbers(&owner, id)).await?;
        if !found {
            return Err(ApiError::from(lottopro_core::Error::NotFound(
                "no such saved ticket for this browser".into(),
            )));
        }
        Ok::<_, ApiError>(client)
    }
    .await;
    match result {
        Err(e) => Fragment::error(t, e).into_response(),
        Ok(client) => {
            let undo = format!(
                r#"<div class="ok undo" role="status"><span>{}</span><form method="post" action="/ui/saved/restore?lang={}" data-target="saved-list"><input type="hidden" name="id" value="{}"><button type="submit" class="secondary">{}</button></form></div>"#,
                t.week.deleted,
                t.lang,
                esc(f.id.trim()),
                t.week.undo
            );
            list_response(&state, &client, t, &undo).await
        }
    }
}

/// Dashboard: restores a ticket just deleted (the undo).
async fn ui_restore(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
    UiForm(f): UiForm<IdForm>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let id = form_id(&state, &f.id)?;
        let client = known_client(&state, &headers).await?;
        let owner = client.owner(&state.options().secret);
        let restored = on_store(&state, move |store| store.restore_numbers(&owner, id)).await?;
        Ok::<_, ApiError>((client, restored.is_some()))
    }
    .await;
    match result {
        Err(e) => Fragment::error(t, e).into_response(),
        Ok((client, true)) => list_response(&state, &client, t, "").await,
        Ok((client, false)) => {
            list_response(&state, &client, t, &status("warning", t.week.already_saved)).await
        }
    }
}

#[derive(Deserialize)]
struct EditForm {
    id: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    round: String,
}

/// Dashboard: changes a ticket's label and round.
async fn ui_edit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
    UiForm(f): UiForm<EditForm>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let id = form_id(&state, &f.id)?;
        let round = form_round(&state, &f.round)?;
        let client = known_client(&state, &headers).await?;
        let owner = client.owner(&state.options().secret);
        let label = f.label;
        let edited = on_store(&state, move |store| {
            store.edit_numbers(&owner, id, &label, Some(round))
        })
        .await?;
        if edited.is_none() {
            return Err(ApiError::from(lottopro_core::Error::NotFound(
                "no such saved ticket for this browser".into(),
            )));
        }
        Ok::<_, ApiError>(client)
    }
    .await;
    match result {
        Err(e) => Fragment::error(t, e).into_response(),
        Ok(client) => list_response(&state, &client, t, "").await,
    }
}

#[derive(Deserialize)]
struct ClaimForm {
    id: String,
    claimed: String,
}

/// Dashboard: marks a winning ticket claimed (or not).
async fn ui_claim(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
    UiForm(f): UiForm<ClaimForm>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let id = form_id(&state, &f.id)?;
        let claimed = match f.claimed.trim() {
            "true" => true,
            "false" => false,
            other => {
                return Err(ApiError::from(lottopro_core::Error::invalid(
                    "claimed",
                    format!("'{other}' is not true or false"),
                )));
            }
        };
        let client = known_client(&state, &headers).await?;
        let owner = client.owner(&state.options().secret);
        on_store(&state, move |store| store.mark_claimed(&owner, id, claimed)).await?;
        Ok::<_, ApiError>(client)
    }
    .await;
    match result {
        Err(e) => Fragment::error(t, e).into_response(),
        Ok(client) => list_response(&state, &client, t, "").await,
    }
}
