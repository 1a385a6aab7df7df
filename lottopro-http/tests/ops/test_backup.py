"""Backups off-site, end to end, against real servers on loopback: moto's
S3 server (`moto_server`, the S3 REST API over HTTP), a redis-server the
service caches in, and a small SMTP receiver for the report e-mails.

`lottopro backup` runs three times with BACKUP_KEEP=2: each archive holds
the database, the Redis snapshot, the log folder and the settings; the
bucket and the folder keep the newest two; every run mails a report.
`lottopro restore --from s3://...` rebuilds a fresh folder equal to the
source, and an archive with one changed byte is refused with nothing written.
Meanwhile the running service takes its own scheduled backup
(BACKUP_SCHEDULE set to the next minute, Korea time), exactly once.
"""

import hashlib
import os
import pathlib
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts"))
from topology import Smtp, free_port, stop, wait_for  # noqa: E402

BIN = pathlib.Path(os.environ.get("LOTTOPRO_BIN", ROOT / "target" / "debug" / "lottopro"))
REDIS = shutil.which("redis-server")
MOTO = pathlib.Path(sys.executable).parent / "moto_server"
BUCKET = "lottopro-backups"
TABLES = ["draws", "draw_orders", "saved_numbers", "predictions", "link_codes"]

if not (REDIS and MOTO.exists()):
    pytest.skip("redis-server and moto_server are needed (scripts/test installs moto)", allow_module_level=True)


def s3(port, path, method="GET", data=None):
    # A body without a type would be read as a form by the server.
    headers = {"Content-Type": "application/octet-stream"} if data is not None else {}
    req = urllib.request.Request(f"http://127.0.0.1:{port}/{path}", data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read()


def keys(port, prefix):
    xml = ET.fromstring(s3(port, f"{BUCKET}?list-type=2&prefix={prefix}"))
    return sorted(e.text for e in xml.iter() if e.tag.endswith("}Key"))


def rows(db):
    con = sqlite3.connect(db)
    try:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall()) for t in TABLES}
    finally:
        con.close()


