"""The gazetteer's word-prefixes (geo.places.name_prefixes) and the longest-match scan that uses them: data
built in code, and the scan checked against the plain try-every-length scan it replaced."""

from __future__ import annotations

import os
import pickle
import random

from geo.parse.tokens import _case_ok, _joinable
from geo.parse.toponyms import MAX_NAME_TOKENS, context_tokens, scan
from geo.places.gazetteer import PRIMARY, Gazetteer
from geo.places.name_prefixes import load_prefixes, prefixes_path, word_prefixes
from geo.places.names import name_key


def test_prefixes_end_before_each_space():
    assert word_prefixes(["new york city", "york", "bosnia and herzegovina", "a  b"]) == {
        "new", "new york", "bosnia", "bosnia and", "a", "a ",
    }
    assert word_prefixes([]) == frozenset()
    assert word_prefixes(["kyiv"]) == frozenset()


def test_prefixes_are_cached_next_to_the_index_and_rebuilt_when_it_changes(tmp_path):
    index = tmp_path / "gazetteer-f1000-v1.pickle"
    index.write_bytes(b"an index")
    first = load_prefixes(index, ["new york city"])
    assert first == {"new", "new york"}
    cached = prefixes_path(index)
    assert cached.exists() and cached.name == "gazetteer-f1000.prefixes.pickle"
    # read back from the file (the names given are not looked at when the stamp matches)
    assert load_prefixes(index, ["something else"]) == first
    # the index changes (size and time): the prefixes are computed again and the file is replaced
    index.write_bytes(b"another, longer index")
    os.utime(index, ns=(1, 1))
    assert load_prefixes(index, ["rio de janeiro"]) == {"rio", "rio de"}
    assert pickle.loads(cached.read_bytes())["prefixes"] == {"rio", "rio de"}
    # an index of another format version: the same file, rebuilt for it
    newer = tmp_path / "gazetteer-f1000-v2.pickle"
    newer.write_bytes(b"a newer index")
    assert prefixes_path(newer) == cached
    assert load_prefixes(newer, ["el paso"]) == {"el"}
    assert load_prefixes(index, ["rio de janeiro"]) == {"rio", "rio de"}  # the stamp says whose it is


def test_a_torn_prefix_file_is_rebuilt(tmp_path):
    index = tmp_path / "gazetteer-f1000-v1.pickle"
    index.write_bytes(b"an index")
    prefixes_path(index).write_bytes(b"\x80\x05 torn")
    assert load_prefixes(index, ["san jose"]) == {"san"}
    assert load_prefixes(index, []) == {"san"}  # now read from the rewritten file


def test_without_an_index_file_the_prefixes_are_computed_in_memory(tmp_path):
    index = tmp_path / "missing.pickle"
    assert load_prefixes(index, ["la paz"]) == {"la"}
    assert not prefixes_path(index).exists()


def test_an_index_built_in_memory_computes_its_prefixes():
    gaz = _gazetteer("New York", "New York City", "York")
    assert gaz.name_prefixes == {"new", "new york"}


# ------------------------------------------------------------------------------ the scan


def _gazetteer(*names: str) -> Gazetteer:
    places = [(f"test:{i}", n, "city", 0.0, 0.0, "XX", None, None, 500_000) for i, n in enumerate(names)]
    index = {name_key(n): ((i, PRIMARY),) for i, n in enumerate(names)}
    return Gazetteer(places, index, {"max_tokens": max(len(k.split()) for k in index)})


def _scan_every_length(text: str, tokens, gaz: Gazetteer) -> list[tuple[int, int, str]]:
    """The scan as first written: at each capitalised word, every window length from the longest down."""
    found, n, i = [], len(tokens), 0
    max_len = min(gaz.max_tokens, MAX_NAME_TOKENS)
    chain = [1] * n
    for k in range(n - 2, -1, -1):
        if _joinable(text, tokens[k], tokens[k + 1]):
            chain[k] = chain[k + 1] + 1
    while i < n:
        length = 0
        if tokens[i].text[:1].isupper() or tokens[i].text[:1].isdigit():
            for size in range(min(max_len, chain[i]), 0, -1):
                key = " ".join(t.key for t in tokens[i : i + size])
                if key in gaz and _case_ok(tokens[i : i + size], key):
                    length = size
                    break
        if length:
            found.append((i, length, " ".join(t.key for t in tokens[i : i + length])))
            i += length
        else:
            i += 1
    return found


def test_the_longest_name_wins():
    gaz = _gazetteer("New York", "New York City", "York", "Bosnia and Herzegovina", "Bosnia")
    text = "From New York City to York, New York and Bosnia and Herzegovina or Bosnia and Serbia."
    tokens = context_tokens(text)
    assert [key for _, _, key in scan(text, tokens, gaz)] == [
        "new york city", "york", "new york", "bosnia and herzegovina", "bosnia"]


def test_the_scan_finds_what_trying_every_length_finds():
    gaz = _gazetteer("New York", "New York City", "York", "Bosnia and Herzegovina", "Saint Kitts and Nevis",
                     "Kitts", "Rio de Janeiro", "Rio", "U.S.", "St. Louis", "Louis", "City", "Kursk region",
                     "Kursk", "A B C D E F G H I", "B C", "Hà Nội")
    words = ["New", "York", "City", "new", "york", "Bosnia", "and", "Herzegovina", "Saint", "Kitts", "Nevis",
             "Rio", "de", "Janeiro", "U.S.", "St.", "Louis", "Kursk", "region", "A", "B", "C", "D", "E", "F",
             "G", "H", "I", "NEW", "YORK", "Hà", "Nội", "of", "the",
             # whole names (and the start of one), so that long matches and near misses are common
             "New York City", "Bosnia and Herzegovina", "Saint Kitts and Nevis", "Rio de Janeiro", "St. Louis",
             "A B C D E F G H I", "A B C D E F G H", "Kursk region", "New York city"]
    gaps = [" ", " ", " ", "-", ". ", ", ", "  ", ".", "\n", " — "]
    rng = random.Random(5)
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 14)):
            parts += [rng.choice(words), rng.choice(gaps)]
        text = "".join(parts)
        tokens = context_tokens(text)
        assert scan(text, tokens, gaz) == _scan_every_length(text, tokens, gaz), repr(text)
