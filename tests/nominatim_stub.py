"""A real HTTP server on 127.0.0.1 that speaks Nominatim's ``/search`` JSON API, scripted per query.

Tests say what each query should get, step by step (the last step repeats)::

    with NominatimStub() as stub:
        stub.script("Testville", status(429), hit(place("Testville", 12.5, -3.25, "fr")))
        geopy.geocoders.Nominatim(domain=stub.domain, scheme="http", user_agent="t/1").geocode("Testville")

Steps: :func:`hit`, :func:`empty`, :func:`status`, :func:`slow`, :func:`malformed`, :func:`redirect`.
Unscripted queries get ``stub.default`` (an empty result unless changed).  Every request is recorded.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit


def place(name: str, lat: float, lon: float, country_code: str | None = None,
          addresstype: str = "city", **extra: Any) -> dict[str, Any]:
    """One Nominatim search result (format=json, addressdetails=1), built from test data."""
    result: dict[str, Any] = {
        "place_id": abs(hash((name, lat, lon))) % 10**9, "licence": "test data",
        "osm_type": "relation", "osm_id": 1, "lat": f"{lat}", "lon": f"{lon}",
        "class": "place", "type": addresstype, "addresstype": addresstype, "name": name,
        "display_name": f"{name}, Testland", "importance": 0.5,
        "boundingbox": [f"{lat - 0.1}", f"{lat + 0.1}", f"{lon - 0.1}", f"{lon + 0.1}"],
        "address": {addresstype: name},
    }
    if country_code:
        result["address"]["country_code"] = country_code.lower()
    result.update(extra)
    return result


@dataclass(frozen=True)
class Step:
    """What the server does for one request."""

    status: int = 200
    body: bytes = b"[]"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


def hit(*places: dict[str, Any]) -> Step:
    return Step(body=json.dumps(list(places)).encode())


def empty() -> Step:
    return Step(body=b"[]")


def status(code: int, *, body: str = "", headers: dict[str, str] | None = None) -> Step:
    return Step(status=code, body=body.encode(), headers=tuple((headers or {}).items()))


def slow(seconds: float, then: Step | None = None) -> Step:
    base = then or empty()
    return Step(status=base.status, body=base.body, headers=base.headers, delay=seconds)


def malformed() -> Step:
    return Step(body=b'[{"lat": "12.5", "lon": ')


def redirect(to_query: str, code: int = 302) -> Step:
    """Send the client to the same search for another query (a 'moved' name)."""
    return Step(status=code, body=b"", headers=(("Location", "/search?" + urlencode(
        {"q": to_query, "format": "json", "addressdetails": 1})),))


@dataclass
class Request:
    path: str
    params: dict[str, str]
    headers: dict[str, str]

    @property
    def query(self) -> str:
        return self.params.get("q", "")


@dataclass
class NominatimStub:
    """Start with ``with NominatimStub() as stub`` (or start()/stop()); ``stub.domain`` is host:port."""

    default: list[Step] = field(default_factory=lambda: [empty()])
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._scripts: dict[str, list[Step]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting ---------------------------------------------------------------------------------

    def script(self, query: str, *steps: Step) -> None:
        with self._lock:
            self._scripts[query] = list(steps)

    def count(self, query: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.requests if query is None or r.query == query)

    def _next_step(self, query: str) -> Step:
        with self._lock:
            steps = self._scripts.get(query, self.default)
            return steps.pop(0) if len(steps) > 1 else steps[0]

    # -- lifecycle ---------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        assert self._server is not None, "stub not started"
        return self._server.server_address[1]

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> NominatimStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                url = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
                with stub._lock:
                    stub.requests.append(Request(url.path, params, dict(self.headers.items())))
                if url.path.rstrip("/") != "/search":
                    step = status(404, body='{"error": "not found"}')
                else:
                    step = stub._next_step(params.get("q", ""))
                if step.delay and stub._stopping.wait(step.delay):
                    return
                try:
                    self.send_response(step.status)
                    content_type = "application/json; charset=utf-8"
                    self.send_header("Content-Type", content_type)
                    for name, value in step.headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(step.body)))
                    self.end_headers()
                    self.wfile.write(step.body)
                except OSError:
                    pass  # the client gave up (timeout test)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> NominatimStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
