"""The Python objects behave as Python users expect: a History is a sequence
of draws, everything pickles (so multiprocessing works), Tickets go in and
out and sort, ranks are ints, and a bad argument names its parameter."""

import datetime
import multiprocessing
import pickle

import numpy as np
import pytest

import lottopro


def test_history_is_a_sequence_of_draws(history):
    # Positions as in a list; rounds through round() and rounds[] (the
    # full set of sequence cases is in test_newcomer.py).
    draws = list(history)
    assert len(draws) == 1245 and draws[0].round == 1 and draws[-1].round == 1245
    assert history[0] == history.round(1) and history[-1] == history.round(1245)
    assert history[1244] == history.rounds[1245] and 1245 in history.rounds and 1246 not in history.rounds
    assert history[-1] in history and 1245 not in history and "1245" not in history
    recent = history.rounds[1240:]
    assert isinstance(recent, lottopro.History)
    assert (recent.first_round, recent.latest_round, len(recent)) == (1240, 1245, 6)
    assert len(history[-10:]) == 10 and history[:2].latest_round == 2
    with pytest.raises(IndexError):
        history[1245]
    with pytest.raises(IndexError):
        history[-1246]
    with pytest.raises(TypeError, match="indexed by position"):
        history["latest"]
    with pytest.raises(lottopro.InvalidInputError, match="step"):
        history.rounds[1:100:2]


def test_everything_pickles(history):
    for value in (history, history[-1], lottopro.Ticket([1, 2, 3, 4, 5, 6])):
        back = pickle.loads(pickle.dumps(value))
        assert back == value if not isinstance(value, lottopro.History) else back.epoch == value.epoch
    engine = lottopro.Engine(history[:300], cache="none")
    back = pickle.loads(pickle.dumps(engine))
    assert repr(back) == repr(engine) == "Engine(game='kr645', draws=300)"
    assert back.check("1 2 3 4 5 6", round=1)["round"] == 1


def _latest_round(engine):
    return engine.history.latest_round


def test_an_engine_crosses_processes(history):
    engine = lottopro.Engine(history[:200], cache="none")
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_latest_round, (engine,)) == 200


def test_tickets_go_in_everywhere_and_sort(engine):
    t = lottopro.Ticket.parse("4 5 25 28 32 12")
    assert engine.check(t, round=1245)["rank"] == 2
    assert engine.popularity(t)["numbers"] == [4, 5, 12, 25, 28, 32]
    played = [lottopro.Ticket([1, 2, 3, 4, 5, 6]), "7 8 9 10 11 12", [13, 14, 15, 16, 17, 18]]
    report = engine.simulate(strategy="fixed", tickets=played, draws=10, trials=5)
    assert report["plan"]["tickets_per_draw"] == 3
    tickets = sorted([lottopro.Ticket([2, 3, 4, 5, 6, 7]), lottopro.Ticket([1, 2, 3, 4, 5, 7]), lottopro.Ticket([1, 2, 3, 4, 5, 6])])
    assert [str(t) for t in tickets] == ["1 2 3 4 5 6", "1 2 3 4 5 7", "2 3 4 5 6 7"]
    powerball = lottopro.Ticket([1, 2, 3, 4, 5], extra=[6], game="powerball")
    with pytest.raises(lottopro.InvalidInputError) as e:
        engine.check(powerball, round=1)
    assert e.value.field == "ticket"


QR = "https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q071524404245q151718273144q111215232740q031114212226q2328304042441785483554"


def test_tickets_come_out_as_ticket_objects_and_go_back_in(engine):
    t = lottopro.Ticket.parse("4 5 25 28 32 12")
    checked = engine.check(t, round=1245)
    assert checked["ticket"] == t and isinstance(checked["ticket"], lottopro.Ticket)
    assert engine.popularity(t)["ticket"] == t
    predicted = engine.predict(count=3, seed=9)["tickets"]
    assert all(isinstance(p["ticket"], lottopro.Ticket) for p in predicted)
    assert [list(p["ticket"].numbers) for p in predicted] == [p["numbers"] for p in predicted]
    # What comes out goes back in, and sorts.
    again = engine.check(predicted[0]["ticket"], round=1245)
    assert again["ticket"] == predicted[0]["ticket"]
    wheel = engine.wheel(numbers=[1, 5, 9, 14, 22, 27, 31, 38], guarantee="3if4")
    assert all(isinstance(w, lottopro.Ticket) for w in wheel["tickets"])
    assert sorted(wheel["tickets"]) == wheel["tickets"]
    played = engine.simulate(strategy="fixed", tickets=wheel["tickets"], draws=10, trials=5)
    assert played["tickets_played"] == wheel["tickets"]
    games = engine.check_qr(QR)["games"]
    assert [g["ticket"] for g in games][0] == lottopro.Ticket([7, 15, 24, 40, 42, 45])


