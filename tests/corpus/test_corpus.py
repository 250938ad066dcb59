"""Corpus mode without a cluster: reading, the chunk function, aggregation, outputs, the map's data and escaping,
and the command's errors. (Dask itself: test_corpus_dask.py; the map in Chromium: test_corpus_browser.py.)"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from geo.corpus.aggregate import counts_of_documents
from geo.corpus.reading import SAMPLE_CORPUS, count_records, iter_records
from geo.corpus.run import run_corpus

ROOT = Path(__file__).resolve().parents[2]
XSS_TITLE = '<img src=x onerror=alert(1)>${alert(2)}`</script><script>alert(3)</script>{{7*7}}'
XSS_URL = "javascript:alert(4)"
QUOTE_URL = 'https://example.org/a"><script>alert(5)</script>'


def one_by_one(path: Path | None = None):
    """The reference: every article parsed on its own, exactly as ``python -m geo parse`` would."""
    from geo.parse.article import read_article
    from geo.pipeline import parse_article

    docs = []
    for record in iter_records(path):
        if record.get("error"):
            continue
        try:
            article = read_article(record["text"], url=record.get("url"))
        except Exception:  # noqa: BLE001 - the corpus run reports these; the reference skips them
            continue
        docs.append(parse_article(article))
    return docs


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def sample_rows() -> list[dict]:
    return [json.loads(line) for line in SAMPLE_CORPUS.read_text(encoding="utf-8").splitlines()]


def with_bad_articles(tmp_path: Path) -> Path:
    rows: list = sample_rows()
    rows.insert(5, "{not json")
    rows.insert(8, {"id": "empty-page", "text": "<html><body><script>x()</script></body></html>",
                    "published": "2024-11-01"})  # valid JSON, fails in the worker's parse
    rows.insert(10, {"id": "bad-date", "text": "Troops left Kyiv.", "published": "last Tuesday"})
    return write_jsonl(tmp_path / "mixed.jsonl", rows)


# ------------------------------------------------------------------------------------------------ reading

def test_sample_corpus_follows_one_story_over_weeks():
    records = list(iter_records(None))
    assert len(records) >= 12 and not any(r.get("error") for r in records)
    dates = sorted(r["date"] for r in records)
    import datetime as dt

    span = dt.date.fromisoformat(dates[-1]) - dt.date.fromisoformat(dates[0])
    assert span.days >= 28
    assert len({r["id"] for r in records}) == len(records)
    assert all(r["title"] and r["url"].startswith("https://") for r in records)


def test_jsonl_dates_and_bad_lines_become_error_records(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [
        {"id": 7, "text": "Kyiv.", "published": "2024-10-08T23:30:00+02:00"},
        "",
        "[1, 2]",
        "{broken",
        {"id": "no-text", "title": "x"},
        {"id": "bad", "text": "Kyiv.", "published": "yesterday"},
        {"text": "Moscow.", "published": "2024-10-09"},
    ])
    records = list(iter_records(path))
    assert [r["id"] for r in records] == ["7", "line 3", "line 4", "no-text", "bad", "line 7"]
    assert records[0]["date"] == "2024-10-08" and records[-1]["date"] == "2024-10-09"
    assert [bool(r.get("error")) for r in records] == [False, True, True, True, True, False]
    assert "JSON" in records[2]["error"] and "ISO 8601" in records[4]["error"]
    assert count_records(path) == 6


def test_folder_dates_from_the_file_or_its_modification_time(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.md").write_text("---\ndate: 2024-11-02\n---\n# Troops in Kursk\n\nFighting near Kursk.\n")
    (tmp_path / "sub" / "b.html").write_text(
        '<html><head><meta property="article:published_time" content="2024-12-01T08:00:00Z"><title>T</title>'
        "</head><body><article><p>Talks were held in Pyongyang today between the two delegations.</p>"
        "</article></body></html>")
    plain = tmp_path / "c.txt"
    plain.write_text("Shelling hit Kharkiv overnight.\n")
    os.utime(plain, (1733011200, 1733011200))  # 2024-12-01 00:00 UTC
    (tmp_path / "notes.csv").write_text("ignored")
    records = {r["id"]: r for r in iter_records(tmp_path)}
    assert set(records) == {"a.md", "sub/b.html", "c.txt"}
    assert records["a.md"]["date"] == "2024-11-02"
    assert records["sub/b.html"]["date"] == "2024-12-01"
    assert records["c.txt"]["date"] == "2024-12-01"


# ------------------------------------------------------------------------------------------- run + aggregate

def test_inline_run_gives_the_places_and_counts_of_one_by_one_parsing():
    corpus = run_corpus(iter_records(None), None, chunk_size=3)
    reference = counts_of_documents(one_by_one())
    assert corpus.counts() == reference
    assert len(reference) >= 8 and corpus.failures == []
    rows = {r["name"]: r for r in corpus.place_rows()}
    assert rows["Pyongyang"]["articles"] >= 3 and rows["Kyiv"]["articles"] >= 3
    assert rows["Pyongyang"]["first_date"] <= rows["Pyongyang"]["last_date"]


def test_a_bad_article_in_the_middle_is_reported_by_id_and_the_rest_are_mapped(tmp_path):
    path = with_bad_articles(tmp_path)
    failures: list[dict] = []
    corpus = run_corpus(iter_records(path), None, chunk_size=4, on_failure=failures.append)
    assert sorted(f["id"] for f in failures) == ["bad-date", "empty-page", "line 6"]
    assert len(corpus.articles) == len(sample_rows())
    assert corpus.counts() == counts_of_documents(one_by_one())


def test_mentions_reach_the_sink_in_input_order_whatever_the_chunking():
    rows: list[dict] = []
    corpus = run_corpus(iter_records(None), None, chunk_size=2, mentions=rows.extend)
    assert [r["seq"] for r in rows] == sorted(r["seq"] for r in rows)
    assert len(rows) == sum(p.mentions for p in corpus.places.values())
    for row in rows[:20]:
        assert row["mention"] in row["passage"]


# ----------------------------------------------------------------------------------------------- outputs

@pytest.fixture(scope="module")
def sample_corpus():
    return run_corpus(iter_records(None), None)


def test_geojson_has_one_feature_per_place_with_counts_dates_and_articles(sample_corpus, tmp_path):
    from geo.corpus.outputs import write_corpus_geojson

    data = json.loads(write_corpus_geojson(sample_corpus, tmp_path / "p.geojson").read_text())
    assert len(data["features"]) == len(sample_corpus.places)
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    kyiv = by_name["Kyiv"]
    assert kyiv["geometry"]["coordinates"][0] == pytest.approx(30.52, abs=0.1)  # [lon, lat]
    props = kyiv["properties"]
    assert props["articles"] == len(props["article_list"]) == sample_corpus.article_count(kyiv["id"])
    dates = [a["date"] for a in props["article_list"]]
    assert dates == sorted(dates) and props["first_date"] == dates[0] and props["last_date"] == dates[-1]
    assert all("Kyiv" in a["quote"] for a in props["article_list"])


def test_parquet_has_one_row_per_mention_with_the_columns_analysts_need(tmp_path):
    import pyarrow.parquet as pq

    from geo.corpus.outputs import MentionsWriter

    with MentionsWriter(tmp_path / "m.parquet") as writer:
        corpus = run_corpus(iter_records(None), None, chunk_size=5, mentions=writer.add)
    table = pq.read_table(tmp_path / "m.parquet")
    assert table.num_rows == sum(p.mentions for p in corpus.places.values())
    for column in ("article_id", "date", "place_id", "name", "kind", "country", "lat", "lon", "passage",
                   "border_status"):
        assert column in table.column_names
    rows = table.to_pylist()
    assert {str(r["date"]) for r in rows} <= {a["date"] for a in corpus.articles.values()}
    assert not list(tmp_path.glob(".*.tmp"))


def test_corpus_map_is_deterministic_offline_and_escapes_article_strings(tmp_path):
    from geo.corpus.corpusmap import corpus_html

    rows = sample_rows()[:4]
    rows[1]["title"], rows[1]["url"] = XSS_TITLE, XSS_URL
    rows[2]["url"] = QUOTE_URL
    path = write_jsonl(tmp_path / "x.jsonl", rows)
    first = corpus_html(run_corpus(iter_records(path), None, chunk_size=1))
    second = corpus_html(run_corpus(iter_records(path), None, chunk_size=3))
    assert first == second
    assert "<img src=x" not in first and "<script>alert" not in first and "javascript:alert" not in first
    assert "${alert" not in first and "{{7*7}}" not in first
    assert "https://unpkg" not in first and "cdn.jsdelivr" not in first  # Leaflet is inlined


@pytest.mark.slow
def test_corpus_map_of_1000_articles_stays_under_5_mb():
    """1,000 articles (the dev set's texts, else the sample's, each parsed once and repeated with new ids and
    dates) make a page of at most 5 MB."""
    import datetime as dt

    from geo.corpus.aggregate import Corpus
    from geo.corpus.corpusmap import corpus_html
    from geo.corpus.work import map_chunk

    gwn = ROOT.parent / "shared" / "eval" / "gwn.jsonl"
    source = gwn if gwn.exists() else SAMPLE_CORPUS
    records = [{**r, "seq": i, "title": r.get("title") or f"Article {r['id']}", "url": f"https://n.example/{i}"}
               for i, r in enumerate(iter_records(source)) if not r.get("error")][:200]
    corpus = Corpus()
    batch = []
    for n in range(1000):
        day = (dt.date(2024, 1, 1) + dt.timedelta(days=n % 300)).isoformat()
        batch.append({**records[n % len(records)], "seq": n, "id": f"a{n}", "date": day})
        if len(batch) == 64 or n == 999:
            corpus.add(map_chunk(batch, mentions=False))
            batch = []
    page = corpus_html(corpus)
    assert corpus.article_total == 1000
    assert len(corpus.articles) <= 60 * len(corpus.places)  # a sample of each place's articles, not all
    assert len(page.encode("utf-8")) <= 5_000_000


def _global_samples(articles_of_place: dict[str, list[int]]) -> dict[str, set[int]]:
    from geo.corpus.aggregate import SAMPLE_ARTICLES, sample_rank

    return {pid: set(sorted(seqs, key=sample_rank)[:SAMPLE_ARTICLES]) for pid, seqs in articles_of_place.items()}


def test_workers_sample_filter_keeps_every_article_of_the_global_sample():
    """Chunks spread over three workers in any order, one chunk computed twice: what each worker lets through,
    trimmed by the client, is exactly each place's lowest-ranked articles over the whole corpus."""
    import random

    from geo.corpus.aggregate import keep_sample
    from geo.corpus.work import RunSamples

    rng = random.Random(3)
    places = {f"p{i}": sorted(rng.sample(range(5000), rng.choice((5, 59, 60, 61, 400)))) for i in range(40)}
    chunks = [list(range(lo, lo + 250)) for lo in range(0, 5000, 250)]
    order = chunks + [chunks[3]]  # a chunk computed again (its worker died after it ran)
    rng.shuffle(order)
    workers = [RunSamples() for _ in range(3)]
    kept: dict[str, dict[int, int]] = {pid: {} for pid in places}
    sent = 0
    for n, chunk in enumerate(order):
        worker = workers[n % 3]
        members = set(chunk)
        for pid, seqs in places.items():
            for seq in seqs:
                if seq in members and worker.admits("run", pid, seq):
                    kept[pid][seq] = seq
                    sent += 1
                    keep_sample(kept[pid])
    assert {pid: set(v) for pid, v in kept.items()} == _global_samples(places)
    assert sent < sum(map(len, places.values()))  # the filter does filter


