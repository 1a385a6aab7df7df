//! The statistics page: frequency with the chance band, hot and cold
//! numbers and gaps, and beyond frequency, each beside what chance gives:
//! carry-over numbers (이월수), companion pairs (궁합수) with a heat map,
//! and the patterns of the draws (odd/even, low/high, runs, sums). A window
//! selector limits every figure to the latest draws; the chance figures
//! are computed for as many draws.

use std::fmt::Write;

use lottopro_core::stats::{Distribution, Stats};

use super::{Text, balls, chart};

/// The windows offered, in draws (and "all").
const WINDOWS: [usize; 4] = [52, 100, 200, 500];

/// The page's content.
pub(super) fn page(t: &Text, s: &Stats, last: Option<usize>) -> String {
    let mut options = format!(
        r#"<option value="all"{}>{}</option>"#,
        if last.is_none() { " selected" } else { "" },
        t.all_draws
    );
    for w in WINDOWS {
        let _ = write!(
            options,
            r#"<option value="{w}"{}>{} {w}</option>"#,
            if last == Some(w) { " selected" } else { "" },
            t.latest_draws
        );
    }
    if let Some(n) = last.filter(|n| !WINDOWS.contains(n)) {
        let _ = write!(
            options,
            r#"<option value="{n}" selected>{} {n}</option>"#,
            t.latest_draws
        );
    }
    let mut h = format!(
        r#"<section id="window"><form id="window-form" method="get" action="/stats"><label>{} <select name="last">{options}</select></label><button type="submit">{}</button></form><p class="note">{} {} ({} {}–{})</p></section>"#,
        t.window,
        t.show,
        s.draws,
        t.draws_word,
        t.round,
        s.first_round.unwrap_or(0),
        s.latest_round.unwrap_or(0),
    );
    let _ = write!(
        h,
        r#"<section id="frequency"><h2>{}</h2>{}<p class="note">{}</p>"#,
        t.frequency_title,
        chart::frequency(s, t),
        t.frequency_note
    );
    if let Some(u) = &s.uniformity {
        let _ = write!(
            h,
            r#"<p class="note">{}: χ² = {:.1}, df = {:.0}, p = {:.3}</p>"#,
            t.uniformity, u.statistic, u.df, u.p_value
        );
    }
    h.push_str("</section>");
    let gaps: String = s
        .overdue
        .iter()
        .filter_map(|&n| s.numbers.get(usize::from(n).saturating_sub(1)))
        .map(|n| {
            format!(
                r#"<li>{} <span class="muted">{} {}</span></li>"#,
                balls(&[n.number]),
                n.gap,
                t.gap
            )
        })
        .collect();
    let _ = write!(
        h,
        r#"<section id="hotcold"><div class="cols"><div><h2>{}</h2>{}</div><div><h2>{}</h2>{}</div><div><h2>{}</h2><ul class="gaps">{gaps}</ul></div></div><p class="note">{}</p></section>"#,
        t.hot,
        balls(&s.hot),
        t.cold,
        balls(&s.cold),
        t.overdue,
        t.hot_note
    );
    h.push_str(&section(t, s));
    h
}

/// The statistics beyond frequency.
fn section(t: &Text, s: &Stats) -> String {
    let mut h = format!(r#"<section id="statistics"><h2>{}</h2>"#, t.stats_title);
    // Carry-over numbers.
    let c = &s.carry_over;
    let _ = write!(
        h,
        r#"<h3>{}</h3><p>{}: {}</p>{}"#,
        t.carry_title,
        t.carried_latest,
        if c.latest.is_empty() {
            "—".to_owned()
        } else {
            balls(&c.latest)
        },
        distribution(t, t.carried_count, &c.distribution)
    );
    // Companion pairs, read against the largest of all pairs.
    let p = &s.pairs;
    let _ = write!(
        h,
        r#"<h3>{}</h3><table class="pairs"><thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
        t.pairs_title, t.pair, t.draws_together, t.expected_given_numbers
    );
    for pair in p.top.iter().take(5) {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{:.1} (z = {:.1})</td></tr>",
            balls(&[pair.a, pair.b]),
            pair.count,
            pair.expected_given_numbers,
            pair.z_given_numbers
        );
    }
    let _ = write!(
        h,
        r#"</tbody></table><p class="note">{} {:.1}; {} {}: {:.0} ({}–{}), p = {:.2}</p>{}"#,
        t.pair_expected,
        p.expected,
        t.largest_of,
        p.pairs,
        p.max_expected,
        p.max_range.0,
        p.max_range.1,
        p.max_p_value,
        heat_map(t, s)
    );
    // Patterns.
    let pt = &s.patterns;
    let _ = write!(
        h,
        r#"<h3>{}</h3>{}{}<p>{}: {:.1} % ({} {:.1} %)</p><p>{}: {:.1} ({} {:.1}; 95 % {}–{}, {:.1} % {})</p><p class="note">{}</p></section>"#,
        t.patterns_title,
        distribution(t, t.odd_count, &pt.odd),
        distribution(t, t.low_count, &pt.low),
        t.any_run,
        pt.any_consecutive * 100.0,
        t.chance,
        pt.chance_any_consecutive * 100.0,
        t.sum_mean,
        pt.sum.mean,
        t.chance,
        pt.sum.chance_mean,
        pt.sum.chance_band.0,
        pt.sum.chance_band.1,
        pt.sum.share_in_band * 100.0,
        t.in_band,
        t.hot_note
    );
    h
}

/// A distribution's rows: observed share beside chance.
fn distribution(t: &Text, what: &str, d: &Distribution) -> String {
    let mut h = format!(
        r#"<table class="dist"><thead><tr><th scope="col">{what}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>"#,
        t.observed, t.chance
    );
    for r in &d.rows {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{:.1} %</td><td>{:.1} %</td></tr>",
            r.value,
            r.share * 100.0,
            r.chance * 100.0
        );
    }
    h.push_str("</tbody></table>");
    h
}

/// Every pair's count against the expectation, as a triangle of cells in
/// five shades (one path per shade keeps it a few kilobytes).
fn heat_map(t: &Text, s: &Stats) -> String {
    let m = &s.pair_matrix;
    let pool = m.width().saturating_sub(1);
    let (e, sd) = (s.pairs.expected, s.pairs.sd.max(1e-9));
    let mut paths = vec![String::new(); 5];
    for a in 1..=pool {
        for b in a + 1..=pool {
            let z = (f64::from(m.count(a as u8, b as u8)) - e) / sd;
            let shade = match z {
                z if z < -2.0 => 0,
                z if z < -1.0 => 1,
                z if z <= 1.0 => 2,
                z if z <= 2.0 => 3,
                _ => 4,
            };
            let _ = write!(paths[shade], "M{} {}h1v1h-1z", b - 1, a - 1);
        }
    }
    let mut svg = format!(
        r#"<svg id="pairs-chart" class="chart heat" viewBox="0 0 {pool} {pool}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        t.heat_label
    );
    for (i, d) in paths.iter().enumerate() {
        if !d.is_empty() {
            let _ = write!(svg, r#"<path class="z{i}" d="{d}"/>"#);
        }
    }
    svg.push_str("</svg>");
    format!(
        r#"<figure class="heat">{svg}<figcaption class="note">{}</figcaption></figure>"#,
        t.heat_label
    )
}
