"""Corpus mode on real Dask: a distributed.LocalCluster (worker processes on loopback) and a scheduler and worker
started as separate processes (`dask scheduler`, `dask worker`) give exactly the places and counts of parsing
each article one by one; a bad article in the middle is reported and the rest are mapped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_corpus import ROOT, free_port, one_by_one, run_cli, sample_rows, with_bad_articles

from geo.corpus.aggregate import counts_of_documents
from geo.corpus.reading import iter_records
from geo.corpus.run import dask_client, run_corpus
from geo.corpus.work import load_count

pytestmark = [pytest.mark.slow, pytest.mark.server]


def test_local_cluster_matches_one_by_one_and_loads_the_data_once_per_worker(tmp_path):
    path = with_bad_articles(tmp_path)
    failures: list[dict] = []
    rows: list[dict] = []
    with dask_client(None, workers=2) as client:
        assert all(address.startswith("tcp://127.0.0.1:") for address in client.nthreads())
        corpus = run_corpus(iter_records(path), client, chunk_size=2, on_failure=failures.append,
                            mentions=rows.extend)
        loads = client.run(load_count)
    assert corpus.counts() == counts_of_documents(one_by_one())
    assert sorted(f["id"] for f in failures) == ["bad-date", "empty-page", "line 6"]
    assert len(corpus.articles) == len(sample_rows())
    # several chunks per worker, yet each worker process loaded the gazetteer and borders once
    assert len(loads) == 2 and set(loads.values()) <= {0, 1} and sum(loads.values()) >= 1
    assert [r["seq"] for r in rows] == sorted(r["seq"] for r in rows)


def _start(args: list[str], log: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    handle = open(log, "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)


def _wait_for_workers(address: str, n: int, timeout: float = 120) -> None:
    from distributed import Client

    with Client(address, timeout=30, set_as_default=False) as client:
        client.wait_for_workers(n, timeout=timeout)


def test_separately_started_scheduler_and_worker_give_the_same_places(tmp_path):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "dask"]  # the `dask` command of this interpreter
    scheduler = _start([*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                       tmp_path / "scheduler.log")
    workers = []
    try:
        deadline = time.monotonic() + 60
        while scheduler.poll() is None and time.monotonic() < deadline:
            if "Scheduler at" in (tmp_path / "scheduler.log").read_text():
                break
            time.sleep(0.2)
        for i in range(2):
            workers.append(_start([*dask, "worker", address, "--nthreads", "1",
                                   "--no-dashboard", "--host", "127.0.0.1"], tmp_path / f"worker{i}.log"))
        _wait_for_workers(address, 2)
        path = with_bad_articles(tmp_path)
        done = run_cli("corpus", str(path), "--scheduler", address, "-o", str(tmp_path / "c.html"),
                       "--geojson", str(tmp_path / "p.geojson"))
        assert done.returncode == 0, done.stderr
        assert "article empty-page skipped" in done.stderr
        features = json.loads((tmp_path / "p.geojson").read_text())["features"]
        counts = {f["id"]: (f["properties"]["articles"], f["properties"]["mentions"]) for f in features}
        assert counts == counts_of_documents(one_by_one())
    finally:
        for proc in [*workers, scheduler]:
            proc.terminate()
        for proc in [*workers, scheduler]:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
