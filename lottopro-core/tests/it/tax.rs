//! Tax: the Korean fixtures, and properties of every preset's rule.

use lottopro_core::{GameSpec, Money, TaxRule};
use proptest::prelude::*;

use crate::common::{rows, test_data};

#[test]
fn korean_fixtures() {
    let game = GameSpec::kr645();
    for row in rows(&test_data("tax_kr645.csv")) {
        let gross = Money::parse(row[0], "gross").unwrap();
        let want: u64 = row[1].parse().unwrap();
        let a = game.tax().assess(gross, game.ticket_price()).unwrap();
        assert_eq!(a.tax.get(), want, "tax on {gross}");
        assert_eq!(a.net.get() + a.tax.get(), gross.get());
    }
}

#[test]
fn tax_free_and_withholding_presets() {
    let jp = GameSpec::preset("jp-loto6").unwrap();
    assert_eq!(
        jp.tax()
            .assess(Money::new(600_000_000, "x").unwrap(), jp.ticket_price())
            .unwrap()
            .tax,
        Money::ZERO
    );
    let pb = GameSpec::preset("powerball").unwrap();
    let at = |cents| {
        pb.tax()
            .assess(Money::new(cents, "x").unwrap(), pb.ticket_price())
            .unwrap()
            .tax
            .get()
    };
    assert_eq!(at(500_000), 0);
    assert_eq!(at(1_000_000), 240_000);
}

proptest! {
    #[test]
    fn tax_never_exceeds_the_prize_and_grows_with_it(a in 0u64..=1_000_000_000_000, b in 0u64..=1_000_000_000_000, idx in 0usize..8) {
        let game = GameSpec::preset(GameSpec::preset_ids()[idx]).unwrap();
        let (lo, hi) = (a.min(b), a.max(b));
        let t = |g| game.tax().assess(Money::new(g, "gross").unwrap(), game.ticket_price()).unwrap();
        let (tl, th) = (t(lo), t(hi));
        prop_assert!(th.tax <= th.gross);
        prop_assert_eq!(th.tax.get() + th.net.get(), hi);
        // Net winnings never decrease when the prize grows.
        prop_assert!(tl.net <= th.net);
    }
}
