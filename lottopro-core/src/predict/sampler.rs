//! The one sampler that turns per-number weights into tickets.
//!
//! Every model only produces weights (and, for `pattern`, a [`Constraint`]
//! on whole combinations); this sampler honours the user's `include` numbers
//! (in every ticket) and `exclude` numbers (in none), draws the remaining
//! numbers by weighted sampling without replacement, and keeps the tickets of
//! one request distinct. Second-pool numbers (Powerball, EuroMillions) are
//! drawn uniformly: the models describe the main pool only.

use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::game::{BonusRule, GameSpec, check_numbers};
use crate::odds::binomial;
use crate::predict::Predictor;
use crate::rng::LottoRng;
use crate::stats::Features;
use crate::ticket::{NumberSet, Ticket};

/// The most tickets one request may ask for.
pub const MAX_TICKETS: usize = 100;

/// Candidates tried per ticket before the closest one to a constraint is taken.
const CONSTRAINT_ATTEMPTS: usize = 2_000;

/// A condition on a whole combination's pattern features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Constraint {
    /// Exact count of odd numbers, if required.
    pub odd: Option<u8>,
    /// Exact count of low numbers (1..=pool/2), if required.
    pub low: Option<u8>,
    /// Inclusive range the sum must fall in.
    pub sum: Option<(u16, u16)>,
    /// At most this many pairs of consecutive numbers.
    pub max_consecutive_pairs: Option<u8>,
}

impl Constraint {
    /// How far `f` is from satisfying the constraint; 0 when it does.
    pub fn distance(&self, f: &Features) -> u32 {
        let off = |want: Option<u8>, got: u8| want.map_or(0, |w| u32::from(w.abs_diff(got)));
        let sum = self.sum.map_or(0, |(lo, hi)| {
            if f.sum < lo {
                u32::from(lo - f.sum).div_ceil(10)
            } else if f.sum > hi {
                u32::from(f.sum - hi).div_ceil(10)
            } else {
                0
            }
        });
        let consecutive = self
            .max_consecutive_pairs
            .map_or(0, |m| u32::from(f.consecutive_pairs.saturating_sub(m)));
        off(self.odd, f.odd) + off(self.low, f.low) + sum + consecutive
    }
}

/// The validated parameters of a ticket request; see the module docs.
#[derive(Debug, Clone)]
pub struct Sampler {
    pool: u8,
    picks: u8,
    second_pool: Option<(u8, u8)>,
    include: NumberSet,
    /// Numbers the sampler may choose from: neither included nor excluded.
    free: Vec<u8>,
    /// The free numbers split by (odd, low): [odd∧low, odd∧high, even∧low, even∧high].
    cells: [Vec<u8>; 4],
    /// Odd and low numbers among the includes.
    include_odd: u8,
    include_low: u8,
    /// How many distinct tickets the includes and excludes allow.
    distinct: u128,
}

impl Sampler {
    /// Validates `include`, `exclude` and `count` for `game`: numbers in range
    /// and distinct, the two lists disjoint, no more includes than a ticket
    /// holds, enough numbers left after the excludes, `count` in
    /// `1..=MAX_TICKETS`. A `count` above the distinct tickets the numbers
    /// allow is not an error: [`Sampler::tickets`] returns every one of them
    /// (see [`Sampler::distinct`]), so the rule a request must satisfy is one
    /// a schema can state field by field.
    pub fn new(game: &GameSpec, include: &[u8], exclude: &[u8], count: usize) -> Result<Sampler> {
        let (pool, picks) = (game.pool(), game.picks());
        if include.len() > usize::from(picks) {
            return Err(Error::invalid(
                "include",
                format!(
                    "{} numbers given but a ticket holds only {picks}",
                    include.len()
                ),
            ));
        }
        check_numbers(include, include.len() as u8, pool, "include")?;
        if exclude.len() >= usize::from(pool) {
            return Err(Error::invalid(
                "exclude",
                format!(
                    "{} numbers leave none of the {pool} to choose",
                    exclude.len()
                ),
            ));
        }
        check_numbers(exclude, exclude.len() as u8, pool, "exclude")?;
        let inc = NumberSet::from_numbers(include);
        let exc = NumberSet::from_numbers(exclude);
        if let Some(n) = inc.intersection(exc).iter().next() {
            return Err(Error::invalid("exclude", format!("{n} is also in include")));
        }
        let free: Vec<u8> = (1..=pool)
            .filter(|n| !inc.contains(*n) && !exc.contains(*n))
            .collect();
        let need = usize::from(picks) - include.len();
        if free.len() < need {
            return Err(Error::invalid(
                "exclude",
                format!(
                    "leaves {} numbers to choose from but each ticket needs {need} more besides the includes",
                    free.len()
                ),
            ));
        }
        if count == 0 {
            return Err(Error::invalid("count", "must be at least 1"));
        }
        if count > MAX_TICKETS {
            return Err(Error::Limit {
                field: "count".into(),
                value: count as u64,
                limit: MAX_TICKETS as u64,
            });
        }
        let second_pool = match game.bonus() {
            BonusRule::SecondPool { pool, picks } => Some((pool, picks)),
            _ => None,
        };
        let distinct = binomial(free.len() as u32, need as u32)
            .unwrap_or(u128::MAX)
            .saturating_mul(second_pool.map_or(1, |(p, k)| {
                binomial(u32::from(p), u32::from(k)).unwrap_or(u128::MAX)
            }));
        let low_max = pool / 2;
        let mut cells: [Vec<u8>; 4] = Default::default();
        for &n in &free {
            cells[cell_of(n, low_max)].push(n);
        }
        Ok(Sampler {
            pool,
            picks,
            second_pool,
            include: inc,
            free,
            cells,
            include_odd: inc.iter().filter(|n| n % 2 == 1).count() as u8,
            include_low: inc.iter().filter(|n| *n <= low_max).count() as u8,
            distinct,
        })
    }

