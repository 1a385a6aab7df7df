"""The library as a pandas or polars user, an IDE and a worker pool meet it:
a History that is a sequence by position with rounds by name, DataFrame
round trips that keep everything, types both checkers accept, integer
arguments refused by name, results that go to JSON, and engines that reach
workers warm."""

import collections.abc
import concurrent.futures
import datetime
import json
import multiprocessing
import pickle
import random
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lottopro

# --- A History is a sequence of draws ------------------------------------


def test_positions_are_positions(history):
    n = len(history)
    assert history[0].round == history.first_round == 1
    assert history[-1].round == history.latest_round == 1245
    assert history[n - 1] == history[-1] and history[-n] == history[0]
    assert len(history[:10]) == 10 and history[:10][-1].round == 10
    assert isinstance(history[5:8], lottopro.History) and [d.round for d in history[5:8]] == [6, 7, 8]
    stepped = history[::100]
    assert isinstance(stepped, list) and [d.round for d in stepped][:3] == [1, 101, 201]
    assert [d.round for d in history[-1:-4:-1]] == [1245, 1244, 1243]
    assert history[::-1][0] == history[-1]
    for bad in (n, -n - 1, 2**40, -(2**200)):
        with pytest.raises(IndexError):
            history[bad]
    # Slice bounds of any size are clamped, as in a list.
    assert len(history[-(2**200) : 2**200]) == n and len(history[2**200 :]) == 0
    assert history[np.int64(3)] == history[3]


def test_the_sequence_protocol(history):
    assert isinstance(history, collections.abc.Sequence)
    assert list(reversed(history)) == list(history)[::-1]
    assert next(reversed(history)) == history[-1]
    sample = random.Random(1).sample(history, 3)
    assert len({d.round for d in sample}) == 3 and all(d in history for d in sample)
    assert history.index(history[5]) == 5 and history.count(history[5]) == 1
    with pytest.raises(ValueError):
        history.index(history[5], 6)
    other = lottopro.History.from_draws([{"round": 1, "date": "2002-12-07", "numbers": [1, 2, 3, 4, 5, 6], "bonus": [7]}])
    assert other[0] not in history and history.count(other[0]) == 0
    assert 1245 not in history  # a round number is not a draw: ask history.rounds


def test_random_choice_reaches_every_draw(history):
    rng = random.Random(20261207)
    picked = [rng.choice(history).round for _ in range(20_000)]
    assert history.latest_round in picked and history.first_round in picked
    assert len(set(picked)) > 1200


def test_rounds_by_name(history):
    assert history.round(1245) == history[-1] == history.rounds[1245]
    assert history.round(np.int64(1)) == history[0]
    part = history.rounds[1240:1246]
    assert isinstance(part, lottopro.History) and (part.first_round, part.latest_round) == (1240, 1245)
    assert len(history.rounds[:11]) == 10 and len(history.rounds) == 1245
    assert list(history.rounds)[:3] == [1, 2, 3] and 1 in history.rounds and 0 not in history.rounds
    for absent in (0, 1246, 99_999):
        with pytest.raises(lottopro.NotFoundError, match="rounds 1..=1245") as e:
            history.round(absent)
        assert e.value.field == "round"
        with pytest.raises(lottopro.NotFoundError):
            history.rounds[absent]
    for bad in (-1, 2**40, 2**200, "1245", 1.5):
        with pytest.raises(lottopro.InvalidInputError) as e:
            history.round(bad)
        assert e.value.field == "round", bad


# --- DataFrame round trips keep everything -------------------------------


def test_the_real_history_survives_pandas_and_polars(history):
    import polars

    for back in (
        lottopro.History.from_pandas(history.to_pandas()),
        lottopro.History.from_polars(history.to_polars()),
        lottopro.History.from_pandas(history.to_polars()),
    ):
        assert back == history and back.epoch == history.epoch
        assert lottopro.Engine(back).check("4 5 25 28 32 12", round=1245)["prize"] == 55_064_392
    frame = history.to_pandas()
    assert str(frame["rank1_winners"].dtype) == "Int64" and frame["rank1_prize_each"].iloc[-1] > 0
    assert isinstance(history.to_polars(), polars.DataFrame)
    with pytest.raises(TypeError, match="pandas or polars DataFrame"):
        lottopro.History.from_pandas([{"round": 1}])


