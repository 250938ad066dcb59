"""One reader, many articles: an app server's memory while a single session maps article after article.

``python -m geo.tools.memory [--articles 200] [--every 25]`` starts ``streamlit run app.py`` on a free
loopback port with a private cache, opens one session over Streamlit's websocket protocol, submits
``--articles`` different articles one after the other (each mapped and drawn before the next), and
prints the server's resident memory (VmRSS) every ``--every`` articles, its peak (VmHWM) and the growth
per article over the second half of the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from geo.tools.servers import memory_kb, seeded_cache, start_server, stop_server


def _mb(pid: int) -> dict[str, float]:
    kb = memory_kb(pid)
    return {"rss_mb": round(kb.get("VmRSS", 0) / 1024, 1), "peak_mb": round(kb.get("VmHWM", 0) / 1024, 1)}


async def _one_reader(url: str, pid: int, texts: list[str], every: int, timeout_s: float,
                      say: Any) -> tuple[list[dict[str, Any]], list[str]]:
    from geo.tools.stclient import AppSession

    session = AppSession(url)
    await session.open(timeout_s)
    await session.rerun(timeout_s)
    await session.report_map_drawn(timeout_s)  # as the map frame does: the rest of the page
    samples, problems = [{"articles": 0, **_mb(pid)}], []
    say(f"opened: {samples[0]['rss_mb']} MB")
    for n, text in enumerate(texts, 1):
        widgets = {session.widget_id("text_area", "Article text"): text,
                   session.widget_id("button", "Map this text"): True}
        await session.rerun(timeout_s, widgets)
        errors = session.alerts("ERROR") + session.exceptions
        if errors or session.map_place_count() is None:
            problems.append(f"article {n}: {(errors or ['no map shown'])[0][:160]}")
        if n % every == 0 or n == len(texts):
            samples.append({"articles": n, **_mb(pid)})
            say(f"{n:4d} articles: {samples[-1]['rss_mb']} MB (peak {samples[-1]['peak_mb']} MB)")
    await session.close()
    return samples, problems


def measure_memory(articles: int = 200, every: int = 25, timeout_s: float = 180,
                   say: Any = lambda line: None) -> dict[str, Any]:
    """Run one reader through ``articles`` articles on a fresh server; the memory samples and a summary."""
    from geo.tools.stress import stress_articles

    texts = stress_articles(articles)
    with tempfile.TemporaryDirectory(prefix="geo-memory-") as tmp:
        cache = seeded_cache(Path(tmp))
        proc, url = start_server(cache, Path(tmp) / "streamlit.log")
        started = time.perf_counter()
        try:
            samples, problems = asyncio.run(_one_reader(url, proc.pid, texts, every, timeout_s, say))
        finally:
            stop_server(proc)
    half = [s for s in samples if s["articles"] >= articles // 2]
    growth = ((half[-1]["rss_mb"] - half[0]["rss_mb"]) / max(1, half[-1]["articles"] - half[0]["articles"])
              if len(half) >= 2 else None)
    return {"articles": articles, "samples": samples, "final_rss_mb": samples[-1]["rss_mb"],
            "peak_mb": max(s["peak_mb"] for s in samples), "growth_mb_per_article_second_half":
            None if growth is None else round(growth, 3), "problems": problems,
            "seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.tools.memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--every", type=int, default=25)
    parser.add_argument("--json", action="store_true", help="also print the report as JSON")
    args = parser.parse_args(argv)
    report = measure_memory(args.articles, args.every, say=lambda line: print(line, flush=True))
    print(f"after {report['articles']} articles: {report['final_rss_mb']} MB resident, peak {report['peak_mb']} MB, "
          f"growth {report['growth_mb_per_article_second_half']} MB per article over the second half, "
          f"{len(report['problems'])} problems, {report['seconds']} s")
    for problem in report["problems"][:5]:
        print("  " + problem)
    if args.json:
        print(json.dumps(report, indent=1))
    return 0 if not report["problems"] else 1


if __name__ == "__main__":
    sys.exit(main())