def test_sample_filter_keeps_runs_apart_and_stays_bounded():
    from geo.corpus.work import RunSamples

    samples = RunSamples()
    samples.PLACES, samples.RUNS = 10, 2
    assert all(samples.admits("a", "x", seq) for seq in range(60))
    assert samples.admits("b", "x", 1000)  # another run starts empty
    for i in range(50):
        samples.admits("b", f"p{i}", 1)
    assert len(samples.runs["b"]) == 10
    samples.admits("c", "x", 1)
    assert list(samples.runs) == ["b", "c"]
    assert samples.admits(None, "x", 5)  # no run id: no filter


def test_a_corpus_keeps_the_global_sample_of_a_place_named_in_many_articles():
    """Kyiv in 300 articles over chunks of 16: its quotes are its 60 lowest-ranked articles, whichever chunks
    the workers' filter saw first; a second run in the same process gives the same sample."""
    records = [{"id": f"a{i}", "text": f"Report {i}: shelling near Kyiv and, in one of three, Lviv." if i % 3 == 0
                else f"Report {i}: talks in Kyiv."} for i in range(300)]
    first = run_corpus(iter(records), chunk_size=16)
    second = run_corpus(iter(records), chunk_size=16)
    kyiv = next(p for p in first.places.values() if p.fields["name"] == "Kyiv")
    expected = _global_samples({"kyiv": list(range(300))})["kyiv"]
    assert set(kyiv.articles) == expected
    assert {pid: set(p.articles) for pid, p in second.places.items()} == {
        pid: set(p.articles) for pid, p in first.places.items()}
    assert kyiv.fields["country"] == "UA" and kyiv.fields["border"]  # unpacked from the worker's bytes


