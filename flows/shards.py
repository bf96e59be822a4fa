"""Split a night's sources into K shards so that every host belongs to exactly one shard.

A shard is crawled by one flow run (one worker), so each host's politeness (its delay, its
concurrent requests, robots.txt) stays with one crawler, as Nutch and StormCrawler partition
their fetch lists by host or domain. Sources are grouped by *registered domain* (the domain
under its public suffix: ``msk.kprf.ru`` and ``kprf.ru`` are one group, ``bbc.co.uk`` is not
``co.uk``), read from each source's start URL and allowed domains with the public-suffix list
that ``tldextract`` ships (offline: never downloaded at run time); an IP address or a single-label
host is its own group. Sources that share a domain, directly or through a third source, are
one group. The groups are then dealt to the shards largest first, each to the shard with the
fewest sources so far (ties by shard number), in a fixed order: the same sources give the
same shards every night.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from urllib.parse import urlsplit

import tldextract

from flows.sources import Source


@cache
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled list only


def registered_domain(host: str) -> str:
    """The host's domain under its public suffix, lower case; the host itself when it has none
    (an IP address, ``localhost``)."""
    host = host.strip().lower().rstrip(".")
    if "://" in host:
        host = urlsplit(host).hostname or ""
    found = _extractor()(host).top_domain_under_public_suffix
    return found or host


def source_domains(source: Source) -> set[str]:
    """The registered domains a source's crawl may request."""
    hosts = [urlsplit(source.home).hostname or "", *source.domains]
    return {registered_domain(h) for h in hosts if h}


def _groups(sources: Sequence[Source]) -> list[list[Source]]:
    """Sources joined when they share a registered domain (union-find over the domains)."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.setdefault(name, name) != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    domains = {s.key: sorted(source_domains(s)) or [f"source:{s.key}"] for s in sources}
    for first, *rest in domains.values():
        for domain in rest:
            a, b = root(first), root(domain)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[Source]] = {}
    for source in sources:
        groups.setdefault(root(domains[source.key][0]), []).append(source)
    return [sorted(group, key=lambda s: s.key) for _, group in sorted(groups.items())]


def shard_sources(sources: Sequence[Source], shards: int) -> list[list[Source]]:
    """``shards`` lists of sources (some empty when there are fewer groups than shards); every
    registered domain in exactly one of them."""
    if shards < 1:
        raise ValueError(f"the number of shards is at least 1, not {shards}")
    dealt: list[list[Source]] = [[] for _ in range(shards)]
    for group in sorted(_groups(sources), key=lambda g: (-len(g), g[0].key)):
        smallest = min(range(shards), key=lambda i: (len(dealt[i]), i))
        dealt[smallest].extend(group)
    return [sorted(shard, key=lambda s: s.key) for shard in dealt]
