//! The `anti-popular` strategy: tickets few other people play.
//!
//! Numbers get equal weights, so every ticket has the same chance as any
//! other; among 64 random candidates (honouring include and exclude) the one
//! with the highest expected value under the [popularity
//! model](crate::popularity) is kept. The model is refitted every 100 draws
//! as the history is learnt, so a walk-forward backtest never uses winner
//! counts from the future. Without sales and winner counts (a simulated
//! history) there is nothing to learn from and the tickets are uniform.

use crate::draw::Draw;
use crate::game::GameSpec;
use crate::history::HistoryView;
use crate::popularity::{MIN_TRAINING_DRAWS, Popularity, Valuation, recent_sales};
use crate::ticket::NumberSet;

use super::{Model, Predictor, Reason};

/// Candidates per ticket.
const CANDIDATES: usize = 64;

/// New draws after which the popularity model is refitted.
const REFIT_EVERY: usize = 100;

/// Fisher-scoring iterations of a refit from the previous parameters.
const REFIT_ITERATIONS: usize = 4;

pub(super) struct AntiPopular {
    game: GameSpec,
    draws: Vec<Draw>,
    /// Draws with sales and winners for every rank.
    usable: usize,
    fitted: Option<(Popularity, Valuation)>,
    fitted_at: usize,
    popularity: Vec<f64>,
}

impl AntiPopular {
    pub(super) fn new(game: &GameSpec) -> AntiPopular {
        AntiPopular {
            game: game.clone(),
            draws: Vec::new(),
            usable: 0,
            fitted: None,
            fitted_at: 0,
            popularity: vec![1.0; usize::from(game.pool()) + 1],
        }
    }

    fn refit_if_due(&mut self) {
        let due = match &self.fitted {
            None => self.usable >= MIN_TRAINING_DRAWS && self.usable > self.fitted_at,
            Some(_) => self.usable >= self.fitted_at + REFIT_EVERY,
        };
        if !due {
            return;
        }
        let view = HistoryView::of(&self.game, &self.draws);
        // The second model as soon as the history holds its data (the
        // 1st-prize choice split starts at Korean draw 262); until then,
        // and for games without it, the first. Refits follow the history.
        let model = match self.fitted.take() {
            Some((mut m, _)) if m.quick_picks().is_none() => Popularity::fit_second_bundled(view)
                .or_else(|_| {
                    m.refit(view, REFIT_ITERATIONS)?;
                    Ok(m)
                }),
            Some((mut m, _)) => m.refit(view, REFIT_ITERATIONS).map(|()| m),
            None => Popularity::fit_best(view),
        };
        self.fitted_at = self.usable;
        if let (Ok(model), Some(sales)) = (model, recent_sales(view)) {
            let valuation = Valuation::new(&model, &self.game, sales);
            self.popularity = model.number_popularity();
            self.fitted = Some((model, valuation));
        }
    }
}

impl Predictor for AntiPopular {
    fn model(&self) -> Model {
        Model::AntiPopular
    }

    fn observe(&mut self, draw: &Draw) {
        let complete = draw.total_sales().is_some()
            && self
                .game
                .tiers()
                .iter()
                .all(|t| draw.result(t.rank).is_some());
        self.usable += usize::from(complete);
        self.draws.push(draw.clone());
    }

    fn weights(&mut self, out: &mut [f64]) {
        self.refit_if_due();
        out.iter_mut().for_each(|w| *w = 1.0);
    }

    fn candidates(&self) -> usize {
        if self.fitted.is_some() { CANDIDATES } else { 1 }
    }

    fn score(&self, main: NumberSet) -> f64 {
        self.fitted
            .as_ref()
            .map_or(0.0, |(m, v)| m.expected_value(main, v))
    }

    fn explain(&self, n: u8) -> Reason {
        match &self.fitted {
            Some((m, _)) => Reason::Popularity {
                relative: self.popularity.get(usize::from(n)).copied().unwrap_or(1.0),
                draws: m.training().map_or(0, |t| t.draws),
                candidates: CANDIDATES,
            },
            None => Reason::PopularityUnknown {
                usable: self.usable,
                needed: MIN_TRAINING_DRAWS,
            },
        }
    }
}
