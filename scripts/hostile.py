#!/usr/bin/env python3
"""Hostile conditions for `lottopro serve`: each case starts the service, applies
one fault, and measures the light routes (/api/check, /, /stats, /predict,
/api/stats) while the fault lasts (Python standard library only).

    scripts/hostile.py qr [N]      PNGs tiled with QR finder patterns at 400, 800
                                   and 1,600 px, and a 1,600 px one with the most
                                   patterns allowed, made here, uploaded N times
                                   each (default 1) to /ui/qr: each answered
                                   within the work deadline, the process idle
                                   again within 1 s of the answer, light-route
                                   p99 under 100 ms meanwhile
    scripts/hostile.py trickle [S] 512 connections from eight addresses, each
                                   sending a request body one byte every 10 s
                                   and reconnecting when cut off, for S seconds
                                   (default 20; MAX_CONNECTIONS 256, so both the
                                   per-address and the global cap are met):
                                   /api/health on a fresh connection and the
                                   light routes all 200 with p99 under 100 ms
    scripts/hostile.py uploads     40 concurrent 8 MB uploads to /ui/qr from 40
                                   clients (as behind a balancer), then a decompression bomb (a
                                   4096 × 4096 PNG of a few KB): peak RSS of the
                                   service under 256 MB, every upload answered
                                   (200, 4xx or 503 with Retry-After), light
                                   routes all 200 meanwhile
    scripts/hostile.py heavy [S]   eight clients sending the most expensive
                                   requests for S seconds (default 10) while
                                   /stats and /predict (cache warm) are asked in
                                   turn: 100 % 200, p99 under 100 ms
    scripts/hostile.py redis-hung [S]
                                   CACHE_TYPE=tiered and shared rate limits on a
                                   Redis that accepts and never answers, for S
                                   seconds (default 15) under 4 prediction
                                   clients: light-route p99 under 100 ms,
                                   /api/ready names Redis and never the store
    scripts/hostile.py redis-stopped [S]
                                   the same with a real redis-server stopped by
                                   SIGSTOP once the service is warm; in both, a
                                   client trying twice its allowance of saves
                                   during the fault gets no more than it
    scripts/hostile.py pg-stopped [S]
                                   PostgreSQL stopped by SIGSTOP for S seconds
                                   (default 15) while /api/ready is polled every
                                   2 s: routes that need no database keep p99
                                   under 100 ms, saves (every other one with a
                                   pre-tag token) answer 503 within 6 s,
                                   and SIGTERM afterwards exits 0
    scripts/hostile.py db-hung     `serve --db postgres://...` against a listener
                                   that accepts and never answers: exits with a
                                   reason naming the database within 7 s

Each prints its figures and exits non-zero on a failed check; like
scripts/reliability.py it uses the release binary unless LOTTOPRO_BIN names
another, and touches nothing outside a temporary folder.
"""

import http.client
import json
import os
import signal
import subprocess
import struct
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reliability import build, cpu_seconds, free_port, heavy_request, raw_request, rss_mb, serve, wait_port  # noqa: E402

import socket  # noqa: E402

LIGHT = [
    ("POST", "/api/check", b'{"ticket": "4 5 25 28 32 12", "round": 1245}'),
    ("GET", "/", None),
    ("GET", "/stats", None),
    ("GET", "/predict", None),
    ("GET", "/api/stats", None),
]
# The service's work deadline (WORK_TIMEOUT, 10 s by default) and a margin.
DEADLINE = 10.0 + 1.0


