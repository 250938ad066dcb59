"""A reader's corrections to a geoparse, as plain data, and the pure function that applies them.

A correction is a small JSON-serialisable dict; a document's corrections are a list applied in order
to the stored geoparse, so undo is "drop the last one" and the share link reproduces them exactly:

- ``{"op": "choose", "place": <place id>, "candidate": <candidate>}`` - the mentions of a place refer to
  another candidate (one of its alternatives, or a gazetteer search result).
- ``{"op": "drop", "place": <place id>}`` - a false positive: its mentions are not places.
- ``choose`` and ``drop`` may carry ``"start"``/``"end"``: the character offsets of one mention of that place
  in ``article.text``; then only that mention moves (or goes), the place's other mentions stay where they
  were, and a place left with no mention disappears. Without them, every mention of the place is meant.
- ``{"op": "add", "text": <exact text>, "candidate": <candidate>}`` - a missed place: every whole-word
  occurrence of ``text`` outside existing mentions (or only ``start``/``end`` when given) refers to it.

A candidate is ``{"id", "name", "kind", "lat", "lon", "country", "admin1", "geonameid", "population"}``.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import re
import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from geo.parse import toponyms
from geo.parse.model import KINDS, Document, Mention, Place
from geo.parse.resolve import admin1_key
from geo.places.gazetteer import Candidate

OPS = ("choose", "drop", "add")
MAX_NAME_CHARS = 200
MAX_ADD_TEXT_CHARS = 200
USER_SOURCE = "user"

Tagger = Callable[[Place], dict[str, Any] | None]


# ---------------------------------------------------------------------------------------------- validation


def _short_text(value: Any, field: str, limit: int = MAX_NAME_CHARS, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ValueError(f"{field} must be a non-empty text of at most {limit} characters")
    return value


def _optional_int(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{field} must be a whole number")
    return value


def validate_candidate(cand: Any) -> dict[str, Any]:
    """A clean candidate dict (only the known keys); ValueError naming the first bad field."""
    if not isinstance(cand, dict):
        raise ValueError("a candidate must be an object")
    lat, lon = cand.get("lat"), cand.get("lon")
    for field, value, bound in (("lat", lat, 90), ("lon", lon, 180)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                or abs(value) > bound:
            raise ValueError(f"candidate {field} must be a number between -{bound} and {bound}")
    kind = cand.get("kind")
    if kind not in KINDS:
        raise ValueError(f"candidate kind must be one of {', '.join(KINDS)}")
    return {
        "id": _short_text(cand.get("id"), "candidate id"),
        "name": _short_text(cand.get("name"), "candidate name"),
        "kind": kind,
        "lat": float(lat),
        "lon": float(lon),
        "country": _short_text(cand.get("country"), "candidate country", 8, optional=True),
        "admin1": _short_text(cand.get("admin1"), "candidate admin1", 40, optional=True),
        "geonameid": _optional_int(cand.get("geonameid"), "candidate geonameid"),
        "population": _optional_int(cand.get("population"), "candidate population"),
    }


def validate_correction(corr: Any) -> dict[str, Any]:
    """A clean correction dict; ValueError (one line) when it is malformed."""
    if not isinstance(corr, dict):
        raise ValueError("a correction must be an object")
    op = corr.get("op")
    if op not in OPS:
        raise ValueError(f"correction op must be one of {', '.join(OPS)}")
    if op in ("drop", "choose"):
        out = {"op": op, "place": _short_text(corr.get("place"), "place id")}
        label = _short_text(corr.get("label"), "label", optional=True)
        if label is not None:
            out["label"] = label
        if op == "choose":
            out["candidate"] = validate_candidate(corr.get("candidate"))
        _copy_span(corr, out)
        return out
    cand = validate_candidate(corr.get("candidate"))
    out = {"op": op, "text": _short_text(corr.get("text"), "text", MAX_ADD_TEXT_CHARS), "candidate": cand}
    _copy_span(corr, out)
    return out


def _copy_span(corr: dict[str, Any], out: dict[str, Any]) -> None:
    """Copy a valid optional ``start``/``end`` pair from ``corr`` to ``out``; ValueError when malformed."""
    start, end = _optional_int(corr.get("start"), "start"), _optional_int(corr.get("end"), "end")
    if (start is None) != (end is None) or (start is not None and not 0 <= start < end):
        raise ValueError("start and end must be given together, with 0 <= start < end")
    if start is not None:
        out["start"], out["end"] = start, end


def scope_problem(doc: Document, corr: dict[str, Any]) -> str | None:
    """Why a (validated) correction scoped to one mention does not fit ``doc``, or None when it does (or
    is not scoped): its offsets must lie inside the article and be exactly a mention of its place."""
    if corr.get("op") not in ("choose", "drop") or "start" not in corr:
        return None
    start, end = corr["start"], corr["end"]
    if end > len(doc.article.text):
        return f"the mention at {start}–{end} is outside the article ({len(doc.article.text):,} characters)"
    place = next((p for p in doc.places if p.id == corr["place"]), None)
    if place is None:
        return f"{corr['place']} is not in the document any more"
    if not any(m.start == start and m.end == end for m in place.mentions):
        return f"{place.name} has no mention at {start}–{end} (“{doc.article.text[start:end]}”)"
    return None


def check_correction(doc: Document, corr: Any) -> dict[str, Any]:
    """A clean correction that fits ``doc`` (its scope, if any, is a mention of its place); ValueError
    (one line) otherwise. For a correction about to be stored against the document as it is now."""
    clean = validate_correction(corr)
    problem = scope_problem(doc, clean)
    if problem:
        raise ValueError(problem)
    return clean


# ---------------------------------------------------------------------------------------------- constructors


def candidate_dict(cand: Any) -> dict[str, Any]:
    """A candidate dict from a gazetteer Candidate, a place's alternative dict, or a Place."""
    get = cand.get if isinstance(cand, dict) else lambda key, default=None: getattr(cand, key, default)
    fields = {key: get(key) for key in
              ("id", "name", "kind", "lat", "lon", "country", "admin1", "geonameid", "population")}
    if isinstance(cand, Candidate):  # straight from the gazetteer: the Document's form of admin1
        fields["admin1"] = admin1_key(cand)
    return validate_candidate(fields)


