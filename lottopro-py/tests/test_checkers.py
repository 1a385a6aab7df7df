"""Both type checkers a user's IDE runs accept correct code and catch a
misspelt key: mypy --strict and pyright in strict mode (basedpyright, its
PyPI build, installed by scripts/test), over the README's Python example
and a file of correct accesses (tests/typing/correct_accesses.py)."""

import json
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest
from mypy import api

from conftest import REPO

HERE = pathlib.Path(__file__).resolve().parent
CORRECT = HERE / "typing" / "correct_accesses.py"


def readme_example(folder: pathlib.Path) -> pathlib.Path:
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README.md has no python example"
    path = folder / "readme_example.py"
    path.write_text("\n".join(blocks))
    return path


def mypy_errors(paths: list[pathlib.Path]) -> list[str]:
    """mypy --strict's errors over `paths`, checked in one run."""
    out, err, status = api.run(["--strict", "--no-incremental", "--cache-dir", os.devnull, *map(str, paths)])
    assert status in (0, 1), out + err
    errors = [line for line in out.splitlines() if ": error:" in line]
    # As pyright gives them: the file's name, line, message.
    return [pathlib.Path(e.split(":")[0]).name + e[len(e.split(":")[0]) :] for e in errors]


def pyright_errors(paths: list[pathlib.Path], folder: pathlib.Path) -> list[str]:
    """Pyright's errors in strict mode over `paths` (in `folder`), one run."""
    binary = pathlib.Path(sys.executable).parent / "basedpyright"
    assert binary.exists(), "basedpyright is not installed (scripts/test installs it)"
    config = folder / "pyrightconfig.json"
    config.write_text(json.dumps({"typeCheckingMode": "strict", "include": [p.name for p in paths]}))
    result = subprocess.run(
        [str(binary), "--pythonpath", sys.executable, "--outputjson", "--project", str(config)],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=300,
    )
    report = json.loads(result.stdout)
    return [
        f"{pathlib.Path(d['file']).name}:{d['range']['start']['line'] + 1}: {d['message']}"
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """Both checkers' errors over the README example, the correct accesses
    and a misspelt key: {checker: {file name: [errors]}}."""
    folder = tmp_path_factory.mktemp("typing")
    correct = folder / "correct_accesses.py"
    correct.write_text(CORRECT.read_text())
    misspelt = folder / "misspelt.py"
    misspelt.write_text(
        textwrap.dedent(
            """\
            import lottopro

            engine = lottopro.Engine()
            print(engine.check("4 5 25 28 32 12", round=1245)["rnak"])
            """
        )
    )
    paths = [readme_example(folder), correct, misspelt]
    found = {"mypy": mypy_errors(paths), "pyright": pyright_errors(paths, folder)}
    return {
        checker: {p.name: [e for e in errors if pathlib.Path(e.split(":")[0]).name == p.name] for p in paths}
        for checker, errors in found.items()
    }


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_strict_checkers_accept_the_readme_and_correct_accesses(checked, checker):
    assert checked[checker]["readme_example.py"] == []
    assert checked[checker]["correct_accesses.py"] == []


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_strict_checkers_reject_a_misspelt_key(checked, checker):
    errors = checked[checker]["misspelt.py"]
    assert errors and all(e.startswith("misspelt.py:4:") for e in errors), errors
    assert any("rnak" in e for e in errors), errors


def test_types_is_a_module_that_shadows_nothing():
    code = "import types\nfrom lottopro import *\nfrom lottopro.types import Stats, CheckResult\nimport lottopro.types as t\n" \
        "assert types.ModuleType is type(t) and t.Stats is Stats\nprint(sorted(Stats.__required_keys__)[:3])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def conforms(value, tp, where="result"):
    """Whether `value` has the shape of the type `tp`: every required key of
    each TypedDict present, no key it does not declare."""
    import typing

    import numpy as np

    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if typing.is_typeddict(tp):
        assert isinstance(value, dict), where
        hints = typing.get_type_hints(tp)
        missing = tp.__required_keys__ - value.keys()
        assert not missing, f"{where}: required keys absent: {missing}"
        unknown = value.keys() - hints.keys()
        assert not unknown, f"{where}: keys not declared: {unknown}"
        for key, item in value.items():
            conforms(item, hints[key], f"{where}[{key!r}]")
    elif origin is typing.Union:
        if value is not None or type(None) not in args:
            options = [a for a in args if a is not type(None)]
            assert len(options) == 1 or not any(typing.is_typeddict(o) for o in options), where
            conforms(value, options[0], where)
    elif origin is list:
        assert isinstance(value, list), where
        for i, item in enumerate(value):
            conforms(item, args[0], f"{where}[{i}]")
    elif origin is dict:
        assert isinstance(value, dict), where
        for key, item in value.items():
            conforms(item, args[1], f"{where}[{key!r}]")
    elif tp is float:
        assert isinstance(value, (int, float)), where
    elif tp in (int, str, bool):
        assert isinstance(value, tp), f"{where}: {value!r} is not {tp}"
    elif origin is tuple or tp is typing.Any or origin is typing.Literal:
        pass
    elif origin is np.ndarray:
        assert isinstance(value, np.ndarray), where
    else:
        assert isinstance(value, tp), f"{where}: {type(value)} is not {tp}"


def test_results_have_every_required_key(engine):
    from lottopro import types as t

    ticket = "4 5 25 28 32 12"
    for value, tp in [
        (engine.stats(), t.Stats),
        (engine.predict(model="ml", count=2, seed=1), t.PredictionReport),
        (engine.backtest(models="frequency", warmup=1100), t.BacktestReport),
        (engine.simulate(draws=5, trials=5), t.SimulationReport),
        (engine.check(ticket, round=1245), t.CheckResult),
        (engine.check_all(ticket), t.EverWon),
        (engine.popularity(ticket), t.TicketPopularity),
        (engine.sales_distribution(), t.SalesDistribution),
        (engine.wheel([1, 2, 3, 4, 5, 6, 7, 8]), t.Wheel),
        (engine.odds(), t.Odds),
        (engine.tax(10**9), t.TaxAssessment),
        (engine.metrics(), t.MetricsSnapshot),
        (engine.cache_stats(), t.CacheStats),
    ]:
        conforms(value, tp, tp.__name__)
