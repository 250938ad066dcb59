"""Inflected place names back to the names the index holds, by suffix rules over the names themselves.

No list of forms: a word's case ending is taken off (the shortest first, so the longest stem wins) and the
stem, alone or with a nominative ending put back, is offered as a key; the caller keeps the first key that is a
place name (the check that the stem is a name). Russian and Ukrainian decline (Москве, Києві, Харкова, Одесу),
Ukrainian also alternates і/ї with о/е/є in a name's last syllable (Харків -> Харкова, Київ -> Києва); Korean
attaches particles (평양에서, 러시아를), which are not part of the name; German has a genitive -s (Kiews).
"""

from __future__ import annotations

import functools

# Case endings of nouns (shortest first) and the nominative endings a stem may take back.
_ENDINGS = {
    "ru": ("а", "я", "у", "ю", "е", "ы", "и", "ом", "ем", "ой", "ей", "ою", "ею", "ах", "ях", "ам", "ям",
           "ами", "ями"),
    "uk": ("а", "я", "у", "ю", "і", "ї", "е", "и", "ом", "ем", "єм", "ою", "ею", "єю", "ах", "ях", "ам", "ям",
           "ами", "ями"),
    "de": ("s", "es"),
}
_NOMINATIVE = {"ru": ("", "а", "я", "ь", "о", "ы", "и", "й"), "uk": ("", "а", "я", "ь", "о", "и", "і", "е"),
               "de": ("",)}
MIN_STEM = 3
# Korean particles (case markers, topic, postpositions), longest first.
KOREAN_PARTICLES = tuple(sorted((
    "에서는", "에서도", "에서의", "에서부터", "으로부터", "으로는", "으로도", "로부터", "에게서", "까지", "부터",
    "에서", "에게", "으로", "에는", "에도", "와의", "과의", "이나", "에선", "에서", "에", "의", "을", "를",
    "이", "가", "은", "는", "와", "과", "도", "로", "만", "엔", "과도", "와도", "이라", "라는", "이라는",
), key=len, reverse=True))


@functools.lru_cache(maxsize=20_000)
def base_forms(key: str, language: str) -> tuple[str, ...]:
    """Keys the word ``key`` (case-folded) may be an inflected form of, likeliest (longest stem) first;
    ``key`` itself not included."""
    endings = _ENDINGS.get(language)
    if not endings:
        return ()
    out: list[str] = []
    for ending in endings:
        if not key.endswith(ending) or len(key) - len(ending) < MIN_STEM:
            continue
        stem = key[: -len(ending)]
        for nominative in _NOMINATIVE[language]:
            out.append(stem + nominative)
        if language == "uk" and len(stem) >= 3 and stem[-2] in "оеє":
            # closed last syllable of the nominative: Харкова -> Харків, Києва -> Київ, Львова -> Львів
            out.append(stem[:-2] + ("ї" if stem[-2] == "є" else "і") + stem[-1])
    seen = {key}
    return tuple(k for k in out if not (k in seen or seen.add(k)))


_PARTICLES_SHORTEST_FIRST = tuple(sorted(KOREAN_PARTICLES, key=len))


@functools.lru_cache(maxsize=20_000)
def korean_stems(word: str) -> tuple[tuple[str, int], ...]:
    """(stem, its length) of a Korean word with a particle taken off, longest stem first."""
    out = []
    for particle in _PARTICLES_SHORTEST_FIRST:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            stem = word[: -len(particle)]
            out.append((stem, len(stem)))
    return tuple(out)


# Adjective endings of region names in Russian and Ukrainian (Курская, Курской; Харківська, Харківської),
# longest first; what is left is the city's name, or its stem with a nominative ending put back.
_ADJECTIVE_ENDINGS = {
    "ru": ("ская", "ской", "скую", "ском", "скою", "ая", "ой", "ую", "ом", "ий", "ый", "ого", "ому", "ым", "а", "у"),
    "uk": ("ська", "ської", "ську", "ській", "ською", "цька", "цької", "цьку", "цькій", "цькою",
           "ька", "ької", "ьку", "ькій", "ькою", "а", "ої", "у", "ій", "ою"),
}


@functools.lru_cache(maxsize=5_000)
def adjective_bases(key: str, language: str) -> tuple[str, ...]:
    """City names a region adjective may be made from: Курская -> курск, Харківська -> харків,
    Одеська -> одеса, Донецька -> донецьк, Сумська -> суми."""
    out: list[str] = []
    for ending in sorted(_ADJECTIVE_ENDINGS.get(language, ()), key=len):
        if key.endswith(ending) and len(key) - len(ending) >= MIN_STEM:
            stem = key[: -len(ending)]
            out += [stem, stem + "а", stem + "и", stem + "я", stem + "ы", stem + "ь"]
    seen: set[str] = set()
    return tuple(k for k in out if not (k in seen or seen.add(k)))
