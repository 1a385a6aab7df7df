//! Who shares your prize: a ticket's expected co-winners per rank, its
//! expected value against a random ticket and its popularity rank, each
//! with its 95 % interval; anti-popular picks; and what the popularity
//! model can and cannot say.

use std::fmt::Write;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use lottopro_core::money::group_thousands;
use lottopro_core::{Model, PredictRequest, Ticket, TicketPopularity};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

use super::forms::{Fragment, UiForm, count_field};
use super::{LangQuery, Text, balls, text_for};
use crate::app::{ApiError, AppState, Limits};

pub(super) fn router(limits: &Limits) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/ui/popularity", post(ui_popularity))
        // Picks are predictions: they spend the prediction allowance.
        .merge(
            limits
                .predictions(OpenApiRouter::new().route("/ui/anti-popular", post(ui_anti_popular))),
        )
}

/// The most picks one request may ask for.
const MAX_PICKS: usize = 10;

/// The page's content.
pub(super) fn page(t: &Text) -> String {
    let list =
        |items: &[&str]| -> String { items.iter().map(|i| format!("<li>{i}</li>")).collect() };
    format!(
        r#"<section id="popularity"><h2>{title}</h2><form id="popularity-form" method="post" action="/ui/popularity?lang={lang}" data-target="popularity-result"><label>{ticket} <input name="ticket" required placeholder="1 2 3 4 5 6"></label><button type="submit">{button}</button></form><div id="popularity-result" aria-live="polite"></div></section><section id="anti-popular"><h2>{anti_title}</h2><p class="note">{anti_note}</p><form id="anti-form" method="post" action="/ui/anti-popular?lang={lang}" data-target="anti-result"><label>{count} <input name="count" type="number" min="1" max="{MAX_PICKS}" value="5"></label><button type="submit">{anti_button}</button></form><div id="anti-result" aria-live="polite"></div></section><section id="can-say"><h2>{limits_title}</h2><div class="cols"><div><h3>{can}</h3><ul>{can_list}</ul></div><div><h3>{cannot}</h3><ul>{cannot_list}</ul></div></div></section>"#,
        title = t.popularity_title,
        lang = t.lang,
        ticket = t.ticket,
        button = t.popularity_button,
        anti_title = t.anti_title,
        anti_note = t.anti_note,
        count = t.count,
        anti_button = t.anti_button,
        limits_title = t.model_limits,
        can = t.can_say_title,
        can_list = list(&t.can_say),
        cannot = t.cannot_say_title,
        cannot_list = list(&t.cannot_say),
    )
}

#[derive(Deserialize)]
struct PopularityForm {
    ticket: String,
}

/// Dashboard: who shares a ticket's prizes, each figure with its interval.
async fn ui_popularity(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<PopularityForm>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let ticket = Ticket::parse(&state.engine.game(), &f.ticket)?;
        crate::app::heavy(&state, move |e| e.popularity(&ticket, None)).await
    }
    .await;
    let p = match result {
        Ok(p) => p,
        Err(e) => return Fragment::error(t, e),
    };
    Fragment::ok(figures(t, &p))
}

/// A ticket's popularity figures, each with its 95 % interval.
fn figures(t: &Text, p: &TicketPopularity) -> String {
    let interval = |i: Option<(f64, f64)>, digits: usize| {
        i.map_or_else(String::new, |(lo, hi)| {
            format!(" <span class=\"muted\">({lo:.digits$}–{hi:.digits$})</span>")
        })
    };
    let mut h = format!(
        r#"<div class="popularity"><p>{}</p><table><tr><td>{}</td><td>{:.1}{}</td></tr>"#,
        balls(&p.numbers),
        t.as_often,
        p.popularity,
        interval(p.popularity_interval, 1)
    );
    if let (Some(b), Some(rank)) = (p.expected_buyers, p.popularity_rank) {
        let _ = write!(
            h,
            r#"<tr><td>{}</td><td>{:.0}{}</td></tr><tr><td>{}</td><td>{}</td></tr>"#,
            t.buyers,
            b.estimate,
            interval(Some((b.low, b.high)), 0),
            t.popularity_rank,
            group_thousands(rank)
                + &p.popularity_rank_interval
                    .map_or_else(String::new, |(lo, hi)| {
                        format!(
                            " <span class=\"muted\">({}–{})</span>",
                            group_thousands(lo as u64),
                            group_thousands(hi as u64)
                        )
                    })
        );
    }
    let rank1 = p.expected_co_winners.get(&1).copied().unwrap_or(0.0);
    let _ = write!(
        h,
        r#"<tr><td>{}</td><td>{:.1}{} · {} {:.1}</td></tr><tr><td>{}</td><td>{}{} · {} {}</td></tr></table><p class="muted">{}</p></div>"#,
        t.co_winners,
        rank1,
        interval(
            p.co_winners_interval
                .as_ref()
                .and_then(|i| i.get(&1).copied()),
            1
        ),
        t.if_uniform,
        p.uniform_co_winners.get(&1).copied().unwrap_or(0.0),
        t.ev_model,
        t.money(&format!("{:.1}", p.ev_per_ticket)),
        interval(p.ev_interval, 1),
        t.if_uniform,
        t.money(&format!("{:.1}", p.uniform_ev_per_ticket)),
        t.popularity_note
    );
    h
}

#[derive(Deserialize)]
struct PicksForm {
    #[serde(default)]
    count: String,
}

/// Dashboard: anti-popular picks, each with how often it is played and how
/// many others are expected on it.
async fn ui_anti_popular(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<PicksForm>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let count = match f.count.trim() {
            "" => 5,
            c => count_field(c, "count")?,
        };
        if count > MAX_PICKS {
            return Err(ApiError::from(lottopro_core::Error::Limit {
                field: "count".into(),
                value: count as u64,
                limit: MAX_PICKS as u64,
            }));
        }
        let seed = rand::random::<u64>();
        crate::app::heavy(&state, move |e| {
            let p = e.predict(&PredictRequest {
                model: Model::AntiPopular,
                count,
                include: vec![],
                exclude: vec![],
                seed,
            })?;
            p.tickets
                .iter()
                .map(|x| Ok((x.ticket, e.popularity(&x.ticket, None)?)))
                .collect::<lottopro_core::Result<Vec<(Ticket, TicketPopularity)>>>()
        })
        .await
    }
    .await;
    let picks = match result {
        Ok(p) => p,
        Err(e) => return Fragment::error(t, e),
    };
    let mut h = String::from(r#"<ol class="tickets picks">"#);
    for (ticket, p) in &picks {
        let _ = write!(
            h,
            r#"<li>{} <span class="muted">{} {:.2} · {} {}</span></li>"#,
            balls(&ticket.numbers()),
            t.as_often,
            p.popularity,
            t.buyers,
            p.expected_buyers
                .map(|b| group_thousands(b.estimate.round() as u64))
                .unwrap_or_default()
        );
    }
    let _ = write!(h, r#"</ol><p class="note">{}</p>"#, t.popularity_note);
    Fragment::ok(h)
}
