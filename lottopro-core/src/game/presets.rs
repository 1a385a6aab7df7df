//! The preset games.
//!
//! | id | game | rules as of |
//! | --- | --- | --- |
//! | `kr645` | Korean Lotto 6/45 (동행복권): 6 of 45 + bonus, 1,000 won | 4th/5th fixed since draw 401 (2010); tax since 2023-01-01 |
//! | `powerball` | US Powerball: 5 of 69 + 1 of 26, $2 | since 2015-10-07 |
//! | `megamillions` | US Mega Millions: 5 of 70 + 1 of 24, $5 | since 2025-04-08 |
//! | `euromillions` | EuroMillions: 5 of 50 + 2 of 12, €2.50 | since 2016-09-24 |
//! | `uk-lotto` | UK Lotto: 6 of 59 + bonus, £2 | since 2015-10-10 (fixed prizes since 2023) |
//! | `ca649` | Canada Lotto 6/49: 6 of 49 + bonus, $3 | since 2022-09-14 |
//! | `jp-loto6` | Japan Loto 6: 6 of 43 + bonus, ¥200 | since 2000 |
//! | `jp-loto7` | Japan Loto 7: 7 of 37 + 2 bonus, ¥300 | since 2013 |
//!
//! Fixed amounts are the operators' published amounts; pari-mutuel tiers
//! carry a share where the operator publishes one. Mega Millions' fixed
//! amounts include only the guaranteed 2× multiplier (its random 2–10×
//! multiplier is not modelled), and US prizes show federal withholding only.
//! Amounts in cents are written `major_minor` (`50_000_00` is $50,000.00).
#![allow(clippy::inconsistent_digit_grouping)]

use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::tax::BracketTax;

use super::{BonusMatch, BonusRule, EarlierPrice, GameDef, GameSpec, Payout, Tier};

/// Preset ids, the default first.
pub(crate) const IDS: &[&str] = &[
    "kr645",
    "powerball",
    "megamillions",
    "euromillions",
    "uk-lotto",
    "ca649",
    "jp-loto6",
    "jp-loto7",
];

pub(crate) fn by_id(id: &str) -> Result<GameSpec> {
    let def = match id {
        "kr645" => kr645_def(),
        "powerball" => powerball(),
        "megamillions" => megamillions(),
        "euromillions" => euromillions(),
        "uk-lotto" => uk_lotto(),
        "ca649" => ca649(),
        "jp-loto6" => jp_loto6(),
        "jp-loto7" => jp_loto7(),
        crate::pension::GAME_ID => {
            return Err(Error::invalid(
                "game",
                format!(
                    "{} ({id}) is a game of digits, not numbers; this takes one of: {}",
                    crate::pension::NAME,
                    IDS.join(", ")
                ),
            ));
        }
        _ => {
            return Err(Error::invalid(
                "game",
                format!("unknown game '{id}'; known games: {}", IDS.join(", ")),
            ));
        }
    };
    GameSpec::new(def)
}

/// Korean Lotto 6/45. Built from constants that the test suite validates
/// through [`GameSpec::new`], so the default game is always available.
pub(crate) fn kr645() -> GameSpec {
    let def = kr645_def();
    match GameSpec::new(def.clone()) {
        Ok(g) => g,
        // Unreachable: `presets_are_valid` checks this definition. Falling back
        // to an unchecked build keeps the default infallible without a panic.
        Err(_) => GameSpec {
            rank_table: Vec::new(),
            total_combinations: 0,
            def,
        },
    }
}

fn currency(code: &str, minor_digits: u8) -> Currency {
    Currency {
        code: code.to_owned(),
        minor_digits,
    }
}

fn fixed(rank: u8, main: u8, bonus: BonusMatch, amount: u64) -> Tier {
    Tier {
        rank,
        main,
        bonus,
        payout: Payout::Fixed {
            amount: Money(amount),
        },
    }
}

fn pari(rank: u8, main: u8, bonus: BonusMatch, share_permille: Option<u16>) -> Tier {
    Tier {
        rank,
        main,
        bonus,
        payout: Payout::PariMutuel { share_permille },
    }
}

