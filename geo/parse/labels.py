"""The reader's names for a place: the name as the article wrote it (its label) and, beside it, the gazetteer's
name in the form a reader knows ("Kharkiv region" for the region GeoNames calls "Kharkivska").

The label is the text of the place's most frequent mention (ties: the first written), with a leading "the",
a possessive ending and all-capitals undone; an adjective ("Ukrainian") never becomes a label. Pure functions
over a place's ``name``, ``kind``, ``mentions`` and ``border`` (duck-typed, so the model can use them).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from geo.places.names import COUNTY_WORD, REGION_WORDS

_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_WORDS = "|".join((*REGION_WORDS, COUNTY_WORD))
_REGION_WORD = re.compile(rf"\s+(?:{_WORDS})$|^(?:{_WORDS})(?:\s+of)?\s+", re.IGNORECASE)  # "Cavan County", "County Cavan"


def written_form(text: str) -> str:
    """One mention's text as a label: 'the Sumy region' -> 'Sumy region', "Wonsan's" -> 'Wonsan'."""
    text = " ".join(text.split())
    text = _POSSESSIVE.sub("", _LEADING_THE.sub("", text)).strip()
    if len(text) > 3 and text.isupper():  # a headline or dateline in capitals: WONSAN -> Wonsan
        text = text.title()
    return text


def display_name(place: Any) -> str:
    """The gazetteer's name as a reader knows it: a region's English name from its border context when it
    has one ("Kharkiv region"), else the gazetteer's own name."""
    region = (getattr(place, "border", None) or {}).get("region_area") or {}
    if place.kind == "region" and region.get("name"):
        return region["name"]
    return place.name


def reader_label(place: Any) -> str:
    """The name as the article wrote it (its most frequent mention that is neither an adjective nor an inflected
    form), or :func:`display_name` when the article only used those or wrote the gazetteer's own adjective form
    of a region."""
    shown = display_name(place)
    forms = [written_form(m.text) for m in getattr(place, "mentions", ())
             if not m.adjectival and not getattr(m, "inflected", False) and m.text.strip()]
    if not forms:
        return shown
    counts = Counter(forms)
    best = max(counts, key=lambda f: (counts[f], -forms.index(f)))
    if best.lower() == place.name.lower() and shown != place.name:
        return shown  # the article wrote "Kharkivska": the reader's form is "Kharkiv region"
    if place.kind == "region" and shown != place.name and best.lower() == _bare(shown):
        return shown  # a region written by its bare stem ("Kharkiv") reads "Kharkiv region", not the city's name
    return best


def _bare(name: str) -> str:
    return _REGION_WORD.sub("", name).strip().lower()


def label_with_name(place: Any) -> str:
    """'Wonsan (Wŏnsan)': the label with the gazetteer's name when they differ beyond case and region word
    ("Kharkiv Oblast" and "Kharkiv region" are one name)."""
    label, shown = reader_label(place), display_name(place)
    return label if _bare(label) == _bare(shown) else f"{label} ({shown})"
