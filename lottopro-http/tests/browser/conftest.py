"""What the browser tests share: a real `lottopro serve` on a free loopback
port (the debug binary scripts/test has built, LOTTOPRO_BIN) and headless
Chromium driven by Selenium (Debian's chromium and chromedriver)."""

import contextlib
import os
import pathlib
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parents[3]
BIN = pathlib.Path(os.environ.get("LOTTOPRO_BIN", ROOT / "target" / "debug" / "lottopro"))
SHOTS = ROOT / "target" / "browser"
CHROMIUM = pathlib.Path("/usr/bin/chromium")
CHROMEDRIVER = pathlib.Path("/usr/bin/chromedriver")
ADMIN_TOKEN = "admin-token-for-the-browser-test"

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "chromium and chromium-driver are not installed (.ci/run installs them)",
        allow_module_level=True,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(**env_extra):
    """`lottopro serve` on its embedded defaults (the bundled history, a
    SQLite file in a temporary folder, the memory cache); yields its base
    URL and stops it with SIGTERM, which must end it cleanly. The process is
    reachable as `serve.process` while it runs."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            CACHE_WARMING="false",
            RATE_LIMIT_ENABLED="true",
            SYNC_SCHEDULE="false",
            ADMIN_TOKEN=ADMIN_TOKEN,
            MONITOR_INTERVAL="1",
            **env_extra,
        )
        proc = subprocess.Popen(
            [str(BIN), "serve", "--bind", f"127.0.0.1:{port}", "--db", f"{tmp}/lp.db"],
            env=env,
            stderr=subprocess.PIPE,
        )
        serve.process = proc
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        else:
            proc.kill()
            raise RuntimeError("lottopro serve did not start: " + proc.stderr.read().decode())
        try:
            yield base
        finally:
            if proc.poll() is None:
                proc.terminate()
                assert proc.wait(timeout=10) == 0, "SIGTERM ends the service cleanly"


def chrome(width: int, height: int, profile: str | None = None) -> webdriver.Chrome:
    """Headless Chromium at `width` × `height` CSS pixels, keeping the
    console log (for errors) and, with `profile`, its own user data folder."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(arg)
    if width < 600:
        # A phone: its viewport, pixel ratio and touch, as Chromium's
        # device emulation gives them.
        options.add_experimental_option(
            "mobileEmulation",
            {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 3.0, "touch": True}},
        )
    if profile:
        options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
