"""Article reader: formats, encodings, passages, limits, and the built-in sample article."""

from __future__ import annotations

import io
import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import InputError
from geo.parse import article as article_module
from geo.parse import html_text
from geo.parse import passages as passages_module
from geo.parse.article import MAX_ARTICLE_BYTES, detect_format, load_article, looks_like_html, read_article
from geo.parse.html_text import html_fallback_text
from geo.parse.markdown import markdown_inline
from geo.parse.passages import split_passages
from geo.sample import SAMPLE_PATH, sample_article

SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seed"


def paragraphs_of(article) -> list[str]:
    return [article.text[p.start : p.end] for p in article.passages]


# ------------------------------------------------------------------------------------------ passages


def test_passage_ids_and_spans_round_trip():
    text = "  First paragraph,\nstill first.  \n\n\n\t\nSecond one.\n \n\nThird,\n  with an indent.\n\n"
    passages = split_passages(text)
    assert [p.id for p in passages] == ["p1", "p2", "p3"]
    assert [text[p.start : p.end] for p in passages] == [
        "First paragraph,\nstill first.",
        "Second one.",
        "Third,\n  with an indent.",
    ]


line_text = st.text(alphabet="abcKyiv .,é’\t", min_size=1, max_size=12).filter(lambda s: s.strip())
paragraph = st.lists(line_text, min_size=1, max_size=3).map("\n".join)
separator = st.lists(st.sampled_from(["", " ", "\t", "  "]), min_size=1, max_size=3).map(
    lambda blanks: "\n" + "".join(b + "\n" for b in blanks)
)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(paragraph, separator), min_size=2, max_size=8), st.sampled_from(["", " ", "\n\n"]))
def test_passages_recover_every_paragraph(pieces, lead):
    """Paragraphs between blank lines (a text with no blank line is split at its line breaks: tests/parse)."""
    text = lead + "".join(para + sep for para, sep in pieces)
    passages = split_passages(text)
    assert [text[p.start : p.end] for p in passages] == [para.strip() for para, _ in pieces]
    assert [p.id for p in passages] == [f"p{i}" for i in range(1, len(pieces) + 1)]
    assert all(a.end < b.start for a, b in zip(passages, passages[1:], strict=False))


def test_title_is_separate_from_text_and_passages():
    article = read_article("Lavrov visits Pyongyang\n\nHe met officials.\n\nThen he left for Wonsan.")
    assert article.title == "Lavrov visits Pyongyang"
    assert "Lavrov visits Pyongyang" not in article.text
    assert paragraphs_of(article) == ["He met officials.", "Then he left for Wonsan."]
    assert article.source == "text" and article.url is None and article.id


@pytest.mark.parametrize(
    "text",
    [
        "This first line is a sentence.\n\nSecond paragraph.",  # sentence punctuation
        "No blank line after it\nso it is body text.",
        "x" * 201 + "\n\nSecond paragraph.",  # too long for a title
    ],
)
def test_first_line_is_not_a_title_when_it_does_not_look_like_one(text):
    article = read_article(text)
    assert article.title == "" and article.text == text
    if "\n\n" in text:
        assert paragraphs_of(article)[0] == text.split("\n\n")[0]


def test_title_only_input_becomes_the_body():
    article = read_article("Kyiv\n\n")
    assert article.title == "" and paragraphs_of(article) == ["Kyiv"]


def test_crlf_and_cr_are_normalised():
    article = read_article(b"Headline\r\n\r\nOne\r\ntwo\r\n\r\nThree\rfour")
    assert "\r" not in article.text
    assert article.title == "Headline"
    assert paragraphs_of(article) == ["One\ntwo", "Three\nfour"]


@pytest.mark.parametrize("data", ["\ufeffKraków is a city.", "\ufeffKraków is a city.".encode()])
def test_bom_is_stripped(data):
    article = read_article(data)
    assert article.text == "Kraków is a city."


def test_text_is_not_unicode_normalised():
    decomposed = "Zu\u0308rich and Krako\u0301w, ﬁne."
    assert read_article(decomposed).text == decomposed


