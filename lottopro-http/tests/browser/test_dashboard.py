"""The dashboard in a real headless Chromium (Debian's chromium and
chromedriver, driven by Selenium): load the page, make a prediction through
the form, save a ticket, and check that the charts, tickets and QR codes are
there. A screenshot of the page is saved under target/browser/.

Run by scripts/test with the debug `lottopro` binary it has just built
(LOTTOPRO_BIN), against a real `lottopro serve` on a free loopback port.
"""

import urllib.request

import pytest
from conftest import ADMIN_TOKEN, SHOTS, chrome, serve
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait


@pytest.fixture(scope="module")
def server():
    with serve() as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    driver = chrome(1280, 2400)
    yield driver
    driver.quit()


def test_the_dashboard_predicts_and_saves_in_a_real_browser(server, browser):
    browser.get(f"{server}/stats?lang=en")
    wait = WebDriverWait(browser, 20)

    # The frequency chart is server-rendered SVG: one bar per number.
    chart = browser.find_element(By.ID, "frequency-chart")
    assert chart.tag_name == "svg"
    assert len(chart.find_elements(By.CSS_SELECTOR, "rect.bar")) == 45
    browser.find_element(By.LINK_TEXT, "Predictions").click()
    assert len(browser.find_elements(By.CSS_SELECTOR, "#models tbody tr")) == 7

    # A prediction through the form, answered without a page load.
    form = browser.find_element(By.ID, "predict-form")
    Select(form.find_element(By.NAME, "model")).select_by_value("trend")
    count = form.find_element(By.NAME, "count")
    count.clear()
    count.send_keys("3")
    form.find_element(By.NAME, "include").send_keys("7 13")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    tickets = wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#predict-result ol.tickets > li") or False
    )
    assert len(tickets) == 3
    for t in tickets:
        numbers = [int(b.text) for b in t.find_elements(By.CSS_SELECTOR, ":scope > .balls .ball")]
        assert len(numbers) == 6 and 7 in numbers and 13 in numbers
        # Why: one line per number the model chose, and the two included.
        t.find_element(By.TAG_NAME, "summary").click()
        why = t.find_elements(By.CSS_SELECTOR, "ul.why li")
        assert len(why) == 5 and "included by you" in why[-1].text
    assert "mean matches" in browser.find_element(By.ID, "predict-result").text

    # Save a ticket: it comes back with its QR code, which loads as an image.
    browser.find_element(By.LINK_TEXT, "My tickets").click()
    saved = browser.find_element(By.CSS_SELECTOR, "#saved form")
    saved.find_element(By.NAME, "ticket").send_keys("3 11 17 25 33 41")
    saved.find_element(By.NAME, "label").send_keys("birthday")
    saved.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    qr = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#saved-list img.qr")))
    wait.until(lambda d: d.execute_script("return arguments[0].naturalWidth", qr) > 0)
    assert "birthday" in browser.find_element(By.ID, "saved-list").text

    # A reload keeps the saved ticket: the cookie carries the client token;
    # the prediction made above is in the history, waiting for its draw.
    browser.get(f"{server}/tickets?lang=en")
    assert "birthday" in browser.find_element(By.ID, "saved-list").text
    assert "Trend" in browser.find_element(By.ID, "history").text

    # The simulator draws its outcome chart.
    browser.find_element(By.LINK_TEXT, "Tools").click()
    sim = browser.find_element(By.CSS_SELECTOR, "#simulate form")
    trials = sim.find_element(By.NAME, "trials")
    trials.clear()
    trials.send_keys("200")
    sim.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.ID, "simulation-chart")))

    # No console errors (a CSP violation would be one).
    if hasattr(browser, "get_log"):
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == [], errors

    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "dashboard.png"))
    assert (SHOTS / "dashboard.png").stat().st_size > 10_000


def test_the_page_switches_to_korean(server, browser):
    # (Korean as the default without ?lang is the Rust test
    # the_language_follows_the_query_then_the_browser: this browser sends
    # an English Accept-Language.)
    browser.get(server + "/stats?lang=ko")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ko"
    assert "번호별 출현 횟수" in browser.find_element(By.ID, "frequency").text
    browser.find_element(By.LINK_TEXT, "English").click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    # The same page, in the language chosen, which the links keep.
    assert browser.find_elements(By.ID, "frequency")
    browser.find_element(By.LINK_TEXT, "Home").click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"


def test_the_monitoring_page_takes_the_token_and_updates(server, browser):
    wait = WebDriverWait(browser, 20)
    browser.get(f"{server}/admin/monitoring")
    # Without the right token there are no figures.
    browser.find_element(By.ID, "token").send_keys("not-the-token")
    browser.find_element(By.CSS_SELECTOR, "#token-form button").click()
    wait.until(lambda d: "not accepted" in d.find_element(By.ID, "monitoring-status").text)
    assert browser.find_elements(By.ID, "requests-chart") == []

    browser.find_element(By.ID, "token").send_keys(ADMIN_TOKEN)
    browser.find_element(By.CSS_SELECTOR, "#token-form button").click()
    for chart in ("requests-chart", "latency-chart", "cpu-chart", "memory-chart"):
        element = wait.until(ec.presence_of_element_located((By.ID, chart)))
        assert element.tag_name == "svg"

    def requests_shown(d):
        return int(d.find_element(By.ID, "m-requests").text)

    before = requests_shown(browser)
    for _ in range(25):
        urllib.request.urlopen(f"{server}/api/health", timeout=5).read()
    # The page polls every 2 s: the count grows without a reload.
    wait.until(lambda d: requests_shown(d) >= before + 25)
    # The system readings arrive within a sampling interval.
    wait.until(lambda d: "%" in d.find_element(By.ID, "m-system").text)
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "monitoring.png"))


def test_a_cross_site_form_changes_nothing(server, browser):
    """A page on another site that auto-submits a form to the dashboard's
    save route: the browser sends it without the visitor's cookie
    (SameSite=Strict), the service refuses it (403, Sec-Fetch-Site:
    cross-site) and issues no cookie, so the visitor keeps their token and
    their tickets."""
    import http.server
    import threading

    wait = WebDriverWait(browser, 20)
    browser.get(f"{server}/tickets?lang=en")
    saved = browser.find_element(By.CSS_SELECTOR, "#saved form")
    saved.find_element(By.NAME, "ticket").send_keys("5 10 15 20 25 30")
    saved.find_element(By.NAME, "label").send_keys("mine")
    saved.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda d: "mine" in d.find_element(By.ID, "saved-list").text)
    token = browser.get_cookie("lottopro_token")["value"]

    page = f"""<!doctype html><form id=f method=post action="{server}/ui/saved">
<input name=ticket value="1 2 3 4 5 6"><input name=label value="planted"></form>
<script>document.getElementById('f').submit()</script>""".encode()

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    evil = http.server.HTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        # `localhost` is another site than `127.0.0.1` to the browser.
        browser.get(f"http://localhost:{evil.server_address[1]}/")
        wait.until(lambda d: d.current_url.startswith(f"{server}/ui/saved"))
        assert "Cross-site request" in browser.page_source
    finally:
        evil.shutdown()

    browser.get(f"{server}/tickets?lang=en")
    assert browser.get_cookie("lottopro_token")["value"] == token
    listed = browser.find_element(By.ID, "saved-list").text
    assert "mine" in listed and "planted" not in listed
