"""Hostile HTTP servers on loopback (real sockets, one thread each): the fetch timeout is a deadline for the
whole request (status line, headers, chunk sizes, trailers), and what is read from the server is bounded,
not only what is kept."""

from __future__ import annotations

import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator

import pytest

from geo.errors import FetchError
from geo.parse import fetch
from geo.settings import Settings

pytestmark = pytest.mark.server

TIMEOUT = 1.0
MARGIN = 2.0  # generous: the deadline is checked before every receive, so a failure here means minutes, not ms
SETTINGS = Settings(allow_private_urls=True, fetch_timeout=TIMEOUT, fetch_max_bytes=100_000)
CHUNKED = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
ARTICLE = b"Harbour news\n\nA ferry left Tallinn for Helsinki in calm weather.\n"

Behaviour = Callable[[socket.socket, threading.Event], None]


def drip(conn: socket.socket, stop: threading.Event, head: bytes, byte: bytes, every: float) -> None:
    """Send ``head``, then ``byte`` every ``every`` seconds until the client goes away."""
    conn.sendall(head)
    while not stop.wait(every):
        conn.sendall(byte)


def flood(conn: socket.socket, stop: threading.Event, head: bytes, unit: bytes) -> None:
    """Send ``head``, then ``unit`` over and over as fast as the client reads."""
    conn.sendall(head)
    block = unit * (4096 // len(unit))
    while not stop.is_set():
        conn.sendall(block)


CASES: dict[str, Behaviour] = {
    "trickled status line": lambda c, s: drip(c, s, b"HTTP/1.1 200 ", b"O", 0.2),
    "trickled header line": lambda c, s: drip(c, s, b"HTTP/1.1 200 OK\r\nX-Padding: ", b"a", 0.2),
    "endless header lines": lambda c, s: drip(c, s, b"HTTP/1.1 200 OK\r\n", b"X: y\r\n", 0.3),
    "padded chunk-size line": lambda c, s: drip(c, s, CHUNKED + b"40", b"0", 0.2),
    "padded chunk extension": lambda c, s: drip(c, s, CHUNKED + b"10;ext=", b"x", 0.2),
    "endless trailers": lambda c, s: drip(
        c, s, CHUNKED + b"%x\r\n" % len(ARTICLE) + ARTICLE + b"\r\n0\r\n", b"T", 0.5),
}


@pytest.fixture
def serve() -> Iterator[Callable[[Behaviour], str]]:
    """Start a loopback server that reads one request and then runs a behaviour; yields a URL maker."""
    stop = threading.Event()
    listeners: list[socket.socket] = []

    def start(behaviour: Behaviour) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def run() -> None:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                try:
                    request = b""
                    while b"\r\n\r\n" not in request:
                        data = conn.recv(4096)
                        if not data:
                            return
                        request += data
                    behaviour(conn, stop)
                except OSError:  # the client gave up and closed: that is the point
                    pass

        threading.Thread(target=run, daemon=True).start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}/article.txt"

    yield start
    stop.set()
    for listener in listeners:
        listener.close()


@pytest.mark.parametrize("case", sorted(CASES))
def test_slow_parts_of_a_response_cannot_outlast_the_deadline(serve, case):
    url = serve(CASES[case])
    meter = fetch.Meter(url, SETTINGS)
    started = time.monotonic()
    with pytest.raises(FetchError, match=f"took longer than {TIMEOUT:g} s"):
        fetch.fetch_bytes(url, SETTINGS, meter=meter)
    assert time.monotonic() - started < TIMEOUT + MARGIN
    # Each receive got only the time left: a per-receive timeout would have waited through all of them.
    assert meter.receives <= TIMEOUT / 0.2 + 3
    assert meter.bytes_read < 1000


@pytest.mark.parametrize("unit", [b"2\r\nab\r\n", b"1\r\nx\r\n"])
def test_an_endless_body_of_tiny_chunks_is_bounded_by_bytes_read(serve, unit):
    url = serve(lambda c, s: flood(c, s, CHUNKED, unit))
    settings = Settings(allow_private_urls=True, fetch_timeout=30.0, fetch_max_bytes=100_000)
    meter = fetch.Meter(url, settings)
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match=r"sent more than [\d,]+ bytes \(headers and framing included\)"):
            fetch.fetch_bytes(url, settings, meter=meter)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    budget = fetch.read_budget(settings.fetch_max_bytes)
    assert budget < meter.bytes_read <= budget + 8192  # stopped at the budget, one buffer past it at most
    assert peak < 2 * budget  # what is kept is bytes, not one object per tiny chunk


def test_a_body_at_the_limit_in_normal_chunks_still_fits_the_budget(serve):
    body = (b"Quiet day\n\n" + b"Boats stayed in port at Bergen. " * 4000)[:100_000]
    framed = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 1000]), body[i:i + 1000]) for i in range(0, len(body), 1000))

    def send(conn: socket.socket, _stop: threading.Event) -> None:
        conn.sendall(CHUNKED + framed + b"0\r\n\r\n")

    url = serve(send)
    final, ctype, data = fetch.fetch_bytes(url, SETTINGS)
    assert data == body and ctype == "text/plain" and final == url


def test_the_deadline_covers_redirects_too(serve):
    """Two slow hops of 0.6 s each: each alone is inside the 1 s timeout, together they are not."""
    target = serve(lambda c, s: (time.sleep(0.6), c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")))

    def slow_redirect(conn: socket.socket, _stop: threading.Event) -> None:
        time.sleep(0.6)
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n\r\n" % target.encode())

    url = serve(slow_redirect)
    with pytest.raises(FetchError, match="took longer than 1 s"):
        fetch.fetch_bytes(url, SETTINGS)
