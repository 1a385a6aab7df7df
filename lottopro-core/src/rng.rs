//! Randomness: the one generator the project uses, and how it is seeded.
//!
//! Randomness is always passed in, never global. Every seeded result (tickets,
//! backtests, simulations) comes from [`LottoRng`], Xoshiro256++ from
//! `rand_xoshiro`: a named algorithm whose output is fixed by its definition,
//! so the same seed gives the same tickets on every platform, release and
//! binding (`rand`'s `StdRng` and `SmallRng` promise neither). Independent
//! streams (one per backtest round, per simulation batch) are derived from a
//! seed and a stream index with SplitMix64, so results never depend on the
//! order or the thread in which the streams are used.

use rand::{RngExt, SeedableRng};

use crate::ticket::NumberSet;

/// The project's random number generator; see the module docs. It is a
/// `rand` generator (use it with [`rand::RngExt`]); the crate behind it is
/// not part of this API, so it can change without breaking callers, but the
/// algorithm cannot: seeded results are pinned by tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LottoRng(rand_xoshiro::Xoshiro256PlusPlus);

impl LottoRng {
    fn seed_from_u64(seed: u64) -> LottoRng {
        LottoRng(rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(seed))
    }
}

impl rand::TryRng for LottoRng {
    type Error = std::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        self.0.try_next_u32()
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0.try_next_u64()
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.0.try_fill_bytes(dst)
    }
}

/// A generator seeded from `seed`.
pub fn seeded(seed: u64) -> LottoRng {
    LottoRng::seed_from_u64(seed)
}

/// The generator of stream `stream` under `seed`: independent of every other
/// stream, and identical however many streams are used and in what order.
pub fn stream(seed: u64, stream: u64) -> LottoRng {
    LottoRng::seed_from_u64(splitmix64(
        splitmix64(seed) ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15),
    ))
}

/// A uniformly random set of `k` numbers from `1..=pool` (Floyd's
/// algorithm: `k` random integers, no rejection). `k` is capped at `pool`.
pub fn random_set<R: rand::Rng + ?Sized>(rng: &mut R, pool: u8, k: u8) -> NumberSet {
    let mut bits = 0u128;
    let k = k.min(pool);
    for j in (pool - k + 1)..=pool {
        let t = rng.random_range(1..=j);
        let pick = if bits & (1u128 << t) != 0 { j } else { t };
        bits |= 1u128 << pick;
    }
    NumberSet::from_bits(bits)
}

/// A uniform integer in `0..n` from one 64-bit random number by
/// multiply-shift (bias below `n / 2⁶⁴`); 0 when `n` is 0.
pub fn below<R: rand::Rng + ?Sized>(rng: &mut R, n: u64) -> u64 {
    ((u128::from(rng.next_u64()) * u128::from(n)) >> 64) as u64
}

/// A seed for a caller that gave none: the clock, the process id and a
/// counter, mixed. Hosts (the CLI, Python, HTTP) use it and report the seed
/// with the result, so even an unseeded result can be reproduced; the core
/// itself never calls it.
pub fn entropy_seed() -> u64 {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    splitmix64(nanos ^ u64::from(std::process::id()).rotate_left(32) ^ splitmix64(n))
}

/// One step of SplitMix64: a bijective 64-bit mixer.
pub const fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use rand::Rng;

    use super::*;

    #[test]
    fn output_is_pinned() {
        // Value stability: these must never change, or every seeded result does.
        let mut r = seeded(42);
        assert_eq!(
            (r.next_u64(), r.next_u64()),
            (0xd076_4d4f_4476_689f, 0x519e_4174_576f_3791)
        );
        let a: Vec<u64> = (0..3).map(|s| stream(7, s).next_u64()).collect();
        assert_eq!(a.len(), 3);
        assert_ne!(a[0], a[1]);
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn random_sets_are_uniform() {
        // Each of the C(6,2) = 15 pairs of 1..=6 about equally often.
        let mut r = seeded(1);
        let mut counts = std::collections::HashMap::new();
        for _ in 0..30_000 {
            let s = random_set(&mut r, 6, 2);
            assert_eq!(s.len(), 2);
            *counts.entry(s).or_insert(0u32) += 1;
        }
        assert_eq!(counts.len(), 15);
        let observed: Vec<u64> = counts.values().map(|&c| u64::from(c)).collect();
        let t = crate::stats::uniformity::pearson_uniform(&observed).unwrap();
        assert!(t.p_value > 1e-4, "{t:?}");
    }
}
