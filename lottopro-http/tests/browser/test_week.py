"""A player's week, end to end, in headless Chromium at a phone's size
(390 × 844), in Korean: the slip just bought is photographed for the coming
draw (five games waiting, A–E with 자동/수동/반자동 and the total); the same
photo again adds nothing; two games are entered on the ball grid; a second
profile with a ticket of its own links and both lists merge; the player
subscribes to notifications; the draw
arrives through a sync stand-in (a local server replaying the results
mirror's protocol with made-up draws) and every waiting ticket is checked and one Web Push message reaches
the push-service stand-in of test_push.py, which checks its VAPID signature
and decrypts it with the subscription's keys; the service worker shows it;
the winning game says where to claim and the days left; a ticket is deleted
and the undo brings it back; the list is exported and imported back with no
duplicate. Then every bad input of the forms is answered in Korean,
Japanese and English next to its field, with the rest of the page as it
was. Screenshots of the week go to target/browser/week-*.png.
"""

import http.server
import json
import re
import tempfile
import threading
import urllib.request

import time

import pytest
from conftest import ADMIN_TOKEN, SHOTS, chrome, free_port, serve
from test_push import PUSH_ENV, PushService, call, unb64u
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

segno = pytest.importorskip("segno", reason="segno makes the ticket's QR code (scripts/test installs it)")

LATEST = 1245
LATEST_DATE = (2026, 10, 10)
# The slip as the lottery prints it: five games, quick picks, one manual,
# one semi-automatic, and its serial.
GAMES = "q071524404245q151718273144m111215232740q031114212226s232830404244"
SERIAL = "1785483554"


def official_qr(round_: int) -> str:
    return f"https://m.dhlottery.co.kr/qr.do?method=winQr&v={round_:04d}{GAMES}{SERIAL}"


def draw_date(round_: int) -> str:
    import datetime

    d = datetime.date(*LATEST_DATE) + datetime.timedelta(days=7 * (round_ - LATEST))
    return d.isoformat()


class Mirror(http.server.BaseHTTPRequestHandler):
    """The results mirror's protocol (`/results/{round}.json`) with made-up
    draws after the bundled history; the official endpoints are answered
    404, so the service fails over to it as it does when they are down.
    The last round's draw makes game A of the slip (7 15 24 40 42 45) a 5th
    prize: three matches."""

    last = 0

    def do_GET(self):
        m = re.fullmatch(r"/results/(\d+)\.json", self.path)
        round_ = int(m.group(1)) if m else 0
        if not (LATEST < round_ <= Mirror.last):
            self.send_response(404)
            self.end_headers()
            return
        numbers = [7, 15, 24, 1, 2, 3] if round_ == Mirror.last else [1, 2, 3, 4, 5, 6 + round_ % 30]
        body = {
            "draw_no": round_,
            "numbers": sorted(numbers),
            "bonus_no": 44 if round_ == Mirror.last else 43,
            "date": f"{draw_date(round_)}T00:00:00Z",
            "divisions": [
                {"prize": 2_000_000_000, "winners": 10},
                {"prize": 60_000_000, "winners": 60},
                {"prize": 1_500_000, "winners": 2_500},
                {"prize": 50_000, "winners": 120_000},
                {"prize": 5_000, "winners": 2_000_000},
            ],
            "total_sales_amount": 115_000_000_000,
            "winners_combination": {},
        }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def mirror():
    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Mirror)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture(scope="module")
def push():
    service = PushService()
    yield service
    service.close()


@pytest.fixture(scope="module")
def server(mirror, push):
    with serve(
        RATE_LIMIT_PREDICT="1000/hour",
        RATE_LIMIT_SAVE_NUMBERS="1000/hour",
        LOTTOPRO_API_BASE=mirror,
        LOTTOPRO_LEGACY_BASE=mirror,
        LOTTOPRO_MIRROR_BASE=mirror,
        **PUSH_ENV,
    ) as base:
        status, answer = call(f"{base}/api/push/key")
        assert status == 200, answer
        push.vapid_key = unb64u(answer["key"])
        yield base


