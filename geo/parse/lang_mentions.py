"""Place mentions in an article in another language than English (the English path is geo.parse.toponyms).

The same principles as in English, with each language's words (geo.parse.lang_rules):
- the longest name wins, looked up in the names of the article's language and script (geo.places.lang_index),
  then, in Latin script, in the gazetteer's own names;
- an inflected word is a name when taking its ending off gives one (geo.parse.inflect): the mention is the word
  as written ("Москве"), except a Korean particle, which is not part of the name ("평양" in "평양에서");
- case: in a script with case a name starts with a capital; a key that is an everyday word of the language
  (and no place big enough for how common the word is) needs a locative word before it;
- people: the capitalised words after a title ("президент", "le président"), in Korean the word before one
  ("장관"), are a person's name, never a place;
- region phrases ("Курская область", "Region Kursk", "région de Koursk", "쿠르스크주") name the region the
  gazetteer names after that city.
Offsets are always into the text as given: ``text[start:end] == mention text``.
"""

from __future__ import annotations

from geo.parse.inflect import adjective_bases, base_forms, korean_stems
from geo.parse.lang_rules import (
    CONNECTORS,
    FRENCH_ELISIONS,
    HOME_COUNTRIES,
    KOREAN_CITY_SUFFIX,
    KOREAN_LOCATIVE_PARTICLES,
    KOREAN_REGION_SUFFIXES,
    LOCATIVES,
    NOUN_MARKERS,
    REGION_LINKS,
    REGION_NOUNS_AFTER,
    REGION_NOUNS_BEFORE,
    SURNAME_ENDINGS,
    TITLES,
)
from geo.parse.tokens import TOKEN_RE, RawMention, Token
from geo.places.gazetteer import ADJECTIVE, ALTERNATE, PRIMARY, REGION_PHRASE, Gazetteer, NameHit
from geo.places.lang_index import SCRIPT_OF, LangIndex, script_key

MAX_NAME_TOKENS = 6
MAX_KOREAN_NAME_TOKENS = 2  # Korean writes a place's name as one word, or two ("뉴욕 주")
MAX_MENTIONS = 20_000


def _tokens(text: str, language: str) -> list[Token]:
    """Word tokens of ``text`` with script keys; a French elision ("l'", "d'") is left out of its word."""
    out = []
    for match in TOKEN_RE.finditer(text):
        start, end = match.span()
        word = match.group()
        if language == "fr":
            head, apostrophe, rest = word.replace("’", "'").partition("'")
            if apostrophe and rest and head.lower() in FRENCH_ELISIONS:
                start += len(head) + 1
                word = text[start:end]
        out.append(Token(start, end, word, script_key(word)))
    return out


def _caseless(ch: str) -> bool:
    return not ch.isupper() and not ch.islower()


def _name_start(word: str) -> bool:
    """Can a name start with this word? A capital in a script with case; any word in one without (Hangul)."""
    first = word[:1]
    return first.isupper() or _caseless(first)


def _joinable(text: str, left: Token, right: Token) -> bool:
    return text[left.end : right.start] in (" ", "-")


