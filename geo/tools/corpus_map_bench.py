"""The corpus map at scale (part of ``python -m geo bench --corpus``): a corpus of N real places (the gazetteer's
most populous cities, border context from the border layer) named by synthetic dated articles is written as the
corpus map; the render time is measured here, and the time a date-range move takes in headless Chromium (the
slider's handler, the pins' re-count and re-clustering, and the next frame) is measured in the page.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

DAYS = 365
MOVES = 12


def synthetic_corpus(n_places: int = 10_000, seed: int = 7) -> Any:
    """A Corpus of ``n_places`` cities with 1-40 articles each over a year (sampled as the real run does)."""
    import datetime as dt

    from geo.borders import tag_points
    from geo.corpus.aggregate import Corpus
    from geo.corpus.work import place_fields
    from geo.parse.model import Place
    from geo.places.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    cities = sorted((c for c in (gaz.candidate(i) for i in range(len(gaz))) if c.kind == "city"),
                    key=lambda c: (-c.population, c.id))[:n_places]
    borders = tag_points([c.lat for c in cities], [c.lon for c in cities])
    rng = random.Random(seed)
    start = dt.date(2024, 1, 1)
    corpus = Corpus()
    seq = 0
    for city, border in zip(cities, borders, strict=True):
        place = Place(id=city.id, name=city.name, kind="city", lat=city.lat, lon=city.lon, country=city.country,
                      admin1=city.admin1, border=border)
        entry: dict[str, Any] = {"place": place_fields(place), "articles": {}, "mentions": 0, "count": 0,
                                 "days": {}}
        sampled = {}
        for _ in range(rng.randint(1, 40)):
            day = (start + dt.timedelta(days=rng.randrange(DAYS))).isoformat()
            entry["count"] += 1
            entry["mentions"] += 1
            entry["days"][day] = entry["days"].get(day, 0) + 1
            entry["articles"][seq] = ["p1", "Officials said fighting near ", city.name, " went on overnight."]
            sampled[seq] = {"seq": seq, "id": f"a{seq}", "title": f"Report {seq} from {city.name}",
                            "url": f"https://news.example/{seq}", "date": day, "places": 1}
            seq += 1
        corpus.add({"count": entry["count"], "days": dict(entry["days"]), "places": {city.id: entry},
                    "sampled": sampled, "failures": [], "mentions": []})
    return corpus


def bench_corpus_map(n_places: int = 10_000, browser: bool = True) -> dict[str, Any]:
    """Render seconds and page size of the map of ``n_places`` places; in Chromium, the load and the median and
    worst date-range move (ms)."""
    from geo.corpus.corpusmap import corpus_html

    corpus = synthetic_corpus(n_places)
    started, cpu = time.perf_counter(), time.process_time()
    page = corpus_html(corpus, title="Bench corpus")
    figures: dict[str, Any] = {"places": len(corpus.places), "render_s": time.perf_counter() - started,
                               "render_cpu_s": time.process_time() - cpu, "mb": len(page.encode()) / 1e6}
    if browser:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "corpus.html"
            path.write_text(page, encoding="utf-8")
            figures.update(_measure_in_chromium(path))
    return figures


_MOVE = """async ([a, b]) => {
  const t0 = performance.now();
  geoCorpus.setRange(a, b);
  await new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)));
  return performance.now() - t0;
}"""


def _measure_in_chromium(path: Path) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    from geo.tools.chromium import launch

    rng = random.Random(3)
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            started = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("window.geoCorpus && geoCorpus.visible > 0", timeout=300_000)
            load_s = time.perf_counter() - started
            days = page.evaluate("geoCorpusData.days.length")
            moves = []
            for _ in range(MOVES):
                a = rng.randrange(days)
                moves.append(page.evaluate(_MOVE, [a, min(days - 1, a + rng.randrange(1, 90))]))
        finally:
            browser.close()
    return {"load_s": load_s, "move_ms_median": statistics.median(moves), "move_ms_max": max(moves)}
