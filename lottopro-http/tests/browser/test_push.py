"""Web Push end to end, against a push-service stand-in.

A real `lottopro serve` (conftest's `serve`) is subscribed through its
HTTP API with a subscription whose endpoint is a small HTTP
server on loopback: the stand-in for a browser vendor's push service. It
does what a push service must before it accepts a message (RFC 8292:
checks the VAPID token's ES256 signature with the key the service serves,
its audience and expiry), and then what the browser would (RFC 8291:
decrypts the aes128gcm body with the subscription's private key and auth
secret, generated here with `cryptography`). Notices are sent through
`POST /admin/push/test`, which the admin token guards. The last case
hands a message to the service worker in headless Chromium through the
DevTools protocol and finds it shown.
"""

import base64
import json
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import ADMIN_TOKEN, chrome, serve
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from selenium.webdriver.support.ui import WebDriverWait

PUSH_TIMEOUT = 1
PUSH_ENV = {
    "PUSH_LOCAL_ENDPOINTS": "true",
    "PUSH_TIMEOUT": str(PUSH_TIMEOUT),
    "PUSH_SUBJECT": "mailto:ops@lottopro.test",
    "VAPID_PRIVATE_KEY": "",  # empty means unset: the store's key
}


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Browser:
    """A browser's side of a subscription: its P-256 key pair and secret."""

    def __init__(self):
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.public = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.auth = os.urandom(16)

    def decrypt(self, body: bytes) -> bytes:
        """RFC 8291 §3.4 and RFC 8188 §2: one aes128gcm record."""
        salt, rs, idlen = body[:16], int.from_bytes(body[16:20], "big"), body[20]
        server_public = body[21 : 21 + idlen]
        record = body[21 + idlen :]
        assert idlen == 65 and len(record) <= rs, (idlen, rs, len(record))
        shared = self.private.exchange(
            ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), server_public)
        )
        ikm = HKDF(
            hashes.SHA256(), 32, salt=self.auth, info=b"WebPush: info\0" + self.public + server_public
        ).derive(shared)
        cek = HKDF(hashes.SHA256(), 16, salt=salt, info=b"Content-Encoding: aes128gcm\0").derive(ikm)
        nonce = HKDF(hashes.SHA256(), 12, salt=salt, info=b"Content-Encoding: nonce\0").derive(ikm)
        padded = AESGCM(cek).decrypt(nonce, record, None).rstrip(b"\0")
        assert padded.endswith(b"\x02"), "the last record ends with the delimiter 2"
        return padded[:-1]


class PushService:
    """The stand-in: POST /ok/<n> is checked, decrypted and answered 201;
    /gone/<n> is answered 410; /hang/<n> is never answered."""

    def __init__(self):
        self.browsers: dict[str, Browser] = {}
        self.received: list[dict] = []
        self.refused: list[str] = []
        self.vapid_key: bytes | None = None
        self.release = threading.Event()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                kind, n = self.path.strip("/").split("/")
                if kind == "hang":
                    service.release.wait(30)
                    return
                if kind == "gone":
                    self.send_response(410)
                    self.end_headers()
                    return
                try:
                    claims = service.check_vapid(self.headers["Authorization"])
                    assert self.headers["Content-Encoding"] == "aes128gcm"
                    assert int(self.headers["TTL"]) > 0
                    plain = service.browsers[n].decrypt(body)
                except Exception as e:  # the answer a push service gives
                    service.refused.append(repr(e))
                    self.send_response(400)
                    self.end_headers()
                    return
                service.received.append({"n": n, "claims": claims, "notice": json.loads(plain)})
                self.send_response(201)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def check_vapid(self, header: str) -> dict:
        """RFC 8292 §2-3: `vapid t=<JWT>, k=<public key>`, the JWT signed
        with ES256 by that key, for this origin, not expired, valid at most 24 h."""
        scheme, _, params = header.partition(" ")
        assert scheme == "vapid", header
        fields = dict(p.strip().split("=", 1) for p in params.split(","))
        key = unb64u(fields["k"])
        assert key == self.vapid_key, "k is the key the service serves"
        head, payload, signature = fields["t"].split(".")
        assert json.loads(unb64u(head)) == {"typ": "JWT", "alg": "ES256"}
        raw = unb64u(signature)
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key)
        public.verify(
            encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
            f"{head}.{payload}".encode(),
            ec.ECDSA(hashes.SHA256()),
        )
        claims = json.loads(unb64u(payload))
        assert claims["aud"] == self.base, claims
        assert time.time() < claims["exp"] <= time.time() + 24 * 3600, claims
        assert claims["sub"].startswith("mailto:"), claims
        return claims

    def subscription(self, kind: str, n: str) -> dict:
        browser = self.browsers.setdefault(n, Browser())
        return {
            "endpoint": f"{self.base}/{kind}/{n}",
            "expirationTime": None,
            "keys": {"p256dh": b64u(browser.public), "auth": b64u(browser.auth)},
        }

    def close(self):
        self.release.set()
        self.server.shutdown()


