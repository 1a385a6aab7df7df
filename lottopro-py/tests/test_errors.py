"""Exceptions (src/error.rs and lottopro/errors.py): one class per kind."""

import pytest

import lottopro
from lottopro import errors


def test_hierarchy():
    for cls in (errors.InvalidInputError, errors.ParseError, errors.HistoryError, errors.LimitError):
        assert issubclass(cls, lottopro.LottoError) and issubclass(cls, ValueError)
    assert issubclass(errors.NotFoundError, LookupError)
    assert issubclass(errors.LottoIOError, OSError)
    assert not issubclass(errors.CacheError, ValueError)


@pytest.mark.parametrize(
    ("call", "cls", "kind", "field", "words"),
    [
        (lambda e: e.predict(count=0), lottopro.InvalidInputError, "invalid_input", "count", "must be at least 1"),
        (lambda e: e.predict(count=101), lottopro.LimitError, "limit", "count", "exceeds the limit of 100"),
        (lambda e: e.predict(include=[7], exclude=[7]), lottopro.InvalidInputError, "invalid_input", "exclude", "7 is also in include"),
        (lambda e: e.predict(model="neural"), lottopro.InvalidInputError, "invalid_input", "model", "unknown model 'neural'"),
        (lambda e: e.predict(include=[46]), lottopro.InvalidInputError, "invalid_input", "include[0]", "46 is out of range 1..=45"),
        (lambda e: e.check("1 2 3 4 5 6 7", 1), lottopro.InvalidInputError, "invalid_input", "numbers", "expected 6 numbers, got 7"),
        (lambda e: e.check("1 2 3 4 5 6", 99999), lottopro.NotFoundError, "not_found", "round", "round 99999"),
        (lambda e: e.tax(-5), lottopro.InvalidInputError, "invalid_input", "amount", "-5 is negative"),
        (lambda e: e.tax(10**30), lottopro.InvalidInputError, "invalid_input", "amount", "larger than the largest"),
        (lambda e: e.odds("lotto-moon"), lottopro.InvalidInputError, "invalid_input", "game", "unknown game 'lotto-moon'"),
        (lambda e: e.backtest(warmup=5000), lottopro.InvalidInputError, "too_few_draws", "warmup", "needs more than 5000 draws"),
        (lambda e: e.simulate(trials=0), lottopro.InvalidInputError, "invalid_input", "trials", "at least 1"),
        (lambda e: e.simulate(strategy="oracle"), lottopro.InvalidInputError, "invalid_input", "strategy", "'oracle'"),
        (lambda e: e.simulate(prizes=[(9, 1)]), lottopro.InvalidInputError, "invalid_input", "prize", "no rank 9"),
    ],
)
def test_every_kind_names_what_was_wrong(engine, call, cls, kind, field, words):
    with pytest.raises(cls) as e:
        call(engine)
    assert e.value.kind == kind and e.value.field == field
    assert words in str(e.value)
    if cls is not lottopro.NotFoundError:
        assert isinstance(e.value, ValueError)


def test_redis_without_a_server_degrades_instead_of_failing(history):
    # Port 1 refuses connections: the engine still answers, from computation.
    e = lottopro.Engine(history, cache="tiered", redis_url="redis://127.0.0.1:1/0")
    assert e.stats()["draws"] == 1245
    assert e.cache_stats()["degraded"] is True
    with pytest.raises(lottopro.InvalidInputError) as x:
        lottopro.Engine(history, cache="redis", redis_url="not a url")
    assert x.value.field == "redis_url"
    with pytest.raises(lottopro.InvalidInputError) as x:
        lottopro.Engine(history, cache="disk")
    assert x.value.field == "cache"
