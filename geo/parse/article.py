"""Read an article (pasted text, .txt/.md/.html file, fetched page) into an :class:`~geo.parse.model.Article`.

The pipeline is: check the size -> decode bytes -> clean (BOM, newlines, lone surrogates) -> extract the
main text by format (HTML, Markdown, plain text) -> split into passages.

Conventions:

- ``Article.title`` holds the title and ``Article.text`` the body only: the title is not a passage and
  no offset points into it.
- Passages are paragraphs separated by blank lines, ids ``p1, p2, ...`` in order, spans into
  ``Article.text`` (end exclusive) without surrounding whitespace, so ``text[p.start:p.end]`` is the paragraph.
- Apart from newline normalisation, BOM removal and replacing lone surrogates with U+FFFD, the text of a
  plain-text article is kept as given (no Unicode normalisation).
- A pathological input with more than :data:`MAX_PASSAGES` paragraphs keeps working: neighbouring
  paragraphs are then grouped into one passage so that memory stays bounded.
"""

from __future__ import annotations

import codecs
import functools
import logging
import operator
import os
import re
import stat
import sys
from html.parser import HTMLParser
from pathlib import PurePath

from geo.errors import InputError
from geo.parse.model import Article, Passage

MAX_ARTICLE_BYTES = 20 * 1024 * 1024
MAX_PASSAGES = 100_000
MAX_TITLE_CHARS = 200

EMPTY_MESSAGE = "the article is empty: paste some article text (or choose a .txt, .md or .html file)"

HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
MARKDOWN_EXTENSIONS = (".md", ".markdown")
SNIFF_CHARS = 64 * 1024
TRAFILATURA_MAX_CHARS = 3_000_000

_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BAD_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_BLOCK_TAG = re.compile(
    r"<(?:p|div|article|section|main|body|head|title|h[1-6]|ul|ol|li|table|tr|td|br|hr|blockquote|pre|nav|"
    r"header|footer|aside|figure|span|a|meta|script|style)\b[^<>]*>",
    re.IGNORECASE,
)
_CLOSING_BLOCK_TAG = re.compile(
    r"</(?:p|div|article|section|h[1-6]|ul|ol|li|table|body|html|blockquote)\s*>", re.I
)
_SENTENCE_END = tuple(".!?…;:,")
_CLOSING_QUOTES = "\"'”’»)]"


# ---------------------------------------------------------------------------------------------- public API


def read_article(
    data: bytes | str,
    *,
    filename: str | None = None,
    source: str = "text",
    url: str | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
) -> Article:
    """Turn raw article input into an Article; raises InputError (one line) for empty, binary or oversize input."""
    check_size(data, max_bytes)
    text = decode_bytes(data) if isinstance(data, bytes | bytearray) else data
    text = clean_text(text)
    kind = detect_format(text, filename)
    if kind == "html":
        title, body = html_to_text(text, max_bytes=max_bytes)
    elif kind == "markdown":
        title, body = markdown_to_text(text)
    else:
        title, body = split_title(text)
    if title and not body.strip():
        title, body = "", title
    passages = split_passages(body)
    if not passages:
        raise InputError(EMPTY_MESSAGE)
    return Article(text=body, passages=passages, title=title, source=source, url=url)


def load_article(path: str, *, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read an article from a file path, or from standard input when ``path`` is ``"-"``."""
    if path == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise too_large_error(f"more than {format_size(max_bytes)}", max_bytes)
        return read_article(data, source="text", max_bytes=max_bytes)
    data = read_file_bytes(path, max_bytes)
    return read_article(data, filename=path, source="file", max_bytes=max_bytes)


# ---------------------------------------------------------------------------------------------- size and I/O


def format_size(n_bytes: int) -> str:
    """Human size: ``20 MB``, ``512 KB``, ``12 bytes``."""
    if n_bytes >= 1024 * 1024:
        return f"{n_bytes / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if n_bytes >= 1024:
        return f"{n_bytes / 1024:.1f}".removesuffix(".0") + " KB"
    return f"{n_bytes} bytes"


def too_large_error(size: int | str, max_bytes: int) -> InputError:
    size_text = size if isinstance(size, str) else format_size(size)
    limit_text = format_size(max_bytes)
    if size_text == limit_text:  # just over the limit: rounding would hide the difference
        size_text, limit_text = f"{size:,} bytes", f"{max_bytes:,} bytes"
    return InputError(
        f"the article is too large ({size_text}; the limit is {limit_text}): "
        "use a shorter excerpt or split it into several articles"
    )


def check_size(data: bytes | str, max_bytes: int) -> None:
    """Refuse input over ``max_bytes`` (UTF-8 bytes for text) before any expensive work."""
    if isinstance(data, str):
        if len(data) > max_bytes:  # every character is at least one UTF-8 byte
            raise too_large_error(f"more than {format_size(max_bytes)}", max_bytes)
        if len(data) * 4 <= max_bytes:
            return
        size = len(data.encode("utf-8", "surrogatepass"))
    else:
        size = len(data)
    if size > max_bytes:
        raise too_large_error(size, max_bytes)


def read_file_bytes(path: str, max_bytes: int) -> bytes:
    """Bytes of a file, refusing folders, unreadable and oversize files (size checked before reading)."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{path} is a folder, not a file: give the path of an article file")
        if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
            raise too_large_error(info.st_size, max_bytes)
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"no such file: {path}: check the path") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a file: give the path of an article file") from None
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied") from None
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from None
    if len(data) > max_bytes:
        raise too_large_error(f"more than {format_size(max_bytes)}", max_bytes)
    return data


