"""Region names a reader knows, by rule from countrystatecity's types and adjective suffixes (no country list)."""

from __future__ import annotations

import countrystatecity_countries as csc
import pytest

from geo.borders.region_names import region_display_name


def _all_states():
    for country in csc.get_countries():
        for state in csc.get_states_of_country(country.iso2):
            yield country.iso2, state


def test_every_oblast_reads_x_region():
    oblasts = [(cc, s) for cc, s in _all_states() if (s.type or "").lower() in ("oblast", "administrative region")]
    assert len(oblasts) >= 50
    bad = [(s.name, region_display_name(s.name, cc, [], s.iso3166_2)) for cc, s in oblasts
           if not region_display_name(s.name, cc, [], s.iso3166_2).endswith(" region")]
    assert not bad, bad


def test_no_adjective_form_survives_in_ukraine():
    """Every Ukrainian region named by an adjective ('Kharkivska') reads in a noun form, given its own GeoNames
    towns from the border index (as tagging gives them)."""
    from geo.borders import load_border_index

    index = load_border_index()
    seen = 0
    for state in csc.get_states_of_country("UA"):
        if state.name.endswith("ka") and state.latitude:
            key = index.region_key_near("UA", float(state.latitude), float(state.longitude))
            shown = region_display_name(state.name, "UA", index.region_towns.get(key or "", []), state.iso3166_2)
            assert shown.endswith(" region") and state.name not in shown, shown
            seen += 1
    assert seen >= 20


@pytest.mark.parametrize("name, country, towns, code, shown", [
    ("Kharkivska", "UA", ["Kharkiv", "Lozova"], None, "Kharkiv region"),
    ("Sumska", "UA", ["Sumy", "Konotop"], None, "Sumy region"),
    ("Odeska", "UA", ["Odesa", "Izmail"], None, "Odesa region"),
    ("Chernivetska", "UA", ["Chernivtsi"], None, "Chernivtsi region"),
    ("Volynska", "UA", ["Lutsk", "Kovel"], None, "Volyn region"),
    ("Primorsky", "RU", ["Vladivostok"], "RU-PRI", "Primorsky Krai"),
    ("Moscow", "RU", ["Moscow"], "RU-MOW", "Moscow"),  # the city, not the oblast of the same name
    ("Moscow", "RU", ["Podolsk"], "RU-MOS", "Moscow region"),
    ("Texas", "US", ["Houston"], "US-TX", "Texas"),
    ("Lombardy", "IT", ["Milan"], None, "Lombardy"),
])
def test_region_display_names(name, country, towns, code, shown):
    assert region_display_name(name, country, towns, code) == shown


def _oblasts_of_ua_ru_by():
    for country in ("UA", "RU", "BY"):
        for state in csc.get_states_of_country(country):
            if (state.type or "").lower() in ("region", "oblast", "administrative region") and state.latitude:
                marks = ()
                if state.iso3166_2 == "UA-21":
                    marks = pytest.mark.xfail(strict=True, reason="no installed package carries the English name "
                                              "Zakarpattia: the rule can only strip the adjective (Zakarpat)")
                yield pytest.param(country, state, id=state.iso3166_2, marks=marks)


@pytest.fixture(scope="module")
def border_index():
    from geo.borders import load_border_index

    return load_border_index()


@pytest.mark.parametrize(("country", "state"), list(_oblasts_of_ua_ru_by()))
def test_every_oblast_of_ukraine_russia_belarus_has_an_english_name_the_data_carries(country, state, border_index,
                                                                                      gazetteer):
    """Every oblast reads "X region", with X a name the data carries for it: its own English name
    (countrystatecity's "Kursk", "Gomel"), a GeoNames name (primary or alternate) of a town in or at its area
    ("Kharkiv", "Dnipropetrovsk", "Kyiv"), or, for a region named after a land, a noun English text uses
    (wordfreq: "Volyn"), never the adjective ("Kharkivska") nor a stem no one writes ("Zakarpat")."""
    import shapely
    from wordfreq import zipf_frequency

    from geo.borders.region_names import _REGION_SUFFIX
    from geo.places.names import name_key

    key = border_index.region_key_near(country, float(state.latitude), float(state.longitude))
    towns = border_index.region_towns.get(key or "", [])
    shown = region_display_name(state.name, country, towns, state.iso3166_2, key)
    assert shown.endswith(" region")
    assert not (state.name.endswith("ka") and state.name in shown), shown  # never the adjective ("Kharkivska")
    noun = shown.removesuffix(" region")
    if noun == _REGION_SUFFIX.sub("", state.name).strip() and not state.name.endswith("ka"):
        return  # the region's own English name in the data
    area = border_index.region_area(key)
    at_area = [hit.candidate.name for hit in gazetteer.hits(name_key(noun))
               if hit.candidate.kind == "city" and hit.candidate.country == country
               and shapely.distance(area, shapely.Point(hit.candidate.lon, hit.candidate.lat)) < 0.3]
    assert at_area or zipf_frequency(noun, "en") > 0, (state.name, shown)


def test_a_region_named_after_a_renamed_town_keeps_the_name_it_is_known_by(border_index):
    """Dnipropetrovsk region is named after the town's former name (Dnipro since 2016), which GeoNames keeps
    as an alternate name of the town: the region is not "Dnipro region"."""
    state = next(s for s in csc.get_states_of_country("UA") if s.iso3166_2 == "UA-12")
    key = border_index.region_key_near("UA", float(state.latitude), float(state.longitude))
    towns = border_index.region_towns[key]
    assert "Dnipro" in towns
    assert region_display_name(state.name, "UA", towns, state.iso3166_2, key) == "Dnipropetrovsk region"
