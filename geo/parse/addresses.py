"""Which IP addresses the URL fetcher may connect to: globally routable unicast, nothing else.

``ipaddress``'s ``is_global`` differs between Python versions (3.11 calls ``192.0.0.8`` and
``64:ff9b::7f00:1`` global), so the special-purpose ranges of the IANA registries are listed here too.
An IPv6 address that carries an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-translated
``::ffff:0:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``, Teredo
``2001::/32``) is judged by every IPv4 address it carries: it is public only when all of them are.
The local-use NAT64 prefix ``64:ff9b:1::/48`` is never public.
"""

from __future__ import annotations

import ipaddress

IPv4 = ipaddress.IPv4Address
IPv6 = ipaddress.IPv6Address

# IANA IPv4 special-purpose registry (and multicast, reserved): never fetched from, whatever the Python version.
SPECIAL_V4 = tuple(ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
))
# IANA IPv6 special-purpose registry, plus deprecated site-local and multicast.
SPECIAL_V6 = tuple(ipaddress.IPv6Network(n) for n in (
    "::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20",
    "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
))
_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated IPv4-compatible ::a.b.c.d
_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")  # SIIT IPv4-translated ::ffff:0:a.b.c.d
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # well-known NAT64 prefix (RFC 6052)
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # local-use NAT64 (RFC 8215): never global
_TEREDO = ipaddress.IPv6Network("2001::/32")


def parse_address(address: str) -> IPv4 | IPv6:
    """An address from a resolver answer or a URL host (an IPv6 zone such as ``%eth0`` is dropped)."""
    return ipaddress.ip_address(address.split("%", 1)[0].strip("[]"))


def embedded_ipv4(ip: IPv6) -> list[IPv4]:
    """Every IPv4 address ``ip`` carries (mapped, translated, compatible, NAT64, 6to4, Teredo); [] for none.

    The local-use NAT64 prefix is left out: where its IPv4 address sits depends on the operator's prefix
    length, and :func:`is_public_address` refuses the whole prefix anyway."""
    found: list[IPv4] = []
    low32 = IPv4(int(ip) & 0xFFFFFFFF)
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip in _TRANSLATED or ip in _COMPATIBLE or ip in _NAT64:
        found.append(low32)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip in _TEREDO and ip.teredo is not None:
        found.extend(ip.teredo)  # (server, client): Python undoes the client's obfuscation
    return found


def is_public_ipv4(ip: IPv4) -> bool:
    """True for a globally routable unicast IPv4 address outside every special-purpose range."""
    return ip.is_global and not ip.is_multicast and not any(ip in net for net in SPECIAL_V4)


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address; False for loopback, private, link-local, special-purpose,
    multicast, and for any IPv6 form that carries such an IPv4 address (raises ValueError if not an address)."""
    ip = parse_address(address)
    if isinstance(ip, IPv4):
        return is_public_ipv4(ip)
    if ip in _NAT64_LOCAL:
        return False
    carried = embedded_ipv4(ip)
    if carried:  # the IPv6 wrapper routes to the IPv4 address inside it: judge that one
        return all(is_public_ipv4(v4) for v4 in carried)
    return ip.is_global and not ip.is_multicast and not any(ip in net for net in SPECIAL_V6)
