"""A JSONL corpus as raw lines: the client only splits the file into lines (bytes) and numbers them; the worker
decodes each one (UTF-8, JSON, the record's fields) with the same rules as :func:`geo.corpus.reading.iter_jsonl`.

So the client's cost per article is a ``readline`` and a length check, whatever the article holds, and a line
that is not UTF-8 or not JSON fails alone (named by its line number) instead of stopping the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from geo.corpus.reading import MAX_LINE_CHARS, record_from_json
from geo.parse.article import format_size
from geo.parse.jsonlines import BadInput, decode_json

SKIP_PIECE = 1 << 20  # an over-long line is skipped in pieces of this size (never held whole)
BOM = b"\xef\xbb\xbf"


def raw_lines(path: str | Path, max_bytes: int = MAX_LINE_CHARS) -> Iterator[tuple[int, bytes] | dict[str, Any]]:
    """``(line number, bytes)`` for every non-blank line of a JSONL file, streamed; a line longer than
    ``max_bytes`` becomes an error record ``{"id": "line N", "error": ...}`` and is skipped unread."""
    with open(path, "rb") as handle:
        line_no = 0
        while True:
            line = handle.readline(max_bytes + 1)
            if not line:
                return
            line_no += 1
            if line_no == 1 and line.startswith(BOM):
                line = line[len(BOM):]
            if len(line) > max_bytes and not line.endswith(b"\n"):
                while (piece := handle.readline(SKIP_PIECE)) and not piece.endswith(b"\n"):
                    pass
                yield {"id": f"line {line_no}", "error": f"line longer than {format_size(max_bytes)}"}
                continue
            if line.strip():
                yield line_no, line


def decode_item(item: Any) -> dict[str, Any]:
    """A chunk item as a record: records pass through; a raw line ``(seq, line number, bytes)`` is decoded
    (an error record naming the line when it is not UTF-8, not JSON or not a valid article)."""
    if isinstance(item, dict):
        return item
    seq, line_no, raw = item
    try:  # the bounded reader: UTF-8, JSON, nesting depth, lone surrogates
        obj = decode_json(raw, MAX_LINE_CHARS, what="the line")  # its id names it
    except BadInput as exc:
        return {"seq": seq, "id": f"line {line_no}", "error": str(exc)}
    return {**record_from_json(obj, line_no), "seq": seq}
