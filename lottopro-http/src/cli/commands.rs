//! The subcommands: each computes with the core and returns a [`Report`].

use std::fmt::Write as _;
use std::path::Path;

use lottopro_core::io::Format;
use lottopro_core::money::group_thousands as group;
use lottopro_core::{GameSpec, Money, Odds, Payout, TaxRule, Ticket};
use serde_json::json;

use super::{GameArg, HistoryArgs, Report};

type Result<T> = lottopro_core::Result<T>;

pub(super) fn odds(game: &GameArg) -> Result<Report> {
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

pub(super) fn tax(amount: &str, game: &GameArg) -> Result<Report> {
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

pub(super) fn check(history: &HistoryArgs, round: u32, ticket: &str) -> Result<Report> {
    let h = history.load()?;
    let game = h.game();
    let ticket = Ticket::parse(game, ticket)?;
    let draw = h.require(round)?;
    let m = draw.matches(&ticket);
    let rank = game.rank_of(m);
    // What the draw paid for that rank, when the history records it and
    // somebody won it.
    let paid = rank
        .and_then(|r| draw.result(r))
        .filter(|r| r.winners > 0)
        .map(|r| r.prize_each);
    let cur = game.currency();
    let mut text = format!(
        "round {round} ({}): {} + bonus {}\nticket: {ticket}\nmatched {} number(s){}",
        draw.date(),
        draw.numbers(),
        draw.bonus(),
        m.main,
        if m.bonus > 0 { " and the bonus" } else { "" }
    );
    match (rank, paid) {
        (Some(r), Some(p)) => {
            let _ = writeln!(
                text,
                " → rank {r}: this draw paid {} per winning ticket",
                cur.format(p)
            );
        }
        (Some(r), None) => {
            let _ = writeln!(
                text,
                " → rank {r} (the history does not say what this draw paid for it)"
            );
        }
        (None, _) => text.push_str(" → no prize\n"),
    }
    let json = json!({
        "game": game.id(),
        "round": round,
        "date": draw.date(),
        "draw": { "numbers": draw.numbers(), "bonus": draw.bonus() },
        "ticket": ticket,
        "matches": m.main,
        "bonus_matches": m.bonus,
        "bonus": m.bonus > 0,
        "rank": rank,
        "prize": paid,
        "currency": cur,
    });
    Ok(Report {
        json,
        text,
        ok: true,
    })
}

pub(super) fn import(
    file: &Path,
    format: Option<Format>,
    prizes: Option<&Path>,
    game: &GameArg,
) -> Result<Report> {
    let spec = game.spec()?;
    let format = match format {
        Some(f) => f,
        None => Format::from_path(file)?,
    };
    let loaded =
        lottopro_core::io::load_history(file, Some(format), spec).and_then(|h| match prizes {
            Some(p) => lottopro_core::io::load_prizes(&h, p),
            None => Ok(h),
        });
    let mut json = json!({
        "file": file.display().to_string(),
        "format": format,
        "game": game.id,
    });
    let (text, ok) = match loaded {
        Ok(h) if h.is_empty() => {
            json["valid"] = json!(false);
            json["draws"] = json!(0);
            json["error"] = json!({ "kind": "history", "message": "the file holds no draws" });
            (
                format!("{}: the file holds no draws\n", file.display()),
                false,
            )
        }
        Ok(h) => {
            let with_prizes = h.draws().iter().filter(|d| !d.results().is_empty()).count();
            let with_sales = h
                .draws()
                .iter()
                .filter(|d| d.total_sales().is_some())
                .count();
            json["valid"] = json!(true);
            json["draws"] = json!(h.len());
            json["first_round"] = json!(h.first_round());
            json["latest_round"] = json!(h.latest_round());
            json["first_date"] = json!(h.draws().first().map(|d| d.date()));
            json["latest_date"] = json!(h.latest().map(|d| d.date()));
            json["draws_with_prizes"] = json!(with_prizes);
            json["draws_with_sales"] = json!(with_sales);
            json["epoch"] = json!(format!("{:016x}", h.epoch()));
            json["error"] = json!(null);
            let text = format!(
                "{}: {} valid draws, rounds {}..={} ({} to {}); {} with prize results, {} with sales\n",
                file.display(),
                h.len(),
                h.first_round().unwrap_or(0),
                h.latest_round().unwrap_or(0),
                h.draws()
                    .first()
                    .map(|d| d.date().to_string())
                    .unwrap_or_default(),
                h.latest().map(|d| d.date().to_string()).unwrap_or_default(),
                with_prizes,
                with_sales
            );
            (text, true)
        }
        // An unreadable file is reported, not raised: the report is the result.
        Err(e) => {
            json["valid"] = json!(false);
            json["draws"] = json!(null);
            json["error"] = json!({ "kind": e.kind().as_str(), "message": e.to_string() });
            (format!("{}: invalid: {e}\n", file.display()), false)
        }
    };
    Ok(Report { json, text, ok })
}

pub(super) fn games() -> Result<Report> {
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
