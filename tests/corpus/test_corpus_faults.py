"""Corpus mode and bad input: a line that is not UTF-8 or too long fails alone, named by its line number; a
worker killed mid-run costs nothing (its chunks run again on the others) and no article is counted twice."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from test_corpus import one_by_one, sample_rows

from geo.corpus.aggregate import counts_of_documents
from geo.corpus.lines import raw_lines
from geo.corpus.run import dask_client, run_corpus


def _mixed(tmp_path: Path) -> Path:
    good = [json.dumps(r).encode() for r in sample_rows()]
    lines = [*good[:3], b'{"id": "latin", "text": "Troops left Kyiv \xe9\xe9."}', *good[3:6],
             b'{"id": "long", "text": "' + b"x" * 5000 + b'"}', *good[6:]]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n\n")
    return path


def test_raw_lines_stream_bounded_and_number_every_line(tmp_path):
    path = _mixed(tmp_path)
    items = list(raw_lines(path, max_bytes=2000))
    errors = [i for i in items if isinstance(i, dict)]
    assert errors == [{"id": "line 8", "error": "line longer than 2 KB"}]
    numbers = [i[0] for i in items if not isinstance(i, dict)]
    assert numbers == [n for n in range(1, len(sample_rows()) + 3) if n != 8]
    assert not items[0][1].startswith(b"\xef\xbb\xbf")  # the byte-order mark is not part of the JSON


def test_bad_lines_fail_alone_and_the_rest_match_one_by_one(tmp_path):
    path = _mixed(tmp_path)
    failures: list[dict] = []
    corpus = run_corpus(raw_lines(path, max_bytes=2000), None, chunk_size=4, on_failure=failures.append)
    assert [(f["id"], f["error"].split(" (")[0]) for f in failures] == [
        ("line 4", "the line is not UTF-8 text"), ("line 8", "line longer than 2 KB")]
    assert corpus.article_total == len(sample_rows())
    assert corpus.counts() == counts_of_documents(one_by_one())


@pytest.mark.slow
@pytest.mark.server
def test_a_worker_killed_mid_run_loses_nothing_and_counts_nothing_twice(tmp_path):
    rows = [{**r, "id": f"{r['id']}-{k}"} for k in range(12) for r in sample_rows()]
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    reference = run_corpus(raw_lines(path), None)
    killed: dict[str, int] = {}

    with dask_client(None, workers=2) as client:
        pids = client.run(os.getpid)

        class KillAfterFirstChunk:
            done = 0

            def update(self, done: int, failed: int) -> None:
                self.done += done
                if not killed:
                    address, pid = sorted(pids.items())[0]
                    killed[address] = pid
                    os.kill(pid, signal.SIGKILL)

        corpus = run_corpus(raw_lines(path), client, chunk_size=4, progress=KillAfterFirstChunk())
    assert killed
    assert corpus.failure_total == 0
    assert corpus.article_total == len(rows)
    assert corpus.counts() == reference.counts()
