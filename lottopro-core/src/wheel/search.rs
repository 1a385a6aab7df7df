//! The search for a small cover: a randomised greedy start, then remove a
//! ticket and repair the cover by swapping numbers, within a work budget.

use rand::RngExt;

use super::verify::{for_each_subset, positions};
use super::{Guarantee, MAX_MOVES, MIN_MOVES, MOVES_PER_TARGET};
use crate::odds::binomial;
use crate::rng::LottoRng;

/// The covering search over positions `0..v`; blocks and targets are masks,
/// targets are numbered by their colex rank.
pub(super) struct Cover {
    v: usize,
    k: usize,
    t: usize,
    m: usize,
    targets: usize,
    /// `binom[n][r]` for the colex rank.
    binom: Vec<Vec<u32>>,
}

impl Cover {
    pub(super) fn new(v: usize, k: usize, g: Guarantee) -> Cover {
        let binom: Vec<Vec<u32>> = (0..=v)
            .map(|n| {
                (0..=v)
                    .map(|r| binomial(n as u32, r as u32).map_or(0, |c| c as u32))
                    .collect()
            })
            .collect();
        let m = usize::from(g.m);
        Cover {
            v,
            k,
            t: usize::from(g.t),
            m,
            targets: binom[v][m] as usize,
            binom,
        }
    }

    pub(super) fn rank(&self, mask: u64) -> usize {
        positions(mask)
            .enumerate()
            .map(|(i, p)| self.binom[p][i + 1] as usize)
            .sum()
    }

    pub(super) fn target(&self, mut rank: usize) -> u64 {
        // Colex unranking: the largest position first.
        let mut mask = 0u64;
        let mut p = self.v;
        for i in (1..=self.m).rev() {
            p -= 1;
            while self.binom[p][i] as usize > rank {
                p -= 1;
            }
            rank -= self.binom[p][i] as usize;
            mask |= 1u64 << p;
        }
        mask
    }

    /// Ranks of the targets a block covers: those sharing at least `t`
    /// numbers with it, enumerated as (`i` from the block) ∪ (`m − i` from
    /// outside).
    pub(super) fn covered(&self, block: u64, out: &mut Vec<u32>) {
        out.clear();
        let inside: Vec<usize> = positions(block).collect();
        let outside: Vec<usize> = (0..self.v).filter(|i| block & (1u64 << i) == 0).collect();
        for i in self.t..=self.m.min(inside.len()) {
            if self.m - i > outside.len() {
                continue;
            }
            for_each_subset(inside.len(), i, |a| {
                let a_bits: u64 = positions(a).fold(0, |acc, p| acc | 1u64 << inside[p]);
                for_each_subset(outside.len(), self.m - i, |b| {
                    let bits = positions(b).fold(a_bits, |acc, p| acc | 1u64 << outside[p]);
                    out.push(self.rank(bits) as u32);
                    true
                });
                true
            });
        }
    }

    pub(super) fn random_block_through(&self, target: u64, rng: &mut LottoRng) -> u64 {
        // t numbers of the target, the rest at random.
        let mut order: Vec<usize> = positions(target).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        let mut block = 0u64;
        for &p in order.iter().take(self.t) {
            block |= 1u64 << p;
        }
        while (block.count_ones() as usize) < self.k {
            block |= 1u64 << rng.random_range(0..self.v);
        }
        block
    }

    /// A small cover: randomised greedy, then remove-and-repair.
    pub(super) fn search(&self, rng: &mut LottoRng, work: usize) -> Vec<u64> {
        let mut state = State::new(self.targets);
        let mut buf = Vec::new();
        // Greedy: for a random uncovered target, the best of a few blocks
        // through it.
        let stopped = || crate::cancel::check().is_err();
        while state.uncovered > 0 {
            if stopped() {
                return state.blocks;
            }
            let Some(ti) = state.random_uncovered(rng) else {
                break;
            };
            let target = self.target(ti);
            let mut best = (0usize, 0u64);
            for _ in 0..48 {
                let b = self.random_block_through(target, rng);
                self.covered(b, &mut buf);
                let gain = buf
                    .iter()
                    .filter(|&&i| state.count[i as usize] == 0)
                    .count();
                if gain > best.0 {
                    best = (gain, b);
                }
            }
            self.covered(best.1, &mut buf);
            state.add(best.1, buf.clone());
        }
        state.drop_redundant();
        // Remove one block at a time and repair by local search; keep the
        // last complete cover.
        let mut best = state.blocks.clone();
        let moves = (MOVES_PER_TARGET * self.targets).clamp(MIN_MOVES, MAX_MOVES);
        // No cover is smaller than the targets over the most one block covers.
        let mut one = Vec::new();
        self.covered((1u64 << self.k) - 1, &mut one);
        let bound = self.targets.div_ceil(one.len().max(1));
        let mut budget = work / (5 * one.len().max(1));
        while state.blocks.len() > bound.max(1) && budget > 0 && !stopped() {
            let worst = (0..state.blocks.len())
                .min_by_key(|&i| {
                    state.cover[i]
                        .iter()
                        .filter(|&&x| state.count[x as usize] == 1)
                        .count()
                })
                .unwrap_or(0);
            state.remove(worst);
            if self.repair(&mut state, rng, moves, &mut budget) {
                best = state.blocks.clone();
            } else {
                break;
            }
        }
        self.without_redundant(best)
    }

