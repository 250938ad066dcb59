"""Fetch an article from a URL under the operator's policy (geo/settings.py), then read it.

Only http and https; no credentials in URLs. ``fetch_timeout`` is one deadline for the whole request:
every receive (status line, headers, chunk sizes, trailers, body) gets only the time left, and the bytes
read, framing included, are counted against :func:`read_budget`. Unless ``allow_private_urls`` is set, a
host whose DNS answers include any non-public address (see :mod:`geo.parse.addresses`: loopback, private,
special-purpose, and IPv6 forms carrying such an IPv4 address) is refused, and the connection goes to the very
address that was checked (no second DNS lookup an attacker could answer differently). Each redirect
is checked the same way. Every failure is a :class:`~geo.errors.FetchError` with a one-line message.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from geo.errors import FetchError, InputError
from geo.parse.addresses import is_public_address
from geo.parse.model import Article
from geo.settings import Settings

MAX_REDIRECTS = 5
MAX_URL_CHARS = 2000
CHUNK = 64 * 1024
TEXT_TYPES = {
    "text/html": "x.html",
    "application/xhtml+xml": "x.html",
    "text/plain": "x.txt",
    "text/markdown": "x.md",
    "text/x-markdown": "x.md",
}

Resolver = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class Target:
    """A checked URL: scheme, host, port, the path to request, and the address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    path: str
    address: str


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (FetchError when it gives none)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(
            f"cannot resolve {host} ({exc.__class__.__name__}): check the address, "
            "or the server may be offline (no network)"
        ) from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_url(url: str, settings: Settings, resolver: Resolver = system_resolver) -> Target:
    """Validate ``url`` against the fetch policy and resolve it; FetchError says what was refused and why."""
    url = (url or "").strip()
    if not url:
        raise FetchError("no URL given: paste the address of an article (http:// or https://)")
    if len(url) > MAX_URL_CHARS:
        raise FetchError(f"the URL is longer than {MAX_URL_CHARS} characters: use the article's plain address")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"the URL is malformed ({exc}): copy it again from the browser's address bar") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"only http:// and https:// URLs can be fetched (got {scheme or 'no scheme'}:)")
    if parts.username or parts.password:
        raise FetchError("URLs with a user name or password are refused: remove the part before '@'")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchError("the URL has no host name: write it as https://example.org/article")
    port = port or (443 if scheme == "https" else 80)
    addresses = resolver(host, port)
    if not addresses:
        raise FetchError(f"cannot resolve {host}: the name has no address")
    if not settings.allow_private_urls:
        for address in addresses:
            if not is_public_address(address):
                where = "it is" if address == host else f"it resolves to {address},"
                raise FetchError(
                    f"refused to fetch {host}: {where} not a public address (loopback, private, link-local or "
                    "special-purpose, or an IPv6 form of one); set GEO_ALLOW_PRIVATE_URLS=1 to allow local servers"
                )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(url=url, scheme=scheme, host=host, port=port, path=path, address=addresses[0])


HEADER_ALLOWANCE = 64 * 1024  # status line, headers, chunk-size lines and trailers on top of the body limit


def read_budget(max_bytes: int) -> int:
    """Most bytes read from the server for one response: the body limit plus room for headers and framing."""
    return max_bytes + max_bytes // 8 + HEADER_ALLOWANCE


