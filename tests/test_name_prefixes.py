"""The gazetteer's word-prefixes (geo.places.gazetteer.word_prefixes) and the longest-match scan that uses
them: data built in code, and the scan checked against the plain try-every-length scan it replaced."""

from __future__ import annotations

import pickle
import random

from geo.parse.tokens import _case_ok, _joinable
from geo.parse.toponyms import MAX_NAME_TOKENS, context_tokens, scan
from geo.places import gazetteer as gz
from geo.places.gazetteer import PRIMARY, Gazetteer, word_prefixes
from geo.places.names import name_key


def test_prefixes_end_before_each_space():
    assert word_prefixes(["new york city", "york", "bosnia and herzegovina", "a  b"]) == {
        "new", "new york", "bosnia", "bosnia and", "a", "a ",
    }
    assert word_prefixes([]) == frozenset()
    assert word_prefixes(["kyiv"]) == frozenset()


def test_prefixes_are_stored_in_the_index_file_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    built = _gazetteer("New York City", "Rio de Janeiro", "Kyiv")
    path = gz.index_path()
    gz._write_index(path, built)
    assert pickle.loads(path.read_bytes())["prefixes"] == {"new", "new york", "rio", "rio de"}
    read = gz._read_index(path, gz.CITY_POPULATION_FLOOR)
    assert read.__dict__["name_prefixes"] == {"new", "new york", "rio", "rio de"}  # set from the file


def test_an_index_file_without_prefixes_computes_them(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    path = gz.index_path()
    gz._write_index(path, _gazetteer("La Paz", "El Paso"))
    payload = pickle.loads(path.read_bytes())
    del payload["prefixes"]
    path.write_bytes(pickle.dumps(payload))
    read = gz._read_index(path, gz.CITY_POPULATION_FLOOR)
    assert "name_prefixes" not in read.__dict__ and read.name_prefixes == {"la", "el"}


def test_an_index_built_in_memory_computes_its_prefixes():
    gaz = _gazetteer("New York", "New York City", "York")
    assert gaz.name_prefixes == {"new", "new york"}


# ------------------------------------------------------------------------------ the scan


def _gazetteer(*names: str) -> Gazetteer:
    places = [(f"test:{i}", n, "city", 0.0, 0.0, "XX", None, None, 500_000) for i, n in enumerate(names)]
    index = {name_key(n): ((i, PRIMARY),) for i, n in enumerate(names)}
    meta = {"max_tokens": max(len(k.split()) for k in index), "format": gz.INDEX_FORMAT,
            "versions": gz.source_versions(), "floor": gz.CITY_POPULATION_FLOOR}
    return Gazetteer(places, index, meta)


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
