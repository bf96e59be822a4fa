"""Where the shared benchmark sets live, and reading their pages (extraction-dev, news-dev)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
ENV = "TRAWL_BENCHMARKS"

Case = dict[str, object]
Pages = list[tuple[Case, bytes]]


def _main_checkout(repo: Path) -> Path | None:
    """The main checkout of a git worktree (its ``.git`` is a file naming ``<main>/.git/worktrees/<name>``)."""
    marker = repo / ".git"
    if not marker.is_file():
        return None
    gitdir = Path(marker.read_text().removeprefix("gitdir:").strip())
    return gitdir.parents[2] if gitdir.parent.name == "worktrees" else None


def benchmarks_root(given: Path | None) -> Path:
    """The folder holding the sets: the flag, else $TRAWL_BENCHMARKS, else ``../shared/benchmarks``
    beside the repo (beside the main checkout when run from a git worktree)."""
    if given is not None:
        tried = [given]
    elif os.environ.get(ENV):
        tried = [Path(os.environ[ENV])]
    else:
        tried = [REPO.parent / "shared" / "benchmarks"]
        main = _main_checkout(REPO)
        if main is not None:
            tried.append(main.parent / "shared" / "benchmarks")
    for root in tried:
        if root.is_dir():
            return root
    raise SystemExit(
        f"benchmarks not found (looked in {', '.join(str(p) for p in tried)}); pass --benchmarks DIR or set {ENV}"
    )


def bench_dir(root: Path, name: str, needed: str) -> Path:
    folder = root / name
    if not (folder / needed).is_file():
        raise SystemExit(f"benchmark set {name!r} not found: {folder / needed} is missing")
    return folder


def host(url: object) -> str | None:
    found = urlsplit(str(url)).hostname if url else None
    return found.removeprefix("www.") if found else None


def load_extraction_dev(root: Path, limit: int | None) -> Pages:
    """The annotated cases with their page, matched by the SHA-256 of the page's bytes
    (file names were ASCII-folded or hashed when the set was packed)."""
    bench = bench_dir(root, "extraction-dev", "cases.json")
    by_digest = {}
    for path in (bench / "pages").glob("*.gz"):
        raw = gzip.decompress(path.read_bytes())
        by_digest[hashlib.sha256(raw).hexdigest()] = raw
    pages = []
    for case in json.loads((bench / "cases.json").read_text())[:limit]:
        page = by_digest.get(str(case["sha256"]))
        if page is None:
            raise SystemExit(f"extraction-dev: page missing for case {case['id']} ({case['file']})")
        case["set"] = "extraction-dev"
        # one site per host (a page without URL is a site of its own)
        case["group"] = host(case.get("url")) or f"no-url:{case['id']}"
        pages.append((case, page))
    return pages


def load_news_dev(root: Path, limit: int | None) -> Pages:
    """news-dev's pages with their Fundus truth (``articleBody``, ``title``, ``publisher``, ...)."""
    bench = bench_dir(root, "news-dev", "ground-truth.json")
    pages = []
    for page_id, truth in sorted(json.loads((bench / "ground-truth.json").read_text()).items())[:limit]:
        path = bench / "html" / f"{page_id}.html.gz"
        if not path.is_file():
            raise SystemExit(f"news-dev: page missing for {page_id} ({truth.get('url')}): {path}")
        case: Case = {**truth, "id": page_id, "set": "news-dev", "group": str(truth["publisher"])}
        pages.append((case, gzip.decompress(path.read_bytes())))
    return pages
