//! The dashboard at `/`: a server-rendered page with SVG charts, in Korean
//! or English (`?lang=ko|en`, else the browser's `Accept-Language`).
//!
//! The page is HTML from Rust with no template engine and no build step.
//! Its forms post to `/ui/*` routes that answer with an HTML fragment, and
//! `static/app.js` (about thirty lines) swaps the fragment into the page;
//! all rendering, charts included, stays on the server, where it is tested
//! with the rest of the router. The Content-Security-Policy allows scripts,
//! styles and images from the service itself only.

mod chart;
mod text;

use std::fmt::Write;

use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use lottopro_core::money::group_thousands;
use lottopro_core::stats::{Stats, StatsOptions};
use lottopro_core::ticket::parse_numbers;
use lottopro_core::{
    BacktestLine, BacktestOptions, BacktestReport, Engine, Model, Money, Odds, PredictRequest,
    Ticket,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::client::Client;
use crate::app::ops::{PredictBody, SimulateBody, run_predict, run_simulate};
use crate::app::{Admin, ApiError, AppState, Limits, Problem, require_store};
pub(crate) use text::{EN, KO, Text};

const APP_JS: &str = include_str!("static/app.js");
const STYLE_CSS: &str = include_str!("static/style.css");
const FAVICON_SVG: &str = include_str!("static/favicon.svg");
const MONITORING_JS: &str = include_str!("static/monitoring.js");

/// The policy of every HTML page: nothing from elsewhere, no inline script.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Every dashboard route, with the allowances of `limits` on the forms
/// that spend them (shared with `POST /api/predict` and `/api/numbers`).
pub(crate) fn router(limits: &Limits) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(limits.predictions(OpenApiRouter::new().routes(routes!(ui_predict))))
        .merge(limits.saves(OpenApiRouter::new().routes(routes!(ui_save))))
        .routes(routes!(index))
        .routes(routes!(app_js))
        .routes(routes!(style_css))
        .routes(routes!(favicon))
        .routes(routes!(monitoring_js))
        .routes(routes!(monitoring_page))
        .routes(routes!(monitoring_charts))
        .routes(routes!(ui_check))
        .routes(routes!(ui_tax))
        .routes(routes!(ui_simulate))
        .routes(routes!(ui_saved))
}

/// Security headers on every response; the CSP and frame denial on HTML.
pub(crate) async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    response
}

/// The language: `?lang=` first, then `Accept-Language`, else Korean.
fn text_for(lang: Option<&str>, headers: &HeaderMap) -> &'static Text {
    match lang {
        Some("en") => return &EN,
        Some("ko") => return &KO,
        _ => {}
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ko = accept.find("ko");
    let en = accept.find("en");
    match (ko, en) {
        (None, Some(_)) => &EN,
        (Some(k), Some(e)) if e < k => &EN,
        _ => &KO,
    }
}

/// HTML-escapes text.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn balls(numbers: &[u8]) -> String {
    let mut s = String::from(r#"<span class="balls">"#);
    for &n in numbers {
        let _ = write!(
            s,
            r#"<span class="ball {}">{n}</span>"#,
            chart::ball_class(n)
        );
    }
    s.push_str("</span>");
    s
}

fn won(amount: Money) -> String {
    format!("{} ₩", group_thousands(amount.get()))
}

fn signed_won(v: f64) -> String {
    let sign = if v < 0.0 { "−" } else { "" };
    format!("{sign}{} ₩", group_thousands(v.abs().round() as u64))
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

/// The dashboard.
#[utoipa::path(get, path = "/", tag = "dashboard",
    params(("lang" = Option<String>, Query, description = "ko (default) or en")),
    responses((status = 200, description = "the dashboard page", content_type = "text/html")))]
async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let client = Client::from_headers(&headers).ok().flatten();
    let engine = state.engine.clone();
    let history_len = engine.history().len();
    let data = tokio::task::spawn_blocking(move || page_data(&engine, history_len)).await;
    let data = match data {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return ApiError::from(e).into_response(),
        Err(e) => return ApiError::internal(e).into_response(),
    };
    let saved = saved_fragment(&state, client.as_ref(), t).await;
    Html(page(&state, t, &data, &saved)).into_response()
}

