"""Settings read from the environment: one table of names, defaults and help text (datasette style).

The CLI and the app start from :func:`load_settings` and override single fields with
``dataclasses.replace(settings, online=True)``; nothing else in the project reads ``os.environ``
for these values.  ``GEO_CACHE_DIR`` is handled by :mod:`geo.paths`.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from geo import __version__
from geo.errors import InputError

DEFAULT_USER_AGENT = f"geo-news-map/{__version__}"


@dataclass(frozen=True)
class Setting:
    """One row of the settings table."""

    name: str
    env: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("online", "GEO_ONLINE", False,
            "Ask an online geocoder for names the offline gazetteer cannot place (1/0, true/false)."),
    Setting("geocoder", "GEO_GEOCODER", "nominatim",
            "geopy geocoder name: nominatim, photon, arcgis, geonames, ... (any geopy service name)."),
    Setting("geocoder_options", "GEO_GEOCODER_OPTIONS", {},
            'JSON object passed to the geopy geocoder, e.g. {"domain": "127.0.0.1:8080", "scheme": "http"}.'),
    Setting("user_agent", "GEO_USER_AGENT", DEFAULT_USER_AGENT,
            "User-Agent sent to the geocoder: your application's name and a contact. geopy's sample agents are "
            "refused, and the public Nominatim server needs one of your own (not this default)."),
    Setting("geocoder_timeout", "GEO_GEOCODER_TIMEOUT", 10.0,
            "Seconds to wait for one geocoder answer before giving up on that attempt."),
    Setting("geocoder_min_delay", "GEO_GEOCODER_MIN_DELAY", 1.0,
            "Minimum seconds between two geocoder requests (Nominatim's policy: at most 1 request per second)."),
    Setting("geocoder_max_retries", "GEO_GEOCODER_MAX_RETRIES", 2,
            "Retries after HTTP 429/5xx or a timeout, with exponential back-off."),
    Setting("allow_private_urls", "GEO_ALLOW_PRIVATE_URLS", False,
            "Let the URL fetcher reach loopback/private/link-local addresses (off: refused, against SSRF)."),
    Setting("fetch_timeout", "GEO_FETCH_TIMEOUT", 15.0,
            "Seconds allowed for fetching an article URL."),
    Setting("fetch_max_bytes", "GEO_FETCH_MAX_BYTES", 5_000_000,
            "Largest article download accepted, in bytes."),
    Setting("store_url", "GEO_STORE_URL", "",
            "Where share links and corrections are stored: empty for a SQLite file in the cache folder, "
            "postgresql://user:password@host:5432/dbname for one database shared by several app servers."),
    Setting("dask_scheduler", "GEO_DASK_SCHEDULER", "",
            "Corpus mode: tcp://HOST:PORT of a running Dask scheduler; empty for a local cluster on this machine, "
            "'inline' for this process only."),
    Setting("dask_timeout", "GEO_DASK_TIMEOUT", 10.0,
            "Corpus mode: seconds to wait for the Dask scheduler before giving up."),
    Setting("language", "GEO_LANGUAGE", "auto",
            "The articles' language: auto (detected from each text; English unless it clearly is another) or "
            "one of en, ru, uk, fr, de, es, ko."),
)
# The languages an article may be read in (geo.parse.language detects among them).
ARTICLE_LANGUAGES = ("en", "ru", "uk", "fr", "de", "es", "ko")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_bool(text: str, env: str = "value") -> bool:
    """'1/true/yes/on' -> True, '0/false/no/off/' -> False, anything else -> InputError."""
    word = text.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise InputError(f"{env}={text!r} is not a yes/no value; use 1 or 0.")


def parse_options(text: str, env: str = "geocoder options") -> dict[str, Any]:
    """A JSON object (the geocoder's keyword options); anything else -> InputError."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{env} is not valid JSON ({err.msg} at char {err.pos}); "
                         'write a JSON object such as {"domain": "127.0.0.1:8080"}.') from None
    if not isinstance(value, dict):
        raise InputError(f"{env} must be a JSON object, got {type(value).__name__}; "
                         'write e.g. {"domain": "127.0.0.1:8080"}.')
    return value


def _number(kind: type) -> Callable[[str, str], Any]:
    def parse(text: str, env: str) -> Any:
        try:
            value = kind(text.strip())
        except ValueError:
            raise InputError(f"{env}={text!r} is not a {kind.__name__}.") from None
        if not math.isfinite(value) or value < 0:
            raise InputError(f"{env}={text!r} must be a finite number, not negative.")
        return value
    return parse


def parse_store_url(text: str, env: str = "GEO_STORE_URL") -> str:
    """'' (SQLite in the cache folder), sqlite:///PATH or postgresql://...; anything else -> InputError."""
    url = text.strip()
    if url and not url.startswith(("postgresql://", "postgres://", "sqlite:///")):
        raise InputError(f"{env} must be empty, sqlite:///PATH or postgresql://user:password@host:port/dbname "
                         f"(got one starting {url.split(':', 1)[0][:20]!r}).")
    return url


def _text(text: str, env: str) -> str:
    return text.strip()


def parse_language(text: str, env: str = "GEO_LANGUAGE") -> str:
    """'auto' or a language code of :data:`ARTICLE_LANGUAGES`; anything else -> InputError."""
    code = text.strip().lower() or "auto"
    if code != "auto" and code not in ARTICLE_LANGUAGES:
        raise InputError(f"{env}={text!r} is not a language this project reads; use auto or one of "
                         f"{', '.join(ARTICLE_LANGUAGES)}.")
    return code


_PARSERS: dict[str, Callable[[str, str], Any]] = {
    "online": parse_bool,
    "geocoder": lambda text, env: text.strip().lower(),
    "geocoder_options": parse_options,
    "user_agent": _text,
    "geocoder_timeout": _number(float),
    "geocoder_min_delay": _number(float),
    "geocoder_max_retries": _number(int),
    "allow_private_urls": parse_bool,
    "fetch_timeout": _number(float),
    "fetch_max_bytes": _number(int),
    "store_url": lambda text, env: parse_store_url(text, env),
    "dask_scheduler": _text,
    "dask_timeout": _number(float),
    "language": parse_language,
}


@dataclass(frozen=True)
class Settings:
    """Effective settings. Field names match ``Setting.name`` in :data:`SETTINGS`."""

    online: bool = False
    geocoder: str = "nominatim"
    geocoder_options: dict[str, Any] = field(default_factory=dict)
    user_agent: str = DEFAULT_USER_AGENT
    geocoder_timeout: float = 10.0
    geocoder_min_delay: float = 1.0
    geocoder_max_retries: int = 2
    allow_private_urls: bool = False
    fetch_timeout: float = 15.0
    fetch_max_bytes: int = 5_000_000
    store_url: str = ""
    dask_scheduler: str = ""
    dask_timeout: float = 10.0
    language: str = "auto"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default ``os.environ``); unset or empty variables keep their defaults.

    A malformed value raises :class:`InputError` naming the variable.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = env.get(setting.env)
        if raw is None or (raw.strip() == "" and setting.name != "online"):
            continue
        values[setting.name] = _PARSERS[setting.name](raw, setting.env)
    return Settings(**values)


def describe_settings() -> str:
    """The settings table as plain text, for ``--help`` epilogues and the README."""
    width = max(len(s.env) for s in SETTINGS)
    lines = []
    for setting in SETTINGS:
        default = json.dumps(setting.default) if not isinstance(setting.default, str) else setting.default
        lines.append(f"{setting.env.ljust(width)}  {setting.help} (default: {default})")
    return "\n".join(lines)

