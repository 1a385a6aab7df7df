//! The pages: one per thing a player comes for, each a whole HTML document
//! with the same header, navigation and footer.
//!
//! A page computes only what it shows (the home page reads the latest draw
//! and costs no engine work; the predictions page fits every model), so a
//! phone on a slow connection gets a small page quickly. Every page works
//! without JavaScript: its forms post to `/ui/*` and the script only swaps
//! the answer in place.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use lottopro_core::{BacktestLine, Engine, Model, Money, PredictRequest, Ticket};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Text, balls, draws, esc, share, stats, text_for, tickets, tools};
use crate::app::client::Client;
use crate::app::{ApiError, AppState};

/// The pages, in the navigation's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Page {
    Home,
    Stats,
    Predict,
    Share,
    Wheels,
    Tickets,
    Draws,
    Tools,
}

impl Page {
    pub(super) const ALL: [Page; 8] = [
        Page::Home,
        Page::Stats,
        Page::Predict,
        Page::Share,
        Page::Wheels,
        Page::Tickets,
        Page::Draws,
        Page::Tools,
    ];

    pub(super) fn path(self) -> &'static str {
        match self {
            Page::Home => "/",
            Page::Stats => "/stats",
            Page::Predict => "/predict",
            Page::Share => "/share",
            Page::Wheels => "/wheels",
            Page::Tickets => "/tickets",
            Page::Draws => "/draws",
            Page::Tools => "/tools",
        }
    }

    /// Its name in `t`'s language (navigation and title).
    pub(super) fn name(self, t: &Text) -> &'static str {
        let i = Page::ALL.iter().position(|p| *p == self).unwrap_or(0);
        t.nav[i]
    }
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    let mut r = OpenApiRouter::new().routes(routes!(index));
    for page in &Page::ALL[1..] {
        let page = *page;
        r = r.route(
            page.path(),
            get(move |state, headers, query| show(state, headers, query, page)),
        );
    }
    r
}

/// What a page's address may carry.
#[derive(Deserialize, Default)]
pub(super) struct PageQuery {
    /// ko, en or ja; remembered in a cookie.
    pub(super) lang: Option<String>,
    /// Statistics: only the latest N draws.
    pub(super) last: Option<String>,
    /// Past draws: the newest round of the list.
    pub(super) round: Option<String>,
    /// My tickets: a device-link code from a scanned QR code.
    pub(super) code: Option<String>,
}

/// The home page: the latest draw with what each rank paid, the next draw
/// with a countdown, and the winning checker. The other pages (`/stats`,
/// `/predict`, `/share`, `/wheels`, `/tickets`, `/draws`, `/tools`) are
/// linked from it.
#[utoipa::path(get, path = "/", tag = "dashboard",
    params(("lang" = Option<String>, Query, description = "ko (default), en or ja; remembered in a cookie")),
    responses((status = 200, description = "the home page", content_type = "text/html")))]
async fn index(state: State<AppState>, headers: HeaderMap, query: Query<PageQuery>) -> Response {
    show(state, headers, query, Page::Home).await
}

