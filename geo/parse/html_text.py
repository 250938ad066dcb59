"""The main text of an HTML page: trafilatura for real pages, a small tolerant parser as the fallback.

Scripts, styles, menus and comments are dropped; block elements become paragraphs.
"""

from __future__ import annotations

import functools
import logging
from html.parser import HTMLParser

TRAFILATURA_MAX_CHARS = 3_000_000
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


def html_to_text(html: str, *, max_bytes: int) -> tuple[str, str]:
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
