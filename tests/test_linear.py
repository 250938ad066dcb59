"""Linear work on hostile text: every pass of the geoparse is counted (calls of its helpers), at one size
and at four times that size; linear work grows about 4x, a quadratic pass 16x. No wall-clock timing."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from geo.parse import mention_rules, tokens, toponyms
from geo.parse import resolve as resolve_module
from geo.parse.resolve import geoparse
from geo.pipeline import parse_text
from geo.store import corrections

ROOT = Path(__file__).resolve().parents[1]


def lines_run(call: Callable[[], Any], *files: str) -> tuple[int, Any]:
    """How many source lines of ``files`` (paths under the project) ``call()`` executes: a count of the work
    done there, loops included, that does not depend on the machine's speed or load."""
    wanted = {str(ROOT / f) for f in files}
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename in wanted else None

    sys.settrace(tracer)
    try:
        result = call()
    finally:
        sys.settrace(None)
    return count, result

# Helpers every pass of the mention finder and the person rules goes through, once per token visited.
COUNTED = ("_joinable", "_capitalised", "_is_upper", "_is_initial", "_case_ok", "_keep", "_sentence_initial")


def _count_work(monkeypatch: pytest.MonkeyPatch, gazetteer, text: str) -> tuple[int, Counter, list]:
    calls: Counter = Counter()
    for name in COUNTED:
        owners = [module for module in (toponyms, tokens, mention_rules) if hasattr(module, name)]
        real = getattr(owners[0], name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        for module in owners:  # every module that calls it by this name
            monkeypatch.setattr(module, name, counted)
    real_prior, real_hits = resolve_module.prior, gazetteer.hits

    def prior(*args):
        calls["prior"] += 1
        return real_prior(*args)

    def hits(key):
        calls["hits"] += 1
        return real_hits(key)

    monkeypatch.setattr(resolve_module, "prior", prior)
    monkeypatch.setattr(gazetteer, "hits", hits)
    result = geoparse(text, gazetteer, [])
    monkeypatch.undo()
    return sum(calls.values()), calls, result


HOSTILE = {
    "run of one first name": lambda n: " ".join(["John"] * n),
    "hyphen chain": lambda n: "-".join(["Oliver"] * n),
    "repeated place name": lambda n: ", ".join(["Paris"] * n),
    "title and names": lambda n: "President " + " ".join(["Maria"] * n),
    "first name then places": lambda n: " ".join(["Jordan", "Paris"] * (n // 2)),
    "locative names": lambda n: " ".join(["near Zzyzxburg Oliver"] * (n // 3)),
}


@pytest.mark.parametrize("make", HOSTILE.values(), ids=HOSTILE.keys())
def test_work_grows_linearly_on_hostile_runs(monkeypatch, gazetteer, make):
    small, _, _ = _count_work(monkeypatch, gazetteer, make(600))
    large, calls, _ = _count_work(monkeypatch, gazetteer, make(2400))
    assert small > 0
    # 4x the words: about 4x the work (a pass that rescans the run from every word would be ~16x).
    assert large <= 5 * small, calls


def test_a_repeated_name_is_looked_up_and_scored_once(monkeypatch, gazetteer):
    _, calls, result = _count_work(monkeypatch, gazetteer, "Fighting went on in Paris. " * 500)
    assert len(result) == 500 and {r.chosen.id for r in result} == {result[0].chosen.id}
    assert calls["hits"] <= 3  # "Paris" (and "Fighting" when it is a name): not once per mention
    _, few, _ = _count_work(monkeypatch, gazetteer, "Fighting went on in Paris. " * 5)
    assert calls["prior"] == few["prior"]  # scoring work does not grow with the repeats


def test_runs_of_names_give_the_same_result_as_before(gazetteer):
    """The shortcut in the person rule only skips walks that add nothing: small cases keep their answers."""
    assert [m.text for m in toponyms.find_mentions("John Paris met Paris Hilton in Paris.", gazetteer)] == ["Paris"]
    # every repeat is kept (a mention finder that stopped early would lose most of them)
    assert len(toponyms.find_mentions("Paris, " * 300, gazetteer)) == 300
    assert toponyms.find_mentions(" ".join(["John"] * 3000) + " in Kyiv.", gazetteer)[-1].text == "Kyiv"


def _context_tokens_unbounded(text: str) -> list:
    """context_tokens as first written: the walk back to the word before a run is not bounded."""
    windows: list[list[int]] = []
    for match in toponyms.CAPITALISED_RUN_RE.finditer(text):
        start, end = match.span()
        after = toponyms._WORD_AFTER_RE.match(text, end)
        start = tokens._word_before(text, start)  # floor 0: back to the word's true start
        end = after.end() if after else end
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    return [tok for start, end in windows for tok in tokens._tokens_between(text, start, end)]


def test_context_windows_are_the_same_with_the_bounded_walk_back():
    import random

    rng = random.Random(17)
    pieces = ["a", "B", ".", " ", "-", "'", "’", "\n", "_", "Kyiv", "of", "1", "é", "\u0301", "U.S.", ", "]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        assert toponyms.context_tokens(text) == _context_tokens_unbounded(text), repr(text)


def test_the_word_before_a_run_is_not_walked_again_for_every_run():
    """"a.B.a.B.…": every "B" is a run whose word before reaches back to the start of the text."""
    steps = {}
    for n in (500, 2000):
        text = "a.B." * n
        steps[n], _ = lines_run(lambda text=text: toponyms.context_tokens(text), "geo/parse/toponyms.py",
                                     "geo/parse/tokens.py")
    assert steps[2000] <= 5 * steps[500], steps


def test_the_search_budget_is_applied_at_a_space_and_noted(monkeypatch, gazetteer):
    monkeypatch.setattr(toponyms, "MAX_SEARCH_CHARS", 50)  # spaces not counted: 49 up to the first "Warsaw."
    text = "Talks in Kyiv went on. " * 2 + "Then in Warsaw. " * 3
    notes: list[str] = []
    mentions = toponyms.find_mentions(text, gazetteer, notes)
    limit = toponyms.search_limit(text)
    assert limit == 61 and text[limit] == " "  # the space after the first "Warsaw."
    assert [m.text for m in mentions] == ["Kyiv", "Kyiv", "Warsaw"]
    assert notes == [f"the text is too large to map whole ({len(text)} characters): places were searched "
                     f"for in the first {limit} characters only"]


def test_text_within_the_budget_is_searched_whole(gazetteer):
    notes: list[str] = []
    toponyms.find_mentions("Talks in Kyiv went on. " * 10, gazetteer, notes)
    assert notes == [] and toponyms.search_limit("x" * 100) == 100


def test_blank_stretches_do_not_count_against_the_budget(monkeypatch, gazetteer):
    monkeypatch.setattr(toponyms, "MAX_SEARCH_CHARS", 50)
    text = "Kyiv is far away." + "\n \t\r\n" * 100_000 + "Some say Warsaw is near."
    notes: list[str] = []
    assert [m.text for m in toponyms.find_mentions(text, gazetteer, notes)] == ["Kyiv", "Warsaw"] and notes == []
    assert toponyms.search_limit(text) == len(text)
    assert toponyms.search_limit("x" * 200) == 50  # no space to cut back to
    # past one 64K chunk: the cut is found inside a later chunk, at the space before the 51st letter
    long = " " * 70_000 + "abcde " * 20
    assert toponyms.search_limit(long) == 70_000 + 59  # the space after the tenth word


# ------------------------------------------------------------------------------ corrections (item 2)


def _paris_a(n: int):
    return parse_text("Poison\n\n" + "Paris a " * n, borders=False)


def _add_a(gazetteer, doc):
    lyon = gazetteer.search("Lyon")[0]
    return corrections.apply_corrections(doc, [corrections.add("a", lyon)], tagger=lambda _p: None)


def test_adding_a_common_word_is_linear(gazetteer):
    small_doc, large_doc = _paris_a(300), _paris_a(1200)
    small, out = lines_run(lambda: _add_a(gazetteer, small_doc), "geo/store/corrections.py")
    large, _ = lines_run(lambda: _add_a(gazetteer, large_doc), "geo/store/corrections.py")
    assert sum(len(p.mentions) for p in out.places) == 600
    assert large <= 5 * small, (small, large)  # checking each occurrence against every mention: ~16x


def test_an_added_word_stops_at_the_mention_cap_and_says_so(monkeypatch, gazetteer):
    doc = _paris_a(300)
    monkeypatch.setattr(toponyms, "MAX_MENTIONS", 400)
    out = _add_a(gazetteer, doc)
    assert sum(len(p.mentions) for p in out.places) == 400
    lyon = next(p for p in out.places if p.name == "Lyon")
    assert len(lyon.mentions) == 100 and out.meta["corrections"] == {"applied": 1, "skipped": []}
    assert "“a” was added at its first 100 free occurrences only" in out.meta["notes"][-1]
    assert "notes" not in doc.meta  # the stored document is untouched

    monkeypatch.setattr(toponyms, "MAX_MENTIONS", 300)
    full = _add_a(gazetteer, doc)
    assert sum(len(p.mentions) for p in full.places) == 300
    assert full.meta["corrections"]["skipped"] == [
        "“a” was not added: the document already maps 300 place names, the most it can"]


def test_many_additions_index_the_mentions_once(gazetteer):
    """The finding: each addition indexed every mention again (400 additions to a long article: 400 sorts).
    The work of 100 additions stays near that of one, not 100 times it."""
    doc = parse_text("Poison\n\n" + " ".join(f"Paris w{i}." for i in range(1500)), borders=False)
    lyon = gazetteer.search("Lyon")[0]

    def add(n: int):
        adds = [corrections.add(f"w{i}", lyon) for i in range(n)]
        return corrections.apply_corrections(doc, adds, tagger=lambda _p: None)

    one, _ = lines_run(lambda: add(1), "geo/store/corrections.py")
    many, out = lines_run(lambda: add(100), "geo/store/corrections.py")
    assert out.meta["corrections"] == {"applied": 100, "skipped": []}
    assert len(next(p for p in out.places if p.name == "Lyon").mentions) == 100
    assert many <= 10 * one, (one, many)  # indexing the 1,500 mentions per addition: ~100x


def test_taken_spans_answer_like_a_scan_after_additions():
    doc = parse_text("Poison\n\n" + " ".join(f"Paris w{i}." for i in range(20)), borders=False)
    taken = corrections.TakenSpans(doc)
    spans = [(m.start, m.end) for p in doc.places for m in p.mentions]
    added = [(s, s + 2) for s in range(3, 200, 17) if all(not (a < s + 2 and s < b) for a, b in spans)]
    taken.take(added)
    every = spans + added
    for start in range(0, 220):
        for end in range(start + 1, min(start + 12, 221)):
            assert taken.is_free(start, end) == all(not (a < end and start < b) for a, b in every), (start, end)


def test_overlaps_answers_like_a_scan_of_every_span():
    spans = [(0, 5, "a"), (3, 4, "b"), (10, 12, "c"), (20, 20, "empty"), (30, 40, "d")]
    index = corrections.Overlaps(spans)
    for start in range(0, 45):
        for end in range(start + 1, 46):
            scan = [s for s in spans if s[0] < end and start < s[1]]
            found = index.find(start, end)
            assert (found is None) == (not scan) and (found is None or found in scan), (start, end)


def test_occurrences_for_the_app_are_linear_on_a_long_line(gazetteer):
    from app_components.panel import occurrences

    small_doc, large_doc = _paris_a(300), _paris_a(1200)  # one line each
    small, found = lines_run(lambda: occurrences(small_doc, "a"), "app_components/panel.py")
    large, _ = lines_run(lambda: occurrences(large_doc, "a"), "app_components/panel.py")
    assert len(found) == 300 and found[0].taken_by is None
    assert found[5].context == "…Paris a Paris a Paris a Paris a Paris [a] Paris a Paris a Paris a Paris a Paris…"
    assert occurrences(small_doc, "Paris")[0].taken_by == "Paris"
    assert large <= 5 * small, (small, large)


def _context_unbounded(text: str, start: int, end: int, chars: int = 40) -> str:
    """The chooser's context as it was first written (searching the whole line for its ends)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
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


def test_the_bounded_context_is_the_same_as_the_whole_line_one():
    from app_components.panel import _context

    text = "ab cd\nef gh ij kl mn op qr st uv wx yz ab cd ef gh ij kl mn\n\nx y z\n" + "word " * 30 + "\nend"
    for start in range(len(text)):
        for end in range(start + 1, min(len(text), start + 6) + 1):
            for chars in (0, 1, 5, 40):
                assert _context(text, start, end, chars) == _context_unbounded(text, start, end, chars), (start, end)


# ------------------------------------------------------------------------------ map building (item 3)


def synthetic_doc(places: int, filler_per_place: int = 19):
    """``places`` one-line paragraphs naming a place each, between ``filler_per_place`` tiny paragraphs."""
    from geo.parse.model import Article, Document, Mention, Place
    from geo.parse.passages import split_passages

    lines, where = [], []
    for i in range(places):
        lines.append(f"Reports came from Town{i} today.")
        where.append(len(lines) - 1)
        lines.extend(["ok"] * filler_per_place)
    text = "\n\n".join(lines)
    article = Article(text=text, passages=split_passages(text), title="Synthetic")
    out = []
    for i, line in enumerate(where):
        passage = article.passages[line]
        start = text.index(f"Town{i} ", passage.start)
        mention = Mention(start, start + len(f"Town{i}"), f"Town{i}", passage.id)
        out.append(Place(id=f"test:{i}", name=f"Town{i}", kind="city", lat=(i % 170) - 85.0,
                         lon=(i * 7 % 340) - 170.0, country="UA", confidence=0.9, mentions=[mention]))
    return Document(article=article, places=out)


def test_map_export_work_is_linear_in_places_and_passages():
    from geo.maps.export import export_geojson, export_html

    def run(doc):
        return export_html(doc), export_geojson(doc)

    files = ("geo/maps/popups.py", "geo/maps/export.py", "geo/maps/mapview.py", "geo/parse/frames.py")
    small, (page, _) = lines_run(lambda: run(synthetic_doc(25)), *files)
    large, _ = lines_run(lambda: run(synthetic_doc(100)), *files)
    assert page.count('class="geo-passage"') == 25 * 20 and "Town24" in page
    # 4x the places and 4x the passages: ~4x the work (a passage search per place would be ~16x)
    assert large <= 5 * small, (small, large)


def test_popups_quote_the_same_with_or_without_the_shared_index():
    from geo.maps import popups

    doc = synthetic_doc(6, filler_per_place=2)
    index = popups.PassageIndex(doc.article)
    for place in doc.places:
        assert popups.popup_html(doc, place, index) == popups.popup_html(doc, place)
        assert popups.passage_quotes(doc, place)[0][0] == place.mentions[0].passage


# ------------------------------------------------------------------------------ the adversarial bench


def test_hostile_texts_are_the_classes_of_the_issue_at_the_size_asked():
    from geo.tools.adversarial import hostile_texts, news_text

    texts = hostile_texts(5000, news_text())
    assert list(texts) == ["plain news", "runs of one first name", "hyphen chains", "repeated place names",
                           "many tiny paragraphs", "long lines", "combining marks"]
    for name, text in texts.items():
        assert 4500 <= len(text) <= 5100, name
    assert "\n" not in texts["long lines"] and texts["many tiny paragraphs"].count("\n\n") > 500
    assert "\u0301" in texts["combining marks"] and texts["hyphen chains"].startswith("Oliver-Oliver-")


@pytest.mark.slow
def test_bench_adversarial_prints_every_class_side_by_side():
    import subprocess

    done = subprocess.run([sys.executable, "-m", "geo", "bench", "--adversarial", "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for name in ("plain news", "runs of one first name", "hyphen chains", "repeated place names",
                 "many tiny paragraphs", "long lines", "combining marks"):
        row = next(line for line in lines if line.startswith(name))
        assert "x" in row and len(row.split()) >= 6, row
    assert lines[-1].startswith("worst class:")


def test_the_issue_case_add_a_as_lyon_stays_within_the_cap(gazetteer):
    """Issue 17: "Poison" then "Paris a " 20,000 times, and "a" added as Lyon (it gave 60,000 mentions)."""
    doc = _paris_a(20_000)  # (its linearity is counted at small sizes above: a regression would not hang here)
    out = _add_a(gazetteer, doc)
    total = sum(len(p.mentions) for p in out.places)
    assert total <= toponyms.MAX_MENTIONS and len(out.places) == len(doc.places)
    assert out.meta["corrections"]["skipped"] == [
        f"“a” was not added: the document already maps {toponyms.MAX_MENTIONS:,} place names, the most it can"]
