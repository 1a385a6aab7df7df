"""The docker-compose topology, run natively (Docker cannot run on the build
machines): a real redis-server, three `lottopro serve` replicas on loopback
sharing one store and the Redis cache, and Debian's nginx with
deploy/nginx.conf rendered for loopback in front of them. The store is, in
turn, one SQLite file and a real PostgreSQL server started for the test
(`initdb` into a temporary folder, a free loopback port).

nginx sends to the balancer, deploy/haproxy.cfg on Debian's HAProxy, as in
docker-compose.yml. Checks: traffic through nginx reaches every replica; saved numbers written
through one replica are read back through any; a cache clear through one
replica is seen by the others; a client gets one rate-limit allowance
across the replicas; with PostgreSQL stopped under load, saves get 503
problem+json while reads keep working, and after its restart everything
recovers with no acknowledged save lost; a replica killed with SIGKILL
loses no acknowledged save and nginx keeps answering.
"""

import contextlib
import gzip
import itertools
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
from topology import (  # noqa: E402
    HAPROXY, Dns, Postgres, free_port, pg_binaries, render_nginx, replica_hosts, start_haproxy, stop, wait_for,
)
DATA = ROOT / "lottopro-core" / "data"
BIN = pathlib.Path(os.environ.get("LOTTOPRO_BIN", ROOT / "target" / "debug" / "lottopro"))
ADMIN = "scale-out-admin-token-0123456789"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server")