def test_ranks_are_ints(engine):
    p = engine.popularity("1 2 3 4 5 6")
    for key in ("expected_co_winners", "uniform_co_winners", "expected_prize", "win_probability"):
        assert sorted(p[key]) == [1, 2, 3, 4, 5], key
    assert engine.simulate(draws=5, trials=5, prizes={1: "2,000,000,000"})["unvalued_ranks"] == []


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda e: e.predict(count=-1), "count"),
        (lambda e: e.predict(count=0), "count"),
        (lambda e: e.predict(seed=-5), "seed"),
        (lambda e: e.backtest(tickets=0), "tickets"),
        (lambda e: e.backtest(tickets=-1), "tickets"),
        (lambda e: e.stats(window=-1), "window"),
        (lambda e: e.simulate(trials=-1), "trials"),
        (lambda e: e.simulate(draws=2**70), "draws"),
        (lambda e: e.wheel([1, 2, 300], guarantee="3if4"), "numbers[2]"),
        (lambda e: e.predict(model="mlx"), "model"),
    ],
)
def test_a_bad_argument_names_its_parameter(engine, call, field):
    with pytest.raises(lottopro.InvalidInputError) as e:
        call(engine)
    assert e.value.field == field
    assert isinstance(e.value, ValueError)
    assert "JSON" not in str(e.value) and "u64" not in str(e.value) and "usize" not in str(e.value)


def test_from_draws_takes_numpy_and_dates():
    h = lottopro.History.from_draws(
        [
            {"round": np.int64(1), "date": datetime.date(2002, 12, 7), "numbers": np.array([10, 23, 29, 33, 37, 40]), "bonus": [np.int32(16)]},
            {"round": 2, "date": "2002-12-14", "numbers": (9, 13, 21, 25, 32, 42), "bonus": [2], "total_sales": np.uint64(4904274000)},
        ]
    )
    assert len(h) == 2 and h[0].numbers == (10, 23, 29, 33, 37, 40) and h[1].total_sales == 4904274000
    with pytest.raises(lottopro.InvalidInputError) as e:
        lottopro.History.from_draws([{"round": 1, "date": "2002-12-07", "numbers": [1, 2, 3, 4, 5, 4.5], "bonus": [7]}])
    assert e.value.field == "draws[0].numbers[5]"
    assert "JSON" not in str(e.value) and "column" not in str(e.value)


def test_an_engine_refuses_a_game_that_is_not_its_historys(history):
    with pytest.raises(lottopro.InvalidInputError) as e:
        lottopro.Engine(history, game="powerball")
    assert e.value.field == "game"
    assert lottopro.Engine(history, game="kr645").history.game == "kr645"


def test_dataframes_both_ways(history):
    import pandas as pd  # installed by scripts/test; optional for users
    import polars

    frame = history.to_pandas()
    assert frame.shape[0] == 1245 and list(frame.columns[:9]) == ["round", "date", "n1", "n2", "n3", "n4", "n5", "n6", "bonus"]
    assert str(frame["date"].dtype).startswith("datetime64")
    last = frame.iloc[-1]
    assert (last["round"], last["n1"], last["bonus"], last["rank2_prize_each"]) == (1245, 4, 12, 55_064_392)
    back = lottopro.History.from_pandas(frame)
    assert [d.numbers for d in back] == [d.numbers for d in history]
    assert back[-1].date == "2026-10-10" and back[-1].total_sales == history[-1].total_sales
    pl = history.rounds[1240:].to_polars()
    assert pl.height == 6 and str(pl.schema["date"]) == "Date"
    assert isinstance(frame, pd.DataFrame) and isinstance(pl, polars.DataFrame)
