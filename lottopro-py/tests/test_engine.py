"""Engine (src/engine.rs): every method, caching, and threads."""

import threading

import numpy as np
import pytest

import lottopro


def test_stats_are_dicts_with_numpy_arrays(engine):
    s = engine.stats()
    assert s["draws"] == 1245 and len(s["numbers"]) == 45
    freq = s["frequencies"]
    # Indexed by the number itself, like pair_matrix, and signed.
    assert isinstance(freq, np.ndarray) and freq.shape == (46,) and freq.dtype == np.int64
    assert freq[0] == 0 and freq[34] == 187 and int(freq.sum()) == 1245 * 6
    assert (freq - 200)[34] == -13
    pairs = s["pair_matrix"]
    assert isinstance(pairs, np.ndarray) and pairs.shape == (46, 46)
    assert pairs[11, 21] == pairs[21, 11] == 34
    assert (pairs == pairs.T).all() and pairs[0].sum() == 0
    assert 0.8 < s["uniformity"]["p_value"] < 0.9
    assert engine.stats(window=10, top=3)["hot"].__len__() == 3
    # Only the latest draws, for every figure; 0 is refused by name.
    recent = engine.stats(last=100)
    assert recent["draws"] == 100 and recent["first_round"] == 1146
    assert int(recent["frequencies"].sum()) == 600
    with pytest.raises(lottopro.InvalidInputError, match="last"):
        engine.stats(last=0)


def test_predict(engine):
    p = engine.predict(model="trend", count=3, include=[7, 13], exclude=[1], seed=5)
    assert p["model"] == "trend" and p["seed"] == 5 and len(p["tickets"]) == 3
    for t in p["tickets"]:
        assert len(t["numbers"]) == 6 and {7, 13} <= set(t["numbers"]) and 1 not in t["numbers"]
        assert t["why"]["numbers"][0]["reason"]
    assert engine.predict(model="trend", count=3, include=[7, 13], exclude=[1], seed=5) == p
    assert isinstance(engine.predict()["seed"], int)


def test_backtest(engine):
    r = engine.backtest(models=["frequency", "random"], warmup=1100)
    assert [m["model"] for m in r["models"]] == ["frequency", "random"]
    m = r["models"][0]
    assert m["rounds"] == 145 and abs(m["chance_mean_matches"] - 0.8) < 1e-12
    assert isinstance(m["significant"], bool) and 0 <= m["p_value"] <= 1
    assert len(engine.backtest(models="ml", warmup=1200)["models"]) == 1
    assert len(engine.backtest(warmup=1240)["models"]) == 7


def test_simulate(engine):
    r = engine.simulate(draws=520, trials=200, seed=3)
    assert r["method"] == "outcome_counts" and r["tickets"] == 520_000
    assert 400 < r["exact_ev_per_ticket"] < 600
    assert r["percentiles"]["p1"] <= r["percentiles"]["p50"] <= r["percentiles"]["p99"]
    fixed = engine.simulate(strategy="fixed", tickets="1 2 3 4 5 6; 7 8 9 10 11 12", draws=100, trials=10)
    assert fixed["plan"]["tickets_per_draw"] == 2 and fixed["method"] == "per_ticket"
    for blank in ("", " ; ", []):  # given but holding no ticket is not "none given"
        with pytest.raises(lottopro.InvalidInputError) as e:
            engine.simulate(tickets=blank, draws=10, trials=10)
        assert e.value.field == "tickets"
    pb = lottopro.Engine(game="powerball").simulate(draws=10, trials=10, prizes=[(1, 50_000_000_000)])
    assert pb["unvalued_ranks"] == []


def test_check_odds_tax(engine):
    c = engine.check("4 5 25 28 32 12", 1245)
    assert (c["matches"], c["bonus"], c["rank"], c["prize"]) == (5, True, 2, 55_064_392)
    assert engine.check([4, 5, 25, 1, 2, 3], 1245)["rank"] == 5
    assert engine.odds()["total_combinations"] == 8_145_060
    assert engine.odds("powerball")["tiers"][0]["one_in"] == 292_201_338.0
    assert engine.tax(1_000_000_000)["tax"] == 296_999_670


def test_cache_metrics_and_warming(history):
    e = lottopro.Engine(history)
    w = e.warm()
    assert len(w["computed"]) == 8
    e.predict(model="pattern", count=5, seed=0)
    m = e.metrics()
    # Warming fitted every model: the prediction reused the fitted one.
    fitted = next(t for t in m["cache"] if t["tier"] == "fitted")
    assert fitted["hits"] == 1 and fitted["misses"] == 7
    predict = next(o for o in m["operations"] if o["name"] == "predict")
    assert predict["count"] == 8 and predict["p99_ms"] >= predict["p50_ms"] >= 0
    stats = e.cache_stats()
    # The statistics are cached, and so is the backtest the prediction's line
    # comes from; tickets are not (they depend on the seed).
    assert stats["backend"] == "memory" and stats["tiers"][0]["entries"] == 2
    e.clear_cache()
    assert e.cache_stats()["tiers"][0]["entries"] == 0
    assert lottopro.Engine(history, cache="none").cache_stats() is None
    assert repr(e) == "Engine(game='kr645', draws=1245)"
    assert len(e.history) == 1245


