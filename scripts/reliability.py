#!/usr/bin/env python3
"""Load and fault scripts for `lottopro serve` (Python standard library only).

    scripts/load-test          50 connections for 60 s over a mix of routes (wrk):
                               zero errors, memory flat (RSS at the end within 10 %
                               of the highest RSS of the run's first half: a leak
                               grows past it, an allocator's jitter does not)
    scripts/redis-outage       the same load with CACHE_TYPE=tiered while a real
                               redis-server is killed and brought back: no failed
                               request; /api/health degraded while Redis is down and
                               healthy again after, without a restart
    scripts/power-cut          20 times: 1,000 saved-number writes, SIGKILL at a random
                               moment, restart: every acknowledged write is there and
                               the database passes PRAGMA integrity_check
    scripts/scale-load         50 connections for 30 s over the mix plus saves,
                               through nginx to three replicas on PostgreSQL (and
                               Redis when installed), then the same against one
                               replica on SQLite: zero errors on both; req/s and
                               p99 side by side
    scripts/stall-test         20 clients sending the most expensive requests the
                               limits allow while one light client calls /api/check
                               and /: the light calls' p99 stays under 250 ms, every
                               heavy request completes or gets 503/429 with
                               Retry-After, and once the heavy clients hang up the
                               process is idle again within 2 s (CPU from /proc)

Each prints its figures and exits non-zero on a failed check. They use the
release binary (built on demand), the real history that ships in lottopro-core/data, and
free loopback ports; nothing outside a temporary folder is touched.
"""

import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from topology import Dns, Postgres, free_port, render_nginx, replica_hosts, stop, wait_for  # noqa: E402
DATA = ROOT / "lottopro-core" / "data"
# LOTTOPRO_BIN picks another build (scripts/test uses the debug one).
BIN = Path(os.environ.get("LOTTOPRO_BIN", ROOT / "target" / "release" / "lottopro"))

MIX_LUA = r"""
-- A mix of the service's routes, taken in turn by each connection.
local requests = {
  {"GET", "/api/stats", nil},
  {"GET", "/api/health", nil},
  {"GET", "/api/draws/latest", nil},
  {"POST", "/api/predict", '{"model": "frequency", "count": 5}'},
  {"POST", "/api/predict", '{"model": "ml", "count": 3, "user_numbers": [7]}'},
  {"POST", "/api/tax", '{"amount": 1000000000}'},
  {"GET", "/api/odds?game=powerball", nil},
  {"POST", "/api/check", '{"ticket": "4 5 25 28 32 12", "round": 1245}'},
  {"GET", "/api/draws?limit=20", nil},
}
local i = 0
request = function()
  i = i + 1
  local r = requests[(i % #requests) + 1]
  local headers = {}
  if r[3] then headers["Content-Type"] = "application/json" end
  return wrk.format(r[1], r[2], headers, r[3])
end
"""


def wait_port(port, what, timeout=20):
    try:
        wait_for(port, what, timeout)
    except RuntimeError as e:
        sys.exit(str(e))


def call(port, method, path, body=None, headers=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


SAVE_LUA = MIX_LUA.replace(
    '  {"GET", "/api/draws?limit=20", nil},',
    '  {"GET", "/api/draws?limit=20", nil},\n'
    '  {"POST", "/api/numbers", \'{"ticket": "3 11 17 25 33 41", "label": "load"}\'},',
)


def build():
    if "LOTTOPRO_BIN" in os.environ:
        return
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "lottopro-http"], cwd=ROOT, check=True)


def serve(tmp, port, env=None, history=True):
    args = [str(BIN), "serve", "--bind", f"127.0.0.1:{port}", "--db", str(Path(tmp) / "lp.db")]
    if history:
        args += ["--history", str(DATA / "kr_lotto_645.csv"), "--prizes", str(DATA / "kr_lotto_645_prizes.csv")]
    full_env = dict(os.environ, RATE_LIMIT_ENABLED="false", SYNC_SCHEDULE="false", MONITOR_INTERVAL="1")
    full_env.update(env or {})
    proc = subprocess.Popen(args, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port, "lottopro serve")
    return proc


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(port, seconds, connections, lua):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", lua, f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, check=True,
    ).stdout
    figures = {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        # The lines of wrk's latency distribution ("     50%    1.49ms"), not
        # a "+/- Stdev" column that happens to end in 50%.
        "p50": re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1),
        "p99": re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1),
        "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
        "socket_errors": re.search(r"Socket errors: (.*)", out).group(1) if "Socket errors" in out else "none",
    }
    return figures


