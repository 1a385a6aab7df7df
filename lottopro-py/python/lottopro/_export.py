"""Results as JSON: one plain shape for everything the module returns."""

import json
from typing import Any

import numpy as np

from ._lottopro import Draw, History, Ticket

JSONValue = Any


def to_dict(value: Any) -> JSONValue:
    """`value` (a result, or a `Ticket`, `Draw` or `History`) as dicts, lists,
    str, int, float, bool and None only, which `json.dumps` accepts and
    which compare equal after a round trip through JSON except for int keys
    (ranks), which JSON writes as text.

    A `Ticket` becomes ``{"numbers": [...], "extra": [...]}`` (the core's
    ticket record), a `Draw` the mapping `History.from_draws` reads, a
    `History` the list of its draws, numpy arrays lists, numpy scalars
    Python numbers, and tuples lists.
    """
    if isinstance(value, Ticket):
        return {"numbers": list(value.numbers), "extra": list(value.extra)}
    if isinstance(value, Draw):
        return {
            "round": value.round,
            "date": value.date,
            "numbers": list(value.numbers),
            "bonus": list(value.bonus),
            "total_sales": value.total_sales,
            "prizes": [{"rank": r, "winners": w, "prize_each": p} for r, w, p in value.prizes],
        }
    if isinstance(value, History):
        return [to_dict(d) for d in value]
    if isinstance(value, dict):
        return {k: to_dict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_dict(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def to_json(value: Any, **kwargs: Any) -> str:
    """`json.dumps(to_dict(value), **kwargs)`."""
    return json.dumps(to_dict(value), **kwargs)
