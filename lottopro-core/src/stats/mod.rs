//! Statistics of a history, each next to what chance alone would give.
//!
//! [`Stats::compute`] makes one pass over the draws (bit sets, popcounts) and
//! reports per-number frequency with its expected value and z-score, hot and
//! cold numbers over a recent window, gaps (how long since a number was
//! drawn), carry-over numbers (이월수), companion pairs (궁합수, the full
//! co-occurrence matrix as an `ndarray`), pattern features of the draws, and a
//! chi-square test of uniformity. Every figure has its chance counterpart
//! beside it, so a user can see that a "hot" number is usually noise.

mod pairs;
pub mod patterns;
pub mod uniformity;

use serde::{Deserialize, Serialize};

use crate::game::GameSpec;
use crate::history::HistoryView;
use crate::odds::binomial;
use crate::ticket::NumberSet;

pub use pairs::{PairCount, PairMatrix, Pairs};
pub use patterns::{Features, PatternChance};
pub use uniformity::ChiSquare;

/// Options of [`Stats::compute`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsOptions {
    /// Recent draws that define hot and cold numbers (default 50).
    pub window: usize,
    /// How many hot, cold and overdue numbers and top pairs to list (default 6).
    pub top: usize,
    /// Only the latest `last` draws, for everything (default: all draws).
    /// The chance figures follow: they are computed for as many draws.
    pub last: Option<usize>,
}

impl StatsOptions {
    /// The options if each count is at least 1, else an error naming it.
    pub fn check(&self) -> crate::error::Result<&Self> {
        for (field, v) in [
            ("window", Some(self.window)),
            ("top", Some(self.top)),
            ("last", self.last),
        ] {
            if v == Some(0) {
                return Err(crate::error::Error::invalid(field, "must be at least 1"));
            }
        }
        Ok(self)
    }
}

impl Default for StatsOptions {
    fn default() -> Self {
        StatsOptions {
            window: 50,
            top: 6,
            last: None,
        }
    }
}

/// One number's record.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct NumberStat {
    /// The number.
    pub number: u8,
    /// Draws it was a main number in.
    pub count: u64,
    /// `(count − expected) / sd` under uniform draws.
    pub z: f64,
    /// Draws it was in among the last `window`.
    pub window_count: u64,
    /// Draws it was the (same-pool) bonus number in.
    pub bonus_count: u64,
    /// The last round it was drawn in, if ever.
    pub last_round: Option<u32>,
    /// Draws since it was last drawn (0: in the latest draw; all draws if never).
    pub gap: u64,
    /// The longest run of draws without it.
    pub max_gap: u64,
}

/// A distribution observed over the draws next to its exact chance distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Distribution {
    /// One row per value, from 0.
    pub rows: Vec<DistributionRow>,
    /// Observed mean.
    pub mean: f64,
    /// Mean under uniform draws.
    pub chance_mean: f64,
}

/// One value of a [`Distribution`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct DistributionRow {
    /// The value.
    pub value: u32,
    /// Draws with this value.
    pub observed: u64,
    /// `observed / draws`.
    pub share: f64,
    /// Probability under uniform draws.
    pub chance: f64,
}

/// Carry-over numbers (이월수): numbers repeated from the previous draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct CarryOver {
    /// Latest draw's numbers that were main numbers of the draw before.
    pub latest: Vec<u8>,
    /// Latest draw's numbers that were main or bonus numbers of the draw before.
    pub latest_with_bonus: Vec<u8>,
    /// How many main numbers each draw repeated from the previous draw's main numbers.
    pub distribution: Distribution,
    /// The same, counting the previous draw's bonus too.
    pub with_bonus: Distribution,
}

/// Sum of the numbers of each draw.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct SumStats {
    /// Observed mean.
    pub mean: f64,
    /// Observed standard deviation.
    pub sd: f64,
    /// Chance mean.
    pub chance_mean: f64,
    /// Chance standard deviation.
    pub chance_sd: f64,
    /// The central 90 % of sums under chance.
    pub chance_band: (u16, u16),
    /// Share of draws whose sum fell in that band (about 0.9 by chance).
    pub share_in_band: f64,
}

/// Mean count per draw of a group of numbers (a decade, a last digit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct GroupMean {
    /// The group: `1-9`, `10-19`, ... or the last digit `0`..`9`.
    pub group: String,
    /// Observed mean count per draw.
    pub mean: f64,
    /// Chance mean count per draw.
    pub chance_mean: f64,
}