def test_lone_surrogates_are_replaced_and_pairs_joined():
    article = read_article("Kyiv \ud800 and Lviv \udfff, smile \ud83d\ude00.")
    assert article.text == "Kyiv \ufffd and Lviv \ufffd, smile \U0001f600."
    article.text.encode("utf-8")  # no surrogate left to crash an encoder


def test_many_tiny_paragraphs_are_grouped_into_bounded_passages(monkeypatch):
    monkeypatch.setattr(passages_module, "MAX_PASSAGES", 10)
    text = "".join(f"w{i}\n\n" for i in range(100))
    passages = split_passages(text)
    assert 1 < len(passages) <= 10
    joined = "\n\n".join(text[p.start : p.end] for p in passages)
    assert joined == text.strip()
    assert all(text[p.start : p.end] == text[p.start : p.end].strip() for p in passages)


# ------------------------------------------------------------------------------------------ formats

PAGE = """<!DOCTYPE html>
<html><head><title>Lavrov lands in Pyongyang</title>
<script>var hidden = "Lisbon"; alert("Lisbon");</script><style>p { color: red }</style></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/madrid">Madrid desk</a></li></ul></nav>
<article>
<h1>Lavrov lands in Pyongyang</h1>
<p>Russia's foreign minister arrived in Pyongyang for talks that officials in Moscow called routine, although
analysts in Seoul saw a clear signal of deepening military ties between the two governments.</p>
<script>document.write("Oslo")</script>
<p>He then flew to Wonsan, a coastal resort, to meet the leader for a long discussion of the war in Ukraine
and of the fighting that has scarred the Kursk region since the summer.</p>
<p>Observers in Tokyo said the meeting <b>confirmed</b> how close the two countries have become.</p>
</article>
<!-- a comment about Helsinki -->
<footer>Copyright Reykjavik Media</footer>
</body></html>"""


def test_html_keeps_title_and_paragraphs_and_drops_scripts_and_navigation():
    article = read_article(PAGE, filename="page.html", source="file")
    assert article.title == "Lavrov lands in Pyongyang"
    paragraphs = paragraphs_of(article)
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Russia's foreign minister arrived in Pyongyang")
    assert "Wonsan" in paragraphs[1] and "the Kursk region" in paragraphs[1]
    assert paragraphs[2] == "Observers in Tokyo said the meeting confirmed how close the two countries have become."
    for junk in ("Lisbon", "Oslo", "Madrid", "Helsinki", "color", "<"):
        assert junk not in article.text
    assert article.source == "file"


def test_html_is_sniffed_without_a_filename():
    assert read_article(PAGE).title == "Lavrov lands in Pyongyang"
    assert read_article(PAGE.encode("utf-8")).title == "Lavrov lands in Pyongyang"


def test_html_fragment_falls_back_to_the_stdlib_parser():
    article = read_article("<p>Kyiv</p>")
    assert article.text == "Kyiv" and article.title == ""
    fragment = "<div><script>alert('Lisbon')</script><style>.x{}</style><p>Kyiv &amp; Lviv</p><p>Odesa</p></div>"
    assert paragraphs_of(read_article(fragment)) == ["Kyiv & Lviv", "Odesa"]


def test_stdlib_fallback_drops_scripts_and_keeps_the_title():
    title, body = html_fallback_text(
        "<html><head><title>Kyiv news</title><script>x = '<p>Lisbon</p>'</script></head>"
        "<body><p>First</p>text<br>after break<noscript>Oslo</noscript></body></html>"
    )
    assert title == "Kyiv news"
    assert body == "First\n\ntext\n\nafter break"


def test_html_over_the_trafilatura_limit_uses_the_fallback(monkeypatch):
    monkeypatch.setattr(html_text, "TRAFILATURA_MAX_CHARS", 100)
    article = read_article(PAGE, filename="page.html")
    assert article.title == "Lavrov lands in Pyongyang"
    assert "Wonsan" in article.text and "the Kursk region" in article.text
    for junk in ("Lisbon", "Oslo", "Helsinki", "color", "<"):
        assert junk not in article.text


