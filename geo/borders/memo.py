"""Border context once per place: a bounded memo in front of :mod:`geo.borders.tagging`.

A place's border object depends on the place (its id, kind, name, country, region and point) and on the border
index (one border view), never on the article that mentions it. A batch geoparser meets the same few thousand
places again and again, so each process keeps the last :data:`MEMO_PLACES` border objects by place and tags only
the places it has not seen (still in one vectorised pass per batch). Every Document gets its own copy, equal to
what :func:`geo.borders.tagging.tag_documents` gives.
"""

from __future__ import annotations

import pickle
from collections import OrderedDict
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from geo.borders.index import BorderIndex, load_border_index

MEMO_PLACES = 20_000  # border objects kept per process (a few KB each: tens of MB at most)


class BorderMemo:
    """The border objects of the last ``size`` places tagged with one border index (least recently used out)."""

    def __init__(self, size: int = MEMO_PLACES):
        self.size = size
        self.index: BorderIndex | None = None
        # place key -> (border object pickled, pin): tagging may move a pin (a region's, into its real area).
        # Pickled: one C call gives each Document a copy of its own (a recursive copy cost 10x more).
        self.entries: OrderedDict[tuple, tuple[bytes, tuple[float, float]]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        self.entries.clear()
        self.hits = self.misses = 0

    def _use(self, index: BorderIndex) -> None:
        if index is not self.index:  # another index (another border view, a rebuilt cache): start again
            self.clear()
            self.index = index

    def apply(self, key: tuple, place: Any) -> bool:
        """Give ``place`` its border object (a copy) and pin when the memo has them; False otherwise."""
        found = self.entries.get(key)
        if found is None:
            self.misses += 1
            return False
        self.entries.move_to_end(key)
        self.hits += 1
        place.border = pickle.loads(found[0])
        place.lat, place.lon = found[1]
        return True

    def put(self, key: tuple, place: Any) -> None:
        """Keep a tagged place's border object and pin under its key from before tagging."""
        self.entries[key] = pickle.dumps(place.border, protocol=pickle.HIGHEST_PROTOCOL), (place.lat, place.lon)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)


_MEMO = BorderMemo()


def memo() -> BorderMemo:
    """This process's memo (for the benchmark's hit counts and for tests)."""
    return _MEMO


def place_key(place: Any) -> tuple:
    """Everything of a place that its border object is computed from."""
    return (place.id, place.kind, place.name, place.country, getattr(place, "admin1", None),
            float(place.lat), float(place.lon))


def tag_place_once(place: Any, index: BorderIndex | None = None) -> dict[str, Any]:
    """:func:`geo.borders.tagging.tag_place`, computed once per place and index."""
    from geo.borders.tagging import tag_place

    index = index or load_border_index()
    _MEMO._use(index)
    key = place_key(place)
    if _MEMO.apply(key, place):
        return place.border
    place.border = tag_place(place, index)
    _MEMO.put(key, place)
    return place.border


def tag_documents_once(docs: Iterable[Any], index: BorderIndex | None = None) -> None:
    """:func:`geo.borders.tagging.tag_documents` with the memo: places seen before get a copy of their border
    object, the others are tagged together in one vectorised pass (once each, however many documents name them)."""
    from geo.borders.tagging import tag_documents

    index = index or load_border_index()
    _MEMO._use(index)
    waiting: dict[tuple, list[Any]] = {}
    for doc in docs:
        for place in doc.places:
            key = place_key(place)
            if key in waiting:
                waiting[key].append(place)
                continue
            if not _MEMO.apply(key, place):
                waiting[key] = [place]
    if not waiting:
        return
    first = [places[0] for places in waiting.values()]
    tag_documents([SimpleNamespace(places=first)], index=index)
    for key, places in waiting.items():
        _MEMO.put(key, places[0])
        for other in places[1:]:
            _MEMO.apply(key, other)
