"""Combining the workers' chunk summaries into the corpus: places by id, with their article and mention counts,
their articles per day and a sample of their articles (title, date, link, quoted passage).

Memory is bounded whatever the corpus's length: a place keeps its counts per day and at most
:data:`SAMPLE_ARTICLES` articles, chosen by a fixed hash of the article's position in the input (an even spread
over the whole corpus, the same whichever order the chunks finish in); the corpus keeps only the articles some
place's sample quotes, and its first :data:`MAX_FAILURES` failures (the rest are counted).
"""

from __future__ import annotations

import pickle
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

SAMPLE_ARTICLES = 60  # articles kept per place (the popup lists these; counts are exact)
MAX_FAILURES = 1000  # failures kept with their reasons; the rest are counted


def sample_rank(seq: int) -> int:
    """A fixed pseudo-random rank of an article (by input position): a place keeps its lowest-ranked articles."""
    return (seq * 2654435761 + 0x9E3779B9) & 0xFFFFFFFF


def keep_sample(samples: dict[int, list[Any]], limit: int = SAMPLE_ARTICLES) -> list[int]:
    """Trim ``samples`` (seq -> quote) to its ``limit`` lowest-ranked articles; returns the seqs dropped."""
    if len(samples) <= limit:
        return []
    dropped = sorted(samples, key=sample_rank)[limit:]
    for seq in dropped:
        del samples[seq]
    return dropped


@dataclass
class CorpusPlace:
    """A place of the corpus: its fields (id, name, kind, country, lat, lon, status, border, ...), how many
    articles and mentions name it, its articles per day (``""``: undated) and, for a sample of its articles (by
    input position), the first mention's passage id and quoted snippet (before, mention, after)."""

    fields: dict[str, Any]
    articles: dict[int, list[Any]] = field(default_factory=dict)
    mentions: int = 0
    count: int = 0
    days: Counter = field(default_factory=Counter)
    worst: int = field(default=-1, repr=False)  # the highest sample rank kept, once the sample is full

    @property
    def id(self) -> str:
        return self.fields["id"]


@dataclass
class Corpus:
    """The aggregated corpus (bounded: one entry per place and per sampled article, never the articles' texts)."""

    articles: dict[int, dict[str, Any]] = field(default_factory=dict)
    places: dict[str, CorpusPlace] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    article_total: int = 0
    failure_total: int = 0
    days: Counter = field(default_factory=Counter)
    _refs: Counter = field(default_factory=Counter, repr=False)

    def add(self, summary: dict[str, Any]) -> None:
        """Fold one chunk summary (from :func:`geo.corpus.work.map_chunk`) in."""
        self.article_total += summary["count"]
        self.days.update(summary["days"])
        sampled = summary["sampled"]
        for place_id, entry in summary["places"].items():
            place = self.places.get(place_id)
            if place is None:  # its fields (pickled by the worker) read once: a known place's are skipped
                fields = entry["place"]
                place = self.places[place_id] = CorpusPlace(pickle.loads(fields) if isinstance(fields, bytes)
                                                            else fields)
            place.count += entry["count"]
            place.mentions += entry["mentions"]
            place.days.update(entry["days"])
            full = len(place.articles) >= SAMPLE_ARTICLES
            added = False
            for seq, quote in entry["articles"].items():
                seq = int(seq)
                if full and sample_rank(seq) > place.worst:
                    continue  # outside the sample already kept: never stored, never sorted
                place.articles[seq] = quote
                added = True
                self._refs[seq] += 1
                if seq not in self.articles:
                    self.articles[seq] = sampled[seq] if seq in sampled else sampled[str(seq)]
            if added:
                for seq in keep_sample(place.articles):
                    self._release(seq)
                if len(place.articles) >= SAMPLE_ARTICLES:
                    place.worst = max(map(sample_rank, place.articles))
        self.failure_total += len(summary["failures"])
        self.failures.extend(summary["failures"][: max(0, MAX_FAILURES - len(self.failures))])

    def _release(self, seq: int) -> None:
        self._refs[seq] -= 1
        if self._refs[seq] <= 0:
            del self._refs[seq]
            self.articles.pop(seq, None)

    def article_count(self, place_id: str) -> int:
        """How many articles name the place (all of them, not only its sample)."""
        return self.places[place_id].count

    def dates(self, place: CorpusPlace) -> list[str]:
        return sorted(d for d in place.days if d)

    def place_rows(self) -> list[dict[str, Any]]:
        """One row per place, most-mentioned first (then by name and id): the places table and GeoJSON."""
        rows = []
        for place in self.places.values():
            dates = self.dates(place)
            rows.append({
                **{k: v for k, v in place.fields.items() if k != "border"},
                "articles": place.count, "mentions": place.mentions,
                "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None,
            })
        rows.sort(key=lambda r: (-r["articles"], r["name"], r["id"]))
        return rows

    def place_articles(self, place: CorpusPlace) -> list[tuple[dict[str, Any], list[Any]]]:
        """(article, [passage id, before, mention, after]) for a place's sampled articles, by date (undated
        last), then input order."""
        seqs = sorted(place.articles, key=lambda s: (self.articles[s].get("date") or "9999", s))
        return [(self.articles[s], place.articles[s]) for s in seqs]

    def date_range(self) -> tuple[str | None, str | None]:
        dates = sorted(d for d in self.days if d)
        return (dates[0], dates[-1]) if dates else (None, None)

    def undated(self) -> int:
        return self.days.get("", 0)

    def counts(self) -> dict[str, tuple[int, int]]:
        """place id -> (articles, mentions): what the tests compare with a one-by-one parse."""
        return {pid: (p.count, p.mentions) for pid, p in self.places.items()}

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
