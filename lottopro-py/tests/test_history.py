"""History, Draw and Ticket (src/history.rs)."""

import pytest

import lottopro
from conftest import data_file


def test_real_history(history):
    assert len(history) == 1245
    assert (history.first_round, history.latest_round, history.game) == (1, 1245, "kr645")
    first = history[0]
    assert (first.date, first.numbers, first.bonus) == ("2002-12-07", (10, 23, 29, 33, 37, 40), (16,))
    assert first.total_sales == 3681782000
    assert first.prizes[0] == (1, 0, 0)
    assert len(history.draws()) == 1245
    assert repr(history) == "History(game='kr645', draws=1245, rounds=1..1245)"
    assert repr(history.round(1245)) == "Draw(round=1245, date='2026-10-10', numbers=(4, 5, 25, 28, 32, 42), bonus=(12,))"
    assert len(history.epoch) == 16


def test_from_draws_and_equality():
    h = lottopro.History.from_draws(
        [
            {"round": 1, "date": "2002-12-07", "numbers": [10, 23, 29, 33, 37, 40], "bonus": [16]},
            {"round": 2, "date": "2002-12-14", "numbers": [9, 13, 21, 25, 32, 42], "bonus": [2]},
        ]
    )
    assert len(h) == 2 and h[1].numbers == (9, 13, 21, 25, 32, 42) and h.round(2) == h[1]
    assert h[0] == lottopro.History.from_draws([{"round": 1, "date": "2002-12-07", "numbers": [40, 37, 33, 29, 23, 10], "bonus": [16]}])[0]


def test_bad_history_input():
    with pytest.raises(lottopro.HistoryError, match="rounds 2..=2 are missing"):
        lottopro.History.from_draws(
            [
                {"round": 1, "date": "2002-12-07", "numbers": [1, 2, 3, 4, 5, 6], "bonus": [7]},
                {"round": 3, "date": "2002-12-21", "numbers": [1, 2, 3, 4, 5, 6], "bonus": [7]},
            ]
        )
    with pytest.raises(lottopro.InvalidInputError, match=r"draws\[0\]"):
        lottopro.History.from_draws([{"round": 1, "date": "2002-12-07", "numbers": [1, 2, 3], "bonus": [7]}])
    with pytest.raises(FileNotFoundError) as missing:
        lottopro.History.from_csv("/nonexistent/draws.csv")
    assert (missing.value.errno, missing.value.filename) == (2, "/nonexistent/draws.csv")
    with pytest.raises(FileNotFoundError) as missing:
        lottopro.History.from_csv(data_file("kr_lotto_645.csv"), prizes="/nonexistent/prizes.csv")
    assert missing.value.filename == "/nonexistent/prizes.csv"
    with pytest.raises(lottopro.NotFoundError, match="round 9999 is not in the history") as absent:
        lottopro.History.from_csv(data_file("kr_lotto_645.csv")).round(9999)
    assert absent.value.field == "round"


def test_bad_csv_line_is_located(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("draw,date,n1,n2,n3,n4,n5,n6,bonus\n1,2002-12-07,10,23,29,33,37,46,16\n")
    with pytest.raises(lottopro.ParseError) as e:
        lottopro.History.from_csv(f)
    assert str(e.value).startswith("line 2, column n6")
    assert e.value.kind == "parse" and e.value.field == "n6"


def test_tickets():
    t = lottopro.Ticket([41, 3, 17, 25, 33, 11])
    assert t.numbers == (3, 11, 17, 25, 33, 41) and t.extra == () and t.game == "kr645"
    assert str(t) == "3 11 17 25 33 41"
    assert repr(t) == "Ticket('3 11 17 25 33 41', game='kr645')"
    assert lottopro.Ticket.parse("3,11,17,25,33,41") == t
    assert len({t, lottopro.Ticket.parse(str(t))}) == 1
    pb = lottopro.Ticket.parse("5 12 23 44 61 + 7", game="powerball")
    assert pb.extra == (7,)
    for bad, field in [([1, 2, 3, 4, 5, 6, 7], "numbers"), ([1, 2, 3, 4, 5, 46], "numbers[5]"), ([1, 2, 3, 4, 5, 5], "numbers"), ([1, 2, 3, 4, 5, -1], "numbers[5]"), ([1, 2, 3, 4, 5, 10**20], "numbers[5]")]:
        with pytest.raises(lottopro.InvalidInputError) as e:
            lottopro.Ticket(bad)
        assert e.value.field == field, (bad, e.value)


def test_bundled_history_is_the_repository_data():
    bundled = lottopro.History.bundled()
    from_files = lottopro.History.from_csv(
        data_file("kr_lotto_645.csv"), prizes=data_file("kr_lotto_645_prizes.csv")
    )
    assert bundled.epoch == from_files.epoch and len(bundled) == 1245
    assert len(lottopro.Engine().history) == 1245
    # Another game has no bundled history: an empty engine, or a clear error.
    assert len(lottopro.Engine(game="powerball").history) == 0
    with pytest.raises(lottopro.InvalidInputError) as e:
        lottopro.History.bundled(game="powerball")
    assert e.value.field == "game"
