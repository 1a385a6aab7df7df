"""Pension Lottery 720+ (src/pension.rs, and `odds`/`tax` with game="kr720"):
the core's answers as dicts, bad input raised naming its field."""

import pytest

import lottopro
from conftest import data_file

# A known ticket for every prize against a bundled draw: round, ticket,
# rank, bonus, won before tax (lottopro-core/src/pension/tests.rs).
KNOWN = [
    (100, "4조 419399", "first", False, 1_680_000_000),
    (100, "1조 419399", "second", False, 120_000_000),
    (101, "2조 968561", "third", False, 1_000_000),
    (200, "5조 106362", "fourth", False, 100_000),
    (201, "3조 000675", "fifth", False, 50_000),
    (326, "2조 000033", "sixth", False, 5_000),
    (327, "3조 999990", "seventh", False, 1_000),
    (327, "5조 727161", None, True, 120_000_000),
    (1, "1조 000000", None, False, 0),
]


@pytest.fixture(scope="module")
def pension() -> lottopro.PensionHistory:
    return lottopro.PensionHistory.bundled()


def test_the_bundled_history_and_a_file_agree(pension):
    assert (len(pension), pension.latest_round) == (327, 327)
    from_file = lottopro.PensionHistory.from_csv(data_file("kr_pension_720.csv"))
    assert len(from_file) == 327 and "327 draws" in repr(from_file)


@pytest.mark.parametrize(("round", "ticket", "rank", "bonus", "won"), KNOWN)
def test_a_known_ticket_wins_its_prize(pension, round, ticket, rank, bonus, won):
    c = pension.check(ticket, round)
    assert (c["rank"], c["bonus"], c["gross_total"]) == (rank, bonus, won)
    assert c["draw"]["round"] == round and len(c["games"]) == 1


def test_all_groups_is_five_games(pension):
    c = pension.check("all 419399", 100)
    assert [g["rank"] for g in c["games"]] == ["second", "second", "second", "first", "second"]
    assert c["price"] == 5_000


def test_odds_tax_and_stats():
    odds = lottopro.odds("kr720")
    assert [t["games"] for t in odds["tiers"]] == [1, 4, 45, 450, 4_500, 45_000, 450_000, 5]
    ev = lottopro.tax(game="kr720")
    assert ev["prizes"][0]["payment_tax"]["tax"] == 1_540_000 and ev["annual_rate"] == 0.03
    assert lottopro.tax(game="kr720", rate=0.05)["prizes"][0]["present_value_net"] < ev["prizes"][0]["present_value_net"]
    assert lottopro.tax(1_000_000)["tax"] == 0
    stats = lottopro.PensionHistory.bundled().stats(last=30)
    assert stats["draws"] == 30 and len(stats["positions"]) == 6


@pytest.mark.parametrize(
    ("call", "cls", "field"),
    [
        (lambda p: p.check("1조 12345", 1), lottopro.InvalidInputError, "digits"),
        (lambda p: p.check("6조 123456", 1), lottopro.InvalidInputError, "group"),
        (lambda p: p.check("1조 123456", 9999), lottopro.NotFoundError, "round"),
        (lambda p: p.check("1조 123456", -1), lottopro.InvalidInputError, "round"),
        (lambda p: p.stats(last=0), lottopro.InvalidInputError, "last"),
        (lambda p: lottopro.tax(5, game="kr720"), lottopro.InvalidInputError, "amount"),
        (lambda p: lottopro.tax(game="kr720", rate=1.5), lottopro.InvalidInputError, "rate"),
        (lambda p: lottopro.tax(), lottopro.InvalidInputError, "amount"),
        (lambda p: lottopro.odds("kr721"), lottopro.InvalidInputError, "game"),
        (lambda p: lottopro.History.bundled("kr720"), lottopro.InvalidInputError, "game"),
    ],
)
def test_bad_input_names_its_field(pension, call, cls, field):
    with pytest.raises(cls) as e:
        call(pension)
    assert e.value.field == field, str(e.value)
