//! `stats`, `predict`, `backtest` and `simulate`: a history, the models and the money.

use std::fmt::Write as _;

use clap::Args;
use lottopro_core::pension::{self, ChanceCount, PensionStats};
use lottopro_core::stats::uniformity::ChiSquare;
use lottopro_core::stats::{Stats, StatsOptions};
use lottopro_core::ticket::{parse_numbers, parse_tickets};
use lottopro_core::{
    BacktestOptions, Method, Model, Money, PredictRequest, PrizeModel, PrizeOptions,
    SimulationRequest, Strategy,
};
use serde_json::json;

use super::args::{HistoryArgs, Output};
use super::{Report, Run};

type Result<T> = lottopro_core::Result<T>;

/// Statistics of a history, each next to its chance expectation.
#[derive(Debug, Args)]
pub(super) struct StatsArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// Recent draws that define hot and cold numbers.
    #[arg(long, default_value_t = 50)]
    window: usize,
    /// How many hot, cold and overdue numbers and top pairs to list.
    #[arg(long, default_value_t = 6)]
    top: usize,
    /// Only the latest N draws, for every figure (default: all).
    #[arg(long, value_name = "N")]
    last: Option<usize>,
    #[command(flatten)]
    out: Output,
}

impl Run for StatsArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    fn run(&self) -> Result<Report> {
        let (window, top, last) = (self.window, self.top, self.last);
        if let Some(h) = self.history.pension()? {
            return pension_stats(&h.stats(last)?);
        }
        let h = self.history.load()?;
        let s = Stats::compute(h.view(), &StatsOptions { window, top, last });
        let mut text = format!(
            "{} draws (rounds {}..={})\n\nfrequency: expected {:.1} per number (sd {:.1})\n",
            s.draws,
            s.first_round.unwrap_or(0),
            s.latest_round.unwrap_or(0),
            s.expected_count,
            s.count_sd
        );
        let mut by_count: Vec<_> = s.numbers.iter().collect();
        by_count.sort_by_key(|n| (std::cmp::Reverse(n.count), n.number));
        let fmt = |v: &[&lottopro_core::stats::NumberStat]| -> String {
            v.iter()
                .map(|n| format!("{} ({}, z {:+.1})", n.number, n.count, n.z))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let k = top.min(by_count.len());
        let _ = writeln!(text, "  most drawn:  {}", fmt(&by_count[..k]));
        let _ = writeln!(
            text,
            "  least drawn: {}",
            fmt(&by_count[by_count.len() - k..])
        );
        if let Some(u) = s.uniformity {
            let _ = writeln!(
                text,
                "  uniformity: chi-square {:.1} on {} df, p = {:.3} ({})",
                u.statistic,
                u.df,
                u.p_value,
                if u.p_value < 0.05 {
                    "frequencies differ from uniform"
                } else {
                    "consistent with a fair draw"
                }
            );
        }
        let _ = writeln!(
            text,
            "\nlast {} draws (each number expected {:.1} times): hot {:?}, cold {:?}",
            s.window, s.window_expected, s.hot, s.cold
        );
        let _ = writeln!(
            text,
            "longest current gaps {:?} (expected gap {:.1} draws)",
            s.overdue, s.expected_gap
        );
        let c = &s.carry_over;
        let _ = writeln!(
            text,
            "carry-over (이월수): latest {:?}, with bonus {:?}; mean {:.3} per draw (chance {:.3})",
            c.latest, c.latest_with_bonus, c.distribution.mean, c.distribution.chance_mean
        );
        let pairs: Vec<String> = s
            .pairs
            .top
            .iter()
            .map(|p| {
                format!(
                    "{}-{} ({}; {:.1} given their numbers, z {:+.1})",
                    p.a, p.b, p.count, p.expected_given_numbers, p.z_given_numbers
                )
            })
            .collect();
        let x = &s.pairs;
        let _ = writeln!(
            text,
            "companion pairs (궁합수): {}\n  chance: one pair {:.1} ± {:.1}; the largest of {} pairs {:.1} (95 % {}–{}); p = {:.2} for a top pair this large",
            pairs.join(", "),
            x.expected,
            x.sd,
            x.pairs,
            x.max_expected,
            x.max_range.0,
            x.max_range.1,
            x.max_p_value
        );
        let p = &s.patterns;
        let _ = writeln!(
            text,
            "patterns: odd {:.2} per draw (chance {:.2}); low {:.2} ({:.2}); at least one consecutive pair {:.1} % ({:.1} %); sum {:.1} ± {:.1} ({:.1} ± {:.1})",
            p.odd.mean,
            p.odd.chance_mean,
            p.low.mean,
            p.low.chance_mean,
            100.0 * p.any_consecutive,
            100.0 * p.chance_any_consecutive,
            p.sum.mean,
            p.sum.sd,
            p.sum.chance_mean,
            p.sum.chance_sd
        );
        Ok(Report {
            json: serde_json::to_value(&s).unwrap_or_default(),
            text,
            ok: true,
        })
    }
}

