//! My tickets: the tickets this browser saved, each for a round and checked
//! automatically once that round is drawn (its rank, what the rank paid and
//! what is left after tax), with running totals of spent and won next to
//! what chance expected; tickets added from a QR code (pasted, scanned by
//! the camera where the browser offers a barcode detector, or a photo
//! decoded on the server for every browser); the prediction history with
//! its scores; and the device link (`device`).

use std::fmt::Write;

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lottopro_core::money::group_thousands;
use lottopro_core::{Money, Ticket};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

use super::forms::{Fragment, UiForm, round_field};
use super::page::outcome;
use super::{LangQuery, Text, balls, esc, signed_won, text_for, won};
use crate::app::client::Client;
use crate::app::{ApiError, AppState, Limits, require_store, upcoming_round};
use crate::store::SavedNumbers;

/// The largest photo a player may upload (a phone's JPEG is 2–5 MB).
const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

pub(super) fn router(limits: &Limits) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(limits.saves(OpenApiRouter::new().route("/ui/saved", post(ui_save))))
        .merge(
            limits.saves(
                OpenApiRouter::new()
                    .route("/ui/qr", post(ui_qr))
                    .layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES)),
            ),
        )
        .route("/ui/saved", get(ui_saved))
        .merge(super::device::router(limits))
}

/// The page's content.
pub(super) async fn page(
    state: &AppState,
    client: Option<&Client>,
    t: &Text,
    code: Option<&str>,
) -> String {
    let saved = saved_fragment(state, client, t).await;
    let history = history_fragment(state, client, t).await;
    format!(
        r#"<section id="saved"><h2>{title}</h2><form id="saved-form" method="post" action="/ui/saved?lang={lang}" data-target="saved-list"><label>{ticket} <input name="ticket" required placeholder="3 11 17 25 33 41"></label><label>{label} <input name="label" maxlength="100"></label><label>{round} <input name="round" type="number" min="1" value="{upcoming}"></label><button type="submit">{button}</button></form><div id="saved-list" aria-live="polite">{saved}</div></section><section id="qr"><h2>{qr_title}</h2><p class="note">{qr_note}</p><form id="qr-form" method="post" action="/ui/qr?lang={lang}" enctype="multipart/form-data" data-target="qr-result"><label>{photo} <input name="photo" type="file" accept="image/png,image/jpeg" capture="environment"></label><label>{qr_url} <input name="url" placeholder="https://m.dhlottery.co.kr/qr.do?method=winQr&amp;v=…"></label><button type="submit">{qr_button}</button><button type="button" class="secondary" data-scan hidden>{scan}</button></form><video id="scan-video" class="scan" playsinline muted hidden></video><div id="qr-result" aria-live="polite"></div></section><section id="history"><h2>{history_title}</h2>{history}</section>{link}"#,
        title = t.saved_title,
        lang = t.lang,
        ticket = t.ticket,
        label = t.label,
        round = t.round,
        upcoming = crate::app::upcoming_round(state).unwrap_or(1),
        button = t.save_button,
        qr_title = t.qr_title,
        qr_note = t.qr_note,
        photo = t.photo,
        qr_url = t.qr_url,
        qr_button = t.qr_button,
        scan = t.scan_button,
        history_title = t.history_title,
        link = super::device::section(t, code),
    )
}