def tree(folder):
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture()
def servers():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="lottopro-backup-"))
    procs = []
    try:
        redis_port, s3_port = free_port(), free_port()
        procs.append(subprocess.Popen(
            [REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp)],
            stdout=subprocess.DEVNULL,
        ))
        procs.append(subprocess.Popen(
            [str(MOTO), "-H", "127.0.0.1", "-p", str(s3_port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
        wait_for(redis_port, "redis-server")
        wait_for(s3_port, "moto_server", timeout=30)
        s3(s3_port, BUCKET, method="PUT")
        yield tmp, redis_port, s3_port
    finally:
        stop(procs)
        shutil.rmtree(tmp, ignore_errors=True)


def test_backups_go_off_site_rotate_report_and_restore(servers):
    tmp, redis_port, s3_port = servers
    smtp = Smtp()
    db, logs = tmp / "data" / "lottopro.db", tmp / "logs"
    env = dict(
        os.environ,
        LOTTOPRO_DB=str(db),
        LOG_DIR=str(logs),
        CACHE_TYPE="tiered",
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        SECRET_KEY="backup-test-secret-0123456789abcdef",
        SYNC_SCHEDULE="false",
        CACHE_WARMING="false",
        S3_BACKUP_BUCKET=BUCKET,
        AWS_ENDPOINT_URL=f"http://127.0.0.1:{s3_port}",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing-secret-key",
        AWS_DEFAULT_REGION="us-east-1",
        BACKUP_KEEP="2",
        BACKUP_EMAIL="ops@example.org",
        SMTP_URL=smtp.url,
    )
    # The service fills the database, the cache in Redis and the logs, and
    # takes a scheduled backup of its own at the next minute (Korea time)
    # into another folder, while the command-line backups run beside it.
    port = free_port()
    now = time.gmtime(time.time() + 9 * 3600)
    at = (now.tm_hour * 60 + now.tm_min + (2 if now.tm_sec > 50 else 1)) % (24 * 60)
    scheduled = tmp / "scheduled"
    serve_env = {k: v for k, v in env.items() if k not in ("S3_BACKUP_BUCKET", "BACKUP_EMAIL")}
    serve_env.update(BACKUP_SCHEDULE="%02d:%02d" % divmod(at, 60), BACKUP_DIR=str(scheduled))
    serve = subprocess.Popen([str(BIN), "serve", "--bind", f"127.0.0.1:{port}"], env=serve_env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port, "lottopro serve", timeout=30)
        for i in range(5):
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/numbers", method="POST",
                data=b'{"ticket": "3 11 17 25 33 %d", "label": "mine"}' % (40 + i),
                headers={"Content-Type": "application/json"},
            )
            urllib.request.urlopen(req, timeout=10).read()
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/stats", timeout=30).read()
        assert rows(db)["saved_numbers"], "the service saved tickets"
        check_command_line_backups(tmp, db, logs, env, smtp, s3_port)
        deadline = time.time() + 150
        while not list(scheduled.glob("lottopro-*.tar.gz")) and time.time() < deadline:
            time.sleep(1)
        assert len(list(scheduled.glob("lottopro-*.tar.gz"))) == 1, "the scheduled backup ran once"
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)


def check_command_line_backups(tmp, db, logs, env, smtp, s3_port):

    # An old log file that does not compress: the archive passes 16 MiB and
    # goes up in 8 MiB parts.
    (logs / "lottopro.log.2026-11-01").write_bytes(os.urandom(17 << 20))
    runs = [subprocess.run([str(BIN), "backup"], env=env, capture_output=True, text=True, timeout=300)
            for _ in range(3)]
    for r in runs:
        assert r.returncode == 0, r.stderr
    stored = keys(s3_port, "lottopro/")
    assert len(stored) == 2, stored
    uploaded = [line.split("s3://")[1] for r in runs for line in r.stdout.splitlines()
                if line.startswith("uploaded: ")]
    assert [f"{BUCKET}/{k}" for k in stored] == uploaded[1:], "the newest two are kept"
    assert "removed (over BACKUP_KEEP): s3://" in runs[2].stdout
    head = urllib.request.urlopen(urllib.request.Request(
        f"http://127.0.0.1:{s3_port}/{BUCKET}/{stored[-1]}", method="HEAD"), timeout=10)
    assert int(head.headers["Content-Length"]) > 16 << 20
    assert head.headers["ETag"].strip('"').endswith("-3"), f"3 parts: {head.headers['ETag']}"
    assert len(list((db.parent / "backups").glob("lottopro-*.tar.gz"))) == 2

    # One report per run, listing the archive's contents.
    deadline = time.time() + 10
    while len(smtp.mails) < 3 and time.time() < deadline:
        time.sleep(0.1)
    assert len(smtp.mails) == 3, smtp.mails
    subject, body = smtp.mails[-1]
    assert subject.startswith("LottoPro backup OK: lottopro-"), subject
    for member in ["database.db", "redis/dump.rdb", "logs/lottopro.log", "config.json"]:
        assert member in body, body
    print("\nthe report of the last backup:\n" + body)

    # Restored from the bucket into a fresh folder: equal to the source.
    fresh = tmp / "fresh"
    newest = f"s3://{BUCKET}/{stored[-1]}"
    r = subprocess.run(
        [str(BIN), "restore", "--from", newest, "--db", str(fresh / "lottopro.db"),
         "--unpack", str(fresh / "archive")],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert rows(fresh / "lottopro.db") == rows(db)
    # The log folder as it was at the backup (the backups' own lines come after).
    restored_logs = tree(fresh / "archive" / "logs")
    assert restored_logs and restored_logs.keys() <= tree(logs).keys()
    assert (fresh / "archive" / "redis" / "dump.rdb").read_bytes()[:5] == b"REDIS"
    settings = (fresh / "archive" / "config.json").read_text()
    assert '"secret_key": "(set)"' in settings and "0123456789abcdef" not in settings
    assert "testing-secret-key" not in settings

    # One changed byte in the bucket: refused, nothing written.
    blob = bytearray(s3(s3_port, f"{BUCKET}/{stored[-1]}"))
    blob[len(blob) // 2] ^= 0x55
    s3(s3_port, f"{BUCKET}/lottopro/damaged.tar.gz", method="PUT", data=bytes(blob))
    target = tmp / "other" / "lottopro.db"
    r = subprocess.run(
        [str(BIN), "restore", "--from", f"s3://{BUCKET}/lottopro/damaged.tar.gz", "--db", str(target)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert r.returncode != 0
    assert "the archive is damaged" in r.stderr, r.stderr
    assert not target.exists()
