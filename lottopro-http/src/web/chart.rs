//! SVG charts rendered on the server: plain markup with presentation
//! attributes and classes from `style.css`, no script and no inline style,
//! so they pass the page's Content-Security-Policy and print as they show.

use std::fmt::Write;

use lottopro_core::SimulationReport;
use lottopro_core::stats::Stats;

use super::Text;

/// The colour class of a Korean lotto ball: 1–10 yellow, 11–20 blue,
/// 21–30 red, 31–40 grey, 41–45 green.
pub(super) fn ball_class(n: u8) -> &'static str {
    match n {
        0..=10 => "b1",
        11..=20 => "b2",
        21..=30 => "b3",
        31..=40 => "b4",
        _ => "b5",
    }
}

/// How often each number was drawn, with the band chance alone gives
/// (expected count ± 1.96 standard deviations) behind the bars.
pub(super) fn frequency(stats: &Stats, t: &Text) -> String {
    const W: f64 = 900.0;
    const H: f64 = 260.0;
    const LEFT: f64 = 40.0;
    const BOTTOM: f64 = 24.0;
    let n = stats.numbers.len().max(1);
    let lo = stats.expected_count - 1.96 * stats.count_sd;
    let hi = stats.expected_count + 1.96 * stats.count_sd;
    let max = stats
        .numbers
        .iter()
        .map(|s| s.count as f64)
        .fold(hi, f64::max)
        * 1.08;
    let y = |v: f64| (H - BOTTOM) - (v / max.max(1.0)) * (H - BOTTOM - 8.0);
    let step = (W - LEFT) / n as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg id="frequency-chart" class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        t.frequency_title
    );
    let _ = write!(
        svg,
        r#"<rect class="band" x="{LEFT}" y="{:.1}" width="{:.1}" height="{:.1}"><title>{} {:.0}–{:.0}</title></rect>"#,
        y(hi),
        W - LEFT,
        (y(lo) - y(hi)).max(0.0),
        t.chance_band,
        lo.max(0.0),
        hi
    );
    let _ = write!(
        svg,
        r#"<line class="expected" x1="{LEFT}" x2="{W}" y1="{0:.1}" y2="{0:.1}"/>"#,
        y(stats.expected_count)
    );
    for tick in [0.0, max / 2.0, max / 1.08] {
        let _ = write!(
            svg,
            r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="end">{:.0}</text>"#,
            LEFT - 4.0,
            y(tick) + 4.0,
            tick
        );
    }
    for (i, s) in stats.numbers.iter().enumerate() {
        let x = LEFT + i as f64 * step + step * 0.15;
        let top = y(s.count as f64);
        let _ = write!(
            svg,
            r#"<rect class="bar {}" x="{x:.1}" y="{top:.1}" width="{:.1}" height="{:.1}"><title>{}: {} ({} {:.1}, z = {:+.2})</title></rect>"#,
            ball_class(s.number),
            step * 0.7,
            (H - BOTTOM - top).max(0.0),
            s.number,
            s.count,
            t.expected,
            stats.expected_count,
            s.z
        );
        let _ = write!(
            svg,
            r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x + step * 0.35,
            H - 8.0,
            s.number
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Wins per prize rank in a simulation, simulated beside the exact
/// expectation, on a log scale (rank 5 is won millions of times more often
/// than rank 1).
pub(super) fn wins(report: &SimulationReport, t: &Text) -> String {
    const W: f64 = 640.0;
    const H: f64 = 220.0;
    const BOTTOM: f64 = 28.0;
    const LEFT: f64 = 48.0;
    let ranks = report.wins.len().max(1);
    let top = report
        .wins
        .iter()
        .map(|w| (w.wins as f64).max(w.expected))
        .fold(1.0, f64::max);
    let decades = top.log10().ceil().max(1.0);
    let y = |v: f64| {
        let l = if v <= 0.0 {
            0.0
        } else {
            (v.log10() + 1.0).max(0.0)
        };
        (H - BOTTOM) - l / (decades + 1.0) * (H - BOTTOM - 10.0)
    };
    let group = (W - LEFT) / ranks as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg id="simulation-chart" class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
        t.wins_title
    );
    for d in 0..=(decades as u32) {
        let v = 10f64.powi(d as i32);
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{W}" y1="{0:.1}" y2="{0:.1}"/><text class="axis" x="{1:.1}" y="{2:.1}" text-anchor="end">{3}</text>"#,
            y(v),
            LEFT - 4.0,
            y(v) + 4.0,
            lottopro_core::money::group_thousands(v as u64)
        );
    }
    for (i, w) in report.wins.iter().enumerate() {
        let x = LEFT + i as f64 * group;
        let sim_top = y(w.wins as f64);
        let exp_top = y(w.expected);
        let _ = write!(
            svg,
            r#"<rect class="bar simulated" x="{:.1}" y="{sim_top:.1}" width="{:.1}" height="{:.1}"><title>{} {}: {} {}</title></rect>"#,
            x + group * 0.12,
            group * 0.36,
            (H - BOTTOM - sim_top).max(0.0),
            t.rank,
            w.rank,
            t.simulated,
            w.wins
        );
        let _ = write!(
            svg,
            r#"<rect class="bar exact" x="{:.1}" y="{exp_top:.1}" width="{:.1}" height="{:.1}"><title>{} {}: {} {:.2}</title></rect>"#,
            x + group * 0.52,
            group * 0.36,
            (H - BOTTOM - exp_top).max(0.0),
            t.rank,
            w.rank,
            t.expected,
            w.expected
        );
        let _ = write!(
            svg,
            r#"<text class="axis" x="{:.1}" y="{:.1}" text-anchor="middle">{} {}</text>"#,
            x + group * 0.5,
            H - 8.0,
            t.rank,
            w.rank
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A line chart of one series over time (oldest first), for the
/// monitoring page: `values` on a 0..`max` scale (`max` = the largest value
/// when `None`).
pub(crate) fn line(id: &str, label: &str, values: &[f64], max: Option<f64>, unit: &str) -> String {
    const W: f64 = 480.0;
    const H: f64 = 140.0;
    const LEFT: f64 = 44.0;
    const BOTTOM: f64 = 16.0;
    let top = max
        .unwrap_or_else(|| values.iter().copied().fold(0.0, f64::max) * 1.1)
        .max(1e-9);
    let step = (W - LEFT) / (values.len().max(2) - 1) as f64;
    let y = |v: f64| (H - BOTTOM) - (v / top).clamp(0.0, 1.0) * (H - BOTTOM - 8.0);
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", LEFT + i as f64 * step, y(*v)))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg id="{id}" class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg"><line class="grid" x1="{LEFT}" x2="{W}" y1="{0:.1}" y2="{0:.1}"/><text class="axis" x="{1:.1}" y="{2:.1}" text-anchor="end">{3:.1}{unit}</text><text class="axis" x="{1:.1}" y="{4:.1}" text-anchor="end">0</text>"#,
        y(top),
        LEFT - 4.0,
        y(top) + 4.0,
        top,
        H - BOTTOM
    );
    if !points.is_empty() {
        let _ = write!(
            svg,
            r#"<polyline class="series" fill="none" points="{}"/>"#,
            points.join(" ")
        );
    }
    let _ = write!(
        svg,
        r#"<text class="axis" x="{LEFT}" y="{H}">{label}</text></svg>"#
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use lottopro_core::stats::StatsOptions;
    use lottopro_core::{Date, GameSpec, History};

    #[test]
    fn the_frequency_chart_has_a_bar_per_number_and_the_band() {
        let h = History::simulated(
            GameSpec::kr645(),
            200,
            Date::parse("2002-12-07").unwrap(),
            3,
        )
        .unwrap();
        let stats = Stats::compute(h.view(), &StatsOptions::default());
        let svg = frequency(&stats, &super::super::EN);
        assert_eq!(svg.matches(r#"<rect class="bar "#).count(), 45);
        assert_eq!(svg.matches(r#"class="band""#).count(), 1);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }
}
