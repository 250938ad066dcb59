"""Words of the other languages the mention rules read: titles that make the next (in Korean: the previous) name
a person's, region nouns that make a city's name its region, locative words, and French elisions.

These are words of each language, written here (as the English ones in geo.places.names), never places or
coordinates. Rules that stay English-only are listed in the README ("Other languages").
"""

from __future__ import annotations

from geo.places.lang_index import script_key


def _keys(words: str) -> frozenset[str]:
    """The words as the tokens key them (Latin folded: "président" -> "president")."""
    return frozenset(script_key(word) for word in words.split())

# Titles and roles: the capitalised words after them name a person ("президент Зеленський", "le président
# Macron", "Präsident Selenskyj"); in Korean the name comes first ("윤석열 대통령").
TITLES = {
    "ru": _keys("президент премьер премьер-министр министр глава губернатор мэр генерал посол канцлер "
                    "председатель спикер лидер министра президента губернатора мэра главы"),
    "uk": _keys("президент прем'єр прем'єр-міністр міністр голова губернатор мер генерал посол канцлер "
                    "очільник речник президента міністра голови мера"),
    "fr": _keys("président présidente ministre maire général ambassadeur chancelier gouverneur porte-parole "
                    "m mme dirigeant"),
    "de": _keys("präsident präsidentin kanzler kanzlerin minister ministerin bürgermeister "
                    "bürgermeisterin general botschafter gouverneur sprecher herr frau regierungschef"),
    "es": _keys("presidente presidenta ministro ministra alcalde alcaldesa general embajador canciller "
                    "gobernador portavoz señor señora"),
    "ko": _keys("대통령 장관 총리 위원장 대변인 대사 시장 지사 주석 총비서 국무위원장 의원 외무상 국방상 "
                    "씨"),
}

# Nouns after a region adjective (Russian, Ukrainian: "Курская область", "Харківської області").
REGION_NOUNS_AFTER = {
    "ru": _keys("область области областью областей обл край края крае краю краем"),
    "uk": _keys("область області областю обл край краю краєм"),
}
# Nouns before a region's name (German "Region Kursk", French "région de Koursk", Spanish "provincia de Járkov").
REGION_NOUNS_BEFORE = {
    "de": _keys("region oblast gebiet provinz"),
    "fr": _keys("région oblast province"),
    "es": _keys("región oblast óblast provincia"),
}
# Korean region suffixes: 쿠르스크주 (Kursk Oblast), 하르키우주.
KOREAN_REGION_SUFFIXES = ("주",)
KOREAN_CITY_SUFFIX = "시"  # 서울시, 부산시: the city
# The word between a region noun and the name in French and Spanish ("région de", "provincia del").
REGION_LINKS = _keys("de d del")

# Words after which a name is where something happens ("в Киеве", "à Odessa", "in Köln", "en Sevilla").
LOCATIVES = {
    "ru": _keys("в во на у под из около возле близ до"),
    "uk": _keys("в у на під з із біля поблизу до"),
    "fr": _keys("à en dans près vers depuis"),
    "de": _keys("in im nach bei aus nahe von"),
    "es": _keys("en a cerca desde hacia"),
    "ko": frozenset(),
}
KOREAN_LOCATIVE_PARTICLES = ("에서", "에", "으로", "로", "까지", "부터")

# French elided articles and prepositions written onto the next word: "l'Ukraine", "d'Odessa", "jusqu'à".
FRENCH_ELISIONS = _keys("l d j qu jusqu lorsqu puisqu n s c m t")

# Lower-case words inside a multi-word name ("Rostov-na-Donu", "Frankfurt am Main", "Corée du Nord").
CONNECTORS = _keys("на де дель am an der de du des la le del los las y")

# Where each language is the everyday language of the news: a name written in it more likely means a place there.
HOME_COUNTRIES = {
    "ru": frozenset({"RU", "BY"}), "uk": frozenset({"UA"}), "fr": frozenset({"FR", "BE", "CH"}),
    "de": frozenset({"DE", "AT", "CH"}), "es": frozenset({"ES"}), "ko": frozenset({"KR", "KP"}),
}

# German capitalises every noun: a word after an article is a noun ("zum Essen", "die Halle"), not a town's name
# (towns take no article; countries and regions that do are not affected: "die Ukraine", "die Region Kursk").
NOUN_MARKERS = {"de": _keys("der die das dem den des ein eine einem einen eines zum zur beim vom am im ins")}

# Endings of Russian and Ukrainian surnames and patronymics: "Владимир Путин", "Олександр Сирський", "Иван
# Петрович". A word with one of them after a capitalised word makes both a person's name, when it names no place.
SURNAME_ENDINGS = {
    lang: tuple(sorted(_keys("ов ев ёв ин ын ий ый ой ова ева ина ына ская ская енко ук юк чук як ич вич ович евич "
                             "овна евна івна ьский ський цький ко"), key=len, reverse=True))
    for lang in ("ru", "uk")
}
