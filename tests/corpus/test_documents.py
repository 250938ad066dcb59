"""``parse --jsonl IN --documents``: one whole Document JSON a line, equal to ``parse --json`` for the same text
(border context included), in input order, on several worker processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "geo" / "data" / "sample_corpus.jsonl"

pytestmark = pytest.mark.slow


def _geo(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, check=False, timeout=600)


def _comparable(document: dict) -> dict:
    document = {k: v for k, v in document.items() if k != "id"}
    document["meta"] = {k: v for k, v in document["meta"].items() if k != "elapsed_ms"}
    return document


def test_documents_lines_equal_parse_json_for_the_same_text(tmp_path):
    texts = [json.loads(line)["text"] for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    rows = [{"id": f"r{i}", "text": texts[i % len(texts)]} for i in range(40)]  # 3 chunks: a real pool
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows[:20]) + "\n"
                      + "".join(json.dumps(r) + "\n" for r in rows[20:]), encoding="utf-8")
    done = _geo("parse", "--jsonl", str(source), "--documents", "--workers", "2", "-o", str(tmp_path / "out.jsonl"))
    assert done.returncode == 0, done.stderr
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [r["id"] for r in rows]  # blank line skipped, in order
    for i in (0, 3, 7):
        single = _geo("parse", "-", "--json", stdin=texts[i])
        assert single.returncode == 0, single.stderr
        expected = _comparable(json.loads(single.stdout))
        assert any(p["border"] for p in expected["places"])  # border context is part of both
        assert _comparable(json.loads(lines[i])) == expected
        assert _comparable(json.loads(lines[i + len(texts)])) == expected  # the memo's copy is the same


def test_documents_stops_on_a_bad_line_with_one_line_naming_it(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "Troops left Kyiv."}\n{not json\n', encoding="utf-8")
    done = _geo("parse", "--jsonl", str(source), "--documents", "--workers", "1")
    assert done.returncode != 0
    assert json.loads(done.stdout.splitlines()[0])["id"] == "a"  # the lines before it are written
    assert done.stderr.strip().count("\n") == 0 and "line 2" in done.stderr


def test_documents_stop_at_a_record_without_text_after_the_records_before_it(tmp_path):
    source = tmp_path / "in.jsonl"
    rows = [{"id": "a", "text": "Troops left Kyiv."}, {"id": "b", "title": "no text"}, {"id": "c", "text": "Lima."}]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    done = _geo("parse", "--jsonl", str(source), "--documents", "--workers", "1")
    assert done.returncode != 0
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == ["a"]
    assert done.stderr.strip().count("\n") == 0 and "'b'" in done.stderr
