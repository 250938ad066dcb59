"""Name normalisation and word lists shared by the gazetteer builder and the mention finder.

These are lists of *words* (how English news names places and people), never coordinates:
every coordinate comes from a data package.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "–": "-", "—": "-"})
_SPACE_RE = re.compile(r"\s+")
# Invisible characters that may sit inside a word (soft hyphen from &shy;, zero-width space/joiners).
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"


def fold(text: str) -> str:
    """Lower-case, strip diacritics, unify apostrophes: 'Wŏnsan' -> 'wonsan', 'Kyiv’s' -> "kyiv's"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in INVISIBLE)
    return stripped.casefold()


def name_key(name: str) -> str:
    """Lookup key of a place name: folded, hyphens as spaces, dots dropped, spaces collapsed."""
    if name.isalpha() and name.isascii():
        return name.lower()
    key = fold(name).replace("-", " ").replace(".", "")
    return _SPACE_RE.sub(" ", key).strip()


# Lower-case words allowed inside a multi-word name ("Bosnia and Herzegovina", "Rostov-on-Don").
CONNECTORS = frozenset(
    "of and the on upon de del della der des di du da do dos das la le les los las el al am an au aux es im in en "
    "sur sous ter ten op bei y".split()
)

# Words that turn a region's stem into the region ("the Kursk region", "Kherson oblast").
REGION_WORDS = (
    "region", "oblast", "province", "governorate", "prefecture", "krai", "kray", "state", "territory",
)
COUNTY_WORD = "county"  # a region phrase only for regions that are counties ("Kisumu County", "County Cavan")


def adjective_cuts(key: str) -> list[str]:
    """The stems under a region named by an adjective in -ka/-ska ('sumska' -> 'sumsk', 'sums', 'sum'), longest
    first: the noun it is made from is one of them plus at most two letters ('sumy', 'odesa', 'donetsk')."""
    if len(key) < 6 or not key.endswith("ka"):
        return []
    return [key[:-k] for k in (1, 2, 3) if (k < 3 or key.endswith("ska")) and len(key) - k >= 3]


# Lower-case words that may end a multi-word name: region words and "states" ("Gulf states").
TRAILING_WORDS = (*REGION_WORDS, COUNTY_WORD, "states")

# Common English short forms of country names that the country data lacks.
COUNTRY_ALIASES = {
    "GB": ("Britain", "Great Britain", "U.K.", "UK"),
    "US": ("America", "U.S.", "U.S.A.", "United States", "US", "USA"),
    "KP": ("DPRK", "D.P.R.K."),
    "KR": ("ROK",),
    "CN": ("PRC", "Mainland China"),
    "AE": ("UAE", "U.A.E.", "Emirates"),
    "CD": ("DRC", "DR Congo", "Democratic Republic of Congo"),
    "CZ": ("Czechia",),
    "NL": ("Holland",),
    "TT": ("T&T",),
    "VA": ("Vatican", "Holy See"),
    "CI": ("Ivory Coast",),
    "MM": ("Burma",),
    "TR": ("Türkiye", "Turkiye"),
    "SZ": ("Swaziland",),
    "MK": ("Macedonia",),
    "CV": ("Cape Verde",),
    "PS": ("Palestinian Territories",),
}

# Short forms of first-level regions (AP style and common abbreviations), by ISO 3166-2 code.
REGION_ALIASES = {
    "CA-BC": ("BC", "B.C."), "CA-ON": ("Ont.",), "CA-QC": ("Que.",), "CA-AB": ("Alta.",),
    "CA-MB": ("Man.",), "CA-SK": ("Sask.",),
    "US-AZ": ("Ariz.",), "US-AL": ("Ala.",), "US-AR": ("Ark.",), "US-CA": ("Calif.",),
    "US-CO": ("Colo.",), "US-CT": ("Conn.",), "US-FL": ("Fla.",), "US-MA": ("Mass.",),
    "US-MI": ("Mich.",), "US-MN": ("Minn.",), "US-MT": ("Mont.",), "US-NE": ("Neb.",),
    "US-NV": ("Nev.",), "US-NH": ("N.H.",), "US-NJ": ("N.J.",), "US-NM": ("N.M.",),
    "US-NY": ("N.Y.",), "US-NC": ("N.C.",), "US-ND": ("N.D.",), "US-OK": ("Okla.",),
    "US-OR": ("Ore.",), "US-RI": ("R.I.",), "US-SC": ("S.C.",), "US-SD": ("S.D.",),
    "US-TN": ("Tenn.",), "US-TX": ("Tex.",), "US-VT": ("Vt.",), "US-WI": ("Wis.",),
    "US-WY": ("Wyo.",), "US-WV": ("W.Va.", "W. Va."), "US-DC": ("D.C.",),
    "US-KY": ("Ky.",), "US-GA": ("Ga.",), "US-IL": ("Ill.",), "US-IN": ("Ind.",), "US-KS": ("Kan.", "Kans."),
    "US-LA": ("La.",), "US-MD": ("Md.",), "US-MS": ("Miss.",), "US-MO": ("Mo.",), "US-PA": ("Pa.",),
    "US-VA": ("Va.",), "US-WA": ("Wash.",), "US-DE": ("Del.",),
}

