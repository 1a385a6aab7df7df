"""The stub lets a type checker catch a misspelt model, strategy, method or
guarantee before the program runs (mypy --strict over small scripts)."""

import textwrap

from mypy import api


def check(code: str) -> tuple[int, str]:
    out, err, status = api.run(["--strict", "--no-incremental", "-c", textwrap.dedent(code)])
    return status, out + err


def assert_every_line_fails(lines: list[str], error: str) -> None:
    """One mypy run over `lines` (one statement each): every line is an error."""
    code = "import lottopro\ne = lottopro.Engine()\n" + "".join(f"print({line})\n" for line in lines)
    status, out = check(code)
    assert status == 1, out
    for number, line in enumerate(lines, start=3):
        assert any(f":{number}: error:" in o and error in o for o in out.splitlines()), (line, out)


def test_correct_calls_type_check():
    status, out = check(
        """
        import lottopro
        e = lottopro.Engine()
        e.predict(model="anti-popular", count=2, seed=1)
        e.backtest(models=["ml", "random"])
        e.simulate(strategy="fixed", tickets=[lottopro.Ticket([1, 2, 3, 4, 5, 6])], method="per-ticket")
        e.wheel([1, 2, 3, 4, 5, 6, 7, 8], guarantee="3if4")
        """
    )
    assert status == 0, out


def test_misspelt_result_keys_do_not():
    status, out = check(
        """
        import lottopro
        e = lottopro.Engine()
        print(e.stats()["hot"], e.predict()["target_round"], e.popularity("1 2 3 4 5 6")["expected_co_winners"][1])
        print(e.backtest()["models"][0]["p_holm"], e.simulate()["mean_net"], e.wheel([1, 2, 3, 4, 5, 6, 7])["verified"])
        """
    )
    assert status == 0, out
    misspelt = [
        'e.stats()["frequencys"]',
        'e.predict()["target_rounds"]',
        'e.backtest()["models"][0]["p_holms"]',
        'e.simulate()["mean_nett"]',
        'e.check("1 2 3 4 5 6", round=1)["prize_each"]',
        'lottopro.tax(1000)["taxes"]',
    ]
    assert_every_line_fails(misspelt, "has no key")


def test_the_typed_dicts_are_what_the_core_schemas_give():
    import pathlib
    import subprocess
    import sys

    script = pathlib.Path(__file__).resolve().parents[1] / "gen_types.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_misspelt_arguments_do_not():
    calls = [
        'e.predict(model="mlx")',
        'e.backtest(models=["ml", "mlx"])',
        'e.simulate(strategy="randum")',
        'e.simulate(method="fast")',
        'e.wheel([1, 2, 3], guarantee="3 if 4 please")',
    ]
    assert_every_line_fails(calls, "incompatible type")