def call(url, body=None, headers=None):
    """(status, JSON answer) of a GET, or a POST of `body` as JSON."""
    data = None if body is None else json.dumps(body).encode()
    h = {"content-type": "application/json", **(headers or {})} if data else dict(headers or {})
    req = urllib.request.Request(url, data=data, headers=h, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def counted(base) -> dict:
    """`lottopro_push_messages_total` per result, from /metrics."""
    req = urllib.request.Request(f"{base}/metrics", headers={"authorization": f"Bearer {ADMIN_TOKEN}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read().decode()
    counts = {"sent": 0.0, "gone": 0.0, "failed": 0.0}
    for line in text.splitlines():
        if line.startswith("lottopro_push_messages_total{"):
            labels, value = line.rsplit(" ", 1)
            counts[labels.split('result="')[1].split('"')[0]] = float(value)
    return counts


@pytest.fixture(scope="module")
def setup():
    push = PushService()
    with serve(**PUSH_ENV) as base:
        status, answer = call(f"{base}/api/push/key")
        assert status == 200, answer
        push.vapid_key = unb64u(answer["key"])
        assert len(push.vapid_key) == 65 and push.vapid_key[0] == 4
        yield base, push
    push.close()


def subscribe(base, push, kind, n, token=None):
    headers = {"x-client-token": token} if token else {}
    status, answer = call(f"{base}/api/push/subscribe", push.subscription(kind, n), headers)
    assert status == 201, answer
    return answer["token"]


def notify(base, token, notice):
    return call(
        f"{base}/admin/push/test",
        notice,
        {"authorization": f"Bearer {ADMIN_TOKEN}", "x-client-token": token},
    )


NOTICE = {"title": "1254회 결과", "body": "A 게임 3등 · 5개 일치", "url": "/tickets#t-7", "tag": "round-1254"}


def test_a_notice_arrives_signed_and_decrypts_to_its_json(setup):
    base, push = setup
    token = subscribe(base, push, "ok", "1")
    # The same browser subscribing again keeps one subscription.
    assert subscribe(base, push, "ok", "1", token) == token
    status, report = notify(base, token, NOTICE)
    assert status == 200, report
    assert push.refused == [], push.refused
    assert report == {"sent": 1, "gone": 0, "failed": 0}
    got = [r for r in push.received if r["n"] == "1"]
    assert len(got) == 1
    assert got[0]["notice"] == NOTICE
    assert got[0]["claims"]["sub"] == "mailto:ops@lottopro.test"
    # Another client's notice does not reach this browser.
    other = subscribe(base, push, "ok", "2")
    assert notify(base, other, {**NOTICE, "title": "other"})[1]["sent"] == 1
    assert [r["notice"]["title"] for r in push.received if r["n"] == "1"] == [NOTICE["title"]]


def test_a_subscription_the_service_reports_gone_is_dropped(setup):
    base, push = setup
    token = subscribe(base, push, "gone", "3")
    before = counted(base)
    status, report = notify(base, token, NOTICE)
    assert (status, report) == (200, {"sent": 0, "gone": 1, "failed": 0})
    assert counted(base)["gone"] == before["gone"] + 1
    # Gone from the store: nothing left to send to, nothing to unsubscribe.
    assert notify(base, token, NOTICE)[1] == {"sent": 0, "gone": 0, "failed": 0}
    endpoint = push.subscription("gone", "3")["endpoint"]
    assert call(f"{base}/api/push/unsubscribe", {"endpoint": endpoint}, {"x-client-token": token}) == (
        200,
        {"removed": False},
    )


def test_a_push_service_that_never_answers_costs_one_deadline(setup):
    base, push = setup
    token = subscribe(base, push, "hang", "4")
    subscribe(base, push, "ok", "5", token)
    before = counted(base)
    started = time.monotonic()
    status, report = notify(base, token, NOTICE)
    took = time.monotonic() - started
    assert (status, report) == (200, {"sent": 1, "gone": 0, "failed": 1})
    assert took < PUSH_TIMEOUT + 3, f"took {took:.1f} s"
    after = counted(base)
    assert (after["sent"], after["failed"]) == (before["sent"] + 1, before["failed"] + 1)
    # The service kept answering meanwhile, and the hung subscription is kept.
    assert call(f"{base}/api/health")[0] == 200
    endpoint = push.subscription("hang", "4")["endpoint"]
    assert call(f"{base}/api/push/unsubscribe", {"endpoint": endpoint}, {"x-client-token": token}) == (
        200,
        {"removed": True},
    )


@pytest.mark.parametrize(
    ("spoil", "field"),
    [
        (lambda s: s.update(endpoint="ftp://127.0.0.1/x"), "endpoint"),
        (lambda s: s["keys"].update(p256dh=s["keys"]["auth"]), "keys.p256dh"),
        (lambda s: s["keys"].update(auth="not base64!"), "keys.auth"),
    ],
)
def test_a_bad_subscription_names_its_field(setup, spoil, field):
    base, push = setup
    subscription = push.subscription("ok", "9")
    spoil(subscription)
    status, problem = call(f"{base}/api/push/subscribe", subscription)
    assert status == 400 and problem["field"] == field, problem


def test_the_test_route_needs_the_admin_token(setup):
    base, push = setup
    token = subscribe(base, push, "ok", "6")
    status, _ = call(f"{base}/admin/push/test", NOTICE, {"x-client-token": token})
    assert status == 401
    status, problem = notify(base, token, {**NOTICE, "url": "https://elsewhere.example/"})
    assert status == 400 and problem["field"] == "url", problem


def test_the_service_worker_shows_a_pushed_notice(setup):
    """The page's service worker, given a push message through the DevTools
    protocol (no vendor push service is involved), shows the notice."""
    base, _ = setup
    with tempfile.TemporaryDirectory() as profile:
        driver = chrome(390, 844, profile)
        try:
            driver.get(f"{base}/tickets?lang=ko")
            driver.execute_cdp_cmd(
                "Browser.grantPermissions", {"origin": base, "permissions": ["notifications"]}
            )
            # Push events go to an activated worker.
            state = WebDriverWait(driver, 10).until(
                lambda d: d.execute_async_script(
                    "const done = arguments[0];"
                    "navigator.serviceWorker.ready.then(r => done(r.active.state === 'activated' && r.scope))"
                    ".catch(e => done(String(e)));"
                )
            )
            assert state == f"{base}/", state
            assert driver.execute_script("return typeof window.subscribePush") == "function"
            driver.execute_cdp_cmd("ServiceWorker.enable", {})

            def shown(d):
                # The first registration of a fresh profile has id 0.
                d.execute_cdp_cmd(
                    "ServiceWorker.deliverPushMessage",
                    {"origin": base, "registrationId": "0", "data": json.dumps(NOTICE)},
                )
                time.sleep(0.5)
                return d.execute_async_script(
                    "const done = arguments[0];"
                    "navigator.serviceWorker.ready.then(r => r.getNotifications())"
                    ".then(ns => done(ns.map(n => [n.title, n.body, n.tag, n.data && n.data.url])))"
                    ".catch(e => done(String(e)));"
                )

            # Delivered again until it shows: the same tag replaces, never adds.
            shown = WebDriverWait(driver, 15).until(shown)
            assert shown == [[NOTICE["title"], NOTICE["body"], NOTICE["tag"], NOTICE["url"]]], shown
        finally:
            driver.quit()
