"""Batch geoparsing on every core: items in, results out, in input order, streamed with bounded memory.

- :func:`map_ordered` applies a function to every item of an iterable, in one process (``workers=1``) or in a
  pool of worker processes. Items are pulled lazily, grouped in small chunks, and at most ``window`` chunks
  are in flight at once, so memory stays bounded whatever the input's length. Results come back in input
  order. When an item fails, every result before it is still delivered, then the error is raised: the same
  behaviour with one worker or many.
- Workers are forked where the platform allows it, so they inherit the parent's loaded gazetteer and border
  index (copy-on-write; :func:`load_shared_indexes` freezes them out of the garbage collector first, which
  keeps those pages shared). Elsewhere (spawn) each worker runs the ``initializer`` once.
- :func:`jsonl_map` is the JSONL face: one JSON object per line in, one JSON line per object out; blank
  lines are skipped, a malformed line is a ``ValueError`` naming its line number.
- :class:`Progress` is a one-line progress bar with articles/s on a terminal, silent otherwise.
"""

from __future__ import annotations

import functools
import gc
import itertools
import json
import os
import pickle
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TextIO, TypeVar

from geo.parse.jsonlines import BadInput, LineTooLong, decode_json_object
from geo.parse.lang_mentions import geoparse_in
from geo.parse.language import LANGUAGES

T = TypeVar("T")
R = TypeVar("R")

CHUNK_ITEMS = 16  # items per task sent to a worker (articles are ~1-2 ms each: a chunk is ~20-30 ms of work)
CHUNK_CHARS = 1 << 20  # ...or fewer, when the items are large (a chunk holds at most ~1 MB of text plus one item)
DOCUMENT_CHUNK = 64  # whole Documents: a chunk's new places are border-tagged in one vectorised pass
WINDOW_PER_WORKER = 4  # chunks in flight per worker: enough to keep every worker busy, small enough to bound memory


def default_workers() -> int:
    """Every core this process may run on (the CPU affinity where the OS tells it, else ``os.cpu_count()``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def load_shared_indexes(*, borders: bool = False) -> None:
    """Load the gazetteer (and the border index) once in this process, before any worker is forked.

    The index is unpickled with the garbage collector paused (it is a few hundred thousand small tuples that
    the collector would otherwise scan while they are created), then frozen out of the collector so that
    neither this process nor forked workers ever scan it again, and forked workers keep sharing its pages.
    """
    from geo.places.gazetteer import load_gazetteer

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        load_gazetteer()
        if borders:
            from geo.borders.index import load_border_index

            load_border_index()
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()


# ------------------------------------------------------------------------------------------ the engine


def chunks(items: Iterable[T], *, size: int = CHUNK_ITEMS, max_chars: int = CHUNK_CHARS,
           weight: Callable[[T], int] | None = None) -> Iterator[list[T]]:
    """Consecutive groups of at most ``size`` items (fewer when their ``weight`` reaches ``max_chars``),
    pulled lazily from ``items``. If reading fails, the group read so far comes out before the error."""
    group: list[T] = []
    total = 0
    try:
        for item in items:
            group.append(item)
            total += weight(item) if weight else 0
            if len(group) >= size or total >= max_chars:
                yield group
                group, total = [], 0
    except Exception:  # the items read before a reading error still go out, then the error
        if group:
            yield group
        raise
    if group:
        yield group


class WorkerError(Exception):
    """The traceback of an exception raised in a worker process (shown with ``--debug``)."""


def _run_chunk(func: Callable[[T], R], chunk: list[T]) -> tuple[list[R], BaseException | None, str]:
    """In a worker: the results of one chunk up to the first failure, the failure, and its traceback."""
    results: list[R] = []
    for item in chunk:
        try:
            results.append(func(item))
        except Exception as exc:  # handed to the parent in order, after the results before it
            tb = traceback.format_exc()
            try:
                pickle.loads(pickle.dumps(exc))
            except Exception:
                exc = RuntimeError(f"{exc.__class__.__name__}: {exc}")
            return results, exc, tb
    return results, None, ""


def _worker_start(initializer: Callable[..., Any] | None, initargs: tuple) -> None:
    # Ctrl-C goes to the whole process group: the parent handles it and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def _pool_context() -> Any:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def map_ordered(
    func: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int = 1,
    chunk_size: int = CHUNK_ITEMS,
    window: int | None = None,
    weight: Callable[[T], int] | None = None,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple = (),
) -> Iterator[R]:
    """``func(item)`` for every item, in input order, on ``workers`` processes (1: this process, no pool).

    ``func`` must be picklable (a module-level function or a ``functools.partial`` of one). At most
    ``window`` chunks (default ``4 × workers``) of at most ``chunk_size`` items are read ahead of the
    results handed out. If ``func`` raises for an item, or reading ``items`` raises, the results before
    it are yielded first and then the exception is raised, as a plain loop would. An input of a single
    chunk is done in this process: no pool is started for a handful of items.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if workers == 1:
        if initializer is not None:
            initializer(*initargs)
        for item in items:
            yield func(item)
        return
    yield from _map_pool(func, items, workers=workers, chunk_size=chunk_size,
                         window=window or WINDOW_PER_WORKER * workers, weight=weight,
                         initializer=initializer, initargs=initargs)


