"""The crawl job: one source's crawl parameters, read from and written to JSON.

``known`` is the frontier snapshot the flow writes before a crawl: a JSON object
``{url: {"etag", "last_modified", "lastmod", "state", "listed", "due"}}`` of the source's
known article pages (an entry without ``due`` counts as due). The spider requests a
discovered URL when it is new, when the revisit policy says it is due, or when discovery
reports a ``lastmod`` newer than the stored one; known pages are requested conditionally.
Due pages that discovery did not list are requested too, and so are pages the sitemaps
listed before but no longer do (to see whether they are gone).
``rest_since`` is the source's REST API cursor (newest ``modified`` seen) and ``rest_names``
a JSON cache of REST ids already named. ``rest_probe`` False skips the blind probe of
``/wp-json/`` (a recent probe found no API); an API the home page advertises is still used.
``inventory`` False leaves out the site's sitemaps (those from robots.txt or probed; the job's
own ``sitemaps`` are always read) when the home page advertises a REST API: the flow sets it
when the API worked and a complete inventory was read within a week. Should the API then
fail, the sitemaps are read after all.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from spiders import defaults
from spiders.defaults import DEFAULT_USER_AGENT

ArchivePages = bool | Literal["always"]


@dataclass(frozen=True)
class CrawlJob:
    """What to crawl and where to write; immutable, JSON round-trippable."""

    source: str
    home_url: str
    out_dir: Path
    run_id: str
    allowed_domains: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    archive_pages: ArchivePages = True
    max_pages: int = defaults.MAX_PAGES
    max_archive_depth: int = defaults.MAX_ARCHIVE_DEPTH
    polite: bool = True
    download_delay: float = defaults.DOWNLOAD_DELAY
    concurrency_per_domain: int | None = None
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = defaults.TIMEOUT
    known: Path | None = None
    rest_api: bool = True
    rest_probe: bool = True
    inventory: bool = True
    rest_since: str | None = None
    rest_names: Path | None = None
    retries: int = defaults.RETRIES
    backoff_base: float = defaults.BACKOFF_BASE
    backoff_max: float = defaults.BACKOFF_MAX
    max_retry_after: float = defaults.MAX_RETRY_AFTER
    max_wait_per_run: float = defaults.MAX_WAIT_PER_RUN
    block_after: int = defaults.BLOCK_AFTER
    allow_private_addresses: bool = False  # loopback/private addresses may be crawled (demo, tests, intranet)

    def __post_init__(self) -> None:
        if not self.source:
            raise ValueError("job.source is empty")
        parts = urlsplit(self.home_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"job.home_url is not an http(s) URL: {self.home_url!r}")
        if self.archive_pages not in (True, False, "always"):
            raise ValueError("job.archive_pages must be true, false or 'always'")
        if self.max_pages < 0 or self.max_archive_depth < 0:
            raise ValueError("job.max_pages and job.max_archive_depth must be >= 0")
        if self.retries < 0 or self.block_after < 1:
            raise ValueError("job.retries must be >= 0 and job.block_after >= 1")
        if min(self.backoff_base, self.backoff_max, self.max_retry_after, self.max_wait_per_run) < 0:
            raise ValueError(
                "job.backoff_base, job.backoff_max, job.max_retry_after and job.max_wait_per_run must be >= 0"
            )
        from spiders.discovery import parse_datetime

        for name in ("rest_since",):
            value = getattr(self, name)
            if value is not None and parse_datetime(value) is None:
                raise ValueError(f"job.{name} is not an ISO datetime: {value!r}")

    @property
    def domains(self) -> tuple[str, ...]:
        """Allowed hosts: the job's list, else home_url's host without a leading www."""
        if self.allowed_domains:
            return tuple(d.lower().strip(".") for d in self.allowed_domains)
        host = (urlsplit(self.home_url).hostname or "").lower()
        return (host.removeprefix("www."),)

    @property
    def effective_delay(self) -> float:
        return self.download_delay if self.polite else 0.0

    @property
    def effective_concurrency(self) -> int:
        if self.concurrency_per_domain is not None:
            return max(1, self.concurrency_per_domain)
        return defaults.POLITE_CONCURRENCY if self.polite else defaults.IMPOLITE_CONCURRENCY

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CrawlJob:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"unknown job keys: {', '.join(unknown)}")
        missing = sorted({"source", "home_url", "out_dir", "run_id"} - set(data))
        if missing:
            raise ValueError(f"missing job keys: {', '.join(missing)}")
        kw: dict[str, Any] = dict(data)
        kw["out_dir"] = Path(kw["out_dir"])
        for key in ("known", "rest_names"):
            if kw.get(key) is not None:
                kw[key] = Path(kw[key])
        for key in ("allowed_domains", "sitemaps", "feeds"):
            value = kw.get(key) or ()
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"job.{key} must be a list of strings")
            kw[key] = tuple(value)
        for key in ("max_pages", "max_archive_depth", "retries", "block_after"):
            if key in kw and (isinstance(kw[key], bool) or not isinstance(kw[key], int)):
                raise ValueError(f"job.{key} must be an integer")
        kw["run_id"] = str(kw["run_id"])
        return cls(**kw)

    @classmethod
    def from_json(cls, path: Path | str) -> CrawlJob:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("job file must hold a JSON object")
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Path):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    def to_json(self, path: Path | str) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
