//! The `ml` model: logistic regression on lagged features, trained online.
//!
//! For every number and every round, the features are computed from the
//! draws *before* that round only; when the round's result arrives, one
//! gradient step on the 45 (pool-size) labelled examples updates the shared
//! weight vector (learning rate `0.5/√(1 + t/50)`, L2 penalty 10⁻³). Online
//! training is what keeps a full walk-forward backtest at one pass over the
//! history, and it makes look-ahead impossible by construction: a round's
//! label is used only after the tickets for it were generated.

use std::collections::VecDeque;

use ndarray::{Array1, Array2, ArrayView1};

use crate::draw::Draw;
use crate::game::GameSpec;
use crate::ticket::NumberSet;

use super::{Contribution, Feature, Model, Predictor, Reason};

/// The ridge penalty of the fit.
const L2: f64 = 1e-3;

pub(super) struct Ml {
    pool: usize,
    picks: usize,
    p: f64,
    draws: u64,
    counts: Vec<u64>,
    counts10: Vec<u64>,
    counts50: Vec<u64>,
    recent: VecDeque<NumberSet>,
    gaps: Vec<u64>,
    last: NumberSet,
    pairs: Array2<u32>,
    weights: Array1<f64>,
    steps: u64,
    /// Features of the current state, one row per number 1..=pool.
    x: Array2<f64>,
    fresh: bool,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Ml {
    pub(super) fn new(game: &GameSpec) -> Ml {
        let pool = usize::from(game.pool());
        let p = f64::from(game.picks()) / pool as f64;
        let mut weights = Array1::zeros(Feature::ALL.len());
        weights[0] = (p / (1.0 - p)).ln();
        Ml {
            pool,
            picks: usize::from(game.picks()),
            p,
            draws: 0,
            counts: vec![0; pool + 1],
            counts10: vec![0; pool + 1],
            counts50: vec![0; pool + 1],
            recent: VecDeque::with_capacity(51),
            gaps: vec![0; pool + 1],
            last: NumberSet::EMPTY,
            pairs: Array2::zeros((pool + 1, pool + 1)),
            weights,
            steps: 0,
            x: Array2::zeros((pool, Feature::ALL.len())),
            fresh: false,
        }
    }

    /// Recomputes the feature matrix for the current state.
    fn features(&mut self) {
        if self.fresh {
            return;
        }
        let p = self.p;
        let d = self.draws as f64;
        let ratio = |count: u64, over: f64| {
            if over > 0.0 {
                (count as f64 / over - p) / p
            } else {
                0.0
            }
        };
        let n10 = self.recent.len().min(10) as f64;
        let n50 = self.recent.len() as f64;
        let expected_gap = (1.0 - p) / p;
        let last: Vec<usize> = self.last.iter().map(usize::from).collect();
        let pair_q = (self.picks as f64) * (self.picks as f64 - 1.0)
            / (self.pool as f64 * (self.pool as f64 - 1.0));
        let pair_norm = last.len() as f64 * d * pair_q;
        for i in 1..=self.pool {
            let affinity: u32 = last
                .iter()
                .filter(|&&m| m != i)
                .map(|&m| self.pairs[[i, m]])
                .sum();
            let row = [
                1.0,
                ratio(self.counts10[i], n10),
                ratio(self.counts50[i], n50),
                ratio(self.counts[i], d),
                if d > 0.0 {
                    (self.gaps[i] as f64 / expected_gap).min(5.0) - 1.0
                } else {
                    0.0
                },
                if self.last.contains(i as u8) {
                    1.0 - p
                } else {
                    -p
                },
                if pair_norm > 0.0 {
                    f64::from(affinity) / pair_norm - 1.0
                } else {
                    0.0
                },
            ];
            self.x.row_mut(i - 1).assign(&ArrayView1::from(&row));
        }
        self.fresh = true;
    }

    fn probabilities(&self) -> Array1<f64> {
        self.x.dot(&self.weights).mapv(sigmoid)
    }
}

impl Predictor for Ml {
    fn model(&self) -> Model {
        Model::Ml
    }

    fn observe(&mut self, draw: &Draw) {
        let set = draw.numbers();
        // 1. Learn from this draw with the features of the state before it.
        if self.draws > 0 {
            self.features();
            let y = Array1::from_iter(
                (1..=self.pool).map(|i| f64::from(u8::from(set.contains(i as u8)))),
            );
            let residual = &y - &self.probabilities();
            let gradient = self.x.t().dot(&residual) / self.pool as f64;
            let rate = 0.5 / (1.0 + self.steps as f64 / 50.0).sqrt();
            self.weights = &self.weights * (1.0 - rate * L2) + &(gradient * rate);
            self.steps += 1;
        }
        // 2. Then take the draw into the state.
        self.draws += 1;
        for n in set.iter() {
            let n = usize::from(n);
            self.counts[n] += 1;
            self.counts10[n] += 1;
            self.counts50[n] += 1;
        }
        for (i, g) in self.gaps.iter_mut().enumerate().skip(1) {
            *g = if set.contains(i as u8) { 0 } else { *g + 1 };
        }
        let nums: Vec<usize> = set.iter().map(usize::from).collect();
        for (k, &a) in nums.iter().enumerate() {
            for &b in &nums[k + 1..] {
                self.pairs[[a, b]] += 1;
                self.pairs[[b, a]] += 1;
            }
        }
        self.recent.push_back(set);
        if self.recent.len() > 10 {
            let old = self.recent[self.recent.len() - 11];
            for n in old.iter() {
                self.counts10[usize::from(n)] -= 1;
            }
        }
        if self.recent.len() > 50
            && let Some(old) = self.recent.pop_front()
        {
            for n in old.iter() {
                self.counts50[usize::from(n)] -= 1;
            }
        }
        self.last = set;
        self.fresh = false;
    }

    fn weights(&mut self, out: &mut [f64]) {
        self.features();
        for (i, prob) in self.probabilities().iter().enumerate() {
            if let Some(w) = out.get_mut(i + 1) {
                *w = *prob;
            }
        }
    }

    fn explain(&self, n: u8) -> Reason {
        let i = usize::from(n).saturating_sub(1);
        if !self.fresh || i >= self.pool {
            return Reason::Unlearned;
        }
        let row = self.x.row(i);
        let probability = sigmoid(row.dot(&self.weights));
        // The two features that push this number's score up the most.
        let mut strongest: Vec<Contribution> = (1..Feature::ALL.len())
            .map(|j| Contribution {
                feature: Feature::ALL[j],
                value: row[j] * self.weights[j],
            })
            .collect();
        strongest.sort_by(|a, b| b.value.total_cmp(&a.value));
        strongest.truncate(2);
        Reason::Learned {
            probability,
            chance: self.p,
            strongest,
        }
    }
}
