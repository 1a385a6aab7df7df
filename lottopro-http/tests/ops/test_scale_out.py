"""The docker-compose topology, run natively (Docker cannot run on the build
machines): a real redis-server, three `lottopro serve` replicas on loopback
sharing one SQLite database and the Redis cache, and Debian's nginx with
deploy/nginx.conf rendered for loopback in front of them.

Checks: traffic through nginx reaches every replica; saved numbers written
through one replica are read back through any; a cache clear through one
replica is seen by the others; with a replica killed, nginx keeps answering.
"""

import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
DATA = ROOT / "lottopro-core" / "data"
BIN = pathlib.Path(os.environ.get("LOTTOPRO_BIN", ROOT / "target" / "debug" / "lottopro"))
ADMIN = "scale-out-admin-token-0123456789"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server")

if not (pathlib.Path(NGINX).exists() and REDIS):
    pytest.skip("nginx and redis-server are not installed (.ci/run installs them)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, what: str) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not start on port {port}")


def request(url, method="GET", body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


@pytest.fixture(scope="module")
def topology():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="lottopro-scale-"))
    procs = []
    try:
        redis_port = free_port()
        procs.append(subprocess.Popen(
            [REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        ))
        wait_for(redis_port, "redis-server")
        db = tmp / "data" / "lottopro.db"
        subprocess.run(
            [str(BIN), "import", str(DATA / "kr_lotto_645.csv"), "--prizes",
             str(DATA / "kr_lotto_645_prizes.csv"), "--db", str(db)],
            check=True, stdout=subprocess.DEVNULL,
        )
        env = dict(
            os.environ,
            CACHE_TYPE="tiered",
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            SECRET_KEY="scale-out-shared-secret-0123456789",
            ADMIN_TOKEN=ADMIN,
            TRUST_PROXY="true",
            SYNC_SCHEDULE="false",
            CACHE_WARMING="false",
            # One allowance per client across the replicas (buckets in
            # Redis); saves are left free for the other tests.
            RATE_LIMIT_ENABLED="true",
            RATE_LIMIT_PREDICT="5/minute",
            RATE_LIMIT_SAVE_NUMBERS="1000/minute",
        )
        replicas = []
        for _ in range(3):
            port = free_port()
            proc = subprocess.Popen(
                [str(BIN), "serve", "--bind", f"127.0.0.1:{port}", "--db", str(db)],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            procs.append(proc)
            replicas.append((port, proc))
        for port, _ in replicas:
            wait_for(port, "lottopro serve")
        # deploy/nginx.conf, rendered for loopback.
        nginx_port = free_port()
        conf = (ROOT / "deploy" / "nginx.conf").read_text()
        upstream = "\n".join(
            f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p, _ in replicas
        )
        lines = []
        for line in conf.splitlines():
            if "# rendered" in line and line.strip().startswith("server "):
                lines.append(upstream)
            elif "# rendered" in line and line.strip().startswith("listen "):
                lines.append(f"        listen 127.0.0.1:{nginx_port};")
            else:
                lines.append(line)
        (tmp / "nginx.conf").write_text("\n".join(lines) + "\n")
        procs.append(subprocess.Popen(
            [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
            stderr=subprocess.DEVNULL,
        ))
        wait_for(nginx_port, "nginx")
        yield f"http://127.0.0.1:{nginx_port}", replicas
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def admin(port, path, method="GET"):
    return request(f"http://127.0.0.1:{port}{path}", method,
                   headers={"Authorization": f"Bearer {ADMIN}"})


def health_requests(port):
    _, perf = admin(port, "/admin/performance")
    return sum(r["count"] for r in perf["routes"] if r["name"] == "GET /api/health")


def test_nginx_spreads_traffic_and_replicas_share_state(topology):
    front, replicas = topology
    for _ in range(60):
        status, body = request(f"{front}/api/health")
        assert status == 200 and body["draws"] == 1245
    served = [health_requests(port) for port, _ in replicas]
    assert sum(served) == 60
    assert all(n > 0 for n in served), f"every replica served: {served}"

    # Saved numbers written through one replica are there through all.
    status, saved = request(f"{front}/api/numbers", "POST", {"ticket": "3 11 17 25 33 41", "label": "shared"})
    assert status == 201
    token = saved["token"]
    for port, _ in replicas:
        status, listed = request(f"http://127.0.0.1:{port}/api/numbers", headers={"X-Client-Token": token})
        assert status == 200 and [n["label"] for n in listed["numbers"]] == ["shared"]

    # A cache clear through one replica is seen by the others (shared Redis).
    for _ in range(6):
        assert request(f"{front}/api/stats")[0] == 200
    (a, _), (b, _), _ = replicas
    _, info = admin(b, "/admin/cache/info")
    redis_tier = next(t for t in info["cache"]["tiers"] if t["tier"] == "redis")
    assert redis_tier["entries"] >= 1
    assert admin(a, "/admin/cache/clear", "POST")[0] == 200
    _, info = admin(b, "/admin/cache/info")
    redis_tier = next(t for t in info["cache"]["tiers"] if t["tier"] == "redis")
    assert redis_tier["entries"] == 0, info


def predictions_served(port):
    _, perf = admin(port, "/admin/performance")
    return sum(r["count"] for r in perf["routes"] if r["name"] == "POST /api/predict")


def test_a_client_gets_one_allowance_across_the_replicas(topology):
    front, replicas = topology
    answers = [request(f"{front}/api/predict", "POST", {"count": 1, "seed": i}) for i in range(12)]
    statuses = [status for status, _ in answers]
    assert statuses.count(200) == 5, statuses
    assert statuses.count(429) == 7, statuses
    # Every replica took part: the refusals are not one replica's own.
    assert all(predictions_served(port) > 0 for port, _ in replicas)
    for port, _ in replicas:
        _, perf = admin(port, "/admin/performance")
        assert perf["rate_limits"]["buckets"] == "redis", perf["rate_limits"]
    # And the refusal says when to come back (one prediction per 12 s).
    req = urllib.request.Request(f"{front}/api/predict", data=b'{"count": 1}',
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        urllib.request.urlopen(req, timeout=30)
        raise AssertionError("a sixth prediction within the minute was served")
    except urllib.error.HTTPError as e:
        assert e.code == 429 and 1 <= int(e.headers["Retry-After"]) <= 12


def test_nginx_keeps_answering_with_a_replica_killed(topology):
    front, replicas = topology
    _, victim = replicas[0]
    victim.kill()
    victim.wait()
    statuses = [request(f"{front}/api/health")[0] for _ in range(30)]
    assert statuses == [200] * 30
