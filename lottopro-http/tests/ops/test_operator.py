"""The operator's commands under the environment the shipped packaging
gives them: the container image's `ENV` (read from the Dockerfile) and a
compose service's `environment:` (read from docker-compose.yml, with its
`${VAR:-}` expanded as Compose does: an optional variable the `.env` file
leaves out arrives as an empty string). Docker cannot run on the build
machines, so the binary runs natively with exactly those variables, the
container's folders (/data, /backups) mapped to a temporary folder and the
Redis host to a local redis-server.

- `serve`, `backup` (three times: BACKUP_KEEP archives kept), `backup
  --daemon` (its scheduled run) and `restore` with every optional variable
  empty: no panic, each does its work and says so;
- with S3 and the report configured in `.env` and the region left out: the
  archive goes up and the report goes out;
- DATABASE_URL wins over the image's LOTTOPRO_DB, and the conflict is logged.
"""

import json
import os
import pathlib
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
from topology import Smtp, free_port, stop, wait_for  # noqa: E402

BIN = pathlib.Path(os.environ.get("LOTTOPRO_BIN", ROOT / "target" / "debug" / "lottopro"))
REDIS = shutil.which("redis-server")
MOTO = pathlib.Path(sys.executable).parent / "moto_server"
SECRETS = {"SECRET_KEY": "operator-test-secret-0123456789abcdef", "ADMIN_TOKEN": "operator-admin-token-0123456789ab"}


def image_env():
    """The Dockerfile's `ENV` of the final stage."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    final = text.split("\nFROM ")[-1]
    env = {}
    for line in final.splitlines():
        if line.startswith("ENV "):
            env.update(dict(pair.split("=", 1) for pair in line[4:].split()))
    return env


def interpolate(value, dotenv):
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?message}` against
    a `.env` file holding `dotenv`."""
    def one(m):
        name, op, arg = m.group(1), m.group(2), m.group(3) or ""
        if dotenv.get(name):
            return dotenv[name]
        if op == ":?":
            raise AssertionError(f"compose refuses to start: {arg}")
        return arg if op == ":-" else ""
    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, str(value))


def compose_env(service, dotenv, tmp, redis_port):
    """What the container of `service` sees, mapped onto this machine."""
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = {"PATH": os.environ["PATH"], **image_env()}
    for name, value in doc["services"][service]["environment"].items():
        env[name] = interpolate(value, dotenv)
    for name, value in env.items():
        for folder in ("/data", "/backups"):
            if value == folder or value.startswith(folder + "/"):
                env[name] = str(tmp) + value
        if value.startswith("redis://redis:6379"):
            env[name] = value.replace("redis:6379", f"127.0.0.1:{redis_port}")
    return env


def archives(folder):
    return sorted(folder.glob("lottopro-*.tar.gz"))


@pytest.fixture()
def tmp():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="lottopro-operator-"))
    (folder / "data").mkdir()
    (folder / "backups").mkdir()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture()
def redis_port(tmp):
    if not REDIS:
        pytest.skip("redis-server is needed (.ci/run installs it)")
    port = free_port()
    # Its snapshot (the backup asks for one) goes to the test's folder.
    proc = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp)],
                            stdout=subprocess.DEVNULL)
    wait_for(port, "redis-server")
    yield port
    stop([proc])


