"""The player's app in a real headless Chromium: every page, in every
language, at a phone's size (390 × 844) and a desktop's (1366 × 900) fits
the screen, logs no console error, passes axe-core's accessibility rules
with no serious or critical violation, and answers its main form; a ticket
QR photo uploaded on My tickets gives the right ranks; a second browser
profile linked by a one-time code sees the first one's tickets, and the
code does not work twice; the app installs (a valid manifest, a registered
service worker) and still shows the latest draw and the saved tickets after
the service goes away.

axe-core is installed for the tests by scripts/test (npm, into target/axe).
Screenshots of every page go to target/browser/ (page-lang-width.png).
"""

import json
import struct
import tempfile
import urllib.error
import urllib.request

import pytest
from conftest import ADMIN_TOKEN, ROOT, SHOTS, chrome, serve
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

AXE = ROOT / "target" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SIZES = [(390, 844), (1366, 900)]
LANGUAGES = ["ko", "en", "ja"]


def fill(form, name, text):
    field = form.find_element(By.NAME, name)
    field.clear()
    field.send_keys(text)


def pick_window(form):
    Select(form.find_element(By.NAME, "last")).select_by_value("100")


# Every page: its main form, how to fill it, and what its answer looks like.
PAGES = {
    "home": ("/", "#check form", lambda f: fill(f, "ticket", "4 5 25 28 32 12"), "#check-result .check"),
    "stats": ("/stats", "#window-form", pick_window, "#window option[value='100'][selected]"),
    "predict": ("/predict", "#predict-form", lambda f: None, "#predict-result ol.tickets li"),
    "share": ("/share", "#popularity-form", lambda f: fill(f, "ticket", "1 2 3 4 5 6"), "#popularity-result .popularity"),
    "wheels": ("/wheels", "#wheel-form", lambda f: fill(f, "numbers", "1 5 9 14 22 27 31 38 42 45"), "#wheel-result .wheel"),
    "tickets": ("/tickets", "#saved-form", lambda f: fill(f, "ticket", "3 11 17 25 33 41"), "#saved-list ul.saved li"),
    "draws": ("/draws", "#draw-form", lambda f: None, "#draw-result .draw"),
    "tools": ("/tools", "#tax-form", lambda f: fill(f, "amount", "1,000,000,000"), "#tax-result table.tax"),
}


@pytest.fixture(scope="module")
def server():
    # Both sizes drive every form: more predictions than the default hourly
    # allowance of one client.
    with serve(RATE_LIMIT_PREDICT="1000/hour", RATE_LIMIT_SAVE_NUMBERS="1000/hour") as base:
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


def no_overflow(driver, what):
    width = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{what}: {width}"


@pytest.mark.parametrize("width,height", SIZES)
def test_every_page_fits_passes_axe_and_answers_its_form(server, width, height):
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: scripts/test installs axe-core with npm")
    driver = chrome(width, height)
    driver.set_script_timeout(60)
    wait = WebDriverWait(driver, 60)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        for lang in LANGUAGES:
            for name, (path, form_css, fill_form, answer) in PAGES.items():
                what = f"{name} {lang} at {width}"
                driver.get(f"{server}{path}?lang={lang}")
                assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
                # The real history is there on a fresh start.
                assert driver.find_elements(By.ID, "no-draws") == [], what
                current = driver.find_element(By.CSS_SELECTOR, "nav.pages [aria-current=page]")
                assert current.get_attribute("href").endswith(path), what
                no_overflow(driver, what)
                violations = axe_violations(driver)
                assert violations == [], f"{what}: {json.dumps(violations, ensure_ascii=False)}"
                driver.save_screenshot(str(SHOTS / f"{name}-{lang}-{width}.png"))
                # The main form answers, in the page's language.
                form = driver.find_element(By.CSS_SELECTOR, form_css)
                fill_form(form)
                form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
                wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, answer), what)
                assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
                assert driver.find_elements(By.CSS_SELECTOR, "p.error") == [], what
                no_overflow(driver, f"{what} with its answer")
                errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
                assert errors == [], f"{what}: {errors}"
        # The choice of language is remembered without ?lang=.
        driver.get(f"{server}/")
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja"
    finally:
        driver.quit()


