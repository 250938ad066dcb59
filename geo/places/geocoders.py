"""Geocoding through one geopy-style interface: offline gazetteer first, then (opt-in) an online geopy geocoder.

Every geocoder here answers ``geocode(query, *, exactly_one=True, country_codes=None)`` with
``geopy.location.Location`` objects (or a list, or None) like geopy's own, and ``results(...)``
with :class:`GeoResult` records.  ``Location.raw`` is always ``GeoResult.to_dict()``: the keys
name, lat, lon, country (ISO2 or None), kind, source (``"gazetteer"`` or ``"geocoder:<name>"``)
and raw (the provider's own answer).

Online use is polite by construction: geopy's ``RateLimiter`` semantics (at most one request per
``min_delay_seconds``), retries with exponential back-off on HTTP 429/5xx and timeouts (honouring
``Retry-After``), a timeout per call, and a user agent that is never a sample one.  Clock and sleep
are injectable so tests observe the back-off without sleeping.  Failures become
:class:`~geo.errors.GeocoderError` with a one-line message; :func:`geocode_names` collects them.
"""

from __future__ import annotations

import functools
import inspect
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from timeit import default_timer
from typing import Any, Protocol

from geopy import exc as geopy_exc
from geopy.adapters import RequestsAdapter
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import SERVICE_TO_GEOCODER, get_geocoder_for_service
from geopy.geocoders import options as geopy_options
from geopy.location import Location

from geo.errors import GeocoderError
from geo.places.geocache import GeoCache, cache_key
from geo.settings import DEFAULT_USER_AGENT, Settings

GAZETTEER_SOURCE = "gazetteer"
PUBLIC_NOMINATIM = "nominatim.openstreetmap.org"

# User agents that identify nobody: geopy's default and the samples from geopy's and Nominatim's docs.
SAMPLE_USER_AGENTS = frozenset({
    "", "my-application", "my_app/1", "my_user_agent/1.0", "specify_your_app_name_here",
    "my-app", "myapp", "test", geopy_options.default_user_agent,
})

# ---------------------------------------------------------------------------------------------------
# The result record and the interface
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GeoResult:
    """One place as the pipeline wants it; ``source`` says who answered."""

    name: str
    lat: float
    lon: float
    country: str | None
    kind: str
    source: str
    raw: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GeoResult:
        return cls(name=str(data["name"]), lat=float(data["lat"]), lon=float(data["lon"]),
                   country=data.get("country"), kind=str(data.get("kind") or "feature"),
                   source=str(data["source"]), raw=dict(data.get("raw") or {}))

    def to_location(self) -> Location:
        """A geopy Location whose ``raw`` is this record's dict (so nothing is lost)."""
        return Location(self.name, (self.lat, self.lon), self.to_dict())

    @classmethod
    def from_location(cls, location: Location) -> GeoResult:
        """Inverse of :meth:`to_location` for Locations produced by this module."""
        return cls.from_dict(location.raw)


class Geocoder(Protocol):
    """The one interface (geopy style)."""

    def geocode(self, query: str, *, exactly_one: bool = True,
                country_codes: list[str] | None = None) -> Location | list[Location] | None: ...


def _as_locations(results: list[GeoResult], exactly_one: bool) -> Location | list[Location] | None:
    if not results:
        return None
    if exactly_one:
        return results[0].to_location()
    return [result.to_location() for result in results]


def _country_filter(country_codes: list[str] | None) -> set[str] | None:
    return {code.strip().upper() for code in country_codes} if country_codes else None


# ---------------------------------------------------------------------------------------------------
# Offline: the gazetteer behind the interface
# ---------------------------------------------------------------------------------------------------


_CANDIDATE_EXTRAS = ("id", "geonameid", "population", "admin1")


