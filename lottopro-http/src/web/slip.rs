//! A slip on the page: its round and state, games A–E with how each was
//! chosen and, once drawn, the matched numbers marked and the outcome, the
//! total; and the QR upload that reads a slip and saves it to My tickets
//! (see `tickets`).

use std::fmt::Write;

use axum::extract::{Multipart, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use lottopro_core::{Choice, QrCheck, RoundStatus, Slip, TicketQr};

use super::forms::Fragment;
use super::text::week::fill;
use super::{LangQuery, Text, text_for, won};
use crate::app::client::Client;
use crate::app::{ApiError, AppState, Limits, on_store, unix_now};
use axum::extract::DefaultBodyLimit;
use axum::routing::post;
use utoipa_axum::router::OpenApiRouter;

/// The largest photo a player may upload (a phone's JPEG is 2–5 MB).
const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

/// The QR upload: it spends the save allowance.
pub(super) fn router(limits: &Limits) -> OpenApiRouter<AppState> {
    limits.saves(
        OpenApiRouter::new()
            .route("/ui/qr", post(ui_qr))
            .layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES)),
    )
}
use crate::store::SlipSaved;

/// A round as the language writes it: 제1254회, Round 1254, 第1254回.
pub(super) fn round_name(t: &Text, round: u32) -> String {
    fill(t.week.round, &[("n", &round.to_string())])
}

/// A rank as the language writes it: 2등, Rank 2, 2等.
pub(super) fn rank_name(t: &Text, rank: u8) -> String {
    fill(t.week.rank, &[("n", &rank.to_string())])
}

/// Balls with the drawn ones marked (`hit`) and, for the one that matched
/// the bonus, `bonus-hit`.
pub(super) fn marked_balls(numbers: &[u8], matched: &[u8], bonus: Option<u8>) -> String {
    let mut s = String::from(r#"<span class="balls">"#);
    for &n in numbers {
        let hit = if matched.contains(&n) {
            " hit"
        } else if bonus == Some(n) {
            " bonus-hit"
        } else {
            ""
        };
        let _ = write!(
            s,
            r#"<span class="ball {}{hit}">{n}</span>"#,
            super::chart::ball_class(n)
        );
    }
    s.push_str("</span>");
    s
}

/// How a game was chosen, in the language (empty when not recorded).
pub(super) fn choice_name(t: &Text, choice: Choice) -> &'static str {
    match choice {
        Choice::Auto => t.week.choices[0],
        Choice::SemiAuto => t.week.choices[1],
        Choice::Manual => t.week.choices[2],
        _ => "",
    }
}

pub(super) fn choice_from_code(code: Option<&str>) -> Choice {
    code.and_then(|c| c.chars().next())
        .map_or(Choice::Unknown, Choice::from_code)
}

/// Where a round stands, in words.
pub(super) fn status_line(t: &Text, status: RoundStatus) -> String {
    match status {
        RoundStatus::Waiting { date: Some(d) } => fill(t.week.waiting_for, &[("date", &t.date(d))]),
        RoundStatus::Waiting { date: None } => t.waiting.to_owned(),
        RoundStatus::Due { .. } => t.week.due.to_owned(),
        _ => String::new(),
    }
}

/// A game's outcome in words: rank, matched count (bonus named), or the
/// loss with its matched count.
pub(super) fn result_line(t: &Text, matches: u8, bonus: bool, rank: Option<u8>) -> String {
    let matched = fill(t.week.matched, &[("n", &matches.to_string())]);
    let bonus = if bonus && rank == Some(2) {
        format!(" · {}", t.week.bonus_matched)
    } else {
        String::new()
    };
    match rank {
        Some(r) => format!("<strong>{}</strong> · {matched}{bonus}", rank_name(t, r)),
        None => format!("{} · {matched}", t.week.lost),
    }
}

