//! Popularity-weighted wheels: the same design with your numbers
//! relabelled, so that its tickets are combinations other players avoid.
//!
//! A wheel's guarantee and how often it wins depend only on which of your
//! numbers share a ticket, never on which number is which. A relabelling
//! (a permutation of your numbers applied to every ticket) maps each draw's
//! meeting with your numbers onto another of the same size, one to one, and
//! every ticket's matches in the one onto its image's in the other; so the
//! guarantee still holds in every draw it covers, and every prize is won in
//! as many draws as before.
//!
//! What changes is the combinations, and so how many other players the
//! popularity model expects to share each prize. Among the relabellings a
//! local search keeps the one whose tickets carry the most expected value
//! under the model (the value of one ticket is
//! [`Popularity::ticket`]'s `ev_per_ticket`, the same rule): pairwise swaps
//! of two numbers while one gains, from the plain labelling and from
//! `RESTARTS` random ones, seeded, and within `WORK` ticket valuations,
//! so the same request gives the same wheel. The shipped table holds one
//! design per size and guarantee, so relabellings are all there is to
//! choose among at the same size.
//!
//! The gain is against the plain design (the wheel as built: the blocks on
//! your numbers in ascending order) at the model's estimates, and its 95 %
//! interval is that of the difference, both designs valued under each of
//! the model's bootstrap parameter sets (see
//! [`popularity`](crate::popularity)). The relabelling is chosen at the
//! estimates, where its gain is therefore a little flattered; the interval
//! says how much of it holds when the parameters move. The first model has
//! no bootstrap, and its interval is the estimate alone.

use std::collections::HashMap;

use serde::Serialize;

use super::verify::positions;
use super::{Wheel, check_game};
use crate::error::{Error, Result};
use crate::game::{GameSpec, check_numbers};
use crate::money::Money;
use crate::popularity::{Estimate, Popularity, Valuation, estimate};
use crate::rng;
use crate::ticket::NumberSet;

/// Random starting labellings besides the plain one.
const RESTARTS: usize = 8;

/// Ticket valuations the search may make in all (a memo answers repeats):
/// a 12-number wheel converges long before it (20–30 ms, optimised core),
/// and the full-pool design (143 tickets over 45 numbers) stops at it
/// after about a second.
const WORK: u64 = 400_000;

/// The memo is emptied when it holds this many combinations (a full-pool
/// design meets few twice).
const MEMO_CAP: usize = 200_000;

/// The note a weighted wheel carries.
pub(super) const NOTE: &str = "A popularity-weighted wheel is the same design with your numbers relabelled: \
                        the same guarantee, every prize won exactly as often; only how many other \
                        players the model expects to share a prize differs.";

/// What weighting a wheel by popularity gained; see [`Wheel::weighted`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct WheelPopularity {
    /// Expected value of one of this wheel's tickets under the model,
    /// before tax, in won (the mean over its tickets).
    pub ev_per_ticket: f64,
    /// The same for the plain design: the same blocks on the numbers in
    /// ascending order.
    pub plain_ev_per_ticket: f64,
    /// How much more a ticket of this wheel is worth than one of the plain
    /// design, with the 95 % interval of that difference over the model's
    /// bootstrap parameter sets (both designs valued under each).
    pub gain_per_ticket: Estimate,
    /// The same for the whole wheel.
    pub gain_per_wheel: Estimate,
    /// The draw's assumed sales.
    pub sales: Money,
    /// Relabellings the search valued (a swap is one).
    pub relabellings_tried: u64,
    /// The seed of the search.
    pub seed: u64,
    /// Which popularity model valued it (`second` or `first`).
    pub model: &'static str,
}

