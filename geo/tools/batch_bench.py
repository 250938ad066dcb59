"""The batch benchmark of ``python -m geo bench``: whole processes on a batch of ≥ 5,000 articles, side by side.

- ours: ``python -m geo parse --jsonl BATCH -o OUT --quiet`` with ``--workers 1`` and with the default (every
  core), each a fresh process timed from the outside (start-up and index load included);
- the peer: a fresh process that loads ``geotext`` and scans every text of the same batch;
- the ratio geotext time / our time (above 1: we are faster), articles/s, CPU seconds of the process tree,
  and peak memory of the process tree: the sum of every process's VmHWM (which counts the index pages the
  forked workers share once per process) and the peak of the summed PSS (shared pages split between them);
- the time from process start to the first parsed article on stdout (cold start, index already built).
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geo.paths import PROJECT_ROOT, cache_dir

BATCH_ARTICLES = 6000  # the batch: at least 5,000 articles
QUICK_ARTICLES = 400

GEOTEXT_SCRIPT = """
import json, sys
from geotext import GeoText
found = 0
with open(sys.argv[1], encoding="utf-8") as handle:
    for line in handle:
        if line.strip():
            places = GeoText(json.loads(line)["text"])
            found += len(places.cities) + len(places.countries)
print(found)
"""


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(PROJECT_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def make_batch(corpus: Path, articles: int, target: Path) -> int:
    """Write ``articles`` lines of {id, text}, the corpus's texts repeated in order; returns the count."""
    with open(corpus, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()]
    if not texts:
        raise ValueError(f"{corpus} holds no articles")
    with open(target, "w", encoding="utf-8") as out:
        for i in range(articles):
            out.write(json.dumps({"id": f"b{i}", "text": texts[i % len(texts)]}, ensure_ascii=False) + "\n")
    return articles


# ------------------------------------------------------------------------------------------ measuring


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(x) for x in handle.read().split()]
    except OSError:
        return []


def _tree(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(_children(pid))
    return pids


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class _TreeMemory(threading.Thread):
    """Polls a process tree: the highest VmHWM seen per process, and the highest total PSS."""

    def __init__(self, root: int, every_s: float = 0.05):
        super().__init__(daemon=True)
        self.root, self.every_s = root, every_s
        self.hwm_kb: dict[int, int] = {}
        self.peak_pss_kb = 0
        self.processes = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            pids = _tree(self.root)
            self.processes = max(self.processes, len(pids))
            pss = 0
            for pid in pids:
                self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), _status_kb(pid, "VmHWM:"))
                pss += _pss_kb(pid)
            self.peak_pss_kb = max(self.peak_pss_kb, pss)
            self._halt.wait(self.every_s)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def measure_process(argv: list[str], timeout: float = 1800) -> dict[str, Any]:
    """Run one command to its end: wall seconds, CPU seconds of its tree, peak memory of its tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    watch = _TreeMemory(proc.pid)
    watch.start()
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    finally:
        watch.stop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {proc.returncode}"
        raise RuntimeError(f"{' '.join(argv[:4])}...: {last}")
    return {
        "seconds": wall,
        "cpu_seconds": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "peak_mb": sum(watch.hwm_kb.values()) / 1024,
        "peak_pss_mb": watch.peak_pss_kb / 1024,
        "processes": watch.processes,
        "stdout": stdout,
    }


def first_line_s(argv: list[str], timeout: float = 120) -> float:
    """Seconds from starting ``argv`` to its first line on stdout (the process then runs to its end)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        took = time.perf_counter() - started
        proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if not line:
        raise RuntimeError(f"{' '.join(argv[:4])}...: no output")
    return took


# ------------------------------------------------------------------------------------------ the bench


def bench_batch(corpus: Path, *, quick: bool = False, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Measure the batch path against geotext on the same batch; print the figures with ``say``."""
    from geo.batch import default_workers

    folder = cache_dir()
    batch = folder / "bench-batch.jsonl"
    out = folder / "bench-batch-out.jsonl"
    articles = make_batch(corpus, QUICK_ARTICLES if quick else BATCH_ARTICLES, batch)
    workers = default_workers()
    parse = [sys.executable, "-m", "geo", "parse", "--jsonl", str(batch), "-o", str(out), "--quiet"]
    figures: dict[str, Any] = {"articles": articles, "corpus": corpus.name, "default_workers": workers}
    say(f"batch                {articles:,} articles ({corpus.name} texts repeated), whole processes "
        "(start-up and index load included)")
    runs = {"workers_1": parse + ["--workers", "1"], "workers_default": parse}
    for key, argv in runs.items():
        run = measure_process(argv)
        run.pop("stdout")
        run["articles_per_s"] = articles / run["seconds"]
        figures[key] = run
        label = "--workers 1" if key == "workers_1" else f"default ({workers} workers)"
        say(f"  ours, {label:<22}{run['seconds']:6.1f} s  {run['articles_per_s']:7,.0f} articles/s  "
            f"CPU {run['cpu_seconds']:5.1f} s  peak {run['peak_mb']:4.0f} MB "
            f"({run['processes']} processes, VmHWM summed; PSS {run['peak_pss_mb']:.0f} MB)")
    out.unlink(missing_ok=True)
    if importlib.util.find_spec("geotext") is None:
        say("  geotext                     not installed (pip install -r requirements-dev.txt): no ratio")
    else:
        peer = measure_process([sys.executable, "-c", GEOTEXT_SCRIPT, str(batch)])
        peer.pop("stdout")
        peer["articles_per_s"] = articles / peer["seconds"]
        figures["geotext"] = peer
        say(f"  {'geotext (peer)':<28}{peer['seconds']:6.1f} s  {peer['articles_per_s']:7,.0f} articles/s  "
            f"CPU {peer['cpu_seconds']:5.1f} s  peak {peer['peak_mb']:4.0f} MB")
        for key, target in (("workers_1", 1.2), ("workers_default", 2.0)):
            ours = figures[key]
            ratio = peer["seconds"] / ours["seconds"]
            cpu_ratio = peer["cpu_seconds"] / max(ours["cpu_seconds"], 1e-9)
            figures[f"ratio_{key}"] = ratio
            label = "ratio, --workers 1" if key == "workers_1" else "ratio, default"
            say(f"  {label:<28}{ratio:6.2f} geotext/ours by wall time (target >= {target}; "
                f"{'met' if ratio >= target else 'not met'}), {cpu_ratio:.2f} by CPU time")
    peak = max(figures[k]["peak_mb"] for k in runs)
    say(f"  peak memory                 {peak:.0f} MB (target <= 800 MB; {'met' if peak <= 800 else 'not met'})")
    small = folder / "bench-batch-one.jsonl"
    make_batch(corpus, 1, small)
    one = [sys.executable, "-m", "geo", "parse", "--jsonl", str(small), "--quiet"]
    tries = 1 if quick else 3
    cold = {label: min(first_line_s(one + extra) for _ in range(tries))
            for label, extra in (("workers_1", ["--workers", "1"]), ("workers_default", []))}
    figures["first_article_s"] = cold
    say(f"  first parsed article        {cold['workers_1']:.2f} s from process start (--workers 1), "
        f"{cold['workers_default']:.2f} s (default) (target <= 1 s)")
    small.unlink(missing_ok=True)
    batch.unlink(missing_ok=True)
    return figures