class OfflineGeocoder:
    """Adapts the offline gazetteer: ``lookup(name)`` returns ranked candidates with attributes
    name, lat, lon, country, kind and optionally id, geonameid, population, admin1 (kept in ``raw``),
    e.g. ``lambda q: load_gazetteer().search(q, limit=10)``."""

    name = GAZETTEER_SOURCE

    def __init__(self, lookup: Callable[[str], Iterable[Any]]) -> None:
        self._lookup = lookup

    def results(self, query: str, *, exactly_one: bool = True,
                country_codes: list[str] | None = None) -> list[GeoResult]:
        wanted = _country_filter(country_codes)
        found = []
        for cand in self._lookup(query.strip()):
            country = getattr(cand, "country", None)
            if wanted is not None and (country or "").upper() not in wanted:
                continue
            found.append(GeoResult(
                name=cand.name, lat=float(cand.lat), lon=float(cand.lon), country=country,
                kind=getattr(cand, "kind", None) or "feature", source=GAZETTEER_SOURCE,
                raw={attr: getattr(cand, attr, None) for attr in _CANDIDATE_EXTRAS}))
            if exactly_one:
                break
        return found

    def geocode(self, query: str, *, exactly_one: bool = True,
                country_codes: list[str] | None = None) -> Location | list[Location] | None:
        return _as_locations(self.results(query, exactly_one=exactly_one, country_codes=country_codes),
                             exactly_one)


# ---------------------------------------------------------------------------------------------------
# Online: a geopy geocoder, built by name, behind rate limiting and back-off
# ---------------------------------------------------------------------------------------------------


def geocoder_names() -> list[str]:
    """Every geocoder name geopy knows (valid values of GEO_GEOCODER / --geocoder)."""
    return sorted(SERVICE_TO_GEOCODER)


def _accepted_params(func: Callable[..., Any]) -> set[str]:
    return set(inspect.signature(func).parameters)


def check_user_agent(user_agent: str, *, provider: str = "nominatim", domain: str | None = None) -> str:
    """The agent, stripped; GeocoderError for sample agents, and for the public Nominatim server
    also for this project's shared default (its policy asks every deployment to identify itself)."""
    agent = (user_agent or "").strip()
    how = ("set GEO_USER_AGENT or --user-agent to your application's name and a contact, "
           "e.g. 'newsroom-map/1.0 (desk@example.org)'")
    if agent in SAMPLE_USER_AGENTS or agent.lower().startswith("geopy/"):
        raise GeocoderError(f"user agent {agent!r} is a sample/default one that identifies nobody; {how}.")
    if provider == "nominatim" and (domain or PUBLIC_NOMINATIM).strip("/") == PUBLIC_NOMINATIM \
            and agent == DEFAULT_USER_AGENT:
        raise GeocoderError(f"the public Nominatim server needs a user agent of your own, not the shared "
                            f"default {agent!r}; {how}.")
    return agent


def build_geopy_geocoder(name: str = "nominatim", options: dict[str, Any] | None = None,
                         user_agent: str | None = None, *, timeout: float | None = None) -> Any:
    """A geopy geocoder made by ``get_geocoder_for_service(name)(**options)`` with a checked user agent.

    Bad names, options or agents raise GeocoderError listing the valid choices.
    """
    key = (name or "").strip().lower()
    try:
        cls = get_geocoder_for_service(key)
    except geopy_exc.GeocoderNotFound:
        raise GeocoderError(f"unknown geocoder {name!r}; choose one of: {', '.join(geocoder_names())}.") from None
    kwargs = dict(options or {})
    agent = user_agent if user_agent is not None else kwargs.pop("user_agent", DEFAULT_USER_AGENT)
    kwargs.pop("user_agent", None)
    accepted = _accepted_params(cls.__init__) - {"self"}
    agent = check_user_agent(agent, provider=key, domain=kwargs.get("domain"))
    if "user_agent" in accepted:
        kwargs["user_agent"] = agent
    if timeout is not None and "timeout" in accepted:
        kwargs.setdefault("timeout", timeout)
    if "adapter_factory" in accepted and geopy_options.default_adapter_factory is RequestsAdapter:
        # geopy's RequestsAdapter lets urllib3 retry twice on its own (even sleeping for Retry-After);
        # every retry must go through our rate limiter and back-off instead.
        kwargs.setdefault("adapter_factory", functools.partial(RequestsAdapter, max_retries=0))
    unknown = sorted(set(kwargs) - accepted)
    if unknown:
        raise GeocoderError(f"geocoder {key!r} does not take option(s) {', '.join(unknown)}; "
                            f"it takes: {', '.join(sorted(accepted))}.")
    try:
        return cls(**kwargs)
    except TypeError as err:
        raise GeocoderError(f"geocoder {key!r} needs other options ({err}); "
                            f"it takes: {', '.join(sorted(accepted))}.") from None
    except geopy_exc.ConfigurationError as err:
        raise GeocoderError(f"geocoder {key!r} is not configured: {_first_line(str(err))}") from None


