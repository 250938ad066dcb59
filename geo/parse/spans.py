"""Marked-up views of an article (the app's panel, the export's text) need, for every passage, the
mention spans inside it, without overlaps and in order: computed here once, in one pass."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from geo.parse.model import Passage

Span = TypeVar("Span", bound=tuple)


def spans_by_passage(passages: Sequence[Passage], spans: Iterable[Span]) -> Iterator[tuple[Passage, list[Span]]]:
    """Each passage with the spans ``(start, end, ...)`` that lie inside it, in text order. Where spans
    overlap the one that starts first (then the longest) wins; empty spans are skipped. Each passage
    looks only at the spans that start inside it, so this is linear in the article, not passages × spans."""
    ordered = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0])))
    starts = [s[0] for s in ordered]
    for passage in passages:
        pos, inside = passage.start, []
        for span in ordered[bisect_left(starts, passage.start):bisect_left(starts, passage.end)]:
            if span[0] >= pos and passage.start <= span[0] < span[1] <= passage.end:
                inside.append(span)
                pos = span[1]
        yield passage, inside
