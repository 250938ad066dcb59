"""The word-prefixes of the gazetteer's names: what lets the mention finder stop extending a window early.

For every name key, each prefix that ends just before one of its spaces ("new" and "new york" for
"new york city"). A window of words "a b c" can only grow into a longer name if "a b c" is such a prefix,
so the longest-match scan walks forward from a word and stops at the first window that is neither a
prefix nor possible, instead of trying every window length down from the longest (a token trie in one
flat set: one hash lookup per word, all of it in C).

The set is derived from the index (about 94,000 strings for the default gazetteer, 0.2 s to compute) and
cached next to it under cache/, stamped with the index file's name, size and modification time, written
atomically: a new index gets a new set on its first load, a torn or stale file is simply rebuilt.
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Iterable
from pathlib import Path

from geo.paths import atomic_write_bytes, warn_unwritable

PREFIX_FORMAT = 1


def word_prefixes(keys: Iterable[str]) -> frozenset[str]:
    """Every prefix of every key that ends just before one of its spaces."""
    out: set[str] = set()
    add = out.add
    for key in keys:
        space = key.find(" ")
        while space >= 0:
            add(key[:space])
            space = key.find(" ", space + 1)
    return frozenset(out)


def prefixes_path(index: Path) -> Path:
    """Where the prefixes of the index at ``index`` are cached: one file whatever the index's format version
    ("gazetteer-f1000-v18.pickle" -> "gazetteer-f1000.prefixes.pickle"), so an index of a new format
    replaces it instead of leaving an old one behind; the stamp inside tells which index file it is for."""
    return index.with_name(re.sub(r"-v\d+$", "", index.stem) + ".prefixes.pickle")


def _stamp(index: Path) -> tuple | None:
    try:
        st = os.stat(index)
    except OSError:
        return None
    return (PREFIX_FORMAT, index.name, st.st_size, st.st_mtime_ns)


def load_prefixes(index: Path, keys: Iterable[str]) -> frozenset[str]:
    """The word-prefixes of ``keys``, the names of the index file ``index``: read from the cache file when
    it was made for this very index file, else computed and written there (atomically; best effort)."""
    stamp = _stamp(index)
    path = prefixes_path(index)
    if stamp is not None:
        try:
            with open(path, "rb") as handle:
                payload = pickle.load(handle)
            if isinstance(payload, dict) and payload.get("stamp") == stamp:
                prefixes = payload.get("prefixes")
                if isinstance(prefixes, frozenset):
                    return prefixes
        except Exception:  # missing, torn or foreign: rebuilt below and written over
            pass
    prefixes = word_prefixes(keys)
    if stamp is not None:
        try:
            atomic_write_bytes(path, pickle.dumps({"stamp": stamp, "prefixes": prefixes},
                                                  protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:
            warn_unwritable(path, exc)
    return prefixes