    /// How many distinct tickets the includes and excludes allow; a request
    /// for more gets this many.
    pub fn distinct(&self) -> u128 {
        self.distinct
    }

    /// The included numbers.
    pub fn include(&self) -> NumberSet {
        self.include
    }

    /// `count` distinct tickets (or all [`Sampler::distinct`] ones, when
    /// fewer) drawn with `weights[n]` (index 0 unused) for
    /// the free numbers, each passing `predictor`'s constraint where
    /// possible. A predictor that ranks whole tickets
    /// ([`Predictor::candidates`] > 1) gets that many candidates per ticket
    /// and the best by [`Predictor::score`] is kept.
    pub fn tickets(
        &self,
        game: &GameSpec,
        weights: &[f64],
        predictor: &dyn Predictor,
        count: usize,
        rng: &mut LottoRng,
    ) -> Result<Vec<(Ticket, Option<Constraint>)>> {
        let count = usize::try_from(self.distinct).map_or(count, |d| count.min(d));
        let candidates = predictor.candidates().max(1);
        let mut out: Vec<(Ticket, Option<Constraint>)> = Vec::with_capacity(count);
        let mut duplicates = 0usize;
        while out.len() < count {
            // When the weights or the constraint keep giving tickets we already
            // have (a tiny ticket space), finish with uniform, unconstrained
            // tickets; such tickets record no constraint.
            let relaxed = duplicates > 10 * count;
            let c = if relaxed {
                None
            } else {
                predictor.constraint(rng)
            };
            let main = match &c {
                Some(c) => self.constrained(weights, c, rng),
                None if candidates > 1 && !relaxed => {
                    let mut best = self.weighted(weights, false, rng);
                    let mut best_score = predictor.score(best);
                    for _ in 1..candidates {
                        let t = self.weighted(weights, false, rng);
                        let s = predictor.score(t);
                        if s > best_score {
                            (best, best_score) = (t, s);
                        }
                    }
                    best
                }
                None => self.weighted(weights, relaxed, rng),
            };
            let extra = self.second(rng);
            let ticket = Ticket::new(game, &main.to_vec(), &extra.to_vec())?;
            if out.iter().any(|(t, _)| *t == ticket) {
                duplicates += 1;
                if duplicates > 10_000 * count {
                    return Err(Error::invalid(
                        "count",
                        format!("could not find {count} distinct tickets"),
                    ));
                }
            } else {
                out.push((ticket, c));
            }
        }
        Ok(out)
    }

    /// A ticket passing `c` where one can be found in `CONSTRAINT_ATTEMPTS`
    /// tries, else the closest one tried. Exact odd and low counts are met by
    /// construction (see [`Sampler::cell_counts`]); only the sum band and the
    /// consecutive-pair limit are left to rejection.
    fn constrained(&self, weights: &[f64], c: &Constraint, rng: &mut LottoRng) -> NumberSet {
        let mut best = (u32::MAX, NumberSet::EMPTY);
        for _ in 0..CONSTRAINT_ATTEMPTS {
            let t = match self.cell_counts(c, rng) {
                Some(counts) => self
                    .cells
                    .iter()
                    .zip(counts)
                    .fold(self.include, |set, (cell, k)| {
                        set.union(pick_weighted(cell, k, weights, false, rng))
                    }),
                None => self.weighted(weights, false, rng),
            };
            let d = c.distance(&Features::of(t, self.pool));
            if d < best.0 {
                best = (d, t);
                if d == 0 {
                    break;
                }
            }
        }
        best.1
    }

