"""Teaches Schemathesis the string formats of LottoPro's OpenAPI document
whose grammar JSON Schema cannot state (each is described in the document
itself):

- ``lottopro-ticket``: six different numbers 1-45 as text;
- ``lottopro-tickets``: one to five such tickets separated by ';';
- ``lottopro-qr``: the URL in a Korean Lotto ticket's QR code;
- ``lottopro-pension-ticket``: a Pension Lottery 720+ ticket, a group 1-5
  (or all groups) then six digits;
- ``lottopro-push-endpoint``, ``lottopro-p256-key``, ``lottopro-push-auth``:
  a browser's push subscription (an https URL of a public host, a point on
  the P-256 curve, a 16-byte secret; the last two base64url);

and the one cross-field rule JSON Schema generators cannot model: a
prediction's ``user_numbers`` and ``exclude`` share no number. Each format
has a generator (positive cases) and a check (a negative case whose
"violating" string is in fact valid is dropped: Schemathesis cannot check a
custom format itself and counts every string as a violation).

Loaded through ``SCHEMATHESIS_HOOKS=hooks`` with this folder on
``PYTHONPATH`` (see ``tests/test_contract.py``).
"""

import base64
import ipaddress
import urllib.parse

import schemathesis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import strategies as st

_numbers = st.lists(st.integers(1, 45), min_size=6, max_size=6, unique=True)
_separator = st.sampled_from([" ", ", ", ",", "  "])


@st.composite
def _ticket(draw):
    numbers = draw(_numbers)
    return draw(_separator).join(str(n) for n in numbers)


@st.composite
def _tickets(draw):
    return "; ".join(draw(st.lists(_ticket(), min_size=1, max_size=5)))


@st.composite
def _qr(draw):
    host = draw(st.sampled_from(["m.dhlottery.co.kr", "m.nlotto.co.kr", "nlotto.co.kr"]))
    scheme = draw(st.sampled_from(["https", "http"]))
    games = draw(st.lists(_numbers, min_size=1, max_size=5))
    v = "%04d" % draw(st.integers(1, 9999))
    for numbers in games:
        v += draw(st.sampled_from("qms")) + "".join("%02d" % n for n in sorted(numbers))
    v += draw(st.from_regex(r"[0-9]{0,10}", fullmatch=True))
    return f"{scheme}://{host}/qr.do?method=winQr&v={v}"


@st.composite
def _pension_ticket(draw):
    group = draw(st.sampled_from(["1", "2", "3", "4", "5", "3조", "5조", "all", "전체"]))
    digits = draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    return group + draw(st.sampled_from([" ", "  ", ""])) + digits if "조" in group else f"{group} {digits}"


def _b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# A P-256 private scalar is below the group order n.
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
_p256_key = st.integers(1, _P256_ORDER - 1).map(
    lambda k: _b64u(
        ec.derive_private_key(k, ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
)
_push_auth = st.binary(min_size=16, max_size=16).map(_b64u)
_push_endpoint = st.builds(
    "https://{}/{}".format,
    st.sampled_from(["fcm.googleapis.com/fcm/send", "updates.push.services.mozilla.com/wpush/v2", "web.push.apple.com"]),
    st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True),
)


def _unb64u(text):
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text.rstrip("=")) % 4))
    except ValueError:
        return None


def _is_p256_key(text):
    raw = _unb64u(text)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except (TypeError, ValueError):
        return False
    return len(raw) == 65


def _is_push_auth(text):
    raw = _unb64u(text)
    return raw is not None and len(raw) == 16


def _is_push_endpoint(text):
    # Generous on purpose: a false "valid" only skips a negative case.
    if not text.startswith("https://") or "@" in text:
        return False
    try:
        host = urllib.parse.urlsplit(text).hostname or ""
        return ipaddress.ip_address(host).is_global
    except ValueError:  # a name, not an IP literal
        return host != "localhost"


def _is_ticket(text):
    """Whether `text` is a ticket as the service reads it: six different
    numbers 1-45 separated by spaces or commas."""
    parts = [p for p in text.replace(",", " ").split() if p]
    try:
        numbers = [int(p) for p in parts if p.isascii() and p.isdigit()]
    except ValueError:
        return False
    return len(parts) == len(numbers) == 6 and len(set(numbers)) == 6 and all(1 <= n <= 45 for n in numbers)


def _is_tickets(text):
    tickets = [t for t in text.replace("\n", ";").split(";") if t.strip()]
    return bool(tickets) and all(_is_ticket(t) for t in tickets)


def _may_be_pension_ticket(text):
    # Generous on purpose: six digits anywhere may be a ticket (`1 2 3 4 5 6 7`
    # is group 1 and 234567).
    return sum(c.isdigit() for c in text) >= 6


def _may_be_qr(text):
    # Generous on purpose: a false "valid" only skips a negative case.
    return "qr.do" in text and text.strip().startswith("http")


# What each format accepts. Schemathesis cannot check a custom format, so in
# negative mode it counts every string as violating one; these checks drop
# the negative cases whose "violation" is in fact a valid value.
_CHECKS = {
    "ticket": _is_ticket,
    "tickets": _is_tickets,
    "numbers": _is_tickets,
    "qr": _may_be_qr,
    "endpoint": _is_push_endpoint,
    "p256dh": _is_p256_key,
    "auth": _is_push_auth,
}


# The 720+ routes name their ticket `ticket` too, in their own grammar.
_PENSION_CHECKS = {"ticket": _may_be_pension_ticket}


@schemathesis.hook("filter_case")
def negative_cases_really_violate_the_formats(context, case):
    meta = getattr(case, "meta", None)
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    if mode != "negative":
        return True
    path = getattr(getattr(case, "operation", None), "path", "") or getattr(case, "path", "")
    checks = _PENSION_CHECKS if path.startswith("/api/pension/") else _CHECKS
    keys = case.body.get("keys") if isinstance(case.body, dict) else None
    for values in (case.body, case.query, keys):
        if not isinstance(values, dict):
            continue
        for name, check in checks.items():
            value = values.get(name)
            if isinstance(value, str) and check(value):
                return False
    return True


schemathesis.openapi.format("lottopro-ticket", _ticket())
schemathesis.openapi.format("lottopro-tickets", _tickets())
schemathesis.openapi.format("lottopro-qr", _qr())
schemathesis.openapi.format("lottopro-pension-ticket", _pension_ticket())
schemathesis.openapi.format("lottopro-push-endpoint", _push_endpoint)
schemathesis.openapi.format("lottopro-p256-key", _p256_key)
schemathesis.openapi.format("lottopro-push-auth", _push_auth)


@schemathesis.hook("filter_case").apply_to(method="POST", path="/api/predict")
def includes_and_excludes_are_disjoint(context, case):
    """The prediction body's cross-field rule, as its description states it.
    (A case filter, not a body filter: every phase applies it.)"""
    body = case.body
    if not isinstance(body, dict):
        return True
    include, exclude = body.get("user_numbers"), body.get("exclude")
    if not isinstance(include, list) or not isinstance(exclude, list):
        return True
    try:
        return not set(include) & set(exclude)
    except TypeError:  # unhashable items: a negative case the service refuses
        return True