impl Wheel {
    /// This wheel with its numbers relabelled so that its tickets carry the
    /// most expected value under `model` in a draw with `sales`: the
    /// guarantee verified again, every prize won exactly as often, and
    /// `popularity` saying what it gained over this wheel. A relabelling
    /// maps each draw's meeting with your numbers onto another of the same
    /// size, one to one, with every ticket's matches, so neither the
    /// guarantee nor any chance of winning can change; only the
    /// combinations, and so the co-winners the model expects, do. Seeded:
    /// the same arguments give the same wheel. Fails, naming the field, when
    /// the model or the wheel is not of `game` (or a ticket holds a number
    /// the wheel does not), or `sales` is 0.
    ///
    /// ```
    /// use lottopro_core::{GameSpec, Guarantee, Money, Wheel, popularity::Popularity};
    /// let game = GameSpec::kr645();
    /// let plain = Wheel::build(&game, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], Guarantee { t: 3, m: 3 }, 1)?;
    /// let model = Popularity::uniform(&game)?; // a fitted model in practice
    /// let sales = Money::new(120_000_000_000, "sales")?;
    /// let weighted = plain.weighted(&game, &model, sales, 1)?;
    /// assert_eq!(weighted.tickets.len(), plain.tickets.len());
    /// assert!(weighted.verified && weighted.popularity.is_some());
    /// # Ok::<(), lottopro_core::Error>(())
    /// ```
    pub fn weighted(
        &self,
        game: &GameSpec,
        model: &Popularity,
        sales: Money,
        seed: u64,
    ) -> Result<Wheel> {
        let value = model.valuation(game, sales)?;
        let picks = check_game(game)?;
        let v = u8::try_from(self.numbers.len()).unwrap_or(u8::MAX);
        check_numbers(&self.numbers, v, game.pool(), "numbers")?;
        let plain = self
            .tickets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                check_numbers(t, picks, game.pool(), &format!("tickets[{i}]"))?;
                Ok(NumberSet::from_numbers(t))
            })
            .collect::<Result<Vec<NumberSet>>>()?;
        let search = Relabel::new(&self.numbers, &plain, model, &value)?;
        let (perm, tried) = search.best(seed);
        let tickets: Vec<NumberSet> = search
            .blocks
            .iter()
            .map(|&b| search.ticket(&perm, b))
            .collect();
        let popularity = gain(model, &value, &plain, &tickets, sales, tried, seed);
        let mut wheel = Wheel::verified(
            game,
            &self.numbers,
            self.guarantee,
            tickets,
            self.record.clone(),
        )?;
        wheel.popularity = Some(popularity);
        wheel.note = NOTE;
        Ok(wheel)
    }
}

/// The relabelling search over one wheel.
struct Relabel<'a> {
    numbers: &'a [u8],
    /// The tickets as masks over positions in `numbers`.
    blocks: Vec<u64>,
    /// The blocks holding each position.
    holding: Vec<Vec<usize>>,
    model: &'a Popularity,
    value: &'a Valuation,
}

