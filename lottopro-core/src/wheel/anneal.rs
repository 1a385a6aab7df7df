//! Simulated annealing for covering designs C(v, k, t), in the manner of
//! Nurmela and Östergård (1993): the number of blocks is fixed, the cost is
//! the number of `t`-sets no block contains, and a move takes an uncovered
//! `t`-set `T` and a block meeting it in `t − 1` points, and swaps one of the
//! block's other points for the point of `T` it lacks.
//!
//! This is the offline search behind the shipped table (`data/wheels/`, see
//! [`super::table`]); it never runs inside a request or the test suite. The
//! program that drives it is `examples/wheel_search.rs`
//! (`scripts/wheel-search`).

use rand::RngExt;

/// Candidate moves compared per step.
const BEST_OF: usize = 4;

use super::verify::{for_each_subset, positions};
use crate::odds::binomial;
use crate::rng::{self, LottoRng};

/// The state of one annealing run: blocks, how often each `t`-set is
/// covered, and the uncovered ones in a list with O(1) removal.
struct Anneal {
    t: usize,
    /// `binom[n][r]`, for the colex rank.
    binom: Vec<Vec<u32>>,
    /// Every `t`-set by colex rank.
    tsets: Vec<u64>,
    blocks: Vec<u64>,
    count: Vec<u16>,
    uncovered: Vec<u32>,
    /// Index of a `t`-set in `uncovered`, or `u32::MAX`.
    at: Vec<u32>,
}

impl Anneal {
    fn new(v: usize, k: usize, t: usize, blocks: Vec<u64>) -> Anneal {
        let binom: Vec<Vec<u32>> = (0..=v)
            .map(|n| {
                (0..=v.max(k))
                    .map(|r| binomial(n as u32, r as u32).map_or(0, |c| c as u32))
                    .collect()
            })
            .collect();
        let mut tsets = Vec::with_capacity(binom[v][t] as usize);
        for_each_subset(v, t, |s| {
            tsets.push(s);
            true
        });
        let n = tsets.len();
        let mut a = Anneal {
            t,
            binom,
            tsets,
            blocks: Vec::new(),
            count: vec![0; n],
            uncovered: (0..n as u32).collect(),
            at: (0..n as u32).collect(),
        };
        for b in blocks {
            a.blocks.push(b);
            a.each_tset(b, 0, |a, r| a.inc(r));
        }
        a
    }

    fn rank(&self, mut mask: u64) -> usize {
        let mut r = 0;
        let mut i = 1;
        while mask != 0 {
            r += self.binom[mask.trailing_zeros() as usize][i] as usize;
            mask &= mask - 1;
            i += 1;
        }
        r
    }

    /// Calls `f` with the rank of every `t`-subset of `block` that contains
    /// all of `must` (a subset of `block`).
    fn each_tset(&mut self, block: u64, must: u64, mut f: impl FnMut(&mut Anneal, usize)) {
        let mut rest = [0usize; 64];
        let mut n = 0;
        for p in positions(block & !must) {
            rest[n] = p;
            n += 1;
        }
        let need = self.t - must.count_ones() as usize;
        for_each_subset(n, need, |s| {
            let mut mask = must;
            let mut bits = s;
            while bits != 0 {
                mask |= 1u64 << rest[bits.trailing_zeros() as usize];
                bits &= bits - 1;
            }
            let r = self.rank(mask);
            f(self, r);
            true
        });
    }

    fn inc(&mut self, r: usize) {
        if self.count[r] == 0 {
            let i = self.at[r] as usize;
            let last = self.uncovered[self.uncovered.len() - 1];
            self.uncovered[i] = last;
            self.at[last as usize] = i as u32;
            self.uncovered.pop();
            self.at[r] = u32::MAX;
        }
        self.count[r] += 1;
    }

    fn dec(&mut self, r: usize) {
        self.count[r] -= 1;
        if self.count[r] == 0 {
            self.at[r] = self.uncovered.len() as u32;
            self.uncovered.push(r as u32);
        }
    }

    /// Uncovered `t`-sets after replacing `x` by `y` in block `i`, minus
    /// those before.
    fn delta(&mut self, i: usize, x: usize, y: usize) -> i64 {
        let b = self.blocks[i];
        let mut lost = 0i64;
        self.each_tset(b, 1 << x, |a, r| lost += i64::from(a.count[r] == 1));
        let nb = (b & !(1u64 << x)) | 1u64 << y;
        let mut gained = 0i64;
        self.each_tset(nb, 1 << y, |a, r| gained += i64::from(a.count[r] == 0));
        lost - gained
    }

    fn apply(&mut self, i: usize, x: usize, y: usize) {
        let b = self.blocks[i];
        self.each_tset(b, 1 << x, |a, r| a.dec(r));
        let nb = (b & !(1u64 << x)) | 1u64 << y;
        self.each_tset(nb, 1 << y, |a, r| a.inc(r));
        self.blocks[i] = nb;
    }
}

