"""``python -m geo parse URL`` and ``geo map URL``: the command line fetches under exactly the app's policy and
settings (GEO_ALLOW_PRIVATE_URLS, GEO_FETCH_TIMEOUT, GEO_FETCH_MAX_BYTES), against a real loopback server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import PROJECT_ROOT

from geo import cli

pytestmark = pytest.mark.server

PAGE = (
    b"<!DOCTYPE html><html><head><title>Ferries return to the Gulf of Finland</title></head><body>"
    b"<article><h1>Ferries return to the Gulf of Finland</h1>"
    b"<p>The spring timetable started on Monday, with the first crossing leaving Helsinki at dawn.</p>"
    b"<p>Harbour staff in Tallinn counted more foot passengers than on any morning last year.</p>"
    b"</article></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/slow-status":
            try:
                for byte in b"HTTP/1.1 200 OK":  # the status line, one byte every 0.3 s
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.3)
            except OSError:
                pass
            self.close_connection = True
            return
        self.send_response(200 if self.path == "/ferries.html" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def run_geo(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The CLI in a subprocess, offline, with only the given GEO_ settings (the cache folder is kept)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("GEO_") or k == "GEO_CACHE_DIR"}
    return subprocess.run([sys.executable, "-m", "geo", *args], cwd=PROJECT_ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == cli.EXIT_USER_ERROR, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


@pytest.mark.slow
def test_parse_fetches_a_url_when_private_urls_are_allowed(server):
    url = server + "/ferries.html"
    result = run_geo("parse", url, "--json", GEO_ALLOW_PRIVATE_URLS="1")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["article"]["url"] == url and doc["article"]["source"] == "url"
    assert doc["article"]["title"] == "Ferries return to the Gulf of Finland"
    names = {place["name"] for place in doc["places"]}
    assert {"Helsinki", "Tallinn"} <= names


@pytest.mark.slow
def test_map_writes_the_fetched_article(server, tmp_path):
    out = tmp_path / "ferries.html"
    result = run_geo("map", server + "/ferries.html", "-o", str(out), GEO_ALLOW_PRIVATE_URLS="1")
    assert result.returncode == 0, result.stderr
    assert "Tallinn" in out.read_text(encoding="utf-8")


def test_a_loopback_url_is_refused_without_the_setting(server, tmp_path):
    out = tmp_path / "map.html"
    result = run_geo("map", server + "/ferries.html", "-o", str(out))
    assert one_line_error(result).startswith("error: refused to fetch 127.0.0.1: it is not a public address")
    assert "GEO_ALLOW_PRIVATE_URLS=1" in result.stderr and not out.exists()
    result = run_geo("parse", server + "/ferries.html", GEO_ALLOW_PRIVATE_URLS="0")
    assert "refused to fetch 127.0.0.1" in one_line_error(result)


def test_the_fetch_settings_apply(server):
    result = run_geo("parse", server + "/ferries.html", GEO_ALLOW_PRIVATE_URLS="1", GEO_FETCH_MAX_BYTES="100")
    assert f"{len(PAGE):,} bytes, over the 100-byte limit" in one_line_error(result)
    result = run_geo("parse", server + "/slow-status", GEO_ALLOW_PRIVATE_URLS="1", GEO_FETCH_TIMEOUT="0.5")
    assert "took longer than 0.5 s" in one_line_error(result)
    result = run_geo("parse", server + "/missing", GEO_ALLOW_PRIVATE_URLS="1")
    assert "HTTP 404" in one_line_error(result)
    result = run_geo("parse", server + "/ferries.html", GEO_ALLOW_PRIVATE_URLS="maybe")
    assert "GEO_ALLOW_PRIVATE_URLS='maybe' is not a yes/no value" in one_line_error(result)


@pytest.mark.parametrize("url,message", [
    ("ftp://example.org/news.txt", "only http:// and https://"),
    ("http://user:secret@example.org/", "user name or password"),
    ("http://[::ffff:0:7f00:1]:8080/news", "refused to fetch ::ffff:0:7f00:1"),
])
def test_policy_errors_in_process(url, message, capsys, monkeypatch):
    monkeypatch.delenv("GEO_ALLOW_PRIVATE_URLS", raising=False)
    assert cli.main(["parse", url]) == cli.EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_a_file_path_is_still_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "http:").mkdir()
    assert cli.is_url("https://example.org/a") and cli.is_url("HTTP://example.org")
    assert not cli.is_url("http:/not-a-url.txt") and not cli.is_url("news/http://x.txt") and not cli.is_url("-")
    assert cli.main(["parse", "http:/not-a-url.txt"]) == cli.EXIT_USER_ERROR
    assert "no such file" in capsys.readouterr().err
