"""The player's app in a real headless Chromium: every language at a
phone's size (390 × 844) and a desktop's (1366 × 900) fits the screen, logs
no console error, passes axe-core's accessibility rules with no serious or
critical violation, and answers its main form; the app installs (a valid
manifest, a registered service worker) and still shows the latest draw and
the saved tickets after the service goes away.

axe-core is installed for the tests by scripts/test (npm, into target/axe).
Screenshots of each page go to target/browser/.
"""

import json
import pathlib
import struct
import tempfile
import urllib.request

import pytest
from conftest import ROOT, SHOTS, chrome, serve
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

AXE = ROOT / "target" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SIZES = [(390, 844), (1366, 900)]
LANGUAGES = {"ko": "번호 생성", "en": "Make a prediction", "ja": "番号を作る"}


@pytest.fixture(scope="module")
def server():
    with serve() as base:
        yield base


def axe_violations(driver) -> list:
    """The serious and critical violations axe-core finds in the page."""
    driver.execute_script(AXE.read_text())
    result = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ["violations"]})
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,
             nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))
          .catch(e => done([{id: "axe failed", impact: "critical", nodes: [String(e)]}]));"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width,height", SIZES)
def test_every_language_fits_the_screen_and_passes_axe(server, width, height):
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: scripts/test installs axe-core with npm")
    driver = chrome(width, height)
    driver.set_script_timeout(60)
    try:
        for lang, predict_title in LANGUAGES.items():
            driver.get(f"{server}/?lang={lang}")
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
            # The real history is there on a fresh start.
            assert driver.find_elements(By.ID, "latest"), "no latest draw"
            assert driver.find_elements(By.ID, "no-draws") == []
            assert predict_title in driver.find_element(By.ID, "predict").text
            # Nothing runs off the side.
            overflow = driver.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert overflow[0] <= overflow[1], f"{lang} at {width}: {overflow}"
            violations = axe_violations(driver)
            assert violations == [], f"{lang} at {width}: {json.dumps(violations, ensure_ascii=False)}"
            # The main form answers in place, in the page's language.
            form = driver.find_element(By.ID, "predict-form")
            form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            WebDriverWait(driver, 30).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, "#predict-result ol.tickets li")
            )
            overflow = driver.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert overflow[0] <= overflow[1], f"{lang} at {width} with a result: {overflow}"
            errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            assert errors == [], errors
            SHOTS.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(SHOTS / f"home-{lang}-{width}.png"))
        # The choice of language is remembered without ?lang=.
        driver.get(f"{server}/")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja"
    finally:
        driver.quit()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_app_installs_and_works_offline():
    with tempfile.TemporaryDirectory() as profile, serve() as base:
        # A valid manifest whose icons are the PNGs it names.
        with urllib.request.urlopen(f"{base}/manifest.webmanifest") as r:
            assert r.headers["Content-Type"].startswith("application/manifest+json")
            manifest = json.load(r)
        assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
        assert manifest["name"] and manifest["short_name"]
        sizes = set()
        for icon in manifest["icons"]:
            with urllib.request.urlopen(base + icon["src"]) as r:
                assert r.headers["Content-Type"] == "image/png"
                w, h = png_size(r.read())
            assert icon["sizes"] == f"{w}x{h}"
            sizes.add(w)
        assert {192, 512} <= sizes

        driver = chrome(390, 844, profile)
        driver.set_script_timeout(30)
        try:
            wait = WebDriverWait(driver, 30)
            driver.get(f"{base}/?lang=en")
            # The service worker registers and takes control of the page.
            scope = driver.execute_async_script(
                """const done = arguments[arguments.length - 1];
                navigator.serviceWorker.ready.then(r => done(r.scope)).catch(e => done(String(e)));"""
            )
            assert scope == f"{base}/"
            saved = driver.find_element(By.CSS_SELECTOR, "#saved form")
            saved.find_element(By.NAME, "ticket").send_keys("3 11 17 25 33 41")
            saved.find_element(By.NAME, "label").send_keys("offline")
            saved.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            wait.until(lambda d: "offline" in d.find_element(By.ID, "saved-list").text)
            # This load goes through the worker, which keeps the page.
            driver.get(f"{base}/?lang=en")
            assert driver.execute_script("return navigator.serviceWorker.controller !== null")
            # (The countdown under it moves with the clock.)
            latest = driver.find_element(By.CSS_SELECTOR, "#latest p").text
            # The service goes away; a reload still shows the latest draw
            # and the saved ticket.
            serve.process.terminate()
            serve.process.wait(timeout=10)
            driver.get(f"{base}/?lang=en")
            assert driver.find_element(By.CSS_SELECTOR, "#latest p").text == latest
            assert "offline" in driver.find_element(By.ID, "saved-list").text
            driver.save_screenshot(str(SHOTS / "offline-390.png"))
        finally:
            driver.quit()
