//! The offline search behind the shipped wheel table: for each `v` and `t`
//! asked for, anneal covering designs C(v, 6, t) one block smaller at a time
//! (each attempt starts from the best design so far minus one block), within
//! a time budget per design, and rewrite `covers.txt` whenever a design
//! improves. Designs already in the file are the starting point, so runs add
//! up. One thread; run it through `scripts/wheel-search`, which bounds the
//! time and lowers the priority.
//!
//! `cargo run --release -p lottopro-examples --example wheel_search --
//!  --out lottopro-core/data/wheels/covers.txt --v 7-25 --t 3,4 --seconds 60`

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use lottopro_core::wheel::{StoredDesign, anneal_cover, parse_covers, schonheim, witt_s3_6_22};

const K: usize = 6;

fn range(text: &str) -> Vec<u8> {
    text.split(',')
        .flat_map(|part| match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (a.parse::<u8>().unwrap_or(0), b.parse::<u8>().unwrap_or(0));
                (a..=b).collect::<Vec<_>>()
            }
            None => part.parse::<u8>().ok().into_iter().collect(),
        })
        .collect()
}

/// The 36 blocks `T ∪ (S + 9)` for lines `T`, `S` of AG(2,3) (points
/// `3x + y`) in the same parallel class.
fn affine_joins() -> Vec<u64> {
    let mut out = Vec::new();
    for (dx, dy) in [(0, 1), (1, 0), (1, 1), (1, 2)] {
        let mut class: Vec<u64> = (0..9)
            .map(|p: usize| {
                (0..3).fold(0u64, |acc, s| {
                    let (x, y) = ((p / 3 + s * dx) % 3, (p % 3 + s * dy) % 3);
                    acc | 1 << (3 * x + y)
                })
            })
            .collect();
        class.sort_unstable();
        class.dedup();
        for t in &class {
            for s in &class {
                out.push(t | s << 9);
            }
        }
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let out = arg("--out").ok_or("--out PATH is required")?;
    let vs = range(&arg("--v").unwrap_or_else(|| "7-25".into()));
    let ts = range(&arg("--t").unwrap_or_else(|| "3,4".into()));
    let seconds: u64 = arg("--seconds").and_then(|s| s.parse().ok()).unwrap_or(60);
    let steps_per_block: u64 = arg("--steps-per-block")
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let seed: u64 = arg("--seed").and_then(|s| s.parse().ok()).unwrap_or(1);
    let t0: f64 = arg("--t0").and_then(|s| s.parse().ok()).unwrap_or(0.5);

    let existing = std::fs::read_to_string(&out).unwrap_or_default();
    let header: String = existing
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut designs: BTreeMap<(u8, u8, u8), StoredDesign> = parse_covers(&existing)?
        .into_iter()
        .filter(StoredDesign::holds)
        .map(|d| ((d.t, d.m, d.v), d))
        .collect();
    let save = |designs: &BTreeMap<(u8, u8, u8), StoredDesign>| -> std::io::Result<()> {
        let mut text = header.clone();
        for d in designs.values() {
            text.push_str(&d.line());
            text.push('\n');
        }
        let tmp = format!("{out}.tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &out)
    };

    let mut attempt = seed;
    for &t in &ts {
        for &v in &vs {
            if usize::from(v) < K || t == 0 || usize::from(t) > K {
                continue;
            }
            let started = Instant::now();
            let budget = Duration::from_secs(seconds);
            let lower = schonheim(u32::from(v), K as u32, u32::from(t)) as usize;
            let shape = (usize::from(v), K, usize::from(t));
            let mut best: Option<Vec<u64>> = designs.get(&(t, t, v)).map(|d| d.blocks.clone());
            // A known construction as a start where it is smaller: the
            // Steiner system S(3,6,22) restricted to the first v points, its
            // shortened blocks filled up with the lowest points they lack.
            if t == 3 && (16..=22).contains(&v) {
                let mut derived: Vec<u64> = witt_s3_6_22()
                    .into_iter()
                    .map(|b| {
                        let mut b = u64::from(b) & ((1u64 << v) - 1);
                        let mut p = 0;
                        while (b.count_ones() as usize) < K {
                            b |= 1u64 << p;
                            p += 1;
                        }
                        b
                    })
                    .collect();
                derived.sort_unstable();
                derived.dedup();
                let d = StoredDesign {
                    v,
                    t,
                    m: t,
                    blocks: derived,
                };
                if d.holds() && best.as_ref().is_none_or(|b| d.blocks.len() < b.len()) {
                    println!("C({v},6,3): {} blocks from S(3,6,22)", d.blocks.len());
                    best = Some(d.blocks);
                }
            }
            // A first cover: quick short runs from well above the bound,
            // growing until one covers.
            let mut b = lower + lower / 2 + 1;
            while best.is_none() && started.elapsed() < budget {
                attempt += 1;
                best = anneal_cover(shape, b, &[], attempt, 2_000 * b as u64, t0);
                b += b / 10 + 1;
            }
            let Some(mut blocks) = best else {
                println!("C({v},6,{t}): none found in {seconds} s");
                continue;
            };
            // C(18,6,3): two affine planes AG(2,3) on 0..9 and 9..18, each
            // line of one joined with each line of the same parallel class
            // of the other (36 blocks: every pair of one half with every
            // point of the other), and C(9,6,3) on each half.
            if (t, v) == (3, 18)
                && let Some(nine) = designs.get(&(3, 3, 9))
                && nine.blocks.len() + 36 < blocks.len()
            {
                let mut joined: Vec<u64> = affine_joins();
                for b in &nine.blocks {
                    joined.push(*b);
                    joined.push(*b << 9);
                }
                joined.sort_unstable();
                println!("C(18,6,3): {} blocks from AG(2,3) twice", joined.len());
                blocks = joined;
            }
            let before = blocks.len();
            // One block fewer at a time; each failure doubles the length of
            // the next attempt, up to --steps-per-block per block.
            let mut drop = 0usize;
            let mut per_block = 1_000u64.min(steps_per_block);
            while blocks.len() > lower && started.elapsed() < budget {
                attempt += 1;
                let mut start = blocks.clone();
                start.remove(drop % start.len());
                drop += 1;
                let size = start.len();
                match anneal_cover(shape, size, &start, attempt, per_block * size as u64, t0) {
                    Some(found) => {
                        blocks = found;
                        drop = 0;
                        per_block = 1_000u64.min(steps_per_block);
                    }
                    None => per_block = (per_block * 2).min(steps_per_block),
                }
            }
            blocks.sort_unstable();
            let d = StoredDesign { v, t, m: t, blocks };
            if !d.holds() {
                return Err(
                    format!("C({v},6,{t}): the search returned a design that fails").into(),
                );
            }
            let improved = designs
                .get(&(t, t, v))
                .is_none_or(|old| d.blocks.len() < old.blocks.len());
            println!(
                "C({v},6,{t}): {} blocks (was {before}, Schönheim bound {lower}) in {:.0} s",
                d.blocks.len(),
                started.elapsed().as_secs_f64()
            );
            if improved {
                designs.insert((t, t, v), d);
                save(&designs)?;
            }
        }
    }
    Ok(())
}