def _scope(corr: dict[str, Any], mention: tuple[int, int] | None) -> dict[str, Any]:
    if mention is not None:
        if not isinstance(mention, tuple | list) or len(mention) != 2:
            raise ValueError("mention must be a (start, end) pair")
        corr["start"], corr["end"] = mention
    return validate_correction(corr)


def choose(place_id: str, candidate: Any, label: str | None = None,
           mention: tuple[int, int] | None = None) -> dict[str, Any]:
    """Correction: the place ``place_id`` (shown to readers as ``label``) is really ``candidate`` - all its
    mentions, or only the one at ``mention`` = (start, end)."""
    corr = {"op": "choose", "place": place_id, "candidate": candidate_dict(candidate), "label": label}
    return _scope(corr, mention)


def drop(place_id: str, label: str | None = None, mention: tuple[int, int] | None = None) -> dict[str, Any]:
    """Correction: ``place_id`` (shown to readers as ``label``) is a false positive - all its mentions, or
    only the one at ``mention`` = (start, end)."""
    return _scope({"op": "drop", "place": place_id, "label": label}, mention)


def add(text: str, candidate: Any, start: int | None = None, end: int | None = None) -> dict[str, Any]:
    """Correction: ``text`` (every whole-word occurrence, or the one span given) is ``candidate``."""
    corr = {"op": "add", "text": text, "candidate": candidate_dict(candidate), "start": start, "end": end}
    return validate_correction(corr)


def describe(corr: dict[str, Any]) -> str:
    """One line for the corrections list shown to the reader (plain text, to be escaped by the caller)."""
    cand = corr.get("candidate") or {}
    where = ", ".join(x for x in (cand.get("name"), cand.get("country")) if x)
    was = corr.get("label") or corr.get("place")
    if corr["op"] != "add" and "start" in corr:
        was = f"{was} (one mention, at character {corr['start']:,})"
    if corr["op"] == "drop":
        return f"Dropped {was} (not a place)"
    if corr["op"] == "choose":
        return f"{was} → {where} ({cand.get('kind')})"
    return f"Added “{corr['text']}” as {where} ({cand.get('kind')})"


# ---------------------------------------------------------------------------------------------- applying


def iter_occurrences(text: str, needle: str) -> Iterator[tuple[int, int]]:
    """Spans of the whole-word, case-sensitive occurrences of ``needle`` in ``text``, in text order, found
    as they are asked for (one pass over the text)."""
    if not needle:
        return
    pattern = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")
    for match in pattern.finditer(text):
        yield match.span()


