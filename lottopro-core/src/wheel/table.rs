//! The shipped table of wheels: LottoPro's best verified designs, searched
//! offline (`scripts/wheel-search`), stored as text in `data/wheels/`, and
//! verified exhaustively when first loaded, so that a request for one of
//! them is a lookup. Beside each design the table carries the best size
//! known elsewhere (the La Jolla Covering Repository and the literature,
//! with the source of every figure) and the Schönheim lower bound, so a
//! player sees how close the wheel is to the record.
//!
//! A design is stored over positions `0..v`; a request relabels it onto the
//! player's numbers in ascending order, which keeps the guarantee (it
//! depends only on which positions share a block).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

use super::anneal::schonheim;
use super::verify::{for_each_subset, positions};
use crate::error::{Error, Result};
use crate::odds::binomial;

/// The designs, one a line: `v t m size` and the blocks, each block six
/// base-36 digits (`0`–`9`, `a`–`z`) naming positions `0..v`.
pub(super) const COVERS_TXT: &str = include_str!("../../data/wheels/covers.txt");

/// The best sizes known elsewhere: `v,t,m,best_known,source`; see the README
/// beside it for the sources.
pub(super) const BEST_KNOWN_CSV: &str = include_str!("../../data/wheels/best-known.csv");

/// Ticket size of the shipped designs (6/45 and every 6-number game).
pub(super) const BLOCK_SIZE: usize = 6;

/// One stored design: every `m`-subset of `0..v` meets a block in at least
/// `t` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDesign {
    /// Numbers wheeled.
    pub v: u8,
    /// Matches guaranteed.
    pub t: u8,
    /// Drawn numbers among the wheeled ones that trigger the guarantee.
    pub m: u8,
    /// The blocks, as bit masks over positions `0..v`.
    pub blocks: Vec<u64>,
}

impl StoredDesign {
    /// The design's line in `covers.txt`.
    pub fn line(&self) -> String {
        let mut out = format!("{} {} {} {}", self.v, self.t, self.m, self.blocks.len());
        for b in &self.blocks {
            out.push(' ');
            out.extend(positions(*b).filter_map(|p| char::from_digit(p as u32, 36)));
        }
        out
    }

    /// Whether every `m`-subset of `0..v` meets some block in `t` points,
    /// checked exhaustively: for `m = t` by marking the `t`-subsets of every
    /// block, otherwise by testing each `m`-subset against the blocks.
    pub fn holds(&self) -> bool {
        let (v, t, m) = (
            usize::from(self.v),
            usize::from(self.t),
            usize::from(self.m),
        );
        if v > 63 || t == 0 || t > m || m > v || self.blocks.is_empty() {
            return false;
        }
        if t == m {
            let binom = |n: usize, r: usize| binomial(n as u32, r as u32).unwrap_or(0) as usize;
            let rank = |mask: u64| -> usize {
                positions(mask)
                    .enumerate()
                    .map(|(i, p)| binom(p, i + 1))
                    .sum()
            };
            let mut seen = vec![false; binom(v, t)];
            for &b in &self.blocks {
                let pts: Vec<usize> = positions(b).collect();
                for_each_subset(pts.len(), t, |s| {
                    seen[rank(positions(s).fold(0, |acc, i| acc | 1u64 << pts[i]))] = true;
                    true
                });
            }
            return seen.iter().all(|&s| s);
        }
        let mut last = 0;
        let mut holds = true;
        for_each_subset(v, m, |s| {
            let n = self.blocks.len();
            match (0..n).find(|i| (self.blocks[(last + i) % n] & s).count_ones() as usize >= t) {
                Some(i) => {
                    last = (last + i) % n;
                    true
                }
                None => {
                    holds = false;
                    false
                }
            }
        });
        holds
    }
}

/// Parses `covers.txt`; errors name the line.
pub fn parse_covers(text: &str) -> Result<Vec<StoredDesign>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |message: String| Error::Parse {
            location: format!("covers.txt line {}", i + 1),
            line: Some(i as u64 + 1),
            column: None,
            message,
        };
        let mut words = line.split_whitespace();
        let mut num = |what: &str| {
            words
                .next()
                .and_then(|w| w.parse::<u32>().ok())
                .ok_or_else(|| bad(format!("expected {what}")))
        };
        let (v, t, m, size) = (num("v")?, num("t")?, num("m")?, num("size")?);
        if !(BLOCK_SIZE as u32..=36).contains(&v) || t == 0 || t > m || m > BLOCK_SIZE as u32 {
            return Err(bad(format!(
                "v={v}, t={t}, m={m} is not a wheel this table holds"
            )));
        }
        let blocks: Vec<u64> = words
            .map(|w| {
                let mut b = 0u64;
                for c in w.chars() {
                    match c.to_digit(36) {
                        Some(p) if p < v && b & 1 << p == 0 => b |= 1 << p,
                        _ => {
                            return Err(bad(format!(
                                "block '{w}' is not {BLOCK_SIZE} distinct positions below {v}"
                            )));
                        }
                    }
                }
                if b.count_ones() as usize != BLOCK_SIZE {
                    return Err(bad(format!(
                        "block '{w}' does not have {BLOCK_SIZE} positions"
                    )));
                }
                Ok(b)
            })
            .collect::<Result<_>>()?;
        if blocks.len() != size as usize {
            return Err(bad(format!(
                "{} blocks, but the size says {size}",
                blocks.len()
            )));
        }
        out.push(StoredDesign {
            v: v as u8,
            t: t as u8,
            m: m as u8,
            blocks,
        });
    }
    Ok(out)
}