def _is_transient(err: BaseException) -> bool:
    """Worth retrying: 429, 5xx, timeouts, unreachable (geopy maps 500/502 to bare GeocoderServiceError)."""
    return isinstance(err, geopy_exc.GeocoderRateLimited | geopy_exc.GeocoderTimedOut
                      | geopy_exc.GeocoderUnavailable) or type(err) is geopy_exc.GeocoderServiceError


class BackoffRateLimiter(RateLimiter):
    """geopy's RateLimiter (one request slot per ``min_delay_seconds``, thread-safe) plus exponential
    back-off: the n-th retry waits ``error_wait_seconds * backoff_factor**n`` (at least Retry-After,
    at most ``max_wait_seconds``).  Only transient errors are retried; the last one is re-raised
    with ``geo_attempts`` set.  ``clock``/``sleep`` are injectable."""

    def __init__(self, func: Callable[..., Any], *, min_delay_seconds: float = 1.0, max_retries: int = 2,
                 error_wait_seconds: float = 1.0, backoff_factor: float = 2.0, max_wait_seconds: float = 60.0,
                 clock: Callable[[], float] | None = None, sleep: Callable[[float], None] | None = None) -> None:
        super().__init__(func, min_delay_seconds=min_delay_seconds, max_retries=max_retries,
                         error_wait_seconds=max(error_wait_seconds, min_delay_seconds),
                         swallow_exceptions=False)
        self.backoff_factor = backoff_factor
        self.max_wait_seconds = max_wait_seconds
        self._clock_fn = clock or default_timer
        self._sleep_fn = sleep or time.sleep

    def _clock(self) -> float:
        return self._clock_fn()

    def _sleep(self, seconds: float) -> None:
        self._sleep_fn(seconds)

    def wait_before_retry(self, retry: int, err: BaseException) -> float:
        """Seconds to wait before retry number ``retry`` (0-based) after ``err``."""
        wait = self.error_wait_seconds * self.backoff_factor ** retry
        retry_after = getattr(err, "retry_after", None)
        if retry_after:
            wait = max(wait, float(retry_after))
        return min(wait, self.max_wait_seconds)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        for attempt in range(self.max_retries + 1):
            self._acquire_request_slot()
            try:
                return self.func(*args, **kwargs)
            except geopy_exc.GeopyError as err:
                if not _is_transient(err) or attempt == self.max_retries:
                    err.geo_attempts = attempt + 1
                    raise
                self._sleep(self.wait_before_retry(attempt, err))
        raise AssertionError("unreachable")  # pragma: no cover