    /// `blocks` without repeats and without blocks every target of which
    /// another block also covers (the local search can leave either).
    pub(super) fn without_redundant(&self, mut blocks: Vec<u64>) -> Vec<u64> {
        blocks.sort_unstable();
        blocks.dedup();
        let mut state = State::new(self.targets);
        for b in blocks {
            let mut cover = Vec::new();
            self.covered(b, &mut cover);
            state.add(b, cover);
        }
        state.drop_redundant();
        state.blocks.sort_unstable();
        state.blocks
    }

    /// Local search: move one number of a block at a time until every
    /// target is covered or the move budget runs out.
    pub(super) fn repair(
        &self,
        state: &mut State,
        rng: &mut LottoRng,
        moves: usize,
        budget: &mut usize,
    ) -> bool {
        let mut mark = vec![0u32; self.targets];
        let mut stamp = 0u32;
        let mut candidate = Vec::new();
        let moves = moves.min(*budget);
        for step in 0..moves {
            *budget -= 1;
            let Some(ti) = state.random_uncovered(rng) else {
                return true;
            };
            let target = self.target(ti);
            // Moving one number of a random block into the target; the best
            // of a few such moves.
            let mut best: Option<(i64, usize, u64, Vec<u32>)> = None;
            for _ in 0..4 {
                let bi = rng.random_range(0..state.blocks.len());
                let b = state.blocks[bi];
                let need: Vec<usize> = positions(target & !b).collect();
                let can_drop: Vec<usize> = positions(b & !target).collect();
                if need.is_empty() || can_drop.is_empty() {
                    continue;
                }
                let add = need[rng.random_range(0..need.len())];
                let drop = can_drop[rng.random_range(0..can_drop.len())];
                let nb = (b & !(1u64 << drop)) | (1u64 << add);
                self.covered(nb, &mut candidate);
                stamp += 1;
                for &x in &candidate {
                    mark[x as usize] = stamp;
                }
                let lost = state.cover[bi]
                    .iter()
                    .filter(|&&x| state.count[x as usize] == 1 && mark[x as usize] != stamp)
                    .count() as i64;
                let gained = candidate
                    .iter()
                    .filter(|&&x| state.count[x as usize] == 0)
                    .count() as i64;
                let delta = gained - lost;
                if best.as_ref().is_none_or(|(d, ..)| delta > *d) {
                    best = Some((delta, bi, nb, candidate.clone()));
                }
            }
            let Some((delta, bi, nb, cover)) = best else {
                continue;
            };
            // Improvements always; worse moves now and then, less often as
            // the budget runs out (simulated annealing).
            let temperature = 2.0 * (1.0 - step as f64 / moves as f64);
            if delta < 0 && rng.random::<f64>() >= (delta as f64 / temperature.max(1e-3)).exp() {
                continue;
            }
            state.replace(bi, nb, cover);
        }
        state.uncovered == 0
    }
}

/// Blocks of a cover, what each covers, and how often each target is covered.
pub(super) struct State {
    count: Vec<u32>,
    uncovered: usize,
    blocks: Vec<u64>,
    cover: Vec<Vec<u32>>,
}

impl State {
    pub(super) fn new(targets: usize) -> State {
        State {
            count: vec![0; targets],
            uncovered: targets,
            blocks: Vec::new(),
            cover: Vec::new(),
        }
    }

    /// Drops blocks every target of which another block also covers.
    pub(super) fn drop_redundant(&mut self) {
        let mut i = 0;
        while i < self.blocks.len() {
            if self.cover[i].iter().all(|&x| self.count[x as usize] >= 2) {
                self.remove(i);
            } else {
                i += 1;
            }
        }
    }

    pub(super) fn add(&mut self, block: u64, cover: Vec<u32>) {
        for &x in &cover {
            if self.count[x as usize] == 0 {
                self.uncovered -= 1;
            }
            self.count[x as usize] += 1;
        }
        self.blocks.push(block);
        self.cover.push(cover);
    }

    pub(super) fn remove(&mut self, i: usize) {
        for &x in &self.cover[i] {
            self.count[x as usize] -= 1;
            if self.count[x as usize] == 0 {
                self.uncovered += 1;
            }
        }
        self.blocks.swap_remove(i);
        self.cover.swap_remove(i);
    }

    pub(super) fn replace(&mut self, i: usize, block: u64, cover: Vec<u32>) {
        self.remove(i);
        self.add(block, cover);
        let last = self.blocks.len() - 1;
        self.blocks.swap(i, last);
        self.cover.swap(i, last);
    }

    pub(super) fn random_uncovered(&self, rng: &mut LottoRng) -> Option<usize> {
        if self.uncovered == 0 {
            return None;
        }
        let n = self.count.len();
        let start = rng.random_range(0..n);
        (0..n)
            .map(|i| (start + i) % n)
            .find(|&i| self.count[i] == 0)
    }
}
