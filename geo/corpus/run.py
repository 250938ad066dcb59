"""Running a corpus on Dask: records are streamed in chunks to the workers (a bounded number in flight), each
chunk comes back as a small per-place summary, and the client folds the summaries into a :class:`Corpus`.

Where it runs: ``scheduler=None`` starts a ``distributed.LocalCluster`` sized to the machine (one
single-threaded worker process per core, on loopback); ``"tcp://HOST:PORT"`` (or ``GEO_DASK_SCHEDULER``) uses an
existing cluster; ``"inline"`` runs the same chunk function in this process, without Dask (the benchmark's
one-process baseline).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from geo.corpus.aggregate import Corpus
from geo.corpus.work import empty_summary, map_chunk, map_chunk_packed
from geo.errors import GeoError

SCHEDULER_ENV = "GEO_DASK_SCHEDULER"
INLINE = "inline"
CHUNK_SIZE = 512  # articles per task: ~0.5-1 s of work; the client pays per task (Dask, merging), so 256 cost it 30 % more
CHUNK_BYTES = 2 << 20  # ...or fewer when the articles are long
TIMEOUT_ENV = "GEO_DASK_TIMEOUT"
MESSAGE_LOG = 8  # Dask's recent-message logs, per stream (see CLUSTER_CONFIG)
# What the client, a local cluster's scheduler and its workers run with (a cluster started by hand: the same as
# environment variables, CLUSTER_ENV, on its `dask scheduler` and `dask worker` processes):
# - Dask keeps its last low-level-log-length (1,000) batched messages under 1 MB for debugging: our chunks (up to
#   1 MB of articles each) stayed in the client and the scheduler by the hundred, a memory that grew with the
#   corpus up to about 1 GB. A few are kept.
# - A worker samples its task's stack every 10 ms for Dask's profiler (8 % of a worker's CPU here): off.
CLUSTER_CONFIG = {"distributed.admin.low-level-log-length": MESSAGE_LOG, "distributed.worker.profile.enabled": False}
CLUSTER_ENV = {"DASK_DISTRIBUTED__ADMIN__LOW_LEVEL_LOG_LENGTH": str(MESSAGE_LOG),
               "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False"}


class SchedulerError(GeoError):
    """The Dask scheduler cannot be reached, or its workers cannot run the project's code."""


def scheduler_address(option: str | None) -> str | None:
    """The scheduler to use: the option, else ``$GEO_DASK_SCHEDULER``, else None (a local cluster)."""
    from geo.settings import load_settings

    return option or load_settings().dask_scheduler or None


