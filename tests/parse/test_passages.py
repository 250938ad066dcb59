"""Paragraphs from any paste: blank lines, one paragraph a line, hard-wrapped lines joined back; the rule
named in the Document; spans into the text as given; odd and hostile layouts; cost linear in the text."""

from __future__ import annotations

import textwrap
import time

import pytest

from geo.parse import passages as passages_module
from geo.parse.article import read_article
from geo.parse.model import Document
from geo.parse.passages import passage_rule, split_passages, split_passages_by_rule

# Sentences written for these tests (never taken from an article).
SENTENCES = [
    "Officials in Kharkiv said the shelling began before dawn and lasted for several hours.",
    "Rescue teams worked through the morning to clear the damaged apartment blocks near the river.",
    "The regional governor asked residents of the northern districts to stay in shelters until noon.",
    "Trains to Kyiv were delayed while engineers checked the tracks outside the city for damage.",
    "A spokesman for the army said that air defences had shot down most of the drones overnight.",
    "Schools in the city moved their lessons online for the rest of the week, the council said.",
]


def paragraphs(text: str) -> list[str]:
    return [text[p.start:p.end] for p in split_passages(text)]


def web_paste() -> str:
    """Paragraphs one per line, as a browser copies a news page: lengths differ, each ends a sentence."""
    return "\n".join([SENTENCES[0] + " " + SENTENCES[1], SENTENCES[2], SENTENCES[3] + " " + SENTENCES[4] + " "
                      + SENTENCES[5], SENTENCES[1]])


def hard_wrapped(width: int = 60) -> tuple[str, list[str]]:
    """Three paragraphs wrapped at ``width`` with no blank line between them, and the paragraphs."""
    paras = [" ".join(SENTENCES[0:3]), " ".join(SENTENCES[3:5]), " ".join(SENTENCES[5:] * 2)]
    return "\n".join(textwrap.fill(p, width) for p in paras), paras


def breaks_visible(width: int) -> bool:
    """Does each paragraph's last line at ``width`` have room for the next paragraph's first word? (When it
    has none, nothing in the text shows that a paragraph ended there.)"""
    text, paras = hard_wrapped(width)
    lasts = [textwrap.wrap(p, width)[-1] for p in paras]
    widest = max(len(line) for line in text.split("\n"))
    return all(len(last) + 1 + len(nxt.split()[0]) <= widest for last, nxt in zip(lasts, paras[1:], strict=False))


def test_blank_lines_keep_single_newlines_inside_a_paragraph():
    text = "First paragraph,\nstill first.\n\nSecond one."
    assert passage_rule(text) == "blank-lines"
    assert paragraphs(text) == ["First paragraph,\nstill first.", "Second one."]


def test_single_newlines_split_a_web_paste_into_one_passage_a_line():
    text = web_paste()
    passages, rule = split_passages_by_rule(text)
    assert rule == "line-breaks"
    assert [text[p.start:p.end] for p in passages] == text.split("\n")
    assert [p.id for p in passages] == ["p1", "p2", "p3", "p4"]


def test_a_hard_wrapped_text_is_joined_back_into_its_paragraphs():
    widths = [w for w in range(44, 121) if breaks_visible(w)]
    assert len(widths) >= 30
    for width in widths:
        text, paras = hard_wrapped(width)
        assert passage_rule(text) == "hard-wrapped", width
        got = paragraphs(text)
        assert [" ".join(p.split()) for p in got] == paras, width
        assert all("\n" in p for p in got[:1])  # offsets index the text as given: its line breaks are kept


def test_an_indented_line_starts_a_paragraph_in_a_hard_wrapped_text():
    first = textwrap.fill(" ".join(SENTENCES[0:2]) + " It went on and on and on", 60)
    second = textwrap.fill(" ".join(SENTENCES[2:4]) + " and then", 60)
    text = first + "\n    " + second
    assert passage_rule(text) == "hard-wrapped"
    assert [" ".join(p.split()) for p in paragraphs(text)] == [" ".join(first.split()), " ".join(second.split())]


