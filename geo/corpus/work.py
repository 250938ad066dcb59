"""What a Dask worker runs: geoparse a chunk of records with ``parse``'s own per-article function and sum the
chunk up per place, so only a small summary travels back to the client (never the Documents).

The gazetteer and the border layer are loaded once per worker process (:func:`worker_resources`), not per task.
"""

from __future__ import annotations

import functools
import traceback
from typing import Any

from geo.errors import GeoError
from geo.parse.model import Document, Place

SNIPPET_CHARS = 240  # the quoted passage in a popup: this many characters around the mention
_LOADS = {"count": 0}


@functools.lru_cache(maxsize=1)
def worker_resources() -> Any:
    """The gazetteer, with the border layer loaded beside it; once per process (a Dask worker keeps it)."""
    from geo.borders import load_border_index
    from geo.places.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    load_border_index()
    _LOADS["count"] += 1
    return gaz


def warm() -> int:
    """Load the data now (``client.run(warm)`` on every worker before timing); returns :func:`load_count`."""
    worker_resources()
    return load_count()


def load_count() -> int:
    """How many times this process loaded the gazetteer and border layer (1 after any work; for tests)."""
    return _LOADS["count"]


def parse_record(record: dict[str, Any], *, borders: bool = True) -> Document:
    """One record -> Document, exactly as ``python -m geo parse`` does it (read_article + parse_article)."""
    from geo.parse.article import read_article
    from geo.pipeline import parse_article

    article = read_article(record["text"], filename=record.get("filename"), url=record.get("url"),
                           source="file" if record.get("filename") else "text")
    if record.get("title"):
        article.title = record["title"]
    return parse_article(article, gazetteer=worker_resources(), borders=borders)


def snippet(text: str, start: int, end: int, width: int = SNIPPET_CHARS) -> tuple[str, str, str]:
    """(before, mention, after): the mention with up to ``width`` characters of its passage around it."""
    side = max(0, (width - (end - start)) // 2)
    lo, hi = max(0, start - side), min(len(text), end + side)
    before, after = text[lo:start], text[end:hi]
    if lo > 0:
        before = "…" + before.lstrip()
    if hi < len(text):
        after = after.rstrip() + "…"
    return before, text[start:end], after


def place_fields(place: Place) -> dict[str, Any]:
    """What the corpus keeps of a place (the same for every article that mentions it)."""
    border = place.border or {}
    return {
        "id": place.id, "name": place.name, "kind": place.kind, "country": place.country,
        "country_name": border.get("country_name"), "admin1": place.admin1,
        "lat": place.lat, "lon": place.lon, "status": border.get("status"), "border": border or None,
    }


def summarise(record: dict[str, Any], doc: Document, summary: dict[str, Any], mentions: bool) -> None:
    """Add one parsed article to a chunk summary."""
    seq = record["seq"]
    summary["articles"].append({"seq": seq, "id": record["id"], "title": doc.article.title or "",
                                "url": record.get("url"), "date": record.get("date"),
                                "places": len(doc.places)})
    text = doc.article.text
    passages = {p.id: p for p in doc.article.passages}
    for place in doc.places:
        entry = summary["places"].get(place.id)
        if entry is None:
            entry = summary["places"][place.id] = {"place": place_fields(place), "articles": {}, "mentions": 0}
        entry["mentions"] += len(place.mentions)
        first = min(place.mentions, key=lambda m: m.start)
        passage = passages.get(first.passage or "")
        lo, hi = (passage.start, passage.end) if passage else (0, len(text))
        entry["articles"][seq] = [first.passage, *snippet(text[lo:hi], first.start - lo, first.end - lo)]
        if not mentions:
            continue
        border = place.border or {}
        for m in place.mentions:
            p = passages.get(m.passage or "")
            summary["mentions"].append({
                "seq": seq, "article_id": record["id"], "date": record.get("date"), "place_id": place.id,
                "name": place.name, "kind": place.kind, "country": place.country, "lat": place.lat,
                "lon": place.lon, "mention": m.text, "start": m.start, "end": m.end, "adjectival": m.adjectival,
                "passage_id": m.passage, "passage": text[p.start:p.end] if p else "",
                "border_status": border.get("status"),
            })


def failure_text(exc: BaseException) -> str:
    """One line: the error's type and first line, and where it happened when it is a bug rather than bad input."""
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    if not isinstance(exc, GeoError | ValueError | LookupError) and exc.__traceback__:
        text += f" (in {traceback.extract_tb(exc.__traceback__)[-1].name})"
    return text


def empty_summary() -> dict[str, Any]:
    return {"articles": [], "places": {}, "failures": [], "mentions": []}


def map_chunk(records: list[dict[str, Any]], borders: bool = True, mentions: bool = True) -> dict[str, Any]:
    """Geoparse every record of a chunk and sum them up per place. A record that fails becomes a failure
    ``{seq, id, error}`` (one line); the others are mapped."""
    summary = empty_summary()
    for record in records:
        if record.get("error"):
            summary["failures"].append({"seq": record["seq"], "id": record["id"], "error": record["error"]})
            continue
        try:
            doc = parse_record(record, borders=borders)
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the others
            summary["failures"].append({"seq": record["seq"], "id": record["id"], "error": failure_text(exc)})
            continue
        summarise(record, doc, summary, mentions)
    return summary