/// `stats --game kr720`: groups and digits, each beside chance.
fn pension_stats(s: &PensionStats) -> Result<Report> {
    let test = |t: &Option<ChiSquare>| {
        t.as_ref().map_or_else(String::new, |t| {
            format!(
                " (chi-square {:.1} on {} df, p = {:.3})",
                t.statistic, t.df, t.p_value
            )
        })
    };
    let counts = |cells: &[ChanceCount]| {
        cells
            .iter()
            .map(|c| {
                format!(
                    "{}:{}{}",
                    c.value,
                    c.count,
                    if c.outside { "*" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut text = format!("{} draws of {}\n\n", s.draws, pension::NAME);
    if let Some(g) = s.groups.first() {
        let _ = writeln!(
            text,
            "groups (each expected {:.1}, 95 % of fair counts in {}–{}){}\n  {}",
            g.expected,
            g.chance_low,
            g.chance_high,
            test(&s.groups_test),
            counts(&s.groups)
        );
    }
    for (title, positions) in [
        ("winning number", &s.positions),
        ("bonus number", &s.bonus_positions),
    ] {
        let range = positions.first().and_then(|p| p.digits.first());
        if let Some(r) = range {
            let _ = writeln!(
                text,
                "\n{title}, digit counts by position (each expected {:.1}, 95 % of fair counts in {}–{}; * outside)",
                r.expected, r.chance_low, r.chance_high
            );
        }
        for p in positions {
            let _ = writeln!(
                text,
                "  {}: {}{}",
                p.position,
                counts(&p.digits),
                test(&p.test)
            );
        }
    }
    let _ = writeln!(
        text,
        "\n{} of 120 digit counts outside their range; chance alone puts about {:.1} there.\n\
         No digit is due: every draw is new, and a digit that has not come up is as likely as any other.",
        s.outside, s.chance_outside
    );
    Ok(Report {
        json: serde_json::to_value(s).unwrap_or_default(),
        text,
        ok: true,
    })
}

/// Generate tickets with a model (no model can predict a fair draw; see `backtest`).
#[derive(Debug, Args)]
pub(super) struct PredictArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// frequency, trend, pattern, statistical, ml, anti-popular or random.
    #[arg(long, default_value = "frequency")]
    model: String,
    /// How many distinct tickets (at most 100).
    #[arg(long, default_value_t = 5)]
    count: usize,
    /// Numbers every ticket must contain, e.g. "7 13".
    #[arg(long, default_value = "")]
    include: String,
    /// Numbers no ticket may contain.
    #[arg(long, default_value = "")]
    exclude: String,
    /// Seed; the same seed, model and history give the same tickets. Random when omitted (and reported).
    #[arg(long)]
    seed: Option<u64>,
    #[command(flatten)]
    out: Output,
}

impl Run for PredictArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    fn run(&self) -> Result<Report> {
        let h = self.history.load()?;
        let game = h.game().clone();
        let request = PredictRequest {
            model: self.model.parse::<Model>()?,
            count: self.count,
            include: parse_numbers(&self.include, "include", game.pool())?,
            exclude: parse_numbers(&self.exclude, "exclude", game.pool())?,
            seed: self.seed.unwrap_or_else(lottopro_core::rng::entropy_seed),
        };
        let engine = lottopro_core::Engine::builder(h).cache(None).build();
        let report = engine.predict_with_backtest(&request)?;
        let p = &report.prediction;
        let mut text = format!(
            "{} tickets for round {} from the {} model, learnt from {} draws (seed {}):\n",
            p.tickets.len(),
            report.target_round,
            p.model.as_str(),
            p.draws_used,
            p.seed
        );
        for t in &p.tickets {
            let _ = writeln!(text, "  {}", t.ticket);
            if let Some(top) = t.why.numbers.first() {
                let _ = writeln!(text, "      e.g. {}: {}", top.number, top.reason);
            }
        }
        if let Some(b) = &report.backtest {
            let _ = writeln!(
                text,
                "backtest over {} rounds: {:.4} mean matches ({:.4}–{:.4}) against chance {:.3}; \
                 one-sided p = {:.3}: {}",
                b.rounds,
                b.mean_matches,
                b.ci95.0,
                b.ci95.1,
                b.chance_mean_matches,
                b.p_holm,
                b.verdict
            );
        }
        text.push_str(
            "No model can predict a fair draw: `lottopro backtest` measures each one against chance.\n",
        );
        Ok(Report {
            json: serde_json::to_value(&report).unwrap_or_default(),
            text,
            ok: true,
        })
    }
}

/// Walk-forward backtest of models against the exact chance baseline.
#[derive(Debug, Args)]
pub(super) struct BacktestArgs {
    #[command(flatten)]
    history: HistoryArgs,
    /// A model name, or "all" for every model and the random control.
    #[arg(long, default_value = "all")]
    model: String,
    /// Tickets per model per round (at most 100).
    #[arg(long, default_value_t = 5)]
    tickets: usize,
    /// Initial draws used only for learning.
    #[arg(long, default_value_t = 100)]
    warmup: usize,
    /// Seed of all ticket generation.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Family-wise significance level (Holm).
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    #[command(flatten)]
    out: Output,
}

impl Run for BacktestArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    fn run(&self) -> Result<Report> {
        let (history, model, tickets, warmup, seed, alpha) = (
            &self.history,
            self.model.as_str(),
            self.tickets,
            self.warmup,
            self.seed,
            self.alpha,
        );
        let models = lottopro_core::ModelSelection::parse(model)?.into();
        let h = history.load()?;
        let opts = BacktestOptions {
            models,
            tickets_per_round: tickets,
            warmup,
            seed,
            alpha,
        };
        let r = lottopro_core::backtest(h.view(), &opts)?;
        let mut text = format!(
            "walk-forward backtest, rounds {}..={}, {tickets} tickets per model per round, seed {seed}\n\n\
             {:<12} {:>13} {:>17} {:>7} {:>8} {:>8}  verdict\n",
            r.first_round,
            r.last_round,
            "model",
            "mean matches",
            "95 % CI",
            "chance",
            "p",
            "Holm p"
        );
        for m in &r.models {
            let verdict = m.verdict();
            let _ = writeln!(
                text,
                "{:<12} {:>13.4} {:>8.4}–{:<8.4} {:>7.3} {:>8.3} {:>8.3}  {verdict}",
                m.model.as_str(),
                m.mean_matches,
                m.ci95.0,
                m.ci95.1,
                m.chance_mean_matches,
                m.p_value,
                m.p_holm
            );
        }
        let cur = h.game().currency();
        text.push('\n');
        for m in &r.models {
            let back = |amount: f64| {
                if m.spent.get() > 0 {
                    100.0 * amount / m.spent.get() as f64
                } else {
                    0.0
                }
            };
            let wins: Vec<String> = m
                .ranks
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(i, n)| format!("{}:{n}", i + 1))
                .collect();
            let _ = writeln!(
                text,
                "{:<12} spent {}, won {} as paid ({:.1} % back; {} after tax)\n\
                 {:<12} chance expects {} ({:.1} % back); wins by rank {}; unpriced wins {} (chance expects {:.1})",
                m.model.as_str(),
                cur.format(m.spent),
                cur.format(m.won),
                back(m.won.get() as f64),
                cur.format(m.won_after_tax),
                "",
                cur.format(m.chance_won),
                back(m.chance_won.get() as f64),
                if wins.is_empty() {
                    "none".to_owned()
                } else {
                    wins.join(" ")
                },
                m.unpriced_wins,
                m.chance_unpriced_wins,
            );
        }
        Ok(Report {
            json: serde_json::to_value(&r).unwrap_or_default(),
            text,
            ok: true,
        })
    }
}

/// Monte Carlo of a playing plan next to its exact expected value.
#[derive(Debug, Args)]
pub(super) struct SimulateArgs {
    /// The history whose per-rank prizes value Korean ranks 1–3 by the pool
    /// model on recent draws (the bundled one when omitted).
    #[command(flatten)]
    history: HistoryArgs,
    /// Tickets per draw (default: the number of --tickets, or 5).
    #[arg(long)]
    tickets_per_draw: Option<u64>,
    /// Draws played (520 = ten years of weekly draws).
    #[arg(long, default_value_t = SimulationRequest::DEFAULT_DRAWS)]
    draws: u64,
    /// Repetitions of the whole plan, for the spread of outcomes.
    #[arg(long, default_value_t = SimulationRequest::DEFAULT_TRIALS)]
    trials: u64,
    /// random (quick picks), fixed (--tickets) or a model name (its picks from --history, played every draw).
    #[arg(long, default_value = "random")]
    strategy: String,
    /// The fixed tickets, separated by ';': "1 2 3 4 5 6; 7 8 9 10 11 12".
    #[arg(long)]
    tickets: Option<String>,
    /// auto, per-ticket or outcome-counts.
    #[arg(long, default_value = "auto")]
    method: String,
    /// Worker threads (default: one per core); the result does not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// Seed of everything random.
    #[arg(long, default_value_t = SimulationRequest::DEFAULT_SEED)]
    seed: u64,
    /// How many recent draws the pool model samples from.
    #[arg(long, default_value_t = PrizeOptions::DEFAULT_RECENT)]
    recent: usize,
    /// The amount of a prize rank, e.g. --prize 1=50000000000 (repeatable; minor units).
    #[arg(long = "prize", value_name = "RANK=AMOUNT")]
    prize: Vec<String>,
    #[command(flatten)]
    out: Output,
}

impl Run for SimulateArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    fn run(&self) -> Result<Report> {
        let a = self;
        let spec = a.history.game()?;
        let history = a.history.load_or_empty()?;
        let tickets = a
            .tickets
            .as_deref()
            .map(|text| parse_tickets(&spec, text))
            .transpose()?;
        let mut request = SimulationRequest::new(Strategy::from_name(&a.strategy, tickets)?);
        request.plan.tickets_per_draw = a.tickets_per_draw.unwrap_or(request.plan.tickets_per_draw);
        request.plan.draws = a.draws;
        request.plan.trials = a.trials;
        request.method = a.method.parse::<Method>()?;
        request.threads = a.threads;
        request.seed = a.seed;
        let prizes = PrizeOptions {
            recent: a.recent,
            overrides: a
                .prize
                .iter()
                .map(|p| PrizeModel::parse_override(p))
                .collect::<Result<Vec<_>>>()?,
        };
        let engine = lottopro_core::Engine::builder(history).cache(None).build();
        let started = std::time::Instant::now();
        let r = engine.simulate(&request, &prizes)?;
        let elapsed = started.elapsed().as_secs_f64();
        let cur = spec.currency();
        let amount = |v: i128| {
            let sign = if v < 0 { "-" } else { "" };
            format!(
                "{sign}{}",
                cur.format(
                    Money::new(
                        v.unsigned_abs().min(u128::from(Money::MAX.get())) as u64,
                        "x"
                    )
                    .unwrap_or_default()
                )
            )
        };
        let mut text = format!(
            "{}: {} tickets per draw for {} draws, {} trials ({} strategy, {}, {:.3} s)\nprizes: {}\n\n",
            spec.name(),
            r.plan.tickets_per_draw,
            r.plan.draws,
            r.plan.trials,
            r.strategy,
            r.method,
            elapsed,
            r.prize_basis
        );
        let _ = writeln!(
            text,
            "expected prize per {} ticket: {:.2} before tax, {:.2} after (simulated {:.2} ± {:.2})",
            cur.format(r.ticket_price),
            r.exact_ev_per_ticket / 10f64.powi(i32::from(cur.minor_digits)),
            r.exact_ev_per_ticket_after_tax / 10f64.powi(i32::from(cur.minor_digits)),
            r.simulated_ev_per_ticket / 10f64.powi(i32::from(cur.minor_digits)),
            r.standard_error / 10f64.powi(i32::from(cur.minor_digits)),
        );
        let _ = writeln!(
            text,
            "per trial: spent {}, net outcome median {} (5 %: {}, 95 %: {}); mean {}; any profit in {:.2} % of trials",
            amount(r.spent_per_trial as i128),
            amount(r.percentiles.p50),
            amount(r.percentiles.p5),
            amount(r.percentiles.p95),
            amount(r.mean_net.round() as i128),
            100.0 * r.p_profit
        );
        let _ = writeln!(
            text,
            "1st prizes: {:.1} % of the winnings after tax; without them the mean is {}; \
             one trial wins one with chance {:.2} %, the whole simulation with chance {:.0} % \
             (a single one moves the mean by many standard errors: read the median)",
            100.0 * r.jackpot_share,
            amount(r.mean_net_without_jackpots.round() as i128),
            100.0 * r.jackpot_chance_per_trial,
            100.0 * r.jackpot_chance_in_simulation
        );
        for w in &r.wins {
            let _ = writeln!(
                text,
                "  rank {}: {} wins (expected {:.1})",
                w.rank, w.wins, w.expected
            );
        }
        let mut json = serde_json::to_value(&r).unwrap_or_default();
        json["currency"] = json!(cur);
        json["elapsed_seconds"] = json!(elapsed);
        Ok(Report {
            json,
            text,
            ok: true,
        })
    }
}
