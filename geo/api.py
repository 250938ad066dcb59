"""The Python API for notebooks and scripts (names listed in ``geo/__init__.py``)::

    import geo
    doc = geo.parse("Shelling hit Kharkiv and Sumy overnight, officials in Kyiv said.")
    doc.to_dataframe()            # one row per mention (pandas)
    doc.to_geojson()              # the places as GeoJSON
    geo.map(doc)                  # a folium.Map (shows itself in Jupyter)
    c = geo.corpus("news.jsonl")  # many articles on Dask (a local cluster unless scheduler= says otherwise)
    c.places, c.mentions          # DataFrames
    c.to_html("corpus.html")      # the corpus map with its time slider

``geo.parse`` and ``geo.corpus`` are the ``geo.parse`` and ``geo.corpus`` packages themselves, callable (see
:func:`geo.callable_package`): calling them runs :func:`parse_document` and :func:`run_corpus_api` here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from geo.corpus.aggregate import Corpus as CorpusAggregate
from geo.parse.model import Document

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
_PATH_MAX = 4096


def _is_path(source: Any) -> bool:
    if isinstance(source, Path):
        return True
    if not isinstance(source, str) or len(source) >= _PATH_MAX or "\n" in source or "\x00" in source:
        return False
    try:
        return Path(source).expanduser().is_file()
    except (OSError, ValueError):  # a sentence longer than a file name may be (ENAMETOOLONG): it is text
        return False


def parse_document(source: str | Path, *, borders: bool = True, online: bool = False, title: str | None = None,
                   **settings: Any) -> Document:
    """``geo.parse``: the Document of an article given as its text, a file path (.txt, .md, .html) or an
    http(s) URL (fetched under the GEO_FETCH_* settings: a URL is the one thing that goes online by itself).

    ``borders=False`` skips the border context; ``online=True`` sends names the gazetteer cannot place to the
    online geocoders (other keyword arguments override settings, e.g. ``geocoder="nominatim"``).
    """
    from geo.parse.article import load_article, read_article
    from geo.pipeline import online_unresolved_geocoder, parse_article
    from geo.settings import load_settings

    run_settings = dataclasses.replace(load_settings(), online=online, **settings)
    if _is_path(source):
        path = Path(source).expanduser()
        if not path.is_file():
            from geo.errors import InputError

            raise InputError(f"{path}: no such file")
        article = load_article(str(path))
    elif isinstance(source, str) and _URL.match(source.strip()):
        from geo.parse.fetch import fetch_article

        article = fetch_article(source.strip(), run_settings)
    elif isinstance(source, str):
        article = read_article(source)
    else:
        raise TypeError(f"geo.parse takes an article's text, a file path or a URL, not {type(source).__name__}")
    if title:
        article.title = title
    geocoder = online_unresolved_geocoder(run_settings, report=_warn) if run_settings.online else None
    return parse_article(article, borders=borders, geocode_unresolved=geocoder)


def _warn(message: str) -> None:
    import warnings

    warnings.warn(message, stacklevel=3)


def map(doc: Document, **options: Any) -> Any:  # noqa: A001 - the API's name for it
    """``geo.map``: the article's interactive map as a ``folium.Map`` (Jupyter shows it as is). ``options`` go
    to :func:`geo.maps.mapview.build_map` (``selected_place``, ``assets``)."""
    from geo.maps.mapview import build_map

    return build_map(doc, **options)


@dataclasses.dataclass
class Corpus:
    """``geo.corpus(...)``'s result: ``places`` (a DataFrame, one row per place, most-mentioned first) and
    ``mentions`` (one row per mention), ``failures`` (articles that could not be read) and :meth:`to_html`."""

    aggregate: CorpusAggregate
    mention_rows: list[dict[str, Any]]
    title: str = "Corpus map"

    @property
    def articles(self) -> int:
        return self.aggregate.article_total

    @property
    def places(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.aggregate.place_rows())

    @property
    def mentions(self) -> Any:
        import pandas as pd

        from geo.corpus.outputs import MENTION_COLUMNS

        columns = [name for name, _ in MENTION_COLUMNS]
        return pd.DataFrame([{k: r.get(k) for k in columns} for r in self.mention_rows], columns=columns)

    @property
    def failures(self) -> list[dict[str, Any]]:
        return self.aggregate.sorted_failures()

    def to_geojson(self) -> dict[str, Any]:
        from geo.corpus.outputs import corpus_geojson

        return corpus_geojson(self.aggregate)

    def to_html(self, path: str | Path, title: str | None = None) -> Path:
        """Write the corpus map (time slider, pins sized by articles, popups quoting them); returns the path."""
        from geo.corpus.corpusmap import write_corpus_map

        return write_corpus_map(self.aggregate, path, title=title or self.title)


def run_corpus_api(articles: Iterable[Any] | str | Path | None = None, scheduler: str | None = None, *,
                   workers: int | None = None, mentions: bool = True, title: str | None = None) -> Corpus:
    """``geo.corpus``: geoparse many articles and aggregate their places.

    ``articles`` is a JSONL file or a folder of .txt/.md/.html files (a path), or an iterable of article texts
    or of dicts ``{"text", "id"?, "title"?, "url"?, "published"?}``; None is the sample corpus. ``scheduler``:
    None starts a local Dask cluster, ``"tcp://HOST:PORT"`` uses a running one, ``"inline"`` runs here.
    ``mentions=False`` keeps only the per-place summary (for corpora whose mention rows would not fit memory).
    """
    from geo.corpus.command import corpus_items
    from geo.corpus.reading import SAMPLE_CORPUS, record_from_json
    from geo.corpus.run import dask_client, run_corpus, scheduler_address

    if articles is None or isinstance(articles, str | Path):
        path = SAMPLE_CORPUS if articles is None else Path(articles).expanduser()
        if not path.exists():
            from geo.errors import InputError

            raise InputError(f"{path}: no such file or folder (give a JSONL file or a folder of .txt/.md/.html)")
        items: Iterable[Any] = corpus_items(path)
        name = title or path.stem
    else:
        items = (record_from_json({"id": f"article {n}", **({"text": a} if isinstance(a, str) else a)}, n)
                 for n, a in enumerate(articles, 1))
        name = title or "Corpus map"
    rows: list[dict[str, Any]] = []
    with dask_client(scheduler_address(scheduler) if scheduler != "inline" else "inline", workers) as client:
        aggregate = run_corpus(items, client, mentions=rows.extend if mentions else None)
    return Corpus(aggregate, rows, name)