class _Finder:
    """One article's search: its tokens, language and indexes."""

    def __init__(self, text: str, gaz: Gazetteer, names: LangIndex, language: str):
        self.text, self.gaz, self.names, self.language = text, gaz, names, language
        self.latin = SCRIPT_OF.get(language) == "latin"
        self.common = names.common.get(language, frozenset())
        self.tokens = _tokens(text, language)
        self._hits: dict[str, list[NameHit]] = {}

    # ------------------------------------------------------------------ lookups

    def hits(self, key: str) -> list[NameHit]:
        """Places named ``key`` in this language (a name of this language or script counts as the place's
        name; in Latin script, the gazetteer's own names too, demonyms left out)."""
        out = self._hits.get(key)
        if out is None:  # one list per name: the resolver works out a name's readings once (by the list)
            places = self.names.places(key, self.language)
            out = [NameHit(self.gaz.candidate(i), PRIMARY) for i in places]
            if self.latin or key.isascii():  # a CLDR name may also be a town's ("Granada")
                out += [NameHit(self.gaz.candidate(i), PRIMARY if via == ALTERNATE else via)
                        for i, via in self.gaz.entries(key) if via != ADJECTIVE and i not in places]
            self._hits[key] = out
        return out

    def region_of(self, hits: list[NameHit]) -> list[NameHit]:
        """The region named after the likeliest city among ``hits``."""
        cities = [h for h in hits if h.candidate.kind == "city"]
        for hit in sorted(cities, key=lambda h: -h.candidate.population):
            region = self.names.city_region.get(hit.candidate.id)
            if region is not None:
                return [NameHit(self.gaz.candidate(region), REGION_PHRASE)]
        return []

    def word_hits(self, key: str) -> tuple[str, list[NameHit]] | None:
        """The key (the word's own or its base form) and hits of one word."""
        for candidate in (key, *base_forms(key, self.language)):
            found = self.hits(candidate)
            if found:
                return candidate, found
        return None

    # ------------------------------------------------------------------ rules

    def people(self) -> set[int]:
        """Token numbers of people's names: capitalised words after a title (Korean: the word before)."""
        titles = TITLES.get(self.language, frozenset())
        tokens, out = self.tokens, set()
        for i, tok in enumerate(tokens):
            if tok.key not in titles and not (self.language == "ko" and any(
                    stem in titles for stem, _ in korean_stems(tok.key))):  # "장관은": a title and a particle
                continue
            if self.language == "ko":
                # "김민수 장관": the word before is a person; "서울의 시장": a place's (possessive 의) official
                if i > 0 and _joinable(self.text, tokens[i - 1], tok) and not tokens[i - 1].text.endswith("의"):
                    out.add(i - 1)
                continue
            j = i + 1
            while j < len(tokens) and j - i <= 3 and tokens[j].text[:1].isupper() \
                    and _joinable(self.text, tokens[j - 1], tokens[j]) and not self.declined_place(tokens[j].key) \
                    and self.region_phrase(j) is None:  # "глава Тверской области": the region's head
                out.add(j)
                j += 1
        return out

    def given_names(self) -> set[int]:
        """A given name before a capitalised word that names no place is a person's name, both words. Latin
        script: a given name of the gazetteer's list ("Santiago Abascal", "Florence Garnier"); Russian and
        Ukrainian: any capitalised word before a surname's or a patronymic's ending ("Владимир Путин")."""
        tokens, text, out = self.tokens, self.text, set()
        first_names = self.gaz.first_names if self.latin else frozenset()
        endings = SURNAME_ENDINGS.get(self.language)
        if not first_names and not endings:
            return out
        for i in range(len(tokens) - 1):
            tok, nxt = tokens[i], tokens[i + 1]
            if not (tok.text[:1].isupper() and not tok.text.isupper() and nxt.text[:1].isupper()
                    and not nxt.text.isupper() and _joinable(text, tok, nxt)):
                continue
            given = tok.key in first_names or bool(endings and nxt.key.endswith(endings) and len(nxt.key) > 3)
            if given and not self.word_hits(nxt.key) and self.region_phrase(i + 1) is None:
                out.update((i, i + 1))
        return out

    def declined_place(self, key: str) -> bool:
        """A place's name in another case than the nominative ("губернатор Курска", "мэр Москвы"): the title
        is the place's, not a person's."""
        found = self.word_hits(key)
        return found is not None and found[0] != key

    def locative(self, i: int) -> bool:
        if i == 0:
            return False
        before = self.tokens[i - 1]
        return before.key in LOCATIVES.get(self.language, ()) and self.text[before.end : self.tokens[i].start] == " "

    def everyday(self, key: str, i: int) -> bool:
        """A single word that is an everyday word of the language, with no locative word before it."""
        return key in self.common and not self.locative(i)

    def noun_after_article(self, i: int, hits: list[NameHit]) -> bool:
        """German: a word after an article naming a town (and maybe its region, no country) is a noun ("zum
        Essen", "ein Zug"); a region alone keeps its article ("im Saarland")."""
        markers = NOUN_MARKERS.get(self.language)
        kinds = {h.candidate.kind for h in hits}
        return bool(markers) and i > 0 and self.tokens[i - 1].key in markers and "city" in kinds \
            and kinds <= {"city", "region"}

    # ------------------------------------------------------------------ matching

    def region_phrase(self, i: int) -> tuple[int, int, str, list[NameHit]] | None:
        """(start, end, key, hits) of a region phrase starting at token ``i``."""
        tokens, language = self.tokens, self.language
        tok = tokens[i]
        nouns_after = REGION_NOUNS_AFTER.get(language)
        if nouns_after and i + 1 < len(tokens) and tokens[i + 1].key in nouns_after \
                and _joinable(self.text, tok, tokens[i + 1]) and tok.text[:1].isupper():
            for base in adjective_bases(tok.key, language):
                region = self.region_of(self.hits(base))
                if region:
                    return tok.start, tokens[i + 1].end, f"{base} {tokens[i + 1].key}", region
        nouns_before = REGION_NOUNS_BEFORE.get(language)
        if nouns_before and tok.key in nouns_before:
            j = i + 1
            if j < len(tokens) and tokens[j].key in REGION_LINKS and language != "de":
                j += 1
            elif j < len(tokens) and self.text[tokens[j].start - 2 : tokens[j].start].lower() in ("d'", "d’"):
                pass  # "région d'Odessa": the elision is outside the name's token
            elif language != "de":
                return None
            if j < len(tokens) and tokens[j].text[:1].isupper() and tokens[j].start - tok.end <= 5:
                found = self.word_hits(tokens[j].key)
                region = self.region_of(found[1]) if found else []
                if region:
                    return tok.start, tokens[j].end, f"{tok.key} {tokens[j].key}", region
        if language == "ko":
            for stem, size in (*korean_stems(tok.text), (tok.text, len(tok.text))):
                for suffix in KOREAN_REGION_SUFFIXES:
                    if stem.endswith(suffix) and len(stem) > len(suffix) + 1:
                        region = self.region_of(self.hits(script_key(stem[: -len(suffix)])))
                        if region:
                            return tok.start, tok.start + size, script_key(stem), region
        return None

    def name_at(self, i: int) -> tuple[int, int, str, list[NameHit]] | None:
        """(start, end, key, hits) of the longest name starting at token ``i``."""
        tokens, text = self.tokens, self.text
        first = tokens[i]
        if not _name_start(first.text):
            return None
        size, most = 1, MAX_KOREAN_NAME_TOKENS if self.language == "ko" else MAX_NAME_TOKENS
        while size < most and i + size < len(tokens) and _joinable(text, tokens[i + size - 1],
                                                                              tokens[i + size]):
            nxt = tokens[i + size].text
            if not (_name_start(nxt) or nxt.lower() in CONNECTORS):
                break
            size += 1
        for length in range(size, 0, -1):
            words = tokens[i : i + length]
            if length > 1 and words[-1].text.lower() in CONNECTORS:
                continue
            head = " ".join(t.key for t in words[:-1])
            last = words[-1]
            if self.language == "ko":
                forms = [(last.text, last.end)] + [(stem, last.start + n) for stem, n in korean_stems(last.text)]
                for form, end in forms:
                    key = f"{head} {script_key(form)}".strip()
                    found = self.hits(key)
                    if not found and form.endswith(KOREAN_CITY_SUFFIX) and len(form) > 2:
                        found = self.hits(key[: -len(KOREAN_CITY_SUFFIX)])  # "서울시": the city of Seoul
                    if found and not (length == 1 and self.everyday(key, i)):
                        return words[0].start, end, key, found
                continue
            for key in (f"{head} {last.key}".strip(), *(f"{head} {b}".strip() for b in base_forms(last.key,
                                                                                                    self.language))):
                found = self.hits(key)
                if found:
                    if length == 1 and (self.everyday(key, i) or self.everyday(last.key, i)
                                        or self.noun_after_article(i, found)):
                        break
                    return words[0].start, last.end, key, found
        return None

    def mentions(self) -> list[RawMention]:
        people = self.people() | self.given_names()
        out: list[RawMention] = []
        i, n = 0, len(self.tokens)
        while i < n and len(out) < MAX_MENTIONS:
            if i in people:
                i += 1
                continue
            found = self.region_phrase(i) or self.name_at(i)
            if found is None:
                i += 1
                continue
            start, end, key, hits = found
            locative = self.locative(i) or (self.language == "ko" and self.text[end:end + 2].startswith(
                KOREAN_LOCATIVE_PARTICLES))
            out.append(RawMention(start, end, self.text[start:end], key, hits, locative=locative))
            while i < n and self.tokens[i].start < end:
                i += 1
        return out


