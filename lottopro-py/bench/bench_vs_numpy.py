"""LottoPro from Python against numpy peers, printed as ratios.

    python lottopro-py/bench/bench_vs_numpy.py [TICKETS]     (default 10,000,000)

* Simulation: `engine.simulate` (per ticket, all cores) against the numpy
  per-ticket simulation of `benches/peer/simulate_numpy.py` (the fastest
  numpy formulation we found), same plan: each quick pick against its own
  draw. The outcome-count method, which answers the same question exactly
  for quick picks, is timed too.
* Statistics: `engine.stats()` (uncached and cached) against numpy computing
  the frequencies, the pair matrix and the hot/cold window of the same history.
"""

import pathlib
import sys
import time

import numpy as np

import lottopro

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benches" / "peer"))
import simulate_numpy  # noqa: E402

DATA = ROOT / "lottopro-core" / "data"


def best_of(n, f):
    best = float("inf")
    for _ in range(n):
        start = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - start)
    return best


def numpy_stats(draws: np.ndarray) -> dict:
    """Frequencies, pair matrix and 50-draw hot/cold of (draws × 6) numbers
    1..45, indexed by number as engine.stats() gives them (index 0 unused)."""
    onehot = np.zeros((len(draws), 46), dtype=np.int64)
    np.put_along_axis(onehot, draws, 1, axis=1)
    freq = onehot.sum(axis=0)
    pairs = onehot.T @ onehot
    np.fill_diagonal(pairs, 0)
    window = onehot[-50:].sum(axis=0)
    order = np.lexsort((np.arange(46), -window))
    return {"frequencies": freq, "pair_matrix": pairs, "hot": order[order > 0][:6]}


def main() -> None:
    tickets = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    history = lottopro.History.from_csv(DATA / "kr_lotto_645.csv")
    cached = lottopro.Engine(history)
    uncached = lottopro.Engine(history, cache="none")

    rust = best_of(3, lambda: uncached.simulate(tickets_per_draw=1, draws=tickets, trials=1, method="per-ticket", seed=1))
    counts = best_of(3, lambda: uncached.simulate(tickets_per_draw=1, draws=tickets, trials=1, method="outcome-counts", seed=1))
    peer = best_of(3, lambda: simulate_numpy.simulate(tickets, seed=1))
    print(f"simulation, {tickets:,} quick picks, each against its own draw:")
    print(f"  engine.simulate(method='per-ticket'):     {tickets / rust / 1e6:9.1f} M tickets/s")
    print(f"  engine.simulate(method='outcome-counts'): {tickets / counts / 1e6:9.1f} M tickets/s")
    print(f"  numpy {np.__version__}, per ticket:              {tickets / peer / 1e6:9.1f} M tickets/s")
    print(f"  ratio per ticket: {peer / rust:.1f}x; outcome counts: {peer / counts:.0f}x")

    draws = np.array([d.numbers for d in history.draws()])
    s_uncached = best_of(50, lambda: uncached.stats())
    s_cached = best_of(50, lambda: cached.stats())
    s_peer = best_of(50, lambda: numpy_stats(draws))
    mine, theirs = uncached.stats(), numpy_stats(draws)
    assert (mine["frequencies"] == theirs["frequencies"]).all() and (mine["pair_matrix"] == theirs["pair_matrix"]).all()
    assert list(mine["hot"]) == list(theirs["hot"])
    print(f"statistics of {len(history)} draws (engine.stats returns ~40 figures more than the peer):")
    print(f"  engine.stats(), uncached: {s_uncached * 1e6:8.0f} µs")
    print(f"  engine.stats(), cached:   {s_cached * 1e6:8.0f} µs")
    print(f"  numpy peer:               {s_peer * 1e6:8.0f} µs")
    print(f"  ratio: {s_peer / s_uncached:.1f}x uncached, {s_peer / s_cached:.1f}x cached")


if __name__ == "__main__":
    main()