/// The client's predictions, newest first, each with its score once its
/// round is drawn.
async fn history_fragment(state: &AppState, client: Option<&Client>, t: &Text) -> String {
    let (Some(store), Some(client)) = (state.store.clone(), client) else {
        return format!(r#"<p class="muted">{}</p>"#, t.no_history);
    };
    let owner = client.owner(&state.options().secret);
    let found = tokio::task::spawn_blocking(move || store.predictions(&owner)).await;
    let Ok(Ok(predictions)) = found else {
        return format!(r#"<p class="error">{}</p>"#, t.error);
    };
    if predictions.is_empty() {
        return format!(r#"<p class="muted">{}</p>"#, t.no_history);
    }
    let mut h = String::from(r#"<ul class="history">"#);
    for p in predictions.iter().take(20) {
        let model = p
            .model
            .parse::<lottopro_core::Model>()
            .map_or(p.model.as_str(), |m| t.model_name(m));
        let score = match &p.score {
            Some(s) => format!(
                "{} {} · <strong>{}</strong>",
                t.best_matches,
                s.best_matches,
                s.best_rank
                    .map_or_else(|| t.no_prize.to_owned(), |r| format!("{} {r}", t.rank))
            ),
            None => t.waiting.to_owned(),
        };
        let tickets: String = p
            .tickets
            .iter()
            .take(5)
            .map(|x| {
                let n: Vec<u8> = x
                    .split_whitespace()
                    .filter_map(|v| v.parse().ok())
                    .collect();
                format!("<li>{}</li>", balls(&n))
            })
            .collect();
        let _ = write!(
            h,
            r#"<li><p>{model} · {} {} · {score}</p><ol class="tickets">{tickets}</ol></li>"#,
            t.round, p.target_round
        );
    }
    h.push_str("</ul>");
    h
}

/// Dashboard: a ticket's QR code, from a photo (decoded here) or its text:
/// every game is checked against its round and saved to My tickets for it.
async fn ui_qr(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let multipart = multipart
            .map_err(|r| ApiError::from(lottopro_core::Error::invalid("photo", r.body_text())))?;
        // Admitted before its body is read; the photo decoded apart from
        // the heavy work, under its own deadline.
        let _slot = crate::app::upload_slot(&state)?;
        let (photo, url) = qr_fields(multipart).await?;
        let text = match photo {
            Some(bytes) => crate::app::read_photo(&state, bytes).await?,
            None => url,
        };
        let checked = crate::app::blocking(&state, move |engine| engine.check_qr(&text)).await?;
        let client = Client::or_issue(&headers, &state).await?;
        let store = require_store(&state)?;
        let owner = client.owner(&state.options().secret);
        let game = state.engine.game();
        let (round, tickets): (u32, Vec<Ticket>) = (
            checked.round,
            checked
                .games
                .iter()
                .filter_map(|g| Ticket::new(&game, &g.numbers, &[]).ok())
                .collect(),
        );
        tokio::task::spawn_blocking(move || {
            tickets.iter().try_for_each(|ticket| {
                store
                    .save_numbers(&owner, &game, ticket, "QR", Some(round))
                    .map(drop)
            })
        })
        .await
        .map_err(ApiError::internal)??;
        Ok::<_, ApiError>((client, checked))
    }
    .await;
    let (client, c) = match result {
        Ok(r) => r,
        Err(e) => return Fragment::error(t, e).into_response(),
    };
    let mut h = format!(r#"<div class="check"><p>{} {}</p><ol>"#, t.round, c.round);
    for g in &c.games {
        let _ = write!(
            h,
            "<li>{} · {} {} · <strong>{}</strong></li>",
            balls(&g.numbers),
            g.matches,
            t.matches,
            outcome(t, g.rank, g.prize)
        );
    }
    let _ = write!(h, r#"</ol><p class="note">{}</p></div>"#, t.qr_saved);
    let mut r = Fragment::ok(h).into_response();
    client.attach(&mut r);
    r
}

/// The upload's photo (if one was chosen) and pasted text.
async fn qr_fields(mut m: Multipart) -> Result<(Option<Vec<u8>>, String), ApiError> {
    let (mut photo, mut url) = (None, String::new());
    let bad = |e: axum::extract::multipart::MultipartError| {
        let message = if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            format!("is larger than {} MiB", MAX_PHOTO_BYTES / (1024 * 1024))
        } else {
            e.body_text()
        };
        ApiError::from(lottopro_core::Error::invalid("photo", message))
    };
    while let Some(field) = m.next_field().await.map_err(bad)? {
        match field.name() {
            Some("photo") => {
                let bytes = field.bytes().await.map_err(bad)?;
                if !bytes.is_empty() {
                    photo = Some(bytes.to_vec());
                }
            }
            Some("url") => url = field.text().await.map_err(bad)?,
            _ => {}
        }
    }
    if photo.is_none() && url.trim().is_empty() {
        return Err(lottopro_core::Error::invalid(
            "photo",
            "choose a photo of the ticket's QR code, or paste the code's text",
        )
        .into());
    }
    Ok((photo, url))
}

/// One saved ticket's outcome, once its round is drawn.
struct Outcome {
    rank: Option<u8>,
    /// What the rank paid, after tax (0 without a prize).
    net: Money,
}

/// The client's saved tickets, newest first, with their outcomes and the
/// totals.
pub(super) async fn saved_fragment(state: &AppState, client: Option<&Client>, t: &Text) -> String {
    let (Some(store), Some(client)) = (state.store.clone(), client) else {
        return format!(r#"<p class="muted">{}</p>"#, t.no_saved);
    };
    let owner = client.owner(&state.options().secret);
    let engine = state.engine.clone();
    let checked = tokio::task::spawn_blocking(move || {
        let saved = store.saved_numbers(&owner)?;
        let game = engine.game();
        let latest = engine.history().latest_round().unwrap_or(0);
        let outcomes: Vec<Option<Outcome>> = saved
            .iter()
            .map(|s| {
                let round = s.round.filter(|r| *r <= latest)?;
                let ticket = Ticket::parse(&game, &s.numbers).ok()?;
                let c = engine.check(&ticket, round).ok()?;
                let net = match c.prize {
                    Some(p) => engine.tax(p, None).map(|a| a.net).unwrap_or(p),
                    None => Money::ZERO,
                };
                Some(Outcome { rank: c.rank, net })
            })
            .collect();
        let expected = engine.expected_prize().map(|(_, net)| net).unwrap_or(0.0);
        Ok::<_, lottopro_core::Error>((saved, outcomes, expected, game.ticket_price()))
    })
    .await;
    let Ok(Ok((saved, outcomes, expected, price))) = checked else {
        return format!(r#"<p class="error">{}</p>"#, t.error);
    };
    if saved.is_empty() {
        return format!(r#"<p class="muted">{}</p>"#, t.no_saved);
    }
    let mut h = totals(t, &outcomes, expected, price);
    h.push_str(r#"<ul class="saved">"#);
    for (s, outcome) in saved.iter().zip(&outcomes).rev() {
        let _ = write!(h, "{}", item(t, s, outcome.as_ref()));
    }
    h.push_str("</ul>");
    h
}

/// The tickets whose round is drawn: how many, what they cost, what they
/// won after tax, and what chance expected of as many tickets.
fn totals(t: &Text, outcomes: &[Option<Outcome>], expected: f64, price: Money) -> String {
    let done: Vec<&Outcome> = outcomes.iter().flatten().collect();
    if done.is_empty() {
        return String::new();
    }
    let n = done.len() as u64;
    let won_net: u64 = done.iter().map(|o| o.net.get()).sum();
    let spent = price.get() * n;
    format!(
        r#"<p class="totals">{} {} · {} {} · {} {} · {} {} · {} {}</p>"#,
        t.checked_tickets,
        n,
        t.spent_total,
        t.money(&group_thousands(spent)),
        t.won_after_tax,
        t.money(&group_thousands(won_net)),
        t.net_result,
        signed_won(t, won_net as f64 - spent as f64),
        t.chance_expected,
        t.money(&group_thousands((expected * n as f64).round() as u64)),
    )
}

/// One saved ticket: its QR code, numbers, label and round, and its
/// outcome once drawn.
fn item(t: &Text, s: &SavedNumbers, outcome: Option<&Outcome>) -> String {
    let numbers: Vec<u8> = s
        .numbers
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let query = match s.round {
        Some(r) => format!("{}&amp;round={r}", s.numbers.replace(' ', "+")),
        None => s.numbers.replace(' ', "+"),
    };
    let status = match (s.round, outcome) {
        (_, Some(o)) => match o.rank {
            Some(rank) => format!(
                r#"<strong>{} {rank}</strong> · {} {}"#,
                t.rank,
                t.after_tax,
                won(t, o.net)
            ),
            None => t.no_prize.to_owned(),
        },
        (Some(_), None) => t.waiting.to_owned(),
        (None, None) => String::new(),
    };
    let round = s
        .round
        .map(|r| format!("{} {r}", t.round))
        .unwrap_or_default();
    format!(
        r#"<li><img class="qr" src="/api/qr?numbers={query}" alt="QR {}" width="96" height="96"><span>{} <span class="label">{}</span><br><span class="muted">{round}</span> {status}</span></li>"#,
        esc(&s.numbers),
        balls(&numbers),
        esc(&s.label)
    )
}

#[derive(Deserialize)]
pub(super) struct SaveForm {
    ticket: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    round: String,
}

/// Dashboard: the client's saved numbers with QR codes.
async fn ui_saved(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    match Client::from_headers(&headers, &state).await {
        Ok(client) => Fragment::ok(saved_fragment(&state, client.as_ref(), t).await),
        Err(e) => Fragment::error(t, e),
    }
}

/// Dashboard: saves a ticket for a round (the next draw's unless given) and
/// answers the updated list.
async fn ui_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<SaveForm>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let game = state.engine.game();
        let ticket = Ticket::parse(&game, &f.ticket)?;
        let round = match f.round.trim() {
            "" => upcoming_round(&state),
            r => Some(round_field(r)?),
        };
        let client = Client::or_issue(&headers, &state).await?;
        let store = require_store(&state)?;
        let owner = client.owner(&state.options().secret);
        let label = f.label;
        tokio::task::spawn_blocking(move || {
            store.save_numbers(&owner, &game, &ticket, &label, round)
        })
        .await
        .map_err(ApiError::internal)??;
        Ok::<_, ApiError>(client)
    }
    .await;
    match result {
        Err(e) => Fragment::error(t, e).into_response(),
        Ok(client) => {
            let mut r =
                Fragment::ok(saved_fragment(&state, Some(&client), t).await).into_response();
            client.attach(&mut r);
            r
        }
    }
}