async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    page: Page,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let body = match body(&state, &headers, &q, t, page).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let mut response = Html(shell(&state, t, page, &body)).into_response();
    if q.lang.as_deref() == Some(t.lang) {
        // Remembered for a year: the language a player picked stays picked.
        let cookie = format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            super::LANG_COOKIE,
            t.lang
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// The page's own content.
async fn body(
    state: &AppState,
    headers: &HeaderMap,
    q: &PageQuery,
    t: &'static Text,
    page: Page,
) -> Result<String, ApiError> {
    let history = state.engine.history();
    if history.is_empty() && matches!(page, Page::Home | Page::Stats | Page::Predict) {
        return Ok(format!(
            r#"<section id="no-draws"><p class="warning">{}</p></section>"#,
            esc(t.no_draws)
        ));
    }
    Ok(match page {
        Page::Home => home(state, t),
        Page::Stats => {
            let last = q
                .last
                .as_deref()
                .filter(|v| !v.is_empty() && *v != "all")
                .map(|v| super::forms::count_field(v, "last"))
                .transpose()?;
            let opts = lottopro_core::StatsOptions {
                last,
                ..Default::default()
            };
            let s = crate::app::cached_or_heavy(state, move |e| e.stats(&opts)).await?;
            stats::page(t, &s, last)
        }
        Page::Predict => {
            let models = crate::app::cached_or_heavy(state, predictions).await?;
            predict(t, &models)
        }
        Page::Share => share::page(t),
        Page::Wheels => tools::wheels_page(t),
        Page::Tickets => {
            let client = Client::from_headers(headers, state).await.ok().flatten();
            tickets::page(state, client.as_ref(), t, q.code.as_deref()).await
        }
        Page::Draws => {
            let round = q
                .round
                .as_deref()
                .filter(|v| !v.is_empty())
                .map(super::forms::round_field)
                .transpose()?;
            draws::page(t, &history, round)
        }
        Page::Tools => {
            let mut h = tools::tools_page(t, &state.engine.game(), &state.engine.odds(None)?);
            h.push_str(&super::pension::section(t));
            h
        }
    })
}

/// The document around a page's content: head, header with the navigation
/// and the languages, footer.
pub(super) fn shell(state: &AppState, t: &Text, page: Page, body: &str) -> String {
    let game = state.engine.game();
    let mut h = String::with_capacity(16 * 1024 + body.len());
    let _ = write!(
        h,
        r##"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="theme-color" content="#2456a6"><title>{title} · LottoPro · {name}</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml"><link rel="manifest" href="/manifest.webmanifest"><link rel="apple-touch-icon" href="/static/icon-192.png"><link rel="stylesheet" href="/static/style.css"><script src="/static/app.js" defer></script></head><body data-offline="{offline}" data-too-many="{too_many}"><a class="skip" href="#main">{skip}</a><header><p class="brand"><a href="/">LottoPro</a> <span class="tagline">{tagline}</span></p><nav class="languages" aria-label="{languages}">"##,
        lang = t.lang,
        title = page.name(t),
        name = esc(game.name()),
        skip = t.skip,
        tagline = t.tagline,
        languages = t.languages,
        offline = t.week.offline,
        too_many = t.week.too_many,
    );
    for (code, name) in [("ko", "한국어"), ("en", "English"), ("ja", "日本語")] {
        let current = if code == t.lang {
            r#" aria-current="true""#
        } else {
            ""
        };
        let _ = write!(
            h,
            r#"<a href="{}?lang={code}" hreflang="{code}" lang="{code}"{current}>{name}</a>"#,
            page.path()
        );
    }
    let _ = write!(h, r#"</nav><nav class="pages" aria-label="{}">"#, t.pages);
    for p in Page::ALL {
        let current = if p == page {
            r#" aria-current="page""#
        } else {
            ""
        };
        let _ = write!(h, r#"<a href="{}"{current}>{}</a>"#, p.path(), p.name(t));
    }
    let _ = write!(
        h,
        r#"</nav><p class="honest">{honest}</p>{stale}</header><main id="main"><h1>{title}</h1>{body}</main><footer><p>LottoPro · <a href="/openapi.json">{api}</a></p></footer></body></html>"#,
        honest = t.honest,
        stale = stale_notice(state, t),
        title = page.name(t),
        api = t.api,
    );
    h
}

/// The freshness notice, when the served draws are behind the schedule:
/// since which round, and when the last successful sync was.
pub(super) fn stale_notice(state: &AppState, t: &Text) -> String {
    let Some(s) = state.staleness() else {
        return String::new();
    };
    let synced = state.last_sync().map_or_else(
        || t.week.never_synced.to_owned(),
        |at| {
            lottopro_core::slip::local_today(&state.engine.game(), at)
                .map(|d| t.date(d))
                .unwrap_or_default()
        },
    );
    let text = super::text::week::fill(
        t.week.stale,
        &[
            ("round", &s.missing_from.to_string()),
            ("date", &t.date(s.since)),
            ("n", &s.rounds_missing.to_string()),
            ("synced", &synced),
        ],
    );
    format!(r#"<p class="stale" role="status">{}</p>"#, esc(&text))
}

/// The home page's content.
fn home(state: &AppState, t: &Text) -> String {
    let history = state.engine.history();
    let mut h = String::new();
    if let Some(latest) = history.latest() {
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
    }
    let _ = write!(
        h,
        r#"<section id="check"><h2>{title}</h2><form method="post" action="/ui/check?lang={lang}" data-target="check-result"><label>{ticket} <input name="ticket" required placeholder="3 11 17 25 33 41"></label><label>{round} <input name="round" type="number" min="1" value="{latest}"></label><button type="submit">{button}</button></form><p class="note">{qr_hint}</p><div id="check-result" aria-live="polite"></div></section>"#,
        title = t.check_title,
        lang = t.lang,
        ticket = t.ticket,
        round = t.round,
        latest = history.latest_round().unwrap_or(1),
        button = t.check_button,
        qr_hint = t.check_hint,
    );
    h
}

/// One ticket per model for the next round, the same all week (seeded by
/// the target round), each with the model's backtest line.
type ModelRow = (Model, Ticket, Option<BacktestLine>);

fn predictions(engine: &Engine) -> lottopro_core::Result<Vec<ModelRow>> {
    let seed = u64::from(engine.history().latest_round().unwrap_or(0)) + 1;
    let backtest = (engine.history().len() > 100)
        .then(|| engine.backtest(&lottopro_core::BacktestOptions::default()))
        .transpose()?;
    let mut models = Vec::new();
    for model in Model::ALL {
        let p = engine.predict(&PredictRequest {
            model,
            count: 1,
            include: vec![],
            exclude: vec![],
            seed,
        })?;
        let line = backtest.as_ref().and_then(|b| {
            b.models
                .iter()
                .find(|m| m.model == model)
                .map(|m| m.line(b.models.len()))
        });
        if let Some(t) = p.tickets.into_iter().next() {
            models.push((model, t.ticket, line));
        }
    }
    Ok(models)
}

/// The predictions page: every model with what it does, its ticket and its
/// backtest line, then the prediction form.
fn predict(t: &Text, models: &[ModelRow]) -> String {
    let mut h = format!(
        r#"<section id="models"><h2>{}</h2><p class="note">{}</p><table class="stack"><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
        t.models_title, t.models_note, t.model, t.ticket, t.backtest
    );
    for (model, ticket, line) in models {
        let _ = write!(
            h,
            r#"<tr><th scope="row"><details><summary>{}</summary><p class="note">{}</p></details></th><td>{}</td><td class="backtest">{}</td></tr>"#,
            t.model_name(*model),
            t.model_explanation(*model),
            balls(&ticket.numbers()),
            line.as_ref()
                .map(|l| backtest_line(t, l))
                .unwrap_or_default()
        );
    }
    h.push_str("</tbody></table></section>");
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
    h
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
        (Some(r), Some(p)) => format!("{} {r} · {} {}", t.rank, t.paid, super::won(t, p)),
        (Some(r), None) => format!("{} {r}", t.rank),
        (None, _) => t.no_prize.to_owned(),
    }
}
