"""Issue 26, items 1 and 2: Markdown and HTML are read in linear work. Work is counted (source lines run in
the readers), at 1x and 4x the input; never timed."""

from __future__ import annotations

import re

import pytest
from test_linear import lines_run

from geo.parse import html_text, markdown
from geo.parse.article import read_article
from geo.parse.html_text import html_fallback_text, html_to_text
from geo.parse.markdown import markdown_to_text

READERS = ("geo/parse/markdown.py", "geo/parse/html_text.py")

MARKDOWN = {
    "heading then spaces": lambda n: "# a" + " " * n + "x\n\nTroops in Kyiv.\n",
    "heading then closing runs": lambda n: "# Kyiv " + "# " * (n // 2) + "x\n",
    "many headings": lambda n: "## Kyiv ##\n" * (n // 11),
    "emphasis openers": lambda n: "*a _b " * (n // 6),
    "strong runs": lambda n: "**" * (n // 2) + "Kyiv",
    "links half open": lambda n: "[Kyiv](" * (n // 7),
    "links": lambda n: "[Kyiv](http://k) " * (n // 17),
    "nested list markers": lambda n: "- " * (n // 2) + "Kyiv\n",
    "list lines": lambda n: "1. Kyiv\n" * (n // 8),
    "table": lambda n: "|Kyiv" * (n // 5) + "|\n" + "|---" * (n // 5) + "|\n",
    "table rows": lambda n: "| Kyiv | Lviv |\n" * (n // 16),
}


@pytest.mark.parametrize("make", MARKDOWN.values(), ids=MARKDOWN.keys())
def test_markdown_reading_is_linear(make):
    small, _ = lines_run(lambda: markdown_to_text(make(4000)), *READERS)
    large, _ = lines_run(lambda: markdown_to_text(make(16000)), *READERS)
    assert small > 0 and large <= 5 * small


class _Meter:
    """A compiled pattern that records each string it is handed (then does the real work)."""

    def __init__(self, name: str, pattern: re.Pattern, seen: list) -> None:
        self.name, self.pattern, self.seen = name, pattern, seen

    def __getattr__(self, method: str):
        real = getattr(self.pattern, method)

        def call(*args, **kwargs):
            self.seen.append((self.name, max(len(a) for a in args if isinstance(a, str))))
            return real(*args, **kwargs)

        return call


def test_a_heading_line_is_read_without_a_pattern_over_its_length(monkeypatch):
    """The finding: ``# a`` + 100,000 spaces took 76 s, a heading pattern retrying its closing run from every
    character (the regex engine's work, which a count of Python lines cannot see). Now only the anchored fence
    test looks at a heading line (it reads at most three spaces and the fence run); headings are read by one
    pass of string methods."""
    seen: list = []
    for name, value in vars(markdown).copy().items():
        if isinstance(value, re.Pattern) and name.startswith("_MD_") and "FENCE" not in name:
            monkeypatch.setattr(markdown, name, _Meter(name, value, seen))
    line = "# a" + " " * 100_000 + "x"
    assert markdown_to_text(line + "\n\nTroops in Kyiv.\n") == ("a" + " " * 100_000 + "x", "Troops in Kyiv.")
    long_looks = [(name, size) for name, size in seen if size >= len(line)]
    # the inline rules run once over the prose (title and body); no block rule is handed the heading line
    assert all(not name.startswith(("_MD_HEADING", "_MD_SETEXT", "_MD_RULE", "_MD_BULLET", "_MD_QUOTE",
                                    "_MD_REF")) for name, _ in long_looks), long_looks


_OLD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")


@pytest.mark.parametrize("line", ["# a", "#a", "####### x", "   ## Kyiv ##", "    # x", "# ##", "# Kyiv#", "#",
                                  "# ", "#\tx  ", "# a #  # ", "###### Lviv ###   ", "\u00a0# Odesa", "## a\u00a0#"])
def test_headings_read_as_the_pattern_read_them(line):
    match = _OLD_HEADING.match(line)
    assert markdown.atx_heading(line) == ((len(match.group(1)), match.group(2)) if match else None)


def test_random_short_lines_read_as_the_pattern_read_them():
    import random

    rng = random.Random(26)
    for _ in range(20_000):
        line = "".join(rng.choice(" #a\t\u00a0x") for _ in range(rng.randint(0, 12)))
        match = _OLD_HEADING.match(line)
        assert markdown.atx_heading(line) == ((len(match.group(1)), match.group(2)) if match else None), repr(line)


# ---------------------------------------------------------------------------------------------- HTML


def _links_in_one_paragraph(n: int) -> str:
    return ("<html><body><article><p>Troops reached Kyiv. "
            + " ".join(f'<a href="/t/{i}">w{i}</a>' for i in range(n)) + "</p></article></body></html>")


HTML = {
    "links in one paragraph": lambda n: _links_in_one_paragraph(n // 20),
    "inline tags in one paragraph": lambda n: "<p>Kyiv " + "<b>x</b>" * (n // 8) + "</p>",
    "unterminated start tags": lambda n: "<p>Kyiv " + "<a " * (n // 3),
    "unterminated attributes": lambda n: "<p>Kyiv " + '<a href="' * (n // 9),
    "unterminated comments": lambda n: "<p>Kyiv " + "<!--" * (n // 4),
    "bare angle brackets": lambda n: "<p>Kyiv " + "<a" * (n // 2),
    "unterminated end tags": lambda n: "<p>Kyiv " + "</" * (n // 2),
}


@pytest.mark.parametrize("make", HTML.values(), ids=HTML.keys())
def test_the_plain_html_reader_is_linear(make):
    """The fallback reader (used for dense and very large pages) once was the stdlib HTMLParser, which rescans
    to the end of the input from every unterminated ``<a ``: 16x the work at 4x the input."""
    small, _ = lines_run(lambda: html_fallback_text(make(4000)), *READERS)
    large, _ = lines_run(lambda: html_fallback_text(make(16000)), *READERS)
    assert small > 0 and large <= 5 * small


def test_a_link_dense_page_is_read_by_the_plain_reader_with_a_note(monkeypatch):
    """The finding: 12,500 links in one paragraph took trafilatura 2.3 s, 50,000 took 43 s (faster than
    linear growth). Such a page never reaches trafilatura; the Document says how it was read."""
    called = []
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: called.append(1))
    page = _links_in_one_paragraph(12_500)
    article = read_article(page, filename="dense.html")
    assert not called
    assert article.text.startswith("Troops reached Kyiv. w0 w1") and "w12499" in article.text
    assert article.notes and "tags in one paragraph" in article.notes[0]
    from geo.pipeline import parse_article

    doc = parse_article(article, borders=False)
    assert any("plain HTML reader" in note for note in doc.meta["notes"])
    assert "notes" not in doc.to_dict()["article"]  # the note rides in meta, the article contract is unchanged


def test_a_page_dense_in_tags_overall_is_read_by_the_plain_reader():
    notes: list[str] = []
    page = "<div>" + "".join(f"<p><i>{i}</i> Kyiv</p>" for i in range(html_text.MAX_TAGS // 4 + 1)) + "</div>"
    html_to_text(page, max_bytes=len(page), notes=notes)
    assert notes and "tags in" in notes[0]


def test_an_ordinary_news_page_still_goes_to_trafilatura(monkeypatch):
    paragraphs = "".join(f"<p>Troops moved from <a href='/k'>Kyiv</a> to Lviv on day {i}, officials said.</p>"
                         for i in range(300))
    page = f"<html><head><title>News</title></head><body><nav><a href='/'>Home</a></nav><article>{paragraphs}" \
           "</article></body></html>"
    notes: list[str] = []
    title, body = html_to_text(page, max_bytes=len(page), notes=notes)
    assert not notes and title == "News" and "Home" not in body and body.count("Kyiv") == 300


def test_the_plain_reader_keeps_text_and_drops_markup():
    page = ("<!doctype html><html><head><title>A &amp; B</title><style>p{x:1}</style></head><body>"
            "<script>if (a<b) {}</script><p>Troops in <a href=\"/x\">Kyiv</a>.</p><!-- Oslo -->"
            "<p>x < y &lt; z<br/>Lviv</p><textarea>Odesa</textarea><div>a<b>c</b></div></body></html>")
    assert html_fallback_text(page) == ("A & B", "Troops in Kyiv.\n\nx < y < z\n\nLviv\n\nOdesa\n\nac")
    assert html_fallback_text("<p>Kyiv <!-- never closed <p>Oslo") == ("", "Kyiv")