/// The best size known elsewhere for a wheel, and where it is published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct BestKnown {
    /// The size, where a published figure was confirmed; `None` where it
    /// was not (the source then says so).
    pub size: Option<u32>,
    /// Where the figure comes from (a key explained in
    /// `data/wheels/README.md`), or `unconfirmed`.
    pub source: String,
}

/// How a wheel compares with the record: shown beside every wheel the
/// shipped table answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct WheelRecord {
    /// The best size known elsewhere, with its source.
    pub best_known: BestKnown,
    /// No wheel with this guarantee can be smaller (the Schönheim bound;
    /// for `t < m` the bound of the covering it contains is not a bound, so
    /// this is 1 there).
    pub lower_bound: u64,
    /// Whether the wheel meets the lower bound: then no smaller wheel with
    /// this guarantee exists.
    pub optimal: bool,
    /// How many more tickets than the best known size it has, in percent
    /// (negative if smaller); `None` where no best size is confirmed.
    pub extra_percent: Option<f64>,
    /// Whether this wheel came from the shipped table (verified when it was
    /// loaded) rather than a search made for the request.
    pub from_table: bool,
}

/// Parses `best-known.csv`; errors name the line.
pub fn parse_best_known(text: &str) -> Result<HashMap<(u8, u8, u8), BestKnown>> {
    let mut out = HashMap::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |message: &str| Error::Parse {
            location: format!("best-known.csv line {}", i + 1),
            line: Some(i as u64 + 1),
            column: None,
            message: message.into(),
        };
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let [v, t, m, size, source] = f.as_slice() else {
            return Err(bad("expected v,t,m,best_known,source"));
        };
        let n = |s: &str| {
            s.parse::<u8>()
                .map_err(|_| bad("v, t and m are small integers"))
        };
        let size = match *size {
            "" => None,
            s => Some(
                s.parse::<u32>()
                    .map_err(|_| bad("best_known is a size or empty"))?,
            ),
        };
        if size.is_none() != (*source == "unconfirmed") {
            return Err(bad(
                "a size needs a source, and only a missing size is unconfirmed",
            ));
        }
        out.insert(
            (n(v)?, n(t)?, n(m)?),
            BestKnown {
                size,
                source: (*source).to_string(),
            },
        );
    }
    Ok(out)
}

/// The loaded table: every shipped design that verified, by `(v, t, m)`.
#[derive(Debug)]
pub struct Table {
    designs: HashMap<(u8, u8, u8), StoredDesign>,
    best: HashMap<(u8, u8, u8), BestKnown>,
    /// Designs that failed to parse or verify (none in a correct build; a
    /// test asserts it).
    pub rejected: Vec<String>,
}

impl Table {
    /// Parses and verifies `covers` against `best_known`.
    pub fn load(covers: &str, best_known: &str) -> Table {
        let mut rejected = Vec::new();
        let best = parse_best_known(best_known).unwrap_or_else(|e| {
            rejected.push(e.to_string());
            HashMap::new()
        });
        let mut designs = HashMap::new();
        match parse_covers(covers) {
            Ok(list) => {
                for d in list {
                    if d.holds() {
                        designs.insert((d.v, d.t, d.m), d);
                    } else {
                        rejected.push(format!("{}/{}/{} does not hold", d.v, d.t, d.m));
                    }
                }
            }
            Err(e) => rejected.push(e.to_string()),
        }
        Table {
            designs,
            best,
            rejected,
        }
    }

    /// The stored design for `v` numbers guaranteeing `t` if `m`.
    pub fn design(&self, v: u8, t: u8, m: u8) -> Option<&StoredDesign> {
        self.designs.get(&(v, t, m))
    }

    /// Every design, in `(v, t, m)` order.
    pub fn designs(&self) -> Vec<&StoredDesign> {
        let mut all: Vec<&StoredDesign> = self.designs.values().collect();
        all.sort_by_key(|d| (d.t, d.m, d.v));
        all
    }

    /// How a wheel of `size` tickets over `v` numbers, `t` if `m`, compares
    /// with the record.
    pub fn record(&self, (v, t, m): (u8, u8, u8), size: usize, from_table: bool) -> WheelRecord {
        let best_known = self.best.get(&(v, t, m)).cloned().unwrap_or(BestKnown {
            size: None,
            source: "unconfirmed".into(),
        });
        let lower_bound = if t == m {
            schonheim(u32::from(v), BLOCK_SIZE as u32, u32::from(t))
        } else {
            1
        };
        WheelRecord {
            extra_percent: best_known
                .size
                .map(|b| (size as f64 / f64::from(b.max(1)) - 1.0) * 100.0),
            best_known,
            optimal: size as u64 <= lower_bound,
            lower_bound,
            from_table,
        }
    }
}

impl Table {
    /// Parses and verifies the shipped table afresh (what [`shipped`] does
    /// once per process; the benches time it).
    pub fn load_shipped() -> Table {
        Table::load(COVERS_TXT, BEST_KNOWN_CSV)
    }
}

/// The shipped table, loaded and verified on first use.
pub fn shipped() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(Table::load_shipped)
}