/// What the page shows that costs engine work.
struct PageData {
    odds: Odds,
    stats: Option<Stats>,
    models: Vec<(Model, Ticket)>,
    backtest: Option<BacktestReport>,
}

fn page_data(engine: &Engine, history_len: usize) -> lottopro_core::Result<PageData> {
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
fn backtest_line(t: &Text, b: &BacktestLine) -> String {
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
fn outcome(t: &Text, rank: Option<u8>, prize: Option<Money>) -> String {
    match (rank, prize) {
        (Some(r), Some(p)) => format!("{} {r} · {} {}", t.rank, t.paid, won(p)),
        (Some(r), None) => format!("{} {r}", t.rank),
        (None, _) => t.no_prize.to_owned(),
    }
}

fn page(state: &AppState, t: &Text, d: &PageData, saved: &str) -> String {
    let game = state.engine.game();
    let history = state.engine.history();
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        r#"<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>LottoPro · {name}</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/static/style.css"><script src="/static/app.js" defer></script></head><body><header><h1>LottoPro</h1><p class="tagline">{tagline}</p><nav><a href="/?lang=ko" hreflang="ko">한국어</a> · <a href="/?lang=en" hreflang="en">English</a> · <a href="/openapi.json">{api}</a></nav><p class="honest">{honest}</p></header><main>"#,
        lang = t.lang,
        name = esc(game.name()),
        tagline = t.tagline,
        api = t.api,
        honest = t.honest,
    );
    match (&d.stats, history.latest()) {
        (Some(stats), Some(latest)) => {
            let _ = write!(
                h,
                r#"<section id="latest"><h2>{} · {} {}</h2>{} + {}</section>"#,
                t.latest,
                t.round,
                latest.round(),
                balls(&latest.numbers().to_vec()),
                balls(&latest.bonus().to_vec()),
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
            let _ = write!(
                h,
                r#"<section id="models"><h2>{}</h2><p class="note">{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
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
                    r#"<tr><td>{model}</td><td>{}</td><td class="backtest">{line}</td></tr>"#,
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
        .map(|m| format!(r#"<option value="{m}">{m}</option>"#))
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
        r#"<section id="saved"><h2>{title}</h2><form method="post" action="/ui/saved?lang={lang}" data-target="saved-list"><label>{ticket} <input name="ticket" required placeholder="3 11 17 25 33 41"></label><label>{label} <input name="label" maxlength="100"></label><button type="submit">{button}</button></form><div id="saved-list" aria-live="polite">{saved}</div></section>"#,
        title = t.saved_title,
        lang = t.lang,
        ticket = t.ticket,
        label = t.label,
        button = t.save_button,
    );
    let _ = write!(
        h,
        r#"<section id="odds"><h2>{}</h2><table><tbody>"#,
        t.odds_title
    );
    for tier in &d.odds.tiers {
        let _ = write!(
            h,
            r#"<tr><td>{} {}</td><td>{}</td><td>1 / {}</td></tr>"#,
            t.rank,
            tier.rank,
            esc(&tier.label),
            group_thousands(tier.one_in.round() as u64)
        );
    }
    h.push_str("</tbody></table></section></main><footer><p>LottoPro · <a href=\"/openapi.json\">OpenAPI</a></p></footer></body></html>");
    h
}

/// A form body whose rejection is an HTML error fragment.
struct UiForm<T>(T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for UiForm<T> {
    type Rejection = Fragment;

    async fn from_request(req: Request, state: &S) -> Result<Self, Fragment> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(UiForm(v)),
            Err(r) => Err(Fragment::rejected(&r)),
        }
    }
}

/// An HTML fragment answer (or error) of the `/ui/*` routes.
struct Fragment {
    status: StatusCode,
    html: String,
}

impl Fragment {
    fn ok(html: String) -> Fragment {
        Fragment {
            status: StatusCode::OK,
            html,
        }
    }

    fn error(t: &Text, e: ApiError) -> Fragment {
        Fragment {
            status: e.status(),
            html: format!(
                r#"<p class="error" role="alert">{}: {}</p>"#,
                t.error,
                esc(e.detail())
            ),
        }
    }

    fn rejected(r: &FormRejection) -> Fragment {
        Fragment {
            status: r.status(),
            html: format!(
                r#"<p class="error" role="alert">{}</p>"#,
                esc(&r.body_text())
            ),
        }
    }
}

impl IntoResponse for Fragment {
    fn into_response(self) -> Response {
        (self.status, Html(self.html)).into_response()
    }
}

fn numbers_field(text: &str, field: &str, max: u8) -> Result<Vec<u8>, ApiError> {
    Ok(parse_numbers(text, field, max)?)
}

#[derive(Deserialize, utoipa::ToSchema)]
struct PredictForm {
    model: Option<String>,
    count: Option<String>,
    #[serde(default)]
    include: String,
    #[serde(default)]
    exclude: String,
}

/// Dashboard: the prediction form's result.
#[utoipa::path(post, path = "/ui/predict", tag = "dashboard",
    request_body(content = PredictForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "an HTML fragment with the tickets and the model's backtest", content_type = "text/html"),
              (status = 400, description = "an HTML fragment naming the bad field", content_type = "text/html"),
              (status = 429, description = "rate limit (RATE_LIMIT_PREDICT)", content_type = "application/problem+json")))]
async fn ui_predict(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<PredictForm>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let pool = state.engine.game().pool();
    let result = async {
        let client = Client::or_issue(&headers)?;
        let count = match f.count.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => Some(c.parse::<usize>().map_err(|_| {
                ApiError::from(lottopro_core::Error::invalid(
                    "count",
                    "is not a whole number",
                ))
            })?),
        };
        let body = PredictBody {
            user_numbers: numbers_field(&f.include, "include", pool)?,
            exclude: numbers_field(&f.exclude, "exclude", pool)?,
            model: f.model,
            count,
            seed: None,
        };
        let outcome = run_predict(&state, &client, body).await?;
        Ok::<_, ApiError>((client, outcome))
    }
    .await;
    let (client, outcome) = match result {
        Ok(r) => r,
        Err(e) => return Fragment::error(t, e).into_response(),
    };
    let mut h = format!(
        r#"<div class="prediction"><p>{} · {} {}</p><ol class="tickets">"#,
        outcome.report.prediction.model, t.target_round, outcome.report.target_round
    );
    for ticket in &outcome.report.prediction.tickets {
        let _ = write!(h, "<li>{}</li>", balls(&ticket.ticket.numbers()));
    }
    h.push_str("</ol>");
    if let Some(b) = &outcome.report.backtest {
        let _ = write!(
            h,
            r#"<p class="backtest">{}: {}</p>"#,
            t.backtest,
            backtest_line(t, b)
        );
    }
    h.push_str("</div>");
    let mut response = Fragment::ok(h).into_response();
    client.attach(&mut response);
    response
}

#[derive(Deserialize, utoipa::ToSchema)]
struct CheckForm {
    ticket: String,
    round: String,
}

/// Dashboard: the winning checker's result.
#[utoipa::path(post, path = "/ui/check", tag = "dashboard",
    request_body(content = CheckForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "an HTML fragment: matches, rank, prize", content_type = "text/html"),
              (status = 400, description = "an HTML fragment naming the bad field", content_type = "text/html")))]