def _first_line(text: str, limit: int = 160) -> str:
    line = (text.strip().splitlines() or [""])[0]
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe_failure(provider: str, query: str, err: BaseException, *, timeout: float | None = None) -> str:
    """One line saying what went wrong with the online geocoder and what to do about it."""
    tries = getattr(err, "geo_attempts", 1)
    after = f" after {tries} attempt{'s' if tries != 1 else ''}"
    detail = _first_line(str(err))
    what = f"online geocoder {provider!r} could not look up {query!r}: "
    if isinstance(err, geopy_exc.GeocoderRateLimited):
        return what + (f"it kept answering HTTP 429 (too many requests){after}; wait a while, raise "
                       "GEO_GEOCODER_MIN_DELAY, or work offline.")
    if isinstance(err, geopy_exc.GeocoderTimedOut):
        limit = f" within {timeout:g} s" if timeout else ""
        return what + (f"no answer{limit}{after} ({detail}); check the network or raise GEO_GEOCODER_TIMEOUT.")
    if isinstance(err, geopy_exc.GeocoderUnavailable):
        return what + (f"the server is unreachable{after} ({detail}); check the network and the "
                       "domain/scheme in GEO_GEOCODER_OPTIONS.")
    if isinstance(err, geopy_exc.GeocoderParseError):
        return what + ("the answer was not valid JSON; check that GEO_GEOCODER_OPTIONS points at a real "
                       f"{provider} server.")
    if isinstance(err, geopy_exc.GeocoderAuthenticationFailure | geopy_exc.GeocoderInsufficientPrivileges):
        return what + f"the server refused our credentials ({detail}); check the key/username in GEO_GEOCODER_OPTIONS."
    if isinstance(err, geopy_exc.GeocoderQuotaExceeded):
        return what + f"the quota is used up ({detail}); try later or switch provider with GEO_GEOCODER."
    if isinstance(err, geopy_exc.GeocoderQueryError):
        return what + f"the server rejected the query ({detail})."
    if isinstance(err, geopy_exc.GeopyError):
        return what + f"the server failed{after} ({detail}); try again later or work offline."
    return what + f"the answer had an unexpected shape ({type(err).__name__}: {detail})."


_KINDS = {
    "country": "country", "continent": "continent",
    "state": "region", "province": "region", "region": "region",
    "city": "city", "town": "city", "village": "city", "hamlet": "city", "municipality": "city",
    # GeoNames feature codes
    "PCLI": "country", "PCLD": "country", "PCLS": "country", "CONT": "continent", "ADM1": "region",
}


def _online_kind(raw: dict[str, Any]) -> str:
    props = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
    for value in (raw.get("addresstype"), raw.get("type"), props.get("type"), props.get("osm_value"),
                  raw.get("fcode")):
        if isinstance(value, str):
            if value in _KINDS:
                return _KINDS[value]
            if value.startswith("PPL"):
                return "city"
    return "feature"


def _online_country(raw: dict[str, Any]) -> str | None:
    address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
    props = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
    for value in (address.get("country_code"), props.get("countrycode"), raw.get("countryCode")):
        if isinstance(value, str) and len(value) == 2 and value.isalpha():
            return value.upper()
    return None


def _online_name(location: Location, raw: dict[str, Any]) -> str:
    for value in (raw.get("name"), (raw.get("properties") or {}).get("name") if isinstance(
            raw.get("properties"), dict) else None):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return (location.address or "").split(",")[0].strip()


