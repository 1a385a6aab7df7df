"""The README's Python example runs as written (so it cannot drift)."""

import re

from conftest import REPO


def test_readme_example_runs(monkeypatch, tmp_path):
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README.md has no python example"
    # The example needs no file: it runs from an empty folder.
    monkeypatch.chdir(tmp_path)
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
