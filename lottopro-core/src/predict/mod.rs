//! Number-generation models, and the one sampler they share.
//!
//! A fair draw cannot be predicted. These models are well-defined strategies
//! that turn a history into tickets; how they fare against chance is measured
//! by [`backtest`](mod@crate::backtest), never claimed.
//!
//! [`Predictor`] is the behaviour: a model learns draws one at a time
//! ([`Predictor::observe`]) and then gives per-number weights for the next
//! draw. Learning incrementally is what lets a walk-forward backtest over the
//! whole history cost one pass instead of one refit per round. [`Model`] is
//! the closed, serialisable name that the CLI, Python and HTTP use to pick one:
//!
//! | model | weights |
//! | --- | --- |
//! | `frequency` | long-run count of each number (plus one) |
//! | `trend` | exponentially decayed count, half-life 10 draws |
//! | `pattern` | equal weights; each ticket must match the odd/low counts of a randomly chosen past draw, keep its sum within the central 80 % of past sums and have no more consecutive pairs than 90 % of past draws |
//! | `statistical` | "due numbers": a softmax of the gap z-score (draws since last seen, against the geometric expectation) plus the frequency deficit over the last 100 draws |
//! | `ml` | a logistic regression per number on lagged features (recent and long-run frequency, gap, carry-over, pair affinity with the last draw), trained online with SGD on earlier rounds only |
//! | `anti-popular` | equal weights; each ticket is the best of 64 random candidates by expected value under the [popularity model](crate::popularity) refitted every 100 draws: fewer people to share a prize with, the same chance to win it |
//! | `random` | equal weights: the control |

mod anti_popular;
mod ml;
mod models;
mod pattern;
mod reason;
pub mod sampler;
mod score;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::draw::Draw;
use crate::error::{Error, Result};
use crate::game::GameSpec;
use crate::history::HistoryView;
use crate::rng::{self, LottoRng};
use crate::ticket::Ticket;

pub use reason::{Contribution, Feature, Reason};
pub use sampler::{Constraint, MAX_TICKETS, Sampler};

/// Keeps [`Predictor`] implementable only inside this crate.
mod sealed {
    pub trait Sealed {}
    impl Sealed for super::anti_popular::AntiPopular {}
    impl Sealed for super::pattern::Pattern {}
    impl Sealed for super::models::Frequency {}
    impl Sealed for super::models::Trend {}
    impl Sealed for super::models::Statistical {}
    impl Sealed for super::models::Uniform {}
    impl Sealed for super::ml::Ml {}
}
pub use score::{PredictionScore, TicketScore};

/// A number-generation strategy that learns draws in round order.
///
/// **Sealed.** The models are the closed [`Model`] enum: the engine memoises
/// fitted models per `Model` and history epoch, the backtest derives each
/// model's random stream from its name, and HTTP and Python select them by
/// name, so a strategy outside the enum would have no name, no stable seed and
/// no cache key. The trait is public so its documentation shows what a model
/// is made of (weights, an optional whole-ticket constraint, reasons), and
/// sealed so that adding a method is not a breaking change. A new strategy is
/// a new `Model` variant.
pub trait Predictor: Send + Sync + sealed::Sealed {
    /// Which model this is.
    fn model(&self) -> Model;

    /// Learns one more draw. Draws must arrive in round order.
    fn observe(&mut self, draw: &Draw);

    /// Weights for the next draw: `out[n]` for each number `n` in `1..=pool`
    /// (`out[0]` is unused). Larger means more likely to be picked.
    fn weights(&mut self, out: &mut [f64]);

    /// A condition on the next ticket as a whole, if the model has one.
    fn constraint(&self, _rng: &mut LottoRng) -> Option<Constraint> {
        None
    }

    /// Why number `n` has the weight it has now.
    fn explain(&self, n: u8) -> Reason;

    /// Candidate tickets drawn per ticket, the best by
    /// [`Predictor::score`] kept; 1 for models that weigh numbers only.
    fn candidates(&self) -> usize {
        1
    }

    /// How good a whole ticket's main numbers are (larger is better); only
    /// consulted when [`Predictor::candidates`] is above 1.
    fn score(&self, _main: crate::ticket::NumberSet) -> f64 {
        0.0
    }
}

