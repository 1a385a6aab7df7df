//! What 720+ prizes pay: annuities and lump sums, their total, their present
//! value, the tax on each payment, and the expected value of a ticket.
//!
//! **Prizes** (the operator's table since round 1, 2020-05-07): 1st pays
//! 7,000,000 won a month for 20 years (240 payments); 2nd and the bonus
//! 1,000,000 won a month for 10 years (120); 3rd to 7th pay once: 1,000,000,
//! 100,000, 50,000, 5,000 and 1,000 won. Annuities cannot be taken as a lump
//! sum.
//!
//! **Tax** is the Korean rule of [`BracketTax::korea`] (소득세법 §84: prizes
//! of 2,000,000 won or less are not taxed; §129 and 지방세법: 20 % income tax
//! plus 10 % of it as local income tax, 30 % + 3 % above 300,000,000 won),
//! applied as the operator withholds it on an annuity: the prize as a whole
//! is far above the exemption, so every monthly payment is taxed, and each
//! payment is taxed by itself, so none reaches the 33 % bracket
//! ([`BracketTax::assess_installment`]). That gives the net amounts the
//! operator's winners are told: 5,460,000 won a month for 1st, 780,000 for
//! 2nd and the bonus. The 1,000-won ticket is deductible once; it is taken
//! from the first payment. Every lump sum of 3rd to 7th is under the
//! exemption, so untaxed since 2023.
//!
//! **Present value** discounts each payment at a nominal annual rate
//! compounded monthly (`rate / 12` a month), a payment at the end of each
//! month after the draw, lump sums at once. The default,
//! [`DEFAULT_DISCOUNT_RATE`] = 3 % a year, is a round figure near the yield
//! of long Korean government bonds in 2025–2026; it is a parameter, not a
//! forecast — pass the rate your money earns.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::Money;
use crate::tax::{BracketTax, TaxAssessment, TaxRule};

use super::draw::PensionRank;
use super::odds::games_winning;
use super::{TICKET_PRICE, TICKETS};

/// The discount rate used when none is given: 3 % a year (see the module docs).
pub const DEFAULT_DISCOUNT_RATE: f64 = 0.03;

/// How a prize is paid, before tax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PensionPrize {
    /// A fixed amount every month.
    Annuity {
        /// Paid each month.
        monthly: Money,
        /// Number of monthly payments.
        months: u16,
    },
    /// One payment.
    LumpSum {
        /// The amount.
        amount: Money,
    },
}

impl PensionPrize {
    /// Everything it pays, before tax.
    pub fn total(self) -> Money {
        Money(self.payment().get() * u64::from(self.payments()))
    }
    /// One payment: the monthly amount of an annuity.
    pub fn payment(self) -> Money {
        match self {
            PensionPrize::Annuity { monthly, .. } => monthly,
            PensionPrize::LumpSum { amount } => amount,
        }
    }
    /// How many payments: the months of an annuity, 1 for a lump sum.
    pub fn payments(self) -> u16 {
        match self {
            PensionPrize::Annuity { months, .. } => months,
            PensionPrize::LumpSum { .. } => 1,
        }
    }
}

/// The prize of `rank`: the operator's table (module docs).
pub(super) fn prize_of(rank: PensionRank) -> PensionPrize {
    let lump = |amount: u64| PensionPrize::LumpSum {
        amount: Money(amount),
    };
    match rank {
        PensionRank::First => PensionPrize::Annuity {
            monthly: Money(7_000_000),
            months: 240,
        },
        PensionRank::Second | PensionRank::Bonus => PensionPrize::Annuity {
            monthly: Money(1_000_000),
            months: 120,
        },
        PensionRank::Third => lump(1_000_000),
        PensionRank::Fourth => lump(100_000),
        PensionRank::Fifth => lump(50_000),
        PensionRank::Sixth => lump(5_000),
        PensionRank::Seventh => lump(1_000),
    }
}

/// A checked discount rate: a nominal annual rate from 0 to 1 (100 %).
fn monthly_factor(annual_rate: f64) -> Result<f64> {
    if annual_rate.is_finite() && (0.0..=1.0).contains(&annual_rate) {
        Ok(1.0 / (1.0 + annual_rate / 12.0))
    } else {
        Err(Error::invalid(
            "rate",
            format!("{annual_rate} is not an annual rate between 0 and 1 (0.03 is 3 %)"),
        ))
    }
}

/// `Σ v^t` for t = 1..=n: the present value of 1 paid at the end of each of
/// `n` months.
fn annuity_factor(v: f64, n: u16) -> f64 {
    (1..=i32::from(n)).map(|t| v.powi(t)).sum()
}