use BonusMatch::{Any, AtLeast, Exactly};

fn kr645_def() -> GameDef {
    GameDef {
        id: "kr645".into(),
        name: "Korean Lotto 6/45".into(),
        pool: 45,
        picks: 6,
        bonus: BonusRule::SamePool { count: 1 },
        ticket_price: Money(1_000),
        // 2,000 won a game until draw 87 (2004-08-21): the winner counts of
        // draws 1–87 are half what their sales at 1,000 won would give.
        earlier_prices: vec![EarlierPrice {
            until_round: 88,
            price: Money(2_000),
        }],
        currency: currency("KRW", 0),
        prize_fund_permille: Some(500),
        tiers: vec![
            pari(1, 6, Any, Some(750)),
            pari(2, 5, Exactly(1), Some(125)),
            pari(3, 5, Exactly(0), Some(125)),
            fixed(4, 4, Any, 50_000),
            fixed(5, 3, Any, 5_000),
        ],
        tax: BracketTax::korea(),
        rules_source: "dhlottery.co.kr: half of sales is the prize fund; 4th (50,000 won) and 5th (5,000 won) \
                       are paid first, the rest is split 75 % / 12.5 % / 12.5 % among ranks 1–3 (since draw 401)"
            .into(),
    }
}

fn powerball() -> GameDef {
    GameDef {
        id: "powerball".into(),
        name: "US Powerball".into(),
        pool: 69,
        picks: 5,
        bonus: BonusRule::SecondPool { pool: 26, picks: 1 },
        ticket_price: Money(200),
        earlier_prices: Vec::new(),
        currency: currency("USD", 2),
        prize_fund_permille: None,
        tiers: vec![
            pari(1, 5, Exactly(1), None),
            fixed(2, 5, Exactly(0), 1_000_000_00),
            fixed(3, 4, Exactly(1), 50_000_00),
            fixed(4, 4, Exactly(0), 100_00),
            fixed(5, 3, Exactly(1), 100_00),
            fixed(6, 3, Exactly(0), 7_00),
            fixed(7, 2, Exactly(1), 7_00),
            fixed(8, 1, Exactly(1), 4_00),
            fixed(9, 0, Exactly(1), 4_00),
        ],
        tax: BracketTax::us_federal_withholding(),
        rules_source: "powerball.com prize chart (matrix since 2015-10-07)".into(),
    }
}

fn megamillions() -> GameDef {
    GameDef {
        id: "megamillions".into(),
        name: "US Mega Millions".into(),
        pool: 70,
        picks: 5,
        bonus: BonusRule::SecondPool { pool: 24, picks: 1 },
        ticket_price: Money(500),
        earlier_prices: Vec::new(),
        currency: currency("USD", 2),
        prize_fund_permille: None,
        tiers: vec![
            pari(1, 5, Exactly(1), None),
            fixed(2, 5, Exactly(0), 2_000_000_00),
            fixed(3, 4, Exactly(1), 20_000_00),
            fixed(4, 4, Exactly(0), 1_000_00),
            fixed(5, 3, Exactly(1), 400_00),
            fixed(6, 3, Exactly(0), 20_00),
            fixed(7, 2, Exactly(1), 20_00),
            fixed(8, 1, Exactly(1), 14_00),
            fixed(9, 0, Exactly(1), 10_00),
        ],
        tax: BracketTax::us_federal_withholding(),
        rules_source:
            "megamillions.com rules since 2025-04-08 (amounts with the minimum 2x multiplier)"
                .into(),
    }
}

fn euromillions() -> GameDef {
    let tiers = [
        (5, 2),
        (5, 1),
        (5, 0),
        (4, 2),
        (4, 1),
        (3, 2),
        (4, 0),
        (2, 2),
        (3, 1),
        (3, 0),
        (1, 2),
        (2, 1),
        (2, 0),
    ];
    GameDef {
        id: "euromillions".into(),
        name: "EuroMillions".into(),
        pool: 50,
        picks: 5,
        bonus: BonusRule::SecondPool { pool: 12, picks: 2 },
        ticket_price: Money(250),
        earlier_prices: Vec::new(),
        currency: currency("EUR", 2),
        prize_fund_permille: Some(500),
        tiers: tiers
            .iter()
            .zip(1u8..)
            .map(|(&(main, stars), rank)| pari(rank, main, Exactly(stars), None))
            .collect(),
        tax: BracketTax::tax_free(),
        rules_source:
            "euro-millions.com: 13 pari-mutuel tiers since 2016-09-24 (tax depends on the country; \
                       shown tax-free)"
                .into(),
    }
}