/// A slip read from a QR code: its round and state, games A–E with how each
/// was chosen and, once drawn, the outcome, the total; and what saving it
/// did.
pub(super) fn slip_html(t: &Text, c: &QrCheck, saved: Option<&SlipSaved>) -> String {
    let mut h = format!(
        r#"<div class="slip"><p class="slip-head"><strong>{}</strong>{}</p><ol class="slip-games">"#,
        round_name(t, c.round),
        match c.status {
            RoundStatus::Drawn => String::new(),
            s => format!(" · {}", status_line(t, s)),
        }
    );
    for g in &c.games {
        let choice = choice_name(t, g.choice);
        let result = match (g.matches, g.bonus) {
            (Some(m), Some(b)) => {
                let mut r = result_line(t, m, b, g.rank);
                if let Some(p) = g.prize {
                    let _ = write!(r, " · {} {}", t.paid, won(t, p));
                }
                r
            }
            _ => String::new(),
        };
        let _ = write!(
            h,
            r#"<li><span class="letter">{}</span> <span class="choice">{choice}</span> {} <span class="result">{result}</span></li>"#,
            g.letter,
            marked_balls(&g.numbers, &g.matched, None),
        );
    }
    let _ = write!(
        h,
        r#"</ol><p class="total">{}</p>"#,
        fill(
            t.week.total,
            &[
                ("games", &c.games.len().to_string()),
                ("cost", &won(t, c.cost)),
            ]
        )
    );
    if let Some(s) = saved {
        let message = if s.saved.is_empty() {
            t.week.already_saved.to_owned()
        } else if s.duplicates.is_empty() {
            t.week.saved.to_owned()
        } else {
            fill(
                t.week.partly_saved,
                &[("letters", &s.duplicates.join(", "))],
            )
        };
        let class = if s.saved.is_empty() { "warning" } else { "ok" };
        let _ = write!(h, r#"<p class="{class}" role="status">{message}</p>"#);
    }
    h.push_str("</div>");
    h
}

/// Dashboard: a ticket's QR code, from a photo (decoded here) or its text:
/// every game saved to My tickets for its round — waiting when the round is
/// still to be drawn, checked when it has been — once.
async fn ui_qr(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let t = text_for(q.lang.as_deref(), &headers);
    let result = async {
        let multipart = multipart
            .map_err(|r| ApiError::from(lottopro_core::Error::invalid("photo", r.body_text())))?;
        // Admitted before its body is read; the photo decoded apart from
        // the heavy work, under its own deadline.
        let _slot = crate::app::upload_slot(&state)?;
        let (photo, url) = qr_fields(multipart).await?;
        let text = match photo {
            Some(bytes) => crate::app::read_photo(&state, bytes).await?,
            None => url,
        };
        let client = Client::or_issue(&headers, &state).await?;
        let owner = client.owner(&state.options().secret);
        let engine = state.engine.clone();
        let (checked, saved) = on_store(&state, move |store| {
            let checked = engine.check_qr_at(&text, unix_now())?;
            let game = engine.game();
            let slip = Slip::from_qr(&game, &TicketQr::read(&game, &text)?)?;
            let saved = store.save_slip(&owner, &game, &slip, "QR")?;
            Ok::<_, lottopro_core::Error>((checked, saved))
        })
        .await?;
        Ok::<_, ApiError>((client, checked, saved))
    }
    .await;
    match result {
        Ok((client, c, saved)) => {
            let mut r = Fragment::ok(slip_html(t, &c, Some(&saved))).into_response();
            client.attach(&mut r);
            r
        }
        Err(e) => Fragment::error(t, e).into_response(),
    }
}

/// The upload's photo (if one was chosen) and pasted text. The photo stays
/// in the one buffer it was read into.
async fn qr_fields(mut m: Multipart) -> Result<(Option<axum::body::Bytes>, String), ApiError> {
    let (mut photo, mut url) = (None, String::new());
    while let Some(field) = m.next_field().await.map_err(multipart_error("photo"))? {
        match field.name() {
            Some("photo") => {
                let bytes = field.bytes().await.map_err(multipart_error("photo"))?;
                if !bytes.is_empty() {
                    photo = Some(bytes);
                }
            }
            Some("url") => url = field.text().await.map_err(multipart_error("url"))?,
            _ => {}
        }
    }
    if photo.is_none() && url.trim().is_empty() {
        return Err(lottopro_core::Error::invalid(
            "photo",
            "choose a photo of the ticket's QR code, or paste the code's text",
        )
        .into());
    }
    Ok((photo, url))
}

/// A multipart error as an error naming `field`.
pub(super) fn multipart_error(
    field: &'static str,
) -> impl Fn(axum::extract::multipart::MultipartError) -> ApiError {
    move |e| {
        let message = if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            "is too large".to_owned()
        } else {
            e.body_text()
        };
        ApiError::from(lottopro_core::Error::invalid(field, message))
    }
}
