//! Exhaustive verification of a wheel's guarantee, through each draw's
//! intersection with the wheeled numbers.

use super::{Guarantee, Verification, check_game};
use crate::error::{Error, Result};
use crate::game::GameSpec;
use crate::odds::binomial;
use crate::ticket::NumberSet;

/// Checks `guarantee` for `tickets` over every draw of `game` in which at
/// least `m` drawn numbers are among `numbers`: each distinct intersection of
/// a draw with `numbers` is checked once and stands for all the draws that
/// share it. Fails, naming the field, on numbers outside the pool, repeated
/// numbers, tickets of other numbers, or a guarantee the game cannot have.
pub fn verify(
    game: &GameSpec,
    numbers: &[u8],
    tickets: &[NumberSet],
    guarantee: Guarantee,
) -> Result<Verification> {
    let picks = check_game(game)?;
    guarantee.check(picks)?;
    crate::game::check_numbers(numbers, numbers.len() as u8, game.pool(), "numbers")?;
    let mine = NumberSet::from_numbers(numbers);
    if let Some(i) = tickets
        .iter()
        .position(|t| t.len() != u32::from(picks) || t.intersection(mine) != *t)
    {
        return Err(Error::invalid(
            format!("tickets[{i}]"),
            format!("must be {picks} of the wheel's numbers"),
        ));
    }
    Ok(verify_checked(game, numbers, tickets, guarantee))
}

/// [`verify`] on checked input.
pub(super) fn verify_checked(
    game: &GameSpec,
    numbers: &[u8],
    tickets: &[NumberSet],
    guarantee: Guarantee,
) -> Verification {
    let v = numbers.len();
    let k = usize::from(game.picks());
    let others = usize::from(game.pool()).saturating_sub(v);
    let masks: Vec<u64> = tickets.iter().map(|t| (t.bits() >> 1) as u64).collect();
    let t = u32::from(guarantee.t);
    let mut checked = 0u64;
    let mut last = 0usize;
    let mut proven = false;
    for j in usize::from(guarantee.m)..=k.min(v) {
        let weight = binomial(others as u32, (k - j) as u32).map_or(0, |c| c as u64);
        if weight == 0 {
            continue;
        }
        // Every larger intersection contains one of the smallest size that
        // occurs, so once those all hold the rest hold too: count them.
        if proven {
            let sets = binomial(v as u32, j as u32).map_or(0, |c| c as u64);
            checked = checked.saturating_add(sets.saturating_mul(weight));
            continue;
        }
        proven = true;
        let mut holds = true;
        let mut example = None;
        for_each_subset(v, j, |sub| {
            let mut bits = 0u64;
            for i in positions(sub) {
                bits |= 1u64 << (numbers[i] - 1);
            }
            let covered = masks[last..]
                .iter()
                .chain(&masks[..last])
                .position(|m| (m & bits).count_ones() >= t);
            match covered {
                Some(i) => {
                    last = (last + i) % masks.len();
                    checked += weight;
                    true
                }
                None => {
                    holds = false;
                    example = Some(positions(sub).map(|i| numbers[i]).collect());
                    false
                }
            }
        });
        if !holds {
            return Verification {
                holds: false,
                draws_checked: checked,
                counterexample: example,
            };
        }
    }
    Verification {
        holds: true,
        draws_checked: checked,
        counterexample: None,
    }
}

/// Calls `f` with every `j`-subset of `0..v` as a bit mask, in increasing
/// order (Gosper's hack); stops when `f` returns false.
pub(super) fn for_each_subset(v: usize, j: usize, mut f: impl FnMut(u64) -> bool) {
    if j > v || v > 63 {
        return;
    }
    if j == 0 {
        f(0);
        return;
    }
    let mut x: u64 = (1u64 << j) - 1;
    let limit = 1u64 << v;
    while x < limit {
        if !f(x) {
            return;
        }
        let c = x & x.wrapping_neg();
        let r = x + c;
        x = (((r ^ x) >> 2) / c) | r;
    }
}

/// The set bits of `mask`, lowest first.
pub(super) fn positions(mut mask: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if mask == 0 {
            return None;
        }
        let i = mask.trailing_zeros() as usize;
        mask &= mask - 1;
        Some(i)
    })
}