def test_headlines_of_similar_length_are_not_taken_for_a_hard_wrapped_text():
    text = "\n".join(["Russia strikes Kharkiv overnight as air defences hold on", "Ukraine hits a refinery "
                      "deep inside Saratov region again", "Seoul says Pyongyang sent more troops to the Kursk area",
                      "Talks in Istanbul end without a date for the next round"])
    assert passage_rule(text) == "line-breaks"
    assert len(split_passages(text)) == 4


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_lone_cr_break_lines_like_lf(newline):
    text = web_paste().replace("\n", newline)
    assert passage_rule(text) == "line-breaks"
    assert paragraphs(text) == web_paste().split("\n")
    blank = "One,\ntwo.\n\nThree.".replace("\n", newline)
    assert passage_rule(blank) == "blank-lines"
    assert paragraphs(blank) == [f"One,{newline}two.", "Three."]
    wrapped, paras = hard_wrapped()
    assert [" ".join(p.split()) for p in paragraphs(wrapped.replace("\n", newline))] == paras


def test_one_very_long_line_is_one_passage():
    text = "  " + " ".join(SENTENCES * 20_000) + "  "
    passages, rule = split_passages_by_rule(text)
    assert rule == "blank-lines" and len(passages) == 1
    assert text[passages[0].start:passages[0].end] == text.strip()


def test_many_short_lines_are_bounded(monkeypatch):
    monkeypatch.setattr(passages_module, "MAX_PASSAGES", 10)
    text = "".join(f"w{i}\n" for i in range(100))
    passages, rule = split_passages_by_rule(text)
    assert rule == "line-breaks" and 1 < len(passages) <= 10
    assert "\n".join(text[p.start:p.end] for p in passages) == text.strip()


def test_many_hard_wrapped_paragraphs_are_bounded(monkeypatch):
    monkeypatch.setattr(passages_module, "MAX_PASSAGES", 10)
    text = "\n".join(hard_wrapped()[0] for _ in range(20))
    passages, rule = split_passages_by_rule(text)
    assert rule == "hard-wrapped" and 1 < len(passages) <= 11
    assert all(a.end < b.start for a, b in zip(passages, passages[1:], strict=False))
    assert passages[0].start == 0 and passages[-1].end == len(text)


@pytest.mark.parametrize("text", ["", " \n \n", "\r\r\r", "x", "\n\nx\n\n"])
def test_odd_inputs(text):
    spans = paragraphs(text)
    assert spans == ([text.strip()] if text.strip() else [])


def test_a_read_article_says_which_rule_split_it_and_keeps_it_in_the_document():
    pasted = read_article("Shelling in Kharkiv\n" + web_paste())
    assert pasted.title == "Shelling in Kharkiv"  # a short first line is the title, as with a blank line
    assert pasted.passage_rule == "line-breaks" and len(pasted.passages) == 4
    assert [pasted.text[p.start:p.end] for p in pasted.passages] == web_paste().split("\n")
    doc = Document(article=pasted)
    again = Document.from_dict(doc.to_dict())
    assert doc.to_dict()["article"]["passage_rule"] == "line-breaks"
    assert again.article.passage_rule == "line-breaks" and again.article.passages == pasted.passages
    assert read_article("Title\n\nOne.\n\nTwo.").passage_rule == "blank-lines"
    assert read_article(hard_wrapped()[0]).passage_rule == "hard-wrapped"
    wrapped = read_article("Kharkiv after the night\n" + hard_wrapped()[0])
    assert wrapped.title == "Kharkiv after the night" and len(wrapped.passages) == 3


@pytest.mark.parametrize("text", ["Kursk\nUkraine", "No blank line after it\nso it is body text.",
                                  "Kharkiv region\nSumy region"])
def test_first_line_is_no_title_when_no_sentence_follows_or_it_runs_on(text):
    article = read_article(text)
    assert article.title == "" and article.text == text


def test_cost_is_linear_in_the_text():
    """Four times the text costs about four times the time (a quadratic pass would cost sixteen)."""
    def cost(text: str) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            split_passages_by_rule(text)
            best = min(best, time.perf_counter() - started)
        return best

    for unit in (web_paste() + "\n", hard_wrapped()[0] + "\n", "a\n", "x" * 80 + "\n\n"):
        small, large = unit * 2_000, unit * 8_000
        assert cost(large) < 8 * cost(small) + 0.01, unit[:20]
