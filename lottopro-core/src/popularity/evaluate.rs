//! Out-of-sample evaluation: trained up to a round, scored on the draws
//! after it against uniform choice.

use serde::Serialize;

use super::{NOTE, Popularity};
use super::{Training, deviance, paired_t};
use crate::draw::Draw;
use crate::error::{Error, Result};
use crate::history::HistoryView;

impl Popularity {
    /// Trains on the draws of `history` up to round `split` and scores the
    /// draws after it against uniform choice; see [`PopularityEvaluation`].
    pub fn evaluate(view: HistoryView<'_>, split: u32) -> Result<PopularityEvaluation> {
        let (train, test) = view.split_at_round(split);
        let model = Popularity::fit(train)?;
        let (interval, pattern_p_value) = model.pattern_interval(&model.observations(train));
        let uniform = Popularity::uniform(view.game())?;
        let obs = model.observations(test);
        if obs.len() < 2 {
            return Err(Error::invalid(
                "history",
                format!(
                    "{} usable draws after round {split}; at least 2 are needed to evaluate",
                    obs.len()
                ),
            ));
        }
        let n = obs.len();
        let mut combined = vec![0.0; n];
        let mut tiers = Vec::new();
        for (r, tier) in model.tiers.iter().enumerate() {
            let mut diffs = Vec::with_capacity(n);
            let (mut du, mut ds, mut dm, mut y) = (0.0, 0.0, 0.0, 0.0);
            for (i, o) in obs.iter().enumerate() {
                let mu_u = uniform.mu_and_grad(o, r, None);
                let mu_m = model.mu_and_grad(o, r, None);
                let u = deviance(o.winners[r], mu_u);
                let m = deviance(o.winners[r], mu_m);
                du += u;
                dm += m;
                ds += deviance(o.winners[r], mu_u * model.scale[r]);
                y += o.winners[r];
                diffs.push(u - m);
                combined[i] += (u - m) / model.dispersion[r];
            }
            let (t, p) = paired_t(&diffs);
            tiers.push(TierEvaluation {
                rank: tier.rank,
                winners: y,
                deviance_uniform: du,
                deviance_calibrated_uniform: ds,
                deviance_model: dm,
                improvement: 1.0 - dm / du,
                dispersion: model.dispersion[r],
                t,
                p_value: p,
            });
        }
        let (t, p) = paired_t(&combined);
        let second = Popularity::fit_second_bundled(train)
            .ok()
            .and_then(|s| SecondEvaluation::of(&s, &model, test));
        let pop = model.number_popularity();
        let mut numbers: Vec<(u8, f64)> =
            (1..=model.pool).map(|n| (n, pop[usize::from(n)])).collect();
        numbers.sort_by(|a, b| b.1.total_cmp(&a.1));
        Ok(PopularityEvaluation {
            train: model.training.clone().unwrap_or(Training {
                draws: 0,
                first_round: 0,
                last_round: 0,
            }),
            test_draws: obs.len(),
            test_first_round: test.draws().first().map_or(0, Draw::round),
            test_last_round: test.latest_round().unwrap_or(0),
            tiers,
            combined_t: t,
            combined_p_value: p,
            pattern_share: model.share,
            pattern_multiplier: model.pattern_multiplier(),
            pattern_multiplier_interval: interval,
            pattern_p_value,
            patterns: model.patterns.len(),
            most_popular_numbers: numbers.iter().take(5).copied().collect(),
            least_popular_numbers: numbers.iter().rev().take(5).copied().collect(),
            second,
            note: NOTE,
        })
    }
}

/// The out-of-sample evaluation of [`Popularity::evaluate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PopularityEvaluation {
    /// What the model was trained on.
    pub train: Training,
    /// Held-out draws scored.
    pub test_draws: usize,
    /// The first held-out round.
    pub test_first_round: u32,
    /// The last held-out round.
    pub test_last_round: u32,
    /// Per rank.
    pub tiers: Vec<TierEvaluation>,
    /// Paired t statistic of the per-draw deviance gain over all ranks
    /// (each rank's gain divided by its dispersion).
    pub combined_t: f64,
    /// Its one-sided p-value.
    pub combined_p_value: f64,
    /// `ε`, the share of tickets on the salient patterns.
    pub pattern_share: f64,
    /// A pattern ticket's popularity relative to a uniform ticket, from the
    /// pattern share alone.
    pub pattern_multiplier: f64,
    /// Its 95 % profile-likelihood interval (quasi-likelihood, so it
    /// allows for the dispersion); the upper end is infinite when the data
    /// set none.
    pub pattern_multiplier_interval: (f64, f64),
    /// One-sided p-value of the likelihood-ratio test that nobody favours
    /// the patterns (training draws).
    pub pattern_p_value: f64,
    /// How many salient patterns there are.
    pub patterns: usize,
    /// The five most picked numbers and their popularity (1 = average).
    pub most_popular_numbers: Vec<(u8, f64)>,
    /// The five least picked.
    pub least_popular_numbers: Vec<(u8, f64)>,
    /// The second model (quick picks, named combinations, the crowding
    /// spread) trained on the same draws and scored on the same held-out
    /// ones, beside the first; `None` where its data are missing.
    pub second: Option<SecondEvaluation>,
    /// What popularity does and does not change.
    pub note: &'static str,
}

