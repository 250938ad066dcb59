"""A Document as data for analysts: GeoJSON of its places and one table row per mention (the Python API's
``Document.to_geojson()`` and ``Document.to_dataframe()``; the maps' GeoJSON export and pins use the same)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from geo.coords import to_xy

if TYPE_CHECKING:  # model imports this module lazily, from its methods
    from geo.parse.model import Document, Place

MENTION_COLUMNS = ("place", "gazetteer_name", "kind", "country", "lat", "lon", "border_status", "border", "mention", "start", "end",
                   "adjectival", "passage_id", "passage", "place_id", "confidence")


def _mappable(place: Any) -> bool:
    try:
        lat, lon = float(place.lat), float(place.lon)
    except (TypeError, ValueError):
        return False
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def mappable_places(doc: Document) -> list[Place]:
    """Places with usable coordinates, in document order: the ones that get a pin and a GeoJSON feature."""
    return [p for p in doc.places if _mappable(p)]


def document_geojson(doc: Document) -> dict[str, Any]:
    """RFC 7946 FeatureCollection: one Point ([lon, lat]) per mapped place with its properties and mentions (the
    one builder: ``Document.to_geojson()``, ``python -m geo map --geojson`` and the app's download all give it)."""
    features = []
    for place in mappable_places(doc):
        passages = list(dict.fromkeys(  # in order of first mention, each once (no list scan per mention)
            pid for pid in (m.passage or doc.article.passage_at(m.start) for m in place.mentions) if pid))
        features.append({
            "type": "Feature", "id": place.id,
            "geometry": {"type": "Point", "coordinates": list(to_xy(place.lat, place.lon))},
            "properties": {
                "id": place.id, "name": place.label, "gazetteer_name": place.name, "kind": place.kind,
                "country": place.country,
                "admin1": place.admin1, "geonameid": place.geonameid, "population": place.population,
                "confidence": place.confidence, "source": place.source, "border": place.border,
                "mention_count": len(place.mentions), "passages": passages,
                "mentions": [{"start": m.start, "end": m.end, "text": m.text, "passage": m.passage,
                              "adjectival": m.adjectival} for m in place.mentions],
            },
        })
    return {"type": "FeatureCollection", "features": features,
            "article": {"id": doc.article.id, "title": doc.article.title, "url": doc.article.url}}


def mention_rows(doc: Any) -> list[dict[str, Any]]:
    """One row per resolved mention, in text order: the place, its kind, country, point, border status and
    one-line border summary, the words as written and the passage that holds them."""
    passages = {p.id: doc.article.text[p.start:p.end] for p in doc.article.passages}
    rows = []
    for place in doc.places:
        border = place.border or {}
        for m in place.mentions:
            rows.append({
                "place": place.label, "gazetteer_name": place.name, "kind": place.kind, "country": place.country, "lat": place.lat,
                "lon": place.lon, "border_status": border.get("status"), "border": border.get("summary"),
                "mention": m.text, "start": m.start, "end": m.end, "adjectival": m.adjectival,
                "passage_id": m.passage, "passage": passages.get(m.passage or "", ""), "place_id": place.id,
                "confidence": place.confidence,
            })
    rows.sort(key=lambda r: (r["start"], r["end"]))
    return rows
