"""URL fetching against a real loopback HTTP server: policy (schemes, private addresses, redirects),
time and size limits, offline failures, and the article read from the page."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from geo.errors import FetchError, InputError
from geo.parse import fetch
from geo.settings import Settings

pytestmark = pytest.mark.server

PAGE = (
    b"<!DOCTYPE html><html><head><title>Ferry resumes between Helsinki and Tallinn</title></head><body>"
    b"<nav>Home | World</nav><article><h1>Ferry resumes between Helsinki and Tallinn</h1>"
    b"<p>The first ferry of the season left Helsinki on Tuesday morning with a full passenger deck.</p>"
    b"<p>Port officials in Tallinn said the crossing took just over two hours in calm weather.</p>"
    b"</article></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen_hosts: list[str] = []

    def log_message(self, *_args) -> None:
        pass

    def send(self, code: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8", **headers) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(headers.pop("length", len(body))))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        Handler.seen_hosts.append(self.headers.get("Host", ""))
        path = self.path
        if path == "/article.html":
            self.send(200, PAGE)
        elif path == "/plain.txt":
            self.send(200, b"Quiet day\n\nFishing boats stayed in port at Bergen.", "text/plain; charset=utf-8")
        elif path == "/to-article":
            self.send(302, Location="/article.html")
        elif path == "/to-file":
            self.send(302, Location="file:///etc/passwd")
        elif path == "/to-metadata":
            self.send(302, Location="http://169.254.169.254/latest/meta-data/")
        elif path == "/loop":
            self.send(302, Location="/loop")
        elif path == "/declared-big":
            self.send(200, b"x", length=10_000_000)
        elif path == "/streamed-big":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"<p>" + b"y" * 4096 + b"</p>")
            except OSError:
                pass
            self.close_connection = True
        elif path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(40):  # a slow drip: each byte well inside a socket timeout
                    self.wfile.write(b"z")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass
        elif path == "/image.png":
            self.send(200, b"\x89PNG\r\n\x1a\n", "image/png")
        elif path == "/empty.html":
            self.send(200, b"<html><body></body></html>")
        else:
            self.send(404, b"not here")


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


ALLOW = Settings(allow_private_urls=True, fetch_timeout=5.0, fetch_max_bytes=200_000)
DEFAULT = Settings()


def test_fetches_and_reads_an_html_article(server):
    article = fetch.fetch_article(server + "/article.html", ALLOW)
    assert article.title == "Ferry resumes between Helsinki and Tallinn"
    assert article.source == "url" and article.url == server + "/article.html"
    assert "Helsinki on Tuesday" in article.text and "Home | World" not in article.text
    assert len(article.passages) == 2


def test_plain_text_pages_are_read_as_text(server):
    article = fetch.fetch_article(server + "/plain.txt", ALLOW)
    assert article.title == "Quiet day" and "Bergen" in article.text


def test_loopback_is_refused_by_default(server):
    Handler.seen_hosts.clear()
    with pytest.raises(FetchError, match=r"refused to fetch 127\.0\.0\.1.*GEO_ALLOW_PRIVATE_URLS"):
        fetch.fetch_article(server + "/article.html", DEFAULT)
    assert Handler.seen_hosts == []  # refused before any connection


def test_a_name_whose_dns_answer_is_private_is_refused_and_pinned_when_allowed(server):
    port = server.rsplit(":", 1)[1]
    url = f"http://news.example:{port}/article.html"
    rebinding = lambda host, _port: ["8.8.8.8", "127.0.0.1"]  # noqa: E731 - one public, one private answer
    with pytest.raises(FetchError, match="resolves to 127.0.0.1"):
        fetch.check_url(url, DEFAULT, resolver=rebinding)
    Handler.seen_hosts.clear()
    article = fetch.fetch_article(url, ALLOW, resolver=lambda host, _port: ["127.0.0.1"])
    assert "Tallinn" in article.text
    assert Handler.seen_hosts == [f"news.example:{port}"]  # connected to the checked address, Host kept


@pytest.mark.parametrize("address,public", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    ("::1", False), ("fe80::1%eth0", False), ("fc00::1", False), ("::ffff:127.0.0.1", False),
    ("::ffff:10.0.0.1", False), ("8.8.8.8", True), ("2606:4700:4700::1111", True), ("::ffff:8.8.8.8", True),
])
def test_address_classes(address, public):
    assert fetch.is_public_address(address) is public


@pytest.mark.parametrize("url,message", [
    ("", "no URL"), ("ftp://example.org/a", "only http"), ("file:///etc/passwd", "only http"),
    ("javascript:alert(1)", "only http"), ("example.org/article", "only http"),
    ("http://user:pw@example.org/", "user name or password"), ("http:///path", "no host"),
    ("http://example.org:99999/", "malformed"), ("http://x/" + "a" * 3000, "longer than"),
])
def test_malformed_or_forbidden_urls(url, message):
    with pytest.raises(FetchError, match=message):
        fetch.check_url(url, DEFAULT, resolver=lambda host, port: ["8.8.8.8"])


def test_redirects_are_followed_and_rechecked(server, monkeypatch):
    assert fetch.fetch_article(server + "/to-article", ALLOW).url == server + "/article.html"
    with pytest.raises(FetchError, match="only http"):
        fetch.fetch_article(server + "/to-file", ALLOW)
    with pytest.raises(FetchError, match="more than 5 times"):
        fetch.fetch_article(server + "/loop", ALLOW)
    # The operator trusts only this loopback server: the redirect to the metadata address is still refused.
    monkeypatch.setattr(fetch, "is_public_address", lambda address: address == "127.0.0.1")
    with pytest.raises(FetchError, match="refused to fetch 169.254.169.254"):
        fetch.fetch_article(server + "/to-metadata", DEFAULT)


def test_size_limits(server):
    with pytest.raises(FetchError, match="10,000,000 bytes, over the 200,000-byte limit"):
        fetch.fetch_article(server + "/declared-big", ALLOW)
    with pytest.raises(FetchError, match="over the 200,000-byte limit"):
        fetch.fetch_article(server + "/streamed-big", ALLOW)


def test_time_limit_holds_against_a_slow_drip(server):
    started = time.monotonic()
    with pytest.raises(FetchError, match="took longer than 1 s"):
        fetch.fetch_article(server + "/slow", dataclasses.replace(ALLOW, fetch_timeout=1.0))
    assert time.monotonic() - started < 3.0


def test_http_errors_and_wrong_content(server):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch.fetch_article(server + "/missing", ALLOW)
    with pytest.raises(FetchError, match="image/png, not a web page"):
        fetch.fetch_article(server + "/image.png", ALLOW)
    with pytest.raises(InputError, match="no readable article"):
        fetch.fetch_article(server + "/empty.html", ALLOW)


def test_nothing_listening_is_a_clear_offline_message():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="offline"):
        fetch.fetch_article(f"http://127.0.0.1:{port}/", ALLOW)


def test_unresolvable_host_is_a_clear_offline_message(monkeypatch):
    def no_dns(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(FetchError, match="cannot resolve news.example.*offline"):
        fetch.fetch_article("https://news.example/story", DEFAULT)
