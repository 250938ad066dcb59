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
import os
import re
import stat
import sys
from pathlib import PurePath

from geo.errors import InputError
from geo.parse.html_text import html_to_text
from geo.parse.markdown import markdown_to_text
from geo.parse.model import Article
from geo.parse.passages import first_line_stands_alone, split_passages_by_rule

MAX_ARTICLE_BYTES = 20 * 1024 * 1024
MAX_TITLE_CHARS = 200
# Room in a stored document for everything besides the title and text: up to 100,000 passages (about 50
# bytes each), 20,000 mentions and their places (up to about 2 KB each with five alternatives and the
# border context), notes.
DOCUMENT_ALLOWANCE = 48 * 1024 * 1024

EMPTY_MESSAGE = "the article is empty: paste some article text (or choose a .txt, .md or .html file)"

HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
MARKDOWN_EXTENSIONS = (".md", ".markdown")
SNIFF_CHARS = 64 * 1024

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 and C1 control characters (vertical tab and form feed included) other than tab, newline and carriage return.
_BAD_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_SHARE = 20  # more than one character in 20 a control code: binary, not an article
CONTROL_SCAN = 1024 * 1024  # the whole text is counted, a slice at a time (bounded memory)
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
    text = decode_bytes(data) if isinstance(data, bytes | bytearray) else refuse_binary(data)
    text = clean_text(text)
    check_size(text, max_bytes)  # the rule holds for the text as stored too (a legacy encoding may grow it)
    kind = detect_format(text, filename)
    notes: list[str] = []
    if kind == "html":
        title, body = html_to_text(text, max_bytes=max_bytes, notes=notes)
    elif kind == "markdown":
        title, body = markdown_to_text(text)
    else:
        title, body = split_title(text)
    if title and not body.strip():
        title, body = "", title
    if title:  # an HTML <title> may repeat what the body says: the rule is for what is kept
        check_size(title + body, max_bytes)
    passages, rule = split_passages_by_rule(body)
    if not passages:
        raise InputError(EMPTY_MESSAGE)
    return Article(text=body, passages=passages, title=title, source=source, url=url, passage_rule=rule,
                   notes=notes)


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
    """Return ``text`` unless it looks binary: NUL characters at the start, or more than one character in
    :data:`CONTROL_SHARE` a control code (C0/C1, vertical tab and form feed included; U+FFFD counts at the
    start), in its first 64 KB or in the whole text."""
    sample = text[:SNIFF_CHARS]
    if "\x00" in sample:
        raise binary_error("it contains NUL characters")
    controls = len(_BAD_CONTROL.findall(sample)) + sample.count("\ufffd")
    if sample and controls > max(2, len(sample) // CONTROL_SHARE):
        raise binary_error(f"{controls} of its first {len(sample)} characters are control codes")
    if len(text) > SNIFF_CHARS:
        allowed, controls = max(2, len(text) // CONTROL_SHARE), 0
        for at in range(0, len(text), CONTROL_SCAN):
            controls += _BAD_CONTROL.subn("", text[at:at + CONTROL_SCAN])[1]
            if controls > allowed:
                raise binary_error(f"more than {allowed:,} of its {len(text):,} characters are control codes")
    return text


def stored_size_limit(max_bytes: int = MAX_ARTICLE_BYTES) -> int:
    """The most bytes a stored document may take, so that every article accepted under ``max_bytes`` fits.

    An accepted article's title and text are at most ``max_bytes`` of UTF-8 and at most one character in
    :data:`CONTROL_SHARE` is a control code. In JSON a character takes at most twice its UTF-8 bytes
    (``"`` -> ``\\"``), except a control code, which takes six (``\\u000b``); the rest of the document
    (passages, places, mentions, notes) is bounded by the passage and mention caps.
    """
    controls = max_bytes // CONTROL_SHARE + 2
    return 2 * max_bytes + 4 * controls + DOCUMENT_ALLOWANCE


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
    """Plain text: the first line is a title if short, not a sentence, and followed by a blank line; or,
    in a text split at its line breaks (or hard-wrapped), followed by a line starting a sentence when a
    sentence follows (so "Kursk\nUkraine" keeps both words in its body)."""
    stripped = text.lstrip()
    first, sep, rest = stripped.partition("\n")
    candidate = first.strip()
    if not sep or not candidate or len(candidate) > MAX_TITLE_CHARS or is_sentence(candidate):
        return "", text
    following = rest.split("\n", 1)[0].strip()
    if following and not (following[0].isupper() and first_line_stands_alone(stripped)
                          and any(is_sentence(line.strip()) for line in rest.split("\n", 50)[:50])):
        return "", text
    return candidate, rest.lstrip("\n")


def is_sentence(line: str) -> bool:
    return line.rstrip(_CLOSING_QUOTES).endswith(_SENTENCE_END)
