"""Passages: the paragraphs of an article's text as ids and character spans, and the rule that found them.

Three layouts are told apart (:func:`passage_rule`), each in one pass over the text:

- ``"blank-lines"``: paragraphs separated by blank lines (a single newline inside one is kept in it);
  also a text of one line.
- ``"line-breaks"``: no blank line anywhere, one paragraph a line (text copied from a web page).
- ``"hard-wrapped"``: no blank line, lines of about the same width that mostly end mid-sentence (an email,
  a wire text, a book): lines are joined back into paragraphs, which end at a line closing a sentence where
  the wrapper had room for the next word, or before an indented line.

Spans index the text as given (CRLF and lone CR count as line breaks) and exclude surrounding whitespace.
Past :data:`MAX_PASSAGES` paragraphs (a pathological input) neighbouring paragraphs are grouped, so memory
stays bounded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from geo.parse.model import Passage

MAX_PASSAGES = 100_000
RULES = ("blank-lines", "line-breaks", "hard-wrapped")
_NL = r"(?:\r\n|\r(?!\n)|\n)"  # a CR before an LF is part of that line break, never a break of its own
_BREAK = re.compile(_NL)
_BLANK_LINES = re.compile(rf"{_NL}(?:[^\S\r\n]*{_NL})+")
_LINE_BREAKS = re.compile(rf"{_NL}(?:[^\S\r\n]*{_NL})*")
_SENTENCE_END = tuple(".!?…:;")
_CLOSING = "\"'”’»)]"
# Hard wrapping: line widths are measured up to this many characters (longer lines are no wrap at all).
MAX_WRAP = 200
MIN_WRAP = 30
MIN_WRAPPED_LINES = 4
FULL_LINE = 0.7  # a line at least this share of the wrap width is "full"


@dataclass(frozen=True)
class Layout:
    """What one pass over the lines of a text found (see :func:`text_layout`)."""

    rule: str
    width: int = 0  # the wrap width of a hard-wrapped text (0 otherwise)
    indented_starts: bool = False  # in a hard-wrapped text, an indented line starts a paragraph


def ends_sentence(line: str) -> bool:
    """Does the (stripped) line end a sentence?"""
    return line.rstrip(_CLOSING).endswith(_SENTENCE_END)


def line_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every line of ``text``, its break excluded; CRLF, CR and LF are breaks."""
    pos = 0
    for brk in _BREAK.finditer(text):
        yield pos, brk.start()
        pos = brk.end()
    yield pos, len(text)


