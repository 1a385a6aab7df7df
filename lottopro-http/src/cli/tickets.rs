//! `check`, `popularity` and `wheel`: what happens to one ticket, or a set of them.

use std::fmt::Write as _;

use clap::Args;
use lottopro_core::money::group_thousands;
use lottopro_core::pension::{PensionHistory, PensionRank, PensionTicket};
use lottopro_core::{Game, Money, Ticket};
use serde_json::json;

use super::args::PopularitySource;
use super::args::{HistoryArgs, Output};
use super::games::{prize_text, rank_name};
use super::{Report, Run};

type Result<T> = lottopro_core::Result<T>;

/// Check a ticket against the draw of one round.
#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// The round (회차) to check against.
    #[arg(long, required_unless_present = "qr")]
    round: Option<u32>,
    /// The ticket: "3 11 17 25 33 41" or "3,11,17,25,33,41" (two-pool games: "1 2 3 4 5 + 6").
    #[arg(
        long,
        allow_hyphen_values = true,
        required_unless_present = "qr",
        conflicts_with = "qr"
    )]
    ticket: Option<String>,
    /// The URL in a ticket's QR code: every game is checked against its round.
    #[arg(long, conflicts_with = "round")]
    qr: Option<String>,
    #[command(flatten)]
    out: Output,
}

impl Run for CheckArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    fn run(&self) -> Result<Report> {
        if let Some(h) = self.history.pension()? {
            return match (&self.qr, self.round, &self.ticket) {
                (None, Some(round), Some(ticket)) => Ok(check_pension(&h, round, ticket)?),
                (Some(_), _, _) => Err(lottopro_core::Error::invalid(
                    "qr",
                    "a 720+ ticket is checked with --round and --ticket",
                )),
                _ => Err(lottopro_core::Error::invalid(
                    "ticket",
                    "give --round and --ticket",
                )),
            };
        }
        match (&self.qr, self.round, &self.ticket) {
            (Some(url), _, _) => check_qr(&self.history, url),
            (None, Some(round), Some(ticket)) => check(&self.history, round, ticket),
            _ => Err(lottopro_core::Error::invalid(
                "ticket",
                "give --round and --ticket, or --qr",
            )),
        }
    }
}

fn check(history: &HistoryArgs, round: u32, ticket: &str) -> Result<Report> {
    let h = history.load()?;
    let game = h.game();
    let ticket = Ticket::parse(game, ticket)?;
    let c = h.require(round)?.check(game, &ticket);
    let cur = game.currency();
    let mut text = format!(
        "round {round} ({}): {:?} + bonus {:?}\nticket: {ticket}\nmatched {} number(s){}",
        c.date,
        c.draw.numbers,
        c.draw.bonus,
        c.matches,
        if c.bonus { " and the bonus" } else { "" }
    );
    match (c.rank, c.prize) {
        (Some(r), Some(p)) => {
            let _ = writeln!(
                text,
                " → rank {r}: this draw paid {} per winning ticket",
                cur.format(p)
            );
        }
        (Some(r), None) => {
            let _ = writeln!(
                text,
                " → rank {r} (the history does not say what this draw paid for it)"
            );
        }
        (None, _) => text.push_str(" → no prize\n"),
    }
    let mut json = serde_json::to_value(&c).unwrap_or_default();
    json["game"] = json!(game.id());
    json["currency"] = json!(cur);
    Ok(Report {
        json,
        text,
        ok: true,
    })
}