/// Pattern features of the draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PatternStats {
    /// Odd numbers per draw.
    pub odd: Distribution,
    /// Low numbers (1..=pool/2) per draw.
    pub low: Distribution,
    /// Pairs of consecutive numbers per draw.
    pub consecutive_pairs: Distribution,
    /// Share of draws with at least one consecutive pair.
    pub any_consecutive: f64,
    /// The same under chance (0.529 for 6/45).
    pub chance_any_consecutive: f64,
    /// Sums.
    pub sum: SumStats,
    /// Numbers per decade per draw.
    pub decades: Vec<GroupMean>,
    /// Numbers per last digit per draw.
    pub last_digits: Vec<GroupMean>,
}

/// Statistics of a history; see the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Stats {
    /// The game id.
    pub game: String,
    /// Draws analysed.
    pub draws: u64,
    /// The first round analysed.
    pub first_round: Option<u32>,
    /// The latest round analysed.
    pub latest_round: Option<u32>,
    /// Per number, 1..=pool.
    pub numbers: Vec<NumberStat>,
    /// Expected count of every number under uniform draws.
    pub expected_count: f64,
    /// Its standard deviation.
    pub count_sd: f64,
    /// The recent window of draws for hot and cold.
    pub window: u64,
    /// Expected count of a number within the window.
    pub window_expected: f64,
    /// Most drawn in the window.
    pub hot: Vec<u8>,
    /// Least drawn in the window.
    pub cold: Vec<u8>,
    /// Longest current gaps.
    pub overdue: Vec<u8>,
    /// Expected gap between appearances under chance, `(1−p)/p` draws.
    pub expected_gap: f64,
    /// Carry-over numbers.
    pub carry_over: CarryOver,
    /// Companion pairs.
    pub pairs: Pairs,
    /// Pattern features.
    pub patterns: PatternStats,
    /// Chi-square test of uniform frequencies (`None` without draws).
    pub uniformity: Option<ChiSquare>,
    /// Draws containing both `a` and `b`, for every pair; see [`PairMatrix`].
    pub pair_matrix: PairMatrix,
}