def _map_pool(func: Callable[[T], R], items: Iterable[T], *, workers: int, chunk_size: int, window: int,
              weight: Callable[[T], int] | None, initializer: Callable[..., Any] | None,
              initargs: tuple) -> Iterator[R]:
    source = chunks(items, size=chunk_size, weight=weight)
    ahead: list[list[T]] = []  # read before deciding whether a pool is worth starting
    read_error: BaseException | None = None
    try:
        while len(ahead) < 2:
            ahead.append(next(source))
    except StopIteration:
        pass
    except Exception as exc:  # raised after the results of everything read before it
        read_error = exc
    if len(ahead) < 2:  # a single chunk: done here, without paying for a pool
        if initializer is not None:
            initializer(*initargs)
        for chunk in ahead:
            for item in chunk:
                yield func(item)
        if read_error is not None:
            raise read_error
        return
    yield from _run_pool(func, itertools.chain(ahead, source), workers=workers, window=window,
                         initializer=initializer, initargs=initargs)


def _run_pool(func: Callable[[T], R], source: Iterator[list[T]], *, workers: int, window: int,
              initializer: Callable[..., Any] | None, initargs: tuple) -> Iterator[R]:
    pending: deque[Future] = deque()
    read_error: BaseException | None = None
    exhausted = False
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(),
                                   initializer=_worker_start, initargs=(initializer, initargs))
    finished = False
    try:
        while True:
            while not exhausted and read_error is None and len(pending) < window:
                try:
                    chunk = next(source)
                except StopIteration:
                    exhausted = True
                    break
                except Exception as exc:  # raised after the results of everything read before it
                    read_error = exc
                    break
                pending.append(executor.submit(_run_chunk, func, chunk))
            if not pending:
                break
            try:
                results, error, tb = pending.popleft().result()
            except BrokenProcessPool as exc:
                raise RuntimeError("a batch worker process died (killed, or out of memory?): "
                                   "try fewer --workers") from exc
            yield from results
            if error is not None:
                raise error from WorkerError(tb.rstrip())
        if read_error is not None:
            raise read_error
        finished = True
    finally:
        if not finished:
            for future in pending:
                future.cancel()
        executor.shutdown(wait=True, cancel_futures=not finished)


# ------------------------------------------------------------------------------------------ records -> Documents


def record_documents(records: list[dict[str, Any]], *, borders: bool = True, gazetteer: Any = None,
                     language: str | None = None) -> list[Any]:
    """The Documents of many records ``{"text", "title"?, "url"?, "filename"?}``, each as ``python -m geo
    parse --json`` makes it for the same text (read_article + parse_article, border context through the
    per-place memo), the places new to this process border-tagged together in one vectorised pass (a corpus
    of many distinct places pays per chunk, not per article, for them); a record that fails is its
    exception, in its place. The one engine of ``parse --jsonl --documents`` and of corpus mode's workers."""
    from geo.pipeline import parse_articles

    articles: list[Any] = []
    for record in records:
        try:
            articles.append(record_article(record))
        except Exception as exc:  # noqa: BLE001 - handed back in the record's place
            articles.append(exc)
    readable = [a for a in articles if not isinstance(a, Exception)]
    parsed = iter(parse_articles(readable, gazetteer=gazetteer or batch_gazetteer(), borders=borders,
                                 language=language, batch_size=max(1, len(readable)), keep_going=True))
    return [a if isinstance(a, Exception) else next(parsed) for a in articles]


def record_article(record: dict[str, Any]) -> Any:
    """The Article of a record (its text read as ``parse`` reads a file or a paste, with its title)."""
    from geo.parse.article import read_article

    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError(f"record {record.get('id')!r} has no 'text' string")
    article = read_article(text, filename=record.get("filename"), url=record.get("url"),
                           source="file" if record.get("filename") else "text")
    if record.get("title"):
        article.title = record["title"]
    return article


