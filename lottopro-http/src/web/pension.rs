//! Pension Lottery 720+ on the tools page: the odds of every prize and a
//! check of a ticket against a round, in the page's language. The answers
//! are the core's ([`lottopro_core::pension`]); this module prints them.

use std::fmt::Write;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use lottopro_core::money::group_thousands;
use lottopro_core::pension::{PensionOdds, PensionPrize, PensionRank, PensionTicket};
use utoipa_axum::router::OpenApiRouter;

use super::forms::{Fragment, UiForm, round_field};
use super::{LangQuery, Text, esc, text_for, won};
use crate::app::{ApiError, AppState};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/ui/pension/check", post(ui_check))
}

/// A prize's name: `1등`, `1st`, `1等`, … and the bonus.
fn rank_name(t: &Text, rank: PensionRank) -> &'static str {
    let i = PensionRank::ALL
        .iter()
        .position(|r| *r == rank)
        .unwrap_or(0);
    t.pension_ranks[i]
}

/// What a prize pays, in words.
fn pays(t: &Text, prize: PensionPrize) -> String {
    match prize {
        PensionPrize::Annuity { monthly, months } => t
            .pension_annuity
            .replace("{m}", &won(t, monthly))
            .replace("{n}", &months.to_string()),
        PensionPrize::LumpSum { amount } => won(t, amount),
    }
}

/// The 720+ section of the tools page.
pub(super) fn section(t: &Text) -> String {
    let odds = PensionOdds::compute();
    let mut rows = String::new();
    for tier in &odds.tiers {
        let _ = write!(
            rows,
            r#"<tr><td>{}</td><td>1 / {}</td><td>{}</td></tr>"#,
            rank_name(t, tier.rank),
            group_thousands(tier.one_in.round() as u64),
            esc(&pays(t, tier.prize))
        );
    }
    format!(
        r#"<section id="pension"><h2>{title}</h2><p class="note">{note}</p><table class="odds pension-odds"><tbody>{rows}</tbody></table><form id="pension-check-form" method="post" action="/ui/pension/check?lang={lang}" data-target="pension-result"><label>{ticket} <input name="ticket" required placeholder="4조 419399"></label><label>{round} <input name="round" required inputmode="numeric" placeholder="327"></label><button type="submit">{check}</button></form><div id="pension-result" aria-live="polite"></div></section>"#,
        title = t.pension_title,
        note = t.pension_note,
        lang = t.lang,
        ticket = t.pension_ticket,
        round = t.round,
        check = t.check_button,
    )
}

/// Dashboard: a 720+ ticket against the draw of a round.
async fn ui_check(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<LangQuery>,
    UiForm(f): UiForm<super::forms::CheckForm>,
) -> Fragment {
    let t = text_for(q.lang.as_deref(), &headers);
    let checked = round_field(&f.round).and_then(|round| {
        let ticket = PensionTicket::parse(&f.ticket)?;
        state
            .pension()
            .check_ticket(&ticket, round)
            .map_err(ApiError::from)
    });
    let c = match checked {
        Ok(c) => c,
        Err(e) => return Fragment::error(t, e),
    };
    let d = &c.draw;
    let mut h = format!(
        r#"<p class="pension-draw">{round} {n}: <strong>{g}조 {digits}</strong> · {bonus} {b}</p><ul class="pension-games">"#,
        round = t.round,
        n = d.round(),
        g = d.group(),
        digits = d.digits(),
        bonus = rank_name(t, PensionRank::Bonus),
        b = d.bonus(),
    );
    for g in &c.games {
        let won_here: Vec<String> = g
            .rank
            .into_iter()
            .chain(g.bonus.then_some(PensionRank::Bonus))
            .map(|r| format!("{} ({})", rank_name(t, r), esc(&pays(t, r.prize()))))
            .collect();
        let _ = write!(
            h,
            "<li>{}조 {}: {}</li>",
            g.group,
            g.digits,
            if won_here.is_empty() {
                t.no_prize.to_owned()
            } else {
                won_here.join(" + ")
            }
        );
    }
    let _ = write!(
        h,
        r#"</ul><p class="pension-total">{}: {}</p>"#,
        t.pension_total,
        won(t, c.gross_total)
    );
    Fragment::ok(h)
}
