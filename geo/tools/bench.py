"""``python -m geo bench``: measured figures for speed and memory (reported, never asserted).

- cold start: a fresh process loads the cached index and geoparses one sentence;
- index build: a full rebuild of the gazetteer index, in-process;
- warm throughput: articles/s over a corpus in one process, and the same corpus through the
  ``geotext`` package (a plain gazetteer tagger) as a peer, side by side as a ratio;
- peak memory (max RSS) of the throughput process;
- the batch path (``parse --jsonl`` on one worker and on every core) against geotext, whole processes
  (geo.tools.batch_bench);
- border tagging throughput on random land and sea points; export time and size of the sample;
- with ``--adversarial``: hostile text against plain news, per 100 KB (geo/tools/adversarial.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from geo.paths import PROJECT_ROOT

DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "eval" / "gwn.jsonl"

_COLD_START = (
    "import time; t=time.perf_counter();"
    "from geo.places.gazetteer import load_gazetteer; from geo.parse.resolve import geoparse;"
    "r=geoparse('Troops moved from Kursk towards Kyiv.', load_gazetteer());"
    "print(time.perf_counter()-t, len(r))"
)

_THROUGHPUT = """
import json, resource, sys, time
texts = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
from geo.places.gazetteer import load_gazetteer
from geo.parse.resolve import geoparse
gaz = load_gazetteer()
geoparse(texts[0], gaz)
t, c = time.perf_counter(), time.process_time()
n = sum(len(geoparse(text, gaz)) for text in texts)
out = {"articles": len(texts), "mentions": n, "seconds": time.perf_counter() - t,
       "cpu_seconds": time.process_time() - c}
try:
    from geotext import GeoText
    GeoText(texts[0])
    t, c = time.perf_counter(), time.process_time()
    for text in texts:
        GeoText(text)
    out["geotext_seconds"] = time.perf_counter() - t
    out["geotext_cpu_seconds"] = time.process_time() - c
except ImportError:
    out["geotext_seconds"] = None
# VmHWM is this process's own peak; ru_maxrss would carry over the parent's peak across exec.
with open("/proc/self/status") as status:
    hwm = [line for line in status if line.startswith("VmHWM:")]