# AP-style short forms written with a full stop ("Ky.", "Calif.", "W.Va."): read as a region only when the
# full stop is there; those that are also words or names ("Ill.", "Miss.", "Pa.", "La.") only right after
# a place and a comma, the way a dateline or an address writes them ("LEXINGTON, Ky. —").
DOTTED_REGION_ABBREVIATIONS = frozenset(
    name_key(a) for aliases in REGION_ALIASES.values() for a in aliases
    if a.endswith(".") and not a.replace(".", "").isupper()
)
QUALIFIER_ONLY_ABBREVIATIONS = frozenset(
    name_key(a) for a in ("Del.", "Ga.", "Ill.", "Ind.", "Kan.", "La.", "Md.", "Miss.", "Mo.", "Pa.", "Va.",
                          "Wash.", "Man.", "Ore.", "Mont.", "Neb.", "Tex.", "Alta.", "Ky.")
)

# Abbreviations written in capitals that may be matched as written (never IATA codes or ISO codes).
ABBREVIATIONS = frozenset(
    name_key(a)
    for aliases in (*COUNTRY_ALIASES.values(), *REGION_ALIASES.values())
    for a in aliases
    if a.replace(".", "").isupper()
) | frozenset({"eu"})

# Lower-case particles inside people's names ("Mike de Kock", "Ursula von der Leyen").
NAME_PARTICLES = frozenset("de van von der den da di du le la al el bin ibn ben".split())

# Adjectives naming a continent (countries' demonyms come from the countryinfo package).
CONTINENT_ADJECTIVES = {
    "AF": ("African",),
    "AS": ("Asian",),
    "EU": ("European",),
    "NA": ("North American",),
    "SA": ("South American",),
    "OC": ("Oceanian",),
    "AN": ("Antarctic",),
}
CONTINENT_ALIASES = {"EU": ("EU", "European Union")}

# Extra demonyms the country data lacks or spells differently.
EXTRA_DEMONYMS = {
    "GB": ("British",),
    "US": ("American",),
    "KP": ("North Korean",),
    "KR": ("South Korean", "Korean"),
    "NL": ("Dutch",),
    "PH": ("Philippine", "Filipino"),
}

# Demonyms of first-level regions that news uses like a country's ("English", "Scottish"), by ISO 3166-2 code.
REGION_DEMONYMS = {
    "GB-ENG": ("English",), "GB-SCT": ("Scottish",), "GB-WLS": ("Welsh",), "GB-NIR": ("Northern Irish",),
    "ES-CT": ("Catalan",), "CA-QC": ("Quebecois", "Québécois"), "US-TX": ("Texan",), "US-CA": ("Californian",),
}

# Directions: "South Florida" is a part of Florida, not a place called "South".
COMPASS_WORDS = frozenset(
    "north south east west northern southern eastern western central northeast northwest southeast southwest "
    "northeastern northwestern southeastern southwestern".split())

# Words that make a place's name the name of a physical feature beside it: "Indian Ocean", "Mississippi River",
# "Suez Canal" (after the name); "Gulf of Mexico", "Sea of Japan" (before it, with "of"); "Lake Victoria",
# "Mount Kenya" (before it). The gazetteer has no such features: the name stays unresolved, not pinned on
# the town or country it contains. ("Bay", "Island", "Valley" and "Peninsula" are left out: "Guantanamo Bay",
# "Hainan Island", "Napa Valley" and "Crimean Peninsula" sit on or around the place they name.)
FEATURE_WORDS_AFTER = frozenset(
    "ocean sea gulf river strait straits canal delta mountains desert lagoon glacier trench lake".split())