if not (pathlib.Path(NGINX).exists() and pathlib.Path(HAPROXY).exists() and REDIS):
    pytest.skip("nginx, haproxy and redis-server are not installed (.ci/run installs them)", allow_module_level=True)


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


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def topology(request):
    backend = request.param
    if backend == "postgres" and pg_binaries() is None:
        pytest.skip("postgresql is not installed (.ci/run installs it)")
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="lottopro-scale-"))
    procs = []
    pg = None
    try:
        redis_port = free_port()
        procs.append(subprocess.Popen(
            # A snapshot asked of it (a backup's) goes to the test's folder.
            [REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(tmp)],
            stdout=subprocess.DEVNULL,
        ))
        wait_for(redis_port, "redis-server")
        if backend == "postgres":
            pg = Postgres(tmp)
            db = pg.url
        else:
            db = str(tmp / "data" / "lottopro.db")
        subprocess.run(
            [str(BIN), "import", str(DATA / "kr_lotto_645.csv"), "--prizes",
             str(DATA / "kr_lotto_645_prizes.csv"), "--db", db],
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
        # Three replicas on one port at three loopback addresses, as
        # containers of one service are; the DNS server stands in for
        # Docker's and names them all `web`.
        replica_port = free_port()
        replicas = []
        for host in replica_hosts(3):
            proc = subprocess.Popen(
                [str(BIN), "serve", "--bind", f"{host}:{replica_port}", "--db", db],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            procs.append(proc)
            replicas.append((f"{host}:{replica_port}", proc))
        for addr, _ in replicas:
            wait_for(addr, "lottopro serve")
        dns = Dns({"web": [a.split(":")[0] for a, _ in replicas], "lb": ["127.0.0.1"]})
        # deploy/haproxy.cfg and deploy/nginx.conf, rendered for loopback:
        # nginx -> the balancer -> the replicas, as in docker-compose.yml.
        lb, lb_port = start_haproxy(tmp, dns.port, replica_port)
        procs.append(lb)
        nginx_port = free_port()
        (tmp / "nginx.conf").write_text(render_nginx(dns.port, lb_port, nginx_port))
        access = open(tmp / "access.log", "wb")
        procs.append(subprocess.Popen(
            [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
            stdout=access, stderr=subprocess.DEVNULL,
        ))
        wait_for(nginx_port, "nginx")
        # Every replica checked up by the balancer (rise 2, every second).
        deadline = time.time() + 15
        while time.time() < deadline and not all(route_requests(a, "GET /api/stats") for a, _ in replicas):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{nginx_port}/api/stats", timeout=10).read()
            time.sleep(0.05)
        yield Topology(f"http://127.0.0.1:{nginx_port}", replicas, pg, tmp / "access.log",
                       dns=dns, env=env, db=db, procs=procs, lb=f"127.0.0.1:{lb_port}")
    finally:
        stop(procs)
        if pg is not None:
            with contextlib.suppress(subprocess.CalledProcessError):
                pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


class Topology(tuple):
    """(front URL, replicas) as before, and the PostgreSQL server if any."""

    def __new__(cls, front, replicas, pg, access_log, **more):
        t = super().__new__(cls, (front, replicas))
        t.pg = pg
        t.access_log = access_log
        t.__dict__.update(more)
        return t


def admin(addr, path, method="GET"):
    return request(f"http://{addr}{path}", method,
                   headers={"Authorization": f"Bearer {ADMIN}"})


def route_requests(port, route):
    _, perf = admin(port, "/admin/performance")
    return sum(r["count"] for r in perf["routes"] if r["name"] == route)


def health_requests(port):
    return route_requests(port, "GET /api/health")


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
        status, listed = request(f"http://{port}/api/numbers", headers={"X-Client-Token": token})
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


def test_nginx_compresses_hides_its_version_and_logs_json(topology):
    front, replicas = topology
    req = urllib.request.Request(f"{front}/api/stats", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        assert r.headers["Server"] == "nginx", r.headers["Server"]
        body = r.read()
    assert json.loads(gzip.decompress(body))["draws"] == 1245
    # The access log: one JSON line per request, naming the balancer it went
    # through.
    time.sleep(0.2)
    lines = [json.loads(line) for line in topology.access_log.read_text().splitlines() if line.strip()]
    stats = [e for e in lines if e["uri"] == "/api/stats" and e["status"] == 200]
    assert stats, lines[-3:]
    assert stats[-1]["upstream"] == topology.lb and len(stats[-1]["request_id"]) == 32, stats[-1]
    assert float(stats[-1]["upstream_time"]) >= 0


def predictions_served(port):
    _, perf = admin(port, "/admin/performance")
    return sum(r["count"] for r in perf["routes"] if r["name"] == "POST /api/predict")


def test_a_client_gets_one_allowance_across_the_replicas(topology):
    front, replicas = topology
    # One client, as nginx names it (X-Forwarded-For), sent to each replica
    # in turn: nginx spreads requests at random, which would leave a replica
    # out of 12 requests now and then.
    client = {"X-Forwarded-For": "203.0.113.7"}
    answers = [request(f"http://{replicas[i % 3][0]}/api/predict", "POST", {"count": 1, "seed": i}, client)
               for i in range(12)]
    statuses = [status for status, _ in answers]
    assert statuses.count(200) == 5, statuses
    assert statuses.count(429) == 7, statuses
    # Every replica took part: the refusals are not one replica's own.
    assert all(predictions_served(port) > 0 for port, _ in replicas)
    for port, _ in replicas:
        _, perf = admin(port, "/admin/performance")
        assert perf["rate_limits"]["buckets"] == "redis", perf["rate_limits"]
    # And the refusal says when to come back (one prediction per 12 s).
    req = urllib.request.Request(f"http://{replicas[0][0]}/api/predict", data=b'{"count": 1}',
                                 headers={"Content-Type": "application/json", **client}, method="POST")
    try:
        urllib.request.urlopen(req, timeout=30)
        raise AssertionError("a sixth prediction within the minute was served")
    except urllib.error.HTTPError as e:
        assert e.code == 429 and 1 <= int(e.headers["Retry-After"]) <= 12


SAVED = itertools.count()


def saves(front, token, label, n, statuses):
    """`n` saves through nginx, each of another ticket (the same ticket for
    the same round is stored once); the labels of those acknowledged (201)."""
    done = []
    for i in range(n):
        k = next(SAVED)
        ticket = f"1 2 3 {4 + k // 25} {20 + k % 25} 45"
        status, body = request(f"{front}/api/numbers", "POST",
                               {"ticket": ticket, "label": f"{label}-{i}"},
                               headers={"X-Client-Token": token})
        statuses.append(status)
        if status == 201:
            done.append(f"{label}-{i}")
        elif status == 503:
            assert body["status"] == 503 and body["title"], body
    return done


def listed(front, token):
    status, body = request(f"{front}/api/numbers", headers={"X-Client-Token": token})
    assert status == 200, body
    return {n["label"] for n in body["numbers"]}


def test_postgres_stopped_under_load_and_back(topology):
    front, _ = topology
    if topology.pg is None:
        pytest.skip("the SQLite file cannot be stopped apart from the replicas")
    status, first = request(f"{front}/api/numbers", "POST", {"ticket": "1 2 3 4 5 6", "label": "owner"})
    assert status == 201
    token = first["token"]
    # Readers keep the replicas busy through the whole outage.
    stop = threading.Event()
    reads = []

    def reader():
        while not stop.is_set():
            reads.append(request(f"{front}/api/stats")[0])

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for t in readers:
        t.start()
    statuses = []
    acknowledged = ["owner"] + saves(front, token, "before", 20, statuses)
    topology.pg.stop()
    # Saves need the database: 503 problem+json. Reads that do not keep working.
    during = []
    saves(front, token, "during", 10, during)
    assert set(during) == {503}, during
    for _ in range(10):
        assert request(f"{front}/api/stats")[0] == 200
        assert request(f"{front}/api/health")[0] == 200
    status, ready = request(f"{front}/api/ready")
    assert status == 503 and ready["store"]["state"] == "down", ready
    topology.pg.start()
    # Every replica, not the first to answer: six ready answers in a row
    # through the balancer's round robin are two of each of the three.
    deadline, ready_in_a_row = time.time() + 10, 0
    while ready_in_a_row < 6:
        assert time.time() < deadline, "the replicas did not reconnect within 10 s"
        if request(f"{front}/api/ready")[0] == 200:
            ready_in_a_row += 1
        else:
            ready_in_a_row = 0
            time.sleep(0.2)
    after = []
    acknowledged += saves(front, token, "after", 20, after)
    stop.set()
    for t in readers:
        t.join()
    assert after == [201] * 20, after
    assert len(reads) > 20 and set(reads) == {200}, sorted(set(reads))
    assert set(acknowledged) <= listed(front, token)


def test_the_balancer_follows_a_replica_to_its_new_address(topology):
    """A redeploy gives a replica a new address: the balancer asks the DNS
    again (every 2 s), sends traffic there and, once the old addresses have
    been gone for 5 s, only there, with no reload and no failed request."""
    front, replicas = topology
    port = replicas[0][0].split(":")[1]
    moved = f"{replica_hosts(4)[3]}:{port}"
    proc = subprocess.Popen([str(BIN), "serve", "--bind", moved, "--db", topology.db],
                            env=topology.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    topology.procs.append(proc)
    wait_for(moved, "lottopro serve")
    old = topology.dns.records["web"]
    topology.dns.records["web"] = [moved.split(":")[0]]
    try:
        statuses = []
        deadline = time.time() + 20
        while health_requests(moved) < 5 and time.time() < deadline:
            statuses.append(request(f"{front}/api/health")[0])
            time.sleep(0.1)
        assert health_requests(moved) >= 5, "the balancer never sent traffic to the new address"
        assert set(statuses) == {200}, statuses
        # Once the old addresses are dropped, every request goes to the new
        # address only.
        deadline = time.time() + 15
        while True:
            before = [health_requests(a) for a, _ in replicas]
            for _ in range(10):
                assert request(f"{front}/api/health")[0] == 200
            if [health_requests(a) for a, _ in replicas] == before:
                break
            assert time.time() < deadline, "the old addresses still get requests"
            time.sleep(0.5)
    finally:
        topology.dns.records["web"] = old
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        time.sleep(6)  # the old answer expires again before the next test


def test_a_killed_replica_loses_no_acknowledged_save_and_nginx_keeps_answering(topology):
    front, replicas = topology
    status, first = request(f"{front}/api/numbers", "POST", {"ticket": "1 2 3 4 5 6", "label": "k"})
    assert status == 201
    token = first["token"]
    statuses = []
    acknowledged = ["k"] + saves(front, token, "pre", 15, statuses)
    _, victim = replicas[0]
    victim.kill()
    victim.wait()
    acknowledged += saves(front, token, "post", 15, statuses)
    assert set(statuses) == {201}, statuses
    assert set(acknowledged) <= listed(front, token)
    statuses = [request(f"{front}/api/health")[0] for _ in range(30)]
    assert statuses == [200] * 30
