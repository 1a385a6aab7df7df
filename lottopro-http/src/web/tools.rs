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
        // A wheel is heavy work: it spends the prediction allowance; its
        // estimate is a lookup.
        .merge(limits.predictions(OpenApiRouter::new().route("/ui/wheel", post(ui_wheel))))
        .route("/ui/wheel/estimate", axum::routing::get(ui_wheel_estimate))
        .route("/ui/odds", post(ui_odds))
}

/// The wheels page: numbers and a guarantee → the verified wheel.
pub(super) fn wheels_page(t: &Text) -> String {
    let guarantees: String = [
        "3if3", "3if4", "3if5", "3if6", "4if4", "4if5", "4if6", "5if5",
    ]
    .iter()
    .map(|g| {
        let words = lottopro_core::wheel::Guarantee::parse(g, 6)
            .map(|q| guarantee_words(t, q))
            .unwrap_or_else(|_| (*g).to_owned());
        format!(r#"<option value="{g}">{words}</option>"#)
    })
    .collect();
    format!(
        r#"<section id="wheel"><h2>{wheel_title}</h2><p class="note">{wheel_note}</p><form id="wheel-form" method="post" action="/ui/wheel?lang={lang}" data-target="wheel-result"><label>{numbers} <input name="numbers" required placeholder="1 5 9 14 22 27 31 38 42 45"></label><label>{guarantee} <select name="guarantee">{guarantees}</select></label><label class="check"><input type="checkbox" name="weighted" value="true"> {weighted}</label><button type="submit">{wheel_button}</button><p id="wheel-estimate" class="note" aria-live="polite" data-estimate></p></form><div id="wheel-result" aria-live="polite"></div></section>"#,
        wheel_title = t.wheel_title,
        wheel_note = t.wheel_note,
        lang = t.lang,
        numbers = t.wheel_numbers,
        guarantee = t.guarantee,
        wheel_button = t.wheel_button,
        weighted = t.wheel_weighted,
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

/// A guarantee in words: "4개 적중 시 3개 보장".
fn guarantee_words(t: &Text, g: lottopro_core::wheel::Guarantee) -> String {
    super::text::week::fill(
        t.week.guarantee,
        &[("t", &g.t.to_string()), ("m", &g.m.to_string())],
    )
}

/// What a wheel of these numbers will hold and cost, before it is built:
/// the shipped design's size or a lower bound, a warning past one draw's
/// purchase limit, and the refusal past the cap.
fn estimate_line(t: &Text, v: usize, g: lottopro_core::wheel::Guarantee, price: u64) -> String {
    use lottopro_core::wheel::{MAX_TICKETS, estimate};
    let e = estimate(v, g);
    let n = e.tickets.unwrap_or(e.at_least);
    let cost = t.money(&group_thousands(n * price));
    let size = super::text::week::fill(
        if e.tickets.is_some() {
            t.week.wheel_size
        } else {
            t.week.wheel_at_least
        },
        &[("n", &group_thousands(n)), ("cost", &cost)],
    );
    let mut h = format!("{size} · {}", guarantee_words(t, g));
    if e.over_cap {
        let _ = write!(
            h,
            r#" <strong class="error">{}</strong>"#,
            super::text::week::fill(
                t.week.wheel_over_cap,
                &[("cap", &group_thousands(MAX_TICKETS))]
            )
        );
    } else if n * price > PURCHASE_LIMIT {
        let _ = write!(
            h,
            r#" <strong class="warning">{}</strong>"#,
            t.week.wheel_over_limit
        );
    }
    h
}

/// What one player may buy for one Korean Lotto draw, in won.
const PURCHASE_LIMIT: u64 = 100_000;

#[derive(Deserialize)]
struct WheelForm {
    numbers: String,
    guarantee: String,
    /// "true" when the player asks for the popularity-weighted wheel.
    #[serde(default)]
    weighted: String,
}

/// Dashboard: what a wheel will hold and cost, before it is built.
async fn ui_wheel_estimate(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<EstimateQuery>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    let game = state.engine.game();
    let result = parse_numbers(&q.numbers, "numbers", game.pool()).and_then(|n| {
        Ok((
            n.len(),
            lottopro_core::wheel::Guarantee::parse(&q.guarantee, game.picks())?,
        ))
    });
    match result {
        Ok((v, g)) if v >= usize::from(game.picks()) => {
            Fragment::ok(estimate_line(t, v, g, game.ticket_price().get()))
        }
        Ok(_) => Fragment::ok(String::new()),
        Err(e) => Fragment::error(t, e.into()),
    }
}

#[derive(Deserialize)]
struct EstimateQuery {
    lang: Option<String>,
    #[serde(default)]
    numbers: String,
    #[serde(default)]
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
        let weighted = f.weighted.trim() == "true";
        if weighted {
            crate::app::require_draws(&state)?;
        }
        heavy(&state, move |e| e.wheel_with(&request, weighted, None)).await
    }
    .await;
    let w = match result {
        Ok(w) => w,
        Err(e) => return Fragment::error(t, e),
    };
    let mut h = format!(
        r#"<div class="wheel"><p><strong>{}</strong> · {} {} · {} {}{}</p><ol class="tickets">"#,
        guarantee_words(t, w.guarantee),
        group_thousands(w.tickets.len() as u64),
        t.tickets_word,
        t.cost,
        won(t, w.cost),
        w.expected_value
            .map(|ev| format!(" · {} {}", t.expected_prizes, won(t, ev)))
            .unwrap_or_default(),
    );
    // A long wheel shows its first fifty games; the rest open on demand.
    for (i, ticket) in w.tickets.iter().enumerate() {
        if i == 50 {
            let _ = write!(
                h,
                r#"</ol><details><summary>{}</summary><ol class="tickets" start="51">"#,
                super::text::week::fill(
                    t.week.more,
                    &[("n", &group_thousands(w.tickets.len() as u64 - 50))]
                )
            );
        }
        let _ = write!(h, "<li>{}</li>", balls(ticket));
    }
    h.push_str("</ol>");
    if w.tickets.len() > 50 {
        h.push_str("</details>");
    }
    if let Some(p) = &w.popularity {
        let g = &p.gain_per_ticket;
        let _ = write!(
            h,
            r#"<p class="note" data-weighted>{}</p>"#,
            super::text::week::fill(
                t.wheel_weighted_gain,
                &[
                    ("gain", &format!("{:.1}", g.estimate)),
                    ("low", &format!("{:.1}", g.low)),
                    ("high", &format!("{:.1}", g.high)),
                ]
            )
        );
    }
    if w.cost.get() > PURCHASE_LIMIT {
        let _ = write!(h, r#"<p class="warning">{}</p>"#, t.week.wheel_over_limit);
    }
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
