//! Games: the rules every other module reads instead of hard-wiring 6/45.
//!
//! A [`GameSpec`] is built from a plain-data [`GameDef`] and validated once;
//! a `GameSpec` you hold is consistent (tiers are disjoint, bonus conditions
//! are reachable, the number of combinations fits in a `u64`). Prize tiers are
//! data: a match condition on main and bonus numbers and a [`Payout`]. The
//! presets ([`GameSpec::preset`]) cover Korean Lotto 6/45 (the default) and
//! seven other games; see [`presets`] for their sources and dates.
//!
//! The rank of a ticket is looked up in a table built at construction, indexed
//! by (main matches, bonus matches), so scoring in hot loops is one load.

mod choice;
pub mod presets;

pub use choice::{Game, GameOdds, GameSummary, GameTax};

use serde::{Deserialize, Serialize};

use crate::draw::Draw;
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::tax::BracketTax;
use crate::ticket::{MAX_NUMBER, Matches, Ticket};

/// The largest number of main or second-pool picks a game may have.
pub const MAX_PICKS: u8 = 20;

/// How bonus numbers are drawn, and whether the player picks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BonusRule {
    /// No bonus numbers.
    None,
    /// `count` extra numbers drawn from the main pool after the main numbers;
    /// players do not pick them — a ticket's main numbers can match them
    /// (Korean Lotto 6/45, UK Lotto, Japan Loto 6 and Loto 7).
    SamePool {
        /// How many bonus numbers are drawn.
        count: u8,
    },
    /// A second pool, from which players pick `picks` numbers of their own
    /// (Powerball's red ball, EuroMillions' two Lucky Stars).
    SecondPool {
        /// Size of the second pool: numbers 1..=pool.
        pool: u8,
        /// Numbers picked from it on a ticket and in a draw.
        picks: u8,
    },
}

impl BonusRule {
    /// How many bonus numbers a draw has.
    pub fn drawn(self) -> u8 {
        match self {
            BonusRule::None => 0,
            BonusRule::SamePool { count } => count,
            BonusRule::SecondPool { picks, .. } => picks,
        }
    }
}

/// The condition on bonus matches that a prize tier requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum BonusMatch {
    /// Any number of bonus matches.
    Any,
    /// Exactly this many.
    Exactly(u8),
    /// At least this many.
    AtLeast(u8),
}

impl BonusMatch {
    /// Whether `bonus_matches` satisfies this condition.
    pub fn accepts(self, bonus_matches: u8) -> bool {
        match self {
            BonusMatch::Any => true,
            BonusMatch::Exactly(n) => bonus_matches == n,
            BonusMatch::AtLeast(n) => bonus_matches >= n,
        }
    }
}

/// How a prize tier pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payout {
    /// A fixed amount per winning ticket.
    Fixed {
        /// The amount, in minor units.
        amount: Money,
    },
    /// A share of a prize pool divided equally among the tier's winners.
    PariMutuel {
        /// The tier's share, in ‰, of the pool left after fixed prizes, where
        /// the operator publishes one (Korea: 750 / 125 / 125); `None` when
        /// the amount is set otherwise (advertised jackpots, operator funds).
        share_permille: Option<u16>,
    },
}

/// One prize tier: rank, match condition and payout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Tier {
    /// 1 is the top prize.
    pub rank: u8,
    /// Main numbers that must match, exactly.
    pub main: u8,
    /// Condition on bonus matches.
    pub bonus: BonusMatch,
    /// What the tier pays.
    pub payout: Payout,
}

/// A price a game had before its current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct EarlierPrice {
    /// The first round at which this price no longer applied.
    pub until_round: u32,
    /// The price of one ticket before that round, in minor units.
    pub price: Money,
}

/// The plain data of a game, before validation. Build a [`GameSpec`] from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct GameDef {
    /// Stable identifier, e.g. `kr645`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Main pool: numbers 1..=pool.
    pub pool: u8,
    /// Main numbers on a ticket and in a draw.
    pub picks: u8,
    /// Bonus numbers.
    pub bonus: BonusRule,
    /// Price of one ticket (one game), in minor units.
    pub ticket_price: Money,
    /// Prices the game had before `ticket_price`, oldest first: each holds
    /// for the rounds before its `until_round`. Empty when the price never
    /// changed (or its history is not modelled).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_prices: Vec<EarlierPrice>,
    /// Currency of every amount of this game.
    pub currency: Currency,
    /// Share of sales, in ‰, paid out as prizes where the operator fixes it
    /// (Korea: 500); `None` when it is not modelled.
    pub prize_fund_permille: Option<u16>,
    /// Prize tiers, rank 1 first.
    pub tiers: Vec<Tier>,
    /// How prizes are taxed.
    pub tax: BracketTax,
    /// Where the rules come from and since when they apply.
    pub rules_source: String,
}