FEATURE_WORDS_OF = frozenset("gulf sea bay strait straits".split())
FEATURE_WORDS_BEFORE = frozenset("lake mount mt".split())

# Names of first-level regions that say where a region lies, or what it is, rather than which one it is
# ("Western" in Ghana, Fiji and Zambia; "Capital" in Bahrain; "Nord" in France and Haiti), or that are a
# people's adjective ("Jewish", Russia's autonomous oblast): such a region is a place in a story about its
# country, not wherever the word is written.
GENERIC_REGION_NAMES = COMPASS_WORDS | frozenset(
    "capital centre center centro coast coastal nord sud est ouest norte sur oeste jewish".split())

# Words before a capitalised name that make it a person, not a place ("President Jordan ...").
PERSON_TITLES = frozenset(
    """mr mrs ms miss dr prof sir dame lord lady president vice minister secretary chancellor premier
    senator sen rep representative governor gov mayor judge justice king queen prince princess pope
    general gen colonel col captain capt lieutenant lt sergeant sgt officer chief coach director
    ambassador spokesman spokeswoman spokesperson leader chairman chairwoman ceo saint st father
    brother sister rev reverend rabbi imam sheikh emir sultan marshal admiral commander detective
    professor author actor actress singer rapper striker midfielder defender goalkeeper archbishop
    bishop cardinal councillor councilor councilman councilwoman alderman trustee commissioner sheriff
    deputy pastor priest economist analyst researcher reporter correspondent""".split()
)

# Last words that make a name a building or an institution, not the town that shares its name
# ("White House", "Town Hall"), unless a place of that name is a major one.
BUILDING_WORDS = frozenset(
    """house palace hall tower church cathedral mosque temple stadium arena museum gallery library
    theatre theater hospital school college university embassy consulate headquarters office""".split()
)

# Verbs of speech right after a one-word name make it a person ("Nelson says"), unless the name is a
# major place speaking for its government ("Moscow says").
SPEECH_VERBS = frozenset(
    """said says told added explained concedes conceded recalled wrote argued noted insisted admitted
    agreed asked replied warned claimed thinks believes""".split()
)

# Words after a place name that make the whole phrase an organisation or event in which the place is
# only embedded ("Washington Post"); gold annotations keep the embedded place, so we keep it too,
# but they stop a following capitalised word from making the phrase a person's name.
ORG_WORDS = frozenset(
    """times post herald tribune journal news daily gazette telegraph mail chronicle observer
    university college school institute academy hospital clinic airport station port harbour harbor
    city county council board commission committee court police department ministry government
    parliament assembly congress senate house museum gallery library theatre theater stadium arena
    park zoo bank exchange fc united club team rangers athletic athletics cup open marathon games
    festival fair company corporation corp inc ltd group airlines airways railway railways motors
    energy oil gas power water authority agency service services party front army navy forces
    embassy consulate church cathedral mosque temple street road avenue bridge river lake valley
    mountain mountains island islands bay sea ocean coast district region province state
    declaration accord agreement treaty protocol summit conference""".split()
)

# The last word of a movement's or party's name: one named by its cause ("Kurdistan Workers Party", "Oromo
# Liberation Front") has a homeland in its name, not the place where it stands.
MOVEMENT_WORDS = frozenset("party front movement alliance militia brigade brigades".split())

# Compass words and the like: capitalised as often as not, places only inside a longer name.
NEVER_ALONE = frozenset(
    """north south east west central centre center northern southern eastern western middle
    upper lower new old great little greater""".split()
)

MONTHS_AND_DAYS = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)

