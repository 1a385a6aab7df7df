//! `odds`, `tax` and `games`: what the rules of a game say.

use std::fmt::Write as _;

use clap::Args;
use lottopro_core::money::group_thousands as group;
use lottopro_core::{GameSpec, Money, Odds, Payout, TaxRule};
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
        let game = &self.game;
        let game = game.spec()?;
        let odds = Odds::of(&game);
        let cur = game.currency();
        let mut text = format!(
            "{} — {} possible tickets, {} each\n\n{:<5} {:<14} {:>18} {:>14}  {}\n",
            game.name(),
            group(odds.total_combinations),
            cur.format(game.ticket_price()),
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
        json["name"] = json!(game.name());
        json["ticket_price"] = json!(game.ticket_price());
        json["currency"] = json!(cur);
        Ok(Report {
            json,
            text,
            ok: true,
        })
    }
}

/// Tax and net amount of one prize.
#[derive(Debug, Args)]
pub(super) struct TaxArgs {
    /// The prize before tax, in minor units (won for kr645, cents for USD games).
    #[arg(allow_hyphen_values = true)]
    amount: String,
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
        let (amount, game) = (self.amount.as_str(), &self.game);
        let game = game.spec()?;
        let gross = Money::parse(amount, "amount")?;
        let a = game.tax().assess(gross, game.ticket_price())?;
        let cur = game.currency();
        let mut text = format!("{}\nrule: {}\n\n", game.name(), game.tax().name());
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
        json["game"] = json!(game.id());
        json["rule"] = json!(game.tax().name());
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
        for id in GameSpec::preset_ids() {
            let g = GameSpec::preset(id)?;
            let _ = writeln!(
                text,
                "{:<13} {:<20} {} of {}, {} tiers, {} per ticket",
                g.id(),
                g.name(),
                g.picks(),
                g.pool(),
                g.tiers().len(),
                g.currency().format(g.ticket_price())
            );
            list.push(serde_json::to_value(&g).unwrap_or_default());
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