/// `lottopro check --game kr720`: a 720+ ticket (one group or all five)
/// against the draw of a round.
fn check_pension(h: &PensionHistory, round: u32, ticket: &str) -> Result<Report> {
    let ticket = PensionTicket::parse(ticket)?;
    let c = h.check_ticket(&ticket, round)?;
    let cur = &Game::Pension.summary().currency;
    let d = &c.draw;
    let mut text = format!(
        "round {round} ({}): {}조 {}, bonus {}\nticket: {} ({})\n",
        d.date(),
        d.group(),
        d.digits(),
        d.bonus(),
        c.ticket,
        cur.format(c.price)
    );
    for g in &c.games {
        let won: Vec<String> = g
            .rank
            .into_iter()
            .chain(g.bonus.then_some(PensionRank::Bonus))
            .map(|r| format!("{} ({})", rank_name(r), prize_text(r.prize(), cur)))
            .collect();
        let _ = writeln!(
            text,
            "  {}조 {}: {} trailing digit(s) → {}",
            g.group,
            g.digits,
            g.trailing,
            if won.is_empty() {
                "no prize".to_owned()
            } else {
                won.join(" and ")
            }
        );
    }
    let _ = writeln!(
        text,
        "won in all, before tax: {}",
        cur.format(c.gross_total)
    );
    let mut json = serde_json::to_value(&c).unwrap_or_default();
    json["game"] = json!(lottopro_core::pension::GAME_ID);
    json["currency"] = json!(cur);
    Ok(Report {
        json,
        text,
        ok: true,
    })
}

/// `lottopro check --qr URL`: every game of a ticket's QR code.
fn check_qr(history: &HistoryArgs, url: &str) -> Result<Report> {
    let engine = lottopro_core::Engine::builder(history.load()?)
        .cache(None)
        .build();
    let checked = engine.check_qr(url)?;
    let cur = engine.game().currency().clone();
    let status = match checked.status {
        lottopro_core::RoundStatus::Drawn => String::new(),
        lottopro_core::RoundStatus::Due { date } => {
            format!(", drawn on {date}: waiting for the results")
        }
        _ => match checked.draw_date {
            Some(d) => format!(", drawn on {d}: waiting for the draw"),
            None => ", waiting for the draw".to_owned(),
        },
    };
    let mut text = format!(
        "round {}{status}: {} game(s), {}\n",
        checked.round,
        checked.games.len(),
        cur.format(checked.cost)
    );
    for g in &checked.games {
        let outcome = match (g.matches, g.rank, g.prize) {
            (None, _, _) => "waiting".to_owned(),
            (Some(m), Some(r), Some(p)) => format!("{m} matched, rank {r}, paid {}", cur.format(p)),
            (Some(m), Some(r), None) => format!("{m} matched, rank {r}"),
            (Some(m), None, _) => format!("{m} matched, no prize"),
        };
        let bonus = if g.bonus == Some(true) {
            " + bonus"
        } else {
            ""
        };
        let _ = writeln!(
            text,
            "  {} {} {:?}: {outcome}{bonus}",
            g.letter, g.kind, g.numbers,
        );
    }
    Ok(Report {
        json: serde_json::to_value(&checked).unwrap_or_default(),
        text,
        ok: true,
    })
}

/// How many other players share a ticket's prizes (the popularity model),
/// and the expected value that follows. Never changes the chance of winning.
#[derive(Debug, Args)]
pub(super) struct PopularityArgs {
    #[command(flatten)]
    source: PopularitySource,
    /// The ticket: "3 11 17 25 33 41".
    #[arg(
        long,
        allow_hyphen_values = true,
        required_unless_present_any = ["evaluate", "distribution"]
    )]
    ticket: Option<String>,
    /// Expected sales of the draw, in won; the mean of the last ten draws when omitted.
    #[arg(long, allow_hyphen_values = true)]
    sales: Option<String>,
    /// Report the model's out-of-sample evaluation (trained on draws ≤ 1000, scored on the rest).
    #[arg(long)]
    evaluate: bool,
    /// Report what a draw's sales look like: combinations never bought,
    /// bought once, 50 times or more, and the largest crowd (with --sales).
    #[arg(long, conflicts_with_all = ["evaluate", "ticket"])]
    distribution: bool,
    #[command(flatten)]
    out: Output,
}

