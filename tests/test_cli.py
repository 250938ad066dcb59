"""The command line, run as a user runs it: ``python -m geo ...`` in a subprocess (about 1.5 s each)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EVAL_DIR, PROJECT_ROOT

GOLD = EVAL_DIR / "gwn.jsonl"
SCORER = EVAL_DIR / "score.py"
MENTION_FIELDS = {"start", "end", "text", "lat", "lon", "name", "country", "geonameid", "kind"}


def run_geo(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    # Offline whatever the caller's settings say; keep the cache folder so the index is not rebuilt.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEO_") or k == "GEO_CACHE_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], cwd=PROJECT_ROOT, env=env,
        capture_output=True, text=True, timeout=timeout,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    message = lines[0].lower()
    for word in words:
        assert word in message, message
    return message


# ------------------------------------------------------------------------------ parse


def test_parse_sample_prints_a_table():
    result = run_geo("parse")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("place"))
    assert all(col in lines[header_at] for col in ("kind", "country", "lat", "lon", "conf", "mentions"))
    rows = [line for line in lines[header_at + 1 :] if line.strip()]
    pyongyang = [row for row in rows if row.startswith("Pyongyang")]
    assert len(pyongyang) == 1 and " KP " in pyongyang[0] and "city" in pyongyang[0]
    assert not [row for row in rows if row.split()[0] in ("Kim", "Lavrov", "Putin", "Jong", "Un")]


def test_parse_json_prints_the_document():
    from test_pipeline import check_contract

    result = run_geo("parse", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    check_contract(data)
    assert "Pyongyang" in {p["name"] for p in data["places"]}
    assert all(p["border"] for p in data["places"])


def test_parse_jsonl_batch(tmp_path):
    records = [
        {"id": "one", "text": "Officials in Moscow and Kyiv spoke.", "ignored": True},
        {"id": 2, "text": "North Korean shells reached the Kursk region."},
        {"id": "three", "text": "No places here at all."},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_geo("parse", "--jsonl", str(source), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["one", 2, "three"]
    for record, line in zip(records, lines, strict=True):
        for m in line["mentions"]:
            assert set(m) >= MENTION_FIELDS
            assert record["text"][m["start"] : m["end"]] == m["text"]
    assert [(m["text"], m["country"]) for m in lines[0]["mentions"]] == [("Moscow", "RU"), ("Kyiv", "UA")]
    # The adjective is left out of the evaluation output (EVAL.md); the region phrase is kept.
    assert [(m["text"], m["kind"]) for m in lines[1]["mentions"]] == [("Kursk region", "region")]
    assert lines[2]["mentions"] == []


# ------------------------------------------------------------------------------ bad input


def _empty(tmp: Path) -> str:
    (tmp / "empty.txt").write_bytes(b"")
    return str(tmp / "empty.txt")


def _whitespace(tmp: Path) -> str:
    (tmp / "blank.txt").write_text("  \n\t\n \r\n  ")
    return str(tmp / "blank.txt")


def _binary(tmp: Path) -> str:
    (tmp / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return str(tmp / "image.txt")


def _missing(tmp: Path) -> str:
    return str(tmp / "no-such-article.txt")


def _directory(tmp: Path) -> str:
    (tmp / "folder").mkdir()
    return str(tmp / "folder")


def _oversize(tmp: Path) -> str:
    path = tmp / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: no disk space used
    return str(path)


@pytest.mark.parametrize(("make", "words"), [
    (_empty, ("empty",)),
    (_whitespace, ("empty",)),
    (_binary, ("binary",)),
    (_missing, ("no such file",)),
    (_directory, ("folder",)),
    (_oversize, ("too large", "20 mb")),
], ids=["empty", "whitespace", "binary", "missing", "directory", "oversize"])
def test_bad_article_gives_one_line(tmp_path, make, words):
    result = run_geo("parse", make(tmp_path))
    assert_one_line_error(result, *words)
    assert result.stdout == ""


def test_malformed_jsonl_line_gives_one_line_and_keeps_earlier_output(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "ok", "text": "Kyiv"}) + "\n{broken json\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_geo("parse", "--jsonl", str(source), "-o", str(out))
    assert_one_line_error(result, "line 2", "json")
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["ok"]


# ------------------------------------------------------------------------------ eval and bench


@pytest.mark.skipif(not (GOLD.exists() and SCORER.exists()), reason="no dev set in ../shared/eval/")
def test_eval_agrees_with_the_reference_scorer(tmp_path):
    with open(GOLD, encoding="utf-8") as handle:
        head = [next(handle) for _ in range(5)]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(head), encoding="utf-8")
    predictions = tmp_path / "pred.jsonl"
    result = run_geo("eval", str(gold), "--predictions", str(predictions), "--json")
    assert result.returncode == 0, result.stderr
    ours = json.loads(result.stdout)["scores"]
    assert len(predictions.read_text().splitlines()) == 5

    reference_json = tmp_path / "reference.json"
    scored = subprocess.run([sys.executable, str(SCORER), str(gold), str(predictions), "--json", str(reference_json)],
                            capture_output=True, text=True, timeout=60, check=True)
    reference = json.loads(reference_json.read_text())
    assert scored.stdout.strip().splitlines()[-1].startswith("F1=")
    for mine, theirs in (("precision", "P"), ("recall", "R"), ("f1", "F1"), ("acc161", "acc161")):
        assert round(ours[mine], 3) == round(reference[theirs], 3), (mine, ours[mine], reference[theirs])
    assert ours["n"] == reference["n_geo"] and ours["gold"] == reference["n_gold"]


@pytest.mark.slow
def test_bench_quick_runs():
    result = run_geo("bench", "--quick", "--skip-build", timeout=300)
    assert result.returncode == 0, result.stderr
    assert "articles/s" in result.stdout
    assert "Traceback" not in result.stderr


def test_bench_phases_prints_every_phase(tmp_path):
    texts = tmp_path / "texts.jsonl"
    texts.write_text(json.dumps({"id": "1", "text": "Troops moved from Kursk towards Kyiv, President Lincoln said."})
                     + "\n", encoding="utf-8")
    result = run_geo("bench", "--phases", "--quick", "--texts", str(texts), timeout=300)
    assert result.returncode == 0, result.stderr
    assert "(1 articles, best of 1 rounds)" in result.stdout
    for phase in ("tokenise", "scan", "rules", "find_mentions", "resolve", "geoparse", "index load"):
        assert phase in result.stdout, phase


def test_an_output_path_that_cannot_be_written_is_one_clear_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = run_geo("map", "-o", str(blocker / "map.html"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in done.stderr


def test_parse_table_does_not_import_folium():
    """The border column comes from geo.borders.tagging: printing the table must not pay for importing folium."""
    code = (
        "import sys\n"
        "from geo.cli import format_table\n"
        "from geo.parse.model import Article, Document, Place\n"
        "place = Place(id='g:1', name='Kursk', kind='city', lat=51.7, lon=36.2, country='RU',\n"
        "              border={'country': 'RU', 'country_name': 'Russia', 'status': 'recognised',\n"
        "                      'nearest_border': {'neighbour': 'UA', 'km': 100.0}})\n"
        "table = format_table(Document(article=Article(text='Kursk', passages=[]), places=[place]))\n"
        "assert 'Kursk — Russia, 100 km from the nearest land border (Ukraine)' in table, table\n"
        "print('folium' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
