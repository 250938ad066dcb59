"""Issue 26, item 3: corrections are applied in one pass over the text whatever their number (each "add"
scanned the whole article: a 4 MB article with 400 additions took 59 s to open), and the corrected
Document is cached by (document, corrections revision). Work is counted (scans of the text), never timed."""

from __future__ import annotations

import random
import re

import pytest

from geo.parse.model import Article, Document, Passage
from geo.store import corrections

WORDS = [f"Zorvak{i}" for i in range(400)]


def _doc(n_words: int) -> Document:
    rng = random.Random(26)
    text = " ".join(rng.choice(WORDS + ["and", "the", "troops", "in"]) for _ in range(n_words)) + "."
    return Document(article=Article(text=text, passages=[Passage("p1", 0, len(text))]))


def _candidate(i: int) -> dict:
    return {"id": f"geonames:{900000 + i}", "name": f"Place {i}", "kind": "city", "lat": 1.0 + i / 1000,
            "lon": 2.0, "country": "UA"}


def _scans(monkeypatch, doc: Document, adds: int) -> tuple[int, Document]:
    """How many times the corrections read the whole article text to apply ``adds`` additions."""
    scanned = {"n": 0}
    text = doc.article.text
    real_iter, real_word_run = corrections.iter_occurrences, getattr(corrections, "_WORD_RUN", re.compile(r"\w+"))

    def counting_iter(where, needle):
        scanned["n"] += where is text
        return real_iter(where, needle)

    class CountingRun:
        def finditer(self, where, *args):
            scanned["n"] += where is text
            return real_word_run.finditer(where, *args)

    monkeypatch.setattr(corrections, "iter_occurrences", counting_iter)
    monkeypatch.setattr(corrections, "_WORD_RUN", CountingRun(), raising=False)  # (absent before the fix)
    fixes = [corrections.add(WORDS[i], _candidate(i)) for i in range(adds)]
    out = corrections.apply_corrections(doc, fixes, tagger=lambda _p: None)
    monkeypatch.undo()
    return scanned["n"], out


@pytest.mark.parametrize("adds", [100, 400])
def test_additions_read_the_text_once_whatever_their_number(monkeypatch, adds):
    scans, out = _scans(monkeypatch, _doc(4_000), adds)
    assert scans == 1, scans
    assert out.meta["corrections"]["applied"] == adds


def test_one_pass_finds_what_a_scan_per_addition_finds():
    text = ("New York and York, Kyiv's mayor; U.S. aid; Kyivan; _Kyiv Kyiv_ Kyiv. 'Oslo and "
            "New Yorker Lviv-Lviv Lviv2 Lviv Straße Straße's straßen") * 3
    needles = ["New York", "York", "Kyiv", "Kyiv's", "U.S.", "U.S", "Lviv", "Straße", "'Oslo", "Kyivan", "and",
               "New", "Lviv-Lviv", "ß"]
    found = corrections.occurrences_of(text, needles)
    for needle in needles:
        expected = [m.span() for m in re.finditer(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", text)]
        assert found[needle] == expected, needle


def test_the_same_document_and_revision_are_corrected_once(monkeypatch):
    doc = _doc(2_000)
    fixes = [corrections.add(WORDS[i], _candidate(i)) for i in range(3)]
    calls = []
    real = corrections.apply_corrections
    monkeypatch.setattr(corrections, "apply_corrections", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = corrections.corrected_document("a" * 16, 3, doc, fixes, tagger=lambda _p: None)
    again = corrections.corrected_document("a" * 16, 3, doc, fixes, tagger=lambda _p: None)
    assert again is first and len(calls) == 1
    corrections.corrected_document("a" * 16, 4, doc, fixes[:2], tagger=lambda _p: None)  # a new revision
    corrections.corrected_document("a" * 16, None, doc, fixes, tagger=lambda _p: None)  # unknown: not cached
    assert len(calls) == 3
