"""Correct uses of the library that both type checkers (mypy --strict and
pyright strict) must accept without a single complaint: every key read here
is always present at run time (test_newcomer.py runs the same calls)."""

from __future__ import annotations

import json
import random
from typing import List, Optional, Sequence

import numpy as np
import pandas as pd
import polars as pl

import lottopro
from lottopro.types import BacktestReport, CheckResult, Stats

history: lottopro.History = lottopro.History.bundled()
engine = lottopro.Engine(history, cache="none", ttl=np.int64(60))

first: lottopro.Draw = history[0]
latest: lottopro.Draw = history.round(1245)
recent: lottopro.History = history.rounds[1240:]
picked: lottopro.Draw = random.choice(history)
sample: List[lottopro.Draw] = random.sample(history, 3)
backwards: List[lottopro.Draw] = list(reversed(history))
as_sequence: Sequence[lottopro.Draw] = history
rounds: List[int] = list(history.rounds)
frame: pd.DataFrame = history.to_pandas()
polars_frame: pl.DataFrame = history.to_polars()
again: lottopro.History = lottopro.History.from_pandas(frame)
again_polars: lottopro.History = lottopro.History.from_polars(polars_frame)

stats: Stats = engine.stats(window=np.int32(20))
hot: List[int] = stats["hot"]
frequency_of_7: int = int(stats["frequencies"][7])
uniformity = stats["uniformity"]
p_value: Optional[float] = uniformity["p_value"] if uniformity is not None else None

report = engine.predict(model="ml", count=np.int64(2), include=np.array([7]), exclude={8, 9}, seed=4)
numbers: List[List[int]] = [t["numbers"] for t in report["tickets"]]
tickets: List[lottopro.Ticket] = [t["ticket"] for t in report["tickets"]]
target: int = report["target_round"]

result: CheckResult = engine.check(lottopro.Ticket(pd.Series([4, 5, 12, 25, 28, 32])), round=np.int64(1245))
rank: Optional[int] = result["rank"]
prize: Optional[int] = result["prize"]

popular = engine.popularity({1, 2, 3, 4, 5, 6})
co_winners: float = popular["expected_co_winners"][1]
ev: float = popular["ev_per_ticket"]

backtest: BacktestReport = engine.backtest(models=["frequency", "random"], warmup=1100)
verdicts: List[str] = [m["verdict"] for m in backtest["models"]]
p_holm: float = backtest["models"][0]["p_holm"]

wheel = engine.wheel(np.arange(1, 9), guarantee="3if4")
verified: bool = wheel["verified"]
played = engine.simulate(strategy="fixed", tickets=wheel["tickets"], draws=52, trials=100)
mean_net: float = played["mean_net"]
tax: int = lottopro.tax(1_000_000_000)["tax"]
one_in: float = lottopro.odds()["tiers"][0]["one_in"]

text: str = lottopro.to_json(played)
loaded: object = json.loads(text)

try:
    engine.predict(count=0)
except lottopro.InvalidInputError as e:
    field: Optional[str] = e.field