def text_layout(text: str) -> Layout:
    """The layout of ``text`` (see the module's docstring), in one pass and bounded memory."""
    lengths = [0] * (MAX_WRAP + 2)  # inner lines (followed by another line) by stripped length
    mid_next_lower = [0] * (MAX_WRAP + 2)  # ... of those, ending mid-sentence, next line not capitalised
    previous: str | None = None
    blank_since = False
    inner = indented = 0
    for start, end in line_spans(text):
        line = text[start:end]
        stripped = line.strip()
        if not stripped:
            blank_since = previous is not None
            continue
        if previous is not None:
            if blank_since:
                return Layout("blank-lines")
            inner += 1
            size = min(len(previous), MAX_WRAP + 1)
            lengths[size] += 1
            if not ends_sentence(previous) and not stripped[0].isupper():
                mid_next_lower[size] += 1
            indented += line[:1].isspace()
        previous = stripped
    if inner == 0:
        return Layout("blank-lines")
    width = wrap_width(lengths, inner, mid_next_lower)
    if not width:
        return Layout("line-breaks")
    return Layout("hard-wrapped", width, indented_starts=0 < indented <= inner // 2)


def wrap_width(lengths: list[int], inner: int, mid_next_lower: list[int]) -> int:
    """The wrap width of lines counted by length, or 0 when they are not hard-wrapped: at least
    MIN_WRAPPED_LINES lines, nine in ten no wider than a width between MIN_WRAP and MAX_WRAP, most of them
    "full" (FULL_LINE of that width), and most full lines ending mid-sentence with the next line going on
    in lower case (or a script without case)."""
    if inner + 1 < MIN_WRAPPED_LINES:
        return 0
    seen, width = 0, 0
    for size, count in enumerate(lengths):
        seen += count
        if seen * 10 >= inner * 9:
            width = size
            break
    if not MIN_WRAP <= width <= MAX_WRAP:
        return 0
    floor = int(width * FULL_LINE)
    full = sum(lengths[floor:])
    going_on = sum(mid_next_lower[floor:])
    if full * 10 < inner * 6 or going_on * 2 < full:
        return 0
    # The widest line not far past the bulk (one stray long line aside): the wrapper's width, or just under it.
    top = max(size for size in range(width, min(MAX_WRAP, int(width * 1.15)) + 1) if lengths[size] or size == width)
    return top


def passage_rule(text: str) -> str:
    """Which rule splits ``text`` into passages: one of :data:`RULES`."""
    return text_layout(text).rule


def paragraph_spans(text: str, layout: Layout | None = None) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of ``text`` by its layout, whitespace excluded.

    Past MAX_PASSAGES paragraphs (a pathological input), neighbouring paragraphs are grouped into
    passages of at least len(text) / (MAX_PASSAGES / 2) characters, so time and memory stay bounded.
    """
    layout = layout or text_layout(text)
    if layout.rule == "hard-wrapped":
        return bounded(lambda: wrapped_paragraphs(text, layout), len(text))
    pattern = _LINE_BREAKS if layout.rule == "line-breaks" else _BLANK_LINES
    spans = spans_between(text, pattern, min_chars=0, limit=MAX_PASSAGES)
    if spans is None:
        spans = spans_between(text, pattern, min_chars=len(text) // (MAX_PASSAGES // 2), limit=None)
    return spans or []


def spans_between_blank_lines(
    text: str, *, min_chars: int, limit: int | None
) -> list[tuple[int, int]] | None:
    """Spans cut at runs of blank lines, each at least ``min_chars`` long; None once past ``limit`` spans."""
    return spans_between(text, _BLANK_LINES, min_chars=min_chars, limit=limit)


def spans_between(
    text: str, separator: re.Pattern[str], *, min_chars: int, limit: int | None
) -> list[tuple[int, int]] | None:
    """Spans cut at ``separator``, each at least ``min_chars`` long; None once past ``limit`` spans."""
    spans: list[tuple[int, int]] = []
    pos, size = 0, len(text)
    while pos < size:
        found = separator.search(text, pos + min_chars)
        end, next_pos = (found.start(), found.end()) if found else (size, size)
        span = strip_span(text, pos, end)
        pos = next_pos
        if span is None:
            continue
        spans.append(span)
        if limit is not None and len(spans) > limit:
            return None
    return spans


def wrapped_paragraphs(text: str, layout: Layout) -> Iterator[tuple[int, int]]:
    """The paragraphs of a hard-wrapped text (no blank lines). A paragraph ends after a line closing a
    sentence that had room for the next line's first word (the wrapper would have put it there), and before an indented line when only some lines are indented."""
    start = end = -1
    last = ""
    for line_start, line_end in line_spans(text):
        span = strip_span(text, line_start, line_end)
        if span is None:
            continue
        line = text[span[0]:span[1]]
        if start >= 0 and paragraph_break(last, line, text[line_start:line_start + 1].isspace(), layout):
            yield start, end
            start = -1
        if start < 0:
            start = span[0]
        end, last = span[1], line
    if start >= 0:
        yield start, end


def paragraph_break(last: str, line: str, indented: bool, layout: Layout) -> bool:
    """Does a paragraph end between the (stripped) lines ``last`` and ``line`` of a hard-wrapped text?"""
    if indented and layout.indented_starts:
        return True
    if not ends_sentence(last):
        return False
    first_word = line.split(None, 1)[0]
    return len(last) + 1 + len(first_word) <= layout.width


def bounded(make: Callable[[], Iterator[tuple[int, int]]], size: int) -> list[tuple[int, int]]:
    """The spans ``make()`` yields; past MAX_PASSAGES of them, neighbours merged into spans of at least
    ``size / (MAX_PASSAGES / 2)`` characters (``make`` is called again: a second pass, still linear)."""
    spans = list(islice(make(), MAX_PASSAGES + 1))
    if len(spans) <= MAX_PASSAGES:
        return spans
    min_chars = size // (MAX_PASSAGES // 2)
    merged: list[tuple[int, int]] = []
    for start, end in make():
        if merged and merged[-1][1] - merged[-1][0] < min_chars:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span text[start:end] without surrounding whitespace, or None when it is blank."""
    block = text[start:end]
    stripped = block.strip()
    if not stripped:
        return None
    lead = len(block) - len(block.lstrip())
    return start + lead, start + lead + len(stripped)


def first_line_stands_alone(text: str) -> bool:
    """In a text with no blank line after its first line: is that line a line of its own (a title candidate)?
    Yes when the text is split at line breaks, or hard-wrapped with a first line well short of the width."""
    layout = text_layout(text)
    if layout.rule == "line-breaks":
        return True
    if layout.rule != "hard-wrapped":
        return False
    first = next((text[s:e].strip() for s, e in line_spans(text) if text[s:e].strip()), "")
    return len(first) < layout.width * FULL_LINE / 1.4


def split_passages_by_rule(text: str) -> tuple[list[Passage], str]:
    """Passages p1, p2, ... over the paragraphs of ``text``, and the rule (:data:`RULES`) that split it."""
    layout = text_layout(text)
    spans = paragraph_spans(text, layout)
    return [Passage(f"p{i}", start, end) for i, (start, end) in enumerate(spans, 1)], layout.rule


def split_passages(text: str) -> list[Passage]:
    """Passages p1, p2, ... over the paragraphs of ``text``."""
    return split_passages_by_rule(text)[0]
