"""What a pin says: its glyph, its popup quoting the passages that mention the place, and which places get a pin.

Pure HTML builders over a Document; every string from the article goes through geo.maps.htmlsafe.
"""

from __future__ import annotations

from geo.borders import (
    border_sentence,
)
from geo.maps import htmlsafe
from geo.parse.frames import mappable_places as mappable_places  # the places that get a pin, for the maps
from geo.parse.model import Article, Document, Passage, Place

LOW_CONFIDENCE = 0.6
QUOTE_CHARS = 320  # passages longer than this are quoted as a window around the mention
PIN_GLYPH = {"city": "●", "region": "■", "country": "◆", "continent": "▲", "feature": "✚"}
KIND_LABEL = {
    "city": "City",
    "region": "Region",
    "country": "Country",
    "continent": "Continent",
    "feature": "Place",
}


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the quoted part of a passage: all of it when short, else a window around [start, end)."""
    if len(text) <= QUOTE_CHARS:
        return 0, len(text)
    half = max(0, (QUOTE_CHARS - (end - start)) // 2)
    lo = max(0, start - half)
    hi = min(len(text), end + half)
    if lo > 0:
        space = text.find(" ", lo)
        lo = space + 1 if 0 <= space < start else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space > end else hi
    return lo, hi


def highlight(text: str, spans: list[tuple[int, int]], tag: str = "mark") -> str:
    """Escape ``text`` and wrap the (non-overlapping, sorted) char spans in ``<tag>``."""
    out, pos = [], 0
    for start, end in spans:
        if start < pos or end <= start:
            continue
        out.append(htmlsafe.text(text[pos:start]))
        out.append(f"<{tag}>{htmlsafe.text(text[start:end])}</{tag}>")
        pos = end
    out.append(htmlsafe.text(text[pos:]))
    return "".join(out)


class PassageIndex:
    """An article's passages by id, with their order: built once per map, then asked once per place (so a
    map costs places + passages, not places × passages)."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.order = {p.id: i for i, p in enumerate(article.passages)}  # the last of a repeated id, as before
        self.first: dict[str, Passage] = {}
        for passage in article.passages:
            self.first.setdefault(passage.id, passage)


def passage_quotes(doc: Document, place: Place, index: PassageIndex | None = None) -> list[tuple[str, str]]:
    """(passage id, escaped quote HTML with the mentions in <mark>) for every passage that mentions ``place``.
    Pass the map's ``index`` of the passages when quoting for many places."""
    article = doc.article
    if index is None or index.article is not article:
        index = PassageIndex(article)
    by_passage: dict[str, list[tuple[int, int]]] = {}
    for m in sorted(place.mentions, key=lambda m: (m.start, m.end)):
        pid = m.passage or article.passage_at(m.start)
        if pid is not None:
            by_passage.setdefault(pid, []).append((m.start, m.end))
    order = index.order
    quotes = []
    for pid in sorted(by_passage, key=lambda p: order.get(p, len(order))):
        passage = index.first.get(pid)
        if passage is None:
            continue
        body = article.text[passage.start : passage.end]
        spans = [
            (s - passage.start, e - passage.start)
            for s, e in by_passage[pid]
            if passage.start <= s and e <= passage.end
        ]
        if not spans:
            continue
        lo, hi = _window(body, spans[0][0], spans[0][1])
        inner = [(s - lo, e - lo) for s, e in spans if lo <= s and e <= hi]
        quote = highlight(body[lo:hi], inner)
        quote = ("… " if lo > 0 else "") + quote + (" …" if hi < len(body) else "")
        quotes.append((pid, quote))
    return quotes


def passage_label(pid: str) -> str:
    """How a passage id is shown to readers: 'p3' -> '3'; other ids as they are."""
    return pid[1:] if pid[:1] == "p" and pid[1:].isdigit() else pid


def popup_html(doc: Document, place: Place, index: PassageIndex | None = None) -> str:
    """Popup body: name, kind and country, border line, mention count, every quoted passage with a link
    (``index``: the passages of ``doc``, built once for all of a map's popups)."""
    kind = KIND_LABEL.get(place.kind, "Place")
    meta = [kind]
    if place.border and place.border.get("country_name"):
        meta.append(str(place.border["country_name"]))
    elif place.country:
        meta.append(str(place.country))
    low = place.confidence < LOW_CONFIDENCE
    meta.append(f"{'uncertain match, ' if low else ''}confidence {place.confidence:.2f}")
    count = len(place.mentions)
    quotes = passage_quotes(doc, place, index)
    items = "".join(
        f'<li><blockquote>{quote}</blockquote><a class="geo-goto" href="#{htmlsafe.attr(pid)}" '
        f'data-passage="{htmlsafe.attr(pid)}">Go to passage {htmlsafe.text(passage_label(pid))}</a></li>'
        for pid, quote in quotes
    )
    sentence = border_sentence(place)
    return (
        f'<div class="geo-popup" data-place-id="{htmlsafe.attr(place.id)}">'
        f"<h3>{htmlsafe.text(place.shown_name)}</h3>"
        f'<p class="geo-meta">{htmlsafe.text(" · ".join(meta))}</p>'
        + (f'<p class="geo-border">{htmlsafe.text(sentence)}</p>' if sentence else "")
        + f'<p class="geo-count">{count} mention{"s" if count != 1 else ""}'
        f" in {len(quotes)} passage{'s' if len(quotes) != 1 else ''}</p>"
        f"<ol>{items}</ol></div>"
    )


def pin_html(place: Place, selected: bool = False) -> str:
    """The DivIcon body: shape and glyph by kind (colour is not the only signal), hidden text for readers."""
    kind = place.kind if place.kind in PIN_GLYPH else "feature"
    low = place.confidence < LOW_CONFIDENCE
    classes = (
        f"geo-pin geo-pin--{kind}"
        + (" geo-pin--low" if low else "")
        + (" geo-pin--selected" if selected else "")
    )
    glyph = "?" if low else PIN_GLYPH[kind]
    label = f"{place.label}, {KIND_LABEL.get(kind, 'place')}{', uncertain match' if low else ''}"
    return (
        f'<span class="{classes}"><span class="geo-pin__glyph" aria-hidden="true">{glyph}</span>'
        f'<span class="geo-sr">{htmlsafe.text(label)}</span></span>'
    )
