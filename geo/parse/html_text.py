"""The main text of an HTML page: trafilatura for real pages, a small tolerant parser as the fallback.

Scripts, styles, menus and comments are dropped; block elements become paragraphs.
"""

from __future__ import annotations

import functools
import logging
import re
from html import unescape

TRAFILATURA_MAX_CHARS = 3_000_000
# trafilatura's work grows faster than its input with the number of tags inside one block (a paragraph of
# 12,000 links: 27 s) and with the number of tags overall; pages beyond either bound are read by the
# linear stdlib reader instead (a real news page has a few hundred tags, a few dozen per paragraph).
MAX_TAGS_IN_ONE_BLOCK = 200
MAX_TAGS = 20_000
DENSE_TAGS, MIN_CHARS_PER_TAG = 2_000, 16  # past 2,000 tags, a tag every 16 characters or more often is dense
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]{0,15})")
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


def tag_load(html: str) -> tuple[int, int]:
    """(tags in all, most tags between two block tags) of an HTML page: one linear scan of its tag names."""
    total = run = most = 0
    block = _TextCollector.BLOCK
    for match in _TAG.finditer(html):
        total += 1
        if match.group(2).lower() in block:
            run = 0
        else:
            run += 1
            most = max(most, run)
    return total, most


def dense_markup_note(html: str) -> str | None:
    """Why ``html`` is too dense in tags for trafilatura (a sentence for the Document's notes), else None."""
    total, most = tag_load(html)
    if most > MAX_TAGS_IN_ONE_BLOCK:
        return (f"the page has {most:,} tags in one paragraph (more than {MAX_TAGS_IN_ONE_BLOCK:,}): its text was "
                "read by the plain HTML reader, so menus and other page furniture may be kept")
    if total > MAX_TAGS or (total > DENSE_TAGS and len(html) < total * MIN_CHARS_PER_TAG):
        return (f"the page has {total:,} tags in {len(html):,} characters: its text was read by the plain HTML "
                "reader, so menus and other page furniture may be kept")
    return None


def html_to_text(html: str, *, max_bytes: int, notes: list[str] | None = None) -> tuple[str, str]:
    """Main text of an HTML page with trafilatura (boilerplate dropped); the stdlib fallback for fragments.

    Pages over TRAFILATURA_MAX_CHARS go straight to the fallback: trafilatura needs seconds per
    megabyte of text, and no real news page is that large. So do pages dense in tags (see
    :func:`dense_markup_note`), with a sentence saying so appended to ``notes``.
    """
    if len(html) > TRAFILATURA_MAX_CHARS:
        return html_fallback_text(html)
    dense = dense_markup_note(html)
    if dense:
        if notes is not None:
            notes.append(dense)
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


class _TextCollector:
    """Collects visible text; block tags start new paragraphs; script/style and friends are dropped."""

    SKIP = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object", "head"})
    RAW = frozenset({"script", "style", "textarea", "title"})  # their content is text up to their end tag
    BLOCK = frozenset(
        "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article blockquote pre header footer main aside "
        "nav hr dd dt figure".split()
    )

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.title: list[str] = []
        self.skip_depth = 0
        self.in_title = False

    def handle_starttag(self, tag: str) -> None:
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


# A tag runs to the next ">" and never past the next "<", so each character is looked at a bounded number of
# times; an unterminated "<" is text. (The stdlib HTMLParser rescans to the end of the input from every
# unterminated "<a ", quadratic on hostile pages.)
_WHOLE_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,63})(?=[\s/>])[^<>]*>|<[!?][^<>]*>")


def scan_html(html: str, collector: _TextCollector) -> None:
    """Feed ``html``'s tags and text to ``collector`` in one pass (comments and raw-text content skipped)."""
    lowered: str | None = None  # for the end tags of raw-text elements, made once on first need
    pos, size = 0, len(html)
    while pos < size:
        lt = html.find("<", pos)
        if lt < 0:
            lt = size
        if lt > pos:
            collector.handle_data(unescape(html[pos:lt]))
        if lt >= size:
            break
        if html.startswith("<!--", lt):
            end = html.find("-->", lt + 4)
            pos = size if end < 0 else end + 3
            continue
        tag = _WHOLE_TAG.match(html, lt)
        if tag is None:
            collector.handle_data("<")
            pos = lt + 1
            continue
        pos = tag.end()
        name = (tag.group(2) or "").lower()
        if not name:
            continue  # a doctype or processing instruction
        if tag.group(1):
            collector.handle_endtag(name)
            continue
        collector.handle_starttag(name)
        if name in collector.RAW:
            lowered = lowered if lowered is not None else html.lower()
            end = lowered.find("</" + name, pos)
            end = size if end < 0 else end
            if name in ("title", "textarea"):
                collector.handle_data(unescape(html[pos:end]))
            pos = end


def html_fallback_text(html: str) -> tuple[str, str]:
    """Title and paragraphs of an HTML fragment with a linear tag scanner (nothing is executed or fetched)."""
    collector = _TextCollector()
    scan_html(html, collector)
    collector.flush()
    return " ".join("".join(collector.title).split()), "\n\n".join(collector.paragraphs)