async fn ui_check(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<CheckForm>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    if f.ticket.trim_start().starts_with("http") {
        return qr_fragment(&state, t, f.ticket).await;
    }
    let result = async {
        let game = state.engine.game();
        let ticket = Ticket::parse(&game, &f.ticket)?;
        let round: u32 = f.round.trim().parse().map_err(|_| {
            ApiError::from(lottopro_core::Error::invalid(
                "round",
                "is not a round number",
            ))
        })?;
        if state.engine.history().is_empty() {
            return Err(ApiError::no_draws());
        }
        let engine = state.engine.clone();
        tokio::task::spawn_blocking(move || engine.check(&ticket, round))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::from)
    }
    .await;
    match result {
        Err(e) => Fragment::error(t, e),
        Ok(c) => {
            let outcome = outcome(t, c.rank, c.prize);
            Fragment::ok(format!(
                r#"<div class="check"><p>{} {}: {} + {}</p><p>{} · {} {} · <strong>{}</strong></p></div>"#,
                t.round,
                c.round,
                balls(&c.draw.numbers),
                balls(&c.draw.bonus),
                balls(&c.ticket.numbers),
                c.matches,
                t.matches,
                outcome
            ))
        }
    }
}

/// Every game of a pasted QR URL, checked against its round.
async fn qr_fragment(state: &AppState, t: &Text, url: String) -> Fragment {
    if state.engine.history().is_empty() {
        return Fragment::error(t, ApiError::no_draws());
    }
    let engine = state.engine.clone();
    let checked = tokio::task::spawn_blocking(move || engine.check_qr(&url))
        .await
        .map_err(ApiError::internal)
        .and_then(|r| r.map_err(ApiError::from));
    match checked {
        Err(e) => Fragment::error(t, e),
        Ok(c) => {
            let mut h = format!(r#"<div class="check"><p>{} {}</p><ol>"#, t.round, c.round);
            for g in &c.games {
                let outcome = outcome(t, g.rank, g.prize);
                let _ = write!(
                    h,
                    "<li>{} · {} {} · <strong>{}</strong></li>",
                    balls(&g.numbers),
                    g.matches,
                    t.matches,
                    outcome
                );
            }
            h.push_str("</ol></div>");
            Fragment::ok(h)
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
struct TaxForm {
    amount: String,
}

/// Dashboard: the tax calculator's result.
#[utoipa::path(post, path = "/ui/tax", tag = "dashboard",
    request_body(content = TaxForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "an HTML fragment: tax and net", content_type = "text/html"),
              (status = 400, description = "an HTML fragment naming the bad field", content_type = "text/html")))]
async fn ui_tax(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<TaxForm>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = Money::parse(&f.amount, "amount").and_then(|gross| state.engine.tax(gross, None));
    match result {
        Err(e) => Fragment::error(t, ApiError::from(e)),
        Ok(a) => Fragment::ok(format!(
            r#"<table class="tax"><tr><td>{}</td><td>{}</td></tr><tr><td>{}</td><td>{}</td></tr><tr><td>{}</td><td><strong>{}</strong></td></tr></table>"#,
            t.amount,
            won(a.gross),
            t.tax,
            won(a.tax),
            t.net,
            won(a.net)
        )),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
struct SimulateForm {
    tickets_per_draw: String,
    years: String,
    trials: String,
}

/// Dashboard: the simulator's result with its outcome chart.
#[utoipa::path(post, path = "/ui/simulate", tag = "dashboard",
    request_body(content = SimulateForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "an HTML fragment with the outcome chart", content_type = "text/html"),
              (status = 400, description = "an HTML fragment naming the bad field", content_type = "text/html")))]
