"""LottoPro: lottery analytics that tell the truth.

Exact odds and tax, what real draws paid, statistics next to their chance
expectations, five number-generation models measured by walk-forward
backtests against the exact chance baseline, and fast simulation of what a
playing plan does to your money. No model can predict a fair draw; LottoPro
measures instead of claiming.

>>> import lottopro
>>> lottopro.odds("kr645")["tiers"][0]["one_in"]
8145060.0

Results are dicts typed by `lottopro.types` (TypedDicts generated from the
Rust core's own types), so a type checker catches a misspelt key;
`lottopro.to_dict` / `lottopro.to_json` turn any of them into JSON.
"""

import collections.abc

from . import errors, types
from ._export import to_dict, to_json
from ._lottopro import Draw, Engine, History, PensionHistory, Rounds, Ticket, __version__, games, odds, tax
from .errors import *  # noqa: F403 - the exception classes, listed in errors.__all__

# A History is a read-only sequence of draws by position (random.sample and
# isinstance checks ask the ABC); its rounds are a view of their own.
collections.abc.Sequence.register(History)

# `types` is left out on purpose: `from lottopro import *` must not replace
# the standard library's `types`; `lottopro.types` is a module of its own.
__all__ = [
    "Draw",
    "Engine",
    "History",
    "PensionHistory",
    "Rounds",
    "Ticket",
    "__version__",
    "games",
    "odds",
    "tax",
    "to_dict",
    "to_json",
    *errors.__all__,
]