def png(side, module, count=None):
    """A greyscale PNG `side` px square tiled with 7-module finder patterns (a
    module of margin around each), `count` of them at most."""
    tile = 9 * module
    per_row = side // tile
    rows = []
    for y in range(side):
        row = bytearray(b"\xff" * side)
        ty, v = divmod(y, tile)
        v = v // module - 1
        if 0 <= v <= 6:
            for tx in range(per_row):
                if count is not None and ty * per_row + tx >= count:
                    break
                for u in range(7):
                    ring = u in (0, 6) or v in (0, 6)
                    stone = 2 <= u <= 4 and 2 <= v <= 4
                    if ring or stone:
                        x = tx * tile + (u + 1) * module
                        row[x:x + module] = b"\x00" * module
        rows.append(b"\x00" + bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")


def peak_rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def upload(port, photo, timeout=60):
    """POST /ui/qr with `photo`: (status, seconds)."""
    boundary = "lottopro-hostile"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"t.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + photo + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/ui/qr?lang=en", data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    return status, time.perf_counter() - t0


class Light:
    """Asks the light routes in turn on one connection after another until
    stopped; keeps each answer's status and milliseconds."""

    def __init__(self, port, routes=LIGHT):
        self.port, self.routes = port, routes
        self.times, self.statuses, self.slowest, self.errors = [], {}, {}, {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        i = 0
        while not self.stop.is_set():
            method, path, body = self.routes[i % len(self.routes)]
            i += 1
            req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body, method=method,
                                         headers={"Content-Type": "application/json"} if body else {})
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    r.read()
                    status = r.status
            except urllib.error.HTTPError as e:
                status = e.code
            except OSError as e:
                status = 0
                self.errors[type(e).__name__ + ": " + str(e)[:80]] = self.errors.get(type(e).__name__ + ": " + str(e)[:80], 0) + 1
            self.times.append((time.perf_counter() - t0) * 1000)
            self.slowest[path] = max(self.slowest.get(path, 0), self.times[-1])
            self.statuses[(path, status)] = self.statuses.get((path, status), 0) + 1
            time.sleep(0.01)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=60)

    def p99(self):
        t = sorted(self.times)
        return t[min(len(t) - 1, int(len(t) * 0.99))] if t else float("inf")

    def all_200(self):
        return bool(self.statuses) and all(s == 200 for (_, s) in self.statuses)


def idle_within(pid, limit=1.0):
    """Seconds until the process used under 10 % of a core over 250 ms, or None
    if not within `limit` (plus the window)."""
    start = time.perf_counter()
    previous = cpu_seconds(pid)
    while time.perf_counter() - start < limit + 0.25:
        time.sleep(0.25)
        now = cpu_seconds(pid)
        if now - previous < 0.25 * 0.1:
            return time.perf_counter() - start - 0.25
        previous = now
    return None


def warm(port):
    for path in ("/", "/stats", "/predict"):
        urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=300).read()


def qr(rounds=1):
    build()
    images = [(f"{side} px tiled", png(side, 4)) for side in (400, 800, 1600)]
    images.append(("1600 px, 12 patterns", png(1600, 40, count=12)))
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = serve(tmp, port, env={"CACHE_WARMING": "false"})
        try:
            warm(port)
            for name, photo in images:
                for _ in range(rounds):
                    cpu0 = cpu_seconds(proc.pid)
                    with Light(port) as light:
                        status, took = upload(port, photo)
                    cpu = cpu_seconds(proc.pid) - cpu0
                    idle = idle_within(proc.pid)
                    good = took <= DEADLINE and idle is not None and light.p99() < 100 and light.all_200()
                    ok = ok and good
                    print(f"qr: {name} ({len(photo):,} bytes): {status} in {took:.2f} s, {cpu:.2f} s CPU, "
                          f"idle {'%.2f s' % idle if idle is not None else 'not within 1 s'} after; light calls "
                          f"{len(light.times)}, p99 {light.p99():.1f} ms, statuses {sorted(set(s for _, s in light.statuses))}"
                          f"{'' if good else '  <-- FAIL'}")
        finally:
            proc.kill()
            proc.wait()
    print("qr: PASS" if ok else "qr: FAIL")
    return ok