/// The models by name; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Model {
    /// Long-run frequency.
    Frequency,
    /// Recency-weighted frequency.
    Trend,
    /// Combinations that follow historical patterns.
    Pattern,
    /// Gaps and deviations from the uniform expectation.
    Statistical,
    /// Online logistic regression on lagged features.
    Ml,
    /// Uniformly random tickets: the control.
    Random,
    /// The least shared: the best of 64 random tickets by expected value
    /// under the [popularity model](crate::popularity). Same chance of
    /// winning as any ticket; a smaller crowd to share a prize with.
    #[serde(rename = "anti-popular")]
    AntiPopular,
}

impl Model {
    /// Every model, the control last.
    pub const ALL: [Model; 7] = [
        Model::Frequency,
        Model::Trend,
        Model::Pattern,
        Model::Statistical,
        Model::Ml,
        Model::AntiPopular,
        Model::Random,
    ];

    /// The model's place in [`Model::ALL`]; its backtest seed derives from
    /// it, so the model's row is the same in every table it appears in.
    pub(crate) fn index(self) -> u64 {
        Model::ALL
            .iter()
            .position(|m| *m == self)
            .map_or(0, |i| i as u64)
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Model::Frequency => "frequency",
            Model::Trend => "trend",
            Model::Pattern => "pattern",
            Model::Statistical => "statistical",
            Model::Ml => "ml",
            Model::Random => "random",
            Model::AntiPopular => "anti-popular",
        }
    }

    /// A new, untrained predictor of this model for `game`.
    pub fn predictor(self, game: &GameSpec) -> Box<dyn Predictor> {
        match self {
            Model::Frequency => Box::new(models::Frequency::new(game)),
            Model::Trend => Box::new(models::Trend::new(game)),
            Model::Pattern => Box::new(pattern::Pattern::new(game)),
            Model::Statistical => Box::new(models::Statistical::new(game)),
            Model::Ml => Box::new(ml::Ml::new(game)),
            Model::Random => Box::new(models::Uniform::new(game)),
            Model::AntiPopular => Box::new(anti_popular::AntiPopular::new(game)),
        }
    }

    /// A predictor trained on every draw of `view`.
    pub fn fit(self, view: HistoryView<'_>) -> Box<dyn Predictor> {
        let mut p = self.predictor(view.game());
        for d in view.draws() {
            p.observe(d);
        }
        p
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Model {
    type Err = Error;
    fn from_str(s: &str) -> Result<Model> {
        Model::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                let names: Vec<&str> = Model::ALL.iter().map(|m| m.as_str()).collect();
                Error::invalid(
                    "model",
                    format!("unknown model '{s}'; models: {}", names.join(", ")),
                )
            })
    }
}

/// A set of models as users name them: `all`, or names separated by commas.
/// A name given twice counts once, so a selection never holds more models
/// than exist; order follows the first mention.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct ModelSelection(Vec<Model>);

impl ModelSelection {
    /// Every model ([`Model::ALL`]).
    pub fn all() -> ModelSelection {
        ModelSelection(Model::ALL.to_vec())
    }

    /// `all` (any case) or comma-separated names; blanks around names are
    /// ignored. An empty list or an unknown name is an error naming `model`.
    pub fn parse(text: &str) -> Result<ModelSelection> {
        if text.trim().eq_ignore_ascii_case("all") {
            return Ok(ModelSelection::all());
        }
        ModelSelection::from_names(text.split(','))
    }

    /// Models by name, each at most once.
    pub fn from_names<I, S>(names: I) -> Result<ModelSelection>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut models = Vec::new();
        for name in names {
            let name = name.as_ref();
            if name.trim().is_empty() {
                continue;
            }
            let model: Model = name.parse()?;
            if !models.contains(&model) {
                models.push(model);
            }
        }
        if models.is_empty() {
            return Err(Error::invalid("model", "name at least one model, or all"));
        }
        Ok(ModelSelection(models))
    }

    /// The models, in order.
    pub fn models(&self) -> &[Model] {
        &self.0
    }
}

impl Default for ModelSelection {
    fn default() -> Self {
        ModelSelection::all()
    }
}