/// Whole won, rounded to the nearest.
fn won(x: f64) -> Money {
    Money(x.round().max(0.0) as u64)
}

/// One prize valued: as paid, after tax, and at present value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PrizeValue {
    /// The prize.
    pub rank: PensionRank,
    /// How it is paid.
    pub prize: PensionPrize,
    /// Everything it pays, before tax.
    pub gross_total: Money,
    /// The tax on the first payment (the ticket's cost deducted from it).
    pub first_payment_tax: TaxAssessment,
    /// The tax on each later payment of an annuity (for a lump sum, the same
    /// as the first).
    pub payment_tax: TaxAssessment,
    /// Tax on all payments.
    pub tax_total: Money,
    /// `gross_total − tax_total`.
    pub net_total: Money,
    /// The nominal annual discount rate, compounded monthly.
    pub annual_rate: f64,
    /// The payments before tax, discounted to the draw.
    pub present_value_gross: Money,
    /// The payments after tax, discounted to the draw.
    pub present_value_net: Money,
}

impl PrizeValue {
    /// The value of `rank`'s prize at `annual_rate` (e.g.
    /// [`DEFAULT_DISCOUNT_RATE`]); an error names the field `rate` when it is
    /// not between 0 and 1.
    pub fn of(rank: PensionRank, annual_rate: f64) -> Result<PrizeValue> {
        let v = monthly_factor(annual_rate)?;
        let prize = rank.prize();
        let korea = BracketTax::korea();
        let ticket = Money(TICKET_PRICE);
        let gross_total = prize.total();
        let (first, later, pv_gross, pv_net) = match prize {
            PensionPrize::LumpSum { amount } => {
                let a = korea.assess(amount, ticket)?;
                (a, a, amount, a.net)
            }
            PensionPrize::Annuity { monthly, months } => {
                let first = korea.assess_installment(monthly, gross_total, ticket)?;
                let later = korea.assess_installment(monthly, gross_total, Money::ZERO)?;
                let all = annuity_factor(v, months);
                let gross = monthly.get() as f64 * all;
                let net = first.net.get() as f64 * v + later.net.get() as f64 * (all - v);
                (first, later, won(gross), won(net))
            }
        };
        let later_count = u64::from(prize.payments()) - 1;
        let tax_total = first.tax.checked_add(later.tax.checked_mul(later_count)?)?;
        Ok(PrizeValue {
            rank,
            prize,
            gross_total,
            first_payment_tax: first,
            payment_tax: later,
            tax_total,
            net_total: gross_total.saturating_sub(tax_total),
            annual_rate,
            present_value_gross: pv_gross,
            present_value_net: pv_net,
        })
    }
}

/// The expected value of one 1,000-won game: what it wins on average, every
/// prize weighted by its exact odds. Expectation adds, so a game that wins
/// a rank and the bonus is counted right without knowing how often that
/// happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct PensionExpectedValue {
    /// The price of the game.
    pub price: Money,
    /// The discount rate of the present values.
    pub annual_rate: f64,
    /// Won returned on average, before tax, annuities at their total.
    pub gross: f64,
    /// After tax.
    pub net: f64,
    /// Before tax, at present value.
    pub present_value_gross: f64,
    /// After tax, at present value.
    pub present_value_net: f64,
    /// `gross / price`: the share of the price paid back as prizes.
    pub gross_return: f64,
    /// `present_value_net / price`.
    pub present_value_net_return: f64,
    /// Every prize valued, 1st first and the bonus last.
    pub prizes: Vec<PrizeValue>,
}

impl PensionExpectedValue {
    /// The expected value at `annual_rate`, or at [`DEFAULT_DISCOUNT_RATE`]
    /// when none is given: what every surface asks.
    pub fn at(annual_rate: Option<f64>) -> Result<PensionExpectedValue> {
        PensionExpectedValue::compute(annual_rate.unwrap_or(DEFAULT_DISCOUNT_RATE))
    }

