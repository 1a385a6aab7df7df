"""Conversions (src/conversion.rs): plain Python values, numpy arrays, ticket input."""

import numpy as np
import pytest

import lottopro


def test_results_are_plain_python_values(engine):
    o = engine.odds()
    assert isinstance(o, dict) and isinstance(o["tiers"], list)
    t = o["tiers"][3]
    assert isinstance(t["combinations"], int) and isinstance(t["probability"], float)
    assert t["payout"] == {"kind": "fixed", "amount": 50_000}
    c = engine.check("1 2 3 4 5 6", 1245)
    assert c["rank"] is None and c["prize"] is None and c["bonus"] is False


def test_numpy_arrays_match_the_lists(engine):
    s = engine.stats()
    assert s["frequencies"][1:].tolist() == [n["count"] for n in s["numbers"]]
    assert [s["frequencies"][n["number"]] for n in s["numbers"]] == [n["count"] for n in s["numbers"]]
    m = s["pair_matrix"]
    assert m.dtype == np.int64 and m.flags["C_CONTIGUOUS"]
    assert m[1:, 1:].sum() == 1245 * 15 * 2


def test_integers_beyond_64_bits_keep_every_digit():
    # A billion-ticket plan: totals are exact Python ints.
    r = lottopro.Engine(game="kr645").simulate(tickets_per_draw=10_000, draws=100_000, trials=1, prizes=[(1, 2_000_000_000)])
    assert isinstance(r["gross"], int) and r["tickets"] == 1_000_000_000
    assert r["spent_per_trial"] == 1_000_000_000 * 1_000


@pytest.mark.parametrize("ticket", ["4 5 25 28 32 42", "4,5,25,28,32,42", [42, 32, 28, 25, 5, 4], (4, 5, 25, 28, 32, 42)])
def test_tickets_as_text_or_numbers(engine, ticket):
    assert engine.check(ticket, 1245)["rank"] == 1


def test_a_ticket_of_the_wrong_type_is_a_type_error(engine):
    with pytest.raises(TypeError, match="a ticket is a Ticket, a string"):
        engine.check(3.5, 1245)


def test_has_a_ticket_ever_won(engine):
    ever = engine.check_all([4, 5, 25, 28, 32, 12])
    assert ever["draws_checked"] == 1245 and ever["best_rank"] == 2
    last = ever["wins"][-1]
    assert last["round"] == 1245 and last["rank"] == 2
    assert isinstance(last["ticket"], lottopro.Ticket)
    assert ever["won"] == sum(w["prize"] or 0 for w in ever["wins"])
    with pytest.raises(lottopro.InvalidInputError) as e:
        engine.check_all("1 2 3 4 5 46")
    assert e.value.field == "numbers[5]"
