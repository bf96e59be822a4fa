"""Decide what a batch of cleaned documents does to the warehouse: pure, no database.

The loader reads what is stored of the batch's pages (``StoredState``: which documents exist, each
page's current version and the text it had), this module says what to write (``Decision``):
documents new by content hash, one outcome per page (new, duplicate of stored content,
unchanged, re-cleaned in place, or edited: a new version with its diff), and the loader's writer
applies it inside the load's one transaction.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from transforms.diff import text_diff
from transforms.normalize import content_hash, settle
from transforms.records import Article, Document
from transforms.urls import canonicalize


def raw_hash(article: Article) -> str:
    """The identity of an extracted text before cleaning (``extractions.raw_hash``). The text
    is the extraction's, normalized there once (``transforms.extract``)."""
    return content_hash(settle(article.text))


def page_url(article: Article) -> str:
    """A page's identity: its canonical URL when it stays on the page's own host."""
    fetched = canonicalize(article.url)
    if article.canonical_url and urlsplit(article.canonical_url).netloc == urlsplit(fetched).netloc:
        return article.canonical_url
    return fetched


def document_row(doc: Document, source: str, run_id: str, now: datetime) -> dict[str, Any]:
    """The ``documents`` row of a cleaned document, first seen on this page."""
    a = doc.article
    return {
        "doc_id": doc.content_hash,
        "content_hash": doc.content_hash,
        "normalizer_version": doc.normalizer_version,
        "title": a.title,
        "authors": list(a.authors),
        "published_at": a.published_at,
        "modified_at": a.modified_at,
        "language": a.language,
        "language_confidence": a.language_confidence,
        "text": doc.text,
        "markdown": doc.markdown,
        "images": json.dumps([asdict(i) for i in a.images], ensure_ascii=False),
        "categories": list(a.categories),
        "tags": list(a.tags),
        "canonical_url": a.canonical_url,
        "site_name": a.site_name,
        "description": a.description,
        "word_count": doc.word_count,
        "provenance": json.dumps(a.provenance, sort_keys=True),
        "links": list(a.links),
        "kind": a.doc_kind,
        "first_source": source,
        "first_url": page_url(a),
        "first_seen_at": now,
        "first_run_id": run_id,
    }


@dataclass(frozen=True)
class CurrentVersion:
    """A page's current version as the warehouse holds it."""

    version: int
    doc_id: str | None
    raw_hash: str | None
    cleaning_version: str | None


@dataclass(frozen=True)
class StoredState:
    """What the warehouse knows of a batch's pages and documents, read once before deciding."""

    existing_documents: frozenset[str] = frozenset()
    current: dict[str, CurrentVersion] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # doc_id -> text of the pages' current documents


@dataclass
class Decision:
    """What to write for a batch's pages, and how many pages had each outcome."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    recleaned: list[dict[str, Any]] = field(default_factory=list)
    diffs: list[dict[str, Any]] = field(default_factory=list)
    new_documents: int = 0
    duplicates: int = 0
    new_versions: int = 0
    recleaned_changed: int = 0


def pages_of(docs: list[Document]) -> dict[str, Document]:
    """The batch's pages by identity; the first document of a page wins."""
    pages: dict[str, Document] = {}
    for doc in docs:
        pages.setdefault(page_url(doc.article), doc)
    return pages


def document_rows(docs: list[Document], source: str, run_id: str, now: datetime) -> dict[str, dict[str, Any]]:
    """One row per content hash, first seen on the page that sorts first."""
    rows: dict[str, dict[str, Any]] = {}
    for doc in sorted(docs, key=lambda d: page_url(d.article)):
        rows.setdefault(doc.content_hash, document_row(doc, source, run_id, now))
    return rows


def decide_pages(
    docs: list[Document], state: StoredState, source: str, run_id: str, cleaning_version: str, now: datetime
) -> Decision:
    """Documents by content hash, then one outcome per page: new, duplicate, unchanged, re-cleaned or edited."""
    rows = document_rows(docs, source, run_id, now)
    decision = Decision(documents=[row for h, row in rows.items() if h not in state.existing_documents])
    stored = set(state.existing_documents)
    for url, doc in sorted(pages_of(docs).items()):
        now_at = state.current.get(url, CurrentVersion(0, None, None, None))
        version = now_at.version
        row = {
            "source": source,
            "url": url,
            "version": version + 1,
            "doc_id": doc.content_hash,
            "valid_from": now,
            "run_id": run_id,
            "fetched_url": doc.url,
            "raw_hash": raw_hash(doc.article),
            "cleaning_version": cleaning_version,
        }
        if now_at.doc_id == doc.content_hash or (version and now_at.raw_hash == row["raw_hash"]):
            # same page content: at most its cleaning changed, which is no new version
            if (now_at.doc_id, now_at.cleaning_version) != (doc.content_hash, cleaning_version):
                decision.recleaned.append({**row, "version": version})
                decision.recleaned_changed += now_at.doc_id != doc.content_hash
            continue
        if version == 0:  # a page new to the warehouse: new content, or content stored from another page
            if doc.content_hash in stored:
                decision.duplicates += 1
            else:
                decision.new_documents += 1
        else:  # the page changed: a new version, and the diff from the one before
            decision.new_versions += 1
            before = state.texts.get(now_at.doc_id or "", "")
            change = text_diff(before, doc.text, f"{url} (version {version})", f"{url} (version {version + 1})")
            decision.diffs.append(
                {
                    "source": source,
                    "url": url,
                    "version": version + 1,
                    "diff": change.diff,
                    "added": change.added,
                    "removed": change.removed,
                }
            )
        stored.add(doc.content_hash)
        decision.versions.append(row)
    return decision
