"""Golden extraction tests: recorded demo pages and the fields trawl must extract from them.

Each ``tests/golden/<source>/<name>.html`` is a recorded page (with its URL and content
type beside it); ``<name>.expected.json`` is what ``extract_article`` must return for it.
After a deliberate change, regenerate the expected files with
``pytest tests/test_golden.py --update-golden`` and review ``git diff tests/golden``.
New pages are recorded with ``python -m tests.golden.record``.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pytest

from transforms.extract import extract_article
from transforms.serialize import to_dict

GOLDEN = Path(__file__).resolve().parent / "golden"
PAGES = sorted(GOLDEN.glob("*/*.html"))


def extracted(page: Path) -> dict[str, Any]:
    """What trawl extracts from a recorded page, as a JSON-safe dict."""
    request = json.loads(page.with_suffix(".request.json").read_text(encoding="utf-8"))
    result = extract_article(page.read_bytes(), request["url"], content_type=request["content_type"])
    return json.loads(json.dumps(to_dict(result), ensure_ascii=False))


def write_expected(page: Path) -> None:
    """(Re)write a page's expected fields from the current extractor."""
    text = json.dumps(extracted(page), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    page.with_suffix(".expected.json").write_text(text, encoding="utf-8")


def test_every_demo_source_has_several_golden_pages() -> None:
    sources = {page.parent.name for page in PAGES}
    assert sources == {"kprf_demo", "movimento_demo"}
    for source in sources:
        assert len([p for p in PAGES if p.parent.name == source]) >= 4


@pytest.mark.parametrize("page", PAGES, ids=[f"{p.parent.name}/{p.stem}" for p in PAGES])
def test_golden_page(page: Path, update_golden: bool) -> None:
    if update_golden:
        write_expected(page)
    expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
    got = extracted(page)
    differing = [k for k in sorted(expected.keys() | got.keys()) if expected.get(k) != got.get(k)]
    assert not differing, f"{page.name}: {', '.join(differing)} differ:\n" + "\n".join(
        describe(k, expected.get(k), got.get(k)) for k in differing
    )


def describe(field: str, expected: Any, got: Any) -> str:
    """A short, readable difference of one field (a unified diff for texts)."""
    if isinstance(expected, str) and isinstance(got, str):
        diff = difflib.unified_diff(expected.split("\n"), got.split("\n"), "expected", "got", lineterm="", n=0)
        return f"{field}:\n" + "\n".join(line[:160] for line in list(diff)[:20])
    return f"{field}: expected {expected!r:.300}, got {got!r:.300}"
