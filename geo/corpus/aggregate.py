"""Combining the workers' chunk summaries into the corpus: places by id, with the articles that mention them,
their article and mention counts and their first and last dates. The result does not depend on the order in
which chunks finish (everything is keyed and sorted by the article's position in the input)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CorpusPlace:
    """A place of the corpus: its fields (id, name, kind, country, lat, lon, status, border, ...) and, per
    article (by input position), the first mention's passage id and quoted snippet (before, mention, after)."""

    fields: dict[str, Any]
    articles: dict[int, list[Any]] = field(default_factory=dict)
    mentions: int = 0

    @property
    def id(self) -> str:
        return self.fields["id"]


@dataclass
class Corpus:
    """The aggregated corpus (small: one entry per place and per article, never the articles' texts)."""

    articles: dict[int, dict[str, Any]] = field(default_factory=dict)
    places: dict[str, CorpusPlace] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def add(self, summary: dict[str, Any]) -> None:
        """Fold one chunk summary (from :func:`geo.corpus.work.map_chunk`) in."""
        for article in summary["articles"]:
            self.articles[article["seq"]] = article
        for place_id, entry in summary["places"].items():
            place = self.places.get(place_id)
            if place is None:
                place = self.places[place_id] = CorpusPlace(entry["place"])
            place.articles.update({int(k): v for k, v in entry["articles"].items()})
            place.mentions += entry["mentions"]
        self.failures.extend(summary["failures"])

    def article_count(self, place_id: str) -> int:
        return len(self.places[place_id].articles)

    def dates(self, place: CorpusPlace) -> list[str]:
        return sorted(d for seq in place.articles if (d := self.articles[seq].get("date")))

    def place_rows(self) -> list[dict[str, Any]]:
        """One row per place, most-mentioned first (then by name and id): the places table and GeoJSON."""
        rows = []
        for place in self.places.values():
            dates = self.dates(place)
            rows.append({
                **{k: v for k, v in place.fields.items() if k != "border"},
                "articles": len(place.articles), "mentions": place.mentions,
                "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None,
            })
        rows.sort(key=lambda r: (-r["articles"], r["name"], r["id"]))
        return rows

    def place_articles(self, place: CorpusPlace) -> list[tuple[dict[str, Any], list[Any]]]:
        """(article, [passage id, before, mention, after]) for a place, by date (undated last), then input order."""
        seqs = sorted(place.articles, key=lambda s: (self.articles[s].get("date") or "9999", s))
        return [(self.articles[s], place.articles[s]) for s in seqs]

    def date_range(self) -> tuple[str | None, str | None]:
        dates = sorted(d for a in self.articles.values() if (d := a.get("date")))
        return (dates[0], dates[-1]) if dates else (None, None)

    def counts(self) -> dict[str, tuple[int, int]]:
        """place id -> (articles, mentions): what the tests compare with a one-by-one parse."""
        return {pid: (len(p.articles), p.mentions) for pid, p in self.places.items()}

    def sorted_failures(self) -> list[dict[str, Any]]:
        return sorted(self.failures, key=lambda f: f["seq"])


def counts_of_documents(docs: list[Any]) -> dict[str, tuple[int, int]]:
    """place id -> (articles, mentions) over Documents parsed one by one (the reference for the tests)."""
    out: dict[str, list[int]] = {}
    for doc in docs:
        for place in doc.places:
            entry = out.setdefault(place.id, [0, 0])
            entry[0] += 1
            entry[1] += len(place.mentions)
    return {k: (v[0], v[1]) for k, v in out.items()}
