"""``python -m geo bench --corpus``: articles/s and peak memory of corpus mode for 10,000+ articles (the dev set's
texts repeated, with ids and dates of their own), on the local Dask cluster against one process.

Each run is a fresh Python process, so its peak memory is its own: for one process the VmHWM of that process;
for the cluster the client's plus every worker's (read on the workers with ``client.run``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, TextIO

from geo.corpus.reading import SAMPLE_CORPUS, iter_records
from geo.paths import PROJECT_ROOT, cache_dir

DEV_SET = PROJECT_ROOT.parent / "shared" / "eval" / "gwn.jsonl"

_RUN = """
import json, sys, time
from geo.corpus.reading import count_records, iter_records
from geo.corpus.run import dask_client, run_corpus
from geo.corpus.outputs import MentionsWriter

def hwm():
    with open("/proc/self/status") as status:
        return int(next(l for l in status if l.startswith("VmHWM:")).split()[1]) / 1024

if __name__ == "__main__":
    mode, path, workers, parquet = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    total = count_records(path)
    began = time.perf_counter()
    with dask_client("inline" if mode == "inline" else None, workers or None) as client:
        from geo.corpus.work import warm
        warm() if client is None else client.run(warm)  # start-up is reported on its own
        start = time.perf_counter()
        setup = start - began
        with MentionsWriter(parquet) as writer:
            corpus = run_corpus(iter_records(path), client, total=total, mentions=writer.add)
        seconds = time.perf_counter() - start
        worker_mb = list(client.run(hwm).values()) if client is not None else []
    print(json.dumps({"articles": len(corpus.articles), "failed": len(corpus.failures), "seconds": seconds, "setup_s": setup,
                      "places": len(corpus.places), "mentions": writer.rows, "client_mb": hwm(),
                      "worker_mb": worker_mb}))
"""


def bench_input(n: int, source: Path | None = None) -> Path:
    """A JSONL corpus of ``n`` articles: the dev set's texts (else the sample corpus's) repeated in order, each
    copy with its own id and a date, written once under cache/."""
    source = source or (DEV_SET if DEV_SET.exists() else SAMPLE_CORPUS)
    texts = [r["text"] for r in iter_records(source) if not r.get("error")]
    target = cache_dir() / f"bench-corpus-{source.stem}-{n}.jsonl"
    if target.exists():
        return target
    start = dt.date(2024, 1, 1)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({"id": f"a{i}", "title": f"Article {i}", "text": texts[i % len(texts)],
                                  "published": (start + dt.timedelta(days=i % 365)).isoformat()}) + "\n")
    os.replace(tmp, target)
    return target


def _run(mode: str, path: Path, workers: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    script = cache_dir() / "bench_corpus_run.py"  # a file, not -c: the cluster's worker processes re-import it
    script.write_text(_RUN, encoding="utf-8")
    parquet = cache_dir() / f"bench-mentions-{mode}.parquet"
    done = subprocess.run([sys.executable, str(script), mode, str(path), str(workers), str(parquet)],
                          capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, check=False, timeout=7200)
    parquet.unlink(missing_ok=True)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise RuntimeError(f"corpus bench ({mode}) failed: {lines[-1] if lines else done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_corpus(n: int = 10_000, workers: int | None = None, out: TextIO = sys.stdout,
                 source: Path | None = None) -> dict[str, Any]:
    """Run ``n`` articles in one process and on a local cluster of ``workers`` (default: one per core);
    print and return articles/s and peak memory of each."""
    workers = workers or os.cpu_count() or 1
    path = bench_input(n, source)
    figures: dict[str, Any] = {"articles": n, "workers": workers, "input": path.name}
    out.write(f"corpus mode          {n:,} articles ({path.name}); local cluster of {workers} worker processes "
              f"on {os.cpu_count()} cores\n")
    for mode in ("inline", "cluster"):
        result = _run(mode, path, workers)
        rate = result["articles"] / result["seconds"]
        peak = result["client_mb"] + sum(result["worker_mb"])
        figures[mode] = {**result, "articles_per_s": rate, "peak_mb": peak}
        label = "one process" if mode == "inline" else f"local cluster ({workers})"
        detail = (f"client {result['client_mb']:.0f} MB + workers "
                  + " + ".join(f"{mb:.0f}" for mb in result["worker_mb"]) + " MB") if result["worker_mb"] else ""
        out.write(f"  {label:<20} {rate:7.1f} articles/s, {result['seconds']:.0f} s; peak memory {peak:,.0f} MB"
                  f"{' (' + detail + ')' if detail else ''}; {result['places']:,} places, "
                  f"{result['mentions']:,} mentions, {result['failed']} failed; start-up {result['setup_s']:.1f} s\n")
        out.flush()
    figures["speedup"] = figures["cluster"]["articles_per_s"] / figures["inline"]["articles_per_s"]
    figures["load_average"] = os.getloadavg()[0]
    out.write(f"  speed-up             {figures['speedup']:.2f}x on the local cluster (machine load average "
              f"{figures['load_average']:.1f} on {os.cpu_count()} cores: other work shares them)\n")
    return figures
