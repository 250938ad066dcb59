"""A bounded reader for JSON input: each line (or file) is size-checked, decoded and validated before it is
kept, so one hostile line is skipped and named instead of stopping a run.

Checks, cheapest first: size (before decoding, and a line over the limit is skipped without being held in
memory), UTF-8, JSON syntax, nesting depth (the JSON decoder recurses: a line nested 1,000 deep raised
RecursionError), lone surrogates (``"\\ud800"`` is valid JSON but cannot be written out as UTF-8), and the
top-level type (an object). The callers check the fields they need.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

MAX_DEPTH = 64  # real records nest a few levels (a Document: about six)


class BadInput(ValueError):
    """One line or file that the bounded reader refused; the message says why (without the line itself)."""


class LineTooLong:
    """A line over the size limit, skipped while reading: only its size is kept."""

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        self.size = size


def iter_lines(handle: IO[bytes], max_bytes: int) -> Iterator[bytes | LineTooLong]:
    """The lines of a binary stream, each read with a bounded ``readline``: a line over ``max_bytes`` is
    consumed a chunk at a time and given as a :class:`LineTooLong`, never held whole."""
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        if len(line) <= max_bytes or line.endswith(b"\n") and len(line) == max_bytes + 1:
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n"):
            line = handle.readline(1024 * 1024)
            if not line:
                break
            size += len(line)
        yield LineTooLong(size)


def _size_text(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:.0f} MB" if n_bytes >= 2**20 else f"{n_bytes:,} bytes"


def decode_json(data: bytes | str | LineTooLong, max_bytes: int, *, what: str = "line") -> Any:
    """The JSON value of one line or file, checked; :class:`BadInput` saying why otherwise."""
    if isinstance(data, LineTooLong):
        raise BadInput(f"{what} is {_size_text(data.size)}, over the {_size_text(max_bytes)} limit")
    if len(data) > max_bytes:
        raise BadInput(f"{what} is over the {_size_text(max_bytes)} limit")
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BadInput(f"{what} is not UTF-8 text (byte {exc.start + 1})") from None
    try:
        value = json.loads(data)
    except RecursionError:
        raise BadInput(f"{what} is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:
        raise BadInput(f"{what} is not valid JSON ({getattr(exc, 'msg', exc)})") from None
    check_value(value, what)
    return value


def decode_json_object(data: bytes | str | LineTooLong, max_bytes: int, *, what: str = "line") -> dict[str, Any]:
    """:func:`decode_json` for a value that must be a JSON object."""
    value = decode_json(data, max_bytes, what=what)
    if not isinstance(value, dict):
        raise BadInput(f"{what} is not a JSON object")
    return value


def check_value(value: Any, what: str = "line") -> None:
    """Refuse a decoded JSON value nested deeper than :data:`MAX_DEPTH` or holding a lone surrogate (in a
    key or a string). Iterative, so the check itself cannot overflow."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item, what)
        elif isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                raise BadInput(f"{what} is nested more than {MAX_DEPTH} levels deep")
            if isinstance(item, dict):
                for key, child in item.items():
                    _check_text(key, what)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)


def _check_text(text: str, what: str) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadInput(f"{what} holds a lone surrogate (\\u{ord(text[exc.start]):04x}), which is not text") from None
