//! The ids clients see for their saved tickets and predictions.
//!
//! The store numbers rows in the order they were written, across all
//! clients; shown as they are, a client's new id would tell it how many
//! tickets everyone has saved, and when. Clients see instead a keyed
//! permutation of the row number: an 8-round Feistel network over 52 bits
//! whose round function is `HMAC-SHA256(SECRET_KEY, kind ‖ round ‖ half)`,
//! so ids look random, never collide, fit a JavaScript number, and map back
//! without a lookup table. A permutation rather than a random id column
//! keeps the store's schema and its "oldest first" order as they are, on
//! any backend.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// Bits of a public id: below 2^53, so JavaScript reads it exactly.
const BITS: u32 = 52;
const HALF: u32 = BITS / 2;
const HALF_MASK: u64 = (1 << HALF) - 1;
const ROUNDS: u8 = 8;

/// What the rows are: each kind has its own permutation.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IdKind {
    /// Saved tickets.
    Saved,
    /// Predictions.
    Prediction,
}

/// The row ↔ public id mapping of one kind under one secret.
pub(crate) struct PublicIds {
    mac: Hmac<Sha256>,
    kind: IdKind,
}

impl PublicIds {
    pub(crate) fn new(secret: &[u8], kind: IdKind) -> PublicIds {
        // Keyed with SHA-256(secret), zero-padded to a block: what HMAC
        // does itself with a short key, and no fallible length check.
        let mut key = hmac::digest::Key::<Hmac<Sha256>>::default();
        key[..32].copy_from_slice(&Sha256::digest(secret));
        PublicIds {
            mac: <Hmac<Sha256> as hmac::digest::KeyInit>::new(&key),
            kind,
        }
    }

    /// The id clients see for store row `row` (1 to 2^52).
    pub(crate) fn public(&self, row: i64) -> i64 {
        match u64::try_from(row - 1) {
            Ok(x) if x >> BITS == 0 => to_i64(self.permute(x) + 1),
            // Not a row number the store hands out; kept as it is rather
            // than mapped onto another row's id.
            _ => row,
        }
    }

    /// The store row behind public id `id`, if it can be one.
    pub(crate) fn row(&self, id: i64) -> Option<i64> {
        let x = u64::try_from(id).ok()?.checked_sub(1)?;
        (x >> BITS == 0).then(|| to_i64(self.unpermute(x) + 1))
    }

    fn permute(&self, x: u64) -> u64 {
        let (mut left, mut right) = (x >> HALF, x & HALF_MASK);
        for round in 0..ROUNDS {
            (left, right) = (right, left ^ self.f(round, right));
        }
        (left << HALF) | right
    }

    fn unpermute(&self, y: u64) -> u64 {
        let (mut left, mut right) = (y >> HALF, y & HALF_MASK);
        for round in (0..ROUNDS).rev() {
            (left, right) = (right ^ self.f(round, left), left);
        }
        (left << HALF) | right
    }

    /// The round function: 26 bits of the keyed hash of (kind, round, half).
    fn f(&self, round: u8, half: u64) -> u64 {
        let mut mac = self.mac.clone();
        mac.update(&[b'i', self.kind as u8, round]);
        mac.update(&half.to_le_bytes());
        let out = mac.finalize().into_bytes();
        let mut word = [0u8; 8];
        word.copy_from_slice(&out[..8]);
        u64::from_le_bytes(word) & HALF_MASK
    }
}

/// Values below 2^53 fit an `i64`.
fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_map_back_and_do_not_count() {
        let ids = PublicIds::new(b"a server secret", IdKind::Saved);
        let shown: Vec<i64> = (1..=1000).map(|r| ids.public(r)).collect();
        for (r, id) in (1..=1000).zip(&shown) {
            assert!((1..=1 << BITS).contains(id), "{id}");
            assert_eq!(ids.row(*id), Some(r));
        }
        let mut distinct = shown.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), shown.len());
        // Consecutive rows get ids far apart, in no order: at most a few
        // of 999 neighbours are within a million of each other.
        let close = shown
            .windows(2)
            .filter(|w| (w[0] - w[1]).abs() < 1_000_000)
            .count();
        assert!(close < 5, "{close}");
        let ascending = shown.windows(2).filter(|w| w[1] > w[0]).count();
        assert!((400..600).contains(&ascending), "{ascending}");
        // Another secret or another kind is another permutation.
        assert_ne!(PublicIds::new(b"other", IdKind::Saved).public(1), shown[0]);
        assert_ne!(
            PublicIds::new(b"a server secret", IdKind::Prediction).public(1),
            shown[0]
        );
        // The edges of the range, and what cannot be an id.
        assert_eq!(ids.row(ids.public(1 << BITS)), Some(1 << BITS));
        for bad in [0, -1, (1 << BITS) + 1, i64::MAX, i64::MIN] {
            assert_eq!(ids.row(bad), None, "{bad}");
        }
    }
}