def find_language_mentions(text: str, gaz: Gazetteer, names: LangIndex, language: str) -> list[RawMention]:
    """Every place mention in ``text`` (written in ``language``), in text order."""
    return _Finder(text, gaz, names, language).mentions()


def geoparse_language(text: str, gaz: Gazetteer, language: str, notes: list[str] | None = None) -> list:
    """Find and resolve every place mention of an article in ``language`` (not English): the mentions of this
    module, then the same resolver as English (priors, qualifiers, the article's own geography)."""
    from geo.parse.resolve import resolve
    from geo.parse.toponyms import search_limit
    from geo.places.lang_index import load_lang_index

    limit = search_limit(text)
    if limit < len(text):
        if notes is not None:
            notes.append(f"the text is too large to map whole ({len(text):,} characters): places were searched "
                         f"for in the first {limit:,} characters only")
        text = text[:limit]
    mentions = find_language_mentions(text, gaz, load_lang_index(gaz), language)
    home = HOME_COUNTRIES.get(language, frozenset())
    return [r for r in resolve(text, mentions, gaz.minor_regions, home=home) if r.chosen is not None]


def geoparse_in(text: str, gaz: Gazetteer, language: str | None = None,
                notes: list[str] | None = None) -> tuple[str, list]:
    """(language, resolutions) of ``text``: read in ``language`` when given, else in the detected one. English
    takes the English path unchanged (geo.parse.resolve.geoparse); the other languages this module's."""
    from geo.parse.language import ENGLISH, detect_language
    from geo.parse.resolve import geoparse

    language = language or detect_language(text)
    if language == ENGLISH:
        return language, geoparse(text, gaz, notes)
    return language, geoparse_language(text, gaz, language, notes)
