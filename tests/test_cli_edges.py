"""CLI edges (issue 16): `map -o` names the path the user gave, a missing output folder is an error unless
--mkdir, `--help` lists GEO_CACHE_DIR, and empty standard input says "no text on stdin"."""

from __future__ import annotations

import subprocess
import sys

from test_cli import PROJECT_ROOT, run_geo

ARTICLE = "Shelling hit Kharkiv again, officials in Kyiv said.\n"


def _one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def _write(tmp_path, name: str = "a.txt"):
    path = tmp_path / name
    path.write_text(ARTICLE, encoding="utf-8")
    return str(path)


def test_map_to_a_folder_names_the_folder_given(tmp_path):
    out = tmp_path / "maps"
    out.mkdir()
    line = _one_line_error(run_geo("map", _write(tmp_path), "-o", str(out)))
    assert f"{out} is a folder" in line and ".tmp" not in line
    assert list(out.iterdir()) == []  # nothing written, no temp file left


def test_missing_output_folder_is_an_error_unless_mkdir(tmp_path):
    target = tmp_path / "new" / "deeper" / "map.html"
    line = _one_line_error(run_geo("map", _write(tmp_path), "-o", str(target)))
    assert str(target) in line and "--mkdir" in line
    assert not (tmp_path / "new").exists()
    done = run_geo("map", _write(tmp_path), "-o", str(target), "--mkdir")
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_missing_geojson_folder_is_checked_before_any_work(tmp_path):
    html = tmp_path / "map.html"
    line = _one_line_error(run_geo("map", _write(tmp_path), "-o", str(html), "--geojson",
                                   str(tmp_path / "nope" / "p.geojson")))
    assert "nope" in line and not html.exists()


def test_help_lists_the_cache_folder_variable():
    done = run_geo("--help")
    assert done.returncode == 0 and "GEO_CACHE_DIR" in done.stdout


def test_empty_stdin_says_no_text_on_stdin():
    done = subprocess.run([sys.executable, "-m", "geo", "parse", "-"], input="", cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert _one_line_error(done) == (
        "error: no text on stdin: pipe an article in, e.g. `python -m geo parse - < article.txt`"
    )


def test_an_article_without_places_says_so_with_a_hint(tmp_path):
    path = tmp_path / "none.txt"
    path.write_text("The board met on Tuesday and approved the budget.\n", encoding="utf-8")
    done = run_geo("parse", str(path))
    assert done.returncode == 0, done.stderr
    assert "No places found." in done.stdout and "countries" in done.stdout
    assert "place  kind" not in done.stdout  # no header-less, empty table