_WORD_RUN = re.compile(r"\w+")
_LEADING_RUN = re.compile(r"\w+")


def occurrences_of(text: str, needles: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
    """:func:`find_occurrences` of many needles in one pass over ``text``, whatever their number.

    A whole-word occurrence of a needle that starts with a word character starts where a word of the text
    starts, and that word is the needle's first word exactly (the needle goes on with a non-word character,
    or ends where the text's word must end): one scan of the text's words collects the starts of the words
    that begin some needle, then each needle is checked at those starts only. A needle that starts
    otherwise (rare: "'s-Hertogenbosch") gets its own scan.
    """
    found: dict[str, list[tuple[int, int]]] = {}
    by_first: dict[str, list[str]] = {}
    for needle in dict.fromkeys(needles):
        first = _LEADING_RUN.match(needle)
        if needle and first is None:
            found[needle] = find_occurrences(text, needle)
        elif needle:
            by_first.setdefault(first.group(), []).append(needle)
            found[needle] = []
    if not by_first:
        return found
    starts: dict[str, list[int]] = {}
    for match in _WORD_RUN.finditer(text):
        word = match.group()
        if word in by_first:
            starts.setdefault(word, []).append(match.start())
    size = len(text)
    for word, positions in starts.items():
        for needle in by_first[word]:
            spans = found[needle]
            end_gap = len(needle)
            for start in positions:
                end = start + end_gap
                if text.startswith(needle, start) and (end >= size or not _is_word_char(text[end])):
                    spans.append((start, end))
    return found


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def find_occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Spans of every whole-word, case-sensitive occurrence of ``needle`` in ``text``."""
    return list(iter_occurrences(text, needle))


S = TypeVar("S", bound=tuple)


class Overlaps(Generic[S]):
    """Spans ``(start, end, ...)`` asked "which of you overlaps [start, end)?" in O(log n) per question
    (a mention list of 20,000 is not scanned once per occurrence)."""

    def __init__(self, spans: Iterable[S]) -> None:
        ordered = sorted(spans, key=lambda span: (span[0], span[1]))
        self._starts = [span[0] for span in ordered]
        self._furthest: list[S] = []  # for each prefix of ``ordered``: its span that ends last
        for span in ordered:
            last = self._furthest[-1] if self._furthest else None
            self._furthest.append(span if last is None or span[1] > last[1] else last)

    def __len__(self) -> int:
        return len(self._starts)

    def find(self, start: int, end: int) -> S | None:
        """A span with ``span.start < end`` and ``start < span.end`` (the one that ends last), or None."""
        k = bisect_left(self._starts, end)
        span = self._furthest[k - 1] if k else None
        return span if span is not None and span[1] > start else None


class TakenSpans:
    """The spans a Document's mentions take ("is [start, end) free?" in O(log n)), indexed once for a run of
    additions, not once per addition (400 additions were 400 sorts of every mention). Added spans are free
    when taken, so they never overlap: a sorted list of them answers with one bisection."""

    def __init__(self, doc: Document) -> None:
        self.base = Overlaps((m.start, m.end) for p in doc.places for m in p.mentions)
        self.starts: list[int] = []
        self.ends: list[int] = []

    def __len__(self) -> int:
        return len(self.base) + len(self.starts)

    def is_free(self, start: int, end: int) -> bool:
        if self.base.find(start, end) is not None:
            return False
        k = bisect_left(self.starts, end)
        return not (k and self.ends[k - 1] > start)

    def take(self, spans: list[tuple[int, int]]) -> None:
        for start, end in spans:
            k = bisect_left(self.starts, start)
            self.starts.insert(k, start)
            self.ends.insert(k, end)


def _default_tagger(place: Place) -> dict[str, Any] | None:
    from geo.borders import tag_place

    return tag_place(place)


def _place_from(cand: dict[str, Any], mentions: list[Mention], alternatives: list[dict[str, Any]]) -> Place:
    return Place(
        id=cand["id"], name=cand["name"], kind=cand["kind"], lat=cand["lat"], lon=cand["lon"],
        country=cand["country"], admin1=cand["admin1"], geonameid=cand["geonameid"],
        population=cand["population"], confidence=1.0, source=USER_SOURCE,
        alternatives=alternatives, mentions=sorted(mentions, key=lambda m: (m.start, m.end)),
    )


def _as_alternative(place: Place) -> dict[str, Any]:
    return {"id": place.id, "name": place.name, "kind": place.kind, "lat": place.lat, "lon": place.lon,
            "country": place.country, "population": place.population, "score": 0.0}


def _tag(place: Place, tagger: Tagger) -> None:
    try:
        place.border = tagger(place)
    except Exception:  # noqa: BLE001 - a place without border context beats a lost correction
        place.border = None


def _attach(doc: Document, cand: dict[str, Any], mentions: list[Mention],
            alternatives: list[dict[str, Any]], tagger: Tagger, index: int | None = None) -> Place:
    """Give ``mentions`` to the place ``cand`` (merging with an existing place of that id)."""
    existing = next((p for p in doc.places if p.id == cand["id"]), None)
    if existing is not None:
        existing.mentions = sorted(existing.mentions + mentions, key=lambda m: (m.start, m.end))
        existing.source, existing.confidence = USER_SOURCE, 1.0
        return existing
    place = _place_from(cand, mentions, alternatives)
    _tag(place, tagger)
    doc.places.insert(len(doc.places) if index is None else index, place)
    return place


def _take_mention(doc: Document, index: int, corr: dict[str, Any]) -> list[Mention]:
    """Remove the scoped mention (already checked to exist) from ``doc.places[index]`` and return it; the
    place goes when it has no mention left."""
    place = doc.places[index]
    taken = [m for m in place.mentions if (m.start, m.end) == (corr["start"], corr["end"])]
    place.mentions = [m for m in place.mentions if (m.start, m.end) != (corr["start"], corr["end"])]
    if not place.mentions:
        del doc.places[index]
    return taken


def _apply_choose(doc: Document, corr: dict[str, Any], tagger: Tagger) -> str | None:
    index = next((i for i, p in enumerate(doc.places) if p.id == corr["place"]), None)
    if index is None:
        return f"{corr['place']} is not in the document any more"
    problem = scope_problem(doc, corr)
    if problem:
        return problem
    cand = corr["candidate"]
    old = doc.places[index]
    if cand["id"] == old.id:
        if "start" not in corr:
            old.source, old.confidence = USER_SOURCE, 1.0
        return None
    alternatives = [a for a in old.alternatives if a.get("id") != cand["id"]] + [_as_alternative(old)]
    if "start" in corr:
        mentions = _take_mention(doc, index, corr)
        still_there = index < len(doc.places) and doc.places[index] is old
        at = index + 1 if still_there else index  # next to the place it left
    else:
        del doc.places[index]
        mentions, at = old.mentions, index
    _attach(doc, cand, mentions, alternatives, tagger, at)
    return None


def _apply_drop(doc: Document, corr: dict[str, Any]) -> str | None:
    if "start" in corr:
        index = next((i for i, p in enumerate(doc.places) if p.id == corr["place"]), None)
        problem = scope_problem(doc, corr)
        if index is None or problem:
            return problem or f"{corr['place']} is not in the document any more"
        _take_mention(doc, index, corr)
        if all(p.id != corr["place"] for p in doc.places):
            doc.meta.setdefault("dropped", []).append(corr["place"])
        return None
    before = len(doc.places)
    doc.places = [p for p in doc.places if p.id != corr["place"]]
    if len(doc.places) == before:
        return f"{corr['place']} is not in the document any more"
    doc.meta.setdefault("dropped", []).append(corr["place"])
    return None


def _apply_add(doc: Document, corr: dict[str, Any], tagger: Tagger,
               occurrences: dict[str, list[tuple[int, int]]] | None = None,
               taken: TakenSpans | None = None) -> str | None:
    """Add the free occurrences of the text (found for every addition in one pass over the text, see
    :func:`occurrences_of`; each checked against the mentions in O(log n)), never past the mention cap; a
    cut addition is said in the Document's notes."""
    text = doc.article.text
    if "start" in corr:
        spans = [(corr["start"], corr["end"])]
        if text[corr["start"]:corr["end"]] != corr["text"]:
            return f"“{corr['text']}” is not at {corr['start']}–{corr['end']} in the article"
    elif occurrences is not None and corr["text"] in occurrences:
        spans = occurrences[corr["text"]]
    else:
        spans = iter_occurrences(text, corr["text"])
    taken = taken if taken is not None else TakenSpans(doc)
    # A document maps at most toponyms.MAX_MENTIONS names, corrections included.
    room = toponyms.MAX_MENTIONS - len(taken)
    free: list[tuple[int, int]] = []
    for s, e in spans:
        if taken.is_free(s, e):
            free.append((s, e))
            if len(free) > room:
                break
    if not free:
        return f"“{corr['text']}” does not occur in the article outside places already found"
    if room <= 0:
        return (f"“{corr['text']}” was not added: the document already maps {toponyms.MAX_MENTIONS:,} "
                "place names, the most it can")
    if len(free) > room:
        free = free[:room]
        doc.meta.setdefault("notes", []).append(
            f"“{corr['text']}” was added at its first {room:,} free occurrences only (up to character "
            f"{free[-1][1]:,}): a document maps at most {toponyms.MAX_MENTIONS:,} place names")
    taken.take(free)
    if doc.unresolved:
        added = Overlaps(free)
        doc.unresolved = [m for m in doc.unresolved if added.find(m.start, m.end) is None]
    mentions = [Mention(s, e, text[s:e], doc.article.passage_at(s), False) for s, e in free]
    _attach(doc, corr["candidate"], mentions, [], tagger)
    return None


def _copy_place(place: Place) -> Place:
    """A copy of ``place`` that shares nothing mutable with it (as deepcopy, at a fraction of the cost)."""
    return dataclasses.replace(place, alternatives=copy.deepcopy(place.alternatives),
                               border=copy.deepcopy(place.border),
                               mentions=[dataclasses.replace(m) for m in place.mentions])


def apply_corrections(doc: Document, corrections: list[dict[str, Any]], *,
                      tagger: Tagger | None = None) -> Document:
    """A new Document with ``corrections`` applied in order (``doc`` is left untouched).

    A correction that no longer fits (its place is gone, its text is not found) is skipped and
    listed in ``meta["corrections"]["skipped"]``; ``tagger`` gives new places their border context
    (default: :func:`geo.borders.tagging.tag_place`).
    """
    tagger = tagger or _default_tagger
    out = Document(article=doc.article, places=[_copy_place(p) for p in doc.places],
                   unresolved=[dataclasses.replace(m) for m in doc.unresolved], meta=copy.deepcopy(doc.meta))
    applied, skipped = 0, []
    checked = [validate_correction(raw) for raw in corrections]
    additions = [c["text"] for c in checked if c["op"] == "add" and "start" not in c]
    occurrences = occurrences_of(doc.article.text, additions) if len(additions) > 1 else None
    taken: TakenSpans | None = None  # the mentions' spans, kept across a run of additions
    for corr in checked:
        if corr["op"] == "choose":
            problem, taken = _apply_choose(out, corr, tagger), None
        elif corr["op"] == "drop":
            problem, taken = _apply_drop(out, corr), None
        else:
            taken = taken if taken is not None else TakenSpans(out)
            problem = _apply_add(out, corr, tagger, occurrences, taken)
        if problem:
            skipped.append(problem)
        else:
            applied += 1
    if corrections:
        out.meta["corrections"] = {"applied": applied, "skipped": skipped}
    return out


CACHED_DOCUMENTS = 8
_CORRECTED: OrderedDict[tuple[Any, ...], Document] = OrderedDict()
_CORRECTED_LOCK = threading.Lock()


def corrected_document(doc_id: str, revision: int | None, doc: Document, corrections: list[dict[str, Any]], *,
                       tagger: Tagger | None = None) -> Document:
    """:func:`apply_corrections`, cached by (document, corrections revision): every rerun of a page that shows
    a stored article with its corrections gets the same Document without applying them again (a 4 MB
    article with 400 additions took a minute per run). Callers must not change the Document returned.
    ``revision`` None (not known) is never cached."""
    if revision is None:
        return apply_corrections(doc, corrections, tagger=tagger)
    from geo.store.backend import store_key

    # the store in use is part of the key (a revision number means something only in its own store), and so
    # are the corrections themselves (cheap next to applying them)
    key = (doc_id, revision, store_key(), hash(json.dumps(corrections, sort_keys=True, ensure_ascii=False)))
    with _CORRECTED_LOCK:
        hit = _CORRECTED.get(key)
        if hit is not None:
            _CORRECTED.move_to_end(key)
            return hit
    out = apply_corrections(doc, corrections, tagger=tagger)
    with _CORRECTED_LOCK:
        _CORRECTED[key] = out
        while len(_CORRECTED) > CACHED_DOCUMENTS:
            _CORRECTED.popitem(last=False)
    return out