# ---------------------------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes) -> str:
    """Decode article bytes: BOMs first, then UTF-8, then charset-normalizer; binary data is refused."""
    data = bytes(data)
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return refuse_binary(data.decode(codec, "replace"))
    if b"\x00" in data:
        raise binary_error("it contains NUL bytes")
    try:
        return refuse_binary(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return refuse_binary(guess_decode(data))


# Legacy encodings worth considering for news text, in order of preference on a near tie.
LATIN_ENCODINGS = ("cp1252", "cp1250", "iso8859_15", "cp1254", "cp1257", "iso8859_2")
OTHER_ENCODINGS = (
    "cp1251",
    "koi8_r",
    "cp1253",
    "cp1255",
    "cp1256",
    "cp932",
    "euc_jp",
    "gb18030",
    "big5",
    "cp949",
)
_HIGH_BYTES = re.compile(rb"[\x80-\xff]+")


def looks_latin(data: bytes) -> bool:
    """True when non-ASCII bytes come alone or in pairs (Latin-script accents), not in long runs (Cyrillic, CJK)."""
    runs = [len(run) for run in _HIGH_BYTES.findall(data[:SNIFF_CHARS])]
    return sum(n for n in runs if n >= 3) * 2 < sum(runs) or not runs


def guess_decode(data: bytes) -> str:
    """Decode non-UTF-8 bytes: charset-normalizer over a short list of legacy encodings.

    On short inputs its scores tie, so near-ties go to the most usual encoding for the script
    (cp1252 for Latin-looking bytes): "Zürich" in cp1252 stays "Zürich".
    """
    from charset_normalizer import from_bytes

    order = LATIN_ENCODINGS + OTHER_ENCODINGS if looks_latin(data) else OTHER_ENCODINGS + LATIN_ENCODINGS
    matches = list(from_bytes(data, cp_isolation=list(order)))
    if not matches:
        raise binary_error("no text encoding fits it")
    best = matches[0]
    near = [m for m in matches if m.chaos <= best.chaos + 0.02 and m.coherence >= best.coherence - 0.1]

    def rank(encoding: str) -> int:
        return order.index(encoding) if encoding in order else len(order)

    encoding = min((e for m in near for e in [m.encoding, *m.could_be_from_charset]), key=rank)
    return data.decode(encoding, "replace")


def binary_error(reason: str) -> InputError:
    return InputError(
        f"this looks like a binary file, not an article: {reason}; give a text, Markdown or HTML file"
    )


def refuse_binary(text: str) -> str:
    """Return ``text`` unless it is mostly control characters (a binary file decoded by force)."""
    sample = text[:SNIFF_CHARS]
    if "\x00" in sample:
        raise binary_error("it contains NUL characters")
    controls = len(_BAD_CONTROL.findall(sample)) + sample.count("\ufffd")
    if sample and controls > max(2, len(sample) // 20):
        raise binary_error(f"{controls} of its first {len(sample)} characters are control codes")
    return text


def clean_text(text: str) -> str:
    """Strip a BOM, turn CRLF/CR into LF and replace lone surrogates with U+FFFD; nothing else changes."""
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _SURROGATE.search(text):
        # UTF-16 joins valid surrogate pairs back into one character and replaces the lone ones.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


# ---------------------------------------------------------------------------------------------- formats


def detect_format(text: str, filename: str | None = None) -> str:
    """``"html"``, ``"markdown"`` or ``"text"``, from the file extension first, else by sniffing."""
    suffix = PurePath(filename).suffix.lower() if filename else ""
    if suffix in HTML_EXTENSIONS:
        return "html"
    if suffix in MARKDOWN_EXTENSIONS:
        return "markdown"
    return "html" if looks_like_html(text) else "text"


def looks_like_html(text: str) -> bool:
    """True for an HTML document or fragment: a doctype/<html> start, a leading tag, or several block tags."""
    head = text[:SNIFF_CHARS].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")):
        return True
    if head.startswith("<") and _BLOCK_TAG.match(head):
        return True
    return len(_CLOSING_BLOCK_TAG.findall(head)) >= 3


def split_title(text: str) -> tuple[str, str]:
    """Plain text: the first line is a title if short, not a sentence, and followed by a blank line."""
    stripped = text.lstrip()
    first, sep, rest = stripped.partition("\n")
    candidate = first.strip()
    if not sep or not candidate or len(candidate) > MAX_TITLE_CHARS or is_sentence(candidate):
        return "", text
    if rest.split("\n", 1)[0].strip():
        return "", text
    return candidate, rest.lstrip("\n")


def is_sentence(line: str) -> bool:
    return line.rstrip(_CLOSING_QUOTES).endswith(_SENTENCE_END)


@functools.lru_cache(maxsize=1)
def quiet_trafilatura_logs() -> None:
    """trafilatura logs a WARNING whenever a fallback extractor gives up (routine on fragments);
    keep such notes off the user's terminal unless the caller configured that logger. Failures that
    matter surface as our own InputError (nothing extracted), never as library log lines."""
    logger = logging.getLogger("trafilatura")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.CRITICAL)  # its ERRORs ("lxml parsing failed") are fallbacks, not failures


@functools.lru_cache(maxsize=4)
def trafilatura_config(max_chars: int):
    """trafilatura's default config with its file-size cap raised to ours."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MAX_FILE_SIZE", str(max_chars))
    return config


def html_to_text(html: str, *, max_bytes: int = MAX_ARTICLE_BYTES) -> tuple[str, str]:
    """Main text of an HTML page with trafilatura (boilerplate dropped); the stdlib fallback for fragments.

    Pages over TRAFILATURA_MAX_CHARS go straight to the fallback: trafilatura needs seconds per
    megabyte of text, and no real news page is that large.
    """
    if len(html) > TRAFILATURA_MAX_CHARS:
        return html_fallback_text(html)
    import trafilatura

    quiet_trafilatura_logs()

    doc = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        config=trafilatura_config(max(max_bytes, len(html)) + 1),
    )
    title = " ".join((getattr(doc, "title", None) or "").split())
    lines = [line.strip() for line in (getattr(doc, "text", None) or "").split("\n")]
    lines = [line for line in lines if line]
    if lines and title and lines[0] == title:
        lines = lines[1:]
    if not lines:
        fallback_title, body = html_fallback_text(html)
        return title or fallback_title, body
    return title, "\n\n".join(lines)


class _TextCollector(HTMLParser):
    """Collects visible text; block tags start new paragraphs; script/style and friends are dropped."""

    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object", "head"})
    BLOCK = frozenset(
        "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article blockquote pre header footer main aside "
        "nav hr dd dt figure".split()
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.title: list[str] = []
        self.skip_depth = 0
        self.in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.SKIP:
            self.skip_depth += 1
        elif tag == "title":
            self.in_title = True
        elif tag in self.BLOCK:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "title":
            self.in_title = False
        elif tag in self.BLOCK:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skip_depth:
            self.current.append(data)

    def flush(self) -> None:
        paragraph = " ".join("".join(self.current).split())
        if paragraph:
            self.paragraphs.append(paragraph)
        self.current = []


def html_fallback_text(html: str) -> tuple[str, str]:
    """Title and paragraphs of an HTML fragment with the stdlib parser (nothing is executed or fetched)."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    collector.flush()
    return " ".join("".join(collector.title).split()), "\n\n".join(collector.paragraphs)


# Markdown: a conservative converter to plain text (not a renderer).
_MD_BLOCK_STARTS = frozenset("#=`~-*_+>[0123456789")  # a line starting otherwise is plain prose
_MD_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_MD_SETEXT_H1 = re.compile(r"^\s{0,3}=+\s*$")
_MD_RULE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_MD_REF_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+.*$")
_MD_BULLET = re.compile(r"^(\s*)(?:[-*+]|\d{1,9}[.)])\s+")
_MD_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]*\](?:\([^()\n]*\)|\[[^\[\]\n]*\])")
_MD_LINK = re.compile(r"\[([^\[\]\n]*)\](?:\([^()\n]*\)|\[[^\[\]\n]*\])")
_MD_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_MD_CODE = re.compile(r"(?<!`)(`+)([^`\n]+)\1(?!`)")
_MD_EMPHASIS = re.compile(
    r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?!\*)|(?<!\w)_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)"
)
_MD_STRONG = re.compile(r"\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*|__(?=\S)([^_\n]+?)(?<=\S)__")
_MD_STRIKE = re.compile(r"~~(?=\S)([^~\n]+?)(?<=\S)~~")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")
_FIRST_GROUP = operator.itemgetter(1)  # a C-level replacement (string templates are slow in 3.11)
_SECOND_GROUP = operator.itemgetter(2)
_ESCAPE_BASE = 0xE000  # escaped ASCII punctuation rides in the Private Use Area while markup is removed
_MD_UNESCAPE = re.compile("[\ue000-\ue07f]")