impl Run for PopularityArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    fn run(&self) -> Result<Report> {
        if self.evaluate {
            popularity_evaluation(&self.source)
        } else if self.distribution {
            sales_distribution(&self.source, self.sales.as_deref())
        } else {
            popularity(
                &self.source,
                self.ticket.as_deref().unwrap_or_default(),
                self.sales.as_deref(),
            )
        }
    }
}

fn popularity(source: &PopularitySource, ticket: &str, sales: Option<&str>) -> Result<Report> {
    let engine = lottopro_core::Engine::builder(source.load()?)
        .cache(None)
        .build();
    let game = engine.game();
    let ticket = Ticket::parse(&game, ticket)?;
    let sales = sales.map(|s| Money::parse(s, "sales")).transpose()?;
    let p = engine.popularity(&ticket, sales)?;
    let cur = game.currency();
    let popularity_interval = interval(p.popularity_interval);
    let mut text = format!(
        "ticket {ticket}: played {:.1}×{popularity_interval} as often as a uniformly random ticket\n\
         draw with {} in sales ({:.0} tickets)\n\
         rank  chance          co-winners (uniform)   your prize\n",
        p.popularity,
        cur.format(p.sales),
        p.tickets_sold
    );
    for (rank, chance) in &p.win_probability {
        let interval = interval(
            p.co_winners_interval
                .as_ref()
                .and_then(|i| i.get(rank).copied()),
        );
        let _ = writeln!(
            text,
            "{rank:>4}  1 in {:<11.0} {:>10.1} ({:>9.1})   {:>14.0}{interval}",
            1.0 / chance,
            p.expected_co_winners[rank],
            p.uniform_co_winners[rank],
            p.expected_prize[rank]
        );
    }
    if let (Some(b), Some(rank)) = (p.expected_buyers, p.popularity_rank) {
        let rank_interval = p
            .popularity_rank_interval
            .map_or_else(String::new, |(lo, hi)| {
                format!(
                    " (95 % {}–{})",
                    group_thousands(lo as u64),
                    group_thousands(hi as u64)
                )
            });
        let _ = writeln!(
            text,
            "other players expected on this combination: {:.1} (95 % {:.1}–{:.1}); \
             its popularity rank {}{rank_interval} of {} combinations",
            b.estimate,
            b.low,
            b.high,
            group_thousands(rank),
            group_thousands(lottopro_core::Odds::of(&game).total_combinations)
        );
    }
    if let Some(p) = p.buyers_predictive {
        let _ = writeln!(
            text,
            "this one combination's buyers, 95 % predictive interval (its own crowding as well as the model's): {:.0}–{:.0}",
            p.low, p.high
        );
    }
    let ev_interval = interval(p.ev_interval);
    let _ = writeln!(
        text,
        "expected value {:.1}{ev_interval} per ticket ({:.1} if everyone chose uniformly), price {}\n{}",
        p.ev_per_ticket,
        p.uniform_ev_per_ticket,
        cur.format(p.ticket_price),
        p.note
    );
    Ok(Report {
        json: serde_json::to_value(&p).unwrap_or_default(),
        text,
        ok: true,
    })
}

/// " (95 % lo–hi)", or nothing when the model gives no interval.
fn interval(i: Option<(f64, f64)>) -> String {
    i.map_or_else(String::new, |(lo, hi)| format!(" (95 % {lo:.1}–{hi:.1})"))
}