impl Stats {
    /// Computes the statistics of `view`.
    pub fn compute(view: HistoryView<'_>, opts: &StatsOptions) -> Stats {
        let view = opts.last.map_or(view, |n| view.latest(n));
        let game = view.game();
        let draws = view.draws();
        let pool = usize::from(game.pool());
        let picks = game.picks();
        let d = draws.len();
        let window_start = d.saturating_sub(opts.window);

        let mut counts = vec![0u64; pool + 1];
        let mut bonus_counts = vec![0u64; pool + 1];
        let mut window_counts = vec![0u64; pool + 1];
        let mut last_idx: Vec<Option<usize>> = vec![None; pool + 1];
        let mut max_gap = vec![0u64; pool + 1];
        // Pairs are counted in a flat upper triangle (a < b) and mirrored into
        // the matrix once at the end: cheaper than 2-D indexing per pair.
        let width = pool + 1;
        let mut pair_counts = vec![0u32; width * width];
        let mut hist = Hist::new(usize::from(picks));
        let bonus_same_pool = matches!(game.bonus(), crate::game::BonusRule::SamePool { .. });
        let mut prev: Option<(NumberSet, NumberSet)> = None;
        let mut nums = Vec::with_capacity(usize::from(picks));

        for (i, draw) in draws.iter().enumerate() {
            let set = draw.numbers();
            nums.clear();
            nums.extend(set.iter());
            for (k, &a) in nums.iter().enumerate() {
                let a = usize::from(a);
                counts[a] += 1;
                if i >= window_start {
                    window_counts[a] += 1;
                }
                let gap = last_idx[a].map_or(i, |j| i - j - 1) as u64;
                max_gap[a] = max_gap[a].max(gap);
                last_idx[a] = Some(i);
                let row = &mut pair_counts[a * width..(a + 1) * width];
                for &b in &nums[k + 1..] {
                    row[usize::from(b)] += 1;
                }
            }
            if bonus_same_pool {
                for b in draw.bonus().iter() {
                    bonus_counts[usize::from(b)] += 1;
                }
            }
            hist.add(Features::of(set, game.pool()), set, prev);
            prev = Some((
                set,
                if bonus_same_pool {
                    draw.bonus()
                } else {
                    NumberSet::EMPTY
                },
            ));
        }

        let pair_matrix = PairMatrix {
            width,
            counts: (0..width * width)
                .map(|i| {
                    let (a, b) = (i / width, i % width);
                    pair_counts[a.min(b) * width + a.max(b)]
                })
                .collect(),
        };
        let p = f64::from(picks) / pool as f64;
        let expected_count = d as f64 * p;
        let count_sd = (d as f64 * p * (1.0 - p)).sqrt();
        let numbers: Vec<NumberStat> = (1..=pool)
            .map(|n| {
                let gap = last_idx[n].map_or(d, |j| d - j - 1) as u64;
                NumberStat {
                    number: n as u8,
                    count: counts[n],
                    z: if count_sd > 0.0 {
                        (counts[n] as f64 - expected_count) / count_sd
                    } else {
                        0.0
                    },
                    window_count: window_counts[n],
                    bonus_count: bonus_counts[n],
                    last_round: last_idx[n].map(|j| draws[j].round()),
                    gap,
                    max_gap: max_gap[n].max(gap),
                }
            })
            .collect();

        let ranked = |key: &dyn Fn(&NumberStat) -> i64| -> Vec<u8> {
            let mut v: Vec<&NumberStat> = numbers.iter().collect();
            v.sort_by_key(|s| (std::cmp::Reverse(key(s)), s.number));
            v.iter().take(opts.top).map(|s| s.number).collect()
        };
        let hot = ranked(&|s| s.window_count as i64);
        let cold = ranked(&|s| -(s.window_count as i64));
        let overdue = ranked(&|s| s.gap as i64);

        let chance = PatternChance::of(game);
        let latest = draws.last().map(|x| x.numbers()).unwrap_or_default();
        let (before_main, before_bonus) = draws
            .len()
            .checked_sub(2)
            .map(|i| (draws[i].numbers(), draws[i].bonus()))
            .unwrap_or_default();
        let carry_over = CarryOver {
            latest: latest.intersection(before_main).to_vec(),
            latest_with_bonus: if bonus_same_pool {
                latest
                    .intersection(before_main.union(before_bonus))
                    .to_vec()
            } else {
                latest.intersection(before_main).to_vec()
            },
            distribution: hist.carry.finish(&hypergeometric(game, u32::from(picks))),
            with_bonus: hist.carry_bonus.finish(&hypergeometric(
                game,
                u32::from(picks)
                    + if bonus_same_pool {
                        u32::from(game.bonus().drawn())
                    } else {
                        0
                    },
            )),
        };

        let pairs = Pairs::compute(&pair_matrix, &counts, d as u64, picks, opts.top);

        let patterns = hist.patterns(game, &chance, d);
        let uniformity = uniformity::lottery_uniformity(&counts[1..], d as u64, picks);
        Stats {
            game: game.id().to_owned(),
            draws: d as u64,
            first_round: draws.first().map(|x| x.round()),
            latest_round: view.latest_round(),
            numbers,
            expected_count,
            count_sd,
            window: (d - window_start) as u64,
            window_expected: (d - window_start) as f64 * p,
            hot,
            cold,
            overdue,
            expected_gap: (1.0 - p) / p,
            carry_over,
            pairs,
            patterns,
            uniformity,
            pair_matrix,
        }
    }
}

/// The pair matrix as rows of numbers, for JSON.
/// P(a random combination shares k numbers with a fixed set of `m`), k = 0..=picks.
fn hypergeometric(game: &GameSpec, m: u32) -> Vec<f64> {
    let (big_n, n) = (u32::from(game.pool()), u32::from(game.picks()));
    let total = binomial(big_n, n).unwrap_or(0) as f64;
    (0..=n)
        .map(|k| {
            binomial(m, k)
                .zip(binomial(big_n.saturating_sub(m), n - k))
                .map_or(0.0, |(a, b)| a as f64 * b as f64)
                / total
        })
        .collect()
}

/// Counts of a small integer feature.
struct Counter(Vec<u64>);

impl Counter {
    fn add(&mut self, v: usize) {
        if v >= self.0.len() {
            self.0.resize(v + 1, 0);
        }
        self.0[v] += 1;
    }