# ---------------------------------------------------------------------------------------------- the command

def run_cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-m", "geo", *args], capture_output=True, text=True, cwd=ROOT,
                          env=full_env, timeout=timeout, check=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow  # a fresh `python -m geo` process
def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path):
    done = run_cli("corpus", "-o", str(tmp_path / "c.html"), "--scheduler", f"tcp://127.0.0.1:{free_port()}",
                   env={"GEO_DASK_TIMEOUT": "1"})
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:")
    assert not (tmp_path / "c.html").exists()


@pytest.mark.slow  # a fresh `python -m geo` process
def test_the_scheduler_address_can_come_from_the_environment(tmp_path):
    done = run_cli("corpus", "-o", str(tmp_path / "c.html"),
                   env={"GEO_DASK_SCHEDULER": f"tcp://127.0.0.1:{free_port()}", "GEO_DASK_TIMEOUT": "1"})
    assert done.returncode == 2 and "cannot reach the Dask scheduler" in done.stderr


@pytest.mark.slow  # a fresh `python -m geo` process
def test_missing_input_and_bad_worker_count_are_one_line_errors(tmp_path):
    done = run_cli("corpus", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "c.html"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "no such file" in done.stderr
    done = run_cli("corpus", "--workers", "0", "-o", str(tmp_path / "c.html"))
    assert done.returncode == 2 and "--workers" in done.stderr


@pytest.mark.slow  # a fresh `python -m geo` process
def test_cli_inline_writes_the_three_outputs_and_reports_skipped_articles(tmp_path):
    path = with_bad_articles(tmp_path)
    done = run_cli("corpus", str(path), "--scheduler", "inline", "-o", str(tmp_path / "c.html"),
                   "--geojson", str(tmp_path / "p.geojson"), "--mentions", str(tmp_path / "m.parquet"))
    assert done.returncode == 3, done.stderr  # mapped, some skipped
    assert "article empty-page skipped: InputError: the article is empty" in done.stderr and "article line 6 skipped" in done.stderr
    assert f"mapped {len(sample_rows())} articles, 3 skipped" in done.stdout
    for name in ("c.html", "p.geojson", "m.parquet"):
        assert (tmp_path / name).stat().st_size > 0


def test_pyproject_installs_geo_with_its_data_and_a_geo_command():
    """What `pip install .` reads: the package and its data files, the `geo` script, requirements.txt as deps."""
    import importlib
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    module, _, name = config["project"]["scripts"]["geo"].partition(":")
    assert callable(getattr(importlib.import_module(module), name))
    assert config["tool"]["setuptools"]["dynamic"]["dependencies"]["file"] == ["requirements.txt"]
    data = config["tool"]["setuptools"]["package-data"]["geo"]
    assert "data/*.jsonl" in data and SAMPLE_CORPUS.parent.name == "data"
    requirements = (ROOT / "requirements.txt").read_text()
    assert "dask[distributed]" in requirements and "pyarrow" in requirements


def test_the_corpus_package_lists_its_public_names():
    import geo.corpus

    assert geo.corpus.__doc__ and geo.corpus.__all__
    for name in geo.corpus.__all__:
        assert getattr(geo.corpus, name) is not None


def test_progress_bar_counts_articles_rate_and_failures():
    import io

    from geo.corpus.run import Progress

    out = io.StringIO()
    bar = Progress(10, out=out, enabled=True)
    bar.update(4, 0)
    bar.update(6, 1)
    bar.close()
    last = out.getvalue().rstrip("\n").split("\r")[-1]
    assert last.startswith("[" + "#" * 30 + "] 10/10 articles") and last.endswith(", 1 failed")
    quiet = io.StringIO()
    Progress(3, out=quiet).update(3, 0)  # not a terminal: nothing written
    assert quiet.getvalue() == ""


@pytest.mark.slow  # a fresh `python -m geo` process
def test_cli_maps_a_folder_of_articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.md").write_text("---\ndate: 2024-10-08\n---\n# Ships at Wonsan\n\nShips were loading at Wonsan.\n")
    (folder / "two.txt").write_text("Talks in Seoul\n\nDiplomats met in Seoul and Tokyo.\n")
    done = run_cli("corpus", str(folder), "--scheduler", "inline", "-o", str(tmp_path / "c.html"),
                   "--geojson", str(tmp_path / "p.geojson"))
    assert done.returncode == 0, done.stderr
    names = {f["properties"]["name"] for f in json.loads((tmp_path / "p.geojson").read_text())["features"]}
    assert {"Seoul", "Tokyo"} <= names and any(n.startswith("W") and n.endswith("nsan") for n in names)
