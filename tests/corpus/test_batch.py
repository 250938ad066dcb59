"""The batch engine (geo.batch) and ``parse --jsonl`` on several workers: same bytes, same order, bounded
reading, errors in order, a progress bar only on a terminal."""

from __future__ import annotations

import functools
import io
import json
import os
import pty
import subprocess
import sys

import pytest
from conftest import EVAL_DIR, PROJECT_ROOT

from geo.batch import Progress, jsonl_map, map_ordered

GOLD = EVAL_DIR / "gwn.jsonl"


def _square(x: int) -> int:
    return x * x


def _fail_at(x: int, bad: int) -> int:
    if x == bad:
        raise ValueError(f"item {x} is bad")
    return x


def _text_length(record: dict) -> dict:
    return {"id": record.get("id"), "n": len(record["text"])}


def _gwn_lines(count: int) -> list[str]:
    if not GOLD.exists():
        pytest.skip("no dev set in ../shared/eval/")
    with open(GOLD, encoding="utf-8") as handle:
        return [line for _, line in zip(range(count), handle, strict=False)]


def run_parse(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEO_") or k == "GEO_CACHE_DIR"}
    return subprocess.run([sys.executable, "-m", "geo", "parse", *args], cwd=PROJECT_ROOT, env=env,
                          timeout=300, **kwargs)


# ------------------------------------------------------------------------------ the engine


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_results_come_back_in_input_order(workers):
    out = list(map_ordered(_square, range(100), workers=workers, chunk_size=3, window=2))
    assert out == [x * x for x in range(100)]


def test_reading_is_lazy_and_bounded_by_the_window():
    """The engine never holds more than window x chunk_size items it has not handed back."""
    pulled = 0

    def items():
        nonlocal pulled
        for x in range(200):
            pulled += 1
            yield x

    ahead = []
    for consumed, _ in enumerate(map_ordered(_square, items(), workers=2, chunk_size=4, window=3), start=1):
        ahead.append(pulled - consumed)
    assert consumed == 200
    assert max(ahead) <= 3 * 4
    assert max(ahead) > 4  # it did read ahead: more than one chunk was in flight


def test_one_worker_reads_one_item_at_a_time():
    pulled = 0

    def items():
        nonlocal pulled
        for x in range(50):
            pulled += 1
            yield x

    for consumed, _ in enumerate(map_ordered(_square, items(), workers=1), start=1):
        assert pulled == consumed


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_item_comes_after_every_result_before_it(workers):
    got = []
    with pytest.raises(ValueError, match="item 37 is bad"):
        for value in map_ordered(functools.partial(_fail_at, bad=37), range(100), workers=workers, chunk_size=5):
            got.append(value)
    assert got == list(range(37))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_reading_error_comes_after_the_results_of_what_was_read(workers):
    def items():
        yield from range(23)
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    got = []
    with pytest.raises(UnicodeDecodeError):
        for value in map_ordered(_square, items(), workers=workers, chunk_size=4):
            got.append(value)
    assert got == [x * x for x in range(23)]


def _pid(_: int) -> int:
    return os.getpid()


def _die(x: int) -> int:
    if x == 40:
        os._exit(3)  # a worker killed mid-batch (say, by the OOM killer)
    return x


def test_work_runs_in_worker_processes_and_a_tiny_input_stays_here():
    pids = set(map_ordered(_pid, range(64), workers=2, chunk_size=4))
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert set(map_ordered(_pid, range(3), workers=2, chunk_size=4)) == {os.getpid()}


def test_a_dead_worker_is_a_clear_error_not_a_hang():
    with pytest.raises(RuntimeError, match="worker process died"):
        list(map_ordered(_die, range(100), workers=2, chunk_size=4))


def test_workers_must_be_positive():
    with pytest.raises(ValueError):
        list(map_ordered(_square, [1], workers=0))


# ------------------------------------------------------------------------------ JSONL


def test_jsonl_skips_blank_lines_and_names_the_bad_line_after_earlier_output():
    lines = [json.dumps({"id": "a", "text": "xy"}), "", "  ", json.dumps({"id": "b", "text": "xyz"}), "[1]",
             json.dumps({"id": "c", "text": "z"})]
    got = []
    with pytest.raises(ValueError, match="line 5 is not a JSON object"):
        for line in jsonl_map(lines, _text_length, workers=2, chunk_size=2):
            got.append(json.loads(line))
    assert got == [{"id": "a", "n": 2}, {"id": "b", "n": 3}]


def test_jsonl_on_gwn_lines_is_identical_on_two_workers_with_tiny_chunks(gazetteer):
    from geo.batch import mentions_line

    lines = _gwn_lines(40)
    fn = functools.partial(mentions_line, adjectives=False)
    one = list(jsonl_map(lines, fn, workers=1))
    many = list(jsonl_map(lines, fn, workers=2, chunk_size=3, window=2))
    assert one == many
    assert [json.loads(x)["id"] for x in many] == [json.loads(x)["id"] for x in lines]
    assert sum(len(json.loads(x)["mentions"]) for x in one) > 100  # real predictions, not empty lines


@pytest.mark.slow
def test_parse_jsonl_is_byte_identical_on_one_and_three_workers(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(_gwn_lines(36)), encoding="utf-8")
    outputs = {}
    for workers in ("1", "3"):
        out = tmp_path / f"out{workers}.jsonl"
        done = run_parse("--jsonl", str(source), "-o", str(out), "--workers", workers, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""  # not a terminal: no progress
        outputs[workers] = out.read_bytes()
    assert outputs["1"] == outputs["3"]
    ids = [json.loads(line)["id"] for line in outputs["3"].decode().splitlines()]
    assert ids == [json.loads(line)["id"] for line in _gwn_lines(36)]


def test_a_bad_worker_count_is_one_line():
    done = run_parse("--jsonl", "-", "--workers", "0", capture_output=True, text=True, input="")
    assert done.returncode == 2
    assert "workers" in done.stderr and "Traceback" not in done.stderr


# ------------------------------------------------------------------------------ progress


def _parse_with_terminal_stderr(tmp_path, *flags: str) -> str:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": "Troops left Kyiv for Kharkiv."}) + "\n"
                              for i in range(30)), encoding="utf-8")
    master, slave = pty.openpty()
    try:
        done = run_parse("--jsonl", str(source), "-o", str(tmp_path / "out.jsonl"), "--workers", "2", *flags,
                         stderr=slave, stdout=subprocess.DEVNULL)
        os.close(slave)
        slave = -1
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not data:
                break
            chunks.append(data)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    assert done.returncode == 0
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 30
    return b"".join(chunks).decode()


