"""Linear work on hostile text: every pass of the geoparse is counted (calls of its helpers), at one size
and at four times that size; linear work grows about 4x, a quadratic pass 16x. No wall-clock timing."""

from __future__ import annotations

from collections import Counter

import pytest

from geo.parse import resolve as resolve_module
from geo.parse import toponyms
from geo.parse.resolve import geoparse

# Helpers every pass of the mention finder and the person rules goes through, once per token visited.
COUNTED = ("_joinable", "_capitalised", "_is_upper", "_is_initial", "_case_ok", "_keep", "_sentence_initial")


def _count_work(monkeypatch: pytest.MonkeyPatch, gazetteer, text: str) -> tuple[int, Counter, list]:
    calls: Counter = Counter()
    for name in COUNTED:
        real = getattr(toponyms, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(toponyms, name, counted)
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
    "repeated place name": lambda n: " ".join(["Paris"] * n),
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
    assert len(toponyms.find_mentions("Paris " * 300, gazetteer)) == 300
    assert toponyms.find_mentions(" ".join(["John"] * 3000) + " in Kyiv.", gazetteer)[-1].text == "Kyiv"


def test_the_search_budget_is_applied_at_a_space_and_noted(monkeypatch, gazetteer):
    monkeypatch.setattr(toponyms, "MAX_SEARCH_CHARS", 62)
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
