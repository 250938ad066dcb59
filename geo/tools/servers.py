"""App servers for load and browser tests: a private seeded cache, a free loopback port, a `streamlit run`
started and stopped cleanly, and its memory and CPU read from /proc.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from geo.paths import PROJECT_ROOT, cache_dir


def seeded_cache(folder: Path) -> Path:
    """A fresh cache folder whose built indexes are symlinks to the current ones (no rebuild, private store)."""
    source = cache_dir()
    for item in source.iterdir():
        # store: each test server keeps its own (JSON folder, SQLite file); web: served files must be real files
        if item.name in ("store", "web") or item.name.startswith((".", "store.sqlite3")):
            continue
        target = folder / item.name
        if item.is_dir():
            target.mkdir(exist_ok=True)
            for sub in item.iterdir():
                if not sub.name.startswith("."):
                    (target / sub.name).symlink_to(sub)
        else:
            target.symlink_to(item)
    return folder


# ------------------------------------------------------------------------------------------ server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(cache: Path, log_path: Path, timeout_s: float = 90) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on a free loopback port; returns the process and its URL once healthy."""
    port = free_port()
    env = {**os.environ, "GEO_CACHE_DIR": str(cache), "GEO_ONLINE": "0"}
    log = open(log_path, "wb")  # noqa: SIM115 - the server owns it until it exits
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless",
         "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return proc, url
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_server(proc)
            raise RuntimeError("streamlit did not start: " + log_path.read_text(errors="replace")[-1500:])
        time.sleep(0.3)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in kB, from /proc (empty when unavailable)."""
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used so far (from /proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