/// A validated game; see the module docs. It serializes as its [`GameDef`]
/// and deserializes through [`GameSpec::new`], so a game read from JSON is
/// validated and has its computed tables, like any other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(try_from = "GameDef", into = "GameDef")]
pub struct GameSpec {
    def: GameDef,
    /// rank_table[main * bonus_width + bonus] = rank, 0 for no prize.
    rank_table: Vec<u8>,
    total_combinations: u64,
}

impl TryFrom<GameDef> for GameSpec {
    type Error = Error;
    fn try_from(def: GameDef) -> Result<GameSpec> {
        GameSpec::new(def)
    }
}

impl From<GameSpec> for GameDef {
    fn from(spec: GameSpec) -> GameDef {
        spec.def
    }
}

impl Default for GameSpec {
    /// Korean Lotto 6/45.
    fn default() -> Self {
        GameSpec::kr645()
    }
}

impl GameSpec {
    /// Validates a definition.
    pub fn new(def: GameDef) -> Result<GameSpec> {
        validate_shape(&def)?;
        let total = crate::odds::total_combinations(&def)
            .filter(|t| *t <= u128::from(u64::MAX))
            .ok_or_else(|| {
                Error::invalid(
                    "game",
                    "the number of possible tickets does not fit in 64 bits",
                )
            })?;
        let (bonus_width, max_bonus) = bonus_dimensions(&def);
        let mut rank_table = vec![0u8; (usize::from(def.picks) + 1) * bonus_width];
        let mut prev_rank = 0u8;
        let mut share_total = 0u32;
        for (i, tier) in def.tiers.iter().enumerate() {
            let field = format!("tiers[{i}]");
            if tier.rank != prev_rank + 1 {
                return Err(Error::invalid(
                    field,
                    format!("rank {} out of order; ranks run 1, 2, 3, ...", tier.rank),
                ));
            }
            prev_rank = tier.rank;
            if tier.main > def.picks {
                return Err(Error::invalid(
                    field,
                    format!(
                        "needs {} main matches but a ticket has {}",
                        tier.main, def.picks
                    ),
                ));
            }
            let mut reachable = false;
            for j in 0..=max_bonus {
                if !tier.bonus.accepts(j) || !crate::odds::outcome_possible(&def, tier.main, j) {
                    continue;
                }
                let slot = &mut rank_table[usize::from(tier.main) * bonus_width + usize::from(j)];
                if *slot != 0 {
                    return Err(Error::invalid(
                        field,
                        format!(
                            "{} main + {j} bonus matches is already rank {}",
                            tier.main, *slot
                        ),
                    ));
                }
                *slot = tier.rank;
                reachable = true;
            }
            if !reachable {
                return Err(Error::invalid(
                    field,
                    "no ticket can ever satisfy this tier",
                ));
            }
            match tier.payout {
                Payout::PariMutuel {
                    share_permille: Some(s),
                } => share_total += u32::from(s),
                Payout::Fixed { amount } if amount == Money::ZERO => {
                    return Err(Error::invalid(field, "a fixed payout must be more than 0"));
                }
                _ => {}
            }
        }
        if share_total > 1000 {
            return Err(Error::invalid(
                "tiers",
                format!("pari-mutuel shares add up to {share_total}‰, more than 1000‰"),
            ));
        }
        Ok(GameSpec {
            def,
            rank_table,
            total_combinations: u64::try_from(total).unwrap_or(u64::MAX),
        })
    }

    /// Every preset game, in the order of [`GameSpec::preset_ids`].
    pub fn presets() -> Vec<GameSpec> {
        GameSpec::preset_ids()
            .iter()
            .filter_map(|id| GameSpec::preset(id).ok())
            .collect()
    }