@pytest.mark.parametrize("width,height", SIZES)
def test_the_monitoring_page_fits_and_passes_axe(server, width, height):
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing: scripts/test installs axe-core with npm")
    driver = chrome(width, height)
    driver.set_script_timeout(60)
    wait = WebDriverWait(driver, 30)
    try:
        for lang in LANGUAGES:
            what = f"monitoring {lang} at {width}"
            driver.get(f"{server}/admin/monitoring?lang={lang}")
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
            driver.execute_script("sessionStorage.clear()")
            driver.find_element(By.ID, "token").send_keys(ADMIN_TOKEN)
            driver.find_element(By.CSS_SELECTOR, "#token-form button").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#routes tbody tr"), what)
            wait.until(lambda d: d.find_elements(By.ID, "memory-chart"), what)
            no_overflow(driver, what)
            violations = axe_violations(driver)
            assert violations == [], f"{what}: {json.dumps(violations, ensure_ascii=False)}"
            errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            assert errors == [], f"{what}: {errors}"
            driver.save_screenshot(str(SHOTS / f"monitoring-{lang}-{width}.png"))
    finally:
        driver.quit()


def test_a_qr_photo_gives_the_right_ranks(server, tmp_path):
    # The QR code LottoPro prints of two games for round 1245: one won the
    # 2nd prize (4 5 25 28 32 + bonus 12), one nothing.
    url = f"{server}/api/qr?numbers=4+5+25+28+32+12%3B1+2+3+7+9+10&round=1245&format=png"
    photo = tmp_path / "ticket.png"
    with urllib.request.urlopen(url) as r:
        photo.write_bytes(r.read())
    driver = chrome(390, 844)
    try:
        driver.get(f"{server}/tickets?lang=en")
        form = driver.find_element(By.ID, "qr-form")
        form.find_element(By.NAME, "photo").send_keys(str(photo))
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        games = WebDriverWait(driver, 30).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#qr-result .slip-games li")
        )
        assert "Round 1245" in driver.find_element(By.ID, "qr-result").text
        assert len(games) == 2
        assert "Rank 2 · 5 matched · bonus matched · paid ₩55,064,392" in games[0].text
        assert "No prize" in games[1].text
        # Both games are now My tickets for round 1245, listed in place.
        WebDriverWait(driver, 30).until(
            lambda d: len(d.find_elements(By.CSS_SELECTOR, "#round-1245 .ticket")) == 2
        )
        driver.get(f"{server}/tickets?lang=en")
        listed = driver.find_element(By.ID, "saved-list").text
        assert listed.count("Round 1245") == 1 and "Rank 2" in listed
        driver.save_screenshot(str(SHOTS / "qr-photo-390.png"))
    finally:
        driver.quit()


def test_a_second_profile_links_by_a_one_time_code(server):
    with tempfile.TemporaryDirectory() as a_dir, tempfile.TemporaryDirectory() as b_dir:
        first, second = chrome(390, 844, a_dir), chrome(390, 844, b_dir)
        try:
            wait = WebDriverWait(first, 30)
            first.get(f"{server}/tickets?lang=en")
            saved = first.find_element(By.ID, "saved-form")
            fill(saved, "ticket", "8 16 23 30 37 44")
            fill(saved, "label", "from-the-phone")
            saved.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            wait.until(lambda d: "from-the-phone" in d.find_element(By.ID, "saved-list").text)
            first.find_element(By.CSS_SELECTOR, "#link-form button").click()
            code = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#link-result .code strong"))[0].text
            assert len(code) == 9 and code[4] == "-", code
            # The code's QR holds the address that redeems it.
            assert first.find_elements(By.CSS_SELECTOR, "#link-result svg")

            # The second profile opens that address, as a scan would.
            second.get(f"{server}/tickets?lang=en&code={code.replace('-', '')}")
            assert "from-the-phone" not in second.find_element(By.ID, "saved-list").text
            second.find_element(By.CSS_SELECTOR, "#redeem-form button").click()
            WebDriverWait(second, 30).until(
                lambda d: "from-the-phone" in d.find_element(By.ID, "saved-list").text
            )
            second.get(f"{server}/tickets?lang=en")
            assert "from-the-phone" in second.find_element(By.ID, "saved-list").text

            # The code does not work twice (here: a third, fresh profile).
            third = chrome(390, 844)
            try:
                third.get(f"{server}/tickets?lang=en")
                fill(third.find_element(By.ID, "redeem-form"), "code", code)
                third.find_element(By.CSS_SELECTOR, "#redeem-form button").click()
                error = WebDriverWait(third, 30).until(
                    lambda d: d.find_elements(By.CSS_SELECTOR, "#redeem-form .form-error .error")
                )
                assert "already used" in error[0].text
                assert "from-the-phone" not in third.find_element(By.ID, "saved-list").text
            finally:
                third.quit()
            errors = [e for e in second.get_log("browser") if e["level"] == "SEVERE"]
            assert errors == [], errors
        finally:
            first.quit()
            second.quit()


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
            # This load goes through the worker, which keeps the page.
            driver.get(f"{base}/?lang=en")
            assert driver.execute_script("return navigator.serviceWorker.controller !== null")
            latest = driver.find_element(By.CSS_SELECTOR, "#latest p").text
            driver.get(f"{base}/tickets?lang=en")
            saved = driver.find_element(By.ID, "saved-form")
            fill(saved, "ticket", "3 11 17 25 33 41")
            fill(saved, "label", "offline")
            saved.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            wait.until(lambda d: "offline" in d.find_element(By.ID, "saved-list").text)
            driver.get(f"{base}/tickets?lang=en")
            # The service goes away; a reload still shows the latest draw
            # and the saved ticket.
            serve.process.terminate()
            serve.process.wait(timeout=10)
            driver.get(f"{base}/?lang=en")
            assert driver.find_element(By.CSS_SELECTOR, "#latest p").text == latest
            driver.get(f"{base}/tickets?lang=en")
            assert "offline" in driver.find_element(By.ID, "saved-list").text
            driver.save_screenshot(str(SHOTS / "offline-390.png"))
        finally:
            driver.quit()


