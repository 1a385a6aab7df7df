"""Type stub of the native module `lottopro._lottopro`."""

from os import PathLike
from typing import Any, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Sequence, SupportsIndex, Tuple, Union, final, overload

import pandas
import polars

from lottopro.types import (
    BacktestReport,
    CacheStats,
    CheckResult,
    EverWon,
    GameDef,
    MetricsSnapshot,
    Odds,
    PensionExpectedValue,
    PensionOdds,
    PensionStats,
    PensionTicketCheck,
    PopularityEvaluation,
    PredictionReport,
    QrCheck,
    SalesDistribution,
    SimulationReport,
    Stats,
    TaxAssessment,
    TicketPopularity,
    WarmReport,
    Wheel,
)
__version__: str

# Whole numbers as the module takes them: Python ints, numpy integers,
# anything with __index__; and any iterable of them (lists, tuples, sets,
# numpy arrays, pandas Series).
_Int = SupportsIndex
_Ints = Iterable[SupportsIndex]
_TicketLike = Union["Ticket", str, _Ints]
_Model = Literal["frequency", "trend", "pattern", "statistical", "ml", "anti-popular", "random"]
_Strategy = Literal["random", "fixed", "frequency", "trend", "pattern", "statistical", "ml", "anti-popular"]
_Method = Literal["auto", "per-ticket", "outcome-counts", "per_ticket", "outcome_counts"]
_Guarantee = Literal[
    "2", "3", "4", "5", "6",
    "2if3", "2if4", "2if5", "2if6", "3if4", "3if5", "3if6", "4if5", "4if6", "5if6",
]

def _schemas() -> str: ...

@final
class Draw:
    """One round's result."""

    @property
    def round(self) -> int: ...
    @property
    def date(self) -> str: ...
    @property
    def numbers(self) -> Tuple[int, ...]: ...
    @property
    def bonus(self) -> Tuple[int, ...]: ...
    @property
    def total_sales(self) -> Optional[int]: ...
    @property
    def prizes(self) -> List[Tuple[int, int, int]]: ...
    @staticmethod
    def _restore(
        round: int,
        date: str,
        numbers: Sequence[int],
        bonus: Sequence[int],
        total_sales: Optional[int],
        prizes: Sequence[Tuple[int, int, int]],
    ) -> Draw: ...
    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]: ...

@final
class History(Sequence[Draw]):
    """The draws of one game, in round order, without gaps: a sequence of
    draws by position (`h[0]` the first, `h[-1]` the latest), and by round
    through `h.round(r)` and `h.rounds[r]`."""

    @staticmethod
    def bundled(game: str = "kr645") -> History:
        """The real history that ships with LottoPro (Korean Lotto 6/45)."""
    @staticmethod
    def from_csv(
        path: Union[str, PathLike[str]],
        prizes: Optional[Union[str, PathLike[str]]] = None,
        game: str = "kr645",
        format: Optional[str] = None,
    ) -> History: ...
    @staticmethod
    def from_draws(draws: Iterable[Mapping[str, Any]], game: str = "kr645") -> History: ...
    @staticmethod
    def _from_jsonl(text: str, game: str) -> History: ...
    def to_pandas(self) -> pandas.DataFrame:
        """The draws as a pandas DataFrame (needs pandas)."""
    def to_polars(self) -> polars.DataFrame:
        """The draws as a polars DataFrame (needs polars)."""
    @staticmethod
    def from_pandas(frame: Union[pandas.DataFrame, polars.DataFrame], game: str = "kr645") -> History:
        """A history from a DataFrame with the columns of `to_pandas`."""
    @staticmethod
    def from_polars(frame: Union[polars.DataFrame, pandas.DataFrame], game: str = "kr645") -> History:
        """A history from a DataFrame with the columns of `to_polars`."""
    def __reduce__(self) -> Tuple[Any, Tuple[str, str]]: ...
    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, key: SupportsIndex, /) -> Draw: ...
    @overload
    def __getitem__(self, key: slice, /) -> Union[History, List[Draw]]: ...
    def __iter__(self) -> Iterator[Draw]: ...
    def __reversed__(self) -> Iterator[Draw]: ...
    def __contains__(self, item: object, /) -> bool: ...
    def __eq__(self, other: object, /) -> bool: ...
    def index(self, draw: Any, start: int = 0, stop: Optional[int] = None) -> int: ...
    def count(self, draw: Any) -> int: ...
    def round(self, round: _Int) -> Draw:
        """The draw of a round number (NotFoundError naming `round` when absent)."""
    @property
    def rounds(self) -> Rounds:
        """The draws by round number: `rounds[1245]`, `rounds[1240:1246]`, `1245 in rounds`."""
    def draws(self) -> List[Draw]: ...
    @property
    def game(self) -> str: ...
    @property
    def first_round(self) -> Optional[int]: ...
    @property
    def latest_round(self) -> Optional[int]: ...
    @property
    def epoch(self) -> str: ...

