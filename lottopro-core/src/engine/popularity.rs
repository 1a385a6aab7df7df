//! The popularity model on the engine's history: fitted once per history
//! epoch and kept, like its out-of-sample evaluation (a quarter of a second
//! of work that only new draws change).

use std::sync::{Arc, Mutex};

use super::Engine;
use crate::error::Result;
use crate::history::History;
use crate::metrics::CacheEvent;
use crate::money::Money;
use crate::popularity::{
    Popularity, PopularityEvaluation, SalesDistribution, TicketPopularity, sales_or_recent,
};
use crate::ticket::Ticket;
use crate::wheel::{Wheel, WheelRequest};

/// A value computed from one history epoch, kept until the epoch changes.
pub(super) type PerEpoch<T> = Mutex<Option<(u64, Arc<T>)>>;

impl Engine {
    /// What the popularity model fitted to the current history says about
    /// `ticket` in a draw with `sales` (default: the mean of the last ten
    /// draws). Changes the expected share of a prize, never the chance.
    pub fn popularity(&self, ticket: &Ticket, sales: Option<Money>) -> Result<TicketPopularity> {
        self.timed("popularity", || {
            let h = self.history();
            self.popularity_model(&h)?
                .ticket(h.game(), ticket, Some(h.view()), sales)
        })
    }

    /// The popularity model's out-of-sample evaluation on the current
    /// history (trained up to round 1000, scored on the rest).
    pub fn popularity_evaluation(&self) -> Result<PopularityEvaluation> {
        self.timed("popularity_evaluation", || {
            let h = self.history();
            let e = self.per_epoch(&self.evaluation, &h, |h| {
                Popularity::evaluate(h.view(), crate::popularity::VALIDATION_SPLIT)
            })?;
            Ok(PopularityEvaluation::clone(&e))
        })
    }

    /// What a draw with `sales` (default: the mean of the last ten draws)
    /// looks like under the popularity model: combinations never bought,
    /// bought once, 50 times or more, and the largest crowd.
    pub fn sales_distribution(&self, sales: Option<Money>) -> Result<SalesDistribution> {
        self.timed("popularity", || {
            let h = self.history();
            let sales = sales_or_recent(Some(h.view()), sales)?;
            self.popularity_model(&h)?.sales_distribution(sales)
        })
    }

    /// The wheel `request` asks for, relabelled so that its tickets carry
    /// the most expected value under the popularity model in a draw with
    /// `sales` (default: the mean of the last ten draws), seeded by the
    /// request's seed; see [`Wheel::weighted`]. The same guarantee and
    /// chances as [`Engine::wheel`]'s.
    pub fn weighted_wheel(&self, request: &WheelRequest, sales: Option<Money>) -> Result<Wheel> {
        self.timed("wheel", || {
            let h = self.history();
            let plain = request.build(h.game())?;
            let sales = sales_or_recent(Some(h.view()), sales)?;
            let model = self.popularity_model(&h)?;
            plain.weighted(h.game(), &model, sales, request.seed.unwrap_or(1))
        })
    }

    /// The wheel `request` asks for: [`Engine::weighted_wheel`] when
    /// `weighted` (in a draw with `sales`), else [`Engine::wheel`]. `sales`
    /// values a weighted wheel only: without `weighted` it is refused, not
    /// ignored. The one rule every surface's wheel option follows.
    pub fn wheel_with(
        &self,
        request: &WheelRequest,
        weighted: bool,
        sales: Option<Money>,
    ) -> Result<Wheel> {
        match (weighted, sales) {
            (true, sales) => self.weighted_wheel(request, sales),
            (false, None) => self.wheel(request),
            (false, Some(_)) => Err(crate::Error::invalid(
                "sales",
                "values a weighted wheel only: ask for the weighted wheel as well",
            )),
        }
    }

    /// The second model where the history and LottoPro's data allow it
    /// (Korean Lotto 6/45 with 1st-prize choice counts), else the first.
    pub(super) fn popularity_model(&self, h: &History) -> Result<Arc<Popularity>> {
        self.per_epoch(&self.popularity, h, |h| Popularity::fit_best(h.view()))
    }

    /// `slot`'s value for `h`'s epoch, computed (and kept) on a miss; a
    /// fitted model, counted in the `fitted` tier of the metrics.
    fn per_epoch<T>(
        &self,
        slot: &PerEpoch<T>,
        h: &History,
        compute: impl FnOnce(&History) -> Result<T>,
    ) -> Result<Arc<T>> {
        let (value, hit) = Self::kept_per_epoch(slot, h, compute)?;
        let event = if hit {
            CacheEvent::Hit
        } else {
            CacheEvent::Miss
        };
        self.metrics.cache("fitted", event);
        Ok(value)
    }

    /// `slot`'s value for `h`'s epoch and whether it was kept already,
    /// computed (and kept) on a miss.
    pub(super) fn kept_per_epoch<T>(
        slot: &PerEpoch<T>,
        h: &History,
        compute: impl FnOnce(&History) -> Result<T>,
    ) -> Result<(Arc<T>, bool)> {
        let epoch = h.epoch();
        let kept = slot.lock().ok().and_then(|m| {
            m.as_ref()
                .filter(|(e, _)| *e == epoch)
                .map(|(_, v)| v.clone())
        });
        if let Some(v) = kept {
            return Ok((v, true));
        }
        let value = Arc::new(compute(h)?);
        if let Ok(mut memo) = slot.lock() {
            *memo = Some((epoch, value.clone()));
        }
        Ok((value, false))
    }
}
