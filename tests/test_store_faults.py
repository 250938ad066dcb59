"""kill -9 during saves: a small child process saves documents and corrections in a loop and prints each
save once it is acknowledged; it is killed at a random moment, many times over. Afterwards the database
passes its integrity check and every acknowledged save is there. Also on PostgreSQL, where the database
server itself is killed too."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo.store import backend, corrections
from geo.store import documents as store

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
KYIV = "geonames:703448"

CHILD = r"""
import sys
from geo.parse.model import Article, Document, Mention, Passage, Place
from geo.store import corrections, documents as store
from geo.store.backend import store_problem

def make(text):
    article = Article(text=text, passages=[Passage("p1", 0, 22), Passage("p2", 24, len(text))], title="T")
    kyiv = Place(id="geonames:703448", name="Kyiv", kind="city", lat=50.45, lon=30.52, country="UA",
                 mentions=[Mention(9, 13, "Kyiv", "p1"), Mention(24, 28, "Kyiv", "p2")])
    return Document(article=article, places=[kyiv])

tag, shared = sys.argv[1], sys.argv[2]
print("ready", flush=True)
for i in range(100000):
    label = f"{tag}-{i}"
    doc_id = store.save_document(make(f"Talks in Kyiv went on.\n\nKyiv said no, {label}."))
    store.save_corrections(doc_id, [corrections.drop("geonames:703448", label=label)], revision=0)
    if store_problem():  # the database went away: kept in memory only, so not acknowledged as stored
        break
    print("doc", doc_id, label, flush=True)
    _, revision = store.load_corrections_revision(shared)
    revision = store.save_corrections(shared, [corrections.drop("geonames:703448", label=label)], revision=revision)
    if store_problem():
        break
    print("shared", revision, label, flush=True)
"""


def make_doc(text: str):
    from test_store import make_doc as make

    return make(text)


def _kill_during_saves(env: dict[str, str], tag: str, shared: str, rng: random.Random,
                       kill=None) -> list[list[str]]:
    """Start the child, let it acknowledge a few saves, kill -9 it at a random moment (after ``kill``,
    which kills the database server); the acknowledged lines."""
    proc = subprocess.Popen([sys.executable, "-c", CHILD, tag, shared], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines = []
    try:
        assert proc.stdout.readline().strip() == "ready"
        for _ in range(rng.randint(1, 12)):
            line = proc.stdout.readline()
            if not line.endswith("\n"):
                break
            lines.append(line.split())
        time.sleep(rng.random() * 0.02)  # somewhere inside the next save
        if kill:
            kill()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        rest, _ = proc.communicate(timeout=60)
    lines += [line.split() for line in rest.splitlines(keepends=True) if line.endswith("\n")]
    return [line for line in lines if line and line[0] in ("doc", "shared")]


def _check_acknowledged(acked: list[list[str]], shared: str) -> None:
    best_shared = 0
    for line in acked:
        if line[0] == "doc":
            _, doc_id, label = line
            assert store.load_document(doc_id).article.text.endswith(f"{label}.")
            assert store.load_corrections_revision(doc_id) == ([corrections.drop(KYIV, label=label)], 1)
        else:
            best_shared = max(best_shared, int(line[1]))
    _, revision = store.load_corrections_revision(shared)
    assert revision >= best_shared > 0


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def test_kill_9_while_saving_to_sqlite_50_times(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GEO_STORE_URL", raising=False)
    shared = store.save_document(make_doc("Talks in Kyiv went on.\n\nKyiv said no, shared."))
    backend.close_stores()
    rng, acked = random.Random(15), []
    env = _env(GEO_CACHE_DIR=str(tmp_path))
    env.pop("GEO_STORE_URL", None)
    for n in range(50):
        acked += _kill_during_saves(env, f"k{n}", shared, rng)
    with sqlite3.connect(tmp_path / "store.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert len(acked) >= 80
    _check_acknowledged(acked, shared)
    backend.close_stores()


def test_kill_9_while_saving_to_postgresql(postgres, tmp_path, monkeypatch):
    url = postgres.new_database()
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("GEO_STORE_URL", url)
    shared = store.save_document(make_doc("Talks in Kyiv went on.\n\nKyiv said no, shared."))
    backend.close_stores()
    rng, acked = random.Random(16), []
    for n in range(12):
        acked += _kill_during_saves(_env(GEO_CACHE_DIR=str(tmp_path), GEO_STORE_URL=url), f"p{n}", shared, rng)
    assert len(acked) >= 12
    _check_acknowledged(acked, shared)
    backend.close_stores()


def test_kill_9_of_the_postgresql_server_itself_loses_no_acknowledged_save(tmp_path, monkeypatch):
    from pg import PostgresServer

    server = PostgresServer()  # its own cluster: this test kills it
    try:
        url = server.new_database()
        monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
        monkeypatch.setenv("GEO_STORE_URL", url)
        shared = store.save_document(make_doc("Talks in Kyiv went on.\n\nKyiv said no, shared."))
        backend.close_stores()
        rng, acked = random.Random(17), []
        for n in range(8):
            acked += _kill_during_saves(_env(GEO_CACHE_DIR=str(tmp_path), GEO_STORE_URL=url), f"s{n}", shared,
                                        rng, kill=server.crash)
            server.start()  # crash recovery from the write-ahead log
        assert len(acked) >= 8
        _check_acknowledged(acked, shared)
        backend.close_stores()
    finally:
        server.stop()
