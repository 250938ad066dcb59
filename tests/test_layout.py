"""The import direction of the package's parts (README "How it works"): a lower part never imports a higher one.

Every ``import`` in every module is read with ast (function-level imports included), so a shortcut taken
anywhere in the code fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A module may import its own layer and the layers below it, never one above.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("geo", "geo.errors", "geo.paths", "geo.coords", "geo.settings")),
    ("places", ("geo.places",)),
    ("parse", ("geo.parse",)),
    ("borders", ("geo.borders",)),
    ("pipeline", ("geo.pipeline", "geo.sample", "geo.batch")),
    ("maps", ("geo.maps",)),
    ("store", ("geo.store",)),
    ("corpus", ("geo.corpus",)),
    ("api", ("geo.api",)),
    ("tools", ("geo.tools",)),
    ("cli", ("geo.cli", "geo.__main__")),
    ("app", ("app_components", "app", "pages")),
]
CORE = ("foundation", "places", "parse", "borders", "pipeline")
UI_LIBRARIES = ("folium", "streamlit", "streamlit_folium", "branca", "jinja2")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int | None:
    """Index of the most specific layer prefix that owns ``module`` (None: not part of the project)."""
    best: tuple[int, int] | None = None
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (i, len(prefix))
    return None if best is None else best[0]


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, name) for every import in the file; ``from geo.maps import mapview`` counts as ``geo.maps.mapview``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return out


def project_files() -> list[Path]:
    return sorted([*ROOT.joinpath("geo").rglob("*.py"), *ROOT.joinpath("app_components").rglob("*.py"),
                   *ROOT.joinpath("pages").rglob("*.py"), ROOT / "app.py"])


def violations(files: list[Path]) -> list[str]:
    found = []
    for path in files:
        here = layer_of(module_name(path))
        assert here is not None, f"{path} belongs to no layer: add its part to LAYERS"
        for line, target in imported_modules(path):
            there = layer_of(target)
            where = f"{path.relative_to(ROOT)}:{line}"
            if there is not None and there > here:
                found.append(f"{where}: {LAYERS[here][0]} imports {target} ({LAYERS[there][0]})")
            if LAYERS[here][0] in CORE and target.split(".")[0] in UI_LIBRARIES:
                found.append(f"{where}: core module imports {target}")
            if LAYERS[here][0] == "maps" and target.split(".")[0] == "streamlit":
                found.append(f"{where}: maps imports {target}")
    return found


def test_every_import_points_down_the_layers():
    assert violations(project_files()) == []


def test_the_check_fails_on_an_upward_import(tmp_path, monkeypatch):
    """The checker is not vacuous: a parse module importing the map layer or folium is reported."""
    fake_root = tmp_path
    (fake_root / "geo" / "parse").mkdir(parents=True)
    bad = fake_root / "geo" / "parse" / "bad.py"
    bad.write_text("import folium\nfrom geo.maps import mapview\n\ndef f():\n    from geo.store import documents\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", fake_root)
    found = violations([bad])
    assert len(found) == 3
    assert any("imports geo.maps.mapview" in v for v in found)
    assert any("imports geo.store.documents" in v for v in found)
    assert any("core module imports folium" in v for v in found)


@pytest.mark.parametrize("package", ["places", "parse", "borders", "maps", "store", "tools"])
def test_each_package_lists_its_public_names(package):
    """Each sub-package's __init__ says what it offers: every name in __all__ imports and is documented."""
    module = __import__(f"geo.{package}", fromlist=["__all__"])
    assert module.__doc__ and module.__all__
    for name in module.__all__:
        assert getattr(module, name) is not None


def test_modules_stay_small():
    """One job per module: none grows past about 500 lines."""
    long = {str(p.relative_to(ROOT)): n for p in project_files()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 520}
    assert long == {}
