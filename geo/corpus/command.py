"""``python -m geo corpus``: read the corpus, run it on Dask, write the map, the GeoJSON and the Parquet."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from geo.corpus.aggregate import Corpus
from geo.corpus.reading import SAMPLE_CORPUS, count_records, iter_records
from geo.corpus.run import Progress, dask_client, run_corpus, scheduler_address
from geo.errors import EXIT_SKIPPED, InputError

MAX_FAILURE_LINES = 20  # failures printed one per line; the rest are counted


def map_corpus(source: str | Path | None, *, output: str | Path | None = None, geojson: str | Path | None = None,
               mentions: str | Path | None = None, scheduler: str | None = None, workers: int | None = None,
               title: str | None = None, err: TextIO = sys.stderr, progress: bool | None = None) -> Corpus:
    """Run a corpus and write the requested outputs; failed articles are reported on ``err`` by id."""
    if workers is not None and workers < 1:
        raise InputError("--workers must be at least 1")
    path = Path(source) if source is not None else SAMPLE_CORPUS
    if not path.exists():
        raise InputError(f"{path}: no such file or folder (give a JSONL file or a folder of .txt/.md/.html)")
    from geo.corpus.corpusmap import write_corpus_map
    from geo.corpus.outputs import MentionsWriter, write_corpus_geojson

    total = count_records(path)
    shown = {"n": 0}

    def report(failure: dict[str, Any]) -> None:
        shown["n"] += 1
        if shown["n"] <= MAX_FAILURE_LINES:
            bar.out.write(("\n" if bar.enabled else "") + f"warning: article {failure['id']} skipped: "
                          f"{failure['error']}\n")

    bar = Progress(total, out=err, enabled=progress)
    with contextlib.ExitStack() as stack:
        writer = stack.enter_context(MentionsWriter(mentions)) if mentions else None
        client = stack.enter_context(dask_client(scheduler_address(scheduler), workers))
        corpus = run_corpus(corpus_items(path), client, total=total, mentions=writer.add if writer else None,
                            on_failure=report, progress=bar)
        bar.close()
    if shown["n"] > MAX_FAILURE_LINES:
        err.write(f"warning: {shown['n'] - MAX_FAILURE_LINES} more articles skipped\n")
    if not corpus.article_total:
        raise InputError(f"{path}: no article could be mapped ({len(corpus.failures)} skipped)")
    name = title or ("Sample corpus: North Korean troops in Russia's war" if source is None else path.stem)
    if output:
        write_corpus_map(corpus, output, title=name)
    if geojson:
        write_corpus_geojson(corpus, geojson)
    return corpus


def corpus_items(path: Path) -> Iterator[Any]:
    """What the client hands the workers: a JSONL file's raw lines (decoded on the workers), a folder's records."""
    if path.is_dir():
        return iter_records(path)
    from geo.corpus.lines import raw_lines

    return raw_lines(path)


def run_corpus_command(args: Any) -> int:
    """The CLI entry: prints what was written; exit 0 when every article was mapped, 3 when some were skipped."""
    corpus = map_corpus(args.input, output=args.output, geojson=args.geojson, mentions=args.mentions,
                        scheduler=args.scheduler, workers=args.workers, title=args.title)
    first, last = corpus.date_range()
    span = f", {first} to {last}" if first else ""
    skipped = f", {corpus.failure_total} skipped" if corpus.failure_total else ""
    print(f"mapped {corpus.article_total} articles{skipped}: {len(corpus.places)} places{span}")
    for label, path in (("map", args.output), ("places", args.geojson), ("mentions", args.mentions)):
        if path:
            print(f"wrote {path} ({label})")
    return EXIT_SKIPPED if corpus.failures else 0
