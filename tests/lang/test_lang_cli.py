"""The command line in other languages: --lang on parse and eval, per-language scores of the dev set."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT / "tests" / "data" / "lang_dev.jsonl"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_parse_json_records_the_language(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Вночі російські дрони атакували Харків та Одесу, повідомили у Києві.", encoding="utf-8")
    out = run("parse", str(article), "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["article"]["language"] == "uk"
    assert {p["name"] for p in doc["places"]} >= {"Kharkiv", "Odesa", "Kyiv"}
    forced = json.loads(run("parse", str(article), "--json", "--lang", "ru").stdout)
    assert forced["article"]["language"] == "ru"


def test_an_unknown_language_is_one_readable_line() -> None:
    out = run("parse", "-", "--lang", "xx", stdin="Kyiv")
    assert out.returncode != 0
    assert "invalid choice" in out.stderr and "Traceback" not in out.stderr


def test_parse_jsonl_says_each_line_language() -> None:
    lines = "\n".join(json.dumps({"id": str(i), "text": t}) for i, t in enumerate(
        ["북한은 평양에서 열병식을 열었다.", "Troops left Kyiv on Monday and the town of Irpin was quiet."]))
    out = run("parse", "--jsonl", "-", "--workers", "1", stdin=lines)
    assert out.returncode == 0, out.stderr
    first, second = (json.loads(line) for line in out.stdout.splitlines())
    assert first["language"] == "ko" and [m["text"] for m in first["mentions"]] == ["북한", "평양"]
    assert second["language"] == "en"


@pytest.mark.slow
def test_the_dev_set_is_scored_per_language() -> None:
    out = run("eval", str(DEV_SET), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert set(report["by_language"]) == {"ru", "uk", "fr", "de", "es", "ko"}
    for lang, part in report["by_language"].items():
        assert part["articles"] >= 40, lang
        assert part["scores"]["f1"] > 0.8 and part["scores"]["acc161"] > 0.8, (lang, part["scores"])


def test_the_dev_set_is_well_formed() -> None:
    from geo.places.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    records = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines()]
    for record in records:
        for toponym in record["toponyms"]:
            assert record["text"][toponym["start"]:toponym["end"]] == toponym["text"]
            place = gaz.by_id(toponym["id"])  # gold points are the gazetteer's own, never typed
            assert (place.lat, place.lon) == (toponym["lat"], toponym["lon"])
