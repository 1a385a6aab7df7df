//! My tickets: the slips this browser saved, grouped by round, each game
//! with its line (A–E), how it was chosen and its state — waiting for its
//! draw, or checked once drawn (rank, matched numbers marked, what is left
//! after tax, and where and until when to claim it); tickets added from a
//! QR code (pasted, scanned by the camera where the browser offers a
//! barcode detector, or a photo decoded on the server), from the ball grid
//! or typed; delete with undo, edit, mark claimed; export and import; the
//! prediction history with its scores; and the device link (`device`).
//!
//! Every decision is the core's: the round a slip may be saved for
//! (`History::saveable_round`), what a ticket is at this moment
//! (`Engine::outcome`), the claim rule and the tax; the store keeps each
//! ticket once per owner. This module converts and prints.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use lottopro_core::money::group_thousands;
use lottopro_core::{Choice, ClaimPlace, Money, RoundStatus, Slip, Ticket, TicketOutcome};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

use super::forms::{Fragment, UiForm, round_field};
use super::slip::{
    choice_from_code, choice_name, marked_balls, result_line, round_name, status_line,
};
use super::text::week::fill;
use super::{LangQuery, Text, esc, signed_won, text_for, won};
use crate::app::client::Client;
use crate::app::ids::{IdKind, PublicIds};
use crate::app::{ApiError, AppState, Limits, on_store, unix_now, upcoming_round};
use crate::store::{SavedNumbers, SlipSaved};

/// Days before a claim deadline when the list reminds the owner.
const CLAIM_REMINDER_DAYS: i64 = 30;

pub(super) fn router(limits: &Limits) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(
            limits.saves(
                OpenApiRouter::new()
                    .route("/ui/saved", post(ui_save))
                    .merge(super::changes::routes()),
            ),
        )
        .route("/ui/saved", get(ui_saved))
        .merge(super::slip::router(limits))
        .merge(super::transfer::router(limits))
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
    let history = super::forms::history_fragment(state, client, t).await;
    let mut grid = String::new();
    for n in 1..=state.engine.game().pool() {
        let _ = write!(
            grid,
            r#"<button type="button" class="pick {}" data-n="{n}" aria-pressed="false">{n}</button>"#,
            super::chart::ball_class(n)
        );
    }
    let games: String = (0..lottopro_core::qr::MAX_GAMES)
        .map(|i| {
            let l = lottopro_core::slip::letter(i);
            format!(
                r#"<button type="button" class="game-tab" data-game="{i}" aria-pressed="{}">{l} <span class="game-numbers" data-game-numbers="{i}"></span></button>"#,
                i == 0
            )
        })
        .collect();
    format!(
        r#"<section id="saved"><h2>{title}</h2><form id="saved-form" method="post" action="/ui/saved?lang={lang}" data-target="saved-list" data-reset><fieldset class="grid" data-grid hidden><legend>{grid_title}</legend><p class="note">{grid_note}</p><div class="game-tabs">{games}</div><div class="ball-grid" role="group" aria-label="{grid_title}">{grid}</div><p><button type="button" class="secondary" data-auto>{auto}</button> <button type="button" class="secondary" data-clear>{clear}</button></p></fieldset><label>{games_text} <textarea name="ticket" rows="3" required placeholder="3 11 17 25 33 41"></textarea></label><label>{label} <input name="label" maxlength="100"></label><label>{round} <input name="round" inputmode="numeric" pattern="[0-9]*" value="{upcoming}"></label><div class="form-error" aria-live="assertive"></div><button type="submit">{button}</button></form><div id="saved-list" aria-live="polite">{saved}</div><p class="actions"><a href="/ui/saved/export?format=csv" download>{export} CSV</a> · <a href="/ui/saved/export?format=json" download>{export} JSON</a> · <button type="button" class="secondary" data-share hidden>{share}</button></p><form id="import-form" method="post" action="/ui/saved/import?lang={lang}" enctype="multipart/form-data" data-target="saved-list"><label>{import_button} <input name="file" type="file" accept=".csv,.json,text/csv,application/json"></label><div class="form-error" aria-live="assertive"></div><button type="submit" class="secondary">{import}</button></form></section><section id="notify"><h2>{notify_title}</h2><p class="note">{notify_note}</p><button type="button" data-push hidden>{notify_button}</button><p class="note" data-push-status data-on="{notify_on}" data-unsupported="{notify_unsupported}" aria-live="polite"></p></section><section id="qr"><h2>{qr_title}</h2><p class="note">{qr_note}</p><form id="qr-form" method="post" action="/ui/qr?lang={lang}" enctype="multipart/form-data" data-target="qr-result" data-refresh="saved-list" data-reset><label>{photo} <input name="photo" type="file" accept="image/png,image/jpeg" capture="environment"></label><label>{qr_url} <input name="url" placeholder="https://m.dhlottery.co.kr/qr.do?method=winQr&amp;v=…"></label><div class="form-error" aria-live="assertive"></div><button type="submit">{qr_button}</button><button type="button" class="secondary" data-scan hidden>{scan}</button></form><video id="scan-video" class="scan" playsinline muted hidden></video><div id="qr-result" aria-live="polite"></div></section><section id="history"><h2>{history_title}</h2>{history}</section>{link}"#,
        title = t.saved_title,
        lang = t.lang,
        grid_title = t.week.grid_title,
        grid_note = t.week.grid_note,
        auto = t.week.auto_fill,
        clear = t.week.clear,
        games_text = t.week.games_text,
        label = t.label,
        round = t.round,
        upcoming = upcoming_round(state).unwrap_or(1),
        button = t.save_button,
        export = t.week.export,
        share = t.week.share,
        import_button = t.week.import_button,
        import = t.week.import,
        notify_title = t.week.notify_title,
        notify_note = t.week.notify_note,
        notify_button = t.week.notify_button,
        notify_on = t.week.notify_on,
        notify_unsupported = t.week.notify_unsupported,
        qr_title = t.qr_title,
        qr_note = t.qr_note,
        photo = t.photo,
        qr_url = t.qr_url,
        qr_button = t.qr_button,
        scan = t.scan_button,
        history_title = t.history_title,
        link = super::device::section(state, client, t, code).await,
    )
}