def connect_timeout() -> float:
    """Seconds to wait for a scheduler: ``$GEO_DASK_TIMEOUT``, default 10."""
    from geo.settings import load_settings

    return max(0.5, load_settings().dask_timeout)


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: connected to ``scheduler``, or to a new local cluster of ``workers`` processes
    (default: one per core). Yields None for ``scheduler="inline"``. Unreachable -> SchedulerError (one line)."""
    if scheduler == INLINE:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SchedulerError("Dask is not installed: pip install 'dask[distributed]' (see requirements.txt)") from None
    import dask

    # A lost scheduler's client keeps trying to reconnect in the background, logging tracebacks, until the
    # process ends (and its left-over tasks' errors reach asyncio's log): we say in one line what was lost, so
    # those logs stay quiet after a failure too. Dask's config gives some of its loggers levels of their own.
    quiet = [logging.getLogger(name) for name in ("distributed", "asyncio", *logging.root.manager.loggerDict)
             if name in ("distributed", "asyncio") or name.startswith("distributed.")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    with dask.config.set({"distributed.worker.daemon": False, "logging.distributed": "critical", **CLUSTER_CONFIG}):
        yield from _client(scheduler, workers, Client, LocalCluster)
    for logger, level in zip(quiet, levels, strict=True):  # (only after a run that ended well)
        logger.setLevel(level)


def _client(scheduler: str | None, workers: int | None, Client: Any, LocalCluster: Any) -> Iterator[Any]:  # noqa: N803
    """The client of :func:`dask_client` (its logging and Dask settings already in place)."""
    if scheduler:
        deadline = time.monotonic() + connect_timeout()
        try:
            probe_scheduler(scheduler, deadline)
            client = Client(scheduler, timeout=max(0.5, deadline - time.monotonic()), set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, ValueError for a bad address
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise SchedulerError(
                f"cannot reach the Dask scheduler at {scheduler} ({reason}); start one with "
                f"`dask scheduler` and `dask worker ADDRESS`, or leave out --scheduler/{SCHEDULER_ENV} "
                "to run on a local cluster"
            ) from None
        try:
            yield client
        finally:
            _close_quietly(client)
        return
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, silence_logs=40)
    with cluster, Client(cluster, set_as_default=False) as client:
        yield client


def probe_scheduler(address: str, deadline: float) -> None:
    """Check, before any Dask client exists, that ``address`` is a well-formed ``tcp://HOST:PORT`` whose
    server speaks first as a Dask scheduler does (its handshake: an 8-byte frame count, then the frames), all
    within ``deadline`` (time.monotonic()): a plain HTTP port waits for a request and never answers, which
    kept ``Client()`` waiting past its own timeout. Other schemes (tls://, ...) are left to Dask."""
    import socket
    import struct
    from urllib.parse import urlsplit

    if "://" not in address:
        address = "tcp://" + address
    if not address.startswith("tcp://"):
        return
    try:
        parts = urlsplit(address)
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host or not port or parts.path not in ("", "/"):
        raise ValueError("not an address of the form tcp://HOST:PORT")
    left = deadline - time.monotonic()
    try:
        with socket.create_connection((host, port), timeout=max(0.1, left)) as sock:
            header = b""
            while len(header) < 8:
                sock.settimeout(max(0.1, deadline - time.monotonic()))
                piece = sock.recv(8 - len(header))
                if not piece:
                    raise OSError("it closed the connection without the Dask handshake: not a Dask scheduler")
                header += piece
    except TimeoutError:
        raise TimeoutError("no Dask handshake within GEO_DASK_TIMEOUT: is it a Dask scheduler's port?") from None
    frames = struct.unpack("<Q", header)[0]
    if not 1 <= frames <= 1024:
        raise OSError("it answered, but not as a Dask scheduler (is it another service, such as the dashboard?)")


def _close_quietly(client: Any) -> None:
    """Close a client whose scheduler may be gone: bounded, and without a traceback at exit."""
    with contextlib.suppress(Exception):
        client.close(timeout=min(5.0, connect_timeout()))


def numbered(items: Iterable[Any]) -> Iterator[Any]:
    """Give each item its position in the input (``seq``), which orders everything downstream: a record gets a
    ``seq`` key, a raw line ``(line number, bytes)`` (geo.corpus.lines) becomes ``(seq, line number, bytes)``."""
    for seq, item in enumerate(items):
        yield {**item, "seq": seq} if isinstance(item, dict) else (seq, *item)


def _size(item: Any) -> int:
    return len(item.get("text") or "") if isinstance(item, dict) else len(item[2])


def chunked(items: Iterable[Any], size: int, max_bytes: int = CHUNK_BYTES) -> Iterator[list[Any]]:
    """Groups of at most ``size`` items, fewer when their texts reach ``max_bytes``."""
    chunk: list[Any] = []
    total = 0
    for item in items:
        chunk.append(item)
        total += _size(item)
        if len(chunk) >= size or total >= max_bytes:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


class Progress:
    """A one-line progress bar on stderr (articles done / total, rate, failures); quiet when not a terminal."""

    def __init__(self, total: int | None, out: TextIO | None = None, enabled: bool | None = None):
        self.total, self.done, self.failed, self.started = total, 0, 0, time.perf_counter()
        self.out = out or sys.stderr
        self.enabled = self.out.isatty() if enabled is None else enabled
        self._last = 0.0

    def update(self, done: int, failed: int) -> None:
        self.done += done
        self.failed += failed
        now = time.perf_counter()
        if self.enabled and (now - self._last > 0.2 or self.done == self.total):
            self._last = now
            self.out.write("\r" + self.line())
            self.out.flush()

    def line(self) -> str:
        rate = self.done / max(time.perf_counter() - self.started, 1e-9)
        failed = f", {self.failed} failed" if self.failed else ""
        if self.total:
            width, share = 30, min(1.0, self.done / self.total)
            bar = "#" * round(width * share) + "." * (width - round(width * share))
            return f"[{bar}] {self.done}/{self.total} articles, {rate:.1f}/s{failed}"
        return f"{self.done} articles, {rate:.1f}/s{failed}"

    def close(self) -> None:
        if self.enabled:
            self.out.write("\r" + self.line() + "\n")
            self.out.flush()


def _raise_if_workers_lack_geo(exc: BaseException) -> None:
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, ImportError) or "deserializ" in text.lower() or "No module named 'geo" in text:
        raise SchedulerError(
            "the Dask workers cannot run the project's code (" + text.splitlines()[0][:200] + "); install it on "
            "every worker and the scheduler (`pip install .` from the checkout) and start them again"
        ) from None


