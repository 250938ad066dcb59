"""Passages: the paragraphs of an article's text (split at blank lines) as ids and character spans.

Past :data:`MAX_PASSAGES` paragraphs (a pathological input) neighbouring paragraphs are grouped, so memory
stays bounded.
"""

from __future__ import annotations

import re

from geo.parse.model import Passage

MAX_PASSAGES = 100_000
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")

def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each blank-line-separated paragraph, whitespace excluded.

    Past MAX_PASSAGES paragraphs (a pathological input), neighbouring paragraphs are grouped into
    passages of at least len(text) / (MAX_PASSAGES / 2) characters, so time and memory stay bounded.
    """
    spans = spans_between_blank_lines(text, min_chars=0, limit=MAX_PASSAGES)
    if spans is None:
        spans = spans_between_blank_lines(text, min_chars=len(text) // (MAX_PASSAGES // 2), limit=None)
    return spans or []


def spans_between_blank_lines(
    text: str, *, min_chars: int, limit: int | None
) -> list[tuple[int, int]] | None:
    """Spans cut at runs of blank lines, each at least ``min_chars`` long; None once past ``limit`` spans."""
    spans: list[tuple[int, int]] = []
    pos, size = 0, len(text)
    while pos < size:
        separator = _BLANK_LINES.search(text, pos + min_chars)
        end, next_pos = (separator.start(), separator.end()) if separator else (size, size)
        span = strip_span(text, pos, end)
        pos = next_pos
        if span is None:
            continue
        spans.append(span)
        if limit is not None and len(spans) > limit:
            return None
    return spans


def strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span text[start:end] without surrounding whitespace, or None when it is blank."""
    block = text[start:end]
    stripped = block.strip()
    if not stripped:
        return None
    lead = len(block) - len(block.lstrip())
    return start + lead, start + lead + len(stripped)


def split_passages(text: str) -> list[Passage]:
    """Passages p1, p2, ... over the paragraphs of ``text``."""
    return [Passage(f"p{i}", start, end) for i, (start, end) in enumerate(paragraph_spans(text), 1)]
