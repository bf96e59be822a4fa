"""Scope and address checks on every request the crawl sends, retried and redirected ones included.

Scrapy's offsite filter looks at host names only and lets ``dont_filter`` requests through (a
retried request is one, and so is the redirect that follows it), so this downloader middleware
checks each request itself, just before it would be sent:

- scope: the scheme is http or https, the host is one of the source's domains, and the port is
  the home URL's (or, for a home on a default port, 80 or 443, so that http -> https moves stay in);
- address: the host's resolved addresses are all globally routable. Loopback and private
  addresses are allowed only to a source that opts in (``allow_private_addresses``, for sites
  that really live there: the demo, the tests, an intranet); link-local (cloud metadata at
  169.254.169.254), multicast, unspecified and reserved addresses never are.

The address a response actually came from is checked again (a DNS answer can change between the
check and the connection). A refusal is an ``OutOfScope`` error: no retry, the spider's errback
records it in the manifest with the URL and the reason, and ``trawl/refused/<kind>`` counts it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from spiders.discovery import in_domains

logger = logging.getLogger(__name__)

SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutOfScope(IgnoreRequest):
    """A request the source may not send: off its scope, or to an address it may not reach."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind


def _port(parts: Any) -> int | None:
    try:
        port: int | None = parts.port
    except ValueError:
        return None
    return port if port is not None else DEFAULT_PORTS.get(parts.scheme)


def allowed_ports(home_url: str) -> frozenset[int]:
    """The ports a source may be reached on: its home's, or both defaults for a home on a default one."""
    parts = urlsplit(home_url)
    port = _port(parts)
    if port is None:
        return frozenset()
    return frozenset(DEFAULT_PORTS.values()) if port == DEFAULT_PORTS.get(parts.scheme) else frozenset({port})


def scope_refusal(url: str, domains: tuple[str, ...], ports: frozenset[int]) -> OutOfScope | None:
    """Why ``url`` is out of the source's scope (scheme, host, port), or None when it is in."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return OutOfScope("bad_url", f"not a URL: {url}")
    if parts.scheme not in SCHEMES:
        return OutOfScope("scheme", f"scheme {parts.scheme or '(none)'!r} is not http(s): {url}")
    if not in_domains(url, domains):
        return OutOfScope("host", f"host {parts.hostname!r} is not one of {', '.join(domains)}: {url}")
    port = _port(parts)
    if port not in ports:
        return OutOfScope("port", f"port {port} is not the source's ({', '.join(map(str, sorted(ports)))}): {url}")
    return None


def address_refusal(address: Address, allow_private: bool) -> str | None:
    """Why the crawl may not connect to ``address``, or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_link_local:
        return "link-local (cloud metadata lives here)"
    if address.is_multicast:
        return "multicast"
    if address.is_unspecified:
        return "unspecified"
    if address.is_global:
        return None
    if allow_private and (address.is_loopback or address.is_private):
        return None
    if address.is_loopback:
        return "loopback"
    if address.is_private:
        return "private"
    return "reserved"


async def resolve(host: str, port: int) -> list[Address]:
    """The addresses a connection to ``host`` may go to (an IP literal is its own answer)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


class ScopeMiddleware:
    """Refuse every request out of scope or to a forbidden address, whatever its origin."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.domains = tuple(settings.getlist("TRAWL_DOMAINS"))
        self.ports = allowed_ports(settings.get("TRAWL_HOME_URL", ""))
        self.allow_private = settings.getbool("TRAWL_ALLOW_PRIVATE_ADDRESSES", False)
        self._verdicts: dict[str, str | None] = {}  # host -> why its address is refused

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        return cls(crawler)

    def _refuse(self, request: Request, refusal: OutOfScope) -> OutOfScope:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"trawl/refused/{refusal.kind}")
        logger.warning("refused %s: %s", request.url, refusal)
        return refusal

    async def _address_refusal(self, url: str) -> OutOfScope | None:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host not in self._verdicts:
            try:
                addresses = await resolve(host, _port(parts) or 80)
            except OSError:
                addresses = []  # unresolvable: the download fails on its own, with a DNS error
            reasons = [f"{a} is {why}" for a in addresses if (why := address_refusal(a, self.allow_private))]
            self._verdicts[host] = "; ".join(reasons) or None
        verdict = self._verdicts[host]
        if verdict is None:
            return None
        hint = "" if self.allow_private else " (a site on a private address needs allow_private_addresses)"
        return OutOfScope("address", f"address refused: {verdict}{hint}: {url}")

    async def process_request(self, request: Request) -> None:
        refusal = scope_refusal(request.url, self.domains, self.ports) or await self._address_refusal(request.url)
        if refusal is not None:
            raise self._refuse(request, refusal)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        """The address the answer came from, checked again (DNS may have changed since), and a redirect
        that RedirectMiddleware left unfollowed because of its scheme (file:, ftp:, data:) named as refused."""
        location = response.headers.get("Location") if 300 <= response.status < 400 else None
        if location:
            target = urljoin(response.url, location.decode("latin-1"))
            if urlsplit(target).scheme not in SCHEMES:
                raise self._refuse(request, OutOfScope("scheme", f"redirect to {target} refused: {response.url}"))
        ip = getattr(response, "ip_address", None)
        if ip is not None:
            why = address_refusal(ipaddress.ip_address(str(ip)), self.allow_private)
            if why is not None:
                raise self._refuse(request, OutOfScope("address", f"answer came from {ip}, {why}: {request.url}"))
        return response