@pytest.mark.slow
def test_progress_shows_on_a_terminal_and_not_with_quiet(tmp_path):
    shown = _parse_with_terminal_stderr(tmp_path)
    assert "30 articles" in shown and "articles/s" in shown
    assert _parse_with_terminal_stderr(tmp_path, "--quiet") == ""


def test_progress_line_and_silence():
    stream = io.StringIO()
    bar = Progress(stream, enabled=True, total_chars=1000)
    bar.read(500)
    for _ in range(3):
        bar.tick()
    assert "3 articles" in bar.line() and "50%" in bar.line() and "left" in bar.line()
    bar.done()
    assert stream.getvalue().endswith("\n") and "articles/s" in stream.getvalue()
    quiet = io.StringIO()
    silent = Progress(quiet, enabled=False)
    silent.tick()
    silent.done()
    assert quiet.getvalue() == ""


# ------------------------------------------------------------------------------ batch tagging in the pipeline


def _documents_without_timing(docs) -> list[str]:
    out = []
    for doc in docs:
        data = doc.to_dict()
        data["meta"].pop("elapsed_ms")
        out.append(json.dumps(data, sort_keys=True))
    return out


def test_parse_articles_in_batches_gives_the_documents_of_parse_article_one_by_one(gazetteer):
    from geo.parse.article import read_article
    from geo.pipeline import parse_article, parse_articles

    texts = [json.loads(line)["text"] for line in _gwn_lines(30)]
    texts.append("Shelling near Donetsk and Sevastopol; talks in Geneva, Switzerland, and in the Middle East.")
    articles = [read_article(text) for text in texts]
    one_by_one = [parse_article(a, gazetteer=gazetteer) for a in articles]
    batched = list(parse_articles(articles, gazetteer=gazetteer, batch_size=7))
    assert _documents_without_timing(batched) == _documents_without_timing(one_by_one)
    assert all(p.border for doc in batched for p in doc.places)
    assert {p.border["status"] for doc in batched for p in doc.places} >= {"recognised", "occupied"}
    assert all(doc.meta["elapsed_ms"] >= 0 for doc in batched)