class OnlineGeocoder:
    """A geopy geocoder behind :class:`BackoffRateLimiter`; answers carry ``source="geocoder:<name>"``."""

    def __init__(self, geocoder: Any, name: str, *, options: dict[str, Any] | None = None,
                 timeout: float | None = None, min_delay_seconds: float = 1.0, max_retries: int = 2,
                 error_wait_seconds: float = 1.0, backoff_factor: float = 2.0, max_wait_seconds: float = 60.0,
                 clock: Callable[[], float] | None = None, sleep: Callable[[float], None] | None = None) -> None:
        self.geocoder = geocoder
        self.name = name
        self.source = f"geocoder:{name}"
        self.options = dict(options or {})
        self.timeout = timeout if timeout is not None else getattr(geocoder, "timeout", None)
        self.limiter = BackoffRateLimiter(
            geocoder.geocode, min_delay_seconds=min_delay_seconds, max_retries=max_retries,
            error_wait_seconds=error_wait_seconds, backoff_factor=backoff_factor,
            max_wait_seconds=max_wait_seconds, clock=clock, sleep=sleep)
        params = _accepted_params(geocoder.geocode)
        self._takes_country_codes = "country_codes" in params
        self._takes_addressdetails = "addressdetails" in params

    def cache_key(self, query: str, *, exactly_one: bool = True, country_codes: list[str] | None = None) -> str:
        """The cache key of one question to this provider (provider + normalised query + options)."""
        codes = sorted(_country_filter(country_codes) or [])
        return cache_key(self.name, query, self.options, exactly_one=exactly_one, country_codes=codes)

    def results(self, query: str, *, exactly_one: bool = True,
                country_codes: list[str] | None = None) -> list[GeoResult]:
        """Ask the provider; GeocoderError with a one-line message when it fails."""
        kwargs: dict[str, Any] = {"exactly_one": exactly_one}
        if country_codes and self._takes_country_codes:
            kwargs["country_codes"] = [code.lower() for code in country_codes]
        if self._takes_addressdetails:
            kwargs["addressdetails"] = True
        try:
            answer = self.limiter(query.strip(), **kwargs)
            locations = [] if answer is None else [answer] if isinstance(answer, Location) else list(answer)
            wanted = _country_filter(country_codes)
            found = []
            for location in locations:
                raw = location.raw if isinstance(location.raw, dict) else {}
                country = _online_country(raw)
                if wanted is not None and country is not None and country not in wanted:
                    continue
                found.append(GeoResult(name=_online_name(location, raw), lat=float(location.latitude),
                                       lon=float(location.longitude), country=country,
                                       kind=_online_kind(raw), source=self.source, raw=raw))
            return found
        except (geopy_exc.GeopyError, KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
            raise GeocoderError(describe_failure(self.name, query, err, timeout=self.timeout)) from err

    def geocode(self, query: str, *, exactly_one: bool = True,
                country_codes: list[str] | None = None) -> Location | list[Location] | None:
        return _as_locations(self.results(query, exactly_one=exactly_one, country_codes=country_codes),
                             exactly_one)


def online_geocoder(name: str = "nominatim", options: dict[str, Any] | None = None,
                    user_agent: str | None = None, *, timeout: float = 10.0, min_delay_seconds: float = 1.0,
                    max_retries: int = 2, error_wait_seconds: float = 1.0,
                    clock: Callable[[], float] | None = None,
                    sleep: Callable[[float], None] | None = None) -> OnlineGeocoder:
    """An online geocoder by geopy name, rate-limited (<= 1 request per ``min_delay_seconds``),
    retrying 429/5xx/timeouts with exponential back-off, ``timeout`` seconds per call."""
    key = (name or "").strip().lower()
    geocoder = build_geopy_geocoder(key, options, user_agent, timeout=timeout)
    cache_options = {k: v for k, v in (options or {}).items() if k != "user_agent"}
    return OnlineGeocoder(geocoder, key, options=cache_options, timeout=timeout,
                          min_delay_seconds=min_delay_seconds, max_retries=max_retries,
                          error_wait_seconds=error_wait_seconds, clock=clock, sleep=sleep)


# ---------------------------------------------------------------------------------------------------
# The chain and the pipeline's entry point
# ---------------------------------------------------------------------------------------------------


class GeocoderChain:
    """Offline first; if it has no answer and an online geocoder is set, the cache, then the network.

    Every online answer, "no result" included, is cached with its time; errors are not cached.
    """

    def __init__(self, offline: OfflineGeocoder, online: OnlineGeocoder | None = None,
                 cache: GeoCache | None = None) -> None:
        self.offline = offline
        self.online = online
        self.cache = cache

    def results(self, query: str, *, exactly_one: bool = True, country_codes: list[str] | None = None,
                allow_network: bool = True) -> list[GeoResult]:
        """Answers for ``query`` (possibly empty). GeocoderError if the online provider fails."""
        found = self.offline.results(query, exactly_one=exactly_one, country_codes=country_codes)
        if found or self.online is None or not query.strip():
            return found
        key = self.online.cache_key(query, exactly_one=exactly_one, country_codes=country_codes)
        if self.cache is not None:
            entry = self.cache.get(key)
            if entry is not None and isinstance(entry.answer, list):
                try:
                    return [GeoResult.from_dict(item) for item in entry.answer]
                except (KeyError, TypeError, ValueError):
                    pass  # an unreadable row is a miss; the fresh answer replaces it
        if not allow_network:
            return []
        found = self.online.results(query, exactly_one=exactly_one, country_codes=country_codes)
        if self.cache is not None:
            self.cache.put(key, [result.to_dict() for result in found], provider=self.online.name, query=query)
        return found

    def geocode(self, query: str, *, exactly_one: bool = True,
                country_codes: list[str] | None = None) -> Location | list[Location] | None:
        return _as_locations(self.results(query, exactly_one=exactly_one, country_codes=country_codes),
                             exactly_one)


def geocode_names(names: list[str], chain: GeocoderChain, *,
                  errors: list[str] | None = None) -> dict[str, GeoResult | None]:
    """Best answer per name (None when nobody could place it).

    Online failures never raise: their one-line messages are appended to ``errors``.  After a
    transient failure (timeout, unreachable, 429/5xx after retries) the remaining names are looked
    up offline and in the cache only, so a dead server costs one round of retries, not one per name.
    """
    messages = errors if errors is not None else []
    out: dict[str, GeoResult | None] = {}
    network = True
    skipped: list[str] = []
    for name in names:
        if name in out:
            continue
        try:
            found = chain.results(name, allow_network=network)
        except GeocoderError as err:
            messages.append(str(err))
            out[name] = None
            if _is_transient(err.__cause__):
                network = False
            continue
        out[name] = found[0] if found else None
        if not network and not found and chain.online is not None:
            skipped.append(name)
    if skipped:
        shown = ", ".join(repr(n) for n in skipped[:5]) + (" …" if len(skipped) > 5 else "")
        messages.append(f"online geocoder skipped for {len(skipped)} more name(s) after that failure: {shown}")
    return out


_SHARED: dict[str, OnlineGeocoder] = {}
_SHARED_LOCK = threading.Lock()


def chain_from_settings(settings: Settings, *, gazetteer_lookup: Callable[[str], Iterable[Any]],
                        cache: GeoCache | None = None, clock: Callable[[], float] | None = None,
                        sleep: Callable[[float], None] | None = None) -> GeocoderChain:
    """The chain the CLI and app use.  Online off: gazetteer only (no cache, no sockets).
    Online on: the configured geopy geocoder (one shared instance, hence one rate limiter, per
    process and configuration) and the SQLite cache under ``cache_dir()`` unless ``cache`` is given.
    Bad geocoder settings raise GeocoderError at once, not per name."""
    offline = OfflineGeocoder(gazetteer_lookup)
    if not settings.online:
        return GeocoderChain(offline)
    config = dict(name=settings.geocoder, options=settings.geocoder_options, user_agent=settings.user_agent,
                  timeout=settings.geocoder_timeout, min_delay_seconds=settings.geocoder_min_delay,
                  max_retries=settings.geocoder_max_retries)
    if clock is not None or sleep is not None:
        online = online_geocoder(**config, clock=clock, sleep=sleep)
    else:
        key = json.dumps(config, sort_keys=True, default=str)
        with _SHARED_LOCK:
            online = _SHARED.get(key)
            if online is None:
                online = _SHARED[key] = online_geocoder(**config)
    return GeocoderChain(offline, online, cache if cache is not None else GeoCache())
