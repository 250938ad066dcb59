"""Issue 26, items 5 and 7 on the app's corpus page: hostile lines and damaged or encrypted zip members are
named among the skipped articles (a message, never a traceback), and uploads are parsed under the same
parse limit as the main page."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from test_corpus import sample_rows

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest
PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "corpus.py")


def test_hostile_lines_and_an_encrypted_member_are_named_and_the_rest_mapped():
    from app_components.corpus_page import build_corpus

    rows = sample_rows()[:3]
    jsonl = "".join(json.dumps(r) + "\n" for r in rows).encode()
    jsonl += b'{"id": "deep", "text": "Kyiv", "x": ' + b"[" * 1000 + b"]" * 1000 + b"}\n"
    jsonl += b'{"id": "s", "text": "Kyiv", "title": "\\ud800"}\n'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("part.jsonl", jsonl)
        archive.writestr("secret.txt", "Talks in Seoul.")
    data = bytearray(buffer.getvalue())
    for marker, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # the second member marked encrypted
        at = data.index(marker, data.index(b"secret.txt") - 40 if marker == b"PK\x03\x04" else data.rindex(marker))
        data[at + offset] |= 1
    result = build_corpus("hostile.zip", bytes(data))
    assert result["articles"] == 3
    failures = {f["id"]: f["error"] for f in result["failures"]}
    assert set(failures) == {"part.jsonl line 4", "part.jsonl line 5", "secret.txt"}
    assert "nested" in failures["part.jsonl line 4"] and "surrogate" in failures["part.jsonl line 5"]
    assert failures["secret.txt"] == "cannot be unpacked (it is encrypted)"


def test_the_page_parses_under_the_parse_limit(monkeypatch):
    from app_components import session

    held = []

    @contextlib.contextmanager
    def slot(waiting=None):
        held.append("in")
        yield
        held.append("out")

    monkeypatch.setattr(session, "parse_slot", slot)
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert held == ["in", "out"]


def test_an_unexpected_failure_is_a_message_not_a_traceback(monkeypatch):
    from app_components import corpus_page

    def broken(name, data):
        raise RecursionError("deep inside /srv/secret/path.py")

    monkeypatch.setattr(corpus_page, "build_corpus", broken)
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert at.error and "could not be mapped \\(RecursionError\\)" in at.error[0].value  # (Markdown-escaped)
    assert "/srv/secret" not in at.error[0].value
