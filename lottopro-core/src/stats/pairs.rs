//! The table of how often each pair of numbers was drawn together
//! (companion numbers, 궁합수).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How often each pair of numbers was drawn together: a symmetric square
/// table indexed by the numbers themselves (`count(a, b)` for `a, b` in
/// `1..=pool`; row and column 0 hold zeros, so a number is its own index).
/// In JSON, a list of rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairMatrix {
    pub(super) width: usize,
    pub(super) counts: Vec<u32>,
}

impl PairMatrix {
    /// Draws containing both `a` and `b` (0 outside the pool).
    pub fn count(&self, a: u8, b: u8) -> u32 {
        let (a, b) = (usize::from(a), usize::from(b));
        if a < self.width && b < self.width {
            self.counts[a * self.width + b]
        } else {
            0
        }
    }

    /// The side of the table: `pool + 1`.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The whole table, row by row (`width × width` counts).
    pub fn as_slice(&self) -> &[u32] {
        &self.counts
    }

    /// The rows of the table.
    pub fn rows(&self) -> impl Iterator<Item = &[u32]> {
        self.counts.chunks(self.width.max(1))
    }
}

impl Serialize for PairMatrix {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.rows())
    }
}

impl<'de> Deserialize<'de> for PairMatrix {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<PairMatrix, D::Error> {
        let rows: Vec<Vec<u32>> = Vec::deserialize(d)?;
        let width = rows.len();
        if rows.iter().any(|r| r.len() != width) {
            return Err(serde::de::Error::custom("the pair matrix must be square"));
        }
        Ok(PairMatrix {
            width,
            counts: rows.concat(),
        })
    }
}