fn sales_distribution(source: &PopularitySource, sales: Option<&str>) -> Result<Report> {
    let engine = lottopro_core::Engine::builder(source.load()?)
        .cache(None)
        .build();
    let sales = sales.map(|s| Money::parse(s, "sales")).transpose()?;
    let d = engine.sales_distribution(sales)?;
    let game = engine.game();
    let cur = game.currency();
    let line = |what: &str, e: &lottopro_core::popularity::Estimate| {
        format!(
            "{what:<40} {:>12.0}  (95 % {:.0}–{:.0})\n",
            e.estimate, e.low, e.high
        )
    };
    let text = format!(
        "a draw with {} in sales: {} games on {} combinations, {:.1} % of them quick picks (95 % {:.1}–{:.1})\n{}{}{}{}{}",
        cur.format(d.sales),
        group_thousands(d.games.round() as u64),
        group_thousands(d.combinations.round() as u64),
        100.0 * d.quick_pick_share.estimate,
        100.0 * d.quick_pick_share.low,
        100.0 * d.quick_pick_share.high,
        line("combinations nobody bought", &d.never_bought),
        line("combinations bought exactly once", &d.bought_once),
        line("combinations bought 50 times or more", &d.bought_50_or_more),
        line("games on the most-bought combination", &d.max_bought),
        d.note
    );
    Ok(Report {
        json: serde_json::to_value(&d).unwrap_or_default(),
        text,
        ok: true,
    })
}

fn popularity_evaluation(source: &PopularitySource) -> Result<Report> {
    let engine = lottopro_core::Engine::builder(source.load()?)
        .cache(None)
        .build();
    let e = engine.popularity_evaluation()?;
    let mut text = format!(
        "trained on {} draws ({}–{}), scored on {} draws ({}–{})\n\
         rank  deviance: uniform      model   gain      t  p (one-sided)\n",
        e.train.draws,
        e.train.first_round,
        e.train.last_round,
        e.test_draws,
        e.test_first_round,
        e.test_last_round
    );
    for t in &e.tiers {
        let _ = writeln!(
            text,
            "{:>4}  {:>16.1} {:>10.1} {:>5.1} % {:>6.2}  {:.2e}",
            t.rank,
            t.deviance_uniform,
            t.deviance_model,
            100.0 * t.improvement,
            t.t,
            t.p_value
        );
    }
    let _ = writeln!(
        text,
        "all ranks: t = {:.2}, p = {:.2e}\n\
         pattern tickets ({} progressions) are played {:.1}× as often as a uniform one \
         (95 % profile interval {:.1}–{:.1}×; p = {:.3} against no pattern share)\n{}",
        e.combined_t,
        e.combined_p_value,
        e.patterns,
        e.pattern_multiplier,
        e.pattern_multiplier_interval.0,
        e.pattern_multiplier_interval.1,
        e.pattern_p_value,
        e.note
    );
    if let Some(s) = &e.second {
        let _ = writeln!(
            text,
            "\nthe second model (quick picks, named combinations, crowding), same draws:\n\
             rank  deviance: second   gain over first      t  p (one-sided)"
        );
        for t in &s.tiers {
            let _ = writeln!(
                text,
                "{:>4}  {:>16.1} {:>14.1} % {:>6.2}  {:.2e}",
                t.rank,
                t.deviance,
                100.0 * t.improvement_over_first,
                t.t,
                t.p_value
            );
        }
        let [u, f, sec] = s.chosen_log_likelihood;
        let _ = writeln!(
            text,
            "chosen 1st-prize winners of {} held-out draws, mean log-likelihood: uniform {u:.3}, \
             first {f:.3}, second {sec:.3} (p = {:.2e} against uniform, {:.2e} against the first)\n\
             quick picks: {:.1} % of games (95 % {:.1}–{:.1})",
            s.chosen_draws,
            s.chosen_p_values[0],
            s.chosen_p_values[1],
            100.0 * s.quick_pick_share.0,
            100.0 * s.quick_pick_share.1.0,
            100.0 * s.quick_pick_share.1.1
        );
    }
    Ok(Report {
        json: serde_json::to_value(&e).unwrap_or_default(),
        text,
        ok: true,
    })
}