def batch_gazetteer() -> Any:
    """The gazetteer, looked up once per process and cache setting rather than once per article (finding the
    cache folder costs about as much as a short article's border tagging)."""
    return _gazetteer_for(os.environ.get("GEO_CACHE_DIR", ""))


@functools.lru_cache(maxsize=2)
def _gazetteer_for(_cache_setting: str) -> Any:
    from geo.places.gazetteer import load_gazetteer

    return load_gazetteer()


def document_json(record: dict[str, Any], doc: Any) -> dict[str, Any]:
    """One ``parse --jsonl --documents`` output object: the Document JSON, with the input's ``id`` on top."""
    data = doc.to_dict()
    return {"id": record.get("id"), **data} if "id" in record else data


def document_lines(records: list[dict[str, Any]], borders: bool = True,
                   language: str | None = None) -> list[dict[str, Any] | Exception]:
    """The ``parse --jsonl --documents`` objects of many records, tagged together (:func:`record_documents`); a
    failed record is its exception."""
    docs = record_documents(records, borders=borders, language=language)
    return [doc if isinstance(doc, Exception) else document_json(r, doc) for r, doc in zip(records, docs, strict=True)]


def predict_record(record: dict[str, Any], gaz: Any, *, adjectives: bool = False,
                   language: str | None = None) -> dict[str, Any]:
    """One EVAL.md output line for one input line ({"id", "text", ...}), read in ``language``, else in the
    line's own "language", else in the detected one (the line says which)."""
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError(f"line with id {record.get('id')!r} has no 'text' string")
    given = record.get("language")
    language = language or (given if isinstance(given, str) and given in LANGUAGES else None)
    mentions = []
    language, resolutions = geoparse_in(text, gaz, language)
    for res in resolutions:
        m = res.mention
        c = res.chosen
        if (m.adjectival and not adjectives) or (m.proposed and c is None):
            continue
        mentions.append({
            "start": m.start, "end": m.end, "text": m.text,
            **dict(zip(("lat", "lon"), _pin(c) if c else (None, None), strict=True)),
            "name": c.name if c else None, "country": c.country if c else None,
            "geonameid": c.geonameid if c else None, "kind": c.kind if c else None,
            "adjectival": m.adjectival,
        })
    return {"id": record.get("id"), "language": language, "mentions": mentions}


def _pin(cand: Any) -> tuple[float, float]:
    """Where the Document pins a candidate: a first-level region at the point from its real area (see
    geo/borders/region_points.py), so the scores measure the map's pins; everything else at its own point."""
    if cand.kind != "region" or not str(cand.id).startswith("iso3166:"):
        return cand.lat, cand.lon
    from geo.borders.index import load_border_index
    from geo.borders.region_points import region_area_point

    lat, lon, _, _ = region_area_point(cand.id, cand.country, cand.lat, cand.lon, load_border_index())
    return lat, lon


def mentions_line(record: dict[str, Any], adjectives: bool, language: str | None = None) -> dict[str, Any]:
    """One ``parse --jsonl`` output object (EVAL.md format: the mentions and their points)."""
    return predict_record(record, batch_gazetteer(), adjectives=adjectives, language=language)


# ------------------------------------------------------------------------------------------ JSONL


MAX_LINE_BYTES = 20 * 1024 * 1024  # one input line: an article at the size limit, with its JSON around it


def decode_record(number: int, line: str | bytes | LineTooLong) -> dict[str, Any] | None:
    """The JSON object on input line ``number`` (read by the bounded reader); None for a blank line;
    :class:`~geo.parse.jsonlines.BadInput` (a ValueError) naming the line otherwise."""
    if not isinstance(line, LineTooLong) and not line.strip():
        return None
    return decode_json_object(line, MAX_LINE_BYTES, what=f"line {number}")


class SkippedLine(str):
    """The answer for an input line the bounded reader refused: why, naming the line."""


def _jsonl_item(item: tuple[int, Any], record_fn: Callable[[dict[str, Any]], Any]) -> str | None:
    number, line = item
    try:
        record = decode_record(number, line)
    except BadInput as exc:
        return SkippedLine(exc)
    if record is None:
        return None
    return json.dumps(record_fn(record), ensure_ascii=False)


def _jsonl_items(items: list[tuple[int, Any]], records_fn: Callable[[list[dict[str, Any]]], list[Any]]
                 ) -> list[str | None | Exception]:
    """:func:`_jsonl_item` for a chunk of lines whose records ``records_fn`` maps together; a record it
    failed on is its exception (made picklable, to cross back from a worker process)."""
    decoded: list[Any] = []
    for number, line in items:
        try:
            decoded.append(decode_record(number, line))
        except BadInput as exc:
            decoded.append(SkippedLine(exc))
    results = iter(records_fn([r for r in decoded if isinstance(r, dict)]))
    out: list[str | None | Exception] = []
    for record in decoded:
        if not isinstance(record, dict):
            out.append(record)
            continue
        result = next(results)
        out.append(_picklable(result) if isinstance(result, Exception) else json.dumps(result, ensure_ascii=False))
    return out


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any failure to round-trip
        return RuntimeError(f"{exc.__class__.__name__}: {exc}")
    return exc