def test_html_with_no_text_is_refused_as_empty():
    with pytest.raises(InputError, match="paste some article text"):
        read_article("<html><body><script>alert(1)</script></body></html>")


@pytest.mark.parametrize(
    ("text", "filename", "expected"),
    [
        ("Kyiv is a city.", None, "text"),
        ("Kyiv is a city.", "a.html", "html"),
        ("Kyiv is a city.", "A.HTM", "html"),
        ("# Kyiv", "notes.md", "markdown"),
        ("# Kyiv", "notes.markdown", "markdown"),
        ("<!doctype html><p>Kyiv</p>", "page.txt", "html"),
        ("  <div><p>Kyiv</p></div>", None, "html"),
        ("Write <p> to start a paragraph in Kyiv.", None, "text"),
        ("# Kyiv", None, "text"),
    ],
)
def test_detect_format(text, filename, expected):
    assert detect_format(text, filename) == expected


def test_looks_like_html_counts_closing_block_tags_in_prose():
    assert looks_like_html("Intro line\n<p>one</p>\n<p>two</p>\n<div>three</div>")
    assert not looks_like_html("a < b and c > d, said the analyst in Kyiv")


MARKDOWN = """# Lavrov *visits* [Pyongyang](https://example.org/pyongyang)

Some **bold** and _emphasised_ text with a [link](http://x.org/a_b) and ![a map](map.png) an image.
Second line with `inline code` and an escaped \\*star\\*.

## Talks in Wonsan
- first item
* second item
2. numbered item

> quoted from Kyiv

---

```python
x = "**kept as is**"
# not a heading
```
[ref]: http://example.com/hidden
"""


def test_markdown_is_converted_to_plain_text():
    article = read_article(MARKDOWN, filename="story.md")
    assert article.title == "Lavrov visits Pyongyang"
    assert paragraphs_of(article) == [
        "Some bold and emphasised text with a link and  an image.\nSecond line with inline code and an escaped *star*.",
        "Talks in Wonsan",
        "first item\nsecond item\nnumbered item",
        "quoted from Kyiv",
        'x = "**kept as is**"\n# not a heading',
    ]
    assert "example" not in article.text and "map.png" not in article.text


@pytest.mark.parametrize(
    "text",
    [
        "5 * 3 * 2 = 30 in Kyiv",
        "a ` lone backtick and ``` in prose",
        "[not a link and (not a url",
        "**unclosed bold in Lviv",
        "`" * 5000 + "x",
        "[" * 5000,
    ],
)
def test_markdown_leaves_unmatched_markers_alone(text):
    assert markdown_inline(text) == text


def test_markdown_keeps_private_use_characters_next_to_escapes():
    from geo.parse.markdown import markdown_to_text

    assert markdown_to_text("Prices \\*rose\\* in Paris \ue03cb\ue03e") == ("", "Prices *rose* in Paris \ue03cb\ue03e")
    every = "".join(chr(c) for c in range(0xE000, 0xE080))
    assert markdown_inline(f"\\_x {every} **Oslo** [Bergen](http://b) \\\\") == f"_x {every} Oslo Bergen \\"


_PRIVATE_USE = st.characters(min_codepoint=0xE000, max_codepoint=0xE0FF)
_ESCAPES = st.sampled_from(["\\" + c for c in "\\`*_{}[]()#+-.!>~|"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PRIVATE_USE, _ESCAPES, st.sampled_from(list("ab Z9\n"))), max_size=40))
def test_markdown_escapes_and_private_use_characters_round_trip(pieces):
    text = "".join(pieces)
    expected = "".join(p[1:] if len(p) == 2 and p[0] == "\\" else p for p in pieces)
    assert markdown_inline(text) == expected


def test_markdown_setext_title_and_snake_case():
    article = read_article("Kyiv diary\n==========\n\nA snake_case_name stays.", filename="d.md")
    assert article.title == "Kyiv diary"
    assert article.text == "A snake_case_name stays."