impl FromStr for ModelSelection {
    type Err = Error;
    fn from_str(s: &str) -> Result<ModelSelection> {
        ModelSelection::parse(s)
    }
}

impl TryFrom<String> for ModelSelection {
    type Error = Error;
    fn try_from(s: String) -> Result<ModelSelection> {
        ModelSelection::parse(&s)
    }
}

impl From<ModelSelection> for String {
    fn from(m: ModelSelection) -> String {
        m.to_string()
    }
}

impl From<ModelSelection> for Vec<Model> {
    fn from(m: ModelSelection) -> Vec<Model> {
        m.0
    }
}

impl std::fmt::Display for ModelSelection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.0.iter().map(|m| m.as_str()).collect();
        f.write_str(&names.join(","))
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PredictRequest {
    /// The model.
    pub model: Model,
    /// How many distinct tickets, `1..=MAX_TICKETS`; when the include and
    /// exclude numbers allow fewer, the prediction holds every one of them.
    pub count: usize,
    /// Numbers every ticket must contain.
    #[serde(default)]
    pub include: Vec<u8>,
    /// Numbers no ticket may contain.
    #[serde(default)]
    pub exclude: Vec<u8>,
    /// The seed: the same seed, model and history give the same tickets
    /// everywhere; each model draws from its own stream of it.
    pub seed: u64,
}

impl PredictRequest {
    /// `count` tickets from `model`, with no numbers forced in or out and
    /// seed 42 (change any field afterwards, or use struct update syntax
    /// with `..PredictRequest::default()`).
    pub fn new(model: Model, count: usize) -> PredictRequest {
        PredictRequest {
            model,
            count,
            ..PredictRequest::default()
        }
    }
}

impl Default for PredictRequest {
    /// Five tickets from the `frequency` model, no numbers forced in or
    /// out, seed 42.
    fn default() -> Self {
        PredictRequest {
            model: Model::Frequency,
            count: 5,
            include: Vec::new(),
            exclude: Vec::new(),
            seed: 42,
        }
    }
}

/// One generated ticket and the reasons behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PredictedTicket {
    /// The ticket.
    #[serde(flatten)]
    pub ticket: Ticket,
    /// Why.
    pub why: Why,
}

/// Why a ticket holds its numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Why {
    /// The numbers the model chose, strongest weight first.
    pub numbers: Vec<NumberWhy>,
    /// Numbers that were in the ticket because the user included them.
    pub included: Vec<u8>,
    /// The combination constraint the ticket was drawn under, if any.
    pub constraint: Option<Constraint>,
}

/// One chosen number's weight and its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct NumberWhy {
    /// The number.
    pub number: u8,
    /// Its weight relative to the average free number (1.0 = average).
    pub relative_weight: f64,
    /// The model's reason, in English words.
    pub reason: String,
    /// The figures the reason rests on, for wording it in another language.
    pub basis: Reason,
}

/// The tickets of one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Prediction {
    /// The model.
    pub model: Model,
    /// The seed used.
    pub seed: u64,
    /// Draws the model learnt from.
    pub draws_used: usize,
    /// The latest round it learnt from (`None` for an empty history).
    pub based_on_round: Option<u32>,
    /// The tickets.
    pub tickets: Vec<PredictedTicket>,
}

/// Generates tickets from `view` as `request` asks; the input is validated
/// before any model work is done.
pub fn predict(view: HistoryView<'_>, request: &PredictRequest) -> Result<Prediction> {
    Sampler::new(
        view.game(),
        &request.include,
        &request.exclude,
        request.count,
    )?;
    FittedModel::fit(request.model, view).predict(view.game(), request)
}

/// A model fitted to a history, ready to hand out tickets for any request.
///
/// Fitting walks the whole history (milliseconds for `ml` on 1,245 draws);
/// drawing tickets from a fitted model takes microseconds. The engine
/// therefore keeps one per model and history epoch and never caches the
/// tickets themselves, which depend on the seed.
pub struct FittedModel {
    model: Model,
    predictor: Box<dyn Predictor>,
    weights: Vec<f64>,
    /// Each number's reason and its English sentence, worded once at the
    /// fit: wording them (floats to fixed decimals) for every number of
    /// every ticket of every request was among the request path's larger
    /// costs in a profile under load.
    explanations: Vec<(Reason, String)>,
    draws_used: usize,
    based_on_round: Option<u32>,
}