    fn finish(&self, chance: &[f64]) -> Distribution {
        let total: u64 = self.0.iter().sum();
        let len = self.0.len().max(chance.len());
        let rows: Vec<DistributionRow> = (0..len)
            .map(|v| {
                let observed = self.0.get(v).copied().unwrap_or(0);
                DistributionRow {
                    value: v as u32,
                    observed,
                    share: if total > 0 {
                        observed as f64 / total as f64
                    } else {
                        0.0
                    },
                    chance: chance.get(v).copied().unwrap_or(0.0),
                }
            })
            .collect();
        let mean = if total > 0 {
            rows.iter()
                .map(|r| f64::from(r.value) * r.observed as f64)
                .sum::<f64>()
                / total as f64
        } else {
            0.0
        };
        let chance_mean = rows.iter().map(|r| f64::from(r.value) * r.chance).sum();
        Distribution {
            rows,
            mean,
            chance_mean,
        }
    }
}

/// Accumulators of the per-draw features.
struct Hist {
    odd: Counter,
    low: Counter,
    consecutive: Counter,
    carry: Counter,
    carry_bonus: Counter,
    sums: Vec<u16>,
    decades: [u64; 13],
    digits: [u64; 10],
}

impl Hist {
    fn new(picks: usize) -> Hist {
        let c = || Counter(vec![0; picks + 1]);
        Hist {
            odd: c(),
            low: c(),
            consecutive: Counter(vec![0; picks]),
            carry: c(),
            carry_bonus: c(),
            sums: Vec::new(),
            decades: [0; 13],
            digits: [0; 10],
        }
    }

    fn add(&mut self, f: Features, set: NumberSet, prev: Option<(NumberSet, NumberSet)>) {
        self.odd.add(usize::from(f.odd));
        self.low.add(usize::from(f.low));
        self.consecutive.add(usize::from(f.consecutive_pairs));
        self.sums.push(f.sum);
        for n in set.iter() {
            self.decades[usize::from(n / 10)] += 1;
            self.digits[usize::from(n % 10)] += 1;
        }
        if let Some((main, bonus)) = prev {
            self.carry.add(usize::from(set.common(main)));
            self.carry_bonus
                .add(usize::from(set.common(main.union(bonus))));
        }
    }

    fn patterns(&self, game: &GameSpec, chance: &PatternChance, d: usize) -> PatternStats {
        let pool = game.pool();
        let picks = f64::from(game.picks());
        let df = d.max(1) as f64;
        let mean = self.sums.iter().map(|&s| f64::from(s)).sum::<f64>() / df;
        let var = self
            .sums
            .iter()
            .map(|&s| (f64::from(s) - mean).powi(2))
            .sum::<f64>()
            / (d.max(2) - 1) as f64;
        let (lo, hi) = chance.sum_band;
        let in_band = self
            .sums
            .iter()
            .filter(|&&s| (lo..=hi).contains(&s))
            .count();
        let group = |label: String, observed: u64, members: usize| GroupMean {
            group: label,
            mean: observed as f64 / df,
            chance_mean: picks * members as f64 / f64::from(pool),
        };
        let decades = (0..=usize::from(pool / 10))
            .map(|t| {
                let first = (t * 10).max(1);
                let last = (t * 10 + 9).min(usize::from(pool));
                group(format!("{first}-{last}"), self.decades[t], last + 1 - first)
            })
            .collect();
        let last_digits = (0..10)
            .map(|digit| {
                let members = (1..=usize::from(pool)).filter(|n| n % 10 == digit).count();
                group(digit.to_string(), self.digits[digit], members)
            })
            .collect();
        let consecutive_pairs = self.consecutive.finish(&chance.consecutive_pairs);
        let any = consecutive_pairs
            .rows
            .iter()
            .skip(1)
            .map(|r| r.observed)
            .sum::<u64>() as f64
            / df;
        PatternStats {
            odd: self.odd.finish(&chance.odd),
            low: self.low.finish(&chance.low),
            consecutive_pairs,
            any_consecutive: any,
            chance_any_consecutive: chance.p_any_consecutive(),
            sum: SumStats {
                mean,
                sd: var.sqrt(),
                chance_mean: chance.sum_mean,
                chance_sd: chance.sum_sd,
                chance_band: chance.sum_band,
                share_in_band: in_band as f64 / df,
            },
            decades,
            last_digits,
        }
    }
}
