"""Issue 26, item 6: the scheduler address is checked within GEO_DASK_TIMEOUT (a plain HTTP port on loopback
and a malformed address are one line); losing the scheduler or every worker mid-run is one line naming what
was lost, exit 2, no traceback. Real `dask scheduler` / `dask worker` processes and a real HTTP server."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from geo.corpus.bench import separate_scheduler

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.server]


def _geo(*args: str, timeout: float = 300, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "geo", *args], cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _one_line(proc: subprocess.Popen, timeout: float) -> tuple[int, str, float]:
    started = time.monotonic()
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err, time.monotonic() - started


@contextlib.contextmanager
def http_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_plain_http_port_is_one_line_within_the_timeout(tmp_path):
    """The finding: --scheduler at an HTTP port hung past 300 s with GEO_DASK_TIMEOUT=3, inside Client()."""
    with http_server() as address:
        proc = _geo("corpus", "--scheduler", address, "-o", str(tmp_path / "c.html"), GEO_DASK_TIMEOUT="3")
        code, err, _ = _one_line(proc, timeout=120)  # a hang fails here (the deadline is GEO_DASK_TIMEOUT)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert "cannot reach the Dask scheduler" in err and "Dask" in err


@pytest.mark.parametrize("address", ["tcp://nonsense", "tcp://127.0.0.1:notaport", "127.0.0.1:1/x"])
def test_a_malformed_address_is_one_line_and_nothing_after(tmp_path, address):
    proc = _geo("corpus", "--scheduler", address, "-o", str(tmp_path / "c.html"), GEO_DASK_TIMEOUT="3")
    code, err, _ = _one_line(proc, timeout=120)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err and "__del__" not in err, err


_MORE = "Officials in Odesa, Kharkiv and Warsaw said talks in Geneva would resume after the shelling. " * 4


def _big_corpus(path: Path, n: int = 60_000) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            text = f"Troops moved from Kyiv to Lviv, day {i}. " + _MORE  # ~1 ms each: a run of ~30 s on 2 workers
            handle.write(json.dumps({"id": str(i), "text": text}) + "\n")
    return path


def _run_then_lose(tmp_path: Path, lose) -> tuple[int, str]:
    source = _big_corpus(tmp_path / "big.jsonl")
    with separate_scheduler(tmp_path, workers=2) as (address, scheduler, workers):
        proc = _geo("corpus", str(source), "--scheduler", address, "-o", str(tmp_path / "c.html"),
                    GEO_DASK_TIMEOUT="5")
        try:
            log, deadline = tmp_path / "scheduler.log", time.monotonic() + 180
            while log.read_text().count("Receive client connection") < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(8)  # (the first connection was the fixture's own) the run is under way (60,000 articles take ~30 s on two workers)
            assert proc.poll() is None, proc.communicate()
            lose(scheduler, workers)
            code, err, _ = _one_line(proc, timeout=240)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert not (tmp_path / "c.html").exists()
    return code, err


def test_losing_the_scheduler_mid_run_is_one_line_exit_2(tmp_path):
    """The finding: a killed scheduler ended in "internal error: ClosedClientError"."""
    code, err = _run_then_lose(tmp_path, lambda scheduler, workers: scheduler.send_signal(signal.SIGKILL))
    assert code == 2 and "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "lost the Dask scheduler" in lines[0], err


def test_losing_every_worker_mid_run_is_one_line_exit_2(tmp_path):
    def kill_workers(scheduler, workers):
        for worker in workers:
            worker.send_signal(signal.SIGKILL)

    code, err = _run_then_lose(tmp_path, kill_workers)
    assert code == 2 and "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "lost every Dask worker" in lines[0], err