/// The second model's out-of-sample scores beside the first's.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct SecondEvaluation {
    /// Per rank: the second model's deviance, and the paired one-sided
    /// p-value that it is lower than the first model's.
    pub tiers: Vec<SecondTier>,
    /// Held-out draws with a 1st-prize choice split.
    pub chosen_draws: usize,
    /// Mean log-likelihood per draw of their chosen (manual and
    /// semi-automatic) 1st-prize winners: uniform choice among chosen
    /// tickets, the first model, the second.
    pub chosen_log_likelihood: [f64; 3],
    /// One-sided paired p-values: the second model beats uniform choice,
    /// and beats the first model, on those winners.
    pub chosen_p_values: [f64; 2],
    /// The quick-pick share at the last training round, with its interval.
    pub quick_pick_share: (f64, (f64, f64)),
    /// The crowding spread the second model found.
    pub spread: Option<super::Spread>,
}

/// One rank's deviance under the second model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct SecondTier {
    /// The rank.
    pub rank: u8,
    /// Poisson deviance of the second model.
    pub deviance: f64,
    /// `1 − second / first`.
    pub improvement_over_first: f64,
    /// Paired t statistic of the per-draw gain over the first model.
    pub t: f64,
    /// Its one-sided p-value.
    pub p_value: f64,
}

impl SecondEvaluation {
    fn of(
        second: &Popularity,
        first: &Popularity,
        test: HistoryView<'_>,
    ) -> Option<SecondEvaluation> {
        let obs_second = second.observations(test);
        let obs_first = first.observations(test);
        if obs_second.len() < 2 || obs_second.len() != obs_first.len() {
            return None;
        }
        let tiers = (0..second.tiers.len())
            .map(|r| {
                let (mut ds, mut df) = (0.0, 0.0);
                let diffs: Vec<f64> = obs_second
                    .iter()
                    .zip(&obs_first)
                    .map(|(s, f)| {
                        let a = deviance(f.winners[r], first.mu_and_grad(f, r, None));
                        let b = deviance(s.winners[r], second.mu_and_grad(s, r, None));
                        df += a;
                        ds += b;
                        a - b
                    })
                    .collect();
                let (t, p) = paired_t(&diffs);
                SecondTier {
                    rank: second.tiers[r].rank,
                    deviance: ds,
                    improvement_over_first: 1.0 - ds / df,
                    t,
                    p_value: p,
                }
            })
            .collect();
        // The chosen 1st-prize winners of held-out draws. Every model gets
        // the same quick-pick share; uniform choice puts the chosen tickets
        // evenly on all combinations.
        let nodes = super::crowd::normal_nodes(20);
        let spread = second.spread.as_ref();
        let p1 = second.tiers[0].probability;
        let (mut per_draw, mut n) = ([Vec::new(), Vec::new(), Vec::new()], 0);
        for (s, f) in obs_second.iter().zip(&obs_first) {
            let Some(y) = s.chosen_first else {
                continue;
            };
            let games = s.tickets;
            let quick = games * s.quick * p1;
            let uniform = (games * (1.0 - s.quick) * p1).max(1e-9);
            let first_l = (first.mu_and_grad(f, 0, None) - quick).max(0.05 * uniform);
            let second_l = second.chosen_first_mean(s).max(1e-9);
            let ln_fact = statrs::function::gamma::ln_gamma(y + 1.0);
            let poisson = |l: f64| y * l.ln() - l - ln_fact;
            per_draw[0].push(poisson(uniform));
            per_draw[1].push(poisson(first_l));
            per_draw[2].push(match spread {
                Some(sp) => super::crowd::mixture_ln(
                    y,
                    second_l,
                    [sp.sigma, sp.cluster_share, sp.cluster_multiplier],
                    &nodes,
                    ln_fact,
                ),
                None => poisson(second_l),
            });
            n += 1;
        }
        if n < 2 {
            return None;
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let gain = |a: usize| -> Vec<f64> {
            per_draw[2]
                .iter()
                .zip(&per_draw[a])
                .map(|(s, o)| s - o)
                .collect()
        };
        let quick = second.quick.as_ref()?;
        let last = second.training.as_ref().map_or(0, |t| t.last_round);
        Some(SecondEvaluation {
            tiers,
            chosen_draws: n,
            chosen_log_likelihood: [mean(&per_draw[0]), mean(&per_draw[1]), mean(&per_draw[2])],
            chosen_p_values: [paired_t(&gain(0)).1, paired_t(&gain(1)).1],
            quick_pick_share: (quick.share(last), quick.interval(last)),
            spread: second.spread.clone(),
        })
    }
}

/// One rank's out-of-sample scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct TierEvaluation {
    /// The rank.
    pub rank: u8,
    /// Winners in the held-out draws.
    pub winners: f64,
    /// Poisson deviance of uniform choice (tickets sold × odds).
    pub deviance_uniform: f64,
    /// Of uniform choice rescaled by the trained per-rank calibration alone.
    pub deviance_calibrated_uniform: f64,
    /// Of the model.
    pub deviance_model: f64,
    /// `1 − model / uniform`.
    pub improvement: f64,
    /// The rank's dispersion `φ` (Pearson, training draws).
    pub dispersion: f64,
    /// Paired t statistic of the per-draw deviance gain.
    pub t: f64,
    /// Its one-sided p-value (is the model better than uniform?).
    pub p_value: f64,
}
