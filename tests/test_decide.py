"""What a batch does to the warehouse, decided without a database (``transforms.decide``)."""

from __future__ import annotations

from datetime import UTC, datetime

from transforms.boilerplate import Boilerplate
from transforms.decide import CurrentVersion, StoredState, decide_pages, raw_hash
from transforms.document import build_document
from transforms.records import Article, Document

NOW = datetime(2026, 12, 5, tzinfo=UTC)
NONE = Boilerplate("s", 0, {})


def doc(url: str, text: str, canonical: str | None = None) -> Document:
    article = Article(url=url, title="T", text=text, markdown=text, canonical_url=canonical)
    return build_document("s", article, NONE)


def decide(docs: list[Document], state: StoredState, cleaning: str = "c1") -> dict[str, object]:
    d = decide_pages(docs, state, "s", "run-2", cleaning, NOW)
    return {
        "new": d.new_documents,
        "dup": d.duplicates,
        "edited": d.new_versions,
        "docs": sorted(r["doc_id"] for r in d.documents),
        "versions": sorted((r["url"], r["version"]) for r in d.versions),
        "recleaned": sorted((r["url"], r["version"]) for r in d.recleaned),
        "diffs": [(r["url"], r["added"], r["removed"]) for r in d.diffs],
    }


def test_new_pages_and_content_already_stored_from_another_page() -> None:
    a, b = doc("https://s.example/a", "One text.\nTwo lines."), doc("https://s.example/b", "Another text.")
    copy = doc("https://s.example/copy", "Another text.")
    state = StoredState(existing_documents=frozenset({b.content_hash}))
    got = decide([a, b, copy], state)
    assert got["new"] == 1 and got["dup"] == 2  # b and its copy: stored already, from another page
    assert got["docs"] == [a.content_hash]  # only content not stored yet is written
    assert got["versions"] == [("https://s.example/a", 1), ("https://s.example/b", 1), ("https://s.example/copy", 1)]


def test_an_edited_page_is_a_new_version_with_its_diff() -> None:
    old, new = (
        doc("https://s.example/a", "First line.\nOld line."),
        doc("https://s.example/a", "First line.\nNew line."),
    )
    state = StoredState(
        existing_documents=frozenset({old.content_hash}),
        current={"https://s.example/a": CurrentVersion(3, old.content_hash, raw_hash(old.article), "c1")},
        texts={old.content_hash: old.text},
    )
    got = decide([new], state)
    assert (got["new"], got["dup"], got["edited"]) == (0, 0, 1)
    assert got["versions"] == [("https://s.example/a", 4)]
    assert got["diffs"] == [("https://s.example/a", 1, 1)]


def test_unchanged_pages_write_nothing_and_a_new_cleaning_recleans_in_place() -> None:
    page = doc("https://s.example/a", "Same text.")
    current = {"https://s.example/a": CurrentVersion(2, page.content_hash, raw_hash(page.article), "c1")}
    state = StoredState(existing_documents=frozenset({page.content_hash}), current=current)
    assert decide([page], state) == decide([], StoredState())  # nothing to write
    got = decide([page], state, cleaning="c2")  # the source's boilerplate changed: same version, new cleaning
    assert got["recleaned"] == [("https://s.example/a", 2)] and got["versions"] == [] and got["edited"] == 0


def test_a_page_is_known_by_its_canonical_url_on_its_own_host() -> None:
    tracked = doc("https://s.example/a?utm_source=x", "Text.", canonical="https://s.example/a")
    offsite = doc("https://s.example/b", "Other.", canonical="https://elsewhere.example/b")
    got = decide([tracked, offsite], StoredState())
    assert got["versions"] == [("https://s.example/a", 1), ("https://s.example/b", 1)]
