"""The OpenAPI document is a contract the service keeps.

Schemathesis reads `/openapi.json` from the running service and, with every
check it has (`--checks all`), sends requests in all four phases: the
documented examples, coverage of each schema's boundaries, property-based
fuzzing, and stateful sequences that follow the document's links. A request
the document accepts must be served (or meet a missing round, too short a
history, a rate limit), one it refuses must be refused, and every answer
must have a documented status, media type and schema.

The document describes the game the service plays (numbers 1-45, six to a
ticket); `schemathesis/hooks.py` teaches the generator the three string
formats the document names and its one cross-field rule. The admin routes
are left out: they need the admin token and change the service's state.
"""

import os
import re
import subprocess
import sys

from conftest import ROOT

HOOKS = ROOT / "tests" / "schemathesis"
# Short enough for the suite; scripts/contract-test runs more examples.
EXAMPLES = os.environ.get("CONTRACT_EXAMPLES", "20")


def test_the_service_keeps_its_openapi_contract(server):
    base, folder = server
    env = dict(os.environ, PYTHONPATH=str(HOOKS), SCHEMATHESIS_HOOKS="hooks", NO_COLOR="1")
    run = subprocess.run(
        [
            sys.executable, "-m", "schemathesis.cli", "run", f"{base}/openapi.json",
            "--checks", "all",
            "--phases", "examples,coverage,fuzzing,stateful",
            "--max-examples", EXAMPLES,
            "--exclude-path-regex", "^/admin",
            "--request-timeout", "30",
            "--seed", "1",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        # Schemathesis keeps a cache of what it found in its working folder.
        cwd=folder,
    )
    report = run.stdout + run.stderr
    assert run.returncode == 0, report[-6000:]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert re.search(rf"✅ {phase}", report), f"{phase} did not run and pass:\n{report[-3000:]}"
    generated, passed = map(int, re.search(r"(\d+) generated, (\d+) passed", report).groups())
    assert generated == passed > 500, report[-3000:]
