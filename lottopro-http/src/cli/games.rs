//! `odds`, `tax` and `games`: what the rules of a game say.

use std::fmt::Write as _;

use clap::Args;
use lottopro_core::money::group_thousands as group;
use lottopro_core::pension::{self, PensionExpectedValue, PensionOdds, PensionPrize, PensionRank};
use lottopro_core::{Currency, Game, GameOdds, GameTax, Money, Payout};
use serde_json::json;

use super::args::{GameArg, Output};
use super::{Report, Run};

type Result<T> = lottopro_core::Result<T>;

/// Exact odds of every prize tier of a game.
#[derive(Debug, Args)]
pub(super) struct OddsArgs {
    #[command(flatten)]
    game: GameArg,
    #[command(flatten)]
    out: Output,
}

impl Run for OddsArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    fn run(&self) -> Result<Report> {
        let game = self.game.choice()?;
        let odds = match game.odds() {
            GameOdds::Numbers(odds) => odds,
            GameOdds::Pension(odds) => return Ok(pension_odds(&odds)),
        };
        let game = game.summary();
        let cur = &game.currency;
        let mut text = format!(
            "{} — {} possible tickets, {} each\n\n{:<5} {:<14} {:>18} {:>14}  {}\n",
            game.name,
            group(odds.total_combinations),
            cur.format(game.ticket_price),
            "rank",
            "match",
            "chance",
            "combinations",
            "prize"
        );
        for t in &odds.tiers {
            let prize = match t.payout {
                Payout::Fixed { amount } => cur.format(amount),
                Payout::PariMutuel {
                    share_permille: Some(s),
                } => format!("{:.1} % of the prize pool (shared)", f64::from(s) / 10.0),
                Payout::PariMutuel {
                    share_permille: None,
                } => "pari-mutuel (shared)".to_owned(),
            };
            let _ = writeln!(
                text,
                "{:<5} {:<14} {:>18} {:>14}  {prize}",
                t.rank,
                t.label,
                one_in(t.one_in),
                group(t.combinations)
            );
        }
        let _ = writeln!(text, "\nany prize: {}", one_in(odds.any_prize_one_in));
        let mut json = serde_json::to_value(&odds).unwrap_or_default();
        json["name"] = json!(game.name);
        json["ticket_price"] = json!(game.ticket_price);
        json["currency"] = json!(cur);
        Ok(Report {
            json,
            text,
            ok: true,
        })
    }
}

/// Tax and net amount of one prize (for kr720: of every prize, each
/// annuity taxed payment by payment, with present values).
#[derive(Debug, Args)]
pub(super) struct TaxArgs {
    /// The prize before tax, in minor units (won for kr645, cents for USD
    /// games); not for kr720, whose prizes are fixed.
    #[arg(allow_hyphen_values = true)]
    amount: Option<String>,
    /// kr720: the annual discount rate of the present values (0.03 is 3 %,
    /// the default).
    #[arg(long, allow_hyphen_values = true)]
    rate: Option<String>,
    #[command(flatten)]
    game: GameArg,
    #[command(flatten)]
    out: Output,
}

impl Run for TaxArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    fn run(&self) -> Result<Report> {
        let game = self.game.choice()?;
        let gross = self
            .amount
            .as_deref()
            .map(|a| Money::parse(a, "amount"))
            .transpose()?;
        let rate = self.rate.as_deref().map(parse_rate).transpose()?;
        let a = match game.tax(gross, rate)? {
            GameTax::Numbers(a) => a,
            GameTax::Pension(ev) => return Ok(pension_tax(&ev)),
        };
        let game = game.summary();
        let cur = &game.currency;
        let mut text = format!("{}\nrule: {}\n\n", game.name, game.tax_rule);
        for (label, v) in [
            ("gross", a.gross),
            ("deduction", a.deduction),
            ("taxable", a.taxable),
            ("tax", a.tax),
            ("net", a.net),
        ] {
            let _ = writeln!(text, "{label:<10} {:>24}", cur.format(v));
        }
        let mut json = serde_json::to_value(a).unwrap_or_default();
        json["game"] = json!(game.id);
        json["rule"] = json!(game.tax_rule);
        json["currency"] = json!(cur);
        Ok(Report {
            json,
            text,
            ok: true,
        })
    }
}

/// List the preset games.
#[derive(Debug, Args)]
pub(super) struct GamesArgs {
    #[command(flatten)]
    out: Output,
}

impl Run for GamesArgs {
    fn output(&self) -> &Output {
        &self.out
    }