def load_test(seconds=60, connections=50):
    build()
    with tempfile.TemporaryDirectory() as tmp:
        lua = Path(tmp) / "mix.lua"
        lua.write_text(MIX_LUA)
        port = free_port()
        proc = serve(tmp, port)
        try:
            wrk(port, 10, connections, lua)  # warm-up: caches, allocator, threads
            warm = rss_mb(proc.pid)
            # RSS each second of the run. The allocator (mimalloc) moves a
            # few MB up and down as threads take and give back pages, so the
            # end is held against the first half's highest reading, which a
            # leak outgrows and jitter does not.
            samples, done = [], threading.Event()

            def sample():
                while not done.wait(1.0):
                    samples.append(rss_mb(proc.pid))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            f = wrk(port, seconds, connections, lua)
            done.set()
            sampler.join()
            end = rss_mb(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    first_half = max(samples[: max(1, len(samples) // 2)], default=warm)
    growth = (end - first_half) / first_half * 100
    print(f"load: {connections} connections, {seconds} s, mix of 9 requests")
    print(f"  {f['requests']} requests, {f['rps']:.0f} req/s, p50 {f['p50']}, p99 {f['p99']}")
    print(f"  errors: non-2xx {f['non_2xx']}, socket {f['socket_errors']}")
    print(f"  RSS after warm-up {warm:.1f} MB, highest in the first half {first_half:.1f} MB, "
          f"at the end {end:.1f} MB ({growth:+.1f} %)")
    ok = f["non_2xx"] == 0 and f["socket_errors"] == "none" and abs(growth) <= 10
    print("load: PASS" if ok else "load: FAIL")
    return ok


def redis_outage(seconds=30, connections=50):
    build()
    with tempfile.TemporaryDirectory() as tmp:
        lua = Path(tmp) / "mix.lua"
        lua.write_text(MIX_LUA)
        redis_port = free_port()
        redis_args = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        redis = subprocess.Popen(redis_args, stdout=subprocess.DEVNULL)
        wait_port(redis_port, "redis-server")
        port = free_port()
        proc = serve(tmp, port, {"CACHE_TYPE": "tiered", "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0"})
        # The first predictions compute every model's backtest (seconds on a
        # debug build): warm the caches first, so that what is measured is
        # the outage, not the cold start.
        wrk(port, 3, connections, lua)
        states = []
        result = {}
        load = threading.Thread(target=lambda: result.update(wrk(port, seconds, connections, lua)))
        try:
            load.start()
            start = time.time()
            time.sleep(seconds * 0.25)
            redis.kill()
            redis.wait()
            down_at = time.time() - start
            while time.time() - start < seconds * 0.6:
                states.append(("down", call(port, "GET", "/api/health")[1]["status"]))
                time.sleep(0.5)
            redis = subprocess.Popen(redis_args, stdout=subprocess.DEVNULL)
            wait_port(redis_port, "redis-server")
            up_at = time.time() - start
            while time.time() - start < seconds * 0.95:
                states.append(("up", call(port, "GET", "/api/health")[1]["status"]))
                time.sleep(0.5)
            # The cache retries Redis at most every 5 s (MAX_BACKOFF in
            # lottopro-core/src/cache/tiered.rs): allow that much, and no more,
            # for a recovery that the window above did not see.
            deadline = up_at + 5 + 2
            while states[-1] != ("up", "ok") and time.time() - start < deadline:
                time.sleep(0.5)
                states.append(("up", call(port, "GET", "/api/health")[1]["status"]))
            load.join()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
            redis.kill()
    degraded_while_down = any(s == "degraded" for phase, s in states if phase == "down")
    healthy_after = [s for phase, s in states if phase == "up"][-1:] == ["ok"]
    print(f"redis outage: {connections} connections for {seconds} s; redis killed at {down_at:.1f} s, back at {up_at:.1f} s")
    print(f"  {result['requests']} requests, {result['rps']:.0f} req/s, p99 {result['p99']}")
    print(f"  errors: non-2xx {result['non_2xx']}, socket {result['socket_errors']}")
    print(f"  /api/health while down: {sorted(set(s for p, s in states if p == 'down'))}; "
          f"after: {[s for p, s in states if p == 'up'][-3:]}")
    ok = result["non_2xx"] == 0 and result["socket_errors"] == "none" and degraded_while_down and healthy_after
    print("redis outage: PASS" if ok else "redis outage: FAIL")
    return ok


def power_cut(rounds=20, writes=1000):
    build()
    failures = 0
    lost_total = 0
    acknowledged_total = 0
    for n in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            proc = serve(tmp, port, history=False)
            status, first = call(port, "POST", "/api/numbers", {"ticket": "1 2 3 4 5 6", "label": "w0"})
            assert status == 201, first
            token = first["token"]
            acknowledged = ["w0"]
            stop = threading.Event()

            def client():
                for i in range(1, writes):
                    if stop.is_set():
                        return
                    try:
                        s, _ = call(port, "POST", "/api/numbers",
                                    {"ticket": f"1 2 3 4 5 {6 + i % 39}", "label": f"w{i}"},
                                    {"X-Client-Token": token}, timeout=5)
                    except OSError:
                        return
                    if s == 201:
                        acknowledged.append(f"w{i}")

            t = threading.Thread(target=client)
            t.start()
            # A random moment while the writes are going on: after a random
            # number of them, plus a random fraction of one more.
            cut_after = random.randrange(1, writes - 1)
            while len(acknowledged) < cut_after and t.is_alive():
                time.sleep(0.0005)
            time.sleep(random.uniform(0, 0.003))
            proc.send_signal(signal.SIGKILL)  # the power cut
            proc.wait()
            stop.set()
            t.join()
            proc = serve(tmp, port, history=False)
            _, listed = call(port, "GET", "/api/numbers", headers={"X-Client-Token": token})
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
            stored = {s["label"] for s in listed["numbers"]}
            lost = [a for a in acknowledged if a not in stored]
            verdict = sqlite3.connect(Path(tmp) / "lp.db").execute("PRAGMA integrity_check").fetchone()[0]
            print(f"  cut {n + 1:2}: {len(acknowledged):4} acknowledged, {len(stored):4} stored, "
                  f"{len(lost)} lost, integrity {verdict}")
            lost_total += len(lost)
            acknowledged_total += len(acknowledged)
            if lost or verdict != "ok":
                failures += 1
    print(f"power cut: {rounds} cuts, {acknowledged_total} acknowledged writes, {lost_total} lost")
    print("power cut: PASS" if failures == 0 else "power cut: FAIL")
    return failures == 0


def cpu_seconds(pid):
    """User plus system CPU time of `pid` so far, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def heavy_request(i):
    """The most expensive requests the HTTP limits allow, each with a new seed
    so that no cache answers it."""
    seed = random.randrange(1 << 40)
    kind = i % 3
    if kind == 0:
        return "GET", f"/api/backtest?model=all&tickets=10&warmup=0&seed={seed}", None
    if kind == 1:
        body = {"method": "per-ticket", "trials": 1000, "draws": 5200, "tickets_per_draw": 10, "seed": seed}
        return "POST", "/api/simulate", body
    return "POST", "/api/wheel", {"numbers": list(range(1, 21)), "guarantee": "5if6", "seed": seed}


def raw_request(method, path, body):
    data = json.dumps(body).encode() if body is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
    return head.encode() + b"\r\n" + data


def stall(seconds=20, clients=20):
    build()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        proc = serve(tmp, port, env={"CACHE_WARMING": "false"})
        try:
            # Warm what every page shows, so the light calls measure waiting, not a first fit.
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120).read()
            stop = threading.Event()
            statuses, missing_retry = {}, []
            lock = threading.Lock()

            def heavy(i):
                n = i
                while not stop.is_set():
                    method, path, body = heavy_request(n)
                    n += clients
                    try:
                        with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
                            s.sendall(raw_request(method, path, body))
                            answer = b""
                            while chunk := s.recv(65536):
                                answer += chunk
                    except OSError:
                        continue
                    head = answer.split(b"\r\n\r\n", 1)[0].decode(errors="replace")
                    status = int(head.split()[1]) if head.startswith("HTTP/") else 0
                    with lock:
                        statuses[status] = statuses.get(status, 0) + 1
                        if status in (429, 503) and "retry-after:" not in head.lower():
                            missing_retry.append(head)

            workers = [threading.Thread(target=heavy, args=(i,), daemon=True) for i in range(clients)]
            for w in workers:
                w.start()
            time.sleep(1)
            light = []
            end = time.time() + seconds
            while time.time() < end:
                for method, path, body in (
                    ("POST", "/api/check", {"ticket": "4 5 25 28 32 12", "round": 1245}),
                    ("GET", "/", None),
                ):
                    t0 = time.perf_counter()
                    req = urllib.request.Request(
                        f"http://127.0.0.1:{port}{path}", method=method,
                        data=json.dumps(body).encode() if body else None,
                        headers={"Content-Type": "application/json"} if body else {},
                    )
                    with urllib.request.urlopen(req, timeout=30) as r:
                        r.read()
                        assert r.status == 200, (path, r.status)
                    light.append((time.perf_counter() - t0) * 1000)
            stop.set()
            for w in workers:
                w.join(timeout=120)
            # Now clients that hang up: each starts heavy work and leaves after a second.
            hung = []
            for i in range(clients):
                s = socket.create_connection(("127.0.0.1", port))
                s.sendall(raw_request(*heavy_request(i)))
                hung.append(s)
            time.sleep(1)
            for s in hung:
                s.close()
            left = time.perf_counter()
            idle_after = None
            previous = cpu_seconds(proc.pid)
            while time.perf_counter() - left < 10:
                time.sleep(0.25)
                now = cpu_seconds(proc.pid)
                if now - previous < 0.25 * 0.1:  # under 10 % of one core
                    idle_after = time.perf_counter() - left - 0.25
                    break
                previous = now
        finally:
            proc.kill()
            proc.wait()
    light.sort()
    p99 = light[min(len(light) - 1, int(len(light) * 0.99))]
    p50 = light[len(light) // 2]
    print(f"stall: {clients} heavy clients for {seconds} s; light calls {len(light)}, p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    print(f"stall: heavy answers by status {dict(sorted(statuses.items()))}")
    print(f"stall: idle {idle_after:.2f} s after the clients hung up" if idle_after is not None else "stall: still busy 10 s after the clients hung up")
    ok = (
        p99 < 250
        and set(statuses) <= {200, 429, 503}
        and not missing_retry
        and idle_after is not None
        and idle_after <= 2.0
    )
    print("stall: PASS" if ok else "stall: FAIL")
    return ok


def scale_load(seconds=30, connections=50):
    """See the module docs: three replicas on PostgreSQL behind nginx, then
    one replica on SQLite, under the same mix with saves."""
    build()
    import shutil

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    redis = shutil.which("redis-server")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lua = tmp / "mix.lua"
        lua.write_text(SAVE_LUA)
        # One replica on SQLite.
        (tmp / "single").mkdir()
        port = free_port()
        proc = serve(tmp / "single", port)
        try:
            wrk(port, 5, connections, lua)
            results["1 replica, SQLite"] = wrk(port, seconds, connections, lua)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        # Three replicas on PostgreSQL (and Redis) behind nginx.
        pg = Postgres(tmp)
        procs = []
        try:
            subprocess.run([str(BIN), "import", str(DATA / "kr_lotto_645.csv"), "--prizes",
                            str(DATA / "kr_lotto_645_prizes.csv"), "--db", pg.url],
                           check=True, stdout=subprocess.DEVNULL)
            env = dict(os.environ, RATE_LIMIT_ENABLED="false", SYNC_SCHEDULE="false", CACHE_WARMING="false",
                       SECRET_KEY="scale-load-shared-secret-0123456789", TRUST_PROXY="true")
            if redis:
                redis_port = free_port()
                procs.append(subprocess.Popen([redis, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                               "--appendonly", "no"], stdout=subprocess.DEVNULL))
                wait_port(redis_port, "redis-server")
                env.update(CACHE_TYPE="tiered", REDIS_URL=f"redis://127.0.0.1:{redis_port}/0")
            # One port at three loopback addresses, named `web` by a local
            # DNS server, as in deploy/nginx.conf.
            replica_port = free_port()
            hosts = replica_hosts(3)
            for host in hosts:
                procs.append(subprocess.Popen([str(BIN), "serve", "--bind", f"{host}:{replica_port}", "--db", pg.url],
                                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            for host in hosts:
                wait_for(f"{host}:{replica_port}", "lottopro serve")
            dns = Dns({"web": hosts})
            front = free_port()
            (tmp / "nginx.conf").write_text(render_nginx(dns.port, replica_port, front, upstream="web"))
            # nginx writes its JSON access log to stdout: one line a request.
            procs.append(subprocess.Popen([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_port(front, "nginx")
            wrk(front, 5, connections, lua)
            results["3 replicas, PostgreSQL, nginx"] = wrk(front, seconds, connections, lua)
        finally:
            stop(procs, timeout=30)
            pg.stop()
    print(f"scale-load: {connections} connections, {seconds} s, the mix of 10 requests (saves included)")
    ok = True
    for name, f in results.items():
        print(f"  {name}: {f['requests']} requests, {f['rps']:.0f} req/s, p50 {f['p50']}, p99 {f['p99']}, "
              f"non-2xx {f['non_2xx']}, socket errors {f['socket_errors']}")
        ok = ok and f["non_2xx"] == 0 and f["socket_errors"] == "none"
    print("scale-load: PASS" if ok else "scale-load: FAIL")
    return ok


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    runs = {"load": load_test, "redis-outage": redis_outage, "power-cut": power_cut, "stall": stall,
            "scale-load": scale_load}
    if command not in runs:
        sys.exit(__doc__)
    # An optional length in seconds (load, redis-outage) or cuts (power-cut).
    arg = [int(a) for a in sys.argv[2:3]]
    sys.exit(0 if runs[command](*arg) else 1)