impl std::fmt::Debug for FittedModel {
    /// The model and what it learnt from; the fitted state itself is the
    /// model's own.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FittedModel")
            .field("model", &self.model)
            .field("draws_used", &self.draws_used)
            .field("based_on_round", &self.based_on_round)
            .finish_non_exhaustive()
    }
}

impl FittedModel {
    /// `model` after learning every draw of `view`.
    pub fn fit(model: Model, view: HistoryView<'_>) -> FittedModel {
        let mut predictor = model.fit(view);
        let pool = view.game().pool();
        let mut weights = vec![0.0; usize::from(pool) + 1];
        predictor.weights(&mut weights);
        let explanations = (0..=pool)
            .map(|n| {
                let reason = if n == 0 {
                    Reason::Uniform
                } else {
                    predictor.explain(n)
                };
                let sentence = reason.to_string();
                (reason, sentence)
            })
            .collect();
        FittedModel {
            model,
            predictor,
            weights,
            explanations,
            draws_used: view.len(),
            based_on_round: view.latest_round(),
        }
    }

    /// The model.
    pub fn model(&self) -> Model {
        self.model
    }

    /// Tickets for `request` (whose model must be this one), the same as
    /// [`predict`] on the history this model was fitted to.
    pub fn predict(&self, game: &GameSpec, request: &PredictRequest) -> Result<Prediction> {
        if request.model != self.model {
            return Err(Error::invalid(
                "model",
                format!("this fitted model is {}, not {}", self.model, request.model),
            ));
        }
        let sampler = Sampler::new(game, &request.include, &request.exclude, request.count)?;
        // Each model draws from its own stream of the seed, so two models with
        // near-uniform weights do not hand out near-identical tickets.
        let mut rng = rng::stream(request.seed, request.model as u64);
        let tickets = sampler.tickets(
            game,
            &self.weights,
            self.predictor.as_ref(),
            request.count,
            &mut rng,
        )?;
        let weights = &self.weights;
        let free: Vec<u8> = (1..=game.pool())
            .filter(|n| !sampler.include().contains(*n))
            .collect();
        let mean =
            free.iter().map(|&n| weights[usize::from(n)]).sum::<f64>() / free.len().max(1) as f64;
        let tickets = tickets
            .into_iter()
            .map(|(ticket, constraint)| {
                let mut numbers: Vec<NumberWhy> = ticket
                    .main()
                    .iter()
                    .filter(|n| !sampler.include().contains(*n))
                    .map(|n| {
                        let (basis, reason) = self
                            .explanations
                            .get(usize::from(n))
                            .cloned()
                            .unwrap_or_else(|| (Reason::Uniform, Reason::Uniform.to_string()));
                        NumberWhy {
                            number: n,
                            relative_weight: if mean > 0.0 {
                                weights[usize::from(n)] / mean
                            } else {
                                1.0
                            },
                            reason,
                            basis,
                        }
                    })
                    .collect();
                numbers.sort_by(|a, b| {
                    b.relative_weight
                        .total_cmp(&a.relative_weight)
                        .then(a.number.cmp(&b.number))
                });
                PredictedTicket {
                    ticket,
                    why: Why {
                        numbers,
                        included: sampler.include().to_vec(),
                        constraint,
                    },
                }
            })
            .collect();
        Ok(Prediction {
            model: request.model,
            seed: request.seed,
            draws_used: self.draws_used,
            based_on_round: self.based_on_round,
            tickets,
        })
    }
}

/// `count` tickets from the predictor's current state.
pub(crate) fn generate(
    game: &GameSpec,
    predictor: &mut dyn Predictor,
    sampler: &Sampler,
    count: usize,
    rng: &mut LottoRng,
) -> Result<Vec<(Ticket, Option<Constraint>)>> {
    let mut weights = vec![0.0; usize::from(game.pool()) + 1];
    predictor.weights(&mut weights);
    sampler.tickets(game, &weights, predictor, count, rng)
}
