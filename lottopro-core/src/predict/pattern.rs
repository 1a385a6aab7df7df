//! The pattern model: tickets whose pattern features follow past draws.

use rand::RngExt;

use crate::draw::Draw;
use crate::game::GameSpec;
use crate::rng::LottoRng;
use crate::stats::Features;

use super::{Constraint, Model, Predictor, Reason};

/// Weights every number equally and constrains each ticket to the odd and
/// low counts of a past draw chosen at random (so the joint distribution of
/// those counts follows history), to the central 80 % of past sums, and to at
/// most as many consecutive pairs as 90 % of past draws had.
pub(super) struct Pattern {
    pool: u8,
    /// (odd, low) of every observed draw.
    odd_low: Vec<(u8, u8)>,
    /// sums[s]: draws whose numbers summed to s.
    sums: Vec<u32>,
    /// consecutive[k]: draws with k consecutive pairs.
    consecutive: Vec<u32>,
}

impl Pattern {
    pub(super) fn new(game: &GameSpec) -> Pattern {
        Pattern {
            pool: game.pool(),
            odd_low: Vec::new(),
            sums: vec![0; usize::from(game.picks()) * usize::from(game.pool()) + 1],
            consecutive: vec![0; usize::from(game.picks())],
        }
    }

    /// The smallest value whose cumulative share reaches `q`.
    fn quantile(hist: &[u32], q: f64) -> usize {
        let total: u32 = hist.iter().sum();
        let target = q * f64::from(total);
        let mut acc = 0u32;
        for (v, &c) in hist.iter().enumerate() {
            acc += c;
            if f64::from(acc) >= target {
                return v;
            }
        }
        hist.len().saturating_sub(1)
    }

    fn band(&self) -> (u16, u16) {
        let to16 = |v: usize| u16::try_from(v).unwrap_or(u16::MAX);
        (
            to16(Self::quantile(&self.sums, 0.10)),
            to16(Self::quantile(&self.sums, 0.90)),
        )
    }
}

impl Predictor for Pattern {
    fn model(&self) -> Model {
        Model::Pattern
    }
    fn observe(&mut self, draw: &Draw) {
        let f = Features::of(draw.numbers(), self.pool);
        self.odd_low.push((f.odd, f.low));
        if let Some(s) = self.sums.get_mut(usize::from(f.sum)) {
            *s += 1;
        }
        if let Some(c) = self.consecutive.get_mut(usize::from(f.consecutive_pairs)) {
            *c += 1;
        }
    }
    fn weights(&mut self, out: &mut [f64]) {
        out.fill(1.0);
    }
    fn constraint(&self, rng: &mut LottoRng) -> Option<Constraint> {
        if self.odd_low.is_empty() {
            return None;
        }
        let (odd, low) = self.odd_low[rng.random_range(0..self.odd_low.len())];
        Some(Constraint {
            odd: Some(odd),
            low: Some(low),
            sum: Some(self.band()),
            max_consecutive_pairs: Some(
                u8::try_from(Self::quantile(&self.consecutive, 0.90)).unwrap_or(u8::MAX),
            ),
        })
    }
    fn explain(&self, _n: u8) -> Reason {
        let (sum_low, sum_high) = self.band();
        Reason::Pattern {
            draws: self.odd_low.len(),
            sum_low: sum_low.into(),
            sum_high: sum_high.into(),
        }
    }
}