def test_a_frame_without_prizes_reads_with_a_warning(history):
    frame = history.rounds[1240:].to_pandas()
    bare = frame.drop(columns=[c for c in frame.columns if c.startswith("rank")])
    with pytest.warns(lottopro.IncompleteDataWarning, match="rankR_winners.*unknown"):
        back = lottopro.History.from_pandas(bare)
    assert len(back) == 6 and back[-1].prizes == [] and back[-1].total_sales == history[-1].total_sales
    assert lottopro.Engine(back).check("4 5 25 28 32 12", round=1245)["prize"] is None
    with pytest.warns(lottopro.IncompleteDataWarning, match="total_sales"):
        lottopro.History.from_pandas(bare.drop(columns=["total_sales"]))
    # A frame that has them reads without a warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lottopro.History.from_pandas(frame)
    with pytest.raises(lottopro.InvalidInputError) as e:
        lottopro.History.from_pandas(frame.drop(columns=["rank2_prize_each"]))
    assert e.value.field == "rank2_prize_each"
    with pytest.raises(lottopro.InvalidInputError) as e:
        lottopro.History.from_pandas(frame.drop(columns=["n3"]))
    assert e.value.field == "n3"


def prize(rank, winners, each):
    """A rank's line: a rank nobody won paid nothing."""
    return {"rank": rank, "winners": winners, "prize_each": each if winners else 0}


@st.composite
def histories(draw):
    """Histories of every shape a frame must carry: sales known or not, and
    each draw with any subset of ranks priced."""
    count = draw(st.integers(min_value=1, max_value=12))
    first = draw(st.integers(min_value=1, max_value=2000))
    day = datetime.date(2002, 12, 7)
    draws = []
    for i in range(count):
        balls = draw(st.lists(st.integers(1, 45), min_size=7, max_size=7, unique=True))
        ranks = draw(st.lists(st.integers(1, 5), unique=True, max_size=5))
        draws.append(
            {
                "round": first + i,
                "date": (day + datetime.timedelta(days=7 * i)).isoformat(),
                "numbers": balls[:6],
                "bonus": balls[6:],
                "total_sales": draw(st.none() | st.integers(0, 10**14)),
                "prizes": [prize(r, draw(st.integers(0, 1000)), draw(st.integers(1, 10**9))) for r in sorted(ranks)],
            }
        )
    return lottopro.History.from_draws(draws)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_round_trips_equal_the_original(h):
    with warnings.catch_warnings():
        # A history with no prizes at all has no prize columns to read back.
        warnings.simplefilter("ignore", lottopro.IncompleteDataWarning)
        via_pandas = lottopro.History.from_pandas(h.to_pandas())
        via_polars = lottopro.History.from_polars(h.to_polars())
    assert via_pandas == h and via_polars == h
    assert via_pandas.epoch == h.epoch == via_polars.epoch
    assert [d.prizes for d in via_polars] == [d.prizes for d in h]


# --- Array-likes go in wherever integers do ------------------------------


def test_array_likes_are_accepted(engine):
    import pandas as pd

    t = lottopro.Ticket.parse("4 5 25 28 32 12")
    for numbers in (np.array([12, 32, 28, 25, 5, 4]), {4, 5, 12, 25, 28, 32}, pd.Series([4, 5, 12, 25, 28, 32]), (n for n in (4, 5, 12, 25, 28, 32))):
        given = lottopro.Ticket(numbers)
        assert given == t and engine.check(given, round=np.int64(1245))["rank"] == 2
    assert engine.check(np.array([4, 5, 12, 25, 28, 32]), round=1245)["rank"] == 2
    p = engine.predict(count=np.int64(2), include=np.array([7]), exclude={8, 9}, seed=np.uint32(4))
    assert len(p["tickets"]) == 2 and all(7 in x["numbers"] for x in p["tickets"])
    assert engine.wheel(np.arange(1, 9), guarantee="3if4")["verified"]
    assert engine.stats(window=np.int32(20))["window"] == 20
    assert lottopro.tax(np.int64(1_000_000_000))["tax"] == 296_999_670


