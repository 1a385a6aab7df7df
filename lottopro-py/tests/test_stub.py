"""The type stub matches the compiled module (mypy's stubtest)."""

import subprocess
import sys


def test_stub_matches_the_module():
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "lottopro._lottopro", "--ignore-missing-stub"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
