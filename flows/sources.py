"""The sources file: one validated TOML table per source (pydantic), read in one place.

Minimal entry::

    [sources.kprf_msk]
    url = "https://msk.kprf.ru/"

String values may name environment variables as ``${NAME}`` (the bundled demo sites use
it for their loopback ports). Errors name the file, the source and the field.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from transforms.dates import FLOOR
from transforms.frontier import Revisit as RevisitPolicy
from transforms.quality import Thresholds

KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
DEFAULT_USER_AGENT = "trawl/0.1 (+https://github.com/trawl-pipeline/trawl; news research crawler)"


class SourcesError(ValueError):
    """A sources file that cannot be used; the message names file, source and field."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Discovery(Strict):
    """Where to find a source's articles; everything is found automatically when empty."""

    sitemaps: list[HttpUrl] = Field(default_factory=list)
    feeds: list[HttpUrl] = Field(default_factory=list)
    archive_pages: bool = True
    max_pages: int = Field(default=5000, ge=1)  # article pages fetched per run at most; the rest wait
    max_archive_depth: int = Field(default=3, ge=0)
    rest_api: bool = True  # use the WordPress REST API when the site has one


class Crawl(Strict):
    """Politeness: real sites get one request at a time with a delay and AutoThrottle."""

    polite: bool = True
    download_delay: float = Field(default=1.0, ge=0)
    concurrency_per_domain: int = Field(default=1, ge=1, le=64)
    timeout: float = Field(default=30, gt=0)
    user_agent: str = DEFAULT_USER_AGENT
    retries: int = Field(default=2, ge=0, le=10)
    backoff_base: float = Field(default=1.0, ge=0)  # seconds before the first retry, doubling each time
    backoff_max: float = Field(default=120.0, ge=0)
    max_retry_after: float = Field(default=600.0, ge=0)  # a longer Retry-After leaves the site for the next run
    block_after: int = Field(default=3, ge=1)  # this many 403s in a row: the source is reported blocked


class Revisit(Strict):
    """How long and how often recent articles are fetched again (edits come soon after publication)."""

    window_days: float = Field(default=14, ge=0)
    first_hours: float = Field(default=20, gt=0)
    factor: float = Field(default=2.0, ge=1)
    longest_days: float = Field(default=7, gt=0)

    def policy(self) -> RevisitPolicy:
        return RevisitPolicy(
            window=timedelta(days=self.window_days),
            first=timedelta(hours=self.first_hours),
            factor=self.factor,
            longest=timedelta(days=self.longest_days),
        )


class Cleaning(Strict):
    """Site-level boilerplate thresholds: a line recurring in this many / this share of documents."""

    min_docs: int = Field(default=4, ge=2)
    min_share: float = Field(default=0.05, gt=0, le=1)


_DEFAULT = Thresholds()


class Quality(Strict):
    """When the run's quality checks warn about this source (see transforms/quality.py)."""

    max_empty_share: float = Field(default=_DEFAULT.max_empty_share, ge=0, le=1)
    min_words: int = Field(default=_DEFAULT.min_words, ge=0)
    max_missing_metadata_share: float = Field(default=_DEFAULT.max_missing_metadata_share, ge=0, le=1)
    max_future_dates: int = Field(default=_DEFAULT.max_future_dates, ge=0)
    max_duplicate_share: float = Field(default=_DEFAULT.max_duplicate_share, ge=0, le=1)
    duplicate_spike_factor: float = Field(default=_DEFAULT.duplicate_spike_factor, ge=1)
    max_days_without_new: float = Field(default=_DEFAULT.max_days_without_new, gt=0)
    max_boilerplate_only: int = Field(default=_DEFAULT.max_boilerplate_only, ge=0)
    min_pages: int = Field(default=_DEFAULT.min_pages, ge=1)

    def thresholds(self) -> Thresholds:
        return Thresholds(**self.model_dump())


class Source(Strict):
    """One news site or magazine to follow."""

    key: str
    url: HttpUrl
    name: str = ""
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$")
    allowed_domains: list[str] = Field(default_factory=list)
    discovery: Discovery = Field(default_factory=Discovery)
    crawl: Crawl = Field(default_factory=Crawl)
    cleaning: Cleaning = Field(default_factory=Cleaning)
    revisit: Revisit = Field(default_factory=Revisit)
    quality: Quality = Field(default_factory=Quality)
    date_floor: date = FLOOR.date()  # earlier dates on its pages are implausible (an archive may go lower)

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not KEY.match(value):
            raise ValueError("a source key is lower-case letters, digits and _, starting with a letter")
        return value

    @property
    def home(self) -> str:
        return str(self.url)

    @property
    def domains(self) -> list[str]:
        return self.allowed_domains or [urlsplit(self.home).hostname or ""]

    @property
    def display_name(self) -> str:
        return self.name or self.key


def _expand(value: Any, where: str, path: Path) -> Any:
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise SourcesError(f"{path}: {where}: environment variable ${{{name}}} is not set")
            return os.environ[name]

        return _ENV.sub(replace, value)
    if isinstance(value, list):
        return [_expand(v, where, path) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v, f"{where}.{k}", path) for k, v in value.items()}
    return value


def _duplicate_keys(text: str) -> list[str]:
    seen: set[str] = set()
    duplicates = []
    for match in re.finditer(r"^\s*\[\s*sources\.([^\].\s]+)\s*\]", text, re.MULTILINE):
        key = match.group(1).strip("\"'")
        if key in seen:
            duplicates.append(key)
        seen.add(key)
    return duplicates


def load_sources(path: Path | str) -> list[Source]:
    """Read and validate a sources file; raise SourcesError naming file, source and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SourcesError(f"{path}: cannot read the sources file: {error.strerror}") from error
    for key in _duplicate_keys(text):
        raise SourcesError(f"{path}: source '{key}' is defined twice")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SourcesError(f"{path}: not valid TOML: {error}") from error
    unknown = set(data) - {"sources"}
    if unknown:
        raise SourcesError(f"{path}: unknown top-level table(s) {sorted(unknown)}; expected only [sources.<key>]")
    tables = data.get("sources", {})
    if not isinstance(tables, dict) or not tables:
        raise SourcesError(f"{path}: no [sources.<key>] table")
    sources = []
    for key, table in tables.items():
        if not isinstance(table, dict):
            raise SourcesError(f"{path}: source '{key}': expected a table, got {type(table).__name__}")
        entry = _expand(table, f"source '{key}'", path)
        try:
            sources.append(Source(key=key, **entry))
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "(entry)"
            raise SourcesError(f"{path}: source '{key}', field '{field}': {first['msg']}") from error
    return sources


def select(sources: list[Source], keys: list[str] | None, path: Path | str) -> list[Source]:
    """The sources named by key (all when none are named); unknown keys are an error."""
    if not keys:
        return sources
    known = {s.key: s for s in sources}
    missing = [k for k in keys if k not in known]
    if missing:
        raise SourcesError(f"{path}: no source named {', '.join(missing)} (known: {', '.join(known)})")
    return [known[k] for k in keys]
