"""The pieces of the several-replica topology, run natively (Docker cannot
run on the build machines); shared by the scale-out tests
(lottopro-http/tests/ops) and the scale-out load run (scripts/reliability.py
scale-load). Python standard library only.

- `Postgres`: a real PostgreSQL server in a temporary folder on a free
  loopback port (run by the `postgres` user when called as root, as
  PostgreSQL requires);
- `render_nginx`: deploy/nginx.conf with its `# rendered` lines pointed at
  loopback replicas and a loopback listen port.
"""

import glob
import os
import pathlib
import shutil
import socket
import subprocess
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, what: str, timeout: float = 10) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not start on port {port}")


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


def render_nginx(replica_ports, listen_port) -> str:
    """deploy/nginx.conf for loopback: its upstream servers and listen port."""
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    upstream = "\n".join(f"        server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;" for p in replica_ports)
    lines = []
    for line in conf.splitlines():
        if "# rendered" in line and line.strip().startswith("server "):
            lines.append(upstream)
        elif "# rendered" in line and line.strip().startswith("listen "):
            lines.append(f"        listen 127.0.0.1:{listen_port};")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"