/// One saved ticket with its outcome at this moment.
struct Shown {
    saved: SavedNumbers,
    outcome: Option<TicketOutcome>,
}

/// The client's saved tickets, grouped by round (newest first), with their
/// outcomes, the totals and any claim that is due soon.
pub(super) async fn saved_fragment(state: &AppState, client: Option<&Client>, t: &Text) -> String {
    saved_fragment_with(state, client, t, "").await
}

/// [`saved_fragment`] after `notice` (a status line).
async fn saved_fragment_with(
    state: &AppState,
    client: Option<&Client>,
    t: &Text,
    notice: &str,
) -> String {
    let (true, Some(client)) = (state.store.is_some(), client) else {
        return format!(r#"{notice}<p class="muted">{}</p>"#, t.no_saved);
    };
    let owner = client.owner(&state.options().secret);
    let engine = state.engine.clone();
    let now = unix_now();
    let checked = on_store(state, move |store| {
        let saved = store.saved_numbers(&owner)?;
        let game = engine.game();
        let shown: Vec<Shown> = saved
            .into_iter()
            .map(|s| {
                let outcome = s.round.and_then(|round| {
                    let ticket = Ticket::parse(&game, &s.numbers).ok()?;
                    engine.outcome(&ticket, round, now).ok()
                });
                Shown { saved: s, outcome }
            })
            .collect();
        let expected = engine.expected_prize().map(|(_, net)| net).unwrap_or(0.0);
        Ok::<_, lottopro_core::Error>((shown, expected, game.ticket_price()))
    })
    .await;
    let Ok((shown, expected, price)) = checked else {
        return format!(r#"{notice}<p class="error">{}</p>"#, t.error);
    };
    if shown.is_empty() {
        return format!(r#"{notice}<p class="muted">{}</p>"#, t.no_saved);
    }
    let ids = PublicIds::new(&state.options().secret, IdKind::Saved);
    let today = lottopro_core::slip::local_today(&state.engine.game(), now);
    let mut h = String::from(notice);
    h.push_str(&totals(t, &shown, expected, price));
    let soon = shown.iter().any(|s| {
        s.saved.claimed_at.is_none()
            && s.outcome.as_ref().and_then(|o| o.claim).is_some_and(|c| {
                today.is_some_and(|d| (0..=CLAIM_REMINDER_DAYS).contains(&c.days_left(d)))
            })
    });
    if soon {
        let _ = write!(
            h,
            r#"<p class="warning" role="status">{}</p>"#,
            t.week.claim_soon
        );
    }
    // Rounds newest first; within a round, in the order saved (a slip's A–E).
    let mut rounds: Vec<Option<u32>> = shown.iter().map(|s| s.saved.round).collect();
    rounds.sort_unstable_by(|a, b| b.cmp(a));
    rounds.dedup();
    h.push_str(r#"<ul class="rounds">"#);
    for round in rounds {
        let group: Vec<&Shown> = shown.iter().filter(|s| s.saved.round == round).collect();
        let head = match round {
            Some(r) => {
                let status = group
                    .first()
                    .and_then(|s| s.outcome.as_ref())
                    .map(|o| match o.status {
                        RoundStatus::Drawn => {
                            o.check.as_ref().map(|c| t.date(c.date)).unwrap_or_default()
                        }
                        s => status_line(t, s),
                    })
                    .unwrap_or_default();
                format!(
                    r#"<li class="round-group" id="round-{r}"><h3>{} <span class="muted">{status}</span></h3><ul class="saved">"#,
                    round_name(t, r)
                )
            }
            None => r#"<li class="round-group"><ul class="saved">"#.to_owned(),
        };
        h.push_str(&head);
        for s in group {
            h.push_str(&item(t, s, ids.public(s.saved.id), today));
        }
        h.push_str("</ul></li>");
    }
    h.push_str("</ul>");
    h
}

/// The tickets whose round is drawn: how many, what they cost, what they
/// won after tax, and what chance expected of as many tickets (the mean
/// prize of a ticket after tax, explained on the tools page).
fn totals(t: &Text, shown: &[Shown], expected: f64, price: Money) -> String {
    let done: Vec<&TicketOutcome> = shown
        .iter()
        .filter_map(|s| s.outcome.as_ref())
        .filter(|o| o.check.is_some())
        .collect();
    if done.is_empty() {
        return String::new();
    }
    let n = done.len() as u64;
    let won_net: u64 = done
        .iter()
        .map(|o| match (&o.tax, o.check.as_ref().and_then(|c| c.prize)) {
            (Some(tax), _) => tax.net.get(),
            (None, Some(p)) => p.get(),
            _ => 0,
        })
        .sum();
    let spent = price.get() * n;
    format!(
        r#"<p class="totals">{} {} · {} {} · {} {} · {} {} · {} {}</p>"#,
        t.checked_tickets,
        group_thousands(n),
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

/// One saved ticket: its line and choice, numbers (drawn ones marked), its
/// state or outcome, how to claim a prize, and its actions.
fn item(t: &Text, s: &Shown, public_id: i64, today: Option<lottopro_core::Date>) -> String {
    let saved = &s.saved;
    let numbers: Vec<u8> = saved
        .numbers
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let query = match saved.round {
        Some(r) => format!("{}&amp;round={r}", saved.numbers.replace(' ', "+")),
        None => saved.numbers.replace(' ', "+"),
    };
    let (matched, bonus) = match &s.outcome {
        Some(o) => (
            o.matched.clone(),
            o.check
                .as_ref()
                .filter(|c| c.bonus)
                .and_then(|c| c.draw.bonus.first().copied()),
        ),
        None => (Vec::new(), None),
    };
    let state = match &s.outcome {
        Some(TicketOutcome {
            check: Some(c),
            tax,
            ..
        }) => {
            let mut line = result_line(t, c.matches, c.bonus, c.rank);
            if let Some(tax) = tax {
                let _ = write!(line, " · {} {}", t.after_tax, won(t, tax.net));
            }
            line
        }
        Some(o) => status_line(t, o.status),
        None => String::new(),
    };
    let claim = s
        .outcome
        .as_ref()
        .and_then(|o| Some((o.claim?, o.tax.as_ref())))
        .map(|(c, tax)| {
            let place = match c.place {
                ClaimPlace::BankHeadOffice => t.week.claim_places[0],
                ClaimPlace::BankBranch => t.week.claim_places[1],
                _ => t.week.claim_places[2],
            };
            let when = match today {
                Some(d) if c.expired(d) => {
                    fill(t.week.claim_expired, &[("date", &t.date(c.deadline))])
                }
                Some(d) => fill(
                    t.week.claim_by,
                    &[
                        ("date", &t.date(c.deadline)),
                        ("n", &group_thousands(u64::try_from(c.days_left(d)).unwrap_or(0))),
                    ],
                ),
                None => t.date(c.deadline),
            };
            let tax = tax
                .map(|a| {
                    format!(
                        " · {}",
                        fill(
                            t.week.claim_tax,
                            &[("tax", &won(t, a.tax)), ("net", &won(t, a.net))]
                        )
                    )
                })
                .unwrap_or_default();
            let claimed = saved.claimed_at.is_some();
            format!(
                r#"<p class="claim">{}: {place} · {when}{tax}</p><form method="post" action="/ui/saved/claim?lang={lang}" data-target="saved-list"><input type="hidden" name="id" value="{public_id}"><input type="hidden" name="claimed" value="{next}"><button type="submit" class="secondary" aria-pressed="{claimed}">{button}</button></form>"#,
                t.week.claim_at,
                lang = t.lang,
                next = !claimed,
                button = if claimed {
                    t.week.claimed
                } else {
                    t.week.mark_claimed
                },
            )
        })
        .unwrap_or_default();
    let letter = saved
        .letter
        .as_deref()
        .map(|l| format!(r#"<span class="letter">{}</span> "#, esc(l)))
        .unwrap_or_default();
    let choice = choice_name(t, choice_from_code(saved.choice.as_deref()));
    format!(
        r#"<li class="ticket" id="t-{public_id}"><img class="qr" src="/api/qr?numbers={query}" alt="QR {numbers_text}" width="72" height="72"><div>{letter}<span class="choice">{choice}</span> {balls} <span class="label">{label}</span><p class="state">{state}</p>{claim}<div class="ticket-actions"><form method="post" action="/ui/saved/delete?lang={lang}" data-target="saved-list"><input type="hidden" name="id" value="{public_id}"><button type="submit" class="secondary">{delete}</button></form><details><summary>{edit}</summary><form method="post" action="/ui/saved/edit?lang={lang}" data-target="saved-list"><input type="hidden" name="id" value="{public_id}"><label>{label_word} <input name="label" maxlength="100" value="{label}"></label><label>{round_word} <input name="round" inputmode="numeric" pattern="[0-9]*" value="{round}"></label><div class="form-error" aria-live="assertive"></div><button type="submit">{save}</button></form></details></div></div></li>"#,
        numbers_text = esc(&saved.numbers),
        balls = marked_balls(&numbers, &matched, bonus),
        label = esc(&saved.label),
        lang = t.lang,
        delete = t.week.delete,
        edit = t.week.edit,
        label_word = t.label,
        round_word = t.round,
        round = saved.round.map(|r| r.to_string()).unwrap_or_default(),
        save = t.week.save,
    )
}

/// The list after `notice`, with the client's token attached.
pub(super) async fn list_response(
    state: &AppState,
    client: &Client,
    t: &Text,
    notice: &str,
) -> Response {
    let mut r =
        Fragment::ok(saved_fragment_with(state, Some(client), t, notice).await).into_response();
    client.attach(&mut r);
    r
}

/// A status line.
pub(super) fn status(class: &str, text: &str) -> String {
    format!(r#"<p class="{class}" role="status">{text}</p>"#)
}

/// What saving a slip did, in words.
fn saved_notice(t: &Text, s: &SlipSaved) -> String {
    if s.saved.is_empty() {
        status("warning", t.week.already_saved)
    } else if s.duplicates.is_empty() {
        status("ok", t.week.saved)
    } else {
        status(
            "ok",
            &fill(
                t.week.partly_saved,
                &[("letters", &s.duplicates.join(", "))],
            ),
        )
    }
}

/// The round a form names (the next draw's when empty), if a ticket may be
/// saved for it now.
pub(super) fn form_round(state: &AppState, text: &str) -> Result<u32, ApiError> {
    let round = match text.trim() {
        "" => upcoming_round(state).ok_or_else(|| {
            ApiError::from(lottopro_core::Error::invalid(
                "round",
                "is missing: there are no draws to count from",
            ))
        })?,
        r => round_field(r)?,
    };
    state
        .engine
        .history()
        .saveable_round(round, unix_now())
        .map_err(ApiError::from)?;
    Ok(round)
}

/// The store row behind a public id typed into a form.
pub(super) fn form_id(state: &AppState, text: &str) -> Result<i64, ApiError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .and_then(|id| PublicIds::new(&state.options().secret, IdKind::Saved).row(id))
        .ok_or_else(|| {
            lottopro_core::Error::invalid("id", format!("'{text}' is not a saved-ticket id")).into()
        })
}

/// The client a change of saved tickets needs: one that has a token.
pub(super) async fn known_client(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Client, ApiError> {
    Client::from_headers(headers, state).await?.ok_or_else(|| {
        ApiError::from(lottopro_core::Error::NotFound(
            "this browser has no saved tickets".into(),
        ))
    })
}

/// Dashboard: the client's saved tickets.
async fn ui_saved(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    match Client::from_headers(&headers, &state).await {
        Ok(client) => Fragment::ok(saved_fragment(&state, client.as_ref(), t).await),
        Err(e) => Fragment::error(t, e),
    }
}

#[derive(Deserialize)]
pub(super) struct SaveForm {
    ticket: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    round: String,
}

#[derive(Deserialize)]
pub(super) struct SaveQuery {
    lang: Option<String>,
    /// Answer only what the save did (the forms beside predictions and
    /// wheels), not the whole list.
    brief: Option<String>,
}

/// Dashboard: saves tickets for a round, the next draw's unless given —
/// one to five games from the ball grid or typed (separated by `;` or new
/// lines), or a prediction's or a wheel's tickets, five to a slip — and
/// answers the updated list (or, `brief`, what the save did).
async fn ui_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SaveQuery>,
    UiForm(f): UiForm<SaveForm>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let game = state.engine.game();
        let round = form_round(&state, &f.round)?;
        let tickets = lottopro_core::ticket::parse_tickets(&game, &f.ticket)?;
        let slips = if tickets.len() <= lottopro_core::qr::MAX_GAMES {
            vec![Slip::parse(&game, round, &f.ticket)?]
        } else {
            tickets
                .chunks(lottopro_core::qr::MAX_GAMES)
                .map(|c| {
                    Slip::new(
                        &game,
                        round,
                        c.iter().map(|t| (*t, Choice::Unknown)).collect(),
                        None,
                    )
                })
                .collect::<lottopro_core::Result<Vec<Slip>>>()?
        };
        let client = Client::or_issue(&headers, &state).await?;
        let owner = client.owner(&state.options().secret);
        let label = f.label;
        let saved = on_store(&state, move |store| {
            let mut all = SlipSaved {
                saved: Vec::new(),
                duplicates: Vec::new(),
            };
            for slip in &slips {
                let s = store.save_slip(&owner, &game, slip, &label)?;
                all.saved.extend(s.saved);
                all.duplicates.extend(s.duplicates);
            }
            Ok::<_, lottopro_core::Error>(all)
        })
        .await?;
        Ok::<_, ApiError>((client, saved))
    }
    .await;
    match result {
        Err(e) => Fragment::error(t, e).into_response(),
        Ok((client, saved)) if q.brief.is_some() => {
            let notice = if saved.saved.is_empty() {
                status("warning", t.week.already_saved)
            } else {
                status("ok", t.week.saved_next)
            };
            let mut r = Fragment::ok(notice).into_response();
            client.attach(&mut r);
            r
        }
        Ok((client, saved)) => list_response(&state, &client, t, &saved_notice(t, &saved)).await,
    }
}

/// A one-tap form that saves `tickets` to My tickets for the next round
/// (beside predictions, anti-popular picks and wheels); `id` names its
/// answer's place.
pub(super) fn save_form(t: &Text, id: &str, tickets: &[String]) -> String {
    format!(
        r#"<form class="save-to-tickets" method="post" action="/ui/saved?lang={}&amp;brief=1" data-target="{id}"><input type="hidden" name="ticket" value="{}"><button type="submit" class="secondary">{}</button><span id="{id}" aria-live="polite"></span><div class="form-error" aria-live="assertive"></div></form>"#,
        t.lang,
        esc(&tickets.join("; ")),
        t.week.save_next,
    )
}
