"""Article candidates of one crawl and the fetch decision: new, due, changed per discovery, or not due.

Pure: the spider feeds it what discovery found and the frontier snapshot (``known``), and
writes the candidates to ``candidates.jsonl`` for the loader (which updates the frontier).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from spiders.folder import CrawlFolder
from transforms.dates import parse_datetime
from transforms.urls import canonicalize

logger = logging.getLogger(__name__)

REQUESTED, ARCHIVED, NOT_DUE, OVER_BUDGET, DUPLICATE = (
    "requested",
    "archived_earlier",
    "not_due",
    "over_budget",
    "duplicate",
)


# discovery channels, most authoritative first (the REST API is the site's own record)
CHANNELS = ("rest", "sitemap", "news", "feed")


def _rank(channel: str | None) -> int:
    return CHANNELS.index(channel) if channel in CHANNELS else len(CHANNELS)


@dataclass
class Candidate:
    """One article URL found in this crawl: where, with which lastmod, and what was decided."""

    url: str
    via: list[str] = field(default_factory=list)
    lastmod: str | None = None
    lastmod_via: str | None = None  # rest | sitemap | news | feed
    listed: bool = False  # in a sitemap of this crawl (news sitemaps, which list only recent posts, excepted)
    discovered: bool = True  # False: requested only because the frontier said so
    decision: str | None = None
    hints: dict[str, str] = field(default_factory=dict)

    def note(self, via: str, lastmod: str | None, kind: str | None) -> None:
        """Merge one more discovery of this URL."""
        if via and via not in self.via:
            self.via.append(via)
        if kind == "sitemap":
            self.listed = True
        new, old = parse_datetime(lastmod), parse_datetime(self.lastmod)
        # the newest lastmod wins; an equal one is credited to the most authoritative channel,
        # so that the record does not depend on which discovery answered first
        if new is not None and (old is None or new > old or (new == old and _rank(kind) < _rank(self.lastmod_via))):
            self.lastmod, self.lastmod_via = lastmod, kind

    def row(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("hints")
        return data


def load_known(path: Path | None) -> dict[str, dict[str, Any]]:
    """The frontier snapshot as {canonical url: entry (with its "url")}; {} if absent or broken."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("ignoring known file %s: %s", path, exc)
        return {}
    if not isinstance(data, dict):
        return {}
    return {canonicalize(url): {**v, "url": url} for url, v in data.items() if isinstance(v, dict)}


def wanted(known: dict[str, Any] | None, candidate: Candidate) -> bool:
    """Fetch it? New URLs yes; known ones when due, or when discovery's lastmod is newer than the stored one."""
    if known is None:
        return True
    if known.get("due", True):
        return True
    seen, stored = parse_datetime(candidate.lastmod), parse_datetime(known.get("lastmod"))
    return seen is not None and (stored is None or seen > stored)


def conditional_headers(known: dict[str, Any] | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the stored validators (none for pages known gone)."""
    if not known or known.get("state") == "gone":
        return {}
    headers: dict[str, str] = {}
    if known.get("etag"):
        headers["If-None-Match"] = str(known["etag"])
    if known.get("last_modified"):
        headers["If-Modified-Since"] = str(known["last_modified"])
    return headers


def write_candidates(out_dir: Path, candidates: list[Candidate]) -> None:
    """All candidates of the crawl (duplicates of non-article URLs left out), written atomically."""
    rows = [json.dumps(c.row(), ensure_ascii=False) + "\n" for c in candidates if c.decision != DUPLICATE]
    CrawlFolder(out_dir).write_text(CrawlFolder.CANDIDATES, "".join(rows))


def read_candidates(out_dir: Path) -> list[dict[str, Any]]:
    """What ``write_candidates`` wrote ([] when the crawl never finished writing it)."""
    return CrawlFolder(Path(out_dir)).json_lines(CrawlFolder.CANDIDATES)