/// A small set of tickets with a guarantee, verified over every draw (a wheel).
#[derive(Debug, Args)]
pub(super) struct WheelArgs {
    /// The numbers to wheel: "1 5 9 13 17 21 26 30" (at most 24).
    #[arg(
        long,
        allow_hyphen_values = true,
        required_unless_present = "full_pool"
    )]
    numbers: Option<String>,
    /// "3if4": at least one ticket matches 3 whenever 4 drawn numbers are yours;
    /// "3" alone: whenever all six are (the only form with --full-pool).
    #[arg(long)]
    guarantee: String,
    /// The designs over the whole 6/45 pool: --guarantee 2 (15 tickets) or 3.
    #[arg(long, conflicts_with = "numbers")]
    full_pool: bool,
    /// Seed of the search; the same seed gives the same wheel.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Relabel the wheel onto the combinations other players avoid (the
    /// popularity model, learnt from --history or the database): the same
    /// guarantee and chances, a larger expected share when it wins.
    #[arg(long)]
    weighted: bool,
    /// With --weighted: expected sales of the draw, in won; the mean of the
    /// last ten draws when omitted.
    #[arg(long, requires = "weighted", allow_hyphen_values = true)]
    sales: Option<String>,
    #[command(flatten)]
    source: PopularitySource,
    #[command(flatten)]
    out: Output,
}

impl Run for WheelArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    fn run(&self) -> Result<Report> {
        let spec = self.source.spec()?;
        let numbers = self
            .numbers
            .as_deref()
            .map(|n| lottopro_core::ticket::parse_numbers(n, "numbers", spec.pool()))
            .transpose()?;
        let request = lottopro_core::WheelRequest {
            numbers,
            guarantee: self.guarantee.clone(),
            full_pool: self.full_pool,
            seed: Some(self.seed),
        };
        let sales = self
            .sales
            .as_deref()
            .map(|s| Money::parse(s, "sales"))
            .transpose()?;
        // A plain wheel needs no history; a weighted one learns from it.
        let w = if self.weighted {
            lottopro_core::Engine::builder(self.source.load()?)
                .cache(None)
                .build()
                .wheel_with(&request, true, sales)?
        } else {
            request.build(&spec)?
        };
        let cur = spec.currency();
        let mut text = format!(
            "{} tickets guarantee {} matches if {} drawn numbers are among {} of yours; verified over all {} draws where that applies (of {})\ncost {}",
            w.tickets.len(),
            w.guarantee.t,
            w.guarantee.m,
            w.numbers.len(),
            w.draws_checked,
            w.total_draws,
            cur.format(w.cost)
        );
        if let Some(ev) = w.expected_value {
            let _ = write!(text, ", expected prizes {}", cur.format(ev));
        }
        text.push('\n');
        let r = &w.record;
        let best = r.best_known.size.map_or_else(
            || "best known size not confirmed".to_owned(),
            |b| format!("best known {b} ({})", r.best_known.source),
        );
        let _ = writeln!(
            text,
            "{best}; no wheel with this guarantee has fewer than {} tickets{}{}",
            r.lower_bound,
            if r.optimal {
                " (this one is optimal)"
            } else {
                ""
            },
            if r.from_table {
                "; from the shipped table"
            } else {
                ""
            }
        );
        if let Some(p) = &w.popularity {
            let (g, wheel) = (&p.gain_per_ticket, &p.gain_per_wheel);
            let _ = writeln!(
                text,
                "weighted by popularity ({} model, a draw with {} in sales): a ticket is worth {:.1} won more than the plain design's (95 % interval {:.1} to {:.1}), {:.0} won the wheel ({:.0} to {:.0}); the same guarantee and chances",
                p.model,
                cur.format(p.sales),
                g.estimate,
                g.low,
                g.high,
                wheel.estimate,
                wheel.low,
                wheel.high
            );
        }
        for t in &w.tickets {
            let _ = writeln!(text, "  {t:?}");
        }
        text.push_str(w.note);
        text.push('\n');
        Ok(Report {
            json: serde_json::to_value(&w).unwrap_or_default(),
            text,
            ok: true,
        })
    }
}