# Regions news names that span several countries, defined by their members (ISO 3166-1 codes)
# or by UN subregions as Natural Earth records them; their point is derived from the members' shapes.
MACRO_REGIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "Middle East": {"aliases": ("Mideast",), "adjectives": ("Middle Eastern",),
                    "members": tuple("AE BH CY EG IL IQ IR JO KW LB OM PS QA SA SY TR YE".split())},
    "Gulf states": {"aliases": ("Persian Gulf states", "Gulf monarchies"),
                    "members": tuple("AE BH KW OM QA SA".split())},
    "Levant": {"adjectives": ("Levantine",), "members": tuple("IL JO LB PS SY".split())},
    "Maghreb": {"adjectives": ("Maghrebi",), "members": tuple("DZ LY MA MR TN".split())},
    "Horn of Africa": {"members": tuple("DJ ER ET SO".split())},
    "Sahel": {"members": tuple("BF ML MR NE TD SD SN".split())},
    "Balkans": {"aliases": ("Western Balkans", "Balkan Peninsula"), "adjectives": ("Balkan",),
                "members": tuple("AL BA BG HR ME MK RS SI XK GR".split())},
    "Baltic states": {"aliases": ("Baltics",), "adjectives": ("Baltic",), "members": ("EE", "LT", "LV")},
    "Scandinavia": {"adjectives": ("Scandinavian",), "members": ("DK", "NO", "SE")},
    "Caucasus": {"aliases": ("South Caucasus",), "members": ("AM", "AZ", "GE")},
    "Korean Peninsula": {"members": ("KP", "KR")},
    "Iberian Peninsula": {"members": ("ES", "PT")},
    "Arabian Peninsula": {"members": tuple("SA YE OM AE QA BH KW".split())},
    "Indian subcontinent": {"members": tuple("IN PK BD NP BT LK".split())},
    "North Africa": {"aliases": ("Northern Africa",), "adjectives": ("North African",), "subregions": ("Northern Africa",)},
    "West Africa": {"aliases": ("Western Africa",), "adjectives": ("West African",), "subregions": ("Western Africa",)},
    "East Africa": {"aliases": ("Eastern Africa",), "adjectives": ("East African",), "subregions": ("Eastern Africa",)},
    "Central Africa": {"adjectives": ("Central African",), "subregions": ("Middle Africa",)},
    "Southern Africa": {"subregions": ("Southern Africa",)},
    "Central America": {"adjectives": ("Central American",), "subregions": ("Central America",)},
    "Caribbean": {"adjectives": ("Caribbean",), "subregions": ("Caribbean",)},
    "Latin America": {"adjectives": ("Latin American",), "subregions": ("Central America", "South America", "Caribbean")},
    "Southeast Asia": {"aliases": ("South-East Asia", "South East Asia"), "adjectives": ("Southeast Asian",), "subregions": ("South-Eastern Asia",)},
    "East Asia": {"aliases": ("Eastern Asia",), "adjectives": ("East Asian",), "subregions": ("Eastern Asia",)},
    "South Asia": {"aliases": ("Southern Asia",), "adjectives": ("South Asian",), "subregions": ("Southern Asia",)},
    "Central Asia": {"adjectives": ("Central Asian",), "subregions": ("Central Asia",)},
    "Eastern Europe": {"adjectives": ("Eastern European",), "subregions": ("Eastern Europe",)},
    "Western Europe": {"adjectives": ("Western European",), "subregions": ("Western Europe",)},
}


# Parts of one country named by the regions they group (ISO 3166-2 codes), as its own news names them: placed
# at the mean point of those regions, inside that country.
GROUPED_REGIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "West Coast": {"regions": ("US-CA", "US-OR", "US-WA")},
    "East Coast": {"aliases": ("Eastern Seaboard",),
                   "regions": tuple(f"US-{s}" for s in "ME NH MA RI CT NY NJ DE MD VA NC SC GA FL".split())},
    "Midwest": {"aliases": ("Middle West",), "adjectives": ("Midwestern",),
                "regions": tuple(f"US-{s}" for s in "IL IN MI OH WI IA KS MN MO NE ND SD".split())},
    "New England": {"regions": tuple(f"US-{s}" for s in "ME NH VT MA RI CT".split())},
    "Pacific Northwest": {"regions": ("US-WA", "US-OR", "US-ID")},
    "Deep South": {"regions": tuple(f"US-{s}" for s in "AL GA LA MS SC".split())},
    "Gulf Coast": {"regions": tuple(f"US-{s}" for s in "TX LA MS AL FL".split())},
    "Mid-Atlantic": {"regions": tuple(f"US-{s}" for s in "NY NJ PA DE MD".split())},
    "Great Plains": {"regions": tuple(f"US-{s}" for s in "ND SD NE KS OK".split())},
    "Atlantic Canada": {"regions": ("CA-NL", "CA-NS", "CA-NB", "CA-PE")},
    "Maritimes": {"aliases": ("Maritime provinces",), "regions": ("CA-NS", "CA-NB", "CA-PE")},
    "Prairies": {"aliases": ("Canadian Prairies", "Prairie provinces"), "regions": ("CA-AB", "CA-SK", "CA-MB")},
}