fn uk_lotto() -> GameDef {
    GameDef {
        id: "uk-lotto".into(),
        name: "UK Lotto".into(),
        pool: 59,
        picks: 6,
        bonus: BonusRule::SamePool { count: 1 },
        ticket_price: Money(200),
        earlier_prices: Vec::new(),
        currency: currency("GBP", 2),
        prize_fund_permille: None,
        tiers: vec![
            pari(1, 6, Any, None),
            fixed(2, 5, Exactly(1), 1_000_000_00),
            fixed(3, 5, Exactly(0), 1_750_00),
            fixed(4, 4, Any, 140_00),
            fixed(5, 3, Any, 30_00),
            // A free Lucky Dip: worth one ticket.
            fixed(6, 2, Any, 2_00),
        ],
        tax: BracketTax::tax_free(),
        rules_source: "national-lottery.co.uk Lotto prize table".into(),
    }
}

fn ca649() -> GameDef {
    GameDef {
        id: "ca649".into(),
        name: "Canada Lotto 6/49".into(),
        pool: 49,
        picks: 6,
        bonus: BonusRule::SamePool { count: 1 },
        ticket_price: Money(300),
        earlier_prices: Vec::new(),
        currency: currency("CAD", 2),
        prize_fund_permille: None,
        tiers: vec![
            pari(1, 6, Any, None),
            pari(2, 5, Exactly(1), None),
            pari(3, 5, Exactly(0), None),
            pari(4, 4, Any, None),
            fixed(5, 3, Any, 10_00),
            fixed(6, 2, Exactly(1), 5_00),
            // A free play: worth one ticket.
            fixed(7, 2, Exactly(0), 3_00),
        ],
        tax: BracketTax::tax_free(),
        rules_source: "lotto649 classic draw prize structure since 2022-09-14".into(),
    }
}

fn jp_loto6() -> GameDef {
    GameDef {
        id: "jp-loto6".into(),
        name: "Japan Loto 6".into(),
        pool: 43,
        picks: 6,
        bonus: BonusRule::SamePool { count: 1 },
        ticket_price: Money(200),
        earlier_prices: Vec::new(),
        currency: currency("JPY", 0),
        prize_fund_permille: None,
        tiers: vec![
            pari(1, 6, Any, None),
            pari(2, 5, Exactly(1), None),
            pari(3, 5, Exactly(0), None),
            pari(4, 4, Any, None),
            fixed(5, 3, Any, 1_000),
        ],
        tax: BracketTax::tax_free(),
        rules_source: "takarakuji-official.jp Loto 6".into(),
    }
}

fn jp_loto7() -> GameDef {
    GameDef {
        id: "jp-loto7".into(),
        name: "Japan Loto 7".into(),
        pool: 37,
        picks: 7,
        bonus: BonusRule::SamePool { count: 2 },
        ticket_price: Money(300),
        earlier_prices: Vec::new(),
        currency: currency("JPY", 0),
        prize_fund_permille: None,
        tiers: vec![
            pari(1, 7, Any, None),
            pari(2, 6, AtLeast(1), None),
            pari(3, 6, Exactly(0), None),
            pari(4, 5, Any, None),
            pari(5, 4, Any, None),
            fixed(6, 3, AtLeast(1), 1_000),
        ],
        tax: BracketTax::tax_free(),
        rules_source: "takarakuji-official.jp Loto 7".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid() {
        for id in IDS {
            let g = by_id(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(g.id(), *id);
        }
        assert_eq!(GameSpec::new(kr645_def()).unwrap(), kr645());
        assert!(
            by_id("kr-645")
                .unwrap_err()
                .to_string()
                .contains("known games: kr645")
        );
    }
}
