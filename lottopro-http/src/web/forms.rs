//! The forms' routes (`/ui/*`): each answers with an HTML fragment that the
//! page's script swaps in.
//!
//! They are the page's own and are left out of the OpenAPI document: they
//! read free text a person typed, answer HTML for a person (an error is a
//! fragment naming the field, status 400) and change with the page. The
//! machine contract is `/api`, where the same operations take typed bodies
//! (`crate::app::ops` runs both).

use std::fmt::Write;

use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::post;
use lottopro_core::money::group_thousands;
use lottopro_core::ticket::parse_numbers;
use lottopro_core::{Money, Ticket};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa_axum::router::OpenApiRouter;

use super::chart;
use super::page::{backtest_line, outcome};
use super::{LangQuery, Text, balls, esc, signed_won, text_for, won};
use crate::app::client::Client;
use crate::app::ops::{PredictBody, SimulateBody, run_predict, run_simulate};
use crate::app::{ApiError, AppState, Limits, blocking, on_store};

pub(super) fn router(limits: &Limits) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(
            limits.predictions(
                OpenApiRouter::new()
                    .route("/ui/predict", post(ui_predict))
                    .route("/ui/simulate", post(ui_simulate)),
            ),
        )
        .merge(super::tickets::router(limits))
        .route("/ui/check", post(ui_check))
        .route("/ui/tax", post(ui_tax))
        .merge(super::draws::router())
        .merge(super::tools::router(limits))
        .merge(super::share::router(limits))
}

/// A round typed into a form: a number of 1 or more, else an error naming
/// the field.
pub(super) fn round_field(text: &str) -> Result<u32, ApiError> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|r| *r >= 1)
        .ok_or_else(|| lottopro_core::Error::invalid("round", "is not a round number").into())
}

/// A count typed into a form or an address: a whole number of 1 or more,
/// else an error naming the field.
pub(super) fn count_field(text: &str, field: &str) -> Result<usize, ApiError> {
    text.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| {
            lottopro_core::Error::invalid(field, "is not a whole number of 1 or more").into()
        })
}

/// A form body whose rejection is an HTML error fragment.
pub(super) struct UiForm<T>(pub(super) T);

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
pub(super) struct Fragment {
    status: StatusCode,
    html: String,
}

impl Fragment {
    pub(super) fn ok(html: String) -> Fragment {
        Fragment {
            status: StatusCode::OK,
            html,
        }
    }