@final
class Rounds:
    """A history's draws by round number (`History.rounds`)."""

    @overload
    def __getitem__(self, key: _Int, /) -> Draw: ...
    @overload
    def __getitem__(self, key: slice, /) -> History: ...
    def __contains__(self, round: object, /) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[int]: ...

@final
class Ticket:
    """One game on a slip, validated for its game."""

    def __new__(cls, numbers: _Ints, extra: Optional[_Ints] = None, game: str = "kr645") -> Ticket: ...
    @staticmethod
    def parse(text: str, game: str = "kr645") -> Ticket: ...
    @property
    def numbers(self) -> Tuple[int, ...]: ...
    @property
    def extra(self) -> Tuple[int, ...]: ...
    @property
    def game(self) -> str: ...
    def __hash__(self) -> int: ...
    def __lt__(self, other: Ticket, /) -> bool: ...
    def __le__(self, other: Ticket, /) -> bool: ...
    def __gt__(self, other: Ticket, /) -> bool: ...
    def __ge__(self, other: Ticket, /) -> bool: ...
    def __reduce__(self) -> Tuple[Any, Tuple[List[int], List[int], str]]: ...

@final
class Engine:
    """Statistics, predictions, backtests, simulations and checks over one history."""

    def __new__(
        cls,
        history: Optional[History] = None,
        game: Optional[str] = None,
        cache: Optional[str] = None,
        redis_url: Optional[str] = None,
        ttl: _Int = 300,
    ) -> Engine: ...
    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]: ...
    @property
    def history(self) -> History: ...
    def stats(self, window: _Int = 50, top: _Int = 6, last: Optional[_Int] = None) -> Stats: ...
    def predict(
        self,
        model: _Model = "frequency",
        count: _Int = 5,
        include: Optional[_Ints] = None,
        exclude: Optional[_Ints] = None,
        seed: Optional[_Int] = None,
    ) -> PredictionReport: ...
    def backtest(
        self,
        models: Optional[Union[Literal["all"], _Model, str, Sequence[_Model]]] = None,
        tickets: _Int = 5,
        warmup: _Int = 100,
        seed: _Int = 42,
        alpha: float = 0.05,
    ) -> BacktestReport: ...
    def simulate(
        self,
        tickets_per_draw: Optional[_Int] = None,
        draws: _Int = 520,
        trials: _Int = 1000,
        strategy: _Strategy = "random",
        tickets: Optional[Union[str, Sequence[_TicketLike]]] = None,
        method: _Method = "auto",
        threads: Optional[_Int] = None,
        seed: _Int = 42,
        recent: _Int = 52,
        prizes: Optional[Union[Mapping[int, Union[int, str]], Sequence[Tuple[int, Union[int, str]]]]] = None,
    ) -> SimulationReport: ...
    def check(self, ticket: _TicketLike, round: _Int) -> CheckResult: ...
    def check_all(self, ticket: _TicketLike) -> EverWon: ...
    def check_qr(self, url: str) -> QrCheck: ...
    def popularity(
        self, ticket: _TicketLike, sales: Optional[_Int] = None
    ) -> TicketPopularity: ...
    def popularity_evaluation(self) -> PopularityEvaluation: ...
    def sales_distribution(self, sales: Optional[_Int] = None) -> SalesDistribution: ...
    def wheel(
        self,
        numbers: Optional[_Ints] = None,
        guarantee: _Guarantee = "3if4",
        full_pool: bool = False,
        seed: _Int = 1,
        weighted: bool = False,
        sales: Optional[_Int] = None,
    ) -> Wheel: ...
    def odds(self, game: Optional[str] = None) -> Odds: ...
    def tax(self, amount: _Int, game: Optional[str] = None) -> TaxAssessment: ...
    def warm(self) -> WarmReport: ...
    def metrics(self) -> Optional[MetricsSnapshot]: ...
    def cache_stats(self) -> Optional[CacheStats]: ...
    def clear_cache(self) -> None: ...

# "kr720" is also a str: the first overload that matches wins, as intended.
@overload
def odds(game: Literal["kr720"]) -> PensionOdds: ...  # type: ignore[overload-overlap]
@overload
def odds(game: str = "kr645") -> Odds: ...
@overload
def tax(amount: None = None, *, game: Literal["kr720"], rate: Optional[float] = None) -> PensionExpectedValue: ...
@overload
def tax(amount: _Int, game: str = "kr645", rate: None = None) -> TaxAssessment: ...

@final
class PensionHistory:
    """The draws of Pension Lottery 720+ (연금복권720+), in round order."""

    @staticmethod
    def bundled() -> PensionHistory: ...
    @staticmethod
    def from_csv(path: Union[str, PathLike[str]]) -> PensionHistory: ...
    def __len__(self) -> int: ...
    @property
    def latest_round(self) -> Optional[int]: ...
    def check(self, ticket: str, round: _Int) -> PensionTicketCheck: ...
    def stats(self, last: Optional[_Int] = None) -> PensionStats: ...
def games() -> List[GameDef]: ...
