"""The stub lets a type checker catch a misspelt model, strategy, method or
guarantee before the program runs (mypy --strict over small scripts)."""

import textwrap

from mypy import api


def check(code: str) -> tuple[int, str]:
    out, err, status = api.run(["--strict", "--no-incremental", "-c", textwrap.dedent(code)])
    return status, out + err


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


def test_misspelt_arguments_do_not():
    for call in (
        'e.predict(model="mlx")',
        'e.backtest(models=["ml", "mlx"])',
        'e.simulate(strategy="randum")',
        'e.simulate(method="fast")',
        'e.wheel([1, 2, 3], guarantee="3 if 4 please")',
    ):
        status, out = check(f"import lottopro\ne = lottopro.Engine()\n{call}\n")
        assert status == 1 and "incompatible type" in out, (call, out)