impl<'a> Relabel<'a> {
    fn new(
        numbers: &'a [u8],
        tickets: &[NumberSet],
        model: &'a Popularity,
        value: &'a Valuation,
    ) -> Result<Relabel<'a>> {
        if numbers.len() > 63 {
            return Err(Error::invalid("numbers", "at most 63 numbers"));
        }
        let index = |n: u8| numbers.iter().position(|&x| x == n);
        let blocks = tickets
            .iter()
            .enumerate()
            .map(|(i, t)| {
                t.iter().try_fold(0u64, |b, n| {
                    index(n).map(|p| b | 1 << p).ok_or_else(|| {
                        Error::invalid(format!("tickets[{i}]"), "holds a number the wheel does not")
                    })
                })
            })
            .collect::<Result<Vec<u64>>>()?;
        let holding = (0..numbers.len())
            .map(|p| {
                (0..blocks.len())
                    .filter(|&i| blocks[i] & 1 << p != 0)
                    .collect()
            })
            .collect();
        Ok(Relabel {
            numbers,
            blocks,
            holding,
            model,
            value,
        })
    }

    /// Block `b` under `perm` (position `p` carries `numbers[perm[p]]`).
    fn ticket(&self, perm: &[usize], b: u64) -> NumberSet {
        NumberSet::from_bits(
            positions(b).fold(0u128, |bits, p| bits | 1u128 << self.numbers[perm[p]]),
        )
    }

    /// The best labelling found, and the labellings valued.
    fn best(&self, seed: u64) -> (Vec<usize>, u64) {
        let v = self.numbers.len();
        let mut rng = rng::stream(seed, 0x77E1);
        let mut memo: HashMap<NumberSet, f64> = HashMap::new();
        let mut work = 0u64;
        let mut tried = 0u64;
        let mut ev = |t: NumberSet, work: &mut u64| -> f64 {
            *work += 1;
            if memo.len() >= MEMO_CAP {
                memo.clear();
            }
            *memo
                .entry(t)
                .or_insert_with(|| self.model.expected_value(t, self.value))
        };
        let total =
            |perm: &[usize], ev: &mut dyn FnMut(NumberSet, &mut u64) -> f64, work: &mut u64| {
                self.blocks
                    .iter()
                    .map(|&b| ev(self.ticket(perm, b), work))
                    .sum::<f64>()
            };
        let plain: Vec<usize> = (0..v).collect();
        let mut best = (total(&plain, &mut ev, &mut work), plain.clone());
        let pairs: Vec<(usize, usize)> = (0..v)
            .flat_map(|i| (i + 1..v).map(move |j| (i, j)))
            .collect();
        for start in 0..=RESTARTS {
            let mut perm = plain.clone();
            if start > 0 {
                // Fisher–Yates.
                for i in (1..v).rev() {
                    perm.swap(i, rng::below(&mut rng, i as u64 + 1) as usize);
                }
            }
            let mut score = total(&perm, &mut ev, &mut work);
            let mut order = pairs.clone();
            'climb: loop {
                for i in (1..order.len()).rev() {
                    order.swap(i, rng::below(&mut rng, i as u64 + 1) as usize);
                }
                let mut improved = false;
                for &(i, j) in &order {
                    if work >= WORK {
                        break 'climb;
                    }
                    tried += 1;
                    // Only the blocks holding one of the two change.
                    let changed = self.holding[i]
                        .iter()
                        .chain(&self.holding[j])
                        .map(|&k| self.blocks[k])
                        .filter(|b| (b >> i & 1) != (b >> j & 1));
                    let mut swapped = perm.clone();
                    swapped.swap(i, j);
                    let delta: f64 = changed
                        .map(|b| {
                            ev(self.ticket(&swapped, b), &mut work)
                                - ev(self.ticket(&perm, b), &mut work)
                        })
                        .sum();
                    if delta > 1e-9 {
                        perm = swapped;
                        score += delta;
                        improved = true;
                    }
                }
                if !improved {
                    break;
                }
            }
            if score > best.0 + 1e-9 {
                best = (score, perm);
            }
            if work >= WORK {
                break;
            }
        }
        (best.1, tried)
    }
}

/// What `weighted` gains over `plain`, at the estimates and set by set
/// over the bootstrap.
fn gain(
    model: &Popularity,
    value: &Valuation,
    plain: &[NumberSet],
    weighted: &[NumberSet],
    sales: Money,
    tried: u64,
    seed: u64,
) -> WheelPopularity {
    let n = plain.len().max(1) as f64;
    let at_estimates = |tickets: &[NumberSet]| -> f64 {
        tickets
            .iter()
            .map(|&t| model.expected_value(t, value))
            .sum()
    };
    let by_set = |tickets: &[NumberSet]| -> Vec<f64> {
        let mut sums: Vec<f64> = Vec::new();
        for &t in tickets {
            let evs = model.expected_value_replicates(t, value);
            sums.resize(evs.len(), 0.0);
            sums.iter_mut().zip(evs).for_each(|(s, e)| *s += e);
        }
        sums
    };
    let (plain_ev, weighted_ev) = (at_estimates(plain), at_estimates(weighted));
    let diffs: Vec<f64> = by_set(weighted)
        .iter()
        .zip(by_set(plain))
        .map(|(w, p)| w - p)
        .collect();
    let per_wheel = estimate(weighted_ev - plain_ev, diffs.clone());
    let per_ticket = estimate(
        (weighted_ev - plain_ev) / n,
        diffs.iter().map(|d| d / n).collect(),
    );
    WheelPopularity {
        ev_per_ticket: weighted_ev / n,
        plain_ev_per_ticket: plain_ev / n,
        gain_per_ticket: per_ticket,
        gain_per_wheel: per_wheel,
        sales,
        relabellings_tried: tried,
        seed,
        model: model.kind(),
    }
}