# ------------------------------------------------------------------------------------------ encodings


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
@pytest.mark.parametrize(
    "text", ["Zürich", "Kraków", "Talks in Kraków and Zürich ended late.", "Señor Müller visited São Paulo."]
)
def test_western_legacy_encodings_decode_correctly(text, encoding):
    assert read_article(text.encode(encoding)).text == text


def test_cp1252_punctuation_decodes():
    text = "“Kraków” – the talks… ended"
    assert read_article(text.encode("cp1252")).text == text


def test_cyrillic_legacy_encoding_decodes():
    text = "Москва и Киев — столицы двух стран."
    assert read_article(text.encode("cp1251")).text == text


@pytest.mark.parametrize(
    "data",
    [
        "Zürich and Kraków".encode("utf-16"),
        b"\xff\xfe" + "Zürich and Kraków".encode("utf-16-le"),
        b"\xfe\xff" + "Zürich and Kraków".encode("utf-16-be"),
    ],
)
def test_utf16_with_bom(data):
    assert read_article(data).text == "Zürich and Kraków"


def random_bytes(size: int, *, allow_nul: bool) -> bytes:
    rng = random.Random(size)
    low = 0 if allow_nul else 1
    return bytes(rng.randrange(low, 256) for _ in range(size))


@pytest.mark.parametrize(
    "data",
    [
        b"Kyiv\x00Lviv\x00\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        random_bytes(4096, allow_nul=True),
        random_bytes(4096, allow_nul=False),
        random_bytes(600, allow_nul=False),
        bytes(range(1, 32)) * 50,
    ],
)
def test_binary_input_is_refused(data):
    with pytest.raises(InputError, match="binary file, not an article"):
        read_article(data)


@pytest.mark.parametrize("data", ["", "   \n\n\t  \n", b"", b"\n\r\n  ", "\ufeff  "])
def test_empty_input_is_refused(data):
    with pytest.raises(InputError, match="paste some article text"):
        read_article(data)


# ------------------------------------------------------------------------------------------ size limits


def test_oversize_bytes_and_text_are_refused_with_size_and_limit():
    with pytest.raises(InputError, match=r"too large \(1\.5 KB; the limit is 1 KB\)"):
        read_article(b"x" * 1536, max_bytes=1024)
    with pytest.raises(InputError, match="the limit is 1 KB"):
        read_article("é" * 600, max_bytes=1024)  # 600 characters, 1200 UTF-8 bytes
    assert read_article("é" * 500, max_bytes=1024).text == "é" * 500


def test_load_article_refuses_an_oversize_file_before_reading_it(tmp_path, monkeypatch):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as handle:
        handle.truncate(MAX_ARTICLE_BYTES + 1)  # sparse: nothing is written

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(article_module, "open", no_reading, raising=False)
    with pytest.raises(InputError, match=r"too large \(20,971,521 bytes; the limit is 20,971,520 bytes\)"):
        load_article(str(big))


