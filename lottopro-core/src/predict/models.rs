//! The frequency, trend, statistical and random models.

use crate::draw::Draw;
use crate::game::GameSpec;

use super::{Model, Predictor, Reason};

/// Long-run frequency, with one added to every count (so a history without
/// draws gives equal weights).
pub(super) struct Frequency {
    counts: Vec<u64>,
    draws: u64,
    p: f64,
}

impl Frequency {
    pub(super) fn new(game: &GameSpec) -> Frequency {
        Frequency {
            counts: vec![0; usize::from(game.pool()) + 1],
            draws: 0,
            p: f64::from(game.picks()) / f64::from(game.pool()),
        }
    }
}

impl Predictor for Frequency {
    fn model(&self) -> Model {
        Model::Frequency
    }
    fn observe(&mut self, draw: &Draw) {
        self.draws += 1;
        for n in draw.numbers().iter() {
            self.counts[usize::from(n)] += 1;
        }
    }
    fn weights(&mut self, out: &mut [f64]) {
        for (w, c) in out.iter_mut().zip(&self.counts) {
            *w = *c as f64 + 1.0;
        }
    }
    fn explain(&self, n: u8) -> Reason {
        Reason::Frequency {
            count: self.counts[usize::from(n)],
            draws: self.draws as usize,
            expected: self.draws as f64 * self.p,
        }
    }
}

/// Half-life of the trend model, in draws.
const TREND_HALF_LIFE: f64 = 10.0;

/// Exponentially decayed counts: a draw `h` draws ago counts `0.5^(h/10)`.
/// The prior adds the steady-state expectation `p / (1 − λ)` to every number,
/// so one recent appearance tilts the weights without dominating them.
pub(super) struct Trend {
    scores: Vec<f64>,
    decay: f64,
    prior: f64,
}

impl Trend {
    pub(super) fn new(game: &GameSpec) -> Trend {
        let decay = 0.5f64.powf(1.0 / TREND_HALF_LIFE);
        let p = f64::from(game.picks()) / f64::from(game.pool());
        Trend {
            scores: vec![0.0; usize::from(game.pool()) + 1],
            decay,
            prior: p / (1.0 - decay),
        }
    }
}

impl Predictor for Trend {
    fn model(&self) -> Model {
        Model::Trend
    }
    fn observe(&mut self, draw: &Draw) {
        for s in &mut self.scores {
            *s *= self.decay;
        }
        for n in draw.numbers().iter() {
            self.scores[usize::from(n)] += 1.0;
        }
    }
    fn weights(&mut self, out: &mut [f64]) {
        for (w, s) in out.iter_mut().zip(&self.scores) {
            *w = s + self.prior;
        }
    }
    fn explain(&self, n: u8) -> Reason {
        Reason::Trend {
            score: self.scores[usize::from(n)],
            half_life: TREND_HALF_LIFE,
            expected: self.prior,
        }
    }
}

/// Draws over which the statistical model measures a frequency deficit.
const DEFICIT_WINDOW: usize = 100;

/// "Due numbers": numbers that have been away longer than the geometric
/// expectation, or drawn less than expected lately, get more weight:
/// `w = exp((z_gap + z_deficit) / 2)`.
pub(super) struct Statistical {
    /// Draws since each number was last drawn (all draws if never).
    gaps: Vec<u64>,
    /// Counts within the last `DEFICIT_WINDOW` draws.
    window_counts: Vec<u64>,
    /// The main numbers of the last `DEFICIT_WINDOW` draws, oldest first.
    recent: std::collections::VecDeque<crate::ticket::NumberSet>,
    p: f64,
}

impl Statistical {
    pub(super) fn new(game: &GameSpec) -> Statistical {
        let len = usize::from(game.pool()) + 1;
        Statistical {
            gaps: vec![0; len],
            window_counts: vec![0; len],
            recent: std::collections::VecDeque::with_capacity(DEFICIT_WINDOW + 1),
            p: f64::from(game.picks()) / f64::from(game.pool()),
        }
    }

    fn z_scores(&self, n: usize) -> (f64, f64) {
        let p = self.p;
        // Gap ~ geometric: mean (1−p)/p, sd √(1−p)/p.
        let z_gap = (self.gaps[n] as f64 - (1.0 - p) / p) / ((1.0 - p).sqrt() / p);
        let w = self.recent.len() as f64;
        let sd = (w * p * (1.0 - p)).sqrt();
        let z_deficit = if sd > 0.0 {
            (w * p - self.window_counts[n] as f64) / sd
        } else {
            0.0
        };
        (z_gap, z_deficit)
    }
}

impl Predictor for Statistical {
    fn model(&self) -> Model {
        Model::Statistical
    }
    fn observe(&mut self, draw: &Draw) {
        let set = draw.numbers();
        for (n, g) in self.gaps.iter_mut().enumerate().skip(1) {
            *g = if set.contains(n as u8) { 0 } else { *g + 1 };
        }
        for n in set.iter() {
            self.window_counts[usize::from(n)] += 1;
        }
        self.recent.push_back(set);
        if self.recent.len() > DEFICIT_WINDOW
            && let Some(old) = self.recent.pop_front()
        {
            for n in old.iter() {
                self.window_counts[usize::from(n)] -= 1;
            }
        }
    }
    fn weights(&mut self, out: &mut [f64]) {
        for (n, w) in out.iter_mut().enumerate().skip(1) {
            let (zg, zd) = self.z_scores(n);
            // Clamped so one extreme gap cannot take over the whole ticket.
            *w = ((zg + zd) / 2.0).clamp(-6.0, 6.0).exp();
        }
    }
    fn explain(&self, n: u8) -> Reason {
        let (gap_z, deficit_z) = self.z_scores(usize::from(n));
        Reason::Due {
            gap: self.gaps[usize::from(n)],
            gap_z,
            recent: self.window_counts[usize::from(n)],
            window: self.recent.len(),
            deficit_z,
        }
    }
}

/// Equal weights: the control every other model is compared with.
pub(super) struct Uniform;

impl Uniform {
    pub(super) fn new(_game: &GameSpec) -> Uniform {
        Uniform
    }
}

impl Predictor for Uniform {
    fn model(&self) -> Model {
        Model::Random
    }
    fn observe(&mut self, _draw: &Draw) {}
    fn weights(&mut self, out: &mut [f64]) {
        out.fill(1.0);
    }
    fn explain(&self, _n: u8) -> Reason {
        Reason::Uniform
    }
}
