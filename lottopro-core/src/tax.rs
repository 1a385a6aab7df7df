//! Tax on prizes.
//!
//! [`TaxRule`] is the behaviour; [`BracketTax`] is the one data-driven rule
//! that every preset uses: an exemption threshold on the gross prize, an
//! optional deduction of the ticket cost, marginal brackets on what remains,
//! and a surtax charged as a percentage of the bracket tax.
//!
//! That shape expresses the Korean rule (in force since 2023-01-01) exactly:
//! a prize of 2,000,000 won or less is not taxed; above it, the prize minus the
//! 1,000-won ticket is taxed 20 % up to 300,000,000 won and 30 % above (income
//! tax), plus local income tax of 10 % of the income tax — 22 % and 33 % in
//! all. **Rounding:** the income tax and the local income tax are each
//! truncated to the whole minor unit (the won), computed exactly in integers;
//! so 1,000,000,000 won pays 269,999,700 + 26,999,970 = 296,999,670 won.
//!
//! A prize paid in instalments (the annuities of Pension Lottery 720+) is
//! taxed one payment at a time: [`BracketTax::assess_installment`] decides
//! the exemption on the whole prize and applies the brackets to each
//! payment.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::Money;

/// Basis points: 1/100 of a percent. 10,000 bp = 100 %.
const BP: u128 = 10_000;

/// How a prize is taxed.
pub trait TaxRule {
    /// Tax owed on one winning ticket's `gross` prize; `ticket_cost` is the
    /// price of the ticket, deductible under some rules.
    fn assess(&self, gross: Money, ticket_cost: Money) -> Result<TaxAssessment>;
}

/// The tax owed on one prize, and how it was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct TaxAssessment {
    /// The prize before tax.
    pub gross: Money,
    /// What was deducted before the brackets applied (the ticket cost).
    pub deduction: Money,
    /// The amount the brackets were applied to (0 when exempt).
    pub taxable: Money,
    /// Tax from the brackets (Korea: income tax).
    pub base_tax: Money,
    /// Tax charged on the bracket tax (Korea: local income tax).
    pub surtax: Money,
    /// `base_tax + surtax`.
    pub tax: Money,
    /// `gross - tax`.
    pub net: Money,
}

/// One marginal bracket: `rate_bp` applies to the part of the taxable amount
/// below `up_to` (and above the previous bracket's bound); `None` is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Bracket {
    /// Upper bound of the bracket on the taxable amount, or `None` for the top bracket.
    pub up_to: Option<Money>,
    /// Rate in basis points (2,000 = 20 %).
    pub rate_bp: u32,
}

/// A marginal-bracket tax rule; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct BracketTax {
    name: String,
    exempt_up_to: Money,
    deduct_ticket_cost: bool,
    brackets: Vec<Bracket>,
    surtax_bp: u32,
}

impl BracketTax {
    /// A rule, validated: brackets strictly ascending, the last one unbounded,
    /// and no combination of rate and surtax that could take more than the prize.
    pub fn new(
        name: impl Into<String>,
        exempt_up_to: Money,
        deduct_ticket_cost: bool,
        brackets: Vec<Bracket>,
        surtax_bp: u32,
    ) -> Result<BracketTax> {
        let Some(last) = brackets.last() else {
            return Err(Error::invalid(
                "tax.brackets",
                "at least one bracket is required",
            ));
        };
        if last.up_to.is_some() {
            return Err(Error::invalid(
                "tax.brackets",
                "the last bracket must be unbounded (up_to = null)",
            ));
        }
        let mut prev = Money::ZERO;
        for (i, b) in brackets.iter().enumerate() {
            if u128::from(b.rate_bp) * (BP + u128::from(surtax_bp)) > BP * BP {
                return Err(Error::invalid(
                    format!("tax.brackets[{i}].rate_bp"),
                    format!(
                        "{} bp plus a {surtax_bp} bp surtax would exceed 100 % of the prize",
                        b.rate_bp
                    ),
                ));
            }
            if let Some(up) = b.up_to {
                if up <= prev {
                    return Err(Error::invalid(
                        format!("tax.brackets[{i}].up_to"),
                        "bracket bounds must be strictly ascending",
                    ));
                }
                prev = up;
            } else if i + 1 != brackets.len() {
                return Err(Error::invalid(
                    format!("tax.brackets[{i}].up_to"),
                    "only the last bracket may be unbounded",
                ));
            }
        }
        Ok(BracketTax {
            name: name.into(),
            exempt_up_to,
            deduct_ticket_cost,
            brackets,
            surtax_bp,
        })
    }

