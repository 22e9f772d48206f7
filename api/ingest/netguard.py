"""Which URLs Parallax may fetch, and at which address: the SSRF policy.

A URL is refused (``BlockedURL``) before any connection when its scheme is not http or
https, when it carries credentials, or when its host is, or resolves to, an address that
is not public: loopback, private, link-local, multicast, reserved, unspecified, shared
(CGNAT) or a cloud metadata endpoint. IPv4 embedded in IPv6 (IPv4-mapped, 6to4, Teredo,
NAT64) is judged by the IPv4 inside, and IPv4 literals are read the way the C resolver
reads them (``2130706433``, ``0x7f000001``, ``0177.0.0.1`` and ``127.1`` are all
127.0.0.1), so no spelling slips past.

The host is resolved once (:func:`resolve_host`, the only impure function here, and
the one tests stub); *every* address returned must pass, and the caller connects to the
address :func:`pin` returns, so a second DNS answer (rebinding) is never used. An
:class:`Allowlist` of host names and networks lets an on-prem content store through;
metadata endpoints stay refused even then.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from api.errors import BlockedURL

__all__ = ["Allowlist", "Target", "address_problem", "parse_ip", "parse_url", "pin"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

SCHEMES = {"http": 80, "https": 443}
# Names that reach the machine itself or a cloud metadata service without DNS.
BLOCKED_NAMES = frozenset(
    {
        "localhost",
        "localhost.localdomain",
        "ip6-localhost",
        "ip6-loopback",
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.internal",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
BLOCKED_SUFFIXES = (".localhost",)  # RFC 6761: always the loopback
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_V4_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")
_FORBIDDEN_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\]")


@dataclass(frozen=True, slots=True)
class Target:
    """A URL taken apart: where to connect (after :func:`pin`) and what to ask for."""

    url: str
    scheme: str
    host: str  # lower-case ASCII (IDNA), no trailing dot, no brackets
    port: int
    path: str  # path and query, never empty; no fragment
    literal: IPAddress | None  # the host, when it is an IP address

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == SCHEMES[self.scheme] else f"{host}:{self.port}"

    def url_for(self, address: IPAddress) -> str:
        """The URL with its host replaced by the pinned ``address``."""
        host = f"[{address}]" if address.version == 6 else str(address)
        return f"{self.scheme}://{host}:{self.port}{self.path}"


@dataclass(frozen=True, slots=True)
class Allowlist:
    """Hosts (``cms.corp``, or ``.corp`` for every subdomain) and networks allowed even
    when they are not public; from ``PARALLAX_FETCH_ALLOWLIST``, comma-separated."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Allowlist:
        hosts: set[str] = set()
        networks: list[Network] = []
        for entry in (e.strip().lower().rstrip(".") for e in entries):
            if not entry:
                continue
            try:
                bare = entry.replace("[", "").replace("]", "")  # "[fd00::]/8" as in URLs
                networks.append(ipaddress.ip_network(bare, strict=False))
            except ValueError:
                hosts.add(entry)
        return cls(frozenset(hosts), tuple(networks))

    def allows_host(self, host: str) -> bool:
        return host in self.hosts or any(
            h.startswith(".") and (host.endswith(h) or host == h[1:]) for h in self.hosts
        )

    def allows_address(self, address: IPAddress) -> bool:
        return any(address in network for network in self.networks)


