"""What a Dask worker runs: geoparse a chunk of records with ``parse``'s own per-article function and sum the
chunk up per place, so only a small summary travels back to the client (never the Documents).

The gazetteer and the border layer are loaded once per worker process (:func:`worker_resources`), not per task.
"""

from __future__ import annotations

import functools
import heapq
import pickle
import traceback
from collections import OrderedDict
from typing import Any

from geo.corpus.aggregate import SAMPLE_ARTICLES, keep_sample, sample_rank
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


def parse_records(records: list[dict[str, Any]], *, borders: bool = True) -> list[Document | Exception]:
    """Records -> Documents, each exactly as ``python -m geo parse`` makes it (the batch engine's
    record_documents: a chunk's new places tagged together); a record that fails is its exception."""
    from geo.batch import record_documents

    return record_documents(records, borders=borders, gazetteer=worker_resources())


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


def packed_fields(place: Place) -> bytes:
    """:func:`place_fields` pickled: the client unpickles a place's fields only the first time it meets the
    place, and a summary's bytes for the places it knows cost it a copy, not a parse (the client's CPU per
    article is what caps a cluster)."""
    return pickle.dumps(place_fields(place), protocol=pickle.HIGHEST_PROTOCOL)


def place_fields(place: Place) -> dict[str, Any]:
    """What the corpus keeps of a place (the same for every article that mentions it)."""
    border = place.border or {}
    return {
        "id": place.id, "name": place.name, "kind": place.kind, "country": place.country,
        "country_name": border.get("country_name"), "admin1": place.admin1,
        "lat": place.lat, "lon": place.lon, "status": border.get("status"), "border": border or None,
    }


class RunSamples:
    """The sample ranks of the articles this worker has quoted per place, in one corpus run: an article outside
    the :data:`SAMPLE_ARTICLES` lowest ranks among those this worker has met for a place is outside them among
    all the corpus's articles too, so its quote need not travel. Bounded (least recently used places out:
    a place forgotten only means quotes sent again); a run of its own per run id, so two runs never mix."""

    PLACES = 5_000
    RUNS = 4

    def __init__(self) -> None:
        self.runs: OrderedDict[str, OrderedDict[str, list[int]]] = OrderedDict()

    def admits(self, run: str | None, place_id: str, seq: int) -> bool:
        """Whether the article ``seq``'s quote for the place is still among the lowest ranks (and note it)."""
        if run is None:
            return True
        places = self.runs.get(run)
        if places is None:
            places = self.runs[run] = OrderedDict()
            if len(self.runs) > self.RUNS:
                self.runs.popitem(last=False)
        heap = places.get(place_id)  # the negated ranks kept: heap[0] is minus the worst of them
        if heap is None:
            heap = places[place_id] = []
            if len(places) > self.PLACES:
                places.popitem(last=False)
        else:
            places.move_to_end(place_id)
        rank = sample_rank(seq)  # distinct articles have distinct ranks
        if len(heap) >= SAMPLE_ARTICLES and rank > -heap[0]:
            return False
        if -rank in heap:  # the same article again (a chunk computed twice): still in
            return True
        if len(heap) < SAMPLE_ARTICLES:
            heapq.heappush(heap, -rank)
        else:
            heapq.heapreplace(heap, -rank)
        return True


_SAMPLES = RunSamples()


def summarise(record: dict[str, Any], doc: Document, summary: dict[str, Any], mentions: bool,
              run: str | None = None) -> None:
    """Add one parsed article to a chunk summary (counts per place and day, a sample of quotes per place;
    with a ``run`` id, only the quotes this worker's :class:`RunSamples` still admits)."""
    seq, day = record["seq"], record.get("date") or ""
    summary["count"] += 1
    summary["days"][day] = summary["days"].get(day, 0) + 1
    text = doc.article.text
    passages = {p.id: p for p in doc.article.passages}
    quoted = False
    for place in doc.places:
        entry = summary["places"].get(place.id)
        if entry is None:
            entry = summary["places"][place.id] = {"place": packed_fields(place), "articles": {}, "mentions": 0,
                                                   "count": 0, "days": {}}
        entry["mentions"] += len(place.mentions)
        entry["count"] += 1
        entry["days"][day] = entry["days"].get(day, 0) + 1
        if ((len(entry["articles"]) >= SAMPLE_ARTICLES and sample_rank(seq) > entry["worst"])
                or not _SAMPLES.admits(run, place.id, seq)):
            pass  # not in this place's sample: skip the snippet
        else:
            first = min(place.mentions, key=lambda m: m.start)
            passage = passages.get(first.passage or "")
            lo, hi = (passage.start, passage.end) if passage else (0, len(text))
            entry["articles"][seq] = [first.passage, *snippet(text[lo:hi], first.start - lo, first.end - lo)]
            keep_sample(entry["articles"])
            entry["worst"] = max(map(sample_rank, entry["articles"]))
            quoted = True
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
    if quoted:
        summary["sampled"][seq] = {"seq": seq, "id": record["id"], "title": doc.article.title or "",
                                   "url": record.get("url"), "date": record.get("date"), "places": len(doc.places)}


def finish_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """Drop what only the worker needed, and the articles no place's sample kept."""
    kept: set[int] = set()
    for entry in summary["places"].values():
        entry.pop("worst", None)
        kept.update(entry["articles"])
    summary["sampled"] = {seq: a for seq, a in summary["sampled"].items() if seq in kept}
    return summary


def failure_text(exc: BaseException) -> str:
    """One line: the error's type and first line, and where it happened when it is a bug rather than bad input."""
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    if not isinstance(exc, GeoError | ValueError | LookupError) and exc.__traceback__:
        text += f" (in {traceback.extract_tb(exc.__traceback__)[-1].name})"
    return text


def empty_summary() -> dict[str, Any]:
    return {"count": 0, "days": {}, "places": {}, "sampled": {}, "failures": [], "mentions": []}


def map_chunk(items: list[Any], borders: bool = True, mentions: bool = True, run: str | None = None) -> dict[str, Any]:
    """Geoparse every item of a chunk and sum them up per place. An item is a record, or a raw JSONL line
    ``(seq, line number, bytes)`` that the worker decodes (so the client never decodes or parses an article).
    A record that fails becomes a failure ``{seq, id, error}`` (one line); the others are mapped. ``run``:
    the corpus run's id, for the worker's sample of quotes (:class:`RunSamples`)."""
    from geo.corpus.lines import decode_item

    summary = empty_summary()
    records = []
    for item in items:
        record = decode_item(item)
        if record.get("error"):
            summary["failures"].append({"seq": record["seq"], "id": record["id"], "error": record["error"]})
        else:
            records.append(record)
    for record, doc in zip(records, parse_records(records, borders=borders), strict=True):
        if isinstance(doc, Exception):  # one bad article does not stop the others
            summary["failures"].append({"seq": record["seq"], "id": record["id"], "error": failure_text(doc)})
        else:
            summarise(record, doc, summary, mentions, run)
    return finish_summary(summary)


def map_chunk_packed(packed_items: bytes, borders: bool = True, mentions: bool = True,
                     run: str | None = None) -> bytes:
    """:func:`map_chunk` as a Dask task: its items come pickled whole and its summary goes back pickled whole, so
    Dask moves one bytes frame each way. Given as they are, Dask walks a chunk's items looking for futures in
    them, and serialises a dict holding many small bytes values (the places' packed fields) item by item: both
    cost the client more than merging the summary."""
    items = pickle.loads(packed_items)
    return pickle.dumps(map_chunk(items, borders, mentions, run), protocol=pickle.HIGHEST_PROTOCOL)