    /// No tax at all (Japan, the UK, Canada: lottery prizes are tax-free).
    pub fn tax_free() -> BracketTax {
        BracketTax {
            name: "tax-free".into(),
            exempt_up_to: Money::MAX,
            deduct_ticket_cost: false,
            brackets: vec![Bracket {
                up_to: None,
                rate_bp: 0,
            }],
            surtax_bp: 0,
        }
    }

    /// The Korean rule for lottery prizes since 2023-01-01 (see module docs).
    pub fn korea() -> BracketTax {
        BracketTax {
            name: "Korea (since 2023-01-01): 22 % above 2,000,000 won, 33 % above 300,000,000 won"
                .into(),
            exempt_up_to: Money(2_000_000),
            deduct_ticket_cost: true,
            brackets: vec![
                Bracket {
                    up_to: Some(Money(300_000_000)),
                    rate_bp: 2_000,
                },
                Bracket {
                    up_to: None,
                    rate_bp: 3_000,
                },
            ],
            surtax_bp: 1_000,
        }
    }

    /// United States federal withholding on lottery prizes: 24 % of prizes
    /// over $5,000 (in cents). State taxes vary and are not included.
    pub fn us_federal_withholding() -> BracketTax {
        BracketTax {
            name: "US federal withholding: 24 % of prizes over $5,000 (state tax not included)"
                .into(),
            exempt_up_to: Money(500_000),
            deduct_ticket_cost: false,
            brackets: vec![Bracket {
                up_to: None,
                rate_bp: 2_400,
            }],
            surtax_bp: 0,
        }
    }

    /// A human description of the rule.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Prizes up to and including this amount are not taxed.
    pub fn exempt_up_to(&self) -> Money {
        self.exempt_up_to
    }
    /// The marginal brackets.
    pub fn brackets(&self) -> &[Bracket] {
        &self.brackets
    }
}

impl BracketTax {
    /// Tax on one payment of a prize paid in instalments (the annuities of
    /// Korea's Pension Lottery 720+): whether the prize is taxed at all is
    /// decided on the `whole_prize`, and the brackets then apply to each
    /// `payment` by itself, less `ticket_cost` where this rule deducts it
    /// (pass the ticket's cost with one payment and zero with the others).
    /// Under the Korean rule a 1,000,000-won monthly payment of a
    /// 120,000,000-won prize is taxed 22 %, and a 7,000,000-won payment of a
    /// 1,680,000,000-won prize is taxed 22 %, not 33 %: no single payment
    /// reaches the 300,000,000-won bracket.
    pub fn assess_installment(
        &self,
        payment: Money,
        whole_prize: Money,
        ticket_cost: Money,
    ) -> Result<TaxAssessment> {
        if whole_prize <= self.exempt_up_to {
            return Ok(TaxAssessment::exempt(payment));
        }
        self.brackets_on(payment, ticket_cost)
    }

