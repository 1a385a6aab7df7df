//! Walk-forward backtests: the project's only answer to "how accurate is it?".
//!
//! For every round after a warm-up, each model has learnt exactly the rounds
//! before it (models learn incrementally, and a round is observed only after
//! its tickets were generated, so look-ahead is impossible by construction),
//! generates `K` tickets from a recorded seed, and the tickets are scored
//! against that round's result.
//!
//! **The test.** Given the tickets of round `r` — chosen before the draw —
//! let `c_i` be how many of them contain number `i`. Under a fair draw of `n`
//! of `N` numbers (`p = n/N`), the round's total matches `S_r = Σ c_i·[i drawn]`
//! has the exact mean `p·Σc_i` and variance
//! `p(1−p)·(N·Σc_i² − (Σc_i)²)/(N−1)`. Rounds are independent, so the total
//! over all rounds has the summed mean and variance, and
//! `z = (S − E[S]) / √Var[S]` is standard normal by the central limit theorem
//! (hundreds of rounds). The p-value is one-sided — "does the model match more
//! numbers than chance?" — and needs no assumption about how the model works.
//! When several models are tested together, Holm's step-down correction keeps
//! the family-wise error rate at `alpha`.
//!
//! The confidence interval of the mean matches per ticket uses the observed
//! spread of the per-round totals; money uses the prizes each draw actually
//! paid, where the history records them.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::error::{Error, Result};
use crate::history::HistoryView;
use crate::money::Money;
use crate::odds::{Odds, match_distribution};
use crate::predict::{Model, Sampler, generate};
use crate::rng::{self, splitmix64};
use crate::tax::TaxRule;

/// What to backtest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct BacktestOptions {
    /// Models to evaluate together (Holm correction across them).
    pub models: Vec<Model>,
    /// Tickets per model per round, `1..=MAX_TICKETS`.
    pub tickets_per_round: usize,
    /// Initial draws used only for learning.
    pub warmup: usize,
    /// Seed of all ticket generation.
    pub seed: u64,
    /// Family-wise significance level.
    pub alpha: f64,
}

impl Default for BacktestOptions {
    /// All six models, 5 tickets per round, 100 warm-up draws, seed 42, α = 0.05.
    fn default() -> Self {
        BacktestOptions {
            models: Model::ALL.to_vec(),
            tickets_per_round: 5,
            warmup: 100,
            seed: 42,
            alpha: 0.05,
        }
    }
}

/// The result of one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct ModelResult {
    /// The model.
    pub model: Model,
    /// Rounds scored.
    pub rounds: u64,
    /// Tickets scored.
    pub tickets: u64,
    /// Mean main-number matches per ticket.
    pub mean_matches: f64,
    /// 95 % confidence interval of that mean.
    pub ci95: (f64, f64),
    /// The exact mean under chance (`n²/N`: 0.8 for 6/45).
    pub chance_mean_matches: f64,
    /// Standardised excess of total matches over chance.
    pub z: f64,
    /// One-sided p-value: probability of at least this many matches by chance.
    pub p_value: f64,
    /// Holm-adjusted p-value across the models tested together.
    pub p_holm: f64,
    /// Whether the model beat chance at the family-wise level `alpha`.
    pub significant: bool,
    /// The verdict in words ([`ModelResult::verdict`]): "beats chance" or
    /// "no evidence that it beats chance".
    // Always written; the default only reads results cached before it.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schema(required = true))]
    pub verdict: String,
    /// `matches[k]`: tickets with exactly `k` main matches.
    pub matches: Vec<u64>,
    /// Expected number of tickets with `k` matches under chance.
    pub expected_matches: Vec<f64>,
    /// `ranks[r − 1]`: tickets that won rank `r`.
    pub ranks: Vec<u64>,
    /// Expected number of tickets winning each rank under chance.
    pub expected_ranks: Vec<f64>,
    /// Cost of all tickets.
    pub spent: Money,
    /// Prizes won, as each draw actually paid them.
    pub won: Money,
    /// The same after tax.
    pub won_after_tax: Money,
    /// Winning tickets whose prize the history does not record.
    pub unpriced_wins: u64,
    /// What chance would have won with as many tickets: for each round,
    /// tickets × Σ P(rank) × what that round paid the rank (ranks the
    /// history prices), to the nearest unit. `won` is read against this.
    pub chance_won: Money,
    /// Winning tickets chance expects at ranks the history does not price.
    pub chance_unpriced_wins: f64,
}

/// One model's row of a backtest, as shown beside that model's tickets, with
/// the p-value its verdict uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct BacktestLine {
    /// Rounds scored.
    pub rounds: u64,
    /// Mean main numbers matched per ticket.
    pub mean_matches: f64,
    /// What chance gives.
    pub chance_mean_matches: f64,
    /// 95 % interval of the mean.
    pub ci95: (f64, f64),
    /// One-sided p-value of this model alone: the chance of at least this
    /// many matches under a fair draw.
    pub p_value: f64,
    /// The p-value the verdict uses: Holm-adjusted over every model of the
    /// table (`models_tested`).
    pub p_holm: f64,
    /// How many models were tested together.
    pub models_tested: usize,
    /// Whether the model beat chance at the family-wise level.
    pub significant: bool,
    /// The verdict in words: "beats chance" or "no evidence that it beats chance".
    pub verdict: String,
    /// What the line means.
    pub note: String,
}