/// Looks for a covering of every `t`-subset of `0..v` by exactly `b` blocks
/// of `k` points, starting from `start` (its first `b` blocks, filled up at
/// random) and annealing for at most `steps` moves from temperature
/// `t0` down to a hundredth of it. Returns the blocks (bit masks over
/// `0..v`) when every `t`-set is covered.
pub fn anneal_cover(
    (v, k, t): (usize, usize, usize),
    b: usize,
    start: &[u64],
    seed: u64,
    steps: u64,
    t0: f64,
) -> Option<Vec<u64>> {
    if v > 63 || t == 0 || t > k || k > v || b == 0 {
        return None;
    }
    let mut rng = rng::seeded(seed);
    let mut blocks: Vec<u64> = start.iter().copied().take(b).collect();
    while blocks.len() < b {
        blocks.push(random_block(v, k, &mut rng));
    }
    let mut a = Anneal::new(v, k, t, blocks);
    let cool = (0.01f64).powf(1.0 / steps.max(1) as f64);
    let mut temp = t0;
    let mut moves: Vec<(usize, usize, usize)> = Vec::new();
    for _ in 0..steps {
        if a.uncovered.is_empty() {
            return Some(a.blocks);
        }
        temp *= cool;
        let target = a.tsets[a.uncovered[rng.random_range(0..a.uncovered.len())] as usize];
        moves.clear();
        for (i, &blk) in a.blocks.iter().enumerate() {
            if (blk & target).count_ones() as usize == a.t - 1 {
                let y = (target & !blk).trailing_zeros() as usize;
                moves.extend(positions(blk & !target).map(|x| (i, x, y)));
            }
        }
        // The best of a few candidate moves (ties at random), then the
        // annealing test on it: faster descent than one random neighbour.
        if moves.len() > BEST_OF {
            for j in 0..BEST_OF {
                let r = rng.random_range(j..moves.len());
                moves.swap(j, r);
            }
            moves.truncate(BEST_OF);
        }
        let mut best: Option<((usize, usize, usize), i64)> = None;
        for &(i, x, y) in &moves {
            let d = a.delta(i, x, y);
            if best.is_none_or(|(_, bd)| d < bd) {
                best = Some(((i, x, y), d));
            }
        }
        let ((i, x, y), d) = if let Some(b) = best {
            b
        } else {
            let i = rng.random_range(0..a.blocks.len());
            let blk = a.blocks[i];
            let ys: Vec<usize> = positions(target & !blk).collect();
            let xs: Vec<usize> = positions(blk & !target).collect();
            let (x, y) = (
                xs[rng.random_range(0..xs.len())],
                ys[rng.random_range(0..ys.len())],
            );
            ((i, x, y), a.delta(i, x, y))
        };
        if d <= 0 || rng.random::<f64>() < (-(d as f64) / temp).exp() {
            a.apply(i, x, y);
        }
    }
    a.uncovered.is_empty().then_some(a.blocks)
}

fn random_block(v: usize, k: usize, rng: &mut LottoRng) -> u64 {
    let mut b = 0u64;
    while (b.count_ones() as usize) < k {
        b |= 1u64 << rng.random_range(0..v);
    }
    b
}

/// The Schönheim lower bound L(v, k, t) = ⌈v/k ⌈(v−1)/(k−1) … ⌉⌉ on the
/// size of any covering: no design can be smaller.
pub fn schonheim(v: u32, k: u32, t: u32) -> u64 {
    if t == 0 {
        return 1;
    }
    if k == 0 || v < k {
        return 0;
    }
    let inner = schonheim(v - 1, k - 1, t - 1);
    (u64::from(v) * inner).div_ceil(u64::from(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schonheim_matches_known_values() {
        // C(22,6,3) = 77 is met by the Steiner system S(3,6,22); C(7,6,5) = 6.
        assert_eq!(schonheim(22, 6, 3), 77);
        assert_eq!(schonheim(7, 6, 5), 6);
        assert_eq!(schonheim(12, 6, 3), 14);
    }

    #[test]
    fn annealing_finds_a_small_cover_and_it_covers() {
        // C(10,6,3) = 10 (La Jolla Covering Repository).
        let blocks = anneal_cover((10, 6, 3), 10, &[], 5, 200_000, 1.0).expect("a cover");
        assert_eq!(blocks.len(), 10);
        for_each_subset(10, 3, |s| {
            assert!(blocks.iter().any(|b| b & s == s), "{s:b}");
            true
        });
        // Fewer blocks than the Schönheim bound: impossible, so not found.
        assert!(anneal_cover((10, 6, 3), 6, &[], 5, 20_000, 1.0).is_none());
    }
}
