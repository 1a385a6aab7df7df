//! My tickets: the tickets this browser saved, each for a round and checked
//! automatically once that round is drawn (its rank, what the rank paid and
//! what is left after tax), with running totals of spent and won next to
//! what chance expected.

use std::fmt::Write;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lottopro_core::money::group_thousands;
use lottopro_core::{Money, Ticket};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

use super::forms::{Fragment, UiForm, round_field};
use super::{LangQuery, Text, balls, esc, signed_won, text_for, won};
use crate::app::client::Client;
use crate::app::{ApiError, AppState, Limits, require_store, upcoming_round};
use crate::store::SavedNumbers;

pub(super) fn router(limits: &Limits) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(limits.saves(OpenApiRouter::new().route("/ui/saved", post(ui_save))))
        .route("/ui/saved", get(ui_saved))
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
    let query = s.numbers.replace(' ', "+");
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
