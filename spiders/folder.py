"""One crawl's folder (``data/raw/<source>/<run>``): every file in it is named here, and read here.

Written by the flow before the crawl: ``job.json`` (the crawl job), ``known.json`` (the frontier
snapshot) and ``known_rest_names.json`` (REST ids already named). Written by the spider:
``crawl.warc.gz`` (``crawl-N.warc.gz`` after an interrupted attempt), ``manifest.jsonl`` (a row
per response), ``candidates.jsonl``, ``rest.jsonl`` and ``rest_names.json`` (what the REST API
said), ``stats.json`` (Scrapy's stats), and ``crawl.log``. Written by extraction:
``extracted.jsonl``. Every reader goes through ``CrawlFolder``, each stage reads a file once.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload


class _File:
    """A file of the crawl folder, as a read-only attribute: ``folder.manifest`` is its path."""

    def __init__(self, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, folder: None, owner: type) -> _File: ...

    @overload
    def __get__(self, folder: CrawlFolder, owner: type) -> Path: ...

    def __get__(self, folder: CrawlFolder | None, owner: type) -> Path | _File:
        return self if folder is None else folder.path / self.name


def _row(line: str) -> dict[str, Any]:
    """One JSON-lines row, its keys interned: the rows of a file share their key strings (a
    manifest of 10,000 rows took 34 MB with a copy of every key per row, 22 MB without)."""
    return {sys.intern(key): value for key, value in json.loads(line).items()}


@dataclass(frozen=True)
class CrawlFolder:
    """The files of one crawl."""

    path: Path

    JOB = "job.json"
    KNOWN = "known.json"
    KNOWN_REST_NAMES = "known_rest_names.json"
    MANIFEST = "manifest.jsonl"
    CANDIDATES = "candidates.jsonl"
    REST = "rest.jsonl"
    REST_NAMES = "rest_names.json"
    STATS = "stats.json"
    EXTRACTED = "extracted.jsonl"
    LOG = "crawl.log"
    WARC = "crawl.warc.gz"

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))

    job = _File(JOB)
    manifest = _File(MANIFEST)
    candidates = _File(CANDIDATES)
    extracted = _File(EXTRACTED)
    log = _File(LOG)

    def next_warc(self) -> str:
        """crawl.warc.gz, or crawl-N.warc.gz when earlier (possibly truncated) attempts left files."""
        name, n = self.WARC, 0
        while (self.path / name).exists():
            n += 1
            name = f"{self.WARC.removesuffix('.warc.gz')}-{n}.warc.gz"
        return name

    def manifest_rows(self) -> Iterator[dict[str, Any]]:
        """Manifest rows in write order; a truncated last line (crash mid-write) is skipped."""
        if not self.manifest.exists():
            return
        with self.manifest.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                try:
                    row = _row(line)
                except ValueError:
                    if not line.endswith("\n"):  # the writer died mid-line: the last row is lost
                        return
                    raise
                yield row

    def json_lines(self, name: str) -> list[dict[str, Any]]:
        """The rows of a JSON-lines file of the folder ([] when it was never written)."""
        path = self.path / name
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as fh:
            return [_row(line) for line in fh if line.strip()]

    def read_json(self, name: str, default: Any = None) -> Any:
        """A JSON file of the folder, or ``default`` when it was never written."""
        path = self.path / name
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else default

    def write_json(self, name: str, data: Any, **dump: Any) -> Path:
        """Write a JSON file of the folder atomically (a temporary file, then a rename)."""
        return self.write_text(name, json.dumps(data, ensure_ascii=False, **dump))

    def write_text(self, name: str, text: str) -> Path:
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / name
        tmp = target.with_name(f"{name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
        return target

    def stats(self) -> dict[str, Any]:
        """The crawl's Scrapy stats ({} before the crawl ended)."""
        stats: dict[str, Any] = self.read_json(self.STATS, {})
        return stats