# --- Every integer parameter is refused by name --------------------------


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda e: e.check("1 2 3 4 5 6", round=-1), "round"),
        (lambda e: e.check("1 2 3 4 5 6", round=2**40), "round"),
        (lambda e: e.check("1 2 3 4 5 6", round=2**200), "round"),
        (lambda e: e.check("1 2 3 4 5 6", round=99_999), "round"),
        (lambda e: lottopro.Engine(e.history, ttl=-1), "ttl"),
        (lambda e: lottopro.Engine(e.history, ttl=2**200), "ttl"),
        (lambda e: e.stats(window=2**200), "window"),
        (lambda e: e.stats(top=2**64), "top"),
        (lambda e: e.stats(last=-1), "last"),
        (lambda e: e.predict(count=2**200), "count"),
        (lambda e: e.predict(seed=-(2**200)), "seed"),
        (lambda e: e.predict(include=[2**200]), "include[0]"),
        (lambda e: e.backtest(warmup=-1), "warmup"),
        (lambda e: e.backtest(seed=2**64), "seed"),
        (lambda e: e.simulate(draws=2**200), "draws"),
        (lambda e: e.simulate(tickets_per_draw=2**70), "tickets_per_draw"),
        (lambda e: e.simulate(threads=-1), "threads"),
        (lambda e: e.simulate(recent=-1), "recent"),
        (lambda e: e.simulate(seed=-1), "seed"),
        (lambda e: e.simulate(prizes={2**70: 1}), "prizes"),
        (lambda e: e.wheel([1, 2, 3, 4, 5, 6, 7, 8], seed=-1), "seed"),
        (lambda e: e.wheel([1, 2, 3, 4, 5, 6, 7, -8]), "numbers[7]"),
        (lambda e: lottopro.Ticket([1, 2, 3, 4, 5, 2**200]), "numbers[5]"),
        (lambda e: e.popularity("1 2 3 4 5 6", sales=-1), "sales"),
        (lambda e: e.tax(2**200), "amount"),
    ],
)
def test_every_integer_parameter_is_refused_by_name(engine, call, field):
    with pytest.raises((lottopro.InvalidInputError, lottopro.NotFoundError)) as e:
        call(engine)
    assert e.value.field == field, e.value
    assert not isinstance(e.value, OverflowError)


def test_backtest_rows_say_their_verdict(engine):
    rows = engine.backtest(models=["frequency", "random"], warmup=1100)["models"]
    for row in rows:
        assert row["verdict"] == ("beats chance" if row["significant"] else "no evidence that it beats chance")


# --- Results go to JSON --------------------------------------------------


def test_every_result_goes_through_json(engine, history):
    ticket = lottopro.Ticket.parse("4 5 25 28 32 12")
    results = [
        engine.stats(),
        engine.predict(count=2, seed=1),
        engine.check(ticket, round=1245),
        engine.check_all(ticket),
        engine.popularity(ticket),
        engine.wheel([1, 2, 3, 4, 5, 6, 7, 8]),
        engine.simulate(draws=5, trials=5),
        engine.backtest(models="frequency", warmup=1200),
        lottopro.odds(),
        lottopro.games(),
    ]
    for result in results:
        text = lottopro.to_json(result)
        assert json.loads(text) == json.loads(json.dumps(lottopro.to_dict(result)))
    stats = json.loads(lottopro.to_json(engine.stats()))
    assert stats["frequencies"][7] == int(engine.stats()["frequencies"][7]) and len(stats["frequencies"]) == 46
    assert lottopro.to_dict(ticket) == {"numbers": list(ticket.numbers), "extra": []}
    # A draw comes back as the mapping from_draws reads.
    last = history.rounds[1244:]
    assert lottopro.History.from_draws(json.loads(lottopro.to_json(last))) == last


# --- Engines reach workers warm ------------------------------------------


def _fits(engine):
    """A task as a pool runs it: one popularity question, then the engine's
    `fitted` tier: (misses, hits), a miss being a fit."""
    engine.popularity("1 2 3 4 5 6")
    tiers = {t["tier"]: t for t in (engine.metrics() or {"cache": []})["cache"]}
    return tiers["fitted"]["misses"], tiers["fitted"]["hits"]


def test_a_pickled_engine_fits_once_per_worker(history):
    engine = lottopro.Engine(history, cache="none")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        fits = [pool.submit(_fits, engine).result() for _ in range(4)]
    # Each task unpickles the engine again; the worker fitted once, and the
    # later tasks found the model fitted.
    assert fits == [(1, 0), (1, 1), (1, 2), (1, 3)]
    # In one process too, copies of one engine share it; an engine with
    # other settings does not.
    misses, hits = _fits(pickle.loads(pickle.dumps(engine)))
    assert _fits(pickle.loads(pickle.dumps(engine))) == (misses, hits + 1)
    other = lottopro.Engine(history, cache="memory")
    assert _fits(pickle.loads(pickle.dumps(other))) == (1, 0)
