"""Module functions (src/lib.rs): odds, tax, games."""

import pytest

import lottopro


def test_odds_of_every_preset():
    assert lottopro.odds()["tiers"][4]["one_in"] == pytest.approx(44.56, abs=0.005)
    assert lottopro.odds("euromillions")["tiers"][0]["one_in"] == 139_838_160.0
    assert lottopro.odds("jp-loto7")["total_combinations"] == 10_295_472
    assert [g["id"] for g in lottopro.games()] == ["kr645", "powerball", "megamillions", "euromillions", "uk-lotto", "ca649", "jp-loto6", "jp-loto7"]


@pytest.mark.parametrize(
    ("gross", "tax"),
    [(2_000_000, 0), (2_000_001, 439_780), (300_000_000, 65_999_780), (1_000_000_000, 296_999_670), (2_000_000_000, 626_999_670)],
)
def test_korean_tax(gross, tax):
    t = lottopro.tax(gross)
    assert t["tax"] == tax and t["net"] == gross - tax


def test_tax_other_games_and_strings():
    assert lottopro.tax(10_000_00, game="powerball")["tax"] == 240_000
    assert lottopro.tax("1,000,000,000")["tax"] == 296_999_670
