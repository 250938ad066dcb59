"""Markdown to plain text: a conservative converter (not a renderer) that keeps the words a reader sees.

The first ``# heading`` becomes the title; markup, link targets and code fences' markers are removed.
"""

from __future__ import annotations

import operator
import re

# Markdown: a conservative converter to plain text (not a renderer).
_MD_BLOCK_STARTS = frozenset("#=`~-*_+>[0123456789")  # a line starting otherwise is plain prose
_MD_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
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
# While markup is removed, an escaped ASCII character rides in the Private Use Area (U+E021-U+E07E), hidden
# from the markup rules. Private-use characters already in the text are first marked with _KEEP (as a pair
# _KEEP + character), so the restore step can tell the two apart: the code is prefix-free, and every rule
# removes or keeps spans that begin and end at ASCII delimiters, so no pair is ever split.
_ESCAPE_BASE = 0xE000
_KEEP = "\ue07f"
_MD_PRIVATE = re.compile("[\ue000-\ue07f]")
_MD_UNESCAPE = re.compile("\ue07f([\ue000-\ue07f])|([\ue000-\ue07e])")


def _hide_escape(match: re.Match[str]) -> str:
    return chr(_ESCAPE_BASE + ord(match.group(1)))


def _restore(match: re.Match[str]) -> str:
    kept = match.group(1)
    return kept if kept is not None else chr(ord(match.group(2)) - _ESCAPE_BASE)


def markdown_inline(text: str) -> str:
    """Drop inline Markdown markup: images, links (keep their text), code ticks, emphasis, escapes.

    Every pattern stops at the next delimiter or newline, so the work stays linear on hostile input.
    """
    escaped = "\\" in text
    if escaped:  # hide escaped characters from the markup rules, restore them last
        text = _MD_ESCAPE.sub(_hide_escape, _MD_PRIVATE.sub(lambda m: _KEEP + m.group(), text))
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(_FIRST_GROUP, text)
    text = _MD_AUTOLINK.sub(_FIRST_GROUP, text)
    text = _MD_CODE.sub(_SECOND_GROUP, text)
    text = _MD_EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    text = _MD_STRONG.sub(lambda m: m.group(1) or m.group(2), text)
    text = _MD_STRIKE.sub(_FIRST_GROUP, text)
    return _MD_UNESCAPE.sub(_restore, text) if escaped else text


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
        heading = atx_heading(line)
        if heading is None and _MD_SETEXT_H1.match(line) and prose and prose[-1].strip():
            heading_text, level = prose.pop(), 1
        elif heading is not None:
            level, heading_text = heading
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


def atx_heading(line: str) -> tuple[int, str] | None:
    """``(level, text)`` of an ATX heading line (``## Text ##``), else None.

    Read with string methods, each a single pass: a pattern with a lazy text group before an optional
    closing run (``(.*?)(?:\\s+#+)?\\s*$``) retried the closing run from every character, quadratic on a
    heading followed by a long run of spaces.
    """
    body = line.lstrip()
    if len(line) - len(body) > 3:
        return None
    text = body.lstrip("#")
    level = len(body) - len(text)
    if not 1 <= level <= 6 or not text or not text[0].isspace():
        return None
    text = text.strip()
    unclosed = text.rstrip("#")
    if unclosed != text and unclosed and unclosed[-1].isspace():  # a closing run of #s after a space
        text = unclosed.rstrip()
    return level, text


def markdown_block_line(line: str) -> str:
    """A non-heading, non-code Markdown line without its block markup (rules, bullets, quote marks)."""
    if _MD_RULE.match(line) or _MD_REF_DEFINITION.match(line):
        return ""
    line = _MD_QUOTE.sub("", line)
    return _MD_BULLET.sub(_FIRST_GROUP, line)


# ---------------------------------------------------------------------------------------------- passages
