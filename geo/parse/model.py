"""The Document: the one JSON-serialisable contract between the core and every face (CLI, map, app).

Offsets are Python string indices into ``Article.text``, end exclusive, and
``article.text[m.start:m.end] == m.text`` holds for every mention.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from typing import Any

from geo.parse.labels import label_with_name, reader_label

SCHEMA = "geo.document/1"
KINDS = ("country", "region", "city", "continent", "feature")
BORDER_STATUSES = ("recognised", "contested", "occupied", "at_sea", "unknown")


def content_id(text: str) -> str:
    """Stable id of an article: a short hash of its text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class Passage:
    id: str
    start: int
    end: int


@dataclass
class Article:
    text: str
    passages: list[Passage]
    title: str = ""
    source: str = "text"
    url: str | None = None
    id: str = ""
    language: str = ""  # ISO 639-1 code the article was read as ("en", "ru", ...); set by the pipeline
    passage_rule: str = "blank-lines"  # how the text was split into passages (geo.parse.passages.RULES)
    notes: list[str] = field(default_factory=list, compare=False, repr=False)  # how it was read (to meta.notes)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = content_id(self.title + "\n" + self.text)

    def passage_at(self, offset: int) -> str | None:
        """Id of the passage holding char ``offset`` (None when it falls between passages)."""
        lo, hi = 0, len(self.passages) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            passage = self.passages[mid]
            if offset < passage.start:
                hi = mid - 1
            elif offset >= passage.end:
                lo = mid + 1
            else:
                return passage.id
        return None

    def passage_text(self, passage_id: str) -> str:
        for passage in self.passages:
            if passage.id == passage_id:
                return self.text[passage.start : passage.end]
        raise KeyError(passage_id)


@dataclass
class Mention:
    start: int
    end: int
    text: str
    passage: str | None = None
    adjectival: bool = False
    # An inflected form of the name (Києві for Київ, Moskaus for Moskau): it locates the place but is no label.
    inflected: bool = False


@dataclass
class Place:
    id: str
    name: str
    kind: str
    lat: float
    lon: float
    country: str | None = None
    admin1: str | None = None
    geonameid: int | None = None
    population: int | None = None
    confidence: float = 0.0
    source: str = "gazetteer"
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    border: dict[str, Any] | None = None
    mentions: list[Mention] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The name as the article wrote it (derived from the mentions, so corrections keep it right)."""
        return reader_label(self)

    @property
    def shown_name(self) -> str:
        """What a reader is shown: the label, and the gazetteer's name beside it when it differs."""
        return label_with_name(self)


_PLACE_FIELDS = tuple(f.name for f in fields(Place) if f.name != "mentions")
_MENTION_FIELDS = tuple(f.name for f in fields(Mention))


def _plain(value: Any) -> Any:
    """A deep copy of JSON-like data (dicts, lists, tuples, scalars): what ``dataclasses.asdict`` gives for it,
    at a fraction of the cost (asdict deep-copies every scalar)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def _place_dict(place: Place) -> dict[str, Any]:
    """``dataclasses.asdict(place)``, written out (a Document of many places is serialised in the batch)."""
    out = {name: _plain(getattr(place, name)) for name in _PLACE_FIELDS}
    out["mentions"] = [{name: getattr(m, name) for name in _MENTION_FIELDS} for m in place.mentions]
    return out


@dataclass
class Document:
    article: Article
    places: list[Place] = field(default_factory=list)
    unresolved: list[Mention] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        a = self.article
        article = {"id": a.id, "title": a.title, "source": a.source, "url": a.url, "language": a.language,
                   "text": a.text, "passages": [{"id": p.id, "start": p.start, "end": p.end} for p in a.passages],
                   "passage_rule": a.passage_rule}
        return {
            "schema": SCHEMA,
            "article": article,
            "places": [{**_place_dict(p), "label": p.label} for p in self.places],
            "unresolved": [
                {"start": m.start, "end": m.end, "text": m.text, "passage": m.passage} for m in self.unresolved
            ],
            "meta": dict(self.meta),
        }

    def to_geojson(self) -> dict[str, Any]:
        """GeoJSON FeatureCollection of the places ([lon, lat]; the same as ``geo map --geojson`` writes)."""
        from geo.parse.frames import document_geojson

        return document_geojson(self)

    def to_dataframe(self) -> Any:
        """A pandas DataFrame, one row per mention: place, kind, country, lat, lon, border status and summary,
        the mention as written, its offsets and its passage."""
        import pandas as pd

        from geo.parse.frames import MENTION_COLUMNS, mention_rows

        return pd.DataFrame(mention_rows(self), columns=list(MENTION_COLUMNS))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Rebuild a Document from its JSON form; raises ValueError on a different schema."""
        if data.get("schema") != SCHEMA:
            raise ValueError(f"unsupported document schema {data.get('schema')!r}; expected {SCHEMA!r}")
        a = data["article"]
        article = Article(
            text=a["text"],
            passages=[Passage(**p) for p in a["passages"]],
            title=a.get("title", ""),
            source=a.get("source", "text"),
            url=a.get("url"),
            id=a.get("id", ""),
            language=a.get("language", ""),
            passage_rule=a.get("passage_rule", "blank-lines"),
        )
        places = []
        for p in data.get("places", []):
            p = dict(p)
            p.pop("label", None)  # derived from the mentions, not stored
            p["mentions"] = [Mention(**m) for m in p.get("mentions", [])]
            places.append(Place(**p))
        unresolved = [Mention(**m) for m in data.get("unresolved", [])]
        return cls(article=article, places=places, unresolved=unresolved, meta=dict(data.get("meta", {})))
