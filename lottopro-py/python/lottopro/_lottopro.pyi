"""Type stub of the native module `lottopro._lottopro`."""

from os import PathLike
from lottopro._types import (
    BacktestReport,
    CacheStats,
    CheckResult,
    EverWon,
    GameDef,
    MetricsSnapshot,
    Odds,
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
from typing import Any, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Sequence, Tuple, Union, final, overload

__version__: str

_TicketLike = Union["Ticket", str, Sequence[int]]
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
class History:
    """The draws of one game, in round order, without gaps."""

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
    def to_pandas(self) -> Any:
        """The draws as a pandas DataFrame (needs pandas)."""
    def to_polars(self) -> Any:
        """The draws as a polars DataFrame (needs polars)."""
    @staticmethod
    def from_pandas(frame: Any, game: str = "kr645") -> History:
        """A history from a DataFrame with the columns of `to_pandas`."""
    def __reduce__(self) -> Tuple[Any, Tuple[str, str]]: ...
    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, key: int, /) -> Draw: ...
    @overload
    def __getitem__(self, key: slice, /) -> History: ...
    def __iter__(self) -> Iterator[Draw]: ...
    def __contains__(self, item: object, /) -> bool: ...
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
class Ticket:
    """One game on a slip, validated for its game."""

    def __new__(cls, numbers: Sequence[int], extra: Optional[Sequence[int]] = None, game: str = "kr645") -> Ticket: ...
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
        ttl: int = 300,
    ) -> Engine: ...
    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]: ...
    @property
    def history(self) -> History: ...
    def stats(self, window: int = 50, top: int = 6, last: int | None = None) -> Stats: ...
    def predict(
        self,
        model: _Model = "frequency",
        count: int = 5,
        include: Optional[Sequence[int]] = None,
        exclude: Optional[Sequence[int]] = None,
        seed: Optional[int] = None,
    ) -> PredictionReport: ...
    def backtest(
        self,
        models: Optional[Union[Literal["all"], _Model, str, Sequence[_Model]]] = None,
        tickets: int = 5,
        warmup: int = 100,
        seed: int = 42,
        alpha: float = 0.05,
    ) -> BacktestReport: ...
    def simulate(
        self,
        tickets_per_draw: Optional[int] = None,
        draws: int = 520,
        trials: int = 1000,
        strategy: _Strategy = "random",
        tickets: Optional[Union[str, Sequence[_TicketLike]]] = None,
        method: _Method = "auto",
        threads: Optional[int] = None,
        seed: int = 42,
        recent: int = 52,
        prizes: Optional[Union[Mapping[int, Union[int, str]], Sequence[Tuple[int, Union[int, str]]]]] = None,
    ) -> SimulationReport: ...
    def check(self, ticket: _TicketLike, round: int) -> CheckResult: ...
    def check_all(self, ticket: _TicketLike) -> EverWon: ...
    def check_qr(self, url: str) -> QrCheck: ...
    def popularity(
        self, ticket: _TicketLike, sales: Optional[int] = None
    ) -> TicketPopularity: ...
    def popularity_evaluation(self) -> PopularityEvaluation: ...
    def sales_distribution(self, sales: Optional[int] = None) -> SalesDistribution: ...
    def wheel(
        self,
        numbers: Optional[Sequence[int]] = None,
        guarantee: _Guarantee = "3if4",
        full_pool: bool = False,
        seed: int = 1,
    ) -> Wheel: ...
    def odds(self, game: Optional[str] = None) -> Odds: ...
    def tax(self, amount: int, game: Optional[str] = None) -> TaxAssessment: ...
    def warm(self) -> WarmReport: ...
    def metrics(self) -> Optional[MetricsSnapshot]: ...
    def cache_stats(self) -> Optional[CacheStats]: ...
    def clear_cache(self) -> None: ...

def odds(game: str = "kr645") -> Odds: ...
def tax(amount: int, game: str = "kr645") -> TaxAssessment: ...
def games() -> List[GameDef]: ...
