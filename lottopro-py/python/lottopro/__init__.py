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
Rust core's own types), so a type checker catches a misspelt key.
"""

from . import _types as types
from . import errors
from ._lottopro import Draw, Engine, History, Ticket, __version__, games, odds, tax
from .errors import *  # noqa: F403 - the exception classes, listed in errors.__all__

__all__ = ["Draw", "Engine", "History", "Ticket", "__version__", "games", "odds", "tax", "types", *errors.__all__]
