"""A sweep of simulation plans on Dask's distributed scheduler.

Every plan (a strategy, tickets a draw and a seed) is simulated ticket by
ticket over ten years of draws; the engine goes to each worker once
(`client.scatter(..., broadcast=True)`) and, pickled or scattered, arrives
warm: a worker fits each model once, however many tasks it runs.

    python lottopro-py/examples/dask_sweep.py                    # 1, 2 and 4 local worker processes
    python lottopro-py/examples/dask_sweep.py --workers 2 --plans 8
    python lottopro-py/examples/dask_sweep.py --pool      # the same on concurrent.futures' process pool
    LOTTOPRO_DASK_SCHEDULER=tcp://scheduler:8786 python lottopro-py/examples/dask_sweep.py

With `LOTTOPRO_DASK_SCHEDULER` set (and not empty) the sweep runs on that
cluster instead of starting local ones. Needs `pip install "dask[distributed]"`.
"""

from __future__ import annotations

import argparse
import itertools
import os
import time
from typing import Any, Dict, List, Tuple

import lottopro

Plan = Tuple[str, int, int]


def plans(count: int) -> List[Plan]:
    """`count` plans: random play and three model strategies, 1 to 10
    tickets a draw, each plan with its own seed."""
    grid = list(itertools.product(["random", "frequency", "ml", "anti-popular"], [1, 5, 10]))
    return [(*grid[i % len(grid)], i + 1) for i in range(count)]


def simulate(engine: lottopro.Engine, plan: Plan, draws: int = 520, trials: int = 500) -> Dict[str, Any]:
    """One plan's simulation, with how many fits its engine has made so far."""
    strategy, tickets, seed = plan
    report = engine.simulate(
        strategy=strategy,  # type: ignore[arg-type]
        tickets_per_draw=tickets,
        draws=draws,
        trials=trials,
        method="per-ticket",
        seed=seed,
        threads=1,
    )
    tiers = {t["tier"]: t for t in (engine.metrics() or {"cache": []})["cache"]}
    return {
        "plan": plan,
        "mean_net": report["mean_net"],
        "fits": tiers.get("fitted", {"misses": 0})["misses"],
        "pid": os.getpid(),
    }


def sweep(client: Any, engine: lottopro.Engine, todo: List[Plan], **kwargs: Any) -> List[Dict[str, Any]]:
    """Every plan of `todo` on the cluster behind `client`, in order."""
    import sys

    import cloudpickle

    # Workers cannot import this file: its functions travel by value.
    if __name__ != "__main__":
        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    scattered = client.scatter(engine, broadcast=True, hash=False)
    futures = client.map(lambda plan, e: simulate(e, plan, **kwargs), todo, e=scattered, pure=False)
    return client.gather(futures)


def local_client(workers: int) -> Any:
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    return Client(cluster)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--plans", type=int, default=24)
    parser.add_argument("--pool", action="store_true", help="a ProcessPoolExecutor, the engine sent with every task")
    args = parser.parse_args()

    engine = lottopro.Engine(cache="none")
    todo = plans(args.plans)
    address = os.environ.get("LOTTOPRO_DASK_SCHEDULER") or None
    if address:
        from dask.distributed import Client

        with Client(address) as client:
            started = time.perf_counter()
            sweep(client, engine, todo)
            print(f"{len(todo)} plans on {address}: {time.perf_counter() - started:.2f} s")
        return
    first = None
    for workers in args.workers:
        if args.pool:
            seconds, results = pool_sweep(workers, engine, todo)
        else:
            seconds, results = dask_sweep(workers, engine, todo)
        first = first or seconds
        per_worker = {r["pid"]: r["fits"] for r in results}
        print(
            f"{workers} worker process{'es' if workers > 1 else ''}: {seconds:6.2f} s for {len(todo)} plans, "
            f"speed-up {first / seconds:4.2f}x; fits per worker: {max(per_worker.values())} "
            f"(one per model, not per task)"
        )


def pool_sweep(workers: int, engine: lottopro.Engine, todo: List[Plan]) -> Tuple[float, List[Dict[str, Any]]]:
    """The sweep on a process pool, the engine pickled with every task."""
    import concurrent.futures
    import functools
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        list(pool.map(functools.partial(simulate, engine), todo[:workers]))  # start-up, not timed
        started = time.perf_counter()
        results = list(pool.map(functools.partial(simulate, engine), todo))
        return time.perf_counter() - started, results


def dask_sweep(workers: int, engine: lottopro.Engine, todo: List[Plan]) -> Tuple[float, List[Dict[str, Any]]]:
    """The sweep on a LocalCluster of `workers` processes."""
    with local_client(workers) as client:
        sweep(client, engine, todo[:workers])  # start-up and the first fit, not timed
        started = time.perf_counter()
        results = sweep(client, engine, todo)
        seconds = time.perf_counter() - started
        client.cluster.close()
    return seconds, results


if __name__ == "__main__":
    main()