def test_twenty_megabytes_of_text_are_accepted():
    paragraph = "Talks in Pyongyang and Wonsan touched on Kyiv and the Kursk region. " * 6
    unit = (paragraph.strip() + "\n\n").encode()
    data = unit * (MAX_ARTICLE_BYTES // len(unit))
    data += b"y" * (MAX_ARTICLE_BYTES - len(data))
    assert len(data) == MAX_ARTICLE_BYTES
    article = read_article(data)
    assert len(article.passages) == MAX_ARTICLE_BYTES // len(unit) + 1
    last = article.passages[-1]
    assert article.text[last.start : last.end] == "y" * (MAX_ARTICLE_BYTES % len(unit))


def test_one_five_megabyte_line():
    line = "Kyiv " * (1024 * 1024)
    article = read_article(line)
    assert len(article.passages) == 1
    assert paragraphs_of(article) == [line.strip()]


def test_a_million_newlines():
    article = read_article("Kyiv is a city." + "\n" * 1_000_000 + "Lviv is another.")
    assert paragraphs_of(article) == ["Kyiv is a city.", "Lviv is another."]
    with pytest.raises(InputError):
        read_article("\n" * 1_000_000)


# ------------------------------------------------------------------------------------------ load_article


def test_load_article_reads_files(tmp_path):
    path = tmp_path / "story.md"
    path.write_bytes("# Kraków talks\n\nThey met in Kraków.".encode("cp1252"))
    article = load_article(str(path))
    assert article.title == "Kraków talks"
    assert article.text == "They met in Kraków."
    assert article.source == "file"


def test_load_article_uses_the_file_extension(tmp_path):
    path = tmp_path / "page.htm"
    path.write_text("Kyiv &amp; Lviv are cities.", encoding="utf-8")
    assert load_article(str(path)).text == "Kyiv & Lviv are cities."
    path = tmp_path / "note.txt"
    path.write_text("Kyiv\n\n*Lviv* is not emphasised here.", encoding="utf-8")
    article = load_article(str(path))
    assert article.title == "Kyiv" and article.text == "*Lviv* is not emphasised here."


def test_load_article_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_article(str(tmp_path / "missing.txt"))
    with pytest.raises(InputError, match="is a folder"):
        load_article(str(tmp_path))


class FakeStdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_load_article_from_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin("Kyiv and Zürich.\n".encode("cp1252")))
    article = load_article("-")
    assert article.text == "Kyiv and Zürich.\n"
    assert paragraphs_of(article) == ["Kyiv and Zürich."]


def test_load_article_from_oversize_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"x" * 5000))
    with pytest.raises(InputError, match="the limit is 1 KB"):
        load_article("-", max_bytes=1024)


def test_url_is_kept():
    article = read_article(PAGE, source="url", url="https://example.org/news/1")
    assert article.source == "url" and article.url == "https://example.org/news/1"


# ------------------------------------------------------------------------------------------ sample article

REQUIRED_NAMES = [
    "Pyongyang", "Wonsan", "Kursk", "the Kursk region", "Kyiv", "Moscow", "North Korea", "South Korea",
    "Russia", "Ukraine", "Iran", "North Korean troops", "Ukrainian forces", "Russian", "Iranian",
    "Kim Jong Un", "Sergei Lavrov", "Vladimir Putin", "Seoul",
]  # fmt: skip


def test_sample_article_shape():
    article = sample_article()
    assert SAMPLE_PATH.name == "sample_article.md"
    assert article.title and article.source == "file"
    assert 6 <= len(article.passages) <= 9
    assert 450 <= len(article.text.split()) <= 650
    assert "#" not in article.text


@pytest.mark.parametrize("name", REQUIRED_NAMES)
def test_sample_article_mentions_required_name(name):
    assert re.search(rf"\b{re.escape(name)}\b", sample_article().text)


def test_sample_article_name_traps():
    text = sample_article().text
    assert "Tokyo" in text or "Washington" in text
    first_full_name = text.index("Kim Jong Un")
    assert re.search(r"\bKim\b(?! Jong)", text[first_full_name:]), "'Kim' alone in a later sentence"
    months = r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b"
    assert not re.search(months, text)


def test_sample_article_does_not_copy_the_seed():
    text = sample_article().text.lower().replace("’", "'")
    for phrase in (
        "unconditionally support",
        "sincere expression of solidarity",
        "red-carpet welcome",
        "on the leader's yacht",
        "russian supermarkets",
        "internationally recognised borders",
        "comprehensive strategic partnership",
    ):
        assert phrase not in text


@pytest.mark.skipif(not SEED_DIR.is_dir(), reason="shared/seed not present beside the work tree")
def test_sample_article_shares_no_seven_word_run_with_the_seed():
    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))

    mine = words(SAMPLE_PATH.read_text(encoding="utf-8"))
    for seed in SEED_DIR.glob("*.txt"):
        theirs = words(seed.read_text(encoding="utf-8"))
        runs = {tuple(theirs[i : i + 7]) for i in range(len(theirs) - 6)}
        shared = [" ".join(mine[i : i + 7]) for i in range(len(mine) - 6) if tuple(mine[i : i + 7]) in runs]
        assert shared == []