    /// How many free numbers to take from each (odd, low) cell so that the
    /// ticket has exactly `c.odd` odd and `c.low` low numbers, drawn with the
    /// probability a uniformly random ticket with those counts would have:
    /// with `a` numbers from the odd∧low cell the other counts follow, and
    /// `P(a) ∝ C(|OL|, a)·C(|OH|, odd−a)·C(|EL|, low−a)·C(|EH|, rest)`.
    /// `None` when the constraint fixes neither count or cannot be met.
    fn cell_counts(&self, c: &Constraint, rng: &mut LottoRng) -> Option<[usize; 4]> {
        let (odd, low) = (c.odd?, c.low?);
        let k = i64::from(self.picks) - i64::from(self.include.len() as u8);
        let need_odd = i64::from(odd) - i64::from(self.include_odd);
        let need_low = i64::from(low) - i64::from(self.include_low);
        let sizes = self.cells.each_ref().map(|v| v.len() as i64);
        let mut options: Vec<([usize; 4], f64)> = Vec::new();
        for a in 0..=k {
            let counts = [a, need_odd - a, need_low - a, k - need_odd - need_low + a];
            if counts
                .iter()
                .zip(&sizes)
                .any(|(&n, &size)| n < 0 || n > size)
            {
                continue;
            }
            let ways: f64 = counts
                .iter()
                .zip(&sizes)
                .map(|(&n, &size)| binomial(size as u32, n as u32).map_or(0.0, |b| b as f64))
                .product();
            options.push((counts.map(|n| n as usize), ways));
        }
        let total: f64 = options.iter().map(|o| o.1).sum();
        if total <= 0.0 {
            return None;
        }
        let mut r = rng.random::<f64>() * total;
        for (counts, ways) in &options {
            if r < *ways {
                return Some(*counts);
            }
            r -= ways;
        }
        options.last().map(|o| o.0)
    }

    /// Weighted sampling without replacement of the numbers not included.
    fn weighted(&self, weights: &[f64], uniform: bool, rng: &mut LottoRng) -> NumberSet {
        let need = usize::from(self.picks) - self.include.len() as usize;
        self.include
            .union(pick_weighted(&self.free, need, weights, uniform, rng))
    }

    fn second(&self, rng: &mut LottoRng) -> NumberSet {
        let Some((pool, picks)) = self.second_pool else {
            return NumberSet::EMPTY;
        };
        let mut set = NumberSet::EMPTY;
        while set.len() < u32::from(picks) {
            set = set.union(NumberSet::from_numbers(&[rng.random_range(1..=pool)]));
        }
        set
    }
}

/// Index of `n`'s cell: [odd∧low, odd∧high, even∧low, even∧high].
fn cell_of(n: u8, low_max: u8) -> usize {
    usize::from(n.is_multiple_of(2)) * 2 + usize::from(n > low_max)
}

/// `count` numbers of `from`, by weighted sampling without replacement with
/// `weights[n]` (all equal when `uniform`). Non-finite or non-positive
/// weights count as tiny, never as zero, so every number stays possible.
fn pick_weighted(
    from: &[u8],
    count: usize,
    weights: &[f64],
    uniform: bool,
    rng: &mut LottoRng,
) -> NumberSet {
    let mut w: [f64; 128] = [0.0; 128];
    let mut total = 0.0;
    for &n in from {
        let x = if uniform {
            1.0
        } else {
            weights.get(usize::from(n)).copied().unwrap_or(0.0)
        };
        let x = if x.is_finite() && x > 0.0 { x } else { 1e-12 };
        w[usize::from(n)] = x;
        total += x;
    }
    let mut set = NumberSet::EMPTY;
    for _ in 0..count.min(from.len()) {
        let mut r = rng.random::<f64>() * total;
        let mut chosen = 0u8;
        for &n in from {
            let x = w[usize::from(n)];
            if x == 0.0 {
                continue;
            }
            chosen = n;
            if r < x {
                break;
            }
            r -= x;
        }
        total -= w[usize::from(chosen)];
        w[usize::from(chosen)] = 0.0;
        set = set.union(NumberSet::from_numbers(&[chosen]));
    }
    set
}