def markdown_inline(text: str) -> str:
    """Drop inline Markdown markup: images, links (keep their text), code ticks, emphasis, escapes.

    Every pattern stops at the next delimiter or newline, so the work stays linear on hostile input.
    """
    escaped = "\\" in text
    if escaped:  # hide escaped characters from the markup rules, restore them last
        text = _MD_ESCAPE.sub(lambda m: chr(_ESCAPE_BASE + ord(m.group(1))), text)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(_FIRST_GROUP, text)
    text = _MD_AUTOLINK.sub(_FIRST_GROUP, text)
    text = _MD_CODE.sub(_SECOND_GROUP, text)
    text = _MD_EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    text = _MD_STRONG.sub(lambda m: m.group(1) or m.group(2), text)
    text = _MD_STRIKE.sub(_FIRST_GROUP, text)
    return _MD_UNESCAPE.sub(lambda m: chr(ord(m.group()) - _ESCAPE_BASE), text) if escaped else text


def markdown_to_text(text: str) -> tuple[str, str]:
    """Markdown to plain text; the first level-1 heading becomes the title; code blocks are kept verbatim.

    Block markup is removed line by line; inline markup is removed afterwards over whole runs of
    prose (never inside code blocks), which keeps a 20 MB file fast.
    """
    title = ""
    pieces: list[str] = []  # finished text: prose runs with inline markup removed, code verbatim
    prose: list[str] = []
    fence = ""
    for line in text.split("\n"):
        if fence:
            closer = _MD_FENCE.match(line)
            if closer and closer.group(1)[0] == fence[0] and len(closer.group(1)) >= len(fence):
                fence = ""
            else:
                pieces.append(line)
            continue
        stripped = line.lstrip(" ")
        if not stripped or stripped[0] not in _MD_BLOCK_STARTS:
            prose.append(line)
            continue
        opener = _MD_FENCE.match(line)
        if opener:
            fence = opener.group(1)
            pieces.append(markdown_inline("\n".join(prose)))
            prose = []
            continue
        heading = _MD_HEADING.match(line)
        if heading is None and _MD_SETEXT_H1.match(line) and prose and prose[-1].strip():
            heading_text, level = prose.pop(), 1
        elif heading is not None:
            heading_text, level = heading.group(2), len(heading.group(1))
        else:
            prose.append(markdown_block_line(line))
            continue
        if level == 1 and not title:
            title = markdown_inline(heading_text.strip())
            prose.append("")
        else:
            prose.extend(["", heading_text.strip(), ""])
    pieces.append(markdown_inline("\n".join(prose)))
    return title, "\n".join(pieces).strip("\n")