    /// An error in the page's language where the core gave a structured
    /// reason (and for the rate limit), next to the field it names
    /// (`data-field`, which the script marks); other errors keep their
    /// detail.
    pub(super) fn error(t: &Text, e: ApiError) -> Fragment {
        let text = match (e.reason(), e.field()) {
            (Some(reason), Some(field)) => super::text::week::explain(t.lang, field, reason),
            _ if e.status() == StatusCode::TOO_MANY_REQUESTS => {
                super::text::week::too_many(t.week, e.retry_after())
            }
            _ => format!("{}: {}", t.error, e.detail()),
        };
        let field = e
            .field()
            .map(|f| {
                let name = match f.split(['[', '.']).next().unwrap_or(f) {
                    "tickets" => "ticket",
                    other => other,
                };
                format!(r#" data-field="{}""#, esc(name))
            })
            .unwrap_or_default();
        Fragment {
            status: e.status(),
            html: format!(r#"<p class="error" role="alert"{field}>{}</p>"#, esc(&text)),
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

pub(super) fn numbers_field(text: &str, field: &str, max: u8) -> Result<Vec<u8>, ApiError> {
    Ok(parse_numbers(text, field, max)?)
}

#[derive(Deserialize)]
pub(super) struct PredictForm {
    model: Option<String>,
    count: Option<String>,
    #[serde(default)]
    include: String,
    #[serde(default)]
    exclude: String,
}

/// Dashboard: the prediction form's result.
async fn ui_predict(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<PredictForm>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let pool = state.engine.game().pool();
    let result = async {
        let client = Client::or_issue(&headers, &state).await?;
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
        t.model_name(outcome.report.prediction.model),
        t.target_round,
        outcome.report.target_round
    );
    for ticket in &outcome.report.prediction.tickets {
        let _ = write!(
            h,
            r#"<li>{}<details><summary>{}</summary><ul class="why">"#,
            balls(&ticket.ticket.numbers()),
            t.why
        );
        for n in &ticket.why.numbers {
            let _ = write!(
                h,
                "<li>{} {} ×{:.2} · {}</li>",
                balls(&[n.number]),
                t.weight,
                n.relative_weight,
                esc(&(t.reason)(&n.basis))
            );
        }
        if !ticket.why.included.is_empty() {
            let _ = write!(
                h,
                "<li>{} {}</li>",
                balls(&ticket.why.included),
                t.included_by_you
            );
        }
        h.push_str("</ul></details></li>");
    }
    h.push_str("</ol>");
    let tickets: Vec<String> = outcome
        .report
        .prediction
        .tickets
        .iter()
        .map(|p| p.ticket.to_string())
        .collect();
    h.push_str(&super::tickets::save_form(t, "predict-saved", &tickets));
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

/// A ticket and a round, as the check forms send them (Lotto's and 720+'s).
#[derive(Deserialize)]
pub(super) struct CheckForm {
    pub(super) ticket: String,
    pub(super) round: String,
}

/// Dashboard: the winning checker's result.
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
        let round = round_field(&f.round)?;
        if state.engine.history().is_empty() {
            return Err(ApiError::no_draws());
        }
        blocking(&state, move |engine| engine.check(&ticket, round)).await
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
pub(super) async fn qr_fragment(state: &AppState, t: &Text, url: String) -> Fragment {
    if state.engine.history().is_empty() {
        return Fragment::error(t, ApiError::no_draws());
    }
    let checked = blocking(state, move |engine| engine.check_qr(&url)).await;
    match checked {
        Err(e) => Fragment::error(t, e),
        Ok(c) => Fragment::ok(super::slip::slip_html(t, &c, None)),
    }
}

#[derive(Deserialize)]
pub(super) struct TaxForm {
    amount: String,
}

/// Dashboard: the tax calculator's result.
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
            won(t, a.gross),
            t.tax,
            won(t, a.tax),
            t.net,
            won(t, a.net)
        )),
    }
}

#[derive(Deserialize)]
pub(super) struct SimulateForm {
    tickets_per_draw: String,
    years: String,
    trials: String,
}

/// Dashboard: the simulator's result with its outcome chart.
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
                r#"<div class="simulation">{}<table><tr><td>{}</td><td>{}</td></tr><tr><td>{}</td><td>{}</td></tr><tr><td>{}</td><td>{}</td></tr><tr><td>{}</td><td>{} ({:.0} %)</td></tr><tr><td>{}</td><td>{:.1} %</td></tr><tr><td>{}</td><td>{:.2} %</td></tr><tr><td>{}</td><td>{}</td></tr><tr><td>{}</td><td>{} · {} · {} · {} · {}</td></tr></table></div>"#,
                chart::wins(&r, t),
                t.spent,
                t.money(&group_thousands(
                    u64::try_from(r.spent_per_trial).unwrap_or(u64::MAX)
                )),
                t.median_net,
                signed_won(t, p.p50 as f64),
                t.mean_net,
                signed_won(t, r.mean_net),
                t.mean_without_jackpots,
                signed_won(t, r.mean_net_without_jackpots),
                r.jackpot_share * 100.0,
                t.jackpot_chance,
                r.jackpot_chance_per_trial * 100.0,
                t.p_profit,
                r.p_profit * 100.0,
                t.ev_per_ticket,
                t.money(&format!("{:.1}", r.exact_ev_per_ticket)),
                t.percentiles,
                signed_won(t, p.p1 as f64),
                signed_won(t, p.p5 as f64),
                signed_won(t, p.p50 as f64),
                signed_won(t, p.p95 as f64),
                signed_won(t, p.p99 as f64),
            ))
        }
    }
}

/// The client's predictions, newest first, each with its score once its
/// round is drawn.
pub(super) async fn history_fragment(
    state: &AppState,
    client: Option<&Client>,
    t: &Text,
) -> String {
    let (true, Some(client)) = (state.store.is_some(), client) else {
        return format!(r#"<p class="muted">{}</p>"#, t.no_history);
    };
    let owner = client.owner(&state.options().secret);
    let found = on_store(state, move |store| store.predictions(&owner)).await;
    let Ok(predictions) = found else {
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
                    .map_or_else(|| t.no_prize.to_owned(), |r| super::slip::rank_name(t, r))
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
            r#"<li><p>{model} · {} · {score}</p><ol class="tickets">{tickets}</ol></li>"#,
            super::slip::round_name(t, p.target_round)
        );
    }
    h.push_str("</ul>");
    h
}