    /// The brackets and surtax on `gross` less the deductible `ticket_cost`.
    fn brackets_on(&self, gross: Money, ticket_cost: Money) -> Result<TaxAssessment> {
        // `Money` is bounded by Money::MAX, so these products fit easily in u128.
        let deduction = if self.deduct_ticket_cost {
            ticket_cost.min(gross)
        } else {
            Money::ZERO
        };
        let taxable = gross.saturating_sub(deduction);
        let mut scaled: u128 = 0;
        let mut lower: u128 = 0;
        for b in &self.brackets {
            let t = u128::from(taxable.get());
            let upper = b.up_to.map_or(t, |u| u128::from(u.get()).min(t));
            if upper > lower {
                scaled += (upper - lower) * u128::from(b.rate_bp);
                lower = upper;
            }
        }
        let base = scaled / BP;
        let surtax = base * u128::from(self.surtax_bp) / BP;
        let to_money = |v: u128| Money::new(u64::try_from(v).unwrap_or(u64::MAX), "tax");
        let base_tax = to_money(base)?;
        let surtax = to_money(surtax)?;
        let tax = base_tax.checked_add(surtax)?;
        Ok(TaxAssessment {
            gross,
            deduction,
            taxable,
            base_tax,
            surtax,
            tax,
            net: gross.saturating_sub(tax),
        })
    }
}

impl TaxAssessment {
    /// No tax on `gross`.
    fn exempt(gross: Money) -> TaxAssessment {
        TaxAssessment {
            gross,
            deduction: Money::ZERO,
            taxable: Money::ZERO,
            base_tax: Money::ZERO,
            surtax: Money::ZERO,
            tax: Money::ZERO,
            net: gross,
        }
    }
}

impl TaxRule for BracketTax {
    fn assess(&self, gross: Money, ticket_cost: Money) -> Result<TaxAssessment> {
        if gross <= self.exempt_up_to {
            return Ok(TaxAssessment::exempt(gross));
        }
        self.brackets_on(gross, ticket_cost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_rules_that_cannot_be_right() {
        let b = |up_to: Option<u64>, rate_bp| Bracket {
            up_to: up_to.map(Money),
            rate_bp,
        };
        assert!(BracketTax::new("x", Money(0), false, vec![], 0).is_err());
        assert!(BracketTax::new("x", Money(0), false, vec![b(Some(5), 100)], 0).is_err());
        assert!(
            BracketTax::new(
                "x",
                Money(0),
                false,
                vec![b(Some(5), 100), b(Some(5), 1), b(None, 1)],
                0
            )
            .is_err()
        );
        assert!(BracketTax::new("x", Money(0), false, vec![b(None, 10_000)], 1).is_err());
        assert!(BracketTax::new("x", Money(0), false, vec![b(None, 10_001)], 0).is_err());
        assert!(
            BracketTax::new("x", Money(0), false, vec![b(Some(5), 100), b(None, 200)], 0).is_ok()
        );
    }

    #[test]
    fn korean_breakdown() {
        let a = BracketTax::korea()
            .assess(Money(1_000_000_000), Money(1_000))
            .unwrap();
        assert_eq!(a.deduction, Money(1_000));
        assert_eq!(a.taxable, Money(999_999_000));
        assert_eq!(a.base_tax, Money(269_999_700));
        assert_eq!(a.surtax, Money(26_999_970));
        assert_eq!(a.tax, Money(296_999_670));
        assert_eq!(a.net, Money(703_000_330));
    }

    #[test]
    fn instalments_are_taxed_one_payment_at_a_time() {
        let korea = BracketTax::korea();
        // 7,000,000 won a month of a 1,680,000,000-won prize: 22 %, not 33 %.
        let month = korea
            .assess_installment(Money(7_000_000), Money(1_680_000_000), Money::ZERO)
            .unwrap();
        assert_eq!((month.tax, month.net), (Money(1_540_000), Money(5_460_000)));
        // Under the exemption threshold by itself, but part of a taxed prize.
        let small = korea
            .assess_installment(Money(1_000_000), Money(120_000_000), Money(1_000))
            .unwrap();
        assert_eq!((small.deduction, small.tax), (Money(1_000), Money(219_780)));
        // The whole prize decides the exemption; a lump sum is unchanged.
        let exempt = korea
            .assess_installment(Money(1_000_000), Money(2_000_000), Money(1_000))
            .unwrap();
        assert_eq!(exempt.tax, Money::ZERO);
        assert_eq!(
            korea.assess(Money(1_000_000), Money(1_000)).unwrap().tax,
            Money::ZERO
        );
    }
}
