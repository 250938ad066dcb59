"""The Document: the one JSON-serialisable contract between the core and every face (CLI, map, app).

Offsets are Python string indices into ``Article.text``, end exclusive, and
``article.text[m.start:m.end] == m.text`` holds for every mention.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
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


@dataclass
class Document:
    article: Article
    places: list[Place] = field(default_factory=list)
    unresolved: list[Mention] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        article = asdict(self.article)
        article = {k: article[k] for k in ("id", "title", "source", "url", "language", "text", "passages",
                                           "passage_rule")}
        return {
            "schema": SCHEMA,
            "article": article,
            "places": [{**asdict(p), "label": p.label} for p in self.places],
            "unresolved": [
                {"start": m.start, "end": m.end, "text": m.text, "passage": m.passage} for m in self.unresolved
            ],
            "meta": dict(self.meta),
        }

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
