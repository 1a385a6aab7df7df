"""The README's Python example runs as written (so it cannot drift)."""

import os
import pathlib
import re

from conftest import REPO, shared_data


def test_readme_example_runs(monkeypatch):
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README.md has no python example"
    # The example reads ../shared/data relative to the repository root.
    monkeypatch.chdir(REPO)
    assert pathlib.Path("../shared/data/kr_lotto_645.csv").resolve() == shared_data("kr_lotto_645.csv").resolve()
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