out["max_rss_mb"] = (int(hwm[0].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
print(json.dumps(out))
"""


def _python(code: str, *args: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env,
                          cwd=PROJECT_ROOT, check=False, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "benchmark failed")
    return done.stdout.strip().splitlines()[-1]


def _corpus(path: str | None, quick: bool) -> Path:
    """A JSONL corpus file: the given one, the dev set, or the sample article (as one line)."""
    from geo.paths import cache_dir

    source = Path(path) if path else DEFAULT_CORPUS
    if source.exists() and not quick:
        return source
    lines: list[str] = []
    if source.exists():
        with open(source, encoding="utf-8") as handle:
            lines = [line for _, line in zip(range(20), handle, strict=False)]
    if not lines:
        from geo.sample import sample_article

        lines = [json.dumps({"id": "sample", "text": sample_article().text}) + "\n"]
    target = cache_dir() / "bench-corpus.jsonl"
    target.write_text("".join(lines), encoding="utf-8")
    return target


def run_bench(*, corpus: str | None = None, quick: bool = False, skip_build: bool = False,
              out: TextIO = sys.stdout, adversarial: bool = False) -> dict[str, Any]:
    """Run every measurement and print a report; returns the figures. With ``adversarial``, only the
    hostile-text report of :mod:`geo.tools.adversarial` (seconds per 100 KB, side by side)."""
    if adversarial:
        from geo.tools.adversarial import run_adversarial

        return run_adversarial(quick=quick, corpus=corpus, out=out)
    figures: dict[str, Any] = {}

    def say(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    from geo.places.gazetteer import load_gazetteer
    from geo.places.gazetteer_build import build_index

    load_gazetteer()  # make sure the cached index exists before timing a cold start
    if not skip_build and not quick:
        t = time.perf_counter()
        gaz = build_index()
        figures["index_build_s"] = time.perf_counter() - t
        say(f"index build          {figures['index_build_s']:.1f} s  ({len(gaz):,} places, "
            f"{gaz.meta['names']:,} names; target <= 60 s)")
    cold, wall = [], []  # per run: load+parse inside the process, and the whole process from outside
    for _ in range(1 if quick else 3):
        t = time.perf_counter()
        inside = _python(_COLD_START)
        wall.append(time.perf_counter() - t)
        cold.append(float(inside.split()[0]))
    figures["cold_start_s"] = min(wall)
    say(f"cold start           {min(wall):.2f} s process start -> first result "
        f"(of which load+parse {min(cold):.2f} s; target <= 2 s)")

    corpus_path = _corpus(corpus, quick)
    result = json.loads(_python(_THROUGHPUT, str(corpus_path)))
    rate = result["articles"] / result["seconds"]
    cpu_rate = result["articles"] / max(result["cpu_seconds"], 1e-9)
    figures.update(articles=result["articles"], articles_per_s=rate, cpu_articles_per_s=cpu_rate,
                   peak_rss_mb=result["max_rss_mb"])
    say(f"warm throughput      {rate:.1f} articles/s wall, {cpu_rate:.1f} per CPU-second "
        f"({result['articles']} articles from {corpus_path.name}, {result['mentions']} mentions)")
    if result["geotext_seconds"]:
        peer = result["articles"] / result["geotext_seconds"]
        peer_cpu = result["articles"] / max(result["geotext_cpu_seconds"], 1e-9)
        figures.update(geotext_articles_per_s=peer, ratio_vs_geotext=cpu_rate / peer_cpu)
        say(f"geotext (peer)       {peer:.1f} articles/s wall, {peer_cpu:.1f} per CPU-second -> ratio ours/geotext "
            f"{cpu_rate / peer_cpu:.2f} by CPU time (target >= 1.0; geotext only matches names, it does not resolve)")
    else:
        say("geotext (peer)       not installed (pip install geotext) — no ratio")
    say(f"peak memory          {result['max_rss_mb']:.0f} MB max RSS (target <= 800 MB)")

    from geo.tools.batch_bench import bench_batch

    figures["batch"] = bench_batch(corpus_path, quick=quick, say=say)

    from geo.tools.bench_borders import bench_borders

    borders = bench_borders(n=2000 if quick else 10000)
    figures["borders"] = borders
    say(f"border tagging       {borders.get('places_per_s', 0):,.0f} places/s on {borders.get('points')} random "
        f"land and sea points; layer load {borders.get('load_s', 0):.2f} s (targets >= 20,000/s, <= 1 s)")
    say(f"region areas         load {borders.get('areas_load_s', 0):.2f} s, +{borders.get('areas_mb_loaded', 0):.0f} MB "
        f"(+{borders.get('areas_mb_all_decoded', 0):.0f} MB with every area decoded; targets <= 0.5 s, <= 100 MB); "
        f"{borders.get('regions_per_s', 0):,.0f} regions/s tagged from their areas ({borders.get('regions_tagged')})")

    from geo.maps.export import bench_export
    from geo.pipeline import parse_article
    from geo.sample import sample_article

    export = bench_export(parse_article(sample_article()))
    figures["export"] = export
    say(f"static export        first {export['first_ms'] / 1000:.2f} s, warm {export['warm_median_ms'] / 1000:.2f} s, "
        f"{export['bytes'] / 1e6:.2f} MB for the sample ({export['places']} places; size target <= 1.5 MB; "
        f"byte-identical twice: {export['byte_identical']})")

    from geo.maps.figure_bench import bench_figure

    fig = bench_figure(parse_article(sample_article()))
    figures["figure"] = fig
    say(f"print figure         first {fig['first_png_s']:.2f} s, warm PNG {fig['png_s']:.2f} s, SVG {fig['svg_s']:.2f} s "
        f"for the sample (target <= 3 s); {fig['big_places']} places {fig['big_png_s']:.2f} s: "
        f"{fig['big_per_place_ms']:.1f} ms per place vs {fig['per_place_ms']:.1f} (target <= 2x)")
    return figures


def run_corpus_bench(*, n: int = 10_000, texts: str | None = None, quick: bool = False,
                     memory_n: int = 100_000, map_places: int = 10_000, out: TextIO = sys.stdout) -> dict[str, Any]:
    """``bench --corpus``: batch, --documents and corpus mode per article, the local cluster, a real scheduler's
    client and worker CPU, the 1 M-article projection and a big run's peak memory (geo/corpus/bench.py); then
    the corpus map of ``map_places`` places (geo/tools/corpus_map_bench.py)."""
    from geo.corpus.bench import bench_corpus

    figures = bench_corpus(n=min(n, 300) if quick else n, out=out, source=Path(texts) if texts else None,
                           memory_n=min(memory_n, 1000) if quick else memory_n)
    if map_places:
        from geo.tools.corpus_map_bench import bench_corpus_map

        m = figures["map"] = bench_corpus_map(min(map_places, 500) if quick else map_places)
        out.write(f"  corpus map                 {m['places']:,} places: rendered in {m['render_s']:.1f} s "
                  f"({m['render_cpu_s']:.1f} CPU s; target <= 5 s), {m['mb']:.1f} MB; Chromium: loaded in "
                  f"{m['load_s']:.1f} s, a date-range move {m['move_ms_median']:.0f} ms median, "
                  f"{m['move_ms_max']:.0f} ms worst (target <= 300 ms; load average {os.getloadavg()[0]:.1f})\n")
    return figures
