//! Why a model weighs a number as it does, as data.
//!
//! Each model states its reason as a [`Reason`]: the figures it rests on,
//! named, so that a host can word it in its own language (the HTTP
//! service's pages do, in Korean, English and Japanese). Its `Display` is
//! the English sentence that [`NumberWhy::reason`](super::NumberWhy::reason)
//! carries.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A feature of the machine-learning model, in the order of its weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// The constant term.
    Intercept,
    /// Frequency in the last 10 draws.
    Recent10,
    /// Frequency in the last 50 draws.
    Recent50,
    /// Frequency over the whole history.
    LongRun,
    /// Draws since the number was last drawn.
    Gap,
    /// Whether it was in the last draw (carry-over).
    CarryOver,
    /// How often it came with the numbers of the last draw.
    PairAffinity,
}

impl Feature {
    /// Every feature, in the order of the model's weights.
    pub const ALL: [Feature; 7] = [
        Feature::Intercept,
        Feature::Recent10,
        Feature::Recent50,
        Feature::LongRun,
        Feature::Gap,
        Feature::CarryOver,
        Feature::PairAffinity,
    ];

    /// Its name in English.
    pub fn english(self) -> &'static str {
        match self {
            Feature::Intercept => "intercept",
            Feature::Recent10 => "frequency in the last 10 draws",
            Feature::Recent50 => "frequency in the last 50 draws",
            Feature::LongRun => "long-run frequency",
            Feature::Gap => "gap since last drawn",
            Feature::CarryOver => "in the last draw (carry-over)",
            Feature::PairAffinity => "pair affinity with the last draw",
        }
    }
}

/// One feature's push on a number's score (weight × value).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Contribution {
    /// The feature.
    pub feature: Feature,
    /// Its contribution to the score (log-odds).
    pub value: f64,
}

/// The figures a model's reason for one number rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// `frequency`: how often it was drawn.
    Frequency {
        /// Draws it was in.
        count: u64,
        /// Draws learnt from.
        draws: usize,
        /// What chance expects of as many draws.
        expected: f64,
    },
    /// `trend`: its recency-weighted count.
    Trend {
        /// The count, each draw weighted by `0.5^(age / half_life)`.
        score: f64,
        /// The half-life, in draws.
        half_life: f64,
        /// What chance expects.
        expected: f64,
    },
    /// `statistical`: how long it has been away and how often it came lately.
    Due {
        /// Draws since it was last drawn.
        gap: u64,
        /// The gap as a z-score against the geometric expectation.
        gap_z: f64,
        /// Draws it was in among the recent ones.
        recent: u64,
        /// How many recent draws.
        window: usize,
        /// The recent deficit as a z-score.
        deficit_z: f64,
    },
    /// `pattern`: equal weights; the ticket copies a past draw's split.
    Pattern {
        /// Past draws whose odd/low split a ticket may copy.
        draws: usize,
        /// The sum band the ticket is kept in.
        sum_low: u32,
        /// Its upper end.
        sum_high: u32,
    },
    /// `ml` after learning: its probability and the features that push it up.
    Learned {
        /// The model's probability that it is drawn.
        probability: f64,
        /// Chance's.
        chance: f64,
        /// The two features that push its score up most.
        strongest: Vec<Contribution>,
    },
    /// `ml` before it has learnt anything.
    Unlearned,
    /// `anti-popular`: how often players pick it.
    Popularity {
        /// Players pick it this many times as often as the average number.
        relative: f64,
        /// Draws the popularity model learnt from.
        draws: usize,
        /// Random candidates each ticket is the best of.
        candidates: usize,
    },
    /// `anti-popular` without enough sales to learn popularity from.
    PopularityUnknown {
        /// Draws with what is needed.
        usable: usize,
        /// Draws needed.
        needed: usize,
    },
    /// `random`: the control.
    Uniform,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Frequency {
                count,
                draws,
                expected,
            } => write!(
                f,
                "drawn {count} times in {draws} draws (chance expects {expected:.1})"
            ),
            Reason::Trend {
                score,
                half_life,
                expected,
            } => write!(
                f,
                "recency-weighted count {score:.2} (half-life {half_life} draws; chance expects {expected:.2})"
            ),
            Reason::Due {
                gap,
                gap_z,
                recent,
                window,
                deficit_z,
            } => write!(
                f,
                "away {gap} draws (gap z {gap_z:+.2}); drawn {recent} times in the last {window} (deficit z {deficit_z:+.2})"
            ),
            Reason::Pattern {
                draws,
                sum_low,
                sum_high,
            } => write!(
                f,
                "numbers are weighted equally; the ticket copies the odd/low split of one of {draws} past draws and keeps its sum in {sum_low}..={sum_high}"
            ),
            Reason::Learned {
                probability,
                chance,
                strongest,
            } => {
                let top: Vec<String> = strongest
                    .iter()
                    .map(|c| format!("{} {:+.3}", c.feature.english(), c.value))
                    .collect();
                write!(
                    f,
                    "model probability {:.1} % (chance {:.1} %); strongest features: {}",
                    probability * 100.0,
                    chance * 100.0,
                    top.join(", ")
                )
            }
            Reason::Unlearned => f.write_str("logistic regression on lagged features"),
            Reason::Popularity {
                relative,
                draws,
                candidates,
            } => write!(
                f,
                "players pick it {relative:.2}× as often as the average number (popularity model on {draws} draws); \
                 the ticket is the best of {candidates} random ones by expected value — it wins no more often, \
                 it shares a prize with fewer people"
            ),
            Reason::PopularityUnknown { usable, needed } => write!(
                f,
                "no sales and winner counts to learn popularity from ({usable} of the {needed} draws needed): a uniform pick"
            ),
            Reason::Uniform => f.write_str("chosen uniformly at random (the control)"),
        }
    }
}
