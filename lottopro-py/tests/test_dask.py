"""The Dask example (examples/dask_sweep.py) on a LocalCluster of two worker
processes: the sweep gives what a plain loop gives, and each worker fits a
model once however many of its tasks use it."""

import importlib.util
import pathlib
import sys

import pytest

import lottopro

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "dask_sweep.py"


def load_example():
    spec = importlib.util.spec_from_file_location("dask_sweep", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules["dask_sweep"] = module
    spec.loader.exec_module(module)
    return module


def test_the_sweep_runs_on_a_local_cluster_with_warm_engines():
    pytest.importorskip("distributed", reason="scripts/test installs dask[distributed]")
    example = load_example()
    engine = lottopro.Engine(cache="none")
    todo = [("ml", 1, seed) for seed in range(1, 7)] + [("random", 2, 7)]
    with example.local_client(2) as client:
        results = example.sweep(client, engine, todo, draws=20, trials=5)
        client.cluster.close()
    serial = [example.simulate(engine, plan, draws=20, trials=5) for plan in todo]
    assert [r["mean_net"] for r in results] == [s["mean_net"] for s in serial]
    assert [r["plan"] for r in results] == todo
    # Six ml tasks over two workers: one fit of ml in each worker at most.
    assert 1 <= len({r["pid"] for r in results}) <= 2
    assert max(r["fits"] for r in results) == 1