impl ModelResult {
    /// The verdict in words, from the Holm-adjusted p-value: the test is
    /// one-sided, so "beats chance" or "no evidence that it beats chance"
    /// (never "differs").
    pub fn verdict(&self) -> &'static str {
        if self.significant {
            "beats chance"
        } else {
            "no evidence that it beats chance"
        }
    }

    /// This row as a line beside a prediction; `models_tested` is the size
    /// of the family the Holm correction ran over.
    pub fn line(&self, models_tested: usize) -> BacktestLine {
        BacktestLine {
            rounds: self.rounds,
            mean_matches: self.mean_matches,
            chance_mean_matches: self.chance_mean_matches,
            ci95: self.ci95,
            p_value: self.p_value,
            p_holm: self.p_holm,
            models_tested,
            significant: self.significant,
            verdict: self.verdict().to_owned(),
            note: if models_tested == 1 {
                "walk-forward backtest of this model alone over the history (one-sided \
                 test); no model can predict a fair draw"
            } else {
                "walk-forward backtest over the history (one-sided test, Holm-corrected \
                 across the models tested); no model can predict a fair draw"
            }
            .to_owned(),
        }
    }
}

/// A backtest of several models over one history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct BacktestReport {
    /// The game id.
    pub game: String,
    /// The options used.
    pub options: BacktestOptions,
    /// The first round scored.
    pub first_round: u32,
    /// The last round scored.
    pub last_round: u32,
    /// One entry per model, in the order asked.
    pub models: Vec<ModelResult>,
}

/// Runs a walk-forward backtest of `opts.models` over `view`; see the module docs.
pub fn backtest(view: HistoryView<'_>, opts: &BacktestOptions) -> Result<BacktestReport> {
    let game = view.game();
    let draws = view.draws();
    if opts.models.is_empty() {
        return Err(Error::invalid("models", "name at least one model"));
    }
    if !(opts.alpha > 0.0 && opts.alpha < 1.0) {
        return Err(Error::invalid(
            "alpha",
            format!("{} is outside (0, 1)", opts.alpha),
        ));
    }
    if opts.warmup >= draws.len() {
        return Err(Error::TooFewDraws {
            field: "warmup".into(),
            needed: opts.warmup,
            available: draws.len(),
        });
    }
    let sampler = Sampler::new(game, &[], &[], opts.tickets_per_round)?;
    let mut results = opts
        .models
        .iter()
        .map(|&model| run_model(view, opts, &sampler, model))
        .collect::<Result<Vec<_>>>()?;
    holm(&mut results, opts.alpha);
    Ok(BacktestReport {
        game: game.id().to_owned(),
        options: opts.clone(),
        first_round: draws[opts.warmup].round(),
        last_round: draws[draws.len() - 1].round(),
        models: results,
    })
}

