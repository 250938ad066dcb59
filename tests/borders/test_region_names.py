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
