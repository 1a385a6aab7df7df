//! The wheels page (numbers and a guarantee → the tickets, the verified
//! guarantee, the cost and the expected value, with a print view) and the
//! tools page (simulator, tax, the odds of every preset game).

use std::fmt::Write;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use lottopro_core::money::group_thousands;
use lottopro_core::ticket::parse_numbers;
use lottopro_core::{GameSpec, Odds, WheelRequest};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

use super::forms::{Fragment, UiForm};
use super::{LangQuery, Text, balls, esc, text_for, won};
use crate::app::{ApiError, AppState, Limits, heavy};

pub(super) fn router(limits: &Limits) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // A wheel is heavy work: it spends the prediction allowance.
        .merge(limits.predictions(OpenApiRouter::new().route("/ui/wheel", post(ui_wheel))))
        .route("/ui/odds", post(ui_odds))
}

/// The wheels page: numbers and a guarantee → the verified wheel.
pub(super) fn wheels_page(t: &Text) -> String {
    let guarantees: String = [
        "3if3", "3if4", "3if5", "3if6", "4if4", "4if5", "4if6", "5if5",
    ]
    .iter()
    .map(|g| format!(r#"<option value="{g}">{g}</option>"#))
    .collect();
    format!(
        r#"<section id="wheel"><h2>{wheel_title}</h2><p class="note">{wheel_note}</p><form id="wheel-form" method="post" action="/ui/wheel?lang={lang}" data-target="wheel-result"><label>{numbers} <input name="numbers" required placeholder="1 5 9 14 22 27 31 38 42 45"></label><label>{guarantee} <select name="guarantee">{guarantees}</select></label><button type="submit">{wheel_button}</button></form><div id="wheel-result" aria-live="polite"></div></section>"#,
        wheel_title = t.wheel_title,
        wheel_note = t.wheel_note,
        lang = t.lang,
        numbers = t.wheel_numbers,
        guarantee = t.guarantee,
        wheel_button = t.wheel_button,
    )
}

/// The tools page: the simulator, the tax calculator, this game's odds and
/// the odds of every preset game.
pub(super) fn tools_page(t: &Text, game: &GameSpec, odds: &Odds) -> String {
    let games: String = GameSpec::presets()
        .iter()
        .map(|g| {
            let selected = if g.id() == game.id() { " selected" } else { "" };
            format!(
                r#"<option value="{}"{selected}>{}</option>"#,
                esc(g.id()),
                esc(g.name())
            )
        })
        .collect();
    format!(
        r#"<section id="simulate"><h2>{sim_title}</h2><form id="simulate-form" method="post" action="/ui/simulate?lang={lang}" data-target="simulate-result"><label>{tpd} <input name="tickets_per_draw" type="number" min="1" max="100" value="5"></label><label>{years} <input name="years" type="number" min="1" max="50" value="10"></label><label>{trials} <input name="trials" type="number" min="1" max="100000" value="1000"></label><button type="submit">{sim_button}</button></form><div id="simulate-result" aria-live="polite"></div></section><section id="tax"><h2>{tax_title}</h2><form id="tax-form" method="post" action="/ui/tax?lang={lang}" data-target="tax-result"><label>{amount} <input name="amount" required inputmode="numeric" placeholder="1,000,000,000"></label><button type="submit">{tax_button}</button></form><div id="tax-result" aria-live="polite"></div></section><section id="odds"><h2>{odds_title}</h2>{odds}</section><section id="odds-games"><h2>{games_title}</h2><form method="post" action="/ui/odds?lang={lang}" data-target="odds-result"><label>{game_label} <select name="game">{games}</select></label><button type="submit">{odds_button}</button></form><div id="odds-result" aria-live="polite"></div></section>"#,
        sim_title = t.simulate_title,
        lang = t.lang,
        tpd = t.tickets_per_draw,
        years = t.years,
        trials = t.trials,
        sim_button = t.simulate_button,
        tax_title = t.tax_title,
        amount = t.amount,
        tax_button = t.tax_button,
        odds_title = t.odds_title,
        odds = odds_table(t, odds),
        games_title = t.odds_games_title,
        game_label = t.game,
        odds_button = t.odds_button,
    )
}

#[derive(Deserialize)]
struct WheelForm {
    numbers: String,
    guarantee: String,
}

/// Dashboard: a wheel, verified over every draw before it is shown.
async fn ui_wheel(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<WheelForm>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let numbers = parse_numbers(&f.numbers, "numbers", state.engine.game().pool())?;
        let request = WheelRequest {
            numbers: Some(numbers),
            guarantee: f.guarantee,
            full_pool: false,
            seed: None,
        };
        heavy(&state, move |e| e.wheel(&request)).await
    }
    .await;
    let w = match result {
        Ok(w) => w,
        Err(e) => return Fragment::error(t, e),
    };
    let mut h = format!(
        r#"<div class="wheel"><p><strong>{}</strong> · {} {} · {} {}{}</p><ol class="tickets">"#,
        w.guarantee,
        w.tickets.len(),
        t.tickets_word,
        t.cost,
        won(t, w.cost),
        w.expected_value
            .map(|ev| format!(" · {} {}", t.expected_prizes, won(t, ev)))
            .unwrap_or_default(),
    );
    for ticket in &w.tickets {
        let _ = write!(h, "<li>{}</li>", balls(ticket));
    }
    h.push_str("</ol>");
    let tickets: Vec<String> = w
        .tickets
        .iter()
        .map(|n| n.iter().map(u8::to_string).collect::<Vec<_>>().join(" "))
        .collect();
    h.push_str(&super::tickets::save_form(t, "wheel-saved", &tickets));
    let _ = write!(
        h,
        r#"<p class="note">{} {} / {} · {}</p><p><button type="button" data-print>{}</button></p></div>"#,
        t.verified_over,
        group_thousands(w.draws_checked),
        group_thousands(w.total_draws),
        t.wheel_note,
        t.print,
    );
    Fragment::ok(h)
}

#[derive(Deserialize)]
struct OddsForm {
    game: String,
}

/// Dashboard: the odds of one preset game.
async fn ui_odds(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<OddsForm>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    match state.engine.odds(Some(f.game.trim())) {
        Ok(odds) => Fragment::ok(odds_table(t, &odds)),
        Err(e) => Fragment::error(t, ApiError::from(e)),
    }
}

/// A game's odds, tier by tier.
pub(super) fn odds_table(t: &Text, odds: &Odds) -> String {
    let mut h = String::from(r#"<table class="odds"><tbody>"#);
    for tier in &odds.tiers {
        let _ = write!(
            h,
            r#"<tr><td>{} {}</td><td>{}</td><td>1 / {}</td></tr>"#,
            t.rank,
            tier.rank,
            esc(&tier.label),
            group_thousands(tier.one_in.round() as u64)
        );
    }
    h.push_str("</tbody></table>");
    h
}