def test_a_shared_device_shows_no_last_players_tickets_offline():
    """The worker keeps pages for offline reading by owner: once the token is
    gone (cleared on a shared device), the next page drops the last player's
    copies, and offline nothing of theirs is shown."""
    with tempfile.TemporaryDirectory() as profile, serve() as base:
        driver = chrome(390, 844, profile)
        driver.set_script_timeout(30)
        try:
            wait = WebDriverWait(driver, 30)
            driver.get(f"{base}/?lang=en")
            driver.execute_async_script(
                """const done = arguments[arguments.length - 1];
                navigator.serviceWorker.ready.then(() => done(true)).catch(() => done(false));"""
            )
            driver.get(f"{base}/tickets?lang=en")
            assert driver.execute_script("return navigator.serviceWorker.controller !== null")
            saved = driver.find_element(By.ID, "saved-form")
            fill(saved, "ticket", "3 11 17 25 33 41")
            fill(saved, "label", "first-players-ticket")
            saved.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            wait.until(lambda d: "first-players-ticket" in d.find_element(By.ID, "saved-list").text)
            # Kept by the worker under the first player's tag.
            driver.get(f"{base}/tickets?lang=en")
            assert "first-players-ticket" in driver.find_element(By.ID, "saved-list").text
            # The first player clears the token; the next player opens the app.
            driver.delete_all_cookies()
            driver.get(f"{base}/?lang=en")
            serve.process.terminate()
            serve.process.wait(timeout=10)
            driver.get(f"{base}/tickets?lang=en")
            assert "first-players-ticket" not in driver.page_source
        finally:
            driver.quit()


def test_the_api_explorer_renders_and_sends_requests_here():
    with serve(API_DOCS="true") as base:
        driver = chrome(1366, 900)
        try:
            driver.get(f"{base}/docs")
            wait = WebDriverWait(driver, 30)
            ops = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "details.operation"))
            with urllib.request.urlopen(f"{base}/openapi.json") as r:
                doc = json.load(r)
            count = sum(
                1 for item in doc["paths"].values() for m in item if m in ("get", "post", "put", "delete", "patch")
            )
            assert len(ops) == count
            health = next(o for o in ops if "GET /api/health" in o.text)
            health.find_element(By.TAG_NAME, "summary").click()
            health.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            wait.until(lambda d: health.find_element(By.CSS_SELECTOR, "pre.answer").text.startswith("200"))
            tax = next(o for o in ops if "POST /api/tax" in o.text)
            tax.find_element(By.TAG_NAME, "summary").click()
            body = tax.find_element(By.NAME, "body")
            body.clear()
            body.send_keys('{"amount": 1000000000}')
            tax.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
            wait.until(lambda d: "296999670" in tax.find_element(By.CSS_SELECTOR, "pre.answer").text)
            # Nothing came from elsewhere, and nothing failed.
            urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
            assert urls and all(u.startswith(base) for u in urls), urls
            errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            assert errors == [], errors
            driver.save_screenshot(str(SHOTS / "docs-1366.png"))
        finally:
            driver.quit()
    # Off unless asked for (or DEBUG).
    with serve() as base:
        try:
            urllib.request.urlopen(f"{base}/docs")
            raise AssertionError("/docs is served without API_DOCS")
        except urllib.error.HTTPError as e:
            assert e.code == 404