def test_parse_articles_reads_lazily_one_batch_at_a_time(gazetteer):
    from geo.parse.article import read_article
    from geo.pipeline import parse_articles

    pulled = 0

    def articles():
        nonlocal pulled
        for i in range(20):
            pulled += 1
            yield read_article(f"Report {i} from Kyiv and Lviv.")

    for consumed, doc in enumerate(parse_articles(articles(), gazetteer=gazetteer, batch_size=4), start=1):
        assert pulled - consumed < 4
        assert {p.name for p in doc.places} == {"Kyiv", "Lviv"}


def test_tag_documents_matches_tag_document(gazetteer):
    from geo.borders.tagging import tag_document, tag_documents
    from geo.parse.article import read_article
    from geo.pipeline import parse_article

    texts = ["Crimea and Kherson, then Odesa.", "Kathmandu in Nepal, Bolivia and Kenya, Europe.", "No place."]
    alone = [parse_article(read_article(t), gazetteer=gazetteer, borders=False) for t in texts]
    together = [parse_article(read_article(t), gazetteer=gazetteer, borders=False) for t in texts]
    for doc in alone:
        tag_document(doc)
    tag_documents(together)
    assert [[p.border for p in d.places] for d in alone] == [[p.border for p in d.places] for d in together]
    countries = {p.name: p.border for d in together for p in d.places if p.kind == "country"}
    assert "Landlocked." in countries["Nepal"]["notes"] and "Landlocked." in countries["Bolivia"]["notes"]
    assert countries["Kenya"]["coast_km"] == 0.0 and "Landlocked." not in countries["Kenya"]["notes"]


@pytest.mark.slow
def test_spawned_workers_load_the_index_themselves(monkeypatch, gazetteer):
    """Where fork is missing (macOS, Windows default to spawn), workers start empty and load the index."""
    import multiprocessing

    from geo import batch
    from geo.batch import mentions_line

    monkeypatch.setattr(batch, "_pool_context", lambda: multiprocessing.get_context("spawn"))
    lines = _gwn_lines(12)
    fn = functools.partial(mentions_line, adjectives=False)
    assert list(jsonl_map(lines, fn, workers=2, chunk_size=2)) == list(jsonl_map(lines, fn, workers=1))