def parse_url(url: str) -> Target:
    """Take ``url`` apart, refusing what no fetch may have: see the module docstring."""
    if _FORBIDDEN_URL_CHARS.search(url):
        raise BlockedURL("URL contains spaces, control characters or backslashes", source=url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as err:
        raise BlockedURL(f"not a valid URL: {err}", source=url) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        shown = f"{scheme!r}" if scheme else "none"
        raise BlockedURL(f"scheme {shown} is not allowed (only http and https)", source=url)
    if "@" in parts.netloc:
        raise BlockedURL("URLs with credentials (user:password@) are not allowed", source=url)
    raw_host = (parts.hostname or "").rstrip(".")
    if not raw_host:
        raise BlockedURL("URL has no host", source=url)
    literal = parse_ip(raw_host)
    if literal is None and ":" in raw_host:
        raise BlockedURL(f"not a valid IPv6 address: {raw_host!r}", source=url)
    if literal is not None:
        host = str(literal)
    else:
        try:
            host = raw_host.encode("idna").decode("ascii")
        except UnicodeError:
            raise BlockedURL(f"not a valid host name: {raw_host!r}", source=url) from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(url, scheme, host, port or SCHEMES[scheme], path, literal)


def parse_ip(host: str) -> IPAddress | None:
    """``host`` as an IP address, reading IPv4 the way inet_aton does; else None."""
    if ":" in host:
        if "%" in host:  # a zone id ("fe80::1%eth0") only names a link-local address
            return None
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            return None
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_V4_PART.fullmatch(p) for p in parts):
        return None
    values = [_v4_part(p) for p in parts]
    # "a.b.c.d" is four bytes; with fewer parts the last one fills the remaining bytes.
    last_bits = 8 * (5 - len(values))
    if any(v > 0xFF for v in values[:-1]) or values[-1] >= 1 << last_bits:
        return None
    number = values[-1]
    for i, value in enumerate(values[:-1]):
        number |= value << (24 - 8 * i)
    return ipaddress.IPv4Address(number)


def _v4_part(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    return int(part, 8) if part.startswith("0") else int(part)


def address_problem(address: IPAddress) -> str | None:
    """Why ``address`` may not be fetched from, or None when it is public."""
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            problem = address_problem(embedded)
            if problem:
                return f"{problem} (embedded in {address})"
            if address.ipv4_mapped or address.sixtofour or address in _NAT64:
                return None  # reaches the (public) IPv4 address inside, nothing else
        if address in _NAT64_LOCAL:
            return "a local-use NAT64 address"
        if address.is_site_local:
            return "a site-local address"
    for flag, problem in (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    ):
        if getattr(address, flag):
            return problem
    return None if address.is_global else "not a public address"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it is one of the embeddings."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client; Teredo itself is refused as private
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


async def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (getaddrinfo, once). Tests stub this."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def pin(target: Target, allowlist: Allowlist) -> IPAddress:
    """The one address to connect to for ``target``; raises ``BlockedURL``."""
    host_allowed = allowlist.allows_host(target.host)
    if target.literal is not None:
        addresses: Sequence[IPAddress] = [target.literal]
    else:
        if not host_allowed and (
            target.host in BLOCKED_NAMES or target.host.endswith(BLOCKED_SUFFIXES)
        ):
            raise BlockedURL(f"host {target.host!r} is not a public host", source=target.url)
        try:
            found = await resolve_host(target.host, target.port)
        except OSError as err:
            reason = getattr(err, "strerror", None) or err
            raise BlockedURL(
                f"cannot resolve {target.host!r}: {reason}", source=target.url
            ) from None
        addresses = [_scoped(a) for a in found]
        if not addresses:
            raise BlockedURL(f"cannot resolve {target.host!r}: no address", source=target.url)
    for address in addresses:
        problem = address_problem(address)
        if problem is None:
            continue
        if _is_metadata(address):
            raise BlockedURL(
                f"host {target.host!r} is {problem} ({address}), which is never fetched",
                source=target.url,
            )
        if not (host_allowed or allowlist.allows_address(address)):
            raise BlockedURL(
                f"host {target.host!r} is {problem} ({address}); only public addresses "
                "are fetched unless PARALLAX_FETCH_ALLOWLIST names them",
                source=target.url,
            )
    return addresses[0]


def _is_metadata(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None and embedded in METADATA_ADDRESSES:
            return True
    return address in METADATA_ADDRESSES


def _scoped(text: str) -> IPAddress:
    # getaddrinfo returns "fe80::1%eth0" for scoped addresses; the scope never makes a
    # link-local address public, so it is dropped before judging.
    return ipaddress.ip_address(text.split("%", 1)[0])
