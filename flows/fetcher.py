"""The doctor's HTTP fetches, under the crawl's caps: fetching kept apart from the parsing in flows/doctor.py.

Every request, redirects included (followed one hop at a
time, at most ``MAX_REDIRECTS``), passes the crawl's scope and address checks
(``spiders.scope``); a body is read in chunks and dropped once it passes ``MAX_BYTES``
*decoded* (so a gzip bomb stops at the cap, not at its inflated size) or takes longer than
``PAGE_DEADLINE_S`` (a server that drips a byte a second never trips a read timeout).
Loopback and private addresses are allowed only when the site itself is on one (then the
proposed entry opts in with ``allow_private_addresses``).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import httpx

from spiders.scope import Address, address_refusal, allowed_ports, scope_refusal

if TYPE_CHECKING:
    from flows.doctor import Diagnosis

MAX_BYTES = 64 * 1024 * 1024  # the crawl's DOWNLOAD_MAXSIZE
MAX_REDIRECTS = 10  # the crawl's REDIRECT_MAX_TIMES
PAGE_DEADLINE_S = 120.0


def _addresses(host: str) -> list[Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return [ipaddress.ip_address(str(i[4][0]).split("%", 1)[0]) for i in infos]


def on_private_address(url: str) -> bool:
    """True when the site's host resolves to loopback/private addresses only (a demo, an intranet)."""
    found = _addresses((urlsplit(url).hostname or "").lower())
    return bool(found) and all(
        address_refusal(a, False) is not None and address_refusal(a, True) is None for a in found
    )


class Fetcher:
    """GET under the crawl's caps: scope and address checks on every hop, bounded size, time and redirects."""

    def __init__(self, client: httpx.Client, d: Diagnosis) -> None:
        host = (urlsplit(d.url).hostname or "").lower()
        self.client, self.d = client, d
        self.domains = (host.removeprefix("www."),)
        self.ports = allowed_ports(d.url)

    def _refusal(self, url: str) -> str | None:
        out = scope_refusal(url, self.domains, self.ports)
        if out is not None:
            return str(out)
        host = (urlsplit(url).hostname or "").lower()
        why = [f"{a} is {r}" for a in _addresses(host) if (r := address_refusal(a, self.d.private))]
        return f"address refused: {'; '.join(why)}: {url}" if why else None

    def _note(self, text: str) -> None:
        if text not in self.d.notes:
            self.d.notes.append(text)

    def failed(self, url: str, error: httpx.HTTPError) -> None:
        """Keep why a request got no answer: the home page's reason is the report's first line."""
        reason = f"{type(error).__name__}: {error}".rstrip(": ")
        if url == self.d.url and self.d.home_error is None:
            self.d.home_error = reason
        self._note(f"no answer from {url}: {reason}")

    def get(self, url: str) -> httpx.Response | None:
        for _ in range(MAX_REDIRECTS + 1):
            refusal = self._refusal(url)
            if refusal is not None:
                self._note(f"refused {refusal}")
                return None
            resp = self._read(url)
            if resp is None or not resp.is_redirect or "location" not in resp.headers:
                return resp
            url = urljoin(str(resp.url), resp.headers["location"])
        self._note(f"more than {MAX_REDIRECTS} redirects: {url}")
        return None

    def _read(self, url: str) -> httpx.Response | None:
        deadline = time.monotonic() + PAGE_DEADLINE_S
        with self.client.stream("GET", url, follow_redirects=False) as resp:
            body, size = [], 0
            for chunk in resp.iter_bytes():  # decoded: the cap counts inflated bytes
                size += len(chunk)
                if size > MAX_BYTES:
                    self._note(f"body over {MAX_BYTES} bytes (decoded), dropped: {url}")
                    return None
                if time.monotonic() > deadline:
                    self._note(f"body took over {PAGE_DEADLINE_S:g} s, dropped: {url}")
                    return None
                body.append(chunk)
        headers = [
            (k, v) for k, v in resp.headers.multi_items() if k.lower() not in ("content-encoding", "content-length")
        ]
        return httpx.Response(resp.status_code, headers=headers, content=b"".join(body), request=resp.request)