    fn run(&self) -> Result<Report> {
        let mut text = String::new();
        let mut list = Vec::new();
        for game in Game::all() {
            let g = game.summary();
            let _ = writeln!(
                text,
                "{:<13} {:<36} {}, {} tiers, {} per ticket",
                g.id,
                g.name,
                g.ticket,
                g.tiers,
                g.currency.format(g.ticket_price)
            );
            // A numbers game lists its whole definition; 720+ its summary
            // (id, name, ticket_price and currency are in both).
            list.push(
                match game {
                    Game::Numbers(spec) => serde_json::to_value(&spec),
                    Game::Pension => serde_json::to_value(&g),
                }
                .unwrap_or_default(),
            );
        }
        Ok(Report {
            json: json!({ "games": list }),
            text,
            ok: true,
        })
    }
}

fn one_in(x: f64) -> String {
    if !x.is_finite() {
        "never".to_owned()
    } else if x >= 1000.0 {
        // Rounded to a whole number; `x` is at most u64::MAX here.
        format!("1 in {}", group(x.round() as u64))
    } else {
        format!("1 in {x:.2}")
    }
}

/// `--rate`: a number; the core decides which rates are valid.
fn parse_rate(text: &str) -> Result<f64> {
    text.trim().parse().map_err(|_| {
        lottopro_core::Error::invalid("rate", format!("'{text}' is not a number (0.03 is 3 %)"))
    })
}

/// The currency of 720+'s amounts (won, as Lotto's).
fn won() -> Currency {
    Game::Pension.summary().currency
}

/// `1st` .. `7th`, `bonus`.
pub(super) fn rank_name(rank: PensionRank) -> String {
    match rank.number() {
        Some(1) => "1st".into(),
        Some(2) => "2nd".into(),
        Some(3) => "3rd".into(),
        Some(n) => format!("{n}th"),
        None => "bonus".into(),
    }
}

/// What a prize pays, in words.
pub(super) fn prize_text(prize: PensionPrize, cur: &Currency) -> String {
    match prize {
        PensionPrize::Annuity { monthly, months } => {
            format!("{} a month for {months} months", cur.format(monthly))
        }
        PensionPrize::LumpSum { amount } => cur.format(amount),
    }
}

/// `odds --game kr720`.
fn pension_odds(odds: &PensionOdds) -> Report {
    let cur = won();
    let mut text = format!(
        "{} — {} games a draw, {} each\n\n{:<6} {:<27} {:>16} {:>8}  {}\n",
        pension::NAME,
        group(odds.total_games),
        cur.format(Game::Pension.summary().ticket_price),
        "prize",
        "match",
        "chance",
        "games",
        "pays"
    );
    for t in &odds.tiers {
        let _ = writeln!(
            text,
            "{:<6} {:<27} {:>16} {:>8}  {}",
            rank_name(t.rank),
            t.label,
            one_in(t.one_in),
            group(t.games),
            prize_text(t.prize, &cur)
        );
    }
    let _ = writeln!(
        text,
        "\n1st to 7th: {} (the bonus aside)",
        one_in(1.0 / odds.ranked_probability)
    );
    let mut json = serde_json::to_value(odds).unwrap_or_default();
    json["name"] = json!(pension::NAME);
    json["ticket_price"] = json!(pension::TICKET_PRICE);
    json["currency"] = json!(cur);
    Report {
        json,
        text,
        ok: true,
    }
}

/// `tax --game kr720`.
fn pension_tax(ev: &PensionExpectedValue) -> Report {
    let cur = won();
    let mut text = format!(
        "{}\nrule: Korean withholding, each payment taxed by itself; present values at {} % a year\n\n{:<6} {:<40} {:>16} {:>16} {:>20} {:>20}\n",
        pension::NAME,
        ev.annual_rate * 100.0,
        "prize",
        "pays",
        "tax a payment",
        "net a payment",
        "net in all",
        "net, present value"
    );
    for p in &ev.prizes {
        let _ = writeln!(
            text,
            "{:<6} {:<40} {:>16} {:>16} {:>20} {:>20}",
            rank_name(p.rank),
            prize_text(p.prize, &cur),
            cur.format(p.payment_tax.tax),
            cur.format(p.payment_tax.net),
            cur.format(p.net_total),
            cur.format(p.present_value_net)
        );
    }
    let _ = writeln!(
        text,
        "\nthe ticket's {} is deducted from the first payment only.\n\
         a {} game returns {:.1} won on average before tax ({:.1} % of its price), \
         {:.1} won after tax at present value",
        cur.format(ev.price),
        cur.format(ev.price),
        ev.gross,
        ev.gross_return * 100.0,
        ev.present_value_net
    );
    let mut json = serde_json::to_value(ev).unwrap_or_default();
    json["game"] = json!(pension::GAME_ID);
    json["currency"] = json!(cur);
    Report {
        json,
        text,
        ok: true,
    }
}