@pytest.mark.slow
def test_the_batch_path_on_two_workers_predicts_exactly_what_eval_scores(tmp_path, gazetteer):
    """Accuracy is unchanged by the batch path: its output on the dev set, from two workers, is byte for byte
    the predictions ``geo eval`` scores in-process."""
    from geo.tools.evaluate import evaluate_file

    if not GOLD.exists():
        pytest.skip("no dev set in ../shared/eval/")
    scored = tmp_path / "eval.jsonl"
    report = evaluate_file(str(GOLD), adjectives="yes", predictions_path=str(scored), gaz=gazetteer)
    batch = tmp_path / "batch.jsonl"
    done = run_parse("--jsonl", str(GOLD), "-o", str(batch), "--adjectives", "--workers", "2",
                     capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert batch.read_bytes() == scored.read_bytes()
    assert report["articles"] == 200 and report["scores"]["f1"] > 0.8


# ------------------------------------------------------------------------------ the batch benchmark's measures


def test_make_batch_repeats_the_corpus_texts_in_order(tmp_path):
    from geo.tools.batch_bench import make_batch

    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "text": f"text {i}"}) + "\n" for i in range(3)) + "\n")
    assert make_batch(corpus, 7, tmp_path / "b.jsonl") == 7
    rows = [json.loads(line) for line in (tmp_path / "b.jsonl").read_text().splitlines()]
    assert [r["text"] for r in rows] == ["text 0", "text 1", "text 2", "text 0", "text 1", "text 2", "text 0"]
    assert len({r["id"] for r in rows}) == 7


def test_measure_process_sums_the_peak_memory_of_the_whole_tree():
    """A parent and two forked children each touch ~60 MB: the tree's peak is their sum, not one of them."""
    from geo.tools.batch_bench import measure_process

    code = (
        "import os, time\n"
        "block = bytearray(60 * 1024 * 1024)\n"
        "kids = []\n"
        "for _ in range(2):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        mine = bytearray(60 * 1024 * 1024); time.sleep(0.6); os._exit(0)\n"
        "    kids.append(pid)\n"
        "for pid in kids:\n"
        "    os.waitpid(pid, 0)\n"
        "print('done')\n"
    )
    run = measure_process([sys.executable, "-c", code])
    assert run["stdout"].strip() == "done"
    assert run["processes"] == 3
    assert run["peak_mb"] >= 3 * 60
    assert run["cpu_seconds"] > 0


def _broken_article():
    from geo.parse.article import read_article

    article = read_article("Report from Kyiv.")
    article.text = 12345  # not text: its geoparse raises
    return article


def test_parse_articles_keep_going_puts_a_failed_article_in_its_place_and_tags_the_rest(gazetteer):
    from geo.parse.article import read_article
    from geo.pipeline import parse_article, parse_articles

    texts = ["Shelling near Donetsk and Kharkiv.", "Talks in Geneva, Switzerland.", "Flooding in Queensland."]
    out = list(parse_articles([read_article(texts[0]), _broken_article(), read_article(texts[1]),
                               read_article(texts[2])], gazetteer=gazetteer, batch_size=10, keep_going=True))
    assert isinstance(out[1], Exception) and len(out) == 4
    alone = [parse_article(read_article(t), gazetteer=gazetteer) for t in texts]
    assert _documents_without_timing([out[0], out[2], out[3]]) == _documents_without_timing(alone)


def test_parse_articles_without_keep_going_gives_the_documents_before_a_failure_then_raises(gazetteer):
    from geo.parse.article import read_article
    from geo.pipeline import parse_articles

    got = []
    with pytest.raises(Exception):  # noqa: B017, PT011 - whatever the broken text raises
        for doc in parse_articles([read_article("Report from Lviv."), _broken_article(),
                                   read_article("Report from Odesa.")], gazetteer=gazetteer, batch_size=10):
            got.append(doc)
    assert [p.name for doc in got for p in doc.places] == ["Lviv"]
    assert got[0].places[0].border  # tagged before the error came out


def test_record_documents_reports_a_bad_record_in_its_place(gazetteer):
    from geo.batch import record_documents

    docs = record_documents([{"text": "Troops left Kyiv."}, {"id": "x"}, {"text": "Rain in Lima, Peru."}],
                            gazetteer=gazetteer)
    assert isinstance(docs[1], ValueError) and "'x'" in str(docs[1])
    assert [p.name for p in docs[0].places] == ["Kyiv"]
    assert {p.name for p in docs[2].places} == {"Lima", "Peru"}
    assert all(p.border for doc in (docs[0], docs[2]) for p in doc.places)
