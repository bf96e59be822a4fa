"""Sharding a night's sources: every registered domain in exactly one shard, the shards balanced."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flows.shards import registered_domain, shard_sources, source_domains
from flows.sources import Source


def source(key: str, url: str, *domains: str) -> Source:
    return Source.model_validate({"key": key, "url": url, "allowed_domains": list(domains)})


def test_registered_domains_follow_the_public_suffix_list() -> None:
    assert registered_domain("msk.kprf.ru") == registered_domain("KPRF.ru.") == "kprf.ru"
    assert registered_domain("www.bbc.co.uk") == "bbc.co.uk"  # not co.uk: a public suffix
    assert registered_domain("movimentorevista.com.br") == "movimentorevista.com.br"
    assert registered_domain("127.0.0.2") == "127.0.0.2"  # no suffix: the host itself


def test_sources_sharing_a_domain_share_a_shard_and_the_rest_are_spread() -> None:
    sources = [
        source("msk", "https://msk.kprf.ru/"),
        source("kprf", "https://kprf.ru/"),
        source("movimento", "https://movimentorevista.com.br/"),
        source("feedmirror", "https://example.org/", "example.org", "cdn.movimentorevista.com.br"),
        source("bbc", "https://www.bbc.co.uk/news"),
        source("guardian", "https://www.theguardian.com/"),
    ]
    shards = shard_sources(sources, 2)
    keys = [[s.key for s in shard] for shard in shards]
    assert sorted(k for shard in keys for k in shard) == sorted(s.key for s in sources)
    together = [{"msk", "kprf"}, {"movimento", "feedmirror"}]  # the second through a third domain
    assert all(any(pair <= set(shard) for shard in keys) for pair in together)
    assert sorted(len(shard) for shard in keys) == [3, 3]
    assert shard_sources(list(reversed(sources)), 2) == shards  # the same every night


HOSTS = st.sampled_from(
    ["a.example.org", "example.org", "b.example.com", "news.example.co.uk", "example.co.uk", "127.0.0.2", "x.test"]
)


@given(
    st.lists(st.tuples(HOSTS, st.lists(HOSTS, max_size=2)), min_size=1, max_size=8),
    st.integers(1, 4),
)
def test_no_registered_domain_is_in_two_shards(specs: list[tuple[str, list[str]]], k: int) -> None:
    sources = [source(f"s{i}", f"http://{host}/", *extra) for i, (host, extra) in enumerate(specs)]
    shards = shard_sources(sources, k)
    assert len(shards) == k
    assert sorted(s.key for shard in shards for s in shard) == sorted(s.key for s in sources)
    owner: dict[str, int] = {}
    for i, shard in enumerate(shards):
        for s in shard:
            for domain in source_domains(s):
                assert owner.setdefault(domain, i) == i, f"{domain} in shards {owner[domain]} and {i}"
