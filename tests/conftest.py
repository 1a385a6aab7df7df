"""The service under test, shared by the tests in this folder: the binary
(`LOTTOPRO_BIN`, else the debug build) serving the bundled history from a
fresh database on a free loopback port, without rate limits, background
sync or cache warming."""

import os
import pathlib
import socket
import subprocess
import tempfile
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(os.environ.get("LOTTOPRO_BIN", ROOT / "target" / "debug" / "lottopro"))



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    if not BIN.exists():
        pytest.fail(f"{BIN} is missing: build it with `cargo build -p lottopro-http` (or set LOTTOPRO_BIN)")
    folder = tempfile.mkdtemp()
    port = free_port()
    env = dict(os.environ, CACHE_WARMING="false", SYNC_SCHEDULE="false", RATE_LIMIT_ENABLED="false")
    proc = subprocess.Popen(
        [str(BIN), "serve", "--bind", f"127.0.0.1:{port}", "--db", f"{folder}/lp.db"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(400):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", folder
    proc.kill()
    proc.wait()