def heavy(seconds=10, clients=8):
    build()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = serve(tmp, port, env={"CACHE_WARMING": "false"})
        try:
            warm(port)
            stop = threading.Event()

            def client(i):
                n = i
                while not stop.is_set():
                    n += clients
                    try:
                        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
                            s.sendall(raw_request(*heavy_request(n)))
                            while s.recv(65536):
                                pass
                    except OSError:
                        pass

            workers = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
            for w in workers:
                w.start()
            time.sleep(1)
            with Light(port, [r for r in LIGHT if r[1] in ("/stats", "/predict")]) as light:
                time.sleep(seconds)
            stop.set()
        finally:
            proc.kill()
            proc.wait()
    ok = light.all_200() and light.p99() < 100
    counts = {f"{p} {s}": n for (p, s), n in sorted(light.statuses.items())}
    print(f"heavy: {clients} heavy clients for {seconds} s; /stats and /predict {len(light.times)} calls, "
          f"p99 {light.p99():.1f} ms, {counts}")
    print("heavy: PASS" if ok else "heavy: FAIL")
    return ok


def trickle(seconds=20, connections=512, addresses=8):
    build()
    head = (b"POST /api/tax HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\n\r\n{")
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = serve(tmp, port, env={"CACHE_WARMING": "false", "MAX_CONNECTIONS": "256"})
        stop = threading.Event()
        cut = [0]

        def open_one(i):
            s = socket.socket()
            s.bind((f"127.0.0.{2 + i % addresses}", 0))
            s.settimeout(2)
            s.connect(("127.0.0.1", port))
            s.sendall(head)
            s.setblocking(False)
            return s

        def attacker():
            socks = [open_one(i) for i in range(connections)]
            last = time.monotonic()
            while not stop.is_set():
                time.sleep(0.2)
                due = time.monotonic() - last >= 10
                for i, s in enumerate(socks):
                    try:
                        if s.recv(4096) == b"":
                            raise ConnectionError
                    except BlockingIOError:
                        pass
                    except OSError:
                        s.close()
                        cut[0] += 1
                        try:
                            socks[i] = open_one(i)
                        except OSError:
                            pass
                        continue
                    if due:
                        try:
                            s.send(b" ")
                        except OSError:
                            pass
                if due:
                    last = time.monotonic()
            for s in socks:
                s.close()

        try:
            warm(port)
            thread = threading.Thread(target=attacker, daemon=True)
            thread.start()
            time.sleep(2)
            health = []
            with Light(port) as light:
                end = time.monotonic() + seconds
                while time.monotonic() < end:
                    t0 = time.perf_counter()
                    try:
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=30) as r:
                            r.read()
                            status = r.status
                    except OSError:
                        status = 0
                    health.append((status, time.perf_counter() - t0))
                    time.sleep(0.25)
            stop.set()
            thread.join(timeout=30)
        finally:
            proc.kill()
            proc.wait()
    slowest_health = max(t for _, t in health)
    slowest_light = max(light.times) / 1000 if light.times else float("inf")
    # /api/health on a fresh connection within a second, every time; the
    # light routes (also a fresh connection each) all 200 with p99 under
    # 100 ms. Their slowest is reported, not judged: under the flood of
    # reconnections a SYN is now and then dropped from the full accept
    # queue and retried by the kernel a second later.
    ok = (all(s == 200 for s, _ in health) and slowest_health < 1 and light.all_200() and light.p99() < 100)
    print(f"trickle: {connections} trickled bodies from {addresses} addresses for {seconds} s, {cut[0]} cut off by "
          f"the service; /api/health {len(health)} calls, slowest {slowest_health * 1000:.0f} ms; light routes "
          f"{len(light.times)} calls, p99 {light.p99():.1f} ms, slowest {slowest_light * 1000:.0f} ms")
    if light.errors:
        print(f"trickle: light-route errors {light.errors}")
    print("trickle: PASS" if ok else "trickle: FAIL")
    return ok


