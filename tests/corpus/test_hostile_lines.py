"""Issue 26, items 5 and 7: every input line or file goes through the bounded reader (geo/parse/jsonlines.py)
before it is kept; a bad one is skipped and named, the rest are mapped, the exit code (3) says some were
skipped. Real CLI processes."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from geo.corpus.reading import iter_records, iter_upload
from geo.parse.jsonlines import MAX_DEPTH, BadInput, LineTooLong, decode_json_object, iter_lines

ROOT = Path(__file__).resolve().parents[2]
GOOD = [json.dumps({"id": f"ok{i}", "text": f"Troops moved to Kyiv on day {i}."}) for i in range(3)]
HOSTILE = {
    "nested 1,000 deep": '{"id": "deep", "text": "Kyiv", "x": ' + "[" * 1000 + "]" * 1000 + "}",
    "nested 100,000 deep": "[" * 100_000,
    "lone surrogate in the title": '{"id": "s", "text": "Kyiv", "title": "\\ud800"}',
    "lone surrogate in the id": '{"id": "\\udfff", "text": "Kyiv"}',
    "not UTF-8": b'{"id": "b", "text": "Ky\xffiv"}',
}


def _jsonl(tmp_path: Path, bad) -> Path:
    path = tmp_path / "in.jsonl"
    bad_bytes = bad if isinstance(bad, bytes) else bad.encode("utf-8")
    path.write_bytes(b"\n".join([GOOD[0].encode(), bad_bytes, GOOD[1].encode(), GOOD[2].encode()]) + b"\n")
    return path


def run_geo(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.mark.parametrize("bad", HOSTILE.values(), ids=HOSTILE.keys())
def test_the_bounded_reader_refuses_each_hostile_line(bad):
    with pytest.raises(BadInput, match="line 2"):
        decode_json_object(bad, 1 << 20, what="line 2")


def test_depth_at_the_bound_is_read():
    assert decode_json_object('{"a": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}", 1000)
    with pytest.raises(BadInput, match="nested"):
        decode_json_object('{"a": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}", 1000)


def test_an_over_long_line_is_skipped_without_being_held():
    class Counting(io.BytesIO):
        biggest = 0

        def readline(self, size=-1):
            line = super().readline(size)
            Counting.biggest = max(Counting.biggest, len(line))
            return line

    data = b'{"id": "a", "text": "Kyiv"}\n' + b"x" * 5_000_000 + b'\n{"id": "b", "text": "Lviv"}\n'
    lines = list(iter_lines(Counting(data), 1000))
    assert isinstance(lines[1], LineTooLong) and lines[1].size == 5_000_001
    assert lines[2].startswith(b'{"id": "b"') and Counting.biggest <= 1024 * 1024


@pytest.mark.parametrize("bad", HOSTILE.values(), ids=HOSTILE.keys())
def test_corpus_records_name_the_bad_line_and_keep_the_rest(tmp_path, bad):
    records = list(iter_records(_jsonl(tmp_path, bad)))
    assert [r["id"] for r in records] == ["ok0", "line 2", "ok1", "ok2"]
    assert "error" in records[1] and all("error" not in r for r in records[::2])


@pytest.mark.slow  # fresh `python -m geo` processes
@pytest.mark.parametrize("bad", [HOSTILE["nested 1,000 deep"], HOSTILE["lone surrogate in the title"]],
                         ids=["deep", "surrogate"])
def test_corpus_cli_maps_the_rest_and_says_some_were_skipped(tmp_path, bad):
    done = run_geo("corpus", str(_jsonl(tmp_path, bad)), "--scheduler", "inline", "-o", str(tmp_path / "c.html"),
                   "--geojson", str(tmp_path / "p.geojson"))
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr and "article line 2 skipped" in done.stderr
    assert "mapped 3 articles, 1 skipped" in done.stdout
    assert (tmp_path / "c.html").stat().st_size > 0


@pytest.mark.slow
@pytest.mark.parametrize("bad", HOSTILE.values(), ids=HOSTILE.keys())
def test_parse_jsonl_maps_the_rest_and_names_the_line(tmp_path, bad):
    out = tmp_path / "out.jsonl"
    done = run_geo("parse", "--jsonl", str(_jsonl(tmp_path, bad)), "-o", str(out), "--workers", "1")
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1 and "line 2" in done.stderr
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["ok0", "ok1", "ok2"]


def test_a_large_file_in_a_folder_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from geo.parse.article import MAX_ARTICLE_BYTES

    (tmp_path / "a.txt").write_text("Troops in Kyiv.", encoding="utf-8")
    with open(tmp_path / "big.txt", "wb") as handle:  # sparse: 2 GB on the file system, no disk used
        handle.truncate(2 * 1024**3)
    reads = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self.name) or real(self))
    records = list(iter_records(tmp_path))
    assert [r["id"] for r in records] == ["a.txt", "big.txt"]
    assert "larger than" in records[1]["error"] and reads == ["a.txt"]
    assert MAX_ARTICLE_BYTES < 2 * 1024**3


def _zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_damaged_zip_member_is_named_and_the_others_read():
    data = bytearray(_zip(**{"a.jsonl": GOOD[0].encode() + b"\n", "b.txt": b"Troops in Lviv. " * 50}))
    start = data.index(b"b.txt") + len(b"b.txt")  # the second member's compressed bytes follow its name
    data[start + 5] ^= 0xFF
    records = list(iter_upload("c.zip", bytes(data)))
    assert records[0]["id"] == "ok0" and records[1]["id"] == "b.txt" and "error" in records[1]
    assert "Traceback" not in records[1]["error"] and "/" not in records[1]["error"]


def test_an_encrypted_zip_member_is_named():
    data = bytearray(_zip(**{"a.txt": b"Troops in Kyiv."}))
    for marker in (b"PK\x03\x04", b"PK\x01\x02"):  # set the encrypted flag in the local and central headers
        at = data.index(marker)
        flag_at = at + (6 if marker == b"PK\x03\x04" else 8)
        data[flag_at] |= 1
    records = list(iter_upload("c.zip", bytes(data)))
    assert records == [{"id": "a.txt", "error": "cannot be unpacked (it is encrypted)"}]
