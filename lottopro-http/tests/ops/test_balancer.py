"""The shipped balancer (deploy/haproxy.cfg, Debian's HAProxy) in front of two
replicas on loopback, found through a DNS stand-in as Docker's DNS names a
service's containers: a replica stopped by SIGSTOP (it accepts connections
and never answers) costs at most the first request a timeout and is then
skipped; continued, it is sent requests again; a replica that appears in
the DNS answer is followed without a reload.
"""

import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
from topology import HAPROXY, Dns, free_port, replica_hosts, start_haproxy, stop, wait_for  # noqa: E402

BIN = pathlib.Path(os.environ.get("LOTTOPRO_BIN", ROOT / "target" / "debug" / "lottopro"))
ADMIN = "balancer-admin-token-0123456789ab"

if not pathlib.Path(HAPROXY).exists():
    pytest.skip("haproxy is not installed (.ci/run installs it)", allow_module_level=True)


def get(url, timeout=30):
    """(status, seconds) of a GET."""
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    except OSError:
        status = 0
    return status, time.perf_counter() - t0


def served(addr):
    """`GET /api/stats` requests a replica has answered."""
    req = urllib.request.Request(f"http://{addr}/admin/performance", headers={"Authorization": f"Bearer {ADMIN}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        import json
        perf = json.loads(r.read())
    return sum(r["count"] for r in perf["routes"] if r["name"] == "GET /api/stats")


@pytest.fixture
def pair():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="lottopro-lb-"))
    procs = []
    try:
        env = dict(os.environ, SECRET_KEY="balancer-test-secret-0123456789abcdef", ADMIN_TOKEN=ADMIN,
                   RATE_LIMIT_ENABLED="false", SYNC_SCHEDULE="false", CACHE_WARMING="false",
                   TRUST_PROXY="true")
        port = free_port()
        hosts = replica_hosts(3)
        for host in hosts:
            procs.append(subprocess.Popen([str(BIN), "serve", "--bind", f"{host}:{port}",
                                           "--db", str(tmp / f"{host}.db")],
                                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for host in hosts:
            wait_for(f"{host}:{port}", "lottopro serve", timeout=60)
        # Two replicas named `web`; the third joins later.
        dns = Dns({"web": hosts[:2]})
        lb, lb_port = start_haproxy(tmp, dns.port, port, log=open(tmp / "haproxy.log", "w"))
        procs.append(lb)
        front = f"http://127.0.0.1:{lb_port}"
        # Both checked up (rise 2, every second), both warm.
        deadline = time.time() + 15
        while time.time() < deadline and not all(served(f"{h}:{port}") for h in hosts[:2]):
            get(f"{front}/api/stats")
            time.sleep(0.1)
        assert all(served(f"{h}:{port}") for h in hosts[:2]), "both replicas answer through the balancer"
        yield front, [f"{h}:{port}" for h in hosts], procs, dns, tmp
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGCONT)
        stop(procs)
        shutil.rmtree(tmp, ignore_errors=True)


def test_a_hung_replica_costs_at_most_the_first_request_and_comes_back(pair):
    front, replicas, procs, _, tmp = pair
    hung, other = procs[0], replicas[1]
    hung.send_signal(signal.SIGSTOP)
    try:
        answers = [get(f"{front}/api/stats") for _ in range(30)]
        slow = [t for _, t in answers if t > 1.0]
        assert {s for s, _ in answers} == {200}, answers
        assert len(slow) <= 1, f"{len(slow)} requests waited: {[round(t, 2) for t in slow]}"
        # A save (not retried after a timeout) is served by the other one too.
        req = urllib.request.Request(f"{front}/api/numbers", method="POST",
                                     data=b'{"ticket": "1 2 3 4 5 6"}', headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            assert r.status == 201
    finally:
        hung.send_signal(signal.SIGCONT)
    before = served(replicas[0])
    deadline = time.time() + 15
    while served(replicas[0]) == before and time.time() < deadline:
        assert get(f"{front}/api/stats")[0] == 200
        time.sleep(0.1)
    assert served(replicas[0]) > before, "the replica is sent requests again once it answers"
    print(f"balancer: first request after SIGSTOP {answers[0][1]:.2f} s; slowest of the rest "
          f"{max(t for _, t in answers[1:]):.3f} s; {len(slow)} of 30 over 1 s; "
          f"back after SIGCONT within {15 - (deadline - time.time()):.1f} s; {other} served the rest")


def test_a_replica_added_to_the_name_is_followed_without_a_reload(pair):
    front, replicas, _, dns, _ = pair
    dns.records["web"] = [r.split(":")[0] for r in replicas]
    deadline = time.time() + 20
    while served(replicas[2]) == 0 and time.time() < deadline:
        assert get(f"{front}/api/stats")[0] == 200
        time.sleep(0.1)
    assert served(replicas[2]) > 0, "the third replica is found through the DNS"
