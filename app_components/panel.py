"""The app's article panel as plain data: escaped HTML, text-selection spans and occurrence choices.

Pure functions over a Document (no Streamlit): app.py and the article-panel component call them.
Every string that came from the article reaches HTML through :mod:`geo.maps.htmlsafe`. Each run of text
carries ``data-s``, its start offset in ``article.text`` (Python code points), so the browser can turn
a text selection back into offsets that :func:`selection_span` checks against the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.errors import InputError
from geo.maps import htmlsafe
from geo.maps.popups import KIND_LABEL
from geo.parse.model import Document, Place
from geo.parse.spans import spans_by_passage
from geo.store.corrections import MAX_ADD_TEXT_CHARS, Overlaps, iter_occurrences

CONTEXT_CHARS = 40
_EDGE = " \t\r\n\"'()[]{}<>,;:!?.“”‘’«»„‚–—-*_/\\|"  # trimmed from both ends of a selection
_WORD = re.compile(r"\w")


def _is_word(ch: str) -> bool:
    return bool(_WORD.match(ch))


def place_by_id(doc: Document, place_id: str | None) -> Place | None:
    """The place with this id, or None."""
    return next((p for p in doc.places if p.id == place_id), None) if place_id else None


def first_passage(place: Place | None) -> str | None:
    """The id of the first passage that mentions ``place`` (the one the panel scrolls to)."""
    if place is None:
        return None
    return next((m.passage for m in sorted(place.mentions, key=lambda m: m.start) if m.passage), None)


def panel_html(doc: Document, selected: str | None) -> str:
    """The article, escaped, with every mention a button naming its place (the selected place's marked).

    Passages are ``<p id="geo-<passage id>">``; text runs and mentions carry ``data-s`` (their
    offset in ``article.text``); unresolved names are dotted but not clickable.
    """
    spans: list[tuple[int, int, Place | None]] = [(m.start, m.end, p) for p in doc.places for m in p.mentions]
    spans += [(m.start, m.end, None) for m in doc.unresolved]
    chosen = place_by_id(doc, selected)
    chosen_passages = {m.passage for m in chosen.mentions} if chosen else set()
    title = doc.article.title or "Untitled article"
    text = doc.article.text
    out = [f'<div class="geo-article"><h3>{htmlsafe.text(title)}</h3>']

    def run(start: int, end: int) -> str:
        return f'<span data-s="{start}">{htmlsafe.text(text[start:end])}</span>' if end > start else ""

    for passage, inside in spans_by_passage(doc.article.passages, spans):
        pos, parts = passage.start, []
        for start, end, place in inside:
            parts.append(run(pos, start))
            words = htmlsafe.text(text[start:end])
            if place is None:
                parts.append(f'<span class="geo-unresolved" data-s="{start}" title="not placed on the map">'
                             f"{words}</span>")
            else:
                mine = place is chosen
                label = f"{place.label}, {KIND_LABEL.get(place.kind, 'Place').lower()}: show on the map"
                parts.append(
                    f'<button type="button" class="geo-mention{" geo-mention--selected" if mine else ""}" '
                    f'data-place="{htmlsafe.attr(place.id)}" data-s="{start}" title="{htmlsafe.attr(label)}" '
                    f'aria-pressed="{"true" if mine else "false"}">{words}</button>')
            pos = end
        parts.append(run(pos, passage.end))
        cls = "geo-passage" + (" geo-passage--selected" if passage.id in chosen_passages else "")
        out.append(f'<p class="{cls}" id="geo-{htmlsafe.attr(passage.id)}" data-passage="{htmlsafe.attr(passage.id)}"'
                   f' tabindex="-1"><span class="geo-pid" aria-hidden="true">{htmlsafe.text(passage.id)}</span>'
                   f'{"".join(parts)}</p>')
    out.append("</div>")
    return "".join(out)


def selection_span(text: str, start: object, end: object) -> tuple[int, int]:
    """The name a reader selected in ``text``: [start, end) widened to whole words, trimmed of spaces and
    punctuation. InputError (one line) when it is empty, crosses a paragraph or is too long."""
    if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int) \
            or not 0 <= start < end <= len(text):
        raise InputError("the selection is not inside the article: select the name again")
    while start > 0 and _is_word(text[start - 1]) and _is_word(text[start]):
        start -= 1
    while end < len(text) and _is_word(text[end - 1]) and _is_word(text[end]):
        end += 1
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    if start == end:
        raise InputError("the selection holds no word: select the name of the place")
    if "\n" in text[start:end]:
        raise InputError("the selection crosses a paragraph: select a name within one paragraph")
    if end - start > MAX_ADD_TEXT_CHARS:
        raise InputError(f"the selection is longer than {MAX_ADD_TEXT_CHARS} characters: select just the name")
    return start, end


@dataclass(frozen=True)
class Occurrence:
    """One whole-word occurrence of a name in the article, with words around it for a chooser."""

    start: int
    end: int
    context: str
    taken_by: str | None  # the name of the place already found there, if any


def _context(text: str, start: int, end: int, chars: int = CONTEXT_CHARS) -> str:
    """The words around [start, end) within its line, the name in brackets, … where cut. Only ``chars``
    (and one) either side are searched for the line's ends: a long line costs no more than a short one."""
    floor, ceiling = max(0, start - chars - 1), min(len(text), end + chars + 1)
    line_start = text.rfind("\n", floor, start) + 1 or floor  # not found: the line starts before ``floor``
    line_end = text.find("\n", end, ceiling)
    line_end = ceiling if line_end < 0 else line_end
    lo, hi = max(line_start, start - chars), min(line_end, end + chars)
    if lo > line_start:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < line_end:
        space = text.rfind(" ", end, hi)
        hi = space if space > end else hi
    left, right = text[lo:start], text[end:hi]
    shown = f"{'…' if lo > line_start else ''}{left}[{text[start:end]}]{right}{'…' if hi < line_end else ''}"
    return " ".join(shown.split())


def occurrences(doc: Document, needle: str) -> list[Occurrence]:
    """Every whole-word occurrence of ``needle`` in the article, each with its context and the place
    already found there (an occurrence inside a found mention cannot be added again)."""
    text = doc.article.text
    taken = Overlaps((m.start, m.end, p.name) for p in doc.places for m in p.mentions)
    out = []
    for start, end in iter_occurrences(text, needle):
        owner = taken.find(start, end)
        out.append(Occurrence(start, end, _context(text, start, end), owner[2] if owner else None))
    return out
