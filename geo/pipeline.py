"""Article -> Document: find mentions, resolve them, group them into places, tag borders."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from geo import __version__
from geo.parse.lang_mentions import geoparse_in
from geo.parse.model import Article, Document, Mention, Place
from geo.parse.resolve import Resolution, admin1_key
from geo.places import naturalearth
from geo.places.gazetteer import Candidate, Gazetteer, load_gazetteer
from geo.places.names import name_key

# Called with the unresolved mentions of a document; returns name -> (place, source) for those it placed.
UnresolvedGeocoder = Callable[[list[Mention]], dict[str, tuple[Candidate, str]]]


def _alternatives(res: Resolution) -> list[dict[str, Any]]:
    return [
        {"id": c.id, "name": c.name, "kind": c.kind, "lat": c.lat, "lon": c.lon, "country": c.country,
         "admin1": admin1_key(c), "population": c.population, "score": round(share, 4)}
        for c, share in res.alternatives
    ]


def _new_place(cand: Candidate, source: str = "gazetteer") -> Place:
    return Place(
        id=cand.id, name=cand.name, kind=cand.kind, lat=cand.lat, lon=cand.lon, country=cand.country,
        admin1=admin1_key(cand),
        geonameid=cand.geonameid, population=cand.population or None, source=source,
    )


def build_document(article: Article, resolutions: list[Resolution]) -> Document:
    """Group resolved mentions into one place each; keep the rest as unresolved."""
    places: dict[str, Place] = {}
    confidences: dict[str, list[float]] = {}
    unresolved: list[Mention] = []
    inflects = article.language not in ("", "en")  # English names are matched as written
    for res in resolutions:
        m = res.mention
        mention = Mention(m.start, m.end, m.text, article.passage_at(m.start), m.adjectival,
                          inflected=inflects and m.key != name_key(m.text))
        if res.chosen is None:
            unresolved.append(mention)
            continue
        place = places.get(res.chosen.id)
        if place is None:
            place = places[res.chosen.id] = _new_place(res.chosen)
            place.alternatives = _alternatives(res)
        place.mentions.append(mention)
        confidences.setdefault(place.id, []).append(res.confidence)
    for place_id, values in confidences.items():
        places[place_id].confidence = round(sum(values) / len(values), 4)
    return Document(article=article, places=list(places.values()), unresolved=unresolved)


def parse_article(
    article: Article,
    *,
    gazetteer: Gazetteer | None = None,
    borders: bool = True,
    geocode_unresolved: UnresolvedGeocoder | None = None,
    language: str | None = None,
) -> Document:
    """The whole geoparse of one article (``language``: a code of geo.parse.language.LANGUAGES, or None to
    detect it)."""
    return next(parse_articles([article], gazetteer=gazetteer, borders=borders,
                               geocode_unresolved=geocode_unresolved, batch_size=1, language=language))


def parse_articles(
    articles: Iterable[Article],
    *,
    gazetteer: Gazetteer | None = None,
    borders: bool = True,
    geocode_unresolved: UnresolvedGeocoder | None = None,
    batch_size: int = 64,
    language: str | None = None,
    keep_going: bool = False,
) -> Iterator[Document | Exception]:
    """The whole geoparse of many articles, in order: the same Documents as :func:`parse_article` one by one,
    with the border layer tagging the places of ``batch_size`` documents in one vectorised pass (about ten
    times less border work per document than one at a time). Articles are read lazily, a batch at a time.
    ``meta.elapsed_ms`` is each document's own parse time plus its share of its batch's border tagging.
    Each article is read in ``language`` when given, else in the language detected from its text (English
    unless it clearly is another); ``article.language`` records it.

    An article whose geoparse raises ends the run there, after the Documents before it; with ``keep_going``
    its exception takes its place in the output instead and the others go on (a batch of many articles is
    still tagged in one pass: corpus mode and ``parse --jsonl --documents``)."""
    gaz = gazetteer or load_gazetteer()
    data = _data_meta(tuple(gaz.meta.get("versions", {}).items()), gaz.point_sources)
    batch: list[tuple[Document | Exception, float, list[str]]] = []
    for article in articles:
        started = time.perf_counter()
        notes: list[str] = list(article.notes)  # what reading noted, then what the geoparse notes
        try:
            article.language, resolutions = geoparse_in(article.text, gaz, language or article.language or None,
                                                        notes)
            doc: Document | Exception = build_document(article, resolutions)
            if geocode_unresolved and doc.unresolved:
                _apply_geocoded(doc, geocode_unresolved(doc.unresolved))
        except Exception as exc:
            if not keep_going:
                yield from _finish_batch(batch, data, borders)
                raise
            doc = exc
        batch.append((doc, time.perf_counter() - started, notes))
        if len(batch) >= batch_size:
            yield from _finish_batch(batch, data, borders)
            batch = []
    if batch:
        yield from _finish_batch(batch, data, borders)


def _finish_batch(batch: list[tuple[Document | Exception, float, list[str]]], data: dict[str, str],
                  borders: bool) -> list[Document | Exception]:
    """Tag the borders of a batch's places at once, then set each Document's meta (failed articles, kept as
    their exceptions, pass through)."""
    docs = [doc for doc, _, _ in batch if isinstance(doc, Document)]
    shared = 0.0
    if borders and docs:
        from geo.borders.memo import tag_documents_once

        started = time.perf_counter()
        from geo.borders.region_points import POINTS_NOTE

        tag_documents_once(docs)
        shared = (time.perf_counter() - started) / len(docs)
        data = {**data, "points": f"{data['points']}; {POINTS_NOTE}"}
    for doc, own, notes in batch:
        if not isinstance(doc, Document):
            continue
        doc.meta = {"version": __version__, "data": dict(data), "elapsed_ms": round((own + shared) * 1000, 1)}
        if notes:
            doc.meta["notes"] = notes
    return [doc for doc, _, _ in batch]


@functools.lru_cache(maxsize=8)
def _data_meta(versions: tuple[tuple[str, str], ...], points: str) -> dict[str, str]:
    """The data versions and point sources every Document names (built once per gazetteer, not once per parse)."""
    return {
        # the versions the loaded index was built from (read once with it, not per parse)
        "gazetteer": ", ".join(f"{k}=={v}" for k, v in versions),
        "points": points,
        "borders": naturalearth.data_version(),
        "border_view": naturalearth.BORDER_VIEW,
    }


def _apply_geocoded(doc: Document, found: dict[str, tuple[Candidate, str]]) -> None:
    """Move unresolved mentions that a geocoder placed into places of their own."""
    still = []
    by_id = {p.id: p for p in doc.places}
    for mention in doc.unresolved:
        if mention.text not in found:
            still.append(mention)
            continue
        cand, source = found[mention.text]
        place = by_id.get(cand.id)
        if place is None:
            place = by_id[cand.id] = _new_place(cand, source)
            place.confidence = 0.5
            doc.places.append(place)
        place.mentions.append(mention)
    doc.unresolved = still


def parse_text(text: str, **options: Any) -> Document:
    """Geoparse plain text (convenience for tests and the app)."""
    from geo.parse.article import read_article

    return parse_article(read_article(text), **options)


def online_unresolved_geocoder(settings: Any, *, report: Callable[[str], None],
                               gazetteer: Gazetteer | None = None) -> UnresolvedGeocoder:
    """Send unresolved names to the online geocoder chain (geopy), cached under cache/. The chain's
    offline step searches ``gazetteer`` (default: the cached one)."""
    from geo.places.geocoders import chain_from_settings, geocode_names

    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    chain = chain_from_settings(settings, gazetteer_lookup=lambda q: gaz.search(q, limit=10))

    def geocode(mentions: list[Mention]) -> dict[str, tuple[Candidate, str]]:
        errors: list[str] = []
        found = geocode_names(sorted({m.text for m in mentions}), chain, errors=errors)
        for message in errors:
            report(message)
        out = {}
        for name, result in found.items():
            if result is None:
                continue
            cand = Candidate(
                id=f"{result.source}:{result.name}", name=result.name, kind=result.kind or "feature",
                lat=result.lat, lon=result.lon, country=result.country, admin1=None, geonameid=None,
                population=0,
            )
            out[name] = (cand, result.source)
        return out

    return geocode