async fn ui_simulate(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<SimulateForm>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    let whole = |v: &str, field: &str| -> Result<u64, ApiError> {
        v.trim().parse().map_err(|_| {
            ApiError::from(lottopro_core::Error::invalid(
                field,
                "is not a whole number",
            ))
        })
    };
    let result = async {
        let body = SimulateBody {
            tickets_per_draw: Some(whole(&f.tickets_per_draw, "tickets_per_draw")?),
            draws: Some(whole(&f.years, "years")?.saturating_mul(52)),
            trials: Some(whole(&f.trials, "trials")?),
            ..SimulateBody::default()
        };
        run_simulate(&state, body).await
    }
    .await;
    match result {
        Err(e) => Fragment::error(t, e),
        Ok(r) => {
            let p = &r.percentiles;
            Fragment::ok(format!(
                r#"<div class="simulation">{}<table><tr><td>{}</td><td>{}</td></tr><tr><td>{}</td><td>{}</td></tr><tr><td>{}</td><td>{:.2} %</td></tr><tr><td>{}</td><td>{:.1} ₩</td></tr><tr><td>{}</td><td>{} · {} · {} · {} · {}</td></tr></table></div>"#,
                chart::wins(&r, t),
                t.spent,
                group_thousands(u64::try_from(r.spent_per_trial).unwrap_or(u64::MAX)) + " ₩",
                t.mean_net,
                signed_won(r.mean_net),
                t.p_profit,
                r.p_profit * 100.0,
                t.ev_per_ticket,
                r.exact_ev_per_ticket,
                t.percentiles,
                signed_won(p.p1 as f64),
                signed_won(p.p5 as f64),
                signed_won(p.p50 as f64),
                signed_won(p.p95 as f64),
                signed_won(p.p99 as f64),
            ))
        }
    }
}

