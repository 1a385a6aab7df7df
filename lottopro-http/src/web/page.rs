//! The page at `/`: the latest figures, the models with their backtest
//! lines, and the forms.

use std::fmt::Write;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use lottopro_core::stats::{Stats, StatsOptions};
use lottopro_core::{
    BacktestLine, BacktestOptions, BacktestReport, Engine, Model, Money, Odds, PredictRequest,
    Ticket,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::tickets::saved_fragment;
use super::{LangQuery, Text, balls, chart, draws, esc, stats, text_for, tools, won};
use crate::app::client::Client;
use crate::app::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(index))
}

/// The dashboard.
#[utoipa::path(get, path = "/", tag = "dashboard",
    params(("lang" = Option<String>, Query, description = "ko (default), en or ja; remembered in a cookie")),
    responses((status = 200, description = "the dashboard page", content_type = "text/html")))]
async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let client = Client::from_headers(&headers, &state).await.ok().flatten();
    let engine = state.engine.clone();
    let history_len = engine.history().len();
    let data = tokio::task::spawn_blocking(move || page_data(&engine, history_len)).await;
    let data = match data {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return ApiError::from(e).into_response(),
        Err(e) => return ApiError::internal(e).into_response(),
    };
    let saved = saved_fragment(&state, client.as_ref(), t).await;
    let mut response = Html(page(&state, t, &data, &saved)).into_response();
    if q.lang.as_deref() == Some(t.lang) {
        // Remembered for a year: the language a player picked stays picked.
        let cookie = format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            super::LANG_COOKIE,
            t.lang
        );
        if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
            response
                .headers_mut()
                .append(axum::http::header::SET_COOKIE, v);
        }
    }
    response
}

/// What the page shows that costs engine work.
pub(super) struct PageData {
    odds: Odds,
    stats: Option<Stats>,
    models: Vec<(Model, Ticket)>,
    backtest: Option<BacktestReport>,
}

pub(super) fn page_data(engine: &Engine, history_len: usize) -> lottopro_core::Result<PageData> {
    let odds = engine.odds(None)?;
    if history_len == 0 {
        return Ok(PageData {
            odds,
            stats: None,
            models: vec![],
            backtest: None,
        });
    }
    let stats = engine.stats(&StatsOptions::default())?;
    // One ticket per model, the same all week: seeded by the target round.
    let seed = u64::from(stats.latest_round.unwrap_or(0)) + 1;
    let mut models = Vec::new();
    for model in Model::ALL {
        let p = engine.predict(&PredictRequest {
            model,
            count: 1,
            include: vec![],
            exclude: vec![],
            seed,
        })?;
        if let Some(t) = p.tickets.into_iter().next() {
            models.push((model, t.ticket));
        }
    }
    let backtest = if history_len > 100 {
        Some(engine.backtest(&BacktestOptions::default())?)
    } else {
        None
    };
    Ok(PageData {
        odds,
        stats: Some(stats),
        models,
        backtest,
    })
}

/// A model's backtest in one line: its mean matches beside chance, and the
/// Holm-adjusted p its verdict uses (one-sided: "beats chance" or not).
pub(super) fn backtest_line(t: &Text, b: &BacktestLine) -> String {
    format!(
        r#"{} {:.3} ({:.3}–{:.3}) · {} {:.3} · p<sub>Holm</sub> = {:.2} · <strong>{}</strong>"#,
        t.mean_matches,
        b.mean_matches,
        b.ci95.0,
        b.ci95.1,
        t.chance,
        b.chance_mean_matches,
        b.p_holm,
        if b.significant { t.beats } else { t.no_better }
    )
}

/// A check's outcome: the rank and what the draw paid, or no prize.
pub(super) fn outcome(t: &Text, rank: Option<u8>, prize: Option<Money>) -> String {
    match (rank, prize) {
        (Some(r), Some(p)) => format!("{} {r} · {} {}", t.rank, t.paid, won(t, p)),
        (Some(r), None) => format!("{} {r}", t.rank),
        (None, _) => t.no_prize.to_owned(),
    }
}