def wait(driver, seconds=30):
    return WebDriverWait(driver, seconds)


def tickets(driver) -> int:
    return len(driver.find_elements(By.CSS_SELECTOR, "#saved-list .ticket"))


def submit(driver, form_id):
    driver.find_element(By.CSS_SELECTOR, f"#{form_id} button[type=submit]").click()


def fetch_in(driver, path) -> str:
    """GETs `path` from the page, with its cookies, as the browser would."""
    return driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        fetch(arguments[0], {credentials: "same-origin"}).then(r => r.text()).then(done);""",
        path,
    )


def shown_by_the_worker(driver, base, notice) -> list:
    """Hands `notice` to the page's service worker as a push message (the
    DevTools protocol stands in for the browser vendor's push service) and
    answers the notifications it shows."""
    driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": base, "permissions": ["notifications"]})
    wait(driver, 10).until(
        lambda d: d.execute_async_script(
            "const done = arguments[0];"
            "navigator.serviceWorker.ready.then(r => done(r.active.state === 'activated'))"
            ".catch(e => done(false));"
        )
    )
    driver.execute_cdp_cmd("ServiceWorker.enable", {})

    def shown(d):
        d.execute_cdp_cmd(
            "ServiceWorker.deliverPushMessage",
            {"origin": base, "registrationId": "0", "data": json.dumps(notice)},
        )
        time.sleep(0.5)
        return d.execute_async_script(
            "const done = arguments[0];"
            "navigator.serviceWorker.ready.then(r => r.getNotifications())"
            ".then(ns => done(ns.map(n => [n.title, n.body])))"
            ".catch(e => done([]));"
        )

    return wait(driver, 15).until(shown)


def test_a_players_week_in_korean(server, mirror, push, tmp_path):
    from test_app import axe_violations

    SHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as a_dir, tempfile.TemporaryDirectory() as b_dir:
        phone, other = chrome(390, 844, a_dir), chrome(390, 844, b_dir)
        try:
            phone.get(f"{server}/tickets?lang=ko")
            # The freshness notice: the bundled draws end at 1245.
            assert "당첨 결과가 최신이 아닙니다" in phone.find_element(By.CSS_SELECTOR, ".stale").text
            stale = json.load(urllib.request.urlopen(f"{server}/api/health"))["stale"]
            assert stale["missing_from"] == LATEST + 1 and stale["rounds_missing"] >= 1, stale
            upcoming = int(phone.find_element(By.CSS_SELECTOR, "#saved-form [name=round]").get_attribute("value"))
            assert upcoming > LATEST

            # 1. The slip just bought, photographed: five games waiting.
            photo = tmp_path / "slip.png"
            segno.make(official_qr(upcoming), error="m").save(str(photo), scale=6, border=4)
            qr = phone.find_element(By.ID, "qr-form")
            qr.find_element(By.NAME, "photo").send_keys(str(photo))
            submit(phone, "qr-form")
            games = wait(phone).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#qr-result .slip-games li"))
            result = phone.find_element(By.ID, "qr-result").text
            assert len(games) == 5
            assert [g.find_element(By.CSS_SELECTOR, ".letter").text for g in games] == list("ABCDE")
            assert [g.find_element(By.CSS_SELECTOR, ".choice").text for g in games] == [
                "자동", "자동", "수동", "자동", "반자동",
            ]
            assert f"제{upcoming}회" in result and "추첨 대기 중" in result, result
            assert "5게임 · 합계 5,000원" in result, result
            assert "내 티켓에 저장했습니다" in result
            wait(phone).until(lambda d: tickets(d) == 5)
            # The form is cleared for the next slip.
            assert phone.find_element(By.CSS_SELECTOR, "#qr-form [name=photo]").get_attribute("value") == ""
            phone.execute_script("document.getElementById('qr-result').scrollIntoView()")
            phone.save_screenshot(str(SHOTS / "week-1-slip-390.png"))

            # 2. The same photo again: already saved, nothing added.
            qr.find_element(By.NAME, "photo").send_keys(str(photo))
            submit(phone, "qr-form")
            wait(phone).until(lambda d: "이미 저장된 티켓입니다" in d.find_element(By.ID, "qr-result").text)
            assert tickets(phone) == 5

            # 3. Two games on the ball grid: six balls for A, Auto for B.
            grid = phone.find_element(By.CSS_SELECTOR, "[data-grid]")
            assert grid.is_displayed()
            for n in (3, 9, 17, 28, 36, 41):
                grid.find_element(By.CSS_SELECTOR, f"[data-n='{n}']").click()
            grid.find_element(By.CSS_SELECTOR, "[data-auto]").click()
            text = phone.find_element(By.CSS_SELECTOR, "#saved-form [name=ticket]").get_attribute("value")
            lines = text.split("\n")
            assert lines[0] == "3 9 17 28 36 41" and len(lines[1].split()) == 6, text
            phone.save_screenshot(str(SHOTS / "week-2-grid-390.png"))
            submit(phone, "saved-form")
            wait(phone).until(lambda d: tickets(d) == 7)
            assert phone.find_element(By.CSS_SELECTOR, "#saved-form [name=ticket]").get_attribute("value") == ""

            # 4. A second profile with a ticket of its own links: both merge.
            other.get(f"{server}/tickets?lang=ko")
            own = other.find_element(By.CSS_SELECTOR, "#saved-form [name=ticket]")
            own.send_keys("8 16 23 30 37 44")
            submit(other, "saved-form")
            wait(other).until(lambda d: tickets(d) == 1)
            phone.find_element(By.CSS_SELECTOR, "#link-form button").click()
            code = wait(phone).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#link-result .code strong"))[0].text
            other.get(f"{server}/tickets?lang=ko&code={code.replace('-', '')}")
            confirm = other.find_element(By.ID, "link").text
            assert "1장은 다른 기기의 티켓과 합쳐집니다" in confirm, confirm
            other.execute_script("document.getElementById('link').scrollIntoView()")
            other.save_screenshot(str(SHOTS / "week-3-link-390.png"))
            submit(other, "redeem-form")
            wait(other).until(lambda d: "두 기기의 티켓을 합쳤습니다" in d.find_element(By.ID, "saved-list").text)
            assert tickets(other) == 8
            phone.get(f"{server}/tickets?lang=ko")
            assert tickets(phone) == 8

            # 5. Notifications: the phone's subscription (made through the
            # API with the phone's token: headless Chromium has no vendor
            # push service to subscribe at), its keys held by the stand-in.
            token = phone.get_cookie("lottopro_token")["value"]
            status, answer = call(
                f"{server}/api/push/subscribe", push.subscription("ok", "phone"), {"x-client-token": token}
            )
            assert status == 201, answer

            # 6. The draw arrives through the sync stand-in.
            Mirror.last = upcoming
            req = urllib.request.Request(
                f"{server}/admin/sync", method="POST", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
            )
            with urllib.request.urlopen(req, timeout=60) as r:
                report = json.load(r)
            assert report["latest_round"] == upcoming, report
            phone.get(f"{server}/tickets?lang=ko")
            group = phone.find_element(By.ID, f"round-{upcoming}")
            rows = group.find_elements(By.CSS_SELECTOR, ".ticket")
            assert len(rows) == 8
            states = [r.find_element(By.CSS_SELECTOR, ".state").text for r in rows]
            assert all("개 일치" in s for s in states), states
            winner = next(r for r in rows if "5등" in r.text)
            assert "3개 일치" in winner.text
            assert len(winner.find_elements(By.CSS_SELECTOR, ".ball.hit")) == 3
            claim = winner.find_element(By.CSS_SELECTOR, ".claim").text
            assert "복권 판매점 또는 NH농협은행 지점에서 수령" in claim, claim
            assert re.search(r"지급 기한 .+ \(D-3\d\d\)", claim), claim
            assert "당첨 결과가 최신이 아닙니다" not in phone.find_element(By.TAG_NAME, "header").text
            health = json.load(urllib.request.urlopen(f"{server}/api/health"))
            assert health["stale"] is None and health["last_sync"], health
            phone.execute_script("arguments[0].scrollIntoView()", winner)
            phone.save_screenshot(str(SHOTS / "week-4-drawn-390.png"))
            # One message for the owner of all eight tickets, signed and
            # decrypted by the stand-in, with each game's rank or loss and
            # matched count.
            for _ in range(100):
                if push.received:
                    break
                time.sleep(0.1)
            assert len(push.received) == 1, (push.received, push.refused)
            notice = push.received[0]["notice"]
            assert notice["title"] == f"제{upcoming}회 결과: 5등 당첨", notice
            assert "A 5등 (3개 일치)" in notice["body"] and "낙첨 (" in notice["body"], notice
            assert notice["url"] == f"/tickets#round-{upcoming}"
            assert shown_by_the_worker(phone, server, notice) == [[notice["title"], notice["body"]]]

            # 7. Delete with undo.
            rows[-1].find_element(By.CSS_SELECTOR, "form[action^='/ui/saved/delete'] button").click()
            undo = wait(phone).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#saved-list .undo"))[0]
            assert "티켓을 삭제했습니다" in undo.text and tickets(phone) == 7
            undo.find_element(By.TAG_NAME, "button").click()
            wait(phone).until(lambda d: tickets(d) == 8)

            # 8. Export, then import the export back: nothing doubled.
            exported = fetch_in(phone, "/ui/saved/export?format=json")
            rows_out = json.loads(exported)
            assert len(rows_out) == 8 and {r["letter"] for r in rows_out} >= set("ABCDE")
            csv_text = fetch_in(phone, "/ui/saved/export?format=csv")
            assert csv_text.splitlines()[0] == "round,letter,choice,numbers,label,slip,claimed"
            for name, body in (("tickets.json", exported), ("tickets.csv", csv_text)):
                path = tmp_path / name
                path.write_text(body)
                phone.find_element(By.CSS_SELECTOR, "#import-form [name=file]").send_keys(str(path))
                submit(phone, "import-form")
                wait(phone).until(lambda d: "가져왔습니다 0 · 이미 저장된 티켓입니다 8" in d.find_element(By.ID, "saved-list").text)
                assert tickets(phone) == 8
            phone.save_screenshot(str(SHOTS / "week-5-after-390.png"))

            assert axe_violations(phone) == []
            errors = [e for e in phone.get_log("browser") if e["level"] == "SEVERE"]
            assert errors == [], errors
        finally:
            phone.quit()
            other.quit()


# Every bad input of the week's forms, and what each language says next to
# the field: (form, field, value, ko, en, ja).
BAD = [
    ("saved-form", "ticket", "1 2 3 4 5 6 7", "번호를 6개 골라 주세요 (지금 7개)", "pick 6 numbers (7 given)", "数字を6個選んでください(現在7個)"),
    ("saved-form", "ticket", "1 2 3 4 5 46", "46은(는) 1부터 45 사이의 숫자가 아닙니다", "46 is not between 1 and 45", "46は1から45の範囲外です"),
    ("saved-form", "ticket", "1 2 a 4 5 6", "'a'은(는) 숫자가 아닙니다", "'a' is not a number", "「a」は数字ではありません"),
    ("saved-form", "ticket", "1 2 2 4 5 6", "2이(가) 두 번 들어 있습니다", "2 is there twice", "2が重複しています"),
    ("saved-form", "ticket", "1 2 3 4 5", "번호를 6개 골라 주세요 (지금 5개)", "pick 6 numbers (5 given)", "数字を6個選んでください(現在5個)"),
    ("saved-form", "round", "99999", "제99999회는 너무 먼 회차입니다", "round 99999 is too far ahead", "第99999回は先すぎます"),
    ("redeem-form", "code", "ABCD-EFGH", "이미 사용했거나 만료된 코드입니다", "already used or expired", "使用済み、または期限切れのコードです"),
]


@pytest.mark.parametrize("lang", ["ko", "en", "ja"])
def test_bad_input_is_answered_next_to_its_field_in_the_players_language(server, lang):
    column = {"ko": 3, "en": 4, "ja": 5}[lang]
    driver = chrome(390, 844)
    try:
        driver.get(f"{server}/tickets?lang={lang}")
        # Something on the page that must stay as it is.
        driver.find_element(By.CSS_SELECTOR, "#saved-form [name=ticket]").send_keys("3 11 17 25 33 41")
        submit(driver, "saved-form")
        wait(driver).until(lambda d: tickets(d) == 1)
        for form_id, field, value, *words in BAD:
            form = driver.find_element(By.ID, form_id)
            box = form.find_element(By.NAME, field)
            if form_id == "saved-form" and field == "round":
                form.find_element(By.NAME, "ticket").send_keys("1 2 3 4 5 6")
            box.clear()
            box.send_keys(value)
            submit(driver, form_id)
            error = wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#{form_id} .form-error .error"))[0]
            assert words[column - 3] in error.text, (lang, value, error.text)
            assert box.get_attribute("aria-invalid") == "true", (lang, value)
            assert tickets(driver) == 1, "the list is left as it was"
            form.find_element(By.NAME, field).clear()
            if form_id == "saved-form":
                form.find_element(By.NAME, "ticket").clear()
                driver.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, "round"), "")
        # "10억" is an amount.
        driver.get(f"{server}/tools?lang={lang}")
        amount = driver.find_element(By.CSS_SELECTOR, "#tax-form [name=amount]")
        amount.send_keys("10억")
        submit(driver, "tax-form")
        wait(driver).until(lambda d: "703,000,330" in d.find_element(By.ID, "tax-result").text)
        # Offline: the submit says to check the connection.
        driver.get(f"{server}/tickets?lang={lang}")
        driver.set_network_conditions(offline=True, latency=0, throughput=0)
        try:
            driver.find_element(By.CSS_SELECTOR, "#saved-form [name=ticket]").send_keys("4 5 6 7 8 9")
            submit(driver, "saved-form")
            offline = {"ko": "인터넷 연결을 확인", "en": "Check your internet connection", "ja": "インターネット接続を確認"}[lang]
            wait(driver).until(lambda d: offline in d.find_element(By.CSS_SELECTOR, "#saved-form .form-error").text)
            assert tickets(driver) == 1
        finally:
            driver.delete_network_conditions()
        driver.save_screenshot(str(SHOTS / f"week-errors-{lang}-390.png"))
    finally:
        driver.quit()


def test_the_rate_limit_is_explained_in_the_players_language():
    with serve(RATE_LIMIT_SAVE_NUMBERS="2/hour") as base:
        driver = chrome(390, 844)
        try:
            for lang, words in (("ko", "요청이 너무 많습니다"), ("ja", "リクエストが多すぎます"), ("en", "Too many requests")):
                driver.get(f"{base}/tickets?lang={lang}")
                for i in range(3):
                    box = driver.find_element(By.CSS_SELECTOR, "#saved-form [name=ticket]")
                    box.clear()
                    box.send_keys(f"1 2 3 4 5 {10 + i}")
                    submit(driver, "saved-form")
                    if i < 2 and lang == "ko":
                        wait(driver).until(lambda d, n=i + 1: tickets(d) == n)
                error = wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#saved-form .form-error .error"))[0]
                assert words in error.text, (lang, error.text)
        finally:
            driver.quit()