    /// The price of one ticket when `round` was drawn (see
    /// [`GameDef::earlier_prices`]).
    pub fn ticket_price_at(&self, round: u32) -> Money {
        self.def
            .earlier_prices
            .iter()
            .find(|p| round < p.until_round)
            .map_or(self.def.ticket_price, |p| p.price)
    }

    /// A preset by id; the error lists the known ids.
    pub fn preset(id: &str) -> Result<GameSpec> {
        presets::by_id(id)
    }

    /// Korean Lotto 6/45, the default game.
    pub fn kr645() -> GameSpec {
        presets::kr645()
    }

    /// The ids of all presets, default first.
    pub fn preset_ids() -> &'static [&'static str] {
        presets::IDS
    }

    /// The definition this game was built from.
    pub fn def(&self) -> &GameDef {
        &self.def
    }
    /// When the game is drawn, for games drawn weekly at a known time:
    /// the weekday, the local time in minutes after midnight and the local
    /// offset from UTC in minutes. Korean Lotto 6/45 is drawn on Saturdays
    /// at 20:35 KST (UTC+9); other presets have no schedule here.
    pub fn weekly_draw(&self) -> Option<(crate::date::Weekday, u32, i32)> {
        (self.id() == "kr645").then_some((crate::date::Weekday::Saturday, 20 * 60 + 35, 9 * 60))
    }

    /// Stable identifier.
    pub fn id(&self) -> &str {
        &self.def.id
    }
    /// Display name.
    pub fn name(&self) -> &str {
        &self.def.name
    }
    /// Main pool size.
    pub fn pool(&self) -> u8 {
        self.def.pool
    }
    /// Main numbers per ticket and draw.
    pub fn picks(&self) -> u8 {
        self.def.picks
    }
    /// Main numbers a ticket matches on average by chance: each of its
    /// `picks` numbers is among the `picks` drawn with probability
    /// `picks / pool` (the hypergeometric mean).
    pub fn chance_mean_matches(&self) -> f64 {
        let k = f64::from(self.def.picks);
        k * k / f64::from(self.def.pool)
    }
    /// The bonus rule.
    pub fn bonus(&self) -> BonusRule {
        self.def.bonus
    }
    /// Price of one ticket.
    pub fn ticket_price(&self) -> Money {
        self.def.ticket_price
    }
    /// Currency of every amount.
    pub fn currency(&self) -> &Currency {
        &self.def.currency
    }
    /// Prize tiers, rank 1 first.
    pub fn tiers(&self) -> &[Tier] {
        &self.def.tiers
    }
    /// Share of sales paid as prizes, in ‰, where modelled.
    pub fn prize_fund_permille(&self) -> Option<u16> {
        self.def.prize_fund_permille
    }
    /// The tax rule.
    pub fn tax(&self) -> &BracketTax {
        &self.def.tax
    }
    /// Number of distinct tickets (main × second pool combinations).
    pub fn total_combinations(&self) -> u64 {
        self.total_combinations
    }

    /// The tier with this rank.
    pub fn tier(&self, rank: u8) -> Option<&Tier> {
        rank.checked_sub(1)
            .and_then(|i| self.def.tiers.get(usize::from(i)))
    }

    /// The prize rank for a match outcome, `None` for no prize.
    pub fn rank_of(&self, m: Matches) -> Option<u8> {
        let (width, _) = bonus_dimensions(&self.def);
        if usize::from(m.bonus) >= width {
            return None;
        }
        let idx = usize::from(m.main) * width + usize::from(m.bonus);
        self.rank_table.get(idx).copied().filter(|r| *r != 0)
    }

    /// The prize rank of `ticket` in `draw`, `None` for no prize.
    pub fn rank(&self, ticket: &Ticket, draw: &Draw) -> Option<u8> {
        self.rank_of(draw.matches(ticket))
    }

    /// The rank lookup table and its row width: the rank of `main` main and
    /// `bonus` bonus matches is `table[main * width + bonus]`, 0 for none.
    pub(crate) fn rank_table(&self) -> (&[u8], usize) {
        (&self.rank_table, bonus_dimensions(&self.def).0)
    }

    /// A short description of what a tier requires: `6`, `5 + bonus`, `4 + 2`.
    pub fn tier_label(&self, tier: &Tier) -> String {
        let word = match self.def.bonus {
            BonusRule::SecondPool { .. } => "",
            _ => " bonus",
        };
        match tier.bonus {
            BonusMatch::Any => tier.main.to_string(),
            BonusMatch::Exactly(0) if matches!(self.def.bonus, BonusRule::SamePool { .. }) => {
                format!("{} (no bonus)", tier.main)
            }
            BonusMatch::Exactly(1) if word == " bonus" => format!("{} + bonus", tier.main),
            BonusMatch::Exactly(j) => format!("{} + {j}{word}", tier.main),
            BonusMatch::AtLeast(j) => format!("{} + {j}+{word}", tier.main),
        }
    }

    /// Validates a ticket's main numbers against this game (count, range,
    /// distinct), naming `field` in errors.
    pub(crate) fn check_main(&self, numbers: &[u8], field: &str) -> Result<()> {
        check_numbers(numbers, self.def.picks, self.def.pool, field)
    }
}

