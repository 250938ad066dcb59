"""The corpus's data files: GeoJSON of the places (one feature each, with its articles) and Parquet of the
mentions (one row each), written as the chunks arrive so that the mentions never sit in memory all at once."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from geo.coords import to_xy
from geo.corpus.aggregate import Corpus
from geo.errors import GeoError
from geo.paths import atomic_write_text

MENTION_COLUMNS = (
    ("article_id", "string"), ("date", "date32"), ("place_id", "string"), ("name", "string"),
    ("kind", "string"), ("country", "string"), ("lat", "float64"), ("lon", "float64"),
    ("mention", "string"), ("start", "int64"), ("end", "int64"), ("adjectival", "bool_"),
    ("passage_id", "string"), ("passage", "string"), ("border_status", "string"),
)


def corpus_geojson(corpus: Corpus) -> dict[str, Any]:
    """RFC 7946 FeatureCollection ([lon, lat]): one Point per place with its article count, first and last
    date and its sampled articles (id, title, url, date, passage id; all of them up to 60), most-mentioned first."""
    features = []
    for row in corpus.place_rows():
        place = corpus.places[row["id"]]
        articles = [
            {"id": a["id"], "title": a["title"], "url": a["url"], "date": a["date"], "passage": quote[0],
             "quote": "".join(quote[1:])}
            for a, quote in corpus.place_articles(place)
        ]
        properties = {k: v for k, v in row.items() if k not in ("lat", "lon")}
        properties["border"] = place.fields.get("border")
        properties["article_list"] = articles
        features.append({"type": "Feature", "id": row["id"],
                         "geometry": {"type": "Point", "coordinates": list(to_xy(row["lat"], row["lon"]))},
                         "properties": properties})
    first, last = corpus.date_range()
    return {"type": "FeatureCollection", "features": features,
            "corpus": {"articles": corpus.article_total, "failed": corpus.failure_total,
                       "first_date": first, "last_date": last}}


def write_corpus_geojson(corpus: Corpus, path: str | Path) -> Path:
    """Write :func:`corpus_geojson` (UTF-8, sorted keys) atomically; returns the path."""
    path = Path(path)
    atomic_write_text(path, json.dumps(corpus_geojson(corpus), ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return path


class MentionsWriter:
    """A Parquet file of mention rows (columns: MENTION_COLUMNS), written one row group per call, renamed into
    place on :meth:`close` (a failed run leaves no half file). Use as a context manager or call close()."""

    def __init__(self, path: str | Path):
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise GeoError("writing Parquet needs pyarrow: pip install pyarrow (see requirements.txt)") from None
        self.pa = pa
        self.path = Path(path)
        self.schema = pa.schema([(name, getattr(pa, kind)()) for name, kind in MENTION_COLUMNS])
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        self.writer = pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
        self.rows = 0

    def add(self, rows: list[dict[str, Any]]) -> None:
        """Append rows (dicts with the column names; ``date`` as ISO text or None)."""
        if not rows:
            return
        import datetime as dt

        columns = {name: [r.get(name) for r in rows] for name, _ in MENTION_COLUMNS}
        columns["date"] = [dt.date.fromisoformat(d) if d else None for d in columns["date"]]
        self.writer.write_table(self.pa.Table.from_pydict(columns, schema=self.schema))
        self.rows += len(rows)

    def close(self) -> Path:
        self.writer.close()
        os.replace(self.tmp, self.path)
        return self.path

    def abort(self) -> None:
        try:
            self.writer.close()
        finally:
            self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> MentionsWriter:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()
