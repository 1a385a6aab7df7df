//! Draws: what each rank of a draw paid and how many won it, the next draw
//! with a countdown, and the past draws page (browse ten rounds at a time,
//! look one up, and "has this ticket ever won?" over the whole history).

use std::fmt::Write;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use lottopro_core::money::group_thousands;
use lottopro_core::{Draw, History, NextDraw, Ticket};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

use super::forms::{Fragment, UiForm, round_field};
use super::{LangQuery, Text, balls, text_for, won};
use crate::app::{ApiError, AppState, blocking};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/ui/draw", post(ui_draw))
        .route("/ui/ever-won", post(ui_ever_won))
}

/// Rounds on one page of the list.
const PER_PAGE: u32 = 10;

/// The past draws page: ten rounds ending at `round` (the latest when
/// `None`), newest first, with links to the older and newer ones; the
/// lookup by round; "has this ticket ever won?".
pub(super) fn page(t: &Text, history: &History, round: Option<u32>) -> String {
    let latest = history.latest_round().unwrap_or(0);
    let first = history.first_round().unwrap_or(1);
    let end = round.unwrap_or(latest).clamp(first.min(latest), latest);
    let mut h = format!(
        r#"<section id="draw-list"><h2>{}</h2><table class="draws stack"><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
        t.past_title, t.round, t.numbers_word, t.first_prize
    );
    for r in (end.saturating_sub(PER_PAGE - 1).max(first)..=end).rev() {
        let Some(d) = history.get(r) else { continue };
        let first_prize = d
            .results()
            .iter()
            .find(|x| x.rank == 1)
            .map(|x| format!("{} × {}", group_thousands(x.winners), won(t, x.prize_each)))
            .unwrap_or_default();
        let _ = write!(
            h,
            r#"<tr><td>{r} <span class="muted">{}</span></td><td>{} + {}</td><td>{first_prize}</td></tr>"#,
            t.date(d.date()),
            balls(&d.numbers().to_vec()),
            balls(&d.bonus().to_vec()),
        );
    }
    h.push_str(r#"</tbody></table><p class="pager">"#);
    if end < latest {
        let _ = write!(
            h,
            r#"<a href="/draws?round={}" rel="prev">← {}</a> "#,
            (end + PER_PAGE).min(latest),
            t.newer
        );
    }
    if end >= first + PER_PAGE {
        let _ = write!(
            h,
            r#"<a href="/draws?round={}" rel="next">{} →</a>"#,
            end - PER_PAGE,
            t.older
        );
    }
    let _ = write!(
        h,
        r#"</p></section><section id="draws"><h2>{find}</h2><form id="draw-form" method="post" action="/ui/draw?lang={lang}" data-target="draw-result"><label>{round} <input name="round" type="number" min="1" required value="{latest}"></label><button type="submit">{show}</button></form><div id="draw-result" aria-live="polite"></div></section><section id="ever"><h2>{ever}</h2><form id="ever-form" method="post" action="/ui/ever-won?lang={lang}" data-target="ever-result"><label>{ticket} <input name="ticket" required placeholder="3 11 17 25 33 41"></label><button type="submit">{check}</button></form><div id="ever-result" aria-live="polite"></div></section>"#,
        find = t.find_round,
        lang = t.lang,
        round = t.round,
        show = t.draw_button,
        ever = t.ever_title,
        ticket = t.ticket,
        check = t.ever_button,
    );
    h
}

/// A draw's numbers and, per rank, how many won it and what each was paid.
pub(super) fn draw_card(t: &Text, d: &Draw) -> String {
    let mut h = format!(
        r#"<p>{} {} · {}</p><p>{} + {}</p>"#,
        t.round,
        d.round(),
        t.date(d.date()),
        balls(&d.numbers().to_vec()),
        balls(&d.bonus().to_vec()),
    );
    if !d.results().is_empty() {
        let _ = write!(
            h,
            r#"<table class="prizes"><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
            t.rank, t.winners, t.prize_each
        );
        for r in d.results() {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                r.rank,
                group_thousands(r.winners),
                won(t, r.prize_each)
            );
        }
        h.push_str("</tbody></table>");
    }
    h
}

/// The next draw: its round, local date and time, and a countdown the
/// page's script keeps current (`data-at`, Unix seconds).
pub(super) fn next_draw_line(t: &Text, next: &NextDraw, now: i64) -> String {
    format!(
        r#"<p class="next">{} · {} {} · {} {} · <span data-at="{}" data-units="{}">{}</span></p>"#,
        t.next_draw,
        t.round,
        next.round,
        t.date(next.date),
        next.local_time,
        next.starts_at,
        t.time_units,
        countdown(t, next.starts_at - now),
    )
}

/// `seconds` as days, hours and minutes in `t`'s words.
fn countdown(t: &Text, seconds: i64) -> String {
    let s = seconds.max(0);
    let units: Vec<&str> = t.time_units.split(',').collect();
    let unit = |i: usize| units.get(i).copied().unwrap_or("");
    format!(
        "{}{} {}{} {}{}",
        s / 86_400,
        unit(0),
        s % 86_400 / 3600,
        unit(1),
        s % 3600 / 60,
        unit(2)
    )
}

#[derive(Deserialize)]
struct DrawForm {
    round: String,
}

/// Dashboard: one past draw by its round.
async fn ui_draw(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<DrawForm>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    let history = state.engine.history();
    let found = round_field(&f.round).and_then(|round| {
        history
            .require(round)
            .map(|d| draw_card(t, d))
            .map_err(ApiError::from)
    });
    match found {
        Ok(html) => Fragment::ok(format!(r#"<div class="draw">{html}</div>"#)),
        Err(e) => Fragment::error(t, e),
    }
}

#[derive(Deserialize)]
struct TicketForm {
    ticket: String,
}

/// Dashboard: has this ticket ever won?
async fn ui_ever_won(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<TicketForm>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let ticket = Ticket::parse(&state.engine.game(), &f.ticket)?;
        if state.engine.history().is_empty() {
            return Err(ApiError::no_draws());
        }
        let numbers = ticket.numbers();
        blocking(&state, move |engine| engine.check_all(&ticket))
            .await
            .map(|ever| (numbers, ever))
    }
    .await;
    let (numbers, ever) = match result {
        Ok(r) => r,
        Err(e) => return Fragment::error(t, e),
    };
    let mut h = format!(
        r#"<div class="ever"><p>{} · {} {}–{}</p>"#,
        balls(&numbers),
        t.draws_checked,
        ever.first_round.unwrap_or(0),
        ever.latest_round.unwrap_or(0),
    );
    match ever.best_rank {
        None => {
            let _ = write!(h, "<p><strong>{}</strong></p>", t.never_won);
        }
        Some(best) => {
            let _ = write!(
                h,
                r#"<p><strong>{} {best}</strong> · {} {} · {} {}</p><ul class="wins">"#,
                t.best_rank,
                ever.wins.len(),
                t.wins_count,
                t.won_total,
                won(t, ever.won),
            );
            // The latest wins first; the rest are counted above.
            for w in ever.wins.iter().rev().take(20) {
                let _ = write!(
                    h,
                    "<li>{} {} · {} {} · {}</li>",
                    t.round,
                    w.round,
                    t.rank,
                    w.rank.unwrap_or(0),
                    w.prize.map_or_else(String::new, |p| won(t, p))
                );
            }
            h.push_str("</ul>");
        }
    }
    h.push_str("</div>");
    Fragment::ok(h)
}
