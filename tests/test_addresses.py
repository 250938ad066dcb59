"""The fetcher's address policy: every IPv6 form that carries an IPv4 address is judged by that address,
and special-purpose ranges are refused, whatever Python's ipaddress thinks of them. Checked on the
addresses, through check_url (literal hosts and DNS answers) and through the command line."""

from __future__ import annotations

import ipaddress

import pytest

from geo import cli
from geo.errors import FetchError
from geo.parse import fetch
from geo.parse.addresses import embedded_ipv4, is_public_address
from geo.settings import Settings

# The forms, each carrying 127.0.0.1 (or being special-purpose itself), and a few more of each kind.
REFUSED = [
    "64:ff9b::7f00:1",  # NAT64 well-known prefix, 127.0.0.1 inside
    "64:ff9b::a00:1",  # NAT64, 10.0.0.1
    "64:ff9b:1::808:808",  # local-use NAT64 prefix: never public
    "2002:7f00:1::",  # 6to4, 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4, 169.254.169.254 (cloud metadata)
    "::127.0.0.1",  # IPv4-compatible
    "::a9fe:a9fe",  # IPv4-compatible 169.254.169.254
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:0:7f00:1",  # IPv4-translated (SIIT)
    "::ffff:0:c0a8:1",  # IPv4-translated 192.168.0.1
    "2001:0:4136:e378:8000:63bf:8080:fefe",  # Teredo whose client is 127.127.1.1
    "2001:0:c000:2ff::f7f7:f7f7",  # Teredo whose server is 192.0.2.255
    "192.0.0.8",  # IETF protocol assignments (192.0.0.0/24)
    "192.0.0.170",
    "192.88.99.1",  # deprecated 6to4 relay anycast
    "198.18.0.1",  # benchmarking
    "100.64.0.1",  # shared address space
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "224.0.0.1",
    "0.0.0.0",
    "::",
    "::1",
    "fe80::1%eth0",
    "fec0::1",  # deprecated site-local
    "fd12:3456::1",  # unique local
    "100::1",  # discard-only
    "2001:db8::1",  # documentation
    "3fff::1",  # documentation (2024)
    "5f00::1",  # SRv6 SIDs
    "ff02::1",
]
PUBLIC = [
    "8.8.8.8",
    "93.184.216.34",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",  # what DNS64 gives for an IPv4-only site on an IPv6-only network
    "2002:808:808::1",
    "2001:0:808:808::f7f7:f7f7",  # Teredo: server and client 8.8.8.8
]


@pytest.mark.parametrize("address", REFUSED)
def test_refused_addresses(address):
    assert is_public_address(address) is False


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses(address):
    assert is_public_address(address) is True


@pytest.mark.parametrize("address,carried", [
    ("64:ff9b::7f00:1", ["127.0.0.1"]), ("2002:7f00:1::", ["127.0.0.1"]), ("::127.0.0.1", ["127.0.0.1"]),
    ("::ffff:127.0.0.1", ["127.0.0.1"]), ("::ffff:0:7f00:1", ["127.0.0.1"]),
    ("2001:0:4136:e378:8000:63bf:8080:fefe", ["65.54.227.120", "127.127.1.1"]),
    ("2606:4700:4700::1111", []),
])
def test_embedded_ipv4_is_unwrapped(address, carried):
    assert [str(ip) for ip in embedded_ipv4(ipaddress.IPv6Address(address))] == carried


def url_for(address: str) -> str:
    host = f"[{address.replace('%', '%25')}]" if ":" in address else address
    return f"http://{host}/news"


@pytest.mark.parametrize("address", [a for a in REFUSED if "%" not in a])
def test_check_url_refuses_literal_hosts(address):
    with pytest.raises(FetchError, match="not a public address.*GEO_ALLOW_PRIVATE_URLS"):
        fetch.check_url(url_for(address), Settings())  # the system resolver: a literal needs no DNS


@pytest.mark.parametrize("address", REFUSED)
def test_check_url_refuses_a_name_that_resolves_there(address):
    with pytest.raises(FetchError, match=f"resolves to {address.split('%')[0]}"):
        fetch.check_url("https://news.example/story", Settings(), resolver=lambda host, port: [address])


@pytest.mark.parametrize("address", PUBLIC)
def test_check_url_accepts_public_answers_and_pins_them(address):
    target = fetch.check_url("https://news.example/story", Settings(), resolver=lambda host, port: [address])
    assert target.address == address and target.host == "news.example"


def test_allow_private_urls_lets_them_through():
    target = fetch.check_url(url_for("64:ff9b::7f00:1"), Settings(allow_private_urls=True))
    assert target.address == "64:ff9b::7f00:1"


@pytest.mark.parametrize("address", ["64:ff9b::7f00:1", "2002:7f00:1::", "::127.0.0.1", "::ffff:0:7f00:1",
                                     "192.0.0.8", "::ffff:127.0.0.1", "2001:0:4136:e378:8000:63bf:8080:fefe"])
@pytest.mark.parametrize("command", ["parse", "map"])
def test_the_cli_refuses_them_with_one_line_and_exit_2(address, command, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("GEO_ALLOW_PRIVATE_URLS", raising=False)
    argv = [command, url_for(address)] + (["-o", str(tmp_path / "map.html")] if command == "map" else [])
    assert cli.main(argv) == cli.EXIT_USER_ERROR
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith(f"error: refused to fetch {address}: it is not a public address")
    assert not (tmp_path / "map.html").exists()