/// (entries per main-match row of the rank table, largest bonus match count).
fn bonus_dimensions(def: &GameDef) -> (usize, u8) {
    let max_bonus = match def.bonus {
        BonusRule::None => 0,
        BonusRule::SamePool { count } => count.min(def.picks),
        BonusRule::SecondPool { picks, .. } => picks,
    };
    (usize::from(max_bonus) + 1, max_bonus)
}

fn validate_shape(def: &GameDef) -> Result<()> {
    if def.id.is_empty()
        || !def
            .id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::invalid(
            "id",
            format!(
                "'{}' must be non-empty ASCII letters, digits, '-' or '_'",
                def.id
            ),
        ));
    }
    if !(2..=MAX_NUMBER).contains(&def.pool) {
        return Err(Error::invalid(
            "pool",
            format!("{} is outside 2..={MAX_NUMBER}", def.pool),
        ));
    }
    if def.picks == 0 || def.picks > MAX_PICKS || def.picks >= def.pool {
        return Err(Error::invalid(
            "picks",
            format!(
                "{} must be in 1..={} and less than the pool {}",
                def.picks, MAX_PICKS, def.pool
            ),
        ));
    }
    match def.bonus {
        BonusRule::None => {}
        BonusRule::SamePool { count } => {
            if count == 0 || u16::from(def.picks) + u16::from(count) > u16::from(def.pool) {
                return Err(Error::invalid(
                    "bonus.count",
                    format!("{count} bonus numbers do not fit in the pool"),
                ));
            }
        }
        BonusRule::SecondPool { pool, picks } => {
            if !(1..=MAX_NUMBER).contains(&pool) || picks == 0 || picks > pool || picks > MAX_PICKS
            {
                return Err(Error::invalid(
                    "bonus",
                    format!("second pool {picks} of {pool} is not a valid pool"),
                ));
            }
        }
    }
    if def.ticket_price == Money::ZERO {
        return Err(Error::invalid("ticket_price", "must be more than 0"));
    }
    if def.tiers.is_empty() {
        return Err(Error::invalid(
            "tiers",
            "a game needs at least one prize tier",
        ));
    }
    if let Some(p) = def.prize_fund_permille
        && (p == 0 || p > 1000)
    {
        return Err(Error::invalid(
            "prize_fund_permille",
            format!("{p} is outside 1..=1000"),
        ));
    }
    Ok(())
}

/// Checks a list of numbers: `count` of them, each in `1..=pool`, distinct.
pub(crate) fn check_numbers(numbers: &[u8], count: u8, pool: u8, field: &str) -> Result<()> {
    if numbers.len() != usize::from(count) {
        return Err(Error::rejected(
            field,
            crate::error::Reason::Count {
                expected: usize::from(count),
                given: numbers.len(),
            },
        ));
    }
    let mut seen = 0u128;
    for (i, &n) in numbers.iter().enumerate() {
        if n == 0 || n > pool {
            return Err(Error::rejected(
                format!("{field}[{i}]"),
                crate::error::Reason::OutOfRange {
                    value: i64::from(n),
                    min: 1,
                    max: i64::from(pool),
                },
            ));
        }
        let bit = 1u128 << n;
        if seen & bit != 0 {
            return Err(Error::rejected(
                field,
                crate::error::Reason::Repeated { value: n },
            ));
        }
        seen |= bit;
    }
    Ok(())
}