def check_workers(client: Any) -> None:
    """Fail early, in one line, when the cluster has no worker or its workers cannot import geo (a task whose
    code a worker cannot unpickle crashes that worker, and the run would wait for ever)."""
    try:
        client.wait_for_workers(1, timeout=connect_timeout())
    except Exception:  # noqa: BLE001 - TimeoutError, or the scheduler went away
        raise SchedulerError(
            f"the Dask scheduler has no workers (waited {connect_timeout():.0f} s); start some with "
            "`dask worker SCHEDULER-ADDRESS`"
        ) from None
    try:
        # exec and the string are builtins: unpickling them needs nothing from the project
        client.run(exec, "import geo.corpus.work")
    except Exception as exc:  # noqa: BLE001 - ModuleNotFoundError and friends, raised on the workers
        _raise_if_workers_lack_geo(exc)
        raise


def run_corpus(
    records: Iterable[dict[str, Any]],
    client: Any = None,
    *,
    chunk_size: int | None = None,
    total: int | None = None,
    borders: bool = True,
    mentions: Callable[[list[dict[str, Any]]], None] | None = None,
    on_failure: Callable[[dict[str, Any]], None] | None = None,
    progress: Progress | None = None,
) -> Corpus:
    """Geoparse every record on ``client`` (None: in this process) and aggregate the places.

    At most a few chunks per worker thread are in flight, so memory stays bounded whatever the input size.
    ``mentions`` receives each chunk's mention rows in input order (for a streaming Parquet writer);
    ``on_failure`` each failed article ``{seq, id, error}`` as soon as it is known. ``total`` (the number of
    records, when known) lets a small corpus go in smaller chunks so that every worker gets some.
    """
    corpus = Corpus()
    run = uuid.uuid4().hex  # the workers keep this run's sample ranks apart from any other run's
    threads = 1 if client is None else max(1, sum(client.nthreads().values()))
    if chunk_size is None:  # small corpora still spread over every worker; big ones in CHUNK_SIZE
        chunk_size = CHUNK_SIZE if not total else max(1, min(CHUNK_SIZE, total // (4 * threads)))
    chunks = chunked(numbered(records), chunk_size)
    ordered = _InOrder(mentions)

    def take(index: int, chunk_ids: list[tuple[int, str]], summary: dict[str, Any]) -> None:
        corpus.add(summary)
        for failure in sorted(summary["failures"], key=lambda f: f["seq"]):
            if on_failure:
                on_failure(failure)
        ordered.put(index, summary["mentions"])
        if progress:
            progress.update(len(chunk_ids), len(summary["failures"]))

    if client is None:
        for index, chunk in enumerate(chunks):
            take(index, _ids(chunk), map_chunk(chunk, borders, mentions is not None, run))
        ordered.flush()
        return corpus

    from distributed import as_completed

    check_workers(client)
    window = 2 * threads + 1
    pending: dict[Any, tuple[int, list[tuple[int, str]]]] = {}
    queue = as_completed(loop=client.loop)
    submitted = {"n": 0}
    source = enumerate(chunks)
    watch = _ClusterWatch(client)

    def submit_next() -> bool:
        # Mention rows are handed on in input order: a slow chunk holds the later ones back, so do not run
        # more than a few windows ahead of it (memory stays bounded behind one very long article).
        if ordered.sink is not None and submitted["n"] - ordered.next >= 4 * window:
            return False
        item = next(source, None)
        if item is None:
            return False
        index, chunk = item
        submitted["n"] = index + 1
        try:
            future = client.submit(map_chunk_packed, pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL), borders,
                                   mentions is not None, run, pure=False)
        except Exception as exc:  # noqa: BLE001 - the client closed: the scheduler is gone
            raise watch.lost(exc, corpus) from None
        pending[future] = (index, _ids(chunk))
        queue.add(future)
        return True

    for _ in range(window):
        if not submit_next():
            break
    quiet_since = time.monotonic()
    while pending:
        done = queue.next_batch(block=False) if queue.has_ready() else []
        if not done:  # nothing finished lately: are the scheduler and a worker still there?
            if time.monotonic() - quiet_since > WATCH_S:
                watch.check(corpus)
                quiet_since = time.monotonic()
            time.sleep(POLL_S)
            continue
        quiet_since = time.monotonic()
        for future in done:
            index, ids = pending.pop(future)
            try:
                summary = _result(future, watch, corpus)
            except SchedulerError:
                raise
            except Exception as exc:  # noqa: BLE001 - a lost worker or a failed task: report its articles
                _raise_if_workers_lack_geo(exc)
                watch.raise_if_lost(exc, corpus)
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                summary = {**empty_summary(),
                           "failures": [{"seq": s, "id": i, "error": f"task failed: {reason}"} for s, i in ids]}
            future.release()
            take(index, ids, summary)
        watch.progressed()
        while len(pending) < window and submit_next():
            pass
    ordered.flush()
    return corpus


WATCH_S = 2.0  # how often a run with nothing finishing checks its scheduler and workers
POLL_S = 0.02  # how often it looks for finished chunks meanwhile


def _result(future: Any, watch: _ClusterWatch, corpus: Corpus) -> dict[str, Any]:
    """A finished chunk's summary. A future reported done can still wait: when the worker holding its result
    dies, Dask computes it again, which never happens once every worker is gone; so wait in steps and check
    the cluster between them."""
    since = time.monotonic()
    while True:
        if future.status in ("finished", "error", "cancelled"):
            try:
                return pickle.loads(future.result(timeout=WATCH_S))  # at once, unless its worker just died
            except TimeoutError:
                pass
        if time.monotonic() - since > WATCH_S:
            watch.check(corpus)
            since = time.monotonic()
        time.sleep(POLL_S)


class _ClusterWatch:
    """Tells a run that lost its scheduler, or every worker for longer than ``GEO_DASK_TIMEOUT``, in one line
    (a SchedulerError: exit 2), instead of waiting for ever or ending in a Dask traceback."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.address = getattr(getattr(client, "scheduler", None), "address", None) or "its address"
        self.no_workers_since: float | None = None

    def lost(self, exc: BaseException, corpus: Corpus) -> SchedulerError:
        reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        return SchedulerError(f"lost the Dask scheduler at {self.address} mid-run ({reason}) after "
                              f"{len(corpus.articles)} articles; the map was not written: run it again")

    def raise_if_lost(self, exc: BaseException, corpus: Corpus) -> None:
        if getattr(self.client, "status", "running") not in ("running", "connecting"):
            raise self.lost(exc, corpus) from None
        name = type(exc).__name__
        if name in ("CancelledError", "FutureCancelledError", "ClosedClientError", "CommClosedError"):
            raise self.lost(exc, corpus) from None

    def progressed(self) -> None:
        self.no_workers_since = None

    def check(self, corpus: Corpus) -> None:
        if getattr(self.client, "status", "running") not in ("running", "connecting"):
            raise self.lost(RuntimeError("the client was closed"), corpus)
        try:
            workers = len(self.client.nthreads())
        except Exception as exc:  # noqa: BLE001 - the scheduler does not answer
            raise self.lost(exc, corpus) from None
        if workers:
            self.no_workers_since = None
            return
        now = time.monotonic()
        self.no_workers_since = self.no_workers_since or now
        if now - self.no_workers_since > connect_timeout():
            raise SchedulerError(f"lost every Dask worker of the scheduler at {self.address} mid-run (none for "
                                 f"{connect_timeout():.0f} s) after {len(corpus.articles)} articles; the map was not "
                                 "written: start workers with `dask worker ADDRESS` and run it again")


def _ids(chunk: list[Any]) -> list[tuple[int, str]]:
    return [(r["seq"], r["id"]) if isinstance(r, dict) else (r[0], f"line {r[1]}") for r in chunk]


class _InOrder:
    """Hands chunks' rows to ``sink`` in input order although chunks finish in any order (a few held back)."""

    def __init__(self, sink: Callable[[list[dict[str, Any]]], None] | None):
        self.sink, self.next, self.held = sink, 0, {}

    def put(self, index: int, rows: list[dict[str, Any]]) -> None:
        if self.sink is None:
            return
        self.held[index] = rows
        while self.next in self.held:
            self.sink(self.held.pop(self.next))
            self.next += 1

    def flush(self) -> None:
        if self.sink is not None:
            for index in sorted(self.held):
                self.sink(self.held.pop(index))