    /// The expected value at `annual_rate`; an error names the field `rate`
    /// when it is not between 0 and 1.
    pub fn compute(annual_rate: f64) -> Result<PensionExpectedValue> {
        let prizes = PensionRank::ALL
            .iter()
            .map(|&r| PrizeValue::of(r, annual_rate))
            .collect::<Result<Vec<_>>>()?;
        let mean = |f: &dyn Fn(&PrizeValue) -> Money| {
            let sum: u128 = prizes
                .iter()
                .map(|p| u128::from(games_winning(p.rank)) * u128::from(f(p).get()))
                .sum();
            sum as f64 / TICKETS as f64
        };
        let gross = mean(&|p| p.gross_total);
        let present_value_net = mean(&|p| p.present_value_net);
        let price = TICKET_PRICE as f64;
        Ok(PensionExpectedValue {
            price: Money(TICKET_PRICE),
            annual_rate,
            gross,
            net: mean(&|p| p.net_total),
            present_value_gross: mean(&|p| p.present_value_gross),
            present_value_net,
            gross_return: gross / price,
            present_value_net_return: present_value_net / price,
            prizes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prizes_follow_the_table() {
        let totals: Vec<u64> = PensionRank::ALL
            .iter()
            .map(|r| r.prize().total().get())
            .collect();
        assert_eq!(
            totals,
            vec![
                1_680_000_000,
                120_000_000,
                1_000_000,
                100_000,
                50_000,
                5_000,
                1_000,
                120_000_000
            ]
        );
    }

    #[test]
    fn annuities_are_taxed_each_month() {
        let first = PrizeValue::of(PensionRank::First, DEFAULT_DISCOUNT_RATE).unwrap();
        assert_eq!(first.payment_tax.tax.get(), 1_540_000);
        assert_eq!(first.payment_tax.net.get(), 5_460_000);
        // 6,999,000 taxed: 1,399,800 + 139,980.
        assert_eq!(first.first_payment_tax.tax.get(), 1_539_780);
        assert_eq!(first.tax_total.get(), 1_539_780 + 239 * 1_540_000);
        assert_eq!(first.net_total.get(), 1_680_000_000 - first.tax_total.get());
        for rank in [PensionRank::Second, PensionRank::Bonus] {
            let v = PrizeValue::of(rank, DEFAULT_DISCOUNT_RATE).unwrap();
            assert_eq!(
                (v.payment_tax.tax.get(), v.payment_tax.net.get()),
                (220_000, 780_000)
            );
            assert_eq!(v.first_payment_tax.tax.get(), 219_780);
        }
        let third = PrizeValue::of(PensionRank::Third, DEFAULT_DISCOUNT_RATE).unwrap();
        assert_eq!(
            (third.tax_total, third.net_total.get()),
            (Money::ZERO, 1_000_000)
        );
        assert_eq!(third.present_value_net.get(), 1_000_000);
    }

    #[test]
    fn present_values_match_the_annuity_formula() {
        // P · (1 − (1+i)^−n) / i with i = 3 %/12.
        let i: f64 = 0.03 / 12.0;
        let closed = |p: f64, n: i32| p * (1.0 - (1.0 + i).powi(-n)) / i;
        let first = PrizeValue::of(PensionRank::First, 0.03).unwrap();
        let want = closed(7_000_000.0, 240);
        assert!((first.present_value_gross.get() as f64 - want).abs() <= 1.0);
        assert_eq!(first.present_value_gross.get(), 1_262_176_401);
        let second = PrizeValue::of(PensionRank::Second, 0.03).unwrap();
        assert!((second.present_value_gross.get() as f64 - closed(1_000_000.0, 120)).abs() <= 1.0);
        // At 0 % the present value is the total.
        let flat = PrizeValue::of(PensionRank::First, 0.0).unwrap();
        assert_eq!(flat.present_value_gross, flat.gross_total);
        assert_eq!(flat.present_value_net, flat.net_total);
        for bad in [-0.01, 1.5, f64::NAN, f64::INFINITY] {
            let e = PrizeValue::of(PensionRank::First, bad).unwrap_err();
            assert_eq!(e.field(), Some("rate"), "{bad}");
        }
    }

    #[test]
    fn a_ticket_returns_750_won_of_1000_before_tax() {
        let ev = PensionExpectedValue::compute(DEFAULT_DISCOUNT_RATE).unwrap();
        // (1,680M + 4·120M + 45·1M + 450·100k + 4,500·50k + 45,000·5k
        //  + 450,000·1k + 5·120M) / 5M = 750 won exactly.
        assert!((ev.gross - 750.0).abs() < 1e-9, "{}", ev.gross);
        assert!((ev.gross_return - 0.75).abs() < 1e-12);
        // Tax: 1st 369,599,780 won over its 240 payments, 2nd and the bonus
        // 26,399,780 each over 120, on 1 + 4 + 5 games of 5,000,000.
        let tax = (369_599_780.0 + 9.0 * 26_399_780.0) / 5_000_000.0;
        assert!((ev.net - (750.0 - tax)).abs() < 1e-9, "{}", ev.net);
        assert!((ev.net - 628.560_44).abs() < 1e-9);
        assert!(ev.present_value_net < ev.net);
        assert!(ev.present_value_gross < ev.gross);
        let flat = PensionExpectedValue::compute(0.0).unwrap();
        assert!((flat.present_value_net - flat.net).abs() < 1e-6);
    }
}
