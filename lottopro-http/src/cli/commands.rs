//! The subcommands: each computes with the core and returns a [`Report`].

use std::fmt::Write as _;
use std::path::Path;

use lottopro_core::io::Format;
use lottopro_core::money::group_thousands as group;
use lottopro_core::stats::{Stats, StatsOptions};
use lottopro_core::ticket::{parse_numbers, parse_tickets};
use lottopro_core::{
    BacktestOptions, GameSpec, Method, Model, Money, Odds, Payout, Plan, PredictRequest,
    PrizeModel, SimulationRequest, Strategy, TaxRule, Ticket,
};
use serde_json::json;

use super::{GameArg, HistoryArgs, PopularitySource, Report};

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
    let c = h.require(round)?.check(game, &ticket);
    let cur = game.currency();
    let mut text = format!(
        "round {round} ({}): {:?} + bonus {:?}\nticket: {ticket}\nmatched {} number(s){}",
        c.date,
        c.draw.numbers,
        c.draw.bonus,
        c.matches,
        if c.bonus { " and the bonus" } else { "" }
    );
    match (c.rank, c.prize) {
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
    let mut json = serde_json::to_value(&c).unwrap_or_default();
    json["game"] = json!(game.id());
    json["currency"] = json!(cur);
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
    db: Option<&Path>,
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
            if let Some(path) = db {
                // A file that does not fit the stored draws is an error, and
                // the store is left as it was.
                let store = crate::store::Store::open(path)?;
                let added = store.add(&h)?;
                json["db"] = json!(path.display().to_string());
                json["added"] = json!(added.len());
                json["stored_latest_round"] = json!(store.history(h.game())?.latest_round());
            }
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

pub(super) fn stats(history: &HistoryArgs, window: usize, top: usize) -> Result<Report> {
    let h = history.load()?;
    let s = Stats::compute(h.view(), &StatsOptions { window, top });
    let mut text = format!(
        "{} draws (rounds {}..={})\n\nfrequency: expected {:.1} per number (sd {:.1})\n",
        s.draws,
        s.first_round.unwrap_or(0),
        s.latest_round.unwrap_or(0),
        s.expected_count,
        s.count_sd
    );
    let mut by_count: Vec<_> = s.numbers.iter().collect();
    by_count.sort_by_key(|n| (std::cmp::Reverse(n.count), n.number));
    let fmt = |v: &[&lottopro_core::stats::NumberStat]| -> String {
        v.iter()
            .map(|n| format!("{} ({}, z {:+.1})", n.number, n.count, n.z))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let k = top.min(by_count.len());
    let _ = writeln!(text, "  most drawn:  {}", fmt(&by_count[..k]));
    let _ = writeln!(
        text,
        "  least drawn: {}",
        fmt(&by_count[by_count.len() - k..])
    );
    if let Some(u) = s.uniformity {
        let _ = writeln!(
            text,
            "  uniformity: chi-square {:.1} on {} df, p = {:.3} ({})",
            u.statistic,
            u.df,
            u.p_value,
            if u.p_value < 0.05 {
                "frequencies differ from uniform"
            } else {
                "consistent with a fair draw"
            }
        );
    }
    let _ = writeln!(
        text,
        "\nlast {} draws (each number expected {:.1} times): hot {:?}, cold {:?}",
        s.window, s.window_expected, s.hot, s.cold
    );
    let _ = writeln!(
        text,
        "longest current gaps {:?} (expected gap {:.1} draws)",
        s.overdue, s.expected_gap
    );
    let c = &s.carry_over;
    let _ = writeln!(
        text,
        "carry-over (이월수): latest {:?}, with bonus {:?}; mean {:.3} per draw (chance {:.3})",
        c.latest, c.latest_with_bonus, c.distribution.mean, c.distribution.chance_mean
    );
    let pairs: Vec<String> = s
        .pairs
        .top
        .iter()
        .map(|p| format!("{}-{} ({})", p.a, p.b, p.count))
        .collect();
    let _ = writeln!(
        text,
        "companion pairs (궁합수): {} (any pair expected {:.1} ± {:.1})",
        pairs.join(", "),
        s.pairs.expected,
        s.pairs.sd
    );
    let p = &s.patterns;
    let _ = writeln!(
        text,
        "patterns: odd {:.2} per draw (chance {:.2}); low {:.2} ({:.2}); at least one consecutive pair {:.1} % ({:.1} %); sum {:.1} ± {:.1} ({:.1} ± {:.1})",
        p.odd.mean,
        p.odd.chance_mean,
        p.low.mean,
        p.low.chance_mean,
        100.0 * p.any_consecutive,
        100.0 * p.chance_any_consecutive,
        p.sum.mean,
        p.sum.sd,
        p.sum.chance_mean,
        p.sum.chance_sd
    );
    Ok(Report {
        json: serde_json::to_value(&s).unwrap_or_default(),
        text,
        ok: true,
    })
}

pub(super) fn predict(
    history: &HistoryArgs,
    model: &str,
    count: usize,
    include: &str,
    exclude: &str,
    seed: Option<u64>,
) -> Result<Report> {
    let model: Model = model.parse()?;
    let h = history.load()?;
    let game = h.game();
    let request = PredictRequest {
        model,
        count,
        include: parse_numbers(include, "include", game.pool())?,
        exclude: parse_numbers(exclude, "exclude", game.pool())?,
        seed: seed.unwrap_or_else(lottopro_core::rng::entropy_seed),
    };
    let p = lottopro_core::predict(h.view(), &request)?;
    let mut text = format!(
        "{} tickets from the {model} model, learnt from {} draws (seed {}):\n",
        p.tickets.len(),
        p.draws_used,
        p.seed
    );
    for t in &p.tickets {
        let _ = writeln!(text, "  {}", t.ticket);
        if let Some(top) = t.why.numbers.first() {
            let _ = writeln!(text, "      e.g. {}: {}", top.number, top.reason);
        }
    }
    text.push_str(
        "No model can predict a fair draw: `lottopro backtest` measures each one against chance.\n",
    );
    Ok(Report {
        json: serde_json::to_value(&p).unwrap_or_default(),
        text,
        ok: true,
    })
}

pub(super) fn backtest(
    history: &HistoryArgs,
    model: &str,
    tickets: usize,
    warmup: usize,
    seed: u64,
    alpha: f64,
) -> Result<Report> {
    let models = if model.eq_ignore_ascii_case("all") {
        Model::ALL.to_vec()
    } else {
        model
            .split(',')
            .map(str::parse)
            .collect::<Result<Vec<Model>>>()?
    };
    let h = history.load()?;
    let opts = BacktestOptions {
        models,
        tickets_per_round: tickets,
        warmup,
        seed,
        alpha,
    };
    let r = lottopro_core::backtest(h.view(), &opts)?;
    let mut text = format!(
        "walk-forward backtest, rounds {}..={}, {tickets} tickets per model per round, seed {seed}\n\n\
         {:<12} {:>13} {:>17} {:>7} {:>8} {:>8}  verdict\n",
        r.first_round, r.last_round, "model", "mean matches", "95 % CI", "chance", "p", "Holm p"
    );
    for m in &r.models {
        let verdict = if m.significant {
            "beats chance"
        } else {
            "no better than chance"
        };
        let _ = writeln!(
            text,
            "{:<12} {:>13.4} {:>8.4}–{:<8.4} {:>7.3} {:>8.3} {:>8.3}  {verdict}",
            m.model.as_str(),
            m.mean_matches,
            m.ci95.0,
            m.ci95.1,
            m.chance_mean_matches,
            m.p_value,
            m.p_holm
        );
    }
    let cur = h.game().currency();
    text.push('\n');
    for m in &r.models {
        let ret = if m.spent.get() > 0 {
            100.0 * m.won.get() as f64 / m.spent.get() as f64
        } else {
            0.0
        };
        let _ = writeln!(
            text,
            "{:<12} spent {}, won {} as paid ({ret:.1} % back; {} after tax)",
            m.model.as_str(),
            cur.format(m.spent),
            cur.format(m.won),
            cur.format(m.won_after_tax)
        );
    }
    Ok(Report {
        json: serde_json::to_value(&r).unwrap_or_default(),
        text,
        ok: true,
    })
}

/// The arguments of `lottopro simulate`.
pub(super) struct SimulateArgs<'a> {
    pub(super) tickets_per_draw: Option<u64>,
    pub(super) draws: u64,
    pub(super) trials: u64,
    pub(super) strategy: &'a str,
    pub(super) tickets: Option<&'a str>,
    pub(super) method: &'a str,
    pub(super) threads: Option<usize>,
    pub(super) seed: u64,
    pub(super) history: Option<&'a Path>,
    pub(super) format: Option<Format>,
    pub(super) prizes: Option<&'a Path>,
    pub(super) recent: usize,
    pub(super) prize: &'a [String],
}

pub(super) fn simulate(game: &GameArg, a: &SimulateArgs<'_>) -> Result<Report> {
    let spec = game.spec()?;
    let history = match a.history {
        Some(path) => {
            let h = lottopro_core::io::load_history(path, a.format, spec.clone())?;
            Some(match a.prizes {
                Some(p) => lottopro_core::io::load_prizes(&h, p)?,
                None => h,
            })
        }
        None => None,
    };
    let tickets = match a.tickets {
        Some(text) => parse_tickets(&spec, text)?,
        None => Vec::new(),
    };
    let strategy = Strategy::from_name(a.strategy, tickets)?;
    let method: Method = a.method.parse()?;
    let overrides = a
        .prize
        .iter()
        .map(|p| PrizeModel::parse_override(p))
        .collect::<Result<Vec<_>>>()?;
    let tickets_per_draw = a.tickets_per_draw.unwrap_or(match &strategy {
        Strategy::Fixed(t) => t.len() as u64,
        _ => 5,
    });
    let prize_model = PrizeModel::new(
        &spec,
        history.as_ref().map(|h| h.view()),
        a.recent,
        &overrides,
    )?;
    let request = SimulationRequest {
        plan: Plan {
            tickets_per_draw,
            draws: a.draws,
            trials: a.trials,
        },
        strategy,
        method,
        threads: a.threads,
        seed: a.seed,
    };
    let started = std::time::Instant::now();
    let r = lottopro_core::simulate(
        &spec,
        &prize_model,
        &request,
        history.as_ref().map(|h| h.view()),
    )?;
    let elapsed = started.elapsed().as_secs_f64();
    let cur = spec.currency();
    let amount = |v: i128| {
        let sign = if v < 0 { "-" } else { "" };
        format!(
            "{sign}{}",
            cur.format(
                Money::new(
                    v.unsigned_abs().min(u128::from(Money::MAX.get())) as u64,
                    "x"
                )
                .unwrap_or_default()
            )
        )
    };
    let mut text = format!(
        "{}: {} tickets per draw for {} draws, {} trials ({} strategy, {}, {:.3} s)\nprizes: {}\n\n",
        spec.name(),
        r.plan.tickets_per_draw,
        r.plan.draws,
        r.plan.trials,
        r.strategy,
        r.method,
        elapsed,
        r.prize_basis
    );
    let _ = writeln!(
        text,
        "expected prize per {} ticket: {:.2} before tax, {:.2} after (simulated {:.2} ± {:.2})",
        cur.format(r.ticket_price),
        r.exact_ev_per_ticket / 10f64.powi(i32::from(cur.minor_digits)),
        r.exact_ev_per_ticket_after_tax / 10f64.powi(i32::from(cur.minor_digits)),
        r.simulated_ev_per_ticket / 10f64.powi(i32::from(cur.minor_digits)),
        r.standard_error / 10f64.powi(i32::from(cur.minor_digits)),
    );
    let _ = writeln!(
        text,
        "per trial: spent {}, net outcome median {} (5 %: {}, 95 %: {}); mean {}; any profit in {:.2} % of trials",
        amount(r.spent_per_trial as i128),
        amount(r.percentiles.p50),
        amount(r.percentiles.p5),
        amount(r.percentiles.p95),
        amount(r.mean_net.round() as i128),
        100.0 * r.p_profit
    );
    for w in &r.wins {
        let _ = writeln!(
            text,
            "  rank {}: {} wins (expected {:.1})",
            w.rank, w.wins, w.expected
        );
    }
    let mut json = serde_json::to_value(&r).unwrap_or_default();
    json["currency"] = json!(cur);
    json["elapsed_seconds"] = json!(elapsed);
    Ok(Report {
        json,
        text,
        ok: true,
    })
}

/// `lottopro sync`: fetches and stores the rounds the database lacks.
pub(super) fn sync(db: &Path, config: crate::sync::SyncConfig, game: &GameArg) -> Result<Report> {
    let spec = game.spec()?;
    let store = std::sync::Arc::new(crate::store::Store::open(db)?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let syncer = crate::sync::Syncer::new(config)?;
    let report = runtime.block_on(syncer.sync(&store, &spec))?;
    let mut text = match (report.added.first(), report.added.last()) {
        (Some(a), Some(b)) => format!(
            "added rounds {a}..={b} from {}; latest stored round {}\n",
            report.source.unwrap_or("?"),
            report.latest_round.map_or("none".into(), |r| r.to_string())
        ),
        _ => format!(
            "nothing new; latest stored round {}\n",
            report.latest_round.map_or("none".into(), |r| r.to_string())
        ),
    };
    for f in &report.failures {
        text.push_str(&format!("source {} failed: {}\n", f.source, f.reason));
    }
    Ok(Report {
        ok: !report.failed(),
        json: serde_json::to_value(&report).unwrap_or_default(),
        text,
    })
}

/// `lottopro backup`.
pub(super) fn backup(db: &Path, to: &Path) -> Result<Report> {
    let (file, manifest) = crate::store::backup::backup(db, to)?;
    let rows: Vec<String> = manifest
        .rows
        .iter()
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    Ok(Report {
        text: format!(
            "backed up {} to {} ({} bytes, sha256 {}; rows: {})\n",
            db.display(),
            file.display(),
            manifest.bytes,
            manifest.sha256,
            rows.join(", ")
        ),
        json: json!({ "file": file.display().to_string(), "manifest": manifest }),
        ok: true,
    })
}

/// `lottopro restore`.
pub(super) fn restore(from: &Path, db: &Path) -> Result<Report> {
    let manifest = crate::store::backup::restore(from, db)?;
    Ok(Report {
        text: format!(
            "restored {} from {} (taken at {}, checksum verified)\n",
            db.display(),
            from.display(),
            manifest.created_at
        ),
        json: json!({ "db": db.display().to_string(), "manifest": manifest }),
        ok: true,
    })
}

/// `lottopro check --qr URL`: every game of a ticket's QR code.
pub(super) fn check_qr(history: &HistoryArgs, url: &str) -> Result<Report> {
    let engine = lottopro_core::Engine::builder(history.load()?)
        .cache(None)
        .build();
    let checked = engine.check_qr(url)?;
    let cur = engine.game().currency().clone();
    let mut text = format!("round {}: {} game(s)\n", checked.round, checked.games.len());
    for (i, g) in checked.games.iter().enumerate() {
        let outcome = match (g.rank, g.prize) {
            (Some(r), Some(p)) => format!("rank {r}, paid {}", cur.format(p)),
            (Some(r), None) => format!("rank {r}"),
            (None, _) => "no prize".to_owned(),
        };
        let _ = writeln!(
            text,
            "  {} {} {:?}: {} matched{} → {outcome}",
            i + 1,
            g.kind,
            g.numbers,
            g.matches,
            if g.bonus { " + bonus" } else { "" }
        );
    }
    Ok(Report {
        json: serde_json::to_value(&checked).unwrap_or_default(),
        text,
        ok: true,
    })
}

pub(super) fn popularity(
    source: &PopularitySource,
    ticket: &str,
    sales: Option<&str>,
) -> Result<Report> {
    let engine = lottopro_core::Engine::builder(source.load()?)
        .cache(None)
        .build();
    let game = engine.game();
    let ticket = Ticket::parse(&game, ticket)?;
    let sales = sales.map(|s| Money::parse(s, "sales")).transpose()?;
    let p = engine.popularity(&ticket, sales)?;
    let cur = game.currency();
    let mut text = format!(
        "ticket {ticket}: played {:.1}× as often as a uniformly random ticket\n\
         draw with {} in sales ({:.0} tickets)\n\
         rank  chance          co-winners (uniform)   your prize\n",
        p.popularity,
        cur.format(p.sales),
        p.tickets_sold
    );
    for (rank, chance) in &p.win_probability {
        let _ = writeln!(
            text,
            "{rank:>4}  1 in {:<11.0} {:>10.1} ({:>9.1})   {:>14.0}",
            1.0 / chance,
            p.expected_co_winners[rank],
            p.uniform_co_winners[rank],
            p.expected_prize[rank]
        );
    }
    let _ = writeln!(
        text,
        "expected value {:.1} per ticket ({:.1} if everyone chose uniformly), price {}\n{}",
        p.ev_per_ticket,
        p.uniform_ev_per_ticket,
        cur.format(p.ticket_price),
        p.note
    );
    Ok(Report {
        json: serde_json::to_value(&p).unwrap_or_default(),
        text,
        ok: true,
    })
}

pub(super) fn popularity_evaluation(source: &PopularitySource) -> Result<Report> {
    let engine = lottopro_core::Engine::builder(source.load()?)
        .cache(None)
        .build();
    let e = engine.popularity_evaluation()?;
    let mut text = format!(
        "trained on {} draws ({}–{}), scored on {} draws ({}–{})\n\
         rank  deviance: uniform      model   gain      t  p (one-sided)\n",
        e.train.draws,
        e.train.first_round,
        e.train.last_round,
        e.test_draws,
        e.test_first_round,
        e.test_last_round
    );
    for t in &e.tiers {
        let _ = writeln!(
            text,
            "{:>4}  {:>16.1} {:>10.1} {:>5.1} % {:>6.2}  {:.2e}",
            t.rank,
            t.deviance_uniform,
            t.deviance_model,
            100.0 * t.improvement,
            t.t,
            t.p_value
        );
    }
    let _ = writeln!(
        text,
        "all ranks: t = {:.2}, p = {:.2e}\n\
         pattern tickets ({} progressions) are played {:.1}× as often as a uniform one \
         (95 % profile interval {:.1}–{:.1}×; p = {:.3} against no pattern share)\n{}",
        e.combined_t,
        e.combined_p_value,
        e.patterns,
        e.pattern_multiplier,
        e.pattern_multiplier_interval.0,
        e.pattern_multiplier_interval.1,
        e.pattern_p_value,
        e.note
    );
    Ok(Report {
        json: serde_json::to_value(&e).unwrap_or_default(),
        text,
        ok: true,
    })
}

pub(super) fn wheel(
    game: &GameArg,
    numbers: Option<&str>,
    guarantee: &str,
    full_pool: bool,
    seed: u64,
) -> Result<Report> {
    let spec = game.spec()?;
    let numbers = numbers
        .map(|n| lottopro_core::ticket::parse_numbers(n, "numbers", spec.pool()))
        .transpose()?;
    let w = lottopro_core::WheelRequest {
        numbers,
        guarantee: guarantee.to_owned(),
        full_pool,
        seed: Some(seed),
    }
    .build(&spec)?;
    let cur = spec.currency();
    let mut text = format!(
        "{} tickets guarantee {} matches if {} drawn numbers are among {} of yours; verified over all {} draws where that applies (of {})\ncost {}",
        w.tickets.len(),
        w.guarantee.t,
        w.guarantee.m,
        w.numbers.len(),
        w.draws_checked,
        w.total_draws,
        cur.format(w.cost)
    );
    if let Some(ev) = w.expected_value {
        let _ = write!(text, ", expected prizes {}", cur.format(ev));
    }
    text.push('\n');
    for t in &w.tickets {
        let _ = writeln!(text, "  {t:?}");
    }
    text.push_str(w.note);
    text.push('\n');
    Ok(Report {
        json: serde_json::to_value(&w).unwrap_or_default(),
        text,
        ok: true,
    })
}
