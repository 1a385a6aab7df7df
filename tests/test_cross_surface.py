"""One question, three surfaces, one answer.

The command line (`lottopro ... --json`), the HTTP API and the Python module
are asked the same questions about the bundled history and must give the
same answers: every field of the core's result is present on each surface
and equal to the last bit. A surface may add fields of its own (the CLI's
`currency`, HTTP's `stored` and `token`, Python's numpy `frequencies`), but
never answer differently, because each one only converts its own syntax into
the core's request types and prints what comes back.

Operations: predict, backtest, simulate, popularity, wheel, tax, odds,
check, check of a QR code, and stats; and for Pension Lottery 720+, a known
ticket of every prize checked against its bundled draw, odds, tax and stats.
"""

import json
import subprocess
import urllib.error
import urllib.request

import pytest

import lottopro
from conftest import BIN

# The QR code of a real five-game ticket of round 997 (lottopro-core/src/qr.rs).
QR = "https://m.dhlottery.co.kr/qr.do?method=winQr&v=0997q071524404245q151718273144q111215232740q031114212226q2328304042441785483554"


def http(base: str, method: str, path: str, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, method=method, data=data, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def cli(*args: str):
    out = subprocess.run([str(BIN), *args, "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def plain(value):
    """A Python result as JSON would carry it: tuples and numpy arrays as
    lists, a `Ticket` as its record (`{"numbers": [...]}`), and without the
    `ticket` objects Python adds beside numbers spelled inline."""

    def default(o):
        if isinstance(o, lottopro.Ticket):
            record = {"numbers": list(o.numbers)}
            if o.extra:
                record["extra"] = list(o.extra)
            return record
        return o.tolist()

    def strip(v):
        if isinstance(v, dict):
            added = "numbers" in v and isinstance(v.get("ticket"), dict)
            return {k: strip(x) for k, x in v.items() if not (added and k == "ticket")}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v

    return strip(json.loads(json.dumps(value, default=default)))


def same_answer(name: str, py, others: dict, python_only=()):
    """Every field of the Python result (the core's result, converted) is on
    every other surface with the same value."""
    py = plain(py)
    assert isinstance(py, dict), name
    for surface, answer in others.items():
        for key, value in py.items():
            if key in python_only:
                continue
            assert key in answer, f"{name}: {surface} lacks {key!r}"
            assert answer[key] == value, f"{name}: {surface} answers {key!r} = {answer[key]!r}, Python {value!r}"


@pytest.fixture(scope="module")
def engine():
    return lottopro.Engine()


def test_predict(server, engine):
    base, _ = server
    py = engine.predict(model="ml", count=3, include=[7], seed=7)
    assert py["target_round"] == 1246 and py["backtest"]["models_tested"] == 7
    same_answer(
        "predict",
        py,
        {
            "cli": cli("predict", "--model", "ml", "--count", "3", "--include", "7", "--seed", "7"),
            "http": http(base, "POST", "/api/predict", {"model": "ml", "count": 3, "user_numbers": [7], "seed": 7}),
        },
    )


def test_backtest(server, engine):
    base, _ = server
    py = engine.backtest(models="frequency,random", tickets=2, warmup=1200, seed=5)
    same_answer(
        "backtest",
        py,
        {
            "cli": cli("backtest", "--model", "frequency,random", "--tickets", "2", "--warmup", "1200", "--seed", "5"),
            "http": http(base, "GET", "/api/backtest?model=frequency,random&tickets=2&warmup=1200&seed=5"),
        },
    )


def test_simulate(server, engine):
    base, _ = server
    py = engine.simulate(draws=52, trials=200, seed=3, prizes={1: 2_000_000_000})
    assert py["unvalued_ranks"] == []
    same_answer(
        "simulate",
        py,
        {
            "cli": cli("simulate", "--draws", "52", "--trials", "200", "--seed", "3", "--prize", "1=2000000000"),
            "http": http(base, "POST", "/api/simulate", {"draws": 52, "trials": 200, "seed": 3, "prizes": {"1": "2,000,000,000"}}),
        },
        # How many threads ran it (the service uses one per request, to leave
        # cores to others); the result does not depend on it.
        python_only=("threads",),
    )


def test_popularity(server, engine):
    base, folder = server
    py = engine.popularity("1 2 3 4 5 6")
    same_answer(
        "popularity",
        py,
        {
            "cli": cli("popularity", "--ticket", "1 2 3 4 5 6", "--db", f"{folder}/none.db"),
            "http": http(base, "POST", "/api/popularity", {"ticket": "1 2 3 4 5 6"}),
        },
    )


def test_wheel(server, engine):
    base, _ = server
    numbers = [1, 5, 9, 13, 17, 21, 26, 30]
    py = engine.wheel(numbers, guarantee="3if4")
    assert py["verified"]
    # Python's tickets are Ticket objects; the JSON surfaces list numbers.
    py["tickets"] = [list(t.numbers) for t in py["tickets"]]
    same_answer(
        "wheel",
        py,
        {
            "cli": cli("wheel", "--numbers", " ".join(map(str, numbers)), "--guarantee", "3if4"),
            "http": http(base, "POST", "/api/wheel", {"numbers": numbers, "guarantee": "3if4"}),
        },
    )


def test_tax_and_odds(server, engine):
    base, _ = server
    same_answer(
        "tax",
        engine.tax(1_000_000_000),
        {"cli": cli("tax", "1000000000"), "http": http(base, "POST", "/api/tax", {"amount": 1_000_000_000})},
    )
    same_answer(
        "odds",
        engine.odds("powerball"),
        {"cli": cli("odds", "--game", "powerball"), "http": http(base, "GET", "/api/odds?game=powerball")},
    )


def test_check(server, engine):
    base, _ = server
    py = engine.check("4 5 25 28 32 12", round=1245)
    assert (py["rank"], py["prize"]) == (2, 55_064_392)
    same_answer(
        "check",
        py,
        {
            "cli": cli("check", "--round", "1245", "--ticket", "4 5 25 28 32 12"),
            "http": http(base, "POST", "/api/check", {"ticket": "4 5 25 28 32 12", "round": 1245}),
        },
    )
    same_answer(
        "check_qr",
        engine.check_qr(QR),
        {"cli": cli("check", "--qr", QR), "http": http(base, "POST", "/api/check", {"qr": QR})},
    )


def test_stats(server, engine):
    base, _ = server
    same_answer(
        "stats",
        engine.stats(window=30, top=5),
        {"cli": cli("stats", "--window", "30", "--top", "5"), "http": http(base, "GET", "/api/stats?window=30&top=5")},
        # numpy arrays of what `numbers` holds, for Python users only.
        python_only=("frequencies",),
    )


# A known 720+ ticket for every prize against a bundled draw (round, ticket,
# rank, bonus), from lottopro-core/src/pension/tests.rs.
PENSION_KNOWN = [
    (100, "4조 419399", "first", False),
    (100, "1조 419399", "second", False),
    (101, "2조 968561", "third", False),
    (200, "5조 106362", "fourth", False),
    (201, "3조 000675", "fifth", False),
    (326, "2조 000033", "sixth", False),
    (327, "3조 999990", "seventh", False),
    (327, "5조 727161", None, True),
    (1, "1조 000000", None, False),
]


@pytest.fixture(scope="module")
def pension():
    return lottopro.PensionHistory.bundled()


@pytest.mark.parametrize(("round", "ticket", "rank", "bonus"), PENSION_KNOWN)
def test_pension_check(server, pension, round, ticket, rank, bonus):
    base, _ = server
    py = pension.check(ticket, round)
    assert (py["rank"], py["bonus"]) == (rank, bonus)
    same_answer(
        f"pension check {round} {ticket}",
        py,
        {
            "cli": cli("check", "--game", "kr720", "--round", str(round), "--ticket", ticket),
            "http": http(base, "POST", "/api/pension/check", {"ticket": ticket, "round": round}),
        },
    )


def test_pension_odds_tax_and_stats(server, pension):
    base, _ = server
    same_answer(
        "pension odds",
        lottopro.odds("kr720"),
        {"cli": cli("odds", "--game", "kr720"), "http": http(base, "GET", "/api/pension/odds")},
    )
    same_answer(
        "pension tax",
        lottopro.tax(game="kr720", rate=0.05),
        {
            "cli": cli("tax", "--game", "kr720", "--rate", "0.05"),
            "http": http(base, "GET", "/api/pension/tax?rate=0.05"),
        },
    )
    same_answer(
        "pension stats",
        pension.stats(last=30),
        {
            "cli": cli("stats", "--game", "kr720", "--last", "30"),
            "http": http(base, "GET", "/api/pension/stats?last=30"),
        },
    )