/// The client's saved tickets as a list with QR codes.
async fn saved_fragment(state: &AppState, client: Option<&Client>, t: &Text) -> String {
    let (Some(store), Some(client)) = (state.store.clone(), client) else {
        return format!(r#"<p class="muted">{}</p>"#, t.no_saved);
    };
    let owner = client.owner(&state.options().secret);
    let saved = tokio::task::spawn_blocking(move || store.saved_numbers(&owner)).await;
    let Ok(Ok(saved)) = saved else {
        return format!(r#"<p class="error">{}</p>"#, t.error);
    };
    if saved.is_empty() {
        return format!(r#"<p class="muted">{}</p>"#, t.no_saved);
    }
    let mut h = String::from(r#"<ul class="saved">"#);
    for s in saved.iter().rev() {
        let numbers: Vec<u8> = s
            .numbers
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        let query = s.numbers.replace(' ', "+");
        let _ = write!(
            h,
            r#"<li><img class="qr" src="/api/qr?numbers={query}" alt="QR {}" width="96" height="96">{} <span class="label">{}</span></li>"#,
            esc(&s.numbers),
            balls(&numbers),
            esc(&s.label)
        );
    }
    h.push_str("</ul>");
    h
}

#[derive(Deserialize, utoipa::ToSchema)]
struct SaveForm {
    ticket: String,
    #[serde(default)]
    label: String,
}

/// Dashboard: the client's saved numbers with QR codes.
#[utoipa::path(get, path = "/ui/saved", tag = "dashboard",
    responses((status = 200, description = "an HTML fragment with the saved tickets", content_type = "text/html")))]
async fn ui_saved(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    match Client::from_headers(&headers) {
        Ok(client) => Fragment::ok(saved_fragment(&state, client.as_ref(), t).await),
        Err(e) => Fragment::error(t, e),
    }
}

/// Dashboard: saves a ticket and answers the updated list.
#[utoipa::path(post, path = "/ui/saved", tag = "dashboard",
    request_body(content = SaveForm, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "an HTML fragment with the saved tickets", content_type = "text/html"),
              (status = 400, description = "an HTML fragment naming the bad field", content_type = "text/html"),
              (status = 429, description = "rate limit (RATE_LIMIT_SAVE_NUMBERS)", content_type = "application/problem+json")))]
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
        let client = Client::or_issue(&headers)?;
        let store = require_store(&state)?;
        let owner = client.owner(&state.options().secret);
        let label = f.label;
        tokio::task::spawn_blocking(move || store.save_numbers(&owner, &game, &ticket, &label))
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

/// The dashboard's script.
#[utoipa::path(get, path = "/static/app.js", tag = "dashboard",
    responses((status = 200, description = "JavaScript", content_type = "text/javascript")))]
async fn app_js() -> Response {
    asset(APP_JS, "text/javascript; charset=utf-8")
}

/// The dashboard's style sheet.
#[utoipa::path(get, path = "/static/style.css", tag = "dashboard",
    responses((status = 200, description = "CSS", content_type = "text/css")))]
async fn style_css() -> Response {
    asset(STYLE_CSS, "text/css; charset=utf-8")
}

/// The monitoring page's script.
#[utoipa::path(get, path = "/static/monitoring.js", tag = "dashboard",
    responses((status = 200, description = "JavaScript", content_type = "text/javascript")))]
async fn monitoring_js() -> Response {
    asset(MONITORING_JS, "text/javascript; charset=utf-8")
}

/// The live monitoring page. It holds no figures itself: its script asks
/// for the admin token and polls `/admin/monitoring/charts` with it.
#[utoipa::path(get, path = "/admin/monitoring", tag = "admin",
    responses((status = 200, description = "the page (figures load with the admin token)", content_type = "text/html")))]