def markdown_block_line(line: str) -> str:
    """A non-heading, non-code Markdown line without its block markup (rules, bullets, quote marks)."""
    if _MD_RULE.match(line) or _MD_REF_DEFINITION.match(line):
        return ""
    line = _MD_QUOTE.sub("", line)
    return _MD_BULLET.sub(_FIRST_GROUP, line)


# ---------------------------------------------------------------------------------------------- passages


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each blank-line-separated paragraph, whitespace excluded.

    Past MAX_PASSAGES paragraphs (a pathological input), neighbouring paragraphs are grouped into
    passages of at least len(text) / (MAX_PASSAGES / 2) characters, so time and memory stay bounded.
    """
    spans = spans_between_blank_lines(text, min_chars=0, limit=MAX_PASSAGES)
    if spans is None:
        spans = spans_between_blank_lines(text, min_chars=len(text) // (MAX_PASSAGES // 2), limit=None)
    return spans or []


def spans_between_blank_lines(
    text: str, *, min_chars: int, limit: int | None
) -> list[tuple[int, int]] | None:
    """Spans cut at runs of blank lines, each at least ``min_chars`` long; None once past ``limit`` spans."""
    spans: list[tuple[int, int]] = []
    pos, size = 0, len(text)
    while pos < size:
        separator = _BLANK_LINES.search(text, pos + min_chars)
        end, next_pos = (separator.start(), separator.end()) if separator else (size, size)
        span = strip_span(text, pos, end)
        pos = next_pos
        if span is None:
            continue
        spans.append(span)
        if limit is not None and len(spans) > limit:
            return None
    return spans


def strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span text[start:end] without surrounding whitespace, or None when it is blank."""
    block = text[start:end]
    stripped = block.strip()
    if not stripped:
        return None
    lead = len(block) - len(block.lstrip())
    return start + lead, start + lead + len(stripped)


def split_passages(text: str) -> list[Passage]:
    """Passages p1, p2, ... over the paragraphs of ``text``."""
    return [Passage(f"p{i}", start, end) for i, (start, end) in enumerate(paragraph_spans(text), 1)]
