"""Corpus mode on real Dask: a distributed.LocalCluster (worker processes on loopback) and a scheduler and worker
started as separate processes (`dask scheduler`, `dask worker`) give exactly the places and counts of parsing
each article one by one; a bad article in the middle is reported and the rest are mapped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_corpus import one_by_one, run_cli, sample_rows, with_bad_articles

from geo.corpus.aggregate import counts_of_documents
from geo.corpus.bench import separate_scheduler
from geo.corpus.reading import iter_records
from geo.corpus.run import dask_client, run_corpus
from geo.corpus.work import load_count

pytestmark = [pytest.mark.slow, pytest.mark.server]


def test_local_cluster_matches_one_by_one_and_loads_the_data_once_per_worker(tmp_path):
    path = with_bad_articles(tmp_path)
    failures: list[dict] = []
    rows: list[dict] = []
    pulled = {"n": 0, "ahead": 0}

    def streamed():  # counts how far the reading runs ahead of the finished articles
        for record in iter_records(path):
            pulled["n"] += 1
            pulled["ahead"] = max(pulled["ahead"], pulled["n"] - progress.done)
            yield record

    class Counter:
        done = 0

        def update(self, done: int, failed: int) -> None:
            self.done += done

    progress = Counter()
    with dask_client(None, workers=2) as client:
        assert all(address.startswith("tcp://127.0.0.1:") for address in client.nthreads())
        corpus = run_corpus(streamed(), client, chunk_size=2, on_failure=failures.append,
                            mentions=rows.extend, progress=progress)
        loads = client.run(load_count)
        # Dask's debugging logs of recent messages hold at most a few of the chunks sent (they held 1,000:
        # the client's and the in-process scheduler's memory grew with the corpus by ~5 KB per article)
        from geo.corpus.run import MESSAGE_LOG

        assert client.scheduler_comm.recent_message_log.maxlen == MESSAGE_LOG
        assert client.run_on_scheduler(lambda dask_scheduler: {
            stream.recent_message_log.maxlen for stream in dask_scheduler.stream_comms.values()}) == {MESSAGE_LOG}
        # and the workers do not sample their stacks for Dask's profiler (8 % of their CPU)
        assert set(client.run(_profiler_setting).values()) == {False}
    # streamed: never more than the in-flight window (2 threads -> 5 chunks of 2) plus the chunk being cut
    assert progress.done == pulled["n"] == len(sample_rows()) + 3
    assert pulled["ahead"] <= 5 * 2 + 2
    assert corpus.counts() == counts_of_documents(one_by_one())
    assert sorted(f["id"] for f in failures) == ["bad-date", "empty-page", "line 6"]
    assert len(corpus.articles) == len(sample_rows())
    # several chunks per worker, yet each worker process loaded the gazetteer and borders once
    assert len(loads) == 2 and set(loads.values()) <= {0, 1} and sum(loads.values()) >= 1
    assert [r["seq"] for r in rows] == sorted(r["seq"] for r in rows)


def test_separately_started_scheduler_and_worker_give_the_same_places(tmp_path):
    with separate_scheduler(tmp_path, workers=2) as (address, _, _):
        path = with_bad_articles(tmp_path)
        done = run_cli("corpus", str(path), "--scheduler", address, "-o", str(tmp_path / "c.html"),
                       "--geojson", str(tmp_path / "p.geojson"))
    assert done.returncode == 3, done.stderr  # mapped, some skipped
    assert "article empty-page skipped" in done.stderr
    features = json.loads((tmp_path / "p.geojson").read_text())["features"]
    counts = {f["id"]: (f["properties"]["articles"], f["properties"]["mentions"]) for f in features}
    assert counts == counts_of_documents(one_by_one())


def test_workers_without_geo_stop_the_run_with_one_line(tmp_path):
    """The README's trap: a worker that cannot import geo fails every task; the command says so once."""
    probe = subprocess.run([sys.executable, "-c", "import geo"], cwd=tmp_path, env=dict(os.environ, PYTHONPATH=""),
                           capture_output=True, check=False)
    if probe.returncode == 0:
        pytest.skip("geo is installed in site-packages here, so every worker can import it")
    with separate_scheduler(tmp_path, workers=1, workers_import_geo=False) as (address, _, _):
        done = run_cli("corpus", "--scheduler", address, "-o", str(tmp_path / "c.html"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "the Dask workers cannot run the project's code" in lines[0]
    assert "pip install ." in lines[0]


def test_bench_corpus_reports_every_run_and_the_projection(tmp_path):
    import io

    from geo.corpus.bench import bench_corpus

    out = io.StringIO()
    figures = bench_corpus(n=40, workers=1, out=out, memory_n=None,
                           source=Path(__file__).resolve().parents[2] / "geo" / "data" / "sample_corpus.jsonl")
    text = out.getvalue()
    for label in ("parse --jsonl", "--documents", "corpus inline", "local cluster (1)", "real scheduler",
                  "128 cores"):
        assert label in text
    for mode in ("batch", "documents", "inline", "cluster", "scheduler"):
        assert figures[mode]["articles"] == 40 and figures[mode]["client_cpu"] > 0
    assert len(figures["scheduler"]["worker_cpu"]) == 1 and figures["per_worker"] > 0
    distinct = figures["distinct"]
    assert distinct["inline"]["articles"] == 40 and distinct["per_worker"] > 0  # the other input, the same runs
    assert text.count("real scheduler") == 2 and "distinct" in text
    hours = [p["hours"] for p in figures["projection"]]
    assert hours == sorted(hours, reverse=True) or len(set(hours)) == 1  # more cores never slower


def _profiler_setting() -> bool:
    import dask

    return dask.config.get("distributed.worker.profile.enabled")