async fn monitoring_page() -> Html<&'static str> {
    Html(concat!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">"#,
        r#"<title>LottoPro · monitoring</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/static/style.css"><script src="/static/monitoring.js" defer></script></head>"#,
        r#"<body><header><h1>LottoPro monitoring</h1><p class="tagline">Requests, latency, CPU and memory of this replica, refreshed every 2 s.</p></header><main>"#,
        r#"<section><form id="token-form"><label>Admin token <input id="token" name="token" type="password" autocomplete="off" required></label><button type="submit">Show</button></form><p id="monitoring-status" class="muted" aria-live="polite"></p></section>"#,
        r#"<div id="monitoring-charts"></div></main></body></html>"#
    ))
}

/// The monitoring page's figures and charts, as an HTML fragment.
#[utoipa::path(get, path = "/admin/monitoring/charts", tag = "admin", security(("admin" = [])),
    responses((status = 200, description = "an HTML fragment with the figures and SVG charts", content_type = "text/html"),
              (status = 401, description = "no or a wrong admin token", body = Problem, content_type = "application/problem+json")))]
async fn monitoring_charts(_: Admin, State(state): State<AppState>) -> Html<String> {
    Html(monitoring_fragment(&state))
}

fn monitoring_fragment(state: &AppState) -> String {
    let monitor = state.monitor();
    let p = monitor.performance(state.engine.metrics());
    let series = monitor.series();
    let system = monitor
        .system
        .lock()
        .ok()
        .and_then(|s| {
            s.as_ref()
                .map(crate::telemetry::alerts::SystemSampler::samples)
        })
        .unwrap_or_default();
    let p95 = p.routes.iter().map(|r| r.p95_ms).fold(0.0, f64::max);
    let latest = system.last().copied().unwrap_or_default();
    let requests: Vec<f64> = series.iter().map(|b| b.requests as f64).collect();
    let latency: Vec<f64> = series.iter().map(|b| b.mean_ms).collect();
    let cpu: Vec<f64> = system.iter().map(|s| s.cpu_percent).collect();
    let memory: Vec<f64> = system.iter().map(|s| s.memory_percent).collect();
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<section><table class="figures"><tr><td>Uptime</td><td id="m-uptime">{} s</td></tr><tr><td>Requests</td><td id="m-requests">{}</td></tr><tr><td>Errors (5xx)</td><td id="m-errors">{:.2} %</td></tr><tr><td>Slowest route p95</td><td id="m-p95">{:.2} ms</td></tr><tr><td>Process memory</td><td id="m-rss">{:.1} MB</td></tr><tr><td>Machine CPU / memory</td><td id="m-system">{:.1} % / {:.1} %</td></tr><tr><td>Alerts</td><td id="m-alerts">{}</td></tr></table></section>"#,
        p.uptime_secs,
        p.requests,
        p.error_rate_percent,
        p95,
        latest.process_rss_bytes as f64 / 1e6,
        latest.cpu_percent,
        latest.memory_percent,
        if p.alerts.is_empty() {
            "none".to_owned()
        } else {
            p.alerts.join(", ")
        }
    );
    let _ = write!(
        h,
        r#"<section class="cols"><div>{}</div><div>{}</div><div>{}</div><div>{}</div></section>"#,
        chart::line("requests-chart", "requests per 10 s", &requests, None, ""),
        chart::line("latency-chart", "mean latency", &latency, None, " ms"),
        chart::line("cpu-chart", "machine CPU", &cpu, Some(100.0), " %"),
        chart::line("memory-chart", "machine memory", &memory, Some(100.0), " %"),
    );
    h
}

/// The dashboard's icon.
#[utoipa::path(get, path = "/static/favicon.svg", tag = "dashboard",
    responses((status = 200, description = "SVG", content_type = "image/svg+xml")))]
async fn favicon() -> Response {
    asset(FAVICON_SVG, "image/svg+xml")
}

fn asset(body: &'static str, mime: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn the_language_follows_the_query_then_the_browser() {
        let mut h = HeaderMap::new();
        assert_eq!(text_for(None, &h).lang, "ko");
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-US,en;q=0.9,ko;q=0.8"),
        );
        assert_eq!(text_for(None, &h).lang, "en");
        assert_eq!(text_for(Some("ko"), &h).lang, "ko");
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("ko-KR,ko;q=0.9,en;q=0.5"),
        );
        assert_eq!(text_for(None, &h).lang, "ko");
    }
}
