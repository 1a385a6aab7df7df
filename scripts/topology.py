"""The pieces of the several-replica topology, run natively (Docker cannot
run on the build machines); shared by the scale-out tests
(lottopro-http/tests/ops) and the scale-out load run (scripts/reliability.py
scale-load). Python standard library only.

- `Postgres`: a real PostgreSQL server in a temporary folder on a free
  loopback port (run by the `postgres` user when called as root, as
  PostgreSQL requires);
- `Dns`: a DNS server on loopback that answers A queries from a table the
  caller changes, standing in for Docker's embedded DNS;
- `replica_hosts`: loopback addresses (127.0.0.2, .3, ...) for replicas that
  share one port, as containers do;
- `stop`: SIGTERM to a set of processes, SIGKILL to those that linger;
- `Smtp`: a mail server on loopback that keeps what it is sent (the
  backup reports);
- `render_nginx`: deploy/nginx.conf with its `# rendered` lines pointed at
  that DNS server, the replicas' port and a loopback listen port.
"""

import glob
import os
import pathlib
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(where, what: str, timeout: float = 10) -> None:
    """Waits until something listens at `where`: a loopback port, or "host:port"."""
    host, port = where.rsplit(":", 1) if isinstance(where, str) else ("127.0.0.1", where)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection((host, int(port)), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not start on {host}:{port}")


def pg_binaries():
    """Debian's newest PostgreSQL binaries, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return pathlib.Path(found[-1]).parent if found else None


class Postgres:
    """A PostgreSQL server under `tmp` (see the module docs); `stop()` and
    `start()` take it down (as a crash would) and bring it back."""

    def __init__(self, tmp: pathlib.Path):
        self.bin = pg_binaries()
        if self.bin is None:
            raise RuntimeError("postgresql is not installed (.ci/run installs it)")
        self.dir = pathlib.Path(tmp) / "pg"
        self.dir.mkdir()
        self.port = free_port()
        self.root = os.geteuid() == 0
        if self.root:
            # A temporary folder is the root user's alone: let postgres in.
            os.chmod(tmp, 0o755)
            shutil.chown(self.dir, "postgres", "postgres")
        self.run("initdb", "-D", str(self.dir / "data"), "-A", "trust", "-U", "lottopro", "--no-sync", "-E", "UTF8")
        self.start()

    def run(self, tool, *args):
        cmd = [str(self.bin / tool), *args]
        if self.root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w", "-o",
                 f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start")

    def stop(self):
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "stop")

    @property
    def url(self) -> str:
        return f"postgres://lottopro@127.0.0.1:{self.port}/postgres"


def stop(procs, timeout=10):
    """SIGTERM to every process still running, then wait for each; one
    that has not exited within `timeout` seconds is killed."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def replica_hosts(n):
    """n loopback addresses, one per replica (Linux routes all of 127/8)."""
    return [f"127.0.0.{i + 2}" for i in range(n)]


class Dns:
    """Answers A queries for the names in `records` (name -> addresses) with
    a TTL of 1 s, over UDP on a free loopback port; `records` may change."""

    def __init__(self, records):
        self.records = dict(records)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                query, peer = self.sock.recvfrom(512)
            except OSError:
                return
            if len(query) < 12:
                continue
            # The question: length-prefixed labels, then type and class.
            i, labels = 12, []
            while i < len(query) and query[i]:
                labels.append(query[i + 1:i + 1 + query[i]].decode(errors="replace"))
                i += query[i] + 1
            question = query[12:i + 5]
            qtype = struct.unpack("!H", query[i + 1:i + 3])[0] if i + 3 <= len(query) else 0
            addresses = self.records.get(".".join(labels).lower(), []) if qtype == 1 else []
            known = ".".join(labels).lower() in self.records
            flags = 0x8180 if known else 0x8183  # a response; NXDOMAIN if unknown
            answer = b"".join(
                b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 1, 4) + socket.inet_aton(a) for a in addresses
            )
            header = query[:2] + struct.pack("!HHHHH", flags, 1, len(addresses), 0, 0)
            self.sock.sendto(header + question + answer, peer)

    def close(self):
        self.sock.close()


class Smtp:
    """Accepts every message and keeps (subject, body)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = "smtp://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.mails = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn, conn.makefile("rwb") as f:
                def say(line):
                    f.write(line.encode() + b"\r\n")
                    f.flush()
                say("220 test")
                data = None
                for raw in f:
                    line = raw.decode().rstrip("\r\n")
                    if data is not None:
                        if line == ".":
                            head, _, body = "\n".join(data).partition("\n\n")
                            subject = next(h[9:] for h in head.split("\n") if h.startswith("Subject: "))
                            self.mails.append((subject, body))
                            data = None
                            say("250 ok")
                        else:
                            data.append(line[1:] if line.startswith("..") else line)
                    elif line.upper() == "DATA":
                        data = []
                        say("354 go on")
                    elif line.upper() == "QUIT":
                        say("221 bye")
                        break
                    else:
                        say("250 ok")


def _render(name, rules) -> str:
    """deploy/NAME with each line marked `# rendered` rewritten by the first
    rule (a prefix of the stripped line, and a function of the line) that
    matches it; comment lines stay as they are, and a marked line no rule
    matches is an error."""
    conf = (ROOT / "deploy" / name).read_text()
    lines = []
    for line in conf.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or "# rendered" not in line:
            lines.append(line)
            continue
        rule = next((f for prefix, f in rules if stripped.startswith(prefix)), None)
        if rule is None:
            raise ValueError(f"deploy/{name}: no rendering for: {stripped}")
        lines.append(rule(line))
    return "\n".join(lines) + "\n"


def render_nginx(dns_port, upstream_port, listen_port, upstream="lb") -> str:
    """deploy/nginx.conf for loopback: its resolver and listen port, and where
    it sends requests: the balancer (`lb`, as in docker-compose.yml) on
    `upstream_port`, or, for tests of nginx alone, the replicas themselves
    (`upstream="web"`). The DNS stand-in must know the name."""
    return _render("nginx.conf", [
        ("resolver ", lambda l: l.replace("127.0.0.11", f"127.0.0.1:{dns_port}")),
        ("set $replicas ", lambda l: l.replace("lb:8080", f"{upstream}:{upstream_port}")),
        ("listen ", lambda l: f"        listen 127.0.0.1:{listen_port};"),
    ])


def render_haproxy(dns_port, replica_port, listen_port) -> str:
    """deploy/haproxy.cfg for loopback: its DNS server, the replicas' port
    and its own listen port; nothing else changes."""
    return _render("haproxy.cfg", [
        ("nameserver ", lambda l: l.replace("127.0.0.11:53", f"127.0.0.1:{dns_port}")),
        ("server-template ", lambda l: l.replace("web:5000", f"web:{replica_port}")),
        ("bind ", lambda l: f"    bind 127.0.0.1:{listen_port}"),
    ])


HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def start_haproxy(folder, dns_port, replica_port, log=None):
    """Debian's HAProxy with deploy/haproxy.cfg rendered for loopback, in the
    foreground: (process, port)."""
    port = free_port()
    cfg = pathlib.Path(folder) / "haproxy.cfg"
    cfg.write_text(render_haproxy(dns_port, replica_port, port))
    proc = subprocess.Popen([HAPROXY, "-db", "-f", str(cfg)], stdout=log or subprocess.DEVNULL,
                            stderr=subprocess.STDOUT if log else subprocess.DEVNULL)
    wait_for(port, "haproxy")
    return proc, port
