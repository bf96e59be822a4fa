"""Near-duplicate clusters: connected components of confirmed pairs, merged incrementally."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def merge_clusters(existing: Mapping[str, str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """New cluster ids for every document whose cluster changes when ``pairs`` are added.

    ``existing`` maps document -> cluster id for (at least) every member of the clusters the
    pairs touch. A cluster's id is its smallest document id, so the result never depends on
    the order in which pairs arrive.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for doc, cluster in existing.items():
        union(doc, cluster)
    for a, b in pairs:
        union(a, b)
    members: dict[str, list[str]] = {}
    for doc in list(parent):
        members.setdefault(find(doc), []).append(doc)
    changed = {}
    for docs in members.values():
        cluster = min(docs)
        for doc in docs:
            if existing.get(doc) != cluster:
                changed[doc] = cluster
    return changed
