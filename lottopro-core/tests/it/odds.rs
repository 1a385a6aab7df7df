//! Exact odds against the operators' published figures, for every preset.

use lottopro_core::{GameSpec, Odds, match_distribution};

use crate::common::{rows, test_data};

#[test]
fn every_preset_matches_the_published_odds() {
    let text = test_data("published_odds.csv");
    let mut checked = std::collections::BTreeMap::<String, usize>::new();
    for row in rows(&text) {
        let (game, rank, published, decimals): (&str, u8, f64, i32) = (
            row[0],
            row[1].parse().unwrap(),
            row[2].parse().unwrap(),
            row[3].parse().unwrap(),
        );
        let odds = Odds::of(&GameSpec::preset(game).unwrap());
        let tier = &odds.tiers[usize::from(rank) - 1];
        assert_eq!(tier.rank, rank);
        let scale = 10f64.powi(decimals);
        let rounded = (tier.one_in * scale).round() / scale;
        assert!(
            (rounded - published).abs() < 0.5 / scale,
            "{game} rank {rank}: computed 1 in {} but published 1 in {published}",
            tier.one_in
        );
        *checked.entry(game.to_owned()).or_default() += 1;
    }
    // Every tier of every preset has a published figure.
    for id in GameSpec::preset_ids() {
        let tiers = GameSpec::preset(id).unwrap().tiers().len();
        assert_eq!(checked.get(*id), Some(&tiers), "{id}");
    }
}

#[test]
fn korean_combination_counts_are_exact() {
    let odds = Odds::of(&GameSpec::kr645());
    let combos: Vec<u64> = odds.tiers.iter().map(|t| t.combinations).collect();
    assert_eq!(combos, vec![1, 6, 228, 11_115, 182_780]);
    assert_eq!(odds.total_combinations, 8_145_060);
    let labels: Vec<&str> = odds.tiers.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels, vec!["6", "5 + bonus", "5 (no bonus)", "4", "3"]);
}

#[test]
fn match_distribution_is_hypergeometric() {
    let d = match_distribution(&GameSpec::kr645());
    let counts: Vec<u64> = d.iter().map(|m| m.combinations).collect();
    assert_eq!(
        counts,
        vec![3_262_623, 3_454_542, 1_233_765, 182_780, 11_115, 234, 1]
    );
    let mean: f64 = d.iter().map(|m| f64::from(m.matches) * m.probability).sum();
    assert!((mean - 0.8).abs() < 1e-12, "mean matches {mean}");
}