pub(super) fn page(state: &AppState, t: &Text, d: &PageData, saved: &str) -> String {
    let game = state.engine.game();
    let history = state.engine.history();
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        r##"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="theme-color" content="#2456a6"><title>LottoPro · {name}</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml"><link rel="manifest" href="/manifest.webmanifest"><link rel="apple-touch-icon" href="/static/icon-192.png"><link rel="stylesheet" href="/static/style.css"><script src="/static/app.js" defer></script></head><body><header><h1>LottoPro</h1><p class="tagline">{tagline}</p><nav><a href="/?lang=ko" hreflang="ko" lang="ko">한국어</a> · <a href="/?lang=en" hreflang="en" lang="en">English</a> · <a href="/?lang=ja" hreflang="ja" lang="ja">日本語</a> · <a href="/openapi.json">{api}</a></nav><p class="honest">{honest}</p></header><main>"##,
        lang = t.lang,
        name = esc(game.name()),
        tagline = t.tagline,
        api = t.api,
        honest = t.honest,
    );
    match (&d.stats, history.latest()) {
        (Some(stats), Some(latest)) => {
            let now = crate::app::unix_now();
            let _ = write!(
                h,
                r#"<section id="latest"><h2>{}</h2>{}{}</section>"#,
                t.latest,
                draws::draw_card(t, latest),
                history
                    .next_draw(now)
                    .map(|n| draws::next_draw_line(t, &n, now))
                    .unwrap_or_default(),
            );
            let _ = write!(
                h,
                r#"<section id="frequency"><h2>{}</h2>{}<p class="note">{}</p>"#,
                t.frequency_title,
                chart::frequency(stats, t),
                t.frequency_note
            );
            if let Some(u) = &stats.uniformity {
                let _ = write!(
                    h,
                    r#"<p class="note">{}: χ² = {:.1}, df = {:.0}, p = {:.3}</p>"#,
                    t.uniformity, u.statistic, u.df, u.p_value
                );
            }
            h.push_str("</section>");
            let gaps: Vec<String> = stats
                .overdue
                .iter()
                .filter_map(|&n| stats.numbers.get(usize::from(n).saturating_sub(1)))
                .map(|s| {
                    format!(
                        r#"<li>{} <span class="muted">{} {}</span></li>"#,
                        balls(&[s.number]),
                        s.gap,
                        t.gap
                    )
                })
                .collect();
            let _ = write!(
                h,
                r#"<section id="hotcold"><div class="cols"><div><h3>{}</h3>{}</div><div><h3>{}</h3>{}</div><div><h3>{}</h3><ul class="gaps">{}</ul></div></div><p class="note">{}</p></section>"#,
                t.hot,
                balls(&stats.hot),
                t.cold,
                balls(&stats.cold),
                t.overdue,
                gaps.join(""),
                t.hot_note
            );
            h.push_str(&stats::section(t, stats));
            let _ = write!(
                h,
                r#"<section id="models"><h2>{}</h2><p class="note">{}</p><table class="stack"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
                t.models_title, t.models_note, t.model, t.ticket, t.backtest
            );
            for (model, ticket) in &d.models {
                let line = d
                    .backtest
                    .as_ref()
                    .and_then(|b| b.models.iter().find(|m| m.model == *model))
                    .map(|m| {
                        backtest_line(
                            t,
                            &m.line(d.backtest.as_ref().map_or(1, |b| b.models.len())),
                        )
                    })
                    .unwrap_or_default();
                let _ = write!(
                    h,
                    r#"<tr><th scope="row"><details><summary>{}</summary><p class="note">{}</p></details></th><td>{}</td><td class="backtest">{line}</td></tr>"#,
                    t.model_name(*model),
                    t.model_explanation(*model),
                    balls(&ticket.numbers())
                );
            }
            h.push_str("</tbody></table></section>");
        }
        _ => {
            let _ = write!(
                h,
                r#"<section id="no-draws"><p class="warning">{}</p></section>"#,
                esc(t.no_draws)
            );
        }
    }
    let model_options: String = Model::ALL
        .iter()
        .map(|m| format!(r#"<option value="{m}">{}</option>"#, t.model_name(*m)))
        .collect();
    let _ = write!(
        h,
        r#"<section id="predict"><h2>{title}</h2><form id="predict-form" method="post" action="/ui/predict?lang={lang}" data-target="predict-result"><label>{model} <select name="model">{model_options}</select></label><label>{count} <input name="count" type="number" min="1" max="100" value="5"></label><label>{include} <input name="include" placeholder="7 13"></label><label>{exclude} <input name="exclude" placeholder="1 2"></label><button type="submit">{button}</button></form><div id="predict-result" aria-live="polite"></div></section>"#,
        title = t.predict_title,
        lang = t.lang,
        model = t.model,
        count = t.count,
        include = t.include,
        exclude = t.exclude,
        button = t.predict_button,
    );
    let _ = write!(
        h,
        r#"<section id="check"><h2>{title}</h2><form method="post" action="/ui/check?lang={lang}" data-target="check-result"><label>{ticket} <input name="ticket" required placeholder="3 11 17 25 33 41"></label><label>{round} <input name="round" type="number" min="1" value="{latest}"></label><button type="submit">{button}</button></form><div id="check-result" aria-live="polite"></div></section>"#,
        title = t.check_title,
        lang = t.lang,
        ticket = t.ticket,
        round = t.round,
        latest = history.latest_round().unwrap_or(1),
        button = t.check_button,
    );
    let _ = write!(
        h,
        r#"<section id="tax"><h2>{title}</h2><form method="post" action="/ui/tax?lang={lang}" data-target="tax-result"><label>{amount} <input name="amount" required inputmode="numeric" placeholder="1,000,000,000"></label><button type="submit">{button}</button></form><div id="tax-result" aria-live="polite"></div></section>"#,
        title = t.tax_title,
        lang = t.lang,
        amount = t.amount,
        button = t.tax_button,
    );
    let _ = write!(
        h,
        r#"<section id="popularity"><h2>{title}</h2><form method="post" action="/ui/popularity?lang={lang}" data-target="popularity-result"><label>{ticket} <input name="ticket" required placeholder="1 2 3 4 5 6"></label><button type="submit">{button}</button></form><div id="popularity-result" aria-live="polite"></div></section>"#,
        title = t.popularity_title,
        lang = t.lang,
        ticket = t.ticket,
        button = t.popularity_button,
    );
    let _ = write!(
        h,
        r#"<section id="simulate"><h2>{title}</h2><form method="post" action="/ui/simulate?lang={lang}" data-target="simulate-result"><label>{tpd} <input name="tickets_per_draw" type="number" min="1" max="100" value="5"></label><label>{years} <input name="years" type="number" min="1" max="50" value="10"></label><label>{trials} <input name="trials" type="number" min="1" max="100000" value="1000"></label><button type="submit">{button}</button></form><div id="simulate-result" aria-live="polite"></div></section>"#,
        title = t.simulate_title,
        lang = t.lang,
        tpd = t.tickets_per_draw,
        years = t.years,
        trials = t.trials,
        button = t.simulate_button,
    );
    let _ = write!(
        h,
        r#"<section id="saved"><h2>{title}</h2><form method="post" action="/ui/saved?lang={lang}" data-target="saved-list"><label>{ticket} <input name="ticket" required placeholder="3 11 17 25 33 41"></label><label>{label} <input name="label" maxlength="100"></label><label>{round} <input name="round" type="number" min="1" value="{upcoming}"></label><button type="submit">{button}</button></form><div id="saved-list" aria-live="polite">{saved}</div></section>"#,
        title = t.saved_title,
        lang = t.lang,
        ticket = t.ticket,
        label = t.label,
        round = t.round,
        upcoming = crate::app::upcoming_round(state).unwrap_or(1),
        button = t.save_button,
    );
    let _ = write!(
        h,
        r#"<section id="draws"><h2>{past}</h2><form method="post" action="/ui/draw?lang={lang}" data-target="draw-result"><label>{round} <input name="round" type="number" min="1" required value="{latest}"></label><button type="submit">{show}</button></form><div id="draw-result" aria-live="polite"></div><h3>{ever}</h3><form method="post" action="/ui/ever-won?lang={lang}" data-target="ever-result"><label>{ticket} <input name="ticket" required placeholder="3 11 17 25 33 41"></label><button type="submit">{check}</button></form><div id="ever-result" aria-live="polite"></div></section>"#,
        past = t.past_title,
        lang = t.lang,
        round = t.round,
        latest = history.latest_round().unwrap_or(1),
        show = t.draw_button,
        ever = t.ever_title,
        ticket = t.ticket,
        check = t.ever_button,
    );
    h.push_str(&tools::sections(t, &game));
    let _ = write!(
        h,
        r#"<section id="odds"><h2>{}</h2>{}"#,
        t.odds_title,
        tools::odds_table(t, &d.odds)
    );
    h.push_str("</section></main><footer><p>LottoPro · <a href=\"/openapi.json\">OpenAPI</a></p></footer></body></html>");
    h
}
