"""Exceptions raised by LottoPro.

Every error is a :class:`LottoError`. Errors about bad input (an invalid
ticket, an unknown game, a malformed file, a request over a limit) are also
:class:`ValueError`, so existing ``except ValueError`` code keeps working.
Each carries ``kind`` (a stable name) and ``field`` (the parameter at fault,
when one is known).
"""

from typing import Optional


class LottoError(Exception):
    """Base class of every LottoPro error."""

    def __init__(self, message: str, kind: str = "error", field: Optional[str] = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.field = field


class InvalidInputError(LottoError, ValueError):
    """A value given by the caller is not acceptable."""


class ParseError(LottoError, ValueError):
    """A line of an input file could not be read."""


class HistoryError(LottoError, ValueError):
    """Draws do not form a consistent history (a gap, a repeat, dates going back)."""


class LimitError(LottoError, ValueError):
    """A request asked for more work than the documented limit allows."""


class NotFoundError(LottoError, LookupError):
    """Something asked for does not exist (a round not in the history)."""


class CacheError(LottoError):
    """A cache backend failed (the engine itself never raises this)."""


class LottoIOError(LottoError, OSError):
    """Reading or writing a file failed."""


class IncompleteDataWarning(UserWarning):
    """Data was read without something results depend on (a frame without
    the prize columns: what each rank paid is then unknown)."""


__all__ = [
    "LottoError",
    "InvalidInputError",
    "ParseError",
    "HistoryError",
    "LimitError",
    "NotFoundError",
    "CacheError",
    "LottoIOError",
    "IncompleteDataWarning",
]