class Meter:
    """The request's deadline and byte budget, checked on every receive; counts what was read."""

    def __init__(self, url: str, settings: Settings):
        self.url = url
        self.timeout = settings.fetch_timeout
        self.deadline = time.monotonic() + settings.fetch_timeout
        self.budget = read_budget(settings.fetch_max_bytes)
        self.bytes_read = 0
        self.receives = 0

    def remaining(self) -> float:
        """Seconds left before the deadline; FetchError once it has passed."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise FetchError(f"fetching {self.url} took longer than {self.timeout:g} s: "
                             "the server is too slow; try again later, or paste the text")
        return left

    def count(self, n: int) -> None:
        self.receives += 1
        self.bytes_read += n
        if self.bytes_read > self.budget:
            raise FetchError(f"the server at {self.url} sent more than {self.budget:,} bytes (headers and "
                             "framing included): paste the article text instead")


class _MeteredSocketIO(io.RawIOBase):
    """Raw reads from a socket, each one bounded by the request's deadline and counted against its budget.

    http.client reads the status line, headers, chunk sizes, trailers and body through this, so no part
    of a response can outlast the deadline or exceed the budget, however the server trickles it.
    """

    def __init__(self, sock: socket.socket, raw: io.RawIOBase, meter: Meter):
        super().__init__()
        self._sock, self._raw, self._meter = sock, raw, meter

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int | None:  # noqa: ANN001 - a writable buffer
        self._sock.settimeout(self._meter.remaining())
        n = self._raw.readinto(buffer)
        self._meter.count(n or 0)
        return n

    def close(self) -> None:
        self._raw.close()  # the socket's file: closing it releases the socket
        super().close()


class _MeteredResponse(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, meter: Meter, **kwargs) -> None:  # noqa: ANN003
        super().__init__(sock, **kwargs)
        raw = self.fp.detach()  # http.client's socket file (it keeps the socket open): now read through the meter
        self.fp = io.BufferedReader(_MeteredSocketIO(sock, raw, meter), 8192)


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to an address that was already checked, with the URL's host in the Host header."""

    def __init__(self, target: Target, meter: Meter):
        super().__init__(target.host, target.port, timeout=meter.remaining())
        self._address, self._meter = target.address, meter
        self.response_class = lambda sock, **kw: _MeteredResponse(sock, meter, **kw)

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self._meter.remaining())
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address; the certificate is verified for the URL's host name."""

    def __init__(self, target: Target, meter: Meter):
        super().__init__(target.host, target.port, timeout=meter.remaining(), context=ssl.create_default_context())
        self._address, self._meter = target.address, meter
        self.response_class = lambda sock, **kw: _MeteredResponse(sock, meter, **kw)

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self._meter.remaining())
        sock.settimeout(self._meter.remaining())  # the handshake as a whole (CPython bounds it by one deadline)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _read_body(response: http.client.HTTPResponse, url: str, settings: Settings) -> bytes:
    limit = settings.fetch_max_bytes
    declared = response.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > limit:
        raise FetchError(f"the page at {url} is {int(declared):,} bytes, over the {limit:,}-byte limit: "
                         "paste the article text instead")
    body = bytearray()  # one buffer: a million tiny chunks cost their bytes, not a million objects
    while True:
        chunk = response.read1(min(CHUNK, limit + 1 - len(body)))
        if not chunk:
            break
        body += chunk
        if len(body) > limit:
            raise FetchError(f"the page at {url} is over the {limit:,}-byte limit: paste the article text instead")
    return bytes(body)


def fetch_bytes(url: str, settings: Settings, *, resolver: Resolver = system_resolver,
                meter: Meter | None = None) -> tuple[str, str, bytes]:
    """GET ``url`` under the policy, following checked redirects; returns (final url, content type, body).

    ``settings.fetch_timeout`` is a deadline for the whole request, redirects included, and at most
    :func:`read_budget` bytes are read from the servers; ``meter`` (optional) reports what was read.
    """
    meter = meter or Meter(url, settings)
    for _ in range(MAX_REDIRECTS + 1):
        target = check_url(url, settings, resolver)
        meter.url, meter.bytes_read = url, 0  # the budget is per response, the deadline for the whole fetch
        conn_class = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
        conn = conn_class(target, meter)
        try:
            conn.request("GET", target.path, headers={
                "User-Agent": settings.user_agent,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9",
                "Accept-Encoding": "identity",
            })
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"{url} redirects without saying where (HTTP {response.status})")
                url = urljoin(url, location.strip())
                continue
            if response.status != 200:
                raise FetchError(f"{url} answered HTTP {response.status} {response.reason}: "
                                 "check the address, or paste the article text")
            ctype = (response.getheader("Content-Type") or "text/html").split(";")[0].strip().lower()
            if ctype not in TEXT_TYPES:
                raise FetchError(f"{url} is {ctype}, not a web page or text: give the address of the article page")
            return url, ctype, _read_body(response, url, settings)
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError(f"fetching {url} took longer than {settings.fetch_timeout:g} s: "
                             "the server may be offline; try again later, or paste the text") from None
        except ssl.SSLError as exc:
            raise FetchError(f"the secure connection to {target.host} failed ({exc.reason or exc}): "
                             "check the address") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"cannot fetch {url} ({exc.__class__.__name__}: {exc}): the server may be offline "
                             "or there is no network; paste the article text instead") from None
        finally:
            conn.close()
    raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times: give the article's final address")


def fetch_article(url: str, settings: Settings, *, resolver: Resolver = system_resolver) -> Article:
    """Fetch ``url`` and read the article in it (source ``url``); FetchError or InputError on failure."""
    final_url, ctype, body = fetch_bytes(url, settings, resolver=resolver)
    from geo.parse.article import read_article

    try:
        return read_article(body, filename=TEXT_TYPES[ctype], source="url", url=final_url,
                            max_bytes=settings.fetch_max_bytes)
    except InputError as exc:
        raise InputError(f"the page at {final_url} has no readable article: {exc}") from None