def test_threads_share_one_engine(history):
    """Eight Python threads call one engine at once (the GIL is released)."""
    e = lottopro.Engine(history)
    results, errors = {}, []

    def work(i: int) -> None:
        try:
            p = e.predict(model="ml", count=3, seed=i % 4)
            s = e.stats(window=10 + i)
            b = e.backtest(models="frequency", warmup=1200, seed=i % 2)
            results[i] = (tuple(map(tuple, (t["numbers"] for t in p["tickets"]))), s["draws"], b["models"][0]["mean_matches"])
        except Exception as x:  # noqa: BLE001 - reported below
            errors.append(x)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all(r[1] == 1245 for r in results.values())
    # The same seed gives the same tickets whichever thread asked.
    assert results[0][0] == results[4][0] and results[1][0] == results[5][0]


QR_1179 = (
    "http://m.dhlottery.co.kr/qr.do?method=winQr&v=1179m052527293436m192427303134"
    "m021012152244m041623253540m1618212440440000000645.net"
)


def test_check_qr(engine):
    r = engine.check_qr(QR_1179)
    assert r["round"] == 1179 and len(r["games"]) == 5
    assert r["games"][1]["numbers"] == [19, 24, 27, 30, 31, 34]
    for g in r["games"]:
        assert g["matches"] == engine.check(g["numbers"], 1179)["matches"]
    with pytest.raises(lottopro.InvalidInputError) as e:
        engine.check_qr(QR_1179.replace("m.dhlottery.co.kr", "evil.example"))
    assert e.value.field == "qr"


def test_popularity_changes_the_share_not_the_chance(engine):
    pattern = engine.popularity("1 2 3 4 5 6")
    plain = engine.popularity([3, 11, 17, 25, 33, 41], sales=120_000_000_000)
    # Ranks are ints, as everywhere else.
    assert pattern["expected_co_winners"][1] > 5 * plain["expected_co_winners"][1]
    assert pattern["ev_per_ticket"] < plain["ev_per_ticket"]
    assert pattern["win_probability"] == plain["win_probability"]
    assert plain["sales"] == 120_000_000_000
    assert "never the probability" in pattern["note"]
    with pytest.raises(lottopro.InvalidInputError) as e:
        engine.popularity("1 2 3 4 5 6", sales=-1)
    assert e.value.field == "sales"
    evaluation = engine.popularity_evaluation()
    assert evaluation["test_draws"] == 245
    assert evaluation["combined_p_value"] < 0.005
    assert evaluation["second"]["chosen_p_values"][1] < 0.01
    # The second model: who else buys the ticket, and the whole draw.
    assert pattern["model"] == "second"
    assert pattern["popularity_rank"] < 100
    low, high = pattern["popularity_rank_interval"]
    assert 1 <= low <= pattern["popularity_rank"] <= high < 100
    buyers = pattern["expected_buyers"]
    assert buyers["low"] < buyers["estimate"] < buyers["high"]
    d = engine.sales_distribution(102_804_882_000)
    for key in ["never_bought", "bought_once", "bought_50_or_more", "max_bought"]:
        assert d[key]["low"] <= d[key]["estimate"] <= d[key]["high"], key
    assert d["games"] == 102_804_882
    with pytest.raises(lottopro.InvalidInputError) as e:
        engine.sales_distribution(0)
    assert e.value.field == "sales"


def test_anti_popular_is_a_model(engine):
    p = engine.predict("anti-popular", count=3, include=[7], seed=1)
    assert all(7 in t["numbers"] for t in p["tickets"])


def test_wheels_are_verified(engine):
    w = engine.wheel([1, 5, 9, 13, 17, 21, 26, 30], guarantee="3if4")
    assert w["verified"] and w["guarantee"] == {"t": 3, "m": 4}
    assert w["cost"] == 1000 * len(w["tickets"])
    full = engine.wheel(full_pool=True, guarantee="2")
    assert len(full["tickets"]) == 15 and full["draws_checked"] == 8_145_060
    with pytest.raises(lottopro.InvalidInputError) as e:
        engine.wheel([1, 2, 3, 4, 5, 6, 7], guarantee="5if4")
    assert e.value.field == "guarantee"
    with pytest.raises(lottopro.InvalidInputError) as e:
        engine.wheel(guarantee="3")
    assert e.value.field == "numbers"


def test_a_weighted_wheel_keeps_its_guarantee_and_says_what_it_gains(engine):
    plain = engine.wheel(list(range(1, 11)), guarantee="3if3")
    weighted = engine.wheel(list(range(1, 11)), guarantee="3if3", weighted=True)
    assert plain["popularity"] is None
    assert weighted["verified"] and weighted["guarantee"] == plain["guarantee"]
    assert len(weighted["tickets"]) == len(plain["tickets"])
    gain = weighted["popularity"]["gain_per_ticket"]
    assert 0 <= gain["low"] <= gain["estimate"] <= gain["high"]
    for bad in ({"sales": 10**11}, {"weighted": True, "sales": 0}):
        with pytest.raises(lottopro.InvalidInputError) as e:
            engine.wheel(list(range(1, 11)), guarantee="3if3", **bad)
        assert e.value.field == "sales"
