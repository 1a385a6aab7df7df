//! Choosing a game by its id, for every surface: a numbers game of
//! [`GameSpec`] (Lotto 6/45 and the other presets), or Pension Lottery 720+
//! ([`crate::pension`]), whose tickets are digits rather than numbers.
//!
//! The CLI's `--game`, Python's `game=` and the service's `game` all read an
//! id through [`Game::parse`], and ask the game its odds and its tax here,
//! so which game answers, and what a game's tax needs (an amount for a
//! numbers game; the fixed prizes of 720+, valued at a discount rate), is
//! decided once.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::odds::Odds;
use crate::pension::{self, PensionExpectedValue, PensionOdds, TICKET_PRICE};
use crate::tax::{BracketTax, TaxAssessment, TaxRule};

use super::GameSpec;

/// A game chosen by id.
#[derive(Debug, Clone, PartialEq)]
pub enum Game {
    /// A game of numbers drawn from a pool: one of [`GameSpec::preset_ids`].
    Numbers(Box<GameSpec>),
    /// Pension Lottery 720+ ([`pension::GAME_ID`]).
    Pension,
}

/// The odds of a game's prizes, as that game counts them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum GameOdds {
    /// Tiers of matched numbers.
    Numbers(Odds),
    /// 720+'s ranks by trailing digits, and the bonus.
    Pension(PensionOdds),
}

/// What a game's tax rule makes of a prize.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum GameTax {
    /// One amount, assessed by the game's rule.
    Numbers(TaxAssessment),
    /// Every 720+ prize, taxed payment by payment, with the expected value.
    Pension(PensionExpectedValue),
}

/// A game as `lottopro games` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct GameSummary {
    /// The id that chooses it.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What a ticket holds, in words.
    pub ticket: String,
    /// Prize tiers (720+: seven ranks and the bonus).
    pub tiers: usize,
    /// The price of one ticket (one game), in minor units.
    pub ticket_price: Money,
    /// The currency of its amounts.
    pub currency: Currency,
    /// The name of its tax rule.
    pub tax_rule: String,
}

impl Game {
    /// The game of `id`, or an error naming the field `game` that lists
    /// every id.
    pub fn parse(id: &str) -> Result<Game> {
        if id.trim() == pension::GAME_ID {
            return Ok(Game::Pension);
        }
        GameSpec::preset(id.trim())
            .map(|g| Game::Numbers(Box::new(g)))
            .map_err(|_| {
                Error::invalid(
                    "game",
                    format!(
                        "unknown game '{id}'; known games: {}",
                        Game::ids().join(", ")
                    ),
                )
            })
    }