def serve_once(env, tmp):
    """`serve` under `env` until it is ready; one ticket saved; stopped."""
    port = free_port()
    env = dict(env, LOTTOPRO_BIND=f"127.0.0.1:{port}", CACHE_WARMING="false", SYNC_SCHEDULE="false")
    log = open(tmp / "serve.log", "w")
    proc = subprocess.Popen([str(BIN), "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(port, "lottopro serve", timeout=60)
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/numbers", method="POST",
            data=b'{"ticket": "3 11 17 25 33 41", "label": "mine"}',
            headers={"Content-Type": "application/json"},
        )
        assert urllib.request.urlopen(req, timeout=10).status in (200, 201)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, (tmp / "serve.log").read_text()
    assert "panicked" not in (tmp / "serve.log").read_text()


def test_serve_backup_daemon_and_restore_with_the_optional_variables_empty(tmp, redis_port):
    dotenv = dict(SECRETS)  # only what compose requires
    web = compose_env("web", dotenv, tmp, redis_port)
    backup = compose_env("backup", dotenv, tmp, redis_port)
    empty = sorted(k for k, v in backup.items() if v == "")
    assert {"S3_BACKUP_BUCKET", "AWS_ENDPOINT_URL", "BACKUP_EMAIL", "SMTP_URL"} <= set(empty), empty
    serve_once(web, tmp)
    db = pathlib.Path(web["LOTTOPRO_DB"])
    assert db.is_file()

    # The daemon, scheduled at the next minute (Korea time), beside the
    # command-line runs.
    now = time.gmtime(time.time() + 9 * 3600)
    at = (now.tm_hour * 60 + now.tm_min + (2 if now.tm_sec > 45 else 1)) % (24 * 60)
    nightly = tmp / "nightly"
    daemon_log = open(tmp / "daemon.log", "w")
    daemon = subprocess.Popen(
        [str(BIN), *yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["backup"]["command"]],
        env=dict(backup, BACKUP_SCHEDULE="%02d:%02d" % divmod(at, 60), BACKUP_DIR=str(nightly)),
        stdout=daemon_log, stderr=subprocess.STDOUT,
    )
    try:
        keep = dict(backup, BACKUP_KEEP="2")
        for _ in range(3):
            r = subprocess.run([str(BIN), "backup"], env=keep, capture_output=True, text=True, timeout=120)
            assert r.returncode == 0, r.stderr
            assert "panicked" not in r.stderr
            assert r.stdout.startswith("archive: "), r.stdout
        assert len(archives(tmp / "backups")) == 2, "BACKUP_KEEP=2 archives are kept"
        assert "removed (over BACKUP_KEEP)" in r.stdout
        assert "skipped logs: LOG_DIR is not set" in r.stdout, "the report says what is left out"
        # A failed backup turns the container's health check red until one
        # works again.
        health = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["backup"]["healthcheck"]
        check = health["test"][1].replace("/data/", f"{tmp}/data/").replace("/backups/", f"{tmp}/backups/")
        assert subprocess.run(["sh", "-c", check]).returncode == 0
        r = subprocess.run([str(BIN), "backup"], env=dict(keep, LOTTOPRO_DB=str(tmp / "data" / "gone.db")),
                           capture_output=True, text=True, timeout=120)
        assert r.returncode != 0 and "gone.db does not exist" in (tmp / "backups" / "last-failure").read_text()
        assert subprocess.run(["sh", "-c", check]).returncode != 0
        r = subprocess.run([str(BIN), "backup"], env=keep, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0 and subprocess.run(["sh", "-c", check]).returncode == 0

        deadline = time.time() + 150
        while not archives(nightly) and daemon.poll() is None and time.time() < deadline:
            time.sleep(1)
        time.sleep(1)
        assert daemon.poll() is None, (tmp / "daemon.log").read_text()
        assert len(archives(nightly)) == 1, (tmp / "daemon.log").read_text()
        assert "scheduled backup done" in (tmp / "daemon.log").read_text()
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=10)
    assert "panicked" not in (tmp / "daemon.log").read_text()
    # It heard SIGTERM (as a container's PID 1 it must) and ended cleanly.
    assert daemon.returncode == 0, (tmp / "daemon.log").read_text()

    # Restored on a new host: the image's environment, a fresh /data.
    host = tmp / "new-host"
    (host / "data").mkdir(parents=True)
    restore_env = compose_env("web", dotenv, host, redis_port)
    r = subprocess.run([str(BIN), "restore", "--from", str(archives(tmp / "backups")[-1])],
                       env=restore_env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(host / "data" / "lottopro.db")
    assert con.execute("SELECT numbers FROM saved_numbers").fetchall() == \
        sqlite3.connect(db).execute("SELECT numbers FROM saved_numbers").fetchall()


def test_backup_goes_off_site_and_reports_with_the_region_left_out(tmp, redis_port):
    if not MOTO.exists():
        pytest.skip("moto_server is needed (scripts/test installs moto)")
    s3_port = free_port()
    moto = subprocess.Popen([str(MOTO), "-H", "127.0.0.1", "-p", str(s3_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    smtp = Smtp()
    try:
        wait_for(s3_port, "moto_server", timeout=30)
        urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{s3_port}/nightly", method="PUT"),
                               timeout=10).read()
        dotenv = dict(SECRETS, S3_BACKUP_BUCKET="nightly", AWS_ACCESS_KEY_ID="testing",
                      AWS_SECRET_ACCESS_KEY="testing-secret", AWS_ENDPOINT_URL=f"http://127.0.0.1:{s3_port}",
                      BACKUP_EMAIL="ops@example.org", SMTP_URL=smtp.url)
        serve_once(compose_env("web", dotenv, tmp, redis_port), tmp)
        backup = compose_env("backup", dotenv, tmp, redis_port)
        assert backup.get("AWS_DEFAULT_REGION", "") == ""
        r = subprocess.run([str(BIN), "backup"], env=backup, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert "uploaded: s3://nightly/lottopro/lottopro-" in r.stdout, r.stdout
        deadline = time.time() + 10
        while not smtp.mails and time.time() < deadline:
            time.sleep(0.1)
        assert smtp.mails and smtp.mails[0][0].startswith("LottoPro backup OK"), smtp.mails
    finally:
        stop([moto])


def test_database_url_wins_over_the_images_lottopro_db(tmp):
    # Nothing listens on this port: the service must try PostgreSQL there,
    # not start on the image's SQLite file.
    url = f"postgres://lottopro@127.0.0.1:{free_port()}/lottopro"
    env = {"PATH": os.environ["PATH"], **image_env(), **SECRETS, "DATABASE_URL": url}
    assert env["LOTTOPRO_DB"].startswith("/data/"), "the image names a SQLite file"
    env["LOTTOPRO_DB"] = str(tmp) + env["LOTTOPRO_DB"]
    env["LOTTOPRO_BIND"] = f"127.0.0.1:{free_port()}"
    r = subprocess.run([str(BIN), "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    assert f"cannot connect to postgres://lottopro@127.0.0.1" in r.stderr, r.stderr
    assert f"LOTTOPRO_DB={env['LOTTOPRO_DB']} is ignored: DATABASE_URL is set" in r.stdout, r.stdout
    assert not pathlib.Path(env["LOTTOPRO_DB"]).exists()
    # A --db on the command line still names the store.
    sqlite_db = tmp / "chosen.db"
    r = subprocess.run([str(BIN), "export", "--db", str(sqlite_db)], env=env, capture_output=True,
                       text=True, timeout=60)
    assert f"{sqlite_db} does not exist" in r.stderr, r.stderr


def readme_drill():
    """The shell block under `<!-- restore drill -->` in the README."""
    text = (ROOT / "README.md").read_text()
    block = text.split("<!-- restore drill -->\n```sh\n", 1)[1].split("```", 1)[0]
    assert "lottopro restore" in block
    return block


def test_the_readmes_restore_drill_keeps_every_players_tickets(tmp):
    key, passphrase = "drill-secret-key-0123456789abcdef", "drill passphrase, kept apart"
    bindir = tmp / "bin"
    bindir.mkdir()
    (bindir / "lottopro").symlink_to(BIN)
    env = {"PATH": f"{bindir}:{os.environ['PATH']}", "SECRET_KEY": key, "BACKUP_PASSPHRASE": passphrase,
           "CACHE_WARMING": "false", "SYNC_SCHEDULE": "false"}

    def serve(db, extra):
        port = free_port()
        proc = subprocess.Popen([str(BIN), "serve", "--db", str(db), "--bind", f"127.0.0.1:{port}"],
                                env=extra, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return proc, port

    # The old host: a player saves two tickets.
    proc, port = serve(tmp / "old-host" / "lottopro.db", env)
    try:
        wait_for(port, "old host", timeout=60)
        token = None
        for ticket in ("3 11 17 25 33 41", "1 2 3 4 5 6"):
            headers = {"Content-Type": "application/json", **({"X-Client-Token": token} if token else {})}
            req = urllib.request.Request(f"http://127.0.0.1:{port}/api/numbers", method="POST", headers=headers,
                                         data=('{"ticket": "%s", "label": "mine"}' % ticket).encode())
            with urllib.request.urlopen(req, timeout=10) as r:
                token = r.headers.get("X-Client-Token") or token
        mine = mine_on(port, token)
        assert len(mine) == 2, mine
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)

    r = subprocess.run(["bash", "-euo", "pipefail", "-c", readme_drill()], env=env, cwd=tmp,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "secret key (fingerprint " in r.stdout, r.stdout
    assert oct((tmp / "new-host" / "secret_key").stat().st_mode & 0o777) == "0o600"
    archive = next((tmp / "old-host" / "backups").glob("lottopro-*.tar.gz"))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    # The new host, without SECRET_KEY: the restored key; the same tickets.
    new_env = {k: v for k, v in env.items() if k != "SECRET_KEY"}
    proc, port = serve(tmp / "new-host" / "lottopro.db", new_env)
    try:
        wait_for(port, "new host", timeout=60)
        assert mine_on(port, token) == mine
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)

    # Another key: refused, saying what to do.
    proc, _ = serve(tmp / "new-host" / "lottopro.db", dict(env, SECRET_KEY="another-key-0123456789abcdefghij"))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "SECRET_KEY: is not the key this database's tickets were saved under" in err, err
    assert "REPLACE_SECRET_KEY" in err

    # Restoring over a database that holds rows needs --force.
    r = subprocess.run([str(BIN), "restore", "--from", str(archive), "--db", str(tmp / "new-host" / "lottopro.db")],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "Pass --force" in r.stderr, r.stderr


def mine_on(port, token):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/numbers", headers={"X-Client-Token": token})
    with urllib.request.urlopen(req, timeout=10) as r:
        body = json.loads(r.read())
    return sorted(n["numbers"] if isinstance(n, dict) else n for n in body["numbers"])


class Webhook:
    """An HTTP server on loopback that keeps (path, JSON body) of every POST."""

    def __init__(self):
        import http.server
        import threading
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append((self.path, json.loads(body or b"null")))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def paths(self):
        return [p for p, _ in self.received]


def test_alerts_reach_their_receivers_through_the_shipped_alertmanager(tmp):
    alertmanager = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
    amtool = shutil.which("amtool")
    if not (alertmanager and amtool):
        pytest.skip("Debian's prometheus-alertmanager is needed (.ci/run installs it)")
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    service = doc["services"]["alertmanager"]
    # The way out: a network that is not internal.
    assert any(not (doc["networks"][n] or {}).get("internal") for n in service["networks"]), service["networks"]
    hook = Webhook()
    config = (ROOT / "deploy" / "alertmanager.yml").read_text()
    for secret in service["secrets"]:
        path = tmp / secret
        path.write_text(f"{hook.url}/{secret}\n")
        config = config.replace(f"/run/secrets/{secret}", str(path))
    assert "/run/secrets/" not in config, "every secret the file reads is passed by compose"
    (tmp / "alertmanager.yml").write_text(config)

    def route(*labels):
        r = subprocess.run([amtool, "config", "routes", "test", "--config.file", str(tmp / "alertmanager.yml"),
                            *labels], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return r.stdout.strip()

    assert route("alertname=LottoProDown", "severity=critical") == "critical"
    assert route("alertname=LottoProSlow", "severity=warning") == "warning"
    assert route("alertname=Watchdog", "severity=none") == "heartbeat"

    port = free_port()
    proc = subprocess.Popen([alertmanager, f"--config.file={tmp / 'alertmanager.yml'}",
                             f"--storage.path={tmp / 'am'}", f"--web.listen-address=127.0.0.1:{port}",
                             "--cluster.listen-address="],
                            stdout=subprocess.DEVNULL, stderr=open(tmp / "am.log", "w"))
    try:
        wait_for(port, "alertmanager", timeout=30)
        alerts = [
            {"labels": {"alertname": "Watchdog", "severity": "none"},
             "annotations": {"summary": "Always firing"}},
            {"labels": {"alertname": "LottoProDown", "severity": "critical"},
             "annotations": {"summary": "No LottoPro replica answers /metrics"}},
            {"labels": {"alertname": "LottoProSlow", "severity": "warning"},
             "annotations": {"summary": "p95 response time is 29s"}},
        ]
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v2/alerts", method="POST",
                                     data=json.dumps(alerts).encode(), headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=10).read()
        deadline = time.time() + 45
        while not {"/heartbeat_url", "/critical_webhook_url"} <= set(hook.paths()) and time.time() < deadline:
            time.sleep(0.5)
        assert "/heartbeat_url" in hook.paths(), (tmp / "am.log").read_text()
        assert "/critical_webhook_url" in hook.paths(), (tmp / "am.log").read_text()
        critical = [body for path, body in hook.received if path == "/critical_webhook_url"]
        assert "CRITICAL: LottoProDown" in json.dumps(critical), critical
        # The warning waits for its group (30 s) and goes to its own channel.
        assert all(b"LottoProSlow" not in json.dumps(body).encode() for body in critical)
    finally:
        stop([proc])


def test_an_nginx_request_id_is_in_the_services_json_log(tmp):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not pathlib.Path(nginx).exists():
        pytest.skip("nginx is needed (.ci/run installs it)")
    from topology import Dns, render_nginx, replica_hosts
    web = compose_env("web", dict(SECRETS), tmp, 0)
    assert web["LOG_FORMAT"] == "json", "compose's replicas log JSON lines"
    env = {k: v for k, v in web.items() if not k.startswith(("CACHE_TYPE", "REDIS_URL"))}
    env.update(CACHE_WARMING="false", SYNC_SCHEDULE="false")
    port, host = free_port(), replica_hosts(1)[0]
    log = open(tmp / "replica.log", "w")
    procs = [subprocess.Popen([str(BIN), "serve", "--bind", f"{host}:{port}"], env=env, stdout=log,
                              stderr=subprocess.STDOUT)]
    dns = Dns({"web": [host]})
    try:
        wait_for(f"{host}:{port}", "lottopro serve", timeout=60)
        front = free_port()
        (tmp / "nginx.conf").write_text(render_nginx(dns.port, port, front, upstream="web"))
        access = open(tmp / "access.log", "wb")
        procs.append(subprocess.Popen([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                                      stdout=access, stderr=subprocess.DEVNULL))
        wait_for(front, "nginx")
        urllib.request.urlopen(f"http://127.0.0.1:{front}/api/games", timeout=10).read()
        given = urllib.request.Request(f"http://127.0.0.1:{front}/api/odds?game=kr645",
                                       headers={"X-Request-Id": "from-the-load-balancer-42"})
        with urllib.request.urlopen(given, timeout=10) as r:
            assert r.headers["X-Request-Id"] == "from-the-load-balancer-42"
        time.sleep(0.5)
    finally:
        stop(procs)
        dns.close()
    logged = [json.loads(line) for line in (tmp / "access.log").read_text().splitlines() if line.startswith("{")]
    ids = [entry["request_id"] for entry in logged]
    assert len(ids) == 2 and ids[1] == "from-the-load-balancer-42", logged
    lines = [json.loads(line) for line in (tmp / "replica.log").read_text().splitlines()]
    requests = {entry["fields"]["request_id"]: entry for entry in lines if entry.get("target") == "access"}
    for request_id, route in zip(ids, ["/api/games", "/api/odds"]):
        entry = requests[request_id]
        assert entry["level"] == "INFO", entry
        fields = entry["fields"]
        assert (fields["method"], fields["route"], fields["status"]) == ("GET", route, 200), entry
        assert fields["seconds"] >= 0


def test_production_nginx_redirects_to_https_answers_acme_and_sends_one_hsts(tmp):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not (pathlib.Path(nginx).exists() and shutil.which("openssl")):
        pytest.skip("nginx and openssl are needed (.ci/run installs them)")
    import http.client
    import ssl
    from topology import Dns, render_nginx, replica_hosts
    env = {"PATH": os.environ["PATH"], **SECRETS, "TRUST_PROXY": "true", "CACHE_WARMING": "false",
           "SYNC_SCHEDULE": "false", "LOTTOPRO_DB": str(tmp / "data" / "lottopro.db")}
    port, host = free_port(), replica_hosts(1)[0]
    procs = [subprocess.Popen([str(BIN), "serve", "--bind", f"{host}:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    dns = Dns({"web": [host]})
    try:
        wait_for(f"{host}:{port}", "lottopro serve", timeout=60)
        # The production layout under tmp: certbot's live/lottopro, the ACME
        # folder, deploy/nginx-tls.conf and the port-80 redirect.
        live = tmp / "letsencrypt" / "live" / "lottopro"
        live.mkdir(parents=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=lottopro.test", "-keyout", str(live / "privkey.pem"),
                        "-out", str(live / "fullchain.pem")], check=True, capture_output=True)
        challenge = tmp / "acme" / ".well-known" / "acme-challenge"
        challenge.mkdir(parents=True)
        (challenge / "token-1").write_text("token-1.thumbprint")
        os.chmod(tmp, 0o755)  # nginx's workers (as nobody) read the challenge
        http_port, https_port = free_port(), free_port()
        main = render_nginx(dns.port, port, http_port, upstream="web").replace("/var/www/certbot", str(tmp / "acme"))
        (tmp / "nginx.conf").write_text(main)
        (tmp / "lottopro.d" / "port80").mkdir(parents=True)
        shutil.copy(ROOT / "deploy" / "nginx-https-only.conf", tmp / "lottopro.d" / "port80" / "https-only.conf")
        tls = (ROOT / "deploy" / "nginx-tls.conf").read_text()
        tls = tls.replace("/etc/letsencrypt", str(tmp / "letsencrypt"))
        tls = tls.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl").replace("lb:8080", f"web:{port}")
        (tmp / "lottopro.d" / "tls.conf").write_text(tls)
        procs.append(subprocess.Popen([nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                                      stdout=subprocess.DEVNULL, stderr=open(tmp / "nginx.err", "w")))
        wait_for(https_port, "nginx")

        plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        plain.request("GET", "/api/games", headers={"Host": "lottopro.test"})
        r = plain.getresponse()
        assert (r.status, r.getheader("Location")) == (301, "https://lottopro.test/api/games")
        r.read()
        plain.request("GET", "/.well-known/acme-challenge/token-1", headers={"Host": "lottopro.test"})
        r = plain.getresponse()
        assert (r.status, r.read()) == (200, b"token-1.thumbprint")

        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        secure = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=10, context=context)
        secure.request("GET", "/api/games", headers={"Host": "lottopro.test"})
        r = secure.getresponse()
        assert r.status == 200, (tmp / "nginx.err").read_text()
        hsts = [v for k, v in r.getheaders() if k.lower() == "strict-transport-security"]
        assert hsts == ["max-age=63072000; includeSubDomains"], hsts
    finally:
        stop(procs)
        dns.close()
