"""``python -m geo bench --phases``: where one article's geoparse goes, phase by phase, in CPU milliseconds.

Each phase runs alone over every text of the corpus (the dev set by default), ``rounds`` times; the best
round counts (the machine may be shared). Phases, in the order of a parse:

- tokenise: the capitalised runs and their tokens (geo.parse.toponyms.context_tokens);
- scan: the longest-match gazetteer scan over those tokens;
- rules: the rest of the mention finder (people, the false-positive rules, unknown names): find_mentions
  minus the two above;
- resolve: the names as written and the document-level resolver (geo.parse.context, geo.parse.resolve);
- geoparse: the whole of it, once more end to end.

Also: the seconds this process took to load the gazetteer index (unpickling it), and the imports.
Figures are reported, never asserted.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from geo.paths import PROJECT_ROOT

DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "eval" / "gwn.jsonl"


def _texts(corpus: Path | None) -> list[str]:
    path = corpus or DEFAULT_CORPUS
    if path.exists():
        with open(path, encoding="utf-8") as handle:
            texts = [json.loads(line)["text"] for line in handle if line.strip()]
        if texts:
            return texts
    from geo.sample import sample_article

    return [sample_article().text]


def _best_ms(run: Callable[[], Any], articles: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(max(1, rounds)):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best / articles * 1000


def run_phases(*, corpus: str | None = None, rounds: int = 5, out: TextIO = sys.stdout) -> dict[str, float]:
    """Per-article CPU milliseconds of each phase over the corpus (best of ``rounds``); prints a report."""
    started = time.perf_counter()
    from geo.batch import load_shared_indexes
    from geo.parse import toponyms
    from geo.parse.resolve import geoparse, resolve, written_forms
    from geo.places.gazetteer import load_gazetteer

    imported = time.perf_counter()
    load_shared_indexes()  # as the batch path does: the collector paused, then the index frozen
    loaded = time.perf_counter()
    gaz = load_gazetteer()
    texts = _texts(Path(corpus) if corpus else None)
    n = len(texts)
    tokens = [toponyms.context_tokens(text) for text in texts]
    mentions = [toponyms.find_mentions(text, gaz) for text in texts]
    most = toponyms.MAX_MENTIONS + 1
    ms = {
        "tokenise": _best_ms(lambda: [toponyms.context_tokens(t) for t in texts], n, rounds),
        "scan": _best_ms(lambda: [toponyms.scan(t, k, gaz, most) for t, k in zip(texts, tokens, strict=True)],
                         n, rounds),
        "find_mentions": _best_ms(lambda: [toponyms.find_mentions(t, gaz) for t in texts], n, rounds),
        "resolve": _best_ms(lambda: [resolve(t, written_forms(t, m, gaz))
                                     for t, m in zip(texts, mentions, strict=True)], n, rounds),
        "geoparse": _best_ms(lambda: [geoparse(t, gaz) for t in texts], n, rounds),
    }
    ms["rules"] = max(0.0, ms["find_mentions"] - ms["tokenise"] - ms["scan"])
    figures = {**{f"{k}_ms": v for k, v in ms.items()}, "articles": n,
               "imports_s": imported - started, "index_load_s": loaded - imported}
    out.write(f"geoparse phases, CPU ms per article ({n} articles, best of {max(1, rounds)} rounds)\n")
    for name in ("tokenise", "scan", "rules", "find_mentions", "resolve", "geoparse"):
        out.write(f"  {name:<16}{ms[name]:7.3f} ms\n")
    out.write(f"  per process: imports {figures['imports_s']:.2f} s, index load {figures['index_load_s']:.2f} s\n")
    out.flush()
    return figures
