"""HTTPS on loopback with a throwaway self-signed certificate (made by Debian's openssl): the certificate is
verified for the URL's host name, and the deadline and the read budget hold over TLS as over plain HTTP."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator

import pytest

from geo.errors import FetchError
from geo.parse import fetch
from geo.settings import Settings

pytestmark = pytest.mark.server

BODY = b"Harbour news\n\nA ferry left Tallinn for Helsinki in calm weather.\n"
SETTINGS = Settings(allow_private_urls=True, fetch_timeout=1.0, fetch_max_bytes=100_000)


def loopback(host: str, port: int) -> list[str]:
    """The resolver for these tests: news.example is on loopback."""
    return ["127.0.0.1"]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is needed to make a test certificate: apt-get install openssl")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=news.example", "-addext", "subjectAltName=DNS:news.example"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture
def tls_server(certificate) -> Iterator[Callable[[Callable[[ssl.SSLSocket, threading.Event], None]], str]]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    stop = threading.Event()
    listeners: list[socket.socket] = []

    def start(behaviour: Callable[[ssl.SSLSocket, threading.Event], None]) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def run() -> None:
            try:
                raw, _ = listener.accept()
                with context.wrap_socket(raw, server_side=True) as conn:
                    request = b""
                    while b"\r\n\r\n" not in request:
                        data = conn.recv(4096)
                        if not data:
                            return
                        request += data
                    behaviour(conn, stop)
            except (OSError, ssl.SSLError):  # the client refused the certificate or gave up: expected
                pass

        threading.Thread(target=run, daemon=True).start()
        return f"https://news.example:{listener.getsockname()[1]}/story"

    yield start
    stop.set()
    for listener in listeners:
        listener.close()


def chunked_article(conn: ssl.SSLSocket, _stop: threading.Event) -> None:
    framed = b"".join(b"%x\r\n%s\r\n" % (len(BODY[i:i + 7]), BODY[i:i + 7]) for i in range(0, len(BODY), 7))
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                 + framed + b"0\r\n\r\n")


@pytest.fixture
def trusted(certificate, monkeypatch) -> None:
    """Trust the throwaway certificate (and nothing else) for this test."""
    make_context = ssl.create_default_context
    monkeypatch.setattr(fetch.ssl, "create_default_context", lambda: make_context(cafile=certificate[0]))


def test_an_unknown_certificate_is_refused(tls_server):
    url = tls_server(chunked_article)
    with pytest.raises(FetchError, match="secure connection to news.example failed.*CERTIFICATE_VERIFY_FAILED"):
        fetch.fetch_bytes(url, SETTINGS, resolver=loopback)


def test_a_trusted_certificate_is_read_through_the_meter(tls_server, trusted):
    url = tls_server(chunked_article)
    meter = fetch.Meter(url, SETTINGS)
    assert fetch.fetch_bytes(url, SETTINGS, resolver=loopback, meter=meter) == (url, "text/plain", BODY)
    assert len(BODY) < meter.bytes_read < 1000 and meter.receives >= 1


def test_the_deadline_holds_over_tls(tls_server, trusted):
    def trickle(conn: ssl.SSLSocket, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 ")
        while not stop.wait(0.2):
            conn.sendall(b"O")

    url = tls_server(trickle)
    meter = fetch.Meter(url, SETTINGS)
    with pytest.raises(FetchError, match="took longer than 1 s"):
        fetch.fetch_bytes(url, SETTINGS, resolver=loopback, meter=meter)
    assert meter.receives <= 1.0 / 0.2 + 3