fn run_model(
    view: HistoryView<'_>,
    opts: &BacktestOptions,
    sampler: &Sampler,
    model: Model,
) -> Result<ModelResult> {
    let game = view.game();
    let pool = usize::from(game.pool());
    let picks = usize::from(game.picks());
    let p = picks as f64 / pool as f64;
    let n_pool = pool as f64;
    // The seed depends on the model, not on where it is in the list, so a
    // model's row is the same figure in every table it appears in.
    let model_seed = splitmix64(opts.seed ^ splitmix64(model.index() + 1));
    let odds = Odds::of(game);
    let (mut chance_won, mut chance_unpriced) = (0.0f64, 0.0f64);
    let mut predictor = model.predictor(game);
    let (mut matches, mut ranks) = (vec![0u64; picks + 1], vec![0u64; game.tiers().len()]);
    let (mut won, mut won_after_tax, mut unpriced) = (Money::ZERO, Money::ZERO, 0u64);
    let (mut total, mut mean_null, mut var_null) = (0.0f64, 0.0f64, 0.0f64);
    let mut round_sums: Vec<f64> = Vec::with_capacity(view.len().saturating_sub(opts.warmup));
    let mut c = vec![0u32; pool + 1];

    for (i, draw) in view.draws().iter().enumerate() {
        if i >= opts.warmup {
            crate::cancel::check()?;
            for t in &odds.tiers {
                let expected = t.probability * opts.tickets_per_round as f64;
                match draw.result(t.rank).filter(|r| r.winners > 0) {
                    Some(r) => chance_won += expected * r.prize_each.0 as f64,
                    None => chance_unpriced += expected,
                }
            }
            let mut rng = rng::stream(model_seed, u64::from(draw.round()));
            let tickets = generate(
                game,
                predictor.as_mut(),
                sampler,
                opts.tickets_per_round,
                &mut rng,
            )?;
            c.fill(0);
            let mut s = 0u32;
            for (t, _) in &tickets {
                for n in t.main().iter() {
                    c[usize::from(n)] += 1;
                }
                let m = draw.matches(t);
                s += u32::from(m.main);
                matches[usize::from(m.main)] += 1;
                if let Some(rank) = game.rank_of(m) {
                    ranks[usize::from(rank) - 1] += 1;
                    match draw.result(rank).filter(|r| r.winners > 0) {
                        Some(r) => {
                            won = won.checked_add(r.prize_each)?;
                            let net = game.tax().assess(r.prize_each, game.ticket_price())?.net;
                            won_after_tax = won_after_tax.checked_add(net)?;
                        }
                        None => unpriced += 1,
                    }
                }
            }
            let sum_c: f64 = c.iter().map(|&x| f64::from(x)).sum();
            let sum_c2: f64 = c.iter().map(|&x| f64::from(x) * f64::from(x)).sum();
            mean_null += p * sum_c;
            var_null += p * (1.0 - p) * (n_pool * sum_c2 - sum_c * sum_c) / (n_pool - 1.0);
            total += f64::from(s);
            round_sums.push(f64::from(s));
        }
        predictor.observe(draw);
    }

    let rounds = round_sums.len() as f64;
    let k = opts.tickets_per_round as f64;
    let tickets = (rounds * k) as u64;
    let mean_round = total / rounds;
    let sd_round = (round_sums
        .iter()
        .map(|s| (s - mean_round).powi(2))
        .sum::<f64>()
        / (rounds - 1.0).max(1.0))
    .sqrt();
    let half = 1.96 * sd_round / rounds.sqrt() / k;
    let z = if var_null > 0.0 {
        (total - mean_null) / var_null.sqrt()
    } else {
        0.0
    };
    let p_value = Normal::standard().sf(z);
    let chance = match_distribution(game);
    Ok(ModelResult {
        model,
        rounds: rounds as u64,
        tickets,
        mean_matches: mean_round / k,
        ci95: (mean_round / k - half, mean_round / k + half),
        chance_mean_matches: game.chance_mean_matches(),
        z,
        p_value,
        p_holm: p_value,
        significant: false,
        verdict: String::new(),
        matches,
        expected_matches: chance
            .iter()
            .map(|m| m.probability * tickets as f64)
            .collect(),
        ranks,
        expected_ranks: odds
            .tiers
            .iter()
            .map(|t| t.probability * tickets as f64)
            .collect(),
        spent: game.ticket_price().checked_mul(tickets)?,
        won,
        won_after_tax,
        unpriced_wins: unpriced,
        chance_won: Money::new(chance_won.round() as u64, "chance_won")?,
        chance_unpriced_wins: chance_unpriced,
    })
}

/// Holm's step-down correction: with p-values sorted ascending, the `i`-th
/// (0-based) of `m` is compared with `alpha / (m − i)`, and the adjusted value
/// is the running maximum of `(m − i)·p`, capped at 1.
fn holm(results: &mut [ModelResult], alpha: f64) {
    let m = results.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| results[a].p_value.total_cmp(&results[b].p_value));
    let mut running = 0.0f64;
    for (i, &idx) in order.iter().enumerate() {
        running = running.max(((m - i) as f64 * results[idx].p_value).min(1.0));
        results[idx].p_holm = running;
        results[idx].significant = running < alpha;
        results[idx].verdict = results[idx].verdict().to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(p: f64) -> ModelResult {
        ModelResult {
            model: Model::Random,
            rounds: 0,
            tickets: 0,
            mean_matches: 0.0,
            ci95: (0.0, 0.0),
            chance_mean_matches: 0.0,
            z: 0.0,
            p_value: p,
            p_holm: p,
            significant: false,
            verdict: String::new(),
            matches: vec![],
            expected_matches: vec![],
            ranks: vec![],
            expected_ranks: vec![],
            spent: Money::ZERO,
            won: Money::ZERO,
            won_after_tax: Money::ZERO,
            unpriced_wins: 0,
            chance_won: Money::ZERO,
            chance_unpriced_wins: 0.0,
        }
    }

    #[test]
    fn holm_matches_a_worked_example() {
        // p = 0.01, 0.04, 0.03, 0.005 with m = 4:
        // sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 → max 0.06.
        let mut rs: Vec<ModelResult> = [0.01, 0.04, 0.03, 0.005].into_iter().map(result).collect();
        holm(&mut rs, 0.05);
        let adj: Vec<f64> = rs.iter().map(|r| r.p_holm).collect();
        let want = [0.03, 0.06, 0.06, 0.02];
        for (a, w) in adj.iter().zip(want) {
            assert!((a - w).abs() < 1e-12, "{adj:?}");
        }
        let sig: Vec<bool> = rs.iter().map(|r| r.significant).collect();
        assert_eq!(sig, [true, false, false, true]);
    }
}
