"""A real PostgreSQL server for the tests: Debian's ``initdb`` + ``pg_ctl`` into a temporary folder, on a
free loopback port, trust authentication for one user, stopped and deleted at the end of the session.

As root (CI), the cluster belongs to the ``postgres`` system user (initdb refuses root) and is run with
``runuser -u postgres --``.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "geo"


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return found[-1] if found else shutil.which(name)


def missing_message() -> str | None:
    """Why no server can be started here (None when initdb and pg_ctl are installed)."""
    if _bin("initdb") and _bin("pg_ctl"):
        return None
    return ("PostgreSQL is not installed: apt-get install -y postgresql (scripts/run-tests does it), "
            "then run the tests again")


def _ppid(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One throw-away cluster; :meth:`new_database` gives each test a database of its own."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="geo-pg-"))
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.port = _free_port()
        self._prefix: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self._prefix = ["runuser", "-u", "postgres", "--"]
        self._run([_bin("initdb"), "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-sync",
                   "--no-instructions"])
        self._count = 0
        self.start()

    def start(self) -> None:
        """Start the server (after a crash: PostgreSQL recovers from its write-ahead log first)."""
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c max_connections=200"
        self._run([_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60",
                   "start"])

    def crash(self) -> None:
        """kill -9 the server and every process it started (a crash, not a shutdown)."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return  # not running
        children = [int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(int(p)) == pid]
        for victim in (pid, *children):
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 30
        while any(os.path.exists(f"/proc/{p}") and _ppid(p) not in (None, 0) and not _zombie(p)
                  for p in (pid, *children)) and time.monotonic() < deadline:
            time.sleep(0.05)
        # A killed postmaster may linger as a zombie when nothing reaps it, which the next start would take
        # for a running server: every process is gone, so its lock file goes too.
        for lock in (self.data / "postmaster.pid", self.root / f".s.PGSQL.{self.port}.lock",
                     self.root / f".s.PGSQL.{self.port}"):
            lock.unlink(missing_ok=True)

    def _run(self, cmd: list) -> None:
        done = subprocess.run([*self._prefix, *map(str, cmd)], capture_output=True, text=True, timeout=120)
        if done.returncode:
            log = self.log.read_text(errors="replace")[-1500:] if self.log.exists() else ""
            raise RuntimeError(f"{cmd[0]} failed: {done.stderr.strip()[-1500:]} {log}")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{dbname}"

    def new_database(self) -> str:
        """A fresh empty database; returns its URL."""
        import psycopg

        self._count += 1
        name = f"t{os.getpid()}_{self._count}_{int(time.time() * 1000) % 10**6}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # a name made here, not user input
        return self.url(name)

    def halt(self) -> None:
        """Shut the server down (fast mode), keeping its data: :meth:`start` brings it back."""
        self._run([_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop"])

    def stop(self) -> None:
        try:
            self._run([_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop"])
        except RuntimeError:
            self.crash()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