    /// Every id, the default first and 720+ last.
    pub fn ids() -> Vec<&'static str> {
        let mut ids = GameSpec::preset_ids().to_vec();
        ids.push(pension::GAME_ID);
        ids
    }

    /// Every game, in the order of [`Game::ids`].
    pub fn all() -> Vec<Game> {
        Game::ids()
            .into_iter()
            .filter_map(|id| Game::parse(id).ok())
            .collect()
    }

    /// The id.
    pub fn id(&self) -> &str {
        match self {
            Game::Numbers(g) => g.id(),
            Game::Pension => pension::GAME_ID,
        }
    }

    /// The numbers game, or an error naming the field `game` when this is
    /// 720+ and `operation` takes numbers games only.
    pub fn numbers(self, operation: &str) -> Result<GameSpec> {
        match self {
            Game::Numbers(g) => Ok(*g),
            Game::Pension => Err(Error::invalid(
                "game",
                format!(
                    "{operation} is for games of numbers ({}); Pension Lottery 720+ ({}) is not one",
                    GameSpec::preset_ids().join(", "),
                    pension::GAME_ID
                ),
            )),
        }
    }

    /// The exact odds of every prize.
    pub fn odds(&self) -> GameOdds {
        match self {
            Game::Numbers(g) => GameOdds::Numbers(Odds::of(g)),
            Game::Pension => GameOdds::Pension(PensionOdds::compute()),
        }
    }

    /// The tax of a prize: for a numbers game, on `amount` (required, with
    /// the ticket's price deducted); for 720+, whose prizes are fixed, every
    /// prize taxed payment by payment and valued at `rate` (default
    /// [`pension::DEFAULT_DISCOUNT_RATE`]). An input the game does not take
    /// is refused, naming it, rather than ignored.
    pub fn tax(&self, amount: Option<Money>, rate: Option<f64>) -> Result<GameTax> {
        match (self, amount, rate) {
            (Game::Numbers(g), Some(gross), None) => g
                .tax()
                .assess(gross, g.ticket_price())
                .map(GameTax::Numbers),
            (Game::Numbers(_), None, _) => {
                Err(Error::invalid("amount", "give the prize before tax"))
            }
            (Game::Numbers(g), Some(_), Some(_)) => Err(Error::invalid(
                "rate",
                format!(
                    "{} pays its prizes at once; a discount rate is for 720+'s annuities",
                    g.id()
                ),
            )),
            (Game::Pension, Some(_), _) => Err(Error::invalid(
                "amount",
                "720+ prizes are fixed by rank; every prize is taxed, so give no amount",
            )),
            (Game::Pension, None, rate) => PensionExpectedValue::at(rate).map(GameTax::Pension),
        }
    }

    /// The game as `lottopro games` lists it.
    pub fn summary(&self) -> GameSummary {
        match self {
            Game::Numbers(g) => GameSummary {
                id: g.id().to_owned(),
                name: g.name().to_owned(),
                ticket: format!("{} of {}", g.picks(), g.pool()),
                tiers: g.tiers().len(),
                ticket_price: g.ticket_price(),
                currency: g.currency().clone(),
                tax_rule: g.tax().name().to_owned(),
            },
            Game::Pension => GameSummary {
                id: pension::GAME_ID.to_owned(),
                name: pension::NAME.to_owned(),
                ticket: "group 1-5 + 6 digits".to_owned(),
                tiers: crate::pension::PensionRank::ALL.len(),
                ticket_price: Money(TICKET_PRICE),
                currency: GameSpec::kr645().currency().clone(),
                tax_rule: BracketTax::korea().name().to_owned(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn every_id_chooses_its_game_and_an_unknown_one_is_named() {
        assert_eq!(Game::ids().last(), Some(&"kr720"));
        for id in Game::ids() {
            assert_eq!(Game::parse(id).unwrap().id(), id);
        }
        assert_eq!(Game::parse("kr720").unwrap(), Game::Pension);
        let e = Game::parse("kr721").unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::InvalidInput, Some("game"))
        );
        assert!(e.to_string().contains("kr720"), "{e}");
        let e = Game::Pension.numbers("predict").unwrap_err();
        assert_eq!(e.field(), Some("game"));
    }

    #[test]
    fn each_game_is_asked_what_it_takes() {
        let lotto = Game::parse("kr645").unwrap();
        let GameTax::Numbers(a) = lotto.tax(Some(Money(10_000_000)), None).unwrap() else {
            panic!("a numbers game assesses one amount");
        };
        assert_eq!(a.tax.get(), 2_199_780);
        for (game, amount, rate, field) in [
            (&lotto, None, None, "amount"),
            (&lotto, Some(Money(1)), Some(0.03), "rate"),
            (&Game::Pension, Some(Money(1)), None, "amount"),
            (&Game::Pension, None, Some(2.0), "rate"),
        ] {
            let e = game.tax(amount, rate).unwrap_err();
            assert_eq!(e.field(), Some(field), "{e}");
        }
        let GameTax::Pension(ev) = Game::Pension.tax(None, None).unwrap() else {
            panic!("720+ values its fixed prizes");
        };
        assert_eq!(ev.prizes[0].payment_tax.tax.get(), 1_540_000);
        assert!(matches!(Game::Pension.odds(), GameOdds::Pension(o) if o.tiers.len() == 8));
        let s = Game::Pension.summary();
        assert_eq!((s.tiers, s.ticket_price.get()), (8, 1_000));
    }
}