def _item_chars(item: tuple[int, Any]) -> int:
    return item[1].size if isinstance(item[1], LineTooLong) else len(item[1])


def _chunk_chars(items: list[tuple[int, Any]]) -> int:
    return sum(map(_item_chars, items))


def jsonl_map(
    lines: Iterable[str],
    record_fn: Callable[[dict[str, Any]], Any],
    *,
    workers: int = 1,
    progress: Progress | None = None,
    initializer: Callable[..., Any] | None = None,
    chunk_size: int = CHUNK_ITEMS,
    window: int | None = None,
    on_skip: Callable[[str], None] | None = None,
    together: bool = False,
) -> Iterator[str]:
    """One output JSON line (no newline) per non-blank input line, in input order.

    A line the bounded reader refuses (:mod:`geo.parse.jsonlines`) is given to ``on_skip`` (why, naming the
    line) and the run goes on; without ``on_skip`` it ends the run as a ValueError.

    ``record_fn`` maps a decoded JSON object to a JSON-serialisable result; it runs in the workers and
    must be picklable. With ``together``, it maps the list of a chunk's records to the list of their results
    instead (an exception in a failed record's place), so that a chunk's work can be shared (border tagging).
    ``progress`` (if given) counts the articles done and the input characters they span.
    """
    import functools

    sizes: deque[int] = deque()  # the length of each line read and not yet answered, in order

    def numbered() -> Iterator[tuple[int, str]]:
        for number, line in enumerate(lines, start=1):
            sizes.append(_item_chars((number, line)))
            yield number, line

    if together:
        groups = chunks(numbered(), size=chunk_size, weight=_item_chars)
        results = itertools.chain.from_iterable(map_ordered(
            functools.partial(_jsonl_items, records_fn=record_fn), groups, workers=workers, chunk_size=1,
            window=window, weight=_chunk_chars, initializer=initializer))
    else:
        results = map_ordered(functools.partial(_jsonl_item, record_fn=record_fn), numbered(), workers=workers,
                              chunk_size=chunk_size, window=window, weight=_item_chars, initializer=initializer)
    for result in results:
        if isinstance(result, Exception):
            raise result
        done = sizes.popleft()
        if progress is not None:
            progress.read(done)
        if result is None:
            continue
        if isinstance(result, SkippedLine):
            if on_skip is None:
                raise ValueError(str(result))
            on_skip(str(result))
            continue
        if progress is not None:
            progress.tick()
        yield result


# ------------------------------------------------------------------------------------------ progress


class Progress:
    """A one-line progress bar on ``stream`` (a terminal): articles, articles/s and, when the input's size
    is known, a bar with the share read and the time left. Silent when ``enabled`` is false."""

    WIDTH = 24
    EVERY_S = 0.2

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True, total_chars: int | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.total = total_chars if total_chars and total_chars > 0 else None
        self.count = 0
        self.chars = 0
        self.started = time.monotonic()
        self._shown = 0.0

    def read(self, chars: int) -> None:
        self.chars += chars

    def tick(self) -> None:
        self.count += 1
        if self.enabled:
            now = time.monotonic()
            if now - self._shown >= self.EVERY_S:
                self._shown = now
                self._write("\r" + self.line(now) + "\x1b[K")

    def line(self, now: float | None = None) -> str:
        """The text of the bar as it stands."""
        elapsed = max((now if now is not None else time.monotonic()) - self.started, 1e-9)
        rate = self.count / elapsed
        text = f"{self.count:,} articles  {rate:,.0f} articles/s"
        if self.total:
            share = min(self.chars / self.total, 1.0)
            filled = int(share * self.WIDTH)
            left = elapsed * (1 - share) / share if share > 0 else 0
            text = (f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%}  {text}  "
                    f"{int(left) // 60}:{int(left) % 60:02d} left")
        return text

    def done(self) -> None:
        if self.enabled:
            elapsed = max(time.monotonic() - self.started, 1e-9)
            self._write(f"\r{self.count:,} articles in {elapsed:.1f} s ({self.count / elapsed:,.0f} articles/s)"
                        "\x1b[K\n")

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken terminal: stop drawing, keep working
            self.enabled = False