def multipart_upload(port, photo, forwarded):
    """POST /ui/qr with `photo` for the client `forwarded` (X-Forwarded-For:
    loopback addresses all count as one client), on a raw socket: the status
    (0 when the connection was cut before an answer)."""
    boundary = "lottopro-hostile"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"t.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + photo + f"\r\n--{boundary}--\r\n".encode()
    head = (f"POST /ui/qr?lang=en HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Forwarded-For: {forwarded}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
            try:
                s.sendall(head + body)
            except OSError:
                pass  # answered (and closed) before the whole body was read
            answer = b""
            while chunk := s.recv(65536):
                answer += chunk
    except OSError:
        pass
    try:
        return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    except (ValueError, IndexError, NameError):
        return 0


def bomb(side=4096):
    """A white greyscale PNG `side` px square: a few KB that decode to side² bytes."""
    rows = (b"\x00" + b"\xff" * side) * side

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def uploads(clients=40, bound_mb=256):
    build()
    big = os.urandom(8 * 1024 * 1024 - 1024)
    small_bomb = bomb()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        # As behind a balancer: each upload from a client of its own.
        proc = serve(tmp, port, env={"CACHE_WARMING": "false", "TRUST_PROXY": "1"})
        try:
            warm(port)
            before = rss_mb(proc.pid)
            statuses = [None] * clients

            def one(i):
                statuses[i] = multipart_upload(port, big, f"198.51.100.{1 + i}")

            with Light(port) as light:
                threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                bomb_status = multipart_upload(port, small_bomb, "198.51.100.200")
            peak = peak_rss_mb(proc.pid)
        finally:
            proc.kill()
            proc.wait()
    counts = {s: statuses.count(s) for s in sorted(set(statuses), key=str)}
    ok = (peak < bound_mb and None not in statuses and 0 not in statuses and 400 <= bomb_status < 500
          and light.all_200())
    print(f"uploads: {clients} concurrent uploads of 8 MB: statuses {counts}; the bomb ({len(small_bomb):,} bytes, "
          f"4096 x 4096): {bomb_status}; RSS {before:.0f} MB before, peak {peak:.0f} MB (bound {bound_mb} MB); "
          f"light routes {len(light.times)} calls, p99 {light.p99():.1f} ms, all 200: {light.all_200()}")
    print("uploads: PASS" if ok else "uploads: FAIL")
    return ok


class Hung:
    """A listener that accepts connections and never answers them."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.port = self.sock.getsockname()[1]
        self.held = []
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for c in self.held:
            c.close()


def saves_allowed(port, source, tries):
    """POSTs `tries` saved tickets from the address `source` (one client):
    how many were accepted (201)."""
    accepted = 0
    cookie = None
    for i in range(tries):
        body = json.dumps({"numbers": [1, 2, 3, 4, 5, 7 + i % 30], "label": f"a{i}"}).encode()
        head = ("POST /api/numbers HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n").encode()
        answer = b""
        try:
            with socket.socket() as s:
                s.bind((source, 0))
                s.settimeout(15)
                s.connect(("127.0.0.1", port))
                s.sendall(head + body)
                while chunk := s.recv(65536):
                    answer += chunk
        except OSError:
            continue
        if answer.startswith(b"HTTP/1.1 201"):
            accepted += 1
        for line in answer.split(b"\r\n"):
            if line.lower().startswith(b"set-cookie:") and cookie is None:
                cookie = line.split(b":", 1)[1].split(b";")[0].strip().decode()
    return accepted


def redis_fault(mode, seconds=15, clients=4, allowance=10):
    """Redis hung (`mode` "hung": a listener that never answers, from the
    start) or stopped (`mode` "stopped": a real redis-server stopped by
    SIGSTOP once the service is warm, continued afterwards)."""
    build()
    hung = Hung() if mode == "hung" else None
    redis = None
    if mode == "stopped":
        redis_port = free_port()
        redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                  "--appendonly", "no"], stdout=subprocess.DEVNULL)
        wait_port(redis_port, "redis-server")
    else:
        redis_port = hung.port
    env = {"CACHE_TYPE": "tiered", "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "CACHE_WARMING": "false",
           "RATE_LIMIT_ENABLED": "true", "RATE_LIMIT_PREDICT": "10000000/hour",
           "RATE_LIMIT_SAVE_NUMBERS": f"{allowance}/hour"}
    readiness = []
    name = f"redis-{mode}"
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        t0 = time.perf_counter()
        proc = serve(tmp, port, env=env)
        started = time.perf_counter() - t0
        try:
            warm(port)
            if redis:
                redis.send_signal(signal.SIGSTOP)
            stop = threading.Event()
            predictions = [0]

            def client():
                # One kept-alive connection per client, as a browser or an app
                # keeps: a fresh connection per prediction (~2,000/s in release)
                # fills loopback's ephemeral ports with TIME_WAIT within 15 s.
                body = b'{"model": "frequency", "count": 5}'
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                while not stop.is_set():
                    try:
                        conn.request("POST", "/api/predict", body=body, headers={"Content-Type": "application/json"})
                        r = conn.getresponse()
                        r.read()
                        predictions[0] += r.status == 200
                    except (http.client.HTTPException, OSError):
                        conn.close()
                conn.close()

            workers = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
            for w in workers:
                w.start()
            with Light(port) as light:
                # One client tries twice its allowance of saves during the
                # fault: the local buckets count them as Redis would.
                accepted = saves_allowed(port, "127.0.3.1", 2 * allowance)
                end = time.time() + seconds
                while time.time() < end:
                    try:
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/ready", timeout=10) as r:
                            readiness.append((r.status, json.loads(r.read())))
                    except urllib.error.HTTPError as e:
                        readiness.append((e.code, json.loads(e.read() or b"null")))
                    time.sleep(1)
            stop.set()
            for w in workers:
                w.join(timeout=30)
        finally:
            proc.kill()
            proc.wait()
            if hung:
                hung.close()
            if redis:
                redis.send_signal(signal.SIGCONT)
                redis.kill()
                redis.wait()
    names_redis = all(b and b["store"]["state"] == "up" and b["redis"]["state"] == "down" for _, b in readiness[1:])
    ok = light.all_200() and light.p99() < 100 and names_redis and bool(readiness) and accepted <= allowance
    print(f"{name}: started in {started:.2f} s; {clients} prediction clients for {seconds} s: "
          f"{predictions[0] / seconds:.0f} predictions/s; light calls {len(light.times)}, p99 {light.p99():.1f} ms, "
          f"statuses {sorted(set(s for _, s in light.statuses))}")
    print(f"{name}: slowest light call per route (ms): " + ", ".join(f"{p} {t:.0f}" for p, t in light.slowest.items()))
    if light.errors:
        print(f"{name}: light calls without an answer: {light.errors}")
    print(f"{name}: /api/ready {len(readiness)} polls: "
          f"{sorted(set((st, b and b['status'], b and b['store']['state'], b and (b['redis'] or {}).get('state')) for st, b in readiness))}")
    print(f"{name}: one client's saves during the fault: {accepted} of {2 * allowance} accepted (allowance {allowance})")
    print(f"{name}: PASS" if ok else f"{name}: FAIL")
    return ok


def redis_hung(seconds=15, clients=4):
    return redis_fault("hung", seconds, clients)


def redis_stopped(seconds=15, clients=4):
    return redis_fault("stopped", seconds, clients)


def pg_stopped(seconds=15):
    build()
    from topology import Postgres, pg_binaries
    if pg_binaries() is None:
        print("pg-stopped: SKIPPED (postgresql is not installed; .ci/run installs it)")
        return True
    with tempfile.TemporaryDirectory() as tmp:
        pg = Postgres(Path(tmp))
        port = free_port()
        from reliability import BIN, DATA, wait_port
        proc = subprocess.Popen(
            [str(BIN), "serve", "--bind", f"127.0.0.1:{port}", "--db", pg.url,
             "--history", str(DATA / "kr_lotto_645.csv"), "--prizes", str(DATA / "kr_lotto_645_prizes.csv")],
            env=dict(os.environ, RATE_LIMIT_ENABLED="false", SYNC_SCHEDULE="false", CACHE_WARMING="false",
                     SECRET_KEY="hostile-" + "k" * 40),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(port, "lottopro serve")
        saves, readiness, code = [], [], None
        try:
            warm(port)
            pids = [int((pg.dir / "data" / "postmaster.pid").read_text().split()[0])]
            pids += [int(p) for p in subprocess.run(["ps", "-o", "pid=", "--ppid", str(pids[0])],
                                                     capture_output=True, text=True).stdout.split()]
            routes = [r for r in LIGHT if r[1] != "/"]
            with Light(port, routes) as light:
                for pid in pids:
                    os.kill(pid, signal.SIGSTOP)
                end = time.time() + seconds
                while time.time() < end:
                    t0 = time.perf_counter()
                    headers = {"Content-Type": "application/json"}
                    # Every other save carries a token from before tags,
                    # whose owner the service must ask the store about.
                    if len(saves) % 2:
                        headers["X-Client-Token"] = "00112233445566778899aabbccddeeff"
                    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/numbers", method="POST",
                                                 data=b'{"ticket": "3 11 17 25 33 41"}', headers=headers)
                    try:
                        with urllib.request.urlopen(req, timeout=30) as r:
                            status = r.status
                    except urllib.error.HTTPError as e:
                        status = e.code
                    except OSError:
                        status = 0
                    saves.append((status, time.perf_counter() - t0))
                    try:
                        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/ready", timeout=30) as r:
                            readiness.append(r.status)
                    except urllib.error.HTTPError as e:
                        readiness.append(e.code)
                    time.sleep(1)
            t0 = time.perf_counter()
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                code = None
            stopped_in = time.perf_counter() - t0
        finally:
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGCONT)
                except OSError:
                    pass
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            pg.stop()
    slowest_save = max(t for _, t in saves) if saves else float("inf")
    ok = (light.all_200() and light.p99() < 100 and code == 0
          and all(s == 503 for s, _ in saves) and slowest_save < 6)
    print(f"pg-stopped: PostgreSQL stopped for {seconds} s; light calls {len(light.times)}, p99 {light.p99():.1f} ms, "
          f"statuses {sorted(set(s for _, s in light.statuses))}; saves {sorted(set(s for s, _ in saves))}, slowest "
          f"{slowest_save:.2f} s; /api/ready {sorted(set(readiness))}; SIGTERM: exit {code} after {stopped_in:.2f} s")
    print("pg-stopped: PASS" if ok else "pg-stopped: FAIL")
    return ok


def db_hung():
    build()
    from reliability import BIN
    import subprocess
    hung = Hung()
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(BIN), "serve", "--bind", f"127.0.0.1:{free_port()}",
                                 "--db", f"postgres://lotto@127.0.0.1:{hung.port}/lotto"],
                                env=dict(os.environ, SYNC_SCHEDULE="false", SECRET_KEY="hostile-" + "k" * 40),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
        took = time.perf_counter() - t0
    finally:
        hung.close()
    reason = [line for line in err.decode(errors="replace").splitlines() if "database" in line]
    ok = proc.returncode not in (0, None, -9) and took < 7 and bool(reason)
    print(f"db-hung: exit {proc.returncode} after {took:.2f} s: {reason[-1] if reason else '(no reason given)'}")
    print("db-hung: PASS" if ok else "db-hung: FAIL")
    return ok


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    runs = {"qr": qr, "trickle": trickle, "uploads": uploads, "heavy": heavy, "redis-hung": redis_hung, "redis-stopped": redis_stopped, "db-hung": db_hung, "pg-stopped": pg_stopped}
    if command not in runs:
        sys.exit(__doc__)
    arg = [int(a) for a in sys.argv[2:3]]
    sys.exit(0 if runs[command](*arg) else 1)
